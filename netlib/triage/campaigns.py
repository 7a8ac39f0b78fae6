"""Coordinated complaints: bursts of near-identical reports against one target.

Reporting campaigns against critics are a documented tactic: many complaints about the
same account, sent within hours, with the same wording or from the same few submitters.
:func:`complaint_campaigns` asks whether the complaint stream itself is coordinated, with
the co-action machinery and null model of coordination (:mod:`netlib.coaction`):

* every dated complaint is one action; two complaints *co-act* when they lie within
  ``window`` of each other and carry near-duplicate text (trace ``complaint_text``, MinHash
  groups as in :func:`netlib.traces.near_duplicate_groups`) or come from the same submitter
  (trace ``complaint_submitter``);
* only co-actions between complaints against the same target count (``observed``);
* the null keeps every complaint when it was sent and shuffles which text group (which
  submitter) it carries among the complaints of its time bin (``null_bin``; by default one
  bin spans the whole stream, so a wording many people use all along is expected, and a
  wording that turns up only in one burst against one account is not). The expected
  co-actions between two complaints against the target are ``kappa * s_h``
  (:func:`netlib.coaction.expected_coactions`), summed over every pair of the target's
  complaints within the window (``expected``);
* a target is tested when it has ``min_size`` dated complaints or more:
  ``P(Poisson(expected) >= observed)``, with Benjamini–Hochberg q-values over the targets
  tested. In a significant target, co-acting complaints form groups; groups within
  ``window`` of each other are one burst, and a burst of ``min_size`` or more complaints
  is one campaign.

A campaign says that the *complaints* are coordinated. It is not evidence about the
target, who is often the one under attack.

References
----------
Pacheco, D., et al. (2021). Uncovering coordinated networks on social media. ICWSM.
Benjamini, Y., & Hochberg, Y. (1995). JRSS B, 57(1), 289-300.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import ClassVar

import networkx as nx
import numpy as np
import pandas as pd

from netlib.coaction import (
    bin_statistics,
    co_actions,
    expected_coactions,
    null_calibration,
    poisson_pvalues,
)
from netlib.errors import ParameterError
from netlib.io.watchlist import ENTRY, RECEIVED_AT, SUBMITTER_ID, TEXT
from netlib.options import Options
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    OBJECT_ID,
    TIMESTAMP,
    TRACE,
)
from netlib.stats import qvalues
from netlib.traces import near_duplicate_groups, normalize_text
from netlib.units import seed_value, to_seconds

__all__ = ["CampaignConfig", "Campaigns", "complaint_campaigns", "CAMPAIGN_ID",
           "CAMPAIGN_SIZE", "CAMPAIGN_COLUMNS", "TARGET"]

CAMPAIGN_ID = "complaint_campaign_id"
CAMPAIGN_SIZE = "campaign_size"
TARGET = "target"
TEXT_TRACE = "complaint_text"
SUBMITTER_TRACE = "complaint_submitter"
#: Columns of the campaign table (one row per campaign).
CAMPAIGN_COLUMNS = (
    CAMPAIGN_ID, TARGET, "target_label", CAMPAIGN_SIZE, "n_submitters", "entries", "submitters",
    "shared_text", "first_received_at", "last_received_at", "span_hours",
    "n_text_pairs", "n_submitter_pairs", "observed", "expected", "p_value", "q_value",
    "evidence",
)
#: Per-target tests (one row per target with ``min_size`` dated complaints or more).
TEST_COLUMNS = (TARGET, "n_complaints", "observed", "expected", "p_value", "q_value")
_SHOWN_TEXT = 200


@dataclass(frozen=True)
class CampaignConfig(Options):
    """Options of :func:`complaint_campaigns`, checked when made.

    Attributes
    ----------
    window : float or str
        Largest gap between two complaints for them to co-act (seconds, or e.g. ``"24h"``).
    null_bin : float or str, optional
        Length of the null model's time bins (seconds, or e.g. ``"30D"``); None (the
        default): one bin over the whole complaint stream.
    text_threshold : float
        Similarity above which two complaint texts are near-duplicates, in (0, 1].
    min_size : int
        Least complaints in a campaign, and least dated complaints for a target to be
        tested (>= 2).
    fdr : float
        False discovery rate over the targets tested, in (0, 1].
    n_null : int
        Shuffled replicates that calibrate the analytic null (0: none).
    seed : int
        Seed of the null shuffles and the MinHash permutations.

    Raises
    ------
    ParameterError
        If an option is out of range or unknown.

    Examples
    --------
    >>> CampaignConfig(window="6h").window
    21600.0
    """

    option_kind: ClassVar[str] = "complaint campaign"

    window: float | str = "24h"
    null_bin: float | str | None = None
    text_threshold: float = 0.6
    min_size: int = 3
    fdr: float = 0.01
    n_null: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("window", to_seconds(self.window, name="window"))
        if self.null_bin is not None:
            set_("null_bin", to_seconds(self.null_bin, name="null_bin"))
        set_("seed", seed_value(self.seed, name="seed"))
        if not 0 < float(self.text_threshold) <= 1:
            raise ParameterError(f"text_threshold={self.text_threshold!r} must be in (0, 1]")
        if not 0 < float(self.fdr) <= 1:
            raise ParameterError(f"fdr={self.fdr!r} must be in (0, 1]")
        if not isinstance(self.min_size, (int, np.integer)) or self.min_size < 2:
            raise ParameterError(f"min_size={self.min_size!r} must be an integer >= 2")
        if not isinstance(self.n_null, (int, np.integer)) or self.n_null < 0:
            raise ParameterError(f"n_null={self.n_null!r} must be an integer >= 0")


@dataclass
class Campaigns:
    """What :func:`complaint_campaigns` found.

    Attributes
    ----------
    campaigns : DataFrame
        One row per campaign, columns :data:`CAMPAIGN_COLUMNS` (``target_label`` is the
        target as readers know it; :func:`netlib.triage.triage` fills in the handle).
    members : DataFrame
        ``entry, complaint_campaign_id, campaign_size``: one row per complaint in a campaign.
    tests : DataFrame
        One row per target tested, columns ``target, n_complaints, observed, expected,
        p_value, q_value``.
    params : dict
        The config and the counts (complaints, dated, with text, with submitter).
    """

    campaigns: pd.DataFrame
    members: pd.DataFrame
    tests: pd.DataFrame
    params: dict


def _table(entries: pd.DataFrame, targets: pd.Series, config: CampaignConfig
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dated complaints with a target, and their trace table (one action per trace)."""
    when = pd.to_datetime(entries[RECEIVED_AT], utc=True, errors="coerce")
    keep = when.notna().to_numpy() & targets.astype(str).ne("").to_numpy()
    rows = pd.DataFrame({ENTRY: entries[ENTRY].to_numpy()[keep],
                         TARGET: targets.astype(str).to_numpy()[keep],
                         TIMESTAMP: when[keep].to_numpy(),
                         SUBMITTER_ID: (entries[SUBMITTER_ID].astype(str).to_numpy()[keep]
                                        if SUBMITTER_ID in entries else ""),
                         TEXT: (entries[TEXT].astype(str).to_numpy()[keep]
                                if TEXT in entries else "")})
    rows[TIMESTAMP] = pd.to_datetime(rows[TIMESTAMP], utc=True)
    rows[ACCOUNT_ID] = "complaint:" + rows[ENTRY].astype(str)
    norm = rows[TEXT].map(normalize_text)
    parts = []
    has_text = norm.ne("").to_numpy()
    if has_text.any():
        groups = near_duplicate_groups(norm[has_text].tolist(),
                                       threshold=float(config.text_threshold),
                                       seed=int(config.seed))
        parts.append(pd.DataFrame({TRACE: TEXT_TRACE,
                                   OBJECT_ID: [f"text:{g}" for g in groups],
                                   ACCOUNT_ID: rows.loc[has_text, ACCOUNT_ID].to_numpy(),
                                   TIMESTAMP: rows.loc[has_text, TIMESTAMP].to_numpy()}))
    has_sub = rows[SUBMITTER_ID].ne("").to_numpy()
    if has_sub.any():
        parts.append(pd.DataFrame({TRACE: SUBMITTER_TRACE,
                                   OBJECT_ID: "submitter:" + rows.loc[has_sub, SUBMITTER_ID],
                                   ACCOUNT_ID: rows.loc[has_sub, ACCOUNT_ID].to_numpy(),
                                   TIMESTAMP: rows.loc[has_sub, TIMESTAMP].to_numpy()}))
    if not parts:
        return rows, pd.DataFrame(columns=[ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID])
    table = pd.concat(parts, ignore_index=True)
    table[TIMESTAMP] = pd.to_datetime(table[TIMESTAMP], utc=True)
    table[ACTION_ID] = table[TRACE] + "/" + table[ACCOUNT_ID]
    return rows, table[[ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID]]


def _target_pairs(rows: pd.DataFrame, tested: set[str], window: float) -> pd.DataFrame:
    """Every pair of complaints against one tested target sent within ``window``."""
    out = []
    for target, group in rows[rows[TARGET].isin(tested)].groupby(TARGET, sort=True):
        ids = group[ACCOUNT_ID].to_numpy()
        secs = group[TIMESTAMP].astype("int64").to_numpy() / 1e9
        i, j = np.triu_indices(len(ids), k=1)
        near = np.abs(secs[i] - secs[j]) <= window
        a, b = ids[i[near]], ids[j[near]]
        out.append(pd.DataFrame({TARGET: target, ACCOUNT_ID: np.minimum(a, b),
                                 ACCOUNT_ID_Y: np.maximum(a, b)}))
    if not out:
        return pd.DataFrame(columns=[TARGET, ACCOUNT_ID, ACCOUNT_ID_Y])
    return pd.concat(out, ignore_index=True)


def complaint_campaigns(entries: pd.DataFrame, targets: pd.Series | None = None,
                        config: CampaignConfig | None = None, **overrides) -> Campaigns:
    """Find coordinated complaint campaigns: bursts against one target, tested against chance.

    Parameters
    ----------
    entries : DataFrame
        Normalised watch-list entries (:func:`netlib.io.watchlist.watchlist_frame`) with
        ``received_at`` and, where known, ``submitter_id`` and ``text``.
    targets : Series, optional
        The target of each entry (same order), e.g. the matched account ids; entries with
        an empty target are left out. Default: the entry's ``account_id``, else its
        ``handle`` case-folded without ``@``.
    config : CampaignConfig, optional
        The options; ``overrides`` change single ones (e.g. ``window="6h"``).

    Returns
    -------
    Campaigns
        ``campaigns`` (one row per campaign: the complaints, submitters, shared text, time
        span, observed and expected co-actions, p- and q-value, and a sentence of
        evidence), ``members`` (``entry, complaint_campaign_id, campaign_size``), ``tests``
        (every target tested) and ``params``.

    Raises
    ------
    ParameterError
        If an option is out of range or unknown, or ``targets`` does not have one value
        per entry.

    Examples
    --------
    >>> import pandas as pd
    >>> burst = pd.date_range("2025-01-10T10:00Z", periods=6, freq="20min")
    >>> organic = pd.date_range("2025-01-01T00:00Z", periods=40, freq="17h")
    >>> entries = pd.DataFrame({
    ...     "entry": range(1, 47),
    ...     "handle": ["critic"] * 6 + [f"user{i % 20}" for i in range(40)],
    ...     "received_at": burst.append(organic),
    ...     "text": ["This account spreads lies, remove it now!"] * 6
    ...             + [f"complaint number {i}: {'spam ' * (i % 7)}replies" for i in range(40)]})
    >>> found = complaint_campaigns(entries)
    >>> found.campaigns[["target", "campaign_size", "observed"]].values.tolist()
    [['critic', 6, 15]]
    """
    config = CampaignConfig.build(config, **overrides)
    if targets is None:
        ids = entries.get(ACCOUNT_ID, pd.Series("", index=entries.index))
        handles = entries.get("handle", pd.Series("", index=entries.index))
        targets = pd.Series(np.where(ids.astype(str).str.strip().ne(""), ids.astype(str),
                                     handles.astype(str).str.strip().str.lstrip("@")
                                     .str.casefold()), index=entries.index)
    if len(targets) != len(entries):
        raise ParameterError(f"complaint_campaigns: {len(targets)} targets for "
                             f"{len(entries)} entries (expected one per entry)")
    targets = pd.Series(np.asarray(targets, dtype=object), index=entries.index).fillna("")
    rows, table = _table(entries, targets, config)
    params = {**asdict(config), "complaints": len(entries), "dated": len(rows),
              "with_text": int(rows[TEXT].ne("").sum()) if len(rows) else 0,
              "with_submitter": int(rows[SUBMITTER_ID].ne("").sum()) if len(rows) else 0}
    counts = rows[TARGET].value_counts()
    tested = set(counts.index[counts >= int(config.min_size)])
    found = _test(rows, table, tested, config)
    return Campaigns(*found, params=params)


def _test(rows: pd.DataFrame, table: pd.DataFrame, tested: set[str], config: CampaignConfig
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    empty = (pd.DataFrame(columns=list(CAMPAIGN_COLUMNS)),
             pd.DataFrame(columns=[ENTRY, CAMPAIGN_ID, CAMPAIGN_SIZE]),
             pd.DataFrame(columns=list(TEST_COLUMNS)))
    if not tested or table.empty:
        return empty
    window = float(config.window)
    secs = table[TIMESTAMP].astype("int64") // 10**9
    # by default one bin longer than the epoch time of the last complaint holds them all
    bin_s = float(config.null_bin) if config.null_bin is not None else float(secs.max() + 1)
    target_of = dict(zip(rows[ACCOUNT_ID], rows[TARGET], strict=True))
    pairs = co_actions(table, window=window, min_participation=0, with_times=False)
    if len(pairs):
        a, b = pairs[ACCOUNT_ID].astype(str), pairs[ACCOUNT_ID_Y].astype(str)
        same = a.map(target_of).eq(b.map(target_of)) & a.map(target_of).isin(tested)
        pairs = pd.DataFrame({TRACE: pairs[TRACE].to_numpy(), TARGET: a.map(target_of),
                              ACCOUNT_ID: np.minimum(a, b), ACCOUNT_ID_Y: np.maximum(a, b)}
                             )[same.to_numpy()].drop_duplicates()
    bins, _ = bin_statistics(table, bin_seconds=bin_s)
    calib = null_calibration(table, bins, window=window, bin_seconds=bin_s,
                             n_null=int(config.n_null), seed=int(config.seed))
    kappa = dict(zip(calib[TRACE], calib["kappa"], strict=True))
    candidates = _target_pairs(rows, tested, window)
    candidates["expected"] = expected_coactions(candidates, table, bins, window=window,
                                                bin_seconds=bin_s, kappa=kappa)
    n = rows[rows[TARGET].isin(tested)].groupby(TARGET).size()
    tests = pd.DataFrame({"n_complaints": n})
    tests["observed"] = (pairs.groupby(TARGET).size() if len(pairs) else
                         pd.Series(dtype=float)).reindex(tests.index).fillna(0).astype(int)
    tests["expected"] = candidates.groupby(TARGET)["expected"].sum().reindex(
        tests.index).fillna(0.0)
    tests["p_value"] = poisson_pvalues(tests["observed"].to_numpy(),
                                       tests["expected"].to_numpy())
    tests["q_value"] = qvalues(tests["p_value"].to_numpy())
    tests = tests.rename_axis(TARGET).reset_index()[list(TEST_COLUMNS)]
    hits = tests[tests["q_value"] <= float(config.fdr)]
    campaigns = []
    for test in hits.to_dict("records"):
        links = pairs[pairs[TARGET] == test[TARGET]]
        graph = nx.Graph()
        graph.add_edges_from(zip(links[ACCOUNT_ID], links[ACCOUNT_ID_Y], strict=True))
        for nodes in _bursts(graph, rows.set_index(ACCOUNT_ID)[TIMESTAMP], window):
            if len(nodes) >= int(config.min_size):
                inside = links[links[ACCOUNT_ID].isin(nodes)]
                campaigns.append(_describe(rows[rows[ACCOUNT_ID].isin(nodes)], inside, test))
    if not campaigns:
        return empty[0], empty[1], tests
    out = pd.DataFrame(campaigns).sort_values(["first_received_at", TARGET], kind="stable")
    out.insert(0, CAMPAIGN_ID, [f"CC{i}" for i in range(1, len(out) + 1)])
    out["evidence"] = [_sentence(r) for r in out.to_dict("records")]
    members = out[[CAMPAIGN_ID, CAMPAIGN_SIZE, "entries"]].assign(
        **{ENTRY: out["entries"].str.split()}).explode(ENTRY)
    members[ENTRY] = members[ENTRY].astype(int)
    return (out[list(CAMPAIGN_COLUMNS)].reset_index(drop=True),
            members[[ENTRY, CAMPAIGN_ID, CAMPAIGN_SIZE]].reset_index(drop=True), tests)


def _bursts(graph: nx.Graph, when: pd.Series, window: float) -> list[set]:
    """Co-acting groups of complaints, merged when their times come within ``window``.

    Three people who each send several complaints against one account in the same evening
    are one burst, though no two of them share a submitter or a wording.
    """
    groups = sorted((when[list(nodes)].min(), when[list(nodes)].max(), set(nodes))
                    for nodes in nx.connected_components(graph))
    out: list[list] = []
    for start, end, nodes in groups:
        if out and (start - out[-1][1]).total_seconds() <= window:
            out[-1][1] = max(out[-1][1], end)
            out[-1][2] |= nodes
        else:
            out.append([start, end, nodes])
    return [nodes for _, _, nodes in out]


def _describe(complaints: pd.DataFrame, links: pd.DataFrame, test: dict) -> dict:
    """One campaign: its complaints, submitters, shared text, span and the target's test."""
    complaints = complaints.sort_values([TIMESTAMP, ENTRY])
    first, last = complaints[TIMESTAMP].min(), complaints[TIMESTAMP].max()
    submitters = [s for s in dict.fromkeys(complaints[SUBMITTER_ID]) if s]
    texts = Counter(t for t in complaints[TEXT] if t)
    shared = texts.most_common(1)[0][0] if texts else ""
    return {TARGET: test[TARGET], "target_label": test[TARGET], CAMPAIGN_SIZE: len(complaints),
            "n_submitters": len(submitters),
            "entries": " ".join(str(e) for e in complaints[ENTRY]),
            "submitters": " ".join(submitters),
            "shared_text": shared[:_SHOWN_TEXT] + ("…" if len(shared) > _SHOWN_TEXT else ""),
            "first_received_at": first, "last_received_at": last,
            "span_hours": round((last - first).total_seconds() / 3600, 2),
            "n_text_pairs": int((links[TRACE] == TEXT_TRACE).sum()),
            "n_submitter_pairs": int((links[TRACE] == SUBMITTER_TRACE).sum()),
            "observed": int(test["observed"]), "expected": float(test["expected"]),
            "p_value": float(test["p_value"]), "q_value": float(test["q_value"])}


def _sentence(row: dict) -> str:
    how = []
    if row["n_text_pairs"]:
        how.append("near-identical wording")
    if row["n_submitter_pairs"]:
        how.append("repeat submitters")
    return (f"coordinated complaint campaign: {row[CAMPAIGN_SIZE]} complaints from "
            f"{row['n_submitters']} submitters within {row['span_hours']:g} h "
            f"({' and '.join(how)}); {row['observed']} co-complaint pairs against the target "
            f"where {row['expected']:.2g} were expected by chance ({_q_text(row['q_value'])}). "
            "A coordinated complaint campaign is not evidence against its target")


def _q_text(q: float) -> str:
    return "q < 1e-12" if q < 1e-12 else f"q = {q:.2g}"
