"""Reader for a folder written by ``netlib analyze``: its run record and membership tables.

A later step (the registry of removed accounts) needs to know which coordinated cluster
and which mirror lineage each account belonged to, and which input the run analysed.
:func:`read_analysis_output` reads ``run.json``, ``clusters.csv`` and
``mirror_chains.csv`` (both optional) and finds the analysed dataset again from the
``source`` that ``run.json`` records (relative to the current folder, or to the folder
holding the output).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netlib.errors import DataFormatError
from netlib.schema import ACCOUNT_ID, CHAIN_ID, CLUSTER_ID, POSITION

__all__ = ["AnalysisOutput", "looks_like_analysis_output", "read_analysis_output"]


@dataclass
class AnalysisOutput:
    """What a ``netlib analyze`` folder says about its accounts.

    Attributes
    ----------
    path : Path
        The output folder.
    run : dict
        ``run.json`` as written.
    clusters : DataFrame
        ``account_id, cluster_id`` (empty when the folder has no ``clusters.csv``).
    chains : DataFrame
        ``chain_id, position, account_id`` (empty without ``mirror_chains.csv``).
    dataset_path : Path or None
        The analysed input, when it can be found from ``run.json``'s ``source``.
    """

    path: Path
    run: dict
    clusters: pd.DataFrame = field(repr=False)
    chains: pd.DataFrame = field(repr=False)
    dataset_path: Path | None = None

    @property
    def pseudonymized(self) -> bool:
        """Whether the run replaced identifiers by keyed pseudonyms."""
        params = self.run.get("parameters")
        return bool(isinstance(params, dict) and params.get("pseudonymized"))


def looks_like_analysis_output(path: str | Path) -> bool:
    """A folder holding a ``run.json`` that netlib wrote (it names ``netlib_version``)."""
    run = Path(path) / "run.json"
    if not run.is_file():
        return False
    try:
        record = json.loads(run.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "netlib_version" in record


def _table(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFormatError(f"{path}: no column {', '.join(missing)} (expected "
                              f"{', '.join(columns)} as netlib analyze writes them)")
    return frame[columns]


def read_analysis_output(path: str | Path) -> AnalysisOutput:
    """Read a ``netlib analyze`` output folder.

    Parameters
    ----------
    path : str or Path
        The folder (it holds ``run.json``).

    Returns
    -------
    AnalysisOutput

    Raises
    ------
    DataFormatError
        If the folder has no netlib ``run.json``, or a table lacks its columns.
    """
    folder = Path(path)
    if not looks_like_analysis_output(folder):
        raise DataFormatError(f"{folder}: not a netlib analyze output folder (no run.json "
                              "written by netlib)")
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    clusters = _table(folder / "clusters.csv", [ACCOUNT_ID, CLUSTER_ID])
    chains = _table(folder / "mirror_chains.csv", [CHAIN_ID, POSITION, ACCOUNT_ID])
    source = str(run.get("source") or "")
    found = None
    if source:
        for base in (Path.cwd(), folder.resolve().parent, folder.resolve()):
            candidate = base / source
            if candidate.exists():
                found = candidate
                break
    return AnalysisOutput(path=folder, run=run, clusters=clusters, chains=chains,
                          dataset_path=found)
