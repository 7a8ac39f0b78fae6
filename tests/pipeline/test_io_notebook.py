"""Notebook 01 runs on a user's machine: without the real data it falls back to fixtures."""

from __future__ import annotations

import pytest
from conftest import ROOT

jupytext = pytest.importorskip("jupytext")
papermill = pytest.importorskip("papermill")

NOTEBOOK = ROOT / "notebooks" / "01-real-formats.py"


@pytest.mark.slow
def test_real_formats_notebook_runs_on_fixtures_only(tmp_path, monkeypatch):
    monkeypatch.setenv("NETLIB_FIGURES", str(tmp_path / "figures"))
    nb = jupytext.read(NOTEBOOK)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    source = tmp_path / "01.ipynb"
    jupytext.write(nb, source)
    executed = papermill.execute_notebook(
        str(source), str(tmp_path / "01.out.ipynb"),
        parameters={"realdata": str(tmp_path / "absent"),
                    "data_path": str(ROOT / "tests" / "data" / "broken")},
        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    outputs = [o for c in executed.cells if c.cell_type == "code"
               for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "real data not found: using the test fixtures" in printed
    assert "format: fivethirtyeight" in printed and "format: coortweet" in printed
