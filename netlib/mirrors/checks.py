"""External check: real ban-evasion pairs (banned account -> new account).

The Wikipedia ban-evasion sample of Niverthi, Verma & Kumar (WWW 2022) lists banned
*parent* accounts with their block time and the *child* accounts that evaded the ban,
with their creation time. Only names and times are known, so this check measures what
the identity and lifecycle signals alone can find: the name similarity of each pair,
the creation gap after the block, and whether :func:`~netlib.mirrors.detect_mirrors` run
on the pairs' accounts links each child back to its own parent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.mirrors import _columns as C
from netlib.mirrors import detect_mirrors
from netlib.mirrors._util import edit_similarity, jw_similarity
from netlib.mirrors.names import skeleton, stem
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    CREATED_AT,
    HANDLE,
    KIND,
    PLATFORM,
    STATUS,
    SUSPENDED_AT,
    TIMESTAMP,
)
from netlib.units import to_seconds

__all__ = ["ban_evasion_pairs", "ban_evasion_check"]

_PARENT, _CHILD = "parent", "child"
_NEEDED = ("parent-username", "parent-block-time", "child-username", "child-creation-time")


def ban_evasion_pairs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack the sample's tables that name a child into one frame of pairs.

    Parameters
    ----------
    tables : dict of DataFrame
        ``{file name: frame}`` as read from the ``*_meta.csv`` files; tables without a
        child (task 1) are skipped.

    Returns
    -------
    DataFrame
        ``source, parent_id, parent, parent_created, parent_blocked, child_id, child,
        child_created`` (times as UTC timestamps).

    Raises
    ------
    ParameterError
        If no table has the parent/child columns.
    """
    rows = []
    for name, frame in tables.items():
        if not set(_NEEDED) <= set(frame.columns):
            continue
        rows.append(pd.DataFrame({
            "source": name,
            "parent_id": frame["parent-id"].astype(str).to_numpy(),
            "parent": frame["parent-username"].astype(str).to_numpy(),
            "parent_created": pd.to_datetime(frame["parent-creation-time"], utc=True).to_numpy(),
            "parent_blocked": pd.to_datetime(frame["parent-block-time"], utc=True).to_numpy(),
            "child_id": frame["child-id"].astype(str).to_numpy(),
            "child": frame["child-username"].astype(str).to_numpy(),
            "child_created": pd.to_datetime(frame["child-creation-time"], utc=True).to_numpy(),
        }))
    if not rows:
        raise ParameterError("no table has the columns " + ", ".join(_NEEDED))
    out = pd.concat(rows, ignore_index=True)
    for col in ("parent_created", "parent_blocked", "child_created"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out


def ban_evasion_check(pairs: pd.DataFrame, *, before: float | str = "7D",
                      after: float | str = "30D",
                      name_threshold: float = 0.8) -> tuple[pd.DataFrame, dict]:
    """What identity and lifecycle signals find among real ban-evasion pairs.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`ban_evasion_pairs`.
    before, after : float or str
        The successor window passed to :func:`detect_mirrors`: seconds, or strings such
        as ``"7D"`` and ``"12h"``.
    name_threshold : float
        A pair counts as "found by name" when the Jaro-Winkler similarity of the handle
        stems reaches this value.

    Returns
    -------
    (per_pair, summary)
        ``per_pair``: the pairs plus ``handle_sim, handle_edit_sim, gap_hours,
        in_window, found_by_name, score, linked, linked_to`` (``score``: the detector's
        score of the pair, NaN when it was not even a candidate; ``linked``: the detector,
        run on all pairs' accounts at once, linked the child to its own parent;
        ``linked_to``: the parent it chose, if any). ``summary``: counts.
    """
    out = pairs.copy()
    ps = [stem(x) for x in out["parent"]]
    cs = [stem(x) for x in out["child"]]
    out[C.HANDLE_SIM] = np.maximum(jw_similarity(ps, cs),
                                   jw_similarity([skeleton(x) for x in out["parent"]],
                                                 [skeleton(x) for x in out["child"]]))
    out[C.HANDLE_EDIT_SIM] = edit_similarity(ps, cs)
    out[C.GAP_HOURS] = (out["child_created"] - out["parent_blocked"]).dt.total_seconds() / 3600
    before = to_seconds(before, name="before", allow_zero=True)
    after = to_seconds(after, name="after", allow_zero=True)
    lo, hi = -pd.Timedelta(seconds=before), pd.Timedelta(seconds=after)
    gap = out["child_created"] - out["parent_blocked"]
    out["in_window"] = (gap >= lo) & (gap <= hi)
    out["found_by_name"] = out[C.HANDLE_SIM] >= name_threshold

    parents = out.drop_duplicates("parent_id")
    children = out.drop_duplicates("child_id")
    accounts = pd.DataFrame({
        ACCOUNT_ID: [f"{_PARENT}:{i}" for i in parents["parent_id"]]
        + [f"{_CHILD}:{i}" for i in children["child_id"]],
        PLATFORM: "wikipedia",
        HANDLE: list(parents["parent"]) + list(children["child"]),
        CREATED_AT: list(parents["parent_created"]) + list(children["child_created"]),
        STATUS: ["suspended"] * len(parents) + ["active"] * len(children),
        SUSPENDED_AT: list(parents["parent_blocked"]) + [pd.NaT] * len(children),
    })
    actions = pd.DataFrame(columns=[ACTION_ID, ACCOUNT_ID, TIMESTAMP, KIND])
    data = Dataset.from_frames(accounts, actions, source="wiki_ban_evasion",
                               now=pd.Timestamp("2030-01-01", tz="UTC"))
    result = detect_mirrors(data, before=before, after=after, min_candidate_score=0.0)
    cand = result.candidates
    pair = zip(cand[C.PREDECESSOR_ID], cand[C.SUCCESSOR_ID], strict=True)
    own = dict(zip(pair, cand[C.SCORE], strict=True))
    out[C.SCORE] = [own.get((f"{_PARENT}:{p}", f"{_CHILD}:{c}"), np.nan)
                    for p, c in zip(out["parent_id"], out["child_id"], strict=True)]
    chosen = dict(zip(result.links[C.PREDECESSOR_ID], result.links[C.SUCCESSOR_ID],
                      strict=True))
    out["linked_to"] = [chosen.get(f"{_PARENT}:{p}") for p in out["parent_id"]]
    out["linked"] = [chosen.get(f"{_PARENT}:{p}") == f"{_CHILD}:{c}"
                     for p, c in zip(out["parent_id"], out["child_id"], strict=True)]
    summary = {
        "pairs": int(len(out)),
        "in_window": int(out["in_window"].sum()),
        "found_by_name": int(out["found_by_name"].sum()),
        "candidates": int(out[C.SCORE].notna().sum()),
        "threshold": float(result.threshold),
        "linked": int(out["linked"].sum()),
        "wrong_links": int(len(result.links) - out["linked"].sum()),
        "median_gap_hours": float(out[C.GAP_HOURS].median()),
        "params": {"before": before, "after": after, "name_threshold": name_threshold},
    }
    return out, summary
