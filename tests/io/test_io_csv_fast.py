"""The fast CSV path (Arrow for plain lines) against the careful path (the csv module, line
by line) as an independent oracle: whatever the bytes, either the fast path declines, or
both give the same frame, the same row numbers and the same broken records."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import netlib
from netlib.io import _files

NOW = pd.Timestamp("2026-01-01", tz="UTC")
HEADER = b"action_id,account_id,timestamp,kind,text\n"
ROW = b"t%d,a1,2021-03-01T12:00:00Z,post,hello %d\n"


def _careful(path: Path, delimiter: str = ","):
    return _files._read_csv(path, path.name, delimiter, errors="strict")


def _fast(path: Path, delimiter: str = ","):
    return _files._read_csv_fast(path, path.name, delimiter)


def _assert_same(fast, careful) -> None:
    assert_frame_equal(fast.frame, careful.frame, check_exact=True)
    assert list(fast.frame.columns) == list(careful.frame.columns)
    assert fast.rows.dtype == careful.rows.dtype
    assert fast.rows.tolist() == careful.rows.tolist()
    assert_frame_equal(fast.broken, careful.broken, check_exact=True)


def _assert_same_load(fast, careful) -> None:
    """The two paths give the same tables, rejected rows, files and issues."""
    for table in ("accounts", "actions"):
        assert_frame_equal(getattr(fast, table), getattr(careful, table), check_exact=True)
        assert_frame_equal(fast.report.rejected[table], careful.report.rejected[table],
                           check_exact=True)
    assert fast.report.files == careful.report.files
    assert fast.report.issues == careful.report.issues


def _compare(data: bytes, suffix: str = ".csv") -> bool:
    """True when the fast path read ``data`` (and agreed with the careful path)."""
    with tempfile.TemporaryDirectory(prefix="netlib-csv-") as tmp:
        path = Path(tmp) / f"table{suffix}"
        path.write_bytes(data)
        delimiter = "\t" if suffix == ".tsv" else ","
        fast = _fast(path, delimiter)
        try:
            careful = _careful(path, delimiter)
        except UnicodeDecodeError:
            assert fast is None  # the caller re-reads such a file with replacements
            return False
        except netlib.DataFormatError:
            assert fast is None
            return False
        if fast is None:
            return False
        _assert_same(fast, careful)
        return True


def _plain(n: int) -> bytes:
    return HEADER + b"".join(ROW % (i, i) for i in range(n))


# --- the fast path is taken, and agrees --------------------------------------------------------
@pytest.mark.parametrize("data", [
    _plain(50),
    _plain(50).replace(b"\n", b"\r\n"),
    _plain(5).rstrip(b"\n"),  # no line break after the last record
    b"\xef\xbb\xbf" + _plain(5),  # a UTF-8 BOM
    HEADER + b't1,a1,2021-03-01T12:00:00Z,post,"quoted, with ""quotes"""\n',
    HEADER + b"t1,a1,2021-03-01T12:00:00Z,post,caf\xc3\xa9 \xe2\x80\xae\x00nul\n",
])
def test_plain_files_take_the_fast_path(data):
    assert _compare(data)


@pytest.mark.parametrize("trouble", [
    b't9,a1,2021-03-01T12:00:00Z,post,"two\nlines"\n',  # a quoted line break
    b't9,a1,2021-03-01T12:00:00Z,post,"stray quote\n',  # swallows the records after it
    b"t9,a1,2021-03-01T12:00:00Z,post,one,too many\n",
    b"t9,a1,2021-03-01T12:00:00Z,post\n",
    b"\n\n",  # blank lines: skipped, but counted in the row numbers after them
    b't9,a1,2021-03-01T12:00:00Z,post,a"b\n',  # a quote inside an unquoted field
    b't9,a1,2021-03-01T12:00:00Z,post,"closed"early\n',
])
@pytest.mark.parametrize("where", [0, 3, 10])  # first record, middle, last
def test_troubled_lines_are_read_as_the_careful_path_reads_them(trouble, where):
    rows = [ROW % (i, i) for i in range(10)]
    rows.insert(where, trouble)
    assert _compare(HEADER + b"".join(rows))


def test_a_quote_left_open_at_the_end_of_the_file_is_a_broken_record():
    data = _plain(3) + b't9,a1,2021-03-01T12:00:00Z,post,"never closed'
    assert _compare(data)
    got = _fast(_write(data))
    assert got.broken["_row"].tolist() == [4]
    assert "never closed (the file ends inside it)" in got.broken["_reason"].iloc[0]


def test_a_record_longer_than_arrows_default_block_is_read_fast():
    data = _plain(3) + b"t9,a1,2021-03-01T12:00:00Z,post," + b"word " * 600_000 + b"\n"
    assert _compare(data + _plain(3)[len(HEADER):])


def test_tab_separated_and_gzip_files(tmp_path):
    tsv = _plain(5).replace(b",", b"\t")
    assert _compare(tsv, ".tsv")
    import gzip
    assert _compare(gzip.compress(_plain(5) + b'x,"y\nz",1,2,3\n'), ".csv.gz")


@pytest.mark.parametrize("data", [
    _plain(5).replace(b"hello 2", b"hello\r2"),  # a lone CR in a file of LF lines
    _plain(5).replace(b"\n", b"\r\n").replace(b"hello 2\r\n", b"hello 2\n"),  # a lone LF
    _plain(5).replace(b"\n", b"\r"),  # old Mac line breaks
    b"\n" + _plain(5),  # a blank line before the header
    _plain(5).replace(b"hello 3", b"hello \xff"),  # not UTF-8
    "\ufeff".encode("utf-16") + _plain(3).decode().encode("utf-16-le"),  # UTF-16
    b'"two\nline header",b\nx,y\n',
    b"a,a\n1,2\n",  # a column named twice: the careful path raises, naming it
])
def test_files_the_fast_path_does_not_cover_go_the_careful_way(data):
    assert not _compare(data)


def _write(data: bytes) -> Path:
    path = Path(tempfile.mkdtemp(prefix="netlib-csv-")) / "table.csv"
    path.write_bytes(data)
    return path


# --- property: any bytes ----------------------------------------------------------------------
PIECES = [b"a", b"", b"0012", b'"q,x"', b'"two\nlines"', b'"esc ""x"""', b'a"b', b'"open',
          b'close"', b"\x00", b" ", b"\xc3\xa9", b"\xef\xbb\xbf", b"\xff", b"\t", b'""',
          b'"a\r\nb"', b'"cr\rinside"']
ENDINGS = [b"\n", b"\n", b"\n", b"\r\n", b"\r", b""]

line = st.tuples(st.lists(st.sampled_from(PIECES), min_size=0, max_size=6),
                 st.sampled_from(ENDINGS))


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(1, 4), st.lists(line, max_size=12), st.sampled_from([b"\n", b"\r\n"]),
       st.booleans())
def test_any_records_read_alike_both_ways(width, lines, newline, uniform):
    header = b",".join(b"c%d" % i for i in range(width)) + newline
    body = b"".join(b",".join(fields) + (newline if uniform else ending)
                    for fields, ending in lines)
    _compare(header + body)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(PIECES + [b",", b"\n"])),
                min_size=1, max_size=5), st.booleans())
def test_mutated_plain_files_read_alike_both_ways(inserts, crlf):
    data = _plain(12)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    for pos, piece in inserts:
        pos = len(HEADER) + pos % (len(data) - len(HEADER) + 1)
        data = data[:pos] + piece + data[pos:]
    _compare(data)


def test_the_property_inputs_reach_the_fast_path_with_trouble_inside():
    """The properties above do compare something: mutated files are still read fast."""
    data = _plain(12)
    taken = sum(_compare(data[:60 + k] + piece + data[60 + k:])
                for k in range(0, 200, 13) for piece in (b'"open', b"\n", b",", b'"two\nlines"'))
    assert taken >= 40


# --- end to end ---------------------------------------------------------------------------------
def test_load_gives_the_same_dataset_with_and_without_the_fast_path(tmp_path, monkeypatch):
    (tmp_path / "accounts.csv").write_bytes(
        b"account_id,platform,handle,bio\na1,x,alice,\"two\nlines\"\na2,x,bob,\"b, c\"\n"
        b"a3,x,carol\n\na1,x,again,dup\n")
    (tmp_path / "actions.csv").write_bytes(
        _plain(30).replace(b"t7,", b't7,"x').replace(b"t20,a1", b"t20,a2")
        + b't99,a3,2021-03-01T12:00:00Z,post,"last\nrecord"')
    fast = netlib.load(tmp_path, now=NOW)
    monkeypatch.setattr(_files, "_read_csv_fast", lambda *args: None)
    careful = netlib.load(tmp_path, now=NOW)
    _assert_same_load(fast, careful)
    assert fast.report.rejected["actions"]["_row"].tolist() \
        == careful.report.rejected["actions"]["_row"].tolist() != []
    assert np.array_equal(fast.actions["action_id"], careful.actions["action_id"])


def _load(folder: Path, fast: bool):
    """The Dataset, or the message of the DataFormatError, with or without the fast path."""
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_files, "_read_csv_fast", lambda *args: None)
        try:
            return netlib.load(folder, now=NOW)
        except netlib.DataFormatError as err:
            return str(err)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10_000),
                          st.sampled_from(PIECES + [b",", b"\n", b"\n\n"])),
                min_size=1, max_size=6))
def test_mutated_folders_load_alike_both_ways(inserts):
    files = {"accounts.csv": b"account_id,platform,handle,bio\n"
                             + b"".join(b"a%d,x,user%d,\"bio, %d\"\n" % (i, i, i)
                                        for i in range(6)),
             "actions.csv": _plain(20)}
    for in_actions, pos, piece in inserts:
        name = "actions.csv" if in_actions else "accounts.csv"
        data = files[name]
        pos = pos % (len(data) + 1)
        files[name] = data[:pos] + piece + data[pos:]
    with tempfile.TemporaryDirectory(prefix="netlib-csv-") as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        fast, careful = _load(folder, fast=True), _load(folder, fast=False)
    if isinstance(fast, str) or isinstance(careful, str):
        assert fast == careful
        return
    _assert_same_load(fast, careful)
    assert fast.report.notes == careful.report.notes


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=200), st.integers(1, 17), st.sampled_from([10, 34, 0]))
def test_byte_positions_found_block_by_block_are_every_position(data, block, byte):
    """The blocked, two-thread byte search against numpy's whole-buffer one, with blocks
    small enough that the bytes sought fall on every side of a block's edge."""
    want = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == byte)
    got = _files._byte_positions(data, byte, block=block)
    assert got.dtype == np.int64
    assert got.tolist() == want.tolist()
