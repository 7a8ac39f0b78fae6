"""Watch-list reading and complaint triage."""

from __future__ import annotations

from types import SimpleNamespace

import hypothesis.strategies as st
import pandas as pd
import pytest
from hostile_world import HANDLES, hostile_analysis
from hypothesis import HealthCheck, given, settings

import netlib
from netlib.dataset import normalize_handle
from netlib.io.watchlist import read_watchlist, watchlist_frame
from netlib.triage import CATEGORIES, TRIAGE_COLUMNS, triage


@pytest.fixture(scope="module")
def analysis():
    return hostile_analysis(with_triage=False)


def _by_handle(out: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["handle"]: row for _, row in out.iterrows()}


def test_categories_and_evidence(analysis):
    watch = pd.DataFrame({"handle": ["@Alice_Ops", "dave_old2", "carol.news", "dave_old",
                                     "erin_quiet", "nobody_here"]})
    out = triage(watch, analysis)
    assert list(out.columns[:len(TRIAGE_COLUMNS)]) == list(TRIAGE_COLUMNS)
    rows = _by_handle(out)
    assert rows["@Alice_Ops"]["category"] == "operator"
    assert rows["@Alice_Ops"]["hub_rank"] == 1 and rows["@Alice_Ops"]["cluster_id"] == "1"
    assert rows["dave_old2"]["category"] == "mirror"
    assert rows["dave_old2"]["mirror_of"] == "a4" and rows["dave_old2"]["mirror_score"] == 0.91
    assert "likely re-creation of @dave_old" in rows["dave_old2"]["evidence"]
    assert rows["carol.news"]["category"] == "network_member"
    assert rows["dave_old"]["category"] == "recreated"
    assert rows["dave_old"]["successors"] == "a5"
    assert rows["erin_quiet"]["category"] == "no_signal"
    assert rows["nobody_here"]["category"] == "not_found"
    assert not rows["nobody_here"]["found"]
    assert "not found in the data" in rows["nobody_here"]["evidence"]
    # review order follows the category order
    ordered = out.sort_values("priority")["category"].map(CATEGORIES.index).tolist()
    assert ordered == sorted(ordered)
    assert sorted(out["priority"]) == list(range(1, len(out) + 1))


def test_match_by_account_id_and_platform(analysis):
    watch = pd.DataFrame({"account_id": ["a2", "zz", ""], "handle": ["", "", "carol.news"],
                          "platform": ["", "", "x"]})
    out = triage(watch, analysis)
    assert out["match"].tolist() == ["account_id", "none", "none"]
    assert out["matched_account_ids"].tolist() == ["a2", "", ""]
    # carol.news is on facebook, so a complaint about it on x matches nothing
    assert out.loc[2, "category"] == "not_found"
    assert "on x" in out.loc[2, "evidence"]


def test_profile_url_and_blank_entries(analysis):
    watch = pd.DataFrame({"handle": ["https://x.com/Bob_Amplifier?s=20", "", "  "],
                          "note": ["url", "blank", "spaces"]})
    out = triage(watch, analysis)
    assert out.loc[0, "matched_account_ids"] == "a2"
    assert out.loc[1:, "category"].tolist() == ["invalid_entry", "invalid_entry"]
    assert out["note"].tolist() == ["url", "blank", "spaces"]


def test_triage_without_results_and_bad_parameter(analysis):
    bare = SimpleNamespace(dataset=analysis.dataset)
    out = triage(pd.DataFrame({"handle": HANDLES}), bare)
    assert out["category"].eq("no_signal").all() and out["found"].all()
    with pytest.raises(netlib.ParameterError, match="top_hubs"):
        triage(pd.DataFrame({"handle": ["a"]}), bare, top_hubs=-1)


def test_watchlist_needs_handle_or_id(tmp_path):
    path = tmp_path / "complaints.csv"
    path.write_text("name,when\nx,2024-01-01\n", encoding="utf-8")
    with pytest.raises(netlib.DataFormatError, match=r"complaints.csv: no handle or account_id"):
        read_watchlist(path)


def test_read_watchlist_aliases_and_txt(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("Username,Network,Date,Comment,extra\n@a,x,2024-03-01T10:00:00+02:00,n,1\n"
                    ",,,,2\n", encoding="utf-8")
    out = read_watchlist(path)
    assert out.columns[:6].tolist() == ["entry", "handle", "account_id", "platform",
                                        "received_at", "note"]
    assert out["entry"].tolist() == [1, 2] and out["extra"].tolist() == ["1", "2"]
    assert out.loc[0, "received_at"] == pd.Timestamp("2024-03-01T08:00:00Z")
    assert pd.isna(out.loc[1, "received_at"])
    txt = tmp_path / "w.txt"
    txt.write_text("# comment\n@one\n\ntwo\n", encoding="utf-8")
    assert read_watchlist(txt)["handle"].tolist() == ["@one", "two"]
    with pytest.raises(netlib.DataFormatError, match="not found"):
        read_watchlist(tmp_path / "missing.txt")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from([*HANDLES, "@ALICE_OPS", "ghost"]),
                          st.text(max_size=12)), max_size=15))
def test_every_entry_kept_and_found_iff_handle_exists(analysis, handles):
    """Oracle: an entry is found exactly when some account's normalised handle equals it."""
    known = {normalize_handle(h) for h in analysis.dataset.accounts["handle"]}
    out = triage(pd.DataFrame({"handle": handles}), analysis)
    assert len(out) == len(handles)
    assert out["entry"].tolist() == list(range(1, len(handles) + 1))
    for handle, found in zip(handles, out["found"], strict=True):
        text = handle.strip()
        if "/" in text:
            continue  # profile-URL handling: covered above
        assert found == (bool(text) and normalize_handle(text) in known)
    assert set(out["category"]) <= set(CATEGORIES)


def test_watchlist_frame_is_idempotent():
    once = watchlist_frame(pd.DataFrame({"handle": ["a"], "note": ["n"]}))
    pd.testing.assert_frame_equal(watchlist_frame(once), once)


def test_triage_and_reader_errors_name_the_problem(analysis, tmp_path):
    with pytest.raises(netlib.DataFormatError, match="no handle or account_id column"):
        triage(pd.DataFrame({"name": ["x"]}), analysis)
    with pytest.raises(netlib.DataFormatError, match="missing.csv: file not found"):
        read_watchlist(tmp_path / "missing.csv")


def test_handle_reuse_is_resolved_by_the_received_date():
    accounts = pd.DataFrame({
        "account_id": ["old", "new"], "platform": ["x", "x"], "handle": ["newsdaily"] * 2,
        "created_at": ["2023-01-01", "2024-06-01"], "status": ["suspended", "active"],
        "suspended_at": ["2024-05-01", ""]})
    actions = pd.DataFrame({"action_id": ["p"], "account_id": ["new"],
                            "timestamp": ["2024-07-01T00:00:00Z"], "kind": ["post"]})
    data = netlib.Dataset.from_frames(accounts, actions, now=pd.Timestamp("2025-01-01", tz="UTC"))
    bare = SimpleNamespace(dataset=data)
    watch = pd.DataFrame({"handle": ["newsdaily"] * 3,
                          "received_at": ["2024-03-01", "2024-08-01", ""]})
    out = triage(watch, bare)
    assert out["matched_account_ids"].tolist() == ["old", "new", "old new"]
    assert "did not exist when the entry was received" in out.loc[0, "evidence"]
    assert "did not exist" not in out.loc[2, "evidence"]


def test_default_operator_cut_scales_with_the_number_of_networks(analysis):
    hubs = pd.DataFrame({"account_id": ["a1", "a2", "a3"], "hub_score": [0.9, 0.8, 0.7],
                         "rank": [1, 11, 13]})
    clusters = pd.DataFrame({"account_id": [f"z{i}" for i in range(12)] + ["a1", "a2", "a3"],
                             "cluster_id": list(range(6)) * 2 + [0, 1, 2]})
    rich = SimpleNamespace(dataset=analysis.dataset, hubs=SimpleNamespace(hubs=hubs),
                           coordination=SimpleNamespace(clusters=clusters))
    out = triage(pd.DataFrame({"account_id": ["a1", "a2", "a3"]}), rich)
    assert out["likely_operator"].tolist() == [True, True, False]  # cut = 2 x 6 networks
    out = triage(pd.DataFrame({"account_id": ["a1", "a2"]}), rich, top_hubs=1)
    assert out["likely_operator"].tolist() == [True, False]


def test_triage_table_follows_the_result_protocol():
    from netlib.results import Result

    analysis = hostile_analysis(with_triage=False)
    out = triage(pd.DataFrame({"handle": HANDLES}), analysis)
    assert isinstance(out, Result)
    assert out.params["entries"] == len(HANDLES)
    assert out.fingerprint == analysis.dataset.fingerprint()
    assert list(out.tables()) == ["triage", "complaint_campaigns"]
    assert type(out.tables()["triage"]) is pd.DataFrame
    first = out.sort_values("priority").iloc[0]
    assert out.evidence(first["entry"])["entry"].tolist() == [first["entry"]]
