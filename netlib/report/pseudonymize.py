"""Keyed pseudonyms (HMAC-SHA256) in place of account ids, handles and display names."""

from __future__ import annotations

import copy
import dataclasses
import functools
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

__all__ = ["pseudonym", "pseudonymize_tables", "pseudonymize_analysis", "withhold_inputs"]

#: Columns whose whole value is an identity (account id, handle or name).
_ID_COLUMNS = (ACCOUNT_ID, ACCOUNT_ID_Y, PREDECESSOR_ID, SUCCESSOR_ID, SOURCE_ID, TARGET_ID,
               AMPLIFIER_ID, AMPLIFIED_ID, LINEAGE_HEAD, MATCHED_ACCOUNT_IDS, MIRROR_OF,
               SUCCESSORS, "submitter_id")
_IDENTITY_COLUMNS = {*_ID_COLUMNS, HANDLE, HANDLE_NORM, DISPLAY_NAME}
#: Columns holding space-separated lists of identities (triage output).
_IDENTITY_LIST_COLUMNS = {MATCHED_ACCOUNT_IDS, MATCHED_HANDLES, MIRROR_OF, SUCCESSORS,
                          "members", "accounts", "submitters", "target", "target_label"}
_MIN_FREE_TEXT = 3  # shorter identifiers are replaced only as whole cells
#: Load-report columns: ``value`` holds the offending cell of the input column ``column``.
_ISSUE_COLUMN, _ISSUE_VALUE = "column", "value"
#: Rejected records kept as raw text (:attr:`netlib.LoadReport.rejected`).
_RAW = "_raw"
#: What a pseudonymised run shows for a whole rejected record: it may hold handles, names
#: and ids of a row that never loaded, which no list of known identities can catch.
_WITHHELD_RECORD = "(record withheld: pseudonymised run)"


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _fold(text: str) -> str:
    """Case-folded ``text`` of the same length, character for character.

    ``str.lower`` and ``str.casefold`` can change the length (``"İ".lower()`` is two
    characters), so positions found in the folded text would not fit the original; here a
    character whose fold is longer than one character is kept as it is.
    """
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


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
                        self.lookup[_fold(variant)] = alias
        terms = [t for t in self.lookup if len(t) >= _MIN_FREE_TEXT]
        self.pattern = None
        if terms:
            # Matched on the folded text (same length), replaced in the original.
            self.pattern = re.compile(r"(?<!\w)" + _trie_pattern(sorted(terms)) + r"(?!\w)")

    def _free_text(self, value: str) -> str:
        if self.pattern is None:
            return value
        pieces, last = [], 0
        for match in self.pattern.finditer(_fold(value)):
            start, end = match.span()
            pieces += [value[last:start], self.lookup[match.group(0)]]
            last = end
        if not pieces:
            return value
        pieces.append(value[last:])
        return "".join(pieces)

    def text(self, value: Any, *, whole: bool = False) -> Any:
        if not isinstance(value, str) or not value:
            return value
        hit = self.lookup.get(_fold(value.strip()))
        if hit is not None and (whole or len(value.strip()) >= _MIN_FREE_TEXT):
            return hit
        if whole:
            text = _fold(value.strip().lstrip("@").strip())
            if text in self.lookup:
                return self.lookup[text]
        return self._free_text(value)

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
            if col == _ISSUE_VALUE and _ISSUE_COLUMN in out:
                out[col] = [v if _missing(v) else self.issue_value(cell_text(v), c)
                            for v, c in zip(series, out[_ISSUE_COLUMN], strict=True)]
            elif col == _RAW:
                out[col] = series.map(lambda v: _WITHHELD_RECORD, na_action="ignore")
            elif col in _IDENTITY_LIST_COLUMNS:
                out[col] = series.map(self.tokens, na_action="ignore")
            elif series.dtype == object or pd.api.types.is_string_dtype(series):
                whole = col in _IDENTITY_COLUMNS
                out[col] = series.map(lambda v, w=whole: self.text(cell_text(v), whole=w),
                                      na_action="ignore")
        return out

    def issue_value(self, value: str, column: Any) -> str:
        """A load-report value: an identity when its column is one; a whole record withheld."""
        if _missing(column) or not str(column).strip():
            return _WITHHELD_RECORD
        return self.text(value, whole=column in _IDENTITY_COLUMNS)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _identities(dataset: Dataset | None, tables: Iterable[pd.DataFrame | None] = ()):
    ids, handles, names = set(), set(), set()
    frames = list(tables)
    if dataset is not None:
        frames = [dataset.accounts, dataset.actions, dataset.follows, *frames]
        report = getattr(dataset, "report", None)
        if report is not None:
            # Rejected rows survive only in the load report (an action by an account that
            # is not in accounts.csv): their identities must be hidden too.
            frames.append(report.issues_frame())
            # Rejected rows that could be split into fields name their account too.
            frames += list(getattr(report, "rejected", {}).values())
    for frame in frames:
        if frame is None:
            continue
        if _ISSUE_COLUMN in frame and _ISSUE_VALUE in frame:
            kinds = frame[_ISSUE_COLUMN].astype(str)
            values = frame[_ISSUE_VALUE]
            for col, bucket in ((HANDLE, handles), (HANDLE_NORM, handles),
                                (DISPLAY_NAME, names)):
                bucket.update(str(v) for v in values[kinds == col].dropna())
            for value in values[kinds.isin(_ID_COLUMNS)].dropna():
                ids.update(str(value).split())
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
    out = {name: engine.frame(frame) for name, frame in tables.items()}
    files = _file_aliases(dataset)
    for name, frame in out.items():
        if files and frame is not None and "file" in frame and _ISSUE_VALUE in frame:
            out[name] = frame.assign(file=frame["file"].map(lambda f: files.get(f, f)))
    return out


def _file_aliases(dataset: Dataset | None) -> dict[str, str]:
    """Input file name -> ``(<table> file)``: file names can name people too."""
    report = getattr(dataset, "report", None)
    return {info["file"]: f"({table} file)"
            for table, info in getattr(report, "files", {}).items()
            if isinstance(info, dict) and info.get("file")}


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


#: What a pseudonymised copy says about where its data came from (paths name people and cases).
_WITHHELD_SOURCE = "input withheld (pseudonymised run)"


def withhold_inputs(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a provenance record without the input's path and file names.

    A folder or file name often names a person or a case, so a pseudonymised run records
    only that its input was withheld, and how many of the readers' notes were left out
    (they may name files and chats); the files' SHA-256 sums and the dataset fingerprint
    still identify the exact input for whoever holds it.
    """
    out = dict(provenance)
    if "source" in out:
        out["source"] = _WITHHELD_SOURCE
    notes = out.get("load_notes")
    if isinstance(notes, list | tuple) and notes:
        # the readers' notes name files, chats and channels
        out["load_notes"] = [f"({len(notes)} notes on how the input was read withheld: they "
                             "may name its files, chats or channels)"]
    files = out.get("input_files")
    if isinstance(files, Mapping):
        out["input_files"] = {table: {**info, "file": f"({table} file)"}
                              if isinstance(info, Mapping) else info
                              for table, info in files.items()}
    return out


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
    extra = [getattr(analysis, "triage", None),
             getattr(getattr(analysis, "triage", None), "campaigns", None)]
    for result in results:
        if result is not None:
            extra += [v for v in vars(result).values() if isinstance(v, pd.DataFrame)]
    ids, handles, names = _identities(dataset, extra)
    engine = _Pseudonymizer(key, ids=ids, handles=handles, names=names)
    clone = copy.copy(analysis)
    report = copy.deepcopy(dataset.report)
    aliases = _file_aliases(dataset)
    if report is not None:
        report.issues = [dataclasses.replace(
            issue, file=aliases.get(issue.file, issue.file),
            value=None if issue.value is None else engine.issue_value(issue.value, issue.column))
            for issue in report.issues]
        report.rejected = {table: engine.frame(frame) for table, frame in report.rejected.items()}
        report.notes = []  # free text that may name files and chats (see withhold_inputs)
    for info in getattr(report, "files", {}).values():
        if isinstance(info, dict) and info.get("file") in aliases:
            info["file"] = aliases[info["file"]]
    data = Dataset(accounts=engine.frame(dataset.accounts), actions=engine.frame(dataset.actions),
                   follows=engine.frame(dataset.follows), report=report,
                   source=_WITHHELD_SOURCE)
    triage = engine.frame(getattr(analysis, "triage", None))
    campaigns = getattr(getattr(analysis, "triage", None), "campaigns", None)
    if triage is not None and isinstance(campaigns, pd.DataFrame):
        triage.campaigns = engine.frame(campaigns)  # the complaint campaigns it carries
    updates = {"dataset": data, "triage": triage,
               "params": engine.value(dict(getattr(analysis, "params", {}) or {})),
               "provenance": engine.value(
                   withhold_inputs(dict(getattr(analysis, "provenance", {}) or {}))),
               "_pseudonymized": True}
    for name, result in zip(("coordination", "mirrors", "hubs"), results, strict=True):
        updates[name] = _replace_frames(result, engine)
    for name, value in updates.items():
        object.__setattr__(clone, name, value)
    return clone
