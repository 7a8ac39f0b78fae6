"""Low-level file reading shared by all readers: CSV/Parquet to string frames, fingerprints."""

from __future__ import annotations

import codecs
import csv
import gc
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from netlib.errors import DataFormatError
from netlib.loadreport import LoadReport

__all__ = ["read_table", "read_rows", "TableRead", "sha256_file", "find_table", "check_inside",
           "iter_rows", "read_whole"]

csv.field_size_limit(1 << 30)  # allow very large single fields (e.g. 10 MB posts)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (the input fingerprint written into provenance)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def find_table(folder: Path, stem: str) -> Path | None:
    """The file holding table ``stem`` in ``folder``: ``stem.csv``, ``.csv.gz`` or ``.parquet``."""
    for suffix in (".parquet", ".csv", ".csv.gz", ".tsv"):
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def check_inside(path: Path, root: Path | None, name: str) -> None:
    """Refuse a file that is (or passes through) a symlink resolving outside ``root``.

    Raises
    ------
    DataFormatError
        Naming the file, never echoing anything it holds.
    """
    if root is None:
        return
    try:
        real, base = Path(path).resolve(strict=True), Path(root).resolve(strict=True)
    except (OSError, RuntimeError) as err:  # dangling or looping symlink
        raise DataFormatError(f"{name}: cannot be opened (a broken or looping symbolic "
                              "link?)") from err
    if real != base and base not in real.parents:
        raise DataFormatError(f"{name}: is a symbolic link to a file outside the input folder "
                              f"{root}; refusing to read it (copy the file into the folder "
                              "instead)")


@dataclass
class TableRead:
    """One CSV/Parquet file as read: its rows, where they were, and what could not be read.

    ``rows`` holds the data row of each row of ``frame``: the physical line of the file
    where its record starts, counted so that the header line is row 0 (so data row ``r``
    is line ``r + 1`` of a file whose header is on line 1). Every line counts, blank ones
    included, and a line ends at LF, CRLF or a lone CR, as Python's ``csv`` module sees
    it; a record whose quoted field holds line breaks takes several lines. ``broken``
    lists the records that could not become rows (``_row, _reason, _raw``): they are
    never dropped silently, the caller counts them as rejected.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    broken: pd.DataFrame = field(default_factory=lambda: _broken_frame([]))


def _broken_frame(items: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(items, columns=["_row", "_reason", "_raw"])


def read_table(path: Path, report: LoadReport, *, display: str | None = None,
               root: Path | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file into a frame of strings (CSV) or typed columns (Parquet).

    Like :func:`read_rows`, but returns only the frame; records that could not become
    rows are listed as errors in ``report`` (the caller's counts do not include them; use
    :func:`read_rows` to count them as rejected rows).

    Raises
    ------
    DataFormatError
        See :func:`read_rows`.
    """
    name = display or Path(path).name
    got = read_rows(path, report, display=display, root=root)
    for row, reason, raw in got.broken.itertuples(index=False):
        report.error(name, reason, row=int(row), value=raw)
    return got.frame


def read_whole(path: Path, report: LoadReport, *, display: str | None = None,
               root: Path | None = None) -> pd.DataFrame:
    """Read a small table that has no rejection channel (watch lists, pair files, labels).

    Raises
    ------
    DataFormatError
        As :func:`read_rows`, and also when a record cannot be a row (the message names
        the file and the rows): such a file must be fixed, not half read.
    """
    name = display or Path(path).name
    got = read_rows(path, report, display=display, root=root)
    if not got.broken.empty:
        listed = "; ".join(f"row {row:,}: {reason}" for row, reason in
                           got.broken[["_row", "_reason"]].head(3).itertuples(index=False))
        more = len(got.broken) - 3
        raise DataFormatError(f"{name}: {len(got.broken):,} record"
                              f"{'s' if len(got.broken) > 1 else ''} cannot be read as rows "
                              f"({listed}{f'; and {more:,} more' if more > 0 else ''})")
    return got.frame


def read_rows(path: Path, report: LoadReport, *, display: str | None = None,
              root: Path | None = None) -> TableRead:
    """Read a CSV (``.csv``, ``.csv.gz``, ``.tsv``) or Parquet file, keeping row numbers.

    CSV cells are strings exactly as written: an empty cell is ``""``, never NaN, and no
    value is converted through a number (``0012`` and ``1e5`` stay as they are). A UTF-8
    BOM is skipped; bytes that are not UTF-8 are replaced with U+FFFD and reported.

    A record that cannot be a row is put in :attr:`TableRead.broken` with its reason:
    one with more or fewer fields than the header (an unquoted comma or line break), a
    quoted field that swallows lines that look like records of their own (a stray
    quote), or a quote still open at the end of the file. A line break of another kind
    than the file's own (a lone CR in a file of LF lines, a lone LF or CR in a file of
    CRLF lines) that cuts a record short is read as part of the field: such a record is
    parsed whole, not split into fragments. (A lone LF in a file of LF lines *is* a
    record break; the fragments it makes are rejected when their field count is wrong.)

    Parameters
    ----------
    path : Path
    report : LoadReport
        Receives file-level warnings.
    display : str, optional
        The name used in messages (default: the file name).
    root : Path, optional
        The input folder: a file that is a symbolic link resolving outside it is refused.

    Raises
    ------
    DataFormatError
        If the file is missing, a symlink out of ``root``, empty (no header), has a
        column name twice in its header, or is not readable as CSV/Parquet/gzip.
    """
    path = Path(path)
    name = display or path.name
    if not path.exists() and not path.is_symlink():
        raise DataFormatError(f"{name}: file not found ({path})")
    check_inside(path, root, name)
    if not path.exists():
        raise DataFormatError(f"{name}: file not found (a broken symbolic link: {path})")
    if path.is_dir():
        raise DataFormatError(f"{name}: expected a file but found a folder ({path})")
    if path.suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises several unrelated types
            raise DataFormatError(f"{name}: not a readable Parquet file ({err})") from err
        _check_columns([str(c) for c in frame.columns], name)
        return TableRead(frame, np.arange(1, len(frame) + 1))
    if path.stat().st_size == 0:
        raise DataFormatError(f"{name}: file is empty (expected a header row)")
    delimiter = "\t" if path.name.endswith((".tsv", ".tsv.gz")) else ","
    got = _read_csv_fast(path, name, delimiter)
    if got is None:
        with _errors_named(name):
            try:
                got = _read_csv(path, name, delimiter, errors="strict")
            except UnicodeDecodeError:
                got = _read_csv(path, name, delimiter, errors="replace")
                report.warn(name, "file contains bytes that are not UTF-8; they were "
                            "replaced with U+FFFD (re-save the file as UTF-8 to keep them)")
    if got.frame.empty and got.broken.empty:
        report.warn(name, "file has a header but no rows")
    return got


# Stand-ins for a lone CR / LF inside an unquoted field while the csv module splits
# records (Unicode noncharacters: never in real text; a line holding them is not merged).
_CR, _LF = "\ufdd0", "\ufdd1"


#: Byte-order marks of the encodings read besides UTF-8 (UTF-32's before UTF-16's, which
#: they start with): spreadsheets save "Unicode text" as UTF-16.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _open(path: Path, errors: str):
    """The file as text: UTF-8 (a BOM skipped), or UTF-16/32 when it starts with their BOM."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as raw:
        head = raw.read(4)
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")
    return opener(path, "rt", encoding=encoding, errors=errors, newline="")


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\r", "\n")):
        return line[-1]
    return ""


class _Lines:
    """Physical lines (LF, CRLF or lone CR) joined into logical lines for ``csv.reader``.

    The header's line break sets the file's convention. A line ending in a *different*
    break -- a lone CR in a file of LF or CRLF lines, a lone LF in a file of CRLF or CR
    lines -- is a record cut by a line break inside a field when joining it to the next
    line gives no more fields than the header: it continues on the next line, its break
    replaced by a stand-in the caller maps back. ``count`` is the number of physical lines consumed so far and
    ``taken`` the logical lines handed out for the current record.
    """

    def __init__(self, handle, delimiter: str):
        self.handle = iter(handle)
        self.delimiter = delimiter
        self.count = 0
        self.taken: list[str] = []
        self.inner: set[str] | None = None  # line breaks that may belong to a field
        self.width = 0
        self.merged = False
        self.pending: str | None = None  # a line read ahead and not used yet

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pending is not None:
            line, self.pending = self.pending, None
        else:
            line = next(self.handle)
        self.count += 1
        if self.inner is None:
            if not line.strip():  # blank lines before the header
                self.taken.append(line)
                return line
            ending = _ending(line)
            self.inner = {"\r"} if ending == "\n" else {"\r", "\n"} if ending == "\r\n" \
                else {"\n"} if ending == "\r" else set()
            self.width = len(self._fields(line))
        while (line[-1:] in self.inner and _ending(line) in self.inner
               and _CR not in line and _LF not in line):
            more = self.pending if self.pending is not None else next(self.handle, None)
            self.pending = None
            if more is None:
                break
            joined = line[:-1] + (_CR if line[-1] == "\r" else _LF) + more
            if len(self._fields(joined)) > self.width:  # the next line is a record
                self.pending = more
                break
            self.count += 1
            self.merged = True
            line = joined
        self.taken.append(line)
        return line

    def _fields(self, line: str) -> list[str]:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=self.delimiter), [])


def _restore(value: str) -> str:
    return value.replace(_CR, "\r").replace(_LF, "\n")


def _check_columns(names: list[str], name: str) -> None:
    seen: dict[str, int] = {}
    for i, col in enumerate(names, start=1):
        if col in seen:
            raise DataFormatError(
                f"{name}: column {col!r} appears twice in the header (columns {seen[col]} and "
                f"{i}); expected each column name once (rename or delete one of them)")
        seen[col] = i


def _read_csv(path: Path, name: str, delimiter: str, errors: str) -> TableRead:
    """The whole file as one :class:`TableRead` (see :func:`_parse_csv`)."""
    return next(_parse_csv(path, name, delimiter, errors, None))


#: A field that Python's ``csv`` module and Arrow's CSV reader split alike: unquoted
#: without quotes, line breaks or NUL, or quoted with doubled quotes inside and no line
#: break (``{d}`` is the delimiter, as a regular expression).
_PLAIN_FIELD = r'(?:[^"{d}\r\n\x00]*|"(?:[^"\r\n\x00]|"")*")'
#: Arrow's regular expressions take at most this many repetitions.
_MAX_PLAIN_WIDTH = 1000


def _read_csv_fast(path: Path, name: str, delimiter: str) -> TableRead | None:
    """:func:`_read_csv` with Arrow's CSV reader, or None when the file needs the careful path.

    Each line is first classified over the raw bytes: a *plain* line is one record of the
    header's width whose fields are all plain (see ``_PLAIN_FIELD``), so the ``csv``
    module would read it as exactly that record. Plain lines are parsed by Arrow; runs of
    other lines (blank lines, quoted line breaks, stray quotes, wrong field counts) go
    through the careful path's own record logic, from their first line until a record ends
    before a plain line. The result is the careful path's, row numbers and broken records
    included. Files this does not cover at all -- UTF-16/32, bytes that are not UTF-8,
    line breaks other than the header's (a lone CR, a lone LF in a CRLF file), blank
    lines before the header, a header that is not one plain line -- return None.
    """
    try:
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") \
            else path.read_bytes()
    except (OSError, EOFError, zlib.error):
        return None
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    first = data.find(b"\n")
    if first < 0:
        return None
    crlf = data[first - 1:first] == b"\r"
    if crlf:
        pairs = data.count(b"\r\n")
        if data.count(b"\r") != pairs or data.count(b"\n") != pairs:
            return None
    elif b"\r" in data:
        return None
    d = r"\t" if delimiter == "\t" else re.escape(delimiter)
    field = _PLAIN_FIELD.format(d=d)
    try:
        head = data[:first + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not head.strip() or not re.fullmatch(f"{field}(?:{d}{field})*\r?\n", head):
        return None
    try:
        header = _header(next(csv.reader([head.rstrip("\r\n")], delimiter=delimiter)), name)
    except DataFormatError:
        return None  # the careful path says so
    width = len(header)
    if width > _MAX_PLAIN_WIDTH or first + 1 == len(data):
        return None
    offsets = _line_offsets(data)
    lines = pa.Array.from_buffers(pa.large_binary(), len(offsets) - 1,
                                  [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    pattern = f"^{field}" + (f"(?:{d}{field}){{{width - 1}}}" if width > 1 else "") + \
        r"(?:\r?\n)?$"
    lengths = np.diff(offsets)
    blank = lengths == (2 if crlf else 1)  # nothing but the line break
    longest = int(lengths.max())  # Arrow reads no row longer than its blocks
    del lengths
    for quick in (True, False):
        # a byte search says at once when no BOM can be inside (its first byte is rare)
        if quick and b"\xef" in data and codecs.BOM_UTF8 in data:
            continue
        plain = _plain_lines(lines, data, offsets, pattern, quick) & ~blank
        plain[0] = False  # the header
        try:
            return _read_plain_and_rest(data, offsets, plain, header, delimiter, crlf,
                                        longest)
        except pa.ArrowInvalid:
            if not quick:  # a plain line Arrow cannot read (bytes that are not UTF-8)
                return None
        except (csv.Error, UnicodeDecodeError, pa.ArrowException):
            return None
    return None


def _line_offsets(data: bytes) -> np.ndarray:
    """Where each line of ``data`` starts, and its end: 0, the byte after each LF, and
    ``len(data)`` when the last line has no LF (int64, ascending; line 0 is the header).

    Made in one array, without the copies that adding one and prepending a zero make.
    """
    breaks = _byte_positions(data, 10)
    open_end = not len(breaks) or int(breaks[-1]) + 1 != len(data)
    offsets = np.empty(len(breaks) + 1 + open_end, dtype=np.int64)
    offsets[0] = 0
    np.add(breaks, 1, out=offsets[1:len(breaks) + 1])
    if open_end:
        offsets[-1] = len(data)
    return offsets


def _plain_lines(lines: pa.Array, data: bytes, offsets: np.ndarray, pattern: str,
                 quick: bool) -> np.ndarray:
    """Which lines are plain: all of them checked with ``pattern``, or (``quick``) only
    those holding a quote or a NUL, the others taken as plain when Arrow, reading them,
    finds each has the header's number of fields (it raises ArrowInvalid otherwise).

    A blank line may be matched: the caller rules those out.
    """
    if not quick:
        plain = pc.match_substring_regex(lines, pattern).to_numpy(zero_copy_only=False)
        # Arrow drops a BOM that starts its input; the csv module keeps one inside a file
        return plain & ~pc.starts_with(lines, pattern=codecs.BOM_UTF8).to_numpy(
            zero_copy_only=False)
    # a quote or a NUL (the bytes' own search says quickly when there is neither)
    odd = np.union1d(*(_byte_positions(data, byte) for byte in (34, 0)))
    suspects = np.unique(np.searchsorted(offsets, odd, side="right") - 1)
    plain = np.ones(len(offsets) - 1, dtype=bool)
    if len(suspects):
        plain[suspects] = pc.match_substring_regex(
            lines.take(pa.array(suspects)), pattern).to_numpy(zero_copy_only=False)
    return plain


def _byte_positions(data: bytes, byte: int, block: int = 1 << 24) -> np.ndarray:
    """Positions of ``byte`` in ``data`` (int64, ascending).

    A byte the data lacks is ruled out by the bytes' own fast search. Otherwise the bytes
    are compared a block at a time, two blocks side by side (numpy releases the
    interpreter lock): one mask as large as the file costs more in fresh memory pages
    than the comparison itself.
    """
    if bytes([byte]) not in data:
        return np.zeros(0, dtype=np.int64)
    buffer = np.frombuffer(data, dtype=np.uint8)

    def scan(start: int) -> np.ndarray:
        return np.flatnonzero(buffer[start:start + block] == byte) + start

    starts = range(0, len(buffer), block)
    if len(starts) < 2:
        return scan(0).astype(np.int64, copy=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return np.concatenate(list(pool.map(scan, starts))).astype(np.int64, copy=False)


def _read_plain_and_rest(data: bytes, offsets: np.ndarray, plain: np.ndarray,
                         header: list[str], delimiter: str, crlf: bool,
                         longest: int) -> TableRead | None:
    """Plain lines through Arrow, the runs of other lines through the careful path's logic.

    Row numbers are line indexes: the header is line 0 of the file (nothing precedes it).
    ``longest`` is the length in bytes of the longest line.
    """
    by_arrow = plain.copy()
    extra: list[list[str]] = []
    extra_rows: list[int] = []
    broken: list[dict] = []
    position = 1  # lines before this one have been read
    for line in np.flatnonzero(~plain[1:]) + 1:
        if line < position:
            continue
        position = _read_run(data, offsets, plain, int(line), len(header), delimiter, crlf,
                             (extra, extra_rows, broken))
        by_arrow[line:position] = False
    rows = np.flatnonzero(by_arrow)
    names = [f"f{i}" for i in range(len(header))]
    table = _arrow_read(_plain_bytes(data, offsets, by_arrow), names, delimiter,
                        min(max(1 << 20, 2 * longest), (1 << 31) - 1))
    if table.num_rows != len(rows):
        return None
    if extra:
        table = pa.concat_tables([table, pa.table(
            {col: pa.array(values, type=pa.large_string())
             for col, values in zip(names, zip(*extra, strict=True), strict=True)})])
        rows = np.concatenate([rows, np.asarray(extra_rows, dtype=np.int64)])
        order = np.argsort(rows, kind="stable")
        table, rows = table.take(order), rows[order]
    frame = pd.DataFrame({col: pd.Series(pd.arrays.ArrowStringArray(table.column(i)),
                                         dtype="str")
                          for i, col in enumerate(header)}, columns=header)
    return TableRead(frame, rows.astype(np.int64, copy=False), _broken_frame(broken))


def _read_run(data: bytes, offsets: np.ndarray, plain: np.ndarray, first: int, width: int,
              delimiter: str, crlf: bool, sink: tuple[list, list, list]) -> int:
    """Read records from line ``first`` on as the careful path does, until one ends before
    a plain line (or the file ends); returns the index of the first line not read."""
    good, rows, broken = sink
    n_lines = len(offsets) - 1

    def text() -> Iterator[str]:
        for i in range(first, n_lines):
            yield data[offsets[i]:offsets[i + 1]].decode("utf-8")

    lines = _Lines(text(), delimiter)
    lines.inner, lines.width, lines.count = ({"\r", "\n"} if crlf else {"\r"}), width, first
    end, last = first, None
    for record, start, end, taken in _records(csv.reader(lines, delimiter=delimiter), lines,
                                              first):
        if record:
            last = (start, taken)
            fault = _fault(record, taken, width, delimiter, start, end, 1)
            if fault is None:
                good.append(record)
                rows.append(start - 1)
            else:
                broken.append(fault)
        if end >= n_lines or plain[end]:
            break
    if end >= n_lines and last is not None and rows and rows[-1] == last[0] - 1 \
            and _open_quote(last[1]):
        broken.append(_unclosed(rows.pop(), last[1], last[0]))
        good.pop()
    return end


def _plain_bytes(data: bytes, offsets: np.ndarray, keep: np.ndarray) -> pa.Buffer:
    """The bytes of the lines ``keep`` marks, in order (no copy when they are one run)."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
    spans = [(int(offsets[a]), int(offsets[b])) for a, b in zip(edges[0::2], edges[1::2],
                                                                 strict=True)]
    whole = pa.py_buffer(data)
    if len(spans) == 1:
        return whole.slice(spans[0][0], spans[0][1] - spans[0][0])
    return pa.py_buffer(b"".join(memoryview(data)[a:b] for a, b in spans))


def _arrow_read(buffer: pa.Buffer, names: list[str], delimiter: str,
                block_size: int) -> pa.Table:
    """Plain lines parsed by Arrow: every cell a string exactly as written."""
    if buffer.size == 0:
        return pa.table({col: pa.array([], type=pa.large_string()) for col in names})
    return pacsv.read_csv(
        pa.BufferReader(buffer),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True,
                                       block_size=block_size),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                         double_quote=True, escape_char=False,
                                         newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False,
            quoted_strings_can_be_null=False, check_utf8=True))


def _parse_csv(path: Path, name: str, delimiter: str, errors: str,
               chunksize: int | None) -> Iterator[TableRead]:
    """Parse a CSV with the csv module, record by record, checking each record's shape.

    Yields :class:`TableRead` chunks of at most ``chunksize`` rows (one chunk when None;
    at least one chunk, possibly empty).
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of small lists: the cyclic collector would only slow us down
    try:
        with _open(path, errors) as handle:
            lines = _Lines(handle, delimiter)
            reader = csv.reader(lines, delimiter=delimiter)
            header: list[str] | None = None
            header_line = width = 0
            good: list[list[str]] = []
            rows: list[int] = []
            broken: list[dict] = []
            last_taken: list[str] = []
            last_start = 0
            for record, start, end, taken in _records(reader, lines, 0):
                if not record:  # a blank line
                    continue
                last_taken, last_start = taken, start
                if header is None:
                    header = _header(record, name)
                    header_line, width = start, len(header)
                    continue
                fault = _fault(record, taken, width, delimiter, start, end, header_line)
                if fault is not None:
                    broken.append(fault)
                    continue
                good.append(record)
                rows.append(start - header_line)
                if chunksize is not None and len(good) > chunksize:
                    # the last record is held back: only at the end is it known whether
                    # the file ends inside its quote
                    chunk = _table(header, good[:-1], rows[:-1], broken)
                    good, rows, broken = good[-1:], rows[-1:], []
                    if collecting:
                        gc.enable()
                    yield chunk
                    gc.disable()
            if good and rows[-1] == last_start - header_line and _open_quote(last_taken):
                broken.append(_unclosed(rows.pop(), last_taken, last_start))
                good.pop()
        if header is None:
            raise DataFormatError(f"{name}: file is empty (expected a header row)")
        chunk = _table(header, good, rows, broken)
        del good
    finally:
        if collecting:
            gc.enable()
    yield chunk


def _records(reader, lines: _Lines, end: int) -> Iterator[tuple[list[str], int, int, list[str]]]:
    """Each record ``csv`` reads (blank lines too, as ``[]``) with where it is.

    Yields ``(record, start, end, taken)``: the physical lines the record starts and ends
    on (``end`` is where the previous record ended, to begin with) and the logical lines
    it was read from.
    """
    for record in reader:
        start, end = end + 1, lines.count
        taken, lines.taken = lines.taken, []
        if record and lines.merged:
            record = [_restore(v) for v in record]
        yield record, start, end, taken


def _header(record: list[str], name: str) -> list[str]:
    """Column names from the header record (stripped, a BOM dropped, blanks named)."""
    header = [_restore(c).strip().lstrip("\ufeff").strip() or f"Unnamed: {i}"
              for i, c in enumerate(record)]
    _check_columns(header, name)
    return header


def _fault(record: list[str], taken: list[str], width: int, delimiter: str, start: int,
           end: int, header_line: int) -> dict | None:
    """The broken-record entry (``_row, _reason, _raw``) for a record, or None if it is a row."""
    if end == start and len(record) == width:  # the common case, checked fast
        return None
    reason = _broken_reason(record, taken, width, delimiter, start, end)
    if reason is None:
        return None
    return {"_row": start - header_line, "_reason": reason,
            "_raw": _restore("".join(taken)).rstrip("\r\n")}


def _open_quote(taken: list[str]) -> bool:
    """Whether a record's lines hold an odd number of quotes (one is still open)."""
    return bool(taken) and "".join(taken).count('"') % 2 == 1


def _unclosed(row: int, taken: list[str], start: int) -> dict:
    """The broken-record entry for the file's last record when the file ends in its quote."""
    return {"_row": row, "_raw": _restore("".join(taken)),
            "_reason": f"a quote opened on line {start:,} is never closed (the file ends "
                       "inside it); record not used"}


def _table(header: list[str], good: list[list[str]], rows: list[int],
           broken: list[dict]) -> TableRead:
    columns = list(zip(*good, strict=True)) if good else [()] * len(header)
    frame = pd.DataFrame({col: _str_column(values)
                          for col, values in zip(header, columns, strict=True)},
                         columns=header)
    return TableRead(frame, np.asarray(rows, dtype=np.int64), _broken_frame(broken))


def iter_rows(path: Path, report: LoadReport, *, chunksize: int, display: str | None = None,
              root: Path | None = None) -> Iterator[TableRead]:
    """:func:`read_rows` for large CSV files, in chunks of at most ``chunksize`` rows.

    Bytes that are not UTF-8 are replaced with U+FFFD (the caller may warn about them);
    row numbers and broken records are as in :func:`read_rows`.

    Raises
    ------
    DataFormatError
        As :func:`read_rows`, when the problem is met.
    """
    path = Path(path)
    name = display or path.name
    if not path.exists() and not path.is_symlink():
        raise DataFormatError(f"{name}: file not found ({path})")
    check_inside(path, root, name)
    if path.stat().st_size == 0:
        raise DataFormatError(f"{name}: file is empty (expected a header row)")
    delimiter = "\t" if path.name.endswith((".tsv", ".tsv.gz")) else ","
    with _errors_named(name):
        yield from _parse_csv(path, name, delimiter, "replace", max(int(chunksize), 1))


@contextmanager
def _errors_named(name: str):
    """Turn what a broken file makes the standard library raise into a DataFormatError."""
    try:
        yield
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise DataFormatError(f"{name}: not a readable gzip file ({err})") from err
    except csv.Error as err:
        raise DataFormatError(f"{name}: not a readable CSV file ({err})") from err
    except UnicodeDecodeError:
        raise
    except OSError as err:
        raise DataFormatError(f"{name}: cannot be read ({err.__class__.__name__}: "
                              f"{err.strerror or err})") from err


def _str_column(values: tuple[str, ...]) -> pd.Series:
    """Strings as pandas' Arrow-backed ``str`` dtype (what ``read_csv(dtype=str)`` gives)."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string())),
                     dtype="str")


def _looks_like_record(line: str, expected: int, delimiter: str) -> bool:
    """Whether a line that a quoted field runs over could be a record of its own.

    The line starts inside the quoted field. The part up to the quote that closes it (the
    whole line when none does) is what the field swallowed: a record when it has the
    header's number of fields. A line that closes the field early (``b",x,"c`` after a
    first field ``"a\nb"``) only continues that field; so does one whose quotes are not
    those of well-formed quoted fields.
    """
    closing = re.search(r'(?<!")"(?!")', line)
    inside = line if closing is None else line[:closing.start()]
    if len(inside.split(delimiter)) == expected:
        return True
    return closing is not None and _clean_width(line, delimiter) == expected


def _clean_width(line: str, delimiter: str) -> int | None:
    """Fields in ``line`` if every quote in it belongs to a well-formed quoted field."""
    fields, i, n = 0, 0, len(line)
    while True:
        fields += 1
        if i < n and line[i] == '"':
            i += 1
            while True:
                j = line.find('"', i)
                if j < 0:
                    return None
                if line[j + 1:j + 2] == '"':
                    i = j + 2
                    continue
                i = j + 1
                break
            if i < n and line[i] != delimiter:
                return None
        else:
            j = line.find(delimiter, i)
            piece = line[i:] if j < 0 else line[i:j]
            if '"' in piece:
                return None
            i = n if j < 0 else j
        if i >= n:
            return fields
        i += 1  # the delimiter


def _broken_reason(record: list[str], taken: list[str], expected: int, delimiter: str,
                   start: int, end: int) -> str | None:
    """Why a record cannot be a row, or None when it can."""
    if end > start:  # a quoted field spans lines: did a stray quote swallow records?
        swallowed = sum(1 for line in taken[1:]
                        if _looks_like_record(line.rstrip("\r\n"), expected, delimiter))
        if expected > 1 and swallowed:
            return (f"a quoted field runs from line {start:,} to line {end:,}, over "
                    f"{swallowed:,} line{'s' if swallowed > 1 else ''} that look like records "
                    "of their own (a stray quote?); record not used")
        if "".join(taken).count('"') % 2:
            return (f"a quote opened on line {start:,} is never closed (read to line "
                    f"{end:,}); record not used")
    if len(record) != expected:
        return (f"record has {len(record):,} field{'s' if len(record) != 1 else ''}, the "
                f"header has {expected:,} (an unquoted comma or line break?); record not used")
    return None
