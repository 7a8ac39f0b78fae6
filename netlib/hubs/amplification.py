"""The amplification graph (who reposts or copies whom), originators and bridges.

An amplification edge runs from the account that reposted, quoted, replied to or
forwarded an action to the author of that action (when the action is in the data), and
from an account that copied text or media to the coordinated account that posted it
first. PageRank on that graph finds the accounts the network points its attention at; the
originator index counts how many of an account's originals were each picked up by many
coordinated accounts; the participation coefficient and betweenness find accounts that tie
clusters together. Graph steps run in igraph so they scale to millions of edges.
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    AMPLIFIED_BY,
    AMPLIFIED_ID,
    AMPLIFIER_ID,
    BETWEENNESS,
    NETWORK_SHARE,
    ORIGINATOR_INDEX,
    PAGERANK,
    PARTICIPATION,
    STRENGTH,
    TRACE,
    WEIGHT,
)
from netlib.hubs._util import (
    CodedEdges,
    Codes,
    account_codes,
    first_occurrences,
    group_sums,
    merge_codes,
)
from netlib.hubs._within import WithinPairs
from netlib.overview import action_links
from netlib.schema import ACCOUNT_ID, OBJECT_ID, SOURCE_ID, TARGET_ID

__all__ = [
    "AMPLIFYING_KINDS",
    "COPY_TRACES",
    "repost_links",
    "amplification_edges",
    "amplification_scores",
    "originator_index",
    "bridging",
    "h_index",
]

#: Action kinds that amplify the action they point to.
AMPLIFYING_KINDS = ("repost", "quote", "reply", "forward")
#: Co-action traces in which the later account copies the earlier one's content.
COPY_TRACES = ("text", "media")


def repost_links(actions: pd.DataFrame) -> pd.DataFrame:
    """``amplifier_id, amplified_id, object_id`` for actions pointing to a known action.

    One row per amplifying action (kinds :data:`AMPLIFYING_KINDS`) whose target action is
    in the data; :func:`amplification_edges` and :func:`originator_index` accept it as
    ``links=`` so that it is computed once.
    """
    links = action_links(actions, kinds=AMPLIFYING_KINDS)
    return pd.DataFrame({AMPLIFIER_ID: links[SOURCE_ID].to_numpy(),
                         AMPLIFIED_ID: links[TARGET_ID].to_numpy(),
                         OBJECT_ID: links[OBJECT_ID].to_numpy()})


def amplification_edges(actions: pd.DataFrame, *,
                        pairs: pd.DataFrame | WithinPairs | None = None,
                        copy_traces: tuple[str, ...] = COPY_TRACES,
                        links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weighted directed amplification edges.

    Parameters
    ----------
    actions : DataFrame
        The Dataset's actions (``action_id, account_id, kind, object_id``).
    pairs : DataFrame or WithinPairs, optional
        Coordinated co-action pairs with a ``trace`` column; rows of a copy trace add an
        edge from the later account (``account_id_y``) to the earlier (``account_id``).
    copy_traces : tuple of str
        Traces counted as copying.
    links : DataFrame, optional
        :func:`repost_links` of ``actions``, when already computed.

    Returns
    -------
    DataFrame
        ``amplifier_id, amplified_id, weight`` (number of amplifying actions plus copied
        co-actions), self-loops removed, sorted by amplifier then amplified.
    """
    links = repost_links(actions) if links is None else links
    codes = account_codes(links[AMPLIFIER_ID], links[AMPLIFIED_ID])
    if pairs is not None and not pairs.empty and TRACE in pairs.columns:
        if isinstance(pairs, WithinPairs):
            # the copying rows' accounts are already coded: recode their ids, not each row
            copies = pairs.isin(TRACE, copy_traces)
            later, earlier = (c[copies] for c in pairs.codes.columns[::-1])
            codes = merge_codes(codes, Codes(pairs.codes.ids, (later, earlier)))
        else:
            copies = pairs[TRACE].isin(copy_traces).to_numpy(dtype=bool)
            codes = account_codes(links[AMPLIFIER_ID], links[AMPLIFIED_ID],
                                  pairs.loc[copies, ACCOUNT_ID_Y], pairs.loc[copies, ACCOUNT_ID])
    src = np.concatenate(codes.columns[0::2])
    dst = np.concatenate(codes.columns[1::2])
    keep = (src != dst) & (src >= 0) & (dst >= 0)
    if not keep.any():
        return pd.DataFrame(columns=[AMPLIFIER_ID, AMPLIFIED_ID, WEIGHT])
    keys, weight = np.unique(src[keep] * len(codes) + dst[keep], return_counts=True)
    return pd.DataFrame({AMPLIFIER_ID: codes.strings(keys // len(codes)),
                         AMPLIFIED_ID: codes.strings(keys % len(codes)),
                         WEIGHT: weight.astype(np.int64)})


def h_index(counts: pd.Series, groups: pd.Series) -> pd.Series:
    """h-index per group: the largest ``h`` with ``h`` items each counting at least ``h``."""
    frame = pd.DataFrame({"g": groups.to_numpy(), "c": counts.to_numpy()})
    if frame.empty:
        return pd.Series(dtype="int64")
    frame = frame.sort_values(["g", "c"], ascending=[True, False], kind="stable")
    frame["r"] = frame.groupby("g", sort=False).cumcount() + 1
    frame["h"] = np.minimum(frame["r"], frame["c"])
    return frame.groupby("g", sort=True)["h"].max().astype("int64")


def originator_index(actions: pd.DataFrame, membership: pd.Series, *,
                     links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Originator index, reach and network share of every author amplified by the network.

    Parameters
    ----------
    actions : DataFrame
        The Dataset's actions.
    membership : Series
        Cluster of each coordinated account (index ``account_id``).
    links : DataFrame, optional
        :func:`repost_links` of ``actions``, when already computed.

    Returns
    -------
    DataFrame
        ``account_id, originator_index`` (h originals each amplified by at least h
        distinct coordinated accounts), ``amplified_by`` (distinct coordinated accounts
        that amplified the account at least once), ``network_share`` (share of all the
        amplifying actions it received that came from its single most amplifying
        cluster: near 1 for an account that only its own network amplifies, low for a
        popular account that the public amplifies and networks repost as camouflage).
    """
    cols = [ACCOUNT_ID, ORIGINATOR_INDEX, AMPLIFIED_BY, NETWORK_SHARE]
    every = repost_links(actions) if links is None else links
    cluster = every[AMPLIFIER_ID].map(membership)
    links = every[cluster.notna().to_numpy()]
    if links.empty:
        return pd.DataFrame(columns=cols)
    per_item = (links.drop_duplicates([AMPLIFIED_ID, OBJECT_ID, AMPLIFIER_ID])
                .groupby([AMPLIFIED_ID, OBJECT_ID], sort=False).size().rename("c")
                .reset_index())
    h = h_index(per_item["c"], per_item[AMPLIFIED_ID])
    reach = links.groupby(AMPLIFIED_ID)[AMPLIFIER_ID].nunique()
    received = every.groupby(AMPLIFIED_ID).size()
    top = (pd.DataFrame({"_to": links[AMPLIFIED_ID].to_numpy(),
                         "_c": cluster[cluster.notna()].astype(str).to_numpy()})
           .groupby(["_to", "_c"]).size().groupby(level="_to").max())
    out = pd.DataFrame({ACCOUNT_ID: h.index.astype(object), ORIGINATOR_INDEX: h.to_numpy()})
    out[AMPLIFIED_BY] = out[ACCOUNT_ID].map(reach).fillna(0).astype("int64")
    out[NETWORK_SHARE] = (out[ACCOUNT_ID].map(top) / out[ACCOUNT_ID].map(received)).astype(float)
    return out[cols]


def _graph(edges: pd.DataFrame, src: str, dst: str, *,
           directed: bool) -> tuple[ig.Graph, pd.Index]:
    """An igraph graph of ``edges`` (with a ``weight`` attribute) and its vertex names.

    Vertices are numbered in order of first appearance (sources, then targets).
    """
    m = len(edges)
    codes = account_codes(edges[src], edges[dst])
    vertex, first = pd.factorize(np.concatenate(codes.columns))
    g = ig.Graph(n=len(first), directed=directed)
    if m:
        g.add_edges(np.column_stack([vertex[:m], vertex[m:]]))
        g.es["weight"] = edges[WEIGHT].astype(float).to_numpy()
    return g, pd.Index(codes.objects(first), dtype=object)


def amplification_scores(edges: pd.DataFrame, *, damping: float = 0.85) -> pd.DataFrame:
    """Weighted PageRank on the amplification graph (edges point to the amplified).

    Returns
    -------
    DataFrame
        ``account_id, amplification_pagerank`` for every account on an edge.

    References
    ----------
    Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual web search
    engine. *Computer Networks and ISDN Systems* 30, 107-117.
    """
    if edges.empty:
        return pd.DataFrame(columns=[ACCOUNT_ID, PAGERANK])
    g, names = _graph(edges, AMPLIFIER_ID, AMPLIFIED_ID, directed=True)
    # PRPACK shares its sums among OpenMP threads, in an order that changes from run to
    # run (the last bits of the scores with it); one thread gives the same bits each time
    with threadpool_limits(1, user_api="openmp"):
        pr = g.pagerank(weights="weight", damping=damping, directed=True)
    return pd.DataFrame({ACCOUNT_ID: names.astype(object), PAGERANK: pr})


def _undirected_weights(a: np.ndarray, b: np.ndarray, weight: np.ndarray,
                        n_ids: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge weights summed per unordered pair of account codes, loops dropped.

    Returns the lower and higher codes (sorted by lower then higher code) and the summed
    weights: pandas' groupby sums (compensated, in row order), without hash tables as
    long as the rows (:func:`~netlib.hubs._util.group_sums`).
    """
    ok = (a >= 0) & (b >= 0)
    w = weight.astype(float)[ok]
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    del ok
    key = lo * n_ids
    key += hi
    del lo, hi
    key, w = group_sums(w, key)
    lo, hi = key // n_ids, key % n_ids
    del key
    keep = lo != hi
    return lo[keep], hi[keep], w[keep]


def _participation(lo: np.ndarray, hi: np.ndarray, w: np.ndarray,
                   id_cluster: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Accounts on an edge (sorted codes), their strength and participation coefficient.

    ``id_cluster`` is the cluster code of every account code (-1: none); neighbours
    without a cluster do not count towards participation.
    """
    me, nb, w2 = np.concatenate([lo, hi]), np.concatenate([hi, lo]), np.concatenate([w, w])
    accounts, strength = group_sums(w2, me)
    c = id_cluster[nb]
    del nb
    clustered = c >= 0
    n_c = int(c.max()) + 1 if len(c) else 1
    k_key = me[clustered] * n_c
    k_key += c[clustered]
    del me, c
    k_key, k_c = group_sums(w2[clustered], k_key)
    del w2, clustered
    k_me = k_key // n_c
    k = pd.Series(k_c).groupby(k_me, sort=True).sum()
    share2 = (k_c / k.reindex(k_me).to_numpy()) ** 2
    part = 1.0 - pd.Series(share2).groupby(k_me, sort=True).sum()
    return accounts, strength, part.reindex(accounts).fillna(0.0).to_numpy(dtype=float)


def _appearance_codes(lo: np.ndarray, hi: np.ndarray,
                      n_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertex numbers of codes ``0..n_ids-1`` in order of first appearance over ``lo``
    then ``hi`` (as ``pd.factorize(np.concatenate([lo, hi]))`` numbers them), with
    ``lo`` sorted: the ids of ``lo`` come first (ascending), then those only in ``hi``,
    in the order they first appear there. No hash table as long as the rows.

    Returns
    -------
    (code, names)
        The vertex number of every code (-1: on no edge), and the code of every vertex.
    """
    if len(lo) and (lo[1:] < lo[:-1]).any():
        vertex, names = pd.factorize(np.concatenate([lo, hi]))
        code = np.full(n_ids, -1, dtype=np.int64)
        code[names] = np.arange(len(names), dtype=np.int64)
        return code, np.asarray(names, dtype=np.int64)
    in_lo = np.zeros(n_ids, dtype=bool)
    in_lo[lo] = True
    only_hi = hi[~in_lo[hi]]
    names = np.concatenate([np.flatnonzero(in_lo), only_hi[first_occurrences(only_hi.copy())]])
    code = np.full(n_ids, -1, dtype=np.int64)
    code[names] = np.arange(len(names), dtype=np.int64)
    return code, names


def _bridge_graph(lo: np.ndarray, hi: np.ndarray, n_ids: int) -> tuple[ig.Graph, np.ndarray]:
    """The undirected igraph graph of the edges ``lo - hi`` (in that order), its vertices
    numbered in order of first appearance (the betweenness sample draws them), and the
    account code of every vertex."""
    code, names = _appearance_codes(lo, hi, n_ids)
    g = ig.Graph(n=len(names), directed=False)
    if len(lo):
        edges = np.empty((len(lo), 2), dtype=np.int64)
        edges[:, 0] = code[lo]
        edges[:, 1] = code[hi]
        g.add_edges(edges)
    return g, names


def bridging(pair_edges: pd.DataFrame | CodedEdges, membership: pd.Series, *,
             exact_betweenness_edges: int = 50_000, betweenness_samples: int = 64,
             seed: int = 0) -> pd.DataFrame:
    """Participation coefficient, betweenness and strength on the coordination graph.

    Parameters
    ----------
    pair_edges : DataFrame or CodedEdges
        Undirected weighted edges ``account_id, account_id_y, weight`` between accounts
        (co-action counts and amplification counts, any cluster), or the same with the
        accounts given by their codes.
    membership : Series
        Cluster of each account (index ``account_id``); neighbours without a cluster do
        not count towards participation.
    exact_betweenness_edges : int
        Betweenness (weight = 1 / edge weight as distance) is exact on graphs up to this
        many edges (it costs O(n m)); above it, it is estimated from shortest paths
        starting at ``betweenness_samples`` random accounts, scaled up (Brandes & Pich).
    betweenness_samples : int
        Number of sampled source accounts for the estimate.
    seed : int
        Seed of the sample.

    Returns
    -------
    DataFrame
        ``account_id, participation`` (1 - sum over clusters of the squared share of its
        edge weight going to that cluster; 0 when all its ties stay in one cluster),
        ``betweenness`` (normalised to 0-1), ``coordination_strength`` (total edge
        weight).

    References
    ----------
    Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900.
    Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. *International
    Journal of Bifurcation and Chaos* 17(7), 2303-2318.
    """
    cols = [ACCOUNT_ID, PARTICIPATION, BETWEENNESS, STRENGTH]
    if pair_edges.empty:
        return pd.DataFrame(columns=cols)
    if isinstance(pair_edges, CodedEdges):
        codes, weight = pair_edges.codes, np.asarray(pair_edges.weight)
    else:
        codes = account_codes(pair_edges[ACCOUNT_ID], pair_edges[ACCOUNT_ID_Y])
        weight = pair_edges[WEIGHT].to_numpy()
    n_ids = len(codes)
    lo, hi, w = _undirected_weights(*codes.columns, weight, n_ids)
    # cluster code (in sorted cluster order) of every id; -1 without a cluster
    where = codes.positions(membership.index)
    cluster_codes, _ = pd.factorize(membership.to_numpy(), sort=True)
    id_cluster = np.full(n_ids, -1, dtype=np.int64)
    id_cluster[where[where >= 0]] = np.asarray(cluster_codes, dtype=np.int64)[where >= 0]
    accounts, strength, part = _participation(lo, hi, w, id_cluster)
    out = pd.DataFrame({ACCOUNT_ID: codes.objects(accounts)})
    out[PARTICIPATION] = part
    out[STRENGTH] = strength
    # (each step's row-long temporaries are gone before the graph is built)
    g, names = _bridge_graph(lo, hi, n_ids)
    m = len(lo)
    del lo, hi
    # distances handed to igraph as an array: an edge attribute would hold one Python
    # float per edge
    dist = 1.0 / w if m else None
    del w
    n = g.vcount()
    if m <= exact_betweenness_edges or n <= betweenness_samples:
        btw = np.asarray(g.betweenness(directed=False, weights=dist), dtype=float)
    else:
        rng = np.random.default_rng(seed)
        sources = rng.choice(n, size=betweenness_samples, replace=False).tolist()
        btw = np.asarray(g.betweenness(directed=False, weights=dist, sources=sources),
                         dtype=float) * n / betweenness_samples / 2.0
    norm = (n - 1) * (n - 2) / 2.0 if n > 2 else 1.0
    by_id = np.full(n_ids, np.nan)
    by_id[np.asarray(names, dtype=np.int64)] = btw / norm
    out[BETWEENNESS] = by_id[accounts]
    return out[cols]
