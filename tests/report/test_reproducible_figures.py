"""Static figures are the same bytes on every run, whatever Python's hash seed.

String hashing changes set and dict order between interpreter runs (PYTHONHASHSEED); a
figure that drew its lines in that order differed by a few anti-aliased pixels each time
(issue 15: 609 pixels of figures/00-interaction-graph.png). Each figure is made in two fresh
interpreters with different hash seeds and compared byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from conftest import ROOT

MAKE = """
import sys
import matplotlib
matplotlib.use("Agg")
from netlib import overview, plots, report, synth
from netlib.coordination import detect
data = synth.generate(seed=3, scale=0.05).dataset
out = sys.argv[1]
edges = overview.interaction_edges(data)
report.save_figure(plots.interaction_graph_static(edges, seed=0), "interaction", folder=out)
result = detect(data)
report.save_figure(plots.network_map_static(result, data, seed=0), "network", folder=out)
report.save_figure(plots.activity_heatmap_static(data), "heatmap", folder=out)
"""


def _make(folder, hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT),
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", MAKE, str(folder)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.glob("*.png"))}


@pytest.mark.slow
def test_figures_are_byte_identical_across_hash_seeds(tmp_path):
    first = _make(tmp_path / "a", "1")
    second = _make(tmp_path / "b", "2")
    assert len(first) == 3
    assert first == second
