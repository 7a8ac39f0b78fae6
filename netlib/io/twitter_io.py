"""Reader for Twitter's information-operations archive (the ``*_tweets_csv_*`` files).

Twitter's Transparency Center published each takedown as tweet CSVs with one row per
tweet: ``tweetid, userid, user_display_name, user_screen_name, user_reported_location,
user_profile_description, user_profile_url, follower_count, following_count,
account_creation_date, account_language, tweet_language, tweet_text, tweet_time,
tweet_client_name, in_reply_to_userid, in_reply_to_tweetid, quoted_tweet_tweetid,
is_retweet, retweet_userid, retweet_tweetid, latitude, longitude, quote_count,
reply_count, like_count, retweet_count, hashtags, urls, user_mentions, poll_choices``.
In the "hashed" releases, ``userid`` (and the screen and display names of small
accounts) are replaced by a hash; the reader treats every id as an opaque string so both
variants load the same way.

Files are read in chunks, so an archive larger than memory as text still loads: only the
columns netlib uses are kept, as compact strings.
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import files_label, gather_files, list_cells_to_space
from netlib.io._files import iter_rows, read_table, sha256_file
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    BIO,
    CREATED_AT,
    DISPLAY_NAME,
    FOLLOWERS_COUNT,
    HANDLE,
    HASHTAGS,
    KIND,
    LANGUAGE,
    LOCATION,
    OBJECT_ID,
    PLATFORM,
    TEXT,
    TIMESTAMP,
    URL,
    URLS,
)

__all__ = ["read_twitter_io_archive", "looks_like_twitter_io", "IO_REQUIRED"]

IO_REQUIRED = ("tweetid", "userid", "tweet_time")
#: archive column -> account column (first non-empty value per user wins)
_ACCOUNT_COLUMNS = {
    "user_screen_name": HANDLE,
    "user_display_name": DISPLAY_NAME,
    "user_profile_description": BIO,
    "user_profile_url": URL,
    "user_reported_location": LOCATION,
    "account_language": LANGUAGE,
    "follower_count": FOLLOWERS_COUNT,
    "following_count": "following_count",
    "account_creation_date": CREATED_AT,
}
#: archive columns kept on actions as extra columns (when present)
_ACTION_EXTRAS = ("tweet_language", "tweet_client_name", "in_reply_to_userid",
                  "in_reply_to_tweetid", "quoted_tweet_tweetid", "retweet_userid",
                  "retweet_tweetid", "user_mentions")
_TRUE = {"true", "1", "t", "yes"}
_BIG_FILE = 256 << 20  # show a progress bar by default above this size


def _header(path: Path) -> list[str]:
    """The column names on the first line (a bad gzip file is a DataFormatError)."""
    try:
        with _open_text(path) as handle:
            line = handle.readline()
    except (EOFError, zlib.error, OSError) as err:  # gzip.BadGzipFile is an OSError
        raise DataFormatError(f"{path.name}: not a readable "
                              f"{'gzip' if path.suffix == '.gz' else 'CSV'} file "
                              f"({err.__class__.__name__}: {err})") from err
    return [c.strip().strip('"') for c in next(csv.reader([line.rstrip("\r\n")]), [])]


def _open_text(path: Path):
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def _csv_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and p.name.lower().endswith((".csv", ".csv.gz")))


def looks_like_twitter_io(path: Path) -> bool:
    """True for a CSV (or a folder of them) whose header has ``tweetid, userid, tweet_time``."""
    path = Path(path)
    if not path.exists():
        return False
    files = _csv_files(path)
    return any(set(IO_REQUIRED) <= set(_header(f)) for f in files[:20])


def read_twitter_io_archive(paths: str | Path | list, *, chunksize: int = 50_000,
                            keep_text: bool = True, progress: bool | None = None,
                            compact: bool | None = None,
                            now: pd.Timestamp | None = None) -> Dataset:
    """Load Twitter information-operations archive tweet CSVs (plain or hashed ids).

    Mapping: ``tweetid`` -> ``action_id``, ``userid`` -> ``account_id``,
    ``tweet_time`` -> ``timestamp``. A row with ``is_retweet`` true is a ``repost`` of
    ``retweet_tweetid``; else a row with ``quoted_tweet_tweetid`` is a ``quote`` of it;
    else a row with ``in_reply_to_tweetid`` is a ``reply`` to it; else a ``post``. The
    ``hashtags`` and ``urls`` cells, written as list literals (``['a', 'b']``), are parsed
    as text, never evaluated. One account per ``userid`` takes the first non-empty
    profile values seen; ``created_at`` comes from ``account_creation_date``.

    Parameters
    ----------
    paths : str, Path or list
        A tweet CSV (``.csv`` or ``.csv.gz``), a folder searched recursively, or a list.
        A users CSV of the archive (``userid`` and profile columns, no ``tweetid``) found
        among them supplies the account profiles, including users without tweets; other
        files without ``tweetid, userid, tweet_time`` are skipped with a note.
    chunksize : int
        Rows read at a time.
    keep_text : bool
        Keep ``tweet_text`` (the largest column); set False to halve memory on huge
        archives when only the co-action structure is needed.
    progress : bool, optional
        Show a tqdm progress bar over bytes; by default only for files over 256 MB.
    compact : bool, optional
        Keep action string columns in pandas' Arrow-backed ``str`` dtype (missing = NaN)
        and ``kind``/``platform`` as categories, instead of Python objects (missing =
        ``None``); about a third of the memory. By default on when the files total more
        than 256 MB or hold at least :data:`netlib.dataset.COMPACT_ROWS` tweets (see
        :func:`netlib.dataset.validate_tables`).
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions carry the interchange columns plus ``tweet_language, tweet_client_name,
        in_reply_to_userid, in_reply_to_tweetid, quoted_tweet_tweetid, retweet_userid,
        retweet_tweetid, user_mentions`` when present; accounts carry
        ``following_count`` besides the interchange columns.

    Raises
    ------
    DataFormatError
        If no file is found, a file is empty or unreadable, or no file has the columns
        ``tweetid, userid, tweet_time`` (the message lists the columns found).

    Examples
    --------
    >>> data = read_twitter_io_archive("tests/data/twitter_io/tweets.csv")  # doctest: +SKIP
    """
    candidates = gather_files(paths, ("*.csv", "*.csv.gz"), what="tweet CSV")
    report = LoadReport(format="twitter_io")
    files, user_files = [], []
    for path in candidates:
        if path.stat().st_size == 0:
            raise DataFormatError(f"{path.name}: file is empty (expected a header row)")
        header = _header(path)
        _check_header(header, path.name)
        if set(IO_REQUIRED) <= set(header):
            files.append(path)
        elif len(candidates) == 1:
            missing = [c for c in IO_REQUIRED if c not in header]
            raise DataFormatError(
                f"{path.name}: missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (found: {', '.join(header) or '(none)'}; expected "
                "a Twitter IO archive tweet file)")
        elif "userid" in header and "tweetid" not in header and len(header) > 1:
            user_files.append(path)
        else:
            report.notes.append(f"{path.name}: skipped (no tweetid/userid/tweet_time header)")
    if not files:
        raise DataFormatError("no Twitter IO archive tweet file among "
                              f"{', '.join(p.name for p in candidates[:5])}"
                              f"{'...' if len(candidates) > 5 else ''}")
    total = sum(p.stat().st_size for p in files)
    show = total > _BIG_FILE if progress is None else progress
    action_parts, account_parts, rows, sources, unparsed = [], [], [], [], []
    digests = []
    with tqdm(total=total, unit="B", unit_scale=True, desc="reading IO archive",
              disable=not show) as bar:
        for path in files:
            name = path.name if len(files) == 1 else str(path.relative_to(path.parents[1]))
            start = bar.n
            try:
                file_actions, file_accounts, file_rows, broken = _read_file(
                    _arrow_chunks(path, chunksize), keep_text, bar)
                _check_gzip(path, name)  # Arrow reads a truncated gzip file without a word
            except _FastReaderFailed as err:
                bar.n = start
                report.notes.append(f"{name}: read with the slower parser ({err})")
                file_actions, file_accounts, file_rows, broken = _read_file(
                    _chunks(path, chunksize, report, name), keep_text, None)
            n_rows = sum(len(part) for part in file_actions)
            action_parts.extend(file_actions)
            if file_accounts:
                account_parts = [_merge_accounts(account_parts + file_accounts)]
            rows.append(np.concatenate(file_rows) if file_rows else np.arange(1, n_rows + 1))
            unparsed.extend(b.assign(_file=name) for b in broken)
            sources.append(np.full(n_rows, name, dtype=object))
            bar.n = start + path.stat().st_size
            bar.refresh()
            digests.append(sha256_file(path) if len(files) == 1 else None)
    if user_files:  # the archive's users file: its profiles come first, and users who
        # never tweeted become accounts too
        users = [_read_users(path, report) for path in user_files]
        account_parts = [_merge_accounts(users + account_parts)]
    actions = (pd.concat(action_parts, ignore_index=True) if action_parts
               else _convert(pd.DataFrame(columns=list(IO_REQUIRED)), keep_text)[0])
    del action_parts
    accounts = (_merge_accounts(account_parts) if account_parts
                else pd.DataFrame(columns=[ACCOUNT_ID, PLATFORM, HANDLE]))
    display = files_label(files, "tweet files")
    report.add_file("actions", display, len(actions), sha256=digests[0])
    report.add_file("accounts", f"{display} (accounts derived from userid)", len(accounts))
    if len(actions) == 0:
        report.warn(display, "file has a header but no rows")
    report.notes.append("account profiles: first non-empty value per userid in file order")
    if compact is None and total > _BIG_FILE:  # else validate_tables decides by rows
        compact = True
    return validate_tables(
        {"accounts": accounts, "actions": actions, "follows": None},
        files={"accounts": report.files["accounts"]["file"], "actions": display},
        source=str(paths if not isinstance(paths, list) else files[0].parent),
        report=report, now=now, compact=compact,
        row_numbers={"actions": np.concatenate(rows) if rows else np.array([], int)},
        row_files={"actions": np.concatenate(sources)} if len(files) > 1 else None,
        unparsed={"actions": pd.concat(unparsed, ignore_index=True)} if unparsed else None)


def _check_gzip(path: Path, name: str) -> None:
    """Decompress a ``.gz`` file to its end; a truncated or corrupt one is a DataFormatError."""
    if path.suffix != ".gz":
        return
    import gzip

    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 22):
                pass
    except (EOFError, zlib.error, OSError) as err:
        raise DataFormatError(f"{name}: not a readable gzip file ({err.__class__.__name__}: "
                              f"{err})") from err


def _check_header(header: list[str], name: str) -> None:
    seen: dict[str, int] = {}
    for i, col in enumerate(header, start=1):
        if col and col in seen:
            raise DataFormatError(
                f"{name}: column {col!r} appears twice in the header (columns {seen[col]} and "
                f"{i}); expected each column name once (rename or delete one of them)")
        seen[col] = i


class _FastReaderFailed(Exception):
    """The Arrow CSV reader could not read a file (e.g. bytes that are not UTF-8)."""


def _read_file(chunks, keep_text: bool, bar):
    """Convert every chunk of one file.

    Returns (action parts, account parts merged as we go, row numbers per part -- empty
    when the reader does not know them --, records that could not be rows).
    """
    action_parts, account_parts, row_parts, broken = [], [], [], []
    for chunk, nbytes, rows, bad in chunks:
        actions, accounts = _convert(chunk, keep_text)
        action_parts.append(actions)
        account_parts.append(accounts)
        if rows is not None:
            row_parts.append(rows)
        if bad is not None and not bad.empty:
            broken.append(bad)
        if len(account_parts) > 8:  # keep the per-user table small as we go
            account_parts = [_merge_accounts(account_parts)]
        if bar is not None and nbytes:
            bar.update(nbytes)
    return action_parts, account_parts, row_parts, broken


def _arrow_chunks(path: Path, chunksize: int):
    """Yield ``(frame, bytes, rows, None)`` chunks read with pyarrow's streaming CSV reader.

    Every column is read as text (empty cells stay ``""``), quoted fields may hold line
    breaks; ``rows`` are physical lines as :func:`netlib.io._files.read_rows` counts them
    (the line breaks inside each record's fields are counted). Any failure -- a record
    with the wrong number of fields, a blank line, bytes that are not UTF-8 -- raises
    :class:`_FastReaderFailed` so the caller can fall back to netlib's own CSV reader.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError as err:  # pragma: no cover - pyarrow is a dependency
        raise _FastReaderFailed("pyarrow is not installed") from err
    names = _header(path)
    if len(set(names)) != len(names) or "" in names:
        raise _FastReaderFailed("the header has repeated or empty column names")
    mapper = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
    try:
        reader = pcsv.open_csv(
            str(path),
            read_options=pcsv.ReadOptions(block_size=max(chunksize, 1) * 320),
            parse_options=pcsv.ParseOptions(newlines_in_values=True,
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                strings_can_be_null=False))
        lines_so_far = 0  # physical lines taken by the records read so far
        pending = False
        with reader:
            for batch in reader:
                if batch.num_rows:
                    lines = 1 + _line_breaks(batch)
                    ends = lines_so_far + np.cumsum(lines)
                    lines_so_far = int(ends[-1])
                    frame = batch.to_pandas(types_mapper=mapper)
                    if (lines > 1).any() and _swallows_records(frame, lines > 1, len(names)):
                        raise _FastReaderFailed("a quoted field holds lines that look like "
                                                "records of their own (a stray quote?)")
                    last = frame.iloc[-1]
                    if lines[-1] > 1 or last.str.endswith(("\n", "\r")).any():
                        pending = True  # the file may end inside a quote: see below
                    else:
                        pending = False
                    yield _strip_columns(frame), batch.nbytes, ends - lines + 1, None
            if lines_so_far and pending:
                # Arrow reads a quote left open at the end of the file as a field running
                # to the end; netlib's reader tells the two apart
                raise _FastReaderFailed("the last record spans lines (a quote left open?)")
    except (pa.ArrowException, OSError, UnicodeError) as err:
        raise _FastReaderFailed(str(err).splitlines()[0][:120]) from err


def _swallows_records(frame: pd.DataFrame, multi: np.ndarray, width: int) -> bool:
    """True if a field spanning lines holds a whole line that parses as a full record."""
    if width < 2:
        return False
    for column in frame.columns:
        cells = frame[column][multi]
        for cell in cells[cells.str.contains("[\r\n]", regex=True)]:
            inner = cell.splitlines()[1:-1]
            if any(len(next(csv.reader([line]), [])) == width for line in inner):
                return True
    return False


def _line_breaks(batch) -> np.ndarray:
    """Line breaks (LF, CRLF or a lone CR, each counted once) inside each record's fields."""
    import pyarrow.compute as pc

    total = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        counts = [pc.count_substring(column, s).fill_null(0).to_numpy(zero_copy_only=False)
                  for s in ("\n", "\r", "\r\n")]
        total += counts[0] + counts[1] - counts[2]
    return total


def _chunks(path: Path, chunksize: int, report: LoadReport, name: str):
    """Yield ``(frame, 0, rows, broken)`` chunks read by netlib's one CSV reader.

    Row numbers are physical lines; records with the wrong number of fields are returned
    as broken (counted as rejected by the caller). Bytes that are not UTF-8 become U+FFFD
    and are reported.
    """
    warned = False
    for got in iter_rows(path, report, chunksize=chunksize, display=name):
        if not warned and _has_replacement(got.frame):
            warned = True
            report.warn(name, "file contains bytes that are not UTF-8 (or U+FFFD); "
                        "they were replaced with U+FFFD (re-save the file as UTF-8 "
                        "to keep them)")
        yield _strip_columns(got.frame), 0, got.rows, got.broken


def _has_replacement(chunk: pd.DataFrame) -> bool:
    return any(chunk[c].str.contains("\ufffd", regex=False).any() for c in chunk.columns)


def _read_users(path: Path, report: LoadReport) -> pd.DataFrame:
    """The archive's users CSV as first-profile account rows."""
    frame = _strip_columns(read_table(path, report))
    report.notes.append(f"{path.name}: {len(frame):,} user profiles read as accounts")
    users = frame[["userid"] + [c for c in _ACCOUNT_COLUMNS if c in frame.columns]]
    return _first_profile(users.rename(columns={"userid": ACCOUNT_ID, **_ACCOUNT_COLUMNS}))


def _strip_columns(chunk: pd.DataFrame) -> pd.DataFrame:
    chunk.columns = [str(c).strip() for c in chunk.columns]
    return chunk


def _col(chunk: pd.DataFrame, name: str) -> pd.Series:
    if name in chunk.columns:
        return chunk[name]
    return pd.Series("", index=chunk.index, dtype="str")


def _convert(chunk: pd.DataFrame, keep_text: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of archive rows -> (actions, first profile row per user) in our columns."""
    retweet = _col(chunk, "is_retweet").str.strip().str.lower().isin(_TRUE)
    rt_id = _col(chunk, "retweet_tweetid").str.strip()
    quoted = _col(chunk, "quoted_tweet_tweetid").str.strip()
    reply_to = _col(chunk, "in_reply_to_tweetid").str.strip()
    kind = np.select([retweet, quoted != "", reply_to != ""], ["repost", "quote", "reply"],
                     default="post")
    object_id = np.select([retweet, quoted != "", reply_to != ""],
                          [rt_id, quoted, reply_to], default="")
    # Arrow-backed strings and categories: a fraction of the memory of Python objects
    actions = pd.DataFrame({
        ACTION_ID: chunk["tweetid"],
        ACCOUNT_ID: chunk["userid"],
        TIMESTAMP: chunk["tweet_time"],
        KIND: pd.Categorical(kind, categories=["post", "repost", "quote", "reply"]),
        PLATFORM: pd.Categorical(["x"] * len(chunk), categories=["x"]),
        OBJECT_ID: pd.Series(object_id, index=chunk.index, dtype="str"),
        URLS: list_cells_to_space(_col(chunk, "urls")).astype("str"),
        HASHTAGS: list_cells_to_space(_col(chunk, "hashtags"), strip_hash=True).astype("str"),
    }, index=chunk.index)
    if keep_text and "tweet_text" in chunk.columns:
        actions[TEXT] = chunk["tweet_text"]
    for col in _ACTION_EXTRAS:
        if col in chunk.columns:
            actions[col] = chunk[col]
    users = chunk[["userid"] + [c for c in _ACCOUNT_COLUMNS if c in chunk.columns]]
    accounts = _first_profile(users.rename(columns={"userid": ACCOUNT_ID,
                                                    **_ACCOUNT_COLUMNS}))
    return actions, accounts


def _first_profile(users: pd.DataFrame) -> pd.DataFrame:
    """First non-empty value of every profile column per account (file order)."""
    keyed = users.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)
    for col in keyed.columns:
        values = users[[ACCOUNT_ID, col]]
        filled = values[values[col].astype("string").str.strip().fillna("") != ""]
        firsts = filled.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[col]
        keyed[col] = firsts.reindex(keyed.index)
    out = keyed.reset_index()
    out[PLATFORM] = "x"
    if HANDLE not in out.columns:
        out[HANDLE] = out[ACCOUNT_ID]
    out[HANDLE] = out[HANDLE].where(out[HANDLE].notna(), out[ACCOUNT_ID])
    return out


def _merge_accounts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    merged = pd.concat(parts, ignore_index=True)
    return _first_profile(merged.drop(columns=[PLATFORM]))
