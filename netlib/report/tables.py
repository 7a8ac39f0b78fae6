"""CSV tables that are safe to open in a spreadsheet (formula cells neutralised by netlib.safe)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from netlib.errors import ParameterError
from netlib.safe import csv_cell, csv_frame, write_csv

__all__ = ["neutralize_cell", "safe_csv_frame", "write_tables"]

_TABLE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")

#: One CSV cell made inert in spreadsheets (see :func:`netlib.safe.csv_cell`).
neutralize_cell = csv_cell
#: A frame ready for CSV (see :func:`netlib.safe.csv_frame`).
safe_csv_frame = csv_frame


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
        write_csv(frame, path)
        written.append(path)
    return written
