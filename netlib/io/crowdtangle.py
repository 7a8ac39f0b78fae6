"""Reader for CrowdTangle data (Facebook pages and groups, Instagram accounts).

Three shapes are read:

* **Dashboard CSV exports** (historical data / saved searches): ``Page Name, User Name,
  Facebook Id, Post Created, Message, Link, Final Link, URL, Likes, Shares...`` for
  Facebook, ``Account, User Name, Post Created, Description, Link, URL...`` for
  Instagram, or any subset holding ``Post Created``. ``Post Created`` is local time with
  a zone abbreviation that changes with daylight saving (``2023-11-05 22:56:36 EST``,
  ``... EDT``, ``CET``/``CEST``); the abbreviation is mapped to its UTC offset. Counts
  may be written with thousands separators (``1,234``). The file may start with a BOM
  and cells may hold newlines.
* **API posts** (``/posts``, ``/links``, ``/posts/search``) as JSON (a list of posts or
  the API's ``{"result": {"posts": [...]}}``, nested or flattened with dotted keys such as
  ``account.name``) or as a CSV flattened with underscores (``account_name``,
  ``statistics_actual_likeCount``).
* **CooRnet's ``ct_shares``** table (``id, is_orig, expanded, date, account.url,
  account.name, ..., account.platformId``; one row per post and shared link), the input
  of coordinated link-sharing detection.

Every post becomes an action of kind ``post`` by its page, group or Instagram account
(``account_id`` = the platform's id: ``Facebook Id``/``account.platformId``, else the page
id in the post URL, else CrowdTangle's account id). Links go into ``urls`` (expanded
links preferred over shortened ones) and the first link is the post's ``object_id``: a
link shared by many pages is the co-shared object (the ``link`` trace normalises it).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import extract_hashtags, extract_urls
from netlib.io._files import read_table, sha256_file
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    DISPLAY_NAME,
    FOLLOWERS_COUNT,
    HANDLE,
    HASHTAGS,
    KIND,
    OBJECT_ID,
    PLATFORM,
    TEXT,
    TIMESTAMP,
    URL,
    URLS,
)

__all__ = ["read_crowdtangle", "looks_like_crowdtangle", "ct_local_time_to_iso",
           "TZ_ABBREVIATIONS"]

#: Zone abbreviations CrowdTangle writes after ``Post Created``, as UTC offsets.
TZ_ABBREVIATIONS = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "WET": "+00:00", "WEST": "+01:00",
    "BST": "+01:00", "IST": "+05:30", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00",
    "EEST": "+03:00", "MSK": "+03:00", "PKT": "+05:00", "JST": "+09:00", "KST": "+09:00",
    "AEST": "+10:00", "AEDT": "+11:00", "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00",
    "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00",
    "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00", "BRT": "-03:00", "ART": "-03:00",
}
_LOCAL_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s+([A-Za-z]{1,5})\s*$")
_FB_POST = re.compile(r"facebook\.com/(?:groups/)?([^/?#]+)/(?:posts|permalink|videos|photos)"
                      r"/(?:[^/?#]+/)?(\d+)")
_IG_POST = re.compile(r"instagram\.com/(?:p|reel|tv)/([^/?#]+)")
_DASHBOARD = {"Post Created"}
_COORNET = {"id", "expanded", "date", "account.platformId"}
_API = {"platformId", "account.id"}
_TRUE = {"true", "1", "yes"}


def ct_local_time_to_iso(values: pd.Series) -> pd.Series:
    """``2023-11-05 22:56:36 EST`` -> ``2023-11-05T22:56:36-05:00`` (others unchanged).

    Values whose abbreviation is not in :data:`TZ_ABBREVIATIONS` are returned as they
    are, so that the timestamp parser rejects them with the value shown.

    Examples
    --------
    >>> ct_local_time_to_iso(pd.Series(["2023-10-27 12:10:13 EDT"])).tolist()
    ['2023-10-27T12:10:13-04:00']
    """
    def convert(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        found = _LOCAL_RE.match(value)
        if not found:
            return value
        date, clock, zone = found.groups()
        offset = TZ_ABBREVIATIONS.get(zone.upper())
        if offset is None:
            return value
        if clock.count(":") == 1:
            clock += ":00"
        return f"{date}T{clock.zfill(8)}{offset}"

    return values.map(convert)


def _number(values: pd.Series) -> pd.Series:
    """Counts written ``1,234`` / ``1.234`` / ``1 234`` / ``2.3x`` -> numbers (NaN if not)."""
    text = values.astype("string").str.strip()
    grouped = text.str.fullmatch(r"\d{1,3}(?:[,.\s\u00a0\u202f]\d{3})+").fillna(False)
    text = text.where(~grouped.astype(bool),
                      text.str.replace(r"[,.\s\u00a0\u202f]", "", regex=True))
    return pd.to_numeric(text.str.rstrip("x"), errors="coerce")


def _header(path: Path) -> set[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        line = handle.readline()
    sep = "\t" if "\t" in line and "," not in line else ","
    return {c.strip().strip('"') for c in line.strip().split(sep)}


def looks_like_crowdtangle(path: Path) -> bool:
    """True for a CrowdTangle dashboard CSV (``Post Created``), API posts (JSON or a CSV
    with ``platformId`` and account columns) or CooRnet's ``ct_shares`` CSV."""
    path = Path(path)
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        names = _header(path)
        dotted = {n.replace("account_", "account.", 1) for n in names}
        return bool(_DASHBOARD <= names or _COORNET <= names or _API <= dotted)
    if suffix == ".json":
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(8192)
        return '"platformId"' in head and ('"account"' in head or '"account.' in head
                                           or '"postUrl"' in head)
    return False


def read_crowdtangle(path: str | Path, *, now: pd.Timestamp | None = None) -> Dataset:
    """Load a CrowdTangle export (dashboard CSV, API JSON/CSV, or CooRnet ``ct_shares``).

    Parameters
    ----------
    path : str or Path
        One file.
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions (kind ``post``) carry ``post_url``, ``post_type`` and engagement counts
        where the file has them (``shares``, ``likes``, ``comments``,
        ``total_interactions``); accounts carry ``account_type`` (page, group,
        instagram) when known and ``followers_count`` from the subscriber count.

    Raises
    ------
    DataFormatError
        If the file is missing or empty, is a CrowdTangle file that holds no posts (a
        post-history export, a list of pages), or lacks the columns needed.

    Examples
    --------
    >>> data = read_crowdtangle("saved_search.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"{path}: file not found (expected a CrowdTangle export)")
    if path.stat().st_size == 0:
        raise DataFormatError(f"{path.name}: file is empty (expected a CrowdTangle export)")
    report = LoadReport(format="crowdtangle")
    name = path.name
    if path.suffix.lower() == ".json":
        frame, shape = _read_json(path), "api"
    else:
        frame = read_table(path, report)
        frame.columns = [str(c).strip() for c in frame.columns]
        shape = _shape(frame, name)
    if shape == "dashboard":
        posts = _from_dashboard(frame, name, report)
    else:
        frame = frame.rename(columns=lambda c: re.sub(r"^(account|statistics)_", r"\1.",
                                                      str(c)))
        frame = frame.rename(columns=lambda c: re.sub(r"^statistics\.(actual|expected)_",
                                                      r"statistics.\1.", str(c)))
        posts = _from_api(frame, name, report, coornet=(shape == "coornet"))
    posts = posts.reset_index(drop=True)
    if posts.empty:
        raise DataFormatError(f"{name}: the file has a header but no posts")
    report.add_file("actions", name, len(posts), sha256=sha256_file(path))
    accounts = _accounts(posts)
    report.add_file("accounts", f"{name} (pages, groups and accounts)", len(accounts))
    report.notes.append(f"CrowdTangle {shape} file: {len(posts):,} posts by "
                        f"{len(accounts):,} pages/groups/accounts; links in 'urls', the "
                        "first link is the post's object_id (the co-shared object)")
    rows = posts.pop("_row").to_numpy()
    posts = posts.drop(columns=[c for c in posts.columns if c.startswith("_acc_")])
    return validate_tables({"accounts": accounts, "actions": posts, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": name},
                           source=str(path), report=report, now=now,
                           row_numbers={"actions": rows})


def _shape(frame: pd.DataFrame, name: str) -> str:
    names = set(frame.columns)
    dotted = {re.sub(r"^account_", "account.", n) for n in names}
    if _DASHBOARD <= names:
        return "dashboard"
    if _COORNET <= names:
        return "coornet"
    if _API <= dotted:
        return "api"
    if "Score Date (GMT)" in names or "Timestep" in names:
        raise DataFormatError(f"{name}: a CrowdTangle post-history export (engagement of "
                              "one post over time), not a list of posts; export the posts "
                              "themselves (a saved search or historical data CSV)")
    if "Page Name" in names or "Account" in names:
        raise DataFormatError(f"{name}: no 'Post Created' column (found: "
                              f"{', '.join(frame.columns)}); this looks like a list of pages "
                              "or accounts, not of posts")
    raise DataFormatError(f"{name}: not a CrowdTangle export (found: "
                          f"{', '.join(map(str, frame.columns))}; expected 'Post Created' "
                          "(dashboard CSV), 'platformId' and account columns (API), or "
                          "CooRnet's id, expanded, date, account.platformId)")


def _read_json(path: Path) -> pd.DataFrame:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError as err:
        raise DataFormatError(f"{path.name}: not valid JSON ({err})") from err
    if isinstance(data, dict):
        result = data.get("result", data)
        posts = result.get("posts") if isinstance(result, dict) else None
        if posts is None and "platformId" in data:
            posts = [data]
    else:
        posts = data
    if not isinstance(posts, list) or not posts:
        raise DataFormatError(f"{path.name}: no CrowdTangle posts (expected a list of posts, "
                              "a post object, or the API's result.posts)")
    bad = [i for i, p in enumerate(posts, start=1) if not isinstance(p, dict)]
    if bad:
        raise DataFormatError(f"{path.name}: entry {bad[0]} of the posts is a "
                              f"{type(posts[bad[0] - 1]).__name__}, not a post object")
    links = [[link.get("expanded") or link.get("original")
              for link in p.get("expandedLinks") or [] if isinstance(link, dict)]
             for p in posts]
    frame = pd.json_normalize(posts, sep=".", max_level=3)
    frame["_expanded_links"] = [" ".join(x for x in ls if x) or None for ls in links]
    return frame


def _col(frame: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` that exists, as text with blanks and R's NA as missing."""
    for name in names:
        if name in frame.columns:
            text = frame[name].astype("string").str.strip()
            return text.mask(text.isin(["", "NA", "NaN", "nan", "None"])).astype(object) \
                .where(lambda s: s.notna(), None)
    return pd.Series(None, index=frame.index, dtype=object)


def _first(*series: pd.Series) -> pd.Series:
    out = series[0].copy()
    for other in series[1:]:
        out = out.where(out.notna(), other)
    return out


def _platform(values: pd.Series, default: str) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    return text.fillna(default).astype(object)


def _from_dashboard(frame: pd.DataFrame, name: str, report: LoadReport) -> pd.DataFrame:
    url = _col(frame, "URL")
    instagram = ("Account" in frame.columns and "Page Name" not in frame.columns) | \
        url.fillna("").str.contains("instagram.com", regex=False)
    fb = url.fillna("").str.extract(_FB_POST)
    ig = url.fillna("").str.extract(_IG_POST)[0]
    post_id = _first(_col(frame, "Post Id", "Facebook Post Id"),
                     (fb[0] + "_" + fb[1]).where(fb[1].notna(), None), ig, url)
    account = _first(_col(frame, "Facebook Id", "Page Id", "User Name", "Account Id"),
                     fb[0].where(fb[0].notna(), None))
    page_name = _col(frame, "Page Name", "Account")
    account = _first(account, page_name.map(lambda v: None if v is None else f"ct:{v}"))
    text = _first(_col(frame, "Message"), _col(frame, "Description"))
    links = _first(_col(frame, "Final Link"), _col(frame, "Link"))
    links = _first(links, extract_urls(text.fillna("")))
    created = _col(frame, "Post Created")
    iso = ct_local_time_to_iso(created)
    zones = created.dropna().str.extract(r"\s([A-Za-z]{1,5})\s*$")[0].dropna().unique()
    if len(zones):
        known = [z for z in zones if z.upper() in TZ_ABBREVIATIONS]
        report.notes.append(f"{name}: 'Post Created' zone abbreviations "
                            f"{', '.join(sorted(map(str, zones)))} converted to UTC offsets "
                            f"({', '.join(f'{z} {TZ_ABBREVIATIONS[z.upper()]}' for z in sorted(known))})")
    missing_id = post_id.isna()
    fallback = pd.Series([_row_hash(r) for r in frame.astype(str).itertuples(index=False)],
                         index=frame.index)
    post_id = post_id.where(~missing_id, fallback)
    out = pd.DataFrame({
        ACTION_ID: post_id,
        ACCOUNT_ID: account,
        TIMESTAMP: iso,
        KIND: "post",
        PLATFORM: np.where(instagram, "instagram", "facebook"),
        OBJECT_ID: links.map(lambda v: v.split()[0] if isinstance(v, str) and v.split() else None),
        TEXT: text,
        URLS: links,
        HASHTAGS: extract_hashtags(text.fillna("")),
        "post_url": url,
        "post_type": _col(frame, "Type"),
        "_row": np.arange(1, len(frame) + 1),
        "_acc_handle": _first(_col(frame, "User Name"), page_name, account),
        "_acc_name": page_name,
        "_acc_type": np.where(instagram, "instagram",
                              np.where(url.fillna("").str.contains("/groups/"), "group",
                                       "page")),
        "_acc_followers": _number(_first(_col(frame, "Followers at Posting"),
                                         _col(frame, "Likes at Posting"))),
        "_acc_url": None,
    })
    for source, target in (("Shares", "shares"), ("Likes", "likes"), ("Comments", "comments"),
                           ("Total Interactions", "total_interactions")):
        if source in frame.columns:
            out[target] = _number(frame[source])
    return out


def _row_hash(values: tuple) -> str:
    return "ct:" + hashlib.blake2b("\x00".join(values).encode(), digest_size=10).hexdigest()


def _from_api(frame: pd.DataFrame, name: str, report: LoadReport, *,
              coornet: bool) -> pd.DataFrame:
    text = _col(frame, "message")
    expanded = _first(_col(frame, "_expanded_links"), _col(frame, "expanded"),
                      _col(frame, "link"))
    platform = _platform(_first(_col(frame, "account.platform"), _col(frame, "platform")),
                         "facebook")
    timestamp = _col(frame, "date")
    if timestamp.isna().all() and "updated" in frame.columns:
        timestamp = _col(frame, "updated")
        report.notes.append(f"{name}: no post 'date' column; the time of the post's last "
                            "update ('updated') is used as its time")
    account_url = _col(frame, "account.url")
    out = pd.DataFrame({
        ACTION_ID: _first(_col(frame, "platformId"), _col(frame, "id")) if not coornet
        else _col(frame, "id"),
        ACCOUNT_ID: _first(_col(frame, "account.platformId"), _col(frame, "account.id")),
        TIMESTAMP: timestamp,
        KIND: "post",
        PLATFORM: platform,
        OBJECT_ID: expanded.map(lambda v: v.split()[0] if isinstance(v, str) and v.split() else None),
        TEXT: text,
        URLS: expanded,
        HASHTAGS: extract_hashtags(text.fillna("")),
        "post_url": _col(frame, "postUrl"),
        "post_type": _col(frame, "type"),
        "_row": np.arange(1, len(frame) + 1),
        "_acc_handle": _first(_col(frame, "account.handle"), _col(frame, "account.name"),
                              _first(_col(frame, "account.platformId"),
                                     _col(frame, "account.id"))),
        "_acc_name": _col(frame, "account.name"),
        "_acc_type": _first(_col(frame, "account.accountType"),
                            account_url.map(lambda u: None if u is None else
                                            ("facebook_group" if "/groups/" in u else None))),
        "_acc_followers": _number(_first(_col(frame, "account.subscriberCount"),
                                         _col(frame, "subscriberCount"))),
        "_acc_url": account_url,
    })
    if "is_orig" in frame.columns:
        out["is_orig"] = _col(frame, "is_orig").map(
            lambda v: None if v is None else str(v).lower() in _TRUE)
    for source, target in (("statistics.actual.shareCount", "shares"),
                           ("statistics.actual.likeCount", "likes"),
                           ("statistics.actual.commentCount", "comments")):
        if source in frame.columns:
            out[target] = _number(frame[source])
    if coornet:
        out = _merge_shares(out, name, report)
    return out


def _merge_shares(out: pd.DataFrame, name: str, report: LoadReport) -> pd.DataFrame:
    """CooRnet writes one row per post and link: merge them into one post with all links."""
    n_rows = len(out)
    has_id = out[ACTION_ID].notna()
    keyed = out[has_id]
    links = keyed.dropna(subset=[URLS]).groupby(ACTION_ID, sort=False)[URLS].agg(
        lambda v: " ".join(dict.fromkeys(" ".join(v).split())))
    first = keyed.drop_duplicates(ACTION_ID).set_index(ACTION_ID)
    first[URLS] = links.reindex(first.index)
    first[OBJECT_ID] = first[URLS].map(lambda v: v.split()[0] if isinstance(v, str) else None)
    merged = pd.concat([first.reset_index(), out[~has_id]], ignore_index=True)
    report.notes.append(f"{name}: CooRnet ct_shares has one row per post and shared link; "
                        f"{n_rows:,} rows merged into {len(merged):,} posts (each post's "
                        "links are in 'urls')")
    return merged


def _accounts(posts: pd.DataFrame) -> pd.DataFrame:
    first = posts.dropna(subset=[ACCOUNT_ID]).drop_duplicates(ACCOUNT_ID)
    handle = first["_acc_handle"].where(first["_acc_handle"].notna(), first[ACCOUNT_ID])
    return pd.DataFrame({
        ACCOUNT_ID: first[ACCOUNT_ID].to_numpy(),
        PLATFORM: first[PLATFORM].to_numpy(),
        HANDLE: handle.to_numpy(),
        DISPLAY_NAME: first["_acc_name"].to_numpy(),
        URL: first["_acc_url"].to_numpy(),
        FOLLOWERS_COUNT: first["_acc_followers"].to_numpy(),
        "account_type": first["_acc_type"].to_numpy(),
    })

