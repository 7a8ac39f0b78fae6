"""Where to draw a graph's accounts: one spring layout per component, components packed.

A single spring layout of a graph with several components pushes them to the corners and
squeezes each into a clump (the repulsion between components dominates); the network map
and the overview's interaction graph both lay out each component on its own instead and
pack the components, largest first, into a square (as Gephi's and graphviz's ``pack``
options do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["packed_layout"]


def _component_positions(graph, nodes: list, seed: int) -> dict[Any, np.ndarray]:
    """One component laid out on its own, centred, in a box of side ~ sqrt(size)."""
    import networkx as nx

    if len(nodes) == 1:
        return {nodes[0]: np.zeros(2)}
    # a graph of its own, not graph.subgraph(): a subgraph view iterates its nodes in set
    # order, which changes with Python's hash seed and with it the layout
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    members = set(nodes)
    sub.add_edges_from(sorted((tuple(sorted((a, b), key=str)) for a, b in graph.edges(nodes)
                               if a in members and b in members),
                              key=lambda t: (str(t[0]), str(t[1]))))
    raw = nx.spring_layout(sub, seed=seed, weight=None,
                           k=1.0 / np.sqrt(len(nodes)), iterations=100)
    xy = np.array([raw[n] for n in nodes], dtype=float)
    xy -= np.median(xy, axis=0)
    # accounts with a single tie float far out: pull them in so the core is not shrunk
    radius = np.hypot(xy[:, 0], xy[:, 1])
    inner = float(np.quantile(radius, 0.9)) if len(nodes) >= 10 else float(radius.max())
    if inner > 0:
        pulled = np.where(radius > inner, inner + (radius - inner) * 0.25, radius)
        xy *= (pulled / np.where(radius > 0, radius, 1.0))[:, None]
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
    span = float(np.abs(xy).max()) or 1.0
    xy *= (np.sqrt(len(nodes)) / 2) / span
    return dict(zip(nodes, xy, strict=True))


def _pack(boxes: list[tuple[float, float]], width: float) -> list[tuple[float, float]]:
    """Shelf packing: boxes (largest first) in rows of at most ``width``; lower-left corners."""
    corners, x, y, row_height = [], 0.0, 0.0, 0.0
    for w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y - row_height, 0.0
        corners.append((x, y - h))
        x += w
        row_height = max(row_height, h)
    return corners


def _squarest_width(boxes: list[tuple[float, float]]) -> float:
    """The row width whose packing of ``boxes`` is closest to a square (least empty canvas)."""
    widest = max(w for w, _ in boxes)
    side = np.sqrt(sum(w * h for w, h in boxes))
    best, best_width = None, widest
    for factor in np.linspace(0.7, 2.0, 27):
        width = max(widest, side * factor)
        corners = _pack(boxes, width)
        used_w = max(x + w for (x, _), (w, _) in zip(corners, boxes, strict=True))
        used_h = -min(y for _, y in corners)
        cost = max(used_w, used_h)
        if best is None or cost < best - 1e-9:
            best, best_width = cost, width
    return best_width


def packed_layout(graph, components: Sequence[Sequence] | None = None, *, seed: int = 0,
                  min_size: int = 1, gap: float = 0.3) -> dict[Any, tuple[float, float]]:
    """Positions in the unit square: each component laid out alone, then packed.

    Each component gets a spring layout of its own (Fruchterman & Reingold 1991, through
    :func:`networkx.spring_layout`) in a box whose side grows with the square root of its
    size, so that every component is drawn at the same density; the boxes are packed
    largest first in rows, at the row width that makes the packing squarest.

    Parameters
    ----------
    graph : networkx.Graph
    components : list of lists of nodes, optional
        The components to place, in packing order (default: every connected component,
        largest first, ties by their smallest node as text). Each list's order is the
        order in which its nodes are laid out, so pass sorted lists for a layout that does
        not depend on the hash seed.
    seed : int, default 0
        Seed of every component's spring layout (every tie pulls the same).
    min_size : int, default 1
        The square is sized on the components of at least this many nodes, so that
        placing smaller ones too (they go after the larger ones) does not move the larger
        ones.
    gap : float, default 0.3
        Space between components, in the units of a one-node box.

    Returns
    -------
    dict
        node -> (x, y). The components of at least ``min_size`` nodes span [0, 1] on the
        longer side; smaller ones placed too (after them) may lie outside it.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = packed_layout(g)
    >>> sorted(pos), all(0 <= v <= 1 for p in pos.values() for v in p)
    (['a', 'b', 'c', 'x', 'y'], True)
    """
    import networkx as nx

    if components is None:
        components = sorted((sorted(c, key=str) for c in nx.connected_components(graph)),
                            key=lambda c: (-len(c), str(c[0])))
    components = [list(c) for c in components if len(c)]
    if not components:
        return {}
    local = [_component_positions(graph, c, seed) for c in components]
    boxes = [(np.sqrt(len(c)) + gap, np.sqrt(len(c)) + gap) for c in components]
    main = [b for b, c in zip(boxes, components, strict=True) if len(c) >= min_size] or boxes
    corners = _pack(boxes, _squarest_width(main))
    positions: dict[Any, tuple[float, float]] = {}
    for comp, pos, (w, h), (x0, y0) in zip(components, local, boxes, corners, strict=True):
        for node in comp:
            positions[node] = (x0 + w / 2 + pos[node][0], y0 + h / 2 + pos[node][1])
    # scaled on the main components, so that packing small ones too (after them) leaves
    # every node of a main component where it is without them
    big = [n for c in components if len(c) >= min_size for n in c] or list(positions)
    xy = np.array([positions[n] for n in big])
    low, high = xy.min(axis=0), xy.max(axis=0)
    scale = float(max(high - low)) or 1.0
    return {n: (float((p[0] - low[0]) / scale), float((p[1] - low[1]) / scale))
            for n, p in positions.items()}
