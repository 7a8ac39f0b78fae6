"""Checks shared by the tests of coded co-action rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def assert_codes_name_the_rows(codes, text: dict) -> None:
    """Each row's account, trace and object codes name its strings, and the author flags
    follow the rule on the strings: a repost row whose content id is the bare object."""
    assert (codes.ids[codes.first] == text["account_id"]).all()
    assert (codes.ids[codes.second] == text["account_id_y"]).all()
    assert (np.asarray(codes.traces, dtype=object)[codes.trace] == text["trace"]).all()
    assert (np.asarray(codes.objects, dtype=object)[codes.obj] == text["object_id"]).all()
    root = pd.Series(text["object_id"]).str.removeprefix("post:").to_numpy(dtype=object)
    repost = text["trace"] == "repost"
    assert ((repost & (text["content_id"] == root)) == codes.author_first).all()
    assert ((repost & (text["content_id_y"] == root)) == codes.author_second).all()
    assert codes.author.any() and not codes.author.all()


def assert_one_sorted_category_set(plain: pd.DataFrame, compact: pd.DataFrame) -> None:
    """Each id kind's categories are the ids the pairs hold, sorted as Python sorts them."""
    for columns in (["object_id"], ["account_id", "account_id_y"],
                    ["content_id", "content_id_y"]):
        want = sorted(set().union(*(plain[c] for c in columns)))
        for c in columns:
            assert compact[c].cat.categories.dtype == "str"
            assert compact[c].cat.categories.tolist() == want
