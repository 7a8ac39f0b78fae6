"""Helpers shared by the export readers: file gathering, list cells, ids, text objects.

Nothing here knows about one particular export format; each reader maps its columns to
the interchange columns of :mod:`netlib.schema` and then calls
:func:`netlib.dataset.validate_tables`, so every format goes through the same checks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import add_unparsed as _add_unparsed
from netlib.errors import DataFormatError
from netlib.io._files import check_inside

__all__ = [
    "gather_files", "parse_list_cell", "list_cells_to_space", "snowflake_time",
    "normalize_text_for_object", "text_object_ids", "extract_hashtags", "extract_urls",
    "SNOWFLAKE_EPOCH_MS", "add_unparsed", "files_label",
]

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in ms since the Unix epoch.
SNOWFLAKE_EPOCH_MS = 1288834974657
#: Ids above this are snowflakes (sequential user ids stayed far below it).
_SNOWFLAKE_MIN = 2 ** 40

#: "http(s)://..." or "www...." in any case. The letters' cases are spelled out: the same
#: matches as re.IGNORECASE (which also lets "s" match the long s, U+017F), found faster.
_URL_RE = re.compile(r"[hH][tT][tT][pP][sS\u017f]?://\S+|[wW]{3}\.\S+")
_HASHTAG_RE = re.compile(r"(?<![\w&])[#＃](\w+)", re.UNICODE)
_RT_PREFIX_RE = re.compile(r"^\s*RT\s+@\w+:?\s*", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_SIMPLE_ITEM = r"""(?:'[^'",\s\\]+'|"[^'",\s\\]+"|[^'",\s\[\]\\]+)"""
_SIMPLE_LIST_RE = rf"\[\s*{_SIMPLE_ITEM}(?:\s*,\s*{_SIMPLE_ITEM})*\s*\]"
_LIST_ITEM_RE = re.compile(
    r"""\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(?:,|$)""")


def gather_files(paths: Any, patterns: Iterable[str], *, what: str) -> list[Path]:
    """Expand a file, a folder (searched recursively) or a list of either into files.

    Raises
    ------
    DataFormatError
        If a path does not exist, no file matching ``patterns`` is found, or a file found
        in a folder is a symbolic link to somewhere outside that folder.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if not path.exists():
            raise DataFormatError(f"{path}: no such file or folder")
        if path.is_dir():
            for pattern in patterns:
                inside = sorted(p for p in path.rglob(pattern) if p.is_file())
                for file in inside:  # a symlink out of the folder is refused, not followed
                    check_inside(file, path, str(file.relative_to(path)))
                found.extend(inside)
        else:
            found.append(path)
    unique = list(dict.fromkeys(found))
    if not unique:
        raise DataFormatError(f"{', '.join(map(str, paths))}: no {what} files found "
                              f"(looked for {', '.join(patterns)})")
    return unique


def files_label(files: list[Path], noun: str) -> str:
    """How the load report names what was read: the file's name, or ``"<n> <noun>"``.

    Examples
    --------
    >>> files_label([Path("a.csv")], "tweet files"), files_label([Path("a"), Path("b")], "files")
    ('a.csv', '2 files')
    """
    return files[0].name if len(files) == 1 else f"{len(files):,} {noun}"


def parse_list_cell(value: Any) -> list[str]:
    """Parse a list written as text, without evaluating it.

    Accepts Python/JSON-looking lists (``"['a', 'b']"``, ``'["a","b"]'``, ``"[a, b]"``),
    and bare comma- or space-separated values. Quotes are removed, simple backslash
    escapes undone, empty items dropped.

    Examples
    --------
    >>> parse_list_cell("['nato', 'Ukraine']")
    ['nato', 'Ukraine']
    >>> parse_list_cell("[]")
    []
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    elif ("," not in text or "://" in text) and not text.startswith(("'", '"')):
        return text.split()
    out = []
    for single, double, bare in _LIST_ITEM_RE.findall(text):
        item = single or double
        if item:
            item = re.sub(r"\\(.)", r"\1", item)
        else:
            item = bare.strip()
            if item.lower() in ("none", "null", "nan"):
                item = ""
        if item:
            out.append(item)
    return out


def list_cells_to_space(values: pd.Series, *, strip_hash: bool = False) -> pd.Series:
    """Turn a column of list-looking cells into the interchange's space-separated lists.

    Whitespace inside an item is replaced by ``_`` so that the item survives splitting.
    """
    def convert(cell: Any) -> str | None:
        items = parse_list_cell(cell)
        if strip_hash:
            items = [i.lstrip("#") for i in items]
        items = [_SPACE_RE.sub("_", i.strip()) for i in items if i.strip()]
        return " ".join(items) if items else None

    text = values.astype("string").str.strip()
    out = pd.Series(None, index=values.index, dtype=object)
    empty = text.isna() | text.isin(["", "[]"])
    # fast path: ['a', 'b'] with plain items (no quotes, commas, spaces or escapes inside)
    simple = ~empty & text.str.fullmatch(_SIMPLE_LIST_RE).fillna(False).astype(bool)
    if simple.any():
        fast = (text[simple].str.slice(1, -1).str.replace(r"['\"]", "", regex=True)
                .str.replace(r"\s*,\s*", " ", regex=True).str.strip())
        if strip_hash:
            fast = fast.str.replace(r"(^| )#+", r"\1", regex=True)
        out[simple] = fast.where(fast != "", None).astype(object)
    rest = ~empty & ~simple
    if rest.any():  # parse each distinct cell once
        distinct = text[rest].unique()
        lookup = {cell: convert(cell) for cell in distinct}
        out[rest] = text[rest].map(lookup).astype(object)
    return out


def snowflake_time(ids: pd.Series) -> pd.Series:
    """Creation time encoded in Twitter snowflake ids; ``NaT`` where an id is not one.

    A snowflake's top 42 bits are milliseconds since :data:`SNOWFLAKE_EPOCH_MS`. Ids at or
    below ``2**40`` (old sequential ids), non-numeric ids and rounded ids are left ``NaT``.

    Examples
    --------
    >>> snowflake_time(pd.Series(["905874659358453760"])).iloc[0]
    Timestamp('2017-09-07 19:25:23.785000+0000', tz='UTC')
    """
    text = ids.astype("string").str.strip()
    text = text.str.replace(r"\.0+$", "", regex=True)
    ok = text.str.fullmatch(r"\d{13,20}").fillna(False).astype(bool)
    ok &= ~text.str.endswith("000000").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns, UTC]")
    if not ok.any():
        return out
    values = np.array([int(v) for v in text[ok]], dtype=object)
    big = np.array([v > _SNOWFLAKE_MIN and v < 2 ** 63 for v in values], dtype=bool)
    idx = text[ok].index[big]
    millis = np.array([(int(v) >> 22) + SNOWFLAKE_EPOCH_MS for v in values[big]],
                      dtype="int64")
    out.loc[idx] = pd.to_datetime(millis, unit="ms", utc=True).as_unit("ns")
    return out


def normalize_text_for_object(text: pd.Series) -> pd.Series:
    """Normalise post text so that copies of one original compare equal.

    Steps: Unicode NFKC; drop a leading ``RT @name:``; remove URLs (shorteners such as
    t.co differ per copy); fold case; collapse whitespace; strip surrounding quotes.
    """
    def norm(value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        out = unicodedata.normalize("NFKC", str(value))
        out = _RT_PREFIX_RE.sub("", out)
        # the URL pattern is searched only where one can start (most posts have none)
        if "://" in out or "www." in out.lower():
            out = _URL_RE.sub(" ", out)
        # split() cuts at the whitespace ``\s`` matches: the runs collapsed, ends stripped
        out = " ".join(out.casefold().split())
        return out.strip("'\"“”‘’ ")

    return text.map(norm).astype(object)


def text_object_ids(text: pd.Series, *, prefix: str = "text:") -> pd.Series:
    """A stable object id per normalised text: ``prefix`` + 20 hex digits of BLAKE2b.

    Empty normalised text gives ``None`` (there is nothing to share).
    """
    normed = normalize_text_for_object(text)
    return normed.map(lambda t: prefix + hashlib.blake2b(t.encode("utf-8"), digest_size=10)
                      .hexdigest() if t else None).astype(object)


def extract_hashtags(text: pd.Series) -> pd.Series:
    """Hashtags found in text, without ``#``, as a space-separated list (or ``None``)."""
    found = text.astype("string").str.findall(_HASHTAG_RE)
    return found.map(lambda tags: " ".join(tags) if isinstance(tags, list) and tags
                     else None).astype(object)


def extract_urls(text: pd.Series) -> pd.Series:
    """URLs found in text as a space-separated list (or ``None``)."""
    found = text.astype("string").str.findall(_URL_RE)
    return found.map(lambda urls: " ".join(u.rstrip(".,;:!?)\"'") for u in urls)
                     if isinstance(urls, list) and urls else None).astype(object)


def add_unparsed(report: Any, table: str, rows: pd.DataFrame) -> None:
    """Count records that could not even become rows (bad JSON lines...) as rejected rows.

    ``rows`` has ``_file, _row, _reason`` (and optionally ``_raw``); see
    :func:`netlib.dataset.add_unparsed`, which this calls.
    """
    _add_unparsed(report, table, rows)
