"""The registry of removed accounts and screening of new accounts against it."""

from __future__ import annotations

import csv
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

import netlib
from netlib.cli import main
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.io import write_interchange
from netlib.registry import (
    ALERT_COLUMNS,
    Registry,
    RegistryError,
    ScreenConfig,
    register,
    register_dataset,
    screen,
)
from netlib.registry.sketch import minhash, minhash_similarity

T0 = pd.Timestamp("2025-03-01", tz="UTC")


def _world(accounts: list[dict], actions: list[dict] | None = None) -> Dataset:
    acc = pd.DataFrame(accounts)
    for col in ("display_name", "bio", "url", "profile_image_hash", "status", "suspended_at"):
        if col not in acc:
            acc[col] = None
    act = pd.DataFrame(actions or [], columns=["action_id", "account_id", "timestamp", "kind",
                                               "text"])
    return Dataset.from_frames(acc, act, now=pd.Timestamp("2026-01-01", tz="UTC"))


def _removed(account_id: str, handle: str, down: pd.Timestamp, **extra) -> dict:
    return {"account_id": account_id, "platform": "x", "handle": handle,
            "created_at": down - pd.Timedelta(days=200), "status": "suspended",
            "suspended_at": down, **extra}


def _new(account_id: str, handle: str, created: pd.Timestamp, **extra) -> dict:
    return {"account_id": account_id, "platform": "x", "handle": handle,
            "created_at": created, "status": "active", **extra}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "registry.duckdb"


# --- sketches ------------------------------------------------------------------------------
def test_minhash_estimates_jaccard_against_exact_sets():
    rng = np.random.default_rng(0)
    universe = [f"w{i}" for i in range(400)]
    sets = [set(rng.choice(universe, 60, replace=False)) for _ in range(40)]
    sig = minhash([sorted(s) for s in sets], num_perm=256)
    est, exact = [], []
    for i in range(0, 40, 2):
        a, b = sets[i], sets[i] | set(list(sets[i + 1])[: i + 1])
        sa, sb = minhash([sorted(a), sorted(b)], num_perm=256)
        est.append(float(minhash_similarity(sa, sb)[0]))
        exact.append(len(a & b) / len(a | b))
    assert np.max(np.abs(np.array(est) - np.array(exact))) < 0.12
    assert sig.shape == (40, 256)


# --- the registry ----------------------------------------------------------------------------
def test_add_twice_records_no_duplicates_and_two_batches(tiny_scenario, db):
    data = tiny_scenario.dataset
    with Registry(db) as reg:
        first = register_dataset(reg, data, source="tiny")
        second = register_dataset(reg, data, source="tiny")
        batches = reg.batches()
        n_entries = len(reg)
        assert reg.schema_version == 1
    removed = data.accounts["status"].isin(["suspended", "deleted"]).sum()
    assert first["n_removed"] >= removed > 0
    assert first["n_added"] == first["n_removed"] and first["n_duplicate"] == 0
    assert second["n_added"] == 0 and second["n_duplicate"] == first["n_removed"]
    assert n_entries == first["n_removed"]
    assert batches["batch_id"].tolist() == [1, 2]
    assert set(batches["input_fingerprint"]) == {data.fingerprint()}
    assert (batches["netlib_version"] == netlib.__version__).all()
    # a real DuckDB file that other tools open, with the versions recorded
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    ids = con.execute("SELECT account_id FROM accounts").df()["account_id"]
    con.close()
    assert ids.is_unique


def test_changed_fingerprint_is_added_as_a_new_entry(db):
    down = T0
    a = _world([_removed("a1", "news_daily", down, bio="daily news and views")])
    b = _world([_removed("a1", "news_daily", down, bio="something else entirely now")])
    with Registry(db) as reg:
        register_dataset(reg, a)
        register_dataset(reg, a)
        register_dataset(reg, b)
        shown = reg.show("a1")
    assert len(shown) == 2
    assert shown["batch_id"].tolist() == [1, 3]


def test_fingerprints_hold_names_avatar_bio_links_and_memberships(db):
    data = _world([_removed("u1", "ملک_نیوز", T0, display_name="Malik News",
                            profile_image_hash="ABCDEF0123456789",
                            bio="news from lahore https://malik.example/about",
                            url="https://malik.example")])
    from netlib.io.outputs import AnalysisOutput

    analysis = AnalysisOutput(folder=db.parent, run={"netlib_version": "x"}, tables={
        "clusters": pd.DataFrame({"account_id": ["u1"], "cluster_id": ["7"]}),
        "mirror_chains": pd.DataFrame({"chain_id": ["c3"], "position": ["0"],
                                       "account_id": ["u1"]})})
    with Registry(db) as reg:
        register_dataset(reg, data, analysis=analysis, source_kind="analysis")
        row = reg.show("u1").iloc[0]
    assert row["handle_skeleton"] == "maliknews"
    assert row["handle_translit"] == "malik_news"
    assert "cmlkns" in list(row["consonant_keys"])
    assert row["avatar_hash"] == "abcdef0123456789"
    assert len(row["bio_minhash"]) == 4 * 64
    assert set(row["domains"]) == {"malik.example"}
    assert (row["cluster_id"], row["chain_id"], row["chain_position"]) == ("7", "c3", 0)


def test_inferred_removals_are_registered_with_their_source(db):
    rows = [_new("quiet", "went_quiet", T0 - pd.Timedelta(days=300))]
    rows[0]["status"] = None
    rows.append(_new("busy", "busy_one", T0 - pd.Timedelta(days=300)))
    rows[1]["status"] = None
    acts = [{"action_id": f"q{i}", "account_id": "quiet", "kind": "post", "text": "x",
             "timestamp": T0 - pd.Timedelta(days=200) + pd.Timedelta(hours=i)}
            for i in range(10)]
    acts += [{"action_id": f"b{i}", "account_id": "busy", "kind": "post", "text": "y",
              "timestamp": T0 - pd.Timedelta(days=200) + pd.Timedelta(days=i)}
             for i in range(0, 200, 2)]
    with Registry(db) as reg:
        register_dataset(reg, _world(rows, acts))
        listed = reg.accounts()
    assert listed["account_id"].tolist() == ["quiet"]
    assert listed["takedown_source"].tolist() == ["inferred"]


def test_not_a_registry_and_newer_layout_are_refused(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(RegistryError, match="not a netlib registry"):
        Registry(other)
    newer = tmp_path / "newer.duckdb"
    Registry(newer).close()
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_version VALUES (99, now(), 'future')")
    con.close()
    with pytest.raises(RegistryError, match="layout 99"):
        Registry(newer)
    with pytest.raises(ParameterError, match="no such file"):
        Registry(tmp_path / "missing.duckdb", read_only=True)


# --- screening -----------------------------------------------------------------------------
def _pair_world():
    down = T0
    return _world([
        _removed("old1", "truth_daily_news", down, display_name="Truth Daily",
                 profile_image_hash="0f0f0f0f0f0f0f0f", bio="your daily truth, every day"),
        _removed("old2", "karachi_voice", down - pd.Timedelta(days=90)),
        # successor: edited name, same avatar, created two days after the removal
        _new("new1", "truth_daily_news2", down + pd.Timedelta(days=2),
             display_name="Truth Daily", profile_image_hash="0f0f0f0f0f0f0f0e",
             bio="your daily truth, every day"),
        # the same look, but created long before the removal: cannot be its successor
        _new("early", "truthdailynews", down - pd.Timedelta(days=60),
             display_name="Truth Daily", profile_image_hash="0f0f0f0f0f0f0f0f"),
        # an unrelated new account
        _new("other", "gardening_tips", down + pd.Timedelta(days=1)),
    ])


def test_screen_finds_successor_and_respects_time_order(db):
    data = _pair_world()
    with Registry(db) as reg:
        register_dataset(reg, data)
        res = screen(data, reg)
    a = res.alerts
    assert list(a.columns) == ALERT_COLUMNS
    best = a[a["rank"] == 1].set_index("account_id")
    assert best.loc["new1", "registry_account_id"] == "old1"
    assert best.loc["new1", "score"] > 0.5
    # created 60 days before the removal (beyond the 7-day spare window): never matched
    assert "early" not in set(a["account_id"])
    # the removed accounts are in the new data too, and never match themselves
    assert not (a["account_id"] == a["registry_account_id"]).any()
    assert "other" not in set(best.index) or best.loc["other", "score"] < 0.1
    # every account of the new data is listed, screened or not
    assert set(res.screened["account_id"]) == set(data.accounts["account_id"])


def test_spare_made_in_advance_within_window_is_matched(db):
    data = _pair_world()
    spare = _world([
        _new("spare", "truth_daily_news_backup", T0 - pd.Timedelta(days=3),
             display_name="Truth Daily", profile_image_hash="0f0f0f0f0f0f0f0f")])
    with Registry(db) as reg:
        register_dataset(reg, data)
        res = screen(spare, reg)
        narrow = screen(spare, reg, before="1D")
    assert res.alerts.loc[res.alerts["rank"] == 1, "registry_account_id"].tolist() == ["old1"]
    assert narrow.alerts.empty


def test_announcement_and_mention_of_old_handle_are_read_from_first_posts(db):
    removed = _world([_removed("gone", "lahore_updates", T0)])
    new = _world([_new("fresh", "completely_new_name", T0 + pd.Timedelta(days=1))],
                 [{"action_id": "p1", "account_id": "fresh", "kind": "post",
                   "timestamp": T0 + pd.Timedelta(days=1, hours=1),
                   "text": "ہمارا نیا اکاؤنٹ فالو کریں @lahore_updates"}])
    with Registry(db) as reg:
        register_dataset(reg, removed)
        res = screen(new, reg)
    row = res.alerts.iloc[0]
    assert (row["account_id"], row["registry_account_id"]) == ("fresh", "gone")
    assert row["announces"] == 1 and row["mentions_old"] == 1
    ev = res.evidence("fresh", "gone")
    assert ev.attrs["rank"] == 1
    assert set(ev.loc[ev["kind"] == "feature", "signal"]) >= {"mentions_old", "intercept"}


def test_ranks_are_per_new_account_and_ordered_by_score(tiny_scenario, db):
    data = tiny_scenario.dataset
    with Registry(db) as reg:
        register_dataset(reg, data)
        a = screen(data, reg).alerts
    assert len(a)
    for _, group in a.groupby("account_id"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert group["score"].is_monotonic_decreasing
    assert not a.duplicated(["account_id", "registry_account_id"]).any()
    assert a["score"].between(0, 1).all()


def test_screening_recovers_planted_successors(tiny_scenario, db):
    data = tiny_scenario.dataset
    truth = tiny_scenario.truth["mirrors"]
    with Registry(db) as reg:
        register_dataset(reg, data)
        a = screen(data, reg).alerts
    planted = set(zip(truth["successor_id"].astype(str), truth["predecessor_id"].astype(str),
                      strict=True))
    found = a[a["rank"] == 1]
    top = set(zip(found["account_id"], found["registry_account_id"], strict=True))
    # an oracle independent of the scores: the planted successor is the first candidate
    assert len(top & planted) / len(planted) >= 0.8
    labels = [(x, y) in planted for x, y in zip(a["account_id"], a["registry_account_id"],
                                                strict=True)]
    high = a[a["score"] >= 0.5]
    high_labels = [(x, y) in planted for x, y in zip(high["account_id"],
                                                     high["registry_account_id"], strict=True)]
    assert sum(labels) >= 0.8 * len(planted)
    assert np.mean(high_labels) >= 0.8


def test_screen_options_are_checked():
    with pytest.raises(ParameterError, match="max_candidates"):
        ScreenConfig(max_candidates=0)
    with pytest.raises(ParameterError, match="unknown screening option"):
        ScreenConfig.build(None, window=3)
    with pytest.raises(ParameterError, match="min_score"):
        ScreenConfig(min_score=2)


# --- the commands ----------------------------------------------------------------------------
HOSTILE = "\x1b[2J\x1b[31mevil\u202egnp.exe\r=cmd|' /C calc'!A0"


def test_cli_loop_with_hostile_handles(tmp_path, capsys):
    data = _world([
        _removed("h1", HOSTILE, T0, display_name="<script>alert(1)</script>"),
        _new("h2", HOSTILE + "2", T0 + pd.Timedelta(days=1),
             display_name="<script>alert(1)</script>"),
    ])
    folder = tmp_path / "data"
    write_interchange(data, folder)
    db = tmp_path / "reg.duckdb"
    assert main(["registry", "add", str(folder), "--db", str(db)]) == 0
    assert main(["registry", "add", str(folder), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "0 added, 1 already recorded" in out
    assert main(["registry", "list", "--db", str(db)]) == 0
    assert main(["registry", "show", "h1", "--db", str(db)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\u202e" not in printed and "\r" not in printed
    assert "<U+001B>[2J" in printed and "<U+202E>" in printed
    alerts = tmp_path / "alerts"
    assert main(["screen", str(folder), "--registry", str(db), "--out", str(alerts)]) == 0
    with open(alerts / "alerts.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["account_id", "registry_account_id", "score", "rank"]
    hit = [r for r in rows if r["account_id"] == "h2"]
    assert hit and hit[0]["registry_account_id"] == "h1" and hit[0]["rank"] == "1"
    # the hostile handle cannot run as a formula in a spreadsheet
    assert not any(r["handle"].startswith(("=", "+", "-", "@")) for r in rows)
    run = json.loads((alerts / "run.json").read_text())
    assert run["parameters"]["model"] == "early"
    assert run["registry"]["file"] == "reg.duckdb"
    assert {"alerts.csv", "screened.csv", "run.json"} <= {p.name for p in alerts.iterdir()}


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["registry", "list", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_register_an_analyze_output_folder(tmp_path, tiny_scenario, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_interchange(tiny_scenario.dataset, tmp_path / "data")
    netlib.pipeline.analyze_path("data", tmp_path / "out", progress=False)
    batch = register(tmp_path / "reg.duckdb", tmp_path / "out")
    assert batch["source_kind"] == "analysis" and batch["analysis_run"]
    clusters = pd.read_csv(tmp_path / "out" / "clusters.csv", dtype=str)
    with Registry(tmp_path / "reg.duckdb") as reg:
        entries = reg.con.execute("SELECT account_id, cluster_id FROM accounts").df()
    member = entries.merge(clusters, on="account_id", suffixes=("", "_csv"))
    assert len(member) and (member["cluster_id"] == member["cluster_id_csv"]).all()
    netlib.pipeline.analyze_path("data", tmp_path / "pseudo", progress=False,
                                 pseudonymize="k")
    with pytest.raises(ParameterError, match="pseudonymised"):
        register(tmp_path / "reg.duckdb", tmp_path / "pseudo")


# --- the loop replayed in time -------------------------------------------------------------
def test_time_split_registers_only_earlier_removals(tiny_scenario, db):
    from netlib.registry import created_between, observed_until

    data = tiny_scenario.dataset
    start = data.actions["timestamp"].min().normalize()
    split = start + pd.Timedelta(weeks=6)
    early = observed_until(data, split)
    later = created_between(data, split, split + pd.Timedelta(weeks=6))
    down = pd.to_datetime(early.accounts["suspended_at"], utc=True)
    assert (down.dropna() < split).all()
    assert (early.actions["timestamp"] < split).all()
    created = pd.to_datetime(later.accounts["created_at"], utc=True)
    assert (created.dropna() >= split).all()
    assert later.accounts["suspended_at"].isna().all()
    with Registry(db) as reg:
        register_dataset(reg, early)
        entries = reg.con.execute("SELECT taken_down_at FROM accounts").df()
        alerts = screen(later, reg).alerts
    assert (pd.to_datetime(entries["taken_down_at"]).dt.tz_localize("UTC") < split).all()
    # every alert's removal precedes the new account's creation, or follows it by no more
    # than the spare window
    gap = (pd.to_datetime(alerts["first_seen"], utc=True)
           - pd.to_datetime(alerts["taken_down_at"], utc=True))
    assert (gap >= -pd.Timedelta(days=7)).all()


def test_early_model_is_shipped_with_a_held_out_reliability_table():
    from netlib.mirrors import load_weights
    from netlib.mirrors.model import EARLY_FEATURES, LATE

    w = load_weights()
    early = w["early"]
    assert all(early["coef"][f] == 0 for f in LATE)
    assert set(early["features"]) == set(EARLY_FEATURES)
    table = pd.DataFrame(early["holdout_reliability"])
    assert table["n"].sum() > 1000
    # calibrated: in well-populated bins the observed rate is near the mean score
    big = table[table["n"] >= 100]
    assert (big["observed_rate"] - big["mean_score"]).abs().max() < 0.1
    assert early["holdout_auc"] >= 0.9


def test_platt_calibration_recovers_a_known_map_and_keeps_the_ranking(tiny_scenario, db):
    from netlib.registry.calibration import fit_calibration

    rng = np.random.default_rng(0)
    raw = rng.uniform(0.01, 0.99, 20_000)
    z = 1.7 * np.log(raw / (1 - raw)) + 0.8
    labels = rng.random(len(raw)) < 1 / (1 + np.exp(-z))
    cal = fit_calibration(raw, labels)
    assert cal["a"] == pytest.approx(1.7, abs=0.1) and cal["b"] == pytest.approx(0.8, abs=0.1)
    with pytest.raises(ParameterError, match="both"):
        fit_calibration([0.2, 0.3], [0, 0])
    data = tiny_scenario.dataset
    with Registry(db) as reg:
        register_dataset(reg, data)
        plain = screen(data, reg, calibration=False).alerts
        mapped = screen(data, reg, calibration={"a": 2.0, "b": 1.0}).alerts
    both = plain.merge(mapped, on=["account_id", "registry_account_id"])
    assert len(both) == len(plain)
    z = 2.0 * np.log(both["score_x"] / (1 - both["score_x"])) + 1.0
    assert np.allclose(both["score_y"], 1 / (1 + np.exp(-z)), atol=1e-6)
    assert (both["rank_x"] == both["rank_y"]).all()
