"""Reader for watch-list files: handles or account ids to check (e.g. complaints received).

A watch list is a CSV (or TSV/Parquet) with at least a ``handle`` or an ``account_id``
column, and optionally ``platform``, ``received_at`` and ``note``; any other column is kept.
Common aliases are accepted (``username``, ``screen_name``, ``user_id``, ``date``...). A
``.txt`` file holds one handle per line (blank lines and ``#`` comments are skipped).
Every row becomes one entry, numbered by its data row in the file, even when it is blank:
triage reports such entries instead of dropping them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netlib.errors import DataFormatError
from netlib.io._files import read_whole
from netlib.loadreport import LoadReport
from netlib.schema import ACCOUNT_ID, HANDLE, PLATFORM
from netlib.times import parse_timestamps

__all__ = ["ENTRY", "RECEIVED_AT", "NOTE", "WATCHLIST_COLUMNS", "read_watchlist",
           "watchlist_frame"]

ENTRY = "entry"
RECEIVED_AT = "received_at"
NOTE = "note"
#: The normalised watch-list columns, in order (extra input columns follow).
WATCHLIST_COLUMNS = (ENTRY, HANDLE, ACCOUNT_ID, PLATFORM, RECEIVED_AT, NOTE)

_ALIASES = {
    HANDLE: ("handle", "username", "user_name", "screen_name", "screenname", "user", "account",
             "name_handle", "channel"),
    ACCOUNT_ID: ("account_id", "user_id", "userid", "id", "accountid", "author_id"),
    PLATFORM: ("platform", "network", "site", "service"),
    RECEIVED_AT: ("received_at", "received", "date", "reported_at", "timestamp", "created"),
    NOTE: ("note", "notes", "comment", "comments", "reason", "description"),
}


def _rename(columns: list[str]) -> dict[str, str]:
    lowered = {str(c).strip().lower().lstrip("\ufeff"): c for c in columns}
    renames = {}
    for target, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in lowered and lowered[alias] not in renames:
                renames[lowered[alias]] = target
                break
    return renames


def watchlist_frame(frame: pd.DataFrame, *, source: str = "watch list") -> pd.DataFrame:
    """Normalise a watch-list table already in memory.

    Parameters
    ----------
    frame : DataFrame
        Raw rows with a handle and/or an account id column (aliases accepted).
    source : str
        Named in error messages.

    Returns
    -------
    DataFrame
        ``entry, handle, account_id, platform, received_at, note`` then any extra columns.
        ``entry`` is the 1-based data row; ``received_at`` is UTC (``NaT`` when blank or
        unparseable); text columns are stripped strings (``""`` when blank).

    Raises
    ------
    DataFormatError
        If there is neither a handle nor an account id column.

    Examples
    --------
    >>> import pandas as pd
    >>> watchlist_frame(pd.DataFrame({"username": ["@a"]}))[["entry", "handle"]].values.tolist()
    [[1, '@a']]
    """
    if ENTRY in frame.columns and set(WATCHLIST_COLUMNS) <= set(frame.columns):
        return frame.copy()
    renames = _rename(list(frame.columns))
    out = frame.rename(columns=renames)
    if HANDLE not in out and ACCOUNT_ID not in out:
        found = ", ".join(map(str, frame.columns)) or "(none)"
        raise DataFormatError(
            f"{source}: no handle or account_id column (found: {found}; expected e.g. "
            "handle, platform, received_at, note — or account_id)")
    out = out.loc[:, ~out.columns.duplicated()].reset_index(drop=True)
    for col in (HANDLE, ACCOUNT_ID, PLATFORM, NOTE):
        if col not in out:
            out[col] = ""
        out[col] = out[col].astype("string").fillna("").str.strip().astype(object)
    raw_time = out[RECEIVED_AT] if RECEIVED_AT in out else pd.Series("", index=out.index)
    out[RECEIVED_AT] = parse_timestamps(raw_time.astype("string").fillna(""))
    if ENTRY not in out:
        out.insert(0, ENTRY, range(1, len(out) + 1))
    extras = [c for c in out.columns if c not in WATCHLIST_COLUMNS]
    return out[[*WATCHLIST_COLUMNS, *extras]]


def read_watchlist(path: str | Path) -> pd.DataFrame:
    """Read a watch-list file (CSV, TSV, Parquet, or ``.txt`` with one handle per line).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        See :func:`watchlist_frame`.

    Raises
    ------
    DataFormatError
        If the file is missing, empty, unreadable, or has neither a handle nor an account
        id column (the message names the file and the columns found).

    Examples
    --------
    >>> from netlib.io.watchlist import read_watchlist
    >>> entries = read_watchlist("data/sample/complaints.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix.lower() == ".txt":
        if not path.is_file():
            raise DataFormatError(f"{path.name}: file not found ({path})")
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        handles = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        return watchlist_frame(pd.DataFrame({HANDLE: handles}), source=path.name)
    frame = read_whole(path, LoadReport(format="watchlist"))
    return watchlist_frame(frame, source=path.name)
