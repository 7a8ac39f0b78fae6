"""Tests for netlib.coordination: network, null model, FDR, clusters, result, acceptance."""

from __future__ import annotations

import importlib
import itertools
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import netlib
from netlib.coordination import (
    CoordinationConfig,
    CoordinationResult,
    detect,
    disparity_filter,
)
from netlib.coordination import _steps as steps_mod
from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.errors import DataFormatError, ParameterError
from netlib.memory import BESIDE_STEP_BYTES_PER_ROW

#: the module (the package's ``detect`` attribute is the function)
detect_mod = importlib.import_module("netlib.coordination.detect")
NOW = pd.Timestamp("2025-06-01", tz="UTC")
FAST = dict(n_consensus=0, n_null=0)  # secondary tests skip the stability and calibration runs
T0 = pd.Timestamp("2025-01-06", tz="UTC")


# --- a small hand-made world ----------------------------------------------------------------
def make_world(seed: int = 0, *, n_org: int = 150, n_net: int = 6, n_fans: int = 6,
               days: int = 2) -> tuple[netlib.Dataset, set[str], set[str]]:
    """Organic accounts with viral bursts, a fan group, and a planted network.

    The network's operator posts; members repost within seconds and post copies with the
    same link and hashtags (both behaviours). Fans only reshare a celebrity, fast.
    """
    rng = np.random.default_rng(seed)
    acc, act = [], []

    def add(account, t, kind, **cols):
        act.append({"action_id": f"a{len(act)}", "account_id": account,
                    "timestamp": T0 + pd.Timedelta(seconds=int(t)), "kind": kind, **cols})
        return act[-1]["action_id"]

    org = [f"org{i}" for i in range(n_org)]
    net = [f"net{i}" for i in range(n_net)]
    fans = [f"fan{i}" for i in range(n_fans)]
    for a in org + net + fans + ["celeb"]:
        acc.append({"account_id": a, "platform": "x", "handle": a,
                    "created_at": "2024-01-01T00:00:00Z"})
    span = days * 86400
    # organic posts and random reshares, plus viral bursts
    posts = []
    for a in org:
        for t in rng.uniform(0, span, size=12):
            posts.append(add(a, t, "post", text=f"organic words {rng.integers(1e9)} from {a}",
                             hashtags=f"tag{rng.integers(40)}",
                             urls=f"https://site{rng.integers(300)}.example/p"))
    for a in org:  # everyday reshares of random posts
        for t in rng.uniform(0, span, size=12):
            add(a, t, "repost", object_id=posts[int(rng.integers(len(posts)))])
    for _ in range(days * 3):
        src = posts[int(rng.integers(len(posts)))]
        t0 = rng.uniform(0, span - 3600)
        for a in rng.choice(org, size=int(rng.integers(10, 30)), replace=False):
            add(a, t0 + rng.exponential(40), "repost", object_id=src)
    # a celebrity and fast fans (amplification only)
    for t in rng.uniform(0, span - 3600, size=days * 10):
        pid = add("celeb", t, "post", text=f"celebrity says {rng.integers(1e9)} hello")
        for f in fans:
            if rng.random() < 0.8:
                add(f, t + rng.uniform(1, 20), "repost", object_id=pid)
    # the planted network: operator post, reposts and copies within seconds
    for k in range(days * 10):
        t = rng.uniform(0, span - 3600)
        text = f"the truth they hide about bridge {k} share before it is deleted now"
        link = f"https://www.campaign-site.example/a/{k}?utm_source=net"
        pid = add(net[0], t, "post", text=text, urls=link, hashtags="truth bridge")
        for m in net[1:]:
            if rng.random() < 0.5:
                add(m, t + rng.uniform(1, 15), "repost", object_id=pid)
            else:
                add(m, t + rng.uniform(1, 15), "post", text=text + "!", urls=link,
                    hashtags="truth bridge")
    data = netlib.Dataset.from_frames(pd.DataFrame(acc), pd.DataFrame(act), now=NOW)
    return data, set(net), set(fans)


@pytest.fixture(scope="module")
def world():
    return make_world(0)


@pytest.fixture(scope="module")
def result(world):
    data, _, _ = world
    return detect(data, n_consensus=2)


# --- outcomes a user cares about ------------------------------------------------------------
def test_planted_network_found_and_organic_left_out(world, result):
    _, net, fans = world
    flagged = set(result.flagged)
    assert net <= flagged
    assert not (flagged - net), f"flagged outside the network: {sorted(flagged - net)}"
    assert result.clusters.groupby("cluster_id").size().max() == len(net)


def test_fans_are_a_candidate_but_not_reported(result):
    cand = result.candidates
    fans = cand[cand["behaviours"] == "repost"]
    assert len(fans) == 1 and not fans["reported"].any()
    assert cand.loc[cand["reported"], "n_behaviours"].min() >= 3


def test_without_behaviour_rule_fans_are_reported(world):
    data, net, fans = world
    res = detect(data, min_behaviours=1, **FAST)
    assert fans & set(res.flagged)
    assert net <= set(res.flagged)


def test_result_tables_and_evidence(world, result):
    _, net, _ = world
    tables = result.tables()
    assert set(tables) == {"clusters", "coordination_edges", "cluster_stats",
                           "cosharing_components", "cosharing_accounts"}
    assert list(tables["clusters"].columns) == ["account_id", "cluster_id"]
    for col in ("account_id", "account_id_y", "weight", "p_value", "q_value"):
        assert col in tables["coordination_edges"].columns
    assert (tables["coordination_edges"]["q_value"] <= result.params["fdr"]).all()
    stats_ = tables["cluster_stats"].iloc[0]
    assert stats_["size"] == len(net) and stats_["platforms"] == "x"
    assert stats_["observed"] > 5 * stats_["expected"]
    assert stats_["q_value"] < 0.05
    assert "repost" in stats_["traces"] and "link" in stats_["traces"]
    ev = result.evidence("net1", "net2")
    assert len(ev) > 0 and set(ev["trace"]) <= set(netlib.traces.TRACES)
    assert (ev["time_delta"] <= result.params["window"]).all()
    assert result.evidence("net1", "org0").empty
    assert result.edge("net2", "net1")["weight"] == result.edge("net1", "net2")["weight"]
    tl = result.timeline(0)
    assert (tl["seconds_after_first"] >= 0).all() and tl["account_id"].isin(net).all()
    ast = result.account_stats.set_index("account_id")
    assert ast.loc["net1", "coordinated_share"] > 0.5
    assert pd.isna(ast.loc["org0", "cluster_id"]) if "org0" in ast.index else True
    assert isinstance(result, CoordinationResult) and "clusters" in repr(result)
    assert result.params["window"] == 60 and result.fingerprint == world[0].fingerprint()


def test_detect_is_deterministic(world, result):
    again = detect(world[0], n_consensus=2)
    pd.testing.assert_frame_equal(again.clusters, result.clusters)
    pd.testing.assert_frame_equal(again.edges, result.edges)


@pytest.mark.parametrize("method", ["leiden", "louvain", "components"])
def test_methods_find_the_network(world, method):
    _, net, _ = world
    res = detect(world[0], method=method, **FAST)
    assert set(res.flagged) == net


def test_detect_on_a_trace_table_and_single_trace(world):
    data, net, _ = world
    table = netlib.traces.build_traces(data, traces=["repost", "link"])
    res = detect(table, **FAST)
    assert net - {"net0"} <= set(res.flagged) | {"net0"}
    only = detect(data, traces="repost", **FAST)
    assert only.params["behaviour_rule_applied"] is False


@pytest.mark.parametrize("kwargs, match", [
    ({"window": 0}, "window"), ({"window": "soon"}, "window"), ({"fdr": 0}, "fdr"),
    ({"fdr": 1.5}, "fdr"), ({"method": "magic"}, "method"), ({"min_cluster_size": 1},
                                                               "min_cluster_size"),
    ({"min_weight": 0}, "min_weight"), ({"edge_weight": "likes"}, "edge_weight"),
    ({"backbone": 2}, "backbone"), ({"n_consensus": -1}, "n_consensus"),
    ({"traces": ["retweet"]}, "unknown trace"), ({"null_bin": 0}, "null_bin"),
    ({"select_p": 0}, "select_p"), ({"attach_ratio": -1}, "attach_ratio"),
    ({"min_behaviours": 0}, "min_behaviours"), ({"behaviour_share": 2}, "behaviour_share"),
    ({"merge_links": -1}, "merge_links"), ({"n_null": -1}, "n_null"),
])
def test_detect_rejects_bad_parameters(world, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        detect(world[0], **kwargs)


def test_detect_rejects_incomplete_trace_table():
    with pytest.raises(DataFormatError, match="missing column"):
        detect(pd.DataFrame({"account_id": ["a"], "object_id": ["o"]}))


def test_backbone_and_weights_run(world):
    data, net, _ = world
    res = detect(data, backbone=0.5, edge_weight="weight_tfidf", **FAST)
    assert set(res.flagged) <= net | {"celeb"}
    res = detect(data, edge_weight="significance", **FAST)
    assert net <= set(res.flagged)


# --- the edge table against brute force ----------------------------------------------------
def brute_weights(table: pd.DataFrame, window: float) -> dict:
    out: dict = {}
    rows = table.to_dict("records")
    for x, y in itertools.combinations(rows, 2):
        if x["trace"] != y["trace"] or x["object_id"] != y["object_id"]:
            continue
        if x["account_id"] == y["account_id"]:
            continue
        if abs((x["timestamp"] - y["timestamp"]).total_seconds()) > window:
            continue
        key = tuple(sorted((x["account_id"], y["account_id"])))
        out.setdefault(key, set()).add((x["trace"], x["object_id"]))
    return {k: len(v) for k, v in out.items()}


trace_rows = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from(["repost", "link"]),
                                st.sampled_from(["o1", "o2", "o3"]),
                                st.integers(min_value=0, max_value=300)),
                      min_size=0, max_size=25)


def as_table(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": [r[0] for r in rows], "trace": [r[1] for r in rows],
        "object_id": [r[2] for r in rows],
        "timestamp": [T0 + pd.Timedelta(seconds=r[3]) for r in rows],
        "action_id": [f"x{i}" for i in range(len(rows))]},
    ).astype({"timestamp": "datetime64[ns, UTC]"})


@settings(max_examples=30, deadline=None)
@given(trace_rows)
def test_edge_weights_match_brute_force(rows):
    table = as_table(rows)
    pairs = nw.co_actions(table, window=60, min_participation=0)
    edges = nw.edge_table(pairs, traces=("repost", "link"))
    got = {(a, b): w for a, b, w in edges[["account_id", "account_id_y", "weight"]]
           .itertuples(index=False)}
    assert got == brute_weights(table, 60)


@settings(max_examples=30, deadline=None)
@given(trace_rows)
def test_expected_coactions_match_brute_force(rows):
    table = as_table(rows)
    bins, _ = sig.bin_statistics(table, bin_seconds=120)
    same = {(t, b): s for t, b, s in bins[["trace", "bin", "same_object"]]
            .itertuples(index=False)}
    accounts = sorted(set(table["account_id"]))
    edges = pd.DataFrame(list(itertools.combinations(accounts, 2)),
                         columns=["account_id", "account_id_y"])
    got = sig.expected_coactions(edges, table, bins, window=60, bin_seconds=120)
    recs = table.to_dict("records")
    for i, (a, b) in enumerate(edges.itertuples(index=False)):
        want = 0.0
        for x, y in itertools.product(recs, recs):
            if x["account_id"] != a or y["account_id"] != b or x["trace"] != y["trace"]:
                continue
            dt = abs((x["timestamp"] - y["timestamp"]).total_seconds())
            if dt <= 60:
                first = x if (a < b) else y
                secs = int(first["timestamp"].timestamp())
                want += same[(first["trace"], secs // 120)]
        assert got[i] == pytest.approx(want)


def test_null_calibration_matches_shuffled_data():
    data, _, _ = make_world(3)
    table = netlib.traces.build_traces(data, traces=["repost"])
    bins, _ = sig.bin_statistics(table, bin_seconds=3600)
    calib = sig.null_calibration(table, bins, window=60, bin_seconds=3600,
                                 n_null=4, seed=1)
    kappa = float(calib.set_index("trace").loc["repost", "kappa"])
    assert 0.8 < kappa < 1.2


# --- p-values, FDR, backbone ----------------------------------------------------------------
def test_poisson_pvalues():
    p = sig.poisson_pvalues(np.array([0, 1, 5]), np.array([1.0, 1.0, 1.0]))
    assert p[0] == 1.0
    assert p[1] == pytest.approx(1 - np.exp(-1))
    assert p[2] == pytest.approx(stats.poisson.sf(4, 1.0))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), max_size=40),
       st.lists(st.floats(min_value=0, max_value=80), max_size=40))
def test_poisson_pvalues_equal_scipy_stats(observed, expected):
    # written on scipy.special.pdtrc (scipy.stats costs 0.4 s to import); the oracle is
    # scipy.stats.poisson.sf, value for value (counts of 0 give 1)
    n = min(len(observed), len(expected))
    o, e = np.array(observed[:n], dtype=float), np.array(expected[:n], dtype=float)
    want = np.where(o <= 0, 1.0, np.clip(stats.poisson.sf(o - 1, np.maximum(e, 1e-12)), 0, 1))
    assert np.array_equal(sig.poisson_pvalues(o, e), want)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([0.0, 0.01, 0.05, 0.5, 1.0, float("nan")]),
                          st.floats(min_value=0, max_value=1)), max_size=60))
def test_qvalues_equal_scipy_false_discovery_control(p):
    # the oracle: scipy.stats.false_discovery_control on the p-values that are not NaN,
    # equal bit for bit (ties and repeated values included); NaN stays NaN
    p = np.array(p, dtype=float)
    q = netlib.stats.qvalues(p)
    ok = ~np.isnan(p)
    assert np.isnan(q[~ok]).all()
    if ok.any():
        want = np.atleast_1d(stats.false_discovery_control(p[ok], method="bh"))
        assert np.array_equal(q[ok], np.clip(want, 0, 1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_qvalues_match_definition(p):
    q = netlib.stats.qvalues(p)
    m = len(p)
    for i, pi in enumerate(p):
        # q_i = min over j with p_j >= p_i of p_j * m / rank_j (capped at 1)
        ranks = {j: sum(1 for x in p if x <= p[j]) for j in range(m)}
        want = min(min(p[j] * m / ranks[j], 1.0) for j in range(m) if p[j] >= pi)
        assert q[i] == pytest.approx(want)


def test_disparity_filter_keeps_dominant_edges():
    edges = pd.DataFrame({"account_id": ["a", "a", "a", "b"],
                          "account_id_y": ["b", "c", "d", "c"],
                          "weight": [100.0, 1.0, 1.0, 1.0]})
    keep = disparity_filter(edges, alpha=0.05)
    # a-b: at a (1 - 100/102)^2 ~ 0.0004 -> kept; a-c: at a (1 - 1/102)^2 ~ 0.98 and at c
    # (1 - 1/2)^1 = 0.5 -> dropped; a-d: d has degree 1 -> kept; b-c: 0.99 and 0.5 -> dropped
    assert keep.tolist() == [True, False, True, False]
    with pytest.raises(ParameterError, match="backbone"):
        disparity_filter(edges, alpha=0)


@pytest.mark.parametrize("method", cl.METHODS)
def test_partition_splits_two_cliques(method):
    cliques = [list(itertools.combinations("abcd", 2)), list(itertools.combinations("wxyz", 2))]
    edges = pd.DataFrame([p for c in cliques for p in c], columns=["account_id", "account_id_y"])
    edges["weight"] = 1.0
    labels = cl.partition(edges, method=method, seed=0)
    assert labels["a"] == labels["d"] and labels["w"] == labels["z"]
    assert labels["a"] != labels["w"]
    stab = cl.stability(edges, labels, method=method, n_runs=2)
    assert (stab == 1.0).all()


# --- acceptance on synthetic scenarios ------------------------------------------------------
def _score(scenario):
    from netlib import evaluate

    res = detect(scenario.dataset)
    acc = evaluate.score_accounts(res.flagged, scenario.truth)
    clu = evaluate.score_clusters(res.clusters, scenario.truth)
    return acc, clu


@pytest.mark.parametrize("seed, scale, difficulty", [(13, 0.3, "medium")])
def test_acceptance_small_scenario(seed, scale, difficulty):
    from netlib import synth

    acc, clu = _score(synth.generate(seed=seed, scale=scale, difficulty=difficulty))
    assert acc["precision"] >= 0.95, acc
    assert acc["recall"] >= 0.90, acc
    assert clu["ari"] >= 0.85, clu


@pytest.mark.slow
@pytest.mark.parametrize("seed, scale, difficulty", [
    (1, 0.5, "easy"), (2, 0.5, "medium"), (3, 0.5, "hard"), (4, 0.5, "medium"), (5, 0.5, "hard"),
    (8, 1.0, "medium")])
def test_acceptance_scenarios(seed, scale, difficulty):
    from netlib import synth

    acc, clu = _score(synth.generate(seed=seed, scale=scale, difficulty=difficulty))
    assert acc["precision"] >= 0.95, acc
    assert acc["recall"] >= 0.90, acc
    assert clu["ari"] >= 0.85, clu


# --- baseline and sensitivity ---------------------------------------------------------------
def test_naive_baseline_and_window_sensitivity(world):
    from netlib.coordination.compare import naive_clusters, window_sensitivity

    data, net, fans = world
    naive = naive_clusters(data, quantile=0.5)
    assert list(naive.columns) == ["account_id", "cluster_id"]
    assert net <= set(naive["account_id"])
    with pytest.raises(ParameterError, match="quantile"):
        naive_clusters(data, quantile=1.0)
    table = netlib.traces.build_traces(data)
    # the window as a duration string is the same window in seconds
    pd.testing.assert_frame_equal(naive_clusters(table, window="1min", quantile=0.5),
                                  naive_clusters(table, window=60, quantile=0.5))
    sens = window_sensitivity(table, windows=(10, 60), n_consensus=0, n_null=0)
    assert sens["window"].tolist() == [10.0, 60.0]
    assert {"n_clusters", "n_accounts", "n_edges_significant"} <= set(sens.columns)


@pytest.mark.slow
def test_real_retweets_pairs_match_coortweet_and_flags_are_a_subset(realdata):
    """CooRTweet's Russian retweet data: same co-share pairs; flags only among them."""
    pyreadr = pytest.importorskip("pyreadr")
    folder = realdata / "coortweet"
    raw = pyreadr.read_r(str(folder / "russian_coord_tweets.rda"))["russian_coord_tweets"]
    table = pd.DataFrame({
        "account_id": raw["account_id"].astype(str), "trace": "repost",
        "object_id": raw["object_id"].astype(str),
        "timestamp": pd.to_datetime(raw["timestamp_share"], unit="s", utc=True),
        "action_id": raw["content_id"].astype(str)})
    res = detect(table, window=60, min_participation=2, n_consensus=0)
    ref_pairs = pd.read_csv(folder / "reference_outputs" / "coortweet_ref_groups_tw60_mp2.csv")
    assert len(res.pairs) == len(ref_pairs) == 3791
    ref_accounts = set(pd.read_csv(folder / "reference_outputs" /
                                   "coortweet_ref_vertices_tw60_mp2.csv")["account_id"])
    assert set(res.flagged) <= ref_accounts
    assert res.params["behaviour_rule_applied"] is False  # one trace only


def test_one_day_data_is_split_by_object():
    data, net, _ = make_world(5, days=1)
    res = detect(data, **FAST)
    assert res.params["confirmation_split"] == "object"
    assert set(res.flagged) == net


# --- datasets without coordination: empty results, never a crash --------------------------
def _dataset(accounts: list[str], actions: list[dict]) -> netlib.Dataset:
    acc = pd.DataFrame({"account_id": accounts, "platform": "x", "handle": accounts})
    act = pd.DataFrame(actions, columns=["action_id", "account_id", "timestamp", "kind",
                                         "text", "object_id"])
    return netlib.Dataset.from_frames(acc, act, now=NOW)


def _no_action_dataset() -> netlib.Dataset:
    return _dataset(["a", "b"], [])


def _one_account_dataset() -> netlib.Dataset:
    return _dataset(["a"], [{"action_id": f"p{i}", "account_id": "a", "kind": "post",
                             "timestamp": T0 + pd.Timedelta(minutes=i),
                             "text": f"message number {i} from a"} for i in range(20)])


def _never_co_act_dataset() -> netlib.Dataset:
    rows = [{"action_id": f"{a}{i}", "account_id": a, "kind": "post",
             "timestamp": T0 + pd.Timedelta(hours=3 * i + k),
             "text": f"{a} writes its own words, number {i} of many"}
            for k, a in enumerate(["a", "b", "c", "d"]) for i in range(10)]
    return _dataset(["a", "b", "c", "d"], rows)


def _twitter_io_dataset() -> netlib.Dataset:
    from pathlib import Path

    return netlib.load(Path(__file__).parents[1] / "data" / "twitter_io" / "tweets.csv")


@pytest.mark.parametrize("make", [_no_action_dataset, _one_account_dataset,
                                  _never_co_act_dataset, _twitter_io_dataset],
                         ids=["zero-actions", "one-account", "never-co-act", "twitter-io"])
def test_detect_without_coordination_gives_empty_tables(make, result):
    res = detect(make(), **FAST)
    assert res.clusters.empty and res.flagged == []
    tables = res.tables()
    for name, frame in result.tables().items():  # the columns a result with clusters has
        if name.startswith("cosharing_"):  # descriptive: co-sharing without coordination
            assert list(tables[name].columns) == list(frame.columns)
            continue
        assert tables[name].empty
        assert list(tables[name].columns)[:2] == list(frame.columns)[:2]
    assert list(tables["clusters"].columns) == ["account_id", "cluster_id"]
    assert list(tables["cluster_stats"].columns) == list(result.cluster_stats.columns)
    assert list(res.validation.columns) == list(result.validation.columns)
    assert list(res.validation_members.columns) == list(result.validation_members.columns)


# --- the config and the result protocol ------------------------------------------------------
def test_config_holds_every_option_and_params_record_it(world):
    import dataclasses

    from netlib.coordination import CoordinationConfig

    config = CoordinationConfig(window="2min", null_bin="1h", n_consensus=0, n_null=0)
    assert (config.window, config.null_bin) == (120.0, 3600.0)
    res = detect(world[0], config, seed=1)
    assert isinstance(res, netlib.results.Result)
    assert res.params.items() >= dataclasses.asdict(config.replace(seed=1)).items()
    assert res.params["window"] == 120.0 and res.params["seed"] == 1
    assert isinstance(res.fingerprint, str) and len(res.fingerprint) == 64
    assert "Coordinated clusters" in res._repr_html_()
    assert not hasattr(res, "to_tables")


def test_config_rejects_unknown_options(world):
    from netlib.coordination import CoordinationConfig

    with pytest.raises(ParameterError, match="unknown coordination option 'windw'.*window"):
        detect(world[0], windw=60)
    with pytest.raises(ParameterError, match="unknown coordination option 'x'"):
        CoordinationConfig().replace(x=1)
    with pytest.raises(ParameterError, match="engine"):
        CoordinationConfig(engine="hive")


# --- confirmation sees one-day campaigns (split by object, not by day) -----------------------
def _organic_stream(rng: np.random.Generator, *, n_accounts: int = 300, days: int = 30,
                    per_account: int = 60) -> list[dict]:
    """Reposts of popular and obscure objects at random times over ``days`` days."""
    rows = []
    n_objects = 3000
    popularity = 1.0 / np.arange(1, n_objects + 1) ** 1.1
    popularity /= popularity.sum()
    born = rng.uniform(0, days * 86400, size=n_objects)  # each object lives about a day
    for i in range(n_accounts):
        objs = rng.choice(n_objects, size=per_account, p=popularity)
        times = born[objs] + rng.exponential(6 * 3600, size=per_account)
        rows += [{"account_id": f"org{i}", "object_id": f"o{o}", "t": t}
                 for o, t in zip(objs, times, strict=True)]
    return rows


def _trace_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return pd.DataFrame({"account_id": frame["account_id"], "trace": "repost",
                         "object_id": frame["object_id"],
                         "timestamp": T0 + pd.to_timedelta(frame["t"].round(), unit="s"),
                         "action_id": [f"r{i}" for i in range(len(frame))]})


def _morning_campaign() -> tuple[pd.DataFrame, list[str]]:
    """8 accounts co-repost 40 objects within seconds during 3 hours of one day of 30."""
    rng = np.random.default_rng(7)
    rows = _organic_stream(rng)
    camp = [f"camp{i}" for i in range(8)]
    for a in camp:  # the campaign accounts also have an ordinary background
        rows += [{"account_id": a, "object_id": f"o{int(o)}", "t": t}
                 for o, t in zip(rng.integers(0, 3000, 30), rng.uniform(0, 30 * 86400, 30),
                                 strict=True)]
    start = 12 * 86400 + 8 * 3600
    for k in range(40):
        t = start + k * 3 * 3600 / 40
        rows += [{"account_id": a, "object_id": f"campaign{k}", "t": t + rng.uniform(0, 20)}
                 for a in camp]
    return _trace_frame(rows), camp


def test_one_morning_campaign_is_confirmed():
    table, camp = _morning_campaign()
    res = detect(table, **FAST)
    assert res.clusters["cluster_id"].nunique() == 1
    assert set(res.flagged) == set(camp)


# --- split-half validation, called directly (netlib.coordination.confirm) ---------------------
def test_object_half_keeps_each_object_and_bin_together_and_splits_objects_evenly():
    from netlib.coordination.confirm import object_half

    n = 2000
    one_bin = pd.DataFrame({"trace": "repost", "object_id": [f"o{i % n}" for i in range(3 * n)],
                            "timestamp": T0 + pd.to_timedelta(np.arange(3 * n) % 3600, unit="s")})
    half = object_half(one_bin, seed=0, bin_seconds=7200)
    per_object = pd.Series(half).groupby(one_bin["object_id"]).nunique()
    assert (per_object == 1).all()  # every action on an object in one bin: one half
    assert 0.45 < half[:n].mean() < 0.55  # a fair coin per object
    assert (object_half(one_bin, seed=0, bin_seconds=7200) == half).all()  # reproducible
    assert 0.4 < (object_half(one_bin, seed=1, bin_seconds=7200)[:n] != half[:n]).mean() < 0.6
    # an object used in every bin (a campaign hashtag) is spread over both halves, bin by bin
    hashtag = pd.DataFrame({"trace": "hashtag", "object_id": "#always",
                            "timestamp": T0 + pd.to_timedelta(np.arange(200) * 7200, unit="s")})
    assert set(object_half(hashtag, seed=0, bin_seconds=7200)) == {0, 1}


def test_split_half_confirms_a_planted_group_on_the_objects_it_was_not_found_on():
    """Oracle: each held-out campaign object adds one co-action to each of the 28 pairs."""
    from netlib.coordination import CoordinationConfig
    from netlib.coordination.confirm import object_half, split_half_groups

    table, camp = _morning_campaign()
    pairs = nw.co_actions(table, window=60, min_participation=2)
    groups, members = split_half_groups(pairs, table, kappa={},
                                        config=CoordinationConfig(n_consensus=0, n_null=0))
    campaign = table[table["object_id"].str.startswith("campaign")]
    halves = pd.Series(object_half(campaign, bin_seconds=7200)).groupby(
        campaign["object_id"].to_numpy()).first()
    assert halves.value_counts().min() >= 10  # a one-morning burst lands on both sides
    assert sorted(groups["direction"]) == [0, 1]  # found on each half, nothing else found
    for _, group in groups.iterrows():
        held_out = int((halves == 1 - group["direction"]).sum())
        assert group["size"] == len(camp)
        assert group["observed"] == held_out * 28
        assert group["p_value"] < 1e-12 and group["ratio"] > 10
    assert set(members["account_id"]) == set(camp)
    assert (members["p_value"] < 1e-12).all()


def test_split_half_finds_nothing_to_confirm_in_organic_data():
    from netlib.coordination import CoordinationConfig
    from netlib.coordination.confirm import GROUP_COLUMNS, split_half_groups

    table = _trace_frame(_organic_stream(np.random.default_rng(8)))
    pairs = nw.co_actions(table, window=60, min_participation=2)
    groups, members = split_half_groups(pairs, table, kappa={},
                                        config=CoordinationConfig(n_consensus=0, n_null=0))
    assert list(groups.columns) == GROUP_COLUMNS
    assert groups.empty or (groups["p_value"] > 0.01).all()


def test_organic_stream_gives_no_cluster():
    res = detect(_trace_frame(_organic_stream(np.random.default_rng(8))), **FAST)
    assert len(res.flagged) <= 3  # at most one tiny false positive in 300 accounts


# --- timestamp resolution -------------------------------------------------------------------
def _minute_table() -> pd.DataFrame:
    """Three accounts sharing 6 objects, stamped to the minute (as the IRA files are)."""
    rows = []
    for k in range(6):
        t = T0 + pd.Timedelta(hours=5 * k)
        for j, a in enumerate(["a", "b", "c"]):  # c shares 40 s after a: often the next minute
            rows.append({"account_id": a, "trace": "repost", "object_id": f"o{k}",
                         "timestamp": (t + pd.Timedelta(seconds=20 * j + 30)).floor("min"),
                         "action_id": f"{a}{k}"})
    return pd.DataFrame(rows)


def test_minute_resolution_is_recorded_and_warned():
    from netlib.coordination.resolution import CoordinationWarning, timestamp_resolution

    table = _minute_table()
    assert timestamp_resolution(table["timestamp"]) == 60.0
    with pytest.warns(CoordinationWarning, match="below the timestamp resolution"):
        res = detect(table, window=10, min_participation=0, **FAST)
    assert res.params["timestamp_resolution_s"] == 60.0
    assert res.params["window"] == 10.0 and res.params["effective_window_s"] == 60.0
    assert any("timestamp resolution" in n for n in res.notes)
    assert "timestamp resolution" in res._repr_html_()
    # every pair on every object is joined: ties and the next minute alike
    assert len(res.pairs) == 6 * 3


def test_second_resolution_keeps_the_window_and_says_nothing(world, result):
    assert result.params["timestamp_resolution_s"] == 1.0
    assert result.params["effective_window_s"] == result.params["window"] == 60.0
    assert result.notes == []


def test_day_resolution_is_detected():
    from netlib.coordination.resolution import timestamp_resolution

    days = pd.Series(pd.date_range("2025-01-01", periods=50, freq="D", tz="UTC"))
    assert timestamp_resolution(days) == 86400.0
    assert np.isnan(timestamp_resolution(days.iloc[:0]))


# --- two tiers: the co-sharing network (CooRTweet's components) and the tested clusters -------
def test_cosharing_components_hold_every_account_and_explain_each_verdict(world, result):
    _, net, fans = world
    tables = result.tables()
    comps, accounts = tables["cosharing_components"], tables["cosharing_accounts"]
    from netlib.coordination.components import COMPONENT_COLUMNS

    assert list(comps.columns) == COMPONENT_COLUMNS
    assert list(accounts.columns) == ["account_id", "component_id"]
    in_edges = set(result.edges["account_id"]) | set(result.edges["account_id_y"])
    assert set(accounts["account_id"]) == in_edges
    assert comps["n_accounts"].sum() == len(accounts)
    assert comps["n_edges"].sum() == len(result.edges)
    # every clustered account is in the component its verdict names
    where = accounts.set_index("account_id")["component_id"]
    for cid in set(where.reindex(sorted(net))):
        row = comps.set_index("component_id").loc[cid]
        assert row["verdict"].startswith("confirmed:") and row["tested"]
        assert row["confirmed_accounts"] >= len(net) and row["cluster_ids"] != ""
    assert comps["verdict"].str.len().gt(0).all()
    small = comps[comps["n_accounts"] < 3]
    assert small["verdict"].str.startswith("not tested: fewer than 3").all()


def test_components_verdicts_without_clusters():
    """Organic data: components exist, none confirmed, each says why."""
    table = _trace_frame(_organic_stream(np.random.default_rng(8), n_accounts=120))
    res = detect(table, **FAST)
    comps = res.components
    assert len(comps) and (comps["confirmed_accounts"] == 0).all()
    assert comps["verdict"].str.match(r"not (tested|above chance|confirmed)").all()


def test_share_chains_false_keys_a_share_by_the_post_it_shares():
    from netlib.coordination import CoordinationConfig

    acc = pd.DataFrame({"account_id": ["o", "a", "b"], "platform": "x",
                        "handle": ["o", "a", "b"]})
    act = pd.DataFrame([
        {"action_id": "p", "account_id": "o", "timestamp": T0, "kind": "post",
         "text": "an original post with enough words", "object_id": None},
        {"action_id": "r1", "account_id": "a", "timestamp": T0 + pd.Timedelta(seconds=5),
         "kind": "repost", "text": None, "object_id": "p"},
        {"action_id": "r2", "account_id": "b", "timestamp": T0 + pd.Timedelta(seconds=9),
         "kind": "repost", "text": None, "object_id": "r1"}])
    data = netlib.Dataset.from_frames(acc, act, now=NOW)
    for chains, objects in [(True, {"post:p"}), (False, {"post:p", "post:r1"})]:
        res = detect(data, CoordinationConfig(share_chains=chains, min_participation=0,
                                              **FAST))
        reposts = res.pairs[res.pairs["trace"] == "repost"]
        assert set(reposts["object_id"]) <= objects
        assert (("a", "b") in set(zip(reposts["account_id"], reposts["account_id_y"],
                                      strict=True))) is chains


def test_expected_coactions_do_not_depend_on_row_order():
    """The null expectation is bit-identical however the rows (and DuckDB's threads) add up:
    reviewers re-running an analysis must get the same p-values, not ones a bit off."""
    data, _, _ = make_world(3)
    table = netlib.traces.build_traces(data, traces=["repost"])
    bins, _ = sig.bin_statistics(table, bin_seconds=3600)
    accounts = sorted(set(table["account_id"]))[:40]
    edges = pd.DataFrame(list(itertools.combinations(accounts, 2)),
                         columns=["account_id", "account_id_y"])
    kappa = {"repost": 0.7}
    first = sig.expected_coactions(edges, table, bins, window=600, bin_seconds=3600,
                                   kappa=kappa)
    assert (first > 0).sum() > 50
    for seed in range(3):
        shuffled = table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        again = sig.expected_coactions(edges, shuffled, bins, window=600, bin_seconds=3600,
                                       kappa=kappa)
        assert again.tobytes() == first.tobytes()


def test_null_model_made_beside_the_co_actions_changes_nothing(world, monkeypatch, thread_log):
    """With two cores and memory to spare, detect makes its null model (bins, calibration,
    object halves) on a second thread while it finds the co-actions; every table equals
    the one made one step after the other."""
    data, _, _ = world
    threads = thread_log(steps_mod, "null_model")
    config = CoordinationConfig(n_consensus=1)
    asked = []
    monkeypatch.setattr(detect_mod, "side_by_side", lambda n, **k: asked.append(k) or True)
    beside = detect(data, config)
    # the null model is a small step beside the co-actions: it asks for less memory than
    # a step that holds its memory through detect's peak
    assert asked == [{"bytes_per_action": BESIDE_STEP_BYTES_PER_ROW}]
    monkeypatch.setattr(detect_mod, "side_by_side", lambda n, **k: False)
    after = detect(data, config)
    assert len(threads) == 2 and threads[0].startswith("netlib-null") \
        and threads[1] == threading.main_thread().name
    assert len(beside.clusters)
    for name, table in after.tables().items():
        pd.testing.assert_frame_equal(beside.tables()[name], table, obj=name)
    pd.testing.assert_frame_equal(beside.null, after.null)


# --- attaching outside accounts ---------------------------------------------------------------
def _repost_pairs(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Co-action rows from ``(object, account, other account)``: reposts 10 s apart."""
    pairs = pd.DataFrame(rows, columns=["object_id", "account_id", "account_id_y"])
    pairs.insert(0, "trace", "repost")
    pairs["content_id"] = [f"c{i}" for i in range(len(pairs))]
    pairs["content_id_y"] = [f"d{i}" for i in range(len(pairs))]
    pairs["time_delta"] = 10.0
    return pairs


def _burst_pairs():
    """Five members of cluster 0 reshare post p together; outsider x reshares p in the same
    minute (one coincidence), outsider y shares two posts, p and q, each with one member."""
    rows = [("p", "x", m) for m in ("m1", "m2", "m3", "m4", "m5")]
    rows += [("p", "y", "m1"), ("q", "y", "m2")]
    rows += [("p", a, b) for a, b in itertools.combinations(("m1", "m2", "m3", "m4", "m5"), 2)]
    pairs = _repost_pairs(rows)
    labels = pd.Series(0, index=["m1", "m2", "m3", "m4", "m5"])
    return pairs, labels


def test_attachment_events_count_each_shared_object_once():
    pairs, labels = _burst_pairs()
    events = cl.attachment_events(nw.pair_codes(pairs), labels)
    assert events.set_index("account_id")["observed"].to_dict() == {"x": 1, "y": 2}
    assert set(events["cluster_id"]) == {0}


def test_one_object_shared_with_many_members_does_not_attach_an_account():
    """x's five co-actions come from one post reshared in one minute: one coincidence, not
    five. It stays out; y, with two distinct posts shared with the cluster, joins."""
    pairs, labels = _burst_pairs()
    edges = nw.edge_table(pairs)
    edges["expected"] = 0.001
    events = cl.attachment_events(nw.pair_codes(pairs), labels)
    tested = cl.attach_accounts(edges, labels, min_weight=2, events=events).set_index(
        "account_id")
    assert tested.loc["x", "observed"] == 5 and tested.loc["x", "objects"] == 1
    assert tested.loc["y", "objects"] == 2
    assert tested["attached"].to_dict() == {"x": False, "y": True}
    # counted by member pairs, as before, the coincidence would have joined too
    old = cl.attach_accounts(edges, labels, min_weight=2).set_index("account_id")
    assert bool(old.loc["x", "attached"])


def test_the_clumped_attachment_test_counts_shared_objects_not_member_pairs():
    """x met all 20 members of a burst group on two viral posts (40 co-actions, 10
    expected); y met two members on each of eight posts (16 co-actions, 1 expected).
    Summed, both are far beyond chance. Counted as objects against the declumped
    expectation (E / c: 0.5 objects for x, 0.5 for y), x's two objects are not
    (P(Poisson(0.5) >= 2) = 0.09) and y's eight are."""
    members = [f"m{i}" for i in range(20)]
    rows = [(obj, "x", m) for obj in ("v1", "v2") for m in members]
    rows += [(f"p{k}", "y", members[2 * k % 20]) for k in range(8)]
    rows += [(f"p{k}", "y", members[(2 * k + 1) % 20]) for k in range(8)]
    pairs = _repost_pairs(rows)
    labels = pd.Series(0, index=members)
    edges = nw.edge_table(pairs)
    edges["expected"] = np.where(edges["account_id"].eq("x") | edges["account_id_y"].eq("x"),
                                 0.5, 0.125)
    events = cl.attachment_events(nw.pair_codes(pairs), labels)
    summed = cl.attach_accounts(edges, labels, min_weight=2, events=events).set_index(
        "account_id")
    clumped = cl.attach_accounts(edges, labels, min_weight=2, events=events,
                                 clumps=True).set_index("account_id")
    assert summed.loc["x", "observed"] == 40 and summed.loc["x", "objects"] == 2
    assert summed.loc["y", "observed"] == 16 and summed.loc["y", "objects"] == 8
    assert summed["attached"].to_dict() == {"x": True, "y": True}
    assert clumped["attached"].to_dict() == {"x": False, "y": True}
    assert clumped.loc["x", "p_value"] == pytest.approx(1 - np.exp(-0.5) * 1.5)
    # the option reaches detect, and is checked
    assert CoordinationConfig(attach_test="objects").attach_test == "objects"
    with pytest.raises(ParameterError, match="attach_test"):
        CoordinationConfig(attach_test="pairs")


def test_an_outsider_is_tested_against_the_whole_cluster_not_the_members_it_met():
    """A cluster of 2,000: a busy account met 6 of its members once each (6 co-actions on
    6 posts; 0.1 expected with each of those six). Summed over those six alone, 6 against
    0.6 is far beyond chance; but with each of the 2,000 members it had the same 0.1
    chance of meeting, i.e. 200 expected, and 6 is nothing. y met 30 members on two
    posts each, 60 against 3 expected over the whole cluster: beyond chance either way."""
    members = [f"m{i:04d}" for i in range(2000)]
    rows = [(f"v{k}", "x", members[k]) for k in range(6)]
    rows += [(f"p{k}", "y", members[k % 30]) for k in range(60)]
    pairs = _repost_pairs(rows)
    labels = pd.Series(0, index=members)
    edges = nw.edge_table(pairs)
    edges["expected"] = 0.1
    events = cl.attachment_events(nw.pair_codes(pairs), labels)
    couples = cl.outside_couples(edges, labels)
    assert couples.values.tolist() == [["x", 0], ["y", 0]]
    whole = couples.assign(expected=[2000 * 0.1, 2000 * 0.0015])
    met = cl.attach_accounts(edges, labels, min_weight=2, events=events).set_index("account_id")
    pooled = cl.attach_accounts(edges, labels, min_weight=2, events=events,
                                expected=whole).set_index("account_id")
    assert met.loc["x", "expected"] == pytest.approx(0.6)
    assert met["attached"].to_dict() == {"x": True, "y": True}
    assert pooled.loc["x", "expected"] == pytest.approx(200.0)
    assert pooled["attached"].to_dict() == {"x": False, "y": True}


def _viral_stream(seed: int, n_actions: int = 100_000, span_days: float = 30
                  ) -> tuple[pd.DataFrame, set[str]]:
    """Organic reposts whose cascades peak minutes after a post appears (log-normal delays,
    heavy-tailed popularity and activity), with 5% of the reposts from planted groups of
    25 accounts that repost one popular post within 30 s. Returns the trace table and the
    planted accounts."""
    rng = np.random.default_rng(seed)
    n_objects, n_accounts = n_actions // 10, n_actions // 15
    popularity = 1.0 / np.arange(1, n_objects + 1) ** 0.75
    popularity /= popularity.sum()
    born = rng.integers(0, int(span_days * 86400), n_objects)
    n_planted = int(n_actions * 0.05)
    obj = rng.choice(n_objects, size=n_actions - n_planted, p=popularity)
    activity = rng.pareto(1.5, n_accounts) + 1.0
    acc = rng.choice(n_accounts, size=len(obj), p=activity / activity.sum())
    t = born[obj] + rng.lognormal(np.log(6 * 3600), 2.2, size=len(obj)).astype(np.int64)
    groups = rng.choice(n_accounts, size=(max(n_accounts // 1250, 1), 25), replace=False)
    rows = [pd.DataFrame({"a": acc, "o": obj, "t": t})]
    while sum(len(r) for r in rows) < n_actions:
        members = rng.permutation(groups[rng.integers(len(groups))])[:rng.integers(10, 26)]
        o = rng.choice(n_objects, p=popularity)
        start = born[o] + rng.integers(0, 3600)
        rows.append(pd.DataFrame({"a": members, "o": o,
                                  "t": start + rng.integers(0, 30, len(members))}))
    frame = pd.concat(rows, ignore_index=True)
    table = pd.DataFrame({"account_id": "u" + frame["a"].astype(str), "trace": "repost",
                          "object_id": "o" + frame["o"].astype(str),
                          "timestamp": T0 + pd.to_timedelta(frame["t"], unit="s"),
                          "action_id": [f"r{i}" for i in range(len(frame))]})
    return table, {f"u{a}" for a in np.unique(groups)}


def test_viral_posts_do_not_pull_their_reposters_into_a_planted_group():
    """Planted groups repost popular posts in bursts; organic accounts that repost the same
    viral post in the same minute as a burst shared one post with many members, one
    coincidence. They must not join the group (the planted groups are still found)."""
    table, planted = _viral_stream(seed=3)
    res = detect(table, **FAST)
    flagged = set(res.flagged)
    hit = len(flagged & planted)
    assert hit / len(planted) >= 0.9, (hit, len(planted))
    # measured 0.82 (seeds 1-4: 0.79-0.89); 0.35 when a post shared with a burst counted
    # once per member
    assert hit / len(flagged) >= 0.75, (hit, len(flagged))


def test_in_a_dense_stream_viral_cascades_are_not_read_as_coordination():
    """200,000 reposts in half a day, most of a viral post's reposts in the minutes after
    it appears: popularity averaged over two-hour bins makes those reposters' shared
    minutes look like more than chance. Dense bins are split (null_bin_actions), and the
    planted groups stand out again; with most rows in dense bins the default attachment
    test counts shared objects (attach_test='auto'), which keeps heavy users out."""
    table, planted = _viral_stream(seed=2, n_actions=200_000, span_days=0.5)
    scores, results = {}, {}
    for key, kw in (("fixed bins", {"null_bin_actions": None, "attach_test": "co-actions"}),
                    ("co-actions", {"attach_test": "co-actions"}), ("default", {})):
        results[key] = detect(table, **FAST, **kw)
        flagged = set(results[key].flagged)
        hit = len(flagged & planted)
        scores[key] = (hit / max(len(flagged), 1), hit / len(planted))
    # the reader is told the stream was dense, and what was or can be done about it
    assert results["fixed bins"].params["null_bins_cut"] == 0
    assert results["fixed bins"].params["dense_share"] == 0
    dense = results["default"].params
    assert dense["null_bins_cut"] > 0 and dense["dense_share"] >= 0.5
    assert dense["attach_test"] == "auto" and dense["attach_test_applied"] == "objects"
    assert results["co-actions"].params["attach_test_applied"] == "co-actions"
    assert any("cut into shorter parts" in n and "attach_test='objects'" in n
               for n in results["co-actions"].notes)
    assert any("distinct objects" in n and "attach_test='auto'" in n
               for n in results["default"].notes)
    # measured: fixed bins P 0.50, split bins P 0.77 with the summed attachment test and
    # 1.00 with the objects test; recall 1.0 in all three. (0.34, 0.70 and 0.75 while the
    # attachment test summed the expectation only over the members an outsider had met.)
    assert scores["fixed bins"][0] < 0.6, scores
    assert scores["co-actions"][0] > scores["fixed bins"][0] + 0.15, scores
    assert scores["default"][0] >= 0.95 and scores["default"][1] >= 0.9, scores
