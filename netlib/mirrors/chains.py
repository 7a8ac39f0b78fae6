"""Lineages of mirror accounts (A -> A' -> A'') and how fast networks re-create."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.mirrors import _columns as C
from netlib.schema import ACCOUNT_ID, HANDLE, PLATFORM
from netlib.stats import kaplan_meier

__all__ = ["assemble_chains", "chain_stats", "survival_table", "survival_curve",
           "cluster_recreation"]

CHAIN_COLUMNS = [C.CHAIN_ID, C.POSITION, ACCOUNT_ID, C.PREDECESSOR_ID, PLATFORM, HANDLE,
                 C.FIRST_SEEN, C.TAKEN_DOWN_AT, C.LINK_SCORE, C.CONFIDENCE,
                 C.CHAIN_CONFIDENCE, C.N_GENERATIONS, C.N_ACCOUNTS, C.TAKEDOWN_SOURCE]


def assemble_chains(links: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """Walk accepted links from each lineage's first account.

    Every successor has at most one predecessor in a lineage (the scorer allows a second
    only for a re-registered handle; the lineage keeps the best-scoring one), so each
    lineage is a tree rooted at an account nobody succeeded; a predecessor re-created on
    two platforms gives two branches at the same position.

    Returns
    -------
    DataFrame
        ``chain_id, position, account_id, predecessor_id, platform, handle, first_seen,
        taken_down_at, link_score, confidence, chain_confidence, n_generations,
        n_accounts, takedown_source`` (how the account's removal was learned, see
        :data:`netlib.mirrors.candidates.TAKEDOWN_SOURCES`). ``position`` is 0 for the original account; ``confidence`` is the
        weakest link score on the path from the original to this account;
        ``chain_confidence`` the weakest link of the whole lineage; ``n_generations`` the
        number of re-creations along the longest path.
    """
    if not len(links):
        return pd.DataFrame(columns=CHAIN_COLUMNS)
    # a successor linked twice (a re-registered handle that is also another account's
    # backup) joins the lineage of its best-scoring predecessor
    links = links.sort_values(C.SCORE, ascending=False, kind="stable").drop_duplicates(
        C.SUCCESSOR_ID)
    parent = dict(zip(links[C.SUCCESSOR_ID], links[C.PREDECESSOR_ID], strict=True))
    link_score = dict(zip(links[C.SUCCESSOR_ID], links[C.SCORE], strict=True))
    children: dict[str, list[str]] = {}
    for succ, pred in parent.items():
        children.setdefault(pred, []).append(succ)
    involved = set(parent) | set(children)
    sub = profiles[profiles[ACCOUNT_ID].isin(involved)]
    info = {col: dict(zip(sub[ACCOUNT_ID], sub[col], strict=True))
            for col in (PLATFORM, HANDLE, C.FIRST_SEEN, C.TAKEN_DOWN_AT, C.TAKEDOWN_SOURCE)}
    never = pd.Timestamp.max.tz_localize("UTC")
    roots = [a for a in children if a not in parent]
    roots.sort(key=lambda a: (info[C.TAKEN_DOWN_AT][a] if pd.notna(
        info[C.TAKEN_DOWN_AT][a]) else never, a))
    rows = []
    for number, root in enumerate(roots, start=1):
        chain = f"M{number:04d}"
        stack = [(root, 0, 1.0)]
        members = []
        while stack:
            node, depth, conf = stack.pop()
            score = link_score.get(node, np.nan)
            conf = conf if node == root else min(conf, score)
            members.append((node, depth, parent.get(node), score, conf))
            for child in sorted(children.get(node, []),
                                key=lambda c: (info[C.FIRST_SEEN][c], c), reverse=True):
                stack.append((child, depth + 1, conf))
        weakest = min(m[3] for m in members if m[2] is not None)
        depth_max = max(m[1] for m in members)
        for node, depth, pred, score, conf in sorted(members, key=lambda m: (m[1], m[0])):
            rows.append({C.CHAIN_ID: chain, C.POSITION: depth, ACCOUNT_ID: node,
                         C.PREDECESSOR_ID: pred, PLATFORM: info[PLATFORM][node],
                         HANDLE: info[HANDLE][node], C.FIRST_SEEN: info[C.FIRST_SEEN][node],
                         C.TAKEN_DOWN_AT: info[C.TAKEN_DOWN_AT][node],
                         C.LINK_SCORE: score, C.CONFIDENCE: conf if pred else np.nan,
                         C.CHAIN_CONFIDENCE: weakest, C.N_GENERATIONS: depth_max,
                         C.N_ACCOUNTS: len(members),
                         C.TAKEDOWN_SOURCE: info[C.TAKEDOWN_SOURCE][node]})
    return pd.DataFrame(rows, columns=CHAIN_COLUMNS)


def chain_stats(chains: pd.DataFrame, clusters: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per lineage: size, generations, platforms, re-creation speed.

    Returns
    -------
    DataFrame
        ``chain_id, n_accounts, n_generations, platforms, first_takedown,
        median_recreate_hours, chain_confidence`` and ``cluster_id`` (the most common
        coordinated cluster of its members) when ``clusters`` is given.
    """
    cols = [C.CHAIN_ID, C.N_ACCOUNTS, C.N_GENERATIONS, "platforms", "first_takedown",
            "median_recreate_hours", C.CHAIN_CONFIDENCE]
    if not len(chains):
        return pd.DataFrame(columns=cols + ([C.CLUSTER_ID] if clusters is not None else []))
    ch = chains.copy()
    down = ch.set_index(ACCOUNT_ID)[C.TAKEN_DOWN_AT]
    pred_down = ch[C.PREDECESSOR_ID].map(down)
    ch["recreate_hours"] = (ch[C.FIRST_SEEN] - pred_down).dt.total_seconds() / 3600.0
    g = ch.groupby(C.CHAIN_ID, sort=True)
    out = pd.DataFrame({
        C.N_ACCOUNTS: g.size(),
        C.N_GENERATIONS: g[C.POSITION].max(),
        "platforms": g[PLATFORM].agg(lambda s: " ".join(sorted(set(s)))),
        "first_takedown": g[C.TAKEN_DOWN_AT].min(),
        "median_recreate_hours": g["recreate_hours"].median(),
        C.CHAIN_CONFIDENCE: g[C.CHAIN_CONFIDENCE].first(),
    }).reset_index()
    if clusters is not None:
        cl = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[C.CLUSTER_ID]
        ch[C.CLUSTER_ID] = ch[ACCOUNT_ID].map(cl)
        mode = ch.dropna(subset=[C.CLUSTER_ID]).groupby(C.CHAIN_ID)[C.CLUSTER_ID].agg(
            lambda s: s.value_counts().index[0])
        out[C.CLUSTER_ID] = out[C.CHAIN_ID].map(mode)
        if pd.api.types.is_integer_dtype(cl.dtype):
            out[C.CLUSTER_ID] = out[C.CLUSTER_ID].astype("Int64")
    return out[cols + ([C.CLUSTER_ID] if clusters is not None else [])]


def survival_table(profiles: pd.DataFrame, links: pd.DataFrame,
                   end: pd.Timestamp | None) -> pd.DataFrame:
    """Time from takedown to the first accepted successor, for every removed account.

    Accounts never re-created are censored at ``end`` (the last instant in the data).

    Returns
    -------
    DataFrame
        ``account_id, platform, taken_down_at, recreated, hours`` — ``hours`` is the
        time to re-creation (0 for a spare created before the takedown) or, when not
        re-created, the time observed after the takedown.
    """
    gone = profiles[profiles[C.TAKEN_DOWN_AT].notna()]
    cols = [ACCOUNT_ID, PLATFORM, C.TAKEN_DOWN_AT, "recreated", "hours"]
    if not len(gone):
        return pd.DataFrame(columns=cols)
    first = profiles.set_index(ACCOUNT_ID)[C.FIRST_SEEN]
    if len(links):
        succ_first = links[C.SUCCESSOR_ID].map(first)
        earliest = pd.Series(succ_first.to_numpy(), index=links[C.PREDECESSOR_ID]).groupby(
            level=0).min()
    else:
        earliest = pd.Series(dtype="datetime64[ns, UTC]", index=pd.Index([], dtype=object))
    when = pd.Series(pd.to_datetime(earliest.reindex(gone[ACCOUNT_ID].to_numpy()), utc=True)
                     .array, index=gone.index)
    when = pd.to_datetime(when, utc=True)
    recreated = when.notna()
    hours_rec = (when - gone[C.TAKEN_DOWN_AT]).dt.total_seconds() / 3600.0
    censor = ((end - gone[C.TAKEN_DOWN_AT]).dt.total_seconds() / 3600.0
              if end is not None else pd.Series(np.nan, index=gone.index))
    hours = np.where(recreated, np.maximum(hours_rec, 0.0), np.maximum(censor, 0.0))
    return pd.DataFrame({ACCOUNT_ID: gone[ACCOUNT_ID].to_numpy(),
                         PLATFORM: gone[PLATFORM].to_numpy(),
                         C.TAKEN_DOWN_AT: gone[C.TAKEN_DOWN_AT].array,
                         "recreated": recreated.to_numpy(), "hours": hours})


def survival_curve(table: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share of removed accounts not yet re-created.

    :func:`netlib.stats.kaplan_meier` over ``hours`` and ``recreated``, its columns renamed.

    Returns
    -------
    DataFrame
        ``hours, at_risk, recreated, censored, not_recreated`` (one row per distinct time,
        starting at 0 with ``not_recreated`` = 1).

    Examples
    --------
    >>> t = pd.DataFrame({"hours": [1.0, 2.0, 3.0], "recreated": [True, False, True]})
    >>> survival_curve(t)["not_recreated"].round(3).tolist()
    [1.0, 0.667, 0.667, 0.0]
    """
    curve = kaplan_meier(table["hours"], table["recreated"])
    return curve.rename(columns={"time": "hours", "events": "recreated",
                                 "survival": "not_recreated"})


def cluster_recreation(survival: pd.DataFrame, chains: pd.DataFrame,
                       clusters: pd.DataFrame) -> pd.DataFrame:
    """How fast each coordinated cluster re-creates its removed accounts.

    Parameters
    ----------
    survival : DataFrame
        From :func:`survival_table`.
    chains : DataFrame
        From :func:`assemble_chains`.
    clusters : DataFrame
        ``account_id, cluster_id``.

    Returns
    -------
    DataFrame
        ``cluster_id, n_removed, n_recreated, share_recreated, median_hours,
        max_generations`` for every cluster with a removed member; ``median_hours`` is
        over re-created accounts only.
    """
    cols = [C.CLUSTER_ID, "n_removed", "n_recreated", "share_recreated", "median_hours",
            "max_generations"]
    cl = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[C.CLUSTER_ID]
    surv = survival.assign(cluster_id=survival[ACCOUNT_ID].map(cl)).dropna(
        subset=[C.CLUSTER_ID])
    surv[C.CLUSTER_ID] = surv[C.CLUSTER_ID].astype(cl.dtype)
    if not len(surv):
        return pd.DataFrame(columns=cols)
    gens = chains.assign(**{C.CLUSTER_ID: chains[ACCOUNT_ID].map(cl)}).dropna(subset=[C.CLUSTER_ID])
    gens[C.CLUSTER_ID] = gens[C.CLUSTER_ID].astype(cl.dtype)
    g = surv.groupby(C.CLUSTER_ID, sort=True)
    out = pd.DataFrame({
        "n_removed": g.size(),
        "n_recreated": g["recreated"].sum().astype("int64"),
        "median_hours": surv[surv["recreated"].astype(bool)].groupby(C.CLUSTER_ID)["hours"]
        .median(),
    })
    out["share_recreated"] = out["n_recreated"] / out["n_removed"]
    out["max_generations"] = gens.groupby(C.CLUSTER_ID)[C.POSITION].max().reindex(
        out.index).fillna(0).astype("int64")
    return out.reset_index()[cols]
