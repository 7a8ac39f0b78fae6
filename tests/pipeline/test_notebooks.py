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
    html = _render(executed)
    assert len(html.encode()) <= REPORT_BUDGET, f"{len(html.encode()):,} bytes"
    shot = _screenshot(html, tmp_path, notebook.stem)
    if shot is not None:
        assert _error_pixels(shot) == 0, f"an error block shows in {shot}"
    if notebook.stem.startswith("00"):
        _assert_report_is_offline(executed)


#: Text that means a report shows the machinery instead of a finding: a traceback, a
#: warning, an object repr, a raw pandas print or a Python list of tuples.
NOT_A_DOCUMENT = ("Traceback", "Warning", "PosixPath", "dtype:", "Name: ", "[(")


#: Largest rendered notebook report (README: plotly.js, about 4.7 MB, is embedded once).
REPORT_BUDGET = 8 * 1024 * 1024
#: JupyterLab's background of stderr and error outputs (--jp-rendermime-error-background).
ERROR_BACKGROUND = (255, 221, 221)


def _screenshot(html: str, folder: Path, name: str) -> Path | None:
    """A full-page Chromium screenshot of a rendered report (None without Chromium).

    Kept in ``tmp/reports/`` at the project root (or ``$NETLIB_SCREENSHOTS``) for review.
    """
    import os
    import shutil
    import subprocess

    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(b)), None)
    if browser is None:
        return None
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shots = Path(os.environ.get("NETLIB_SCREENSHOTS", ROOT / "tmp" / "reports"))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"{name}.png"
    profile = folder / f"profile-{name}"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={profile}",
                    "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000",
                    "--hide-scrollbars", "--window-size=1280,16000", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(profile)})
    return shot if shot.is_file() else None


def _error_pixels(shot: Path) -> int:
    """Pixels painted in the error/stderr background colour."""
    import numpy as np
    from PIL import Image

    image = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    return int((np.abs(image - np.array(ERROR_BACKGROUND)).max(axis=2) <= 2).sum())


def test_screenshot_check_sees_an_error_block(tmp_path):
    """Negative control: a report with a stderr output does show the error colour."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x", outputs=[nbformat.v4.new_output("stream", name="stderr",
                                             text="a warning\n" * 5)])])
    shot = _screenshot(_render(nb), tmp_path, "negative-control")
    if shot is None:
        pytest.skip("Chromium is not installed")
    assert _error_pixels(shot) > 500
    shot.unlink()


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
    # every image says what it shows: nbconvert writes this where an image has no
    # description (a static copy left open beside its interactive chart, or a chart left
    # to the inline backend instead of report.show_figure)
    assert "No description has been provided for this image" not in html
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
