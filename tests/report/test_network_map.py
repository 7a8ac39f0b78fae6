"""The network map: components laid out apart and packed, small ones summarised, hubs named.

Checked from the figure's own coordinates, not by eye.
"""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netlib
from netlib import coordination, plots, report
from netlib.report import gephi


def _marker_points(fig) -> dict[str, np.ndarray]:
    return {t.name: np.column_stack([t.x, t.y]) for t in fig.data if t.mode == "markers"}


def _fill(fig) -> float:
    """Sum of the clusters' bounding boxes over the drawn canvas (the axes' ranges)."""
    points = _marker_points(fig)
    area = sum(float(np.prod(p.max(axis=0) - p.min(axis=0))) for p in points.values())
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    return area / ((xr[1] - xr[0]) * (yr[1] - yr[0]))


def _clique(prefix: str, n: int) -> list[tuple[str, str]]:
    names = [f"{prefix}{i:02d}" for i in range(n)]
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


@pytest.fixture(scope="module")
def toy():
    """Two clusters of 30 and 12 plus 15 isolated members and two tied pairs."""
    pairs = _clique("a", 30)[::3] + _clique("b", 12) + [("p1", "p2"), ("q1", "q2")]
    members = sorted({x for p in pairs for x in p})
    isolates = [f"z{i:02d}" for i in range(15)]
    clusters = pd.DataFrame({"account_id": members + isolates,
                             "cluster_id": [0 if m[0] in "az" else 1 if m[0] == "b" else 2
                                            for m in members + isolates]})
    edges = pd.DataFrame(pairs, columns=["account_id", "account_id_y"]).assign(weight=3.0)
    return SimpleNamespace(clusters=clusters, edges=edges)


def test_isolates_and_pairs_are_summarised_not_drawn(toy):
    fig = plots.network_map(toy)
    drawn = {h.split(" ·")[0] for t in fig.data if t.mode == "markers" for h in t.hovertext}
    graph = nx.Graph(list(zip(toy.edges["account_id"], toy.edges["account_id_y"],
                              strict=True)))
    graph.add_nodes_from(toy.clusters["account_id"])
    big = {n for c in nx.connected_components(graph) if len(c) >= 3 for n in c}
    small = [c for c in nx.connected_components(graph) if len(c) < 3]
    assert drawn == big and not any(d.startswith(("z", "p", "q")) for d in drawn)
    note = " ".join(a.text for a in fig.layout.annotations)
    assert f"{sum(map(len, small))} accounts in {len(small)} groups" in note


def test_components_do_not_overlap(toy):
    layout = plots.network_layout(toy)
    a = np.array([layout.positions[n] for n in layout.positions if n.startswith("a")])
    b = np.array([layout.positions[n] for n in layout.positions if n.startswith("b")])
    a_lo, a_hi, b_lo, b_hi = a.min(0), a.max(0), b.min(0), b.max(0)
    apart = (a_hi < b_lo) | (b_hi < a_lo)
    assert apart.any()  # separated along x or y


def test_legend_follows_the_cluster_cards(toy):
    analysis = SimpleNamespace(coordination=toy, dataset=SimpleNamespace(
        accounts=pd.DataFrame({"account_id": toy.clusters["account_id"], "platform": "x",
                               "handle": toy.clusters["account_id"]})))
    cards = report.cluster_cards(analysis)
    fig = plots.network_map(toy)
    legend = [int(t.name.split()[1]) for t in fig.data if t.mode == "markers"]
    assert legend == [c for c in cards["cluster_id"] if c in legend]


def test_top_hubs_are_named(toy):
    hubs = pd.DataFrame({"account_id": ["b03", "a05", "z01"], "rank": [1, 2, 3]})
    fig = plots.network_map(toy, hubs=hubs, n_labels=3)
    names = [t for t in fig.data if t.mode == "text"][0].text
    assert list(names) == ["b03", "a05"]  # z01 is not drawn, so not labelled


def test_gephi_coordinates_are_the_maps(toy):
    analysis = SimpleNamespace(coordination=toy, hubs=None, mirrors=None, dataset=SimpleNamespace(
        accounts=pd.DataFrame({"account_id": toy.clusters["account_id"], "platform": "x",
                               "handle": toy.clusters["account_id"]}),
        actions=pd.DataFrame({"timestamp": pd.to_datetime([], utc=True)})))
    graph = gephi.graphs(analysis)["coordination"]
    layout = plots.network_layout(toy)
    for node, (x, y) in layout.positions.items():
        assert graph.nodes[node]["x"] == pytest.approx(x * 1000, abs=1e-3)
        assert graph.nodes[node]["y"] == pytest.approx(y * 1000, abs=1e-3)
    assert all(isinstance(d["x"], float) for _, d in graph.nodes(data=True))


def _sample_fill(data) -> tuple[float, int, int]:
    result = coordination.detect(data)
    fig = plots.network_map(result, data)
    shown = sum(len(p) for p in _marker_points(fig).values())
    return _fill(fig), shown, result.clusters["cluster_id"].nunique()


def test_clusters_fill_most_of_the_canvas(tiny_scenario):
    fill, shown, n_clusters = _sample_fill(tiny_scenario.dataset)
    assert n_clusters >= 2 and shown > 0
    assert fill > 0.4, fill


@pytest.mark.slow
def test_clusters_fill_most_of_the_canvas_on_the_sample():
    from conftest import ROOT

    fill, shown, n_clusters = _sample_fill(netlib.load(ROOT / "data" / "sample"))
    assert n_clusters >= 5
    assert fill > 0.5, fill


def test_one_layout_seeded(toy):
    first = plots.network_layout(toy, seed=1).positions
    assert plots.network_layout(toy, seed=1).positions == first
    assert nx.is_connected(plots.network_layout(toy).graph.subgraph(
        [n for n in first if n.startswith("b")]))


def test_labels_of_nearby_hubs_go_to_different_sides():
    """Six hubs with long names in the middle of one group (each tied to the same thirty
    accounts): labels of dots side by side are not written on top of each other."""
    core = [f"hub_account_number_{i}" for i in range(6)]
    pairs = [(a, b) for i, a in enumerate(core) for b in core[i + 1:]]
    pairs += [(h, f"p{i:02d}") for i in range(30) for h in core]
    members = sorted({x for p in pairs for x in p})
    result = SimpleNamespace(
        clusters=pd.DataFrame({"account_id": members, "cluster_id": 0}),
        edges=pd.DataFrame(pairs, columns=["account_id", "account_id_y"]).assign(weight=3.0))
    trace = next(t for t in plots.network_map(result, n_labels=6).data if t.mode == "text")
    points = np.column_stack([trace.x, trace.y])
    sides = trace.textposition
    assert sorted(trace.text) == core
    assert not isinstance(sides, str) and len(sides) == 6, "one side per label"
    # a 20-character label is about a fifth of the map wide and a fiftieth high
    close = [(i, j) for i in range(6) for j in range(i + 1, 6)
             if abs(points[i, 0] - points[j, 0]) < 0.2 and abs(points[i, 1] - points[j, 1]) < 0.02]
    assert close, "the hubs should include neighbours side by side"
    for i, j in close:
        assert sides[i] != sides[j], (trace.text[i], trace.text[j], sides[i])


def test_label_sides_keep_far_labels_above_their_dots():
    sides = plots.label_sides([(0.1, 0.1), (0.9, 0.9), (0.1, 0.9)], ["@a", "@b", "@c"])
    assert sides == ["top", "top", "top"]
    crowded = plots.label_sides([(0.5, 0.5)] * 5, ["@same_place"] * 5)
    assert crowded[:4] == ["top", "bottom", "right", "left"] and crowded[4] == "top"
