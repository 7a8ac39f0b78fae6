"""One table formatter for everything a reader sees: notebook outputs and the briefing.

A table shown to a person is not a CSV: lists are joined into words, counts carry thousands
separators, q-values read ``< 1e-10`` or two significant digits, column names are labels,
and long text is cut with the full text on hover. Every value from the data is escaped
(:func:`netlib.safe.escape_html`), in the cell and in its hover text.

:func:`table` returns a :class:`Table` that notebooks display as HTML; :func:`table_html`
is the same as a string, for the briefing. :func:`format_value` formats one cell as text.
:func:`register_notebook_formatter` makes every DataFrame and Series a notebook displays go
through :func:`table`, so no raw ``Name: ..., dtype: ...`` print reaches a report.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"n_accounts": [12345], "q_value": [9.4e-26],
...                       "traces": [["hashtag", "link"]]})
>>> [format_value(frame[c].iloc[0], c) for c in frame]
['12,345', '< 1e-10', 'hashtag, link']
>>> column_label("q_value"), column_label("median_lag_seconds")
('q-value', 'median lag (s)')
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.safe import escape_html
from netlib.schema import PLATFORM, TIMESTAMP

__all__ = ["Table", "table", "table_html", "format_value", "column_label",
           "register_notebook_formatter", "dataset_html", "TABLE_CSS"]

#: Below this a q- or p-value is written ``< 1e-10`` (more digits claim a precision the
#: tests do not have).
SMALLEST_SHOWN = 1e-10
#: Longest text shown in one cell; the full text is on hover (and in the CSV tables).
MAX_CELL = 80
#: Longest hover text; beyond it the hover says how many characters the CSV holds.
MAX_HOVER = 600

#: Labels of columns whose plain "underscores to spaces" reading would be unclear.
LABELS = {
    "account_id": "account id", "account_id_y": "second account id",
    "cluster_id": "network", "chain_id": "chain", "q_value": "q-value", "p_value": "p-value",
    "min_q_value": "strongest tie (q-value)", "n_accounts": "accounts", "n_ties": "ties",
    "median_lag_s": "median lag (s)", "median_lag_seconds": "median lag (s)",
    "utc_offset_hours": "UTC offset (h)", "tz_low": "offset low (h)", "tz_high": "offset high (h)",
    "hub_score": "hub score", "hub_rank": "hub rank", "top_objects": "most shared objects",
    "top_object_traces": "kinds of shared objects",
    "top_object_spellings": "one tag across scripts", "n_lead": "times leading",
    "created_burst_share": "created in one week (share)", "content_id_y": "second content id",
    "timestamp_y": "second time", "time_delta": "lag (s)", "matched_handles": "matched handles",
}


def _is_probability_column(name: str) -> bool:
    text = str(name).lower()
    return text in ("q", "p") or text.endswith(("q_value", "p_value", "qvalue", "pvalue"))


def column_label(name: Any) -> str:
    """A human label for a column name: ``q_value`` -> ``q-value``, ``n_ties`` -> ``ties``.

    Examples
    --------
    >>> column_label("hub_rank"), column_label("platforms"), column_label("n_actions")
    ('hub rank', 'platforms', 'actions')
    """
    text = str(name)
    if text in LABELS:
        return LABELS[text]
    if text.startswith("n_") and len(text) > 2:
        text = text[2:]
    return text.replace("_", " ").strip()


def _number(value: float, column: str) -> str:
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if _is_probability_column(column):
        if value < SMALLEST_SHOWN:
            return f"< {SMALLEST_SHOWN:.0e}"
        return f"{value:.2g}"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _duration(seconds: float) -> str:
    if math.isnan(seconds):
        return ""
    if abs(seconds) < 120:
        return f"{seconds:.0f} s"
    if abs(seconds) < 7200:
        return f"{seconds / 60:.0f} min"
    if abs(seconds) < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def format_value(value: Any, column: str = "") -> str:
    """One cell as the text a reader sees (not escaped; :func:`table` escapes it).

    Lists and tuples are joined with ", " (lists of lists or of mappings with "; ", and
    empty items left out; a pair ``(object, count)`` reads ``object (count)``), whole numbers get thousands separators, q- and p-values (columns
    named ``q_value``, ``p_value``, ...) read ``< 1e-10`` or two significant digits, other
    numbers three, times ``YYYY-MM-DD HH:MM`` and durations in s, min, h or days.
    Missing values are empty.

    Examples
    --------
    >>> format_value([("todaylife", 388), ("news", 12)])
    'todaylife (388), news (12)'
    >>> format_value(0.0123, "q_value"), format_value(3.14159), format_value(None)
    ('0.012', '3.14', '')
    >>> format_value([[], ["azadi", "آزادی"], []]), format_value([[], []])
    ('azadi, آزادی', '')
    """
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        if (isinstance(value, tuple) and len(value) == 2
                and isinstance(value[1], (int, float, np.integer, np.floating))
                and not isinstance(value[0], (int, float, np.integer, np.floating))):
            return f"{format_value(value[0])} ({format_value(value[1], column)})"
        # empty items (a missing value, an object with nothing to list) are left out, so
        # that a list of nothing reads as nothing rather than ", ,"; lists of lists are
        # joined with "; " so that the inner lists stay apart
        nested = any(isinstance(v, (list, set, frozenset, np.ndarray, pd.Series, Mapping))
                     for v in items)
        shown = (format_value(v, column) for v in items)
        return ("; " if nested else ", ").join(text for text in shown if text)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_value(v, str(k))}" for k, v in value.items())
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return _number(float(value), column)
    if isinstance(value, pd.Timedelta):
        return "" if pd.isna(value) else _duration(value.total_seconds())
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.strftime("%Y-%m-%d %H:%M")
    if value is pd.NaT or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return ""
    if isinstance(value, (dict,)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def _is_link(text: str) -> bool:
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return False
    return scheme in ("http", "https") and not any(ch in text for ch in "\"'<> \t\r\n")


def _cell(value: Any, column: str, max_chars: int, links: bool) -> str:
    text = format_value(value, column)
    short = text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"
    if len(text) > MAX_HOVER:
        text = text[:MAX_HOVER] + f"… [{len(text) - MAX_HOVER:,} more characters]"
    if links and isinstance(value, str) and _is_link(text):
        return (f'<a href="{escape_html(text)}" rel="noopener noreferrer nofollow" '
                f'target="_blank" title="{escape_html(text)}">{escape_html(short)}</a>')
    if short != text:
        return f'<span title="{escape_html(text)}">{escape_html(short)}</span>'
    return escape_html(text)


def _sort_value(value: Any) -> str:
    """A ``data-v`` attribute with the raw number, for sorting by the page's script."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if not math.isfinite(number) else f' data-v="{number:.17g}"'


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


#: The look of a formatted table (the briefing includes it; notebooks carry it inline).
#: Alignment is ``!important``: JupyterLab's stylesheet right-aligns every table cell with a
#: more specific selector.
TABLE_CSS = (
    "table.nl-table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
    "table.nl-table thead th,table.nl-table tbody td{border:1px solid #e2e2e2;padding:.25em .5em;"
    "text-align:left!important;vertical-align:top;max-width:28em;overflow-wrap:break-word}"
    "table.nl-table th{background:#f4f6f8}table.nl-table tbody td.num{text-align:right!important;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}"
    "table.nl-table span[title]{text-decoration:underline dotted}"
)


@dataclass(frozen=True)
class Table:
    """A formatted table: ``_repr_html_`` for notebooks, ``html`` for pages.

    Attributes
    ----------
    html : str
        The ``<table>`` (and a note on rows left out), every value escaped.
    n_rows : int
        Rows in the original frame.
    """

    html: str
    n_rows: int

    def _repr_html_(self) -> str:
        return f"<style>{TABLE_CSS}</style>{self.html}"

    def __repr__(self) -> str:
        return f"<table of {self.n_rows:,} rows>"


def table_html(frame: pd.DataFrame | pd.Series | None, *, max_rows: int = 50,
               max_chars: int = MAX_CELL, labels: Mapping[str, str] | None = None,
               columns: Sequence[str] | None = None, cls: str = "",
               more_note: str = "more rows in the CSV tables", links: bool = True,
               empty: str = "(none)") -> str:
    """A frame as an HTML table string (see :func:`table`)."""
    if isinstance(frame, pd.Series):
        frame = _series_frame(frame)
    if frame is None or frame.empty:
        return f'<p class="muted">{escape_html(empty)}</p>'
    frame = _visible_index(frame)
    if columns is not None:
        frame = frame[[c for c in columns if c in frame]]
    shown = frame.head(max_rows)
    names = [str(c) for c in shown.columns]
    numeric = [_numeric(shown[c]) for c in shown.columns]
    own = dict(labels or {})
    head = "".join(f'<th title="{escape_html(n)}">{escape_html(own.get(n, column_label(n)))}'
                   "</th>" for n in names)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="num"{_sort_value(v)}>{_cell(v, n, max_chars, links)}</td>' if num
            else f"<td>{_cell(v, n, max_chars, links)}</td>"
            for v, n, num in zip(values, names, numeric, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    classes = " ".join(["nl-table", *([cls] if cls else [])])
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="muted">… {len(frame) - max_rows:,} {escape_html(more_note)}.</p>'
    return (f'<table class="{escape_html(classes)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{more}')


def table(frame: pd.DataFrame | pd.Series | None, *, max_rows: int = 50,
          max_chars: int = MAX_CELL, labels: Mapping[str, str] | None = None,
          columns: Sequence[str] | None = None) -> Table:
    """A frame formatted for reading (lists joined, numbers and q-values readable, labels).

    Parameters
    ----------
    frame : DataFrame or Series
        A Series is shown as two columns (its index and its values). A named index is
        shown as a column; a plain range index is not.
    max_rows : int, default 50
        Rows shown; a note says how many were left out.
    max_chars : int, default 80
        Longer text is cut, with the full text on hover.
    labels : mapping of str to str, optional
        Column labels to use instead of :func:`column_label`'s.
    columns : sequence of str, optional
        Columns to show, in this order (missing ones are skipped).

    Returns
    -------
    Table
        Displays as HTML in a notebook.

    Examples
    --------
    >>> import pandas as pd
    >>> t = table(pd.DataFrame({"handle": ["<b>x</b>"], "n_ties": [1200]}))
    >>> "&lt;b&gt;x&lt;/b&gt;" in t.html and "1,200" in t.html and "<th" in t.html
    True
    """
    if isinstance(frame, pd.Series):
        n = len(frame)
    else:
        n = 0 if frame is None else len(frame)
    return Table(table_html(frame, max_rows=max_rows, max_chars=max_chars, labels=labels,
                            columns=columns, more_note="more rows not shown"), n)


def _series_frame(series: pd.Series) -> pd.DataFrame:
    name = series.name if series.name is not None else "value"
    index_name = series.index.name if series.index.name is not None else ""
    return pd.DataFrame({index_name or " ": [format_value(i) for i in series.index],
                         str(name): series.to_numpy()})


def _visible_index(frame: pd.DataFrame) -> pd.DataFrame:
    index = frame.index
    if isinstance(index, pd.RangeIndex) or (index.names == [None]
                                            and pd.api.types.is_integer_dtype(index)):
        return frame
    names = [n if n is not None else " " for n in index.names]
    out = frame.copy()
    out.index = out.index.set_names(names)
    return out.reset_index()


def register_notebook_formatter(shell: Any = None) -> bool:
    """Display every DataFrame and Series through :func:`table` in this IPython kernel.

    Returns
    -------
    bool
        False outside IPython (nothing to register).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a notebooks dependency
            return False
        shell = get_ipython()
    if shell is None:
        return False
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, lambda frame: table(frame)._repr_html_())
    html.for_type(pd.Series, lambda series: table(series)._repr_html_())
    html.for_type(Dataset, dataset_html)
    return True


def dataset_html(data: Dataset) -> str:
    """A dataset as a reader sees it: counts, platforms, time span; its source by name only.

    The full source path often names a person, a case or a machine, so only its last part
    is shown.

    Examples
    --------
    >>> import pandas as pd
    >>> data = Dataset(accounts=pd.DataFrame({"account_id": ["1"], "platform": ["x"],
    ...                                       "handle": ["a"]}),
    ...                actions=pd.DataFrame({"timestamp": []}), source="/home/me/case7/data")
    >>> "/home" in dataset_html(data), "data" in dataset_html(data)
    (False, True)
    """
    source = str(data.source)
    name = PurePath(source).name or source if "/" in source or "\\" in source else source
    facts = {"accounts": len(data.accounts), "actions": len(data.actions),
             "follows": 0 if data.follows is None else len(data.follows),
             "platforms": sorted(data.accounts[PLATFORM].dropna().astype(str).unique())
             if PLATFORM in data.accounts else [], "source": name}
    if len(data.actions) and TIMESTAMP in data.actions:
        times = pd.to_datetime(data.actions[TIMESTAMP], utc=True)
        facts["from"], facts["to"] = times.min(), times.max()
    issues = getattr(data.report, "issues_frame", None)
    if callable(issues):
        facts["load issues"] = len(issues())
    frame = pd.Series(facts, name="value", dtype=object).rename_axis("dataset")
    return table(frame)._repr_html_()
