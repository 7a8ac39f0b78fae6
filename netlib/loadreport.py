"""The load report: rows read, kept and rejected per file, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib.safe import escape_html

__all__ = ["Issue", "LoadReport"]


# --- the load report -------------------------------------------------------------------------
@dataclass(frozen=True)
class Issue:
    """One problem found while loading.

    ``severity`` is ``"error"`` (the row was rejected, or the file could not be used) or
    ``"warning"`` (the row was kept but a value was blanked or repaired). ``row`` is
    ``None`` for file-level issues, else where the record starts in ``file``:

    * CSV files: the physical line, counted so that the header line is row 0 -- data row
      ``r`` is line ``r + 1`` of a file whose header is on line 1 (``sed -n '{r+1}p'``).
      Every line counts, blank ones and the continuation lines of a quoted field holding
      line breaks included; a line ends at LF, CRLF or a lone CR, as Python's ``csv``
      module sees it.
    * JSON lines: the 1-based line number; a JSON array: the 1-based element.
    * Frames in memory: the 1-based position.
    """

    file: str
    row: int | None
    column: str | None
    reason: str
    value: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row:,}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.reason}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" (value {shown!r})"
        return f"{self.severity}: {text}"


@dataclass
class LoadReport:
    """Rows read, kept and rejected per file, and the reason for every rejected row.

    The counts always add up: ``read == kept + rejected`` for each file. Rejected rows are
    kept, unchanged, in :attr:`rejected` (a dict of DataFrames by table) for inspection,
    with ``_row`` (see :class:`Issue` for what a row number means) and ``_reason`` in
    front (and ``_raw``, the text, for records that could not even be split into fields);
    an input column of the same name is kept as ``<name> (input)``.
    """

    format: str = "netlib"
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_file(self, table: str, path: str, read: int, sha256: str | None = None) -> None:
        self.files[table] = {"file": path, "read": int(read), "kept": int(read), "rejected": 0,
                             "warnings": 0, "sha256": sha256}

    def error(self, file: str, reason: str, *, row: int | None = None,
              column: str | None = None, value: Any = None) -> None:
        self.issues.append(Issue(file, row, column, reason, _shown(value), "error"))

    def warn(self, file: str, reason: str, *, row: int | None = None,
             column: str | None = None, value: Any = None) -> None:
        self.issues.append(Issue(file, row, column, reason, _shown(value), "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no row was rejected and no file-level error occurred."""
        return not self.errors

    def table(self) -> pd.DataFrame:
        """Counts per file: ``table, file, read, kept, rejected, warnings``."""
        rows = [{"table": t, **{k: v for k, v in info.items() if k != "sha256"}}
                for t, info in self.files.items()]
        return pd.DataFrame(rows, columns=["table", "file", "read", "kept", "rejected",
                                           "warnings"])

    def issues_frame(self) -> pd.DataFrame:
        """Every issue as a row: ``severity, file, row, column, reason, value``."""
        return pd.DataFrame(
            [{"severity": i.severity, "file": i.file, "row": i.row, "column": i.column,
              "reason": i.reason, "value": i.value} for i in self.issues],
            columns=["severity", "file", "row", "column", "reason", "value"],
        )

    def reasons(self) -> pd.DataFrame:
        """Issue counts by file, severity and reason, most frequent first."""
        frame = self.issues_frame()
        if frame.empty:
            return pd.DataFrame(columns=["file", "severity", "reason", "count"])
        return (frame.groupby(["file", "severity", "reason"], dropna=False).size()
                .rename("count").reset_index().sort_values("count", ascending=False,
                                                          kind="stable")
                .reset_index(drop=True))

    def lines(self, limit: int | None = 50) -> list[str]:
        """Human-readable summary: one line per file, then one line per issue."""
        out = [f"format: {self.format}"]
        out += [f"note: {n}" for n in self.notes]
        for info in self.files.values():
            out.append(f"{info['file']}: read {info['read']:,}, kept {info['kept']:,}, "
                       f"rejected {info['rejected']:,}, warnings {info['warnings']:,}")
        shown = self.issues if limit is None else self.issues[:limit]
        out += [str(i) for i in shown]
        if limit is not None and len(self.issues) > limit:
            out.append(f"... and {len(self.issues) - limit:,} more issues "
                       "(see LoadReport.issues_frame())")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        counts = self.table().to_html(index=False, escape=True)
        reasons = self.reasons().head(20).to_html(index=False, escape=True)
        return f"<p>format: {escape_html(self.format)}</p>{counts}{reasons}"


def _shown(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)
