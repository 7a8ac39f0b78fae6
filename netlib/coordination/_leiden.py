"""Leiden runs on one numbered network, several seeds at once on a spare CPU.

The stability score re-runs Leiden on the same network with several seeds. Each run holds
the interpreter (leidenalg does not release it), so threads cannot share the work; on a
network large enough for a run to take seconds, :func:`memberships` gives some seeds to a
second Python process, started as ``python -m netlib.coordination._leiden`` on a
temporary folder holding the network. A fresh interpreter (not ``multiprocessing``) is used
so that a user's own script is never imported again in the worker. The worker runs the
same code on the same network and seeds, so the memberships are the same as in one
process; if it cannot start or fails, its seeds are run here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import igraph as ig
import leidenalg
import numpy as np

__all__ = ["LeidenGraph", "memberships", "PARALLEL_EDGES"]

#: Networks with at least this many edges send some seeds to a second process (when
#: the machine has a second CPU for it). Below it, a run is too short to pay for
#: starting an interpreter (about half a second with igraph and leidenalg).
PARALLEL_EDGES = 250_000


class LeidenGraph:
    """An undirected weighted network on nodes ``0 .. n-1``, built into igraph once."""

    def __init__(self, n: int, ia: np.ndarray, ib: np.ndarray, w: np.ndarray) -> None:
        self.n, self.ia, self.ib, self.w = int(n), ia, ib, w
        self._igraph: ig.Graph | None = None

    def leiden(self, *, seed: int, resolution: float, n_iterations: int) -> np.ndarray:
        """Membership of every node under one seed (leidenalg's RB configuration model)."""
        if self._igraph is None:
            # the edges from the arrays, in order (a list of pairs would be a Python object
            # per edge, and a full garbage collection of the process while it is made)
            self._igraph = ig.Graph(n=self.n)
            self._igraph.add_edges(np.column_stack([self.ia, self.ib]))
            self._igraph.es["weight"] = self.w.tolist()
        part = leidenalg.find_partition(self._igraph, leidenalg.RBConfigurationVertexPartition,
                                        weights="weight", resolution_parameter=resolution,
                                        seed=int(seed), n_iterations=int(n_iterations))
        return np.asarray(part.membership)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def memberships(graph: LeidenGraph, seeds: Sequence[int], *, resolution: float,
                n_iterations: int) -> list[np.ndarray]:
    """The membership under each of ``seeds``, in order; as running them one by one."""
    seeds = [int(s) for s in seeds]
    if len(seeds) < 3 or len(graph.w) < PARALLEL_EDGES or _cpus() < 2:
        return [graph.leiden(seed=s, resolution=resolution, n_iterations=n_iterations)
                for s in seeds]
    # the worker starts late (a new interpreter), so it takes the smaller half
    near, far = seeds[:(len(seeds) + 1) // 2], seeds[(len(seeds) + 1) // 2:]
    with tempfile.TemporaryDirectory(prefix="netlib-leiden-") as folder:
        worker = _start(graph, far, folder, resolution=resolution, n_iterations=n_iterations)
        out = [graph.leiden(seed=s, resolution=resolution, n_iterations=n_iterations)
               for s in near]
        out.extend(_finish(worker, graph, far, folder, resolution=resolution,
                           n_iterations=n_iterations))
    return out


def _start(graph: LeidenGraph, seeds: list[int], folder: str, *, resolution: float,
           n_iterations: int) -> subprocess.Popen | None:
    try:
        np.savez(Path(folder) / "graph.npz", n=graph.n, ia=graph.ia, ib=graph.ib, w=graph.w)
        # the worker imports this same copy of netlib, however this process found it
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        return subprocess.Popen(
            [sys.executable, "-m", "netlib.coordination._leiden", folder, repr(resolution),
             str(n_iterations), *map(str, seeds)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path})
    except OSError:
        return None


def _finish(worker: subprocess.Popen | None, graph: LeidenGraph, seeds: list[int],
            folder: str, *, resolution: float, n_iterations: int) -> list[np.ndarray]:
    if worker is not None and worker.wait() == 0:
        try:
            with np.load(Path(folder) / "memberships.npz") as found:
                return [found[str(s)] for s in seeds]
        except (OSError, KeyError, ValueError):
            pass
    # no worker, or it failed: the same runs, here
    return [graph.leiden(seed=s, resolution=resolution, n_iterations=n_iterations)
            for s in seeds]


def _main(argv: list[str]) -> int:
    folder, resolution, n_iterations, *seeds = argv
    with np.load(Path(folder) / "graph.npz") as saved:
        graph = LeidenGraph(int(saved["n"]), saved["ia"], saved["ib"], saved["w"])
    found = {s: graph.leiden(seed=int(s), resolution=float(resolution),
                             n_iterations=int(n_iterations)) for s in seeds}
    np.savez(Path(folder) / "memberships.npz", **found)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
