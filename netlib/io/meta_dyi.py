"""Reader for Facebook and Instagram "Download Your Information" (DYI) JSON exports.

A DYI export is one person's data: a folder of JSON files (or any of them alone). Each
file is recognised by its shape:

=============================================  ===========================================
file (shape)                                   becomes
=============================================  ===========================================
``your_posts_*.json`` (list of ``{timestamp,   actions of kind ``post`` by the owner; text
title, data[{post}], attachments}``)           from ``data[].post``, links from
                                               ``attachments[].data[].external_context``
``comments.json`` (``{"comments_v2": [...]}``)  actions of kind ``reply`` by the comment's
                                               ``author`` (else the owner)
``followers_*.json`` (list of ``{title,        follows follower -> owner (Instagram; the
string_list_data[{value, href, timestamp}]}``  username is ``value``)
``following.json`` (``{"relationships_         follows owner -> account (newer Instagram
following": [{title, string_list_data}]}``)    layout: the username is ``title``)
``pages_you've_liked.json``                    follows owner -> ``page:<name>``
``message_*.json`` (``{"messages":             actions of kind ``post`` by ``sender_name``
[{sender_name, timestamp_ms, content}]}``)     (Instagram DMs or Messenger)
reactions (``reactions_v2``, likes)            not an action kind: counted in the notes
=============================================  ===========================================

Usernames are trimmed and case-folded (Instagram usernames are case-insensitive), so
``" ALICE "`` and ``alice`` are one account; a repeated follow is then a counted
``duplicate follow edge``. Real exports write non-ASCII text as mojibake (UTF-8 bytes as
latin-1 escapes, ``"Ã©"`` for ``"é"``); every string is repaired with
``s.encode("latin-1").decode("utf-8")`` where that round-trips.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import extract_hashtags, extract_urls, files_label
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    HANDLE,
    HASHTAGS,
    KIND,
    OBJECT_ID,
    PLATFORM,
    SOURCE_ID,
    TARGET_ID,
    TEXT,
    TIMESTAMP,
    URLS,
)

__all__ = ["read_meta_dyi", "looks_like_meta_dyi", "fix_mojibake"]

_FOLLOW_KEYS = {"relationships_following": "following", "relationships_followers":
                "followers", "following_v2": "following", "followers_v2": "followers"}
_REACTION_KEYS = ("reactions_v2", "reactions", "likes_media_likes", "likes_comment_likes")


def fix_mojibake(value: Any) -> Any:
    """Repair DYI's latin-1 mojibake in every string of a JSON value.

    Examples
    --------
    >>> fix_mojibake({"a": ["CafÃ©", "plain"]})
    {'a': ['Café', 'plain']}
    """
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: fix_mojibake(v) for k, v in value.items()}
    return value


def _kind(data: Any) -> str | None:
    """Which DYI file this JSON value is, or None."""
    if isinstance(data, dict):
        if isinstance(data.get("messages"), list) and any(
                isinstance(m, dict) and "sender_name" in m for m in data["messages"][:5]):
            return "messages"
        if "comments_v2" in data or ("comments" in data and isinstance(data["comments"], list)):
            return "comments"
        for key, kind in _FOLLOW_KEYS.items():
            if key in data:
                return kind
        if "page_likes_v2" in data or "page_likes" in data:
            return "page_likes"
        if any(k in data for k in _REACTION_KEYS):
            return "reactions"
        return None
    if isinstance(data, list) and data and all(isinstance(d, dict) for d in data[:20]):
        if any("string_list_data" in d for d in data[:20]):
            return "followers"
        if any("timestamp" in d and ("data" in d or "attachments" in d or "title" in d)
               for d in data[:20]):
            return "posts"
    return None


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as err:
        raise DataFormatError(f"{path.name}: not valid JSON ({err})") from err


def looks_like_meta_dyi(path: Path) -> bool:
    """True for a DYI JSON file of a recognised shape, or a folder holding one."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.json"))[:50]
        return any(looks_like_meta_dyi(f) for f in files if f.stat().st_size < 50_000_000)
    if not path.is_file() or path.suffix.lower() != ".json" or path.stat().st_size == 0:
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(4096)
    keys = ('"string_list_data"', '"comments_v2"', '"relationships_follow', '"page_likes',
            '"sender_name"', '"reactions_v2"')
    if any(k in head for k in keys):
        return True
    return head.lstrip().startswith("[") and '"timestamp"' in head and (
        '"data"' in head or '"attachments"' in head) and '"title"' in head


def read_meta_dyi(path: str | Path, *, owner: str | None = None, platform: str | None = None,
                  now: pd.Timestamp | None = None) -> Dataset:
    """Load a Facebook/Instagram DYI export (a folder, or one of its JSON files).

    Parameters
    ----------
    path : str or Path
        The unzipped export folder (searched recursively) or one JSON file.
    owner : str, optional
        Account id of the person whose export it is. By default it is inferred from the
        export (the most frequent comment ``author`` or reaction ``actor``), else ``"me"``;
        the report's notes say which.
    platform : {"facebook", "instagram"}, optional
        Platform of every account (default: ``instagram`` for follower/following files
        and files under an ``instagram`` path, else ``facebook``).
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions carry ``dyi_file`` and ``title``; follows carry ``since`` (the time
        of the follow, UTC) and ``dyi_file``.

    Raises
    ------
    DataFormatError
        If nothing is found, a file is not JSON, or a single file given is not a DYI file
        of a known shape.

    Examples
    --------
    >>> data = read_meta_dyi("instagram-me-2024-01-01/", owner="my.username")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise DataFormatError(f"{path}: no such file or folder")
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    report = LoadReport(format="meta_dyi")
    loaded = [(file, fix_mojibake(_load(file))) for file in files]
    owner_id, how = _owner(owner, loaded)
    actions: list[dict] = []
    follows: list[dict] = []
    skipped: dict[str, int] = {}
    used: list[Path] = []
    for file, data in loaded:
        kind = _kind(data)
        if kind is None:
            if not path.is_dir():
                raise DataFormatError(
                    f"{file.name}: not a DYI file this reader knows (expected posts, "
                    "comments_v2, followers/following with string_list_data, page likes "
                    "or messages)")
            skipped[file.name] = 0
            continue
        plat = platform or ("instagram" if kind in ("followers", "following")
                            or "instagram" in str(file).lower() else "facebook")
        used.append(file)
        if kind == "posts":
            actions += _posts(data, file, owner_id, plat)
        elif kind == "comments":
            actions += _comments(data, file, owner_id, plat)
        elif kind == "messages":
            actions += _messages(data, file, plat)
        elif kind in ("followers", "following"):
            follows += _follows(data, file, owner_id, plat, kind)
        elif kind == "page_likes":
            items = data.get("page_likes_v2") or data.get("page_likes") or []
            for n, item in enumerate(items, start=1):
                follows.append({SOURCE_ID: owner_id, TARGET_ID: f"page:{item.get('name')}",
                                "since": item.get("timestamp"), "dyi_file": file.name,
                                "_row": n, "_platform": plat})
        else:
            items = next(v for k, v in data.items() if k in _REACTION_KEYS)
            skipped[file.name] = len(items) if isinstance(items, list) else 0
    if not used:
        raise DataFormatError(f"{path}: no DYI file of a known shape found "
                              f"({len(files):,} JSON files looked at)")
    if not actions and not follows:
        raise DataFormatError(
            f"{path}: the DYI files hold no posts, comments, messages or follows (only "
            f"reactions or empty lists: {', '.join(f.name for f in used[:5])})")
    label = files_label(used, "DYI files")
    act = pd.DataFrame(actions, columns=[ACTION_ID, ACCOUNT_ID, TIMESTAMP, KIND, PLATFORM,
                                         OBJECT_ID, TEXT, URLS, "title", "dyi_file", "_row"])
    if not act.empty:
        act[HASHTAGS] = extract_hashtags(act[TEXT].fillna(""))
    fol = pd.DataFrame(follows, columns=[SOURCE_ID, TARGET_ID, "since", "dyi_file", "_row",
                                         "_platform"])
    fol["since"] = pd.to_datetime(pd.to_numeric(fol["since"], errors="coerce"), unit="s",
                                  utc=True)
    accounts = _accounts(act, fol, owner_id, platform)
    report.add_file("actions", f"{label} (posts, comments, messages)", len(act))
    report.add_file("accounts", f"{label} (owner, authors, followers, followed)",
                    len(accounts))
    report.add_file("follows", f"{label} (followers, following, page likes)", len(fol))
    notes = [f"DYI export of {owner_id!r} ({how}): {len(used):,} files read"]
    reactions = {k: v for k, v in skipped.items() if v}
    if reactions:
        notes.append(f"{sum(reactions.values()):,} reactions/likes ("
                     + ", ".join(reactions) + ") are not an action kind and were not loaded")
    unknown = [k for k, v in skipped.items() if not v]
    if unknown:
        notes.append(f"{len(unknown):,} JSON files of other shapes not read: "
                     + ", ".join(unknown[:10]) + ("..." if len(unknown) > 10 else ""))
    report.notes.extend(notes)
    act_rows, act_files = act.pop("_row").to_numpy(), act["dyi_file"].to_numpy()
    fol_rows, fol_files = fol.pop("_row").to_numpy(), fol["dyi_file"].to_numpy()
    fol = fol.drop(columns="_platform")
    return validate_tables({"accounts": accounts, "actions": act, "follows": fol},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": report.files["actions"]["file"],
                                  "follows": report.files["follows"]["file"]},
                           source=str(path), report=report, now=now,
                           row_numbers={"actions": act_rows, "follows": fol_rows},
                           row_files={"actions": act_files, "follows": fol_files})


def _owner(given: str | None, loaded: list[tuple[Path, Any]]) -> tuple[str, str]:
    if given is not None:
        return given.strip().casefold(), "given by owner="
    names: dict[str, int] = {}
    for _file, data in loaded:
        if not isinstance(data, dict):
            continue
        for key in ("comments_v2", *_REACTION_KEYS):
            for entry in data.get(key) or []:
                for item in (entry.get("data") or []) if isinstance(entry, dict) else []:
                    inner = (item.get("comment") or item.get("reaction")) \
                        if isinstance(item, dict) else None
                    who = (inner.get("author") or inner.get("actor")) \
                        if isinstance(inner, dict) else None
                    if who:
                        key_name = str(who).strip().casefold()
                        names[key_name] = names.get(key_name, 0) + 1
    if names:
        return max(names, key=names.get), "inferred from comment authors and reactions"
    return "me", "not named in the files; pass owner="


def _links(entry: dict) -> list[str]:
    links = []
    attachments = entry.get("attachments") or []
    for attachment in [attachments] if isinstance(attachments, dict) else attachments:
        items = attachment.get("data") if isinstance(attachment, dict) else None
        for item in items if isinstance(items, list) else []:
            context = item.get("external_context") if isinstance(item, dict) else None
            url = context.get("url") if isinstance(context, dict) else None
            if url:
                links.append(str(url))
    return links


def _posts(data: list, file: Path, owner: str, platform: str) -> list[dict]:
    rows = []
    for n, entry in enumerate(data, start=1):
        texts = [d.get("post") for d in entry.get("data") or [] if isinstance(d, dict)
                 and d.get("post")]
        text = "\n".join(texts) or None
        links = _links(entry) + (extract_urls(pd.Series([text])).iloc[0] or "").split()
        rows.append({ACTION_ID: f"dyi:{file.stem}:{n}", ACCOUNT_ID: owner,
                     TIMESTAMP: entry.get("timestamp"), KIND: "post", PLATFORM: platform,
                     OBJECT_ID: links[0] if links else None, TEXT: text,
                     URLS: " ".join(dict.fromkeys(links)) or None,
                     "title": entry.get("title"), "dyi_file": file.name, "_row": n})
    return rows


def _comments(data: dict, file: Path, owner: str, platform: str) -> list[dict]:
    items = data.get("comments_v2") or data.get("comments") or []
    rows = []
    for n, entry in enumerate(items, start=1):
        comment = next((d["comment"] for d in entry.get("data") or []
                        if isinstance(d, dict) and isinstance(d.get("comment"), dict)), {})
        author = str(comment.get("author") or owner).strip().casefold()
        links = _links(entry)
        rows.append({ACTION_ID: f"dyi:{file.stem}:{n}", ACCOUNT_ID: author,
                     TIMESTAMP: comment.get("timestamp") or entry.get("timestamp"),
                     KIND: "reply", PLATFORM: platform, OBJECT_ID: None,
                     TEXT: comment.get("comment"), URLS: " ".join(links) or None,
                     "title": entry.get("title"), "dyi_file": file.name, "_row": n})
    return rows


def _messages(data: dict, file: Path, platform: str) -> list[dict]:
    rows = []
    for n, message in enumerate(data["messages"], start=1):
        stamp = message.get("timestamp_ms")
        stamp = stamp / 1000 if isinstance(stamp, (int, float)) else message.get("timestamp")
        sender = str(message.get("sender_name") or "").strip().casefold() or None
        rows.append({ACTION_ID: f"dyi:{file.parent.name}/{file.stem}:{n}",
                     ACCOUNT_ID: sender, TIMESTAMP: stamp, KIND: "post", PLATFORM: platform,
                     OBJECT_ID: None, TEXT: message.get("content"),
                     URLS: (message.get("share") or {}).get("link"),
                     "title": data.get("title"), "dyi_file": file.name, "_row": n})
    return rows


def _follows(data: Any, file: Path, owner: str, platform: str, kind: str) -> list[dict]:
    items = data if isinstance(data, list) else next(
        v for k, v in data.items() if k in _FOLLOW_KEYS)
    rows = []
    for n, entry in enumerate(items, start=1):
        strings = entry.get("string_list_data") or [{}]
        first = strings[0] if isinstance(strings[0], dict) else {}
        name = first.get("value") or entry.get("title") or ""
        if not str(name).strip() and first.get("href"):
            name = str(first["href"]).rstrip("/").rsplit("/", 1)[-1]
        other = str(name).strip().casefold() or None
        source, target = (other, owner) if kind == "followers" else (owner, other)
        rows.append({SOURCE_ID: source, TARGET_ID: target, "since": first.get("timestamp"),
                     "dyi_file": file.name, "_row": n, "_platform": platform})
    return rows


def _accounts(act: pd.DataFrame, fol: pd.DataFrame, owner: str,
              platform: str | None) -> pd.DataFrame:
    seen: dict[str, str] = {}
    default = platform or "facebook"
    if not fol.empty:
        for source, target, plat in fol[[SOURCE_ID, TARGET_ID, "_platform"]].itertuples(
                index=False):
            for who in (source, target):
                if isinstance(who, str) and not who.startswith("page:"):
                    seen.setdefault(who, plat)
    if not act.empty:
        for who, plat in act[[ACCOUNT_ID, PLATFORM]].itertuples(index=False):
            if isinstance(who, str):
                seen.setdefault(who, plat)
    seen.setdefault(owner, next(iter(seen.values()), default))
    ids = list(seen)
    return pd.DataFrame({ACCOUNT_ID: ids, PLATFORM: [seen[i] for i in ids], HANDLE: ids})
