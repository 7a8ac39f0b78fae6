"""Validation checks done on Arrow codes (duplicate ids and follow edges, unknown accounts,
each action's platform, object_id cycles, time order) against oracles written here with
plain Python sets and sorts."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netlib.dataset as dataset
import netlib.lookup as lookup
import netlib.times as times
from netlib.dataset import Dataset, _normalized_handles, normalize_handle, validate_tables

NOW = pd.Timestamp("2026-01-01", tz="UTC")
FILES = {"accounts": "accounts.csv", "actions": "actions.csv"}
IDS = ["a1", "a2", "a3", "", " ", "a\x00b", "a", "b\x00a1", "é", "e\u0301"]


def _accounts() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["a1", "a2", "é"], "platform": ["X", "telegram", "x"],
                         "handle": ["alice", "bob", "eve"]})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=25))
def test_duplicate_follow_edges_are_the_repeated_joined_pairs(edges):
    follows = pd.DataFrame(edges, columns=["source_id", "target_id"], dtype=object)
    actions = pd.DataFrame({"action_id": ["t1"], "account_id": ["a1"],
                            "timestamp": ["2021-03-01T12:00:00Z"], "kind": ["post"]})
    data = Dataset.from_frames(_accounts(), actions, follows, now=NOW)
    seen, expected = set(), []
    for source, target in edges:
        source, target = source.strip(), target.strip()
        key = f"{source}\x00{target}"  # the pair as the loader has always compared it
        if source and target and key not in seen:
            expected.append((source, target))
        seen.add(key)
    assert list(data.follows.itertuples(index=False, name=None)) == expected
    duplicates = data.report.rejected["follows"]
    assert (duplicates["_reason"] == "duplicate follow edge").sum() == sum(
        1 for s, t in edges if s.strip() and t.strip()) - len(expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["t1", "t2", " t1", "t3", "t\x00"]),
                          st.sampled_from(["a1", "a2", "é", "zz", " a1 "]),
                          st.sampled_from([None, "", "X", " Telegram "]),
                          st.integers(0, 3)), max_size=20))
def test_kept_actions_known_accounts_platforms_and_order(rows):
    actions = pd.DataFrame(
        [(a, acc, f"2021-03-01T12:00:0{t}Z", "post", plat) for a, acc, plat, t in rows],
        columns=["action_id", "account_id", "timestamp", "kind", "platform"], dtype=object)
    data = Dataset.from_frames(_accounts(), actions, now=NOW)
    platform_of = {"a1": "x", "a2": "telegram", "é": "x"}
    kept, seen = [], set()
    for a, acc, plat, t in rows:
        a, acc = a.strip(), acc.strip()
        if acc not in platform_of or a in seen:
            continue
        seen.add(a)
        # a missing platform is the account's; an empty one stays empty (as it always has)
        kept.append((pd.Timestamp(f"2021-03-01T12:00:0{t}Z"), a, acc,
                     platform_of[acc] if plat is None else plat.strip().lower()))
    kept.sort(key=lambda k: (k[0], k[1]))
    got = data.actions[["timestamp", "action_id", "account_id", "platform"]]
    assert list(got.itertuples(index=False, name=None)) == kept


def test_object_id_cycles_are_blanked_and_chains_are_kept():
    rng = random.Random(5)
    n = 400
    links = {f"t{i}": f"t{rng.randrange(n)}" if rng.random() < 0.7 else None for i in range(n)}
    links.update({"t0": "t1", "t1": "t2", "t2": "t0"})  # one planted cycle at least
    actions = pd.DataFrame({"action_id": list(links), "account_id": "a1",
                            "timestamp": "2021-03-01T12:00:00Z", "kind": "repost",
                            "object_id": list(links.values())})
    data = Dataset.from_frames(_accounts(), actions, now=NOW)
    on_cycle = set()
    for start in links:  # walk each chain; a node met twice on one walk starts a cycle
        path, node = [], start
        while node is not None and node not in path:
            path.append(node)
            node = links.get(node)
        if node is not None:
            on_cycle.update(path[path.index(node):])
    assert {"t0", "t1", "t2"} <= on_cycle
    got = dict(zip(data.actions["action_id"], data.actions["object_id"], strict=True))
    assert got == {a: None if a in on_cycle else o for a, o in links.items()}
    blanked = [i for i in data.report.warnings if "forms a cycle" in i.reason]
    assert len(blanked) == len(on_cycle)


def test_a_load_without_cycles_or_duplicates_blanks_and_rejects_nothing():
    actions = pd.DataFrame({"action_id": [f"t{i}" for i in range(50)], "account_id": "a2",
                            "timestamp": "2021-03-01T12:00:00Z", "kind": "repost",
                            "object_id": [f"t{i + 1}" for i in range(50)]})
    data = Dataset.from_frames(_accounts(), actions, now=NOW)
    assert data.report.ok and not data.report.warnings
    assert data.actions["object_id"].tolist() == sorted(
        [f"t{i + 1}" for i in range(50)], key=lambda o: f"t{int(o[1:]) - 1}")


CELLS = ["t1", "t2", " t1", "", " ", "\u3000", "\x1c", "a1", "é", "zz", None]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(CELLS + ["a2 "]),
                          st.sampled_from(["2021-03-01T12:00:00Z", "2021-03-01 12:00:05+01:00",
                                           "2021-02-30T00:00:00Z", " ", "1614600000"]),
                          st.sampled_from(["post", " Repost", "like", "", "\u3000"]),
                          st.sampled_from(["t1", "t2", "", None])), max_size=20),
       st.booleans())
def test_a_large_compact_load_keeps_and_rejects_as_a_small_one(rows, with_platform):
    # the paths taken from COMPACT_ROWS / LARGE_ROWS on (Arrow blank checks, DuckDB hashing
    # of ids, categories coded by Arrow, each action's platform from its account) forced
    # on a small input, against the plain path on the same rows
    columns = ["action_id", "account_id", "timestamp", "kind", "object_id"]
    actions = pd.DataFrame(rows, columns=columns, dtype=object)
    if with_platform:
        actions["platform"] = [None if i % 3 else " Telegram" for i in range(len(actions))]
    plain = validate_tables({"accounts": _accounts(), "actions": actions.copy()},
                            files=FILES, now=NOW, compact=False)
    # and the blank checks run two at a time from _SIDE_BY_SIDE_ROWS on, the timestamp
    # patterns in two halves from times._SPLIT_FROM on
    old = lookup.LARGE_ROWS, dataset._SIDE_BY_SIDE_ROWS, times._SPLIT_FROM
    lookup.LARGE_ROWS = dataset._SIDE_BY_SIDE_ROWS = times._SPLIT_FROM = 1
    try:
        large = validate_tables({"accounts": _accounts(),
                                 "actions": actions.astype("str").where(actions.notna())},
                                files=FILES, now=NOW, compact=True)
    finally:
        lookup.LARGE_ROWS, dataset._SIDE_BY_SIDE_ROWS, times._SPLIT_FROM = old

    def cells(frame: pd.DataFrame) -> list[tuple]:
        return [tuple(None if pd.isna(v) else v for v in row)
                for row in frame.astype(object).itertuples(index=False, name=None)]

    assert cells(large.actions) == cells(plain.actions)
    assert [(i.row, i.column, i.reason) for i in large.report.issues] == \
        [(i.row, i.column, i.reason) for i in plain.report.issues]
    assert large.report.files == plain.report.files


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.booleans(), min_size=1, max_size=30), st.booleans(), st.booleans())
def test_rows_kept_whether_the_rejected_rows_come_last_or_anywhere(bad, last, compact):
    # rejected rows (an unknown account) all at the end take a slice, elsewhere a filter
    if last:
        bad = sorted(bad)
    rows = [(f"t{i:03d}", "zz" if b else "a1", f"2021-03-01T12:00:{i % 60:02d}Z")
            for i, b in enumerate(bad)]
    actions = pd.DataFrame(rows, columns=["action_id", "account_id", "timestamp"])
    actions["kind"] = "post"
    data = validate_tables({"accounts": _accounts(), "actions": actions}, files=FILES,
                           now=NOW, compact=compact)
    want = sorted((a, t) for a, acc, t in rows if acc == "a1")
    got = sorted(zip(data.actions["action_id"],
                     data.actions["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"), strict=True))
    assert got == want
    assert data.report.rejected["actions"]["action_id"].tolist() == \
        [a for a, acc, _ in rows if acc == "zz"]
    assert list(data.actions.index) == list(range(len(want)))


@pytest.mark.parametrize("compact", [True, False])
def test_text_columns_not_given_equal_text_columns_given_empty(compact):
    actions = pd.DataFrame({"action_id": ["t1", "t2", "t3"], "account_id": ["a1", "zz", "a2"],
                            "timestamp": "2021-03-01T12:00:00Z", "kind": "post"})
    given_empty = actions.assign(text="", urls=" ", hashtags=None, media_hashes="")
    absent = validate_tables({"accounts": _accounts(), "actions": actions}, files=FILES,
                             now=NOW, compact=compact)
    empty = validate_tables({"accounts": _accounts(), "actions": given_empty}, files=FILES,
                            now=NOW, compact=compact)
    text = ["text", "urls", "hashtags", "media_hashes"]
    # (without compact, a column not given has NaN where an empty one has None)
    pd.testing.assert_frame_equal(absent.actions.drop(columns=text),
                                  empty.actions.drop(columns=text))
    for col in text:
        assert absent.actions[col].dtype == empty.actions[col].dtype
        assert absent.actions[col].isna().all() and len(absent.actions) == 2
    if compact:
        pd.testing.assert_frame_equal(absent.actions, empty.actions)


def test_a_cycle_between_the_first_and_last_action_ids_is_found():
    # objects outside the action ids' range let the cycle search stop early; these two
    # links at both ends of the range must not be taken for such objects
    links = {"a0": "z9", "z9": "a0", "m1": "~x", "m2": "0"}
    actions = pd.DataFrame({"action_id": list(links), "account_id": "a1",
                            "timestamp": "2021-03-01T12:00:00Z", "kind": "repost",
                            "object_id": list(links.values())})
    data = Dataset.from_frames(_accounts(), actions, now=NOW)
    got = dict(zip(data.actions["action_id"], data.actions["object_id"], strict=True))
    assert got == {"a0": None, "z9": None, "m1": "~x", "m2": "0"}


HANDLES = st.sampled_from(["Alice", " @Bob_1 ", "@@x", "\t@ y\x1c", "", " ", "ＮＥＷＳ", "Straße",
                           "İs", "@ é ", "a\u00a0", "\u3000@z", "ǅ", None, "MiXeD", "@"])


@settings(max_examples=150, deadline=None)
@given(st.lists(HANDLES, max_size=30))
def test_handles_normalised_by_arrow_are_normalize_handle(handles):
    series = pd.Series(handles, dtype=object)
    got = _normalized_handles(series, fast_from=0)
    want = series.map(normalize_handle)
    assert got.tolist() == want.tolist()
    if len(handles):
        pd.testing.assert_series_equal(got, want)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["t1", "t2", "t10", "é", "e\u0301", "T", "t\x00"]),
                          st.integers(0, 2)), max_size=12, unique_by=lambda r: r[0]),
       st.booleans(), st.booleans())
def test_actions_come_out_in_time_then_id_order_whether_or_not_they_came_in_it(rows, presort,
                                                                                compact):
    """Rows already in (time, id) order are kept as they are; others are sorted. Ties in
    time are ordered by id as Python orders strings (by code point)."""
    if presort:
        rows = sorted(rows, key=lambda r: (r[1], r[0]))
    actions = pd.DataFrame({"action_id": [a for a, _ in rows],
                            "account_id": "a1",
                            "timestamp": [f"2021-03-01T12:00:0{t}Z" for _, t in rows],
                            "kind": "post"}, dtype=object)
    data = validate_tables({"accounts": _accounts(), "actions": actions}, files=FILES,
                           now=NOW, compact=compact)
    want = sorted((pd.Timestamp(f"2021-03-01T12:00:0{t}Z"), a) for a, t in rows)
    got = list(data.actions[["timestamp", "action_id"]].itertuples(index=False, name=None))
    assert got == want
    assert list(data.actions.index) == list(range(len(want)))
