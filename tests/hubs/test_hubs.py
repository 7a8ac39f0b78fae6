"""Tests of netlib.hubs: lead-lag, amplification, bridging, operator groups, time zones."""

from __future__ import annotations

import importlib
import itertools
import threading

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import netlib
from netlib.hubs import (
    REFERENCE_DIURNAL,
    REFERENCE_OFFICE,
    amplification_scores,
    bridging,
    cascade,
    describe_offset,
    fit_offset,
    h_index,
    hour_of_week,
    leader_table,
    rank_hubs,
)
from netlib.stats import qvalues

hub_core = importlib.import_module("netlib.hubs.core")

T0 = pd.Timestamp("2026-01-05T00:00:00Z")  # a Monday
NOW = pd.Timestamp("2026-06-01T00:00:00Z")


# --- small hand-made data -----------------------------------------------------------------------
def _toy(n_posts: int = 20, n_amps: int = 5, seed: int = 0, *, handles=None,
         extra_accounts=None):
    """One operator posting originals, amplifiers reposting them within a minute, noise."""
    rng = np.random.default_rng(seed)
    ids = ["op"] + [f"a{i}" for i in range(n_amps)] + ["o1", "o2", "o3"]
    accounts = pd.DataFrame({"account_id": ids, "platform": "x",
                             "handle": handles or [f"h_{i}" for i in ids]})
    if extra_accounts:
        for col, vals in extra_accounts.items():
            accounts[col] = vals
    rows = []
    for p in range(n_posts):
        t = T0 + pd.Timedelta(days=int(p // 2), hours=int(9 + 4 * (p % 2)))
        pid = f"p{p}"
        rows.append((pid, "op", t, "post", None))
        for i in range(n_amps):
            lag = int(rng.integers(5, 50))
            rows.append((f"r{p}_{i}", f"a{i}", t + pd.Timedelta(seconds=lag), "repost", pid))
    for k, acc in enumerate(["o1", "o2", "o3"]):
        for j in range(10):
            rows.append((f"n{k}_{j}", acc, T0 + pd.Timedelta(hours=int(rng.integers(0, 800))),
                         "post", None))
    actions = pd.DataFrame(rows, columns=["action_id", "account_id", "timestamp", "kind",
                                          "object_id"])
    data = netlib.Dataset.from_frames(accounts, actions, now=NOW)
    clusters = pd.DataFrame({"account_id": ids[: n_amps + 1], "cluster_id": "c1"})
    return data, clusters


def _pairs_brute(actions: pd.DataFrame, window: float = 60) -> pd.DataFrame:
    """Co-repost pairs by brute force (earlier first), an oracle independent of DuckDB."""
    out = []
    shares = actions[actions["object_id"].notna()]
    for obj, grp in shares.groupby("object_id"):
        recs = list(grp.itertuples(index=False))
        for a, b in itertools.permutations(recs, 2):
            dt = (b.timestamp - a.timestamp).total_seconds()
            if 0 <= dt <= window and a.account_id != b.account_id and (
                    dt > 0 or a.action_id < b.action_id):
                out.append((obj, a.account_id, b.account_id, a.action_id, b.action_id, dt))
    return pd.DataFrame(out, columns=["object_id", "account_id", "account_id_y", "content_id",
                                      "content_id_y", "time_delta"])


# --- lead-lag --------------------------------------------------------------------------------
@st.composite
def _cascades(draw):
    n_obj = draw(st.integers(1, 6))
    rows = []
    for o in range(n_obj):
        members = draw(st.lists(st.sampled_from(list("abcdef")), min_size=2, max_size=6,
                                unique=True))
        times = draw(st.lists(st.integers(0, 10_000), min_size=len(members),
                              max_size=len(members), unique=True))
        rows += [(f"o{o}", m, t) for m, t in zip(members, times, strict=True)]
    return pd.DataFrame(rows, columns=["object_id", "account_id", "t"])


def _all_pairs(events: pd.DataFrame) -> pd.DataFrame:
    out = []
    for obj, grp in events.groupby("object_id"):
        for a, b in itertools.permutations(grp.itertuples(index=False), 2):
            if a.t < b.t:
                out.append((obj, a.account_id, b.account_id, float(b.t - a.t)))
    return pd.DataFrame(out, columns=["object_id", "account_id", "account_id_y",
                                      "time_delta"])


@settings(max_examples=40, deadline=None)
@given(_cascades())
def test_leader_table_matches_brute_force_rank_statistic(events):
    pairs = _all_pairs(events)
    table = leader_table(pairs).set_index("account_id")
    for acc in sorted(events["account_id"].unique()):
        s = mu = var = 0.0
        lead = follow = 0
        for _, grp in events.groupby("object_id"):
            if acc not in set(grp["account_id"]):
                continue
            m = len(grp)
            t = grp.loc[grp["account_id"] == acc, "t"].iloc[0]
            after = int((grp["t"] > t).sum())
            s, mu, var = s + after, mu + (m - 1) / 2, var + (m * m - 1) / 12
            lead, follow = lead + after, follow + (m - 1 - after)
        row = table.loc[acc]
        assert row["n_lead"] == lead and row["n_follow"] == follow
        z = np.sign(s - mu) * max(abs(s - mu) - 0.5, 0) / np.sqrt(var)
        assert row["lead_z"] == pytest.approx(z)
        assert row["lead_p_value"] == pytest.approx(stats.norm.sf(z))
    assert table["lead_q_value"].between(0, 1).all()


def test_leader_table_finds_the_account_that_always_acts_first():
    events = pd.DataFrame([(f"o{o}", acc, o * 100 + k) for o in range(15)
                           for k, acc in enumerate(["boss", *np.random.default_rng(o)
                                                    .permutation(["x", "y", "z"])])],
                          columns=["object_id", "account_id", "t"])
    table = leader_table(_all_pairs(events))
    assert table.iloc[0]["account_id"] == "boss"
    assert table.iloc[0]["leader_share"] == 1.0
    assert table.iloc[0]["lead_p_value"] < 1e-4
    assert (table.set_index("account_id").loc[["x", "y", "z"], "lead_p_value"] > 0.01).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30))
def test_lead_q_values_follow_the_bh_definition(p):
    q = qvalues(np.array(p))  # what leader_table adjusts its p-values with
    m = len(p)
    order = np.argsort(p, kind="stable")
    ps = np.array(p)[order]
    expect = [min(1.0, min(ps[j] * m / (j + 1) for j in range(i, m))) for i in range(m)]
    assert np.allclose(q[order], expect)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 12)), max_size=25))
def test_h_index_matches_brute_force(items):
    frame = pd.DataFrame(items, columns=["g", "c"])
    got = h_index(frame["c"], frame["g"])
    for g, grp in frame.groupby("g"):
        counts = grp["c"].tolist()
        brute = max([h for h in range(len(counts) + 1)
                     if sum(c >= h for c in counts) >= h])
        assert got[g] == brute


# --- amplification and bridging --------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 5)),
                min_size=1, max_size=30))
def test_amplification_pagerank_matches_networkx(edges):
    frame = (pd.DataFrame(edges, columns=["amplifier_id", "amplified_id", "weight"])
             .assign(amplifier_id=lambda f: "n" + f["amplifier_id"].astype(str),
                     amplified_id=lambda f: "n" + f["amplified_id"].astype(str)))
    frame = frame[frame["amplifier_id"] != frame["amplified_id"]]
    frame = frame.groupby(["amplifier_id", "amplified_id"], as_index=False)["weight"].sum()
    if frame.empty:
        return
    got = amplification_scores(frame).set_index("account_id")["amplification_pagerank"]
    g = nx.DiGraph()
    g.add_weighted_edges_from(frame.itertuples(index=False))
    expect = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=10_000)
    for node, value in expect.items():
        assert got[node] == pytest.approx(value, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 4)),
                min_size=1, max_size=25),
       st.lists(st.sampled_from(["A", "B", "C"]), min_size=7, max_size=7))
def test_participation_coefficient_matches_definition(edges, labels):
    frame = pd.DataFrame(edges, columns=["account_id", "account_id_y", "weight"])
    frame = frame[frame["account_id"] != frame["account_id_y"]].astype({"account_id": str,
                                                                        "account_id_y": str})
    if frame.empty:
        return
    membership = pd.Series(labels, index=[str(i) for i in range(7)])
    got = bridging(frame, membership).set_index("account_id")
    strength: dict[str, float] = {}
    to_cluster: dict[str, dict[str, float]] = {}
    for a, b, w in frame.itertuples(index=False):
        for me, nb in ((a, b), (b, a)):
            strength[me] = strength.get(me, 0) + w
            to_cluster.setdefault(me, {})
            to_cluster[me][membership[nb]] = to_cluster[me].get(membership[nb], 0) + w
    for node, k in strength.items():
        expect = 1 - sum((v / k) ** 2 for v in to_cluster[node].values())
        assert got.loc[node, "participation"] == pytest.approx(expect)
        assert got.loc[node, "coordination_strength"] == pytest.approx(k)
    assert got["betweenness"].between(0, 1).all()


def test_bridging_betweenness_is_high_for_the_account_tying_two_clusters():
    left = [("l0", "l1"), ("l1", "l2"), ("l0", "l2")]
    right = [("r0", "r1"), ("r1", "r2"), ("r0", "r2")]
    edges = pd.DataFrame(left + right + [("l0", "bridge"), ("bridge", "r0")],
                         columns=["account_id", "account_id_y"]).assign(weight=1.0)
    membership = pd.Series({**{f"l{i}": "L" for i in range(3)},
                            **{f"r{i}": "R" for i in range(3)}, "bridge": "L"})
    got = bridging(edges, membership).set_index("account_id")
    assert got["betweenness"].idxmax() == "bridge"
    assert got.loc["bridge", "participation"] == pytest.approx(0.5)
    assert got.loc["l1", "participation"] == 0.0


# --- time zones ---------------------------------------------------------------------------------
def _simulate(offset: float, curve: np.ndarray, *, weekend: float, n: int = 1500,
              days: int = 56, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    day = rng.integers(0, days, 4 * n)
    day = day[(day % 7 < 5) | (rng.random(4 * n) < weekend)][:n]
    hour = rng.choice(24, size=len(day), p=curve) + rng.random(len(day))
    local = T0 + pd.to_timedelta(day * 86400 + hour * 3600, unit="s")
    return pd.Series(local - pd.Timedelta(hours=offset))


@pytest.mark.parametrize("offset", [-8, -5, -3, 0, 1, 3, 5.5, 8, 10])
@pytest.mark.parametrize("kind", ["social", "office"])
def test_fit_offset_recovers_planted_zone(offset, kind):
    curve, weekend = ((REFERENCE_DIURNAL, 0.85) if kind == "social"
                      else (REFERENCE_OFFICE, 0.05))
    fit = fit_offset(_simulate(offset, curve, weekend=weekend, seed=int(offset * 2) + 30),
                     n_boot=100)
    assert abs(fit["utc_offset_hours"] - offset) <= 1
    assert fit["low"] <= fit["utc_offset_hours"] <= fit["high"]
    assert fit["reference"] == kind
    if kind == "office":
        assert fit["pattern"] == "office-hours, weekday-only"
    assert "consistent with UTC" in fit["statement"]
    assert "country" in fit["statement"]


def test_fit_offset_tells_a_far_east_zone_from_its_twin_by_weekdays():
    ts = _simulate(13, REFERENCE_OFFICE, weekend=0.0, n=2000)
    assert fit_offset(ts, n_boot=0)["utc_offset_hours"] == pytest.approx(13, abs=1)


def test_fit_offset_flags_round_the_clock_and_gives_no_zone_in_words():
    rng = np.random.default_rng(3)
    ts = pd.Series(T0 + pd.to_timedelta(rng.random(3000) * 56 * 86400, unit="s"))
    fit = fit_offset(ts, n_boot=50)
    assert fit["pattern"].startswith("round-the-clock")
    assert "no time zone" in fit["statement"]


def test_fit_offset_with_too_few_actions_returns_nan():
    fit = fit_offset(pd.Series([T0, T0 + pd.Timedelta(hours=1)]), min_actions=30)
    assert np.isnan(fit["utc_offset_hours"])
    assert "2 actions" in fit["statement"]


def test_fit_offset_interval_is_wider_with_fewer_days():
    many = fit_offset(_simulate(3, REFERENCE_DIURNAL, weekend=0.85, n=3000), n_boot=200)
    few = fit_offset(_simulate(3, REFERENCE_DIURNAL, weekend=0.85, n=60, days=5),
                     n_boot=200)
    assert (few["high"] - few["low"]) >= (many["high"] - many["low"])


@pytest.mark.parametrize("kwargs, match", [
    ({"reference": "martian"}, "unknown reference"),
    ({"reference": [1.0] * 23}, "24 positive numbers"),
    ({"offsets": [0.25]}, "multiples of 0.5"),
    ({"level": 1.5}, "level must lie"),
    ({"n_boot": -1}, "n_boot"),
])
def test_fit_offset_rejects_bad_parameters(kwargs, match):
    with pytest.raises(netlib.ParameterError, match=match):
        fit_offset(pd.Series([T0] * 40), **kwargs)


def test_hour_of_week_counts_in_local_time():
    ts = pd.Series([pd.Timestamp("2026-01-05T23:30:00Z")])  # Monday 23:30 UTC
    table = hour_of_week(ts, offset=2)  # Tuesday 01:30 local
    assert table.loc["Tue", 1] == 1 and int(table.to_numpy().sum()) == 1


def test_describe_offset_never_claims_less_than_an_hour_or_a_country():
    text = describe_offset(5.0, 5.0, 5.0, "office-hours")
    assert text.startswith("activity consistent with UTC+5 ± 1 h")
    assert describe_offset(-3.5, -5.0, -3.0, "daytime").startswith(
        "activity consistent with UTC-3:30 ± 1.5 h")


# --- rank_hubs on hand-made data ---------------------------------------------------------------
def test_rank_hubs_puts_the_amplified_operator_first():
    data, clusters = _toy()
    pairs = _pairs_brute(data.actions)
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=20)
    hubs = result.hubs
    assert hubs.iloc[0]["account_id"] == "op"
    assert hubs.iloc[0]["originator_index"] == 5  # 20 originals, each by all 5 amplifiers
    assert hubs.iloc[0]["amplified_by"] == 5
    assert list(hubs["rank"]) == list(range(1, len(hubs) + 1))
    assert set(hubs["account_id"]) == set(clusters["account_id"])
    assert {"o1", "o2", "o3"}.isdisjoint(hubs["account_id"])
    tables = result.tables()
    assert set(tables) == {"hubs", "operator_groups", "timezones", "operator_links"}
    assert {"account_id", "hub_score", "rank"} <= set(tables["hubs"].columns)
    assert {"cluster_id", "utc_offset_hours", "low", "high", "pattern"} <= set(
        tables["timezones"].columns)
    assert result.params["n_clusters"] == 1
    assert result.fingerprint == data.fingerprint()


def test_rank_hubs_accepts_a_result_object_and_breaks_ties_by_account_id():
    data, clusters = _toy(n_amps=4)

    class Coordination:  # anything with .clusters and .pairs
        def __init__(self, clusters, pairs):
            self.clusters, self.pairs = clusters, pairs

    empty = pd.DataFrame(columns=["object_id", "account_id", "account_id_y", "time_delta"])
    result = rank_hubs(data, Coordination(clusters, empty), n_boot=0)
    amps = result.hubs[result.hubs["account_id"] != "op"]
    assert amps["hub_score"].nunique() == 1  # symmetric amplifiers: all tied
    assert list(amps["account_id"]) == sorted(amps["account_id"])


def test_rank_hubs_is_deterministic_and_does_not_touch_inputs():
    data, clusters = _toy(seed=4)
    pairs = _pairs_brute(data.actions)
    before = (clusters.copy(), pairs.copy())
    a = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=30, seed=1)
    b = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=30, seed=1)
    pd.testing.assert_frame_equal(a.hubs, b.hubs)
    pd.testing.assert_frame_equal(a.timezones, b.timezones)
    pd.testing.assert_frame_equal(clusters, before[0])
    pd.testing.assert_frame_equal(pairs, before[1])



def test_cluster_time_zones_fitted_beside_the_scores_change_nothing(monkeypatch, thread_log):
    """With two cores and memory to spare the clusters' time zones are fitted on a second
    thread while the hub scores and operator groups are made; every table is the same."""
    data, clusters = _toy(seed=4)
    pairs = _pairs_brute(data.actions)
    threads = thread_log(hub_core, "fit_timezones")
    monkeypatch.setattr(hub_core, "side_by_side", lambda n, **k: True)
    beside = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=30, seed=1)
    monkeypatch.setattr(hub_core, "side_by_side", lambda n, **k: False)
    after = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=30, seed=1)
    assert threads[0].startswith("netlib-zones")
    assert set(threads[1:]) == {threading.main_thread().name}
    assert len(after.timezones)
    for name, table in after.tables().items():
        pd.testing.assert_frame_equal(beside.tables()[name], table, obj=name)

def test_rank_hubs_evidence_and_cascade_explain_the_operator():
    data, clusters = _toy()
    result = rank_hubs(data, clusters=clusters, pairs=_pairs_brute(data.actions), n_boot=0)
    ev = result.evidence("op")
    assert ev.attrs["rank"] == 1
    assert list(ev.columns) == ["signal", "value", "score", "weight", "contribution"]
    assert ev["contribution"].sum() == pytest.approx(result.hubs.iloc[0]["hub_score"])
    amplified = result.evidence("op", "amplified_by")
    assert set(amplified["amplifier_id"]) == {f"a{i}" for i in range(5)}
    with pytest.raises(netlib.ParameterError, match="kind='gossip' is not one of"):
        result.evidence("op", "gossip")
    with pytest.raises(KeyError, match="not among the ranked"):
        result.evidence("o1")
    cas = cascade(data, result, "op", max_objects=3)
    assert cas["object_id"].nunique() == 3
    assert cas["delay_s"].between(5, 50).all()
    assert set(cas["via"]) == {"amplified"}


def test_rank_hubs_uses_mirror_lineages():
    data, clusters = _toy()
    chains = pd.DataFrame({"chain_id": ["m1", "m1", "m1"], "position": [0, 1, 2],
                           "account_id": ["a0", "a1", "a2"]})
    result = rank_hubs(data, clusters=clusters, pairs=_pairs_brute(data.actions),
                       mirrors=chains, n_boot=0)
    hubs = result.hubs.set_index("account_id")
    assert hubs.loc["a1", "lineage_length"] == 3 and hubs.loc["a1", "lineage_head"] == "a0"
    assert hubs.loc["a3", "lineage_length"] == 1
    assert hubs.loc["a0", "hub_score"] > hubs.loc["a3", "hub_score"]
    groups = result.operator_groups
    lineage = groups[groups["evidence"].str.contains("mirror_lineage")]
    assert set(lineage["account_id"]) == {"a0", "a1", "a2"}
    assert lineage["group_id"].nunique() == 1


def test_figures_escape_hostile_handles():
    from netlib import plots as figures

    evil = "<img src=x onerror=alert(1)>"
    data, clusters = _toy(handles=[evil] + [f"h{i}" for i in range(8)])
    data.accounts.loc[data.accounts["account_id"] == "a0", "handle"] = evil
    result = rank_hubs(data, clusters=clusters, pairs=_pairs_brute(data.actions), n_boot=0)
    steps = cascade(data, result, "op")
    fig = figures.cascade_figure(steps, title=f"followers of {evil}")
    hover = " ".join(t for trace in fig.data for t in trace.text)
    assert "<img" not in hover and "&lt;img" in hover
    assert "<img" not in fig.layout.title.text
    heat = figures.offset_heatmap(data, clusters, result.timezones, "c1")
    assert "consistent with UTC" in heat.layout.title.text
    static = figures.offset_heatmaps_static(data, clusters, result.timezones)
    assert len(static.axes) == 1


@pytest.mark.parametrize("kwargs, match", [
    ({}, "needs the coordination result"),
    ({"clusters": pd.DataFrame({"account_id": ["op"]})}, "lacks column.*cluster_id"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "pairs": pd.DataFrame({"account_id": ["op"]})}, "coordination pairs lacks"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "weights": {"charisma": 1.0}}, "unknown signal weight"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "weights": {"lead_z": -1.0}}, "non-negative"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "min_amplifiers": 0}, "min_amplifiers"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "mirrors": pd.DataFrame({"chain_id": [1]})}, "mirror chains lacks"),
    ({"clusters": pd.DataFrame({"account_id": ["op"], "cluster_id": [1]}),
      "betweenness_samples": 0}, "betweenness_samples=0 must be >= 1"),
])
def test_rank_hubs_rejects_bad_input(kwargs, match):
    data, _ = _toy(n_posts=2)
    with pytest.raises(netlib.ParameterError, match=match):
        rank_hubs(data, **kwargs)


def test_rank_hubs_rejects_something_that_is_not_a_dataset():
    with pytest.raises(netlib.ParameterError, match="must be a Dataset"):
        rank_hubs(pd.DataFrame(), clusters=pd.DataFrame())


def test_operator_groups_from_creation_burst_shared_client_and_invite_link():
    created = ["2025-01-01T00:00Z", "2025-01-01T01:00Z", "2025-01-01T02:30Z",
               "2025-01-01T04:00Z", "2025-03-01T00:00Z", "2025-05-01T00:00Z",
               None, None, None]
    data, clusters = _toy(extra_accounts={
        "created_at": created,
        "bio": [None, None, None, None, "join us t.me/+AbCdEf123", None, None, None, None],
        "url": [None] * 9,
    })
    actions = data.actions.copy()
    actions["client"] = np.where(actions["account_id"].isin(["a4", "op"]), "BulkPoster 2.1",
                                 "Twitter Web App")
    actions.loc[actions["account_id"] == "op", "text"] = "see t.me/+AbCdEf123 now"
    data = netlib.Dataset(accounts=data.accounts, actions=actions)
    result = rank_hubs(data, clusters=clusters, pairs=_pairs_brute(data.actions), n_boot=0,
                       max_shared_accounts=3, rhythm_threshold=1.01)
    links = result.operator_links
    burst = links[links["evidence"] == "creation_burst"]
    assert set(burst["account_id"]) | set(burst["account_id_y"]) == {"op", "a0", "a1", "a2"}
    client = links[links["evidence"] == "shared_client"]
    assert {frozenset(p) for p in zip(client["account_id"], client["account_id_y"],
                                      strict=True)} == {frozenset({"a4", "op"})}
    invite = links[links["evidence"] == "shared_link"]
    assert {frozenset(p) for p in zip(invite["account_id"], invite["account_id_y"],
                                      strict=True)} == {frozenset({"a3", "op"})}
    groups = result.operator_groups
    assert groups["group_id"].nunique() == 1  # all joined through op
    assert set(groups["account_id"]) == {"op", "a0", "a1", "a2", "a3", "a4"}
    assert "t.me/+abcdef123" in " ".join(invite["detail"])


# --- planted scenarios -------------------------------------------------------------------------
def _scenario_inputs(seed: int, scale: float = 0.3):
    synth = pytest.importorskip("netlib.synth")
    from netlib.coordination import coshare_pairs

    scenario = synth.generate(seed=seed, scale=scale, difficulty="medium")
    data, truth = scenario.dataset, scenario.truth
    try:
        from netlib.traces import build_traces
        traced = build_traces(data, traces=["repost", "text", "link", "hashtag"])
        pairs = coshare_pairs(traced, window=60)
    except ImportError:  # pragma: no cover - before the traces module exists
        pairs = coshare_pairs(data, window=60)
    clusters = truth["coordinated"][["account_id", "network_id"]].rename(
        columns={"network_id": "cluster_id"})
    return data, truth, clusters, pairs


@pytest.fixture(scope="module", params=["planted-clusters", "detected-clusters"])
def planted(request):
    """Two small scenarios: one ranked on the planted clusters (hubs alone), one on the
    clusters the coordination step finds (the whole chain, as ``netlib analyze`` runs it)."""
    if request.param == "planted-clusters":
        data, truth, clusters, pairs = _scenario_inputs(11)
        result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=50)
        return truth, result, clusters
    synth = pytest.importorskip("netlib.synth")
    coordination = pytest.importorskip("netlib.coordination")
    if not hasattr(coordination, "detect"):  # pragma: no cover - before detect exists
        pytest.skip("netlib.coordination.detect is not available")
    scenario = synth.generate(seed=23, scale=0.3, difficulty="medium")
    found = coordination.detect(scenario.dataset, seed=0)
    return scenario.truth, rank_hubs(scenario.dataset, found, n_boot=50), found.clusters


def test_planted_operators_top_the_hub_ranking(planted):
    truth, result, clusters = planted
    # operators of the networks the clusters cover: hubs can only rank what the
    # coordination step found (with planted clusters, that is every network)
    coordinated = truth["coordinated"]
    covered = set(coordinated.loc[coordinated["account_id"].isin(clusters["account_id"]),
                                  "network_id"])
    ops = truth["operators"]
    operators = set(ops.loc[ops["network_id"].isin(covered), "account_id"])
    assert len(covered) >= min(4, len(truth["networks"]))
    k = len(operators)
    top = result.hubs.head(k)
    assert top["account_id"].isin(operators).mean() >= 0.75


def test_planted_network_zones_are_recovered_within_an_hour(planted):
    truth, result, clusters = planted
    coordinated = truth["coordinated"][["account_id", "network_id"]]
    majority = (clusters.merge(coordinated, on="account_id").groupby("cluster_id")["network_id"]
                .agg(lambda s: s.value_counts().index[0]).rename("network_id").reset_index())
    zones = (result.timezones.merge(majority, on="cluster_id")
             .merge(truth["networks"][["network_id", "utc_offset_hours"]], on="network_id",
                    suffixes=("", "_true")))
    assert zones["network_id"].nunique() == majority["network_id"].nunique() >= 4
    error = ((zones["utc_offset_hours"] - zones["utc_offset_hours_true"] + 12) % 24 - 12).abs()
    assert (error <= 1).mean() >= 5 / 6
    assert zones["statement"].str.contains("consistent with UTC").all()


def test_operator_groups_do_not_mix_planted_networks(planted):
    truth, result, _ = planted
    groups = result.operator_groups.merge(truth["coordinated"][["account_id", "network_id"]],
                                          on="account_id")
    assert len(groups) > 0
    purity = groups.groupby("group_id")["network_id"].agg(
        lambda s: s.value_counts().iloc[0] / len(s))
    sizes = groups.groupby("group_id").size()
    assert (purity * sizes).sum() / sizes.sum() >= 0.9


# --- real data ------------------------------------------------------------------------------------
@pytest.mark.realdata
def test_hub_ranking_agrees_with_coortweet_reference_strength(realdata):
    from netlib.io.coortweet import read_coortweet

    folder = realdata / "coortweet"
    data = read_coortweet(folder / "russian_coord_tweets.rda")
    pairs = pd.read_csv(folder / "reference_outputs" / "coortweet_ref_groups_tw60_mp2.csv",
                        dtype={"account_id": str, "account_id_y": str, "object_id": str})
    ref = pd.read_csv(folder / "reference_outputs" / "coortweet_ref_vertices_tw60_mp2.csv",
                      dtype={"account_id": str})
    names = pd.Index(pd.unique(pd.concat([pairs["account_id"], pairs["account_id_y"]])))
    pos = pd.Series(np.arange(len(names)), index=names)
    graph = ig.Graph(n=len(names), edges=np.column_stack(
        [pos[pairs["account_id"]].to_numpy(), pos[pairs["account_id_y"]].to_numpy()]))
    clusters = pd.DataFrame({"account_id": names,
                             "cluster_id": graph.connected_components().membership})
    assert clusters["cluster_id"].nunique() == ref["component"].nunique() == 23
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=50)
    merged = ref.merge(result.hubs, on="account_id", how="left")
    assert merged["hub_score"].notna().all()  # every reference account is ranked
    strength_rho = stats.spearmanr(merged["coordination_strength"], merged["strength"])[0]
    hub_rho = stats.spearmanr(merged["hub_score"], merged["strength"])[0]
    assert strength_rho > 0.8   # same co-share counts, plus the partial retweet graph
    assert hub_rho > 0.4        # central accounts tend to rank high
    assert result.hubs["amplification_pagerank"].gt(0).sum() > 100  # partial retweet graph
    # the largest component is pro-government Russian Twitter: its day should fit an
    # offset near Moscow's UTC+3 (a plausibility check, not a statement about location)
    largest = result.timezones.sort_values("n_actions", ascending=False).iloc[0]
    assert abs(largest["utc_offset_hours"] - 3) <= 2


# --- options and the result protocol ---------------------------------------------------------
def test_hub_result_follows_the_protocol_and_records_its_config():
    from netlib.hubs import HubConfig
    from netlib.results import Result

    data, clusters = _toy()
    result = rank_hubs(data, None, HubConfig(n_boot=0), clusters=clusters,
                       pairs=_pairs_brute(data.actions), burst_window="2h")
    assert isinstance(result, Result)
    assert result.params["burst_window"] == 7200.0 and result.params["n_boot"] == 0
    assert "hubs" in result._repr_html_()


def test_hub_config_rejects_unknown_options():
    data, clusters = _toy(n_posts=2)
    with pytest.raises(netlib.ParameterError, match="unknown hub option.*valid: weights"):
        rank_hubs(data, clusters=clusters, burst_hours=6)


def test_rank_hubs_on_a_result_equals_rank_hubs_on_its_str_pairs():
    # detect keeps its rows' ids as categories; the hub ranking reads those rows as they
    # are, and must equal the ranking of the same rows given as str
    synth = pytest.importorskip("netlib.synth")
    from netlib.coordination import detect

    scenario = synth.generate(seed=5, scale=0.2, difficulty="medium")
    found = detect(scenario.dataset, seed=0)
    assert isinstance(found.pairs_table(id_dtype="category")["account_id"].dtype,
                      pd.CategoricalDtype)
    on_codes = rank_hubs(scenario.dataset, found, n_boot=20)
    on_str = rank_hubs(scenario.dataset, clusters=found.clusters,
                       pairs=found.pairs.copy(), n_boot=20)
    assert len(on_codes.hubs) > 10
    for name, table in on_codes.tables().items():
        pd.testing.assert_frame_equal(table, on_str.tables()[name], obj=name)
    pd.testing.assert_frame_equal(on_codes.pairs, on_str.pairs)
    assert on_codes.pairs["account_id"].map(type).eq(str).all()


def test_amplification_pagerank_gives_the_same_bits_every_run():
    # PRPACK's threads add in a varying order; the scores must not change between runs
    rng = np.random.default_rng(3)
    n = 30_000
    frame = pd.DataFrame({"amplifier_id": rng.integers(0, 3_000, n),
                          "amplified_id": rng.integers(0, 3_000, n),
                          "weight": rng.integers(1, 9, n)})
    frame = frame[frame["amplifier_id"] != frame["amplified_id"]].astype(
        {"amplifier_id": str, "amplified_id": str})
    frame = frame.groupby(["amplifier_id", "amplified_id"], as_index=False)["weight"].sum()
    runs = [amplification_scores(frame)["amplification_pagerank"].to_numpy()
            for _ in range(6)]
    assert all(np.array_equal(runs[0], r) for r in runs[1:])
