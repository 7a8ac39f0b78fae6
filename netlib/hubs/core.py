"""``rank_hubs``: combine lead-lag, amplification, bridging and lineage into one hub score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.hubs import amplification as amp
from netlib.hubs import groups as grp
from netlib.hubs import leadlag as ll
from netlib.hubs import timezones as tz
from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    AMPLIFIED_BY,
    AMPLIFIED_ID,
    AMPLIFIER_ID,
    BETWEENNESS,
    CHAIN_ID,
    CLUSTER_ID,
    COORDINATED,
    GROUP_ID,
    HUB_SCORE,
    LEAD_Z,
    LINEAGE_HEAD,
    LINEAGE_LENGTH,
    NETWORK_SHARE,
    ORIGINATOR_INDEX,
    PAGERANK,
    PARTICIPATION,
    PATTERN,
    POSITION,
    RANK,
    STATEMENT,
    STRENGTH,
    TIME_DELTA,
    TOP_SIGNAL,
    UTC_OFFSET,
    WEIGHT,
)
from netlib.hubs._util import isin
from netlib.schema import ACCOUNT_ID, ACTION_ID, HANDLE, OBJECT_ID, TIMESTAMP

__all__ = ["HubResult", "rank_hubs", "DEFAULT_WEIGHTS", "cascade"]

#: Weight of each signal in ``hub_score`` (each signal is first turned into a 0-1 rank
#: score among the accounts where it is positive). Keys are hubs-table column names.
DEFAULT_WEIGHTS: dict[str, float] = {
    LEAD_Z: 0.25,
    PAGERANK: 0.15,
    ORIGINATOR_INDEX: 0.2,
    AMPLIFIED_BY: 0.05,
    NETWORK_SHARE: 0.15,
    PARTICIPATION: 0.05,
    BETWEENNESS: 0.05,
    STRENGTH: 0.05,
    LINEAGE_LENGTH: 0.05,
}

HUB_COLUMNS = [ACCOUNT_ID, HUB_SCORE, RANK, HANDLE, CLUSTER_ID, COORDINATED, TOP_SIGNAL,
               *ll.LEAD_LAG_COLUMNS[1:], PAGERANK, ORIGINATOR_INDEX, AMPLIFIED_BY,
               NETWORK_SHARE, PARTICIPATION, BETWEENNESS, STRENGTH, LINEAGE_LENGTH, LINEAGE_HEAD]


@dataclass
class HubResult:
    """Hub ranking, operator groups and fitted time zones, with how they were made.

    Attributes
    ----------
    hubs : DataFrame
        One row per candidate account (coordinated accounts, plus accounts amplified by
        at least ``min_amplifiers`` coordinated accounts): ``account_id, hub_score, rank``
        (1 = strongest; ties broken by ``account_id``), ``handle, cluster_id``
        (own cluster, or the cluster most of its amplifiers belong to),
        ``coordinated, top_signal`` and one column per signal: ``n_lead, n_follow,
        n_followers, leader_share, median_lead_lag_s, lead_z, lead_p_value,
        lead_q_value, amplification_pagerank, originator_index, amplified_by,
        network_share, participation, betweenness, coordination_strength, lineage_length,
        lineage_head``.
    operator_groups : DataFrame
        ``group_id, account_id, n_accounts, evidence, cluster_id, utc_offset_hours,
        pattern``.
    operator_links : DataFrame
        ``account_id, account_id_y, evidence, detail``: every piece of evidence.
    timezones : DataFrame
        Per cluster: ``cluster_id, utc_offset_hours, low, high, pattern, reference,
        background_share, n_actions, n_days, fit_correlation, statement``.
    group_timezones : DataFrame
        The same per operator group (first column ``group_id``).
    lead_lag : DataFrame
        Directed ``account_id`` (leader), ``account_id_y`` (follower), ``n_lead,
        median_lead_lag_s`` within clusters.
    amplification : DataFrame
        ``amplifier_id, amplified_id, weight`` edges.
    pairs : DataFrame
        The within-cluster co-action pairs used (with ``cluster_id``).
    params : dict
        Every parameter, the signal weights and notes on skipped steps.
    fingerprint : str
        Fingerprint of the input data.
    """

    hubs: pd.DataFrame
    operator_groups: pd.DataFrame
    operator_links: pd.DataFrame
    timezones: pd.DataFrame
    group_timezones: pd.DataFrame
    lead_lag: pd.DataFrame
    amplification: pd.DataFrame
    pairs: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""

    def __repr__(self) -> str:
        n_groups = self.operator_groups[GROUP_ID].nunique() if len(self.operator_groups) else 0
        return (f"HubResult({len(self.hubs):,} ranked accounts, {n_groups:,} operator "
                f"groups, {len(self.timezones):,} clusters with a time-zone fit)")

    def top(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` highest-ranked accounts."""
        return self.hubs.head(k)

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """``{"hubs": ..., "operator_groups": ..., "timezones": ...}`` for writing out."""
        return {"hubs": self.hubs, "operator_groups": self.operator_groups,
                "timezones": self.timezones}

    def evidence(self, account_id: str) -> dict[str, Any]:
        """Why an account ranks where it does: its signals, whom it leads, its group.

        Raises
        ------
        KeyError
            If the account is not among the ranked accounts.
        """
        row = self.hubs[self.hubs[ACCOUNT_ID] == account_id]
        if row.empty:
            raise KeyError(f"account {account_id!r} is not among the ranked accounts")
        led = self.lead_lag[self.lead_lag[ACCOUNT_ID] == account_id]
        amplified = self.amplification[self.amplification[AMPLIFIED_ID] == account_id]
        links = self.operator_links[(self.operator_links[ACCOUNT_ID] == account_id)
                                    | (self.operator_links[ACCOUNT_ID_Y] == account_id)]
        return {"signals": row.iloc[0].to_dict(), "leads": led.reset_index(drop=True),
                "amplified_by": amplified.reset_index(drop=True),
                "operator_evidence": links.reset_index(drop=True)}


# --- inputs ------------------------------------------------------------------------------------
def _need(frame: Any, columns: list[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{what} must be a DataFrame (got {type(frame).__name__})")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what} lacks column(s) {', '.join(missing)} (has "
                             f"{', '.join(map(str, frame.columns))})")
    return frame


def _inputs(coordination: Any, clusters: Any, pairs: Any,
            mirrors: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    if clusters is None and coordination is not None:
        clusters = (coordination.get("clusters") if isinstance(coordination, dict)
                    else getattr(coordination, "clusters", None))
    if pairs is None and coordination is not None:
        pairs = (coordination.get("pairs") if isinstance(coordination, dict)
                 else getattr(coordination, "pairs", None))
    if clusters is None:
        raise ParameterError("rank_hubs needs the coordination result (an object with "
                             ".clusters and .pairs) or clusters= and pairs= DataFrames")
    clusters = _need(clusters, [ACCOUNT_ID, CLUSTER_ID], "coordination clusters")
    if pairs is None:
        pairs = pd.DataFrame(columns=[OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA])
    pairs = _need(pairs, [OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA],
                  "coordination pairs")
    if pd.api.types.is_timedelta64_dtype(pairs[TIME_DELTA]):
        pairs = pairs.assign(**{TIME_DELTA: pairs[TIME_DELTA].dt.total_seconds()})
    clusters = clusters.assign(**{ACCOUNT_ID: clusters[ACCOUNT_ID].astype(str)})
    chains = None
    if mirrors is not None:
        chains = mirrors if isinstance(mirrors, pd.DataFrame) else getattr(mirrors, "chains",
                                                                           None)
        if chains is not None:
            chains = _need(chains, [CHAIN_ID, POSITION, ACCOUNT_ID], "mirror chains")
    return clusters, pairs, chains


def _scaled(values: pd.Series) -> pd.Series:
    """0-1 rank score among positive values; zero, negative and missing give 0."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    pos = x > 0
    out = pd.Series(0.0, index=x.index)
    if pos.any():
        out[pos] = x[pos].rank(pct=True, method="average")
    return out


def _dominant_cluster(amp_edges: pd.DataFrame, membership: pd.Series) -> pd.Series:
    if amp_edges.empty:
        return pd.Series(dtype=object)
    e = amp_edges.assign(_c=amp_edges[AMPLIFIER_ID].map(membership)).dropna(subset=["_c"])
    if e.empty:
        return pd.Series(dtype=object)
    w = e.groupby([AMPLIFIED_ID, "_c"])[WEIGHT].sum().reset_index()
    w["_cs"] = w["_c"].astype(str)
    w = w.sort_values([AMPLIFIED_ID, WEIGHT, "_cs"], ascending=[True, False, True],
                      kind="stable")
    return w.drop_duplicates(AMPLIFIED_ID).set_index(AMPLIFIED_ID)["_c"]


def _lineage(chains: pd.DataFrame | None) -> pd.DataFrame:
    if chains is None or chains.empty:
        return pd.DataFrame(columns=[ACCOUNT_ID, LINEAGE_LENGTH, LINEAGE_HEAD])
    ch = chains.sort_values([CHAIN_ID, POSITION], kind="stable")
    size = ch.groupby(CHAIN_ID)[ACCOUNT_ID].transform("nunique")
    head = ch.groupby(CHAIN_ID)[ACCOUNT_ID].transform("first")
    out = pd.DataFrame({ACCOUNT_ID: ch[ACCOUNT_ID].astype(str), LINEAGE_LENGTH: size,
                        LINEAGE_HEAD: head.astype(str)})
    return out.sort_values(LINEAGE_LENGTH, ascending=False).drop_duplicates(ACCOUNT_ID)


# --- the analysis -------------------------------------------------------------------------------
def rank_hubs(data: Dataset, coordination: Any = None, *, clusters: pd.DataFrame | None = None,
              pairs: pd.DataFrame | None = None, mirrors: Any = None,
              weights: dict[str, float] | None = None, min_amplifiers: int = 2,
              copy_traces: tuple[str, ...] = amp.COPY_TRACES,
              exact_betweenness_edges: int = 50_000, betweenness_samples: int = 64,
              offsets: Any = None,
              reference: Any = "auto", n_boot: int = 200,
              min_tz_actions: int = 30, burst_hours: float = 6.0, min_burst: int = 3,
              max_shared_accounts: int = 10, rhythm_threshold: float = 0.9,
              rhythm_min_actions: int = 50, seed: int = 0) -> HubResult:
    """Rank the accounts that steer coordinated networks, group them, and time-zone them.

    Signals per account (each kept as a column): lead-lag within coordinated co-actions
    (``lead_z`` and its p-value: does it act first more often than random order would
    give?), PageRank on the amplification graph (who reposts or copies whom), the
    originator index (h originals each amplified by at least h distinct coordinated
    accounts), reach (``amplified_by``), the share of its amplification that comes from
    one network rather than the public (``network_share``), bridging (participation coefficient and
    betweenness on the coordination graph), coordination strength, and the length of the
    mirror lineage an account belongs to. Each signal becomes a 0-1 rank score among the
    accounts where it is positive; ``hub_score`` is their weighted mean.

    Parameters
    ----------
    data : Dataset
        The validated data (accounts and actions).
    coordination : CoordinationResult or dict, optional
        Anything with ``.clusters`` (``account_id, cluster_id``) and ``.pairs``
        (co-action rows ``object_id, account_id`` (earlier), ``account_id_y`` (later),
        ``time_delta`` (seconds), optional ``trace``).
    clusters, pairs : DataFrame, optional
        Passed explicitly instead of (or overriding) ``coordination``.
    mirrors : MirrorResult or DataFrame, optional
        Mirror chains (``chain_id, position, account_id``) for lineages.
    weights : dict, optional
        Signal weights (keys from :data:`DEFAULT_WEIGHTS`; missing keys weigh 0).
    min_amplifiers : int
        An account outside the clusters is ranked when at least this many coordinated
        accounts amplify it.
    copy_traces : tuple of str
        Co-action traces treated as copying (an amplification edge later -> earlier).
    exact_betweenness_edges, betweenness_samples : int
        Above this many coordination edges betweenness is estimated from this many sampled
        source accounts (noted in params), see :func:`netlib.hubs.bridging`.
    offsets, reference, n_boot, min_tz_actions
        Time-zone fit options, see :func:`netlib.hubs.fit_offset`.
    burst_hours, min_burst, max_shared_accounts, rhythm_threshold, rhythm_min_actions
        Operator-group evidence options, see :func:`netlib.hubs.operator_links`.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    HubResult
        ``.hubs`` (``account_id, hub_score, rank`` + signals), ``.operator_groups``,
        ``.timezones`` (``cluster_id, utc_offset_hours, low, high, pattern`` ...), and the
        evidence tables; see :class:`HubResult`.

    Raises
    ------
    ParameterError
        If no clusters are given, a table lacks a needed column, or a weight or count is
        invalid.

    References
    ----------
    Hirsch, J. E. (2005). An index to quantify an individual's scientific research
    output. *PNAS* 102(46), 16569-16572 (the h-index behind the originator index).
    Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900 (participation coefficient).

    Examples
    --------
    >>> import netlib
    >>> from netlib.hubs import rank_hubs
    >>> data = netlib.load("data/sample")                        # doctest: +SKIP
    >>> result = rank_hubs(data, netlib.coordination.detect(data))  # doctest: +SKIP
    >>> result.hubs.head()                                       # doctest: +SKIP
    """
    if not hasattr(data, "accounts") or not hasattr(data, "actions"):
        raise ParameterError("data must be a Dataset (with .accounts and .actions); got "
                             f"{type(data).__name__}")
    clusters, pairs, chains = _inputs(coordination, clusters, pairs, mirrors)
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ParameterError(f"unknown signal weight(s) {', '.join(unknown)} (known: "
                             f"{', '.join(DEFAULT_WEIGHTS)})")
    if any(not np.isfinite(w) or w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ParameterError(f"weights must be non-negative with a positive sum (got {weights})")
    if min_amplifiers < 1:
        raise ParameterError(f"min_amplifiers must be >= 1 (got {min_amplifiers})")
    notes: list[str] = []
    accounts, actions = data.accounts, data.actions

    membership = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[CLUSTER_ID]
    coordinated = set(membership.index)
    cpairs = ll.coordinated_pairs(pairs, clusters)
    leaders = ll.leader_table(cpairs)
    directed = ll.lead_lag(cpairs)

    amp_edges = amp.amplification_edges(actions, pairs=cpairs, copy_traces=copy_traces)
    # the network's attention: PageRank over amplification *by coordinated accounts*
    pr = amp.amplification_scores(amp_edges[isin(amp_edges[AMPLIFIER_ID], coordinated)])
    orig = amp.originator_index(actions, membership)

    candidates = set(coordinated)
    if len(orig):
        candidates |= set(orig.loc[orig[AMPLIFIED_BY] >= min_amplifiers, ACCOUNT_ID])
    dominant = _dominant_cluster(amp_edges, membership)
    order = pd.Index(sorted(candidates), dtype=object)
    cand_cluster = pd.Series(membership.astype(object).reindex(order).to_numpy(dtype=object),
                             index=order)
    if len(dominant):
        fill = dominant.astype(object).reindex(order).to_numpy(dtype=object)
        cand_cluster = cand_cluster.where(cand_cluster.notna(), pd.Series(fill, index=order))

    # bridging graph: within-cluster co-action counts + amplification among candidates
    co = (cpairs.groupby([ACCOUNT_ID, ACCOUNT_ID_Y]).size().rename(WEIGHT).reset_index()
          if len(cpairs) else pd.DataFrame(columns=[ACCOUNT_ID, ACCOUNT_ID_Y, WEIGHT]))
    ae = amp_edges[isin(amp_edges[AMPLIFIER_ID], candidates)
                   & isin(amp_edges[AMPLIFIED_ID], candidates)]
    ae = ae.rename(columns={AMPLIFIER_ID: ACCOUNT_ID, AMPLIFIED_ID: ACCOUNT_ID_Y})
    bridge_edges = pd.concat([co, ae], ignore_index=True)
    n_bridge = len(bridge_edges)
    if n_bridge > exact_betweenness_edges:
        notes.append(f"betweenness estimated from {betweenness_samples} sampled sources: "
                     f"{n_bridge:,} edges > exact_betweenness_edges="
                     f"{exact_betweenness_edges:,}")
    bridge = amp.bridging(bridge_edges, cand_cluster.dropna(),
                          exact_betweenness_edges=exact_betweenness_edges,
                          betweenness_samples=betweenness_samples, seed=seed)

    hubs = pd.DataFrame({ACCOUNT_ID: cand_cluster.index.astype(object),
                         CLUSTER_ID: cand_cluster.to_numpy()})
    hubs[COORDINATED] = isin(hubs[ACCOUNT_ID], coordinated)
    for table in (leaders, pr, orig, bridge, _lineage(chains)):
        if len(table):
            hubs = hubs.merge(table, on=ACCOUNT_ID, how="left")
        else:
            for col in table.columns.drop(ACCOUNT_ID):
                hubs[col] = np.nan
    handles = accounts.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[HANDLE]
    hubs[HANDLE] = hubs[ACCOUNT_ID].map(handles)
    for col in (ll.N_LEAD, ll.N_FOLLOW, ll.N_FOLLOWERS, ORIGINATOR_INDEX, AMPLIFIED_BY):
        hubs[col] = hubs[col].fillna(0).astype("int64")
    for col in (PAGERANK, STRENGTH, PARTICIPATION, NETWORK_SHARE):
        hubs[col] = hubs[col].astype(float).fillna(0.0)
    hubs[LINEAGE_LENGTH] = hubs[LINEAGE_LENGTH].fillna(1).astype("int64")
    # lineage of length 1 carries no signal: score the number of *other* accounts in it
    parts = pd.DataFrame({
        s: _scaled(hubs[s] - 1 if s == LINEAGE_LENGTH else hubs[s]) for s in DEFAULT_WEIGHTS})
    total = sum(weights.values())
    contrib = pd.DataFrame({s: parts[s] * weights.get(s, 0.0) / total for s in parts})
    hubs[HUB_SCORE] = contrib.sum(axis=1).round(12)
    hubs[TOP_SIGNAL] = np.where(contrib.max(axis=1) > 0, contrib.idxmax(axis=1), "")
    hubs = hubs.sort_values([HUB_SCORE, ACCOUNT_ID], ascending=[False, True], kind="stable")
    hubs[RANK] = np.arange(1, len(hubs) + 1)
    hubs = hubs[HUB_COLUMNS].reset_index(drop=True)

    links = grp.operator_links(accounts, actions, cand_cluster.dropna(), candidates,
                               chains=chains, burst_hours=burst_hours, min_burst=min_burst,
                               max_shared_accounts=max_shared_accounts,
                               rhythm_min_actions=rhythm_min_actions,
                               rhythm_threshold=rhythm_threshold)
    groups = grp.operator_groups(links, cand_cluster.dropna())

    tz_opts = dict(offsets=offsets, reference=reference, n_boot=n_boot,
                   min_actions=min_tz_actions, seed=seed)
    zones = tz.fit_group_offsets(actions, clusters[[ACCOUNT_ID, CLUSTER_ID]], **tz_opts)
    gzones = tz.fit_group_offsets(actions, groups[[ACCOUNT_ID, GROUP_ID]],
                                  group_column=GROUP_ID, **tz_opts)
    if len(groups):
        groups = groups.merge(gzones[[GROUP_ID, UTC_OFFSET, PATTERN, STATEMENT]],
                              on=GROUP_ID, how="left")
    else:
        groups = groups.assign(**{UTC_OFFSET: [], PATTERN: [], STATEMENT: []})

    params = {
        "weights": weights, "min_amplifiers": min_amplifiers, "copy_traces": list(copy_traces),
        "exact_betweenness_edges": exact_betweenness_edges,
        "betweenness_samples": betweenness_samples,
        "offsets": None if offsets is None else list(np.asarray(offsets, dtype=float)),
        "reference": reference if isinstance(reference, str) or reference is None
        else list(map(float, reference)),
        "n_boot": n_boot, "min_tz_actions": min_tz_actions, "burst_hours": burst_hours,
        "min_burst": min_burst, "max_shared_accounts": max_shared_accounts,
        "rhythm_threshold": rhythm_threshold, "rhythm_min_actions": rhythm_min_actions,
        "seed": seed, "n_clusters": int(membership.nunique()),
        "n_pairs_within_clusters": int(len(cpairs)), "n_pairs_given": int(len(pairs)),
        "notes": notes,
    }
    fingerprint = data.fingerprint() if hasattr(data, "fingerprint") else ""
    return HubResult(hubs=hubs, operator_groups=groups, operator_links=links,
                     timezones=zones, group_timezones=gzones, lead_lag=directed,
                     amplification=amp_edges, pairs=cpairs, params=params,
                     fingerprint=fingerprint)


def cascade(data: Dataset, result: HubResult, account_id: str, *,
            max_objects: int = 20) -> pd.DataFrame:
    """Who followed an account, on which objects, and how many seconds later.

    Two sources: amplifying actions (repost/quote/reply/forward) pointing to the
    account's own actions, and coordinated co-actions in which the account acted first.

    Returns
    -------
    DataFrame
        ``object_id, account_id`` (the follower), ``handle, delay_s, via``
        (``"amplified"`` or ``"co-action"``), for the ``max_objects`` objects with the
        most followers, sorted by object then delay.
    """
    acts = data.actions
    own = acts.loc[acts[ACCOUNT_ID] == account_id, [ACTION_ID, TIMESTAMP]]
    refs = acts[acts[OBJECT_ID].isin(set(own[ACTION_ID])) & (acts[ACCOUNT_ID] != account_id)]
    t0 = own.set_index(ACTION_ID)[TIMESTAMP]
    a = pd.DataFrame({OBJECT_ID: refs[OBJECT_ID].to_numpy(),
                      ACCOUNT_ID: refs[ACCOUNT_ID].to_numpy(),
                      "delay_s": (refs[TIMESTAMP] - refs[OBJECT_ID].map(t0))
                      .dt.total_seconds().to_numpy(), "via": "amplified"})
    p = result.pairs[result.pairs[ACCOUNT_ID] == account_id]
    b = pd.DataFrame({OBJECT_ID: p[OBJECT_ID].to_numpy(), ACCOUNT_ID: p[ACCOUNT_ID_Y].to_numpy(),
                      "delay_s": p[TIME_DELTA].astype(float).to_numpy(), "via": "co-action"})
    out = pd.concat([x for x in (a, b) if len(x)] or [a], ignore_index=True)
    if out.empty:
        return out.assign(handle=pd.Series(dtype=object))[
            [OBJECT_ID, ACCOUNT_ID, "handle", "delay_s", "via"]]
    top = out.groupby(OBJECT_ID)[ACCOUNT_ID].nunique().sort_values(ascending=False,
                                                                   kind="stable")
    out = out[out[OBJECT_ID].isin(top.index[:max_objects])]
    handles = data.accounts.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[HANDLE]
    out = out.assign(handle=out[ACCOUNT_ID].map(handles))
    out = out.sort_values([OBJECT_ID, "delay_s", ACCOUNT_ID], kind="stable")
    return out[[OBJECT_ID, ACCOUNT_ID, "handle", "delay_s", "via"]].reset_index(drop=True)
