""":class:`CoordinationResult` and the per-cluster / per-account statistics it carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib.coaction.actions import positions, string_ids
from netlib.coordination.clusters import CLUSTER_ID, STABILITY
from netlib.coordination.components import ACCOUNT_COMPONENT_COLUMNS, COMPONENT_COLUMNS
from netlib.coordination.network import (
    MEDIAN_LAG,
    TIMESTAMP_Y,
    WEIGHT,
    PairCodes,
    pair_cluster_codes,
    pair_codes,
)
from netlib.coordination.significance import EXPECTED, P_VALUE, Q_VALUE, poisson_pvalues
from netlib.errors import ParameterError
from netlib.lookup import repeated
from netlib.results import summary_html
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    CONTENT_ID,
    CONTENT_ID_Y,
    CREATED_AT,
    OBJECT_ID,
    PLATFORM,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
)
from netlib.stats import qvalues

__all__ = ["CoordinationResult", "cluster_stats", "account_stats", "CLUSTER_STATS_COLUMNS",
           "ACCOUNT_STATS_COLUMNS"]

CLUSTER_STATS_COLUMNS = [
    CLUSTER_ID, "size", "platforms", "n_edges", "density", "observed", EXPECTED, P_VALUE,
    Q_VALUE, MEDIAN_LAG, "traces", "top_objects", "created_burst_share", "created_first",
    "created_last", "first_action", "last_action", STABILITY]
ACCOUNT_STATS_COLUMNS = [ACCOUNT_ID, CLUSTER_ID, "degree", "strength", "n_actions",
                         "n_coordinated_actions", "coordinated_share"]


def _within(pairs: pd.DataFrame, member: dict, codes: PairCodes) -> pd.DataFrame:
    """Co-action rows inside one cluster, with what the statistics read, as integer codes.

    ``t``, ``o``, ``a``, ``b`` are the codes of the trace, object and both accounts
    (:func:`~netlib.coordination.network.pair_codes`); lag and times as in ``pairs``.
    Rows are grouped by cluster (stable: each cluster's rows keep their order).
    """
    ca, cb = pair_cluster_codes(member, codes)
    keep = np.flatnonzero((ca == cb) & (ca >= 0))       # both sides in one cluster
    del cb
    cluster = ca[keep].astype(int)
    del ca
    order = np.argsort(cluster, kind="stable")
    keep, cluster = keep[order], cluster[order]
    del order
    out = pd.DataFrame({"t": codes.trace[keep], "o": codes.obj[keep],
                        "a": codes.first[keep], "b": codes.second[keep]})
    for col in (TIME_DELTA, TIMESTAMP, TIMESTAMP_Y):
        if col in pairs.columns:
            out[col] = pairs[col].array.take(keep)
    out[CLUSTER_ID] = cluster
    return out


def _units(p: pd.DataFrame, codes: PairCodes) -> np.ndarray:
    """One integer per (trace, object) of each row."""
    return p["t"].to_numpy(np.int64) * max(len(codes.objects), 1) + p["o"].to_numpy()


def _by_trace(p: pd.DataFrame, codes: PairCodes) -> pd.Series:
    """Distinct (account pair, object) co-actions per trace, most first."""
    unit = _units(p, codes)
    pair = pd.factorize(p["a"].to_numpy(np.int64) * len(codes.ids) + p["b"].to_numpy())[0]
    first = ~pd.Series(pair * (int(unit.max()) + 1 if len(unit) else 1) + unit
                       ).duplicated().to_numpy()
    counts = np.bincount(p["t"].to_numpy()[first], minlength=len(codes.traces))
    counts = pd.Series(counts, index=codes.traces)[counts > 0]
    return counts.sort_index().sort_values(ascending=False)


def _top_objects(p: pd.DataFrame, codes: PairCodes, top: int) -> pd.Series:
    """The ``top`` objects the most members co-acted on (ties in trace, object order)."""
    unit, n_ids = _units(p, codes), len(codes.ids)
    # distinct (trace, object, member) as one integer each, then members per object
    acts = pd.unique(np.concatenate([unit * n_ids + p["a"].to_numpy(),
                                     unit * n_ids + p["b"].to_numpy()]))   # hashed
    units, counts = np.unique(acts // n_ids, return_counts=True)
    if 0 < top < len(counts):
        # only objects with at least the top-th largest count can be among the first
        keep = counts >= np.partition(counts, len(counts) - top)[len(counts) - top]
        units, counts = units[keep], counts[keep]
    n_objects = max(len(codes.objects), 1)
    counts = pd.Series(counts, index=pd.MultiIndex.from_arrays([
        codes.traces[units // n_objects], codes.objects[units % n_objects]]))
    return counts.sort_index().sort_values(ascending=False, kind="stable").head(top)


def _burst_share(created: pd.Series, days: float = 7.0) -> float:
    """Largest share of members created within any ``days``-long span."""
    t = np.sort(pd.to_datetime(created.dropna(), utc=True).dt.as_unit("ns").astype("int64").to_numpy())
    if len(t) == 0:
        return float("nan")
    span = int(days * 86400 * 1e9)
    ends = np.searchsorted(t, t + span, side="right")
    return float((ends - np.arange(len(t))).max() / len(created))


def cluster_stats(clusters: pd.DataFrame, edges: pd.DataFrame, pairs: pd.DataFrame,
                  traces: pd.DataFrame, *, accounts: pd.DataFrame | None = None,
                  stability: pd.Series | None = None, fdr: float = 0.05,
                  top: int = 5, codes: PairCodes | None = None) -> pd.DataFrame:
    """One row per cluster: size, platforms, density, lag, observed vs expected, evidence.

    Returns
    -------
    DataFrame
        ``cluster_id, size, platforms, n_edges`` (significant edges inside),
        ``density`` (``n_edges`` over possible pairs), ``observed`` and ``expected``
        (co-acted objects summed over every tested edge inside the cluster, and their
        null expectation), ``p_value`` (Poisson), ``q_value`` (BH over clusters),
        ``median_lag_s``, ``traces`` (co-actions per trace, most first), ``top_objects``
        (most co-acted objects with their number of members), ``created_burst_share``
        (largest share of members created within 7 days), ``created_first``,
        ``created_last``, ``first_action``, ``last_action``, ``stability``. ``codes``
        (:func:`~netlib.coordination.network.pair_codes` of ``pairs``) when already made.
    """
    if clusters.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLUSTER_STATS_COLUMNS})
    member = dict(zip(clusters[ACCOUNT_ID], clusters[CLUSTER_ID], strict=True))
    inside_edges = edges[edges[CLUSTER_ID].notna()]
    # grouped by cluster once (stable: each cluster's edges keep their order, so their
    # sums are the same floats as those of a filter on the cluster)
    inside_edges = inside_edges.iloc[np.argsort(inside_edges[CLUSTER_ID].to_numpy(np.int64),
                                                kind="stable")]
    edge_bounds = inside_edges[CLUSTER_ID].to_numpy(np.int64)
    codes = codes if codes is not None else pair_codes(pairs)
    inside_pairs = _within(pairs, member, codes)
    bounds = inside_pairs[CLUSTER_ID].to_numpy()
    rows = []
    acc = accounts.set_index(ACCOUNT_ID) if accounts is not None else None
    for cid, group in clusters.groupby(CLUSTER_ID, sort=True):
        ids = group[ACCOUNT_ID].tolist()
        n = len(ids)
        e = inside_edges.iloc[np.searchsorted(edge_bounds, cid, side="left"):
                              np.searchsorted(edge_bounds, cid, side="right")]
        p = inside_pairs.iloc[np.searchsorted(bounds, cid, side="left"):
                              np.searchsorted(bounds, cid, side="right")]
        n_sig = int(e["significant"].sum())
        observed = float(e[WEIGHT].sum())
        expected = float(e[EXPECTED].sum())
        by_trace = _by_trace(p, codes)
        top_obj = _top_objects(p, codes, top)
        platforms = created = None
        if acc is not None:
            sub = acc.reindex(ids)
            platforms = " ".join(sorted(sub[PLATFORM].dropna().astype(str).unique()))
            created = sub[CREATED_AT] if CREATED_AT in sub.columns else None
        times = pd.concat([p[TIMESTAMP], p[TIMESTAMP_Y]]) if len(p) else pd.Series(
            dtype="datetime64[ns, UTC]")
        rows.append({
            CLUSTER_ID: int(cid), "size": n, "platforms": platforms, "n_edges": n_sig,
            "density": n_sig / (n * (n - 1) / 2) if n > 1 else float("nan"),
            "observed": observed, EXPECTED: expected,
            P_VALUE: float(poisson_pvalues(np.array([observed]), np.array([expected]))[0]),
            MEDIAN_LAG: float(p[TIME_DELTA].median()) if len(p) else float("nan"),
            "traces": " ".join(f"{t}:{k}" for t, k in by_trace.items()),
            "top_objects": " | ".join(f"{t}:{o} ({k})" for (t, o), k in top_obj.items()),
            "created_burst_share": _burst_share(created) if created is not None
            else float("nan"),
            "created_first": created.min() if created is not None else pd.NaT,
            "created_last": created.max() if created is not None else pd.NaT,
            "first_action": times.min() if len(times) else pd.NaT,
            "last_action": times.max() if len(times) else pd.NaT,
            STABILITY: float(stability.get(cid, np.nan)) if stability is not None
            else float("nan"),
        })
    out = pd.DataFrame(rows)
    out[Q_VALUE] = qvalues(out[P_VALUE].to_numpy())
    return out[CLUSTER_STATS_COLUMNS]


def account_stats(clusters: pd.DataFrame, edges: pd.DataFrame, pairs: pd.DataFrame,
                  traces: pd.DataFrame, *, codes: PairCodes | None = None) -> pd.DataFrame:
    """One row per account with a tested edge or a cluster.

    Returns
    -------
    DataFrame
        ``account_id, cluster_id`` (NA outside clusters), ``degree`` and ``strength``
        (number and summed weight of its significant edges), ``n_actions`` (its traced
        actions), ``n_coordinated_actions`` (its actions in a co-action of a significant
        edge), ``coordinated_share``. ``codes``
        (:func:`~netlib.coordination.network.pair_codes` of ``pairs``) when already made.
    """
    sig = edges[edges["significant"]] if len(edges) else edges
    ends = pd.concat([sig[[ACCOUNT_ID, WEIGHT]],
                      sig[[ACCOUNT_ID_Y, WEIGHT]].rename(columns={ACCOUNT_ID_Y: ACCOUNT_ID})])
    degree = ends.groupby(ACCOUNT_ID).size()
    strength = ends.groupby(ACCOUNT_ID)[WEIGHT].sum()
    # the distinct ids found by hashing, then only those sorted (not one per edge end)
    every = pd.concat([edges[ACCOUNT_ID], edges[ACCOUNT_ID_Y], clusters[ACCOUNT_ID]],
                      ignore_index=True)
    ids = pd.Index(sorted(every.unique().tolist()), name=ACCOUNT_ID)
    del every
    n_actions = _actions_per_account(traces, ids)
    if len(sig) and len(pairs):
        n_coord = _coordinated_actions(sig, pairs,
                                       codes if codes is not None else pair_codes(pairs))
    else:
        n_coord = pd.Series(dtype=int)
    member = clusters.set_index(ACCOUNT_ID)[CLUSTER_ID]
    out = pd.DataFrame(index=ids)
    out[CLUSTER_ID] = member.reindex(ids).astype("Int64")
    out["degree"] = degree.reindex(ids).fillna(0).astype(int)
    out["strength"] = strength.reindex(ids).fillna(0).astype(int)
    out["n_actions"] = n_actions.reindex(ids).fillna(0).astype(int)
    out["n_coordinated_actions"] = n_coord.reindex(ids).fillna(0).astype(int)
    out["coordinated_share"] = (out["n_coordinated_actions"]
                                / out["n_actions"].where(out["n_actions"] > 0))
    return out.reset_index()[ACCOUNT_STATS_COLUMNS]


def _actions_per_account(traces: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """Distinct actions of each account (its first trace row per action id counted).

    ``traces.drop_duplicates(action_id).groupby(account_id).size()``; with string action
    ids, each id's first row found by :func:`netlib.lookup.repeated`, counted for the
    accounts in ``ids`` only.
    """
    if not isinstance(traces[ACTION_ID].dtype, pd.StringDtype) or not len(ids):
        return traces.drop_duplicates(ACTION_ID).groupby(ACCOUNT_ID).size()
    first = ~repeated(traces[ACTION_ID])
    at = positions(traces[ACCOUNT_ID], ids.to_numpy())[first]
    return pd.Series(np.bincount(at[at >= 0], minlength=len(ids)), index=ids)


def _coordinated_actions(sig: pd.DataFrame, pairs: pd.DataFrame,
                         codes: PairCodes) -> pd.Series:
    """Per account id, its distinct actions in co-action rows of the edges ``sig``.

    Rows and edges are matched on one integer per unordered account pair, and the
    (account, action) pairs are made distinct on integer codes: no string per row.
    """
    n = len(codes.ids)
    lo = np.minimum(codes.first, codes.second).astype(np.int64)
    keys = lo * n + np.maximum(codes.first, codes.second)
    del lo
    a, b = positions(sig[ACCOUNT_ID], codes.ids), positions(sig[ACCOUNT_ID_Y], codes.ids)
    sig_keys = np.unique((np.minimum(a, b) * n + np.maximum(a, b))[(a >= 0) & (b >= 0)])
    on = np.flatnonzero(pd.Index(sig_keys).get_indexer(keys) >= 0)   # hashed, not sorted
    del keys
    account = np.concatenate([codes.first[on], codes.second[on]]).astype(np.int64)
    first, second = pairs[CONTENT_ID], pairs[CONTENT_ID_Y]
    if isinstance(first.dtype, pd.CategoricalDtype) and first.dtype == second.dtype:
        # one category set for both columns: equal codes are equal action ids
        action = np.concatenate([first.cat.codes.to_numpy()[on],
                                 second.cat.codes.to_numpy()[on]]).astype(np.int64)
    else:
        action = pd.factorize(pd.concat([first.iloc[on], second.iloc[on]],
                                        ignore_index=True))[0]
    per = np.unique(account * (int(action.max()) + 1 if len(action) else 1) + action)
    counts = np.bincount(per // (int(action.max()) + 1 if len(action) else 1), minlength=n)
    have = np.flatnonzero(counts)
    return pd.Series(counts[have], index=codes.ids[have])


@dataclass
class CoordinationResult:
    """Coordinated clusters with the parameters, the null model and the evidence behind them.

    Attributes
    ----------
    clusters : DataFrame
        ``account_id, cluster_id`` - coordinated accounts only.
    edges : DataFrame
        Every tested account pair: ``account_id, account_id_y, weight, n_<trace>...,
        n_co_actions, median_lag_s, weight_tfidf, expected, p_value, q_value,
        significant, cluster_id``.
    cluster_stats : DataFrame
        See :func:`cluster_stats`.
    account_stats : DataFrame
        See :func:`account_stats`.
    pairs : DataFrame
        Co-action rows ``trace, object_id, account_id, account_id_y, content_id,
        content_id_y, time_delta, timestamp, timestamp_y``, ids as ``str``. :func:`detect`
        keeps the ids as categories and makes this table the first time it is read; use
        :meth:`pairs_table` with ``id_dtype="category"`` to read the rows without it
        (tens of millions of rows hold several times the memory as strings).
    params : dict
        ``dataclasses.asdict`` of the :class:`~netlib.coordination.CoordinationConfig`
        used, plus ``traces_used``, ``timestamp_resolution_s`` and ``effective_window_s``
        (see :mod:`netlib.coordination.resolution`), ``confirmation_split``,
        ``behaviour_rule_applied`` and counts
        (``n_trace_rows, n_pairs, n_edges_tested, n_edges_significant``).
    fingerprint : str
        SHA-256 of the input data.
    null : DataFrame
        Null calibration per trace (``trace, analytic, simulated, kappa``).
    candidates : DataFrame
        Every candidate cluster before the behaviour rule, indexed by its provisional id:
        ``amplification_share, content_share, size, reported, pattern``.
    attachments : DataFrame
        Pooled account-to-cluster tests (see :func:`clusters.attach_accounts`).
    validation, validation_members : DataFrame
        Split-half confirmation of candidate groups and of their members (see
        :mod:`netlib.coordination.confirm`; columns
        :data:`~netlib.coordination.confirm.GROUP_COLUMNS` and
        :data:`~netlib.coordination.confirm.MEMBER_COLUMNS`, plus ``q_value`` and, for
        members, ``confirmed``).
    notes : list of str
        Plain-language caveats a report should show (e.g. a window at or below the
        timestamp resolution); each was also issued as a ``CoordinationWarning``.
    components : DataFrame
        The descriptive tier: one row per connected component of the co-sharing network
        (every co-acting pair, CooRTweet's components), with observed vs expected
        co-actions, the held-out test and a plain-language ``verdict`` (columns
        :data:`~netlib.coordination.components.COMPONENT_COLUMNS`).
    account_components : DataFrame
        ``account_id, component_id`` for every account in the co-sharing network.
    """

    clusters: pd.DataFrame
    edges: pd.DataFrame
    cluster_stats: pd.DataFrame
    account_stats: pd.DataFrame
    pairs: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    null: pd.DataFrame | None = None
    candidates: pd.DataFrame | None = None
    attachments: pd.DataFrame | None = None
    validation: pd.DataFrame | None = None
    validation_members: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    components: pd.DataFrame | None = None
    account_components: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return (f"CoordinationResult({self.clusters[CLUSTER_ID].nunique():,} clusters, "
                f"{len(self.clusters):,} accounts, "
                f"{int(self.edges['significant'].sum()) if len(self.edges) else 0:,} "
                f"significant of {len(self.edges):,} tested edges)")

    def pairs_table(self, *, id_dtype: str = "str") -> pd.DataFrame:
        """The co-action rows, with their id columns as ``str`` or as categories.

        Parameters
        ----------
        id_dtype : {"str", "category"}, default "str"
            ``"str"`` is :attr:`pairs`. ``"category"`` returns the rows as :func:`detect`
            keeps them when :attr:`pairs` has not been read yet (no string is made per
            row), and :attr:`pairs` otherwise; compare ids through ``astype(str)``.

        Returns
        -------
        DataFrame
        """
        if id_dtype not in ("str", "category"):
            raise ParameterError(f"id_dtype must be 'str' or 'category', not {id_dtype!r}")
        return self.pairs if id_dtype == "str" else self.__dict__["_pairs"]

    @property
    def flagged(self) -> list[str]:
        """Account ids in a coordinated cluster."""
        return self.clusters[ACCOUNT_ID].tolist()

    @property
    def significant_edges(self) -> pd.DataFrame:
        """Edges with ``q <= fdr`` and enough weight."""
        return self.edges[self.edges["significant"]].reset_index(drop=True)

    def evidence(self, a: str, b: str) -> pd.DataFrame:
        """The co-actions behind the edge between accounts ``a`` and ``b``.

        Returns
        -------
        DataFrame
            ``trace, object_id, account_id, account_id_y, content_id, content_id_y,
            time_delta, timestamp, timestamp_y`` (``account_id`` acted first), sorted by
            time; empty when the two never co-acted.
        """
        p = self.pairs
        mask = ((p[ACCOUNT_ID] == a) & (p[ACCOUNT_ID_Y] == b)) | \
            ((p[ACCOUNT_ID] == b) & (p[ACCOUNT_ID_Y] == a))
        return p[mask].sort_values([TIMESTAMP, TRACE, OBJECT_ID]).reset_index(drop=True)

    def edge(self, a: str, b: str) -> pd.Series | None:
        """The tested edge row between ``a`` and ``b`` (None when they never co-acted)."""
        lo, hi = sorted((str(a), str(b)))
        e = self.edges
        hit = e[(e[ACCOUNT_ID] == lo) & (e[ACCOUNT_ID_Y] == hi)]
        return None if hit.empty else hit.iloc[0]

    def timeline(self, cluster_id: int, *, n_objects: int = 3) -> pd.DataFrame:
        """Example co-action timeline: every member action on the cluster's top objects.

        Returns
        -------
        DataFrame
            ``trace, object_id, account_id, action_id, timestamp, seconds_after_first``.
        """
        ids = set(self.clusters.loc[self.clusters[CLUSTER_ID] == cluster_id, ACCOUNT_ID])
        p = self.pairs[self.pairs[ACCOUNT_ID].isin(ids) & self.pairs[ACCOUNT_ID_Y].isin(ids)]
        if p.empty:
            return pd.DataFrame(columns=[TRACE, OBJECT_ID, ACCOUNT_ID, ACTION_ID, TIMESTAMP,
                                         "seconds_after_first"])
        rows = pd.concat([
            pd.DataFrame({TRACE: p[TRACE], OBJECT_ID: p[OBJECT_ID], ACCOUNT_ID: p[ACCOUNT_ID],
                          ACTION_ID: p[CONTENT_ID], TIMESTAMP: p[TIMESTAMP]}),
            pd.DataFrame({TRACE: p[TRACE], OBJECT_ID: p[OBJECT_ID],
                          ACCOUNT_ID: p[ACCOUNT_ID_Y], ACTION_ID: p[CONTENT_ID_Y],
                          TIMESTAMP: p[TIMESTAMP_Y]})]).drop_duplicates()
        top = (rows.groupby([TRACE, OBJECT_ID])[ACCOUNT_ID].nunique()
               .sort_values(ascending=False, kind="stable").head(n_objects).index)
        rows = rows.set_index([TRACE, OBJECT_ID]).loc[top].reset_index()
        first = rows.groupby([TRACE, OBJECT_ID])[TIMESTAMP].transform("min")
        rows["seconds_after_first"] = (rows[TIMESTAMP] - first).dt.total_seconds()
        return rows.sort_values([TRACE, OBJECT_ID, TIMESTAMP]).reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for ``netlib analyze``: clusters, significant edges, cluster statistics.

        Returns
        -------
        dict of DataFrame
            ``clusters`` (``account_id, cluster_id``), ``coordination_edges`` (the
            significant rows of :attr:`edges`), ``cluster_stats``, and the descriptive tier:
            ``cosharing_components`` (:attr:`components`) and ``cosharing_accounts``
            (:attr:`account_components`).
        """
        components = self.components if self.components is not None else \
            pd.DataFrame(columns=COMPONENT_COLUMNS)
        accounts = self.account_components if self.account_components is not None else \
            pd.DataFrame(columns=ACCOUNT_COMPONENT_COLUMNS)
        return {"clusters": self.clusters.copy(),
                "coordination_edges": self.significant_edges,
                "cluster_stats": self.cluster_stats.copy(),
                "cosharing_components": components.copy(),
                "cosharing_accounts": accounts.copy()}

    def _repr_html_(self) -> str:
        """Notebook summary: counts, table sizes and parameters (every value escaped)."""
        return summary_html("Coordinated clusters", self, lines=[repr(self), *self.notes])


def _get_pairs(self: CoordinationResult) -> pd.DataFrame:
    value = self.__dict__["_pairs"]
    if any(isinstance(dtype, pd.CategoricalDtype) for dtype in value.dtypes):
        # made on first access, then kept (the categorical table is let go)
        value = self.__dict__["_pairs"] = string_ids(value.copy(deep=False))
    return value


def _set_pairs(self: CoordinationResult, value: pd.DataFrame) -> None:
    self.__dict__["_pairs"] = value


# set after the dataclass is made, so that ``pairs`` stays an ordinary (required) field
CoordinationResult.pairs = property(  # type: ignore[assignment]
    _get_pairs, _set_pairs, doc="Co-action rows, ids as ``str`` (see :meth:`pairs_table`).")
