"""Reader for the FiveThirtyEight / Clemson IRA troll tweets and their per-author split.

Two layouts are read:

* the original release (``IRAhandle_tweets_*.csv``): one row per tweet with
  ``external_author_id, author, content, region, language, publish_date, following,
  followers, updates, post_type, account_type, retweet, account_category, ...``;
* the per-author split (one ``<author_id>.csv`` per account with an ``author_id`` column,
  usually under ``tweets/<Letter>/``) with an ``authors.csv`` label table beside it.

How objects are derived
-----------------------
These files hold no ids of the retweeted tweets (the split holds no tweet ids at all),
and a retweet row carries only the original text. The object a retweet points to is
therefore approximated from its text: Unicode NFKC, a leading ``RT @name:`` removed,
URLs removed (t.co links differ per copy), case folded, whitespace collapsed,
surrounding quotes stripped; ``object_id = "text:" + BLAKE2b-80(normalised text)``. Two
retweets of one original thus share an object id; two different originals with the
same wording collide (a known limit). Quote tweets keep ``object_id`` empty: their text
is the quoting comment, not the quoted tweet. Replies cannot be told apart from posts.

When the files hold the original itself, the retweets point at it instead: a text held
by exactly one original post (same normalisation), posted no later than the first
retweet of that text, is the object, so ``object_id`` is that post's ``action_id`` and
the retweeters are linked to its author (who amplifies whom, as ``netlib.overview``
and the hub ranking read it). A text posted as an original more than once, or first
retweeted before the one original, keeps its text id. The retweets grouped on one
object stay the same, so ``coshare_pairs`` gives the same pairs under the new object
name; the repost trace of ``build_traces`` now also counts the original post with its
retweets, as it does wherever retweet ids are known. The load report counts the
retweets and originals attributed this way.

Where the action has no tweet id, ``action_id`` is ``<account_id>:<row>`` (row in its
file), which is stable as long as the files are. Account creation times come from
Twitter snowflake user ids (the exact ``congress_2017_id`` or ``alt_external_id`` when
present, else an ``external_author_id`` that is not rounded); ``publish_date`` is read as UTC.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import (
    extract_hashtags,
    extract_urls,
    files_label,
    gather_files,
    snowflake_time,
    text_object_ids,
)
from netlib.io._files import read_rows, read_table
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    CREATED_AT,
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
    URLS,
)
from netlib.times import parse_timestamps

__all__ = ["read_fivethirtyeight", "looks_like_fivethirtyeight", "ACCOUNT_CATEGORY",
           "ACCOUNT_TYPE"]

ACCOUNT_CATEGORY = "account_category"
ACCOUNT_TYPE = "account_type"
_AUTHOR = "author"
_AUTHOR_ID = "author_id"
_EXTERNAL_ID = "external_author_id"
_CONGRESS_ID = "congress_2017_id"
_ALT_ID = "alt_external_id"  # the exact user id in the original release
_CONTENT = "content"
_PUBLISH = "publish_date"
_POST_TYPE = "post_type"
_RETWEET = "retweet"
_TWEET_ID = "tweet_id"
_SIGNATURE = {_CONTENT, _PUBLISH}
_AUTHOR_LABELS = (_AUTHOR, _EXTERNAL_ID, _ALT_ID, ACCOUNT_TYPE, ACCOUNT_CATEGORY,
                  "new_june_2018", _CONGRESS_ID, "in_congress_2017", "in_congress_2018")
#: Columns of the tweet files kept on each action besides the interchange columns.
_ACTION_EXTRAS = ("region", "harvested_date", "following", "followers", "updates",
                  _POST_TYPE, _RETWEET, "article_url")


def _header(path: Path) -> set[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        return {c.strip().strip('"') for c in handle.readline().strip().split(",")}


def _tweet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in sorted(path.rglob("*.csv"))
            if p.name != "authors.csv" and not p.name.startswith(("authors_", "derived_"))]


def looks_like_fivethirtyeight(path: Path) -> bool:
    """True for a CSV (or a folder of them) with ``content`` and ``publish_date`` columns."""
    path = Path(path)
    if not path.exists():
        return False
    files = _tweet_files(path) if path.is_dir() else [path]
    files = [f for f in files if f.suffix.lower() == ".csv"]
    return bool(files) and _SIGNATURE <= _header(files[0])


def _find_authors(files: list[Path], given: str | Path | None) -> Path | None:
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise DataFormatError(f"{path}: authors table not found")
        return path
    for start in {f.parent for f in files}:
        for folder in (start, *start.parents[:3]):
            candidate = folder / "authors.csv"
            if candidate.is_file():
                return candidate
    return None


def read_fivethirtyeight(paths: str | Path | list, *, authors: str | Path | None = None,
                         now: pd.Timestamp | None = None, progress: bool = False) -> Dataset:
    """Load IRA troll tweets (FiveThirtyEight release or its per-author split).

    Parameters
    ----------
    paths : str, Path or list
        A tweet CSV, a folder searched recursively for CSVs (``authors.csv`` and files
        starting with ``authors_``/``derived_`` are skipped), or a list of these.
    authors : str or Path, optional
        The label table (``author_id, author, external_author_id, account_type,
        account_category, ...``). By default an ``authors.csv`` beside the files or up to
        three folders above them is used when present, and joined on ``author_id``.
    now : Timestamp, optional
        Reference time for the "in the future" check.
    progress : bool
        Show a progress bar while reading many files.

    Returns
    -------
    Dataset
        Accounts carry ``account_category`` and ``account_type`` (from the tweets or the
        label table), ``created_at`` from snowflake ids; actions carry ``text``, hashtags
        and URLs extracted from the text, and the extra columns ``region, followers,
        following, updates, post_type, retweet``. Retweets (``post_type`` ``R`` or
        ``RETWEET``) are ``repost`` actions with a text-derived ``object_id`` (see the
        module notes); quotes are ``quote`` actions without an object.

    Raises
    ------
    DataFormatError
        If no file is found, a file is unreadable, or a file lacks ``content`` /
        ``publish_date`` or an author column.

    Examples
    --------
    >>> data = read_fivethirtyeight("tests/data/fivethirtyeight")  # doctest: +SKIP
    """
    roots = _tweet_files_of(paths)
    files = list(roots)
    report = LoadReport(format="fivethirtyeight")
    frames, row_numbers, row_files, unparsed = [], [], [], []
    for path in tqdm(files, desc="reading tweet files", unit="file", disable=not progress):
        got = read_rows(path, report, display=_display(path, files), root=roots[path])
        frame = got.frame
        missing = sorted(_SIGNATURE - set(frame.columns))
        if not ({_AUTHOR_ID, _AUTHOR, _EXTERNAL_ID} & set(frame.columns)):
            missing.append("author_id or author")
        if missing:
            raise DataFormatError(
                f"{_display(path, files)}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (found: {', '.join(frame.columns) or '(none)'}; "
                "expected an IRA tweet file with author, content, publish_date)")
        frames.append(frame)
        row_numbers.append(got.rows)
        row_files.append(np.full(len(frame), _display(path, files), dtype=object))
        unparsed.append(got.broken.assign(_file=_display(path, files)))
    tweets = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    label_path = _find_authors(files, authors)
    display = files_label(files, "tweet files")
    tweets = tweets.reset_index(drop=True)
    rows, sources = np.concatenate(row_numbers), np.concatenate(row_files)
    ids, reasons, columns = _account_ids(tweets)
    if _AUTHOR in tweets.columns:  # a row without its author is rejected, alone
        blank = (tweets[_AUTHOR].astype("string").fillna("").str.strip() == "") \
            & reasons.isna()
        reasons[blank], columns[blank] = "missing required value in author", _AUTHOR
    bad = reasons.notna().to_numpy()
    if bad.any():
        unparsed.append(_rejected_rows(tweets[bad], rows[bad], sources[bad], reasons[bad],
                                       columns[bad]))
        tweets, ids = tweets[~bad].reset_index(drop=True), ids[~bad].reset_index(drop=True)
        rows, sources = rows[~bad], sources[~bad]
    report.add_file("actions", display, len(tweets))
    tweets[ACCOUNT_ID] = ids
    labels = _read_labels(label_path, report) if label_path is not None else None
    actions = _actions(tweets)
    actions[OBJECT_ID], attributed, originals = _objects_at_originals(actions)
    accounts = _accounts(tweets, labels)
    report.add_file("accounts", f"{display} (accounts derived from authors)", len(accounts))
    report.notes.append("retweet objects are approximated by normalised text (no tweet ids "
                        "of originals in these files); publish_date read as UTC")
    if attributed:
        report.notes.append(
            f"{attributed:,} retweets point at one of {originals:,} original posts in these "
            "files: the only original with their normalised text, posted no later than the "
            "first retweet of it (retweets of other texts keep a text id)")
    if label_path is not None:
        labelled = accounts[ACCOUNT_CATEGORY].notna().sum()
        report.notes.append(f"labels joined from {label_path.name}: {labelled:,} of "
                            f"{len(accounts):,} accounts have an account_category")
    return validate_tables(
        {"accounts": accounts, "actions": actions, "follows": None},
        files={"accounts": report.files["accounts"]["file"], "actions": display},
        source=str(paths if not isinstance(paths, list) else files[0].parent),
        report=report, now=now,
        row_numbers={"actions": rows},
        row_files={"actions": sources} if len(files) > 1 else None,
        unparsed={"actions": pd.concat(unparsed, ignore_index=True)})


def _rejected_rows(tweets: pd.DataFrame, rows: np.ndarray, sources: np.ndarray,
                   reasons: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """Rows rejected before validation: ``_file, _row, _reason, _column`` and their cells."""
    cells = tweets.rename(columns={c: f"{c} (input)" for c in tweets.columns
                                   if c in ("_file", "_row", "_reason", "_raw", "_column")})
    meta = pd.DataFrame({"_file": sources, "_row": rows,
                         "_reason": np.asarray(reasons, dtype=object),
                         "_column": np.asarray(columns, dtype=object)}, index=tweets.index)
    return pd.concat([meta, cells], axis=1).reset_index(drop=True)


def _tweet_files_of(paths: str | Path | list) -> dict[Path, Path | None]:
    """The tweet files, each with the folder it was found in (None: named by the caller)."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: dict[Path, Path | None] = {}
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = _tweet_files(path)
            if not found:
                raise DataFormatError(f"{path}: no tweet CSV files found in the folder")
            for file in found:
                files.setdefault(file, path)
        else:
            for file in gather_files(path, ("*.csv",), what="tweet CSV"):
                files.setdefault(file, None)
    return files


def _display(path: Path, files: list[Path]) -> str:
    if len(files) == 1:
        return path.name
    return f"{path.parent.name}/{path.name}"


def _account_ids(tweets: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``author_id`` (split), else the exact ``alt_external_id``, else ``external_author_id``
    (rounded for large ids in the original release), else ``author:<handle>``.

    Returns the ids and, per row, why its id is unusable and in which column (``None``
    when it is fine): a number in scientific notation too large for a user id
    (``9.99E+999``).
    """
    reasons = pd.Series(None, index=tweets.index, dtype=object)
    columns = pd.Series(None, index=tweets.index, dtype=object)
    if _AUTHOR_ID in tweets.columns:
        ids = tweets[_AUTHOR_ID].astype("string").str.strip().astype(object)
        return ids.where(ids.notna(), None), reasons, columns
    handle = (tweets[_AUTHOR].astype("string").fillna("").str.strip()
              if _AUTHOR in tweets.columns else None)
    out = pd.Series(None, index=tweets.index, dtype=object)
    for col in (_ALT_ID, _EXTERNAL_ID):
        if col in tweets.columns:
            ids = _clean_numeric_id(tweets[col])
            usable = ids.notna() & (ids.astype("string").str.strip() != "").fillna(False) \
                & out.isna()
            out[usable] = ids[usable]
            given = tweets[col].astype("string").fillna("").str.strip()
            unusable = ids.isna() & (given != "") & out.isna() & reasons.isna()
            reasons[unusable] = (f"{col} " + given[unusable].map(repr) + " is not a user id "
                                 "(a number in scientific notation beyond 20 digits)")
            columns[unusable] = col
    if handle is not None:
        out = out.where(out.notna(), "author:" + handle)
    return out.astype(object), reasons, columns


#: A spreadsheet-rounded id: ``9.06E+17`` (mantissa with a point, exponent 10 to 20).
_ROUNDED_ID = r"[1-9]\.\d+[eE]\+?(?:1\d|20)"


def _clean_numeric_id(values: pd.Series) -> pd.Series:
    """Numeric ids as digit strings, never through a float.

    A spreadsheet-rounded id (``9.06E+17``) becomes its exact digits
    (``906000000000000000``) and ``123.0`` becomes ``123``; other text is kept as written
    (``0012`` and ``1e5`` stay). Scientific notation with a point but an exponent beyond
    20 (``9.99E+999``) is not an id: ``None``. Blank cells are ``None``.
    """
    text = values.astype("string").str.strip()
    out = text.astype(object).where(text.notna() & (text != ""), None)
    rounded = text.str.fullmatch(_ROUNDED_ID).fillna(False).astype(bool)
    point_zero = text.str.fullmatch(r"\d+\.0+").fillna(False).astype(bool)
    too_big = text.str.fullmatch(r"[1-9]\.\d+[eE]\+?0*(?:2[1-9]|[3-9]\d|[1-9]\d{2,})") \
        .fillna(False).astype(bool)
    if rounded.any():
        out[rounded] = [str(int(Decimal(v))) for v in text[rounded]]
    if point_zero.any():
        out[point_zero] = text[point_zero].str.replace(r"\.0+$", "", regex=True)
    out[too_big] = None
    return pd.Series(out, index=values.index).astype(object)


def _read_labels(path: Path, report: LoadReport) -> pd.DataFrame:
    labels = read_table(path, report)
    if _AUTHOR_ID not in labels.columns:
        raise DataFormatError(f"{path.name}: missing column author_id (found: "
                              f"{', '.join(labels.columns)}); cannot join labels")
    labels = labels.drop_duplicates(_AUTHOR_ID)
    return labels.set_index(labels[_AUTHOR_ID].astype(str).str.strip())


def _kinds(tweets: pd.DataFrame) -> pd.Series:
    post_type = (tweets[_POST_TYPE].astype(str).str.strip().str.upper()
                 if _POST_TYPE in tweets.columns else pd.Series("", index=tweets.index))
    retweet = (tweets[_RETWEET].astype(str).str.strip() == "1"
               if _RETWEET in tweets.columns else pd.Series(False, index=tweets.index))
    kind = pd.Series("post", index=tweets.index, dtype=object)
    kind[post_type.isin(["R", "RETWEET"]) | (retweet & (post_type == ""))] = "repost"
    kind[post_type.isin(["Q", "QUOTE_TWEET", "QUOTE"])] = "quote"
    return kind


def _timestamps(values: pd.Series) -> pd.Series:
    """``publish_date`` in either layout as text the validator parses (US dates -> ISO)."""
    text = values.astype("string").str.strip()
    us = text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}").fillna(False).astype(bool)
    if not us.any():
        return values
    parsed = pd.to_datetime(text[us], format="%m/%d/%Y %H:%M", errors="coerce")
    out = text.astype(object)
    out[us] = parsed.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(parsed.notna(), text[us])
    return out


def _actions(tweets: pd.DataFrame) -> pd.DataFrame:
    kind = _kinds(tweets)
    text = tweets[_CONTENT]
    if _TWEET_ID in tweets.columns:
        given = _clean_numeric_id(tweets[_TWEET_ID])
    else:
        given = pd.Series(None, index=tweets.index, dtype=object)
    row_in_account = tweets.groupby(ACCOUNT_ID, sort=False).cumcount() + 1
    fallback = tweets[ACCOUNT_ID].astype(str) + ":" + row_in_account.astype(str)
    action_id = given.where(given.notna() & (given.astype(str) != ""), fallback)
    object_id = pd.Series(None, index=tweets.index, dtype=object)
    reposts = kind == "repost"
    if reposts.any():
        object_id[reposts] = text_object_ids(text[reposts])
    actions = pd.DataFrame({
        ACTION_ID: action_id.astype(object),
        ACCOUNT_ID: tweets[ACCOUNT_ID],
        TIMESTAMP: _timestamps(tweets[_PUBLISH]),
        KIND: kind,
        PLATFORM: "x",
        OBJECT_ID: object_id,
        TEXT: text,
        URLS: extract_urls(text),
        HASHTAGS: extract_hashtags(text),
    })
    if "language" in tweets.columns:
        actions[LANGUAGE] = tweets["language"]
    for col in _ACTION_EXTRAS:
        if col in tweets.columns:
            actions[col] = tweets[col]
    return actions


def _objects_at_originals(actions: pd.DataFrame) -> tuple[pd.Series, int, int]:
    """Retweet objects renamed to the original post they copy, where the files hold it.

    A retweet's text id becomes the ``action_id`` of the one ``post`` whose normalised text
    gives the same id, when there is exactly one such post and it is not later than the
    earliest retweet of that text (minute timestamps: the same minute counts as not later).
    Every retweet of a text is renamed or none is, so the retweets grouped on an object
    stay the same. Rows whose time does not parse (rejected later) do not decide anything.

    Returns
    -------
    (Series, int, int)
        The object ids, the number of retweets renamed, the number of originals they point at.
    """
    objects = actions[OBJECT_ID]
    kind = actions[KIND].to_numpy()
    reposts = (kind == "repost") & objects.notna().to_numpy()
    posts = kind == "post"
    if not reposts.any() or not posts.any():
        return objects, 0, 0
    times = parse_timestamps(actions[TIMESTAMP])
    originals = pd.DataFrame({"text_id": text_object_ids(actions.loc[posts, TEXT]).to_numpy(),
                              "action_id": actions.loc[posts, ACTION_ID].to_numpy(),
                              "time": times[posts].to_numpy()}).dropna(subset=["text_id"])
    held = originals.groupby("text_id")["action_id"].transform("size")
    originals = originals[held.to_numpy() == 1].set_index("text_id")
    retweeted = pd.DataFrame({"text_id": objects[reposts].to_numpy(),
                              "time": times[reposts].to_numpy()})
    first = retweeted.groupby("text_id")["time"].min()
    originals = originals.join(first.rename("first"), how="inner")
    # NaT compares False: an original without a time, or a text whose retweets have none,
    # is not attributed
    keep = (originals["time"] <= originals["first"]).to_numpy()
    renamed = originals["action_id"][keep]
    if not len(renamed):
        return objects, 0, 0
    out = objects.astype(object).copy()
    new = objects[reposts].map(renamed)
    hit = new.notna()
    out.loc[new.index[hit]] = new[hit].to_numpy()
    return out, int(hit.sum()), len(renamed)


def _accounts(tweets: pd.DataFrame, labels: pd.DataFrame | None) -> pd.DataFrame:
    by_account = tweets.groupby(ACCOUNT_ID, sort=False)
    first = by_account.head(1).set_index(ACCOUNT_ID)
    last = by_account.tail(1).set_index(ACCOUNT_ID)
    ids = first.index
    accounts = pd.DataFrame({ACCOUNT_ID: ids.to_numpy()}, index=ids)
    accounts[PLATFORM] = "x"
    if _AUTHOR in first.columns:
        accounts[HANDLE] = first[_AUTHOR]
    else:
        accounts[HANDLE] = accounts[ACCOUNT_ID]
    for label in _AUTHOR_LABELS:
        if label in first.columns and label != _AUTHOR:
            accounts[label] = first[label]
    if labels is not None:
        joined = labels.reindex(ids)
        for label in _AUTHOR_LABELS:
            if label not in joined.columns:
                continue
            if label == _AUTHOR:
                accounts[HANDLE] = joined[label].where(joined[label].notna()
                                                       & (joined[label] != ""),
                                                       accounts[HANDLE])
            else:
                accounts[label] = joined[label]
    if "followers" in last.columns:
        accounts[FOLLOWERS_COUNT] = last["followers"]
    if "region" in tweets.columns:
        accounts[LOCATION] = _mode_by(tweets, "region")
    if "language" in tweets.columns:
        accounts[LANGUAGE] = _mode_by(tweets, "language")
    accounts[CREATED_AT] = _creation_times(accounts)
    for col in (ACCOUNT_CATEGORY, ACCOUNT_TYPE):
        if col not in accounts.columns:
            accounts[col] = None
        else:
            accounts[col] = accounts[col].where(accounts[col].astype("string").str.strip()
                                                != "", None)
    return accounts.reset_index(drop=True)


def _mode_by(tweets: pd.DataFrame, column: str) -> pd.Series:
    values = tweets[[ACCOUNT_ID, column]]
    values = values[values[column].astype(str).str.strip() != ""]
    counts = values.groupby([ACCOUNT_ID, column], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values("n", ascending=False, kind="stable")
    return counts.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[column]


def _creation_times(accounts: pd.DataFrame) -> pd.Series:
    """Creation time from the exact congress id, else from a non-rounded external id."""
    out = pd.Series(pd.NaT, index=accounts.index, dtype="datetime64[ns, UTC]")
    for col in (_CONGRESS_ID, _ALT_ID, _EXTERNAL_ID):
        if col in accounts.columns:
            times = snowflake_time(_clean_numeric_id(accounts[col]))
            out = out.fillna(times)
    return out
