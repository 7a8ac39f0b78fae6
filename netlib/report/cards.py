"""Tidy tables behind the report: network and lineage cards, time-zone findings, summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netlib.plots import account_labels, coordination_edges
from netlib.report._common import is_missing, label_of, result_frame
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    CATEGORY,
    CHAIN_ID,
    CLUSTER_ID,
    CONTENT_ID,
    CONTENT_ID_Y,
    FOUND,
    HASHTAGS,
    HUB_SCORE,
    KIND,
    N_ACCOUNTS,
    OBJECT_ID,
    PLATFORM,
    POSITION,
    PREDECESSOR_ID,
    Q_VALUE,
    RANK,
    SCORE,
    STATEMENT,
    SUCCESSOR_ID,
    TEXT,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
    TZ_HIGH,
    TZ_LOW,
    UTC_OFFSET,
)
from netlib.traces import hashtag_objects
from netlib.triage import CATEGORIES as _TRIAGE_ORDER
from netlib.units import utc_offset_label

__all__ = ["summary", "cluster_cards", "lineage_cards", "timezone_findings"]


def _seconds(values: pd.Series) -> pd.Series:
    if pd.api.types.is_timedelta64_dtype(values):
        return values.dt.total_seconds()
    return pd.to_numeric(values, errors="coerce")


def timezone_findings(analysis: Any) -> pd.DataFrame:
    """One plain sentence per cluster with a time-zone estimate.

    Returns
    -------
    DataFrame
        ``cluster_id, utc_offset_hours, low, high, finding`` where finding reads like
        "activity consistent with UTC+5 ± 1 h" (a time zone, never a country): the
        ``statement`` column of the time-zone table when present, else built from the offset
        and its ``low``/``high`` band (at least ± 1 h, the resolution of hourly counts),
        followed by the cluster's language and calling-code evidence when the time-zone
        table carries it (``origin_evidence``: evidence, not location).
    """
    tz = result_frame(getattr(analysis, "hubs", None), "timezones")
    cols = [CLUSTER_ID, UTC_OFFSET, TZ_LOW, TZ_HIGH, "finding"]
    if tz is None or tz.empty or UTC_OFFSET not in tz:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in tz.to_dict("records"):
        offset = r.get(UTC_OFFSET)
        if offset is None or pd.isna(offset):
            continue
        low, high = r.get(TZ_LOW), r.get(TZ_HIGH)
        spread = None
        if low is not None and high is not None and pd.notna(low) and pd.notna(high):
            spread = max(abs(float(offset) - float(low)), abs(float(high) - float(offset)))
        statement = r.get(STATEMENT)
        if isinstance(statement, str) and statement.strip():
            text = statement.strip()  # the time-zone analysis' own wording
        else:
            text = f"activity consistent with {utc_offset_label(float(offset))} " \
                   f"± {max(spread or 0.0, 1.0):g} h"
        origin = r.get("origin_evidence")  # scripts, languages, calling codes (not location)
        if isinstance(origin, str) and origin.strip():
            text = f"{text}; {origin.strip()}"
        rows.append({CLUSTER_ID: r.get(CLUSTER_ID), UTC_OFFSET: offset, TZ_LOW: low,
                     TZ_HIGH: high, "finding": text})
    return pd.DataFrame(rows, columns=cols)


def cluster_cards(analysis: Any, *, top: int = 20, top_objects: int = 3) -> pd.DataFrame:
    """One row per coordinated cluster (largest first), the facts a network card shows.

    Returns
    -------
    DataFrame
        ``cluster_id, n_accounts, platforms, median_lag_seconds, min_q_value, n_ties,
        traces, top_objects, top_object_traces, top_object_spellings, accounts, finding``
        (``top_objects`` a list of ``(object_id, n_co_actions)``, ``top_object_traces`` the
        kind of each (repost, hashtag, link...) when the pairs say,
        ``top_object_spellings`` for each the hashtags written in different scripts that
        the hashtag trace counted as this one object (:func:`netlib.traces.hashtag_objects`:
        an Urdu tag and its Roman-Urdu spelling), else an empty list; ``accounts`` the
        member ids; ``finding`` the time-zone sentence or "").
    """
    coordination = getattr(analysis, "coordination", None)
    clusters = result_frame(coordination, "clusters")
    cols = [CLUSTER_ID, N_ACCOUNTS, "platforms", "median_lag_seconds", "min_q_value",
            "n_ties", "traces", "top_objects", "top_object_traces", "top_object_spellings",
            "accounts", "finding"]
    if clusters is None or clusters.empty:
        return pd.DataFrame(columns=cols)
    accounts = analysis.dataset.accounts
    platform_of = dict(zip(accounts[ACCOUNT_ID].astype(str), accounts[PLATFORM], strict=True))
    edges = coordination_edges(coordination)
    pairs = result_frame(coordination, "pairs")
    findings = timezone_findings(analysis)
    finding_of = dict(zip(findings[CLUSTER_ID].astype(str), findings["finding"], strict=True))
    sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
    rows = []
    for cid in sizes.index[:top]:
        members = set(clusters.loc[clusters[CLUSTER_ID] == cid, ACCOUNT_ID].astype(str))
        row = {CLUSTER_ID: cid, N_ACCOUNTS: len(members),
               "platforms": sorted({str(platform_of[m]) for m in members if m in platform_of}),
               "median_lag_seconds": np.nan, "min_q_value": np.nan, "n_ties": 0, "traces": [],
               "top_objects": [], "top_object_traces": [], "top_object_spellings": [],
               "accounts": sorted(members),
               "finding": finding_of.get(str(cid), "")}
        if edges is not None and not edges.empty:
            inside = edges[edges[ACCOUNT_ID].astype(str).isin(members)
                           & edges[ACCOUNT_ID_Y].astype(str).isin(members)]
            row["n_ties"] = len(inside)
            if Q_VALUE in inside and len(inside):
                row["min_q_value"] = float(pd.to_numeric(inside[Q_VALUE]).min())
        if pairs is not None and not pairs.empty:
            inside = pairs[pairs[ACCOUNT_ID].astype(str).isin(members)
                           & pairs[ACCOUNT_ID_Y].astype(str).isin(members)]
            if TIME_DELTA in inside and len(inside):
                row["median_lag_seconds"] = float(_seconds(inside[TIME_DELTA]).median())
            if TRACE in inside:
                row["traces"] = sorted(inside[TRACE].dropna().astype(str).unique().tolist())
            if OBJECT_ID in inside and len(inside):
                counts = inside[OBJECT_ID].astype(str).value_counts(sort=True)
                row["top_objects"] = [(o, int(n)) for o, n in counts.head(top_objects).items()]
                if TRACE in inside:
                    kinds = inside.assign(_o=inside[OBJECT_ID].astype(str)).groupby("_o")[TRACE]
                    row["top_object_traces"] = [
                        str(kinds.get_group(o).mode().iat[0]) for o, _ in row["top_objects"]]
        rows.append(row)
    if any(k == "hashtag" for row in rows for k in row["top_object_traces"]):
        spelled = _hashtag_spellings(analysis.dataset.actions)
        for row in rows:
            row["top_object_spellings"] = [
                spelled.get(o, []) if k == "hashtag" else []
                for (o, _), k in zip(row["top_objects"], row["top_object_traces"], strict=True)]
    return pd.DataFrame(rows, columns=cols)


def _hashtag_spellings(actions: pd.DataFrame) -> dict[str, list[str]]:
    """Hashtag trace object -> the tags of several scripts it joins (merged objects only)."""
    if HASHTAGS not in actions:
        return {}
    tags = actions[HASHTAGS].dropna().astype(str).str.split().explode().dropna()
    table = hashtag_objects(tags.unique())
    merged = table[table["merged"]]
    return {str(o): sorted(set(group["hashtag"].astype(str)))
            for o, group in merged.groupby(OBJECT_ID)}


def example_timeline(analysis: Any, members: set[str], object_id: str,
                      limit: int = 8) -> pd.DataFrame:
    """Actions of ``members`` on one shared object, earliest first."""
    actions = analysis.dataset.actions
    pairs = result_frame(getattr(analysis, "coordination", None), "pairs")
    chosen = None
    if pairs is not None and {CONTENT_ID, CONTENT_ID_Y} <= set(pairs.columns):
        on = pairs[pairs[OBJECT_ID].astype(str) == object_id]
        ids = set(on[CONTENT_ID].astype(str)) | set(on[CONTENT_ID_Y].astype(str))
        chosen = actions[actions[ACTION_ID].astype(str).isin(ids)]
    if (chosen is None or chosen.empty) and OBJECT_ID in actions:
        chosen = actions[actions[OBJECT_ID].astype(str) == object_id]
    chosen = chosen[chosen[ACCOUNT_ID].astype(str).isin(members)]
    cols = [c for c in (TIMESTAMP, ACCOUNT_ID, KIND, TEXT) if c in chosen]
    return chosen.sort_values(TIMESTAMP, kind="stable")[cols].head(limit)


def lineage_cards(analysis: Any, *, top: int = 20) -> pd.DataFrame:
    """One row per mirror chain (longest first): accounts in order and the link evidence.

    Returns
    -------
    DataFrame
        ``chain_id, n_accounts, accounts, links`` where ``accounts`` lists the ids in order
        and ``links`` is a list of dicts (``predecessor_id, successor_id, score`` and the
        signal columns of the link), one per parent -> child step (from the chain's own
        ``predecessor_id`` column when present, else consecutive positions).
    """
    mirrors = getattr(analysis, "mirrors", None)
    chains = result_frame(mirrors, "chains")
    links = result_frame(mirrors, "links")
    cols = [CHAIN_ID, N_ACCOUNTS, "accounts", "links"]
    if chains is None or chains.empty:
        return pd.DataFrame(columns=cols)
    by_pair = {}
    if links is not None and not links.empty:
        for rec in links.to_dict("records"):
            by_pair[(str(rec[PREDECESSOR_ID]), str(rec[SUCCESSOR_ID]))] = rec
    sizes = chains.groupby(CHAIN_ID).size().sort_values(ascending=False, kind="stable")
    rows = []
    for cid in sizes.index[:top]:
        chain = chains[chains[CHAIN_ID] == cid].sort_values(POSITION, kind="stable")
        ids = chain[ACCOUNT_ID].astype(str).tolist()
        if PREDECESSOR_ID in chain:  # a lineage may branch: use each account's own parent
            edges = [(str(p), str(a)) for p, a in zip(chain[PREDECESSOR_ID], ids, strict=True)
                     if not is_missing(p) and str(p)]
        else:
            edges = list(zip(ids, ids[1:], strict=False))
        steps = [by_pair.get((a, b), {PREDECESSOR_ID: a, SUCCESSOR_ID: b, SCORE: np.nan})
                 for a, b in edges]
        rows.append({CHAIN_ID: cid, N_ACCOUNTS: len(ids), "accounts": ids, "links": steps})
    return pd.DataFrame(rows, columns=cols)


def summary(analysis: Any) -> dict[str, Any]:
    """Headline counts and plain-language findings.

    Returns
    -------
    dict
        ``counts`` (dict of int), ``time_span`` (pair of ISO strings or None) and
        ``headlines`` (list of sentences, unescaped).
    """
    data = analysis.dataset
    labels = account_labels(data)
    coordination = getattr(analysis, "coordination", None)
    mirrors = getattr(analysis, "mirrors", None)
    hubs = result_frame(getattr(analysis, "hubs", None), "hubs")
    clusters = result_frame(coordination, "clusters")
    links = result_frame(mirrors, "links")
    chains = result_frame(mirrors, "chains")
    triage = getattr(analysis, "triage", None)
    counts = {"accounts": len(data.accounts), "actions": len(data.actions),
              "platforms": len(data.accounts[PLATFORM].dropna().unique()),
              "coordinated_accounts": 0 if clusters is None else clusters[ACCOUNT_ID].nunique(),
              "clusters": 0 if clusters is None else clusters[CLUSTER_ID].nunique(),
              "mirror_links": 0 if links is None else len(links),
              "chains": 0 if chains is None else chains[CHAIN_ID].nunique(),
              "operator_candidates": 0 if hubs is None else len(hubs),
              "watchlist_entries": 0 if triage is None else len(triage)}
    span = None
    if len(data.actions):
        ts = pd.to_datetime(data.actions[TIMESTAMP], utc=True)
        span = (ts.min().strftime("%Y-%m-%d"), ts.max().strftime("%Y-%m-%d"))
    lines = []
    if counts["clusters"]:
        sizes = clusters.groupby(CLUSTER_ID).size()
        lines.append(f"{counts['coordinated_accounts']:,} accounts act in "
                     f"{counts['clusters']:,} coordinated networks; the largest has "
                     f"{int(sizes.max()):,} accounts.")
    else:
        lines.append("No coordinated networks were found with the chosen thresholds.")
    if counts["mirror_links"]:
        longest = int(chains.groupby(CHAIN_ID).size().max()) if counts["chains"] else 2
        lines.append(f"{counts['mirror_links']:,} accounts look like re-creations of earlier "
                     f"accounts, forming {counts['chains']:,} chains (longest: {longest} "
                     "accounts).")
    if hubs is not None and len(hubs):
        best = hubs.sort_values(RANK, kind="stable").iloc[0] if RANK in hubs else hubs.iloc[0]
        score = f" (hub score {float(best[HUB_SCORE]):.2f})" if HUB_SCORE in hubs else ""
        lines.append(f"The strongest operator candidate is {label_of(labels, best[ACCOUNT_ID])}"
                     f"{score}.")
    for r in timezone_findings(analysis).head(3).itertuples(index=False):
        lines.append(f"Network {r.cluster_id}: {r.finding}.")
    if triage is not None and len(triage):
        found = int(triage[FOUND].astype(bool).sum()) if FOUND in triage else 0
        text = (f"Of {len(triage):,} watch-list entries, {found:,} were found in the data "
                f"and {len(triage) - found:,} were not")
        if CATEGORY in triage:
            by_category = triage[CATEGORY].value_counts(sort=False)
            parts = [f"{int(by_category[c]):,} {c.replace('_', ' ')}" for c in _TRIAGE_ORDER
                     if c in by_category.index and c not in ("not_found",)]
            if parts:
                text += "; by category: " + ", ".join(parts)
        lines.append(text + ".")
    return {"counts": counts, "time_span": span, "headlines": lines}
