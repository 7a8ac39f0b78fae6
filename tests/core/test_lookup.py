"""``netlib.lookup.isin`` against Python's own ``in`` on every dtype an id column has."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netlib.lookup import isin

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
