"""netlib.evaluate against small cases computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netlib import ParameterError
from netlib.evaluate import (
    score_accounts,
    score_analysis,
    score_clusters,
    score_complaints,
    score_hubs,
    score_links,
    score_timezones,
)


@pytest.fixture
def truth() -> dict[str, pd.DataFrame]:
    return {
        "coordinated": pd.DataFrame({
            "account_id": ["a", "b", "c", "d", "e", "f"],
            "network_id": ["N1", "N1", "N1", "N2", "N2", "N2"],
            "role": ["operator", "amplifier", "amplifier", "operator", "amplifier",
                     "amplifier"],
            "generation": [0, 0, 1, 0, 0, 1]}),
        "networks": pd.DataFrame({"network_id": ["N1", "N2"], "utc_offset_hours": [3.0, -5.0]}),
        "mirrors": pd.DataFrame({"predecessor_id": ["p1", "p2", "s1"],
                                 "successor_id": ["s1", "s2", "s3"]}),
        "operators": pd.DataFrame({"account_id": ["a", "d"], "network_id": ["N1", "N2"]}),
        "benign": pd.DataFrame({"account_id": ["news"], "kind": ["news_outlet"]}),
    }


def test_score_accounts_counts_by_hand(truth):
    got = score_accounts(["a", "b", "news", "a"], truth)
    # tp = {a, b}; fp = {news}; fn = {c, d, e, f}
    assert (got["tp"], got["fp"], got["fn"]) == (2, 1, 4)
    assert got["precision"] == pytest.approx(2 / 3)
    assert got["recall"] == pytest.approx(2 / 6)
    assert got["f1"] == pytest.approx(2 * (2 / 3) * (1 / 3) / (2 / 3 + 1 / 3))
    assert got["benign_flagged"] == 1
    assert got["n_flagged"] == 3 and got["n_true"] == 6


def test_score_accounts_nothing_flagged(truth):
    got = score_accounts([], truth)
    assert got["precision"] == 0.0 and got["recall"] == 0.0 and got["f1"] == 0.0


def test_score_clusters_perfect_with_other_labels(truth):
    clusters = pd.DataFrame({"account_id": list("abcdef"), "cluster_id": [7, 7, 7, 2, 2, 2]})
    got = score_clusters(clusters, truth)
    assert got["ari"] == pytest.approx(1.0)
    assert got["nmi"] == pytest.approx(1.0)
    assert got["purity"] == 1.0
    assert got["networks_found"] == 2 and got["n_clusters"] == 2


def test_score_clusters_ari_by_hand(truth):
    # f is missing, so it is a singleton: contingency (N1,K1)=3, (N2,K2)=2, (N2,f)=1.
    # index = C(3,2)+C(2,2) = 4; rows = 3+3 = 6; cols = 3+1 = 4; C(6,2) = 15
    # expected = 6*4/15 = 1.6; max = (6+4)/2 = 5; ARI = (4-1.6)/(5-1.6) = 12/17
    clusters = pd.DataFrame({"account_id": list("abcde"), "cluster_id": ["K1"] * 3 + ["K2"] * 2})
    got = score_clusters(clusters, truth)
    assert got["ari"] == pytest.approx(12 / 17)
    assert got["recall"] == pytest.approx(5 / 6)
    assert got["networks_found"] == 2


def test_score_clusters_one_big_cluster_has_zero_ari(truth):
    four = {"coordinated": truth["coordinated"].iloc[[0, 1, 3, 4]]}
    # contingency (N1,K)=2, (N2,K)=2 -> index 2 = expected 2*6/6 -> ARI 0
    clusters = pd.DataFrame({"account_id": ["a", "b", "d", "e"], "cluster_id": 1})
    got = score_clusters(clusters, four)
    assert got["ari"] == pytest.approx(0.0)
    assert got["networks_found"] == 0  # the cluster is only half N1 and half N2


def test_score_clusters_organic_members_lower_purity(truth):
    clusters = pd.DataFrame({"account_id": list("abcdef") + ["x", "y"],
                             "cluster_id": [1, 1, 1, 2, 2, 2, 1, 1]})
    got = score_clusters(clusters, truth)
    assert got["purity"] == pytest.approx(6 / 8)
    assert got["precision"] == pytest.approx(6 / 8)


def test_score_links_by_hand(truth):
    links = pd.DataFrame({"predecessor_id": ["p1", "s2", "x", "p9"],
                          "successor_id": ["s1", "p2", "s3", "s1"],
                          "score": [0.9, 0.8, 0.7, 0.95], "rank": [2, 1, 1, 1]})
    got = score_links(links, truth)
    assert (got["tp"], got["fp"], got["fn"]) == (1, 3, 2)
    assert got["reversed"] == 1
    # best predecessor of s1 is p9 (0.95), of s3 is x, none for s2 -> 0 of 3
    assert got["successor_top1"] == 0.0
    top1 = score_links(links, truth, top=1)
    assert top1["tp"] == 0 and top1["n_links"] == 3


def test_score_links_top_needs_rank(truth):
    links = pd.DataFrame({"predecessor_id": ["p1"], "successor_id": ["s1"]})
    with pytest.raises(ParameterError, match="rank"):
        score_links(links, truth, top=1)


def test_score_hubs_by_hand(truth):
    hubs = pd.DataFrame({"account_id": ["a", "x", "d", "y"], "hub_score": [4.0, 3.0, 2.0, 1.0]})
    got = score_hubs(hubs, truth)
    assert got["k"] == 2
    assert got["precision_at_k"] == 0.5 and got["recall_at_k"] == 0.5
    assert got["average_precision"] == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert got["mrr"] == 1.0
    by_rank = score_hubs(hubs.assign(rank=[4, 3, 2, 1]), truth, k=1)
    assert by_rank["precision_at_k"] == 0.0  # y ranks first
    assert by_rank["mrr"] == pytest.approx(1 / 2)


def test_score_hubs_errors(truth):
    with pytest.raises(ParameterError, match="rank"):
        score_hubs(pd.DataFrame({"account_id": ["a"]}), truth)
    with pytest.raises(ParameterError, match="at least 1"):
        score_hubs(pd.DataFrame({"account_id": ["a"], "rank": [1]}), truth, k=0)


def test_score_timezones_by_hand(truth):
    clusters = pd.DataFrame({"account_id": list("abcdef"), "cluster_id": [1, 1, 1, 2, 2, 2]})
    tz = pd.DataFrame({"cluster_id": [1, 2], "utc_offset_hours": [2.5, 19.5],
                       "low": [2.0, 18.0], "high": [4.0, 21.0]})
    got = score_timezones(tz, clusters, truth).set_index("cluster_id")
    assert got.loc[1, "error_hours"] == pytest.approx(0.5)
    # 19.5 h is -4.5 h around the clock: 0.5 h from N2's -5
    assert got.loc[2, "error_hours"] == pytest.approx(0.5)
    assert bool(got.loc[2, "in_interval"])  # -5 + 24 = 19 lies in [18, 21]
    assert got.attrs["summary"]["share_within_1h"] == 1.0


def test_score_timezones_organic_cluster_is_not_scored(truth):
    clusters = pd.DataFrame({"account_id": ["x", "y"], "cluster_id": [9, 9]})
    tz = pd.DataFrame({"cluster_id": [9], "utc_offset_hours": [0.0]})
    got = score_timezones(tz, clusters, truth)
    assert math.isnan(got.loc[0, "error_hours"])
    assert got.attrs["summary"]["n_scored"] == 0


@pytest.mark.parametrize("call", [
    lambda t: score_clusters(pd.DataFrame({"account_id": ["a"]}), t),
    lambda t: score_links(pd.DataFrame({"successor_id": ["a"]}), t),
    lambda t: score_timezones(pd.DataFrame({"cluster_id": [1]}),
                              pd.DataFrame({"account_id": ["a"], "cluster_id": [1]}), t),
])
def test_missing_columns_are_named(truth, call):
    with pytest.raises(ParameterError, match="lacks column"):
        call(truth)


def test_truth_must_be_tables():
    with pytest.raises(ParameterError, match="dict of DataFrames"):
        score_accounts(["a"], ["not", "a", "dict"])
    with pytest.raises(ParameterError, match="no 'coordinated' table"):
        score_accounts(["a"], {})


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=30),
       st.permutations(list(range(5))))
def test_relabelled_truth_scores_perfectly(labels, perm):
    ids = [f"u{i}" for i in range(len(labels))]
    truth = {"coordinated": pd.DataFrame({"account_id": ids,
                                          "network_id": [f"N{v}" for v in labels]})}
    clusters = pd.DataFrame({"account_id": ids, "cluster_id": [perm[v] for v in labels]})
    got = score_clusters(clusters, truth)
    assert got["ari"] == pytest.approx(1.0)
    assert got["purity"] == 1.0
    assert got["f1"] == 1.0


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(0, 20)), st.sets(st.integers(0, 20), min_size=1))
def test_account_scores_are_bounded(flagged, true):
    truth = {"coordinated": pd.DataFrame({"account_id": [str(v) for v in sorted(true)]})}
    got = score_accounts([str(v) for v in flagged], truth)
    assert 0.0 <= got["precision"] <= 1.0 and 0.0 <= got["recall"] <= 1.0
    assert got["tp"] + got["fn"] == len(true)
    assert got["tp"] + got["fp"] == len(flagged)


def test_score_complaints_by_hand():
    truth = {"complaints": pd.DataFrame({
        "complaint_id": ["C1", "C2", "C3", "C4", "C5"],
        "expected_category": ["operator", "network_member", "mirror", "innocent_lookalike",
                              "innocent"]})}
    triage = pd.DataFrame({"complaint_id": ["C5", "C4", "C3", "C2", "C1"],
                           "category": ["no_signal", "mirror", "network_member", "recreated",
                                        "operator"]})
    got = score_complaints(triage, truth)
    # C1 right, C2 right (recreated = network member), C3 wrong category but flagged,
    # C4 an innocent look-alike wrongly flagged, C5 right
    assert got["accuracy"] == pytest.approx(3 / 5)
    assert got["flag_accuracy"] == pytest.approx(4 / 5)
    assert got["innocent_flagged"] == 1 and got["missed"] == 0
    assert got["confusion"].loc["innocent_lookalike", "mirror"] == 1


def test_score_complaints_needs_a_way_to_match():
    truth = {"complaints": pd.DataFrame({"complaint_id": ["C1", "C2"],
                                         "expected_category": ["operator", "innocent"]})}
    with pytest.raises(ParameterError, match="no complaint_id"):
        score_complaints(pd.DataFrame({"category": ["operator"]}), truth)
    by_order = score_complaints(pd.DataFrame({"category": ["operator", "not_found"]}), truth)
    assert by_order["accuracy"] == 1.0


def test_score_analysis_collects_what_is_there(truth):
    from types import SimpleNamespace

    run = SimpleNamespace(
        coordination=SimpleNamespace(clusters=pd.DataFrame(
            {"account_id": list("abcdef"), "cluster_id": [1, 1, 1, 2, 2, 2]})),
        mirrors=SimpleNamespace(links=pd.DataFrame(
            {"predecessor_id": ["p1"], "successor_id": ["s1"], "score": [1.0]})),
        hubs=None, triage=None)
    got = score_analysis(run, truth)
    assert set(got["area"]) == {"accounts", "clusters", "mirrors"}
    value = got.set_index(["area", "metric"])["value"]
    assert value[("clusters", "ari")] == pytest.approx(1.0)
    assert value[("mirrors", "recall")] == pytest.approx(1 / 3)
    assert score_analysis(SimpleNamespace(), truth).empty
