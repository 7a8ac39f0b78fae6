"""Real archives, real answers: floors under the numbers in docs/validation.md.

Each dataset is measured once per module by ``benchmarks/validate_real.py`` (the same code
that writes docs/validation.md), and each test asserts a floor slightly below what was
measured when the floor was set, so a regression cannot pass silently. Exact-parity
numbers (CooRTweet's reference outputs) are asserted exactly. A metric that crashes today
is marked ``xfail`` at the point of failure (not strict), so it turns green once fixed.

Runtime: about a minute, most of it ``netlib.analyze`` on the 441 IRA author files.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "validate_real.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("validate_real", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured():
    """``measured(name, realdata)``: one dataset's numbers, computed once per module."""
    script = _load_script()
    cache: dict = {}

    def get(name: str, realdata: Path) -> dict | str:
        if name not in cache:
            try:
                cache[name] = script.MEASURES[name](realdata)
            except Exception as err:  # noqa: BLE001 - the tests below decide what it means
                cache[name] = script.failed(err)
        return cache[name]

    return get


def _block(measured, name, realdata):
    res = measured(name, realdata)
    assert not isinstance(res, str), res  # a whole dataset crashing is a regression
    return res


# --- CooRTweet Russian: exact parity with CooRTweet's own output --------------------------------
@pytest.mark.parametrize("key, edges, components, largest, accounts",
                         [("tw60_mp2", 3721, 23, 2019, 2110), ("tw10_mp5", 20, 3, 10, 23)])
def test_russian_edges_and_components_match_coortweet(realdata, measured, key, edges,
                                                      components, largest, accounts):
    res = _block(measured, "russian", realdata)[key]
    assert not isinstance(res, str), res
    assert res["rows_equal"]
    assert res["edges"] == res["ref_edges"] == edges
    assert res["ref_edges_reproduced"] == 1.0 and res["extra_edges"] == 0
    assert res["weights_equal_share"] == 1.0
    assert res["components"] == res["ref_components"] == components
    assert res["largest"] == res["ref_largest"] == largest  # the vignette: 23, largest 2,019
    assert res["accounts"] == accounts
    assert res["ref_components_matched_exactly"] == 1.0


def test_russian_coortweet_components_are_cosharing_components_with_verdicts(realdata,
                                                                          measured):
    res = _block(measured, "russian", realdata)
    tier = res["tested_clusters"]
    assert not isinstance(tier, str), tier
    # every CooRTweet component (23, largest 2,019) is a netlib co-sharing component
    assert tier["ref_components_found_with_same_membership"] == tier["ref_components"] == 23
    assert tier["cosharing_components"] == 23
    assert tier["components_with_a_verdict"] == 23
    rows = res["per_component"]
    assert len(rows) == 23 and all(r["same_membership"] and r["verdict"] for r in rows)
    assert rows[0]["accounts"] == 2019
    # measured: none tested (almost every pair co-shared one object only), none confirmed
    assert 0 <= tier["components_confirmed"] <= tier["components_tested"] <= 23
    if tier["clustered_accounts"]:
        assert tier["clustered_accounts_in_components"] == 1.0


# --- CooRTweet German elections: co-URL groups across Facebook and Twitter -----------------------
def test_german_url_layer_matches_coortweet(realdata, measured):
    res = _block(measured, "german", realdata)["vignette_frame_pairs"]
    assert not isinstance(res, str), res
    assert res["rows_equal"] and res["pairs"] == 6760
    assert res["edges"] == 1772 and res["ref_edges_reproduced"] == 1.0
    assert res["weights_equal_share"] == 1.0
    assert (res["components"], res["largest"], res["accounts"]) == (104, 211, 616)
    assert res["ref_components_matched_exactly"] == 1.0
    assert res["cross_platform_edges"] == 11


def test_german_elections_load_through_netlib_load(realdata, measured):
    res = _block(measured, "german", realdata)
    if isinstance(res["load"], str):
        pytest.xfail(f"the multi-modal CooRTweet reader is being added: {res['load']}")
    assert res["load"]["accounts"] == 58_317  # every account of both platforms
    # through the loader: url_id is the link trace, whose co-shares are CooRTweet's co-URL edges
    pairs = res["load_link_trace_pairs"]
    assert not isinstance(pairs, str), pairs
    assert (pairs["edges"], pairs["ref_edges_reproduced"], pairs["weights_equal_share"]) == \
        (1772, 1.0, 1.0)
    assert pairs["cross_platform_edges"] == 11
    tiers = res["load_detect_link"]
    assert not isinstance(tiers, str), tiers
    # the co-sharing tier of detect on the loaded file holds CooRTweet's 104 components
    assert (tiers["cosharing_components"], tiers["cosharing_largest"],
            tiers["cosharing_accounts"]) == (104, 211, 616)
    assert tiers["clusters"] >= 1  # measured 22
    # the one cross-platform group of earlier rounds held a Twitter account by one URL it
    # shared within a minute with two Facebook pages: one coincidence, no longer enough to
    # join (clusters.attach_accounts); the cross-platform edges stay in the co-sharing tier
    assert tiers["cross_platform_clusters"] == 0


# --- IRA: clusters against Linvill-Warren categories, mirrors, hubs ------------------------------
def test_ira_clusters_follow_the_linvill_warren_categories(realdata, measured):
    res = _block(measured, "ira", realdata)
    assert res["accounts"] == 441
    assert res["timestamp_resolution_s"] == 60.0   # the files keep minutes
    # confirmation split by object (was: by day parity, 0.510 / 0.634 / 0.747)
    assert res["share_clustered"] >= 0.42          # measured 0.469
    assert res["nmi_cluster_vs_category"] >= 0.51  # measured 0.606
    assert res["majority_label_share"] >= 0.65     # measured 0.715


def test_ira_reregistered_handles_and_mirrors(realdata, measured):
    res = _block(measured, "ira", realdata)
    if "analyze" in res:
        pytest.xfail(f"netlib.analyze does not run in this tree (mirrors/hubs configs being "
                     f"merged): {res['analyze']}")
    assert res["reregistered_handles"] == 8  # a fact of the data: the reader keeps them apart
    assert res["reregistered_pairs_non_overlapping"] == 4  # re-registrations (no overlap)
    # no takedown times in the files: removals are inferred by default, links found
    assert res["mirror_links"] >= 6                       # measured 10
    assert res["reregistered_pairs_linked"] == 4          # every re-registered handle
    assert res["mirror_predecessors_by_source"].get("inferred", 0) > 0
    # the known TEN_GOP backup is found without any flag
    assert any(link.startswith("TEN_GOP -> realTEN_GOP") for link in res["mirror_link_list"])


def test_ira_hubs_against_mention_in_degree(realdata, measured):
    res = _block(measured, "ira", realdata)
    if "analyze" in res:
        pytest.xfail(f"netlib.analyze does not run in this tree (mirrors/hubs configs being "
                     f"merged): {res['analyze']}")
    # retweets the reader points at their originals give the amplification edges (the
    # files hold no retweet ids): measured 1,578 retweets, 547 account pairs
    assert res["retweets_at_originals"] >= 1000
    assert res["interaction_edges"] >= 400
    # weak (measured 0.239 over all 441 accounts, 0.157 before the retweets had
    # originals); the floor keeps it from getting worse
    assert res["hub_spearman_all_accounts"] >= 0.18
    assert res["top20_overlap"] >= 1  # measured 3


# --- Wikipedia ban evasion: names and times only -------------------------------------------------
def test_wiki_ban_evasion_signals(realdata, measured):
    res = _block(measured, "wiki", realdata)
    assert res["pairs"] == 27
    assert res["true_pairs_among_candidates"] >= 4  # measured 4
    assert res["signal_fires_on_true_pairs"]["handle_sim"] >= 4
    assert set(res["signal_recall_on_true_pairs"]) == set(res["signal_fires_on_true_pairs"])
    assert res["best_score"] >= 0.9                 # measured 0.983
    assert res["best_pair"].startswith("Wikipedia Is Communism")
    assert res["pairs_linked"] >= 3                 # measured 3 (1 before the reduced models)
    # every close-name pair inside the successor window but one (Jimitesh, 17 days, 0.86)
    assert res["close_name_pairs"] == 6 and res["close_name_pairs_linked"] >= 3
    assert res["wrong_links"] == 0
