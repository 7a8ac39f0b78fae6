"""Every notebook executes headless on a small scenario (what `make report` runs, smaller).

The notebooks are jupytext percent files; each is converted, executed with papermill with
its ``data_path`` pointed at a small synthetic scenario, and must finish without error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

jupytext = pytest.importorskip("jupytext")
papermill = pytest.importorskip("papermill")

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py"))

# Extra parameters keeping each notebook quick on small data.
SMALL = {
    "04-operator-hubs": {"n_boot": 30},
}


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory) -> Path:
    from netlib import synth
    from netlib.io.scenario import write_scenario

    out = tmp_path_factory.mktemp("scenario")
    return write_scenario(synth.generate(seed=3, scale=0.3), out)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_on_small_scenario(notebook, small_scenario, tmp_path, monkeypatch):
    monkeypatch.setenv("NETLIB_FIGURES", str(tmp_path / "figures"))
    nb = jupytext.read(notebook)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    source = tmp_path / f"{notebook.stem}.ipynb"
    jupytext.write(nb, source)
    params = {"data_path": str(small_scenario), **SMALL.get(notebook.stem, {})}
    text = notebook.read_text()
    if "out_dir =" in text:
        params["out_dir"] = str(tmp_path / "out")
    if "watchlist_path =" in text:
        params["watchlist_path"] = str(small_scenario / "complaints.csv")
    executed = papermill.execute_notebook(
        str(source), str(tmp_path / f"{notebook.stem}.out.ipynb"), parameters=params,
        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    errors = [o for c in executed.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    _assert_reads_as_document(executed, forbidden_paths=(str(ROOT), str(tmp_path),
                                                         str(small_scenario), str(Path.home())))
    if notebook.stem.startswith("00"):
        _assert_report_is_offline(executed)


#: Text that means a report shows the machinery instead of a finding: a traceback, a
#: warning, an object repr, a raw pandas print or a Python list of tuples.
NOT_A_DOCUMENT = ("Traceback", "Warning", "PosixPath", "dtype:", "Name: ", "[(")


def _render(executed) -> str:
    """The HTML `make report` writes (the Makefile's NBCONVERT_FLAGS)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"interactive-only"}
    exporter = HTMLExporter(config=config, exclude_input=True, require_js_url="",
                            mathjax_url="")
    html, _ = exporter.from_notebook_node(executed)
    return html


def _assert_reads_as_document(executed, *, forbidden_paths) -> None:
    """The HTML `make report` renders holds no stderr, repr or local path (issue 15)."""
    import re

    stderr = [o.get("text", "") for c in executed.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert stderr == [], f"stderr reached the report: {stderr[:3]}"
    html = _render(executed)
    # a live widget would make the page fetch its renderer from a CDN when opened
    assert '<script type="application/vnd.jupyter.widget-view+json"' not in html
    for path in forbidden_paths:
        assert path not in html, f"the report shows a local path ({path})"
    # plotly.js and nbconvert's own CSS legitimately contain words such as "Warning"
    text = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S | re.I)
    for needle in NOT_A_DOCUMENT:
        at = text.find(needle)
        assert at < 0, f"{needle!r} in the report: …{text[max(0, at - 200):at + 100]}…"


def _assert_report_is_offline(executed) -> None:
    """The HTML `make report` renders loads no script from the network and embeds plotly."""
    import re

    makefile = (ROOT / "Makefile").read_text()
    assert "--HTMLExporter.require_js_url= --HTMLExporter.mathjax_url=" in makefile
    assert "--TagRemovePreprocessor.remove_all_outputs_tags=interactive-only" in makefile
    html = _render(executed)
    remote = re.findall(r'<script[^>]+src="(https?://[^"]+)"', html)
    assert remote == [], f"report loads scripts from the network: {sorted(set(remote))}"
    assert "plotly-graph-div" in html and "window.Plotly" in html
