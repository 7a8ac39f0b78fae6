"""The protocol every analysis result follows, and its notebook display.

A coordination, mirror, hub or triage result, and the :class:`~netlib.pipeline.Analysis`
that holds them, all offer:

``params``
    ``dict``: the parameters that made it (``dataclasses.asdict`` of its config).
``fingerprint``
    ``str``: the SHA-256 of the input it was computed from.
``tables()``
    ``dict[str, DataFrame]``: every output table by name (the CSV file stem).
``evidence(...)``
    ``DataFrame``: the rows that support one finding (a pair, an account, a link).
``_repr_html_()``
    A short HTML summary for notebooks, with every value escaped.

Notebooks use only these. The report and figure code also reads a result's named
tables as attributes (``clusters``, ``links``, ``pairs``...), with ``getattr`` and a
default, so that a briefing rebuilt from an output folder (tables and ``run.json``, no
result objects) can pass stand-ins that carry only the tables it has.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pandas as pd

from netlib.safe import escape_html

__all__ = ["Result", "summary_html"]


@runtime_checkable
class Result(Protocol):
    """What every analysis result offers (see the module docstring)."""

    params: dict
    fingerprint: str

    def tables(self) -> dict[str, pd.DataFrame]: ...

    def evidence(self, *args: Any, **kwargs: Any) -> pd.DataFrame: ...

    def _repr_html_(self) -> str: ...


def summary_html(title: str, result: Result, *, lines: list[str] | None = None) -> str:
    """HTML summary of a result: a title, a few lines, its tables' sizes and parameters.

    Examples
    --------
    >>> class R:
    ...     params = {"window": 60.0}
    ...     fingerprint = "ab" * 32
    ...     def tables(self):
    ...         return {"clusters": pd.DataFrame({"account_id": ["<b>"]})}
    >>> "&lt;b&gt;" in summary_html("<b>", R()) or "clusters" in summary_html("x", R())
    True
    """
    rows = "".join(f"<tr><td>{escape_html(name)}</td><td>{len(frame):,}</td></tr>"
                   for name, frame in result.tables().items())
    params = "".join(f"<tr><td>{escape_html(k)}</td><td>{escape_html(v)}</td></tr>"
                     for k, v in result.params.items())
    extra = "".join(f"<p>{escape_html(line)}</p>" for line in lines or [])
    return (f"<div><strong>{escape_html(title)}</strong>{extra}"
            f"<table><tr><th>table</th><th>rows</th></tr>{rows}</table>"
            f"<details><summary>parameters (input {escape_html(result.fingerprint[:12])})"
            f"</summary><table>{params}</table></details></div>")
