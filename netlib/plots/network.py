"""The coordination network map: accounts as dots coloured by cluster, ties as lines."""

from __future__ import annotations

from typing import Any

import pandas as pd

from netlib.plots._common import (
    PALETTE,
    account_labels,
    empty_note,
    label_of,
    result_frame,
)
from netlib.safe import escape_html
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CLUSTER_ID,
    WEIGHT,
)

__all__ = ["coordination_edges", "network_map", "network_map_static"]


# --- network map ----------------------------------------------------------------------------
def coordination_edges(coordination: Any) -> pd.DataFrame | None:
    """The significant ties of a coordination result.

    ``significant_edges`` when the result has it, else ``edges`` filtered on a
    ``significant`` column when there is one, else ``edges`` as they are.
    """
    significant = result_frame(coordination, "significant_edges")
    if significant is not None:
        return significant
    edges = result_frame(coordination, "edges")
    if edges is not None and "significant" in edges:
        return edges[edges["significant"].fillna(False).astype(bool)]
    return edges


def _weighted_degree(edges: pd.DataFrame | None) -> pd.Series:
    if edges is None or edges.empty:
        return pd.Series(dtype=float)
    w = edges[WEIGHT] if WEIGHT in edges else pd.Series(1.0, index=edges.index)
    both = pd.concat([pd.Series(w.to_numpy(), index=edges[ACCOUNT_ID].astype(str)),
                      pd.Series(w.to_numpy(), index=edges[ACCOUNT_ID_Y].astype(str))])
    return both.groupby(level=0).sum()


def _network_layout(coordination: Any, *, max_nodes: int, seed: int):
    import networkx as nx

    clusters = result_frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    graph = nx.Graph()
    membership: dict[str, Any] = {}
    if clusters is not None and not clusters.empty:
        sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
        kept, total = [], 0
        for cid, size in sizes.items():
            if total and total + size > max_nodes:
                break
            kept.append(cid)
            total += size
        chosen = clusters[clusters[CLUSTER_ID].isin(kept)]
        if len(chosen) > max_nodes:  # one cluster alone is too big: keep its best-tied accounts
            chosen = chosen.assign(_d=chosen[ACCOUNT_ID].astype(str).map(
                _weighted_degree(edges)).fillna(0))
            chosen = chosen.sort_values(["_d", ACCOUNT_ID], ascending=[False, True],
                                        kind="stable").head(max_nodes)
        membership = dict(zip(chosen[ACCOUNT_ID].astype(str), chosen[CLUSTER_ID], strict=True))
        graph.add_nodes_from(sorted(membership))
    if edges is not None and not edges.empty and membership:
        ok = edges[ACCOUNT_ID].astype(str).isin(membership) & \
            edges[ACCOUNT_ID_Y].astype(str).isin(membership)
        weights = edges.loc[ok, WEIGHT] if WEIGHT in edges else pd.Series(1.0, index=edges.index)
        for a, b, w in zip(edges.loc[ok, ACCOUNT_ID].astype(str),
                           edges.loc[ok, ACCOUNT_ID_Y].astype(str), weights[ok], strict=True):
            graph.add_edge(a, b, weight=float(w))
    pos = nx.spring_layout(graph, seed=seed) if graph.number_of_nodes() else {}
    return graph, membership, pos


def network_map(coordination: Any, dataset: Any = None, *, max_nodes: int = 400,
                seed: int = 0):
    """The coordination network: accounts as dots coloured by cluster, co-action ties as lines.

    Parameters
    ----------
    coordination : CoordinationResult-like
        Needs ``.clusters`` (``account_id, cluster_id``) and ``.edges`` (``account_id,
        account_id_y[, weight]``).
    dataset : Dataset, optional
        For handles in the hover labels.
    max_nodes : int
        The largest clusters are drawn until this many accounts are shown; when the largest
        cluster alone is bigger, its accounts with the strongest ties are shown.
    seed : int
        Seed of the spring layout.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    graph, membership, pos = _network_layout(coordination, max_nodes=max_nodes, seed=seed)
    labels = account_labels(dataset)
    fig = go.Figure()
    xs, ys = [], []
    for a, b in graph.edges():
        xs += [pos[a][0], pos[b][0], None]
        ys += [pos[a][1], pos[b][1], None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.5, "color": "#bbb"},
                             hoverinfo="skip", name="co-action ties", showlegend=False))
    order = pd.Series(list(membership.values())).value_counts(sort=True).index.tolist()
    for i, cid in enumerate(order):
        nodes = [n for n in graph.nodes if membership[n] == cid]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
            marker={"size": 9, "color": PALETTE[i % len(PALETTE)],
                    "line": {"width": 0.5, "color": "white"}},
            name=escape_html(f"cluster {cid} ({len(nodes)})"),
            hovertext=[escape_html(f"{label_of(labels, n)} · cluster {cid}") for n in nodes],
            hoverinfo="text", showlegend=i < 12))
    total = 0 if result_frame(coordination, "clusters") is None else \
        coordination.clusters[ACCOUNT_ID].nunique()
    title = "Coordination network (accounts coloured by cluster)"
    if total > len(membership) > 0:
        title += f" — the {len(membership):,} best-tied of {total:,} accounts"
    fig.update_layout(title=title,
                      xaxis={"visible": False}, yaxis={"visible": False},
                      template="plotly_white", height=520, margin={"l": 10, "r": 10, "t": 50})
    if not membership:
        empty_note(fig, "no coordinated clusters were found")
    return fig


def network_map_static(coordination: Any, dataset: Any = None, *, max_nodes: int = 400,
                       seed: int = 0):
    """Static twin of :func:`network_map` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    graph, membership, pos = _network_layout(coordination, max_nodes=max_nodes, seed=seed)
    fig, ax = plt.subplots(figsize=(7, 6))
    for a, b in graph.edges():
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#ccc", lw=0.4,
                zorder=1)
    order = pd.Series(list(membership.values())).value_counts(sort=True).index.tolist()
    for i, cid in enumerate(order):
        nodes = [n for n in graph.nodes if membership[n] == cid]
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=18, zorder=2,
                   color=PALETTE[i % len(PALETTE)],
                   label=f"cluster {cid} ({len(nodes)})" if i < 12 else None)
    ax.set_axis_off()
    ax.set_title("Coordination network (accounts coloured by cluster)")
    if order:
        ax.legend(loc="best", fontsize=7, frameon=False)
    else:
        ax.text(0.5, 0.5, "no coordinated clusters were found", ha="center",
                transform=ax.transAxes)
    return fig
