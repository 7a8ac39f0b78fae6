"""netlib.analyze and netlib analyze: configs in, the result protocol and the output files out."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import re
import types
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import netlib
import netlib.memory
from netlib import cli, pipeline
from netlib.coordination import CoordinationConfig
from netlib.errors import ParameterError
from netlib.hubs import HubConfig
from netlib.io.watchlist import read_watchlist
from netlib.memory import available_memory
from netlib.mirrors import MirrorConfig
from netlib.results import Result

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
#: sha256 of every CSV `netlib analyze data/sample --watchlist complaints.csv` writes, each
#: decimal number read at 9 significant digits (see :func:`_digest`).
#: Refresh on purpose only: NETLIB_REFRESH_FINGERPRINTS=1 pytest tests/pipeline/test_analyze.py
FINGERPRINTS = ROOT / "tests" / "data" / "sample_output_fingerprints.json"
TABLES = {"clusters", "coordination_edges", "cluster_stats", "cosharing_components",
          "cosharing_accounts", "mirror_links", "mirror_chains",
          "mirror_candidates", "hubs", "operator_groups", "operator_links", "timezones",
          "triage", "complaint_campaigns", "load_report"}


@pytest.fixture(scope="module")
def sample():
    return netlib.load(SAMPLE)


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyze") / "out"
    pipeline.analyze_path(SAMPLE, out, watchlist=SAMPLE / "complaints.csv", report=True,
                          progress=False)
    return out


def test_every_result_follows_the_protocol(sample):
    watchlist = read_watchlist(SAMPLE / "complaints.csv")
    analysis = netlib.analyze(sample, CoordinationConfig(n_consensus=1), watchlist=watchlist)
    results = (analysis, analysis.coordination, analysis.mirrors, analysis.hubs,
               analysis.triage)
    for result in results:
        assert isinstance(result, Result)
        assert isinstance(result.params, dict) and result.params
        assert result.fingerprint == sample.fingerprint()
        tables = result.tables()
        assert tables and all(isinstance(t, pd.DataFrame) for t in tables.values())
        assert "<" in result._repr_html_()
    # evidence(...) is a DataFrame of the rows behind one finding, for every result
    coord, mirrors, hubs, triage = results[1:]
    edge = coord.edges.iloc[0]
    link = mirrors.links.iloc[0]
    for why in (coord.evidence(edge["account_id"], edge["account_id_y"]),
                mirrors.evidence(link["predecessor_id"], link["successor_id"]),
                hubs.evidence(hubs.hubs["account_id"].iloc[0]),
                triage.evidence(triage["entry"].iloc[0])):
        assert isinstance(why, pd.DataFrame) and len(why)
    assert analysis.coordination.params == {
        **dataclasses.asdict(CoordinationConfig(n_consensus=1)),
        **{k: v for k, v in analysis.coordination.params.items()
           if k not in dataclasses.asdict(CoordinationConfig())}}
    assert set(analysis.params) == {"coordination", "mirrors", "hubs"}
    assert set(analysis.tables()) == TABLES
    member = analysis.coordination.clusters["account_id"].iloc[0]
    why = analysis.evidence(member)
    assert {"clusters", "coordination_edges"} <= set(why["table"])


def test_configs_dicts_and_overrides_agree(sample):
    a = netlib.analyze(sample, CoordinationConfig(window="1min", n_consensus=1),
                       mirrors=MirrorConfig(), hubs=HubConfig())
    b = netlib.analyze(sample, {"window": 60, "n_consensus": 1}, {}, None)
    for name in ("clusters", "mirror_links", "hubs"):
        pd.testing.assert_frame_equal(a.tables()[name], b.tables()[name])


def test_a_path_is_loaded_and_anything_else_is_refused_by_name(sample):
    config = CoordinationConfig(n_consensus=1)
    from_path = netlib.analyze(SAMPLE, config)
    from_data = netlib.analyze(sample, config)
    assert from_path.dataset.report.files["actions"]["kept"] == len(sample.actions)
    for name in ("clusters", "mirror_links", "hubs"):
        pd.testing.assert_frame_equal(from_path.tables()[name], from_data.tables()[name])
    with pytest.raises(ParameterError, match="must be a Dataset .* not DataFrame"):
        netlib.analyze(sample.actions, config)


def test_unknown_options_are_named(sample):
    with pytest.raises(ParameterError, match="unknown coordination option 'windw'"):
        netlib.analyze(sample, {"windw": 60})
    with pytest.raises(ParameterError, match="unknown mirror option 'befor'"):
        netlib.analyze(sample, mirrors={"befor": "7D"})
    with pytest.raises(ParameterError, match="must be a CoordinationConfig"):
        netlib.analyze(sample, 60)


def test_read_config(tmp_path):
    good = tmp_path / "options.toml"
    good.write_text('[coordination]\nwindow = "2min"\n\n[mirrors]\nsilent_after = "30D"\n')
    assert pipeline.read_config(good) == {"coordination": {"window": "2min"},
                                          "mirrors": {"silent_after": "30D"}}
    bad = tmp_path / "bad.toml"
    bad.write_text("[coordinaton]\nwindow = 60\n")
    with pytest.raises(ParameterError, match=r"unknown section \[coordinaton\]"):
        pipeline.read_config(bad)
    bad.write_text("[coordination]\nwindow = -1\n")
    with pytest.raises(ParameterError, match=r"bad.toml \[coordination\]: window=-1"):
        pipeline.read_config(bad)
    bad.write_text("[hubs]\nn_bot = 3\n")
    with pytest.raises(ParameterError, match=r"bad.toml \[hubs\]: unknown hub option 'n_bot'"):
        pipeline.read_config(bad)


def test_cli_flags_win_over_the_config_file(tmp_path):
    options = tmp_path / "options.toml"
    options.write_text('[coordination]\nwindow = "2min"\nfdr = 0.01\n')
    args = cli.build_parser().parse_args(
        ["analyze", str(SAMPLE), "--out", str(tmp_path / "o"), "--config", str(options),
         "--window", "90s", "--seed", "3"])
    configs = cli.analyze_configs(args)
    assert configs["coordination"] == {"window": "90s", "fdr": 0.01, "seed": 3}
    assert CoordinationConfig(**configs["coordination"]).window == 90.0


_DECIMAL = re.compile(r"-?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+")


def _digest(path: Path) -> str:
    """sha256 of a CSV's cells, each decimal number written at 9 significant digits.

    The same code gives bit-identical tables on one machine, but not across processors:
    BLAS kernels and numpy's vector loops (AVX2, AVX-512) sum and round in different orders,
    so a score may differ in its last bit or two (a relative 1e-15). Nine digits keep every
    real change visible and leave that noise out.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        rows = ["\x1f".join(format(float(cell), ".9g") if _DECIMAL.fullmatch(cell) else cell
                            for cell in row) for row in csv.reader(handle)]
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


def test_digest_reads_decimals_at_nine_digits(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv"))
    a.write_text("id,score\nx1,0.9902447297527576\nx2,1e-05\n", encoding="utf-8")
    b.write_text("id,score\nx1,0.9902447297527578\nx2,1e-05\n", encoding="utf-8")
    c.write_text("id,score\nx1,0.9902447397527578\nx2,1e-05\n", encoding="utf-8")
    assert _digest(a) == _digest(b)      # the last bits: the same number
    assert _digest(a) != _digest(c)      # the eighth digit: a change


def test_sample_outputs_are_unchanged(sample_out):
    """Every table netlib analyze writes on the sample is the recorded one (decimal numbers
    to 9 significant digits, see :func:`_digest`)."""
    found = {p.name: _digest(p) for p in sorted(sample_out.glob("*.csv"))}
    assert set(found) == {f"{name}.csv" for name in TABLES}
    if os.environ.get("NETLIB_REFRESH_FINGERPRINTS"):
        FINGERPRINTS.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    expected = json.loads(FINGERPRINTS.read_text())
    changed = sorted(name for name in expected if found.get(name) != expected[name])
    assert not changed, f"outputs changed: {changed} (refresh only if the change is intended)"


def test_planted_urdu_to_roman_urdu_mirror_is_linked_and_in_the_lineage_card(sample_out):
    """The sample's cross-platform, cross-script mirror (an Urdu-named X account re-created
    as a Roman-Urdu-named Telegram channel) is linked and shown in the briefing."""
    truth = pd.read_csv(SAMPLE / "truth" / "mirrors.csv", dtype=str)
    planted = truth[truth["mutation"] == "transliteration+platform_switch"]
    assert len(planted) == 1
    pred, succ = planted.iloc[0]["predecessor_id"], planted.iloc[0]["successor_id"]
    accounts = pd.read_csv(SAMPLE / "accounts.csv", dtype=str).set_index("account_id")
    assert (accounts.loc[pred, "platform"], accounts.loc[succ, "platform"]) == ("x", "telegram")
    old, new = accounts.loc[pred, "handle"], accounts.loc[succ, "handle"]
    assert netlib.text.script_of(old) == "arabic" and netlib.text.script_of(new) == "latin"
    links = pd.read_csv(sample_out / "mirror_links.csv", dtype=str)
    link = links[(links["predecessor_id"] == pred) & (links["successor_id"] == succ)]
    assert len(link) == 1 and float(link["score"].iloc[0]) >= 0.9
    page = (sample_out / "report.html").read_text(encoding="utf-8")
    assert f"@{old} (x) \u2192 @{new} (telegram)" in page  # the chain's title in its card


def test_run_json_records_every_config(sample_out):
    run = json.loads((sample_out / "run.json").read_text())
    params = run["parameters"]
    assert params["coordination"]["window"] == 60.0
    assert set(params) >= {"coordination", "mirrors", "hubs"}
    assert run["input_files"]["actions"]["rows_read"] > 0
    # what the reader said about how it read the input, as the load report says it
    assert run["load_notes"] == list(netlib.load(SAMPLE).report.notes)


def test_analyze_hashes_the_tables_once(sample, monkeypatch):
    """Each result records the dataset's fingerprint; one run hashes the tables once, and
    a fingerprint asked for after the run sees the tables as they are then."""
    import netlib.dataset as dataset_mod

    calls = []
    real = dataset_mod.frames_fingerprint
    monkeypatch.setattr(dataset_mod, "frames_fingerprint",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    analysis = netlib.analyze(sample, CoordinationConfig(n_consensus=1))
    assert len(calls) == 1
    assert {analysis.coordination.fingerprint, analysis.mirrors.fingerprint,
            analysis.hubs.fingerprint} == {real([sample.accounts, sample.actions,
                                                 sample.follows], sort_columns=True)}
    changed = dataclasses.replace(sample, actions=sample.actions.iloc[1:])
    assert changed.fingerprint() != sample.fingerprint()
    assert "_pinned_fingerprint" not in sample.__dict__


@pytest.mark.parametrize("block", [1, 7, 1 << 20])
def test_fingerprint_hashed_a_block_of_rows_at_a_time_is_the_whole_tables_hash(
        sample, monkeypatch, block):
    """The tables are hashed a block of rows at a time (bounded memory); the digest is
    the one of hashing each table whole, written out here as the oracle. Tiny blocks are
    tried on the first rows only: row by row, the whole sample would take minutes."""
    import hashlib

    import netlib.provenance as provenance

    rows = 1000 if block < 100 else None
    frames = [None if frame is None else frame.iloc[:rows]
              for frame in (sample.accounts, sample.actions, sample.follows, None)]
    digest = hashlib.sha256()
    for frame in frames:
        if frame is None:
            digest.update(b"none")
            continue
        ordered = frame[sorted(frame.columns)]
        digest.update(",".join(map(str, ordered.columns)).encode())
        digest.update(pd.util.hash_pandas_object(ordered, index=False).values.tobytes())
    monkeypatch.setattr(provenance, "HASH_BLOCK_ROWS", block)
    assert provenance.frames_fingerprint(frames, sort_columns=True) == digest.hexdigest()


def test_mirror_candidates_found_beside_the_coordination_step_change_nothing(sample,
                                                                              thread_log):
    """On two cores with memory to spare the mirror candidates are made on a second thread
    while the coordination step runs; every table is the same as one step after the other."""
    threads = thread_log(pipeline, "mirror_candidates")
    config = CoordinationConfig(n_consensus=1)
    apart = netlib.analyze(sample, config, parallel=True)
    assert len(threads) == 1 and threads[0].startswith("netlib-mirrors")
    after = netlib.analyze(sample, config, parallel=False)
    assert len(threads) == 1    # one after the other: detect_mirrors made its own
    tables = apart.tables()
    assert set(tables) == set(after.tables())
    for name, table in after.tables().items():
        pd.testing.assert_frame_equal(tables[name], table, obj=name)
    assert apart.mirrors.params == after.mirrors.params


def test_side_by_side_only_with_two_cores_and_memory_to_spare(tmp_path, monkeypatch):
    n = 1_000_000
    need = 2 * n * netlib.memory.SIDE_BY_SIDE_BYTES_PER_ACTION
    assert netlib.memory.side_by_side(n, cpus=2, free=need)
    assert not netlib.memory.side_by_side(n, cpus=2, free=need - 1)
    assert not netlib.memory.side_by_side(n, cpus=1, free=100 * need)
    # a small step beside a large one whose peak comes later (detect's null model, the
    # clusters' time zones) asks for less than the mirror candidates, which hold their
    # memory through the coordination step's peak: at 10M actions with 22 GiB free, the
    # first runs beside, the second does not
    free, big = 22 * 2**30, 10_000_000
    assert netlib.memory.side_by_side(
        big, bytes_per_action=netlib.memory.BESIDE_STEP_BYTES_PER_ROW, cpus=2, free=free)
    assert not netlib.memory.side_by_side(big, cpus=2, free=free)
    # the system's available memory, or a control group's limit minus what the group
    # already uses, whichever is less
    monkeypatch.setattr(netlib.memory.psutil, "virtual_memory",
                        lambda: types.SimpleNamespace(available=10 * need))
    assert available_memory(tmp_path) == 10 * need        # no control-group files
    (tmp_path / "memory.max").write_text(f"{need + 10}\n")
    (tmp_path / "memory.current").write_text("20\n")
    assert available_memory(tmp_path) == need - 10
    (tmp_path / "memory.current").write_text(f"{need + 99}\n")
    assert available_memory(tmp_path) == 0
    (tmp_path / "memory.max").write_text("max\n")       # no limit
    assert available_memory(tmp_path) == 10 * need


def test_duckdb_caps_are_a_share_of_the_memory_within_bounds(tmp_path, monkeypatch):
    gib = 2**30
    monkeypatch.setattr(netlib.memory.psutil, "virtual_memory",
                        lambda: types.SimpleNamespace(total=24 * gib, available=20 * gib))
    assert netlib.memory.total_memory(tmp_path) == 24 * gib   # no control-group files
    (tmp_path / "memory.max").write_text(f"{8 * gib}\n")     # a container's limit counts
    assert netlib.memory.total_memory(tmp_path) == 8 * gib
    (tmp_path / "memory.max").write_text("max\n")
    assert netlib.memory.total_memory(tmp_path) == 24 * gib
    cap = netlib.memory.duckdb_memory_cap
    assert cap(share=16, total=24 * gib) == "1536MiB"
    assert cap(share=16, total=4 * gib) == "1024MiB"         # at least 1 GiB
    assert cap(share=8, total=256 * gib) == "3072MiB"        # at most 3 GiB
    assert cap("750MB", share=8) == "750MB"                  # a given cap is kept
    # what DuckDB is then set to is that size, not a silent fallback
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{cap(share=16, total=24 * gib)}'")
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] \
            == "1.5 GiB"
    finally:
        con.close()
