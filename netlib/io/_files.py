"""Low-level file reading shared by all readers: CSV/Parquet to string frames, fingerprints."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd

from netlib.errors import DataFormatError
from netlib.loadreport import LoadReport

__all__ = ["read_table", "sha256_file", "find_table"]

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


def read_table(path: Path, report: LoadReport, *, display: str | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file into a frame of strings (CSV) or typed columns (Parquet).

    Empty cells stay empty strings ("" is never turned into NaN by guessing), a UTF-8 BOM
    is skipped, and bytes that are not UTF-8 are replaced with U+FFFD and reported.

    Raises
    ------
    DataFormatError
        If the file is missing, empty (no header) or not parseable as CSV/Parquet.
    """
    path = Path(path)
    name = display or path.name
    if not path.exists():
        raise DataFormatError(f"{name}: file not found ({path})")
    if path.is_dir():
        raise DataFormatError(f"{name}: expected a file but found a folder ({path})")
    if path.suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as err:  # pyarrow raises several unrelated types
            raise DataFormatError(f"{name}: not a readable Parquet file ({err})") from err
    if path.stat().st_size == 0:
        raise DataFormatError(f"{name}: file is empty (expected a header row)")
    sep = "\t" if path.suffix == ".tsv" else ","
    kwargs = dict(sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    try:
        try:
            frame = _read_csv(path, encoding="utf-8-sig", **kwargs)
        except UnicodeDecodeError:
            frame = _read_csv(path, encoding="utf-8-sig", encoding_errors="replace", **kwargs)
            report.warn(name, "file contains bytes that are not UTF-8; they were replaced "
                        "with U+FFFD (re-save the file as UTF-8 to keep them)")
    except pd.errors.EmptyDataError as err:
        raise DataFormatError(f"{name}: file is empty (expected a header row)") from err
    except (pd.errors.ParserError, csv.Error, ValueError) as err:
        raise DataFormatError(f"{name}: not a readable CSV file ({err})") from err
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        report.warn(name, "file has a header but no rows")
    return frame


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """The fast C parser, falling back to the Python parser if a field overflows its buffer."""
    try:
        return pd.read_csv(path, engine="c", **kwargs)
    except pd.errors.ParserError as err:
        if "overflow" not in str(err).lower():
            raise
        return pd.read_csv(path, engine="python", **kwargs)
