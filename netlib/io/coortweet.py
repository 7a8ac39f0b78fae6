"""Reader for CooRTweet's share table (``object_id, account_id, content_id, timestamp_share``).

CooRTweet (Righetti & Balluff) takes one row per share: ``account_id`` shared the object
``object_id`` (a retweeted tweet, a URL, a hashtag...) in the post ``content_id`` at
``timestamp_share`` (POSIX seconds). The table may be a CSV, a Parquet file, an R data
file (``.rda``/``.RData``/``.rds``, read with pyreadr) or a DataFrame already in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._files import read_rows, sha256_file
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    DOMAINS,
    HANDLE,
    HASHTAGS,
    KIND,
    MEDIA_HASHES,
    OBJECT_ID,
    PLATFORM,
    TIMESTAMP,
    URLS,
)

__all__ = ["read_coortweet", "looks_like_coortweet", "COORTWEET_COLUMNS", "CONTENT_ID",
           "MULTIMODAL_COLUMNS", "DOMAINS"]

#: CooRTweet's own name for the id of the sharing post; kept as an extra action column.
CONTENT_ID = "content_id"
TIMESTAMP_SHARE = "timestamp_share"
COORTWEET_COLUMNS = (OBJECT_ID, ACCOUNT_ID, CONTENT_ID, TIMESTAMP_SHARE)
_R_SUFFIXES = (".rda", ".rdata", ".rds")
#: CooRTweet's multi-modal layout (its ``german_elections`` example): one row per post and
#: behaviour, each behaviour an anonymised id column.
POST_ID = "post_id"
MULTIMODAL_BEHAVIOURS = {"url_id": URLS, "hashtag_id": HASHTAGS, "domain_id": "domains",
                         "phash_id": MEDIA_HASHES}
MULTIMODAL_COLUMNS = (ACCOUNT_ID, POST_ID, TIMESTAMP)
#: Extra action column holding the multi-modal layout's domains (no trace reads it).
#: Account-id prefixes of the multi-modal layout and the platform they stand for.
_PLATFORM_PREFIXES = {"fb_": "facebook", "tw_": "x", "ig_": "instagram", "tg_": "telegram"}


def _is_multimodal(names: set) -> bool:
    return set(MULTIMODAL_COLUMNS) <= names and bool(set(MULTIMODAL_BEHAVIOURS) & names)


def looks_like_coortweet(path: Path) -> bool:
    """True for an R data file, or a CSV/Parquet file whose header has CooRTweet's columns."""
    path = Path(path)
    if not path.is_file():
        return False
    if path.suffix.lower() in _R_SUFFIXES:
        return True
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq

            names = set(pq.read_schema(path).names)
        except Exception:  # noqa: BLE001 - not a parquet file we can read: not ours
            return False
        return set(COORTWEET_COLUMNS) <= names or _is_multimodal(names)
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
        sep = "\t" if "\t" in header else ","
        names = {c.strip().strip('"') for c in header.strip().split(sep)}
        return set(COORTWEET_COLUMNS) <= names or _is_multimodal(names)
    return False


def _read_r(path: Path, object_name: str | None) -> pd.DataFrame:
    import pyreadr

    try:
        result = pyreadr.read_r(str(path))
    except Exception as err:  # pyreadr raises its own LibrdataError and others
        raise DataFormatError(f"{path.name}: not a readable R data file ({err})") from err
    if not result:
        raise DataFormatError(f"{path.name}: the R file holds no data frame")
    if object_name is not None:
        if object_name not in result:
            raise DataFormatError(f"{path.name}: no R object named {object_name!r} "
                                  f"(found: {', '.join(map(str, result))})")
        return result[object_name]
    for frame in result.values():  # the first object with CooRTweet's columns
        if set(COORTWEET_COLUMNS) <= set(frame.columns):
            return frame
    for frame in result.values():
        if _is_multimodal(set(frame.columns)):
            return frame
    return next(iter(result.values()))


def read_coortweet(path_or_frame: str | Path | pd.DataFrame, *, platform: str = "x",
                   object_name: str | None = None, now: pd.Timestamp | None = None,
                   kind: str = "repost", columns: dict[str, str] | None = None,
                   domains_in_urls: bool = False) -> Dataset:
    """Load a CooRTweet share table as a Dataset.

    Every row becomes one action: ``action_id = content_id``, ``kind = "repost"``,
    ``object_id = object_id``, ``timestamp = timestamp_share``. Accounts are made from
    the distinct ``account_id`` values (``handle = account_id``; platform from a
    ``platform`` column when the table has one, else ``platform``).

    CooRTweet keeps every row, including rows whose ``content_id`` repeats (the
    pro-government Russian data has 40 such ids). So that co-share counts stay the same,
    such rows are kept too: the second occurrence gets the action id ``content_id#2``
    (the third ``#3``, in file order) and a warning is recorded; the original id stays in
    the extra column ``content_id``.

    CooRTweet's multi-modal layout (its second example, ``german_elections``: columns
    ``account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp``, one row
    per post and behaviour) is recognised from its columns and read differently: one
    action per ``(account_id, post_id)`` of kind ``post``, whose ``urls`` are
    ``url_<url_id>`` (link trace), ``hashtags`` ``hashtag_<id>`` (hashtag trace),
    ``media_hashes`` ``phash_<id>`` (media trace, equal ids only: the ids are anonymised,
    not hex hashes) and the extra column ``domains`` ``domain_<id>`` (domain trace;
    ``domains_in_urls=True`` adds the domains to ``urls`` as well, so the link trace
    covers both). The platform comes from the account-id prefix (``fb_`` Facebook,
    ``tw_`` Twitter/X). The report counts posts read/kept/rejected; a note gives the number
    of table rows merged into them.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        ``.csv``/``.tsv``, ``.parquet``, ``.rda``/``.RData``/``.rds`` file, or a frame with
        columns ``object_id, account_id, content_id, timestamp_share`` (or the
        multi-modal columns above).
    platform : str
        Platform given to accounts when the table has no ``platform`` column.
    object_name : str, optional
        Name of the R object to use when an ``.rda`` file holds several.
    now : Timestamp, optional
        Reference time for the "in the future" check.
    kind : str
        Action kind given to every share (default ``"repost"``). A row without an
        ``object_id`` becomes a ``post`` with no object.
    columns : dict, optional
        Which columns of the table play CooRTweet's roles, e.g. ``{"object_id": "url_id",
        "content_id": "post_id", "timestamp_share": "timestamp"}`` for a multi-modal table
        such as CooRTweet's ``german_elections`` (without ``columns`` that layout is read
        as multi-modal, see above).
    domains_in_urls : bool
        Multi-modal layout only: put ``domain_<id>`` into ``urls`` as well.

    Returns
    -------
    Dataset
        Actions have the interchange columns plus ``content_id`` (and any other columns
        of the table); ``report.format == "coortweet"``.

    Raises
    ------
    DataFormatError
        If the file is missing or unreadable, or a CooRTweet column is absent.

    References
    ----------
    Righetti, N. & Balluff, P. (2023). CooRTweet: Coordinated Networks Detection on Social
    Media. R package, https://github.com/nicolarighetti/CooRTweet

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({"object_id": ["o1", "o1"], "account_id": ["a", "b"],
    ...                        "content_id": ["c1", "c2"],
    ...                        "timestamp_share": [1.6e9, 1.6e9 + 30]})
    >>> read_coortweet(shares, now=pd.Timestamp("2025-01-01", tz="UTC"))
    Dataset(2 accounts, 2 actions, 0 follows, source='memory')
    """
    report = LoadReport(format="coortweet")
    broken = None
    if isinstance(path_or_frame, pd.DataFrame):
        frame, name, source, digest = path_or_frame.copy(), "shares", "memory", None
    else:
        path = Path(path_or_frame)
        name, source = path.name, str(path)
        if not path.exists():
            raise DataFormatError(f"{path}: file not found")
        if path.suffix.lower() in _R_SUFFIXES:
            frame = _read_r(path, object_name)
        else:
            got = read_rows(path, report)  # broken records are counted as rejected
            frame, broken = got.frame, got.broken
        digest = sha256_file(path) if path.is_file() else None
    frame.columns = [str(c).strip() for c in frame.columns]
    if columns:
        absent = [c for c in columns.values() if c not in frame.columns]
        if absent:
            raise DataFormatError(f"{name}: columns= names {', '.join(absent)}, not in the "
                                  f"table (found: {', '.join(map(str, frame.columns))})")
        roles = set(columns)
        frame = frame.drop(columns=[c for c in COORTWEET_COLUMNS if c in roles
                                    and c in frame.columns and c not in columns.values()])
        frame = frame.rename(columns={v: k for k, v in columns.items()})
    missing = [c for c in COORTWEET_COLUMNS if c not in frame.columns]
    if missing and not columns and _is_multimodal(set(frame.columns)):
        return _read_multimodal(frame, name, source, digest, report, platform, now,
                                domains_in_urls, broken)
    if missing:
        raise DataFormatError(
            f"{name}: missing CooRTweet column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {', '.join(map(str, frame.columns)) or '(none)'};"
            f" expected: {', '.join(COORTWEET_COLUMNS)})")
    for col in (OBJECT_ID, ACCOUNT_ID, CONTENT_ID):
        frame[col] = _id_text(frame[col])
    report.add_file("actions", name, len(frame), sha256=digest)
    actions = _shares_to_actions(frame, kind, name, report)
    accounts = _accounts_from_shares(frame, platform)
    report.add_file("accounts", f"{name} (accounts derived from account_id)", len(accounts))
    n_posts = int(frame[OBJECT_ID].isna().sum())
    report.notes.append(f"{len(accounts):,} accounts derived from the distinct account_id "
                        f"values; every share is an action of kind {kind!r}"
                        + (f" ({n_posts:,} rows without an object_id are posts)"
                           if n_posts else ""))
    return validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": name},
                           source=source, report=report, now=now,
                           unparsed={"actions": broken} if broken is not None else None)


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as strings; integral floats lose their ``.0`` and missing values stay missing."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & np.isfinite(values) & (values == np.round(values))
        out = values.astype(object)
        out[whole] = values[whole].astype("int64").astype(str)
        out[~whole & values.notna()] = values[~whole & values.notna()].astype(str)
        return out.where(values.notna(), None)
    text = values.astype(object)
    return text.where(pd.notna(values), None).map(
        lambda v: None if v is None or not str(v).strip() else str(v)).astype(object)


def _shares_to_actions(frame: pd.DataFrame, kind: str, name: str,
                       report: LoadReport) -> pd.DataFrame:
    content = frame[CONTENT_ID]
    occurrence = content.groupby(content, sort=False, dropna=True).cumcount()
    repeated = content.notna() & (occurrence > 0)
    action_id = content.astype(object).copy()
    action_id[repeated] = (content[repeated].astype(str) + "#"
                           + (occurrence[repeated].astype("int64") + 1).astype(str))
    rows = np.flatnonzero(repeated.to_numpy()) + 1
    for row, cid, new in zip(rows, content[repeated], action_id[repeated], strict=True):
        report.warn(name, f"content_id repeats an earlier row; kept as action {new} "
                    "(CooRTweet keeps both shares)", row=int(row), column=CONTENT_ID,
                    value=cid)
    if repeated.any():
        report.notes.append(f"{int(repeated.sum()):,} rows repeat an earlier content_id; "
                            "kept with action ids suffixed '#2', '#3'...")
    report.files["actions"]["warnings"] = int(repeated.sum())
    kinds = pd.Series(kind, index=frame.index, dtype=object)
    kinds[frame[OBJECT_ID].isna()] = "post"
    actions = pd.DataFrame({
        ACTION_ID: action_id,
        ACCOUNT_ID: frame[ACCOUNT_ID],
        TIMESTAMP: frame[TIMESTAMP_SHARE],
        KIND: kinds,
        OBJECT_ID: frame[OBJECT_ID],
        CONTENT_ID: content,
    }, index=frame.index)
    if PLATFORM in frame.columns:
        actions[PLATFORM] = frame[PLATFORM]
    extra = [c for c in frame.columns if c not in actions.columns and c != TIMESTAMP_SHARE]
    for col in extra:
        actions[col] = frame[col]
    return actions.reset_index(drop=True)


def _accounts_from_shares(frame: pd.DataFrame, platform: Any) -> pd.DataFrame:
    ids = frame[ACCOUNT_ID].dropna()
    accounts = pd.DataFrame({ACCOUNT_ID: ids.drop_duplicates().to_numpy()})
    if PLATFORM in frame.columns:
        first = frame.dropna(subset=[ACCOUNT_ID]).drop_duplicates(ACCOUNT_ID)
        accounts[PLATFORM] = first[PLATFORM].astype(object).fillna(platform).to_numpy()
    else:
        accounts[PLATFORM] = platform
    accounts[HANDLE] = accounts[ACCOUNT_ID]
    return accounts


def _read_multimodal(frame: pd.DataFrame, name: str, source: str, digest: str | None,
                     report: LoadReport, platform: str, now: pd.Timestamp | None,
                     domains_in_urls: bool, broken: pd.DataFrame | None = None) -> Dataset:
    """CooRTweet's multi-modal table -> one action per post with every behaviour."""
    n_rows = len(frame)
    work = pd.DataFrame({ACCOUNT_ID: _id_text(frame[ACCOUNT_ID]),
                         ACTION_ID: _id_text(frame[POST_ID]),
                         TIMESTAMP: frame[TIMESTAMP].to_numpy(),
                         "_row": np.arange(1, n_rows + 1)})
    present = [c for c in MULTIMODAL_BEHAVIOURS if c in frame.columns]
    prefix = {c: c.removesuffix("_id") + "_" for c in present}
    for col in present:
        ids = _id_text(frame[col])
        work[col] = [None if pd.isna(v) else prefix[col] + str(v) for v in ids]
    # rows without a post id cannot be merged: each stays one action (rejected as missing)
    has_post = work[ACTION_ID].notna()
    keyed = work[has_post]
    grouped = keyed.groupby([ACCOUNT_ID, ACTION_ID], sort=False, dropna=False)
    first = grouped.agg(**{TIMESTAMP: (TIMESTAMP, "first"), "_row": ("_row", "first"),
                           "_times": (TIMESTAMP, "nunique")}).reset_index()
    for col in present:
        lists = keyed.dropna(subset=[col]).groupby([ACCOUNT_ID, ACTION_ID], sort=False)[col] \
            .agg(lambda v: " ".join(dict.fromkeys(v)))
        first = first.merge(lists.rename(MULTIMODAL_BEHAVIOURS[col]).reset_index(),
                            on=[ACCOUNT_ID, ACTION_ID], how="left")
    odd_times = first.pop("_times") > 1
    for row, post in first.loc[odd_times, ["_row", ACTION_ID]].itertuples(index=False):
        report.warn(name, "post_id has rows with different timestamps; the first is kept",
                    row=int(row), column=TIMESTAMP, value=post)
    loose = work[~has_post].drop(columns=present).assign(
        **{MULTIMODAL_BEHAVIOURS[c]: work.loc[~has_post, c] for c in present})
    actions = pd.concat([first, loose], ignore_index=True).sort_values("_row", kind="stable")
    for col in (URLS, HASHTAGS, MEDIA_HASHES, DOMAINS):
        if col not in actions.columns:
            actions[col] = None
    if domains_in_urls:
        actions[URLS] = [" ".join(p for p in (u, d) if isinstance(p, str)) or None
                         for u, d in zip(actions[URLS], actions[DOMAINS], strict=True)]
    actions[KIND] = "post"
    actions[OBJECT_ID] = None
    actions[PLATFORM] = _platform_from_prefix(actions[ACCOUNT_ID], platform)
    actions = actions.reset_index(drop=True)
    report.add_file("actions", name, len(actions), sha256=digest)
    report.files["actions"]["warnings"] = int(odd_times.sum())
    accounts = (actions.dropna(subset=[ACCOUNT_ID]).drop_duplicates(ACCOUNT_ID)
                [[ACCOUNT_ID, PLATFORM]].reset_index(drop=True))
    accounts[HANDLE] = accounts[ACCOUNT_ID]
    report.add_file("accounts", f"{name} (accounts derived from account_id)", len(accounts))
    counts = {c: int(frame[c].notna().sum()) for c in present}
    by_platform = accounts[PLATFORM].value_counts().to_dict()
    report.notes.append(
        f"CooRTweet multi-modal layout: {n_rows:,} rows (one per post and behaviour) merged "
        f"into {len(actions):,} posts of {len(accounts):,} accounts ("
        + ", ".join(f"{v:,} {k}" for k, v in sorted(by_platform.items())) + "); behaviours "
        + ", ".join(f"{c} {n:,} rows" for c, n in counts.items())
        + "; url_id -> urls (link trace), hashtag_id -> hashtags, phash_id -> media_hashes "
        "(equal ids only), domain_id -> domains (domain trace)"
        + (" and urls" if domains_in_urls else ""))
    row_numbers = actions.pop("_row").to_numpy()
    return validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": name},
                           source=source, report=report, now=now,
                           row_numbers={"actions": row_numbers},
                           unparsed={"actions": broken} if broken is not None else None)


def _platform_from_prefix(ids: pd.Series, default: str) -> pd.Series:
    out = pd.Series(default, index=ids.index, dtype=object)
    text = ids.astype("string")
    for prefix, name in _PLATFORM_PREFIXES.items():
        out[text.str.startswith(prefix).fillna(False).astype(bool)] = name
    return out
