"""``netlib.lookup`` against Python's own strings (``in``, ``sorted``, equality) on every
dtype an id column has."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netlib.lookup import arrow_strings, distinct_strings, isin, positions, string_codes

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
