"""The sharing package: STIX 2.1 bundle and Meta indicator CSV from an analyze output."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

import netlib
from netlib import pipeline, synth
from netlib.cli import main
from netlib.errors import DataFormatError, ParameterError
from netlib.io.outputs import AnalysisOutput, read_analysis_output
from netlib.io.scenario import write_scenario
from netlib.io.threat_indicators import read_threat_indicators
from netlib.report.stix import (
    DISARM_TECHNIQUES,
    META_COLUMNS,
    meta_indicators,
    stix_bundle,
    write_sharing_package,
)

stix2 = pytest.importorskip("stix2")
validator = pytest.importorskip("stix2validator")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("stix")
    scenario = synth.generate(seed=5, scale=0.1)
    data_dir = write_scenario(scenario, root / "data")
    out = root / "out"
    pipeline.analyze_path(data_dir, out, watchlist=data_dir / "complaints.csv", progress=False)
    bundle, meta = root / "bundle.json", root / "meta.csv"
    write_sharing_package(out, stix=bundle, meta_csv=meta, data=data_dir)
    return {"root": root, "data": data_dir, "out": out, "bundle": bundle, "meta": meta,
            "dataset": netlib.load(data_dir)}


def _objects(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["objects"]


def test_bundle_validates_and_round_trips(world):
    text = world["bundle"].read_text(encoding="utf-8")
    result = validator.validate_string(text, validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for o in result.object_results for e in o.errors][:5]
    parsed = stix2.parse(text, allow_custom=False)
    assert json.loads(parsed.serialize()) == json.loads(text)
    kinds = {o["type"] for o in _objects(world["bundle"])}
    assert {"identity", "campaign", "user-account", "relationship", "indicator", "note",
            "grouping"} <= kinds


def test_bundle_recovers_every_cluster_link_and_account(world):
    objs = _objects(world["bundle"])
    by_id = {o["id"]: o for o in objs}
    clusters = pd.read_csv(world["out"] / "clusters.csv", dtype=str)
    links = pd.read_csv(world["out"] / "mirror_links.csv", dtype={"predecessor_id": str,
                                                                  "successor_id": str})
    chains = pd.read_csv(world["out"] / "mirror_chains.csv", dtype=str)
    assert len(clusters) and len(links) and len(chains)
    # clusters: one campaign each, its members through related-to
    campaign_of = {o["id"]: o["external_references"][0]["external_id"].removeprefix("cluster:")
                   for o in objs if o["type"] == "campaign"}
    members = {(campaign_of[o["source_ref"]], by_id[o["target_ref"]]["user_id"])
               for o in objs if o["type"] == "relationship"
               and o["relationship_type"] == "related-to" and o["source_ref"] in campaign_of}
    assert members == set(zip(clusters["cluster_id"], clusters["account_id"], strict=True))
    # mirror links: successor derived-from predecessor, score as confidence
    got = {(by_id[o["target_ref"]]["user_id"], by_id[o["source_ref"]]["user_id"],
            o["confidence"]) for o in objs
           if o["type"] == "relationship" and o["relationship_type"] == "derived-from"}
    want = {(p, s, round(100 * sc)) for p, s, sc in
            links[["predecessor_id", "successor_id", "score"]].itertuples(index=False)}
    assert got == want
    # chains: a grouping each, with its accounts in order
    groups = {o["name"].removeprefix("Mirror chain "): [by_id[r]["user_id"]
              for r in o["object_refs"] if r.startswith("user-account--")]
              for o in objs if o["type"] == "grouping"}
    expect = {cid: g.sort_values("position", key=lambda s: s.astype(int))["account_id"].tolist()
              for cid, g in chains.groupby("chain_id")}
    assert groups == expect
    # accounts: every account named by a finding, with its platform and handle
    accounts = world["dataset"].accounts.set_index("account_id")
    named = set(clusters["account_id"]) | set(links["predecessor_id"]) | \
        set(links["successor_id"]) | set(chains["account_id"])
    users = {o["user_id"]: o for o in objs if o["type"] == "user-account"}
    assert set(users) == named
    for acc, obj in users.items():
        assert obj["account_login"] == accounts.loc[acc, "handle"].lstrip("@")
        platform = accounts.loc[acc, "platform"]
        assert obj["account_type"] == {"x": "twitter"}.get(platform, platform)


def test_bundle_is_deterministic(world, tmp_path):
    again = tmp_path / "again.json"
    write_sharing_package(world["out"], stix=again, data=world["data"])
    assert again.read_bytes() == world["bundle"].read_bytes()


def test_disarm_techniques_only_where_evidence_supports(world):
    output = read_analysis_output(world["out"])
    stats = output.tables["cluster_stats"].copy()
    stats["observed"] = stats["expected"]  # no more co-posting than chance
    stats["created_burst_share"] = "0"
    output.tables["cluster_stats"] = stats
    output.tables["mirror_links"] = output.tables["mirror_links"].iloc[0:0]
    output.tables["mirror_chains"] = output.tables["mirror_chains"].iloc[0:0]
    bare = [o for o in stix_bundle(output, world["dataset"]).objects if o.type == "attack-pattern"]
    assert bare == []
    used = [o for o in _objects(world["bundle"]) if o["type"] == "relationship"
            and o["relationship_type"] == "uses"]
    patterns = {o["external_references"][0]["external_id"] for o in _objects(world["bundle"])
                if o["type"] == "attack-pattern"}
    assert used and patterns <= {t.technique_id for t in DISARM_TECHNIQUES}
    assert all(o["description"].startswith("evidence: ") for o in used)


def test_meta_csv_layout_and_read_back(world, realdata):
    reference = realdata / "platforms" / "facebook__threat-research" / \
        "H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv"
    with open(reference, encoding="utf-8") as handle:
        header = [c.strip() for c in next(csv.reader(handle))]
    with open(world["meta"], encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == header == list(META_COLUMNS)
    entries = read_threat_indicators(world["meta"])
    profiles = entries[entries["indicator_type"] == "profile"]
    accounts = world["dataset"].accounts
    handles = set(accounts["handle"].str.lstrip("@").str.casefold())
    assert len(profiles) > 10
    assert set(profiles["handle"].str.lstrip("@").str.casefold()) <= handles
    table = meta_indicators(read_analysis_output(world["out"]), world["dataset"])
    assert "[.]" in table["Indicator"].iloc[0]


def test_pseudonymised_output_is_refused(world, tmp_path):
    out = tmp_path / "pseudo"
    pipeline.analyze_path(world["data"], out, pseudonymize="secret", progress=False)
    with pytest.raises(DataFormatError, match="pseudonymi[sz]e"):
        write_sharing_package(out, stix=tmp_path / "b.json", data=world["data"])
    assert not (tmp_path / "b.json").exists()
    code = main(["export", str(out), "--stix", str(tmp_path / "b.json"), "--data",
                 str(world["data"])])
    assert code == 2


def test_export_errors(world, tmp_path):
    with pytest.raises(ParameterError, match="nothing to write"):
        write_sharing_package(world["out"])
    with pytest.raises(DataFormatError, match="no run.json"):
        write_sharing_package(tmp_path, stix=tmp_path / "b.json")
    other = write_scenario(synth.generate(seed=9, scale=0.03), tmp_path / "other")
    with pytest.raises(DataFormatError, match="not the data this output was made from"):
        write_sharing_package(world["out"], stix=tmp_path / "b.json", data=other)


def test_cli_export(world, tmp_path, capsys):
    code = main(["export", str(world["out"]), "--stix", str(tmp_path / "b.json"),
                 "--meta-csv", str(tmp_path / "m.csv"), "--data", str(world["data"])])
    assert code == 0
    assert (tmp_path / "b.json").read_bytes() == world["bundle"].read_bytes()
    assert str(tmp_path / "m.csv") in capsys.readouterr().out


def test_hostile_handles_make_valid_patterns():
    accounts = pd.DataFrame({"account_id": ["1", "2", "3"], "platform": ["x", "x", "telegram"],
                             "handle": ["it's_me\\", "<script>x</script>", "plain"],
                             "display_name": ["=HYPERLINK(\"http://e\")", "'", "\u202etxt"]})
    actions = pd.DataFrame({"action_id": ["a", "b", "c"], "account_id": ["1", "2", "3"],
                            "timestamp": ["2024-01-01T00:00:00Z"] * 3, "kind": ["post"] * 3})
    data = netlib.Dataset.from_frames(accounts, actions)
    output = AnalysisOutput(folder=Path("."), run={
        "dataset_fingerprint": data.fingerprint(), "created_at": "2024-02-01T00:00:00Z"},
        tables={"clusters": pd.DataFrame({"account_id": ["1", "2"], "cluster_id": ["0", "0"]}),
                "mirror_links": pd.DataFrame({"predecessor_id": ["2"], "successor_id": ["3"],
                                              "score": ["0.7"]})})
    bundle = stix_bundle(output, data)
    result = validator.validate_string(bundle.serialize(),
                                       validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for o in result.object_results for e in o.errors][:5]
    logins = {o.account_login for o in bundle.objects if o.type == "user-account"}
    assert "it's_me\\" in logins
