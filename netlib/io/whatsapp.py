"""Reader for WhatsApp chat exports ("Export chat": a ``.txt``, or the ``.zip`` holding it).

WhatsApp writes one line per message header, in the phone's locale and local time:

* Android: ``20/01/19, 11:23 - John Doe: text`` (also ``18.03.22 14:56 - ``,
  ``2019/01/20, 11:23 - ``, ``01/30/2019, 08:49 p. m. - ``);
* iOS: ``[3/27/22, 21:41:55] Name: text`` (also without the comma, with dots in the time,
  ``[15-01-20 02:22:56]``, and ``[١٨‏/٣‏/٢٠٢٢، ٢:٥٦:٠٠ م]`` with Arabic-Indic digits).

Lines that do not start with a header continue the previous message. Bidi marks
(U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), NBSP/NNBSP, Arabic-Indic digits, the
Arabic comma and CRLF are normalised before matching. Years may have 2 or 4 digits, be
Buddhist-era (2566 -> 2023) or Japanese-era (``R4`` -> 2022, ``H30`` -> 2018).

Day/month order
---------------
Resolved per file and per header style (one export can mix styles): a style whose first
field is a 4-digit year is Y/M/D; otherwise day-first and month-first are tried and the
order that gives valid dates and the fewest backward jumps in time wins (a value above 12
in either field settles it; an export is in chronological order). The choice and its
evidence go into ``report.notes``; ``date_order=`` forces one.

What becomes what
-----------------
* A header with a sender (``Name: text``) is a message -> an action of kind ``post`` by
  the account ``Name``. Lines with no sender (``X created group``, ``You were added``,
  the encryption banner) are system lines: counted in the notes, not errors.
* Media placeholders (``<Media omitted>``, iOS ``‎image omitted``, ``<attached: ...>``,
  ``IMG-....jpg (file attached)``) are kept as actions with empty ``text`` and the
  ``placeholder`` column set to ``"media"`` (a caption on the following lines is the
  text). iOS notices the app writes itself (``‎This message was deleted.``) are kept
  with ``placeholder = "notice"`` and empty text.
* The chat (a group or a one-to-one chat) is the place: the extra column ``chat`` holds
  its name (from ``chat=``, else the file or zip name). Co-actions across groups come from
  the traces: the same text posted in several groups is a ``text`` co-action (kind
  ``post`` is what the text trace reads), the same link a ``link`` co-action (``urls``),
  and ``object_id`` is ``"watext:"`` + a hash of the normalised text so that exact copies
  share one object id.

Phone numbers
-------------
Senders shown as phone numbers (``+92 300 1234567``) are personal data. They are replaced
at load by a keyed hash, ``wa:`` + the first 24 hex digits of HMAC-SHA256(key, digits),
also in ``@<number>`` mentions inside texts. The key is required (``key=``) when such
senders exist; ``keep_phone_numbers=True`` keeps them instead. The country calling code
(``+92``) is kept as the account column ``calling_code``: it is shared by millions of
people and says where a number was issued, not who uses it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import extract_hashtags, extract_urls, files_label, text_object_ids
from netlib.io._files import sha256_file
from netlib.io._whatsapp_dates import AMPM_RE, ORDERS, resolve_dates
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

__all__ = ["read_whatsapp", "looks_like_whatsapp", "CALLING_CODE", "CHAT", "PLACEHOLDER"]

CALLING_CODE = "calling_code"
CHAT = "chat"
PLACEHOLDER = "placeholder"

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                                "\u2068\u2069\ufeff"), None)
_SPACES = {0x00A0: " ", 0x202F: " ", 0x2007: " ", 0x060C: ",", 0x2013: "-"}
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
_NORMALISE = {**_MARKS, **_SPACES, **_DIGITS}
_LEADING_MARK = re.compile(r"^[\u200e\u200f]")

_HEADER = re.compile(
    r"^(?P<lb>\[)?\s*"
    r"(?P<d1>\d{1,4})(?P<s1>[./-])\s?(?P<d2>\d{1,2})(?P=s1)\s?(?P<d3>[MTSHR]?\d{1,4})\.?"
    r"(?P<comma>,)?\s*(?:klo\s+)?"
    r"(?:(?P<pre>午前|午後|오전|오후)\s*)?"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    rf"(?:\s*(?P<ampm>{AMPM_RE}))?"
    r"\s*(?(lb)\]|)\s*"
    r"(?:[-]\s+|:\s+)?"
    r"(?P<rest>.*)$")
_SENDER = re.compile(r"^(?P<sender>[^:\"\n]{1,80}?):(?P<text>.*)$", re.S)
_PHONE = re.compile(r"^\+\d[\d\s\-().]{5,}$")
_MENTION = re.compile(r"@\+?(\d[\d ]{6,}\d)")
_MEDIA = re.compile(r"^<[^<>]{1,80}>$|^\S.{0,200}\.\w{2,5} \([^()]{3,40}\)$|"
                    r"^(image|video|audio|sticker|GIF|document|Contact card) omitted$",
                    re.IGNORECASE)
_BANNER = re.compile(r"end-to-end encrypt|secured with end-to-end encryption", re.IGNORECASE)
#: Two-digit country calling codes; other codes are 1 digit (+1, +7) or 3 digits.
_CC2 = {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53,
        54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94,
        95, 98}
_CHAT_NAME = re.compile(r"^(?:WhatsApp Chat (?:with|-) |Chat WhatsApp (?:with|s uživatelem) )"
                        r"(?P<name>.+)$", re.IGNORECASE)


def _norm(line: str) -> str:
    return line.translate(_NORMALISE)


#: A chat in a zip larger than this, or more than ``_MAX_RATIO`` times its compressed size
#: once past ``_RATIO_FROM`` bytes, is refused unread: a small zip that expands to gigabytes
#: (a zip bomb) would exhaust memory. WhatsApp's own exports compress text about 3-10 times.
_MAX_CHAT_BYTES = 1 << 30
_MAX_RATIO, _RATIO_FROM = 100, 64 << 20
#: What reading a damaged, encrypted or oddly compressed zip raises.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError,
               EOFError, OSError, zlib.error)


def _checked_size(path: Path, info: zipfile.ZipInfo) -> None:
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > _MAX_CHAT_BYTES or (size > _RATIO_FROM and size > _MAX_RATIO * packed):
        raise DataFormatError(
            f"{path.name}: {info.filename} would expand to {size:,} bytes from {packed:,} "
            f"(more than {_MAX_CHAT_BYTES:,} bytes, or {_MAX_RATIO} times its compressed "
            "size: not a chat export, or a zip bomb); unzip and check it first")


def _texts(path: Path) -> list[tuple[str, str, str]]:
    """(display name, chat name, text) of the chat files at ``path`` (a .txt or a .zip)."""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist()
                           if m.filename.lower().endswith(".txt")
                           and not m.filename.startswith("__MACOSX")]
                if not members:
                    raise DataFormatError(f"{path.name}: the zip holds no .txt chat file "
                                          "(expected WhatsApp's exported chat)")
                for member in members:
                    _checked_size(path, member)
                return [(f"{path.name}/{m.filename}", _chat_name(path),
                         _decode(archive.read(m))) for m in members]
        except _ZIP_ERRORS as err:
            raise DataFormatError(f"{path.name}: not a readable zip file ({err})") from err
    return [(path.name, _chat_name(path), _decode(path.read_bytes()))]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _chat_name(path: Path) -> str:
    stem = path.name
    for suffix in (".zip", ".txt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    stem = stem.strip()
    found = _CHAT_NAME.match(stem)
    return found.group("name").strip() if found else stem


def looks_like_whatsapp(path: Path) -> bool:
    """True for a ``.txt``/``.zip`` (or a folder of them) whose first lines include
    WhatsApp message headers (a Signal export, ``[2019-12-24, 12:23] Name:``, is not)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".zip"))
        return bool(files) and looks_like_whatsapp(files[0])
    if not path.is_file() or path.suffix.lower() not in (".txt", ".zip"):
        return False
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                member = next((m for m in archive.namelist() if m.lower().endswith(".txt")),
                              None)
                if member is None:
                    return False
                with archive.open(member) as handle:
                    head = _decode(handle.read(16384))
        else:
            with open(path, "rb") as handle:
                head = _decode(handle.read(16384))
    except _ZIP_ERRORS:
        return False
    lines = [ln for ln in head.splitlines()[:30] if ln.strip()]
    hits = 0
    for line in lines:
        found = _HEADER.match(_norm(line))
        if not found:
            continue
        if found.group("lb") and len(found.group("d1")) == 4 and found.group("comma"):
            return False  # Signal: [YYYY-MM-DD, HH:MM]
        hits += 1
    return hits >= max(1, min(3, len(lines) // 3))


@dataclass
class _Message:
    file: str
    chat: str
    line: int
    fields: tuple[str, str, str]
    header: str
    style: tuple
    time: tuple[int, int, int, str | None]
    sender: str
    text: str
    marked_line: bool
    marked_text: bool
    extra: list[str] = field(default_factory=list)


def read_whatsapp(paths: str | Path | list, *, key: bytes | str | None = None,
                  keep_phone_numbers: bool = False, chat: str | None = None,
                  date_order: str | None = None, tz: str | None = None,
                  now: pd.Timestamp | None = None) -> Dataset:
    """Load WhatsApp chat exports (``.txt`` or ``.zip``; a file, folder or list) as a Dataset.

    Parameters
    ----------
    paths : str, Path or list
        Exported chats. Each file is one chat.
    key : bytes or str, optional
        Secret key for hashing phone-number senders (HMAC-SHA256). Required when a sender
        is a phone number, unless ``keep_phone_numbers=True``. Use the same key across
        loads so that one number gets one id.
    keep_phone_numbers : bool
        Keep phone-number senders as they are (only for data you may hold unhashed).
    chat : str, optional
        Name of the chat for every file (default: from the file or zip name, e.g.
        ``WhatsApp Chat with Family.txt`` -> ``Family``). Give the same name to two
        exports of one chat so that their overlapping messages are recognised as
        duplicates (rejected as ``duplicate action_id``).
    date_order : {"DMY", "MDY", "YMD"}, optional
        Force the date order instead of resolving it from the file.
    tz : str, optional
        The exporting phone's time zone (e.g. ``"Asia/Karachi"``). WhatsApp writes local
        time without a zone; without ``tz`` the times are read as UTC (a note says so).
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions (kind ``post``) carry ``chat``, ``placeholder`` (``"media"``,
        ``"notice"`` or empty) and ``attachment`` (the placeholder as written);
        accounts (``platform = "whatsapp"``) carry ``calling_code``. ``action_id`` is
        ``wa:`` + a hash of chat, time, sender and text (+ ``#n`` for repeats).

    Raises
    ------
    DataFormatError
        If no file is found, a file holds no WhatsApp message header, a sender is a
        phone number and neither ``key`` nor ``keep_phone_numbers`` is given, or
        ``date_order`` is not one of DMY, MDY, YMD.

    Examples
    --------
    >>> data = read_whatsapp("WhatsApp Chat with Group.txt", key="s3cret")  # doctest: +SKIP
    """
    if date_order is not None and date_order not in ORDERS:
        raise DataFormatError(f"date_order={date_order!r} must be one of {', '.join(ORDERS)}")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if not path.exists():
            raise DataFormatError(f"{path}: no such file or folder")
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in (".txt", ".zip")))
        else:
            files.append(path)
    if not files:
        raise DataFormatError(f"{', '.join(map(str, paths))}: no WhatsApp export found "
                              "(looked for .txt and .zip)")
    report = LoadReport(format="whatsapp")
    messages: list[_Message] = []
    system = 0
    not_chats: list[str] = []
    searched = any(Path(p).is_dir() for p in paths)
    for path in files:
        for display, chat_name, content in _texts(path):
            found, n_system = _parse(content, display, chat or chat_name)
            if not found and not n_system:
                if searched:  # a folder may hold other .txt files (README, LICENSE...)
                    not_chats.append(display)
                    continue
                raise DataFormatError(
                    f"{display}: no WhatsApp message header found (expected lines like "
                    "'20/01/19, 11:23 - Name: text' or '[3/27/22, 21:41:55] Name: text')")
            messages.extend(found)
            system += n_system
            report.notes.append(f"{display} (chat {chat or chat_name!r}): {len(found):,} "
                                f"messages, {n_system:,} system lines")
    if not_chats:
        report.notes.append(f"{len(not_chats):,} .txt files hold no WhatsApp header and were "
                            "not read: " + ", ".join(not_chats[:10])
                            + ("..." if len(not_chats) > 10 else ""))
    if not messages:
        raise DataFormatError(f"{files_label(files, 'files')}: only system lines "
                              f"({system:,}), no messages from a sender")
    stamps = resolve_dates(messages, date_order, report)
    rows = _rows(messages, stamps, tz)
    actions = pd.DataFrame(rows)
    phones = actions["_phone"].astype(bool)
    if phones.any() and key is None and not keep_phone_numbers:
        raise DataFormatError(
            f"{files_label(files, 'files')}: {actions.loc[phones, ACCOUNT_ID].nunique():,} "
            "senders are phone numbers (personal data); pass key='a secret' to replace them "
            "by keyed hashes (HMAC-SHA256), or keep_phone_numbers=True to keep them")
    if phones.any() and not keep_phone_numbers:
        _hash_phones(actions, key)
        report.notes.append(f"{actions.loc[phones, ACCOUNT_ID].nunique():,} phone-number "
                            "senders replaced by keyed hashes (HMAC-SHA256); their calling "
                            "code is kept in accounts.calling_code")
    actions.pop("_phone")
    actions[OBJECT_ID] = text_object_ids(actions[TEXT], prefix="watext:")
    actions[HASHTAGS] = extract_hashtags(actions[TEXT])
    actions[URLS] = extract_urls(actions["_raw"])
    actions.pop("_raw")
    _action_ids(actions)
    label = files_label(files, "WhatsApp files")
    report.add_file("actions", label, len(actions),
                    sha256=sha256_file(files[0]) if len(files) == 1 else None)
    accounts = _accounts(actions)
    report.add_file("accounts", f"{label} (senders)", len(accounts))
    media = int((actions[PLACEHOLDER] == "media").sum())
    notices = int((actions[PLACEHOLDER] == "notice").sum())
    report.notes.append(
        f"{len(actions):,} messages in {actions[CHAT].nunique():,} chats; {system:,} system "
        f"lines without a sender (joins, group changes, the encryption banner) skipped; "
        f"{media:,} media placeholders and {notices:,} app notices kept with empty text "
        "(column 'placeholder')")
    if tz is None:
        report.notes.append("WhatsApp writes the phone's local time without a zone; times "
                            "were read as UTC (pass tz= to convert)")
    row_numbers = actions.pop("_line").to_numpy()
    row_files = actions.pop("_file").to_numpy()
    return validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": label},
                           source=label if len(files) > 1 else str(files[0]),
                           report=report, now=now, row_numbers={"actions": row_numbers},
                           row_files={"actions": row_files})


def _parse(content: str, display: str, chat: str) -> tuple[list[_Message], int]:
    messages: list[_Message] = []
    system = 0
    current: _Message | None = None
    in_system = False
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.rstrip("\r")
        normal = _norm(line)
        found = _HEADER.match(normal)
        if found and found.group("lb") and len(found.group("d1")) == 4 \
                and found.group("comma"):
            found = None  # Signal's header, not WhatsApp's
        if not found:
            if current is not None and not in_system:
                current.extra.append(line)
            continue
        who = _SENDER.match(found.group("rest"))
        if who is None:
            system += 1
            current, in_system = None, True
            continue
        sender = who.group("sender").strip()
        text_raw = _original_text(line, found, who)
        text_raw = text_raw[1:] if text_raw[:1] in (" ", "\u00a0") else text_raw
        banner = not messages and _LEADING_MARK.match(text_raw) \
            and not _LEADING_MARK.match(line)  # iOS: the app's first notice, any language
        if banner or (_BANNER.search(text_raw) and len(messages) < 3):
            system += 1
            current, in_system = None, True
            continue
        lb = bool(found.group("lb"))
        d1, d3 = found.group("d1"), found.group("d3")
        style = (lb, found.group("s1"), len(d1) == 4, d3[0].isalpha(),
                 bool(found.group("ampm") or found.group("pre")), len(d3),
                 found.group("s") is not None)
        ampm = found.group("ampm") or found.group("pre")
        current = _Message(
            file=display, chat=chat, line=number,
            fields=(d1, found.group("d2"), d3), style=style,
            header=normal[:found.start("rest")].strip(" -[]:"),
            time=(int(found.group("h")), int(found.group("m")), int(found.group("s") or 0),
                  ampm),
            sender=sender, text=text_raw,
            marked_line=bool(_LEADING_MARK.match(line)),
            marked_text=bool(_LEADING_MARK.match(text_raw)))
        in_system = False
        messages.append(current)
    return messages, system


def _original_text(line: str, found: re.Match, who: re.Match) -> str:
    """The message text as in the original line (marks kept) after ``Name:``.

    Normalising only deletes marks and swaps single characters, so normalised position
    ``j`` is original position ``kept[j]``.
    """
    kept = [i for i, ch in enumerate(line) if ord(ch) not in _MARKS]
    colon = found.start("rest") + who.end("sender")
    return line[kept[colon] + 1:] if colon < len(kept) else ""


def _rows(messages: list[_Message], stamps: list, tz: str | None) -> list[dict]:
    rows = []
    for msg, stamp in zip(messages, stamps, strict=True):
        text = "\n".join([msg.text, *msg.extra]).strip()
        first = msg.text.translate(_MARKS).strip()
        placeholder = None
        attachment = None
        if msg.marked_line or _MEDIA.match(first):
            placeholder, attachment = "media", first
            text = "\n".join(msg.extra).strip()  # a caption, if any
        elif msg.marked_text:
            placeholder, attachment = "notice", first
            text = ""
        sender = msg.sender.strip()
        phone = bool(_PHONE.match(sender))
        if stamp is None:
            when = msg.header  # not a date in the chosen order: rejected, value shown
        elif tz:
            try:
                when = stamp.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
                when = None if pd.isna(when) else when.isoformat()
            except Exception as err:  # noqa: BLE001 - unknown zone names
                raise DataFormatError(f"tz={tz!r} is not a time zone ({err})") from err
        else:
            when = stamp.isoformat()
        rows.append({
            "_file": msg.file, "_line": msg.line,
            ACCOUNT_ID: sender,
            TIMESTAMP: when,
            KIND: "post",
            PLATFORM: "whatsapp",
            TEXT: text.translate(_MARKS) or None,
            MEDIA_HASHES: None,
            CHAT: msg.chat,
            PLACEHOLDER: placeholder,
            "attachment": attachment,
            "_raw": "\n".join([msg.text, *msg.extra]),
            "_phone": phone,
            CALLING_CODE: _calling_code(sender) if phone else None,
        })
    return rows


def _calling_code(number: str) -> str | None:
    text = number.strip().lstrip("+")
    first = re.split(r"[\s\-().]", text, maxsplit=1)[0]
    if first.isdigit() and 1 <= len(first) <= 3 and len(first) < len(re.sub(r"\D", "", text)):
        return "+" + first
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    if digits[0] in "17":
        return "+" + digits[0]
    if int(digits[:2]) in _CC2:
        return "+" + digits[:2]
    return "+" + digits[:3]


def _phone_hash(number: str, key: bytes) -> str:
    digits = re.sub(r"\D", "", number)
    return "wa:" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:24]


def _hash_phones(actions: pd.DataFrame, key: bytes | str) -> None:
    secret = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    phones = actions["_phone"].astype(bool)
    actions.loc[phones, ACCOUNT_ID] = [_phone_hash(n, secret)
                                       for n in actions.loc[phones, ACCOUNT_ID]]

    def redact(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return _MENTION.sub(lambda m: "@" + _phone_hash(m.group(1), secret), value)

    for col in (TEXT, "_raw"):
        actions[col] = actions[col].map(redact)


def _action_ids(actions: pd.DataFrame) -> None:
    def part(value: Any) -> str:
        return "" if value is None or (isinstance(value, float) and value != value) \
            else str(value)

    ids = pd.Series(["wa:" + hashlib.blake2b("\x00".join(map(part, values)).encode(),
                                             digest_size=10).hexdigest()
                     for values in zip(actions[CHAT], actions[TIMESTAMP], actions[ACCOUNT_ID],
                                       actions[TEXT], actions["attachment"], strict=True)],
                    index=actions.index)
    # repeats inside one file are distinct messages (two "<Media omitted>" in a minute)
    key = ids + "\x00" + actions["_file"].astype(str)
    occurrence = key.groupby(key, sort=False).cumcount()
    actions[ACTION_ID] = [i if n == 0 else f"{i}#{n + 1}" for i, n in zip(ids, occurrence,
                                                                           strict=True)]


def _accounts(actions: pd.DataFrame) -> pd.DataFrame:
    first = actions.drop_duplicates(ACCOUNT_ID)
    phone = first[CALLING_CODE].notna()
    return pd.DataFrame({
        ACCOUNT_ID: first[ACCOUNT_ID].to_numpy(),
        PLATFORM: "whatsapp",
        HANDLE: first[ACCOUNT_ID].to_numpy(),
        DISPLAY_NAME: [None if p else a for a, p in zip(first[ACCOUNT_ID], phone,
                                                        strict=True)],
        CALLING_CODE: first[CALLING_CODE].to_numpy(),
    })

