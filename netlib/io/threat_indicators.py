"""Reader for Meta's threat-indicator files (github.com/facebook/threat-research).

Two CSV schemas are published (also as TSV and JSON; the older lists also as STIX 1.x
XML):

* the older IOC lists: ``indicator_type, indicator_value, comment, ds`` with types
  ``domain_name``, ``md5``, ``ip``...;
* the kill-chain tables: ``Tactic, Technique, Procedure, Indicator, Notes`` (header
  quirks seen in the wild: ``"Tactic "`` with a trailing space, ``Commernts``, cells with
  newlines), where ``Indicator`` mixes defanged indicators (``x[.]com``, ``hxxp://``),
  counts (``23 Accounts``) and prose.

Since H2 2025 each network also has a Markdown page whose IOC table reads
``| Indicator Type | Indicator Value |`` (values in back-ticks, defanged); a page whose
network has no indicators says so in prose and is reported as such.

:func:`read_threat_indicators` refangs the indicators, classifies them (``profile``,
``url``, ``domain``, ``ip``, ``md5``/``sha1``/``sha256``, ``text``) and returns the
watch-list shape of :func:`netlib.io.watchlist.watchlist_frame`, so the file can be passed
wherever a watch list is taken: social-media profile links become ``handle`` (or
``account_id`` for ids such as YouTube ``channel/UC...``) with their ``platform``; other
indicators keep an empty handle and carry ``url``/``domain``/``indicator`` columns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from defusedxml import ElementTree

from netlib.errors import DataFormatError
from netlib.io._files import read_table
from netlib.io.watchlist import NOTE, RECEIVED_AT, watchlist_frame
from netlib.loadreport import LoadReport
from netlib.schema import ACCOUNT_ID, HANDLE, PLATFORM

__all__ = ["read_threat_indicators", "looks_like_threat_indicators", "refang",
           "INDICATOR", "INDICATOR_TYPE"]

INDICATOR = "indicator"
INDICATOR_TYPE = "indicator_type"
_KILLCHAIN = {"tactic", "technique", "procedure", "indicator"}
_IOC = {"indicator_type", "indicator_value"}
_NOTE_COLUMNS = ("notes", "note", "comments", "commernts", "comment")
_PROFILE_HOSTS = {
    "x.com": "x", "twitter.com": "x", "facebook.com": "facebook", "fb.com": "facebook",
    "instagram.com": "instagram", "youtube.com": "youtube", "t.me": "telegram",
    "telegram.me": "telegram", "tiktok.com": "tiktok", "threads.net": "threads",
}
_NOT_HANDLES = {"p", "reel", "watch", "share", "status", "groups", "pages", "profile.php",
                "hashtag", "explore", "search", "intent", "home", "i"}
_HASHES = {32: "md5", 40: "sha1", 64: "sha256"}
_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
_IP_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_MD_HEADER = re.compile(r"^\|\s*indicator type\s*\|\s*indicator value\s*\|", re.IGNORECASE)
_MD_TYPES = {"domain": "domain", "domain name": "domain", "url": "url", "ip": "ip",
             "ip address": "ip", "md5": "md5", "sha1": "sha1", "sha256": "sha256"}
_STIX1 = "http://stix.mitre.org/stix-1"


def refang(value: str) -> str:
    """Undo defanging: ``x[.]com`` -> ``x.com``, ``hxxps[:]//`` -> ``https://``.

    Examples
    --------
    >>> refang("hxxps://bit[.]ly/39roCMd ")
    'https://bit.ly/39roCMd'
    """
    text = str(value).strip()
    text = re.sub(r"[\[({]\s*(\.|dot)\s*[\])}]", ".", text, flags=re.IGNORECASE)
    text = re.sub(r"[\[({]\s*:\s*[\])}]", ":", text)
    text = re.sub(r"^hxxp", "http", text, flags=re.IGNORECASE)
    text = re.sub(r"^(https?)\[?:\]?//", r"\1://", text, flags=re.IGNORECASE)
    return text.split()[0] if text.split() else ""


def _classify(value: str, given: str | None) -> tuple[str, dict[str, str]]:
    """(indicator type, extra fields) of a refanged indicator."""
    low = value.lower()
    if given:
        given = given.strip().lower()
        if given in ("domain_name", "domain"):
            return "domain", {"domain": low}
        if given in ("ip", "ip_address", "ipv4"):
            return "ip", {}
        if given in ("md5", "sha1", "sha256"):
            return given, {}
        if given in ("url", "uri"):
            return _classify(value, None)
    if re.match(r"^https?://", low):
        parts = urlsplit(value)
        host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
        fields = {"url": value, "domain": host}
        platform = _PROFILE_HOSTS.get(host)
        segments = [s for s in parts.path.split("/") if s]
        if platform and segments and segments[0].lower() not in _NOT_HANDLES:
            if platform == "youtube" and segments[0] in ("channel", "c", "user") \
                    and len(segments) > 1:
                return "profile", {**fields, PLATFORM: platform, ACCOUNT_ID: segments[1]}
            return "profile", {**fields, PLATFORM: platform,
                               HANDLE: segments[0].lstrip("@")}
        return "url", fields
    if _IP_RE.match(low):
        return "ip", {}
    if re.fullmatch(r"[0-9a-f]+", low) and len(low) in _HASHES:
        return _HASHES[len(low)], {}
    if _DOMAIN_RE.match(low):
        return "domain", {"domain": low}
    return "text", {}


def looks_like_threat_indicators(path: str | Path) -> bool:
    """True for a CSV/TSV/JSON file with Meta's indicator columns (either schema)."""
    path = Path(path)
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(4096)
    if suffix == ".json":
        return '"indicator_value"' in head and '"indicator_type"' in head
    if suffix == ".xml":
        return _STIX1 in head and "STIX_Package" in head
    if suffix == ".md":
        return head.lstrip().lower().startswith("# indicators of compromise") or any(
            _MD_HEADER.match(line.strip()) for line in head.splitlines())
    if suffix not in (".csv", ".tsv", ".txt"):
        return False
    first = head.splitlines()[0] if head else ""
    names = {c.strip().strip('"').lower() for c in re.split(r"[,\t]", first)}
    return _IOC <= names or _KILLCHAIN <= names


def read_threat_indicators(path: str | Path, *, include_text: bool = False) -> pd.DataFrame:
    """Read a Meta threat-indicator file as a watch list.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.tsv`` or ``.json`` in either of Meta's schemas, a STIX 1.x ``.xml``
        package of the older lists, or a network's Markdown IOC page (``.md``).
    include_text : bool
        Also return rows whose ``Indicator`` cell is prose or a count ("23 Accounts"),
        as entries of type ``text`` with an empty handle. By default they are left out;
        how many is in ``frame.attrs["left_out"]`` (by reason) and ``attrs["notes"]``.

    Returns
    -------
    DataFrame
        The watch-list columns ``entry, handle, account_id, platform, received_at,
        note``, then ``indicator_type`` (``profile``, ``url``, ``domain``, ``ip``,
        ``md5``, ``sha1``, ``sha256``, ``text``), ``indicator`` (refanged),
        ``indicator_raw`` (as published), ``url``, ``domain``, ``tactic``,
        ``technique``, ``procedure`` and ``row`` (the data row in the file).

    Raises
    ------
    DataFormatError
        If the file is missing, empty, or has neither schema's columns (the kill-chain
        TTP index without an ``Indicator`` column, for example), if an XML file is not a
        STIX 1.x package, or if a Markdown page has no IOC table (a network published
        without indicators).

    Examples
    --------
    >>> entries = read_threat_indicators("Q1_2023_Patchwork_APT.csv")  # doctest: +SKIP
    >>> entries[entries["indicator_type"] == "profile"][["handle", "platform"]]  # doctest: +SKIP
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DataFormatError(f"{path}: file not found (expected a Meta threat-indicator file)")
    if path.suffix.lower() == ".json":
        try:
            records = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as err:
            raise DataFormatError(f"{name}: not valid JSON ({err})") from err
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataFormatError(f"{name}: expected a list of indicator objects")
        raw = pd.DataFrame(records).astype("string").fillna("")
    elif path.suffix.lower() == ".xml":
        raw = _stix1_rows(path)
    elif path.suffix.lower() == ".md":
        raw = _markdown_rows(path)
    else:
        raw = read_table(path, LoadReport(format="threat_indicators"))
    raw.columns = [str(c).strip().lstrip("\ufeff").lower() for c in raw.columns]
    if _IOC <= set(raw.columns):
        value, given = raw["indicator_value"], raw["indicator_type"]
    elif _KILLCHAIN <= set(raw.columns):
        value, given = raw["indicator"], pd.Series("", index=raw.index)
    else:
        raise DataFormatError(
            f"{name}: no indicator column (found: {', '.join(raw.columns) or '(none)'}; "
            "expected indicator_type, indicator_value or Tactic, Technique, Procedure, "
            "Indicator)")
    note_col = next((c for c in _NOTE_COLUMNS if c in raw.columns), None)
    rows, left_out = [], {"empty": 0, "text": 0}
    for index in raw.index:
        published = str(value[index])
        indicator = refang(published)
        if not indicator:
            left_out["empty"] += 1
            if not include_text:
                continue
        kind, fields = _classify(indicator, str(given[index]) or None) if indicator \
            else ("text", {})
        if kind == "text" and indicator:
            left_out["text"] += 1
            if not include_text:
                continue
        rows.append({
            HANDLE: fields.get(HANDLE, ""), ACCOUNT_ID: fields.get(ACCOUNT_ID, ""),
            PLATFORM: fields.get(PLATFORM, ""),
            RECEIVED_AT: raw["ds"][index] if "ds" in raw.columns else "",
            NOTE: " ".join(str(raw[note_col][index]).split()) if note_col else "",
            INDICATOR_TYPE: kind,
            INDICATOR: indicator if kind != "text" else " ".join(published.split()),
            "indicator_raw": published,
            "url": fields.get("url", ""), "domain": fields.get("domain", ""),
            **{c: " ".join(str(raw[c][index]).split()) if c in raw.columns else ""
               for c in ("tactic", "technique", "procedure")},
            "row": int(index) + 1,
        })
    columns = [HANDLE, ACCOUNT_ID, PLATFORM, RECEIVED_AT, NOTE, INDICATOR_TYPE, INDICATOR,
               "indicator_raw", "url", "domain", "tactic", "technique", "procedure", "row"]
    frame = watchlist_frame(pd.DataFrame(rows, columns=columns), source=name)
    frame.attrs["left_out"] = {} if include_text else left_out
    notes = [f"{name}: {len(raw):,} rows, {len(frame):,} indicators"]
    if not include_text and any(left_out.values()):
        notes.append(f"{left_out['text']:,} rows hold prose or counts, not an indicator, and "
                     f"{left_out['empty']:,} are empty; left out (include_text=True keeps "
                     "the prose)")
    frame.attrs["notes"] = notes
    return frame


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _stix1_rows(path: Path) -> pd.DataFrame:
    """The indicators of a STIX 1.x package as the IOC schema's columns.

    Each ``Indicator`` holds one CybOX observable: a ``DomainNameObj:Value``, an
    ``AddressObj:Address_Value``, a ``URIObj:Value`` or a file hash
    (``cyboxCommon:Simple_Hash_Value`` with its ``Type``). ``comment`` is the
    indicator's ``Title``; ``ds`` the date of its ``timestamp``.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as err:
        raise DataFormatError(f"{path.name}: not valid XML ({err})") from err
    if _local(root.tag) != "STIX_Package" or not root.tag.startswith(f"{{{_STIX1}"):
        raise DataFormatError(f"{path.name}: not a STIX 1.x package (root element "
                              f"{_local(root.tag)!r}; expected stix:STIX_Package)")
    rows = []
    for indicator in root.iter(f"{{{_STIX1}}}Indicator"):
        title, kind, value = "", "", ""
        for element in indicator.iter():
            name = _local(element.tag)
            text = (element.text or "").strip()
            if name == "Title" and not title:
                title = text
            elif name == "Value" and "DomainNameObject" in element.tag:
                kind, value = "domain_name", text
            elif name == "Value" and "URIObject" in element.tag:
                kind, value = "url", text
            elif name == "Address_Value":
                kind, value = "ip", text
            elif name == "Type" and "common" in element.tag.lower():
                kind = text.lower()  # the hash's name: MD5, SHA256...
            elif name == "Simple_Hash_Value":
                value = text
        stamp = pd.to_datetime(indicator.get("timestamp"), utc=True, errors="coerce")
        rows.append({"indicator_type": kind, "indicator_value": value, "comment": title,
                     "ds": stamp.strftime("%Y-%m-%d") if pd.notna(stamp) else ""})
    return pd.DataFrame(rows, columns=["indicator_type", "indicator_value", "comment", "ds"])


def _markdown_rows(path: Path) -> pd.DataFrame:
    """The IOC table of a network's Markdown page as the IOC schema's columns."""
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if _MD_HEADER.match(line.strip())), None)
    if start is None:
        said = next((line.strip("*_ ") for line in lines if "no ioc" in line.lower()), "")
        raise DataFormatError(
            f"{path.name}: no IOC table (expected a '| Indicator Type | Indicator Value |' "
            "table)" + (f"; the page says: {said}" if said else ""))
    rows = []
    for line in lines[start + 1:]:
        line = line.strip()
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("`").strip() for c in line.strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= set(":- "):
            continue  # the alignment row
        rows.append({"indicator_type": _MD_TYPES.get(cells[0].lower(), ""),
                     "indicator_value": cells[1], "comment": cells[0], "ds": ""})
    return pd.DataFrame(rows, columns=["indicator_type", "indicator_value", "comment", "ds"])
