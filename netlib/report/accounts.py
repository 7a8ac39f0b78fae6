"""Why is this account here? One row per account a report names, with the reasons.

The briefing's account index and the explorer's evidence card both start from
:func:`account_index`: every account in a coordinated network, a mirror chain, the operator
ranking or the watch-list triage, with the facts that put it there in plain words.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netlib.plots import account_labels, coordination_edges
from netlib.report._common import is_missing, label_of, result_frame
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CATEGORY,
    CHAIN_ID,
    CLUSTER_ID,
    PREDECESSOR_ID,
    PRIORITY,
    Q_VALUE,
    RANK,
    SCORE,
    SUCCESSOR_ID,
    TOP_SIGNAL,
)

__all__ = ["account_index", "INDEX_COLUMNS"]

#: Columns of :func:`account_index`.
INDEX_COLUMNS = [ACCOUNT_ID, "account", CLUSTER_ID, "n_ties", "min_q_value", CHAIN_ID,
                 "mirror_of", "mirror_score", "hub_rank", TOP_SIGNAL, "triage", "why"]


def _q_text(q: float) -> str:
    return "< 1e-10" if q < 1e-10 else f"{q:.2g}"


def account_index(analysis: Any) -> pd.DataFrame:
    """Every account the analyses name, with the reasons in plain words.

    Parameters
    ----------
    analysis : Analysis-like
        ``dataset`` plus optional ``coordination``, ``mirrors``, ``hubs`` and ``triage``.

    Returns
    -------
    DataFrame
        ``account_id, account, cluster_id, n_ties, min_q_value, chain_id, mirror_of,
        mirror_score, hub_rank, top_signal, triage, why``: ``account`` the display label
        (``@handle (platform)``, unescaped), ``n_ties`` significant co-action ties,
        ``min_q_value`` the strongest tie's q-value, ``mirror_of`` the account it appears
        to re-create (label) with ``mirror_score``, ``triage`` the watch-list category, and
        ``why`` one sentence per reason. Sorted by hub rank, then network, then label.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> data = SimpleNamespace(accounts=pd.DataFrame(
    ...     {"account_id": ["1", "2"], "handle": ["ann", "bob"], "platform": ["x", "x"]}))
    >>> coord = SimpleNamespace(
    ...     clusters=pd.DataFrame({"account_id": ["1", "2"], "cluster_id": [0, 0]}),
    ...     edges=pd.DataFrame({"account_id": ["1"], "account_id_y": ["2"],
    ...                         "q_value": [1e-12]}))
    >>> index = account_index(SimpleNamespace(dataset=data, coordination=coord))
    >>> index.loc[0, "why"]
    ['in network 0: 1 significant co-action tie (strongest q-value < 1e-10)']
    """
    labels = account_labels(analysis.dataset)
    rows: dict[str, dict[str, Any]] = {}

    def row(account_id: Any) -> dict[str, Any]:
        key = str(account_id)
        if key not in rows:
            rows[key] = {ACCOUNT_ID: key, "account": label_of(labels, key), CLUSTER_ID: None,
                         "n_ties": 0, "min_q_value": np.nan, CHAIN_ID: None, "mirror_of": None,
                         "mirror_score": np.nan, "hub_rank": np.nan, TOP_SIGNAL: None,
                         "triage": None, "why": []}
        return rows[key]

    coordination = getattr(analysis, "coordination", None)
    clusters = result_frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    if clusters is not None:
        for account, cid in zip(clusters[ACCOUNT_ID], clusters[CLUSTER_ID], strict=True):
            row(account)[CLUSTER_ID] = cid
    if edges is not None and not edges.empty:
        ends = pd.concat([edges[[ACCOUNT_ID]].assign(_q=edges.get(Q_VALUE, np.nan)),
                          edges[[ACCOUNT_ID_Y]].rename(columns={ACCOUNT_ID_Y: ACCOUNT_ID})
                          .assign(_q=edges.get(Q_VALUE, np.nan))])
        ends[ACCOUNT_ID] = ends[ACCOUNT_ID].astype(str)
        stats = ends.groupby(ACCOUNT_ID)["_q"].agg(["size", "min"])
        for account, (n, q) in stats.iterrows():
            if account in rows or clusters is None:
                r = row(account)
                r["n_ties"], r["min_q_value"] = int(n), float(q)
    for r in rows.values():
        if r[CLUSTER_ID] is not None:
            ties = f"{r['n_ties']:,} significant co-action tie{'s' if r['n_ties'] != 1 else ''}"
            if not is_missing(r["min_q_value"]):
                ties += f" (strongest q-value {_q_text(r['min_q_value'])})"
            r["why"].append(f"in network {r[CLUSTER_ID]}: {ties}")

    mirrors = getattr(analysis, "mirrors", None)
    chains = result_frame(mirrors, "chains")
    links = result_frame(mirrors, "links")
    if chains is not None:
        for account, chain in zip(chains[ACCOUNT_ID], chains[CHAIN_ID], strict=True):
            row(account)[CHAIN_ID] = chain
    if links is not None and not links.empty:
        best = links.sort_values(SCORE, ascending=False, kind="stable") if SCORE in links \
            else links
        for rec in best.drop_duplicates(SUCCESSOR_ID).to_dict("records"):
            r = row(rec[SUCCESSOR_ID])
            score = rec.get(SCORE)
            r["mirror_of"] = label_of(labels, rec[PREDECESSOR_ID])
            r["mirror_score"] = np.nan if is_missing(score) else float(score)
            shown = "" if is_missing(score) else f" (score {float(score):.2f})"
            r["why"].append(f"looks like a re-creation of {r['mirror_of']}{shown}")
        for predecessor, group in links.groupby(links[PREDECESSOR_ID].astype(str)):
            names = ", ".join(label_of(labels, s) for s in group[SUCCESSOR_ID].head(3))
            row(predecessor)["why"].append(f"re-created as {names}")
    for r in rows.values():
        if r[CHAIN_ID] is not None and not any("re-creat" in w for w in r["why"]):
            r["why"].append(f"in mirror chain {r[CHAIN_ID]}")

    hubs = result_frame(getattr(analysis, "hubs", None), "hubs")
    if hubs is not None and RANK in hubs:
        for rec in hubs.sort_values(RANK, kind="stable").head(50).to_dict("records"):
            r = row(rec[ACCOUNT_ID])
            r["hub_rank"] = float(rec[RANK])
            signal = rec.get(TOP_SIGNAL)
            r[TOP_SIGNAL] = None if is_missing(signal) else str(signal)
            r["why"].append(f"likely operator, rank {int(rec[RANK])}"
                            + (f" (strongest signal: {signal})" if r[TOP_SIGNAL] else ""))

    triage = getattr(analysis, "triage", None)
    if isinstance(triage, pd.DataFrame) and ACCOUNT_ID in triage and CATEGORY in triage:
        ordered = triage.sort_values(PRIORITY, kind="stable") if PRIORITY in triage else triage
        for rec in ordered.to_dict("records"):
            if is_missing(rec[ACCOUNT_ID]) or not str(rec[ACCOUNT_ID]).strip() \
                    or is_missing(rec[CATEGORY]):
                continue
            for account in str(rec[ACCOUNT_ID]).split():
                r = row(account)
                if r["triage"] is None:
                    r["triage"] = str(rec[CATEGORY])
                    r["why"].append(f"on the watch list ({str(rec[CATEGORY]).replace('_', ' ')})")

    out = pd.DataFrame(list(rows.values()), columns=INDEX_COLUMNS)
    for column in (CLUSTER_ID, CHAIN_ID):  # ids as given (a missing one must not turn 1 into 1.0)
        out[column] = pd.Series([r[column] for r in rows.values()], index=out.index,
                                dtype=object)
    if out.empty:
        return out
    order = out.assign(_r=out["hub_rank"].fillna(np.inf),
                       _c=out[CLUSTER_ID].astype(str).where(out[CLUSTER_ID].notna(), "~"))
    order = order.sort_values(["_r", "_c", "account", ACCOUNT_ID], kind="stable")
    return out.loc[order.index].reset_index(drop=True)
