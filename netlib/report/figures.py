"""Where static figures go, and saving them there under stable names."""

from __future__ import annotations

import os
from pathlib import Path

from netlib.report.format import register_notebook_formatter

__all__ = ["setup_notebook", "save_figure", "figures_dir"]


def figures_dir() -> Path:
    """Where static figures go: ``$NETLIB_FIGURES`` or ``figures/`` at the project root."""
    env = os.environ.get("NETLIB_FIGURES")
    if env:
        return Path(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "netlib").is_dir():
            return folder / "figures"
    return here / "figures"


#: Name under which :func:`setup_notebook` registers its plotly renderer.
OFFLINE_RENDERER = "netlib_offline"


def setup_notebook() -> None:
    """Make plotly figures embed in executed notebooks and in their HTML rendering.

    In a headless kernel plotly's default renderer leaves nbconvert's HTML without a
    plot; the ``notebook`` renderer embeds plotly.js once so the report opens offline.
    That renderer also puts a MathJax ``<script src>`` from a CDN before every figure
    (netlib's figures use no LaTeX), which would make a report reach out to the internet
    when opened: the renderer registered here is the same with that tag removed.

    Every DataFrame and Series the notebook displays then goes through
    :func:`netlib.report.format.table` (lists joined, readable numbers and q-values, column
    labels, long text cut with the full text on hover).
    """
    import plotly.io as pio

    register_notebook_formatter()

    if OFFLINE_RENDERER not in pio.renderers:
        pio.renderers[OFFLINE_RENDERER] = _offline_notebook_renderer()
    pio.renderers.default = OFFLINE_RENDERER


def _offline_notebook_renderer():
    import re

    from plotly.io._renderers import NotebookRenderer

    cdn_script = re.compile(r'<script src="https?://[^"]*mathjax[^"]*"></script>', re.I)

    class OfflineNotebookRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict):
            bundle = super().to_mimebundle(fig_dict)
            if "text/html" in bundle:
                bundle["text/html"] = cdn_script.sub("", bundle["text/html"])
            return bundle

    return OfflineNotebookRenderer()


def save_figure(fig, name: str, *, folder: str | Path | None = None, dpi: int = 150) -> Path:
    """Save a matplotlib figure as ``figures/<name>.png``, the same bytes on every run.

    No creation software or date in the file, matplotlib's own DejaVu Sans font and
    hinting (:data:`REPRODUCIBLE`); the plotting functions draw in a fixed order and seed
    their layouts, so ``make report`` rewrites the committed figures unchanged.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        Stable file stem, e.g. ``"00-interaction-graph"``.
    folder : path, optional
        Defaults to :func:`figures_dir`.

    Returns
    -------
    Path of the written file.
    """
    import matplotlib

    out = Path(folder) if folder is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    with matplotlib.rc_context(REPRODUCIBLE):
        fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path


#: Renderer settings under which a figure gives the same bytes on every machine: the font
#: matplotlib ships (not whatever the system has), its own hinting, a fixed SVG hash salt.
REPRODUCIBLE = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
                "text.hinting": "default",
                "svg.hashsalt": "netlib", "path.simplify": True}
