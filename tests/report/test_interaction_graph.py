"""The overview's interaction graph: components drawn apart and readable, colours explained.

Checked from the figure's own coordinates: one spring layout of a graph with several
components pushes them to the corners and squeezes each into a clump.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netlib import plots


def _edges(groups: dict[str, int], seed: int = 0) -> pd.DataFrame:
    """Reposts within groups of accounts (a ring plus random chords each), none across."""
    rng = np.random.default_rng(seed)
    rows = []
    for prefix, n in groups.items():
        names = [f"{prefix}{i:03d}" for i in range(n)]
        for i, a in enumerate(names):
            rows.append((a, names[(i + 1) % n], "repost", int(rng.integers(1, 20))))
            for j in rng.choice(n, size=3, replace=False):
                if names[j] != a:
                    rows.append((a, names[j], "reply", int(rng.integers(1, 5))))
    return pd.DataFrame(rows, columns=["source_id", "target_id", "kind", "interactions"])


def _points(fig) -> dict[str, np.ndarray]:
    trace = next(t for t in fig.data if t.mode == "markers")
    ids = [h.split("<br>id ")[1].split("<br>")[0] for h in trace.hovertext]
    xy = np.column_stack([trace.x, trace.y])
    return {i: p for i, p in zip(ids, xy, strict=True)}


@pytest.fixture(scope="module")
def groups():
    return {"a": 120, "b": 80, "c": 40, "d": 12}


def test_components_do_not_overlap_and_fill_the_canvas(groups):
    points = _points(plots.interaction_graph(_edges(groups)))
    assert len(points) == sum(groups.values())
    boxes = {}
    for prefix in groups:
        xy = np.array([p for i, p in points.items() if i.startswith(prefix)])
        boxes[prefix] = (xy.min(axis=0), xy.max(axis=0))
    names = sorted(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (alo, ahi), (blo, bhi) = boxes[a], boxes[b]
            apart = (ahi < blo).any() or (bhi < alo).any()
            assert apart, f"components {a} and {b} overlap"
    all_xy = np.array(list(points.values()))
    canvas = float(np.prod(all_xy.max(axis=0) - all_xy.min(axis=0)))
    covered = sum(float(np.prod(hi - lo)) for lo, hi in boxes.values())
    # a single layout of the whole graph left each group a clump: under 5% of the canvas
    assert covered / canvas > 0.35
    # the largest group is drawn larger than the smallest (boxes grow with its size)
    side = {p: float((hi - lo).max()) for p, (lo, hi) in boxes.items()}
    assert side["a"] > side["d"] * 2


def test_layout_is_the_same_on_every_run(groups):
    edges = _edges(groups)
    first = _points(plots.interaction_graph(edges, seed=3))
    again = _points(plots.interaction_graph(edges.iloc[::-1].reset_index(drop=True), seed=3))
    assert first.keys() == again.keys()
    assert all(np.allclose(first[k], again[k]) for k in first)


def test_colours_are_explained(groups):
    edges = _edges(groups)
    fig = plots.interaction_graph(edges)
    marker = next(t for t in fig.data if t.mode == "markers").marker
    assert marker.showscale and marker.colorbar.title.text == "interactions"
    assert list(marker.colorbar.ticktext)[:2] == ["1", "3"]
    static = plots.interaction_graph_static(edges)
    try:
        labels = [ax.get_ylabel() for ax in static.axes]
        assert any("interactions" in label for label in labels), labels
    finally:
        import matplotlib.pyplot as plt
        plt.close(static)


def test_empty_graph_draws_nothing():
    empty = pd.DataFrame(columns=["source_id", "target_id", "kind", "interactions"])
    fig = plots.interaction_graph(empty)
    assert all(len(t.x or ()) == 0 for t in fig.data)
    import matplotlib.pyplot as plt
    plt.close(plots.interaction_graph_static(empty))
