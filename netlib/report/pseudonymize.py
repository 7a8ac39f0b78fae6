"""Keyed pseudonyms (HMAC-SHA256) in place of account ids, handles and display names."""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from netlib.dataset import Dataset, normalize_handle
from netlib.errors import ParameterError
from netlib.report._common import cell_text
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    AMPLIFIED_ID,
    AMPLIFIER_ID,
    DISPLAY_NAME,
    HANDLE,
    HANDLE_NORM,
    LINEAGE_HEAD,
    MATCHED_ACCOUNT_IDS,
    MATCHED_HANDLES,
    MIRROR_OF,
    PREDECESSOR_ID,
    SOURCE_ID,
    SUCCESSOR_ID,
    SUCCESSORS,
    TARGET_ID,
)

__all__ = ["pseudonym", "pseudonymize_tables", "pseudonymize_analysis"]

#: Columns whose whole value is an identity (account id, handle or name).
_ID_COLUMNS = (ACCOUNT_ID, ACCOUNT_ID_Y, PREDECESSOR_ID, SUCCESSOR_ID, SOURCE_ID, TARGET_ID,
               AMPLIFIER_ID, AMPLIFIED_ID, LINEAGE_HEAD, MATCHED_ACCOUNT_IDS, MIRROR_OF,
               SUCCESSORS)
_IDENTITY_COLUMNS = {*_ID_COLUMNS, HANDLE, HANDLE_NORM, DISPLAY_NAME}
#: Columns holding space-separated lists of identities (triage output).
_IDENTITY_LIST_COLUMNS = {MATCHED_ACCOUNT_IDS, MATCHED_HANDLES, MIRROR_OF, SUCCESSORS,
                          "members", "accounts"}
_MIN_FREE_TEXT = 3  # shorter identifiers are replaced only as whole cells
_WORD = re.compile(r"\w")


def _key_bytes(key: str | bytes) -> bytes:
    if isinstance(key, bytes):
        raw = key
    elif isinstance(key, str):
        raw = key.encode("utf-8")
    else:
        raise ParameterError(f"pseudonymisation key must be str or bytes, not "
                             f"{type(key).__name__}")
    if not raw:
        raise ParameterError("pseudonymisation key is empty (pass a secret string)")
    return raw


def pseudonym(value: Any, key: str | bytes, *, kind: str = "account") -> str:
    """Keyed pseudonym of one identifier: ``<kind>_`` + 12 hex digits of HMAC-SHA256.

    The pseudonym is a single word (letters, digits, underscore), so it never contains an
    original identifier as a whole word.

    The same key always gives the same pseudonym; without the key the original cannot be
    recovered or linked across differently-keyed outputs. Handles are normalised first
    (``@News`` and ``news`` give the same pseudonym).

    Examples
    --------
    >>> pseudonym("@News", "k", kind="user") == pseudonym("news", "k", kind="user")
    True
    """
    text = normalize_handle(value) if kind == "user" else str(value).strip().casefold()
    digest = hmac.new(_key_bytes(key), f"{kind}\x1f{text}".encode(), hashlib.sha256)
    return f"{kind}_{digest.hexdigest()[:12]}"


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first), built as a trie so it stays fast."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


class _Pseudonymizer:
    """Replaces account ids, handles and display names by keyed pseudonyms, also inside text."""

    def __init__(self, key: str | bytes, *, ids: Iterable[Any] = (), handles: Iterable[Any] = (),
                 names: Iterable[Any] = ()):
        self.key = _key_bytes(key)
        self.lookup: dict[str, str] = {}
        for kind, values in (("name", names), ("user", handles), ("account", ids)):
            for value in values:
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                text = str(value).strip()
                if not text:
                    continue
                alias = pseudonym(text, self.key, kind=kind)
                variants = {text, text.lstrip("@")}
                if kind == "user":
                    variants.add(normalize_handle(text))
                for variant in variants:
                    if variant:
                        self.lookup[variant.lower()] = alias
        terms = [t for t in self.lookup if len(t) >= _MIN_FREE_TEXT]
        self.pattern = None
        if terms:
            self.pattern = re.compile(r"(?<!\w)" + _trie_pattern(sorted(terms)) + r"(?!\w)",
                                      re.IGNORECASE)

    def _sub(self, match: re.Match) -> str:
        return self.lookup.get(match.group(0).lower(), match.group(0))

    def text(self, value: Any, *, whole: bool = False) -> Any:
        if not isinstance(value, str) or not value:
            return value
        hit = self.lookup.get(value.strip().lower())
        if hit is not None and (whole or len(value.strip()) >= _MIN_FREE_TEXT):
            return hit
        if whole:
            text = value.strip().lstrip("@").strip().lower()
            if text in self.lookup:
                return self.lookup[text]
        return self.pattern.sub(self._sub, value) if self.pattern is not None else value

    def tokens(self, value: Any) -> Any:
        """Each whitespace-separated token replaced as a whole identity when known."""
        if isinstance(value, (list, tuple, set)):
            return type(value)(self.text(str(v), whole=True) for v in value)
        if not isinstance(value, str):
            return value
        return re.sub(r"[^\s()]+", lambda m: self.text(m.group(0), whole=True), value)

    def frame(self, frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        out = frame.copy()
        for col in out.columns:
            series = out[col]
            if isinstance(series.dtype, pd.CategoricalDtype):
                series = series.astype(object)
            if col in _IDENTITY_LIST_COLUMNS:
                out[col] = series.map(self.tokens, na_action="ignore")
            elif series.dtype == object or pd.api.types.is_string_dtype(series):
                whole = col in _IDENTITY_COLUMNS
                out[col] = series.map(lambda v, w=whole: self.text(cell_text(v), whole=w),
                                      na_action="ignore")
        return out

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value


def _identities(dataset: Dataset | None, tables: Iterable[pd.DataFrame | None] = ()):
    ids, handles, names = set(), set(), set()
    frames = list(tables)
    if dataset is not None:
        frames = [dataset.accounts, dataset.actions, dataset.follows, *frames]
    for frame in frames:
        if frame is None:
            continue
        for col in _ID_COLUMNS:
            if col in frame:
                for value in frame[col].dropna():
                    ids.update(str(value).split())
        for col, bucket in ((HANDLE, handles), (DISPLAY_NAME, names)):
            if col in frame:
                bucket.update(str(v) for v in frame[col].dropna())
    return ids, handles, names


def pseudonymize_tables(tables: Mapping[str, pd.DataFrame], key: str | bytes,
                        dataset: Dataset | None = None) -> dict[str, pd.DataFrame]:
    """Replace handles, display names and account ids by keyed pseudonyms in every table.

    Identity columns (``account_id``, ``handle``, ``display_name``, ``predecessor_id``...)
    are replaced whole; every other text column (bios, posts, URLs, evidence sentences,
    watch-list notes) has each occurrence of a known identifier replaced, case-insensitively
    and with or without a leading ``@``. Identifiers are collected from ``dataset`` and from
    the identity columns of the tables themselves (so a watch-list handle that matched nothing
    is hidden too). Numbers, times and other ids (clusters, chains, actions) are unchanged.

    Parameters
    ----------
    tables : mapping of str to DataFrame
    key : str or bytes
        The secret; the same key gives the same pseudonyms (see :func:`pseudonym`).
    dataset : Dataset, optional
        Source of the identifiers to hide (recommended).

    Returns
    -------
    dict of str to DataFrame
        New tables; the inputs are not modified.

    Raises
    ------
    ParameterError
        If the key is empty or not a string/bytes.
    """
    ids, handles, names = _identities(dataset, tables.values())
    engine = _Pseudonymizer(key, ids=ids, handles=handles, names=names)
    return {name: engine.frame(frame) for name, frame in tables.items()}


def _replace_frames(obj: Any, engine: _Pseudonymizer) -> Any:
    if obj is None:
        return None
    clone = copy.copy(obj)
    attrs = vars(obj) if hasattr(obj, "__dict__") else {}
    for name, value in attrs.items():
        if isinstance(value, pd.DataFrame):
            new = engine.frame(value)
        elif isinstance(value, Mapping) and name in ("params",):
            new = engine.value(value)
        else:
            continue
        object.__setattr__(clone, name, new)
    return clone


def pseudonymize_analysis(analysis: Any, key: str | bytes) -> Any:
    """A copy of an analysis whose dataset, results and triage carry only pseudonyms.

    Render it with ``write_report(..., pseudonymized=True)`` and export it with
    :func:`export_graph`; its ``tables()`` (if any) then also hold only pseudonyms.

    Raises
    ------
    ParameterError
        If the key is empty or not a string/bytes.
    """
    dataset = analysis.dataset
    results = [getattr(analysis, n, None) for n in ("coordination", "mirrors", "hubs")]
    extra = [getattr(analysis, "triage", None)]
    for result in results:
        if result is not None:
            extra += [v for v in vars(result).values() if isinstance(v, pd.DataFrame)]
    ids, handles, names = _identities(dataset, extra)
    engine = _Pseudonymizer(key, ids=ids, handles=handles, names=names)
    clone = copy.copy(analysis)
    data = Dataset(accounts=engine.frame(dataset.accounts), actions=engine.frame(dataset.actions),
                   follows=engine.frame(dataset.follows), report=dataset.report,
                   source=str(engine.text(str(dataset.source))))
    updates = {"dataset": data, "triage": engine.frame(getattr(analysis, "triage", None)),
               "params": engine.value(dict(getattr(analysis, "params", {}) or {})),
               "provenance": engine.value(dict(getattr(analysis, "provenance", {}) or {})),
               "_pseudonymized": True}
    for name, result in zip(("coordination", "mirrors", "hubs"), results, strict=True):
        updates[name] = _replace_frames(result, engine)
    for name, value in updates.items():
        object.__setattr__(clone, name, value)
    return clone
