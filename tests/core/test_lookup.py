"""``netlib.lookup`` against Python's own strings (``in``, ``sorted``, equality) on every
dtype an id column has."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netlib.lookup as lookup
from netlib.lookup import (
    arrow_strings,
    distinct_strings,
    isin,
    positions,
    repeated,
    string_codes,
)

IDS = st.sampled_from(["a", "b", "é", "e\u0301", "", " a", "a\x00", "1", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, max_size=12), st.lists(IDS, max_size=12),
       st.sampled_from([object, "str", "category"]))
def test_isin_is_python_membership(values, members, dtype):
    column = pd.Series(values, dtype=dtype)
    wanted = set(members)
    expected = [v in wanted for v in values]  # None matches only None
    assert isin(column, members).tolist() == expected
    assert isin(column, set(members)).tolist() == expected
    assert isin(column, pd.Index(members, dtype=object)).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, max_size=12), st.lists(IDS, max_size=12),
       st.sampled_from([object, "str", "category"]))
def test_positions_codes_and_distinct_follow_python_strings(values, others, dtype):
    column = pd.Series(values, dtype=dtype)
    present = sorted({v for v in values + others if v is not None})
    # sorted by code point, as Python sorts str
    ids = distinct_strings(column, pd.Series(others, dtype=object))
    assert ids.to_pylist() == present
    assert positions(column, ids).tolist() == \
        [-1 if v is None else present.index(v) for v in values]
    # equal strings, equal codes; missing is -1; different strings, different codes
    codes = string_codes(column).tolist()
    for v, c in zip(values, codes, strict=True):
        assert (c == -1) == (v is None)
    seen = {}
    for v, c in zip(values, codes, strict=True):
        if v is not None:
            assert seen.setdefault(v, c) == c
    assert len(set(seen.values())) == len(seen)
    assert arrow_strings(column).to_pylist() == values


def test_categorical_lookups_agree_with_the_codes():
    # a million rows over three categories, looked up through their categories
    column = pd.Series(pd.Categorical.from_codes(np.arange(1_000_000) % 3, ["x", "y", "z"]))
    ids = distinct_strings(column)
    assert ids.to_pylist() == ["x", "y", "z"]
    assert np.array_equal(positions(column, ids), column.cat.codes.to_numpy())
    assert np.array_equal(string_codes(column), column.cat.codes.to_numpy())


def _python_repeats(values: list) -> list[bool]:
    seen: set = set()
    out = []
    for v in values:
        out.append(v in seen)
        seen.add(v)
    return out


@pytest.mark.parametrize("large", [False, True], ids=["arrow", "duckdb"])
@settings(max_examples=150, deadline=None)
@given(values=st.lists(IDS, max_size=14), dtype=st.sampled_from([object, "str", "category"]))
def test_repeated_is_python_first_occurrence(large, values, dtype):
    # both the small-input path (Arrow) and the large-input path (DuckDB), the latter
    # forced by lowering the threshold, against a Python set walked in order
    old = lookup.LARGE_ROWS
    lookup.LARGE_ROWS = 1 if large else old
    try:
        got = repeated(pd.Series(values, dtype=dtype)).tolist()
    finally:
        lookup.LARGE_ROWS = old
    assert got == _python_repeats(values)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(IDS, max_size=14), ids=st.lists(IDS.filter(lambda v: v is not None),
                                                       min_size=1, max_size=8))
def test_joined_positions_find_the_first_equal_id(values, ids):
    # the DuckDB join path, ids possibly holding a string twice: the first one is found
    old = lookup.LARGE_ROWS
    lookup.LARGE_ROWS = 1
    try:
        got = positions(pd.Series(values, dtype=object), pa.array(ids, pa.large_string()))
    finally:
        lookup.LARGE_ROWS = old
    assert got.tolist() == [ids.index(v) if v in ids else -1 for v in values]


def test_large_inputs_take_the_duckdb_path_and_agree():
    # past the threshold for real: a million and a half ids with repeats in known places
    n = 1_500_000
    values = pd.Series([f"id{i % 1_200_000}" for i in range(n)], dtype="str")
    expected = np.arange(n) >= 1_200_000
    assert np.array_equal(repeated(values), expected)
    ids = pa.array([f"id{i}" for i in range(1_200_000)], pa.large_string())
    assert np.array_equal(positions(values, ids), np.arange(n) % 1_200_000)


EDGES = st.sampled_from(["a", "b1", " a", "a ", "\ta", "a\x1c", "\x1fb", "\u00a0a", "a\u3000",
                         "\u2003", "é", "e\u0301", "", " ", "~", "!x", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(EDGES, max_size=14), st.integers(1, 4), st.integers(0, 3))
def test_strip_is_pandas_strip_on_chunked_and_sliced_columns(values, chunks, skip):
    # Arrow columns as the CSV reader and filters leave them: several chunks, sliced
    parts = [pa.array(values[i::chunks], type=pa.large_string()) for i in range(chunks)]
    strings = pa.chunked_array([p.slice(min(skip, len(p))) for p in parts],
                               type=pa.large_string())
    text = pd.Series(pd.arrays.ArrowStringArray(strings)).astype("string")
    want = [None if v is None else v.strip() for v in strings.to_pylist()]
    got = lookup.strip(text)
    assert [None if pd.isna(v) else v for v in got] == want
    assert got.dtype == text.str.strip().dtype
    pd.testing.assert_series_equal(got, text.str.strip())


def test_strip_leaves_clean_columns_alone_and_strips_object_columns():
    text = pd.Series(["a1", "b!", "~z"], dtype="string")
    assert lookup.strip(text) is text  # no copy of a column with nothing to strip
    objects = pd.Series([" a ", None], dtype=object)
    pd.testing.assert_series_equal(lookup.strip(objects), objects.str.strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "é", "e", "", "10", "9", None]), max_size=8))
def test_increasing_is_pythons_strict_order(values):
    strings = pa.chunked_array([pa.array(values[:3], type=pa.large_string()),
                                pa.array(values[3:], type=pa.large_string())])
    want = None not in values and all(a < b for a, b in zip(values, values[1:], strict=False))
    assert lookup.increasing(strings) == want
    if want:  # and repeated() then finds no repeat, as Python's duplicated does not
        assert not repeated(pd.Series(values, dtype=object)).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, max_size=12), st.lists(IDS, max_size=12),
       st.sampled_from([object, "str", "category"]))
def test_sorted_string_codes_number_the_ids_in_pythons_sorted_order(first, second, dtype):
    # the oracle: Python's sorted() of the distinct strings, and each value's place there
    columns = [pd.Series(first, dtype=dtype), pd.Series(second, dtype=dtype)]
    codes, names = lookup.sorted_string_codes(*columns)
    values = first + second
    distinct = sorted({v for v in values if v is not None})
    assert names.tolist() == distinct
    assert codes.dtype == np.int64
    assert codes.tolist() == [distinct.index(v) if v is not None else -1 for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "é", "", " a", "a\x00"]), min_size=1,
                max_size=6, unique=True), st.lists(st.integers(0, 5), min_size=1, max_size=12))
def test_take_strings_is_the_object_array_a_frame_column_would_hold(names, rows):
    rows = np.array([r % len(names) for r in rows], dtype=np.int64)
    pool = np.array(names, dtype=object)
    frame = pd.DataFrame({"n": np.zeros(len(rows))})
    frame["given"] = pool[rows]
    frame["taken"] = lookup.take_strings(pool, rows)
    assert frame["taken"].dtype == frame["given"].dtype
    assert frame["taken"].tolist() == [names[r] for r in rows]
    pd.testing.assert_series_equal(frame["taken"], frame["given"], check_names=False)
    # the names as Arrow chunks (as a large CSV is read): taken across the chunks
    chunks = pa.chunked_array([pa.array(names[i:i + 2], type=pa.large_string())
                               for i in range(0, len(names), 2)])
    frame["chunked"] = lookup.take_strings(chunks, rows)
    pd.testing.assert_series_equal(frame["chunked"], frame["given"], check_names=False)
