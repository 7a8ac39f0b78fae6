"""The integer-coded steps of detect against plain computations on the strings.

Each step detect now runs on integer codes (co-action rows gathered from the join's row
numbers, shuffled co-actions counted on codes, bin statistics, the acting-alike
re-weighing, held-out weights, share chains) is checked here against a direct pandas or
Python computation of the same quantity on a small input.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from code_checks import assert_codes_name_the_rows

from netlib.coaction import null
from netlib.coaction.actions import co_actions, coded_co_actions, sorted_codes, string_ids
from netlib.coaction.null import bin_table, expected_coactions, null_calibration
from netlib.coordination import network as nw
from netlib.coordination.confirm import _Half, _held_within
from netlib.errors import ParameterError
from netlib.traces import _root_objects, build_traces


@pytest.fixture(scope="module")
def traces(tiny_scenario):
    return build_traces(tiny_scenario.dataset)


@pytest.fixture(scope="module")
def coded(traces):
    return coded_co_actions(traces, window=60)


def test_coded_co_actions_are_the_str_co_actions(traces, coded):
    pairs, codes = coded
    want = co_actions(traces, window=60)
    assert len(want) > 100
    pd.testing.assert_frame_equal(string_ids(pairs.copy()), want)
    text = {c: want[c].to_numpy(dtype=object) for c in want.columns[:6]}
    assert list(codes.ids) == sorted(set(traces["account_id"]))
    assert_codes_name_the_rows(codes, text)
    # trace codes in the order the rows first show them, as pd.factorize numbers them
    assert list(codes.traces) == list(pd.unique(want["trace"]))


def trap_table(rng, n, *, span, step, traces):
    """A trace table with traps: rows whose object is their own action id (self rows),
    objects that are other rows' action ids, one action id on several rows, missing
    objects and times, equal times (``step``-second grid over ``span`` seconds)."""
    action = np.array([f"a{i}" for i in rng.integers(0, int(n * 0.85), n)], dtype=object)
    obj = np.array([f"a{i}" for i in rng.integers(0, 25, n)], dtype=object)  # ids too
    mine = rng.random(n) < 0.1
    obj[mine] = action[mine]
    other = rng.random(n) < 0.1
    obj[other] = action[rng.integers(0, n, int(other.sum()))]
    obj[rng.random(n) < 0.05] = None
    times = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, span, n) // step * step, unit="s")
    table = pd.DataFrame({"account_id": [f"u{i}" for i in rng.integers(0, 30, n)],
                          "trace": rng.choice(traces, n), "object_id": obj,
                          "timestamp": times, "action_id": action})
    table.loc[rng.random(n) < 0.03, "timestamp"] = pd.NaT
    return table


@pytest.mark.parametrize("distinct_ids", [False, True])
@pytest.mark.parametrize("min_participation", [1, 2])
def test_coded_co_actions_keep_the_string_rules_on_trap_rows(min_participation,
                                                             distinct_ids):
    # the join runs on integer codes: a row whose object is its own action id (a self
    # row), ids that are both an object and another row's action, missing accounts,
    # objects and times must pair exactly as the strings do; with every action id on
    # one row only, the join codes content ids by row number (the pair SQL's
    # distinct_cids), and some rows still have none
    table = trap_table(np.random.default_rng(11), 300, span=600, step=10,
                       traces=["repost", "link"])
    table.loc[np.random.default_rng(12).random(300) < 0.03, "account_id"] = None
    if distinct_ids:
        table["action_id"] = [f"a{i}" for i in np.random.default_rng(13).permutation(300)]
        table.loc[np.random.default_rng(14).random(300) < 0.03, "action_id"] = None
    pairs, codes = coded_co_actions(table, window=60, min_participation=min_participation)
    want = co_actions(table, window=60, min_participation=min_participation)
    assert len(want) > 50
    pd.testing.assert_frame_equal(string_ids(pairs.copy()), want)


def test_coded_co_actions_of_an_empty_table():
    pairs, codes = coded_co_actions(build_traces(pd.DataFrame({
        "action_id": ["1"], "account_id": ["a"], "timestamp": ["2024-01-01T00:00:00Z"],
        "kind": "post"})), window=60)
    assert pairs.empty and codes is None
    assert "timestamp_y" in pairs.columns


def test_sorted_codes_number_values_in_sorted_order():
    values = pd.Series(["b", "c", None, "a", "b"])
    code, ids = sorted_codes(values)
    assert ids.tolist() == ["a", "b", "c"]
    assert code.tolist() == [1, 2, -1, 0, 1]


def test_bin_table_is_the_same_object_probability_by_hand():
    rng = np.random.default_rng(3)
    n = 400
    table = pd.DataFrame({
        "trace": rng.choice(["link", "repost", "text"], n),
        "object_id": rng.choice(["x", "y", "z", "w", None], n),
        "timestamp": pd.to_datetime(rng.integers(0, 5 * 3600, n), unit="s", utc=True)})
    got = bin_table(table, bin_seconds=3600)
    rows = []
    hours = table["timestamp"].dt.as_unit("s").astype("int64") // 3600
    for (trace, b), grp in table.assign(bin=hours).groupby(["trace", "bin"]):
        sizes = grp["object_id"].dropna().value_counts()
        total = int(sizes.sum())
        same = float((sizes * (sizes - 1)).sum() / (total * (total - 1))) if total > 1 else 0.0
        rows.append((trace, int(b), total, same))
    want = pd.DataFrame(rows, columns=["trace", "bin", "n_actions", "same_object"])
    assert got["trace"].tolist() == want["trace"].tolist()
    assert got["bin"].tolist() == want["bin"].tolist()
    assert got["n_actions"].tolist() == want["n_actions"].tolist()
    np.testing.assert_allclose(got["same_object"], want["same_object"], rtol=0, atol=1e-15)


def test_null_calibration_counts_the_shuffled_co_actions_as_the_str_pairs_do(traces):
    bins = bin_table(traces, bin_seconds=7200)

    def old_way(shuffled):   # the shuffled table joined into strings, then counted
        return co_actions(shuffled, window=60, min_participation=0, with_times=False)

    got = null_calibration(traces, bins, window=60, bin_seconds=7200, n_null=2, seed=4)
    want = null_calibration(traces, bins, window=60, bin_seconds=7200, n_null=2, seed=4,
                            co_action_fn=old_way)
    assert (got["simulated"] > 0).any()
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("window", [0, 30, 600])
def test_shuffled_counts_are_the_distinct_co_actions_of_the_shuffled_table(window):
    # traps: objects that are other rows' action ids (a shuffle makes self rows), missing
    # objects and times, equal times, one action id on several rows of a trace, two traces
    n = 400
    table = trap_table(np.random.default_rng(7), n, span=3600, step=20,
                       traces=["repost", "hashtag"])
    counter = null._ShuffledCounts(table, window)
    for seed in range(6):
        order = np.random.default_rng(seed).permutation(n) if seed else np.arange(n)
        shuffled = table.assign(object_id=table["object_id"].to_numpy()[order])
        pairs = co_actions(shuffled, window=window, min_participation=0, with_times=False)
        want = null._distinct_coactions(pairs) if len(pairs) else None
        got = counter(order)
        if want is None:
            assert got is None or (got == 0).all()
            continue
        assert want.sum() > 0
        pd.testing.assert_series_equal(got[got > 0].sort_index(),
                                       want[want > 0].sort_index().astype(np.int64))


def test_analytic_total_is_the_sum_over_cotemporal_action_pairs(traces):
    bins = bin_table(traces, bin_seconds=7200)
    got = null_calibration(traces, bins, window=60, bin_seconds=7200, n_null=0)
    secs = traces["timestamp"].dt.as_unit("s").astype("int64").to_numpy()
    lookup = bins.set_index(["trace", "bin"])["same_object"]
    s = lookup.reindex(pd.MultiIndex.from_arrays([traces["trace"], secs // 7200])
                       ).fillna(0.0).to_numpy()
    want = {}
    for trace in sorted(set(traces["trace"])):
        idx = np.flatnonzero(traces["trace"].to_numpy() == trace)
        t, acc = secs[idx], traces["account_id"].to_numpy()[idx]
        total = 0.0
        for i in range(len(idx)):     # every later action of another account in the window
            later = (t > t[i]) | ((t == t[i]) & (np.arange(len(idx)) > i))
            near = later & (t - t[i] <= 60) & (acc != acc[i])
            total += near.sum() * s[idx[i]]
        want[trace] = total
    assert got.set_index("trace")["analytic"].to_dict() == pytest.approx(want, rel=1e-12)


def test_reweighted_is_the_merge_with_the_edge_table_of_the_rows(coded):
    pairs, codes = coded
    edges = nw.edge_table(pairs, codes=codes)
    keep = ~codes.author
    want = edges.drop(columns="weight").merge(
        nw.edge_table(pairs, rows=keep, codes=codes)[["account_id", "account_id_y", "weight"]],
        on=["account_id", "account_id_y"], how="inner")
    got = nw.reweighted(edges, codes, keep)
    assert len(got) < len(edges)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("all_found", [True, False])
def test_held_weights_pooled_in_groups_are_sums_over_every_member_pair(all_found):
    ids = np.array(["a", "b", "c", "d", "e"], dtype=object)
    edges = pd.DataFrame({"account_id": ["a", "a", "b", "d", "a"],
                          "account_id_y": ["b", "c", "c", "e", "d"], "weight": [3, 1, 2, 5, 7]})
    if not all_found:
        edges = edges.iloc[1:]
    key = pd.Index(ids).get_indexer(edges["account_id"]) * len(ids) + \
        pd.Index(ids).get_indexer(edges["account_id_y"])
    order = np.argsort(key)       # a half keeps its edges sorted by key
    held = _Half(key[order], edges["weight"].to_numpy()[order], edges.iloc[:0])
    groups = pd.Series([0, 0, 0, 1, 1], index=["c", "a", "b", "e", "d"])
    per_group, per_member = _held_within(held, groups, ids)
    # the plain way: every member pair listed, its edge weight looked up (0 without one)
    pairs = pd.DataFrame([(g, x, y) for g, members in groups.groupby(groups)
                          for x, y in itertools.combinations(sorted(members.index), 2)],
                         columns=["group", "account_id", "account_id_y"])
    pairs["observed"] = edges.set_index(["account_id", "account_id_y"])["weight"].reindex(
        pd.MultiIndex.from_frame(pairs[["account_id", "account_id_y"]])).fillna(0).to_numpy()
    want_group = pairs.groupby("group")["observed"].sum()
    ends = pd.concat([pairs[["group", "account_id", "observed"]],
                      pairs[["group", "account_id_y", "observed"]].rename(
                          columns={"account_id_y": "account_id"})])
    want_member = ends.groupby(["group", "account_id"])["observed"].sum()
    assert per_group.dtype == want_group.dtype == (np.int64 if all_found else float)
    assert per_group.to_dict() == want_group.to_dict()
    assert per_member.dtype == want_member.dtype
    assert per_member.to_dict() == want_member.to_dict()


@pytest.mark.parametrize("unique_ids", [False, True])
@pytest.mark.parametrize("dtype", [object, "str"])
def test_root_objects_follow_share_chains_as_a_dict_walk_does(unique_ids, dtype):
    actions = pd.DataFrame({
        "action_id": ["p1", "r1", "r2", "r3", "q1", "r4", "p2"],
        "kind": ["post", "repost", "repost", "repost", "quote", "repost", "post"],
        "object_id": [None, "p1", "r1", "r2", "outside", "q1", None]}).astype(
            {"action_id": dtype, "object_id": dtype})
    got = _root_objects(actions, unique_ids=unique_ids)
    assert got.dtype == actions["object_id"].dtype
    shares = actions[actions["kind"].isin(["repost", "quote"])]
    target = dict(zip(shares["action_id"], shares["object_id"], strict=True))
    want = []
    for obj in shares["object_id"]:
        while obj in target:
            obj = target[obj]
        want.append(obj)
    assert got.tolist() == want == ["p1", "p1", "p1", "outside", "outside"]
    assert got.index.tolist() == shares.index.tolist()


def test_pair_cluster_codes_are_pair_clusters_as_integers(coded):
    pairs, codes = coded
    labels = pd.Series([0, 0, 1, 1, 1], index=list(codes.ids[[0, 3, 5, 8, 9]]))
    want = nw.pair_clusters(pairs, labels, codes=codes)
    got = nw.pair_cluster_codes(labels, codes)
    for w, g in zip(want, got, strict=True):
        assert g.dtype == np.int32
        assert (np.where(np.isnan(w), -1, w) == g).all()


def test_result_pairs_are_strings_made_on_first_read(tiny_scenario, traces):
    from netlib.coordination import detect

    result = detect(tiny_scenario.dataset, seed=0)
    coded_rows = result.pairs_table(id_dtype="category")
    assert isinstance(coded_rows["account_id"].dtype, pd.CategoricalDtype)
    assert result.params["n_pairs"] == len(coded_rows) > 100
    # the str table is the co-action join's own str output, row for row
    want = co_actions(traces[traces["trace"].isin(result.params["traces_used"])],
                      window=result.params["effective_window_s"],
                      min_participation=result.params["min_participation"])
    got = result.pairs
    assert all(not isinstance(t, pd.CategoricalDtype) for t in got.dtypes)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    # once read as str, both views give that table
    assert result.pairs_table(id_dtype="category") is result.pairs
    with pytest.raises(ValueError, match="id_dtype"):
        result.pairs_table(id_dtype="object")


def test_root_objects_of_a_large_random_share_forest_match_the_coded_walk():
    # both paths on chains of up to ~12 shares among 3,000 actions (the fast one for
    # validated ids, which are unique)
    rng = np.random.default_rng(4)
    n = 3000
    ids = np.array([f"a{i}" for i in rng.permutation(n)], dtype=object)
    kind = np.where(rng.random(n) < 0.7, "repost", "post")
    earlier = np.maximum(np.arange(n) - rng.integers(1, 40, n), 0)
    obj = np.where(rng.random(n) < 0.1, "elsewhere", ids[earlier]).astype(object)
    obj[kind == "post"] = None
    actions = pd.DataFrame({"action_id": ids, "kind": kind, "object_id": obj}).astype(
        {"action_id": "str", "object_id": "str"})
    fast = _root_objects(actions, unique_ids=True)
    plain = _root_objects(actions)
    pd.testing.assert_series_equal(fast, plain)
    assert fast.nunique() > 50 and (fast != actions.loc[fast.index, "object_id"]).sum() > 500


@pytest.mark.parametrize("how", ["sum", "median"])
@pytest.mark.parametrize("n_codes", [5000, 50_000])
def test_per_group_reductions_are_pandas_grouped_reductions(how, n_codes):
    # integer group codes (some without rows), floats with NaN and -0.0: the same floats
    # as pandas' group-by on the codes themselves, and NaN for a code without rows; with
    # 50,000 codes for 60,000 rows most codes have one row (the dense stream's edges),
    # which are not handed to pandas
    rng = np.random.default_rng(5)
    group = rng.integers(0, n_codes, 60_000)
    group[group == 17] = 18
    values = pd.Series(rng.standard_normal(60_000) * 10.0 ** rng.integers(-8, 9, 60_000))
    values[rng.random(60_000) < 0.05] = np.nan
    values[rng.random(60_000) < 0.02] = -0.0
    counts = np.bincount(group)
    if n_codes == 50_000:
        assert (counts == 1).sum() > 15_000 and (counts > 2).sum() > 1000
    got = nw._per_group(values, group, n_codes + 1, how)
    want = getattr(values.groupby(group), how)().reindex(np.arange(n_codes + 1)).to_numpy()
    assert np.isnan(got[17]) and np.isnan(got[n_codes])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_dense_bins_are_split_into_parts_with_their_own_same_object_probability():
    # two traces over five hours; "link" is dense in its first two hours only
    rng = np.random.default_rng(5)
    stamps = np.concatenate([rng.integers(0, 2 * 3600, 700), rng.integers(0, 5 * 3600, 300)])
    table = pd.DataFrame({
        "trace": ["link"] * 1000 + ["repost"] * 40,
        "object_id": list(rng.choice(["x", "y", "z", "w"], 1000, p=[.4, .3, .2, .1]))
        + list(rng.choice(["x", "y"], 40)),
        "timestamp": pd.to_datetime(np.concatenate([stamps, rng.integers(0, 3600, 40)]),
                                    unit="s", utc=True)})
    got = bin_table(table, bin_seconds=3600, dense_actions=100)
    rows = []
    secs = table["timestamp"].dt.as_unit("s").astype("int64").to_numpy()
    for (trace, hour), grp in table.assign(hour=secs // 3600).groupby(["trace", "hour"]):
        level = 0     # the fewest halvings leaving <= 100 actions per part, at most 6
        while level < 6 and len(grp) > 100 * 2 ** level:
            level += 1
        offset = grp["timestamp"].dt.as_unit("s").astype("int64") - hour * 3600
        for part, sub in grp.groupby(offset * 2 ** level // 3600):
            sizes = sub["object_id"].value_counts()
            total = int(sizes.sum())
            same = float((sizes * (sizes - 1)).sum() / (total * (total - 1))) \
                if total > 1 else 0.0
            rows.append((trace, int(hour) * 64 + int(part) * 2 ** (6 - level), total, same,
                         level))
    want = pd.DataFrame(rows, columns=["trace", "bin", "n_actions", "same_object", "level"])
    assert set(want["level"]) == {0, 2, 3}     # 40-150 actions an hour: 1, 4 or 8 parts
    assert got["trace"].tolist() == want["trace"].tolist()
    assert got["bin"].tolist() == want["bin"].tolist()
    assert got["n_actions"].tolist() == want["n_actions"].tolist()
    assert got["level"].tolist() == want["level"].tolist()
    np.testing.assert_allclose(got["same_object"], want["same_object"], rtol=0, atol=1e-15)


def test_split_bins_that_need_no_split_give_the_fixed_bins_expectations(traces):
    """Bins below the threshold are not cut: every expectation and the calibration equal
    the fixed bins' (the ids differ, nothing else)."""
    fixed = bin_table(traces, bin_seconds=7200)
    split = bin_table(traces, bin_seconds=7200, dense_actions=int(fixed["n_actions"].max()))
    assert (split["level"] == 0).all()
    assert split["bin"].tolist() == (fixed["bin"] * 64).tolist()
    pairs = co_actions(traces, window=60, min_participation=2)
    edges = pairs.drop_duplicates(["account_id", "account_id_y"]).reset_index(drop=True)
    for kw in ({}, {"kappa": {"link": 0.9}}):
        a = expected_coactions(edges, traces, fixed, window=60, bin_seconds=7200, **kw)
        b = expected_coactions(edges, traces, split, window=60, bin_seconds=7200, **kw)
        assert (a > 0).any() and a.tolist() == b.tolist()
    a = null_calibration(traces, fixed, window=60, bin_seconds=7200, n_null=1, seed=2)
    b = null_calibration(traces, split, window=60, bin_seconds=7200, n_null=1, seed=2)
    pd.testing.assert_frame_equal(a, b)


def _random_stream(seed: int, n: int, span: int, n_accounts: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "account_id": [f"a{i}" for i in rng.integers(0, n_accounts, n)],
        "trace": rng.choice(["repost", "link"], n),
        "object_id": [f"o{i}" for i in rng.integers(0, 6, n)],
        "timestamp": pd.Timestamp("2025-01-01", tz="UTC")
        + pd.to_timedelta(rng.integers(0, span, n), unit="s"),
        "action_id": [f"x{i}" for i in range(n)]})


def _brute_expected(table: pd.DataFrame, edges: pd.DataFrame, bins: pd.DataFrame,
                    window: int, bin_seconds: int) -> np.ndarray:
    """Every pair of actions of an edge's accounts within the window, by hand."""
    same = {(t, b): s for t, b, s in bins[["trace", "bin", "same_object"]]
            .itertuples(index=False)}
    recs = table.to_dict("records")
    out = []
    for a, b in edges.itertuples(index=False):
        lo = min(a, b)
        want = 0.0
        for x, y in itertools.product(recs, recs):
            if {x["account_id"], y["account_id"]} != {a, b} or x["account_id"] == \
                    y["account_id"] or x["account_id"] != lo or x["trace"] != y["trace"]:
                continue
            if abs((x["timestamp"] - y["timestamp"]).total_seconds()) <= window:
                want += same[(x["trace"], int(x["timestamp"].timestamp()) // bin_seconds)]
        out.append(want)
    return np.array(out)


@pytest.mark.parametrize("plan", ["time", "edges"])
@pytest.mark.parametrize("seed", [0, 1])
def test_both_null_join_plans_give_the_expectation_counted_by_hand(plan, seed, monkeypatch):
    """The null model's join has two plans (all action pairs close in time kept when they
    are an edge, or each edge's own actions matched); either is the hand count."""
    table = _random_stream(seed, 60, 900, 7)
    bins, _ = null.bin_statistics(table, bin_seconds=300)
    accounts = sorted(set(table["account_id"]))
    # both orders of the ids: the pair's probability is its lower id's row's either way
    edges = pd.DataFrame([(b, a) if i % 2 else (a, b) for i, (a, b) in
                          enumerate(itertools.combinations(accounts, 2))],
                         columns=["account_id", "account_id_y"])
    chosen = []
    choose = null.null_join_plan
    monkeypatch.setattr(null, "null_join_plan", lambda *a, **k: chosen.append(plan)
                        or choose(*a, **k, plan=plan))
    got = expected_coactions(edges, table, bins, window=60, bin_seconds=300)
    assert chosen == [plan]
    want = _brute_expected(table, edges, bins, 60, 300)
    assert (want > 0).sum() > 5
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-8)


def test_the_two_null_join_plans_agree_bit_for_bit_on_halves(traces, monkeypatch):
    """The split-half sums (whole, half 0, half 1) are the same bytes under either plan."""
    bins = bin_table(traces, bin_seconds=3600)
    half = (np.arange(len(traces)) % 3 == 0).astype(np.int8)
    halves = tuple(bin_table(traces[half == h], bin_seconds=3600) for h in (0, 1))
    pairs, _ = coded_co_actions(traces, window=60)
    edges = nw.edge_table(string_ids(pairs.copy()))[["account_id", "account_id_y"]]
    assert len(edges) > 50
    choose = null.null_join_plan
    got = {}
    for plan in ("time", "edges"):
        monkeypatch.setattr(null, "null_join_plan",
                            lambda *a, plan=plan, **k: choose(*a, **k, plan=plan))
        got[plan] = null.expected_coactions_split(edges, traces, bins, half, halves,
                                                  window=60, bin_seconds=3600,
                                                  kappa={"repost": 0.8})
    assert all(part.tobytes() == other.tobytes()
               for part, other in zip(got["time"], got["edges"], strict=True))
    assert (got["time"][1] > 0).any() and (got["time"][2] > 0).any()


def test_the_null_join_plan_follows_the_density():
    """Sparse in time with many edges: pair the actions close in time; a dense stream
    with few edges: match each edge's actions."""
    def plan_of(table: pd.DataFrame, n_edges: int) -> str:
        rows = pd.DataFrame({"acc": table["account_id"].str[1:].astype(np.int32),
                             "tr": np.zeros(len(table), dtype=np.int32),
                             "bkt": ((table["timestamp"] - table["timestamp"].min())
                                     .dt.total_seconds() // 60).astype(np.int64).to_numpy()})
        pairs = np.array(list(itertools.combinations(range(50), 2))[:n_edges])
        return null.null_join_plan(rows, pairs[:, 0], pairs[:, 1], 50)[0]

    assert plan_of(_random_stream(0, 2000, 10 * 86400, 50), 1225) == "time"
    assert plan_of(_random_stream(0, 2000, 300, 50), 10) == "edges"
    with pytest.raises(ParameterError, match="plan"):
        null.null_join_plan(pd.DataFrame({"acc": [0], "tr": [0], "bkt": [0]}),
                            np.array([0]), np.array([1]), 2, plan="hash")


@pytest.mark.parametrize("cuts", [[], [0, 0, 3], [1, 2, 5, 9], [7, 7]])
def test_dictionary_encoding_of_a_chunked_column_is_that_of_the_whole_column(cuts):
    # coded chunk by chunk (no contiguous copy of the strings): the same codes, in the
    # same first-seen order, and the same dictionary as coding the column in one piece
    import pyarrow as pa

    from netlib.lookup import dictionary_encoded

    values = ["b", None, "a", "é", "b", "", "a", None, "c", "b"]
    whole = pa.array(values, type=pa.large_string())
    bounds = [0, *cuts, len(values)]
    chunked = pa.chunked_array([whole[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:],
                                                                strict=True)],
                               type=pa.large_string())
    coded = dictionary_encoded(chunked)
    assert coded.indices.to_pylist() == [0, None, 1, 2, 0, 3, 1, None, 4, 0]
    assert coded.dictionary.to_pylist() == ["b", "a", "é", "", "c"]
    one = dictionary_encoded(pa.chunked_array([whole]))
    assert coded.indices.equals(one.indices) and coded.dictionary.equals(one.dictionary)
