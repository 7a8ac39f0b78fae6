"""The hub score: lead-lag, amplification, bridging and lineage signals, combined.

Each signal becomes a 0-1 rank score among the accounts where it is positive;
``hub_score`` is their weighted mean (weights from :class:`~netlib.hubs.HubConfig`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.hubs import amplification as amp
from netlib.hubs import leadlag as ll
from netlib.hubs._columns import (
    AMPLIFIED_BY,
    AMPLIFIED_ID,
    AMPLIFIER_ID,
    BETWEENNESS,
    CHAIN_ID,
    CLUSTER_ID,
    COORDINATED,
    HUB_SCORE,
    LINEAGE_HEAD,
    LINEAGE_LENGTH,
    NETWORK_SHARE,
    ORIGINATOR_INDEX,
    PAGERANK,
    PARTICIPATION,
    POSITION,
    RANK,
    STRENGTH,
    TOP_SIGNAL,
    WEIGHT,
)
from netlib.hubs._util import CodedEdges, Codes, account_codes, merge_codes
from netlib.hubs.config import DEFAULT_WEIGHTS, HubConfig
from netlib.hubs.inputs import CoordinationInputs
from netlib.lookup import isin
from netlib.schema import ACCOUNT_ID, HANDLE

__all__ = ["HubScores", "score_hubs", "signal_scores", "HUB_COLUMNS"]

HUB_COLUMNS = [ACCOUNT_ID, HUB_SCORE, RANK, HANDLE, CLUSTER_ID, COORDINATED, TOP_SIGNAL,
               *ll.LEAD_LAG_COLUMNS[1:], PAGERANK, ORIGINATOR_INDEX, AMPLIFIED_BY,
               NETWORK_SHARE, PARTICIPATION, BETWEENNESS, STRENGTH,
               LINEAGE_LENGTH, LINEAGE_HEAD]


@dataclass
class HubScores:
    """What :func:`score_hubs` computed.

    Attributes
    ----------
    hubs : DataFrame
        The ranking (columns :data:`HUB_COLUMNS`).
    lead_lag : DataFrame
        Directed leader -> follower counts within clusters.
    amplification : DataFrame
        ``amplifier_id, amplified_id, weight`` edges.
    candidates : Series
        ``cluster_id`` by ranked ``account_id`` (own cluster, or its amplifiers' cluster;
        missing when neither is known).
    notes : list of str
        Approximations made (e.g. sampled betweenness).
    """

    hubs: pd.DataFrame
    lead_lag: pd.DataFrame
    amplification: pd.DataFrame
    candidates: pd.Series
    notes: list[str] = field(default_factory=list)


def _scaled(values: pd.Series) -> pd.Series:
    """0-1 rank score among positive values; zero, negative and missing give 0."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    pos = x > 0
    out = pd.Series(0.0, index=x.index)
    if pos.any():
        out[pos] = x[pos].rank(pct=True, method="average")
    return out


def signal_scores(hubs: pd.DataFrame) -> pd.DataFrame:
    """Each weighted signal of a hubs table as a 0-1 rank score (columns: signal names).

    A lineage of length 1 carries no signal: the number of *other* accounts in the lineage
    is scored.
    """
    return pd.DataFrame({
        s: _scaled(hubs[s] - 1 if s == LINEAGE_LENGTH else hubs[s]) for s in DEFAULT_WEIGHTS})


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


def _candidates(orig: pd.DataFrame, amp_edges: pd.DataFrame, membership: pd.Series,
                min_amplifiers: int) -> pd.Series:
    """Coordinated accounts plus accounts amplified by enough of them, with a cluster."""
    candidates = set(membership.index)
    if len(orig):
        candidates |= set(orig.loc[orig[AMPLIFIED_BY] >= min_amplifiers, ACCOUNT_ID])
    dominant = _dominant_cluster(amp_edges, membership)
    order = pd.Index(sorted(candidates), dtype=object)
    cand_cluster = pd.Series(membership.astype(object).reindex(order).to_numpy(dtype=object),
                             index=order)
    if len(dominant):
        fill = dominant.astype(object).reindex(order).to_numpy(dtype=object)
        cand_cluster = cand_cluster.where(cand_cluster.notna(), pd.Series(fill, index=order))
    return cand_cluster


def _bridging(counts: ll.PairCounts | None, amp_edges: pd.DataFrame,
              cand_cluster: pd.Series, config: HubConfig, notes: list[str]) -> pd.DataFrame:
    """Participation and betweenness on within-cluster co-actions + amplification among
    the candidates."""
    candidates = set(cand_cluster.index)
    ae = amp_edges[isin(amp_edges[AMPLIFIER_ID], candidates)
                   & isin(amp_edges[AMPLIFIED_ID], candidates)]
    # co-action counts (already coded) first, then the amplification edges
    ae_codes = account_codes(ae[AMPLIFIER_ID], ae[AMPLIFIED_ID])
    if counts is not None and len(counts.n):
        codes = merge_codes(Codes(counts.codes.ids, (counts.leader, counts.follower)),
                            ae_codes)
        # the recoded columns themselves when there is no amplification edge: no copy
        bridge_edges = CodedEdges(
            Codes(codes.ids, tuple(np.concatenate(part) if len(ae) else part[0]
                                   for part in (codes.columns[0::2], codes.columns[1::2]))),
            np.concatenate([counts.n, ae[WEIGHT].to_numpy()]))
        del codes
    else:
        bridge_edges = CodedEdges(ae_codes, ae[WEIGHT].to_numpy())
    n_bridge = len(bridge_edges)
    if n_bridge > config.exact_betweenness_edges:
        notes.append(f"betweenness estimated from {config.betweenness_samples} sampled "
                     f"sources: {n_bridge:,} edges > exact_betweenness_edges="
                     f"{config.exact_betweenness_edges:,}")
    return amp.bridging(bridge_edges, cand_cluster.dropna(),
                        exact_betweenness_edges=config.exact_betweenness_edges,
                        betweenness_samples=config.betweenness_samples, seed=config.seed)


def _combine(hubs: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Add ``hub_score``, ``top_signal`` and ``rank``; order the rows and columns."""
    parts = signal_scores(hubs)
    total = sum(weights.values())
    contrib = pd.DataFrame({s: parts[s] * weights.get(s, 0.0) / total for s in parts})
    hubs[HUB_SCORE] = contrib.sum(axis=1).round(12)
    hubs[TOP_SIGNAL] = np.where(contrib.max(axis=1) > 0, contrib.idxmax(axis=1), "")
    hubs = hubs.sort_values([HUB_SCORE, ACCOUNT_ID], ascending=[False, True], kind="stable")
    hubs[RANK] = np.arange(1, len(hubs) + 1)
    return hubs[HUB_COLUMNS].reset_index(drop=True)


def score_hubs(data: Dataset, inputs: CoordinationInputs, config: HubConfig) -> HubScores:
    """Measure every hub signal of the candidate accounts and rank them.

    Signals per account: lead-lag within coordinated co-actions (``lead_z`` and its
    p-value), PageRank on the amplification graph by coordinated accounts, the originator
    index, reach (``amplified_by``), ``network_share``, bridging (participation coefficient
    and betweenness), coordination strength, and the mirror lineage length.

    Parameters
    ----------
    data : Dataset
    inputs : CoordinationInputs
        From :func:`netlib.hubs.coordination_inputs`.
    config : HubConfig

    Returns
    -------
    HubScores
    """
    actions = data.actions
    membership = inputs.membership
    coordinated = set(membership.index)
    within = inputs.within_pairs
    # the lead-lag steps first: they read the most rows, so they run while little else
    # is held
    counts = ll.pair_counts(within) if len(within) else None
    leaders = ll.leader_table(within, counts=counts)
    reposts = amp.repost_links(actions)
    amp_edges = amp.amplification_edges(actions, pairs=within,
                                        copy_traces=config.copy_traces, links=reposts)
    # the network's attention: PageRank over amplification *by coordinated accounts*
    pr = amp.amplification_scores(amp_edges[isin(amp_edges[AMPLIFIER_ID], coordinated)])
    orig = amp.originator_index(actions, membership, links=reposts)
    cand_cluster = _candidates(orig, amp_edges, membership, config.min_amplifiers)
    notes: list[str] = []
    bridge = _bridging(counts, amp_edges, cand_cluster, config, notes)

    hubs = pd.DataFrame({ACCOUNT_ID: cand_cluster.index.astype(object),
                         CLUSTER_ID: cand_cluster.to_numpy()})
    hubs[COORDINATED] = isin(hubs[ACCOUNT_ID], coordinated)
    for table in (leaders, pr, orig, bridge, _lineage(inputs.chains)):
        if len(table):
            hubs = hubs.merge(table, on=ACCOUNT_ID, how="left")
        else:
            for col in table.columns.drop(ACCOUNT_ID):
                hubs[col] = np.nan
    handles = data.accounts.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[HANDLE]
    hubs[HANDLE] = hubs[ACCOUNT_ID].map(handles)
    for col in (ll.N_LEAD, ll.N_FOLLOW, ll.N_FOLLOWERS, ORIGINATOR_INDEX, AMPLIFIED_BY):
        hubs[col] = hubs[col].fillna(0).astype("int64")
    for col in (PAGERANK, STRENGTH, PARTICIPATION, NETWORK_SHARE):
        hubs[col] = hubs[col].astype(float).fillna(0.0)
    hubs[LINEAGE_LENGTH] = hubs[LINEAGE_LENGTH].fillna(1).astype("int64")
    return HubScores(hubs=_combine(hubs, config.weights),
                     lead_lag=ll.lead_lag(within, counts=counts),
                     amplification=amp_edges, candidates=cand_cluster, notes=notes)
