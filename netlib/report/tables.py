"""CSV tables that are safe to open in a spreadsheet (formula cells neutralised)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from netlib.errors import ParameterError
from netlib.report._common import cell_text

__all__ = ["neutralize_cell", "safe_csv_frame", "write_tables"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TABLE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def neutralize_cell(value: Any) -> Any:
    """Make one CSV cell inert in spreadsheets.

    A text cell beginning with ``= + - @``, a tab or a carriage return (or their full-width
    forms) is prefixed with a single quote, so Excel/LibreOffice show it as text instead of
    running it as a formula. Plain numbers such as ``-3.5`` are left alone.

    Examples
    --------
    >>> neutralize_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralize_cell("-3.5")
    '-3.5'
    """
    if not isinstance(value, str) or not value or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def safe_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready for CSV: lists joined, UTC times as ISO 8601, formulas neutralised.

    Numeric, boolean and datetime columns are written as values; only text cells are changed.
    """
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_datetime64_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
        elif pd.api.types.is_timedelta64_dtype(series):
            out[col] = series.dt.total_seconds()
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(lambda v: neutralize_cell(cell_text(v)), na_action="ignore")
    return out


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<name>.csv`` (UTF-8, ``\\n`` line ends, no index, formula-safe).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name (the file stem) to table; ``None`` values are skipped.
    out_dir : str or Path
        Created if missing.

    Returns
    -------
    list of Path
        The files written, in the order of ``tables``.

    Raises
    ------
    ParameterError
        If a table name is empty after removing characters unsafe in file names, or two
        names map to the same file.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written, seen = [], set()
    for name, frame in tables.items():
        if frame is None:
            continue
        stem = _TABLE_NAME.sub("_", str(name)).strip("._")
        if not stem:
            raise ParameterError(f"write_tables: table name {name!r} has no usable characters")
        if stem in seen:
            raise ParameterError(f"write_tables: two tables would be written to {stem}.csv")
        seen.add(stem)
        path = folder / f"{stem}.csv"
        safe_csv_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written
