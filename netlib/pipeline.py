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
``complaint_campaigns.csv`` with ``--watchlist``: coordinated complaint campaigns
``load_report.csv``         every load issue (file, row, column, reason)
``run.json``                parameters, versions, input fingerprints, the reader's notes
``report.html``             with ``--report``: the briefing
``report.pdf``              with ``--pdf``: the briefing printed by headless Chromium
==========================  =====================================================
"""

from __future__ import annotations

import json
import threading
import tomllib
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from netlib import report as report_mod
from netlib import triage as triage_mod
from netlib.coordination import CoordinationConfig, CoordinationResult, detect
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.hubs import HubConfig, HubResult, rank_hubs
from netlib.io import load, looks_like_threat_indicators, read_threat_indicators
from netlib.io.watchlist import read_watchlist
from netlib.memory import side_by_side
from netlib.mirrors import MirrorConfig, MirrorResult, detect_mirrors, mirror_candidates
from netlib.outdir import OutputFolder
from netlib.progress import listening
from netlib.provenance import package_versions
from netlib.report.pseudonymize import withhold_inputs
from netlib.results import summary_html
from netlib.schema import CLUSTER_ID

__all__ = ["Analysis", "analyze", "analyze_path", "write_analysis", "provenance",
           "read_config"]

#: The config class of each analysis, by the name ``analyze`` and TOML files use.
CONFIGS: dict[str, type] = {"coordination": CoordinationConfig, "mirrors": MirrorConfig,
                            "hubs": HubConfig}


@dataclass
class Analysis:
    """Everything one run produced, with how it was made.

    Follows the result protocol (:mod:`netlib.results`): ``params``, ``fingerprint``,
    ``tables()``, ``evidence(account_id)`` and ``_repr_html_``.
    """

    dataset: Dataset
    coordination: CoordinationResult | None = None
    mirrors: MirrorResult | None = None
    hubs: HubResult | None = None
    triage: Any = None
    params: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the input dataset."""
        return self.dataset.fingerprint()

    def results(self) -> dict[str, Any]:
        """The analyses' results by name, leaving out those that did not run."""
        found = {"coordination": self.coordination, "mirrors": self.mirrors,
                 "hubs": self.hubs, "triage": self.triage}
        return {name: result for name, result in found.items() if result is not None}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table by name (the CSV file stem), ending with ``load_report``."""
        out: dict[str, pd.DataFrame] = {}
        for result in self.results().values():
            out.update(result.tables())
        out["load_report"] = self.dataset.report.issues_frame()
        return out

    def evidence(self, account_id: str) -> pd.DataFrame:
        """Every table row that names ``account_id``: ``table`` then the row's columns.

        The quickest answer to "why is this account here?": its cluster membership, its
        coordination edges, mirror links in either direction, its hub row and watch-list
        entries, one row each, tagged with the table they come from.
        """
        account_id = str(account_id)
        parts = []
        for name, frame in self.tables().items():
            if name == "load_report" or frame.empty:
                continue
            id_columns = [c for c in frame.columns
                          if c.endswith("_id") or c.endswith("_id_y") or c == "account_id"]
            hit = pd.Series(False, index=frame.index)
            for column in id_columns:
                hit |= frame[column].astype("string").eq(account_id).fillna(False)
            if hit.any():
                parts.append(frame[hit].astype(object).assign(table=name))
        if not parts:
            return pd.DataFrame(columns=["table"])
        out = pd.concat(parts, ignore_index=True)
        return out[["table"] + [c for c in out.columns if c != "table"]]

    def _repr_html_(self) -> str:
        lines = [repr(self.dataset)] + [f"{name}: {result!r}"
                                        for name, result in self.results().items()]
        return summary_html("netlib analysis", self, lines=lines)


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
    versions = package_versions()
    return {
        "netlib_version": versions.pop("netlib"),
        "python": versions.pop("python"),
        "packages": versions,
        "source": _source_label(data.source),
        "input_format": data.report.format,
        "input_files": {table: {"file": info["file"], "sha256": info.get("sha256"),
                                "rows_read": info["read"], "rows_kept": info["kept"],
                                "rows_rejected": info["rejected"]}
                        for table, info in data.report.files.items()},
        "dataset_fingerprint": data.fingerprint(),
        # how the reader read the input (objects derived from text, labels joined, time
        # zones assumed...): caveats a reviewer needs beside the numbers
        "load_notes": list(data.report.notes),
        "parameters": params,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _config(name: str, value: Any) -> Any:
    """A config from an instance, a mapping of options, or None (the defaults)."""
    cls = CONFIGS[name]
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        return cls.build(None, **value)  # one message for unknown options (netlib.options)
    raise ParameterError(f"{name} must be a {cls.__name__}, a dict of its options or None, "
                         f"got {type(value).__name__}")


def read_config(path: str | Path) -> dict[str, dict]:
    """Options for :func:`analyze` from a TOML file with ``[coordination]``, ``[mirrors]``
    and ``[hubs]`` tables (each optional). Durations may be written as ``"7D"`` or ``"12h"``.

    Raises
    ------
    ParameterError
        If the file is not valid TOML, or holds a table or option netlib does not know.

    Examples
    --------
    A file holding::

        [coordination]
        window = "2min"
        fdr = 0.01

        [mirrors]
        silent_after = "30D"
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ParameterError(f"{path.name}: not a readable TOML config ({err})") from err
    unknown = sorted(set(raw) - set(CONFIGS))
    if unknown:
        raise ParameterError(f"{path.name}: unknown section{'s' if len(unknown) > 1 else ''} "
                             f"[{'], ['.join(unknown)}] (expected [coordination], [mirrors], "
                             "[hubs])")
    out = {}
    for name, options in raw.items():
        if not isinstance(options, dict):
            raise ParameterError(f"{path.name}: '{name}' must be a table ([{name}])")
        try:
            _config(name, options)  # validate now, naming the file and section on error
        except ParameterError as err:
            raise ParameterError(f"{path.name} [{name}]: {err}") from err
        out[name] = options
    return out


def analyze(data: Dataset | str | Path, coordination: CoordinationConfig | Mapping | None = None,
            mirrors: MirrorConfig | Mapping | None = None,
            hubs: HubConfig | Mapping | None = None, *,
            watchlist: pd.DataFrame | None = None, progress: bool = False,
            parallel: bool | None = None) -> Analysis:
    """Run the coordination, mirror and hub analyses (and triage) on a dataset.

    Parameters
    ----------
    data : Dataset, str or Path
        A loaded dataset, or a path that :func:`netlib.load` reads (its load report is
        then ``analysis.dataset.report``).
    coordination, mirrors, hubs : config, dict or None
        Each analysis's options: a :class:`~netlib.coordination.CoordinationConfig`,
        :class:`~netlib.mirrors.MirrorConfig` or :class:`~netlib.hubs.HubConfig`, a dict of
        its options, or None for the defaults.
    watchlist : DataFrame, optional
        Entries to triage (from :func:`netlib.io.watchlist.read_watchlist`); adds ``triage``.
    progress : bool, default False
        Show a progress bar over the steps, with the part of the step running now (see
        :mod:`netlib.progress`; the same messages go to ``logging`` either way).
    parallel : bool, optional
        Hash the tables and find the mirror candidates on a second thread while the
        coordination step runs (True), or one after the other (False). By default (None)
        side by side when there are two cores and memory to spare
        (:func:`netlib.memory.side_by_side`, the rule ``detect`` and ``rank_hubs`` also
        apply to their own second threads). The results are the same either way.

    Returns
    -------
    Analysis
        The results, with ``params`` holding every config and ``provenance`` what
        ``run.json`` records.

    Raises
    ------
    ParameterError
        If an option is unknown or out of range, or ``data`` is neither a Dataset nor a
        path.

    Examples
    --------
    >>> import netlib
    >>> from netlib.coordination import CoordinationConfig
    >>> data = netlib.load("data/sample")                                  # doctest: +SKIP
    >>> analysis = netlib.analyze(data, CoordinationConfig(window="2min"))  # doctest: +SKIP
    """
    configs = {name: _config(name, value) for name, value in
               (("coordination", coordination), ("mirrors", mirrors), ("hubs", hubs))}
    if isinstance(data, str | Path):
        data = load(data)
    if not isinstance(data, Dataset):
        raise ParameterError(f"analyze: data must be a Dataset (netlib.load(path)) or a path, "
                             f"not {type(data).__name__}")
    if parallel is None:
        parallel = side_by_side(len(data.actions))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="netlib-mirrors") as pool:
        # beside the coordination step, on a second thread: the tables' hash (first needed
        # when the coordination result is made; a few hundred MB at ten million actions,
        # done before the coordination step's peak, so always beside it), then, when
        # memory allows, the mirror candidates (they read only the data)
        hashed = pool.submit(data.hash_tables)
        early = pool.submit(mirror_candidates, data, configs["mirrors"]) if parallel else None
        # the analyses only read the tables: hashed once for every result's fingerprint
        with data.pinned(hashed):
            return _run(data, configs, watchlist=watchlist, progress=progress, early=early)


def _run(data: Dataset, configs: dict, *, watchlist: pd.DataFrame | None, progress: bool,
         early: Any) -> Analysis:
    """The analyses of :func:`analyze`, one after the other (``early``: the mirror
    candidates being found on another thread, or None)."""
    with _bar(total=4 if watchlist is not None else 3, desc="netlib analyze",
              progress=progress) as steps:
        steps.set_postfix_str(f"coordination ({len(data.actions):,} actions)"
                              + ("; mirror candidates alongside" if early is not None
                                 else ""))
        analysis = _analyses(data, configs, steps, watchlist=watchlist, early=early)
    analysis.provenance = provenance(data, analysis.params)
    return analysis


@contextmanager
def _bar(*, total: int, desc: str, progress: bool) -> Iterator[tqdm]:
    """A progress bar over a run's steps, whose text is the part of the step running now
    (the messages of :mod:`netlib.progress` from this thread; parts done on a second
    thread are logged, not shown)."""
    bar = tqdm(total=total, desc=desc, disable=not progress, unit="step")
    here = threading.get_ident()

    def show(message: str) -> None:
        if threading.get_ident() == here:
            bar.set_postfix_str(message)

    with bar, listening(show) if progress else nullcontext():
        yield bar


def _analyses(data: Dataset, configs: dict, steps: tqdm, *,
              watchlist: pd.DataFrame | None, early: Any) -> Analysis:
    coord = detect(data, configs["coordination"])
    steps.update()
    done = (f"{coord.params['n_pairs']:,} co-actions, {coord.params['n_edges_tested']:,} "
            f"edges, {coord.clusters[CLUSTER_ID].nunique():,} clusters")
    steps.set_postfix_str(f"mirrors; coordination: {done}"
                          + ("; waiting for the mirror candidates" if early is not None
                             and not early.done() else ""))
    candidates = early.result() if early is not None else None
    del early
    mirror = detect_mirrors(data, configs["mirrors"], coordination=coord,
                            candidates=candidates)
    del candidates
    steps.update()
    done += f"; {len(mirror.links):,} mirror links"
    steps.set_postfix_str(f"hubs; {done}")
    hub = rank_hubs(data, coord, configs["hubs"], mirrors=mirror)
    steps.update()
    steps.set_postfix_str(done)
    analysis = Analysis(dataset=data, coordination=coord, mirrors=mirror, hubs=hub,
                        params={"coordination": coord.params, "mirrors": mirror.params,
                                "hubs": hub.params})
    if watchlist is not None:
        steps.set_postfix_str("triage")
        analysis.triage = triage_mod.triage(watchlist, analysis)
        steps.update()
    steps.set_postfix_str(done)
    return analysis


def analyze_path(path: str | Path, out: str | Path, *, format: str | None = None,
                 coordination: CoordinationConfig | Mapping | None = None,
                 mirrors: MirrorConfig | Mapping | None = None,
                 hubs: HubConfig | Mapping | None = None, report: bool = False,
                 watchlist: str | Path | None = None, pseudonymize: str | None = None,
                 progress: bool = True, load_options: Mapping | None = None,
                 pdf: bool = False) -> list[Path]:
    """Load ``path``, run :func:`analyze`, and write every table (and the report) to ``out``.

    ``out`` is written as one transaction (:class:`netlib.outdir.OutputFolder`): it is
    checked and locked before the data is loaded, every file is written into a temporary
    sibling folder, and that folder replaces ``out`` only when everything was written. An
    earlier netlib output in ``out`` is replaced as a whole (files it had that this run does
    not write are named in a warning); a folder holding anything else is refused.

    Parameters
    ----------
    path : str or Path
        A dataset in any format :func:`netlib.load` reads.
    out : str or Path
        The output folder (see the module docstring for what it holds).
    format : str, optional
        Force a reader instead of detecting the format.
    coordination, mirrors, hubs : config, dict or None
        As for :func:`analyze`.
    report : bool, default False
        Also write ``report.html`` and the Gephi files.
    watchlist : str or Path, optional
        A watch-list CSV to triage.
    pseudonymize : str, optional
        A key: identifiers in every output become keyed pseudonyms.
    progress : bool, default True
        Show progress bars.
    load_options : dict, optional
        Passed to the reader (e.g. ``{"key": ...}`` for WhatsApp phone-number senders).
    pdf : bool, default False
        With ``report``: also print ``report.pdf`` with headless Chromium.

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
    netlib.report.PdfError
        If ``pdf`` is asked for and Chromium is not installed (checked before any work).
    """
    if pdf:
        report_mod.require_chromium()
    with OutputFolder(out) as folder:
        with _bar(total=1, desc="netlib load", progress=progress) as bar:
            data = load(path, format=format, **dict(load_options or {}))
            bar.update()
        entries = None
        if watchlist is not None:  # a netlib watch-list, or a Meta threat-indicator file
            entries = (read_threat_indicators(watchlist)
                       if looks_like_threat_indicators(Path(watchlist))
                       else read_watchlist(watchlist))
            for note in entries.attrs.get("warnings", []):  # values set aside, by row
                warnings.warn(note, stacklevel=2)
        analysis = analyze(data, coordination, mirrors, hubs, watchlist=entries,
                           progress=progress)
        written = _write(analysis, folder, report=report or pdf, pseudonymize=pseudonymize,
                         progress=progress, pdf=pdf)
    _say_replaced(folder)
    return written


def write_analysis(analysis: Analysis, out: str | Path, *, report: bool = False,
                   pseudonymize: str | None = None, progress: bool = False,
                   pdf: bool = False) -> list[Path]:
    """Write an analysis's tables, ``run.json`` (and the report and Gephi files) to ``out``.

    The same files, written the same way (one transaction, see :func:`analyze_path`), as
    ``netlib analyze`` writes; for analyses run in Python or a notebook.

    Parameters
    ----------
    analysis : Analysis
        From :func:`analyze`.
    out : str or Path
        The output folder.
    report : bool, default False
        Also write ``report.html`` and the Gephi files.
    pseudonymize : str, optional
        A key: identifiers in every output become keyed pseudonyms.
    progress : bool, default False
        Show a progress bar while the report's figures are made.
    pdf : bool, default False
        Also print ``report.pdf`` with headless Chromium (implies ``report``).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        If ``out`` is a file, a symbolic link, or a folder that is not a netlib output.
    netlib.report.PdfError
        If ``pdf`` is asked for and Chromium is not installed.
    """
    if pdf:
        report_mod.require_chromium()
    with OutputFolder(out) as folder:
        written = _write(analysis, folder, report=report or pdf, pseudonymize=pseudonymize,
                         progress=progress, pdf=pdf)
    _say_replaced(folder)
    return written


def _write(analysis: Analysis, folder: OutputFolder, *, report: bool,
           pseudonymize: str | None, progress: bool, pdf: bool = False) -> list[Path]:
    tables = analysis.tables()
    record = analysis.provenance or provenance(analysis.dataset, analysis.params)
    if pseudonymize:
        tables = report_mod.pseudonymize_tables(tables, pseudonymize, analysis.dataset)
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
            page = report_mod.write_report(shown, folder.path / "report.html",
                                           pseudonymized=bool(pseudonymize), progress=progress)
            written.append(page)
            if pdf:
                written.append(report_mod.write_pdf(page, folder.path / "report.pdf"))
            written += report_mod.export_graph(shown, folder.path)
    return [folder.final(p) for p in written]


def _say_replaced(folder: OutputFolder) -> None:
    if folder.replaced:
        warnings.warn(f"{folder.out}: replaced an earlier output; removed its files that this "
                      f"run does not write: {', '.join(folder.replaced)}", stacklevel=3)
