"""Reader for the Wikipedia ban-evasion pair files (Niverthi, Verma & Kumar, WWW 2022).

The public sample holds ``*_meta.csv`` files of banned parent accounts and the child
accounts they created after the block (positives only). They are not account/action data,
so this reader returns the raw tables for :func:`netlib.mirrors.checks.ban_evasion_pairs`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netlib.errors import DataFormatError
from netlib.io._files import read_whole
from netlib.loadreport import LoadReport

__all__ = ["read_ban_evasion"]


def read_ban_evasion(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read every ``*_meta.csv`` in a folder into ``{file name: DataFrame}``.

    Parameters
    ----------
    path : str or Path
        Folder holding files such as ``evasion_pairs_meta.csv`` and
        ``task2_matched_pairs_meta.csv``.

    Returns
    -------
    dict of DataFrame
        Keyed by file name, in sorted order; cells are strings.

    Raises
    ------
    DataFormatError
        If the folder does not exist or holds no ``*_meta.csv`` file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataFormatError(f"{folder}: folder not found")
    files = sorted(folder.glob("*_meta.csv"))
    if not files:
        raise DataFormatError(f"{folder}: no *_meta.csv files (expected the ban-evasion "
                              "pair files, e.g. evasion_pairs_meta.csv)")
    report = LoadReport(format="ban_evasion")
    return {p.name: read_whole(p, report) for p in files}
