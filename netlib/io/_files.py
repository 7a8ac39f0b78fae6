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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

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
    with _errors_named(name):
        try:
            got = _read_csv(path, name, delimiter, errors="strict")
        except UnicodeDecodeError:
            got = _read_csv(path, name, delimiter, errors="replace")
            report.warn(name, "file contains bytes that are not UTF-8; they were replaced "
                        "with U+FFFD (re-save the file as UTF-8 to keep them)")
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
            end = 0  # physical line where the previous record ended
            last_taken: list[str] = []
            last_start = 0
            for record in reader:
                start, end = end + 1, lines.count
                taken, lines.taken = lines.taken, []
                if not record:  # a blank line
                    continue
                last_taken, last_start = taken, start
                if lines.merged:
                    record = [_restore(v) for v in record]
                if header is None:
                    header = [_restore(c).strip().lstrip("\ufeff").strip() or f"Unnamed: {i}"
                              for i, c in enumerate(record)]
                    _check_columns(header, name)
                    header_line, width = start, len(header)
                    continue
                if end == start and len(record) == width:  # the common case, checked fast
                    good.append(record)
                    rows.append(start - header_line)
                else:
                    reason = _broken_reason(record, taken, width, delimiter, start, end)
                    if reason is not None:
                        raw = _restore("".join(taken)).rstrip("\r\n")
                        broken.append({"_row": start - header_line, "_reason": reason,
                                       "_raw": raw})
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
            if good and rows[-1] == last_start - header_line and last_taken \
                    and "".join(last_taken).count('"') % 2:  # the file ends inside a quote
                broken.append({"_row": rows.pop(), "_raw": _restore("".join(last_taken)),
                               "_reason": f"a quote opened on line {last_start:,} is never "
                                          "closed (the file ends inside it); record not used"})
                good.pop()
        if header is None:
            raise DataFormatError(f"{name}: file is empty (expected a header row)")
        chunk = _table(header, good, rows, broken)
        del good
    finally:
        if collecting:
            gc.enable()
    yield chunk


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
