"""The one table formatter: what a reader sees in notebook tables and the briefing."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from hostile_world import SCRIPT

from netlib import report
from netlib.report.format import column_label, format_value, register_notebook_formatter


@pytest.mark.parametrize(("value", "column", "shown"), [
    (9.419090e-26, "q_value", "< 1e-10"),
    (0.0123456, "q_value", "0.012"),
    (0.049, "min_q_value", "0.049"),
    (3e-4, "p_value", "0.0003"),
    (1234567, "n_ties", "1,234,567"),
    (np.int64(2500), "size", "2,500"),
    (2163.229327, "expected", "2,163"),
    (0.406793, "density", "0.407"),
    (17651.0, "observed", "17,651"),
    (["hashtag", "hashtag_seq", "link"], "traces", "hashtag, hashtag_seq, link"),
    ([("todaylife", 388), ("news", 2)], "top_objects", "todaylife (388), news (2)"),
    (pd.Timestamp("2025-01-11 03:14:24", tz="UTC"), "timestamp", "2025-01-11 03:14"),
    (pd.Timedelta(seconds=90), "time_delta", "90 s"),
    (None, "handle", ""),
    (np.nan, "q_value", ""),
    (True, "coordinated", "yes"),
    # a card's spellings per shared object: objects with none leave no ", ," behind
    ([[], [], []], "top_object_spellings", ""),
    ([[], ["azadi", "آزادی"], ["watan"]], "top_object_spellings", "azadi, آزادی; watan"),
    (["a", None, "b"], "traces", "a, b"),
    # a chain's links: one mapping per step, the steps kept apart
    ([{"predecessor_id": "x:1", "score": 0.9}, {"predecessor_id": "x:2", "score": 0.8}],
     "links", "predecessor_id: x:1, score: 0.9; predecessor_id: x:2, score: 0.8"),
])
def test_values_read_as_words_and_numbers(value, column, shown):
    assert format_value(value, column) == shown


@pytest.mark.parametrize(("name", "label"), [
    ("q_value", "q-value"), ("n_accounts", "accounts"), ("median_lag_s", "median lag (s)"),
    ("cluster_id", "network"), ("amplification_pagerank", "amplification pagerank"),
])
def test_column_labels_are_human(name, label):
    assert column_label(name) == label


def _cells(markup: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<td[^>]*>(.*?)</td>", markup, flags=re.S)]


def test_table_formats_every_cell_and_labels_columns():
    frame = pd.DataFrame({"cluster_id": [0, 1], "q_value": [1e-30, 0.0311],
                          "traces": [["repost", "link"], ["text"]],
                          "top_objects": [[("todaylife", 388)], []]})
    markup = report.table(frame).html
    assert _cells(markup) == ["0", "< 1e-10", "repost, link", "todaylife (388)",
                              "1", "0.031", "text", ""]
    headers = [html.unescape(h) for h in re.findall(r"<th [^>]*>(.*?)</th>", markup)]
    assert headers == ["network", "q-value", "traces", "most shared objects"]
    assert "[(" not in markup and "dtype" not in markup


def test_long_text_is_cut_with_the_full_text_on_hover_and_escaped():
    text = SCRIPT + " " + "word " * 40
    markup = report.table(pd.DataFrame({"bio": [text]}), max_chars=30).html
    shown = _cells(markup)[0]
    assert len(shown) == 30 and shown.endswith("…")
    title = re.search(r'<span title="([^"]*)"', markup).group(1)
    assert html.unescape(title) == text.strip() or html.unescape(title) == text
    assert "<script" not in markup  # escaped in the cell and in the hover text


def test_hover_text_is_capped_for_huge_cells():
    markup = report.table(pd.DataFrame({"bio": ["x" * 50_000]})).html
    assert "x" * 1000 not in markup and "more characters]" in markup


def test_series_shows_as_a_two_column_table_without_dtype():
    counts = pd.Series({"accounts": 1234, "actions": 56789}, name="count").rename_axis("what")
    markup = report.table(counts).html
    assert _cells(markup) == ["accounts", "1,234", "actions", "56,789"]
    assert "dtype" not in markup and "Name:" not in markup


def test_rows_beyond_the_limit_are_counted():
    markup = report.table(pd.DataFrame({"a": range(60)}), max_rows=50).html
    assert markup.count("<tr>") == 51 and "10 more rows" in markup


def test_notebook_formatter_routes_frames_through_the_table():
    class Formatter:
        def __init__(self):
            self.types = {}

        def for_type(self, cls, func):
            self.types[cls] = func

    html_formatter = Formatter()
    shell = type("Shell", (), {})()
    shell.display_formatter = type("D", (), {"formatters": {"text/html": html_formatter}})()
    assert register_notebook_formatter(shell)
    shown = html_formatter.types[pd.DataFrame](pd.DataFrame({"q_value": [1e-20]}))
    assert "&lt; 1e-10" in shown and "nl-table" in shown
    assert register_notebook_formatter(None) in (False, True)
