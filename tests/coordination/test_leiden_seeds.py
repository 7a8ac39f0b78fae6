"""Leiden re-runs shared with a second process give the memberships of one process."""

from __future__ import annotations

import numpy as np
import pytest

from netlib.coordination import _leiden
from netlib.coordination._leiden import LeidenGraph, memberships


@pytest.fixture
def graph():
    # three planted dense groups with noise between them
    rng = np.random.default_rng(4)
    n, groups = 300, 3
    a, b = rng.integers(0, n, 6000), rng.integers(0, n, 6000)
    same = (a % groups) == (b % groups)
    keep = (a != b) & (same | (rng.random(6000) < 0.15))
    w = np.where(same, 5.0, 1.0)[keep]
    return LeidenGraph(n, a[keep], b[keep], w)


@pytest.fixture
def spread(monkeypatch):
    """Send seeds to the worker process whatever the network's size and the CPUs."""
    monkeypatch.setattr(_leiden, "PARALLEL_EDGES", 0)
    monkeypatch.setattr(_leiden, "_cpus", lambda: 2)


@pytest.mark.parametrize("n_seeds", [3, 4, 5])
def test_memberships_with_a_worker_equal_the_runs_in_one_process(graph, spread, n_seeds):
    seeds = list(range(7, 7 + n_seeds))
    alone = [graph.leiden(seed=s, resolution=1.0, n_iterations=2) for s in seeds]
    here = []
    run = graph.leiden
    graph.leiden = lambda **kw: here.append(kw["seed"]) or run(**kw)
    shared = memberships(graph, seeds, resolution=1.0, n_iterations=2)
    assert len(shared) == n_seeds
    # the worker ran the other half of the seeds
    assert here == seeds[:(n_seeds + 1) // 2]
    for one, other in zip(alone, shared, strict=True):
        assert np.array_equal(one, other)
    # the planted groups are found, so the comparison is not between trivial answers
    assert len(set(alone[0].tolist())) >= 3


def test_a_worker_that_fails_is_replaced_by_runs_in_this_process(graph, spread, monkeypatch):
    monkeypatch.setattr(_leiden.sys, "executable", "/bin/false")
    seeds = [1, 2, 3, 4, 5]
    want = [graph.leiden(seed=s, resolution=0.8, n_iterations=-1) for s in seeds]
    got = memberships(graph, seeds, resolution=0.8, n_iterations=-1)
    assert all(np.array_equal(x, y) for x, y in zip(want, got, strict=True))
    monkeypatch.setattr(_leiden.sys, "executable", "/nonexistent/python")
    got = memberships(graph, seeds, resolution=0.8, n_iterations=-1)
    assert all(np.array_equal(x, y) for x, y in zip(want, got, strict=True))
