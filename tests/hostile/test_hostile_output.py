"""The output side under attack: every file ``netlib analyze`` writes, fed hostile text.

The input is a small synthetic scenario whose coordinated accounts get hostile ids, handles,
names, bios and posts (spreadsheet formulas behind line breaks, bidi overrides, a dotted
capital I); the checks read the outputs back the way a spreadsheet or a careless script
would.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import resource
import subprocess
import sys
import warnings
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

import netlib
from netlib import cli, report, synth
from netlib.io.scenario import write_scenario
from netlib.outdir import OutputError, OutputFolder, check_output_folder
from netlib.safe import BIDI_CONTROLS, csv_cell, csv_text

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", '\r=HYPERLINK("http://x","y")',
           "\n@x", "\r\n+y", "\t=tab", "evil\u202etxt.exe", "a, =comma; @semi"]
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
FORMULA = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Characters a reader or a cleaning script may drop (a BOM, zero-width spaces, bidi marks).
INVISIBLE = "\ufeff\u200b\u2060\u00ad\u202e\u200e"


# --- fixtures ---------------------------------------------------------------------------------
def _read(path: Path) -> str:
    """The file's text with every CR kept (``read_text`` would turn a bare CR into LF)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n")


@pytest.fixture(scope="module")
def hostile_input(tmp_path_factory) -> Path:
    """A scenario folder, named like a case file, whose network accounts carry hostile text."""
    folder = tmp_path_factory.mktemp("cases") / "case_jane_doe_2026"
    write_scenario(synth.generate(seed=2, scale=0.2), folder)
    accounts = pd.read_csv(folder / "accounts.csv", dtype=str, keep_default_na=False)
    actions = pd.read_csv(folder / "actions.csv", dtype=str, keep_default_na=False)
    follows = pd.read_csv(folder / "follows.csv", dtype=str, keep_default_na=False)
    complaints = pd.read_csv(folder / "complaints.csv", dtype=str, keep_default_na=False)
    coordinated = pd.read_csv(folder / "truth" / "coordinated.csv", dtype=str)
    members = sorted(set(coordinated["account_id"]))
    rename = {}
    for k, old in enumerate(members):
        rename[old] = f"{HOSTILE[k % len(HOSTILE)]}{k}" if k % 3 == 0 else old
    rows = accounts["account_id"].isin(members)
    for k, idx in enumerate(accounts.index[rows]):
        bad = HOSTILE[k % len(HOSTILE)]
        accounts.loc[idx, "handle"] = (f"İstanbul{k}" if k % 4 == 0 else
                                       "\u202e\u2066\u200f" if k == 1 else  # bidi only
                                       f"{bad}h{k}")
        accounts.loc[idx, "display_name"] = f"{bad} name{k}"
        accounts.loc[idx, "bio"] = f"{bad} bio, see {HOSTILE[(k + 1) % len(HOSTILE)]}"
    accounts["account_id"] = accounts["account_id"].replace(rename)
    actions["account_id"] = actions["account_id"].replace(rename)
    for col in ("source_id", "target_id"):
        follows[col] = follows[col].replace(rename)
    texts = actions.index[actions["account_id"].isin(rename.values())][:400]
    for k, idx in enumerate(texts):
        actions.loc[idx, "text"] = f"{HOSTILE[k % len(HOSTILE)]} post {k}"
    # An action by an account missing from accounts.csv: its id survives only in the load
    # report.
    ghost = actions.iloc[[0]].assign(account_id="ghost_person_77", action_id="ghost1")
    actions = pd.concat([actions, ghost], ignore_index=True)
    complaints.loc[0, "handle"] = "=cmd|' /C calc'!A0"
    complaints["note"] = complaints["note"].astype(str) + "\r=1+1"
    complaints["=col"] = "@x"
    for frame, name in ((accounts, "accounts"), (actions, "actions"), (follows, "follows"),
                        (complaints, "complaints")):
        _write(frame, folder / f"{name}.csv")
    # A record with one field too many is rejected whole: its handle and name never load,
    # so only its raw text could carry them (into load_report.csv's value).
    ragged = ["ragged_person_88", "x", "ragged_handle_88", "Ragged Person Name"]
    ragged += [""] * (len(accounts.columns) - len(ragged)) + ["one too many"]
    with open(folder / "accounts.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(",".join(ragged) + "\n")
    return folder


def _analyze(folder: Path, out: Path, *extra: str) -> int:
    return cli.main(["analyze", str(folder), "--out", str(out), "--quiet", "--report",
                     "--watchlist", str(folder / "complaints.csv"), *extra])


@pytest.fixture(scope="module")
def clear_run(hostile_input, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clear") / "out"
    assert _analyze(hostile_input, out) == 0
    return out


@pytest.fixture(scope="module")
def pseudo_run(hostile_input, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pseudo") / "out"
    assert _analyze(hostile_input, out, "--pseudonymize", "s3cret") == 0
    return out


# --- 1. CSV formulas --------------------------------------------------------------------------
def _split_records(text: str) -> list[list[str]]:
    """LibreOffice's reading: quoted fields kept whole, records split on CR, LF or CRLF."""
    records, row, field, quoted, i = [], [], [], False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1:i + 2] == '"':
                field.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                field.append(c)
        elif c == '"':
            quoted = True
        elif c == ",":
            row.append("".join(field))
            field = []
        elif c in "\r\n":
            row.append("".join(field))
            records.append(row)
            row, field = [], []
            if c == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
        else:
            field.append(c)
        i += 1
    if field or row:
        row.append("".join(field))
        records.append(row)
    return records


def _cells(text: str):
    """Every cell as the csv module, LibreOffice and a naive line split would see it."""
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            yield "csv", cell
            for line in re.split(r"\r\n|\r|\n", cell)[1:]:  # a spreadsheet's cell lines
                yield "csv-line", line
    for row in _split_records(text):
        for cell in row:
            yield "libreoffice", cell
    for line in text.splitlines():  # every line boundary, U+2028 and U+0085 included
        for cell in re.split(r"[,;\t]", line):  # comma, semicolon or tab separated
            yield "naive", cell


def _live_formula(cell: str) -> bool:
    cell = cell.strip().strip('"').strip(INVISIBLE).strip().strip('"').strip()
    return cell.startswith(FORMULA) and not NUMBER.fullmatch(cell)


def _assert_no_formula(path: Path) -> int:
    text = _read(path)
    bad = [(how, cell) for how, cell in _cells(text) if _live_formula(cell)]
    assert not bad, (path.name, bad[:5])
    return len(text)


def test_no_csv_cell_starts_a_formula_in_any_reader(clear_run, pseudo_run):
    files = sorted(clear_run.glob("*.csv")) + sorted(pseudo_run.glob("*.csv"))
    assert len(files) >= 20
    for path in files:
        _assert_no_formula(path)
    # The hostile text did reach the outputs (so the check above means something).
    hubs = _read(clear_run / "hubs.csv")
    assert "'=cmd|' /C calc'!A0" in hubs and "\r" in hubs
    triage = pd.read_csv(clear_run / "triage.csv", dtype=str, keep_default_na=False)
    assert "'=cmd|' /C calc'!A0" in set(triage["handle"]) and "'=col" in triage.columns


def test_screening_and_export_csvs_hold_no_formula(clear_run, hostile_input, tmp_path):
    """The other CSV writers (`netlib screen`'s alerts and screened tables, the STIX export's
    indicator CSV) go through the same writer."""
    pytest.importorskip("stix2")
    db = tmp_path / "registry.db"
    assert cli.main(["registry", "add", str(clear_run), "--db", str(db), "--data",
                     str(hostile_input)]) == 0
    assert cli.main(["screen", str(hostile_input), "--registry", str(db), "--out",
                     str(tmp_path / "screen")]) == 0
    meta = tmp_path / "meta.csv"
    assert cli.main(["export", str(clear_run), "--stix", str(tmp_path / "bundle.json"),
                     "--meta-csv", str(meta), "--data", str(hostile_input)]) == 0
    files = sorted((tmp_path / "screen").glob("*.csv")) + [meta]
    assert len(files) == 3
    for path in files:
        _assert_no_formula(path)
    assert "'=cmd|' /C calc'!A0" in _read(tmp_path / "screen" / "alerts.csv")


def test_every_cr_is_inside_quotes(clear_run):
    for path in clear_run.glob("*.csv"):
        text = _read(path)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert _split_records(text) == rows, path.name  # LibreOffice sees the same rows
        assert all(len(r) == len(rows[0]) for r in rows), path.name


def test_numeric_columns_stay_numeric(clear_run, tmp_path):
    edges = pd.read_csv(clear_run / "coordination_edges.csv")
    assert pd.api.types.is_numeric_dtype(edges["weight"])
    hubs = pd.read_csv(clear_run / "hubs.csv")
    assert pd.api.types.is_float_dtype(hubs["hub_score"])
    frame = pd.DataFrame({"delta": [-3.5, 1e-7], "n": [-3, 4], "label": ["-3.5", "-x"]})
    report.write_tables({"numbers": frame}, tmp_path)
    text = _read(tmp_path / "numbers.csv")
    assert text == "delta,n,label\n-3.5,-3,-3.5\n1e-07,4,'-x\n"
    back = pd.read_csv(tmp_path / "numbers.csv")
    assert back["delta"].tolist() == [-3.5, 1e-7] and back["n"].tolist() == [-3, 4]


@pytest.mark.parametrize("cell, expected", [
    ("ok\r=cmd", "ok\r'=cmd"), ("ok\n@x", "ok\n'@x"), ("a\r\n+y", "a\r\n'+y"),
    ("\r=x", "'\r'=x"), ("x, -1", "x, -1"), ("x, -1+1", "x, '-1+1"), ('a,"=b', 'a,"\'=b'),
    ("＝1", "'＝1"), ("-3.5", "-3.5"), ("plain, text", "plain, text"),
    # characters that do not show, before a formula: a reader may drop them
    ("\ufeff=1+1", "\ufeff'=1+1"), ("x\n\u200b\u2060@x", "x\n\u200b\u2060'@x"),
    (" \u202e-2+3", " \u202e'-2+3"), ("\u00ad+x", "\u00ad'+x"),
    # separators and line ends of every kind before a formula
    ("x;=1", "x;'=1"), ("x\t=1", "x\t'=1"), ("x\u2028=1", "x\u2028'=1"),
    ("x\x85=1", "x\x85'=1"), ("x\x00\n=1", "x\x00\n'=1"), ("\t;\t", "'\t;'\t"),
])
def test_csv_cell(cell, expected):
    assert csv_cell(cell) == expected


def test_bare_cr_is_quoted_and_header_neutralised():
    text = csv_text(pd.DataFrame({"=h": ["a\rb", "c"]}))
    assert text == "'=h\n\"a\rb\"\nc\n"


def test_interchange_and_scenario_writers_quote_cr_and_round_trip(tmp_path):
    data = netlib.Dataset.from_frames(
        pd.DataFrame({"account_id": ["a1", "a2"], "platform": "x",
                      "handle": ["=x\r@y", "b"]}),
        pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a1", "a2"],
                      "timestamp": ["2024-01-01T00:00:00Z"] * 2, "kind": "post",
                      "text": ["hi\r+1", "@z"]}))
    folder = netlib.io.write_interchange(data, tmp_path / "d")
    back = netlib.load(folder)
    assert back.accounts["handle"].tolist() == data.accounts["handle"].tolist()
    assert back.actions["text"].tolist() == data.actions["text"].tolist()
    path = netlib.safe.write_csv(pd.DataFrame({"t": ["hi\r+1"]}), tmp_path / "t.csv",
                                 neutralize=False)
    assert _read(path) == 't\n"hi\r+1"\n'


# --- 2. pseudonymisation ----------------------------------------------------------------------
def _all_text(folder: Path) -> str:
    return "\n".join(_read(p) for p in sorted(folder.iterdir()))


def test_pseudonymised_outputs_hold_no_identifier(hostile_input, pseudo_run, clear_run):
    accounts = pd.read_csv(hostile_input / "accounts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip")
    clusters = pd.read_csv(clear_run / "clusters.csv", dtype=str)
    shown = accounts[accounts["account_id"].isin(
        {c.lstrip("'") for c in clusters["account_id"]})]
    assert len(shown) > 20
    text = _all_text(pseudo_run)
    for col in ("handle", "account_id", "display_name"):
        for value in shown[col]:
            if len(value) >= 6:  # shorter ones are substrings of numbers and words
                assert value not in text, (col, value)
    assert "İstanbul" in _all_text(clear_run) and "İstanbul" not in text
    assert "ghost_person_77" in _read(clear_run / "load_report.csv")
    assert "ghost_person_77" not in text
    for secret in ("ragged_person_88", "ragged_handle_88", "Ragged Person Name"):
        assert secret in _read(clear_run / "load_report.csv") and secret not in text
    issues = pd.read_csv(pseudo_run / "load_report.csv", dtype=str)
    assert "(actions file)" in set(issues["file"])
    assert set(issues["file"]) <= {"(accounts file)", "(actions file)", "(follows file)"}
    assert "case_jane_doe" not in text and str(hostile_input.parent) not in text


def test_dotted_capital_i_is_found_inside_text():
    tables = {"t": pd.DataFrame({"handle": ["İstanbulNews"],
                                 "bio": ["follow İstanbulNews and @İstanbulnews!"]})}
    out = report.pseudonymize_tables(tables, "k")["t"]
    assert "İstanbul" not in out.to_string()
    alias = out.loc[0, "handle"]
    assert out.loc[0, "bio"] == f"follow {alias} and @{alias}!"


def test_run_json_has_no_absolute_path(clear_run, hostile_input):
    record = json.loads((clear_run / "run.json").read_text(encoding="utf-8"))
    assert record["source"] == hostile_input.name  # outside the current folder: name only
    assert str(hostile_input.parent) not in (clear_run / "run.json").read_text("utf-8")
    assert str(hostile_input.parent) not in (clear_run / "report.html").read_text("utf-8")


# --- 3. the output folder as a transaction ----------------------------------------------------
def test_rerun_replaces_the_whole_folder(hostile_input, clear_run, tmp_path, capsys):
    out = tmp_path / "out"
    for path in clear_run.iterdir():
        (out / path.name).parent.mkdir(exist_ok=True)
        (out / path.name).write_bytes(path.read_bytes())
    (out / "old_extra.csv").write_text("stale\n", encoding="utf-8")
    assert _analyze(hostile_input, out, "--pseudonymize", "k") == 0
    note = capsys.readouterr().err
    assert "netlib analyze: note:" in note and "old_extra.csv" in note
    assert not (out / "old_extra.csv").exists()
    assert "İstanbul" not in _all_text(out)  # no clear report or graph left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp or lock left


def test_foreign_folder_file_and_symlink_are_refused_before_loading(tmp_path, monkeypatch,
                                                                    capsys):
    def boom(*args, **kwargs):
        raise AssertionError("loaded data before checking --out")

    monkeypatch.setattr("netlib.io.load", boom)
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.docx").write_text("precious", encoding="utf-8")
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(foreign)
    for out, message in ((foreign, "not a netlib output"), (afile, "not a folder"),
                         (link, "symbolic link")):
        assert cli.main(["analyze", "data/sample", "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert (foreign / "chapter1.docx").read_text(encoding="utf-8") == "precious"


def test_full_disk_keeps_the_previous_output(hostile_input, clear_run, tmp_path, monkeypatch,
                                             capsys):
    out = tmp_path / "out"
    out.mkdir()
    for path in clear_run.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full_disk(analysis, path, **kwargs):
        Path(path).write_text("<!DOCTYPE html><html><body>trunc", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(report, "write_report", full_disk)
    assert _analyze(hostile_input, out) == 2
    err = capsys.readouterr().err
    assert err.startswith("netlib analyze: error: could not write ")
    assert f"{out / 'report.html'}: No space left on device" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_file_size_limit_mid_run_names_the_file_and_keeps_the_output(tmp_path):
    """A real write failure (RLIMIT_FSIZE makes write() fail with EFBIG, as a full disk
    fails with ENOSPC): a one-line error naming the file being written, the earlier
    output byte for byte, and no temporary folder or lock left behind."""
    data = tmp_path / "data"
    write_scenario(synth.generate(seed=4, scale=0.05), data)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "netlib.cli", "analyze", str(data), "--out", str(out),
               "--quiet", "--report"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert (out / "report.html").stat().st_size > 300_000

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    second = subprocess.run(command + ["--seed", "1"], capture_output=True, text=True, env=env,
                            timeout=600, preexec_fn=limit)
    assert second.returncode == 2
    assert second.stderr.startswith(f"netlib analyze: error: could not write {out}{os.sep}")
    assert "File too large (the previous output" in second.stderr
    assert "Traceback" not in second.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_a_second_run_on_a_locked_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out) as first:
        (first.path / "run.json").write_text('{"netlib_version": "x"}', encoding="utf-8")
        with pytest.raises(OutputError, match="another netlib run"), OutputFolder(out):
            pass
        assert not out.exists()  # nothing visible until the first run finishes
    assert (out / "run.json").exists()
    with pytest.raises(RuntimeError), OutputFolder(out) as second:
        (second.path / "run.json").write_text("{}", encoding="utf-8")
        raise RuntimeError("analysis failed")
    assert json.loads((out / "run.json").read_text(encoding="utf-8")) == {"netlib_version": "x"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_check_output_folder_accepts_new_empty_and_netlib_folders(tmp_path):
    assert check_output_folder(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "run.json").write_text('{"netlib_version": "0.1.0"}', encoding="utf-8")
    check_output_folder(tmp_path / "old")
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "run.json").write_text("not json", encoding="utf-8")
    with pytest.raises(netlib.ParameterError, match="not a netlib output"):
        check_output_folder(tmp_path / "fake")


# --- 4. CLI arguments, bidi, determinism ------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "must be a whole number from 0"), (["--seed", "x"], "must be a whole number"),
    (["--memory-limit", "lots"], "not a memory size"),
    (["--memory-limit", "0GB"], "not a memory size"),
])
def test_bad_arguments_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["analyze", "data/sample", "--out", "x", *args])
    assert stop.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("size", ["4GB", "512MB", "1.5GiB", "100 mb"])
def test_memory_sizes_accepted(size):
    args = cli.build_parser().parse_args(["analyze", "p", "--out", "o", "--memory-limit", size])
    assert args.memory_limit == size


def test_bidi_controls_are_visible_in_report_and_graphs(clear_run):
    for name in ("report.html", "coordination.graphml", "coordination.gexf",
                 "mirror_chains.graphml", "mirror_chains.gexf"):
        text = _read(clear_run / name)
        assert not set(BIDI_CONTROLS) & set(text), name
    assert "&lt;U+202E&gt;" in (clear_run / "report.html").read_text(encoding="utf-8")
    assert "&lt;U+202E&gt;" in (clear_run / "coordination.graphml").read_text(encoding="utf-8")


def test_graph_export_is_deterministic(hostile_input, tmp_path):
    data = netlib.load(hostile_input)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = netlib.pipeline.analyze(data)
    first = report.export_graph(analysis, tmp_path / "a")
    for result in (analysis.coordination, analysis.mirrors, analysis.hubs):
        for name, value in list(vars(result).items()):
            if isinstance(value, pd.DataFrame) and len(value) > 1:
                object.__setattr__(result, name, value.sample(frac=1, random_state=1))
    second = report.export_graph(analysis, tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


GRAPH_SCRIPT = """
import sys, warnings
import netlib
from netlib import report
warnings.simplefilter("ignore")
analysis = netlib.pipeline.analyze(netlib.load(sys.argv[1]))
for path in report.export_graph(analysis, sys.argv[2]):
    print(path.name)
"""


def test_graph_export_is_the_same_under_any_hash_seed(hostile_input, tmp_path):
    """String hashing differs between processes (PYTHONHASHSEED): sets and dicts built from
    handles must not leak their order into the Gephi files."""
    written = {}
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run([sys.executable, "-c", GRAPH_SCRIPT, str(hostile_input),
                               str(tmp_path / seed)], capture_output=True, text=True, env=env,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        written[seed] = {name: (tmp_path / seed / name).read_bytes()
                         for name in done.stdout.split()}
    assert len(written["1"]) >= 4 and any(len(b) > 10_000 for b in written["1"].values())
    assert written["1"] == written["2"]


def test_output_folder_holding_the_current_folder_is_refused(tmp_path, monkeypatch):
    inner = tmp_path / "out" / "work"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    for out in (".", "..", str(tmp_path / "out")):
        with pytest.raises(netlib.ParameterError, match="holds the current folder"):
            check_output_folder(out)


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path):
    (tmp_path / ".out.netlib-new-abc123").mkdir()
    (tmp_path / ".out.netlib-new-abc123" / "report.html").write_text("<p>clear</p>",
                                                                        encoding="utf-8")
    with OutputFolder(tmp_path / "out") as folder:
        (folder.path / "run.json").write_text('{"netlib_version": "x"}', encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet='ab1,;"\r\n\t =+-@＝ \u202e\'\u2028\x0b\x85\ufeff\u200b\x00', max_size=12),
                min_size=1,
                max_size=4))
def test_csv_text_property(cells):
    text = csv_text(pd.DataFrame({"t": cells, "n": [-1.5] * len(cells)}))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert _split_records(text) == rows  # LibreOffice's reading gives the same rows
    assert len(rows) == len(cells) + 1 and all(len(r) == 2 for r in rows)
    assert [r[1] for r in rows[1:]] == ["-1.5"] * len(cells)
    for cell, written in zip(cells, (r[0] for r in rows[1:]), strict=True):
        assert written.replace("'", "") == cell.replace("'", "")
    assert not [c for how, c in _cells(text) if _live_formula(c)]


_NO_CR = st.text(alphabet='ab1,;"\n\t =+-@＝ \u202e\'\u2028\x0b\x85\ufeff\u200b', max_size=10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_NO_CR | st.none(), st.floats(allow_nan=True, width=32),
                          st.booleans(), st.lists(_NO_CR, max_size=2)),
                min_size=0, max_size=5), _NO_CR)
def test_csv_text_without_cr_equals_the_field_by_field_writer(rows, name):
    """Tables without a CR take pandas' writer directly; it must give the same text as the
    careful pass (every field re-quoted) that a CR forces."""
    from netlib.safe import _requoted, csv_frame

    frame = pd.DataFrame(rows, columns=[name or "t", "x", "flag", "tags"])
    frame["tags"] = frame["tags"].astype(object)
    assert csv_text(frame) == _requoted(csv_frame(frame))
    assert csv_text(frame, neutralize=False) == _requoted(csv_frame(frame, neutralize=False))


def test_pseudonymised_analysis_withholds_rejected_records(tmp_path):
    """The load report a pseudonymised analysis carries (for notebooks and the report)
    names neither a rejected record's raw text nor a parsed rejected row's identities."""
    (tmp_path / "accounts.csv").write_text(
        "account_id,platform,handle,display_name\na1,x,alice,Alice\n"
        "ragged_person_88,x,ragged_handle_88,Ragged Person Name,one too many\n")
    (tmp_path / "actions.csv").write_text(
        "action_id,account_id,timestamp,kind,text\nt1,a1,2021-03-01T12:00:00Z,post,hi\n"
        "t2,ghost_person_77,2021-03-01T12:00:00Z,post,hi\n")
    data = netlib.load(tmp_path, now=pd.Timestamp("2026-01-01", tz="UTC"))
    clear = data.report.issues_frame().to_csv()
    assert "Ragged Person Name" in clear and "ghost_person_77" in clear
    shown = report.pseudonymize_analysis(netlib.pipeline.analyze(data), "k")
    copied = shown.dataset.report
    text = copied.issues_frame().to_csv() + "".join(
        frame.to_csv() for frame in copied.rejected.values())
    for secret in ("ragged_person_88", "ragged_handle_88", "Ragged Person Name",
                   "ghost_person_77", "accounts.csv"):
        assert secret not in text, secret
    assert "(record withheld: pseudonymised run)" in text
    assert "Ragged Person Name" in data.report.issues_frame().to_csv()  # input unchanged


def test_messages_on_the_terminal_show_control_characters_as_codes(tmp_path, capsys):
    """Errors and notes quote the data (here a column name): an escape sequence in it is
    shown, not obeyed, and a NUL does not reach the terminal."""
    (tmp_path / "accounts.csv").write_text("account_id,platform,\x1b[2J\x00handle\n")
    (tmp_path / "actions.csv").write_text("action_id,account_id,timestamp,kind\n")
    assert cli.main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x00" not in err
    assert "<U+001B>[2J<U+0000>handle" in err and err.startswith("netlib validate: error:")


FIXTURES = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("case", ["no actions", "one account", "twitter_io", "telegram",
                                  "twarc2"])
def test_analyze_without_coordination_writes_empty_tables(case, tmp_path, capsys):
    """Data with no coordinated group (no actions, one account, the small reader fixtures)
    gives every table, empty where nothing was found, not a KeyError."""
    data = tmp_path / "data"
    data.mkdir()
    if case in ("no actions", "one account"):
        (data / "accounts.csv").write_text("account_id,platform,handle\na1,x,alice\n")
        rows = "" if case == "no actions" else "t1,a1,2021-03-01T12:00:00Z,post,hi\n"
        (data / "actions.csv").write_text("action_id,account_id,timestamp,kind,text\n" + rows)
    else:
        data = {"twitter_io": FIXTURES / "twitter_io" / "tweets.csv",
                "telegram": FIXTURES / "telegram" / "result.json",
                "twarc2": FIXTURES / "twarc2" / "search.jsonl"}[case]
    out = tmp_path / "out"
    assert cli.main(["analyze", str(data), "--out", str(out), "--quiet", "--report"]) == 0, \
        capsys.readouterr().err
    for name in ("clusters", "coordination_edges", "cluster_stats", "hubs", "mirror_links",
                 "load_report"):
        pd.read_csv(out / f"{name}.csv")  # present and readable, possibly header only
    assert (out / "report.html").stat().st_size > 0
