"""Figures: take results, return a Figure, never save.

Every briefing figure comes as an interactive plotly figure (``network_map``, ``chain_timeline``,
``activity_heatmap``, ``survival_curve``) and a static matplotlib twin with the same name
and a ``_static`` suffix. Saving is :func:`netlib.report.save_figure`'s job.

Text from the data (handles, names) can be hostile: it is HTML-escaped before it goes into
plotly hover labels, because plotly renders hover text as a subset of HTML.

Results are read by duck typing (``getattr(result, "clusters", None)``), so any object with
the DataFrames named in the analysis contracts works, including a ``SimpleNamespace``.

Modules: :mod:`~netlib.plots.network` (the coordination network map),
:mod:`~netlib.plots.mirrors` (chain timelines, takedown/re-creation survival),
:mod:`~netlib.plots.heatmaps` (hour x weekday activity), :mod:`~netlib.plots.overview`
(the data overview: accounts, activity over time, hours, interactions), :mod:`~netlib.plots.hubs`
(the hub analysis: cascades, time-zone fits), :mod:`~netlib.plots.layout` (graph layout:
components laid out apart and packed). Everything public is importable from
``netlib.plots``.
"""

from __future__ import annotations

from netlib.plots._common import account_labels
from netlib.plots.heatmaps import (
    activity_heatmap,
    activity_heatmap_by_cluster,
    activity_heatmap_static,
    activity_matrix,
)
from netlib.plots.hubs import (
    cascade_figure,
    cascade_figure_static,
    offset_heatmap,
    offset_heatmaps_static,
    offset_likelihood,
)
from netlib.plots.layout import packed_layout
from netlib.plots.mirrors import (
    chain_timeline,
    chain_timeline_static,
    kaplan_meier,
    recreation_times,
    survival_curve,
    survival_curve_static,
)
from netlib.plots.network import (
    NetworkLayout,
    coordination_edges,
    label_sides,
    network_layout,
    network_map,
    network_map_static,
)
from netlib.plots.overview import (
    accounts_bar,
    activity_timeline,
    hour_heatmap,
    interaction_graph,
    interaction_graph_static,
)

__all__ = [
    "account_labels", "coordination_edges", "recreation_times", "kaplan_meier", "activity_matrix",
    "packed_layout", "label_sides", "network_layout", "NetworkLayout", "network_map", "network_map_static", "chain_timeline", "chain_timeline_static",
    "activity_heatmap", "activity_heatmap_by_cluster", "activity_heatmap_static",
    "survival_curve", "survival_curve_static",
    # data overview
    "accounts_bar", "activity_timeline", "hour_heatmap", "interaction_graph",
    "interaction_graph_static",
    # hub analysis
    "cascade_figure", "cascade_figure_static", "offset_heatmap", "offset_heatmaps_static",
    "offset_likelihood",
]
