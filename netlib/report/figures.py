"""Where static figures go, and saving them there under stable names."""

from __future__ import annotations

import os
from pathlib import Path

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


def setup_notebook() -> None:
    """Make plotly figures embed in executed notebooks and in their HTML rendering.

    In a headless kernel plotly's default renderer leaves nbconvert's HTML without a
    plot; the ``notebook`` renderer embeds plotly.js once so the report opens offline.
    """
    import plotly.io as pio

    pio.renderers.default = "notebook"


def save_figure(fig, name: str, *, folder: str | Path | None = None, dpi: int = 150) -> Path:
    """Save a matplotlib figure as ``figures/<name>.png`` (deterministic metadata).

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
    out = Path(folder) if folder is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path
