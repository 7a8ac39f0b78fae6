"""The integer-coded hub steps against brute-force oracles, for every account-id dtype."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hub_strategies import IDS, pair_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from netlib.hubs import (
    amplification_edges,
    bridging,
    fit_group_offsets,
    fit_offset,
    lead_lag,
    leader_table,
)
from netlib.hubs._util import account_codes
from netlib.hubs.groups import operator_links
from netlib.hubs.leadlag import coordinated_pairs

DTYPES = ["object", "str", "category"]
T0_MONDAY = pd.Timestamp("2026-01-05T00:00:00Z")


def _as(frame: pd.DataFrame, columns: list[str], dtype: str) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        values = out[col].to_numpy(dtype=object)
        out[col] = (pd.Series(values, index=out.index, dtype=object) if dtype == "object"
                    else pd.Series(values, index=out.index).astype(dtype))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(IDS + [None]), max_size=12),
       st.lists(st.sampled_from(IDS), max_size=12))
def test_account_codes_are_positions_in_the_sorted_ids(first, second):
    codes = account_codes(pd.Series(first, dtype=object), pd.Series(second, dtype=object))
    ids = sorted({v for v in first + second if v is not None})
    assert codes.objects(np.arange(len(ids))).tolist() == ids
    assert codes.columns[0].tolist() == [ids.index(v) if v is not None else -1 for v in first]
    assert codes.columns[1].tolist() == [ids.index(v) for v in second]
    assert list(codes.strings(codes.columns[1])) == second


@settings(max_examples=30, deadline=None)
@given(pair_frames(min_rows=1), st.sampled_from(DTYPES))
def test_lead_lag_counts_and_medians_every_ordered_pair(pairs, dtype):
    got = lead_lag(_as(pairs, ["account_id", "account_id_y"], dtype))
    lags = defaultdict(list)
    for a, b, dt in pairs[["account_id", "account_id_y", "time_delta"]].itertuples(
            index=False):
        lags[(a, b)].append(dt)
    expect = sorted(((-len(v), a, b, float(np.median(v))) for (a, b), v in lags.items()))
    assert [(a, b, -n, m) for n, a, b, m in expect] == list(got.itertuples(index=False,
                                                                           name=None))


@settings(max_examples=30, deadline=None)
@given(pair_frames(min_rows=1), st.booleans(), st.sampled_from(DTYPES))
def test_leader_table_matches_a_per_account_loop(pairs, use_trace, dtype):
    if not use_trace:
        pairs = pairs.drop(columns="trace")
    got = leader_table(_as(pairs, ["account_id", "account_id_y"], dtype))
    keys = ["object_id", "trace"] if use_trace else ["object_id"]
    rows = []
    for acc in sorted(set(pairs["account_id"]) | set(pairs["account_id_y"])):
        lead_rows = pairs[pairs["account_id"] == acc]
        follow_rows = pairs[pairs["account_id_y"] == acc]
        big_l = mu = var = 0.0
        places = set(map(tuple, lead_rows[keys].to_numpy().tolist())) | set(
            map(tuple, follow_rows[keys].to_numpy().tolist()))
        for place in places:
            here_l = lead_rows[(lead_rows[keys] == list(place)).all(axis=1)]
            here_f = follow_rows[(follow_rows[keys] == list(place)).all(axis=1)]
            m = len(set(here_l["account_id_y"]) | set(here_f["account_id"])) + 1
            big_l, mu, var = big_l + len(here_l), mu + (m - 1) / 2, var + (m * m - 1) / 12
        diff = big_l - mu
        z = np.sign(diff) * max(abs(diff) - 0.5, 0) / np.sqrt(max(var, 1e-12))
        rows.append((acc, len(lead_rows), len(follow_rows),
                     lead_rows["account_id_y"].nunique(),
                     float(lead_rows["time_delta"].median()) if len(lead_rows) else np.nan,
                     z))
    expect = pd.DataFrame(rows, columns=["account_id", "n_lead", "n_follow", "n_followers",
                                         "median_lead_lag_s", "lead_z"]).set_index("account_id")
    got = got.set_index("account_id").loc[expect.index]
    for col in ["n_lead", "n_follow", "n_followers"]:
        assert got[col].tolist() == expect[col].tolist()
    np.testing.assert_allclose(got["median_lead_lag_s"], expect["median_lead_lag_s"])
    np.testing.assert_allclose(got["lead_z"], expect["lead_z"], atol=1e-12)
    np.testing.assert_allclose(got["lead_p_value"], stats.norm.sf(expect["lead_z"]))
    # sorted by lead_z descending, then account_id
    order = got.reset_index().sort_values(["lead_z", "account_id"], ascending=[False, True])
    assert leader_table(pairs)["account_id"].tolist() == order["account_id"].tolist()


@settings(max_examples=30, deadline=None)
@given(pair_frames(min_rows=1), st.lists(st.sampled_from([1, 2, 3]), min_size=5, max_size=5),
       st.sampled_from(DTYPES))
def test_coordinated_pairs_keeps_rows_within_one_cluster(pairs, labels, dtype):
    clusters = pd.DataFrame({"account_id": IDS[:5], "cluster_id": labels})
    got = coordinated_pairs(_as(pairs, ["account_id", "account_id_y"], dtype), clusters)
    member = dict(zip(IDS[:5], labels, strict=True))
    keep = [i for i, (a, b) in enumerate(zip(pairs["account_id"], pairs["account_id_y"],
                                             strict=True))
            if a != b and a in member and b in member and member[a] == member[b]]
    assert got.index.tolist() == pairs.index[keep].tolist()
    assert got["cluster_id"].tolist() == [member[pairs["account_id"].iloc[i]] for i in keep]
    assert got["object_id"].tolist() == pairs["object_id"].iloc[keep].tolist()


@settings(max_examples=30, deadline=None)
@given(pair_frames(min_rows=1), st.sampled_from(DTYPES))
def test_amplification_edges_count_reposts_and_copies(pairs, dtype):
    actions = pd.DataFrame({"action_id": ["x1", "x2", "x3", "x4"],
                            "account_id": ["a", "b", "c", "b"],
                            "kind": ["post", "repost", "repost", "quote"],
                            "object_id": [None, "x1", "x1", "x3"]})
    got = amplification_edges(actions, pairs=_as(pairs, ["account_id", "account_id_y"], dtype))
    expect = Counter([("b", "a"), ("c", "a"), ("b", "c")])
    for a, b, trace in pairs[["account_id", "account_id_y", "trace"]].itertuples(index=False):
        if trace == "text" and a != b:
            expect[(b, a)] += 1
    assert list(got.itertuples(index=False, name=None)) == [
        (a, b, n) for (a, b), n in sorted(expect.items())]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.integers(1, 4)),
                min_size=1, max_size=25), st.sampled_from(DTYPES))
def test_bridging_betweenness_and_strength_match_networkx(edges, dtype):
    frame = pd.DataFrame(edges, columns=["account_id", "account_id_y", "weight"])
    membership = pd.Series({i: i.lower()[:1] for i in IDS})
    got = bridging(_as(frame, ["account_id", "account_id_y"], dtype), membership)
    g = nx.Graph()
    for a, b, w in edges:
        if a != b:
            old = g.get_edge_data(a, b, {"weight": 0})["weight"]
            g.add_edge(a, b, weight=old + w)
    assert got["account_id"].tolist() == sorted(g.nodes)
    for _, _, d in g.edges(data=True):
        d["dist"] = 1.0 / d["weight"]
    btw = nx.betweenness_centrality(g, weight="dist", normalized=True)
    got = got.set_index("account_id")
    for node in g.nodes:
        assert got.loc[node, "coordination_strength"] == pytest.approx(
            g.degree(node, weight="weight"))
        assert got.loc[node, "betweenness"] == pytest.approx(btw[node], abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_activity_rhythm_links_match_a_per_account_loop(seed):
    rng = np.random.default_rng(seed)
    accounts = [f"u{i}" for i in range(12)]
    rows = []
    shared = rng.integers(0, 168, 4)
    for acc in accounts:
        # accounts favour a few hours of the week, partly shared with the others
        base = np.append(rng.choice(shared, 2), rng.integers(0, 168, 2))
        for _ in range(int(rng.integers(5, 40))):
            how = int(rng.choice(base)) if rng.random() < 0.7 else int(rng.integers(0, 168))
            rows.append((acc, T0_MONDAY + pd.Timedelta(days=7 * int(rng.integers(0, 4)),
                                                       hours=how)))
    actions = pd.DataFrame(rows, columns=["account_id", "timestamp"])
    membership = pd.Series({acc: ("A" if i % 3 else "B") for i, acc in enumerate(accounts)
                            if i != 5})
    got = operator_links(pd.DataFrame({"account_id": accounts}), actions, membership,
                         set(membership.index), rhythm_min_actions=15, rhythm_threshold=0.3)
    got = got[got["evidence"] == "activity_rhythm"]
    counts = actions.groupby("account_id").size()
    expect = set()
    for cluster in ("A", "B"):
        ids = sorted(a for a in membership.index
                     if membership[a] == cluster and counts.get(a, 0) >= 15)
        prof = {a: Counter(t.day_of_week * 24 + t.hour
                           for t in actions.loc[actions["account_id"] == a, "timestamp"])
                for a in ids}
        for a in ids:
            cos = {b: sum(prof[a][h] * prof[b][h] for h in range(168))
                   / np.sqrt(sum(v * v for v in prof[a].values())
                             * sum(v * v for v in prof[b].values()))
                   for b in ids if b != a}
            if not cos:
                continue
            best = max(cos, key=lambda b: (cos[b], -ids.index(b)))
            if cos[best] >= 0.3:
                expect.add(tuple(sorted((a, best))))
    assert set(zip(got["account_id"], got["account_id_y"], strict=True)) == expect
    assert expect   # the data makes some links


def test_group_offsets_fit_each_groups_own_actions():
    rng = np.random.default_rng(3)
    accounts = [f"u{i}" for i in range(8)]
    actions = pd.DataFrame({
        "account_id": rng.choice(accounts, 600),
        "timestamp": T0_MONDAY + pd.to_timedelta(rng.integers(0, 28 * 86400, 600), unit="s")})
    actions.loc[::50, "timestamp"] = pd.NaT
    # u1 sits in two groups; group "g9" has no actions; "x" is not in the actions
    membership = pd.DataFrame({"account_id": ["u0", "u1", "u1", "u2", "u3", "u4", "x"],
                               "group_id": ["g2", "g2", "g1", "g1", "g1", "g3", "g9"]})
    got = fit_group_offsets(actions, membership, group_column="group_id", n_boot=20,
                            min_actions=30).set_index("group_id")
    assert list(got.index) == ["g1", "g2", "g3", "g9"]
    for group in ["g1", "g2", "g3"]:
        ids = set(membership.loc[membership["group_id"] == group, "account_id"])
        mine = actions.loc[actions["account_id"].isin(ids), "timestamp"].dropna()
        expect = fit_offset(mine, n_boot=20, min_actions=30)
        assert got.loc[group, "n_actions"] == len(mine)
        for col in ["utc_offset_hours", "low", "high", "n_days", "pattern", "statement"]:
            assert got.loc[group, col] == expect[col]
    assert got.loc["g9", "n_actions"] == 0


def test_coordinated_pairs_without_clusters_keeps_nothing():
    pairs = pd.DataFrame({"object_id": ["o1"], "account_id": ["a"], "account_id_y": ["b"],
                          "time_delta": [1.0]})
    clusters = pd.DataFrame({"account_id": pd.Series([], dtype=str),
                             "cluster_id": pd.Series([], dtype="int64")})
    got = coordinated_pairs(pairs, clusters)
    assert got.empty and "cluster_id" in got.columns
