"""Is a co-action more than chance? The null model and its Poisson p-values.

The null model
--------------
Keep every action where and when it happened - so each account keeps its activity volume
and its daily and weekly rhythm exactly, bursts included - and keep how often each object
was acted on in each time bin (``bin_seconds``, two hours by default) - so a viral post stays
viral *at the hour it went viral*. Only *which* object each action in a bin went to is
shuffled. Under this null, two actions in bin ``h`` of a trace land on the same object with
probability

    s_h = sum_o n_oh (n_oh - 1) / (N_h (N_h - 1))

(``n_oh`` actions on object ``o`` among the ``N_h`` actions of the bin). Every pair of
actions of accounts ``a`` and ``b`` in one trace that lie within the window of each other
would be a co-action if both had gone to the same object, so the expected co-actions are

    E_ab = kappa_t * sum over such action pairs of s_h          (summed over traces)

Dense bins are cut shorter. In a dense stream a viral post's reposts gather in the minutes
after it appears, so two actions a minute apart are likelier to meet on one object than
popularity averaged over two hours says, and the pairs of heavy users of viral posts
would look coordinated. A bin of one trace holding more than ``dense_actions`` actions
(``null_bin_actions`` of :func:`netlib.coordination.detect`, 1,000 by default) is cut into
2, 4, ... up to 64 equal parts, the fewest holding at most that many each on average, and
``s_h`` is taken per part (:func:`split_levels`, :func:`row_bin_ids`). A part still holds
hundreds of actions, so a coordinated group's own burst stays a small share of its part;
fixed short bins would not keep that in sparse data (a group's burst would make up most
of its bin, and the null would expect it). A bin with fewer actions is left whole.

``kappa_t`` checks the expectation against data *actually* shuffled that way (``n_null``
seeded replicates): it is the ratio of the co-actions counted in the shuffled data to the
expectation summed over all account pairs, and should be close to 1. The edge p-value is
``P(Poisson(E_ab) >= observed)``; q-values follow Benjamini & Hochberg (1995)
(:func:`netlib.stats.qvalues`).

An organic viral burst gives many pairs one co-action each, all expected under the null;
a planted network gives the same pairs co-actions again and again, across many bins.

References
----------
Benjamini, Y., & Hochberg, Y. (1995). JRSS B, 57(1), 289-300.
Serrano, M. A., Boguñá, M., & Vespignani, A. (2009). PNAS, 106(16), 6483-6488.
Pacheco, D., et al. (2021). Uncovering coordinated networks on social media. ICWSM.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import numpy as np
import pandas as pd
from scipy import special

from netlib.coaction.actions import account_codes, positions, share_id_codes
from netlib.coaction.engines.duck import duckdb_connection
from netlib.coaction.engines.shares import read_shares
from netlib.errors import ParameterError
from netlib.memory import duckdb_memory_cap
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y, CLUSTER_ID, OBJECT_ID, TIMESTAMP, TRACE

__all__ = ["bin_statistics", "bin_table", "expected_coactions", "expected_coactions_split",
           "null_calibration", "split_levels", "row_bin_ids", "LEVEL", "MAX_SPLIT",
           "poisson_pvalues", "null_memory_limit", "expected_within_groups",
           "expected_with_groups",
           "null_join_plan", "EXPECTED", "P_VALUE", "Q_VALUE"]

EXPECTED = "expected"
P_VALUE = "p_value"
Q_VALUE = "q_value"
_BIN = "bin"
#: Fixed-point scale for summing expected co-actions in DuckDB (1e-9 resolution per term).
_FIXED = 1_000_000_000
#: The three ``width``-second buckets an action's partners can be in (its own and the two
#: beside it): the banded equi-join of the null's queries joins on ``bkt + d``.
_NEIGHBOURS = "(SELECT UNNEST([-1, 0, 1]) AS d) k"


def _fixed(value: str) -> str:
    """SQL: ``value`` rounded to the fixed point of :data:`_FIXED`, as an integer.

    A 64-bit integer holds any term below 9.2e9 (an expected count, a probability); the
    sum of 64-bit integers is taken by DuckDB in 128 bits, so it cannot overflow either,
    and costs less than adding 128-bit terms.
    """
    return f"CAST(round({value} * {_FIXED}) AS BIGINT)"


def _fixed_sum(value: str) -> str:
    """SQL: the sum of ``value`` taken in fixed point (integer addition does not depend on
    the order DuckDB's threads add in, so the sum is the same on every run), as a double;
    0 for no rows."""
    return f"CAST(COALESCE(SUM({_fixed(value)}), 0) AS DOUBLE) / {_FIXED}"


def null_memory_limit(memory_limit: str | None = None) -> str:
    """DuckDB's memory cap for the null model's joins: ``memory_limit``, or a default.

    Left to itself DuckDB may take 80% of the machine's memory for one query, on top of
    the tables the analysis already holds; the null model's joins (every pair of actions
    of two edge accounts within the window) then grow instead of spilling to disk. The
    default is an eighth of the memory (:func:`netlib.memory.total_memory`), between 1 and
    3 GiB. The cap never changes a result (the sums are taken in fixed point), only where
    the work is done.

    Examples
    --------
    >>> null_memory_limit("2GB")
    '2GB'
    >>> null_memory_limit().endswith("MiB")
    True
    """
    return duckdb_memory_cap(memory_limit, share=8)


def _seconds(ts: pd.Series) -> np.ndarray:
    return (pd.to_datetime(ts, utc=True).dt.as_unit("ns").astype("int64") // 10**9).to_numpy()


def bin_statistics(traces: pd.DataFrame, *, bin_seconds: float = 3600
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (trace, bin) same-object probability and per (trace, account, bin) activity.

    Returns
    -------
    bins : DataFrame
        ``trace, bin, n_actions, same_object`` (``s_h`` of the module docstring), as
        :func:`bin_table` gives it.
    activity : DataFrame
        ``trace, account_id, bin, n_actions``.
    """
    bins = bin_table(traces, bin_seconds=bin_seconds)
    frame = pd.DataFrame({TRACE: traces[TRACE].to_numpy(),
                          ACCOUNT_ID: traces[ACCOUNT_ID].astype(str).to_numpy(),
                          _BIN: _seconds(traces[TIMESTAMP]) // int(bin_seconds)})
    activity = (frame.groupby([TRACE, ACCOUNT_ID, _BIN], sort=False).size()
                .rename("n_actions").reset_index())
    return bins, activity


def bin_table(traces: pd.DataFrame, *, bin_seconds: float = 3600,
              dense_actions: int | None = None, parts: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """Per (trace, bin) actions and same-object probability ``s_h``, sorted by trace and bin.

    Counted on integer codes of the rows' trace, bin and object (rows without a trace or
    an object are left out, as a group-by leaves them out).

    Parameters
    ----------
    traces : DataFrame
        The trace table.
    bin_seconds : float
        Length of a bin.
    dense_actions : int, optional
        Split dense bins (see :func:`split_levels`): a bin of a trace holding more actions
        than this is cut into 2, 4, ... up to ``2 ** MAX_SPLIT`` equal parts, the fewest
        that hold at most ``dense_actions`` each (on average). The table then has a
        ``level`` column (parts = ``2 ** level``) and its ``bin`` ids are
        ``floor(t / bin_seconds) * 2 ** MAX_SPLIT`` plus the part's offset (see
        :func:`row_bin_ids`), which every function given the table reads. None: fixed
        bins, ids ``floor(t / bin_seconds)``, no ``level`` column.
    parts : DataFrame, optional
        A split bin table of data that ``traces`` is part of (a held-out half, say): each
        bin is cut as it was there, whatever ``dense_actions`` (so that the half's null
        shuffles within the same parts as the whole data's). A table of fixed bins:
        fixed bins.

    Returns
    -------
    DataFrame
        ``trace, bin, n_actions, same_object`` (and ``level`` with ``dense_actions``).

    Examples
    --------
    >>> t = pd.DataFrame({"trace": "link", "object_id": ["x", "x", "y"],
    ...                   "timestamp": pd.to_datetime(["2025-01-01"] * 3, utc=True)})
    >>> bin_table(t, bin_seconds=3600)[["n_actions", "same_object"]].values.tolist()
    [[3.0, 0.3333333333333333]]
    """
    if bin_seconds <= 0:
        raise ParameterError(f"null_bin={bin_seconds!r} must be a positive number of seconds")
    trace, names = pd.factorize(traces[TRACE])
    obj, objects = pd.factorize(traces[OBJECT_ID])
    secs = _seconds(traces[TIMESTAMP])
    ok = (trace >= 0) & (obj >= 0)
    if not ok.all():
        trace, obj, secs = trace[ok], obj[ok], secs[ok]
    split = LEVEL in parts.columns if parts is not None else dense_actions is not None
    if parts is not None and split:
        levels = _row_levels(trace, pd.Index(names), secs // int(bin_seconds), parts)
        bins = row_bin_ids(secs, levels, bin_seconds=bin_seconds)
    elif split:
        if int(dense_actions) < 1:
            raise ParameterError(f"null_bin_actions={dense_actions!r} must be at least 1")
        levels = split_levels(trace, secs, bin_seconds=bin_seconds,
                              dense_actions=int(dense_actions))
        bins = row_bin_ids(secs, levels, bin_seconds=bin_seconds)
    else:
        bins = secs // int(bin_seconds)
    del secs
    if not len(bins):
        empty = {TRACE: pd.Series(dtype=str), _BIN: pd.Series(dtype=np.int64),
                 "n_actions": pd.Series(dtype=np.int64), "same_object": pd.Series(dtype=float)}
        if split:
            empty[LEVEL] = pd.Series(dtype=np.int64)
        return pd.DataFrame(empty)
    lo = int(bins.min())
    n_bins, n_obj = int(bins.max()) - lo + 1, max(len(objects), 1)
    if len(names) * n_bins * n_obj >= 2**62:   # pragma: no cover - beyond 64-bit keys
        frame = pd.DataFrame({"t": trace, "b": bins - lo, "o": obj})
        unit, count = np.unique(frame.to_numpy(), axis=0, return_counts=True)
        group = unit[:, 0] * n_bins + unit[:, 1]
    else:
        # one integer per (trace, bin, object); sorted, so each (trace, bin) is one run
        unit, count = np.unique((trace.astype(np.int64) * n_bins + (bins - lo)) * n_obj + obj,
                                return_counts=True)
        group = unit // n_obj
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    n = np.add.reduceat(count, starts)
    pairs_same = np.add.reduceat(count * (count - 1), starts)
    denom = (n * (n - 1)).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        same = np.where(denom > 0, pairs_same / denom, 0.0)
    key = group[starts]
    out = pd.DataFrame({TRACE: np.asarray(names, dtype=object)[key // n_bins],
                        _BIN: key % n_bins + lo, "n_actions": n, "same_object": same})
    if split:   # each part's level, read off the table (not the rows again)
        base = out[_BIN].to_numpy(dtype=np.int64) >> MAX_SPLIT
        if parts is not None:
            out[LEVEL] = _row_levels(key // n_bins, pd.Index(names), base, parts)
        else:       # the rule of split_levels, on the parts' summed counts
            whole = pd.Series(n).groupby([key // n_bins, base]).transform("sum").to_numpy()
            out[LEVEL] = sum((whole > (int(dense_actions) << step)).astype(np.int64)
                             for step in range(MAX_SPLIT))
    out[TRACE] = out[TRACE].astype(str)
    # ordered by trace name, then bin (the codes follow first appearance)
    return out.sort_values([TRACE, _BIN], kind="stable").reset_index(drop=True)


#: Column of :func:`bin_table` giving how often a dense bin was halved.
LEVEL = "level"
#: A dense bin is cut into at most ``2 ** MAX_SPLIT`` parts.
MAX_SPLIT = 6


def split_levels(trace: np.ndarray, secs: np.ndarray, *, bin_seconds: float,
                 dense_actions: int) -> np.ndarray:
    """How often each row's bin is halved: the fewest halvings that leave at most
    ``dense_actions`` actions per part on average, at most :data:`MAX_SPLIT`.

    A bin is one trace's actions (``trace``: integer codes) within one ``bin_seconds``
    (``secs``: whole seconds). Counted in integers, so every engine agrees.

    Examples
    --------
    >>> split_levels(np.zeros(5, dtype=int), np.arange(5), bin_seconds=60,
    ...              dense_actions=2).tolist()
    [2, 2, 2, 2, 2]
    """
    base = secs // int(bin_seconds)
    if not len(base):
        return np.zeros(0, dtype=np.int64)
    span = int(base.max()) - int(base.min()) + 1
    _, inverse, counts = np.unique(trace.astype(np.int64) * span + (base - base.min()),
                                   return_inverse=True, return_counts=True)
    level = np.zeros(len(counts), dtype=np.int64)
    for step in range(MAX_SPLIT):
        level += counts > (int(dense_actions) << step)
    return level[inverse]


def row_bin_ids(secs: np.ndarray, levels: np.ndarray, *, bin_seconds: float) -> np.ndarray:
    """The bin id of each row of a split bin table (see :func:`bin_table`).

    ``floor(t / bin_seconds) * 2 ** MAX_SPLIT`` for a bin not split; a bin halved ``L``
    times has parts ``bin_seconds / 2 ** L`` long, numbered in steps of
    ``2 ** (MAX_SPLIT - L)`` from its first id, so ids keep time order.

    Examples
    --------
    >>> row_bin_ids(np.array([0, 59, 60, 119]), np.array([0, 1, 1, 1]),
    ...             bin_seconds=60).tolist()
    [0, 32, 64, 96]
    """
    width = int(bin_seconds)
    base = secs // width
    levels = levels.astype(np.int64)
    part = ((secs - base * width) << levels) // width
    return (base << MAX_SPLIT) + (part << (MAX_SPLIT - levels))


def _row_levels(trace: np.ndarray, names: pd.Index, base: np.ndarray,
                bins: pd.DataFrame) -> np.ndarray:
    """Each row's level in a split bin table (0 where it has no row for the bin)."""
    level = np.zeros(len(base), dtype=np.int64)
    bin_trace = names.get_indexer(bins[TRACE])
    bin_base = bins[_BIN].to_numpy(dtype=np.int64) >> MAX_SPLIT
    have = bin_trace >= 0
    if not have.any() or not len(base):
        return level
    lo = min(int(base.min()), int(bin_base.min()))
    span = max(int(base.max()), int(bin_base.max())) - lo + 1
    keys, first = np.unique(bin_trace[have].astype(np.int64) * span + (bin_base[have] - lo),
                            return_index=True)
    want = trace.astype(np.int64) * span + (base - lo)
    at = np.searchsorted(keys, want).clip(0, max(len(keys) - 1, 0))
    found = (keys[at] == want) & (trace >= 0)
    level[found] = bins[LEVEL].to_numpy(dtype=np.int64)[have][first][at[found]]
    return level


def _row_bin_keys(traces: pd.DataFrame, bins: pd.DataFrame, bin_seconds: float
                  ) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray]:
    """Each row's trace code (and the names), time in seconds and bin id in ``bins``."""
    secs = _seconds(traces[TIMESTAMP])
    trace, names = pd.factorize(traces[TRACE])
    names = pd.Index(names)
    row_bin = secs // int(bin_seconds)
    if LEVEL in bins.columns and len(bins) and int(bins[LEVEL].max()) > 0:
        row_bin = row_bin_ids(secs, _row_levels(trace, names, row_bin, bins),
                              bin_seconds=bin_seconds)
    elif LEVEL in bins.columns:     # nothing was cut: every row's bin is its first part
        row_bin = row_bin << MAX_SPLIT
    return trace, names, secs, row_bin


def _row_bins(traces: pd.DataFrame, bins: pd.DataFrame, bin_seconds: float
              ) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray]:
    """Each row's trace code (and the names), time in seconds, and its bin's ``s_h``.

    ``s_h`` is 0 where ``bins`` has no row for the trace and bin.
    """
    trace, names, secs, row_bin = _row_bin_keys(traces, bins, bin_seconds)
    same = np.zeros(len(secs))
    if len(bins) and len(secs):
        bin_trace = names.get_indexer(bins[TRACE])
        bin_bin = bins[_BIN].to_numpy(dtype=np.int64)
        lo = min(int(row_bin.min()), int(bin_bin.min()))
        span = max(int(row_bin.max()), int(bin_bin.max())) - lo + 1
        have = bin_trace >= 0
        lookup = pd.Index(bin_trace[have].astype(np.int64) * span + (bin_bin[have] - lo))
        at = lookup.get_indexer(trace.astype(np.int64) * span + (row_bin - lo))
        at[trace < 0] = -1
        values = bins["same_object"].to_numpy(dtype=float)[have]
        same = np.where(at >= 0, values[at], 0.0)
    return trace, names, secs, same


def _action_rows(traces: pd.DataFrame, bins: pd.DataFrame, account: np.ndarray, *,
                 bin_seconds: float, width: int, kappa: dict[str, float] | None,
                 extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The trace rows of the accounts coded in ``account`` (-1: left out), for the joins.

    ``acc, tr, ts, s, bkt`` (and ``extra`` columns, given per trace row): account and
    trace codes, the time in seconds counted from the first kept action, ``kappa_t * s_h``
    and the ``width``-second bucket. 32-bit columns where the values fit: the joins
    compare differences of times and neighbouring buckets, which the offset does not
    change.
    """
    trace, names, secs, same = _row_bins(traces, bins, bin_seconds)
    factor = np.array([float((kappa or {}).get(t, 1.0)) for t in names] + [1.0])
    keep = np.flatnonzero(account >= 0)
    ts = secs[keep]
    if len(ts):
        ts = ts - ts.min()
    wide = np.int64 if len(ts) and int(ts.max()) >= 2**31 - 1 else np.int32
    r = pd.DataFrame({
        "acc": account[keep].astype(np.int32),
        "tr": trace[keep].astype(np.int32),
        "ts": ts.astype(wide),
        "s": same[keep] * factor[trace[keep]]})
    for name, values in (extra or {}).items():
        r[name] = values[keep]
    del keep, trace, secs, same, ts
    r["bkt"] = (r["ts"] // max(width, 1)).astype(wide)
    return r


@contextmanager
def _null_connection(memory_limit: str | None, temp_directory: str | None
                     ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A capped DuckDB connection for the null's joins, which run in the order written.

    The action pairs stream through the hash table of what they are matched with (left to
    itself, the optimizer may build one over every action pair, about 2 GB more at a
    million actions).
    """
    with duckdb_connection(memory_limit=null_memory_limit(memory_limit),
                           temp_directory=temp_directory) as con:
        try:
            con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
        except duckdb.Error:  # optimizer names of another DuckDB release: memory, not results
            pass
        con.execute("SET preserve_insertion_order = false")
        yield con


def expected_coactions(edges: pd.DataFrame, traces: pd.DataFrame, bins: pd.DataFrame, *,
                       window: float, bin_seconds: float,
                       kappa: dict[str, float] | None = None,
                       memory_limit: str | None = None,
                       temp_directory: str | None = None) -> np.ndarray:
    """Null-expected co-actions ``E_ab`` for each edge (row order of ``edges``).

    Every pair of actions of ``a`` and ``b`` in one trace that lie within ``window``
    seconds of each other would be a co-action if both had gone to the same object; under
    the null that happens with the same-object probability ``s_h`` of the bin. So
    ``E_ab = kappa_t * sum s_h`` over those action pairs: each account's actual timing is
    kept, including bursts.

    Parameters
    ----------
    edges : DataFrame
        ``account_id, account_id_y``.
    traces : DataFrame
        The trace table.
    bins : DataFrame
        From :func:`bin_statistics`.
    window, bin_seconds : float
        Window of the co-action join and null bin length, in seconds.
    kappa : dict, optional
        Per-trace calibration factors (from :func:`null_calibration`); default 1.
    memory_limit, temp_directory : str, optional
        DuckDB's memory cap (default :func:`null_memory_limit`) and spill folder (default
        a private temporary folder) for the join; neither changes the result.

    Returns
    -------
    numpy.ndarray
    """
    if edges.empty:
        return np.zeros(0)
    return _expected_sums(edges, traces, bins, window=window, bin_seconds=bin_seconds,
                          kappa=kappa, memory_limit=memory_limit,
                          temp_directory=temp_directory)[0]


def expected_coactions_split(edges: pd.DataFrame, traces: pd.DataFrame, bins: pd.DataFrame,
                             half: np.ndarray, half_bins: tuple[pd.DataFrame, pd.DataFrame],
                             *, window: float, bin_seconds: float,
                             kappa: dict[str, float] | None = None,
                             memory_limit: str | None = None,
                             temp_directory: str | None = None
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`expected_coactions` on the whole trace table and on each of two halves, in one join.

    A split-half test needs each edge's expectation three times: on every trace row with
    ``bins``, and on the rows of half 0 (and of half 1) alone with that half's own bin
    table. An action pair counts in half ``h`` when both its rows are in half ``h``, with
    ``s_h`` of that half's bins, so one pass over the action pairs gives all three sums.
    Each equals, bit for bit, what :func:`expected_coactions` returns for that edge on that
    half's rows (the sums are taken in the same fixed point, so the order of addition does
    not matter); an edge without action pairs in a half gets 0 there.

    Parameters
    ----------
    edges, traces, bins, window, bin_seconds, kappa, memory_limit, temp_directory
        As for :func:`expected_coactions`.
    half : numpy.ndarray
        0 or 1 for each row of ``traces``.
    half_bins : tuple of DataFrame
        :func:`bin_table` of the rows of half 0 and of half 1.

    Returns
    -------
    whole, half_0, half_1 : numpy.ndarray
        Per edge, in the row order of ``edges``.

    Examples
    --------
    >>> t = pd.DataFrame({"account_id": ["a", "b", "a", "b"], "trace": "link",
    ...                   "object_id": ["x", "x", "y", "z"],
    ...                   "timestamp": pd.to_datetime(["2025-01-01"] * 4, utc=True)})
    >>> half = np.array([0, 0, 1, 1])
    >>> halves = tuple(bin_table(t[half == h], bin_seconds=3600) for h in (0, 1))
    >>> e = pd.DataFrame({"account_id": ["a"], "account_id_y": ["b"]})
    >>> whole, h0, h1 = expected_coactions_split(e, t, bin_table(t, bin_seconds=3600), half,
    ...                                          halves, window=60, bin_seconds=3600)
    >>> bool(h0[0] == expected_coactions(e, t[half == 0], halves[0], window=60,
    ...                                  bin_seconds=3600)[0])
    True
    """
    if edges.empty:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    half = np.asarray(half)
    if len(half) != len(traces):
        raise ValueError("expected_coactions_split: one half per trace row is needed")
    # each row's same-object probability within its own half, as the half's own
    # _action_rows would compute it (s_h of the half's bins times kappa of the trace)
    trace, names = pd.factorize(traces[TRACE])
    factor = np.array([float((kappa or {}).get(t, 1.0)) for t in names] + [1.0])
    within = np.zeros(len(traces))
    for h in (0, 1):
        at = np.flatnonzero(half == h)
        if len(at):
            within[at] = _row_bins(traces.iloc[at], half_bins[h], bin_seconds)[3]
    within *= factor[trace]
    del trace
    return _expected_sums(edges, traces, bins, window=window, bin_seconds=bin_seconds,
                          kappa=kappa, memory_limit=memory_limit,
                          temp_directory=temp_directory,
                          halves=(half.astype(np.int8), within))


def _expected_sums(edges: pd.DataFrame, traces: pd.DataFrame, bins: pd.DataFrame, *,
                   window: float, bin_seconds: float, kappa: dict[str, float] | None,
                   memory_limit: str | None, temp_directory: str | None,
                   halves: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, ...]:
    """The join behind :func:`expected_coactions` (and, given each row's half and its
    within-half ``kappa * s_h``, :func:`expected_coactions_split`).

    Two plans give the same action pairs (see :func:`null_join_plan`): every pair of
    actions close in time, kept when its accounts are an edge, or each edge's actions
    matched with its other account's. The sums are taken in fixed point, so the plan
    changes the time, never a bit of the result.
    """
    ends, ia, ib = account_codes(edges[ACCOUNT_ID], edges[ACCOUNT_ID_Y])
    w = int(np.ceil(float(window)))
    extra = None if halves is None else {"h": halves[0], "s2": halves[1]}
    r = _action_rows(traces, bins, positions(traces[ACCOUNT_ID], ends), bin_seconds=bin_seconds,
                     width=w, kappa=kappa, extra=extra)
    lo, hi = np.minimum(ia, ib).astype(np.int32), np.maximum(ia, ib).astype(np.int32)
    del ia, ib
    plan, lo_probes = null_join_plan(r, lo, hi, len(ends))
    del ends
    e = pd.DataFrame({"idx": np.arange(len(edges), dtype=np.int32 if len(edges) < 2**31
                                       else np.int64)})
    if plan == "edges":
        # each edge probes with the rows of its account with fewer of them; the pair's
        # s_h (and within-half s) is still the lower-coded account's row's
        e["p"], e["q"], e["lo"] = np.where(lo_probes, lo, hi), np.where(lo_probes, hi, lo), \
            lo_probes
    else:
        e["a"], e["b"] = lo, hi
    del lo, hi, lo_probes

    def own(column: str) -> str:    # the lower-coded account's row's value
        return f"CASE WHEN x.lo THEN x.{column} ELSE y.{column} END" if plan == "edges" \
            else f"x.{column}"

    carried = "" if halves is None else \
        f", CASE WHEN x.h = y.h THEN x.h ELSE -1 END AS h, {own('s2')} AS s2"
    sums = [_fixed_sum("pairs.s") + " AS s"] + ([] if halves is None else [
        _fixed_sum(f"CASE WHEN pairs.h = {h} THEN pairs.s2 END") + f" AS s{h}"
        for h in (0, 1)])
    # every pair of actions of an edge's two accounts, same trace, at most w seconds apart:
    # a banded equi-join on w-wide buckets, summed per edge in fixed point (integer
    # addition does not depend on the order DuckDB's threads add in, so the expected
    # counts, and every p-value, are the same on every run and with either plan)
    if plan == "edges":
        query = f"""
            WITH x AS (SELECT e.idx, e.q, e.lo, r.*, r.bkt + k.d AS jb
                       FROM r JOIN e ON e.p = r.acc, {_NEIGHBOURS}),
            pairs AS (
                SELECT x.idx, {own('s')} AS s{carried}
                FROM x JOIN r y ON y.acc = x.q AND y.tr = x.tr AND y.bkt = x.jb
                WHERE abs(y.ts - x.ts) <= {w})
            SELECT idx, {", ".join(sums)} FROM pairs GROUP BY idx"""
    else:
        query = f"""
            WITH x AS (SELECT r.*, r.bkt + k.d AS jb FROM r, {_NEIGHBOURS}),
            pairs AS (
                SELECT x.acc AS a, y.acc AS b, x.s AS s{carried}
                FROM x JOIN r y ON y.tr = x.tr AND y.bkt = x.jb
                WHERE x.acc < y.acc AND abs(y.ts - x.ts) <= {w})
            SELECT e.idx, {", ".join(sums)}
            FROM pairs JOIN e ON e.a = pairs.a AND e.b = pairs.b
            GROUP BY e.idx"""
    with _null_connection(memory_limit, temp_directory) as con:
        con.register("e", e)
        con.register("r", r)
        got = con.execute(query).fetchnumpy()
    del e, r
    idx = np.asarray(got.pop("idx"), dtype=np.int64)
    out = []
    for name in ("s", "s0", "s1") if halves is not None else ("s",):
        values = np.zeros(len(edges))
        values[idx] = np.asarray(got.pop(name), dtype=float)
        out.append(values)
    return tuple(out)


def null_join_plan(rows: pd.DataFrame, lo: np.ndarray, hi: np.ndarray, n_accounts: int,
                   *, plan: str | None = None) -> tuple[str, np.ndarray]:
    """Which of two equal joins finds the action pairs of the edges with less work.

    ``"time"`` pairs every two actions of one trace in neighbouring ``width``-second
    buckets and keeps those whose accounts are an edge: about ``1.5 * sum c**2`` rows for
    ``c`` actions per (trace, bucket), so it suits sparse streams. ``"edges"`` matches,
    for each edge, the actions of its less active account with the other's in the same
    and the neighbouring buckets: about ``3 * sum min(n_a, n_b)`` rows over the edges, so
    it suits dense streams (on 10 million reposts in 30 days, 1.8 against 2.6 billion
    rows). The plan with fewer rows is taken; ``plan`` forces one (the tests compare them).

    Parameters
    ----------
    rows : DataFrame
        The action rows of the join (``acc, tr, bkt`` codes).
    lo, hi : numpy.ndarray
        Each edge's two account codes, ``lo < hi``.
    n_accounts : int
        Number of account codes.
    plan : {"time", "edges"}, optional
        Force a plan.

    Returns
    -------
    plan : str
    lo_probes : numpy.ndarray of bool
        Per edge, whether its ``lo`` account has no more rows than its ``hi`` account
        (the side that probes under the ``"edges"`` plan).
    """
    n = np.bincount(rows["acc"].to_numpy(), minlength=n_accounts)
    lo_probes = n[lo] <= n[hi]
    if plan is None and not len(rows):
        plan = "time"
    if plan is None:
        probes = 3 * float(np.minimum(n[lo], n[hi]).sum())
        tr, bkt = rows["tr"].to_numpy(), rows["bkt"].to_numpy()
        span = int(bkt.max()) + 1 if len(bkt) else 1
        key = tr.astype(np.int64) * span + bkt
        counts = np.bincount(key) if span * (int(tr.max()) + 1) <= 4 * len(key) + 1024 \
            else np.unique(key, return_counts=True)[1]
        plan = "edges" if probes < 1.5 * float(np.square(counts, dtype=float).sum()) \
            else "time"
    elif plan not in ("time", "edges"):
        raise ParameterError(f"plan must be 'time' or 'edges', got {plan!r}")
    return plan, lo_probes


def expected_within_groups(groups: pd.Series, traces: pd.DataFrame, bins: pd.DataFrame, *,
                           window: float, bin_seconds: float,
                           kappa: dict[str, float] | None = None,
                           memory_limit: str | None = None,
                           temp_directory: str | None = None
                           ) -> tuple[pd.Series, pd.Series]:
    """Null-expected co-actions pooled over every pair of members of each group.

    The sums of :func:`expected_coactions` over all member pairs of each group (pairs that
    never co-acted add 0), and over each member's pairs with the rest of its group, added
    as pandas adds a table of those pairs grouped by group and by member, without the
    table: a group of ten thousand accounts has fifty million pairs. Only the pairs whose
    expectation is not 0 come out of the join; each group's are then laid out in a square
    array in member order, and summed in the table's order (for a group: its pairs
    ``(i, j)``, ``i < j``, row by row; for a member ``k``: its pairs ``(k, j)`` then
    ``(i, k)``).

    Parameters
    ----------
    groups : Series
        The integer group of each account (index: account id, each account once; groups
        of two accounts or more).
    traces, bins, window, bin_seconds, kappa, memory_limit, temp_directory
        As for :func:`expected_coactions`.

    Returns
    -------
    per_group : Series
        Indexed by group (sorted).
    per_member : Series
        Indexed by ``(group, account_id)`` (sorted).

    Examples
    --------
    >>> t = pd.DataFrame({"account_id": ["a", "b", "c", "a", "b"], "trace": "link",
    ...                   "object_id": ["x", "x", "y", "y", "x"],
    ...                   "timestamp": pd.to_datetime(["2025-01-01"] * 5, utc=True)})
    >>> bins = bin_table(t, bin_seconds=3600)
    >>> groups = pd.Series([0, 0, 0], index=["a", "b", "c"])
    >>> total, each = expected_within_groups(groups, t, bins, window=60, bin_seconds=3600)
    >>> pairs = pd.DataFrame({"account_id": ["a", "a", "b"], "account_id_y": ["b", "c", "c"]})
    >>> e = expected_coactions(pairs, t, bins, window=60, bin_seconds=3600)
    >>> bool(total[0] == e.sum()), bool(each[(0, "a")] == e[0] + e[1])
    (True, True)
    """
    member = pd.Series(groups.to_numpy(dtype=np.int64), index=groups.index.astype(str))
    ids = np.array(sorted(member.index), dtype=object)
    label = member.reindex(ids).to_numpy(dtype=np.int64)
    labels, group = np.unique(label, return_inverse=True)
    # each id's position among its group's members (ids in order): the square arrays' axes
    by_group = np.lexsort((np.arange(len(ids)), group))
    sizes = np.bincount(group, minlength=len(labels))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    local = np.empty(len(ids), dtype=np.int64)
    local[by_group] = np.arange(len(ids)) - np.repeat(starts, sizes)
    found = {"g": np.zeros(0, np.int64), "a": np.zeros(0, np.int64),
             "b": np.zeros(0, np.int64), "s": np.zeros(0)}
    if len(ids) and not traces.empty:
        w = int(np.ceil(float(window)))
        account = positions(traces[ACCOUNT_ID], ids)
        r = _action_rows(traces, bins, account, bin_seconds=bin_seconds, width=w,
                         kappa=kappa, extra={"grp": np.append(group, -1)[account]
                                             .astype(np.int32)})
        del account
        with _null_connection(memory_limit, temp_directory) as con:
            con.register("r", r)
            # every pair of actions of two members of one group, same trace, at most w
            # seconds apart, summed per member pair in fixed point (as expected_coactions)
            got = con.execute(f"""
                WITH x AS (SELECT r.*, r.bkt + k.d AS jb FROM r, {_NEIGHBOURS}),
                pairs AS (
                    SELECT x.grp AS g, x.acc AS a, y.acc AS b, x.s AS s
                    FROM x JOIN r y ON y.tr = x.tr AND y.bkt = x.jb AND y.grp = x.grp
                    WHERE x.acc < y.acc AND abs(y.ts - x.ts) <= {w})
                SELECT g, a, b, {_fixed_sum("s")} AS s
                FROM pairs GROUP BY g, a, b ORDER BY g""").fetchnumpy()
        del r
        found = {k: np.asarray(got[k]) for k in ("g", "a", "b", "s")}
        del got
    bounds = np.searchsorted(found["g"], np.arange(len(labels) + 1))
    totals, each = np.zeros(len(labels)), np.zeros(len(ids))
    for q, m in enumerate(sizes):
        lo, hi = bounds[q], bounds[q + 1]
        square = np.zeros((m, m))
        square[local[found["a"][lo:hi]], local[found["b"][lo:hi]]] = found["s"][lo:hi]
        totals[q], member_sums = _pooled_sums(square)
        each[by_group[starts[q]:starts[q] + m]] = member_sums
        del square
    order = np.lexsort((np.arange(len(ids)), group))
    per_group = pd.Series(totals, index=pd.Index(labels, name="group"))
    per_member = pd.Series(each[order], index=pd.MultiIndex.from_arrays(
        [label[order], ids[order]], names=["group", ACCOUNT_ID]))
    return per_group, per_member


def expected_with_groups(couples: pd.DataFrame, groups: pd.Series, traces: pd.DataFrame,
                         bins: pd.DataFrame, *, window: float, bin_seconds: float,
                         kappa: dict[str, float] | None = None,
                         memory_limit: str | None = None,
                         temp_directory: str | None = None) -> np.ndarray:
    """Null-expected co-actions of outside accounts with every member of a group.

    For each couple ``(x, g)``, the sum of :func:`expected_coactions` of ``x`` with each
    member of group ``g``: the members ``x`` never co-acted with included. A pooled test
    that sums the expectation only over the members an account was seen co-acting with
    leaves out the rest of the group's chance of meeting it, which matters little for a
    group of twenty and decides the test for a group of ten thousand (every busy account
    meets some of its members). One pass over the action pairs: every action of an outside
    account matched with the members' actions in its trace at most ``window`` seconds
    away, summed per (account, group) in fixed point, each pair taking the same
    ``kappa_t * s_h`` as :func:`expected_coactions` gives it.

    Parameters
    ----------
    couples : DataFrame
        ``account_id, cluster_id``: the outside accounts (members of no group) and the
        group each is tested against; an account may come with several groups.
    groups : Series
        The integer group of each member (index: account id, each account once).
    traces, bins, window, bin_seconds, kappa, memory_limit, temp_directory
        As for :func:`expected_coactions`.

    Returns
    -------
    numpy.ndarray
        One expectation per row of ``couples``, in their order.

    Examples
    --------
    >>> t = pd.DataFrame({"account_id": ["a", "b", "c", "x", "x"], "trace": "link",
    ...                   "object_id": ["p", "q", "p", "p", "r"],
    ...                   "timestamp": pd.to_datetime(["2025-01-01"] * 5, utc=True)})
    >>> bins = bin_table(t, bin_seconds=3600)
    >>> groups = pd.Series([0, 0, 0], index=["a", "b", "c"])
    >>> couples = pd.DataFrame({"account_id": ["x"], "cluster_id": [0]})
    >>> pooled = expected_with_groups(couples, groups, t, bins, window=60, bin_seconds=3600)
    >>> each = expected_coactions(pd.DataFrame({"account_id": ["x"] * 3,
    ...                                         "account_id_y": ["a", "b", "c"]}),
    ...                           t, bins, window=60, bin_seconds=3600)
    >>> bool(np.isclose(pooled[0], each.sum()))
    True
    """
    out = np.zeros(len(couples))
    if couples.empty or groups.empty or traces.empty:
        return out
    member = pd.Series(groups.to_numpy(dtype=np.int64), index=groups.index.astype(str))
    outside = pd.unique(couples[ACCOUNT_ID].astype(str).to_numpy())
    if member.index.isin(outside).any():
        raise ParameterError("expected_with_groups: an outside account is also a member")
    # codes in sorted id order, as expected_coactions gives them: of two actions, the
    # lower-coded account's row carries the pair's s_h, there and here
    ids = np.array(sorted(set(member.index) | set(outside)), dtype=object)
    code = pd.Index(ids)
    grp = np.full(len(ids), -1, dtype=np.int64)
    grp[code.get_indexer(member.index)] = member.to_numpy()
    w = int(np.ceil(float(window)))
    account = positions(traces[ACCOUNT_ID], ids)
    r = _action_rows(traces, bins, account, bin_seconds=bin_seconds, width=w, kappa=kappa,
                     extra={"grp": np.append(grp, -1)[account].astype(np.int32)})
    del account
    c = pd.DataFrame({"idx": np.arange(len(couples), dtype=np.int64),
                      "a": code.get_indexer(couples[ACCOUNT_ID].astype(str)).astype(np.int32),
                      "g": couples[CLUSTER_ID].to_numpy(dtype=np.int64)})
    with _null_connection(memory_limit, temp_directory) as con:
        con.register("r", r)
        con.register("c", c)
        got = con.execute(f"""
            WITH x AS (SELECT r.*, r.bkt + k.d AS jb FROM r, {_NEIGHBOURS} WHERE r.grp < 0),
            y AS (SELECT * FROM r WHERE grp >= 0),
            pairs AS (
                SELECT x.acc AS a, y.grp AS g,
                       CASE WHEN x.acc < y.acc THEN x.s ELSE y.s END AS s
                FROM x JOIN y ON y.tr = x.tr AND y.bkt = x.jb
                WHERE abs(y.ts - x.ts) <= {w}),
            sums AS (
                SELECT a, g, {_fixed_sum("s")} AS s
                FROM pairs GROUP BY a, g)
            SELECT c.idx, sums.s FROM sums JOIN c ON c.a = sums.a AND c.g = sums.g
            """).fetchnumpy()
    del r, c
    out[np.asarray(got["idx"], dtype=np.int64)] = np.asarray(got["s"], dtype=float)
    return out


#: Values summed by one pandas call in :func:`_pooled_sums` (bounds its memory).
_CHUNK = 1 << 22


def _pooled_sums(square: np.ndarray) -> tuple[float, np.ndarray]:
    """The pandas grouped sums of a group's pair values (upper triangle of ``square``).

    As a table of the group's pairs ``(i, j)``, ``i < j`` row by row, is summed by group,
    and the table of their first then second ends by member: pandas adds the rows of
    groups that come one after another (the pairs of a group) with NumPy's
    ``add.reduceat``, and groups whose rows are interleaved (a member's ends) one row at a
    time with a compensated sum, in table order. Both are done here on the same values in
    the same order, so the floats are the same: the group's values in one run, each
    member's ``(k, j > k)`` then ``(i < k, k)`` values interleaved with other members'.
    """
    m = len(square)
    if m < 2:
        return 0.0, np.zeros(m)
    upper = np.concatenate([square[i, i + 1:] for i in range(m - 1)])
    total = float(pd.Series(upper).groupby(np.zeros(len(upper), dtype=np.intp)).sum().iloc[0])
    del upper
    out = np.empty(m)
    # chunks of at least two members, so that their values interleave
    n_chunks = max(1, min(m // 2, -(-m * (m - 1) // _CHUNK)))
    for rows in np.array_split(np.arange(m), n_chunks):
        values = np.stack([np.concatenate([square[k, k + 1:], square[:k, k]]) for k in rows])
        # value t of every member, then value t + 1 of every member, ...
        keys = np.tile(np.arange(len(rows)), m - 1)
        out[rows] = pd.Series(values.T.ravel()).groupby(keys).sum().to_numpy()
    return total, out


def _cotemporal_pairs(ts: np.ndarray, window: float) -> np.ndarray:
    """For each time (sorted), how many later times lie within ``window``."""
    return np.searchsorted(ts, ts + window, side="right") - np.arange(1, len(ts) + 1)


def _grouped_cotemporal(group: np.ndarray, ts: np.ndarray, window: float) -> np.ndarray:
    """Per row: later rows of the same group within ``window`` (rows in any order)."""
    span = int(ts.max() - ts.min()) + int(window) + 2 if len(ts) else 1
    key = group.astype(np.int64) * span + (ts - (ts.min() if len(ts) else 0))
    order = np.argsort(key, kind="stable")
    out = np.empty(len(ts), dtype=np.int64)
    out[order] = _cotemporal_pairs(key[order], window)
    return out


def _analytic_total(traces: pd.DataFrame, bins: pd.DataFrame, *, window: float,
                    bin_seconds: float) -> pd.Series:
    """Expected co-actions summed over *all* account pairs, per trace."""
    if traces.empty:
        return pd.Series(dtype=float)
    trace, names, ts, s = _row_bins(traces, bins, bin_seconds)
    account, accounts = pd.factorize(traces[ACCOUNT_ID].astype(str))
    # one group per (trace, account); rows missing either share group -1, as in a group-by
    by_account = np.where((trace >= 0) & (account >= 0),
                          trace.astype(np.int64) * max(len(accounts), 1) + account, -1)
    del account
    cross = (_grouped_cotemporal(trace, ts, window)
             - _grouped_cotemporal(by_account, ts, window)) * s
    ok = trace >= 0
    sums = pd.Series(cross[ok]).groupby(trace[ok]).sum()
    sums.index = np.asarray(names, dtype=object)[sums.index.to_numpy()]
    return sums.sort_index()


def null_calibration(traces: pd.DataFrame, bins: pd.DataFrame, *,
                     window: float, bin_seconds: float, n_null: int = 2, seed: int = 0,
                     co_action_fn=None, memory_limit: str | None = None,
                     temp_directory: str | None = None) -> pd.DataFrame:
    """Calibrate the analytic null on data shuffled under the null itself.

    Objects are permuted among the actions of each (trace, bin), ``n_null`` times with a
    seeded generator; the co-actions of the shuffled data (distinct pair-object pairs) are
    compared with the analytic expectation summed over all account pairs. The shuffled
    data's co-action join runs in DuckDB with ``memory_limit`` (default
    :func:`null_memory_limit`) and spills to ``temp_directory``.

    Returns
    -------
    DataFrame
        ``trace, analytic, simulated, kappa`` (``kappa = simulated / analytic``; 1 when
        there is nothing to compare).
    """
    # the shuffled pairs are only counted, never shown: by default they stay row numbers
    # of the trace table, counted on its ids' integer codes (see _ShuffledCounts)
    fn = co_action_fn
    analytic = _analytic_total(traces, bins, window=window, bin_seconds=bin_seconds)
    rng = np.random.default_rng(seed)
    simulated = pd.Series(0.0, index=analytic.index)
    if n_null > 0 and len(traces):
        keys = pd.DataFrame({TRACE: traces[TRACE].to_numpy(),
                             _BIN: _row_bin_keys(traces, bins, bin_seconds)[3]})
        group = keys.groupby([TRACE, _BIN], sort=False).ngroup().to_numpy()
        del keys
        counter = _ShuffledCounts(traces, window, memory_limit=memory_limit,
                                  temp_directory=temp_directory) if fn is None else None
        for _ in range(n_null):
            # row by_group[i] takes the object of row order[i]: same group, random row
            order = np.lexsort((rng.random(len(group)), group))
            by_group = np.argsort(group, kind="stable")
            shuffled = np.empty(len(group), dtype=np.int64)
            shuffled[by_group] = order
            if counter is not None:
                counts = counter(shuffled)
            else:
                fake = traces.assign(**{OBJECT_ID: traces[OBJECT_ID].to_numpy()[shuffled]})
                pairs = fn(fake)
                counts = _distinct_coactions(pairs) if len(pairs) else None
                del fake, pairs
            if counts is not None:
                simulated = simulated.add(counts.reindex(simulated.index).fillna(0.0),
                                          fill_value=0.0)
        simulated = simulated / n_null
    out = pd.DataFrame({"analytic": analytic, "simulated": simulated}).fillna(0.0)
    ok = (out["analytic"] > 0) & (out["simulated"] > 0) & (n_null > 0)
    out["kappa"] = np.where(ok, out["simulated"] / out["analytic"].where(ok, 1.0), 1.0)
    out.index.name = TRACE
    return out.reset_index()


class _ShuffledCounts:
    """Distinct co-actions per trace of the trace table with its objects shuffled.

    The same counts as ``_distinct_coactions(co_actions(shuffled table, window=window,
    min_participation=0))``: the table's rows are coded once (trace, account, object,
    content id, time), each shuffle only permutes the object codes, and one DuckDB query
    joins the rows that can pair (CooRTweet's rules: an account, a content id, a time and
    an object; not a row whose object is its own content id) on their object within the
    window and counts the distinct (trace, account pair, object) per trace, on integers
    only.
    """

    def __init__(self, traces: pd.DataFrame, window: float, *,
                 memory_limit: str | None = None, temp_directory: str | None = None):
        self.memory_limit = null_memory_limit(memory_limit)
        self.temp_directory = temp_directory
        shares = read_shares(traces, window=window)
        frame = shares.frame
        coded = share_id_codes(frame)
        self.trace, self.obj, content = coded.trace, coded.obj, coded.content
        self.names = np.asarray(coded.traces, dtype=object).astype(str)
        self.account, _ = pd.factorize(frame["acc"])
        self.n_obj = len(coded.objects) + 1
        # the object each row's content id is (-1: none): a shuffled row whose object is
        # its own content id is a self row and never pairs
        self.own = coded.own
        del coded
        ticks = frame["ticks"]
        # what a row needs besides its (shuffled) object; the rest of the row as integers
        fixed = (self.account >= 0) & (content >= 0) & ticks.notna().to_numpy() \
            & (self.trace >= 0)
        self.rows = np.flatnonzero(fixed)
        self.window = int(round(float(window) * shares.scale))
        width = max(self.window, 1)
        t = ticks.to_numpy(dtype=np.int64, na_value=0)[self.rows]
        self.r = pd.DataFrame({"tr": self.trace[self.rows].astype(np.int32),
                               "a": self.account[self.rows].astype(np.int64),
                               "c": content[self.rows].astype(np.int64),
                               "t": t, "b": t // width,
                               "rn": self.rows.astype(np.int64)})

    def __call__(self, shuffled: np.ndarray) -> pd.Series | None:
        obj = self.obj[shuffled[self.rows]].astype(np.int64)
        ok = (obj >= 0) & (obj != self.own[self.rows])
        if not ok.any():
            return None
        r = self.r[ok].assign(o=self.r["tr"].to_numpy(np.int64)[ok] * self.n_obj + obj[ok])
        del obj, ok
        with _null_connection(self.memory_limit, self.temp_directory) as con:
            con.register("r", r)
            # each pair of rows once (the later one, ties by row), on one object, within
            # the window: its own and the next bucket hold every such later row
            got = con.execute(f"""
                WITH j AS (SELECT o, a, c, t, rn, b AS jb FROM r
                           UNION ALL SELECT o, a, c, t, rn, b - 1 AS jb FROM r)
                SELECT tr, count(*) AS n FROM (
                    SELECT DISTINCT l.tr, least(l.a, j.a) AS lo, greatest(l.a, j.a) AS hi, l.o
                    FROM r AS l JOIN j ON j.o = l.o AND j.jb = l.b
                    WHERE j.t - l.t <= {self.window}
                      AND (j.t > l.t OR (j.t = l.t AND j.rn > l.rn))
                      AND j.a <> l.a AND j.c <> l.c) AS u
                GROUP BY tr""").fetchnumpy()
        del r
        if not len(got["tr"]):
            return None
        counts = np.zeros(len(self.names), dtype=np.int64)
        counts[np.asarray(got["tr"], dtype=np.int64)] = np.asarray(got["n"], dtype=np.int64)
        return pd.Series(counts, index=self.names)


def _distinct_coactions(pairs: pd.DataFrame) -> pd.Series:
    """Distinct (account pair, object) co-actions per trace, counted on integer codes."""
    first, second = pairs[ACCOUNT_ID], pairs[ACCOUNT_ID_Y]
    if isinstance(first.dtype, pd.CategoricalDtype) and isinstance(second.dtype,
                                                                   pd.CategoricalDtype) \
            and first.cat.categories.equals(second.cat.categories) \
            and first.cat.categories.is_monotonic_increasing:
        a, b = first.cat.codes.to_numpy(np.int64), second.cat.codes.to_numpy(np.int64)
    else:   # codes in sorted id order, so the smaller code is the smaller id
        _, a, b = account_codes(first, second)
    trace, names = pd.factorize(pairs[TRACE])
    found = pd.DataFrame({TRACE: trace, "a": np.minimum(a, b), "b": np.maximum(a, b),
                          OBJECT_ID: pd.factorize(pairs[OBJECT_ID])[0]})
    keep = ~found.duplicated().to_numpy()
    counts = np.bincount(trace[keep], minlength=len(names))
    return pd.Series(counts, index=np.asarray(names, dtype=object).astype(str))


def poisson_pvalues(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``P(X >= observed)`` for ``X ~ Poisson(expected)`` (1 when nothing was observed).

    Examples
    --------
    >>> poisson_pvalues([0, 1, 3], [0.5, 0.5, 0.5]).round(4).tolist()
    [1.0, 0.3935, 0.0144]
    """
    observed = np.asarray(observed, dtype=float)
    expected = np.maximum(np.asarray(expected, dtype=float), 1e-12)
    # P(X >= k) = P(X > k - 1): scipy.special.pdtrc, the function behind
    # scipy.stats.poisson.sf, without importing scipy.stats (0.4 s)
    below = observed - 1
    with np.errstate(invalid="ignore"):
        p = np.where(below < 0, 1.0, special.pdtrc(np.floor(np.maximum(below, 0)), expected))
    return np.where(observed <= 0, 1.0, np.clip(p, 0.0, 1.0))
