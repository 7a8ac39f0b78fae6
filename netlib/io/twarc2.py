"""Reader for twarc2 / X API v2 JSON lines.

Two shapes are accepted, even mixed in one file:

* a *page* per line, as ``twarc2 search`` writes it: ``{"data": [tweet, ...],
  "includes": {"users": [...], "tweets": [...]}, "meta": {...}}``;
* a *flattened* tweet per line, as ``twarc2 flatten`` writes it: one tweet object with
  its ``author`` embedded (and ``author_id``).

A plain JSON array of tweets (or a single page object) in a ``.json`` file also works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import add_unparsed, files_label, gather_files
from netlib.io._files import sha256_file
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
    MEDIA_HASHES,
    OBJECT_ID,
    PLATFORM,
    TEXT,
    TIMESTAMP,
    URL,
    URLS,
)

__all__ = ["read_twarc2", "looks_like_twarc2"]

#: referenced_tweets type -> action kind, in order of precedence
_REFERENCE_KINDS = (("retweeted", "repost"), ("quoted", "quote"), ("replied_to", "reply"))


def looks_like_twarc2(path: Path) -> bool:
    """True for a ``.jsonl``/``.json`` file (or folder of them) whose first record is v2 data."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".jsonl", ".json"))
        return bool(files) and looks_like_twarc2(files[0])
    if not path.is_file() or path.suffix.lower() not in (".jsonl", ".json", ".ndjson"):
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(65536).lstrip()
    if head.startswith("[") or not head:
        return '"author_id"' in head
    first = head.splitlines()[0]
    try:
        record = json.loads(first)
    except ValueError:
        return '"author_id"' in head[:4096] or '"data"' in head[:4096]
    if not isinstance(record, dict):
        return False
    return "data" in record and ("includes" in record or "meta" in record) \
        or ("author_id" in record and "id" in record)


def read_twarc2(paths: str | Path | list, *, now: pd.Timestamp | None = None) -> Dataset:
    """Load tweets collected with twarc2 (X API v2) as a Dataset.

    A tweet's kind comes from ``referenced_tweets``: ``retweeted`` -> ``repost``,
    ``quoted`` -> ``quote``, ``replied_to`` -> ``reply`` (in that precedence), and its
    ``object_id`` is the referenced tweet's id; other tweets are ``post``. Hashtags, URLs
    (expanded when available) and media keys come from ``entities``/``attachments``.
    Accounts come from ``includes.users`` (pages) or the embedded ``author`` (flattened
    tweets); an author seen only as ``author_id`` gets an account with ``handle =
    author_id``. Tweets in ``includes.tweets`` (the referenced originals) are not
    actions of the collection and are not loaded; their count is noted.

    Parameters
    ----------
    paths : str, Path or list
        A ``.jsonl``/``.json`` file, a folder of them, or a list.
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions carry ``conversation_id, lang, in_reply_to_user_id, retweet_count,
        like_count`` besides the interchange columns; accounts carry ``verified`` and
        ``following_count`` when present. A line that is not valid JSON, or a tweet
        without an id, is counted as a rejected action row.

    Raises
    ------
    DataFormatError
        If no file is found or no line of any file is a tweet or a page of tweets.

    Examples
    --------
    >>> data = read_twarc2("tests/data/twarc2/search.jsonl")  # doctest: +SKIP
    """
    files = gather_files(paths, ("*.jsonl", "*.json", "*.ndjson"), what="JSON lines")
    report = LoadReport(format="twarc2")
    tweets: list[dict] = []
    users: dict[str, dict] = {}
    bad: list[dict] = []
    n_included = 0
    for path in files:
        name = path.name if len(files) == 1 else f"{path.parent.name}/{path.name}"
        if path.stat().st_size == 0:
            raise DataFormatError(f"{name}: file is empty (expected JSON lines)")
        for line_no, record, error in _records(path):
            if error is not None:
                bad.append({"_file": name, "_row": line_no, "_reason": error})
                continue
            page_tweets, page_users, included = _unpack(record)
            n_included += included
            for user in page_users:
                if isinstance(user, dict) and user.get("id") is not None:
                    users.setdefault(str(user["id"]), user)
            for tweet in page_tweets:
                if not isinstance(tweet, dict) or tweet.get("id") is None:
                    bad.append({"_file": name, "_row": line_no,
                                "_reason": "record is not a tweet (no id)"})
                    continue
                author = tweet.get("author")
                if isinstance(author, dict) and author.get("id") is not None:
                    users.setdefault(str(author["id"]), author)
                tweets.append({"_file": name, "_row": line_no, **_tweet_row(tweet)})
    if not tweets and not bad:
        raise DataFormatError(f"{', '.join(p.name for p in files)}: no tweets found (expected "
                              "twarc2 pages with 'data' or flattened tweets with 'author_id')")
    actions = pd.DataFrame(tweets)
    if actions.empty:
        actions = pd.DataFrame(columns=["_file", "_row", ACTION_ID, ACCOUNT_ID, TIMESTAMP,
                                        KIND])
    display = files_label(files, "JSON files")
    report.add_file("actions", display, len(actions),
                    sha256=sha256_file(files[0]) if len(files) == 1 else None)
    accounts = _accounts(users, actions)
    report.add_file("accounts", f"{display} (users)", len(accounts))
    if n_included:
        report.notes.append(f"{n_included:,} referenced tweets in includes.tweets were not "
                            "loaded as actions (they are objects, not collected actions)")
    row_numbers = actions.pop("_row").to_numpy()
    row_files = actions.pop("_file").to_numpy()
    data = validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": display},
                           source=str(paths if not isinstance(paths, list) else files[0]),
                           report=report, now=now, row_numbers={"actions": row_numbers},
                           row_files={"actions": row_files} if len(files) > 1 else None)
    if bad:
        add_unparsed(data.report, "actions", pd.DataFrame(bad))
    return data


def _records(path: Path):
    """Yield ``(line_number, record, error)`` for each JSON line (or array element)."""
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.read(1)
        while first and first.isspace():
            first = handle.read(1)
        handle.seek(0)
        if first == "[":  # a JSON array of tweets; if it does not parse, read it as lines
            try:
                items = json.load(handle)
            except (ValueError, RecursionError):
                items = None
                handle.seek(0)
            if isinstance(items, list):
                for i, item in enumerate(items, start=1):
                    yield i, item, None
                return
            handle.seek(0)
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line), None
            except ValueError as err:
                yield line_no, None, f"line is not valid JSON ({err.__class__.__name__}: " \
                                     f"{str(err)[:80]})"
            except RecursionError:
                yield line_no, None, "line is JSON nested too deeply to read (more levels " \
                                     "than Python's recursion limit); line not used"


def _unpack(record: Any) -> tuple[list, list, int]:
    """(tweets, users, number of included referenced tweets) of one record."""
    if isinstance(record, dict) and "data" in record:
        data = record["data"]
        tweets = data if isinstance(data, list) else [data]
        includes = record.get("includes") or {}
        return tweets, list(includes.get("users") or []), len(includes.get("tweets") or [])
    return [record], [], 0


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _tweet_row(tweet: dict) -> dict:
    refs = {str(r.get("type")): str(r.get("id")) for r in _list(tweet.get("referenced_tweets"))
            if isinstance(r, dict) and r.get("id") is not None}
    kind, object_id = "post", None
    for ref_type, ref_kind in _REFERENCE_KINDS:
        if ref_type in refs:
            kind, object_id = ref_kind, refs[ref_type]
            break
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    tags = [_text(t.get("tag")) for t in _list(entities.get("hashtags")) if isinstance(t, dict)]
    urls = [_text(u.get("unwound_url") or u.get("expanded_url") or u.get("url"))
            for u in _list(entities.get("urls")) if isinstance(u, dict)]
    media = _list(_get(tweet, "attachments", "media_keys"))
    author_id = tweet.get("author_id") or _get(tweet, "author", "id")
    return {
        ACTION_ID: str(tweet["id"]),
        ACCOUNT_ID: _text(author_id),
        TIMESTAMP: _text(tweet.get("created_at")),
        KIND: kind,
        PLATFORM: "x",
        OBJECT_ID: object_id,
        TEXT: _text(tweet.get("text")),
        URLS: " ".join(u for u in urls if u) or None,
        HASHTAGS: " ".join(t for t in tags if t) or None,
        MEDIA_HASHES: " ".join(str(m) for m in media) or None,
        "conversation_id": _text(tweet.get("conversation_id")),
        "lang": _text(tweet.get("lang")),
        "in_reply_to_user_id": _text(tweet.get("in_reply_to_user_id")),
        "quoted_id": refs.get("quoted"),
        "replied_to_id": refs.get("replied_to"),
        "retweet_count": _get(tweet, "public_metrics", "retweet_count"),
        "like_count": _get(tweet, "public_metrics", "like_count"),
    }


def _accounts(users: dict[str, dict], actions: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for user_id, user in users.items():
        rows.append({
            ACCOUNT_ID: user_id,
            PLATFORM: "x",
            HANDLE: _text(user.get("username")) or user_id,
            DISPLAY_NAME: _text(user.get("name")),
            CREATED_AT: _text(user.get("created_at")),
            BIO: _text(user.get("description")),
            URL: _text(user.get("url")) or None,
            FOLLOWERS_COUNT: _get(user, "public_metrics", "followers_count"),
            LOCATION: _text(user.get("location")),
            LANGUAGE: _text(user.get("lang")),
            "following_count": _get(user, "public_metrics", "following_count"),
            "verified": user.get("verified"),
        })
    seen = set(users)
    if ACCOUNT_ID in actions.columns:
        for author_id in actions[ACCOUNT_ID].dropna().unique():
            if author_id not in seen:
                rows.append({ACCOUNT_ID: author_id, PLATFORM: "x", HANDLE: author_id})
                seen.add(author_id)
    columns = [ACCOUNT_ID, PLATFORM, HANDLE]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)
    return frame.replace({np.nan: None}) if not frame.empty else frame
