"""netlib.overview: the descriptive tables behind notebook 00, checked against hand counts."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netlib
from netlib import overview
from netlib.errors import ParameterError

NOW = pd.Timestamp("2025-01-01", tz="UTC")


@pytest.fixture(scope="module")
def data():
    accounts = pd.DataFrame({
        "account_id": ["a", "b", "c"], "platform": ["x", "x", "telegram"],
        "handle": ["ann", "bob", "cat"], "status": ["active", "suspended", None]})
    actions = pd.DataFrame({
        "action_id": ["1", "2", "3", "4", "5", "6"],
        "account_id": ["a", "b", "b", "c", "a", "a"],
        "timestamp": ["2024-03-01T10:00:00Z", "2024-03-01T10:05:00Z", "2024-03-02T23:00:00Z",
                      "2024-03-02T23:30:00Z", "2024-03-02T10:00:00Z", "2024-03-03T01:00:00Z"],
        "kind": ["post", "repost", "reply", "forward", "repost", "quote"],
        "object_id": [None, "1", "1", "9", "2", "1"]})
    return netlib.Dataset.from_frames(accounts, actions, now=NOW)


def test_accounts_by_platform_counts_blank_status_as_unknown(data):
    out = overview.accounts_by_platform(data)
    assert out.to_dict("records") == [
        {"platform": "telegram", "status": "unknown", "accounts": 1},
        {"platform": "x", "status": "active", "accounts": 1},
        {"platform": "x", "status": "suspended", "accounts": 1}]


def test_activity_over_time_adds_up_to_every_action(data):
    out = overview.activity_over_time(data, freq="D")
    assert out["actions"].sum() == len(data.actions)
    day = out[out["period"] == pd.Timestamp("2024-03-02", tz="UTC")]
    assert day.set_index("kind")["actions"].to_dict() == {"forward": 1, "reply": 1,
                                                          "repost": 1}


def test_hour_of_day(data):
    table = overview.hour_of_day(data, by="kind")
    assert list(table.columns) == list(range(24))
    assert table.loc["repost", 10] == 2 and table.to_numpy().sum() == len(data.actions)
    with pytest.raises(ParameterError, match="by='nope' is not an actions column"):
        overview.hour_of_day(data, by="nope")


def test_action_links_follow_objects_to_their_authors(data):
    links = overview.action_links(data.actions)
    # 2 -> 1 (b reposts a), 3 -> 1 (b replies to a), 5 -> 2 (a reposts b), 6 -> 1 is a
    # self-link (a quotes a) and 4 -> 9 points outside the data: both dropped
    assert sorted(zip(links["source_id"], links["target_id"], links["kind"], strict=True)) == [
        ("a", "b", "repost"), ("b", "a", "reply"), ("b", "a", "repost")]


def test_interaction_edges_count_per_pair_and_kind(data):
    edges = overview.interaction_edges(data)
    assert edges["interactions"].sum() == 3
    assert set(edges.columns) >= {"source_id", "target_id", "kind", "interactions"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "x"]),
                          st.sampled_from(["a", "b", "c"]),
                          st.sampled_from(["post", "repost", "reply", "quote", "like"]),
                          st.sampled_from([None, "1", "2", "3", "9", "x"])),
                max_size=12),
       st.sampled_from([object, "str"]))
def test_action_links_are_a_first_author_lookup(rows, dtype):
    # oracle: a dict of each action id's first author, followed row by row
    actions = pd.DataFrame(rows, columns=["action_id", "account_id", "kind", "object_id"],
                           dtype=dtype)
    author = {}
    for aid, acc, _, _ in rows:
        author.setdefault(aid, acc)
    want = [(acc, author[obj], kind, obj) for _, acc, kind, obj in rows
            if obj is not None and kind in overview.INTERACTION_KINDS and obj in author
            and author[obj] != acc]
    links = overview.action_links(actions)
    got = list(zip(links["source_id"], links["target_id"], links["kind"], links["object_id"],
                   strict=True))
    assert got == want
