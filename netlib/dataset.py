"""The validated :class:`Dataset` and the one validation every reader's tables go through.

Every reader hands its raw tables to :func:`validate_tables`, so that all formats are
checked by one mechanism and every rejected row is counted with its reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netlib.errors import DataFormatError
from netlib.loadreport import LoadReport
from netlib.lookup import (
    arrow_strings,
    categoricals_from_codes,
    dictionary_encoded,
    missing_strings,
    positions,
    repeated,
    strip,
)
from netlib.memory import release_memory
from netlib.provenance import frames_fingerprint
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNTS,
    ACTION_ID,
    ACTIONS,
    BIO,
    DISPLAY_NAME,
    FOLLOWERS_COUNT,
    FOLLOWS,
    HANDLE,
    HANDLE_NORM,
    HASHTAGS,
    KIND,
    KINDS,
    LANGUAGE,
    LOCATION,
    MEDIA_HASHES,
    OBJECT_ID,
    PLATFORM,
    PROFILE_IMAGE_HASH,
    SOURCE_ID,
    STATUS,
    STATUSES,
    SUSPENDED_AT,
    TARGET_ID,
    TEXT,
    TIMESTAMP,
    URL,
    URLS,
    TableSpec,
)
from netlib.times import (
    FUTURE_MARGIN,
    MIN_TIME,
    parse_timestamps,
    parse_timestamps_and_offsets,
)

#: From this many actions on, :func:`validate_tables` keeps the action text columns compact
#: (pandas' Arrow-backed ``str``, missing values NaN) unless told otherwise: about a third
#: of the memory of Python string objects, and the analyses give the same results.
COMPACT_ROWS = 500_000

__all__ = ["Dataset", "validate_tables", "normalize_handle", "split_list", "add_unparsed"]


def normalize_handle(handle: Any) -> str:
    """Normalise a handle for matching: NFKC, casefold, strip spaces and leading ``@``.

    The original is kept for display; this form is only for comparison. Look-alike
    *letters* (Cyrillic "а" for Latin "a") are left alone here: mirror matching applies
    its own confusable folding on top.

    Examples
    --------
    >>> normalize_handle("  @Ｎｅｗｓ_Daily ")
    'news_daily'
    """
    if handle is None or (isinstance(handle, float) and np.isnan(handle)):
        return ""
    text = unicodedata.normalize("NFKC", str(handle)).strip()
    text = text.lstrip("@").strip()
    return text.casefold()


#: Python's whitespace among ASCII characters (what ``str.strip()`` removes from them).
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _normalized_handles(handles: pd.Series, fast_from: int = 10_000) -> pd.Series:
    """``handles.map(normalize_handle)``; from ``fast_from`` strings on, the ASCII ones
    are done by Arrow (for ASCII, NFKC changes nothing and casefolding is lowering) and
    only the others one by one in Python."""
    if len(handles) < fast_from or handles.dtype != object:
        return handles.map(normalize_handle)
    try:
        text = pa.array(handles.to_numpy(), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError):
        return handles.map(normalize_handle)  # not all strings: each as str() makes it
    ascii_only = pc.fill_null(pc.string_is_ascii(text), True)
    done = pc.utf8_trim(pc.utf8_ltrim(pc.utf8_trim(text, characters=_ASCII_SPACE),
                                      characters="@"), characters=_ASCII_SPACE)
    done = pc.fill_null(pc.ascii_lower(done), "")
    if not pc.all(ascii_only).as_py():
        others = np.flatnonzero(~ascii_only.to_numpy(zero_copy_only=False))
        fixed = [normalize_handle(handles.iloc[i]) for i in others]
        done = pc.replace_with_mask(done, pc.invert(ascii_only),
                                    pa.array(fixed, type=pa.large_string()))
    return pd.Series(pd.arrays.ArrowStringArray(done), index=handles.index, dtype="str")


def split_list(value: Any) -> list[str]:
    """Split a space-separated list cell (``urls``, ``hashtags``, ``media_hashes``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part for part in str(value).split() if part]



# --- the dataset ---------------------------------------------------------------------------------
@dataclass
class Dataset:
    """Validated accounts, actions and (optionally) follows.

    Attributes
    ----------
    accounts : DataFrame
        One row per account; columns from :data:`ACCOUNTS` plus ``handle_norm`` and any
        extra columns of the input. ``account_id`` is a unique string.
    actions : DataFrame
        One row per action, sorted by ``timestamp``; ``timestamp`` is UTC-aware.
    follows : DataFrame or None
        ``source_id, target_id`` edges (may point outside ``accounts``).
    report : LoadReport
        What was read, kept and rejected, and why.
    source : str
        Where the data came from (a folder, a file, or "memory").
    """

    accounts: pd.DataFrame
    actions: pd.DataFrame
    follows: pd.DataFrame | None = None
    report: LoadReport = field(default_factory=LoadReport)
    source: str = "memory"

    def __repr__(self) -> str:
        n_follows = 0 if self.follows is None else len(self.follows)
        return (f"Dataset({len(self.accounts):,} accounts, {len(self.actions):,} actions, "
                f"{n_follows:,} follows, source={self.source!r})")

    @property
    def platforms(self) -> list[str]:
        return sorted(self.accounts[PLATFORM].dropna().unique().tolist())

    def fingerprint(self) -> str:
        """A SHA-256 of the table contents: equal data gives an equal fingerprint.

        Inside :meth:`pinned` it is computed once (hashing a million actions takes about
        half a second, and each analysis of a run records it).
        """
        pinned = self.__dict__.get("_pinned_fingerprint")
        if pinned is not None:
            return pinned if isinstance(pinned, str) else pinned.result()
        return self.hash_tables()

    def hash_tables(self) -> str:
        """The SHA-256 of the tables, computed now: what :meth:`fingerprint` returns
        outside :meth:`pinned`."""
        return frames_fingerprint([self.accounts, self.actions, self.follows],
                                  sort_columns=True)

    @contextmanager
    def pinned(self, fingerprint: Future[str] | None = None) -> Iterator[Dataset]:
        """A block in which the tables are only read, so the fingerprint is computed once.

        :func:`netlib.analyze` runs its analyses inside one. Changing the tables inside
        the block would leave the fingerprint describing the tables as they were.

        Parameters
        ----------
        fingerprint : Future of str, optional
            :meth:`hash_tables` being computed elsewhere (on another thread):
            :meth:`fingerprint` waits for it when first asked, instead of hashing here.

        Examples
        --------
        >>> import pandas as pd
        >>> data = Dataset.from_frames(
        ...     pd.DataFrame({"account_id": ["a"], "platform": ["x"], "handle": ["a"]}),
        ...     pd.DataFrame({"action_id": ["1"], "account_id": ["a"],
        ...                   "timestamp": ["2025-01-01"], "kind": ["post"]}))
        >>> with data.pinned():
        ...     data.fingerprint() == data.fingerprint()
        True
        """
        outer = "_pinned_fingerprint" in self.__dict__
        if not outer:
            self.__dict__["_pinned_fingerprint"] = fingerprint if fingerprint is not None \
                else self.hash_tables()
        try:
            yield self
        finally:
            if not outer:
                self.__dict__.pop("_pinned_fingerprint", None)

    @classmethod
    def from_frames(cls, accounts: pd.DataFrame, actions: pd.DataFrame,
                    follows: pd.DataFrame | None = None, *, source: str = "memory",
                    now: pd.Timestamp | None = None) -> Dataset:
        """Validate in-memory frames with the same rules as :func:`netlib.load`.

        Raises
        ------
        DataFormatError
            If a required column is missing.
        """
        return validate_tables(
            {"accounts": accounts, "actions": actions, "follows": follows},
            files={"accounts": "accounts", "actions": "actions", "follows": "follows"},
            source=source, now=now)


# --- validation ------------------------------------------------------------------------------
def _missing_columns(frame: pd.DataFrame, spec: TableSpec, file: str) -> str | None:
    """One sentence naming the required columns ``frame`` lacks, or None."""
    missing = [c for c in spec.required if c not in frame.columns]
    if not missing:
        return None
    found = ", ".join(map(str, frame.columns)) or "(none)"
    return (f"{file}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {found}; expected at least: "
            f"{', '.join(spec.required)})")


def _require_columns(tables: list[tuple[pd.DataFrame | None, TableSpec, str]]) -> None:
    """Raise one DataFormatError naming every table's missing columns (one line each)."""
    problems = [p for frame, spec, file in tables if frame is not None
                for p in [_missing_columns(frame, spec, file)] if p]
    if problems:
        raise DataFormatError("\n".join(problems))


def _as_text(series: pd.Series, compact: bool = False) -> pd.Series:
    """Strings with surrounding whitespace kept but empty cells as missing.

    Python objects with ``None`` for missing, or (``compact``) pandas' Arrow-backed ``str``
    dtype with NaN for missing, which takes far less memory.
    """
    if series.dtype == object and bool(series.isna().all()):  # e.g. a column not given
        return _no_text(series.index, compact)
    out = series.astype("string")
    blank = _blank(out)
    if compact:
        return out.where(~blank).astype("str")
    return out.astype(object).where(~blank, None)


def _no_text(index: pd.Index, compact: bool) -> pd.Series:
    """A text column with every value missing: :func:`_as_text` of a column not given."""
    if compact:  # one Arrow array of nulls: no Python object per row
        return pd.Series(missing_strings(len(index)), index=index)
    return pd.Series(None, index=index, dtype=object)


def _strings(series: pd.Series, compact: bool) -> pd.Series:
    return series.astype("str") if compact else series.astype(object)


class _Rejector:
    """Collects row rejections for one table, one reason at a time, vectorised."""

    def __init__(self, frame: pd.DataFrame, table: str, file: str, report: LoadReport,
                 row_numbers: pd.Series, row_files: pd.Series | None = None):
        self.frame = frame
        self.original = frame.copy(deep=False)  # copy-on-write: later edits don't reach it
        self.table = table
        self.file = file
        self.report = report
        self.rows = row_numbers
        self.files = row_files  # per-row file names when a table was read from many files
        self.keep = pd.Series(True, index=frame.index)
        self.reason: pd.Series | None = None  # made at the first rejection
        self.max_listed = 10_000  # issues listed one by one; all rows are still counted

    def reject(self, mask: pd.Series, reason: str, column: str | None,
               values: pd.Series | None = None) -> None:
        mask = mask & self.keep
        if not mask.any():
            return
        self.keep &= ~mask
        if self.reason is None:
            self.reason = pd.Series(pd.NA, index=self.keep.index, dtype=object)
        self.reason[mask] = reason
        idx = mask[mask].index
        listed = idx[: self.max_listed]
        vals = values.loc[listed] if values is not None else None
        for i in listed:
            self.report.error(self.file_of(i), reason, row=int(self.rows.loc[i]),
                              column=column, value=None if vals is None else vals.loc[i])
        if len(idx) > len(listed):
            self.report.error(self.file, f"{reason}: {len(idx) - len(listed):,} more rows "
                              "not listed one by one", column=column)

    def file_of(self, index: Any) -> str:
        return self.file if self.files is None else str(self.files.loc[index])

    def warn(self, mask: pd.Series, reason: str, column: str,
             values: pd.Series | None = None) -> int:
        mask = mask & self.keep
        idx = mask[mask].index
        for i in idx[: self.max_listed]:
            self.report.warn(self.file_of(i), reason, row=int(self.rows.loc[i]), column=column,
                             value=None if values is None else values.loc[i])
        if len(idx) > self.max_listed:
            self.report.warn(self.file, f"{reason}: {len(idx) - self.max_listed:,} more rows "
                             "not listed one by one", column=column)
        self.report.files[self.table]["warnings"] += len(idx)
        return len(idx)

    def finish(self) -> pd.DataFrame:
        info = self.report.files[self.table]
        reasons = self.reason[~self.keep] if self.reason is not None else \
            pd.Series([], dtype=object)  # nothing rejected
        rejected = _with_meta(self.original[~self.keep], self.rows[~self.keep], reasons)
        self.report.rejected[self.table] = rejected
        info["rejected"] = int((~self.keep).sum())
        info["kept"] = int(self.keep.sum())
        self.original = None  # the raw cells are no longer needed
        n_kept = info["kept"]
        if n_kept == len(self.keep):
            kept = self.frame
        elif bool(self.keep.iloc[:n_kept].all()):  # the rows rejected are the last ones
            kept = self.frame.iloc[:n_kept]
        else:
            kept = self.frame[self.keep]
        self.frame = None
        return kept


#: Columns netlib adds to the frames of rejected rows (``report.rejected``).
_META = ("_row", "_reason", "_raw")


def _with_meta(rows: pd.DataFrame, row_numbers: pd.Series, reasons: pd.Series) -> pd.DataFrame:
    """Rejected rows with ``_row`` and ``_reason`` in front.

    An input column of the same name as one netlib adds is kept, renamed
    ``<name> (input)``, so that the two never collide.
    """
    clash = {c: f"{c} (input)" for c in rows.columns if c in _META}
    out = rows.rename(columns=clash) if clash else rows.copy()
    out.insert(0, "_reason", np.asarray(reasons, dtype=object))
    out.insert(0, "_row", np.asarray(row_numbers))
    return out


def add_unparsed(report: LoadReport, table: str, rows: pd.DataFrame,
                 file: str | None = None) -> None:
    """Count records that could not even become rows as rejected rows of ``table``.

    ``rows`` has ``_row, _reason`` and optionally ``_file`` (else ``file`` names the file),
    ``_column`` (the column at fault) and ``_raw``. They are added to the table's ``read`` and ``rejected`` counts, listed as
    errors, and appended to ``report.rejected[table]``, so ``read == kept + rejected``.
    """
    if rows is None or rows.empty:
        return
    info = report.files[table]
    info["read"] += len(rows)
    info["rejected"] += len(rows)
    files = rows["_file"] if "_file" in rows.columns else pd.Series(file, index=rows.index)
    raws = rows["_raw"] if "_raw" in rows.columns else pd.Series(None, index=rows.index)
    cols = rows["_column"] if "_column" in rows.columns else pd.Series(None, index=rows.index)
    for name, row, reason, raw, col in zip(files, rows["_row"], rows["_reason"], raws, cols,
                                           strict=True):
        report.error(str(name), str(reason), row=int(row), value=raw,
                     column=None if col is None or pd.isna(col) else str(col))
    extra = rows.drop(columns=["_file", "_column"], errors="ignore")
    previous = report.rejected.get(table)
    report.rejected[table] = extra if previous is None or previous.empty else \
        pd.concat([previous, extra], ignore_index=True)


def _list_cells(series: pd.Series) -> pd.Series:
    """Cells holding real lists (Parquet list columns, Python lists) as space-separated text.

    Items with whitespace inside have it replaced by ``_`` so they survive splitting;
    other cells are left as they are.
    """
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) in (
            "string", "empty", "integer", "floating", "mixed-integer-float", "boolean"):
        return series  # no cell can be a list: skip the per-cell look
    is_list = series.map(lambda v: isinstance(v, (list, tuple, np.ndarray)))
    if not is_list.any():
        return series

    def join(items) -> str | None:
        parts = ["_".join(str(i).split()) for i in items
                 if i is not None and not (isinstance(i, float) and np.isnan(i))]
        parts = [p for p in parts if p]
        return " ".join(parts) if parts else None

    out = series.astype(object).copy()
    out[is_list] = [join(v) for v in series[is_list]]
    return out


def _missing(frame: pd.DataFrame, column: str) -> pd.Series:
    """Cells of ``column`` that are missing, empty or only whitespace."""
    return _blank(frame[column])


#: From this many rows on, validation runs independent Arrow checks two at a time.
_SIDE_BY_SIDE_ROWS = 200_000


def _missing_in(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]
                ) -> list[pd.Series]:
    """:func:`_missing` of each of ``columns``, in order.

    On Arrow-backed columns the checks run outside the interpreter lock, so from
    :data:`_SIDE_BY_SIDE_ROWS` rows on two columns are checked at a time.
    """
    if len(frame) < _SIDE_BY_SIDE_ROWS or len(columns) < 2:
        return [_missing(frame, col) for col in columns]

    def check(col: str) -> pd.Series:
        try:
            return _missing(frame, col)
        finally:  # what the worker's allocator holds goes back before the worker ends
            release_memory()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(check, columns))


def _blank(col: pd.Series) -> pd.Series:
    """Boolean mask: cells that are missing, empty or only whitespace (as text)."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        # Arrow's "every character is whitespace" uses the same characters as its trim,
        # without making the trimmed strings
        text = arrow_strings(col)
        blank = pc.or_kleene(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
        blank = pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
        return pd.Series(blank, index=col.index)
    return (col.isna() | (col.astype("string").str.strip() == "")).fillna(True).astype(bool)


def validate_tables(raw: dict[str, pd.DataFrame | None], *, files: dict[str, str],
                    source: str = "memory", report: LoadReport | None = None,
                    row_numbers: dict[str, pd.Series] | None = None,
                    row_files: dict[str, pd.Series] | None = None,
                    now: pd.Timestamp | None = None, compact: bool | None = None,
                    unparsed: dict[str, pd.DataFrame] | None = None) -> Dataset:
    """Check raw tables against the model and build a :class:`Dataset`.

    Every reader (interchange, IO archives, twarc2, Telegram, CooRTweet...) produces raw
    frames in the interchange columns and calls this function, so all formats share one
    set of rules. Rows are rejected, never silently dropped: each rejection is an
    :class:`Issue` in the report and the row itself is kept in ``report.rejected``.

    Parameters
    ----------
    raw : dict
        ``{"accounts": DataFrame, "actions": DataFrame, "follows": DataFrame | None}``;
        cells may be strings or already typed values. Its ``actions`` entry is set to
        None once validation has taken the table, so that the raw cells can be freed.
    files : dict
        Display name of the file each table came from (used in messages).
    source : str
        Recorded as :attr:`Dataset.source`.
    report : LoadReport, optional
        A report to extend (a reader may already have recorded parse issues).
    row_numbers : dict of Series, optional
        1-based row numbers of each table's rows in their file; defaults to position + 1.
    row_files : dict of Series, optional
        For a table assembled from several files, the file each row came from (used in
        messages instead of ``files[table]``).
    now : Timestamp, optional
        Reference time for the "in the future" check (default: the current time).
    compact : bool, optional
        Keep the string columns of actions in pandas' Arrow-backed ``str`` dtype (missing
        values are NaN, ``kind`` and ``platform`` categorical) instead of Python objects
        (missing values are ``None``): about a third of the memory. By default, when the
        actions table has at least :data:`COMPACT_ROWS` rows; the load report says so.
    unparsed : dict of DataFrame, optional
        Per table, records a reader could not turn into rows (``_row, _reason`` and
        optionally ``_file``, ``_raw``): counted as read and rejected, and listed.

    Returns
    -------
    Dataset

    Raises
    ------
    DataFormatError
        If a table lacks a required column.
    """
    report = report if report is not None else LoadReport()
    row_numbers = row_numbers or {}
    row_files = row_files or {}
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if now.tzinfo is None:
        now = now.tz_localize("UTC")

    accounts = raw.get("accounts")
    actions = raw.get("actions")
    follows = raw.get("follows")
    if accounts is None or actions is None:
        raise DataFormatError("a dataset needs both an accounts and an actions table")
    _require_columns([(accounts, ACCOUNTS, files["accounts"]),
                      (actions, ACTIONS, files["actions"]),
                      (follows, FOLLOWS, files.get("follows", "follows"))])

    def rows_of(name: str, frame: pd.DataFrame) -> pd.Series:
        if name in row_numbers:
            return pd.Series(np.asarray(row_numbers[name]), index=frame.index)
        return pd.Series(np.arange(1, len(frame) + 1), index=frame.index)

    def files_of(name: str, frame: pd.DataFrame) -> pd.Series | None:
        if name in row_files and row_files[name] is not None:
            return pd.Series(np.asarray(row_files[name], dtype=object), index=frame.index)
        return None

    if compact is None:
        compact = len(actions) >= COMPACT_ROWS
    if compact:
        report.notes.append(f"large load ({len(actions):,} actions): action text columns "
                            "kept as Arrow-backed 'str' (missing values are NaN, not None)")
    for name, frame in (("accounts", accounts), ("actions", actions), ("follows", follows)):
        if frame is not None and name not in report.files:
            report.add_file(name, files.get(name, name), len(frame))

    accounts = _validate_accounts(accounts.copy(deep=False), files["accounts"], report,
                                  rows_of("accounts", accounts), files_of("accounts", accounts))
    known = pd.Index(accounts[ACCOUNT_ID])
    platform_of = accounts.set_index(ACCOUNT_ID)[PLATFORM]
    work, act_rows, act_files = (actions.copy(deep=False), rows_of("actions", actions),
                                 files_of("actions", actions))
    # no reference to the raw actions is left here or in ``raw``, so that their cells are
    # freed once validation no longer needs them (a gigabyte at ten million rows)
    actions = None
    if isinstance(raw, dict):
        raw["actions"] = None
    actions = _validate_actions(work, files["actions"], report, act_rows, known, platform_of,
                                now, act_files, compact=compact)
    del work
    if follows is not None:
        follows = _validate_follows(follows.copy(deep=False), files.get("follows", "follows"), report,
                                    rows_of("follows", follows), files_of("follows", follows))
    for name, rows in (unparsed or {}).items():
        add_unparsed(report, name, rows, files.get(name, name))
    _note_removals(accounts, files["accounts"], report)
    _sort_issues(report)
    release_memory()
    return Dataset(accounts=accounts.reset_index(drop=True),
                   actions=actions.reset_index(drop=True),
                   follows=None if follows is None else follows.reset_index(drop=True),
                   report=report, source=source)


def _sort_issues(report: LoadReport) -> None:
    """Issues grouped by file (in order of first mention), file-level first, then by row."""
    first_seen: dict[str, int] = {}
    for issue in report.issues:
        first_seen.setdefault(issue.file, len(first_seen))
    report.issues.sort(key=lambda i: (first_seen[i.file], i.row is not None, i.row or 0))


def _validate_accounts(frame: pd.DataFrame, file: str, report: LoadReport,
                       rows: pd.Series, row_files: pd.Series | None = None) -> pd.DataFrame:
    rej = _Rejector(frame, "accounts", file, report, rows, row_files)
    for col in ACCOUNTS.required:
        rej.reject(_missing(frame, col), f"missing required value in {col}", col)
    ids = strip(frame[ACCOUNT_ID].astype("string"))
    frame[ACCOUNT_ID] = ids.astype(object)
    dup = ids.duplicated(keep="first") & rej.keep
    rej.reject(dup, "duplicate account_id (first occurrence kept)", ACCOUNT_ID, ids)
    frame[PLATFORM] = strip(frame[PLATFORM].astype("string")).str.lower().astype(object)
    frame[HANDLE] = frame[HANDLE].astype(object)
    # a column the file lacks is all missing: given its type at once, not parsed per cell
    absent = {col for col in ACCOUNTS.optional if col not in frame.columns}
    for col in absent:
        frame[col] = pd.NA
    for col in ACCOUNTS.time_columns:
        if col in absent:
            frame[col] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
            continue
        original = frame[col]
        parsed = parse_timestamps(original)
        bad = parsed.isna() & ~_missing(frame, col)
        rej.warn(bad, f"unparseable {col} blanked (expected ISO 8601 or epoch seconds)",
                 col, original)
        frame[col] = parsed
    if FOLLOWERS_COUNT in absent:
        frame[FOLLOWERS_COUNT] = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    else:
        counts = pd.to_numeric(frame[FOLLOWERS_COUNT], errors="coerce")
        bad = counts.isna() & ~_missing(frame, FOLLOWERS_COUNT)
        rej.warn(bad, "followers_count is not a number; blanked", FOLLOWERS_COUNT,
                 frame[FOLLOWERS_COUNT])
        frame[FOLLOWERS_COUNT] = counts.astype("Float64")
    if STATUS not in absent:  # (an absent one is already its blank: pd.NA objects)
        status = strip(frame[STATUS].astype("string")).str.lower()
        bad = status.notna() & (status != "") & ~status.isin(STATUSES)
        rej.warn(bad, f"status not one of {'|'.join(STATUSES)}; blanked", STATUS,
                 frame[STATUS])
        frame[STATUS] = status.where(status.isin(STATUSES), pd.NA).astype(object)
    for col in (DISPLAY_NAME, BIO, URL, PROFILE_IMAGE_HASH, LOCATION, LANGUAGE):
        frame[col] = _as_text(frame[col])
    if HANDLE_NORM in frame.columns:
        report.warn(file, f"column {HANDLE_NORM} is derived by netlib from {HANDLE}; the "
                    "input's values were replaced", column=HANDLE_NORM)
    frame[HANDLE_NORM] = _normalized_handles(frame[HANDLE])
    kept = rej.finish()
    ordered = list(ACCOUNTS.columns) + [HANDLE_NORM]
    extra = [c for c in kept.columns if c not in ordered]
    return kept[ordered + extra]


def _validate_actions(frame: pd.DataFrame, file: str, report: LoadReport, rows: pd.Series,
                      known: pd.Index, platform_of: pd.Series,
                      now: pd.Timestamp, row_files: pd.Series | None = None,
                      compact: bool = False) -> pd.DataFrame:
    rej = _Rejector(frame, "actions", file, report, rows, row_files)
    for col, missing in zip(ACTIONS.required, _missing_in(frame, ACTIONS.required),
                            strict=True):
        rej.reject(missing, f"missing required value in {col}", col)
    ids = strip(frame[ACTION_ID].astype("string"))
    frame[ACTION_ID] = _strings(ids, compact)
    original_ts = frame[TIMESTAMP]
    ts, written = parse_timestamps_and_offsets(original_ts)
    _note_offsets(written, file, report)
    far = ts.isna().to_numpy(copy=True)
    if far.any():  # only a value that is not a time can be one too far in the future
        far[far] = original_ts[far].astype("string").str.match(
            r"\s*\+?(?:\d{5,}|22[6-9]\d|2[3-9]\d\d|[3-9]\d{3})-\d").fillna(False) \
            .astype(bool).to_numpy()
    far = pd.Series(far, index=ts.index)
    rej.reject(far, "timestamp is in the future (after 2261, beyond what netlib can hold)",
               TIMESTAMP, original_ts)
    rej.reject(ts.isna(), "timestamp is not a date (expected ISO 8601, e.g. "
               "2026-03-01T12:00:00Z, or epoch seconds)", TIMESTAMP, original_ts)
    rej.reject(ts < MIN_TIME, f"timestamp before {MIN_TIME.date()} is implausible",
               TIMESTAMP, original_ts)
    rej.reject(ts > now + FUTURE_MARGIN, "timestamp is in the future", TIMESTAMP, original_ts)
    frame[TIMESTAMP] = ts
    kind = strip(frame[KIND].astype("string")).str.lower()
    rej.reject(~kind.isin(KINDS), f"unknown kind (expected one of {'|'.join(KINDS)})", KIND,
               frame[KIND])
    frame[KIND] = _categorical(arrow_strings(kind), frame.index) if compact else \
        kind.astype(object)
    acc_text = strip(frame[ACCOUNT_ID].astype("string"))
    acc = acc_text.astype("str") if compact else acc_text.astype(object)
    frame[ACCOUNT_ID] = acc
    where = pc.index_in(arrow_strings(acc_text), value_set=arrow_strings(known))  # null: unknown
    rej.reject(pd.Series(~where.is_valid().to_numpy(zero_copy_only=False), index=frame.index),
               "account_id not in accounts", ACCOUNT_ID, acc)
    # last, so that the first occurrence that passed every other check is the one kept
    dup = _repeated(ids, rej.keep)
    rej.reject(dup, "duplicate action_id (first occurrence kept)", ACTION_ID, ids)
    absent = [col for col in ACTIONS.optional if col not in frame.columns]
    # a text column not given is added after the rejections, as one column of missing
    # values that every such column shares (strings are immutable)
    blank_text = [col for col in (TEXT, URLS, HASHTAGS, MEDIA_HASHES) if col in absent]
    for col in absent:
        if col not in blank_text:
            frame[col] = pd.NA
    if not platform_of.index.equals(known):
        where = pc.index_in(arrow_strings(acc_text), value_set=arrow_strings(platform_of.index))
    if compact and PLATFORM in absent:  # none given: each action is its account's
        frame[PLATFORM] = _categorical(arrow_strings(platform_of), frame.index, rows=where)
    else:
        of_account = pc.take(arrow_strings(platform_of), where)  # each account's platform
        given = strip(frame[PLATFORM].astype("string")).str.lower()
        platform = given.fillna(pd.Series(pd.arrays.ArrowStringArray(of_account),
                                          index=frame.index).astype("string"))
        frame[PLATFORM] = platform.astype("category") if compact else platform.astype(object)
    obj = strip(frame[OBJECT_ID].astype("string"))
    blank = obj.isna() | (obj == "").fillna(True).astype(bool)
    frame[OBJECT_ID] = obj.where(~blank).astype("str") if compact else \
        obj.astype(object).where(~blank, None)
    for col in (URLS, HASHTAGS, MEDIA_HASHES):
        if col not in absent:
            frame[col] = _list_cells(frame[col])
    for col in (TEXT, URLS, HASHTAGS, MEDIA_HASHES):
        if col not in blank_text:
            frame[col] = _as_text(frame[col], compact)
    kept = rej.finish()
    if blank_text:
        empty = _no_text(kept.index, compact)
        for col in blank_text:
            kept[col] = empty
    _break_object_cycles(kept, file, report, rows, row_files)
    ordered = list(ACTIONS.columns)
    extra = [c for c in kept.columns if c not in ordered]
    kept = kept[ordered + extra]
    if _in_time_order(kept):  # as most exports are: no sort, no copy
        return kept
    return kept.take(_time_order(kept))


def _categorical(values: pa.ChunkedArray, index: pd.Index,
                 rows: pa.Array | pa.ChunkedArray | None = None) -> pd.Series:
    """Arrow strings as the categorical ``astype("category")`` makes of them (categories
    sorted, missing values code -1), coded by Arrow instead of a pandas hash table.

    With ``rows`` (positions into ``values``, null for a missing value) the result is that
    of ``values.take(rows)``, taken on the codes: an action's account's platform without
    one string per action.
    """
    encoded = dictionary_encoded(values)
    indices = encoded.indices if rows is None else pc.take(encoded.indices, rows)
    column, = categoricals_from_codes(indices, encoded.dictionary, [None],
                                      categories_dtype="string")
    return pd.Series(column, index=index)


def _repeated(ids: pd.Series, keep: pd.Series) -> pd.Series:
    """Among the ``keep`` rows, those whose id an earlier ``keep`` row already has."""
    mask = keep.to_numpy()
    out = np.zeros(len(ids), dtype=bool)
    out[mask] = repeated(ids if mask.all() else ids[mask])
    return pd.Series(out, index=ids.index)


def _repeated_pairs(source: pd.Series, target: pd.Series) -> pd.Series:
    """Rows whose (source, target) an earlier row already has.

    Pairs are compared as ``source + NUL + target`` (a row with a missing side matches
    only another such row). When no id holds a NUL that is the same as comparing both
    sides, which is done on Arrow dictionary codes instead of joined strings.
    """
    sides = [arrow_strings(source), arrow_strings(target)]
    if any(pc.any(pc.match_substring(side, "\x00")).as_py() for side in sides):
        pair = source.astype("str") + "\x00" + target.astype("str")
        return pair.duplicated(keep="first")
    codes = [pc.fill_null(dictionary_encoded(side).indices, -1)
             .to_numpy().astype(np.int64) for side in sides]
    missing = (codes[0] < 0) | (codes[1] < 0)
    key = np.where(missing, -1, codes[0] * (int(codes[1].max(initial=0)) + 1) + codes[1])
    return pd.Series(pd.Series(key).duplicated(keep="first").to_numpy(), index=source.index)


def _in_time_order(actions: pd.DataFrame) -> bool:
    """Whether the actions already are in :func:`_time_order`'s order, told in one pass
    over neighbouring rows (times, and the ids of rows with equal times) without sorting.
    """
    if len(actions) < 2:
        return True
    stamps = actions[TIMESTAMP]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype) or bool(stamps.isna().any()):
        return False  # the sort decides where missing times go
    ticks = stamps.array.asi8
    later = ticks[1:] > ticks[:-1]
    if bool(later.all()):
        return True
    tie = ticks[1:] == ticks[:-1]
    if not bool((later | tie).all()):
        return False
    ids = arrow_strings(actions[ACTION_ID])
    less = pc.fill_null(pc.less(ids[:-1], ids[1:]), False).to_numpy(zero_copy_only=False)
    return bool((later | (tie & less)).all())


def _time_order(actions: pd.DataFrame) -> np.ndarray:
    """Positions that sort actions by time, then action id (unique, so the order is total).

    The same order as ``sort_values([TIMESTAMP, ACTION_ID])``: Arrow compares the ids'
    UTF-8 bytes, which order as Python compares the strings (by code point).
    """
    if len(actions) < 2:
        return np.arange(len(actions))
    table = pa.table({"t": pa.array(actions[TIMESTAMP].array),
                      "id": pa.array(actions[ACTION_ID].array, type=pa.large_string())})
    return pc.sort_indices(table, sort_keys=[("t", "ascending"), ("id", "ascending")]).to_numpy()


def _note_removals(accounts: pd.DataFrame, file: str, report: LoadReport) -> None:
    """Say how many accounts carry no removal information, so removals will be inferred.

    Real archives rarely record whether or when an account was taken down; the mirror
    analysis then infers it from the account's own silence. A reader of the load report
    should know that before reading a mirror link built on such an inference.
    """
    if not len(accounts):
        return
    unknown = int((accounts[STATUS].isna() & accounts[SUSPENDED_AT].isna()).sum())
    if not unknown:
        return
    total = len(accounts)
    who = ("no account says" if unknown == total else
           f"{unknown:,} of {total:,} accounts say nothing about")
    report.notes.append(
        f"{file}: {who} whether or when it was removed (status, suspended_at), so the "
        "mirror analysis infers their removals from each account's own silence "
        "(takedown_source 'inferred' in mirror_links.csv; known removals win; "
        "MirrorConfig(infer_takedowns=False) turns it off)")


def _note_offsets(written: tuple[set[str], int] | None, file: str, report: LoadReport
                  ) -> None:
    """Say when timestamps mix UTC offsets (or mix zoned and zone-less values); ``written``
    is what :func:`netlib.times.written_offsets` found."""
    if written is None:
        return
    zones, naive = written
    if len(zones) + (naive > 0) > 1:
        shown = ", ".join(sorted(map(str, zones))[:5]) + ("..." if len(zones) > 5 else "")
        report.notes.append(
            f"{file}: timestamps mix UTC offsets ({shown}"
            f"{'; ' + format(naive, ',') + ' without a zone, taken as UTC' if naive else ''}"
            "); all were converted to UTC")


def _break_object_cycles(actions: pd.DataFrame, file: str, report: LoadReport,
                         rows: pd.Series | None = None,
                         row_files: pd.Series | None = None) -> None:
    """Blank object_id links that form a cycle (a repost of a repost of ... itself)."""
    has = actions[OBJECT_ID].notna()
    if not has.any():
        return
    # Each action links to at most one object: a functional graph. After n steps every
    # chain that ends has ended, so pointer doubling (O(n log n), vectorised) leaves only
    # the actions whose chain runs into a cycle, each pointing at a node on that cycle;
    # walking those few cycles once gives exactly the actions on them.
    # action ids are unique here; when every object id sorts before the first action id
    # or after the last one (as Arrow compares strings: by code point), none is an action
    objects = pc.min_max(arrow_strings(actions[OBJECT_ID]))
    ids = pc.min_max(arrow_strings(actions[ACTION_ID]))
    if objects["max"].as_py() < ids["min"].as_py() or \
            objects["min"].as_py() > ids["max"].as_py():
        return
    target = positions(actions[OBJECT_ID].where(has),
                       arrow_strings(actions[ACTION_ID]).combine_chunks()).astype(np.intp)
    if not (target >= 0).any():
        return
    reach = target.copy()
    steps = 1
    while steps < len(reach) + 1:
        reach = np.where(reach >= 0, reach[np.maximum(reach, 0)], -1)
        steps *= 2
        if not (reach >= 0).any():  # every chain has ended: there is no cycle
            return
    on_cycle = np.zeros(len(target), dtype=bool)
    for start in np.unique(reach[reach >= 0]):
        node = start
        while not on_cycle[node]:
            on_cycle[node] = True
            node = target[node]
    if not on_cycle.any():
        return
    in_cycle = set(actions[ACTION_ID].to_numpy()[on_cycle])
    mask = actions[ACTION_ID].isin(in_cycle) & has
    for index, action_id, obj in actions.loc[mask, [ACTION_ID, OBJECT_ID]].itertuples():
        report.warn(file if row_files is None else str(row_files.loc[index]),
                    f"object_id forms a cycle; link of action {action_id} blanked",
                    row=None if rows is None else int(rows.loc[index]), column=OBJECT_ID,
                    value=obj)
    if "actions" in report.files:
        report.files["actions"]["warnings"] += int(mask.sum())
    actions.loc[mask, OBJECT_ID] = None


def _validate_follows(frame: pd.DataFrame, file: str, report: LoadReport,
                      rows: pd.Series, row_files: pd.Series | None = None) -> pd.DataFrame:
    rej = _Rejector(frame, "follows", file, report, rows, row_files)
    stripped = {}
    for col in FOLLOWS.required:
        rej.reject(_missing(frame, col), f"missing required value in {col}", col)
        stripped[col] = strip(frame[col].astype("string"))
        frame[col] = stripped[col].astype(object)
    rej.reject(_repeated_pairs(stripped[SOURCE_ID], stripped[TARGET_ID]),
               "duplicate follow edge", None)
    return rej.finish()
