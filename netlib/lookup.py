"""Membership tests, positions and codes of id columns, fast whatever the columns' dtype.

pandas' ``Series.isin`` on an Arrow-backed ``str`` column (the dtype of a compact load,
see :data:`netlib.dataset.COMPACT_ROWS`) turns every member into a Python scalar first,
which takes seconds for a million members. :func:`isin` hands both sides to Arrow's hash
lookup instead, on any dtype. :func:`distinct_strings`, :func:`positions` and
:func:`string_codes` number ids the same way for coordination, mirrors and hubs; a
categorical column is looked up through its categories, never a string per row.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_strings", "distinct_strings", "isin", "positions", "repeated",
           "string_codes", "sorted_string_codes", "take_strings", "dictionary_encoded",
           "increasing", "strip", "missing_strings",
           "categoricals_from_codes", "LARGE_ROWS"]

#: From this many values on, :func:`repeated` and :func:`positions` (when the ids are as
#: many) hash in DuckDB, on all cores, instead of in Arrow's single-threaded hash table:
#: at ten million distinct ids DuckDB takes a third of the time.
LARGE_ROWS = 500_000


def _arrow_backed(dtype: object) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or \
            pa.types.is_large_string(dtype.pyarrow_dtype)
    return False


def arrow_strings(values: pd.Series | pd.Index | np.ndarray | list) -> pa.ChunkedArray:
    """``values`` as one Arrow ``large_string`` column; missing values are null.

    Arrow-backed string columns pass through without a Python object per value, and so
    does an object column that holds only strings and missing values; other values
    (numbers, other objects) go through ``astype("str")`` first. A categorical column
    makes each category a string once and gathers them by its codes.

    Examples
    --------
    >>> arrow_strings(pd.Series(["a", None])).to_pylist()
    ['a', None]
    >>> arrow_strings(pd.Series(["a", 1, None], dtype=object)).to_pylist()
    ['a', '1', None]
    >>> arrow_strings(pd.Series(["b", None, "a"], dtype="category")).to_pylist()
    ['b', None, 'a']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=None
                                                                   if len(values) else object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        # each category made a string once, then gathered by the codes
        codes = series.cat.codes.to_numpy()
        names = arrow_strings(series.cat.categories).combine_chunks()
        return pa.chunked_array([names.take(pa.array(codes, mask=codes < 0))])
    array = None
    if series.dtype == object:
        try:
            array = pa.array(series.to_numpy(), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, TypeError):
            array = None  # not all strings: let pandas turn them into strings
    if array is None:
        if not _arrow_backed(series.dtype):
            series = series.astype("str")
        array = pa.array(series.array)
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    return array.cast(pa.large_string())


def isin(values: pd.Series | pd.Index | np.ndarray, members: Iterable) -> np.ndarray:
    """Boolean mask: which of ``values`` are among ``members``, compared as strings.

    A missing value matches only a missing member.

    Examples
    --------
    >>> isin(pd.Series(["a", "b", None]), {"b", "c"}).tolist()
    [False, True, False]
    >>> isin(pd.Series(["a", None], dtype="str"), ["a", None]).tolist()
    [True, True]
    """
    if not isinstance(members, (pd.Series, pd.Index, np.ndarray, list)):
        members = list(members)
    if isinstance(members, list):
        members = pd.Series(members, dtype=object)
    if not len(values):
        return np.zeros(0, dtype=bool)
    pool = arrow_strings(members).combine_chunks()
    found = pc.is_in(arrow_strings(values), value_set=pool)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _used_categories(values: pd.Series) -> pd.Index:
    """The categories that some row of a categorical column holds."""
    codes = values.cat.codes.to_numpy()
    seen = np.zeros(len(values.cat.categories) + 1, dtype=bool)
    seen[codes] = True                       # code -1 marks the trailing slot
    return values.cat.categories[seen[:-1]]


def distinct_strings(*columns: pd.Series | pd.Index | np.ndarray) -> pa.Array:
    """The distinct non-missing values of ``columns``, as strings, sorted by code point.

    A categorical column contributes the categories its rows hold, without a string per
    row. Sorted this way, comparing two :func:`positions` compares the strings (Arrow
    sorts as Python does).

    Examples
    --------
    >>> distinct_strings(pd.Series(["b", None]), pd.Series(["a", "b"], dtype="category")
    ...                  ).to_pylist()
    ['a', 'b']
    """
    chunks = []
    for column in columns:
        series = column if isinstance(column, pd.Series) else pd.Series(column)
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = pd.Series(_used_categories(series), dtype=object)
        chunks.append(pc.unique(arrow_strings(series)))
    pool = pa.chunked_array(chunks, type=pa.large_string())
    ids = pc.unique(pool).drop_null()
    ids = ids.take(pc.sort_indices(ids))
    return ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids


def positions(values: pd.Series | pd.Index | np.ndarray, ids: pa.Array) -> np.ndarray:
    """``int64`` position of each of ``values`` (as a string) in ``ids``; -1 where absent
    or missing.

    Arrow's hash lookup (:func:`pyarrow.compute.index_in`); a categorical column looks
    up each category once and gathers the answers by its codes.

    Examples
    --------
    >>> ids = distinct_strings(pd.Series(["a", "b"]))
    >>> positions(pd.Series(["b", "x", None]), ids).tolist()
    [1, -1, -1]
    >>> positions(pd.Series(["b", None], dtype="category"), ids).tolist()
    [1, -1]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        found = np.append(positions(series.cat.categories, ids), -1)
        return found[series.cat.codes.to_numpy()]     # code -1 picks the trailing -1
    if not len(series):
        return np.zeros(0, dtype=np.int64)
    if len(series) >= LARGE_ROWS and len(ids) >= LARGE_ROWS:
        return _joined_positions(arrow_strings(series), ids)
    found = pc.index_in(arrow_strings(series), value_set=ids)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def string_codes(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """One integer per value: equal strings get equal codes, missing values -1.

    The codes follow no particular order. A categorical column codes its categories'
    strings once (two categories can print alike, e.g. ``1`` and ``"1"``).

    Examples
    --------
    >>> string_codes(pd.Series(["x", "y", "x", None])).tolist()
    [0, 1, 0, -1]
    >>> string_codes(pd.Series(["y", "x", "y"], dtype="category")).tolist()
    [1, 0, 1]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        found = np.append(string_codes(series.cat.categories), -1)
        return found[series.cat.codes.to_numpy()]
    if not len(series):
        return np.zeros(0, dtype=np.int64)
    encoded = dictionary_encoded(arrow_strings(series))
    return encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def repeated(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Boolean mask: which values equal, as strings, a value at an earlier position.

    Missing values equal each other (the second missing value is a repeat). The first
    occurrence of each value is False, every later one True, as
    ``Series.duplicated(keep="first")``.

    Examples
    --------
    >>> repeated(pd.Series(["a", "b", "a", None, None])).tolist()
    [False, False, True, False, True]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not len(series):
        return np.zeros(0, dtype=bool)
    strings = arrow_strings(series)
    if increasing(strings):  # each value greater than the one before: none repeats
        return np.zeros(len(series), dtype=bool)
    if len(series) >= LARGE_ROWS:
        return _repeated_by_hash(strings)
    return _dictionary_repeats(strings)


def categoricals_from_codes(indices: pa.Array | pa.ChunkedArray,
                            dictionary: pa.Array | pa.ChunkedArray,
                            gathers: list[np.ndarray | None], *,
                            categories_dtype: str = "str") -> list[pd.Categorical]:
    """Dictionary-coded ids at each of ``gathers``, as categoricals sharing one category set.

    ``indices`` holds each row's code into ``dictionary`` (null: a missing id); each gather
    is the row positions it takes, or None for every row in order. The categories are the
    distinct ids the gathers take, sorted as Python sorts strings (by code point), as
    ``categories_dtype``; a missing id is missing. Only integer codes are gathered: no id
    string is made per row and none becomes a Python object.

    Examples
    --------
    >>> coded = pa.array(["b", "a", None, "c"]).dictionary_encode()
    >>> first, = categoricals_from_codes(coded.indices, coded.dictionary, [np.array([0, 1, 2])])
    >>> first.tolist(), first.categories.tolist()
    (['b', 'a', nan], ['a', 'b'])
    """
    if isinstance(indices, pa.ChunkedArray):
        indices = indices.combine_chunks()
    if isinstance(dictionary, pa.ChunkedArray):
        dictionary = dictionary.combine_chunks()
    n_codes = len(dictionary)
    codes = indices.fill_null(n_codes).to_numpy(zero_copy_only=False)  # n_codes: missing
    used = np.zeros(n_codes + 1, dtype=bool)
    if any(rows is None for rows in gathers):
        used[codes] = True
    else:  # the codes of the rows some gather takes
        named = np.zeros(len(codes), dtype=bool)
        for rows in gathers:
            named[rows] = True
        used[codes[named]] = True
    present = np.flatnonzero(used[:-1])
    names = dictionary.take(pa.array(present))
    if not pa.types.is_large_string(names.type):
        names = names.cast(pa.large_string())
    if len(names) > 1 and not pc.all(pc.less(names[:-1], names[1:])).as_py():
        order = pc.sort_indices(names).to_numpy()
        names, present = names.take(pa.array(order)), present[order]
    kind = np.int8 if len(names) < 127 else np.int32 if len(names) < 2**31 - 1 else np.int64
    rank = np.full(n_codes + 1, -1, dtype=kind)  # the last slot: a missing id
    rank[present] = np.arange(len(present), dtype=kind)
    final = rank[codes]
    del codes, rank
    dtype = pd.CategoricalDtype(pd.Index(pd.arrays.ArrowStringArray(names))
                                .astype(categories_dtype))
    return [pd.Categorical.from_codes(final if rows is None else final[rows], dtype=dtype,
                                      validate=False) for rows in gathers]


def dictionary_encoded(strings: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """Arrow's dictionary encoding of a column, in one piece.

    A chunked column is encoded chunk by chunk with one hash table, so every chunk gets
    the same, final dictionary; only the codes are then joined. The codes and dictionary
    are those of encoding the column's chunks joined into one array, without that copy
    of the strings (180 MB for ten million object ids).

    Examples
    --------
    >>> column = pa.chunked_array([pa.array(["b", "a"]), pa.array(["a", None, "c"])])
    >>> coded = dictionary_encoded(column)
    >>> coded.indices.to_pylist(), coded.dictionary.to_pylist()
    ([0, 1, 1, None, 2], ['b', 'a', 'c'])
    """
    encoded = pc.dictionary_encode(strings)
    return encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded


def sorted_string_codes(*columns: pd.Series | pd.Index | np.ndarray | pa.ChunkedArray
                        ) -> tuple[np.ndarray, pd.Index]:
    """The values of ``columns``, end to end, as codes into their sorted distinct strings.

    What ``pd.factorize(values.astype(str), sort=True)`` gives (codes ``int64``, -1 for a
    missing value; the distinct strings sorted by code point, as Python sorts str), made
    by Arrow's hash table and sort: no Python object per row, and only the distinct
    strings are sorted.

    Examples
    --------
    >>> codes, names = sorted_string_codes(pd.Series(["b", "a", None]), pd.Series(["c", "b"]))
    >>> codes.tolist(), names.tolist()
    ([1, 0, -1, 2, 1], ['a', 'b', 'c'])
    """
    chunks = [chunk for column in columns
              for chunk in (column if isinstance(column, pa.ChunkedArray)
                            else arrow_strings(column)).cast(pa.large_string()).chunks]
    encoded = dictionary_encoded(pa.chunked_array(chunks, type=pa.large_string()))
    coded, = categoricals_from_codes(encoded.indices, encoded.dictionary, [None])
    return coded.codes.astype(np.int64), coded.categories


def take_strings(names: np.ndarray | pa.Array | pa.ChunkedArray,
                 rows: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``names[rows]`` as a ``str`` column's array, gathered by Arrow.

    What assigning ``names[rows]`` (an object array of strings) to a frame column gives,
    the same values and dtype, without a Python object per row: tens of millions of rows
    cost a fraction of a second instead of several seconds. (No rows give an empty
    ``str`` array, where pandas would make an empty column ``object``.)

    Examples
    --------
    >>> pd.Series(take_strings(np.array(["a", "b"], dtype=object), np.array([1, 1, 0]))
    ...           ).tolist()
    ['b', 'b', 'a']
    """
    values = names if isinstance(names, (pa.Array, pa.ChunkedArray)) else \
        pa.array(names, type=pa.large_string())
    taken = values.take(pa.array(np.asarray(rows)))
    return pd.array(pd.arrays.ArrowStringArray(taken), dtype="str")


def missing_strings(n: int) -> pd.arrays.ArrowStringArray:
    """``n`` missing values as a ``str`` column's array: one Arrow array of nulls.

    What ``pd.Series(np.nan, index=range(n), dtype="str")`` holds, without a Python
    object per row on the way (10M rows: about 10 ms instead of 0.35 s).

    Examples
    --------
    >>> column = pd.Series(missing_strings(3))
    >>> str(column.dtype), bool(column.isna().all())
    ('str', True)
    """
    return pd.array(pd.arrays.ArrowStringArray(pa.nulls(int(n), pa.large_string())),
                    dtype="str")


def increasing(strings: pa.ChunkedArray | pa.Array) -> bool:
    """Whether every value is present and greater than the one before it (so no two are
    equal), comparing as Arrow does: by UTF-8 bytes, which is by code point.

    One pass without hashing; ids written in order (as many exports are) pass it.

    Examples
    --------
    >>> increasing(pa.array(["a", "b", "c"])), increasing(pa.array(["a", "c", "b"]))
    (True, False)
    >>> increasing(pa.array(["a", None]))
    False
    """
    if strings.null_count:
        return False
    if len(strings) < 2:
        return True
    return bool(pc.all(pc.less(strings[:-1], strings[1:])).as_py())


def strip(text: pd.Series) -> pd.Series:
    """``text.str.strip()`` for an Arrow-backed ``string`` column, without copying the
    strings when none can start or end with whitespace.

    Whitespace is ASCII up to U+0020 or a non-ASCII character, so a column whose values
    all start and end with a byte from U+0021 to U+007F is left as it is (checked on the
    first and last byte of each value); any other column is stripped.

    Examples
    --------
    >>> strip(pd.Series([" a", "b", None], dtype="string")).tolist()
    ['a', 'b', <NA>]
    >>> strip(pd.Series(["a\u00a0", "b"], dtype="string")).tolist()
    ['a', 'b']
    """
    if not (isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow") \
            or _edges_may_be_space(arrow_strings(text)):
        return text.str.strip()
    return text


def _edges_may_be_space(strings: pa.ChunkedArray) -> bool:
    """Whether some value's first or last byte is ASCII up to 0x20 or not ASCII."""
    for chunk in strings.chunks:
        if not len(chunk):
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        data = chunk.buffers()[2]
        if data is None or offsets[-1] == offsets[0]:
            continue
        data = np.frombuffer(data, dtype=np.uint8)
        filled = offsets[1:] > offsets[:-1]  # empty (and most missing) values have no bytes
        for at in (offsets[:-1][filled], offsets[1:][filled] - 1):
            edge = data[at]
            if ((edge <= 0x20) | (edge >= 0x80)).any():
                return True
    return False


def _duckdb_query(sql: str, **tables: pa.Table) -> pa.Table:
    """The result of ``sql`` over Arrow ``tables`` (by name), in a fresh DuckDB connection."""
    with duckdb.connect() as con:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(sql).to_arrow_table()


def _dictionary_repeats(strings: pa.ChunkedArray) -> np.ndarray:
    """:func:`repeated` through Arrow's (single-threaded) dictionary encoding."""
    codes = dictionary_encoded(strings).indices
    return pd.Series(codes.fill_null(-1).to_numpy(zero_copy_only=False)
                     ).duplicated(keep="first").to_numpy()


def _window_repeats(strings: pa.ChunkedArray) -> np.ndarray:
    """:func:`repeated` in DuckDB: the rows numbered second or later among their equals
    (its window partitions put missing values together)."""
    table = pa.table({"v": strings, "rn": pa.array(np.arange(len(strings), dtype=np.int64))})
    later = _duckdb_query("SELECT rn FROM vals QUALIFY row_number() OVER "
                          "(PARTITION BY v ORDER BY rn) > 1", vals=table)
    out = np.zeros(len(strings), dtype=bool)
    out[later.column("rn").to_numpy()] = True
    return out


def _repeated_by_hash(strings: pa.ChunkedArray) -> np.ndarray:
    """:func:`repeated` for many values: DuckDB hashes them on all cores, and only the
    values whose 64-bit hash occurs twice are compared as strings (equal strings have
    equal hashes; among ten million distinct ids, a shared hash is a rare accident)."""
    hashes = _duckdb_query("SELECT hash(v) AS h FROM vals",
                           vals=pa.table({"v": strings})).column("h").to_numpy()
    ordered = np.sort(hashes)
    shared = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if len(shared) * 16 > len(hashes):  # many repeated values: no point in sifting
        return _window_repeats(strings)
    out = np.zeros(len(hashes), dtype=bool)
    if len(shared):
        rows = np.flatnonzero(np.isin(hashes, shared))   # in input order
        del hashes, ordered
        suspects = strings.take(pa.array(rows))
        out[rows] = _window_repeats(suspects) if len(rows) >= LARGE_ROWS else \
            _dictionary_repeats(suspects)
    return out


def _joined_positions(strings: pa.ChunkedArray, ids: pa.Array) -> np.ndarray:
    """:func:`positions` for many values and many ids: a DuckDB hash join on the strings.

    Missing values match nothing. When ``ids`` hold a string twice (a value then meets
    both), Arrow's lookup answers instead, which gives the first.
    """
    probe = pa.table({"v": strings, "rn": pa.array(np.arange(len(strings), dtype=np.int64))})
    build = pa.table({"v": pa.chunked_array([ids]).cast(pa.large_string()),
                      "pos": pa.array(np.arange(len(ids), dtype=np.int64))})
    hits = _duckdb_query("SELECT probe.rn, build.pos FROM probe JOIN build "
                         "ON probe.v = build.v", probe=probe, build=build)
    out = np.full(len(strings), -1, dtype=np.int64)
    out[hits.column("rn").to_numpy()] = hits.column("pos").to_numpy()
    if np.count_nonzero(out >= 0) != hits.num_rows:  # some value met two equal ids
        found = pc.index_in(strings, value_set=ids)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return out
