"""Rebuild the briefing from an existing ``netlib analyze`` output folder.

The folder's CSV tables and ``run.json`` are read back; no analysis is run again. The
briefing shows what the tables hold: networks, ties, chains and their link evidence,
operators, time zones, triage and provenance. What only the input data holds (posts, the
example co-actions, activity by hour, account lifetimes) is left out, and the report says
so, unless the data is given again.

A pseudonymised folder stays pseudonymised: its tables are rebuilt as they are, and joining
it with clear input data is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
from netlib.outdir import MARKER
from netlib.report.briefing import write_report
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    CHAIN_ID,
    HANDLE,
    KIND,
    PLATFORM,
    POSITION,
    TIMESTAMP,
)

__all__ = ["StoredAnalysis", "read_output", "rebuild_report"]

#: Output tables by the result they belong to (file stem -> attribute).
_TABLES = {
    "coordination": {"clusters": "clusters", "coordination_edges": "edges",
                     "cluster_stats": "cluster_stats", "cosharing_components": "components",
                     "cosharing_accounts": "account_components"},
    "mirrors": {"mirror_links": "links", "mirror_chains": "chains",
                "mirror_candidates": "candidates"},
    "hubs": {"hubs": "hubs", "operator_groups": "operator_groups",
             "operator_links": "operator_links", "timezones": "timezones"},
}
#: Columns read as account ids (text, never numbers): ids such as "007" must survive.
_ID_COLUMNS = ("account_id", "account_id_y", "predecessor_id", "successor_id",
               "matched_account_ids", "component_id", "group_id", "entry", "complaint_id")
_TIME_COLUMNS = ("first_seen", "taken_down_at", "created_first", "created_last",
                 "first_action", "last_action", "received_at")


@dataclass
class StoredAnalysis:
    """An analysis read back from an output folder (what the briefing needs).

    Attributes
    ----------
    dataset : Dataset
        The input data when it was given again; otherwise the accounts the tables name
        (id, handle, platform where a table has them) and no actions.
    coordination, mirrors, hubs : namespace or None
        The tables of each analysis under the attribute names of its result.
    triage : DataFrame or None
    params, provenance : dict
        From ``run.json``.
    from_tables : bool
        True when the input data was not given: parts of the briefing are left out.
    """

    dataset: Dataset
    coordination: Any = None
    mirrors: Any = None
    hubs: Any = None
    triage: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    from_tables: bool = True
    _pseudonymized: bool = False


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype={c: "string" for c in _ID_COLUMNS},
                            keep_default_na=True, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise DataFormatError(f"{path.name}: not a readable netlib output table ({err})") \
            from err
    for column in frame.columns:
        if column in _ID_COLUMNS:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        elif column in _TIME_COLUMNS:
            frame[column] = pd.to_datetime(frame[column], utc=True, errors="coerce")
    if "significant" in frame:
        frame["significant"] = frame["significant"].astype(str).str.lower().eq("true")
    return frame


def _accounts_named(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every account the tables name, with a handle and platform where one table has it."""
    known: dict[str, dict[str, Any]] = {}
    for name in ("clusters", "coordination_edges", "hubs", "mirror_chains", "mirror_links",
                 "operator_groups", "triage"):
        frame = tables.get(name)
        if frame is None:
            continue
        for column in (ACCOUNT_ID, "account_id_y", "predecessor_id", "successor_id"):
            if column not in frame:
                continue
            for pos, value in enumerate(frame[column]):
                if value is None or pd.isna(value):
                    continue
                row = known.setdefault(str(value), {ACCOUNT_ID: str(value), HANDLE: None,
                                                    PLATFORM: None})
                if column != ACCOUNT_ID:
                    continue
                for attr in (HANDLE, PLATFORM):
                    if attr in frame and row[attr] is None:
                        got = frame[attr].iloc[pos]
                        if isinstance(got, str) and got.strip():
                            row[attr] = got
    rows = sorted(known.values(), key=lambda r: r[ACCOUNT_ID])
    out = pd.DataFrame(rows, columns=[ACCOUNT_ID, HANDLE, PLATFORM])
    out[HANDLE] = out[HANDLE].fillna(out[ACCOUNT_ID])
    out[PLATFORM] = out[PLATFORM].fillna("unknown")
    return out


def read_output(out_dir: str | Path, *, data: Dataset | None = None) -> StoredAnalysis:
    """Read a ``netlib analyze`` output folder back into an analysis the briefing can show.

    Parameters
    ----------
    out_dir : str or Path
        A folder written by ``netlib analyze`` (it holds ``run.json``).
    data : Dataset, optional
        The input data again (for posts, example timelines and activity figures). Refused
        for a pseudonymised folder.

    Returns
    -------
    StoredAnalysis

    Raises
    ------
    ParameterError
        If ``out_dir`` holds no ``run.json`` written by netlib, or ``data`` is given for a
        pseudonymised folder, or the data's fingerprint differs from the one recorded.
    DataFormatError
        If a table cannot be read.
    """
    folder = Path(out_dir)
    marker = folder / MARKER
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ParameterError(f"{folder}: not a netlib output folder (no readable {MARKER}; "
                             "write one with `netlib analyze DATA --out FOLDER`)") from err
    if not isinstance(record, dict) or "netlib_version" not in record:
        raise ParameterError(f"{folder}: {MARKER} was not written by netlib")
    params = dict(record.get("parameters") or {})
    pseudonymized = bool(params.get("pseudonymized"))
    tables = {p.stem: _read_csv(p) for p in sorted(folder.glob("*.csv"))}
    if data is not None:
        if pseudonymized:
            raise ParameterError(
                f"{folder}: the tables are pseudonymised; rebuilding its report with the "
                "clear input data would put real identifiers next to the pseudonyms "
                "(leave out the data: the report is rebuilt from the tables alone)")
        recorded = record.get("dataset_fingerprint")
        if recorded and recorded != data.fingerprint():
            raise ParameterError(
                f"{folder}: the data given is not the data this output was made from "
                f"(fingerprint {data.fingerprint()[:12]}…, run.json records {recorded[:12]}…)")
    results = {}
    for result, names in _TABLES.items():
        found = {attr: tables[stem] for stem, attr in names.items() if stem in tables}
        if found:
            results[result] = SimpleNamespace(params=dict(params.get(result) or {}), **found)
    mirrors = results.get("mirrors")
    if mirrors is not None and getattr(mirrors, "chains", None) is not None \
            and POSITION in mirrors.chains:
        mirrors.chains = mirrors.chains.sort_values([CHAIN_ID, POSITION], kind="stable")
    dataset = data if data is not None else _tables_dataset(tables, record)
    return StoredAnalysis(dataset=dataset, coordination=results.get("coordination"),
                          mirrors=mirrors, hubs=results.get("hubs"),
                          triage=tables.get("triage"), params=params,
                          provenance={k: v for k, v in record.items() if k != "parameters"},
                          from_tables=data is None, _pseudonymized=pseudonymized)


def _tables_dataset(tables: dict[str, pd.DataFrame], record: dict) -> Dataset:
    accounts = _accounts_named(tables)
    actions = pd.DataFrame({ACTION_ID: pd.Series(dtype=object),
                            ACCOUNT_ID: pd.Series(dtype=object),
                            TIMESTAMP: pd.Series(dtype="datetime64[ns, UTC]"),
                            KIND: pd.Series(dtype=object)})
    return Dataset(accounts=accounts, actions=actions,
                   source=str(record.get("source", "output tables")))


def rebuild_report(out_dir: str | Path, *, data: Dataset | None = None,
                   path: str | Path | None = None) -> Path:
    """Write ``report.html`` again from an output folder's tables (no analysis is re-run).

    Parameters
    ----------
    out_dir : str or Path
        A ``netlib analyze`` output folder.
    data : Dataset, optional
        The input data again (see :func:`read_output`).
    path : str or Path, optional
        Where to write; default ``out_dir/report.html``.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        See :func:`read_output`.
    """
    stored = read_output(out_dir, data=data)
    target = Path(path) if path is not None else Path(out_dir) / "report.html"
    return write_report(stored, target, pseudonymized=stored._pseudonymized)
