"""Tests of netlib.coordination.write_coshare_pairs (pairs streamed to Parquet)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from netlib.coordination import coshare_pairs, write_coshare_pairs
from netlib.coordination.engines.pairfiles import MANIFEST
from netlib.errors import DataFormatError, ParameterError


def _shares(seed: int = 0, n: int = 3000) -> pd.DataFrame:
    """Retweets with bursts, ties, repeated content ids and missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "object_id": "o" + pd.Series(rng.integers(0, 120, n)).astype(str),
        "account_id": "a" + pd.Series(rng.integers(0, 150, n)).astype(str),
        "content_id": (10**12 + np.arange(n)).astype(str),
        "timestamp_share": rng.integers(0, 4_000, n).astype(float)})
    frame.loc[::97, "timestamp_share"] = np.nan
    frame.loc[5::131, "content_id"] = "7"
    return frame


def _read(folder) -> pd.DataFrame:
    return pd.read_parquet(folder).reset_index(drop=True)


@pytest.mark.parametrize("layout", ["frame", "csv", "parquet-glob"])
def test_files_hold_exactly_the_rows_and_order_of_coshare_pairs(tmp_path, layout):
    shares = _shares()
    if layout == "frame":
        data = shares
    elif layout == "csv":
        data = tmp_path / "shares.csv"
        shares.to_csv(data, index=False)
    else:
        shares.iloc[:1500].to_parquet(tmp_path / "s-0.parquet")
        shares.iloc[1500:].to_parquet(tmp_path / "s-1.parquet")
        data = str(tmp_path / "s-*.parquet")
    expected = coshare_pairs(data, window=120, min_participation=2)
    info = write_coshare_pairs(data, tmp_path / "pairs", window=120, min_participation=2,
                               rows_per_file=700, threads=2)
    assert len(expected) > 1500  # several files, not a trivial case
    got = _read(tmp_path / "pairs")
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    # one file per 700 rows, in order, and a manifest that says what was done
    parts = sorted(p.name for p in (tmp_path / "pairs").glob("part-*.parquet"))
    assert parts == info["files"]
    assert len(parts) == -(-len(expected) // 700)
    assert [len(pd.read_parquet(tmp_path / "pairs" / p)) for p in parts[:-1]] == \
        [700] * (len(parts) - 1)
    manifest = json.loads((tmp_path / "pairs" / MANIFEST).read_text())
    assert manifest["rows"] == len(expected)
    assert manifest["parameters"]["window"] == 120.0
    for key in ("shares_read", "shares_usable", "shares_joined"):
        assert manifest["counts"][key] == expected.attrs[key]
    if layout == "csv":
        digest = manifest["input"]["files"][str(data)]["sha256"]
        import hashlib
        assert digest == hashlib.sha256(data.read_bytes()).hexdigest()


def test_trace_table_keeps_the_trace_column(tmp_path):
    shares = _shares(seed=2, n=800).dropna()
    traces = pd.DataFrame({"account_id": shares["account_id"],
                           "trace": np.where(np.arange(len(shares)) % 2, "url", "repost"),
                           "object_id": shares["object_id"],
                           "timestamp": pd.to_datetime(shares["timestamp_share"], unit="s",
                                                       utc=True),
                           "action_id": shares["content_id"]})
    expected = coshare_pairs(traces, window=300, min_participation=2)
    write_coshare_pairs(traces, tmp_path / "p", window=300, min_participation=2)
    got = _read(tmp_path / "p")
    assert list(got.columns)[0] == "trace" and len(got) > 0
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))


def test_spill_under_a_small_memory_limit_gives_the_same_files(tmp_path):
    shares = _shares(seed=4, n=20_000)
    shares.to_parquet(tmp_path / "s.parquet")
    expected = coshare_pairs(shares, window=600, min_participation=2)
    write_coshare_pairs(str(tmp_path / "s.parquet"), tmp_path / "p", window=600,
                        memory_limit="100MB", temp_directory=str(tmp_path / "spill"),
                        threads=1, rows_per_file=50_000)
    pd.testing.assert_frame_equal(_read(tmp_path / "p"), expected.reset_index(drop=True))


def test_no_pairs_still_writes_a_readable_empty_table(tmp_path):
    shares = pd.DataFrame({"object_id": ["o1", "o2"], "account_id": ["a", "b"],
                           "content_id": ["1", "2"], "timestamp_share": [0, 10]})
    info = write_coshare_pairs(shares, tmp_path / "p")
    got = _read(tmp_path / "p")
    assert info["rows"] == 0 and len(got) == 0
    assert list(got.columns) == info["columns"]


def test_a_rerun_replaces_its_own_files_only(tmp_path):
    out = tmp_path / "p"
    write_coshare_pairs(_shares(), out, rows_per_file=500)
    (out / "_notes.txt").write_text("mine")
    info = write_coshare_pairs(_shares().iloc[:300], out, rows_per_file=500)
    assert sorted(p.name for p in out.glob("part-*.parquet")) == info["files"]
    assert (out / "_notes.txt").read_text() == "mine"
    assert len(_read(out)) == info["rows"]


def test_progress_lines_are_timed(tmp_path):
    lines: list[str] = []
    write_coshare_pairs(_shares(), tmp_path / "p", progress=lines.append)
    assert any("read 3,000 shares" in line for line in lines)
    assert lines[-1].startswith("wrote ")


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="rows_per_file"):
        write_coshare_pairs(_shares(), tmp_path / "p", rows_per_file=0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ParameterError, match="not a folder"):
        write_coshare_pairs(_shares(), tmp_path / "file")
    kept = write_coshare_pairs(_shares(), tmp_path / "p")
    with pytest.raises(DataFormatError, match="no file matches"):
        write_coshare_pairs(str(tmp_path / "none-*.parquet"), tmp_path / "p")
    assert len(_read(tmp_path / "p")) == kept["rows"]  # a failed run leaves the old files
    with pytest.raises(ParameterError, match="window"):
        write_coshare_pairs(_shares(), tmp_path / "p", window=-5)


def test_window_is_seconds_or_a_duration_string(tmp_path):
    info = write_coshare_pairs(_shares(), tmp_path / "p", window="2min")
    assert info["parameters"]["window"] == 120.0
    expected = coshare_pairs(_shares(), window=120)
    pd.testing.assert_frame_equal(_read(tmp_path / "p"), expected.reset_index(drop=True))
    with pytest.raises(ParameterError, match="window='soon' is not a duration"):
        write_coshare_pairs(_shares(), tmp_path / "q", window="soon")


def test_cli_pairs_command(tmp_path):
    shares = _shares()
    shares.to_csv(tmp_path / "shares.csv", index=False)
    done = subprocess.run([sys.executable, "-m", "netlib.cli", "pairs", str(tmp_path / "shares.csv"),
                           "--out", str(tmp_path / "p"), "--window", "2min"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and "pairs" in done.stdout
    expected = coshare_pairs(shares, window=120)
    pd.testing.assert_frame_equal(_read(tmp_path / "p"), expected.reset_index(drop=True))
    bad = subprocess.run([sys.executable, "-m", "netlib.cli", "pairs", str(tmp_path / "no.csv"),
                          "--out", str(tmp_path / "q")], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "no file matches" in bad.stderr and "Traceback" not in bad.stderr


def test_pair_edges_from_files_equal_the_in_memory_edge_table(tmp_path, tiny_scenario):
    from netlib.coordination import network as nw
    from netlib.coordination import pair_edges
    from netlib.traces import build_traces

    traces = build_traces(tiny_scenario.dataset)
    write_coshare_pairs(traces, tmp_path / "p", window=60, rows_per_file=5_000)
    got = pair_edges(tmp_path / "p", memory_limit="200MB", threads=1)
    pairs = pd.read_parquet(tmp_path / "p")
    assert pairs["trace"].nunique() >= 3
    want = nw.edge_table(pairs, traces=tuple(sorted(pairs["trace"].unique())))
    pd.testing.assert_frame_equal(got, want[list(got.columns)], check_dtype=False)
    assert (got["account_id"] < got["account_id_y"]).all() and len(got) > 100
    # the plain CooRTweet layout: one weight, no per-trace columns
    write_coshare_pairs(_shares(), tmp_path / "q", window=120)
    plain = pair_edges(str(tmp_path / "q" / "*.parquet"))
    assert list(plain.columns) == ["account_id", "account_id_y", "weight", "n_co_actions",
                                   "median_lag_s"]
    assert plain["n_co_actions"].sum() == len(pd.read_parquet(tmp_path / "q"))
    with pytest.raises(DataFormatError, match="no Parquet file"):
        pair_edges(tmp_path / "nothing")
