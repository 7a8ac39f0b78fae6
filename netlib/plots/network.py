"""The coordination network map: accounts as dots coloured by cluster, ties as lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from netlib.plots._common import (
    PALETTE,
    account_labels,
    empty_note,
    label_of,
    result_frame,
)
from netlib.plots.layout import packed_layout
from netlib.safe import escape_html
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CLUSTER_ID,
    RANK,
    WEIGHT,
)

__all__ = ["coordination_edges", "network_layout", "NetworkLayout", "network_map",
           "network_map_static", "label_sides", "LABEL_SIDES"]


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


@dataclass(frozen=True)
class NetworkLayout:
    """Where each account of the network map goes (one layout for every drawing of it).

    Attributes
    ----------
    graph : networkx.Graph
        The accounts drawn and their significant ties.
    membership : dict
        ``account_id -> cluster_id`` of every account chosen (drawn or summarised).
    positions : dict
        ``account_id -> (x, y)`` in the unit square, for the accounts drawn.
    order : list
        Cluster ids, largest first (ties by id): the order of the cluster cards, which
        sets each cluster's colour and its place in the legend.
    small : list of str
        Accounts not drawn because their component is smaller than ``min_component``
        (isolates, pairs), summarised in a note instead.
    n_small_components : int
    hubs : list of str
        Accounts to label (the strongest-tied, or the top-ranked hubs when given).
    """

    graph: Any
    membership: dict
    positions: dict
    order: list
    small: list = field(default_factory=list)
    n_small_components: int = 0
    hubs: list = field(default_factory=list)
    min_component: int = 3

    def colour(self, cluster_id: Any) -> str:
        """The cluster's colour (by its place in :attr:`order`)."""
        return PALETTE[self.order.index(cluster_id) % len(PALETTE)] \
            if cluster_id in self.order else "#999999"


def network_layout(coordination: Any, *, max_nodes: int | None = 800, seed: int = 0,
                   min_component: int = 3, include_small: bool = False,
                   hubs: Any = None, n_labels: int = 6) -> NetworkLayout:
    """Lay out each connected component on its own and pack them into the unit square.

    One spring layout per component (so a large network is not squeezed by stray accounts
    pushed to the edges), components packed largest first in rows. Components smaller than
    ``min_component`` accounts are summarised (``small``) unless ``include_small``, which
    packs them too (the Gephi export needs a position for every account).

    Parameters
    ----------
    coordination : CoordinationResult-like
        ``clusters`` and ``edges`` (or ``significant_edges``).
    max_nodes : int or None, default 800
        As for :func:`network_map`; None keeps every clustered account.
    seed : int, default 0
        Seed of every component's spring layout.
    min_component : int, default 3
    include_small : bool, default False
    hubs : DataFrame or HubResult-like, optional
        A hub table (``account_id, rank``); its top-ranked drawn accounts are labelled.
        Without it the accounts with the strongest ties are.
    n_labels : int, default 6

    Returns
    -------
    NetworkLayout

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(
    ...     clusters=pd.DataFrame({"account_id": list("abcdz"), "cluster_id": [0, 0, 0, 0, 1]}),
    ...     edges=pd.DataFrame({"account_id": list("abc"), "account_id_y": list("bcd")}))
    >>> layout = network_layout(result)
    >>> sorted(layout.positions), layout.small
    (['a', 'b', 'c', 'd'], ['z'])
    """
    import networkx as nx

    clusters = result_frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    graph = nx.Graph()
    membership: dict[str, Any] = {}
    order: list = []
    if clusters is not None and not clusters.empty:
        sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
        order = list(sizes.index)
        kept, total = [], 0
        limit = max_nodes if max_nodes is not None else len(clusters)
        for cid, size in sizes.items():
            if total and total + size > limit:
                break
            kept.append(cid)
            total += size
        chosen = clusters[clusters[CLUSTER_ID].isin(kept)]
        if len(chosen) > limit:  # one cluster alone is too big: keep its best-tied accounts
            chosen = chosen.assign(_d=chosen[ACCOUNT_ID].astype(str).map(
                _weighted_degree(edges)).fillna(0))
            chosen = chosen.sort_values(["_d", ACCOUNT_ID], ascending=[False, True],
                                        kind="stable").head(limit)
        membership = dict(zip(chosen[ACCOUNT_ID].astype(str), chosen[CLUSTER_ID], strict=True))
        graph.add_nodes_from(sorted(membership))
    if edges is not None and not edges.empty and membership:
        ok = edges[ACCOUNT_ID].astype(str).isin(membership) & \
            edges[ACCOUNT_ID_Y].astype(str).isin(membership)
        weights = edges.loc[ok, WEIGHT] if WEIGHT in edges else pd.Series(1.0, index=edges.index)
        for a, b, w in zip(edges.loc[ok, ACCOUNT_ID].astype(str),
                           edges.loc[ok, ACCOUNT_ID_Y].astype(str), weights[ok], strict=True):
            graph.add_edge(a, b, weight=float(w))
    components = sorted((sorted(c) for c in nx.connected_components(graph)),
                        key=lambda c: (-len(c), c[0]))
    drawn = [c for c in components if include_small or len(c) >= min_component]
    small = sorted(n for c in components if c not in drawn for n in c)
    # small components, when packed too, go after the drawn ones without moving them
    positions = packed_layout(graph, drawn, seed=seed, min_size=min_component)
    return NetworkLayout(graph=graph, membership=membership, positions=positions,
                         order=order, small=small,
                         n_small_components=len(components) - len(drawn),
                         hubs=_hubs_to_label(graph, positions, hubs, n_labels),
                         min_component=min_component)


def _hubs_to_label(graph, positions: dict, hubs: Any, n: int) -> list[str]:
    if n <= 0 or not positions:
        return []
    table = hubs if isinstance(hubs, pd.DataFrame) else result_frame(hubs, "hubs")
    if table is not None and ACCOUNT_ID in table and RANK in table:
        ranked = table.sort_values(RANK, kind="stable")[ACCOUNT_ID].astype(str)
        return [a for a in ranked if a in positions][:n]
    strength = dict(graph.degree(weight="weight"))
    return sorted((a for a in positions), key=lambda a: (-strength.get(a, 0), a))[:n]


#: Where a label goes beside its dot, in the order tried.
LABEL_SIDES = ("top", "bottom", "right", "left")
_PLOTLY_SIDE = {"top": "top center", "bottom": "bottom center", "right": "middle right",
                "left": "middle left"}
_MATPLOTLIB_SIDE = {"top": ((0, 5), "center", "bottom"), "bottom": ((0, -5), "center", "top"),
                    "right": ((5, 0), "left", "center"), "left": ((-5, 0), "right", "center")}


def label_sides(points: list, texts: list[str], *, char_width: float = 0.013,
                height: float = 0.028, gap: float = 0.006) -> list[str]:
    """A side of its dot for each label, so that labels of nearby dots do not overlap.

    Labels are placed in order (the first, the top-ranked hub, above its dot); each takes
    the first side in :data:`LABEL_SIDES` where its box (``char_width`` per character by
    ``height``, in the map's unit square) meets no box placed before it, or the top when
    every side is taken.

    Examples
    --------
    >>> label_sides([(0.5, 0.5), (0.51, 0.5), (0.9, 0.1)], ["@one", "@two", "@three"])
    ['top', 'bottom', 'top']
    """
    placed: list[tuple[float, float, float, float]] = []
    sides = []
    for (x, y), text in zip(points, texts, strict=True):
        w = char_width * max(len(text), 1)
        boxes = {"top": (x - w / 2, y + height / 2, x + w / 2, y + 1.5 * height),
                 "bottom": (x - w / 2, y - 1.5 * height, x + w / 2, y - height / 2),
                 "right": (x + gap, y - height / 2, x + gap + w, y + height / 2),
                 "left": (x - gap - w, y - height / 2, x - gap, y + height / 2)}
        side = next((s for s in LABEL_SIDES if not any(
            boxes[s][0] < b[2] and b[0] < boxes[s][2] and boxes[s][1] < b[3] and b[1] < boxes[s][3]
            for b in placed)), "top")
        placed.append(boxes[side])
        sides.append(side)
    return sides


def _extent(positions: dict, axis: int, *, margin: float = 0.03,
            top: float = 0.0) -> list[float]:
    """The drawn range of one axis: the accounts' extent plus a margin (room for labels)."""
    if not positions:
        return [0.0, 1.0]
    values = [p[axis] for p in positions.values()]
    return [min(values) - margin, max(values) + margin + top]


def _hub_labels(layout: NetworkLayout, labels: Any) -> list[tuple[Any, str, str]]:
    """Each labelled hub with its handle (no "(id)" suffix) and the side its label takes."""
    names = [label_of(labels, n).split(" (")[0] for n in layout.hubs]
    sides = label_sides([layout.positions[n] for n in layout.hubs], names)
    return list(zip(layout.hubs, names, sides, strict=True))


def _small_note(layout: NetworkLayout) -> str:
    if not layout.small:
        return ""
    return (f"Not drawn: {len(layout.small):,} accounts in {layout.n_small_components:,} "
            f"groups of fewer than {layout.min_component} tied accounts (see clusters.csv)")


def network_map(coordination: Any, dataset: Any = None, *, max_nodes: int = 800,
                seed: int = 0, hubs: Any = None, n_labels: int = 6):
    """The coordination network: accounts as dots coloured by cluster, co-action ties as lines.

    Each connected component is laid out on its own and the components are packed
    (:func:`network_layout`); isolates and pairs are summarised in a note, not drawn. The
    top hubs are labelled with their handles; colours and legend follow the cluster cards'
    order (largest cluster first).

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
        Seed of the spring layouts.
    hubs : DataFrame or HubResult-like, optional
        Label its top-ranked accounts (default: the strongest-tied accounts).
    n_labels : int
        Accounts labelled.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    layout = network_layout(coordination, max_nodes=max_nodes, seed=seed, hubs=hubs,
                            n_labels=n_labels)
    graph, membership, pos = layout.graph, layout.membership, layout.positions
    labels = account_labels(dataset)
    fig = go.Figure()
    xs, ys = [], []
    for a, b in sorted(tuple(sorted(e)) for e in graph.edges()):
        if a in pos and b in pos:
            xs += [pos[a][0], pos[b][0], None]
            ys += [pos[a][1], pos[b][1], None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.5, "color": "#bbb"},
                             hoverinfo="skip", name="co-action ties", showlegend=False))
    for i, cid in enumerate(layout.order):
        nodes = [n for n in graph.nodes if n in pos and membership[n] == cid]
        if not nodes:
            continue
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
            marker={"size": 8, "color": layout.colour(cid),
                    "line": {"width": 0.5, "color": "white"}},
            name=escape_html(f"network {cid} ({len(nodes)})"),
            hovertext=[escape_html(f"{label_of(labels, n)} · network {cid}") for n in nodes],
            hoverinfo="text", showlegend=i < 12))
    if layout.hubs:
        _, names, sides = zip(*_hub_labels(layout, labels), strict=True)
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in layout.hubs], y=[pos[n][1] for n in layout.hubs],
            mode="text", text=[escape_html(name) for name in names],
            textposition=[_PLOTLY_SIDE[side] for side in sides],
            textfont={"size": 11, "color": "#222"},
            hoverinfo="skip", showlegend=False, name="top hubs"))
    total = 0 if result_frame(coordination, "clusters") is None else \
        coordination.clusters[ACCOUNT_ID].nunique()
    title = "Coordination network (accounts coloured by network; top hubs named)"
    subset = total > len(membership) > 0
    if subset:  # on a line of its own: one long line runs under the figure's toolbar
        title += f"<br><sup>the {len(membership):,} best-tied of {total:,} accounts drawn</sup>"
    fig.update_layout(title=title,
                      xaxis={"visible": False, "range": _extent(pos, 0)},
                      yaxis={"visible": False, "range": _extent(pos, 1, top=0.04),
                             "scaleanchor": "x", "scaleratio": 1},
                      template="plotly_white", height=640,
                      margin={"l": 10, "r": 10, "t": 70 if subset else 50, "b": 30},
                      legend={"title": {"text": "network (accounts)"}})
    note = _small_note(layout)
    if note:
        fig.add_annotation(text=escape_html(note), showarrow=False, x=0, y=-0.04,
                           xref="paper", yref="paper", xanchor="left",
                           font={"size": 11, "color": "#666"})
    if not membership:
        empty_note(fig, "no coordinated clusters were found")
    return fig


def network_map_static(coordination: Any, dataset: Any = None, *, max_nodes: int = 800,
                       seed: int = 0, hubs: Any = None, n_labels: int = 6):
    """Static twin of :func:`network_map` (matplotlib Figure, the same layout)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    layout = network_layout(coordination, max_nodes=max_nodes, seed=seed, hubs=hubs,
                            n_labels=n_labels)
    graph, membership, pos = layout.graph, layout.membership, layout.positions
    labels = account_labels(dataset)
    fig, ax = plt.subplots(figsize=(8, 8))
    # one collection for every edge: a Line2D per edge took seconds for 15,000 edges
    segments = [(pos[a], pos[b]) for a, b in sorted(tuple(sorted(e)) for e in graph.edges())
                if a in pos and b in pos]
    if segments:
        ax.add_collection(LineCollection(segments, colors="#ccc", linewidths=0.4, zorder=1))
    for i, cid in enumerate(layout.order):
        nodes = [n for n in graph.nodes if n in pos and membership[n] == cid]
        if not nodes:
            continue
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=16, zorder=2,
                   color=layout.colour(cid),
                   label=f"network {cid} ({len(nodes)})" if i < 12 else None)
    for n, name, side in _hub_labels(layout, labels):
        offset, ha, va = _MATPLOTLIB_SIDE[side]
        ax.annotate(name, pos[n], xytext=offset, textcoords="offset points", ha=ha, va=va,
                    fontsize=7, zorder=3)
    ax.set_xlim(*_extent(pos, 0))
    ax.set_ylim(*_extent(pos, 1, top=0.04))
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title("Coordination network (accounts coloured by network; top hubs named)")
    note = _small_note(layout)
    if note:
        ax.text(0, -0.05, note, transform=ax.transAxes, fontsize=7, color="#666")
    if pos:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False,
                  title="network (accounts)", title_fontsize=7)
    else:
        ax.text(0.5, 0.5, "no coordinated clusters were found", ha="center",
                transform=ax.transAxes)
    return fig
