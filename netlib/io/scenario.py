"""Writing synthetic scenarios (data + planted truth) and reading truth tables back.

A scenario folder holds the interchange tables (``accounts.csv``, ``actions.csv``,
``follows.csv``), the complaints a user would receive (``complaints.csv``) and, in
``truth/``, what was planted: ``networks.csv``, ``coordinated.csv``, ``mirrors.csv``,
``operators.csv``, ``complaints.csv``, ``benign.csv`` and ``scenario.json`` (the
generator's parameters). Files are written with fixed formatting so that the same
scenario always gives byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from netlib.errors import DataFormatError
from netlib.safe import write_csv
from netlib.schema import FOLLOWERS_COUNT, HANDLE_NORM

if TYPE_CHECKING:  # pragma: no cover
    from netlib.synth import Scenario

__all__ = ["write_scenario", "read_truth", "TRUTH_DIR"]

TRUTH_DIR = "truth"
_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime(_ISO)
    write_csv(out, path, neutralize=False)  # input data: must read back exactly


def write_scenario(scenario: Scenario, out_dir: str | Path) -> Path:
    """Write a scenario's data, complaints and truth tables into ``out_dir``.

    Parameters
    ----------
    scenario : Scenario
        From :func:`netlib.synth.generate`.
    out_dir : str or Path
        Folder to write (created if needed; existing files of the same names are replaced).

    Returns
    -------
    Path
        The folder, loadable with :func:`netlib.load` and :func:`read_truth`.
    """
    folder = Path(out_dir)
    (folder / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    data = scenario.dataset
    accounts = data.accounts.drop(columns=[HANDLE_NORM], errors="ignore")
    accounts = accounts.assign(**{FOLLOWERS_COUNT: accounts[FOLLOWERS_COUNT].astype("Int64")})
    _write_csv(accounts, folder / "accounts.csv")
    _write_csv(data.actions, folder / "actions.csv")
    if data.follows is not None:
        _write_csv(data.follows, folder / "follows.csv")
    _write_csv(scenario.complaints, folder / "complaints.csv")
    for name, frame in scenario.truth.items():
        _write_csv(frame, folder / TRUTH_DIR / f"{name}.csv")
    with open(folder / TRUTH_DIR / "scenario.json", "w", encoding="utf-8",
              newline="\n") as handle:
        json.dump(scenario.params, handle, indent=2, sort_keys=True, default=str)
        handle.write("\n")
    return folder


def read_truth(folder: str | Path) -> dict[str, pd.DataFrame] | None:
    """Read the ``truth/`` tables of a scenario folder.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`write_scenario` (or any data folder).

    Returns
    -------
    dict of DataFrame or None
        ``{"networks": ..., "coordinated": ..., "mirrors": ..., "operators": ...,
        "complaints": ..., "benign": ...}`` (whichever files exist; identifiers as
        strings), or ``None`` when the folder has no ``truth/`` subfolder.

    Raises
    ------
    DataFormatError
        If ``folder`` does not exist or a truth file is not a readable CSV.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFormatError(f"{folder}: folder not found")
    truth_dir = folder / TRUTH_DIR
    if not truth_dir.is_dir():
        return None
    out = {}
    for path in sorted(truth_dir.glob("*.csv")):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            raise DataFormatError(f"{path}: not a readable truth table ({err})") from err
        frame = frame.replace("", pd.NA)
        for col in frame.columns:  # numbers back to numbers, identifiers stay strings
            if col.endswith(("_id", "_ids")) or col in ("handle", "platforms", "mutation"):
                continue
            converted = pd.to_numeric(frame[col], errors="coerce")
            if converted.notna().sum() == frame[col].notna().sum() and frame[col].notna().any():
                frame[col] = converted
        out[path.stem] = frame
    return out
