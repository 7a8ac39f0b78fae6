"""Hostile text made safe for each place it is shown (the ground floor: no netlib imports).

Handles, names, bios and posts are written by adversaries. Every HTML page, plot hover,
notebook display and CSV cell netlib writes passes such text through one function here:

* :func:`escape_html` — for HTML and plotly hover text: markup escaped, and bidirectional
  control characters shown as visible ``<U+202E>`` codes so a handle cannot display
  reversed.
* :func:`show_controls` — the same visible codes, for plain text.
* :func:`csv_cell` / :func:`write_csv` — CSV cells a spreadsheet will not run as formulas,
  even when a reader splits a field on a line break; every CSV netlib writes uses
  :func:`write_csv`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["escape_html", "show_controls", "terminal_text", "BIDI_CONTROLS", "FORMULA_START", "csv_cell",
           "csv_frame", "csv_text", "write_csv"]

#: Characters that reorder or hide text when displayed: the bidi embeddings, overrides and
#: isolates, and the marks. Shown as ``<U+XXXX>`` rather than obeyed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def show_controls(value: Any) -> str:
    """``str(value)`` with bidi control characters written as visible ``<U+XXXX>`` codes.

    Examples
    --------
    >>> show_controls("abc\u202edef")
    'abc<U+202E>def'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(value))


_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\u2028\u2029\ufeff\ufff9-\ufffb]")


def terminal_text(value: Any) -> str:
    """``str(value)`` safe to print on a terminal: control characters shown as codes.

    Escape sequences (``ESC [``...), carriage returns, line breaks, bidi controls and the
    other C0/C1 controls are written as visible ``<U+XXXX>`` codes, so a handle can neither
    recolour the screen, overwrite the line before it, nor display reversed.

    Examples
    --------
    >>> terminal_text("evil\\x1b[2Jname\\rx")
    'evil<U+001B>[2Jname<U+000D>x'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _TERMINAL_UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(value))


def escape_html(value: Any) -> str:
    """Escape one value for HTML text or an attribute (quotes too); None and NaN give "".

    Examples
    --------
    >>> escape_html('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape_html("evil\u202etxt.exe")
    'evil&lt;U+202E&gt;txt.exe'
    """
    return html.escape(show_controls(value), quote=True)


# --- CSV ---------------------------------------------------------------------------------------
#: A cell (or a line or naive field inside it) starting with one of these is run as a formula by
#: some spreadsheet: ``= + - @``, tab, carriage return, and their full-width forms.
FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
#: Where a careless reader starts a new line inside a field: CR and LF (LibreOffice splits on a
#: bare CR too) and the other line boundaries of ``str.splitlines``.
_LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: ... or a new cell: those, and the separators of comma, semicolon and tab separated files.
_CELL_BREAKS = ",;\t" + _LINE_BREAKS
_NUMBER_END = _LINE_BREAKS
#: Looked through before a formula, like spaces: characters that do not show (a byte-order
#: mark, zero-width spaces and joiners, a soft hyphen, the bidi controls), which a reader
#: or a cleaning script may drop, leaving the formula at the start of the cell.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad" + BIDI_CONTROLS
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _starts_formula(text: str, start: int) -> int | None:
    """Where to put the ``'`` if the naive cell beginning at ``start`` would be a formula."""
    i, n = start, len(text)
    while i < n and text[i] not in _CELL_BREAKS and (
            text[i] == '"' or text[i].isspace() or text[i] in _INVISIBLE):
        i += 1
    if i >= n or text[i] not in FORMULA_START:
        return None
    if text[i] in _CELL_BREAKS:  # a tab or CR that starts a cell is itself the danger
        return i
    if start == 0:
        return i  # the whole cell is not a plain number (checked by the caller)
    # A piece is a number only if it is one up to the end of its line: a reader that does
    # not split on "," ";" or tab sees the longer piece.
    end = i + 1
    while end < n and text[end] not in _NUMBER_END:
        end += 1
    if _PLAIN_NUMBER.fullmatch(text[i:end].strip()):
        return None
    return i


def csv_cell(value: Any) -> Any:
    """One CSV text cell made inert in spreadsheets; non-text values are returned unchanged.

    A ``'`` goes before every place where a reader could start a formula: the start of the
    cell, and the start of each piece after a line break (CR, LF), comma, semicolon or tab
    inside it, so neither a reader that splits a field on a bare CR nor a naive
    ``line.split(",")`` meets a live formula. Leading spaces, ``"`` and characters that do
    not show (a byte-order mark, zero-width spaces, bidi controls) are looked through.
    Plain numbers such as ``-3.5`` are left alone.

    Examples
    --------
    >>> csv_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> csv_cell("ok\\r@SUM(1+1)")
    "ok\\r'@SUM(1+1)"
    >>> csv_cell("-3.5")
    '-3.5'
    """
    if not isinstance(value, str) or not value:
        return value
    if not any(c in FORMULA_START for c in value):
        return value
    if _PLAIN_NUMBER.fullmatch(value.strip(" ")):
        return value
    starts = [0] + [i + 1 for i, c in enumerate(value) if c in _CELL_BREAKS]
    marks = [p for p in (_starts_formula(value, s) for s in starts) if p is not None]
    if not marks:
        return value
    pieces, last = [], 0
    for pos in marks:
        pieces += [value[last:pos], "'"]
        last = pos
    pieces.append(value[last:])
    return "".join(pieces)


def _csv_text(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


_FORMULA_CHAR = "[" + re.escape(FORMULA_START) + "]"


def _text_column(series: pd.Series, neutralize: bool) -> pd.Series:
    """A text column ready for CSV: lists and dicts joined, and (``neutralize``) each
    cell through :func:`csv_cell`, which only ever changes a cell holding one of
    :data:`FORMULA_START`, so only those cells are visited."""
    if pd.api.types.infer_dtype(series, skipna=True) != "string":
        cell = csv_cell if neutralize else (lambda v: v)
        return series.map(lambda v: cell(_csv_text(v)), na_action="ignore")
    if not neutralize:
        return series
    hits = series.str.contains(_FORMULA_CHAR, na=False).to_numpy(dtype=bool)
    if hits.any():
        series = series.copy()
        series[hits] = series[hits].map(csv_cell)
    return series


def csv_frame(frame: pd.DataFrame, *, neutralize: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` ready for CSV: lists joined, times as ISO 8601, text made inert.

    Numeric, boolean and datetime columns stay values (``-3.5`` is a number, not a formula);
    every text cell and every column name goes through :func:`csv_cell` (unless
    ``neutralize=False``).
    """
    cell = csv_cell if neutralize else (lambda v: v)
    out = frame.copy()
    out.columns = [cell(str(c)) for c in out.columns]
    for pos in range(out.shape[1]):
        series = out.iloc[:, pos]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_datetime64_dtype(series):
            series = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
        elif pd.api.types.is_timedelta64_dtype(series):
            series = series.dt.total_seconds()
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            series = _text_column(series, neutralize)
        else:
            continue
        out.isetitem(pos, series)
    return out


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(frame: pd.DataFrame, *, neutralize: bool = True) -> str:
    """``frame`` as CSV text: :func:`csv_frame`, ``\\n`` line ends, no index.

    Numbers are formatted as pandas formats them; a field is quoted when it holds a comma,
    a quote, or a line break — a bare CR included, which pandas and the :mod:`csv` module
    leave unquoted unless it is part of the line terminator.
    """
    ready = csv_frame(frame, neutralize=neutralize)
    if not _has_cr(ready):
        # pandas quotes a field holding a comma, a quote or a line feed, as below; only a
        # bare CR needs the field-by-field pass
        return ready.to_csv(index=False, lineterminator="\n")
    return _requoted(ready)


def _has_cr(frame: pd.DataFrame) -> bool:
    if any("\r" in str(c) for c in frame.columns):
        return True
    for pos in range(frame.shape[1]):
        series = frame.iloc[:, pos]
        if series.dtype != object and not pd.api.types.is_string_dtype(series):
            continue
        # pandas writes an object cell as str(cell)
        text = series.astype(str) if series.dtype == object else series
        if len(text) and text.str.contains("\r", regex=False).fillna(False).any():
            return True
    return False


def _requoted(ready: pd.DataFrame) -> str:
    """CSV text with every field quoted exactly when it holds ``,``, ``"``, CR or LF."""
    # Let pandas format every value, quoted, then re-quote each field ourselves.
    quoted = ready.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\n")
    lines = []
    for row in csv.reader(io.StringIO(quoted, newline="")):
        if row == [""]:
            lines.append('""')
        else:
            lines.append(",".join(_csv_field(f) for f in row))
    return "".join(line + "\n" for line in lines)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *,
              neutralize: bool = True) -> Path:
    """Write ``frame`` to ``path`` as UTF-8 CSV safe to open in a spreadsheet (see :func:`csv_text`).

    Every CSV file netlib writes goes through here. Result tables are neutralised; data
    files that netlib reads back as input (scenarios, the interchange format) pass
    ``neutralize=False`` so they round-trip exactly — they still get the quoting that keeps
    a bare CR from splitting a row.
    """
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(frame, neutralize=neutralize))
    return path
