"""A registry of removed accounts, and screening of new accounts against it.

The loop the registry serves: accounts are reported and removed; new accounts appear
every day; the new ones that are removed ones come back should be caught early, at
their creation.

* :func:`register` records every removed or inferred-gone account of a dataset (or of a
  ``netlib analyze`` output folder, which adds cluster and lineage membership) in a
  DuckDB file (:class:`Registry`): its name skeletons, avatar hash, bio and audience
  sketches, links and domains, rhythm, and where, when and from which run it came.
  The file is append-only, deduplicated and versioned.
* :func:`screen` scores every account of a new dataset against the registry with the
  ``early`` mirror model, using only what exists at creation (and first posts).

A match says a new account looks like a removed one re-created; it is not proof that the
same people run both.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.io import load, looks_like_analysis_output, read_analysis_output
from netlib.mirrors import MirrorConfig
from netlib.outdir import OutputFolder, check_output_folder
from netlib.provenance import package_versions, sha256_file
from netlib.registry.fingerprints import (
    FINGERPRINT_COLUMNS,
    account_fingerprints,
    removed_fingerprints,
)
from netlib.registry.screen import (
    ALERT_COLUMNS,
    ScreenConfig,
    ScreenResult,
    screen,
)
from netlib.registry.store import SCHEMA_VERSION, Registry, RegistryError
from netlib.registry.timeline import created_between, observed_until
from netlib.safe import write_csv

__all__ = ["Registry", "RegistryError", "SCHEMA_VERSION", "register", "register_dataset",
           "screen", "ScreenConfig", "ScreenResult", "ALERT_COLUMNS", "FINGERPRINT_COLUMNS",
           "account_fingerprints", "removed_fingerprints", "source_label", "write_screen",
           "screen_path", "observed_until", "created_between"]


def source_label(path: str | Path) -> str:
    """How a batch names its input: relative to the current folder, else its final name.

    Never an absolute path (the folders above an input often name a person or a case).
    """
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return p.name or str(path)


def register_dataset(registry: Registry, data: Dataset, *, source: str = "memory",
                     config: MirrorConfig | None = None, analysis: Any = None,
                     source_kind: str = "dataset") -> dict[str, Any]:
    """Record the removed accounts of an in-memory dataset in an open registry.

    Parameters
    ----------
    registry : Registry
    data : Dataset
    source : str
        How the batch names its input.
    config : MirrorConfig, optional
        How removals are learned (takedown inference, see :class:`MirrorConfig`).
    analysis : AnalysisOutput, optional
        A ``netlib analyze`` output of the same data: adds cluster and chain membership.
    source_kind : str
        ``dataset`` or ``analysis``.

    Returns
    -------
    dict
        The batch row (``batch_id, n_removed, n_added, n_duplicate`` ...).
    """
    if not isinstance(data, Dataset):
        raise ParameterError(f"register needs a netlib Dataset, got {type(data).__name__}")
    config = MirrorConfig.build(config)
    fp = removed_fingerprints(data, config,
                              clusters=None if analysis is None else analysis.clusters,
                              chains=None if analysis is None else analysis.chains)
    run = None
    if analysis is not None:
        run = hashlib.sha256(json.dumps(analysis.run, sort_keys=True, default=str)
                             .encode("utf-8")).hexdigest()
    params = {k: v for k, v in dataclasses.asdict(config).items() if k != "weights"}
    return registry.add(fp, source=source, source_kind=source_kind,
                        input_fingerprint=data.fingerprint(), analysis_run=run,
                        params=params)


def register(db: str | Path, source: str | Path, *, data: str | Path | None = None,
             format: str | None = None, config: MirrorConfig | None = None,
             load_options: dict | None = None) -> dict[str, Any]:
    """``netlib registry add``: record a dataset's removed accounts in a registry file.

    Parameters
    ----------
    db : str or Path
        The registry file (created when missing).
    source : str or Path
        A dataset :func:`netlib.load` reads, or a ``netlib analyze`` output folder (its
        ``run.json`` names the analysed dataset; cluster and chain membership come from
        its ``clusters.csv`` and ``mirror_chains.csv``).
    data : str or Path, optional
        With an output folder: the analysed dataset, when ``run.json``'s source cannot be
        found from here.
    format : str, optional
        Force a reader.
    config : MirrorConfig, optional
        How removals are learned.
    load_options : dict, optional
        Passed to the reader.

    Returns
    -------
    dict
        The batch row.

    Raises
    ------
    ParameterError
        If the output folder is pseudonymised (its ids would not match the data), its
        dataset cannot be found, or the dataset is not the one it analysed.
    """
    source = Path(source)
    analysis = None
    if source.is_dir() and looks_like_analysis_output(source):
        analysis = read_analysis_output(source)
        if analysis.pseudonymized:
            raise ParameterError(
                f"{source}: a pseudonymised output (its account ids are keyed pseudonyms, "
                "so they cannot be matched with the data); register the dataset itself, "
                "or an output written without --pseudonymize")
        dataset_path = Path(data) if data is not None else analysis.dataset_path
        if dataset_path is None:
            raise ParameterError(
                f"{source}: run.json names its input {analysis.run.get('source')!r}, which "
                "is not found from here; give the dataset with --data")
        loaded = load(dataset_path, format=format, **dict(load_options or {}))
        want = analysis.run.get("dataset_fingerprint")
        if want and want != loaded.fingerprint():
            raise ParameterError(
                f"{source}: {dataset_path} is not the dataset this output analysed (its "
                "fingerprint differs from run.json's dataset_fingerprint)")
        label = source_label(dataset_path)
    else:
        loaded = load(source, format=format, **dict(load_options or {}))
        label = source_label(source)
    with Registry(db) as registry:
        return register_dataset(registry, loaded, source=label, config=config,
                                analysis=analysis,
                                source_kind="dataset" if analysis is None else "analysis")


def _record(data: Dataset, result: ScreenResult, registry_path: Path) -> dict[str, Any]:
    """``run.json`` of a screening: versions, the input, the registry and the options."""
    versions = package_versions()
    return {
        "netlib_version": versions.pop("netlib"), "python": versions.pop("python"),
        "packages": versions, "command": "screen", "source": source_label(data.source),
        "input_format": data.report.format,
        "input_files": {table: {"file": info["file"], "sha256": info.get("sha256"),
                                "rows_read": info["read"], "rows_kept": info["kept"],
                                "rows_rejected": info["rejected"]}
                        for table, info in data.report.files.items()},
        "dataset_fingerprint": result.fingerprint,
        "registry": {"file": registry_path.name,
                     "sha256": sha256_file(registry_path) if registry_path.is_file() else None},
        "parameters": result.params,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_screen(result: ScreenResult, data: Dataset, registry_path: str | Path,
                 out: str | Path) -> list[Path]:
    """Write ``alerts.csv``, ``screened.csv`` and ``run.json`` to ``out`` as one transaction.

    Raises
    ------
    ParameterError
        If ``out`` is a file, a symbolic link, or a folder that is not a netlib output.
    """
    with OutputFolder(out) as folder:
        with folder.writing():
            written = [write_csv(frame, folder.path / f"{name}.csv")
                       for name, frame in result.tables().items()]
            run = folder.path / "run.json"
            run.write_text(json.dumps(_record(data, result, Path(registry_path)), indent=2,
                                      sort_keys=True, default=str) + "\n", encoding="utf-8")
            written.append(run)
        final = [folder.final(p) for p in written]
    return final


def screen_path(new: str | Path, registry_path: str | Path, out: str | Path, *,
                format: str | None = None, config: ScreenConfig | None = None,
                load_options: dict | None = None) -> tuple[ScreenResult, list[Path]]:
    """``netlib screen``: load new accounts, screen them against a registry file, write
    the alerts folder.

    Parameters
    ----------
    new : str or Path
        A dataset :func:`netlib.load` reads.
    registry_path : str or Path
        The registry file.
    out : str or Path
        The output folder: ``alerts.csv``, ``screened.csv``, ``run.json``.
    format : str, optional
    config : ScreenConfig, optional
    load_options : dict, optional

    Returns
    -------
    (ScreenResult, list of Path)

    Raises
    ------
    ParameterError
        If the registry file does not exist, or ``out`` cannot be used.
    RegistryError
        If the file is not a registry.
    """
    check_output_folder(out)
    with Registry(registry_path, read_only=True) as registry:
        data = load(new, format=format, **dict(load_options or {}))
        result = screen(data, registry, config)
    return result, write_screen(result, data, registry_path, out)
