"""Coordinated complaint campaigns: found when planted, absent from organic complaint streams."""

from __future__ import annotations

import html
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hostile_world import FORMULA, SCRIPT, hostile_analysis

import netlib
from netlib import synth
from netlib.errors import ParameterError
from netlib.io.watchlist import read_watchlist, watchlist_frame
from netlib.report import render_report
from netlib.safe import write_csv
from netlib.triage import CampaignConfig, complaint_campaigns, triage

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _campaign_entries(out: pd.DataFrame) -> dict[str, set[int]]:
    rows = out[out["complaint_campaign_id"].ne("")]
    return {c: set(g["entry"].astype(int)) for c, g in rows.groupby("complaint_campaign_id")}


def _planted(truth: pd.DataFrame, complaints: pd.DataFrame) -> set[int]:
    """Entries (1-based rows of the complaints file) of the planted campaign, from the truth."""
    ids = set(truth.loc[truth["campaign_id"].fillna("").ne(""), "complaint_id"])
    return {i + 1 for i, c in enumerate(complaints["complaint_id"]) if c in ids}


def test_sample_campaign_is_found_and_nothing_else():
    data = netlib.load(SAMPLE)
    watch = read_watchlist(SAMPLE / "complaints.csv")
    truth = pd.read_csv(SAMPLE / "truth" / "complaints.csv", dtype=str, keep_default_na=False)
    planted = _planted(truth, pd.read_csv(SAMPLE / "complaints.csv", dtype=str))
    assert len(planted) >= 12
    out = triage(watch, SimpleNamespace(dataset=data))
    assert _campaign_entries(out) == {"CC1": planted}
    assert (out.loc[out["entry"].isin(planted), "campaign_size"] == len(planted)).all()
    organic = out[~out["entry"].isin(planted)]
    assert organic["complaint_campaign_id"].eq("").all()
    assert organic["campaign_size"].isna().all()
    # the evidence: which complaints, which submitters, the shared text, the span, the test
    camp = out.campaigns.iloc[0]
    target = truth.loc[truth["campaign_id"].ne(""), "account_id"].unique()
    assert camp["target"] == target[0] and len(target) == 1
    sent = pd.read_csv(SAMPLE / "complaints.csv", dtype=str, keep_default_na=False)
    in_camp = sent.iloc[sorted(e - 1 for e in planted)]
    assert set(camp["submitters"].split()) == set(in_camp["submitter_id"])
    assert camp["n_submitters"] == in_camp["submitter_id"].nunique()
    assert camp["shared_text"] in set(in_camp["text"])
    times = pd.to_datetime(in_camp["received_at"], utc=True)
    assert camp["span_hours"] == round((times.max() - times.min()).total_seconds() / 3600, 2)
    assert camp["observed"] > 5 * camp["expected"] and camp["q_value"] < 1e-6
    # the campaign says nothing against its target: an ordinary account stays "no signal"
    assert set(out.loc[out["entry"].isin(planted), "category"]) == {"no_signal"}
    assert "not evidence against its target" in out.loc[out["entry"].isin(planted),
                                                         "evidence"].iloc[0]


def _world(seed: int) -> synth.Scenario:
    return synth.generate(seed=seed, scale=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_synthetic_worlds_with_and_without_a_campaign(seed):
    scenario = _world(seed)
    complaints = scenario.complaints
    truth = scenario.truth["complaints"]
    planted = _planted(truth, complaints)
    analysis = SimpleNamespace(dataset=scenario.dataset)
    out = triage(complaints, analysis)
    assert _campaign_entries(out) == {"CC1": planted}
    organic = complaints[~complaints["complaint_id"].isin(
        truth.loc[truth["campaign_id"].ne(""), "complaint_id"])]
    assert _campaign_entries(triage(organic.reset_index(drop=True), analysis)) == {}


def _organic_stream(rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    """Many people complaining about many accounts, several about the same popular ones,
    in stock phrases ("spam", "fake account") and their own words, over three months."""
    stock = ["spam", "fake account", "copy-paste posts", "harassment in replies",
             "impersonating someone", "scam links"]
    targets = [f"acct{int(i)}" for i in rng.zipf(1.6, size=n) % 150]
    start = pd.Timestamp("2025-01-01", tz="UTC")
    when = start + pd.to_timedelta(np.sort(rng.uniform(0, 90 * 86400, size=n)), unit="s")
    text = [stock[int(rng.integers(len(stock)))] if rng.random() < 0.4 else
            f"{stock[int(rng.integers(len(stock)))]}, seen on day {int(rng.integers(90))} by "
            f"me ({int(rng.integers(10**6))})" for _ in range(n)]
    submitter = [f"s{int(rng.integers(300))}" for _ in range(n)]
    return pd.DataFrame({"handle": targets, "received_at": when, "text": text,
                         "submitter_id": submitter})


@pytest.mark.parametrize("seed", range(5))
def test_no_campaign_in_organic_streams(seed):
    stream = _organic_stream(np.random.default_rng(seed))
    assert stream["handle"].value_counts().iloc[0] >= 20  # a much-reported account
    found = complaint_campaigns(watchlist_frame(stream))
    assert found.campaigns.empty
    assert len(found.tests) > 10  # the popular targets were tested


@pytest.mark.parametrize("how", ["text", "submitters"])
def test_planted_burst_in_an_organic_stream_is_found(how):
    rng = np.random.default_rng(11)
    stream = _organic_stream(rng)
    t0 = pd.Timestamp("2025-02-10T08:00", tz="UTC")
    n = 10
    burst = pd.DataFrame({
        "handle": ["critic_voice"] * n,
        "received_at": t0 + pd.to_timedelta(np.sort(rng.uniform(0, 3 * 3600, n)), unit="s"),
        "text": (["This user spreads lies about our leader, ban him now"] * n if how == "text"
                 else [f"my own words, number {i} of many ({int(rng.integers(10**6))})"
                       for i in range(n)]),
        "submitter_id": ([f"x{i}" for i in range(n)] if how == "text"
                         else ["b1", "b2", "b3"] * 3 + ["b1"])})
    entries = watchlist_frame(pd.concat([stream, burst], ignore_index=True))
    found = complaint_campaigns(entries)
    assert found.campaigns["target"].tolist() == ["critic_voice"]
    camp = found.campaigns.iloc[0]
    assert camp["campaign_size"] == n
    assert set(map(int, camp["entries"].split())) == set(range(len(stream) + 1,
                                                                len(stream) + n + 1))
    pairs = "n_text_pairs" if how == "text" else "n_submitter_pairs"
    assert camp[pairs] > 0


def test_campaign_config_errors():
    with pytest.raises(ParameterError, match="min_size"):
        CampaignConfig(min_size=1)
    with pytest.raises(ParameterError, match="fdr"):
        CampaignConfig(fdr=0)
    with pytest.raises(ParameterError, match="text_threshold"):
        CampaignConfig(text_threshold=1.5)
    with pytest.raises(ParameterError, match="unknown complaint campaign option"):
        complaint_campaigns(watchlist_frame(pd.DataFrame({"handle": ["a"]})), windw=5)
    with pytest.raises(ParameterError, match="1 targets for 2 entries"):
        complaint_campaigns(watchlist_frame(pd.DataFrame({"handle": ["a", "b"]})),
                            pd.Series(["a"]))


def test_watchlist_complaint_columns(tmp_path):
    path = tmp_path / "complaints.csv"
    path.write_text("username,reporter,complaint_text,profile_url,date\n"
                    "a,s1,hello,https://x.com/a,2025-01-01\n"
                    "b,s2,,javascript:alert(1),2025-01-02\n"
                    ",s3,hi,https://x.com/c,\n", encoding="utf-8")
    out = read_watchlist(path)
    assert list(out.columns[:9]) == ["entry", "handle", "account_id", "platform",
                                     "received_at", "note", "submitter_id", "text",
                                     "target_url"]
    assert out["target_url"].tolist() == ["https://x.com/a", "", "https://x.com/c"]
    assert out.attrs["rejected_values"] == {"target_url": 1}
    assert "row 2, column target_url" in out.attrs["warnings"][0]
    assert len(out) == 3  # nothing dropped


def test_target_url_matches_when_the_handle_is_missing():
    analysis = hostile_analysis(with_triage=False)
    out = triage(pd.DataFrame({"handle": [""], "target_url": ["https://x.com/erin_quiet/"]}),
                 analysis)
    assert out.loc[0, "matched_account_ids"] == "a6"


def test_hostile_campaign_text_stays_escaped(tmp_path):
    analysis = hostile_analysis(with_triage=False)
    n = 8
    watch = pd.DataFrame({
        "handle": ["erin_quiet"] * n,
        "received_at": pd.date_range("2024-02-01T10:00Z", periods=n, freq="10min"),
        "text": [f"{SCRIPT} remove this account"] * n,
        "submitter_id": [FORMULA] * n})
    organic = pd.DataFrame({
        "handle": [f"someone{i}" for i in range(40)],
        "received_at": pd.date_range("2024-01-01T00:00Z", periods=40, freq="19h"),
        "text": [f"my complaint {i} {'x' * i}" for i in range(40)],
        "submitter_id": [f"p{i}" for i in range(40)]})
    analysis.triage = triage(pd.concat([watch, organic], ignore_index=True), analysis)
    camp = analysis.triage.campaigns
    assert len(camp) == 1 and camp.loc[0, "campaign_size"] == n
    page = render_report(analysis)
    assert "A coordinated complaint campaign" in page
    assert "<script>document.title" not in page
    assert html.escape("<script>document.title", quote=False) in page
    write_csv(analysis.triage.tables()["complaint_campaigns"], tmp_path / "c.csv")
    written = (tmp_path / "c.csv").read_text(encoding="utf-8")
    assert "\n=HYPERLINK" not in written and ",=HYPERLINK" not in written


def test_analyze_notes_the_target_urls_set_aside(tiny_scenario, tmp_path):
    from netlib import pipeline
    from netlib.io.scenario import write_scenario

    folder = write_scenario(tiny_scenario, tmp_path / "data")
    watch = tmp_path / "watch.csv"
    handle = tiny_scenario.dataset.accounts["handle"].iloc[0]
    watch.write_text(f"handle,target_url\n{handle},javascript:alert(1)\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="row 1, column target_url"):
        pipeline.analyze_path(folder, tmp_path / "out", watchlist=watch, progress=False)
    rows = pd.read_csv(tmp_path / "out" / "triage.csv", dtype=str, keep_default_na=False)
    assert len(rows) == 1 and rows.loc[0, "target_url"] == "" and rows.loc[0, "found"] == "True"
