"""``netlib analyze``: run every analysis on a dataset and write its tables.

:func:`analyze` is the Python entry point (pure: returns an :class:`Analysis`);
:func:`analyze_path` loads data, runs :func:`analyze`, and writes the output folder:

==========================  =====================================================
``clusters.csv``            ``account_id, cluster_id`` — coordinated accounts only
``coordination_edges.csv``  account pairs with weights, evidence and q-values
``cluster_stats.csv``       one row per cluster
``mirror_links.csv``        ``predecessor_id, successor_id, score`` + signals
``mirror_chains.csv``       ``chain_id, position, account_id``
``mirror_candidates.csv``   every scored successor candidate (ranked alternatives)
``hubs.csv``                ``account_id, hub_score, rank`` + signals
``operator_groups.csv``     accounts likely run by the same hands
``operator_links.csv``      each piece of evidence joining two accounts to one operator
``timezones.csv``           ``cluster_id, utc_offset_hours, low, high, pattern``
``triage.csv``              with ``--watchlist``: one row per entry
``load_report.csv``         every load issue (file, row, column, reason)
``run.json``                parameters, versions, input fingerprints
``report.html``             with ``--report``: the briefing
==========================  =====================================================
"""

from __future__ import annotations

import json
import platform as _platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError

__all__ = ["Analysis", "analyze", "analyze_path", "provenance"]

_PACKAGES = ("numpy", "pandas", "duckdb", "networkx", "python-igraph", "leidenalg",
             "rapidfuzz", "scipy", "scikit-learn", "plotly", "matplotlib")


@dataclass
class Analysis:
    """Everything one run produced, with how it was made."""

    dataset: Dataset
    coordination: Any = None
    mirrors: Any = None
    hubs: Any = None
    triage: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table by name (the CSV file stem)."""
        out: dict[str, pd.DataFrame] = {}
        for result in (self.coordination, self.mirrors, self.hubs):
            if result is not None:
                out.update(result.to_tables())
        # Supporting evidence beyond the headline tables.
        if self.mirrors is not None and getattr(self.mirrors, "candidates", None) is not None:
            out["mirror_candidates"] = self.mirrors.candidates
        if self.hubs is not None and getattr(self.hubs, "operator_links", None) is not None:
            out["operator_links"] = self.hubs.operator_links
        if self.triage is not None:
            out["triage"] = self.triage
        out["load_report"] = self.dataset.report.issues_frame()
        return out


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _source_label(source: str) -> str:
    """The input as ``run.json`` names it: never an absolute path.

    A path inside the current folder is written relative to it; anything else by its final
    name only (the folders above it often name a person, a case or a machine). In a
    pseudonymised run not even that is written (:func:`netlib.report.withhold_inputs`).
    """
    text = str(source)
    path = Path(text)
    if not text or not (path.is_absolute() or path.exists()):
        return text  # "memory", a glob, a description
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.name or text


def provenance(data: Dataset, params: dict) -> dict:
    """Parameters, versions and input fingerprints for ``run.json``."""
    import netlib

    return {
        "netlib_version": netlib.__version__,
        "python": _platform.python_version(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "source": _source_label(data.source),
        "input_format": data.report.format,
        "input_files": {table: {"file": info["file"], "sha256": info.get("sha256"),
                                "rows_read": info["read"], "rows_kept": info["kept"],
                                "rows_rejected": info["rejected"]}
                        for table, info in data.report.files.items()},
        "dataset_fingerprint": data.fingerprint(),
        "parameters": params,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def analyze(data: Dataset, *, window: float = 60.0, min_participation: int = 2,
            seed: int = 0, watchlist: pd.DataFrame | None = None,
            progress: bool = False, engine: str = "duckdb",
            memory_limit: str | None = None, temp_directory: str | None = None) -> Analysis:
    """Run coordination, mirror and hub analyses on a dataset.

    Parameters
    ----------
    data : Dataset
    window : float, default 60
        Co-action window in seconds.
    min_participation : int, default 2
        Minimum co-shares for an account to enter the co-action network.
    seed : int, default 0
        Seed for every randomised step (null model, clustering).
    watchlist : DataFrame, optional
        Entries to triage (handles or account ids); adds ``triage``.
    progress : bool, default False
        Show a progress bar over the steps.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where the co-action join runs; both engines give the same tables.
    memory_limit, temp_directory : str, optional
        DuckDB's memory cap and spill folder for the co-action join.

    Returns
    -------
    Analysis

    Raises
    ------
    ParameterError
        If ``window`` is not positive or ``min_participation`` is below 1.
    """
    if not window > 0:
        raise ParameterError(f"window must be a positive number of seconds, got {window!r}")
    if int(min_participation) < 1:
        raise ParameterError(f"min_participation must be >= 1, got {min_participation!r}")
    from tqdm.auto import tqdm

    from netlib import coordination, hubs, mirrors

    params = {"window": float(window), "min_participation": int(min_participation),
              "seed": int(seed)}
    steps = tqdm(total=4 if watchlist is not None else 3, desc="netlib analyze",
                 disable=not progress, unit="step")
    steps.set_postfix_str("coordination")
    coord = coordination.detect(data, window=window, min_participation=min_participation,
                                seed=seed, engine=engine, memory_limit=memory_limit,
                                temp_directory=temp_directory)
    steps.update()
    steps.set_postfix_str("mirrors")
    mirror = mirrors.detect_mirrors(data, coordination=coord)
    steps.update()
    steps.set_postfix_str("hubs")
    hub = hubs.rank_hubs(data, coord, mirrors=mirror)
    steps.update()
    analysis = Analysis(dataset=data, coordination=coord, mirrors=mirror, hubs=hub,
                        params={"analyze": params, "coordination": coord.params,
                                "mirrors": mirror.params, "hubs": hub.params})
    if watchlist is not None:
        from netlib import triage

        steps.set_postfix_str("triage")
        analysis.triage = triage.triage(watchlist, analysis)
        steps.update()
    steps.close()
    analysis.provenance = provenance(data, analysis.params)
    return analysis


def analyze_path(path: str | Path, out: str | Path, *, format: str | None = None,
                 window: float = 60.0, min_participation: int = 2, seed: int = 0,
                 report: bool = False, watchlist: str | Path | None = None,
                 pseudonymize: str | None = None, progress: bool = True,
                 engine: str = "duckdb", memory_limit: str | None = None,
                 temp_directory: str | None = None) -> list[Path]:
    """Load ``path``, run :func:`analyze`, and write every table (and the report) to ``out``.

    ``out`` is written as one transaction (:class:`netlib.outdir.OutputFolder`): it is
    checked and locked before the data is loaded, every file is written into a temporary
    sibling folder, and that folder replaces ``out`` only when everything was written. An
    earlier netlib output in ``out`` is replaced as a whole (files it had that this run does
    not write are named in a warning); a folder holding anything else is refused.

    Returns
    -------
    list of Path
        The files written (under ``out``).

    Raises
    ------
    ParameterError
        If ``out`` is a file, a symbolic link, or a folder that is not a netlib output.
    netlib.outdir.OutputError
        If another run is writing to ``out``, or a file could not be written (full disk,
        permissions); the previous contents of ``out`` are then unchanged.
    """
    import warnings

    from netlib import report as report_mod
    from netlib.io import load
    from netlib.outdir import OutputFolder
    from netlib.report.pseudonymize import withhold_inputs

    with OutputFolder(out) as folder:
        data = load(path, format=format)
        entries = None
        if watchlist is not None:
            from netlib.io.watchlist import read_watchlist

            entries = read_watchlist(watchlist)
        analysis = analyze(data, window=window, min_participation=min_participation,
                           seed=seed, watchlist=entries, progress=progress, engine=engine,
                           memory_limit=memory_limit, temp_directory=temp_directory)
        tables = analysis.tables()
        record = analysis.provenance
        if pseudonymize:
            tables = report_mod.pseudonymize_tables(tables, pseudonymize, data)
            analysis.params["pseudonymized"] = True
            record = withhold_inputs(record)
        with folder.writing():
            written = report_mod.write_tables(tables, folder.path)
            run = folder.path / "run.json"
            run.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n",
                           encoding="utf-8")
            written.append(run)
            if report:
                # The report and the Gephi files share one pseudonymised copy of the analysis.
                shown = (report_mod.pseudonymize_analysis(analysis, pseudonymize)
                         if pseudonymize else analysis)
                written.append(report_mod.write_report(shown, folder.path / "report.html",
                                                       pseudonymized=bool(pseudonymize),
                                                       progress=progress))
                written += report_mod.export_graph(shown, folder.path)
        written = [folder.final(p) for p in written]
    if folder.replaced:
        warnings.warn(f"{folder.out}: replaced an earlier output; removed its files that this "
                      f"run does not write: {', '.join(folder.replaced)}", stacklevel=2)
    return written
