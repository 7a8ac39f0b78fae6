"""Small shared helpers of netlib.hubs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netlib.lookup import distinct_strings, positions, string_codes


@dataclass(frozen=True)
class Codes:
    """Sorted distinct account ids and, per column, each row's position among them.

    Comparing two codes compares the ids (Arrow sorts strings by code point, as Python
    does), so grouping and sorting can run on integers. ``-1`` marks a missing id.

    Attributes
    ----------
    ids : pyarrow.Array
        The distinct ids, sorted.
    columns : tuple of numpy.ndarray
        ``int64`` codes of each column given to :func:`account_codes`.
    """

    ids: pa.Array
    columns: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _str_ids(self) -> pd.api.extensions.ExtensionArray:
        return pd.Series(self.ids.cast(pa.large_string()).to_pandas(), dtype="str").array

    @cached_property
    def _object_ids(self) -> np.ndarray:
        return np.asarray(self._str_ids, dtype=object)

    def strings(self, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The ids at ``codes`` as a ``str`` (Arrow-backed) array."""
        return self._str_ids.take(np.asarray(codes, dtype=np.int64))

    def objects(self, codes: np.ndarray) -> np.ndarray:
        """The ids at ``codes`` as an object array of Python strings."""
        return self._object_ids[np.asarray(codes, dtype=np.int64)]

    def positions(self, values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
        """Code of each of ``values`` (as str) among the ids, -1 where absent."""
        return positions(values, self.ids)

    def subset(self, mask: np.ndarray) -> Codes:
        """The same ids with the rows of every column cut by a boolean ``mask``."""
        return Codes(self.ids, tuple(c[mask] for c in self.columns))


@dataclass(frozen=True)
class CodedEdges:
    """Weighted edges between accounts given by their codes (no strings).

    Attributes
    ----------
    codes : Codes
        Two columns: the codes of each edge's ``account_id`` and ``account_id_y``.
    weight : numpy.ndarray
        One weight per edge.
    """

    codes: Codes
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.weight)

    @property
    def empty(self) -> bool:
        """No edge."""
        return len(self) == 0


def index_in(column: pa.Array | pa.ChunkedArray, ids: pa.Array) -> np.ndarray:
    """Position of each value of ``column`` in ``ids`` (Arrow's hash lookup), -1 if absent."""
    found = pc.index_in(column, value_set=ids)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def account_codes(*columns: pd.Series | pd.Index | np.ndarray) -> Codes:
    """Code the account-id ``columns`` against their sorted distinct ids (as str).

    Examples
    --------
    >>> c = account_codes(pd.Series(["b", "a"]), pd.Series(["c", None]))
    >>> c.columns[0].tolist(), c.columns[1].tolist(), c.objects([0, 2]).tolist()
    ([1, 0], [2, -1], ['a', 'c'])
    """
    ids = distinct_strings(*columns)
    return Codes(ids, tuple(positions(c, ids) for c in columns))


def merge_codes(*parts: Codes) -> Codes:
    """The columns of several :class:`Codes` recoded onto the sorted union of their ids.

    Only the ids are looked up (not every row), so merging is cheap however long the
    columns are.

    Examples
    --------
    >>> c = merge_codes(account_codes(pd.Series(["b", "d"])), account_codes(pd.Series(["c"])))
    >>> [col.tolist() for col in c.columns], c.objects([0, 1, 2]).tolist()
    ([[0, 2], [1]], ['b', 'c', 'd'])
    """
    pool = pa.chunked_array([p.ids for p in parts], type=pa.large_string())
    ids = pc.unique(pool).drop_null()
    ids = ids.take(pc.sort_indices(ids))
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    columns = []
    for part in parts:
        where = np.append(index_in(part.ids, ids), -1)   # code -1 picks the trailing -1
        columns.extend(where[c] for c in part.columns)
    return Codes(ids, tuple(columns))


def key_codes(frame: pd.DataFrame, columns: list[str], *,
              rows: np.ndarray | None = None) -> np.ndarray:
    """One ``int64`` code per row for the combination of ``columns`` (-1 if any is missing).

    Codes follow no particular order; equal combinations get equal codes. With ``rows``
    (a boolean mask), only those rows' codes are returned: each column is coded over
    every row and cut to ``rows`` before the columns are combined.

    Examples
    --------
    >>> f = pd.DataFrame({"o": ["x", "y", "x", None], "t": ["a", "a", "a", "b"]})
    >>> key_codes(f, ["o", "t"]).tolist(), key_codes(f, ["o", "t"], rows=np.array([0, 1, 1, 1], bool)).tolist()
    ([0, 1, 0, -1], [0, 1, -1])
    """
    out = np.zeros(len(frame) if rows is None else int(np.count_nonzero(rows)), dtype=np.int64)
    missing = np.zeros(len(out), dtype=bool)
    for k, col in enumerate(columns):
        codes = string_codes(frame[col])
        if rows is not None:
            codes = codes[rows]
        missing |= codes < 0
        if k == 0:
            out = codes.astype(np.int64)
        else:
            n_codes = int(codes.max()) + 1 if len(codes) else 1
            out *= max(n_codes, 1)   # out < len(out): no overflow
            out += np.maximum(codes, 0)
            del codes
            out = first_seen_codes(out)
    if missing.any():
        out = out.copy()
        out[missing] = -1
    return out


def combine_keys(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """One ``int64`` key per row for the pair of non-negative integer codes ``(x, y)``.

    Equal pairs get equal keys (``x * (max(y) + 1) + y`` when that cannot overflow, else
    the same on ``x`` renumbered densely).

    Examples
    --------
    >>> combine_keys(np.array([0, 1, 0]), np.array([2, 0, 2])).tolist()
    [2, 3, 2]
    """
    x, y = np.asarray(x, dtype=np.int64), np.asarray(y, dtype=np.int64)
    if not len(x):
        return x.copy()
    n_y = int(y.max()) + 1
    if (int(x.max()) + 1) * n_y >= 2 ** 62:
        x = np.asarray(pd.factorize(x)[0], dtype=np.int64)
    return x * n_y + y


def first_seen_codes(keys: np.ndarray) -> np.ndarray:
    """``pd.factorize(keys)[0]`` (codes in order of first appearance) for ``int64`` keys.

    :func:`pandas.factorize` sizes its hash table by the number of *rows*; on tens of
    millions of rows with far fewer distinct keys that table alone takes gigabytes. Here
    the tables hold the distinct keys only: one pass marks the first occurrences
    (:meth:`pandas.Series.duplicated`), and the rows are looked up among those.

    Examples
    --------
    >>> first_seen_codes(np.array([7, 3, 7, 9, 3])).tolist()
    [0, 1, 0, 2, 1]
    """
    keys = np.asarray(keys, dtype=np.int64)
    first = ~pd.Series(keys, copy=False).duplicated().to_numpy()
    return np.asarray(pd.Index(keys[first]).get_indexer(keys), dtype=np.int64)


def code_grouper(codes: np.ndarray, n_groups: int) -> pd.Categorical:
    """Non-negative group ``codes`` as a grouper that pandas does not hash again.

    ``Series.groupby(code_grouper(codes, n), observed=False)`` groups like
    ``groupby(codes, sort=True)`` (every group ``0..n-1`` present, empty ones too) but
    reads the codes as they are, where grouping on the integers would first build a hash
    table as long as the rows. For the same sums as ``groupby(keys, sort=True)``, pass
    the keys' ranks among the distinct keys (pandas' float sums can depend on the labels).
    """
    return pd.Categorical.from_codes(np.asarray(codes), categories=pd.RangeIndex(n_groups),
                                     validate=False)


def _sorted_within_groups(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """``values`` ordered by group, then by value (no NaN, no -0.0 in ``values``).

    One ``int64`` key per row (group, then the value's rank among the distinct values)
    sorts faster than ``np.lexsort`` on the two columns; ``lexsort`` is the fallback when
    the key could overflow.
    """
    n = len(values)
    if not n:
        return values.copy()
    step = 1 << 20   # slices of rows: no row-sized temporaries
    low, span = float(values.min()), float(values.max()) - float(values.min()) + 1
    if span < 2 ** 31 and max(n_groups, 1) * span < 2 ** 62 and all(
            (values[i:i + step] == np.round(values[i:i + step])).all() for i in range(0, n, step)):
        # whole numbers (seconds, typically): the value itself is its rank
        key = np.empty(n, dtype=np.int64)
        for i in range(0, n, step):
            key[i:i + step] = groups[i:i + step] * int(span)
            key[i:i + step] += (values[i:i + step] - low).astype(np.int64)
        key.sort()
        key %= int(span)
        out = key.astype(float)
        del key
        out += low
        return out
    by_value = np.argsort(values)
    ordered = values[by_value]
    new = _run_starts(ordered)
    distinct = ordered[new]
    del ordered
    if max(n_groups, 1) * len(distinct) >= 2 ** 62:
        return values[np.lexsort((values, groups))]
    rank = np.cumsum(new, dtype=np.int64)
    del new
    rank -= 1   # rank among the distinct values, in value order
    key = np.empty(n, dtype=np.int64)
    key[by_value] = rank
    del by_value, rank
    for start in range(0, n, step):
        key[start:start + step] += groups[start:start + step] * len(distinct)
    key.sort()
    key %= len(distinct)
    return distinct[key]


def group_medians(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of ``values`` per group ``0..n_groups-1`` (NaN for an empty group).

    The same numbers as ``Series(values).groupby(groups).median()`` (the middle value, or
    the mean of the two middle values), from one sort of the rows instead of pandas'
    hash table and copies as long as the rows. Missing values are left to pandas.

    Examples
    --------
    >>> group_medians(np.array([5.0, 1.0, 2.0, 4.0, 3.0]), np.array([0, 0, 2, 0, 2]), 3)
    array([4. , nan, 2.5])
    """
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any() or (np.signbit(values) & (values == 0)).any():
        # pandas skips missing values, and which of -0.0 and 0.0 its selection returns
        # depends on its algorithm: leave both cases to it
        return (pd.Series(values).groupby(code_grouper(groups, n_groups), observed=False)
                .median().to_numpy(dtype=float))
    ordered = _sorted_within_groups(values, np.asarray(groups, dtype=np.int64), n_groups)
    return run_medians(ordered, np.bincount(groups, minlength=n_groups))


def run_medians(ordered: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Median of each run of ``ordered`` (runs of ``size`` values, each sorted; NaN for
    an empty run): the middle value, or the mean of the two middle values.

    Examples
    --------
    >>> run_medians(np.array([1.0, 4.0, 5.0, 2.0, 3.0]), np.array([3, 0, 2]))
    array([4. , nan, 2.5])
    """
    start = np.cumsum(size) - size
    out = np.full(len(size), np.nan)
    odd = size % 2 == 1
    out[odd] = ordered[(start + size // 2)[odd]]
    even = (size > 0) & ~odd
    out[even] = (ordered[(start + size // 2)[even]] + ordered[(start + size // 2 - 1)[even]]) / 2
    return out


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows whose ``int64`` key has not appeared in an earlier row.

    ``~Series(keys).duplicated()``, from one sort of the keys: when most keys are
    distinct, a hash table of them takes more memory (and time) than the sort. The
    keys are sorted in place (pass a copy to keep them).

    Examples
    --------
    >>> first_occurrences(np.array([7, 3, 7, 9, 3])).tolist()
    [True, True, False, True, False]
    """
    out = np.zeros(len(keys), dtype=bool)
    if not len(keys):
        return out
    order = np.argsort(keys)
    keys.sort()   # the same values as keys[order], without a second array
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    out[np.minimum.reduceat(order, starts)] = True   # the earliest row of each key
    return out


def exact_sums(values: np.ndarray) -> bool:
    """Whether float sums of ``values`` come out exact in any order.

    True for whole numbers (no NaN, infinity or ``-0.0``) whose absolute values add up to
    less than ``2**53``: every partial sum is then a whole number that a float holds
    exactly, so a plain, a compensated (pandas) and a reordered sum agree to the bit.

    Examples
    --------
    >>> exact_sums(np.array([1.0, 3.0, -2.0])), exact_sums(np.array([0.5, 1.0]))
    (True, False)
    """
    values = np.asarray(values, dtype=float)
    step = 1 << 20   # slices of rows: no row-sized temporaries
    total = 0.0
    for start in range(0, len(values), step):
        part = values[start:start + step]
        if not (np.isfinite(part).all() and (part == np.round(part)).all()
                and not (np.signbit(part) & (part == 0)).any()):
            return False
        total += float(np.abs(part).sum())
    return total < 2.0 ** 53


def sorted_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``int64`` keys (sorted) and each row's group: its key's rank among them.

    One sort of the keys, no hash table (which, when most keys are distinct, takes more
    memory and time than the sort).

    Examples
    --------
    >>> distinct, group = sorted_groups(np.array([7, 3, 7, 9, 3]))
    >>> distinct.tolist(), group.tolist()
    ([3, 7, 9], [1, 0, 1, 2, 0])
    """
    keys = np.asarray(keys, dtype=np.int64)
    n = len(keys)
    if not n:
        return keys.copy(), np.zeros(0, dtype=np.int64)
    order = np.argsort(keys)
    ordered = keys[order]
    new = _run_starts(ordered)
    distinct = ordered[new]
    del ordered
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(new, dtype=np.int64) - 1
    return distinct, group


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the (non-empty, sorted) ``ordered`` starts."""
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return new


def _exact_group_sums(values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_sums` of values whose sums are exact in any order (see
    :func:`exact_sums`): a count per key when the keys span a short range; else one sort
    of the keys with the values packed in (:func:`packed_sort`), or of the keys alone."""
    n = len(keys)
    if not n:
        return keys.copy(), np.zeros(0, dtype=float)
    low = int(keys.min())
    span = int(keys.max()) - low + 1
    if span <= max(4 * n, 1 << 16):
        shifted = keys - low
        present = np.flatnonzero(np.bincount(shifted, minlength=span))
        sums = np.bincount(shifted, weights=values, minlength=span)[present]
        return present + low, sums
    packed = packed_sort(keys, values)
    if packed is not None:
        distinct, starts, ordered = packed
        sums = np.add.reduceat(ordered, starts) if len(starts) else ordered[:0]
        return distinct, sums
    distinct, group = sorted_groups(keys)
    return distinct, np.bincount(group, weights=values, minlength=len(distinct))


def packed_sort(keys: np.ndarray, values: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Rows sorted by ``int64`` key then by whole-number value, from one sort of one array.

    Each row's key and value are packed into one ``int64`` (key offset times the value
    range, plus the value offset), whose plain sort orders the rows by key then value.

    Returns
    -------
    (distinct, starts, ordered) or None
        The distinct keys (sorted), the position in ``ordered`` where each one's run
        starts, and the values (``float``) in that order; None when a value is not a
        whole number or the packed numbers could overflow.

    Examples
    --------
    >>> d, s, v = packed_sort(np.array([9, 3, 9, 3]), np.array([5.0, 2.0, 1.0, 7.0]))
    >>> d.tolist(), s.tolist(), v.tolist()
    ([3, 9], [0, 2], [2.0, 7.0, 1.0, 5.0])
    """
    n = len(keys)
    if not n:
        return None
    values = np.asarray(values, dtype=float)
    if not (np.isfinite(values).all() and (values == np.round(values)).all()):
        return None
    low, v_low = int(keys.min()), float(values.min())
    span = int(keys.max()) - low + 1
    v_span = int(float(values.max()) - v_low) + 1
    if v_span >= 2 ** 52 or span * v_span >= 2 ** 62:
        return None
    step = 1 << 20   # slices of rows: no row-sized temporaries beyond the packed array
    packed = np.empty(n, dtype=np.int64)
    for i in range(0, n, step):
        packed[i:i + step] = keys[i:i + step] - low
        packed[i:i + step] *= v_span
        packed[i:i + step] += (values[i:i + step] - v_low).astype(np.int64)
    packed.sort()
    ordered = (packed % v_span).astype(float)
    ordered += v_low
    packed //= v_span   # the keys' offsets, sorted
    starts = np.flatnonzero(_run_starts(packed))
    distinct = packed[starts] + low
    return distinct, starts, ordered


def group_sums(values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``int64`` keys (sorted) and the sum of ``values`` for each.

    The same numbers as ``Series(values).groupby(keys, sort=True).sum()``: whole-number
    values (counts, whose sums are exact in any order, see :func:`exact_sums`) are
    added up by a count per key or one sort of the keys; other values by the same pandas
    sum with the same group labels, with hash tables of the distinct keys only (see
    :func:`first_seen_codes`).

    Examples
    --------
    >>> keys, sums = group_sums(np.array([1.0, 2.0, 4.0]), np.array([9, 3, 9]))
    >>> keys.tolist(), sums.tolist()
    ([3, 9], [2.0, 5.0])
    """
    keys = np.asarray(keys, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if exact_sums(values):
        return _exact_group_sums(values, keys)
    return _pandas_group_sums(values, keys)


def _pandas_group_sums(values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_sums` through pandas' (compensated) sum, for any float values."""
    if (np.signbit(values) & (values == 0)).any():
        # a group of -0.0 alone sums to 0.0 one way and -0.0 the other: pandas as it was
        sums = pd.Series(values).groupby(keys, sort=True).sum()
        return sums.index.to_numpy(dtype=np.int64), sums.to_numpy(dtype=float)
    group = first_seen_codes(keys)
    n_groups = int(group.max()) + 1 if len(group) else 0
    distinct = np.empty(n_groups, dtype=np.int64)
    distinct[group] = keys
    order = np.argsort(distinct)
    # label the groups by their key's rank, as groupby(keys, sort=True) does: pandas' sums
    # can differ in the last bit with other labels for the same groups
    rank = np.empty(n_groups, dtype=np.int64)
    rank[order] = np.arange(n_groups)
    labels = rank[group]
    del group, rank
    sums = (pd.Series(values, copy=False).groupby(code_grouper(labels, n_groups), observed=False)
            .sum().to_numpy(dtype=float))
    return distinct[order], sums
