"""Reader for Telegram Desktop's JSON export (``result.json``) of any chat.

The export holds ``{"name", "type", "id", "messages": [...]}`` for one chat (a personal
chat, a private or public group, a supergroup, a channel or the saved messages), or
``{"chats": {"list": [chat, ...]}}`` (and ``left_chats.list``) for an all-chats export.
Entries that are not messages (``"type": "unsupported"``, a bare string...) are rejected
with their reason; an export with no messages at all is a :class:`DataFormatError`. A message has ``id``,
``type`` (``message`` or ``service``), ``date`` (local time of the exporting machine)
and ``date_unixtime`` (exact), ``from``/``from_id`` (the sender; a channel's own posts
have ``from_id = "channel<id>"``), ``forwarded_from`` (the name of the original source),
``reply_to_message_id``, and ``text``: a string, or a list mixing strings and entity
objects such as ``{"type": "hashtag", "text": "#news"}`` or ``{"type": "text_link",
"text": "here", "href": "https://..."}``.

How objects are derived
-----------------------
A reply points to ``<chat_id>:<reply_to_message_id>``. Telegram's export does not give
the id of a forwarded original, only its source name (and newer versions its id as
``forwarded_from_id``); a forward's ``object_id`` is therefore ``"tgfwd:"`` + a hash of
the source and the normalised text (see :func:`netlib.io._common.text_object_ids`), so
forwards of one original by different accounts share an object.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import (
    add_unparsed,
    extract_hashtags,
    extract_urls,
    normalize_text_for_object,
)
from netlib.io._files import sha256_file
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    DISPLAY_NAME,
    HANDLE,
    HASHTAGS,
    KIND,
    MEDIA_HASHES,
    OBJECT_ID,
    PLATFORM,
    TEXT,
    TIMESTAMP,
    URLS,
)

__all__ = ["read_telegram_export", "looks_like_telegram"]

_LINK_TYPES = ("link", "text_link", "url")


def _result_file(path: Path) -> Path:
    return path / "result.json" if path.is_dir() else path


def looks_like_telegram(path: Path) -> bool:
    """True for a ``result.json`` (or a folder holding one) with ``messages`` or ``chats``."""
    path = _result_file(Path(path))
    if not path.is_file() or path.suffix.lower() != ".json":
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(4096)
    return head.lstrip().startswith("{") and ('"messages"' in head or '"chats"' in head) \
        and '"data"' not in head[:200] and '"sender_name"' not in head  # Meta DYI DMs


def read_telegram_export(path: str | Path, *, now: pd.Timestamp | None = None,
                         include_service: bool = False) -> Dataset:
    """Load a Telegram Desktop JSON export (one chat or a full export) as a Dataset.

    Each message becomes an action ``<chat_id>:<message id>`` of the sender
    (``from_id``; messages without one are attributed to ``chat<chat_id>``). A message
    with ``forwarded_from`` is a ``forward``; one with ``reply_to_message_id`` is a
    ``reply``; others are ``post``. The time is ``date_unixtime`` when present (exact),
    else ``date`` read as UTC (the export writes local time; a note says so). Hashtags
    and links come from the text entities; a photo or file path goes to
    ``media_hashes`` (as the file name; hash the files yourself for image matching).

    Parameters
    ----------
    path : str or Path
        ``result.json`` or the export folder holding it.
    now : Timestamp, optional
        Reference time for the "in the future" check.
    include_service : bool
        Keep service messages (joins, pins...) as ``post`` actions. By default they are
        skipped, and their number is written in the report's notes (they are not data
        errors, so they do not count as rejected rows).

    Returns
    -------
    Dataset
        Actions carry ``chat_id, chat_name, forwarded_from`` besides the interchange
        columns; accounts have ``platform = "telegram"``, ``handle`` = the sender's name
        as exported (Telegram exports hold no usernames), ``display_name`` the same.

    Raises
    ------
    DataFormatError
        If the file is missing, empty, not JSON, holds no ``messages``, or none of its
        entries can be read as a message (no date or no sender).

    Examples
    --------
    >>> data = read_telegram_export("tests/data/telegram/result.json")  # doctest: +SKIP
    """
    file = _result_file(Path(path))
    name = file.name
    if not file.exists():
        raise DataFormatError(f"{file}: file not found (expected Telegram's result.json)")
    if file.stat().st_size == 0:
        raise DataFormatError(f"{name}: file is empty (expected Telegram's JSON export)")
    report = LoadReport(format="telegram")
    with open(file, encoding="utf-8-sig", errors="replace") as handle:
        try:
            export = json.load(handle)
        except ValueError as err:
            raise DataFormatError(f"{name}: not valid JSON ({err})") from err
    chats = _chats(export, name)
    rows, bad = [], []
    row = service = unnumbered = entries = 0
    used_local_date = False
    for number, chat in enumerate(chats, start=1):
        chat_id = _chat_id(chat, number)
        chat_name = chat.get("name")
        messages = chat.get("messages")
        if messages is None:
            messages = []
        if not isinstance(messages, list):
            raise DataFormatError(f"{name}: chat {chat_id!s}: 'messages' is a "
                                  f"{type(messages).__name__}, expected a list of messages")
        for position, message in enumerate(messages, start=1):
            row += 1
            entries += 1
            if (isinstance(message, dict) and message.get("type") == "service"
                    and not include_service):  # not loaded, so its fields are not checked
                service += 1
                continue
            problem = _entry_problem(message)
            if problem:
                bad.append({"_file": name, "_row": row, "_reason": problem,
                            "_raw": _raw(message)})
                continue
            if message.get("id") is None:
                unnumbered += 1
            record = _message_row(message, chat_id, chat_name, position)
            used_local_date |= record.pop("_local_date")
            rows.append({"_row": row, **record})
    if entries and entries == service:
        raise DataFormatError(
            f"{name}: all {service:,} entries are service messages (joins, pins, title "
            "changes...); no messages to load (include_service=True loads them as posts)")
    if entries == 0:
        raise DataFormatError(
            f"{name}: the export holds {len(chats):,} chat{'s' if len(chats) != 1 else ''} "
            "but no messages; nothing to load (expected a Telegram Desktop export in JSON "
            "with a 'messages' list)")
    actions = pd.DataFrame(rows)
    if actions.empty:
        actions = pd.DataFrame(columns=["_row", ACTION_ID, ACCOUNT_ID, TIMESTAMP, KIND])
    else:  # plain-string texts carry no entities: find hashtags and links in the text
        for col, extract in ((HASHTAGS, extract_hashtags), (URLS, extract_urls)):
            missing = actions[col].isna() & actions[TEXT].notna()
            if missing.any():
                actions.loc[missing, col] = extract(actions.loc[missing, TEXT])
    report.add_file("actions", name, len(actions), sha256=sha256_file(file))
    if len(chats) > 1:
        report.notes.append(f"{len(chats):,} chats read from the all-chats export")
    if unnumbered:
        report.notes.append(f"{unnumbered:,} messages have no id; they are numbered by their "
                            "position in their chat ('<chat>:#<n>')")
    if service:
        report.notes.append(f"{service:,} service messages (joins, pins, title changes...) "
                            "are not posts and were skipped (include_service=True keeps them)")
    accounts = _accounts(actions)
    report.add_file("accounts", f"{name} (senders)", len(accounts))
    if used_local_date:
        report.notes.append("some messages have no date_unixtime; their local 'date' was "
                            "read as UTC (the export does not record the time zone)")
    report.notes.append("forward objects are derived from the source name and normalised "
                        "text (the export holds no id of the forwarded original)")
    row_numbers = actions.pop("_row").to_numpy()
    data = validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": name},
                           source=str(file), report=report, now=now,
                           row_numbers={"actions": row_numbers})
    if bad:
        add_unparsed(data.report, "actions", pd.DataFrame(bad))
    if data.actions.empty:  # never an empty load: say why no entry was a message
        reasons = Counter(issue.reason for issue in data.report.errors)
        shown = "; ".join(f"{reason} ({n:,})" for reason, n in reasons.most_common(3))
        raise DataFormatError(
            f"{name}: none of the {entries - service:,} entries could be read as a message "
            f"({shown}); nothing loaded (expected Telegram Desktop messages with "
            "'date_unixtime' or 'date', and 'from_id' or 'from')")
    return data


def _chats(export: Any, name: str) -> list[dict]:
    if isinstance(export, dict) and isinstance(export.get("messages"), list):
        return [export]
    chats: list[dict] = []
    if isinstance(export, dict):
        for key in ("chats", "left_chats"):
            section = export.get(key)
            listed = section.get("list") if isinstance(section, dict) else section
            if isinstance(listed, list):
                chats.extend(c for c in listed if isinstance(c, dict))
        if chats or isinstance(export.get("chats"), (dict, list)):
            if not chats:
                raise DataFormatError(f"{name}: the all-chats export lists no chats "
                                      "(expected chats.list[] with 'messages')")
            return chats
    found = ", ".join(map(str, export)) if isinstance(export, dict) else type(export).__name__
    raise DataFormatError(f"{name}: no 'messages' list (found: {found}); expected a Telegram "
                          "Desktop export of a chat, group or channel, or an all-chats "
                          "export with chats.list[]")


def _chat_id(chat: dict, number: int) -> str:
    """The chat's id; else its name; else ``chat<n>`` (its position in the export)."""
    for key in ("id", "name"):
        value = chat.get(key)
        if value not in (None, ""):
            return str(value)
    return f"chat{number}"


def _entry_problem(message: Any) -> str | None:
    """Why an entry of ``messages`` cannot be read, or None."""
    if not isinstance(message, dict):
        return f"entry is a {type(message).__name__}, not a message object"
    kind = message.get("type", "message")
    if kind not in ("message", "service"):
        return f"entry of type {kind!r} is not a message (expected 'message' or 'service')"
    text = message.get("text")
    if text is not None and not isinstance(text, (str, list)):
        return f"text is a {type(text).__name__} (expected a string or a list of entities)"
    return None


def _raw(message: Any) -> str:
    try:
        return json.dumps(message, ensure_ascii=False)[:500]
    except (TypeError, ValueError):
        return repr(message)[:500]


def _pieces(message: dict) -> list:
    text = message.get("text")
    if isinstance(text, list):
        return text
    entities = message.get("text_entities")
    if isinstance(entities, list) and entities:
        return entities
    return [text] if text else []


def _message_row(message: dict, chat_id: str, chat_name: Any, position: int) -> dict:
    text_parts, tags, links = [], [], []
    for piece in _pieces(message):
        if isinstance(piece, str):
            text_parts.append(piece)
            continue
        if not isinstance(piece, dict):
            continue
        part = piece.get("text", "")
        part = part if isinstance(part, str) else ""
        text_parts.append(part)
        kind = piece.get("type")
        if kind == "hashtag":
            tags.append(part.lstrip("#＃"))
        elif kind in _LINK_TYPES:
            links.append(piece.get("href") or part)
    text = "".join(text_parts)
    sender_name = message.get("from") or message.get("actor")
    sender = message.get("from_id") or message.get("actor_id")
    if sender in (None, ""):  # old and minimal exports: the sender's name is all there is
        sender = f"name:{sender_name}" if sender_name else f"chat{chat_id}"
    forwarded = message.get("forwarded_from")
    if forwarded is None and message.get("saved_from") is not None:
        forwarded = message.get("saved_from")  # saved messages: the chat it was saved from
    reply_to = message.get("reply_to_message_id")
    unix = message.get("date_unixtime")
    if forwarded is not None or message.get("forwarded_from_id") is not None:
        kind = "forward"
        source = message.get("forwarded_from_id") or forwarded
        basis = normalize_text_for_object(pd.Series([text])).iloc[0]
        digest = hashlib.blake2b(f"{source}\x00{basis}".encode(), digest_size=10).hexdigest()
        object_id = f"tgfwd:{digest}"
    elif reply_to is not None:
        kind, object_id = "reply", f"{chat_id}:{reply_to}"
    else:
        kind, object_id = "post", None
    media = [str(message[k]).rsplit("/", 1)[-1] for k in ("photo", "file")
             if message.get(k) and not str(message[k]).startswith("(")]
    return {
        ACTION_ID: f"{chat_id}:{message['id']}" if message.get("id") is not None
        else f"{chat_id}:#{position}",
        ACCOUNT_ID: str(sender),
        TIMESTAMP: unix if unix not in (None, "") else message.get("date"),
        KIND: kind,
        PLATFORM: "telegram",
        OBJECT_ID: object_id,
        TEXT: text or None,
        URLS: " ".join(links) or None,
        HASHTAGS: " ".join(tags) or None,
        MEDIA_HASHES: " ".join(media) or None,
        "chat_id": chat_id,
        "chat_name": chat_name,
        "forwarded_from": forwarded,
        "_sender_name": sender_name,
        "_local_date": unix in (None, ""),
    }


def _accounts(actions: pd.DataFrame) -> pd.DataFrame:
    if actions.empty or ACCOUNT_ID not in actions.columns:
        return pd.DataFrame(columns=[ACCOUNT_ID, PLATFORM, HANDLE])
    names = actions.pop("_sender_name") if "_sender_name" in actions.columns else None
    frame = pd.DataFrame({ACCOUNT_ID: actions[ACCOUNT_ID],
                          "name": names if names is not None else None})
    named = frame[frame["name"].notna() & (frame["name"].astype(str) != "")]
    first_name = named.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)["name"]
    ids = pd.Index(frame[ACCOUNT_ID].drop_duplicates())
    display = first_name.reindex(ids)
    return pd.DataFrame({
        ACCOUNT_ID: ids.to_numpy(),
        PLATFORM: "telegram",
        HANDLE: np.where(display.notna(), display.astype(object), ids.to_numpy()),
        DISPLAY_NAME: display.to_numpy(),
    })
