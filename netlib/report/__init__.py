"""Saving figures and tables, pseudonymisation, the HTML briefing and the Gephi export.

Notebooks call :func:`setup_notebook` once and :func:`save_figure` for every static
figure, so figures land in ``figures/`` under stable names; a chart with no interactive
version is shown with :func:`show_figure`, which gives it a description in the report.

The analysis pipeline calls :func:`write_tables` (CSV files safe to open in a spreadsheet),
:func:`pseudonymize_tables` / :func:`pseudonymize_analysis` (keyed pseudonyms instead of
handles, names and ids), :func:`write_report` (one self-contained offline HTML file) and
:func:`export_graph` (GraphML and GEXF for Gephi).

Text from the data is hostile until proven otherwise: every value that reaches the HTML is
escaped, only ``http(s)`` links become clickable, CSV cells that a spreadsheet would run as
a formula are neutralised, and characters that XML cannot hold are replaced.

Modules: :mod:`~netlib.report.figures` (figure files), :mod:`~netlib.report.tables` (CSV),
:mod:`~netlib.report.format` (the one table formatter for
notebooks and the briefing), :mod:`~netlib.report.accounts` (why each account is named),
:mod:`~netlib.report.explore` (the JupyterLab explorer), :mod:`~netlib.report.pseudonymize`,
:mod:`~netlib.report.cards` (the tidy tables behind the report), :mod:`~netlib.report.briefing`
(the HTML page), :mod:`~netlib.report.pdf` (printing it with headless Chromium),
:mod:`~netlib.report.stored` (rebuilding it from an output folder), :mod:`~netlib.report.gephi`
(graphs and their export) and :mod:`~netlib.report.stix` (the sharing package: a STIX 2.1
bundle and Meta's indicator CSV). Everything public is importable from ``netlib.report``.
"""

from __future__ import annotations

from netlib.report.accounts import account_index
from netlib.report.briefing import render_report, write_report
from netlib.report.cards import (
    cluster_cards,
    lineage_cards,
    summary,
    timezone_findings,
)
from netlib.report.explore import Explorer, Filters, explore
from netlib.report.figures import (
    FigureImage,
    figure_png,
    figures_dir,
    save_figure,
    setup_notebook,
    show_figure,
)
from netlib.report.format import Table, format_value, table, table_html
from netlib.report.gephi import export_graph, graphs
from netlib.report.pdf import PdfError, find_chromium, require_chromium, write_pdf
from netlib.report.pseudonymize import (
    pseudonym,
    pseudonymize_analysis,
    pseudonymize_tables,
)
from netlib.report.stix import meta_indicators, stix_bundle, write_sharing_package
from netlib.report.stored import StoredAnalysis, read_output, rebuild_report
from netlib.report.tables import neutralize_cell, safe_csv_frame, write_tables

__all__ = [
    "setup_notebook", "save_figure", "show_figure", "figure_png", "FigureImage", "figures_dir",
    "table", "table_html", "format_value", "Table",
    "account_index", "explore", "Explorer", "Filters",
    "neutralize_cell", "safe_csv_frame", "write_tables",
    "pseudonym", "pseudonymize_tables", "pseudonymize_analysis",
    "summary", "cluster_cards", "lineage_cards", "timezone_findings",
    "render_report", "write_report", "export_graph", "graphs",
    "stix_bundle", "meta_indicators", "write_sharing_package",
    "write_pdf", "find_chromium", "require_chromium", "PdfError",
    "read_output", "rebuild_report", "StoredAnalysis",
]
