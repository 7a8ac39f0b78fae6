"""Where static figures go, and saving them there under stable names."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

from netlib.report.format import register_notebook_formatter
from netlib.safe import escape_html

__all__ = ["setup_notebook", "save_figure", "show_figure", "figure_png", "FigureImage",
           "figures_dir"]


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


def save_figure(fig, name: str, *, folder: str | Path | None = None, dpi: int = 150,
                close: bool = False) -> Path:
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
    dpi : int, default 150
    close : bool, default False
        Close the figure once saved, so that a notebook does not show it as well: for
        the static copy of a chart the notebook already shows interactively (the report
        would otherwise show the chart twice, the copy without a description).

    Returns
    -------
    Path of the written file.
    """
    out = Path(folder) if folder is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    path.write_bytes(figure_png(fig, dpi=dpi, close=close))
    return path


def figure_png(fig, *, dpi: int = 150, close: bool = False) -> bytes:
    """A matplotlib figure as PNG bytes, the same on every run (see :data:`REPRODUCIBLE`;
    no creation software in the file). ``close`` closes the figure afterwards."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(REPRODUCIBLE):
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                    metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buffer.getvalue()


class FigureImage:
    """A rendered figure that a notebook shows as an image with its description.

    ``png`` holds the image's bytes and ``alt`` the text a screen reader reads (and a
    browser shows when the image cannot load); both reach the HTML escaped or encoded.
    """

    def __init__(self, png: bytes, alt: str):
        self.png = png
        self.alt = alt

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<img alt="{escape_html(self.alt)}" style="max-width: 100%" '
                f'src="data:image/png;base64,{data}">')

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


def show_figure(fig, alt: str, *, dpi: int = 100) -> FigureImage:
    """A matplotlib figure as an image a notebook shows with a description, then closed.

    Notebooks show a chart that has no interactive version with this, as the cell's last
    expression: the rendered report then carries ``alt`` for readers who cannot see the
    image, where a figure left to the inline backend has none. Drawn under
    :data:`REPRODUCIBLE`, as :func:`save_figure` draws the file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the figure shows, in a sentence (escaped in the HTML).
    dpi : int, default 100

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> image = show_figure(fig, alt='Actions per hour <by "platform">')
    >>> image._repr_html_().startswith('<img alt="Actions per hour &lt;by &quot;platform')
    True
    >>> plt.fignum_exists(fig.number)
    False
    """
    return FigureImage(figure_png(fig, dpi=dpi, close=True), str(alt))


#: Renderer settings under which a figure gives the same bytes on every machine: the font
#: matplotlib ships (not whatever the system has), its own hinting, a fixed SVG hash salt.
REPRODUCIBLE = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
                "text.hinting": "default",
                "svg.hashsalt": "netlib", "path.simplify": True}
