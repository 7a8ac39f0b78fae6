"""Reader for Telegram messages collected through the API with Telethon (JSON Lines).

Each line is one ``Message.to_dict()``: ``{"_": "Message", "id", "peer_id": {"_":
"PeerChannel", "channel_id"}, "date", "message", "from_id", "post_author", "fwd_from",
"reply_to", "entities", "media", ...}``. Dates are ISO strings (``to_json()``) or the
``"YYYY-MM-DD HH:MM:SS.ffffff"`` naive UTC form some collectors write; unknown keys
(new API layers add some every year) are ignored.

Ids follow the Telegram Desktop reader (:mod:`netlib.io.telegram`) so that both kinds of
data can be combined: a chat is its numeric id, an action is ``<chat id>:<message id>``,
an account is ``channel<id>``, ``user<id>`` or ``chat<id>``.

Forwards
--------
``fwd_from`` makes the message a ``forward``. When the origin is known
(``fwd_from.from_id`` is a channel, user or chat and ``channel_post`` is given) the
object is the original message, ``<origin id>:<channel_post>``, the same id that message
has when its own channel is in the data. When the origin is hidden (``from_id`` null,
only ``from_name``) the object is ``"tgfwd:"`` + a hash of the name and the normalised
text, as in the Desktop reader.
"""

from __future__ import annotations

import hashlib
import json
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
    files_label,
    gather_files,
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

__all__ = ["read_telethon", "looks_like_telethon"]

_PATTERNS = ("*.jsonl", "*.ndjson", "*.jsonl.txt", "*.json")
_PEER_KEYS = (("channel_id", "channel"), ("user_id", "user"), ("chat_id", "chat"))


def _first_record(path: Path) -> Any:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return json.loads(line)
    return None


def looks_like_telethon(path: Path) -> bool:
    """True for a JSON Lines file (or folder of them) whose first record is a Telethon
    ``Message`` dict (``"_": "Message"`` with ``peer_id``)."""
    path = Path(path)
    if path.is_dir():
        files = [p for pat in _PATTERNS for p in sorted(path.glob(pat)) if p.is_file()]
        return bool(files) and looks_like_telethon(files[0])
    if not path.is_file() or not path.name.lower().endswith(
            (".jsonl", ".ndjson", ".txt", ".json")):
        return False
    try:
        record = _first_record(path)
    except ValueError:
        return False
    return isinstance(record, dict) and record.get("_") in ("Message", "MessageService") \
        and "peer_id" in record


def _peer(value: Any) -> str | None:
    """``{"_": "PeerChannel", "channel_id": 5}`` -> ``"channel5"``; None when absent."""
    if isinstance(value, dict):
        for key, prefix in _PEER_KEYS:
            if value.get(key) is not None:
                return f"{prefix}{value[key]}"
        return None
    if isinstance(value, (int, str)) and str(value).strip():
        return str(value)
    return None


def _peer_number(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, _prefix in _PEER_KEYS:
            if value.get(key) is not None:
                return str(value[key])
    return None


def _links(record: dict, text: str) -> list[str]:
    links = []
    for entity in record.get("entities") or []:
        if isinstance(entity, dict) and entity.get("_") == "MessageEntityTextUrl" \
                and entity.get("url"):
            links.append(str(entity["url"]))
    media = record.get("media")
    if isinstance(media, dict) and isinstance(media.get("webpage"), dict):
        url = media["webpage"].get("url")
        if url and url not in text:
            links.append(str(url))
    return links


def read_telethon(paths: str | Path | list, *, now: pd.Timestamp | None = None,
                  include_service: bool = False) -> Dataset:
    """Load Telethon ``Message.to_dict()`` JSON Lines as a Dataset.

    Each ``Message`` becomes an action ``<chat id>:<id>`` of its sender: ``from_id``
    (``user<id>``/``channel<id>``), or the chat itself (``peer_id``) for channel posts,
    which Telegram sends without ``from_id``. ``fwd_from`` makes a ``forward`` (see the
    module notes for its ``object_id``), ``reply_to.reply_to_msg_id`` a ``reply`` to
    ``<chat id>:<msg id>``, anything else a ``post``. Hashtags and links come from the
    text, links also from ``MessageEntityTextUrl`` entities and web-page previews.

    Parameters
    ----------
    paths : str, Path or list
        A ``.jsonl`` file (``.jsonl.txt``/``.ndjson`` too), a folder of them, or a list.
    now : Timestamp, optional
        Reference time for the "in the future" check.
    include_service : bool
        Keep ``MessageService`` records (joins, pins) as posts; by default they are
        skipped and counted in the notes.

    Returns
    -------
    Dataset
        Actions carry ``chat_id, fwd_from_id, fwd_channel_post, fwd_from_name,
        fwd_date, post_author, views, forwards`` besides the interchange columns;
        accounts are the senders (a channel for its own posts), with
        ``platform = "telegram"``.

    Raises
    ------
    DataFormatError
        If no file is found, a file is empty, or no line is a Telethon message.

    Examples
    --------
    >>> data = read_telethon("channel_messages.jsonl")  # doctest: +SKIP
    """
    files = gather_files(paths, _PATTERNS, what="Telethon JSON Lines")
    report = LoadReport(format="telethon")
    rows, bad = [], []
    service = 0
    digests = []
    for file in files:
        if file.stat().st_size == 0:
            raise DataFormatError(f"{file.name}: file is empty (expected Telethon messages, "
                                  "one JSON object per line)")
        digests.append(sha256_file(file))
        with open(file, encoding="utf-8-sig", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as err:
                    bad.append({"_file": file.name, "_row": number,
                                "_reason": f"line is not valid JSON ({err.msg})",
                                "_raw": line[:500]})
                    continue
                kind = record.get("_") if isinstance(record, dict) else None
                if kind == "MessageService" and not include_service:
                    service += 1
                    continue
                if kind not in ("Message", "MessageService") or record.get("id") is None:
                    what = kind or type(record).__name__
                    bad.append({"_file": file.name, "_row": number, "_raw": line[:500],
                                "_reason": f"record {what!r} is not a Telethon message with "
                                           "an id (expected '_': 'Message')"})
                    continue
                rows.append({"_file": file.name, "_row": number, **_row(record)})
    if not rows and not bad:
        raise DataFormatError(f"{files_label(files, 'files')}: no Telethon messages found")
    if not rows:
        raise DataFormatError(f"{files_label(files, 'files')}: no line is a Telethon message "
                              f"({len(bad):,} unreadable; first: {bad[0]['_reason']})")
    actions = pd.DataFrame(rows)
    for col, extract in ((HASHTAGS, extract_hashtags), (URLS, extract_urls)):
        found = extract(actions[TEXT])
        actions[col] = [" ".join(dict.fromkeys(
            (f.split() if isinstance(f, str) else []) + (e.split() if isinstance(e, str)
                                                         else []))) or None
            for f, e in zip(found, actions[col], strict=True)]
    _hidden_origin_objects(actions)
    label = files_label(files, "Telethon files")
    report.add_file("actions", label, len(actions),
                    sha256=digests[0] if len(files) == 1 else None)
    accounts = _accounts(actions)
    report.add_file("accounts", f"{label} (senders)", len(accounts))
    n_fwd = int((actions[KIND] == "forward").sum())
    n_hidden = int((actions[KIND] == "forward").sum() - actions["fwd_from_id"].notna().sum())
    report.notes.append(f"{n_fwd:,} forwards; {n_fwd - n_hidden:,} name their origin "
                        f"(object = '<origin chat>:<post>'), {n_hidden:,} have a hidden "
                        "origin (object = hash of from_name and normalised text)")
    if service:
        report.notes.append(f"{service:,} service messages (joins, pins...) are not posts and "
                            "were skipped (include_service=True keeps them)")
    row_numbers = actions.pop("_row").to_numpy()
    row_files = actions.pop("_file").to_numpy()
    data = validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": label},
                           source=str(paths if not isinstance(paths, list) else label),
                           report=report, now=now, row_numbers={"actions": row_numbers},
                           row_files={"actions": row_files})
    if bad:
        add_unparsed(data.report, "actions", pd.DataFrame(bad))
    return data


def _row(record: dict) -> dict:
    chat = _peer_number(record.get("peer_id")) or "unknown"
    chat_account = _peer(record.get("peer_id"))
    sender = _peer(record.get("from_id")) or chat_account
    text = record.get("message")
    text = text if isinstance(text, str) else ""
    fwd = record.get("fwd_from") if isinstance(record.get("fwd_from"), dict) else None
    reply = record.get("reply_to") if isinstance(record.get("reply_to"), dict) else None
    fwd_origin = fwd_post = fwd_name = fwd_date = None
    if fwd is not None:
        kind = "forward"
        fwd_origin = _peer(fwd.get("from_id"))
        fwd_post = fwd.get("channel_post")
        fwd_name = fwd.get("from_name")
        fwd_date = fwd.get("date")
        origin_number = _peer_number(fwd.get("from_id"))
        if origin_number is not None and fwd_post is not None:
            object_id = f"{origin_number}:{fwd_post}"
        elif origin_number is not None:  # a forwarded user message: no post id given
            object_id = _hidden(f"{fwd_origin}", text)
        else:
            object_id = None  # filled for the whole table by _hidden_origin_objects
    elif reply is not None and reply.get("reply_to_msg_id") is not None:
        kind = "reply"
        object_id = f"{_peer_number(reply.get('reply_to_peer_id')) or chat}:" \
                    f"{reply['reply_to_msg_id']}"
    else:
        kind, object_id = "post", None
    media = record.get("media")
    media_ids = []
    if isinstance(media, dict):
        for key in ("photo", "document"):
            item = media.get(key)
            if isinstance(item, dict) and item.get("id") is not None:
                media_ids.append(f"tg{key}:{item['id']}")
    return {
        ACTION_ID: f"{chat}:{record['id']}",
        ACCOUNT_ID: sender,
        TIMESTAMP: record.get("date"),
        KIND: kind,
        PLATFORM: "telegram",
        OBJECT_ID: object_id,
        TEXT: text or None,
        URLS: " ".join(_links(record, text)) or None,
        HASHTAGS: None,
        MEDIA_HASHES: " ".join(media_ids) or None,
        "chat_id": chat,
        "fwd_from_id": fwd_origin,
        "fwd_channel_post": None if fwd_post is None else str(fwd_post),
        "fwd_from_name": fwd_name,
        "fwd_date": fwd_date,
        "post_author": record.get("post_author"),
        "views": record.get("views"),
        "forwards": record.get("forwards"),
        "_chat_account": chat_account,
    }


def _hidden(source: str, text: str) -> str:
    basis = normalize_text_for_object(pd.Series([text])).iloc[0]
    return "tgfwd:" + hashlib.blake2b(f"{source}\x00{basis}".encode(),
                                      digest_size=10).hexdigest()


def _hidden_origin_objects(actions: pd.DataFrame) -> None:
    hidden = (actions[KIND] == "forward") & actions[OBJECT_ID].isna()
    for index in actions.index[hidden]:
        name = actions.at[index, "fwd_from_name"] or "hidden"
        actions.at[index, OBJECT_ID] = _hidden(str(name), actions.at[index, TEXT] or "")


def _accounts(actions: pd.DataFrame) -> pd.DataFrame:
    """The senders (a channel's posts are sent by the channel itself); forward origins
    are objects, not accounts of the data, unless they also post in it."""
    actions.pop("_chat_account")
    ids = pd.Index(actions[ACCOUNT_ID].dropna().drop_duplicates())
    names = actions.dropna(subset=["post_author"]).drop_duplicates(ACCOUNT_ID) \
        .set_index(ACCOUNT_ID)["post_author"]
    display = names.reindex(ids)
    return pd.DataFrame({
        ACCOUNT_ID: ids.to_numpy(),
        PLATFORM: "telegram",
        HANDLE: ids.to_numpy(),
        DISPLAY_NAME: np.asarray(display.to_numpy(), dtype=object),
    })
