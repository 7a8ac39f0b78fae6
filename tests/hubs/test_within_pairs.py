"""The within-cluster pairs kept as a row mask: the same answers as the copied table."""

from __future__ import annotations

import pickle
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hub_strategies import IDS, pair_frames
from hypothesis import given, settings
from hypothesis import strategies as st

import netlib
from netlib.hubs import amplification_edges, lead_lag, leader_table, rank_hubs
from netlib.hubs import leadlag as ll
from netlib.hubs._util import (
    exact_sums,
    first_occurrences,
    first_seen_codes,
    group_medians,
    group_sums,
    packed_sort,
    sorted_groups,
)
from netlib.hubs._within import within_pairs
from netlib.hubs.amplification import _appearance_codes
from netlib.hubs.leadlag import _by_count, coordinated_pairs

T0 = pd.Timestamp("2026-01-05T00:00:00Z")


def _world(seed: int = 0):
    """Accounts in two clusters plus unclustered ones, and co-action pairs among all."""
    rng = np.random.default_rng(seed)
    ids = [f"u{i}" for i in range(12)]
    accounts = pd.DataFrame({"account_id": ids, "platform": "x", "handle": ids})
    rows = []
    for p in range(40):
        author = ids[p % 4]
        t = T0 + pd.Timedelta(hours=3 * p)
        rows.append((f"p{p}", author, t, "post", None))
        for j, acc in enumerate(rng.choice(ids, 4, replace=False)):
            rows.append((f"r{p}_{j}", str(acc), t + pd.Timedelta(seconds=10 * (j + 1)),
                         "repost", f"p{p}"))
    actions = pd.DataFrame(rows, columns=["action_id", "account_id", "timestamp", "kind",
                                          "object_id"])
    data = netlib.Dataset.from_frames(accounts, actions, now=T0 + pd.Timedelta(days=100))
    n = 600
    pairs = pd.DataFrame({
        "object_id": [f"o{k}" for k in rng.integers(0, 30, n)],
        "account_id": rng.choice(ids, n), "account_id_y": rng.choice(ids, n),
        "time_delta": rng.integers(0, 60, n).astype(float),
        "trace": rng.choice(["repost", "text", "media"], n)})
    pairs.index = pd.RangeIndex(1000, 1000 + n)   # not 0..n-1: the index must survive
    clusters = pd.DataFrame({"account_id": ids[:9],
                             "cluster_id": [7, 7, 7, 7, 3, 3, 3, 3, 5]})
    return data, clusters, pairs


def _oracle(pairs: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose two different accounts share a cluster, by a plain merge."""
    left = clusters.rename(columns={"cluster_id": "_c"})
    right = clusters.rename(columns={"account_id": "account_id_y", "cluster_id": "_cy"})
    m = pairs.reset_index(names="_row").merge(left, on="account_id").merge(
        right, on="account_id_y")
    m = m[(m["_c"] == m["_cy"]) & (m["account_id"] != m["account_id_y"])]
    m = m.sort_values("_row").set_index("_row").rename(columns={"_c": "cluster_id"})
    m.index.name = None
    return m.drop(columns="_cy")


def test_rank_hubs_pairs_are_the_pairs_within_one_cluster():
    data, clusters, pairs = _world()
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=0)
    expect = _oracle(pairs, clusters)
    assert 0 < len(expect) < len(pairs)   # the data has pairs across clusters too
    got = result.pairs
    assert isinstance(got, pd.DataFrame)
    assert got.index.tolist() == expect.index.tolist()
    assert got.columns.tolist() == expect.columns.tolist()
    pd.testing.assert_frame_equal(got, expect, check_dtype=False)
    assert result.pairs is got   # built once
    assert result.params["n_pairs_within_clusters"] == len(expect)
    assert result.params["n_pairs_given"] == len(pairs)


def test_rank_hubs_pairs_ignore_later_changes_to_the_callers_pairs():
    data, clusters, pairs = _world(1)
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=0)
    expect = _oracle(pairs, clusters)
    pairs["time_delta"] = -1.0
    pairs.loc[pairs.index[0], "account_id"] = "someone else"
    pd.testing.assert_frame_equal(result.pairs, expect, check_dtype=False)


def test_rank_hubs_result_pickles_before_and_after_its_pairs_are_built():
    data, clusters, pairs = _world(2)
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=0)
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(again.pairs, result.pairs)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(result)).pairs, result.pairs)


def test_cascade_reads_the_lazily_built_pairs():
    data, clusters, pairs = _world(3)
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=0)
    expect = _oracle(pairs, clusters)
    got = netlib.hubs.cascade(data, result, "u0", max_objects=1000)
    co = got[got["via"] == "co-action"]
    mine = expect[expect["account_id"] == "u0"]
    assert sorted(zip(co["object_id"], co["account_id"], co["delay_s"], strict=True)) == sorted(
        zip(mine["object_id"], mine["account_id_y"], mine["time_delta"], strict=True))
    assert len(co)


@settings(max_examples=40, deadline=None)
@given(pair_frames(), st.lists(st.sampled_from([1, 2]), min_size=6, max_size=6),
       st.sampled_from(["str", "object", "category"]))
def test_steps_on_the_row_mask_equal_the_steps_on_the_copied_rows(pairs, labels, dtype):
    pairs = pairs.astype({"account_id": dtype, "account_id_y": dtype})
    clusters = pd.DataFrame({"account_id": IDS[:6], "cluster_id": labels})
    kept = within_pairs(pairs, clusters)
    copied = coordinated_pairs(pairs, clusters)
    assert len(kept) == len(copied)
    pd.testing.assert_frame_equal(kept.frame(), copied)
    if len(copied):
        pd.testing.assert_frame_equal(leader_table(kept), leader_table(copied))
        pd.testing.assert_frame_equal(lead_lag(kept), lead_lag(copied))
    actions = pd.DataFrame({"action_id": ["x1", "x2", "x3"], "account_id": ["a", "zz", "q"],
                            "kind": ["post", "repost", "repost"],
                            "object_id": [None, "x1", "x1"]})
    pd.testing.assert_frame_equal(amplification_edges(actions, pairs=kept),
                                  amplification_edges(actions, pairs=copied))


@pytest.mark.parametrize("labels", [[1, 1, 2, 2], ["x", "x", "y", "y"]])
def test_cluster_ids_upcast_as_series_map_would(labels):
    pairs = pd.DataFrame({"object_id": ["o", "o", "o"], "account_id": ["a", "c", "nobody"],
                          "account_id_y": ["b", "d", "a"], "time_delta": [1.0, 2.0, 3.0]})
    clusters = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "cluster_id": labels})
    got = within_pairs(pairs, clusters).frame()
    expect = pairs["account_id"].map(clusters.set_index("account_id")["cluster_id"])[:2]
    assert got["cluster_id"].tolist() == expect.tolist()
    assert got["cluster_id"].dtype == expect.dtype


@contextmanager
def _slices_of(size: int):
    """Make the lead-lag steps walk the pairs in slices of ``size`` rows."""
    old = ll._SLICE
    ll._SLICE = size
    try:
        yield
    finally:
        ll._SLICE = old


@settings(max_examples=40, deadline=None)
@given(pair_frames(), st.integers(1, 6))
def test_leader_table_in_slices_equals_leader_table_at_once(pairs, size):
    """The sliced path (taken above a million rows) gives the same table as the other."""
    whole = leader_table(pairs)
    with _slices_of(size):
        sliced = leader_table(pairs)
    pd.testing.assert_frame_equal(sliced, whole)


_floats = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.5, np.nan]),
                    st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), _floats), max_size=60))
def test_grouping_helpers_match_pandas(rows):
    """The helpers that avoid pandas' row-sized hash tables give pandas' numbers."""
    keys = np.array([k for k, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=float)
    assert first_seen_codes(keys).tolist() == pd.factorize(keys)[0].tolist()
    assert first_occurrences(keys.copy()).tolist() == (~pd.Series(keys).duplicated()).tolist()
    finite, spread = np.nan_to_num(values), keys * 37 + 5   # group_sums takes any int64 keys
    expect = pd.Series(finite).groupby(spread, sort=True).sum()
    got_keys, got_sums = group_sums(finite, spread)
    assert got_keys.tolist() == expect.index.tolist()
    assert got_sums.tobytes() == expect.to_numpy().tobytes()   # bit for bit
    n_groups = 8
    expect = pd.Series(values).groupby(keys).median().reindex(range(n_groups)).to_numpy()
    assert group_medians(values, keys, n_groups).tobytes() == expect.tobytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-2 ** 40, 2 ** 40)), max_size=60),
       st.sampled_from([1, 37, 10 ** 9]))
def test_group_sums_of_whole_numbers_match_pandas_bit_for_bit(rows, spread):
    """Counts are summed by a count per key (keys close together) or a sort of the keys
    (spread far apart), and give pandas' compensated sums to the bit."""
    keys = np.array([k for k, _ in rows], dtype=np.int64) * spread - 3
    values = np.array([v for _, v in rows], dtype=float)
    assert exact_sums(values)
    expect = pd.Series(values).groupby(keys, sort=True).sum()
    got_keys, got_sums = group_sums(values, keys)
    assert got_keys.tolist() == expect.index.tolist()
    assert got_sums.tobytes() == expect.to_numpy().tobytes()


def test_exact_sums_accepts_only_whole_numbers_with_a_small_total():
    assert exact_sums(np.array([1.0, 2.0, -7.0, 0.0]))
    assert exact_sums(np.array([], dtype=float))
    for values in ([1.0, 0.5], [1.0, np.nan], [np.inf], [-0.0, 1.0], [2.0 ** 52, 2.0 ** 52]):
        assert not exact_sums(np.array(values))
    # a sum that a float cannot hold exactly in every order: pandas' and a plain sum differ
    values = np.array([2.0 ** 53, 1.0, 1.0])
    assert not exact_sums(values)
    assert values.sum() != sum(values[::-1].tolist())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-2 ** 62, 2 ** 62), max_size=60))
def test_sorted_groups_are_ranks_among_the_sorted_distinct_keys(keys):
    keys = np.array(keys, dtype=np.int64)
    distinct, group = sorted_groups(keys)
    expect_distinct, expect_group = np.unique(keys, return_inverse=True)
    assert distinct.tolist() == expect_distinct.tolist()
    assert group.tolist() == expect_group.ravel().tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2 ** 40), max_size=60))
def test_order_by_count_is_a_stable_sort_of_the_negated_counts(counts):
    n = np.array(counts, dtype=np.int64)
    assert _by_count(n).tolist() == np.argsort(-n, kind="stable").tolist()
    rows = np.arange(len(n))
    assert _by_count(n).tolist() == np.lexsort((rows, -n)).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=40),
       st.booleans())
def test_bridging_vertices_are_numbered_as_factorize_numbers_them(edges, sort):
    """Vertices in order of first appearance over the lower ends then the higher ends (the
    numbering the betweenness sample draws from), sorted lower ends or not."""
    lo = np.array([a for a, _ in edges], dtype=np.int64)
    hi = np.array([b for _, b in edges], dtype=np.int64)
    if sort:
        order = np.argsort(lo, kind="stable")
        lo, hi = lo[order], hi[order]
    code, names = _appearance_codes(lo, hi, 10)
    expect_vertex, expect_names = pd.factorize(np.concatenate([lo, hi]))
    assert code[np.concatenate([lo, hi])].tolist() == expect_vertex.tolist()
    assert (code >= 0).sum() == len(expect_names)
    assert np.asarray(names).tolist() == np.asarray(expect_names).tolist()


@settings(max_examples=100, deadline=None)
@given(pair_frames(min_rows=1), st.sampled_from(["whole", "halves", "negative zero"]))
def test_pair_counts_match_pandas_whatever_the_lags(pairs, lags):
    """Whole-second lags are sorted with the pair keys; halves and -0.0 take the other
    path: both give pandas' counts and medians, pairs sorted by leader then follower."""
    if lags == "halves":
        pairs = pairs.assign(time_delta=pairs["time_delta"] / 2 + 0.25)
    elif lags == "negative zero":
        pairs = pairs.assign(time_delta=np.where(pairs["time_delta"] < 10, -0.0,
                                                 pairs["time_delta"]))
    got = ll.pair_counts(pairs)
    grouped = pairs.groupby(["account_id", "account_id_y"], sort=True)["time_delta"]
    expect = pd.DataFrame({"n": grouped.size(), "median": grouped.median()}).reset_index()
    assert list(got.codes.objects(got.leader)) == expect["account_id"].tolist()
    assert list(got.codes.objects(got.follower)) == expect["account_id_y"].tolist()
    assert got.n.tolist() == expect["n"].tolist()
    assert got.median.tobytes() == expect["median"].to_numpy().tobytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-2 ** 20, 2 ** 20), st.integers(-1000, 1000)),
                min_size=1, max_size=60))
def test_packed_sort_orders_rows_by_key_then_value(rows):
    keys = np.array([k for k, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=float)
    distinct, starts, ordered = packed_sort(keys, values)
    order = np.lexsort((values, keys))
    assert ordered.tolist() == values[order].tolist()
    assert distinct.tolist() == np.unique(keys).tolist()
    assert keys[order][starts].tolist() == distinct.tolist()
    assert packed_sort(keys, values + 0.5) is None
