"""Figures for the data overview: accounts, activity over time, hours, interactions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.colors import LogNorm

from netlib.plots.layout import packed_layout
from netlib.safe import escape_html
from netlib.schema import PLATFORM, SOURCE_ID, STATUS, TARGET_ID, WEIGHT

__all__ = ["accounts_bar", "activity_timeline", "hour_heatmap", "interaction_graph",
           "interaction_graph_static"]


def accounts_bar(table: pd.DataFrame) -> go.Figure:
    """Stacked bars of accounts per platform and status (from ``overview.accounts_by_platform``)."""
    fig = go.Figure()
    for status, part in table.groupby(STATUS, sort=True):
        fig.add_bar(x=part[PLATFORM], y=part["accounts"], name=escape_html(status))
    fig.update_layout(barmode="stack", title="Accounts per platform and status",
                      xaxis_title="platform", yaxis_title="accounts", height=380)
    return fig


def activity_timeline(activity: pd.DataFrame) -> go.Figure:
    """Actions per period and platform (from ``overview.activity_over_time``)."""
    per = activity.groupby(["period", PLATFORM])["actions"].sum().reset_index()
    fig = go.Figure()
    for platform, part in per.groupby(PLATFORM, sort=True):
        fig.add_scatter(x=part["period"], y=part["actions"], mode="lines",
                        name=escape_html(platform))
    fig.update_layout(title="Activity over time (UTC)", xaxis_title="date",
                      yaxis_title="actions", height=380)
    return fig


def hour_heatmap(table: pd.DataFrame, *, title: str = "Actions by hour of day (UTC)"):
    """Static heatmap of a rows x 24-hours table (from ``overview.hour_of_day``).

    Each row is scaled to its own maximum so quiet platforms show their rhythm too.
    """
    values = table.to_numpy(dtype=float)
    scaled = values / np.maximum(values.max(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(table) + 1.5))
    image = ax.imshow(scaled, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(table)), [str(i) for i in table.index])
    ax.set_xticks(range(24), [str(h) for h in range(24)])
    ax.set_xlabel("hour of day (UTC)")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="share of the row's busiest hour")
    fig.tight_layout()
    return fig


def _top_graph(edges: pd.DataFrame, max_nodes: int) -> nx.Graph:
    weights = edges.groupby([SOURCE_ID, TARGET_ID])["interactions"].sum()
    graph = nx.Graph()
    for (src, dst), w in weights.items():
        if graph.has_edge(src, dst):
            graph[src][dst][WEIGHT] += int(w)
        else:
            graph.add_edge(src, dst, **{WEIGHT: int(w)})
    if graph.number_of_nodes() > max_nodes:
        strength = dict(graph.degree(weight=WEIGHT))
        keep = sorted(strength, key=lambda n: (-strength[n], str(n)))[:max_nodes]
        graph = graph.subgraph(keep).copy()
    return graph


def _log_colorbar(counts: list) -> dict:
    """A plotly colour bar for ``log1p(count)`` colours, labelled in counts."""
    top = max(counts, default=1)
    ticks = [v for v in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000) if v <= top] or [1]
    return dict(title="interactions", tickvals=[float(np.log1p(v)) for v in ticks],
                ticktext=[f"{v:,}" for v in ticks])


def interaction_graph(edges: pd.DataFrame, labels: pd.Series | None = None, *,
                      max_nodes: int = 600, seed: int = 0) -> go.Figure:
    """Interactive account interaction graph (reposts, replies, quotes, forwards).

    Each connected component is laid out on its own and the components are packed
    (:func:`~netlib.plots.packed_layout`), so the distance between two components means
    nothing. A dot's size and colour show its interactions with the accounts drawn.

    Parameters
    ----------
    edges : DataFrame
        ``source_id, target_id, kind, interactions`` (from ``overview.interaction_edges``).
    labels : Series, optional
        account_id -> handle for hover text (escaped: handles are hostile text).
    max_nodes : int
        Keep only the most connected accounts so the figure stays readable.
    seed : int
        Layout seed (deterministic).
    """
    graph = _top_graph(edges, max_nodes)
    pos = packed_layout(graph, seed=seed)
    ex, ey = [], []
    for a, b in graph.edges:
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    nodes = sorted(graph.nodes, key=str)
    strength = dict(graph.degree(weight=WEIGHT))
    hover = []
    for n in nodes:
        name = labels.get(n, n) if labels is not None else n
        hover.append(f"{escape_html(name)}<br>id {escape_html(n)}"
                     f"<br>interactions {strength[n]}")
    fig = go.Figure()
    fig.add_scatter(x=ex, y=ey, mode="lines", line=dict(width=0.4, color="#bbb"),
                    hoverinfo="skip", showlegend=False)
    fig.add_scatter(x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
                    marker=dict(size=[4 + 2 * np.log1p(strength[n]) for n in nodes],
                                color=[np.log1p(strength[n]) for n in nodes],
                                colorscale="Viridis", showscale=bool(nodes),
                                colorbar=_log_colorbar([strength[n] for n in nodes])),
                    hovertext=hover, hoverinfo="text", showlegend=False)
    fig.update_layout(title=f"Interaction graph: {len(nodes):,} most connected accounts",
                      xaxis=dict(visible=False),
                      yaxis=dict(visible=False, scaleanchor="x", scaleratio=1), height=600)
    return fig


def interaction_graph_static(edges: pd.DataFrame, *, max_nodes: int = 600, seed: int = 0):
    """Static matplotlib twin of :func:`interaction_graph` (same layout)."""
    graph = _top_graph(edges, max_nodes)
    pos = packed_layout(graph, seed=seed)
    strength = dict(graph.degree(weight=WEIGHT))
    fig, ax = plt.subplots(figsize=(8, 8))
    # a fixed drawing order: overlapping anti-aliased lines blend differently in another order
    ties = sorted(tuple(sorted((str(a), str(b)))) for a, b in graph.edges)
    nx.draw_networkx_edges(graph, pos, edgelist=ties, ax=ax, width=0.3, edge_color="#bbbbbb")
    nodes = sorted(graph.nodes, key=str)
    if nodes:
        counts = [max(strength[n], 1) for n in nodes]
        dots = nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax,
                                      node_size=[4 + 4 * np.log1p(c) for c in counts],
                                      node_color=counts, cmap="viridis")
        dots.set_norm(LogNorm(vmin=min(counts), vmax=max(max(counts), min(counts) + 1)))
        fig.colorbar(dots, ax=ax, shrink=0.6, pad=0.01,
                     label="interactions with the accounts shown (log scale)")
    ax.set_title(f"Interaction graph ({len(nodes):,} most connected accounts)")
    ax.set_axis_off()
    fig.tight_layout()
    return fig
