"""The account network: co-action pairs per trace, fused into weighted account edges.

An edge joins two accounts that acted on the same object (same original, same link, same
near-duplicate text...) within the time window. Its weight is the number of *distinct*
objects they co-acted on, per trace and summed over traces; the co-action rows behind
every edge are kept so that :meth:`CoordinationResult.evidence` can show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from netlib.coaction.actions import (
    TIMESTAMP_Y,
    PairCodes,
    account_codes,
    co_actions,
    coded_co_actions,
    pair_codes,
    positions,
    string_ids,
)
from netlib.lookup import take_strings
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    OBJECT_ID,
    TIME_DELTA,
    TRACE,
    WEIGHT,
)
from netlib.traces import TRACES

__all__ = ["co_actions", "coded_co_actions", "account_codes", "edge_table", "reweighted",
           "edge_weights",
           "object_idf", "author_pairs", "WEIGHT", "WEIGHT_TFIDF", "N_CO_ACTIONS", "MEDIAN_LAG",
           "TIMESTAMP_Y", "trace_weight_column", "pair_clusters", "pair_cluster_codes",
           "pair_keys", "pair_codes", "PairCodes", "string_ids"]

WEIGHT_TFIDF = "weight_tfidf"
N_CO_ACTIONS = "n_co_actions"
MEDIAN_LAG = "median_lag_s"
IDF = "idf"


def trace_weight_column(trace: str) -> str:
    """Name of the per-trace weight column of the edge table, e.g. ``n_repost``."""
    return f"n_{trace}"


def author_pairs(pairs: pd.DataFrame, *, codes: PairCodes | None = None) -> np.ndarray:
    """Mask of repost co-actions where one side is the original post itself.

    :func:`netlib.traces.build_traces` puts the original post into the repost trace (as
    object ``"post:<its action_id>"``) so that its author pairs with fast resharers.
    ``codes`` (:func:`pair_codes` of ``pairs``) holds the mask already.
    """
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    return (codes if codes is not None else pair_codes(pairs)).author


def object_idf(traces: pd.DataFrame) -> pd.DataFrame:
    """Inverse document frequency of each (trace, object): ``log(n_accounts / n_actors)``.

    Objects many accounts act on (a viral post, a trending hashtag) carry little evidence
    about who coordinates with whom; rare shared objects carry much.

    Returns
    -------
    DataFrame
        ``trace, object_id, n_actors, idf``.
    """
    n_accounts = max(traces[ACCOUNT_ID].nunique(), 1)
    actors = (traces.groupby([TRACE, OBJECT_ID], sort=False)[ACCOUNT_ID].nunique()
              .rename("n_actors").reset_index())
    actors[IDF] = np.log(n_accounts / actors["n_actors"].clip(lower=1)).clip(lower=0.0)
    return actors


def edge_table(pairs: pd.DataFrame, *, idf: pd.DataFrame | None = None,
               traces: tuple[str, ...] = TRACES,
               rows: np.ndarray | None = None,
               codes: PairCodes | None = None) -> pd.DataFrame:
    """Undirected account edges from co-action rows.

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`co_actions`.
    idf : DataFrame, optional
        Output of :func:`object_idf`; adds ``weight_tfidf`` (sum of the idf of the distinct
        objects co-acted on).
    traces : tuple of str
        Traces to give a ``n_<trace>`` column even when they have no pairs.
    rows : numpy.ndarray of bool, optional
        Use only these co-action rows: the same edges as ``edge_table(pairs[rows])``,
        without copying the rows' strings (what matters for tens of millions of rows).
    codes : PairCodes, optional
        :func:`pair_codes` of ``pairs``, when already made (else made here).

    Returns
    -------
    DataFrame
        ``account_id, account_id_y`` (``account_id < account_id_y``), ``weight`` (distinct
        objects co-acted on, summed over traces), ``n_<trace>`` per trace,
        ``n_co_actions`` (co-action rows), ``median_lag_s``, ``weight_tfidf``.
    """
    cols = [ACCOUNT_ID, ACCOUNT_ID_Y, WEIGHT] + [trace_weight_column(t) for t in traces] + \
        [N_CO_ACTIONS, MEDIAN_LAG, WEIGHT_TFIDF]
    if pairs.empty or (rows is not None and not rows.any()):
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        out[ACCOUNT_ID] = out[ACCOUNT_ID].astype(object)
        out[ACCOUNT_ID_Y] = out[ACCOUNT_ID_Y].astype(object)
        return out
    # Work on integer codes: accounts numbered in sorted id order (so the smaller code is
    # the smaller id and code order is id order), traces and objects by factorising. The
    # groupings below then hash integers, never millions of Python strings.
    codes = codes if codes is not None else pair_codes(pairs)
    ids, trace_names = codes.ids, codes.traces
    take = slice(None) if rows is None else np.flatnonzero(rows)
    a, b = codes.first[take], codes.second[take]
    # one integer per account pair; sorted, so the edges come in (account_id,
    # account_id_y) order, and ``group`` numbers the edges 0, 1, ...
    # (a sort: twice as fast as hashing them and then sorting the distinct ones)
    pair_ids, group = np.unique(np.minimum(a, b).astype(np.int64) * len(ids)
                                + np.maximum(a, b), return_inverse=True)
    del a, b
    n_edges, n_traces = len(pair_ids), len(trace_names)
    trace = codes.trace[take]
    unit = codes.units(take)
    n_units = int(unit.max()) + 1
    if n_edges * n_units >= 2**63:    # pragma: no cover - beyond int64: 3e9+ rows
        raise ValueError("edge_table: too many co-action rows for 64-bit keys")
    counts = np.bincount(group, minlength=n_edges)
    # the first row of each distinct (edge, trace, object): weights count objects once.
    # An edge with one row has it first; only the rows of the others are hashed (in a
    # dense stream most account pairs co-act once)
    many = np.flatnonzero(counts[group] > 1)
    seen = np.zeros(len(group), dtype=bool)
    seen[many] = pd.Series(group[many] * n_units + unit[many]).duplicated().to_numpy()
    first = np.flatnonzero(~seen)
    del unit, many, seen
    out = pd.DataFrame({N_CO_ACTIONS: counts})
    out[MEDIAN_LAG] = _per_group(pd.Series(pairs[TIME_DELTA].to_numpy()[take]), group,
                                 n_edges, "median", counts=counts)
    del counts
    d_group, d_trace = group[first], trace[first]
    del group, trace
    per_trace = np.bincount(d_group * n_traces + d_trace,
                            minlength=n_edges * n_traces).reshape(n_edges, n_traces)
    present = [int(c) for c in np.flatnonzero(per_trace.sum(axis=0))]
    names = {c: str(trace_names[c]) for c in present}
    for t in traces:
        code = next((c for c in present if names[c] == t), None)
        out[trace_weight_column(t)] = per_trace[:, code] if code is not None else 0
    extra = [names[c] for c in present if names[c] not in traces]
    for c in present:
        if names[c] in extra:
            out[trace_weight_column(names[c])] = per_trace[:, c]
    out[WEIGHT] = per_trace.sum(axis=1).astype(int)
    del per_trace
    if idf is not None:
        out[WEIGHT_TFIDF] = _tfidf(idf, codes, d_group, codes.obj[take][first], d_trace,
                                   n_edges)
    else:
        out[WEIGHT_TFIDF] = np.nan
    names = pa.array(np.asarray(ids, dtype=object), type=pa.large_string())
    out[ACCOUNT_ID] = take_strings(names, pair_ids // len(ids))
    out[ACCOUNT_ID_Y] = take_strings(names, pair_ids % len(ids))
    del names
    for t in list(traces) + extra:
        out[trace_weight_column(t)] = out[trace_weight_column(t)].astype(int)
    order = [c for c in cols if c in out.columns] + \
        [trace_weight_column(t) for t in extra]
    return out[order]


def edge_weights(codes: PairCodes, rows: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The account pairs of the co-action ``rows`` and their weights, on integer codes only.

    The edges and weights of :func:`edge_table` (``edge_table(pairs, rows=rows)[["account_id",
    "account_id_y", "weight"]]``, in its order) without its other columns: what the
    split halves need of tens of millions of rows.

    Returns
    -------
    pair_ids : numpy.ndarray
        ``int64``, sorted: ``first * len(codes.ids) + second``, codes into ``codes.ids``
        with ``first < second``.
    weight : numpy.ndarray
        ``int64``: distinct (trace, object) co-acted on by each pair.

    Examples
    --------
    >>> pairs = pd.DataFrame({"trace": "link", "object_id": ["u", "u", "v"],
    ...                       "account_id": ["b", "b", "a"], "account_id_y": ["a", "a", "c"],
    ...                       "content_id": ["1", "2", "3"], "content_id_y": ["4", "5", "6"]})
    >>> ids, weight = edge_weights(pair_codes(pairs))
    >>> ids.tolist(), weight.tolist()
    ([1, 2], [1, 1])
    """
    take = slice(None) if rows is None else np.flatnonzero(rows)
    n_ids = max(len(codes.ids), 1)
    a, b = codes.first[take], codes.second[take]
    pair = np.minimum(a, b).astype(np.int64)
    pair *= n_ids
    pair += np.maximum(a, b)
    del a, b
    unit = codes.units(take)
    del take
    n_units = int(unit.max()) + 1 if len(unit) else 1
    if n_ids * n_ids * n_units < 2**62:
        # one integer per distinct (account pair, trace, object); the weight of a pair is
        # how many of them it has
        pair *= n_units
        unit += pair
        del pair
        distinct = pd.unique(unit)
        del unit
        distinct //= n_units
        pair_ids, weight = np.unique(distinct, return_counts=True)
        del distinct
    else:   # pragma: no cover - beyond 64-bit keys: number the pairs first
        group, pair_ids = pd.factorize(pair, sort=True)
        first = ~pd.Series(group * n_units + unit).duplicated().to_numpy()
        weight = np.bincount(group[first], minlength=len(pair_ids))
        del group, first, pair, unit
    return pair_ids.astype(np.int64), weight.astype(np.int64)


def reweighted(edges: pd.DataFrame, codes: PairCodes, rows: np.ndarray) -> pd.DataFrame:
    """``edges`` re-weighed on the co-action ``rows`` only, keeping the edges they hold.

    The same table as ``edges.drop(columns="weight").merge(edge_table(pairs, rows=rows,
    codes=codes)[["account_id", "account_id_y", "weight"]], on=[...], how="inner")``,
    computed on integer codes (:func:`edge_weights`), edges matched on one integer per
    account pair.
    """
    n_ids = max(len(codes.ids), 1)
    pair_ids, weight = edge_weights(codes, rows)
    ea, eb = positions(edges[ACCOUNT_ID], codes.ids), positions(edges[ACCOUNT_ID_Y], codes.ids)
    key = np.where((ea >= 0) & (eb >= 0), np.minimum(ea, eb) * n_ids + np.maximum(ea, eb), -1)
    at = np.minimum(np.searchsorted(pair_ids, key), max(len(pair_ids) - 1, 0))
    keep = np.flatnonzero((key >= 0) & (pair_ids[at] == key)) if len(pair_ids) \
        else np.zeros(0, dtype=np.int64)
    out = edges.drop(columns=WEIGHT).iloc[keep].reset_index(drop=True)
    out[WEIGHT] = weight[at[keep]].astype(int)
    return out


def _tfidf(idf: pd.DataFrame, codes: PairCodes, group: np.ndarray, obj: np.ndarray,
           trace: np.ndarray, n_edges: int) -> np.ndarray:
    """Per edge, the summed idf of its distinct (trace, object) rows (in row order)."""
    n_obj = max(len(codes.objects), 1)
    t = codes.traces.get_indexer(idf[TRACE]).astype(np.int64)
    o = codes.objects.get_indexer(idf[OBJECT_ID]).astype(np.int64)
    known = (t >= 0) & (o >= 0)
    # each (trace, object) as one integer, looked up by hashing (idf has one row for each)
    at = pd.Index(t[known] * n_obj + o[known]).get_indexer(
        trace.astype(np.int64) * n_obj + obj)
    values = idf[IDF].to_numpy(dtype=float)[known]
    scored = np.where(at >= 0, values[at], np.nan)
    del at
    # pandas' grouped sum over the rows in order, NaN (an object without idf) skipped
    return _per_group(pd.Series(scored), group, n_edges, "sum")


def _per_group(values: pd.Series, group: np.ndarray, n_groups: int, how: str, *,
               counts: np.ndarray | None = None) -> np.ndarray:
    """``values.groupby(group).<how>()`` for integer codes ``0 .. n_groups - 1``, one entry
    per code (NaN for a code without rows); ``how`` is ``"sum"`` or ``"median"``;
    ``counts``, the rows per code, when already known.

    A code with a single row takes that row's value as it is (its sum: ``0.0 +`` the
    value, or 0 when it is NaN, as pandas' sum starts from zero and skips NaN). In a
    dense stream most account pairs co-act once, so pandas groups only the rows of the
    codes with more than one. It gets them as a categorical, which it groups by as they
    are, instead of hashing them first, and reduces each group's rows in the same order,
    so the sums (pandas adds floats with compensation) and medians are the same floats.
    """
    if how not in ("sum", "median"):
        raise ValueError(f"_per_group: how must be 'sum' or 'median', got {how!r}")
    group = np.asarray(group)
    v = values.to_numpy(dtype=float)
    if counts is None:
        counts = np.bincount(group, minlength=n_groups)
    single = counts[group] == 1
    out = np.full(n_groups, np.nan)
    one = v[single]
    out[group[single]] = np.where(np.isnan(one), 0.0, 0.0 + one) if how == "sum" else one
    del one
    rest = np.flatnonzero(~single)
    del single
    if len(rest):
        codes = pd.Categorical.from_codes(group[rest], validate=False,
                                          dtype=pd.CategoricalDtype(pd.RangeIndex(n_groups)))
        found = getattr(pd.Series(v[rest]).groupby(codes, observed=True), how)()
        out[found.index.codes] = found.to_numpy(dtype=float)
    return out


def pair_clusters(pairs: pd.DataFrame, member: dict | pd.Series, *,
                  codes: PairCodes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The cluster of each side of every co-action row (NaN outside the clusters).

    Looked up with Arrow's hash join, so millions of rows cost no Python object each; with
    ``codes`` (:func:`pair_codes` of ``pairs``) only the members are looked up.

    Examples
    --------
    >>> pairs = pd.DataFrame({"account_id": ["a", "b"], "account_id_y": ["b", "z"]})
    >>> [x.tolist() for x in pair_clusters(pairs, {"a": 0, "b": 0})]
    [[0.0, 0.0], [0.0, nan]]
    """
    member = pd.Series(member, dtype=object) if isinstance(member, dict) else member
    ids = member.index.astype(str)
    values = np.append(member.to_numpy(dtype=float), np.nan)   # position -1: outside
    if codes is not None:
        # cluster of each account code: the first label of an id, as the lookup below
        where = positions(ids, codes.ids)
        by_code = np.full(len(codes.ids) + 1, np.nan)
        found = np.flatnonzero(where >= 0)[::-1]          # last write wins: first label
        by_code[where[found]] = values[found]
        return by_code[codes.first], by_code[codes.second]
    return (values[positions(pairs[ACCOUNT_ID], ids)],
            values[positions(pairs[ACCOUNT_ID_Y], ids)])


def pair_cluster_codes(member: dict | pd.Series, codes: PairCodes
                       ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pair_clusters` as ``int32`` cluster ids, -1 outside: half the memory.

    Examples
    --------
    >>> pairs = pd.DataFrame({"trace": "link", "object_id": "u", "account_id": ["a", "b"],
    ...                       "account_id_y": ["b", "z"], "content_id": ["1", "2"],
    ...                       "content_id_y": ["2", "3"]})
    >>> [x.tolist() for x in pair_cluster_codes({"a": 0, "b": 0}, pair_codes(pairs))]
    [[0, 0], [0, -1]]
    """
    member = pd.Series(member, dtype=object) if isinstance(member, dict) else member
    values = np.append(member.to_numpy(dtype=np.int64), -1).astype(np.int32)
    where = positions(member.index.astype(str), codes.ids)
    by_code = np.full(len(codes.ids) + 1, -1, dtype=np.int32)
    found = np.flatnonzero(where >= 0)[::-1]          # last write wins: first label
    by_code[where[found]] = values[found]
    return by_code[codes.first], by_code[codes.second]


def pair_keys(first: pd.Series, second: pd.Series, ids: np.ndarray) -> np.ndarray:
    """One integer per unordered account pair (-1 when an id is not in sorted ``ids``).

    Examples
    --------
    >>> ids = np.array(["a", "b", "c"], dtype=object)
    >>> pair_keys(pd.Series(["b", "a", "x"]), pd.Series(["a", "b", "a"]), ids).tolist()
    [1, 1, -1]
    """
    a, b = positions(first, ids), positions(second, ids)
    key = np.minimum(a, b) * len(ids) + np.maximum(a, b)
    return np.where((a >= 0) & (b >= 0), key, -1)

