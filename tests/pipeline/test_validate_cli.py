"""`netlib validate PATH [--format F]` as a user runs it: output lines and exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETLIB = ROOT / ".venv" / "bin" / "netlib"


def run(*args: str) -> subprocess.CompletedProcess:
    command = [str(NETLIB)] if NETLIB.exists() else [sys.executable, "-m", "netlib.cli"]
    return subprocess.run([*command, "validate", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("path, fmt, status", [
    ("tests/data/twitter_io", "twitter_io", 0),
    ("tests/data/twitter_io/hashed_tweets.csv", "twitter_io", 0),
    ("tests/data/fivethirtyeight/split", "fivethirtyeight", 0),
    ("tests/data/fivethirtyeight/original", "fivethirtyeight", 0),
    ("tests/data/telegram", "telegram", 0),
    ("tests/data/coortweet/shares.csv", "coortweet", 0),
    ("tests/data/twarc2/search.jsonl", "twarc2", 1),  # one line is broken JSON
])
def test_every_format_is_detected_and_reported(path, fmt, status):
    result = run(path)
    no_traceback(result)
    assert result.returncode == status, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"format: {fmt}"
    assert f"note: format '{fmt}' detected from the files" in lines
    assert lines[-1].startswith("summary: ")


def test_explicit_format_wins():
    result = run("tests/data/coortweet/shares.csv", "--format", "coortweet")
    assert result.returncode == 0
    assert "note: format 'coortweet' chosen by the caller" in result.stdout


def test_interchange_folder_with_bad_rows_lists_each_problem(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,platform,handle\na1,x,alice\n")
    (tmp_path / "actions.csv").write_text(
        "action_id,account_id,timestamp,kind\n"
        "t1,a1,2021-01-01T00:00:00Z,post\n"
        "t2,a1,2021-02-30T00:00:00Z,post\n"
        "t1,a1,2021-01-02T00:00:00Z,post\n"
        "t3,ghost,2021-01-03T00:00:00Z,post\n")
    result = run(tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    out = result.stdout
    assert ("error: actions.csv row 2, column timestamp: timestamp is not a date (expected "
            "ISO 8601, e.g. 2026-03-01T12:00:00Z, or epoch seconds) (value "
            "'2021-02-30T00:00:00Z')") in out
    assert ("error: actions.csv row 3, column action_id: duplicate action_id (first "
            "occurrence kept) (value 't1')") in out
    assert ("error: actions.csv row 4, column account_id: account_id not in accounts "
            "(value 'ghost')") in out
    assert "actions.csv: read 4, kept 1, rejected 3, warnings 0" in out


def test_missing_required_column_is_one_line_and_status_2(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,platform,handle\na1,x,alice\n")
    (tmp_path / "actions.csv").write_text("action_id,account_id,kind\nt1,a1,post\n")
    result = run(tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "netlib validate: error: actions.csv: missing required column timestamp (found: "
        "action_id, account_id, kind; expected at least: action_id, account_id, timestamp, "
        "kind)"]


@pytest.mark.parametrize("args, message", [
    (("nope/",), "no such file or folder"),
    (("tests/data/coortweet/shares.csv", "--format", "bogus"), "unknown format 'bogus'"),
    (("tests/data/telegram/result.json", "--format", "twitter_io"),
     "missing required columns tweetid, userid, tweet_time"),
])
def test_unusable_input_exits_2_with_one_line(args, message):
    result = run(*args)
    no_traceback(result)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_real_coortweet_file_validates(realdata):
    result = run(realdata / "coortweet" / "russian_coord_tweets.rda")
    no_traceback(result)
    assert result.returncode == 0  # repeated content_ids are warnings, not rejections
    assert "russian_coord_tweets.rda: read 35,125, kept 35,125, rejected 0, warnings 40" in \
        result.stdout
