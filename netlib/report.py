"""Saving figures and tables, pseudonymisation, the HTML briefing and the Gephi export.

Notebooks call :func:`setup_notebook` once and :func:`save_figure` for every static
figure, so figures land in ``figures/`` under stable names.

The analysis pipeline calls :func:`write_tables` (CSV files safe to open in a spreadsheet),
:func:`pseudonymize_tables` / :func:`pseudonymize_analysis` (keyed pseudonyms instead of
handles, names and ids), :func:`write_report` (one self-contained offline HTML file) and
:func:`export_graph` (GraphML and GEXF for Gephi).

Text from the data is hostile until proven otherwise: every value that reaches the HTML is
escaped, only ``http(s)`` links become clickable, CSV cells that a spreadsheet would run as
a formula are neutralised, and characters that XML cannot hold are replaced.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import html
import json
import math
import os
import platform as _platform
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from netlib.plots import (
    ACCOUNT_ID_Y,
    CHAIN_ID,
    CLUSTER_ID,
    HUB_SCORE,
    POSITION,
    PREDECESSOR_ID,
    Q_VALUE,
    RANK,
    SCORE,
    SUCCESSOR_ID,
    TIME_DELTA,
    TRACE,
    TZ_HIGH,
    TZ_LOW,
    UTC_OFFSET,
    WEIGHT,
    account_labels,
    coordination_edges,
)
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    BIO,
    CREATED_AT,
    DISPLAY_NAME,
    HANDLE,
    HANDLE_NORM,
    KIND,
    OBJECT_ID,
    PLATFORM,
    SOURCE_ID,
    STATUS,
    SUSPENDED_AT,
    TARGET_ID,
    TEXT,
    TIMESTAMP,
    URL,
    Dataset,
    ParameterError,
    normalize_handle,
)
from netlib.triage import CATEGORIES as _TRIAGE_ORDER

__all__ = [
    "setup_notebook", "save_figure", "figures_dir",
    "neutralize_cell", "safe_csv_frame", "write_tables",
    "pseudonym", "pseudonymize_tables", "pseudonymize_analysis",
    "summary", "cluster_cards", "lineage_cards", "timezone_findings", "format_utc_offset",
    "render_report", "write_report", "export_graph", "graphs",
]


def figures_dir() -> Path:
    """Where static figures go: ``$NETLIB_FIGURES`` or ``figures/`` at the project root."""
    env = os.environ.get("NETLIB_FIGURES")
    if env:
        return Path(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "netlib").is_dir():
            return folder / "figures"
    return here / "figures"


def setup_notebook() -> None:
    """Make plotly figures embed in executed notebooks and in their HTML rendering.

    In a headless kernel plotly's default renderer leaves nbconvert's HTML without a
    plot; the ``notebook`` renderer embeds plotly.js once so the report opens offline.
    """
    import plotly.io as pio

    pio.renderers.default = "notebook"


def save_figure(fig, name: str, *, folder: str | Path | None = None, dpi: int = 150) -> Path:
    """Save a matplotlib figure as ``figures/<name>.png`` (deterministic metadata).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        Stable file stem, e.g. ``"00-interaction-graph"``.
    folder : path, optional
        Defaults to :func:`figures_dir`.

    Returns
    -------
    Path of the written file.
    """
    out = Path(folder) if folder is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path


# --- safe CSV export ------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TABLE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def neutralize_cell(value: Any) -> Any:
    """Make one CSV cell inert in spreadsheets.

    A text cell beginning with ``= + - @``, a tab or a carriage return (or their full-width
    forms) is prefixed with a single quote, so Excel/LibreOffice show it as text instead of
    running it as a formula. Plain numbers such as ``-3.5`` are left alone.

    Examples
    --------
    >>> neutralize_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralize_cell("-3.5")
    '-3.5'
    """
    if not isinstance(value, str) or not value or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def _cell_text(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


def safe_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready for CSV: lists joined, UTC times as ISO 8601, formulas neutralised.

    Numeric, boolean and datetime columns are written as values; only text cells are changed.
    """
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[col] = series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_datetime64_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%dT%H:%M:%S")
        elif pd.api.types.is_timedelta64_dtype(series):
            out[col] = series.dt.total_seconds()
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(lambda v: neutralize_cell(_cell_text(v)), na_action="ignore")
    return out


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<name>.csv`` (UTF-8, ``\\n`` line ends, no index, formula-safe).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Table name (the file stem) to table; ``None`` values are skipped.
    out_dir : str or Path
        Created if missing.

    Returns
    -------
    list of Path
        The files written, in the order of ``tables``.

    Raises
    ------
    ParameterError
        If a table name is empty after removing characters unsafe in file names, or two
        names map to the same file.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written, seen = [], set()
    for name, frame in tables.items():
        if frame is None:
            continue
        stem = _TABLE_NAME.sub("_", str(name)).strip("._")
        if not stem:
            raise ParameterError(f"write_tables: table name {name!r} has no usable characters")
        if stem in seen:
            raise ParameterError(f"write_tables: two tables would be written to {stem}.csv")
        seen.add(stem)
        path = folder / f"{stem}.csv"
        safe_csv_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


# --- pseudonymisation -----------------------------------------------------------------------------
#: Columns whose whole value is an identity (account id, handle or name).
_ID_COLUMNS = (ACCOUNT_ID, ACCOUNT_ID_Y, PREDECESSOR_ID, SUCCESSOR_ID, SOURCE_ID, TARGET_ID,
               "amplifier_id", "amplified_id", "lineage_head", "matched_account_ids",
               "mirror_of", "successors")
_IDENTITY_COLUMNS = {*_ID_COLUMNS, HANDLE, HANDLE_NORM, DISPLAY_NAME}
#: Columns holding space-separated lists of identities (triage output).
_IDENTITY_LIST_COLUMNS = {"matched_account_ids", "matched_handles", "mirror_of", "successors",
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
                out[col] = series.map(lambda v, w=whole: self.text(_cell_text(v), whole=w),
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


# --- cards and findings (tidy tables behind the report) ---------------------------------------
def _frame(result: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(result, name, None) if result is not None else None
    return frame if isinstance(frame, pd.DataFrame) else None


def _seconds(values: pd.Series) -> pd.Series:
    if pd.api.types.is_timedelta64_dtype(values):
        return values.dt.total_seconds()
    return pd.to_numeric(values, errors="coerce")


def format_utc_offset(hours: float) -> str:
    """``5 -> "UTC+5"``, ``-3.5 -> "UTC-3:30"``, ``0 -> "UTC±0"``."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "UTC (offset unknown)"
    if hours == 0:
        return "UTC±0"
    sign = "+" if hours > 0 else "-"
    minutes = int(round(abs(float(hours)) * 60))
    text = f"UTC{sign}{minutes // 60}"
    return text + (f":{minutes % 60:02d}" if minutes % 60 else "")


def timezone_findings(analysis: Any) -> pd.DataFrame:
    """One plain sentence per cluster with a time-zone estimate.

    Returns
    -------
    DataFrame
        ``cluster_id, utc_offset_hours, low, high, finding`` where finding reads like
        "activity consistent with UTC+5 ± 1 h" (a time zone, never a country): the
        ``statement`` column of the time-zone table when present, else built from the offset
        and its ``low``/``high`` band (at least ± 1 h, the resolution of hourly counts).
    """
    tz = _frame(getattr(analysis, "hubs", None), "timezones")
    cols = [CLUSTER_ID, UTC_OFFSET, TZ_LOW, TZ_HIGH, "finding"]
    if tz is None or tz.empty or UTC_OFFSET not in tz:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in tz.to_dict("records"):
        offset = r.get(UTC_OFFSET)
        if offset is None or pd.isna(offset):
            continue
        low, high = r.get(TZ_LOW), r.get(TZ_HIGH)
        spread = None
        if low is not None and high is not None and pd.notna(low) and pd.notna(high):
            spread = max(abs(float(offset) - float(low)), abs(float(high) - float(offset)))
        statement = r.get("statement")
        if isinstance(statement, str) and statement.strip():
            text = statement.strip()  # the time-zone analysis' own wording
        else:
            text = f"activity consistent with {format_utc_offset(float(offset))} " \
                   f"± {max(spread or 0.0, 1.0):g} h"
        rows.append({CLUSTER_ID: r.get(CLUSTER_ID), UTC_OFFSET: offset, TZ_LOW: low,
                     TZ_HIGH: high, "finding": text})
    return pd.DataFrame(rows, columns=cols)


def cluster_cards(analysis: Any, *, top: int = 20, top_objects: int = 3) -> pd.DataFrame:
    """One row per coordinated cluster (largest first), the facts a network card shows.

    Returns
    -------
    DataFrame
        ``cluster_id, n_accounts, platforms, median_lag_seconds, min_q_value, n_ties,
        traces, top_objects, top_object_traces, accounts, finding`` (``top_objects`` a list
        of ``(object_id, n_co_actions)``, ``top_object_traces`` the kind of each (repost,
        hashtag, link...) when the pairs say; ``accounts`` the member ids; ``finding`` the
        time-zone sentence or "").
    """
    coordination = getattr(analysis, "coordination", None)
    clusters = _frame(coordination, "clusters")
    cols = [CLUSTER_ID, "n_accounts", "platforms", "median_lag_seconds", "min_q_value",
            "n_ties", "traces", "top_objects", "top_object_traces", "accounts", "finding"]
    if clusters is None or clusters.empty:
        return pd.DataFrame(columns=cols)
    accounts = analysis.dataset.accounts
    platform_of = dict(zip(accounts[ACCOUNT_ID].astype(str), accounts[PLATFORM], strict=True))
    edges = coordination_edges(coordination)
    pairs = _frame(coordination, "pairs")
    findings = timezone_findings(analysis)
    finding_of = dict(zip(findings[CLUSTER_ID].astype(str), findings["finding"], strict=True))
    sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
    rows = []
    for cid in sizes.index[:top]:
        members = set(clusters.loc[clusters[CLUSTER_ID] == cid, ACCOUNT_ID].astype(str))
        row = {CLUSTER_ID: cid, "n_accounts": len(members),
               "platforms": sorted({str(platform_of[m]) for m in members if m in platform_of}),
               "median_lag_seconds": np.nan, "min_q_value": np.nan, "n_ties": 0, "traces": [],
               "top_objects": [], "top_object_traces": [], "accounts": sorted(members),
               "finding": finding_of.get(str(cid), "")}
        if edges is not None and not edges.empty:
            inside = edges[edges[ACCOUNT_ID].astype(str).isin(members)
                           & edges[ACCOUNT_ID_Y].astype(str).isin(members)]
            row["n_ties"] = len(inside)
            if Q_VALUE in inside and len(inside):
                row["min_q_value"] = float(pd.to_numeric(inside[Q_VALUE]).min())
        if pairs is not None and not pairs.empty:
            inside = pairs[pairs[ACCOUNT_ID].astype(str).isin(members)
                           & pairs[ACCOUNT_ID_Y].astype(str).isin(members)]
            if TIME_DELTA in inside and len(inside):
                row["median_lag_seconds"] = float(_seconds(inside[TIME_DELTA]).median())
            if TRACE in inside:
                row["traces"] = sorted(inside[TRACE].dropna().astype(str).unique().tolist())
            if OBJECT_ID in inside and len(inside):
                counts = inside[OBJECT_ID].astype(str).value_counts(sort=True)
                row["top_objects"] = [(o, int(n)) for o, n in counts.head(top_objects).items()]
                if TRACE in inside:
                    kinds = inside.assign(_o=inside[OBJECT_ID].astype(str)).groupby("_o")[TRACE]
                    row["top_object_traces"] = [
                        str(kinds.get_group(o).mode().iat[0]) for o, _ in row["top_objects"]]
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def _example_timeline(analysis: Any, members: set[str], object_id: str,
                      limit: int = 8) -> pd.DataFrame:
    """Actions of ``members`` on one shared object, earliest first."""
    actions = analysis.dataset.actions
    pairs = _frame(getattr(analysis, "coordination", None), "pairs")
    chosen = None
    if pairs is not None and {"content_id", "content_id_y"} <= set(pairs.columns):
        on = pairs[pairs[OBJECT_ID].astype(str) == object_id]
        ids = set(on["content_id"].astype(str)) | set(on["content_id_y"].astype(str))
        chosen = actions[actions[ACTION_ID].astype(str).isin(ids)]
    if (chosen is None or chosen.empty) and OBJECT_ID in actions:
        chosen = actions[actions[OBJECT_ID].astype(str) == object_id]
    chosen = chosen[chosen[ACCOUNT_ID].astype(str).isin(members)]
    cols = [c for c in (TIMESTAMP, ACCOUNT_ID, KIND, TEXT) if c in chosen]
    return chosen.sort_values(TIMESTAMP, kind="stable")[cols].head(limit)


def lineage_cards(analysis: Any, *, top: int = 20) -> pd.DataFrame:
    """One row per mirror chain (longest first): accounts in order and the link evidence.

    Returns
    -------
    DataFrame
        ``chain_id, n_accounts, accounts, links`` where ``accounts`` lists the ids in order
        and ``links`` is a list of dicts (``predecessor_id, successor_id, score`` and the
        signal columns of the link), one per parent -> child step (from the chain's own
        ``predecessor_id`` column when present, else consecutive positions).
    """
    mirrors = getattr(analysis, "mirrors", None)
    chains = _frame(mirrors, "chains")
    links = _frame(mirrors, "links")
    cols = [CHAIN_ID, "n_accounts", "accounts", "links"]
    if chains is None or chains.empty:
        return pd.DataFrame(columns=cols)
    by_pair = {}
    if links is not None and not links.empty:
        for rec in links.to_dict("records"):
            by_pair[(str(rec[PREDECESSOR_ID]), str(rec[SUCCESSOR_ID]))] = rec
    sizes = chains.groupby(CHAIN_ID).size().sort_values(ascending=False, kind="stable")
    rows = []
    for cid in sizes.index[:top]:
        chain = chains[chains[CHAIN_ID] == cid].sort_values(POSITION, kind="stable")
        ids = chain[ACCOUNT_ID].astype(str).tolist()
        if PREDECESSOR_ID in chain:  # a lineage may branch: use each account's own parent
            edges = [(str(p), str(a)) for p, a in zip(chain[PREDECESSOR_ID], ids, strict=True)
                     if not _missing(p) and str(p)]
        else:
            edges = list(zip(ids, ids[1:], strict=False))
        steps = [by_pair.get((a, b), {PREDECESSOR_ID: a, SUCCESSOR_ID: b, SCORE: np.nan})
                 for a, b in edges]
        rows.append({CHAIN_ID: cid, "n_accounts": len(ids), "accounts": ids, "links": steps})
    return pd.DataFrame(rows, columns=cols)


def summary(analysis: Any) -> dict[str, Any]:
    """Headline counts and plain-language findings.

    Returns
    -------
    dict
        ``counts`` (dict of int), ``time_span`` (pair of ISO strings or None) and
        ``headlines`` (list of sentences, unescaped).
    """
    data = analysis.dataset
    labels = account_labels(data)
    coordination = getattr(analysis, "coordination", None)
    mirrors = getattr(analysis, "mirrors", None)
    hubs = _frame(getattr(analysis, "hubs", None), "hubs")
    clusters = _frame(coordination, "clusters")
    links = _frame(mirrors, "links")
    chains = _frame(mirrors, "chains")
    triage = getattr(analysis, "triage", None)
    counts = {"accounts": len(data.accounts), "actions": len(data.actions),
              "platforms": len(data.accounts[PLATFORM].dropna().unique()),
              "coordinated_accounts": 0 if clusters is None else clusters[ACCOUNT_ID].nunique(),
              "clusters": 0 if clusters is None else clusters[CLUSTER_ID].nunique(),
              "mirror_links": 0 if links is None else len(links),
              "chains": 0 if chains is None else chains[CHAIN_ID].nunique(),
              "operator_candidates": 0 if hubs is None else len(hubs),
              "watchlist_entries": 0 if triage is None else len(triage)}
    span = None
    if len(data.actions):
        ts = pd.to_datetime(data.actions[TIMESTAMP], utc=True)
        span = (ts.min().strftime("%Y-%m-%d"), ts.max().strftime("%Y-%m-%d"))
    lines = []
    if counts["clusters"]:
        sizes = clusters.groupby(CLUSTER_ID).size()
        lines.append(f"{counts['coordinated_accounts']:,} accounts act in "
                     f"{counts['clusters']:,} coordinated networks; the largest has "
                     f"{int(sizes.max()):,} accounts.")
    else:
        lines.append("No coordinated networks were found with the chosen thresholds.")
    if counts["mirror_links"]:
        longest = int(chains.groupby(CHAIN_ID).size().max()) if counts["chains"] else 2
        lines.append(f"{counts['mirror_links']:,} accounts look like re-creations of earlier "
                     f"accounts, forming {counts['chains']:,} chains (longest: {longest} "
                     "accounts).")
    if hubs is not None and len(hubs):
        best = hubs.sort_values(RANK, kind="stable").iloc[0] if RANK in hubs else hubs.iloc[0]
        score = f" (hub score {float(best[HUB_SCORE]):.2f})" if HUB_SCORE in hubs else ""
        lines.append(f"The strongest operator candidate is {_label(labels, best[ACCOUNT_ID])}"
                     f"{score}.")
    for r in timezone_findings(analysis).head(3).itertuples(index=False):
        lines.append(f"Network {r.cluster_id}: {r.finding}.")
    if triage is not None and len(triage):
        found = int(triage["found"].astype(bool).sum()) if "found" in triage else 0
        text = (f"Of {len(triage):,} watch-list entries, {found:,} were found in the data "
                f"and {len(triage) - found:,} were not")
        if "category" in triage:
            counts = triage["category"].value_counts(sort=False)
            parts = [f"{int(counts[c]):,} {c.replace('_', ' ')}" for c in _TRIAGE_ORDER
                     if c in counts.index and c not in ("not_found",)]
            if parts:
                text += "; by category: " + ", ".join(parts)
        lines.append(text + ".")
    return {"counts": counts, "time_span": span, "headlines": lines}


def _label(labels: Mapping[str, str], account_id: Any) -> str:
    return labels.get(str(account_id), str(account_id))


# --- HTML -----------------------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _esc(value: Any) -> str:
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _link(value: Any) -> str:
    """Escaped text; a clickable link only for ``http``/``https`` URLs."""
    text = "" if value is None else str(value).strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https") and not any(ch in text for ch in "\"'<> \t\r\n"):
        return (f'<a href="{_esc(text)}" rel="noopener noreferrer nofollow" '
                f'target="_blank">{_esc(_shorten(text, 200))}</a>')
    return _esc(_shorten(text, 200))


def _cell_html(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float):
        return _esc(f"{value:.4g}")
    if isinstance(value, pd.Timestamp):
        return _esc(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, str) and value.lower().startswith(("http://", "https://")) \
            and len(value) <= _MAX_CELL:
        return _link(value)
    return _esc(_shorten(str(_cell_text(value))))


#: Longest text shown in one HTML table cell; the CSV tables keep everything.
_MAX_CELL = 400


def _shorten(text: str, limit: int = _MAX_CELL) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit:,} more characters]"


def _table_html(frame: pd.DataFrame | None, *, max_rows: int = 50, cls: str = "") -> str:
    if frame is None or frame.empty:
        return '<p class="muted">(none)</p>'
    shown = frame.head(max_rows)
    head = "".join(f"<th>{_esc(c)}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell_html(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="muted">… {len(frame) - max_rows:,} more rows in the CSV tables.</p>'
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def _with_handles(frame: pd.DataFrame | None, labels: Mapping[str, str],
                  columns: Iterable[str] = (ACCOUNT_ID,)) -> pd.DataFrame | None:
    if frame is None:
        return None
    out = frame.copy()
    for col in columns:
        if col in out:
            pos = list(out.columns).index(col) + 1
            name = "account" if col == ACCOUNT_ID else col.replace("_id", "")
            if name in out:
                continue
            out.insert(pos, name, out[col].map(lambda v: _label(labels, v)))
    return out


def _lag_text(seconds: float) -> str:
    if seconds is None or math.isnan(seconds):
        return "n/a"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:0 auto;max-width:1100px;padding:1em 1.5em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
.banner{padding:.8em 1em;border-radius:6px;margin:1em 0;font-weight:600}
.warn{background:#fff3cd;border:1px solid #e0c36a}.ok{background:#e7f3ea;border:1px solid #9cc8a6}
.counts{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.counts div{background:#f4f6f8;border-radius:6px;padding:.5em .9em;min-width:7em}
.counts b{display:block;font-size:1.5em}.card{border:1px solid #ddd;border-radius:8px;
padding:.6em 1em;margin:1em 0;background:#fcfcfd}.card h3{margin:.2em 0}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;overflow-x:auto}
th,td{border:1px solid #e2e2e2;padding:.25em .5em;text-align:left;vertical-align:top;
max-width:28em;overflow-wrap:anywhere}th{background:#f4f6f8}.muted{color:#666}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;font-size:.9em}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}.figure{margin:1em 0}
"""

_METHODS = """
<p><b>Coordination</b>: two accounts are tied when they repeatedly do the same thing (share
the same post, link, hashtag, text or image, or reply to the same post) within a short time
window, more often than chance would give after correcting for the number of pairs tested
(false discovery rate, q-value). Tied accounts are grouped into networks by community
detection.</p>
<p><b>Mirrors</b>: an account is linked to an earlier, removed account when it appears
around the removal and resembles it (handle, name, bio, profile image, links, audience and
behaviour). The score combines these signals; the evidence columns show which ones fired.</p>
<p><b>Operators</b>: accounts that lead, seed or bridge coordinated activity, and accounts
that are re-created first after takedowns, rank high as likely operator accounts.</p>
<p><b>Time zones</b>: the hours at which a network is active are compared with a typical
daily rhythm to estimate a UTC offset with an uncertainty band.</p>
<h3>Limits</h3>
<ul>
<li>Coordination is not proof of inauthenticity: fan communities, newsrooms, activists and
campaign volunteers also act together. Every tie lists the shared objects so that a reader
can judge.</li>
<li>A time zone is not a country: many countries share an offset, and operators can shift
their schedule.</li>
<li>A mirror score is a similarity, not an identity: similar handles and images also arise
from impersonation, fan accounts or chance.</li>
<li>The results only cover the data supplied; accounts or actions missing from it cannot
be seen.</li>
</ul>
"""


def _fig_div(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def _figures(analysis: Any) -> list[tuple[str, str, Any]]:
    from netlib import plots

    data = analysis.dataset
    coordination = getattr(analysis, "coordination", None)
    mirrors = getattr(analysis, "mirrors", None)
    out = []
    if _frame(coordination, "clusters") is not None:
        out.append(("fig-network", "Network map", plots.network_map(coordination, data)))
    if _frame(mirrors, "chains") is not None:
        out.append(("fig-chains", "Mirror chains", plots.chain_timeline(mirrors, data)))
    out.append(("fig-heatmap", "When they act",
                plots.activity_heatmap_by_cluster(data, coordination)))
    out.append(("fig-survival", "Takedown and re-creation", plots.survival_curve(data, mirrors)))
    return out


def _section_summary(analysis: Any, info: dict) -> str:
    c = info["counts"]
    boxes = "".join(f"<div><b>{v:,}</b>{_esc(k.replace('_', ' '))}</div>" for k, v in c.items())
    span = ""
    if info["time_span"]:
        span = f"<p>Data from {_esc(info['time_span'][0])} to {_esc(info['time_span'][1])} (UTC).</p>"
    items = "".join(f"<li>{_esc(line)}</li>" for line in info["headlines"])
    return (f'<h2 id="summary">Executive summary</h2>{span}<div class="counts">{boxes}</div>'
            f"<ul>{items}</ul>")


def _section_networks(analysis: Any, labels: Mapping[str, str]) -> str:
    cards = cluster_cards(analysis)
    accounts = analysis.dataset.accounts
    parts = ['<h2 id="networks">Coordinated networks</h2>']
    if cards.empty:
        parts.append('<p class="muted">No coordinated networks were found.</p>')
    for card in cards.to_dict("records"):
        members = set(card["accounts"])
        member_cols = [c for c in (ACCOUNT_ID, HANDLE, PLATFORM, DISPLAY_NAME, STATUS, URL)
                       if c in accounts]
        shown = _table_html(accounts.loc[accounts[ACCOUNT_ID].astype(str).isin(members),
                                         member_cols], max_rows=12)
        kinds = card["top_object_traces"] or [""] * len(card["top_objects"])
        objects = "".join(f"<li>{_link(o)}{f' ({_esc(k)})' if k else ''} — {n:,} co-actions</li>"
                          for (o, n), k in zip(card["top_objects"], kinds, strict=False))
        timeline = ""
        if card["top_objects"]:
            example = _example_timeline(analysis, members, card["top_objects"][0][0])
            timeline = ("<p>Example: the first actions on the most shared object</p>"
                        + _table_html(_with_handles(example, labels), max_rows=8))
        q = card["min_q_value"]
        parts.append(
            f'<div class="card"><h3>Network {_esc(card[CLUSTER_ID])}: '
            f"{card['n_accounts']:,} accounts</h3><dl>"
            f"<dt>platforms</dt><dd>{_esc(', '.join(card['platforms']))}</dd>"
            f"<dt>median lag between co-actions</dt><dd>{_lag_text(card['median_lag_seconds'])}</dd>"
            f"<dt>strongest tie (q-value)</dt><dd>{'n/a' if pd.isna(q) else f'{q:.2g}'}</dd>"
            f"<dt>ties</dt><dd>{card['n_ties']:,}</dd>"
            f"<dt>shared behaviour</dt><dd>{_esc(', '.join(card['traces'])) or 'n/a'}</dd>"
            f"<dt>time zone</dt><dd>{_esc(card['finding']) or 'not estimated'}</dd>"
            f"</dl><p>Accounts:</p>{shown}"
            f"<p>Most shared objects:</p><ul>{objects or '<li>n/a</li>'}</ul>{timeline}</div>")
    return "".join(parts)


#: Link columns that are bookkeeping, not evidence.
_NOT_EVIDENCE = {PREDECESSOR_ID, SUCCESSOR_ID, SCORE, RANK, "blocks", "accepted"}


def _link_evidence(links: list[dict], labels: Mapping[str, str]) -> pd.DataFrame:
    """``from, to, score, evidence``: each link's non-zero signals in one readable cell."""
    rows = []
    for link in links:
        signals = []
        for name, value in link.items():
            if name in _NOT_EVIDENCE or isinstance(value, (bool, np.bool_)):
                continue
            if isinstance(value, (int, float, np.integer, np.floating)) and \
                    not _missing(value) and value != 0:
                signals.append(f"{name} {float(value):.3g}")
        if isinstance(link.get("evidence"), str) and link["evidence"].strip():
            signals.insert(0, link["evidence"].strip())
        score = link.get(SCORE)
        rows.append({"from": _label(labels, link[PREDECESSOR_ID]),
                     "to": _label(labels, link[SUCCESSOR_ID]),
                     "score": np.nan if _missing(score) else float(score),
                     "evidence": ", ".join(signals) or ("(link not scored)" if _missing(score)
                                                         else "(no signal recorded)")})
    return pd.DataFrame(rows, columns=["from", "to", "score", "evidence"])


def _section_lineage(analysis: Any, labels: Mapping[str, str]) -> str:
    cards = lineage_cards(analysis)
    parts = ['<h2 id="lineage">Mirror chains (re-created accounts)</h2>']
    if cards.empty:
        parts.append('<p class="muted">No mirror chains were found.</p>')
    accounts = analysis.dataset.accounts.set_index(analysis.dataset.accounts[ACCOUNT_ID]
                                                   .astype(str))
    for card in cards.to_dict("records"):
        order = " → ".join(_esc(_label(labels, a)) for a in card["accounts"])
        steps = _link_evidence(card["links"], labels)
        life = accounts.reindex(card["accounts"])
        life_cols = [c for c in (HANDLE, CREATED_AT, STATUS, SUSPENDED_AT, URL) if c in life]
        parts.append(
            f'<div class="card"><h3>Chain {_esc(card[CHAIN_ID])}: {card["n_accounts"]} '
            f"accounts</h3><p>{order}</p>"
            + _table_html(life[life_cols].reset_index(), max_rows=20)
            + "<p>Links and their evidence (score 0–1):</p>" + _table_html(steps, max_rows=20)
            + "</div>")
    return "".join(parts)


_HUBS_SHOWN = (RANK, ACCOUNT_ID, HUB_SCORE, CLUSTER_ID, "top_signal", "coordinated", "n_lead",
               "leader_share", "amplification_pagerank", "originator_index", "betweenness",
               "lineage_length")


def _section_operators(analysis: Any, labels: Mapping[str, str]) -> str:
    hubs_result = getattr(analysis, "hubs", None)
    hubs = _frame(hubs_result, "hubs")
    groups = _frame(hubs_result, "operator_groups")
    findings = timezone_findings(analysis)
    parts = ['<h2 id="operators">Likely operators and time zones</h2>']
    if hubs is not None and len(hubs):
        ordered = hubs.sort_values(RANK, kind="stable") if RANK in hubs else hubs
        shown = [c for c in _HUBS_SHOWN if c in ordered]
        if len(shown) < 3:
            shown = list(ordered.columns)
        parts.append("<p>Accounts ranked by how much they lead, seed or bridge the coordinated "
                     "activity (rank 1 = strongest). A high rank is a reason to look closer, "
                     "not a verdict; every signal is in the hubs table (CSV).</p>")
        parts.append(_table_html(_with_handles(ordered[shown], labels), max_rows=20))
    else:
        parts.append('<p class="muted">No operator ranking is available.</p>')
    if groups is not None and len(groups):
        parts.append("<h3>Operator groups</h3>" + _table_html(_with_handles(groups, labels)))
    if len(findings):
        items = "".join(f"<li>Network {_esc(r.cluster_id)}: {_esc(r.finding)}</li>"
                        for r in findings.itertuples(index=False))
        parts.append("<h3>Time zones</h3><ul>" + items + "</ul><p class=\"muted\">A time zone "
                     "is not a country: several countries share each offset.</p>")
    return "".join(parts)


_TRIAGE_SHOWN = ("priority", "entry", HANDLE, ACCOUNT_ID, PLATFORM, "category", "matched_handles",
                 CLUSTER_ID, "hub_rank", "evidence", "note")


def _section_triage(analysis: Any) -> str:
    triage = getattr(analysis, "triage", None)
    if triage is None:
        return ""
    parts = ['<h2 id="triage">Watch-list triage</h2>',
             "<p>Every watch-list entry, in the order a reviewer should look at them. Entries "
             "that match no account say so.</p>"]
    ordered = triage.sort_values("priority", kind="stable") if "priority" in triage else triage
    shown = [c for c in _TRIAGE_SHOWN if c in ordered] or list(ordered.columns)
    parts.append(_table_html(ordered[shown], max_rows=200))
    parts.append('<p class="muted">All columns are in triage.csv.</p>')
    return "".join(parts)


def _dl(mapping: Mapping[str, Any]) -> str:
    items = []
    for k, v in mapping.items():
        if isinstance(v, (dict, list, tuple)):
            v = json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)
        items.append(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>")
    return "<dl>" + "".join(items) + "</dl>"


def _section_provenance(analysis: Any) -> str:
    data = analysis.dataset
    provenance = dict(getattr(analysis, "provenance", {}) or {})
    provenance.setdefault("dataset_fingerprint", data.fingerprint())
    provenance.setdefault("python", _platform.python_version())
    try:
        from netlib import __version__
        provenance.setdefault("netlib", __version__)
    except ImportError:  # pragma: no cover
        pass
    provenance.setdefault("report_written", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    params = dict(getattr(analysis, "params", {}) or {})
    load = data.report.table() if getattr(data, "report", None) is not None else None
    return ('<h2 id="provenance">Provenance</h2>' + _dl(provenance)
            + "<h3>Parameters</h3>" + (_dl(params) if params else '<p class="muted">(none)</p>')
            + "<h3>Rows read</h3>" + _table_html(load))


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in dict.fromkeys(scripts))
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
            f"script-src {hashes}; connect-src 'none'; form-action 'none'; base-uri 'none'")


_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)


def render_report(analysis: Any, *, pseudonymized: bool = False, progress: bool = False) -> str:
    """The briefing as one self-contained HTML string (see :func:`write_report`)."""
    import plotly.offline
    from tqdm.auto import tqdm

    steps = tqdm(total=7, desc="report", disable=not progress)
    labels = account_labels(analysis.dataset)
    info = summary(analysis)
    steps.update()
    figures = _figures(analysis)
    fig_html = "".join(f'<div class="figure"><h3>{_esc(title)}</h3>{_fig_div(fig, div)}</div>'
                       for div, title, fig in figures)
    steps.update()
    body = [
        "<h1>Coordinated network briefing</h1>",
        ('<p class="banner ok">Pseudonymised: handles, names and account ids are replaced by '
         "keyed pseudonyms (HMAC-SHA256). Whoever holds the key can re-identify them.</p>"
         if pseudonymized else
         '<p class="banner warn">This report contains identifiers (handles, names, account ids '
         "and posts of real accounts). Share it only with people entitled to see them; use "
         "<code>--pseudonymize KEY</code> for a shareable version.</p>"),
        '<p class="muted">Coordination is not proof of inauthenticity, and a time zone is not a '
        "country. Read the methods and limits at the end.</p>",
        _section_summary(analysis, info), '<h2 id="figures">Figures</h2>', fig_html]
    steps.update()
    body.append(_section_networks(analysis, labels))
    steps.update()
    body.append(_section_lineage(analysis, labels))
    body.append(_section_operators(analysis, labels))
    steps.update()
    body.append(_section_triage(analysis))
    body.append('<h2 id="methods">Methods and limits</h2>' + _METHODS)
    body.append(_section_provenance(analysis))
    steps.update()
    content = "".join(body)
    plotly_js = plotly.offline.get_plotlyjs()
    scripts = [plotly_js, *_SCRIPT.findall(content)]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(scripts)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>netlib briefing</title>"
            f"<style>{_CSS}</style><script>{plotly_js}</script></head>"
            f"<body>{content}</body></html>\n")
    steps.update()
    steps.close()
    return page


def write_report(analysis: Any, path: str | Path, *, pseudonymized: bool = False,
                 pseudonymize_key: str | bytes | None = None, progress: bool = False) -> Path:
    """Write the briefing as one self-contained, offline HTML file.

    Sections: a warning that the file holds identifiers (or a note that it is
    pseudonymised), executive summary, figures (network map, chain timeline, hour x weekday
    heatmap, takedown/re-creation survival), network cards, lineage cards, operators and
    time zones, watch-list triage, methods and limits, provenance. plotly.js is inlined
    once; nothing is fetched from the network (a Content-Security-Policy forbids it and
    allows only the report's own scripts). Every value from the data is HTML-escaped and
    only ``http(s)`` links are clickable.

    Parameters
    ----------
    analysis : Analysis-like
        ``dataset`` plus optional ``coordination``, ``mirrors``, ``hubs``, ``triage``,
        ``params`` and ``provenance`` (read by duck typing).
    path : str or Path
        The HTML file to write (its folder is created).
    pseudonymized : bool
        Say that identifiers are pseudonymised. The analysis must come from
        :func:`pseudonymize_analysis`, or ``pseudonymize_key`` must be given.
    pseudonymize_key : str or bytes, optional
        Pseudonymise here with this key (implies ``pseudonymized=True``); use the same key
        as for :func:`pseudonymize_tables` so that pseudonyms agree across files.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If ``pseudonymized`` is asked for but the analysis was not pseudonymised and no key
        was given (the report would otherwise leak identifiers).
    """
    if pseudonymize_key:
        analysis = pseudonymize_analysis(analysis, pseudonymize_key)
        pseudonymized = True
    if pseudonymized and not getattr(analysis, "_pseudonymized", False):
        raise ParameterError(
            "write_report(pseudonymized=True) needs an analysis from pseudonymize_analysis() "
            "or pseudonymize_key=...; refusing to label a report with real identifiers as pseudonymised")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(analysis, pseudonymized=pseudonymized, progress=progress)
    path.write_text(page, encoding="utf-8")
    return path


# --- Gephi export ---------------------------------------------------------------------------------
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """A value GraphML/GEXF can hold: no control characters or lone surrogates, no None."""
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if not math.isnan(value) else ""
    return _XML_BAD.sub("\ufffd", str(_cell_text(value)))


def _node_attrs(accounts: pd.DataFrame) -> dict[str, dict[str, Any]]:
    cols = [c for c in (HANDLE, PLATFORM, DISPLAY_NAME, STATUS, CREATED_AT, SUSPENDED_AT, URL,
                        BIO) if c in accounts]
    attrs = {}
    for rec in accounts[[ACCOUNT_ID, *cols]].to_dict("records"):
        attrs[str(rec[ACCOUNT_ID])] = {
            c: (rec[c].strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(rec[c], pd.Timestamp)
                and pd.notna(rec[c]) else _xml_safe(rec[c])) for c in cols}
    return attrs


def _edge_value(value: Any) -> Any:
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    return _xml_safe(value)


def graphs(analysis: Any) -> dict[str, Any]:
    """The coordination network and the mirror chains as networkx graphs.

    Returns
    -------
    dict
        ``"coordination"``: undirected graph of coordinated accounts (node attributes
        ``label, handle, platform, ..., cluster_id, hub_score, hub_rank``; edge attributes
        from the significant ties, see :func:`netlib.plots.coordination_edges`). ``"mirror_chains"``: directed graph predecessor ->
        successor (node ``chain_id, position``; edge ``score`` and signal columns).
        Values are XML-safe (control characters replaced, no missing values).
    """
    import networkx as nx

    accounts = analysis.dataset.accounts
    attrs = _node_attrs(accounts)
    hubs = _frame(getattr(analysis, "hubs", None), "hubs")
    hub_of = {} if hubs is None else {str(r[ACCOUNT_ID]): r for r in hubs.to_dict("records")}

    def node(graph, account_id: str, **extra) -> None:
        data = {"label": _xml_safe(attrs.get(account_id, {}).get(HANDLE, account_id)),
                **{k: v for k, v in attrs.get(account_id, {}).items()}}
        hub = hub_of.get(account_id)
        if hub is not None:
            data["hub_score"] = _xml_safe(hub.get(HUB_SCORE, ""))
            data["hub_rank"] = _xml_safe(hub.get(RANK, ""))
        data.update({k: _xml_safe(v) for k, v in extra.items()})
        graph.add_node(_xml_safe(account_id), **data)

    coord = nx.Graph(name="coordination")
    coordination = getattr(analysis, "coordination", None)
    clusters = _frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    if clusters is not None:
        for a, cid in zip(clusters[ACCOUNT_ID].astype(str), clusters[CLUSTER_ID], strict=True):
            node(coord, a, cluster_id=str(cid))
    if edges is not None and not edges.empty:
        extra_cols = [c for c in edges.columns if c not in (ACCOUNT_ID, ACCOUNT_ID_Y)]
        for rec in edges.to_dict("records"):
            a, b = str(rec[ACCOUNT_ID]), str(rec[ACCOUNT_ID_Y])
            for x in (a, b):
                if _xml_safe(x) not in coord:
                    node(coord, x, cluster_id="")
            coord.add_edge(_xml_safe(a), _xml_safe(b),
                           **{c: _edge_value(rec[c]) for c in extra_cols
                              if not isinstance(rec[c], (list, dict, tuple))})
            if WEIGHT not in extra_cols:
                coord.edges[_xml_safe(a), _xml_safe(b)][WEIGHT] = 1.0

    chains_graph = nx.DiGraph(name="mirror_chains")
    mirrors = getattr(analysis, "mirrors", None)
    chains = _frame(mirrors, "chains")
    links = _frame(mirrors, "links")
    if chains is not None:
        for rec in chains.to_dict("records"):
            node(chains_graph, str(rec[ACCOUNT_ID]), chain_id=str(rec[CHAIN_ID]),
                 position=_xml_safe(rec.get(POSITION, "")))
    if links is not None and not links.empty:
        extra_cols = [c for c in links.columns if c not in (PREDECESSOR_ID, SUCCESSOR_ID)]
        for rec in links.to_dict("records"):
            a, b = str(rec[PREDECESSOR_ID]), str(rec[SUCCESSOR_ID])
            for x in (a, b):
                if _xml_safe(x) not in chains_graph:
                    node(chains_graph, x, chain_id="", position="")
            chains_graph.add_edge(_xml_safe(a), _xml_safe(b),
                                  **{c: _edge_value(rec[c]) for c in extra_cols
                                     if not isinstance(rec[c], (list, dict, tuple))})
    return {"coordination": _uniform_types(coord), "mirror_chains": _uniform_types(chains_graph)}


def _uniform_types(graph):
    """GraphML/GEXF need one type per attribute: numbers stay numbers only if all are numbers."""
    for items in (list(graph.nodes(data=True)), list(graph.edges(data=True))):
        keys = {k for *_, d in items for k in d}
        for key in keys:
            values = [d.get(key, "") for *_, d in items]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          for v in values)
            for *_, d in items:
                value = d.get(key, "")
                d[key] = float(value) if numeric else ("" if value == "" else str(value))
    return graph


def export_graph(analysis: Any, out_dir: str | Path, *,
                 pseudonymize_key: str | bytes | None = None) -> list[Path]:
    """Write the coordination network and the mirror chains for Gephi (GraphML and GEXF).

    Files: ``coordination.graphml``, ``coordination.gexf``, ``mirror_chains.graphml``,
    ``mirror_chains.gexf``. Text is XML-escaped by the writers and characters XML cannot
    hold are replaced by U+FFFD, so hostile names cannot break the files.

    Parameters
    ----------
    analysis : Analysis-like
    out_dir : str or Path
    pseudonymize_key : str or bytes, optional
        Export keyed pseudonyms instead of ids, handles and names (or pass an analysis from
        :func:`pseudonymize_analysis`).

    Returns
    -------
    list of Path
    """
    import networkx as nx

    if pseudonymize_key and not getattr(analysis, "_pseudonymized", False):
        analysis = pseudonymize_analysis(analysis, pseudonymize_key)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, graph in graphs(analysis).items():
        for suffix, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
            path = folder / f"{name}.{suffix}"
            writer(graph, path)
            written.append(path)
    return written
