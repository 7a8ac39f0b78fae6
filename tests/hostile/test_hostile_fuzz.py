"""Fuzzing netlib.load and `netlib analyze` with mutations of a small valid interchange
folder, and random bytes (hypothesis, derandomized: the same examples on every run).

Whatever the input, exactly one of two things happens: a Dataset (or an analysis whose
run.json says so) whose counts add up (``read == kept + rejected`` per file) and whose
account ids are all in the input text, or a NetlibError (exit 2, one line) that names the
file; every rejected row is named by file and a row inside the file.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netlib
from netlib import cli
from netlib.errors import NetlibError

NOW = pd.Timestamp("2026-01-01", tz="UTC")
FILES = {
    "accounts.csv": (
        "account_id,platform,handle,display_name,created_at,bio,followers_count,status\n"
        "a1,x,alice,Alice A,2019-05-01T00:00:00Z,\"likes, commas\",10,active\n"
        "a2,x,bob,Bob,2020-01-01,plain bio,5,suspended\n"
        "0012,x,carol,\"Carol \"\"C\"\"\",,\"two\nlines\",,\n"
        "1e5,telegram,dave,Dave,1600000000,,7,active\n"),
    "actions.csv": (
        "action_id,account_id,timestamp,kind,object_id,text,urls,hashtags\n"
        "t1,a1,2021-03-01T12:00:00Z,post,,hello world,https://a.org/x,news\n"
        "t2,a2,2021-03-01T12:00:30Z,repost,t1,,,\n"
        "t3,0012,2021-03-01 12:01:00 +0300,post,,\"quoted, text\",,a b\n"
        "t4,1e5,1614600000,reply,t1,reply text,,\n"
        "t5,a1,2021-03-02T00:00:00Z,quote,t3,\"multi\nline\",https://b.org,\n"
        "t6,a2,2021-03-02T00:00:01Z,post,,same text again and again,,x\n"),
    "follows.csv": "source_id,target_id\na1,a2\na2,0012\n1e5,a1\n",
}
INSERTS = [b"\r", b"\n", b"\r\n", b'"', b"\x00", b"\xef\xbb\xbf", "\u202e".encode(),
           "\u2066".encode(), b",", b"\t", b"\xff", b"\xc3", b"\\", b" ", b"''"]
VALUES = [b"9" * 400, b"1e999", b"-1e999", b"nan", b"inf", b"", b"9999-12-31T23:59:59Z",
          b"2021-13-45", b"0000-00-00", b"2021-03-01T12:00:00.12345678901Z",
          b"2021-03-01 12:00:00 GMT+0300", b"_row", b"NULL", b"\"", b"a\"b"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _mutate(data: bytes, op: str, a: int, b: int, value: int) -> bytes:
    n = max(len(data), 1)
    lines = _lines(data)
    i, j = a % len(lines), b % len(lines)
    if op == "insert":
        pos = a % (n + 1)
        return data[:pos] + INSERTS[value % len(INSERTS)] + data[pos:]
    if op == "truncate":
        return data[: a % (n + 1)]
    if op == "delete":
        pos = a % n
        return data[:pos] + data[pos + 1 + b % 8:]
    if op == "duplicate_header":
        names = lines[0].split(b",")
        lines[0] = lines[0] + b"," + names[value % len(names)]
    elif op == "swap_columns":
        names = lines[0].split(b",")
        x, y = a % len(names), b % len(names)
        names[x], names[y] = names[y], names[x]
        lines[0] = b",".join(names)
    elif op == "set_field":
        fields = lines[i].split(b",")
        fields[b % len(fields)] = VALUES[value % len(VALUES)]
        lines[i] = b",".join(fields)
    elif op == "extra_field":
        lines[i] = lines[i] + b",extra"
    elif op == "missing_field":
        lines[i] = lines[i].rsplit(b",", 1)[0]
    elif op == "duplicate_line":
        lines.insert(j, lines[i])
    elif op == "blank_line":
        lines.insert(i, b"")
    return b"\n".join(lines)


OPS = ["insert", "truncate", "delete", "duplicate_header", "swap_columns", "set_field",
       "extra_field", "missing_field", "duplicate_line", "blank_line"]
mutation = st.tuples(st.sampled_from(sorted(FILES)), st.sampled_from(OPS),
                     st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 100))


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace")


def _check(folder: Path, contents: dict[str, bytes]) -> None:
    try:
        data = netlib.load(folder, now=NOW)
    except NetlibError as err:
        message = str(err)
        assert any(name in message for name in FILES), message
        return
    report = data.report
    for table, info in report.files.items():
        assert info["read"] == info["kept"] + info["rejected"], (table, info)
        assert info["kept"] == len(getattr(data, table)), (table, info)
    accounts_text = _text(contents["accounts.csv"])
    for account_id in data.accounts["account_id"]:
        assert account_id in accounts_text or account_id.replace('"', '""') in accounts_text, \
            account_id
    assert set(data.actions["account_id"]) <= set(data.accounts["account_id"])
    for issue in report.issues:
        assert issue.file in FILES, issue
        if issue.row is not None:
            physical = len(_text(contents[issue.file]).splitlines()) or 1
            assert 1 <= issue.row <= physical, (issue, physical)


def _write(folder: Path, contents: dict[str, bytes]) -> None:
    for name, data in contents.items():
        (folder / name).write_bytes(data)


@settings(derandomize=True, max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_folder_loads_or_fails_by_name(mutations):
    contents = {name: text.encode() for name, text in FILES.items()}
    for name, op, a, b, value in mutations:
        contents[name] = _mutate(contents[name], op, a, b, value)
    folder = Path(tempfile.mkdtemp(prefix="netlib-fuzz-"))
    try:
        _write(folder, contents)
        _check(folder, contents)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(derandomize=True, max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(sorted(FILES)), st.binary(max_size=400), st.booleans())
def test_random_bytes_load_or_fail_by_name(name, blob, keep_header):
    contents = {n: text.encode() for n, text in FILES.items()}
    header = contents[name].split(b"\n", 1)[0] + b"\n"
    contents[name] = (header if keep_header else b"") + blob
    folder = Path(tempfile.mkdtemp(prefix="netlib-fuzz-"))
    try:
        _write(folder, contents)
        _check(folder, contents)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_unmutated_folder_is_clean(tmp_path):
    contents = {name: text.encode() for name, text in FILES.items()}
    _write(tmp_path, contents)
    data = netlib.load(tmp_path, now=NOW)
    assert data.report.ok, [str(i) for i in data.report.issues]
    assert len(data.accounts) == 4 and len(data.actions) == 6 and len(data.follows) == 3


EXPORTS = {
    "twitter_io": ("tweets.csv",
                   "tweetid,userid,user_screen_name,tweet_time,tweet_text,is_retweet,"
                   "retweet_tweetid,hashtags,urls\n"
                   "1,u1,alice,2020-01-01 10:00,\"hello, world\",false,,\"['a', 'b']\",[]\n"
                   "2,u2,bob,2020-01-01 10:01,RT hello,true,1,[],[]\n"
                   "3,u1,alice,2020-01-01 10:02,\"two\nlines\",false,,[],"
                   "\"['https://x.org']\"\n"),
    "fivethirtyeight": ("tweets.csv",
                        "external_author_id,author,content,publish_date,post_type,tweet_id\n"
                        "9.06E+17,alice,hello #news,10/1/2017 19:58,,11\n"
                        "2528776985,bob,\"RT @x: hello\",2017-10-01 20:00:00,RETWEET,12\n"
                        "2528776985,bob,\"multi\nline\",2017-10-01 20:01:00,,13\n"),
}


@settings(derandomize=True, max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(sorted(EXPORTS)),
       st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10_000),
                          st.integers(0, 10_000), st.integers(0, 100)), min_size=1,
                max_size=3))
def test_mutated_export_loads_or_fails_by_name(fmt, mutations):
    name, text = EXPORTS[fmt]
    data = text.encode()
    for op, a, b, value in mutations:
        data = _mutate(data, op, a, b, value)
    folder = Path(tempfile.mkdtemp(prefix="netlib-fuzz-"))
    try:
        (folder / name).write_bytes(data)
        try:
            loaded = netlib.load(folder / name, format=fmt, now=NOW)
        except NetlibError as err:
            assert name in str(err), str(err)
            return
        for table, info in loaded.report.files.items():
            assert info["read"] == info["kept"] + info["rejected"], (table, info)
        assert set(loaded.actions["account_id"]) <= set(loaded.accounts["account_id"])
        if fmt == "twitter_io":
            for account_id in loaded.accounts["account_id"]:
                assert account_id in _text(data), account_id
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _analyze_or_fail_by_name(folder: Path, out: Path, capsys) -> None:
    """``netlib analyze`` on a fuzzed folder: exit 0 with counts that add up in run.json, or
    exit 2 with one error line naming an input file; never a traceback (an exception
    escaping ``main`` fails the test)."""
    status = cli.main(["analyze", str(folder), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status == 2:
        message = err.strip().splitlines()[0]
        assert message.startswith("netlib analyze: error: "), err
        assert any(name in message for name in FILES), err
        assert not out.exists()
        return
    assert status == 0, err
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    for table, info in record["input_files"].items():
        assert info["rows_read"] == info["rows_kept"] + info["rows_rejected"], (table, info)
    issues = pd.read_csv(out / "load_report.csv", dtype=str, keep_default_na=False)
    rejected = sum(info["rows_rejected"] for info in record["input_files"].values())
    assert len(issues[issues["severity"] == "error"]) >= (rejected > 0), issues
    assert set(issues["file"]) <= set(FILES) | {""}, set(issues["file"])


@settings(derandomize=True, max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(mutation, min_size=1, max_size=4),
       name=st.sampled_from(sorted(FILES)), blob=st.binary(max_size=200),
       use_blob=st.booleans())
def test_analyze_on_fuzzed_input_finishes_or_fails_by_name(capsys, mutations, name, blob,
                                                           use_blob):
    contents = {n: text.encode() for n, text in FILES.items()}
    for file, op, a, b, value in mutations:
        contents[file] = _mutate(contents[file], op, a, b, value)
    if use_blob:  # random bytes after the header of one file
        contents[name] = contents[name].split(b"\n", 1)[0] + b"\n" + blob
    folder = Path(tempfile.mkdtemp(prefix="netlib-fuzz-"))
    try:
        _write(folder, contents)
        _analyze_or_fail_by_name(folder, folder.parent / (folder.name + "-out"), capsys)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(folder.parent / (folder.name + "-out"), ignore_errors=True)
