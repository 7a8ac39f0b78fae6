"""Saving figures and tables, pseudonymisation, the HTML briefing and the Gephi export.

Notebooks call :func:`setup_notebook` once and :func:`save_figure` for every static
figure, so figures land in ``figures/`` under stable names.

The analysis pipeline calls :func:`write_tables` (CSV files safe to open in a spreadsheet),
:func:`pseudonymize_tables` / :func:`pseudonymize_analysis` (keyed pseudonyms instead of
handles, names and ids), :func:`write_report` (one self-contained offline HTML file) and
:func:`export_graph` (GraphML and GEXF for Gephi).

Text from the data is hostile until proven otherwise: every value that reaches the HTML is
escaped, only ``http(s)`` links become clickable, CSV cells that a spreadsheet would run as
a formula are neutralised, and characters that XML cannot hold are replaced.

Modules: :mod:`~netlib.report.figures` (figure files), :mod:`~netlib.report.tables` (CSV),
:mod:`~netlib.report.pseudonymize`, :mod:`~netlib.report.cards` (the tidy tables behind the
report), :mod:`~netlib.report.briefing` (the HTML page) and :mod:`~netlib.report.gephi`
(graphs and their export). Everything public is importable from ``netlib.report``.
"""

from __future__ import annotations

from netlib.report.briefing import render_report, write_report
from netlib.report.cards import (
    cluster_cards,
    lineage_cards,
    summary,
    timezone_findings,
)
from netlib.report.figures import figures_dir, save_figure, setup_notebook
from netlib.report.gephi import export_graph, graphs
from netlib.report.pseudonymize import (
    pseudonym,
    pseudonymize_analysis,
    pseudonymize_tables,
)
from netlib.report.tables import neutralize_cell, safe_csv_frame, write_tables

__all__ = [
    "setup_notebook", "save_figure", "figures_dir",
    "neutralize_cell", "safe_csv_frame", "write_tables",
    "pseudonym", "pseudonymize_tables", "pseudonymize_analysis",
    "summary", "cluster_cards", "lineage_cards", "timezone_findings",
    "render_report", "write_report", "export_graph", "graphs",
]

# Names that were reachable as ``netlib.report.<name>`` when this was a single module
# (column constants and helpers it imported); kept so existing code keeps working.
import base64  # noqa: E402,F401
import copy  # noqa: E402,F401
import hashlib  # noqa: E402,F401
import hmac  # noqa: E402,F401
import html  # noqa: E402,F401
import json  # noqa: E402,F401
import math  # noqa: E402,F401
import os  # noqa: E402,F401
import re  # noqa: E402,F401
from collections.abc import Iterable, Mapping  # noqa: E402,F401
from datetime import UTC, datetime  # noqa: E402,F401
from pathlib import Path  # noqa: E402,F401
from typing import Any  # noqa: E402,F401
from urllib.parse import urlsplit  # noqa: E402,F401

import numpy as np  # noqa: E402,F401
import pandas as pd  # noqa: E402,F401

from netlib.plots import account_labels, coordination_edges  # noqa: E402,F401
from netlib.report.briefing import _link_evidence  # noqa: E402,F401  (tests inspect it)
from netlib.report.pseudonymize import _Pseudonymizer  # noqa: E402,F401  (tests inspect it)
from netlib.schema import (  # noqa: E402,F401
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    BIO,
    CHAIN_ID,
    CLUSTER_ID,
    CREATED_AT,
    DISPLAY_NAME,
    HANDLE,
    HANDLE_NORM,
    HUB_SCORE,
    KIND,
    OBJECT_ID,
    PLATFORM,
    POSITION,
    PREDECESSOR_ID,
    Q_VALUE,
    RANK,
    SCORE,
    SOURCE_ID,
    STATUS,
    SUCCESSOR_ID,
    SUSPENDED_AT,
    TARGET_ID,
    TEXT,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
    TZ_HIGH,
    TZ_LOW,
    URL,
    UTC_OFFSET,
    WEIGHT,
    Dataset,
    ParameterError,
    normalize_handle,
)
