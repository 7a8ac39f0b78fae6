"""Reading back a folder written by ``netlib analyze``: its tables and its ``run.json``.

Steps that start from an earlier analysis (the STIX sharing package, the Meta indicator
CSV, the registry of removed accounts) read the folder here, so that every file netlib
reads is read in ``io/``. The registry also needs the analysed dataset again:
:attr:`AnalysisOutput.dataset_path` finds it from the ``source`` that ``run.json`` records
(relative to the current folder, or to the folder holding the output).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netlib.errors import DataFormatError
from netlib.io._files import read_whole
from netlib.loadreport import LoadReport
from netlib.schema import ACCOUNT_ID, CHAIN_ID, CLUSTER_ID, POSITION

__all__ = ["AnalysisOutput", "read_analysis_output", "looks_like_analysis_output",
           "WITHHELD_SOURCE"]

#: ``run.json``'s ``source`` in a pseudonymised run (see :func:`netlib.report.withhold_inputs`).
WITHHELD_SOURCE = "input withheld (pseudonymised run)"


@dataclass
class AnalysisOutput:
    """An analyze output folder as read back.

    Attributes
    ----------
    folder : Path
    run : dict
        ``run.json``: parameters, versions, input fingerprints.
    tables : dict of DataFrame
        Every ``<name>.csv`` of the folder by name, cells as written (strings).
    """

    folder: Path
    run: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def pseudonymized(self) -> bool:
        """True when the folder was written with pseudonyms instead of identifiers."""
        params = self.run.get("parameters") or {}
        return bool(params.get("pseudonymized")) or self.run.get("source") == WITHHELD_SOURCE

    def table(self, name: str) -> pd.DataFrame:
        """One table, or an empty frame when the folder does not have it."""
        return self.tables.get(name, pd.DataFrame())

    @property
    def clusters(self) -> pd.DataFrame:
        """``account_id, cluster_id`` of ``clusters.csv`` (empty when there is none)."""
        return self._columns("clusters", [ACCOUNT_ID, CLUSTER_ID])

    @property
    def chains(self) -> pd.DataFrame:
        """``chain_id, position, account_id`` of ``mirror_chains.csv`` (empty without it)."""
        return self._columns("mirror_chains", [CHAIN_ID, POSITION, ACCOUNT_ID])

    @property
    def dataset_path(self) -> Path | None:
        """The analysed input, when it can be found from ``run.json``'s ``source``."""
        source = str(self.run.get("source") or "")
        if not source or source == WITHHELD_SOURCE:
            return None
        for base in (Path.cwd(), self.folder.resolve().parent, self.folder.resolve()):
            if (base / source).exists():
                return base / source
        return None

    def _columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        if name not in self.tables:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        frame = self.tables[name]
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataFormatError(f"{self.folder / (name + '.csv')}: no column "
                                  f"{', '.join(missing)} (expected {', '.join(columns)} as "
                                  "netlib analyze writes them)")
        return frame[columns]


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


def read_analysis_output(folder: str | Path) -> AnalysisOutput:
    """Read the tables and ``run.json`` of a folder written by ``netlib analyze``.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    AnalysisOutput

    Raises
    ------
    DataFormatError
        If the folder does not exist, has no ``run.json`` (then it is not an analyze
        output), or ``run.json`` is not a JSON object; a table that cannot be read names
        its file and rows.

    Examples
    --------
    >>> from netlib.io.outputs import read_analysis_output
    >>> out = read_analysis_output("out/")  # doctest: +SKIP
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFormatError(f"{folder}: no such folder (expected the output folder of "
                              "netlib analyze)")
    run_path = folder / "run.json"
    if not run_path.is_file():
        raise DataFormatError(f"{folder}: no run.json, so this is not a netlib analyze output "
                              "folder (run `netlib analyze DATA --out FOLDER` first)")
    try:
        run = json.loads(run_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataFormatError(f"{run_path}: not valid JSON ({err})") from err
    if not isinstance(run, dict):
        raise DataFormatError(f"{run_path}: expected a JSON object, got {type(run).__name__}")
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        tables[path.stem] = read_whole(path, LoadReport(format="analysis_output"))
    return AnalysisOutput(folder=folder, run=run, tables=tables)
