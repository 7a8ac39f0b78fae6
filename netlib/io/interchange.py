"""Reader for netlib's own interchange format (a folder of accounts/actions/follows tables)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._files import check_inside, find_table, read_rows, sha256_file
from netlib.loadreport import LoadReport
from netlib.safe import write_csv

__all__ = ["read_interchange", "write_interchange", "looks_like_interchange"]


def looks_like_interchange(path: Path) -> bool:
    """True if ``path`` is a folder holding an accounts or an actions table.

    One of the two is enough, so that the reader can then say which file is missing.
    """
    path = Path(path)
    return path.is_dir() and (find_table(path, "accounts") is not None
                              or find_table(path, "actions") is not None)


def read_interchange(path: str | Path, *, now: pd.Timestamp | None = None,
                     compact: bool | None = None) -> Dataset:
    """Load a folder in the interchange format and validate it.

    Parameters
    ----------
    path : str or Path
        Folder holding ``accounts.csv`` and ``actions.csv`` (or ``.parquet``) and
        optionally ``follows.csv``.
    now : Timestamp, optional
        Reference time for the "timestamp in the future" check.
    compact : bool, optional
        Keep the action text columns as Arrow-backed ``str`` (see
        :func:`netlib.dataset.validate_tables`); by default from
        :data:`netlib.dataset.COMPACT_ROWS` actions on.

    Returns
    -------
    Dataset
        With ``dataset.report`` counting rows read, kept and rejected per file.

    Raises
    ------
    DataFormatError
        If the folder or a required file is missing, a file is empty, unreadable, a
        symbolic link out of the folder, has a column name twice in its header, or lacks a
        required column (the message names the file, the column and the columns found).
        A record that cannot be a row (wrong number of fields, a stray quote) is not an
        error: it is counted as a rejected row with its reason.

    Examples
    --------
    >>> import netlib
    >>> data = netlib.load("data/sample")  # doctest: +SKIP
    """
    folder = Path(path)
    if not folder.exists():
        raise DataFormatError(f"{folder}: folder not found")
    if not folder.is_dir():
        raise DataFormatError(f"{folder}: expected a folder holding accounts.csv and actions.csv")
    report = LoadReport(format="netlib")
    raw, files, rows, unparsed = {}, {}, {}, {}
    for stem, required in (("accounts", True), ("actions", True), ("follows", False)):
        table_path = find_table(folder, stem)
        if table_path is None:
            if required:
                present = ", ".join(sorted(p.name for p in folder.iterdir())) or "(empty folder)"
                raise DataFormatError(f"{folder / (stem + '.csv')}: file not found "
                                      f"(the folder holds: {present})")
            raw[stem] = None
            continue
        # the fingerprint is taken while the file is parsed (both mostly wait on the
        # disk or run outside the interpreter lock), once the file may be read at all
        check_inside(table_path, folder, table_path.name)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="netlib-sha256") as pool:
            digest = pool.submit(sha256_file, table_path)
            got = read_rows(table_path, report, root=folder)
            sha256 = digest.result()
        raw[stem], rows[stem], unparsed[stem] = got.frame, got.rows, got.broken
        files[stem] = table_path.name
        report.add_file(stem, table_path.name, len(got.frame), sha256=sha256)
        got = None  # ``raw`` holds the frame, and validation frees it from there
    return validate_tables(raw, files=files, source=str(folder), report=report, now=now,
                           row_numbers=rows, unparsed=unparsed, compact=compact)


def write_interchange(data: Dataset, path: str | Path) -> Path:
    """Write a Dataset as CSV files in the interchange format (timestamps as ISO 8601 UTC).

    Written by :func:`netlib.safe.write_csv` without formula neutralisation, so the data
    reads back exactly; fields holding a line break (a bare CR too) are quoted.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("accounts", data.accounts), ("actions", data.actions),
                        ("follows", data.follows)):
        if frame is None:
            continue
        out = frame.drop(columns=["handle_norm"], errors="ignore").copy()
        for col in out.columns:
            if isinstance(out[col].dtype, pd.DatetimeTZDtype):
                out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        write_csv(out, folder / f"{name}.csv", neutralize=False)
    return folder
