"""Reader for watch-list files: handles or account ids to check (e.g. complaints received).

A watch list is a CSV (or TSV/Parquet) with at least a ``handle`` or an ``account_id``
column, and optionally ``platform``, ``received_at`` and ``note``; any other column is kept.
A complaint stream may also carry ``submitter_id`` (who sent it), ``text`` (what it said) and
``target_url`` (the reported profile's address), which :func:`netlib.triage.triage` uses to
find coordinated complaint campaigns. A ``target_url`` that is not an ``http(s)`` address is
set aside (the cell is emptied), counted and named in the load report; the entry stays.
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
from netlib.schema import ACCOUNT_ID, HANDLE, PLATFORM, TEXT
from netlib.times import parse_timestamps

__all__ = ["ENTRY", "RECEIVED_AT", "NOTE", "SUBMITTER_ID", "TARGET_URL", "TEXT",
           "WATCHLIST_COLUMNS", "COMPLAINT_COLUMNS", "read_watchlist", "watchlist_frame"]

ENTRY = "entry"
RECEIVED_AT = "received_at"
NOTE = "note"
SUBMITTER_ID = "submitter_id"
TARGET_URL = "target_url"
#: The normalised watch-list columns, in order (extra input columns follow).
WATCHLIST_COLUMNS = (ENTRY, HANDLE, ACCOUNT_ID, PLATFORM, RECEIVED_AT, NOTE)
#: Optional complaint-stream columns: kept (as text, ``""`` when blank) when present.
COMPLAINT_COLUMNS = (SUBMITTER_ID, TEXT, TARGET_URL)
_URL_SCHEMES = ("http://", "https://")

_ALIASES = {
    HANDLE: ("handle", "username", "user_name", "screen_name", "screenname", "user", "account",
             "name_handle", "channel"),
    ACCOUNT_ID: ("account_id", "user_id", "userid", "id", "accountid", "author_id"),
    PLATFORM: ("platform", "network", "site", "service"),
    RECEIVED_AT: ("received_at", "received", "date", "reported_at", "timestamp", "created"),
    NOTE: ("note", "notes", "comment", "comments", "reason", "description"),
    SUBMITTER_ID: ("submitter_id", "submitter", "reporter_id", "reporter", "reported_by",
                   "complainant_id"),
    TEXT: ("text", "complaint_text", "complaint", "message", "body"),
    TARGET_URL: ("target_url", "profile_url", "reported_url", "url"),
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


def watchlist_frame(frame: pd.DataFrame, *, source: str = "watch list",
                    report: LoadReport | None = None) -> pd.DataFrame:
    """Normalise a watch-list table already in memory.

    Parameters
    ----------
    frame : DataFrame
        Raw rows with a handle and/or an account id column (aliases accepted).
    source : str
        Named in error messages and in the load report.
    report : LoadReport, optional
        Receives the counts (every row read is kept as an entry) and one warning per
        ``target_url`` set aside.

    Returns
    -------
    DataFrame
        ``entry, handle, account_id, platform, received_at, note``, then ``submitter_id,
        text, target_url`` when the input has them, then any extra columns. ``entry`` is
        the 1-based data row; ``received_at`` is UTC (``NaT`` when blank or unparseable);
        text columns are stripped strings (``""`` when blank). ``attrs["rejected_values"]``
        counts the cells set aside by column.

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
    complaint = [c for c in COMPLAINT_COLUMNS if c in out]
    for col in complaint:
        out[col] = out[col].astype("string").fillna("").str.strip().astype(object)
    rejected = _check_urls(out, source, report)
    if report is not None:
        report.add_file("watchlist", source, len(out))
        report.files["watchlist"]["warnings"] = rejected
    extras = [c for c in out.columns if c not in WATCHLIST_COLUMNS and c not in complaint]
    out = out[[*WATCHLIST_COLUMNS, *complaint, *extras]]
    out.attrs = {"rejected_values": {TARGET_URL: rejected}} if TARGET_URL in out else {}
    return out


def _check_urls(out: pd.DataFrame, source: str, report: LoadReport | None) -> int:
    """Empty every ``target_url`` that is not an http(s) address; count and report them."""
    if TARGET_URL not in out:
        return 0
    urls = out[TARGET_URL].astype(str)
    bad = urls.ne("") & ~urls.str.lower().str.startswith(_URL_SCHEMES)
    if report is not None:
        for entry, value in zip(out.loc[bad, ENTRY], urls[bad], strict=True):
            report.warn(source, "target_url is not an http(s) address (expected e.g. "
                        "https://x.com/handle); the entry is kept without it",
                        row=int(entry), column=TARGET_URL, value=value)
    out.loc[bad, TARGET_URL] = ""
    return int(bad.sum())


def read_watchlist(path: str | Path) -> pd.DataFrame:
    """Read a watch-list file (CSV, TSV, Parquet, or ``.txt`` with one handle per line).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        See :func:`watchlist_frame`; ``attrs["warnings"]`` lists every value set aside, with
        its row and column.

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
    report = LoadReport(format="watchlist")
    frame = read_whole(path, report)
    out = watchlist_frame(frame, source=path.name, report=report)
    out.attrs["warnings"] = [str(issue) for issue in report.warnings]
    return out
