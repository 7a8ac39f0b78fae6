"""The briefing as a PDF, printed by headless Chromium from the offline HTML file.

The page's print stylesheet starts each section on a new page, keeps cards and figures in
one piece and fits tables to the page width. Chromium runs with a throw-away profile, no
network services and no sandbox (it often runs as root in containers and CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from netlib.errors import NetlibError

__all__ = ["PdfError", "find_chromium", "require_chromium", "write_pdf", "CHROMIUM_NAMES"]

#: Browser commands tried in order (Debian's package is ``chromium``).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Seconds Chromium may take to print one report.
TIMEOUT = 180


class PdfError(NetlibError):
    """The PDF could not be written (Chromium missing or failing)."""


def find_chromium() -> str | None:
    """The Chromium command: ``$NETLIB_CHROMIUM`` if set, else the first on ``PATH``."""
    env = os.environ.get("NETLIB_CHROMIUM")
    if env:
        return env if shutil.which(env) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


_MISSING = ("writing a PDF needs Chromium, which was not found (install it with "
            "`apt-get install chromium` on Debian/Ubuntu, `brew install --cask chromium` on "
            "macOS, or set NETLIB_CHROMIUM to a Chromium or Chrome binary)")


def require_chromium() -> str:
    """The Chromium command, or a :class:`PdfError` saying how to install it.

    Raises
    ------
    PdfError
        If no Chromium is found.
    """
    found = find_chromium()
    if found is None:
        raise PdfError(_MISSING)
    return found


def write_pdf(html_path: str | Path, pdf_path: str | Path | None = None, *,
              browser: str | None = None) -> Path:
    """Print an HTML report to PDF with headless Chromium.

    Parameters
    ----------
    html_path : str or Path
        A self-contained report (e.g. ``report.html``).
    pdf_path : str or Path, optional
        Default: the HTML file's name with ``.pdf``.
    browser : str, optional
        The Chromium command; default :func:`find_chromium`.

    Returns
    -------
    Path

    Raises
    ------
    PdfError
        If Chromium is not installed (the message says how to install it), fails, or
        writes no PDF.
    """
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    command = browser or require_chromium()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="netlib-chromium-") as profile:
        args = [command, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
                "--virtual-time-budget=20000", f"--print-to-pdf={partial}",
                html_path.as_uri()]
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT,
                                  env={**os.environ, "HOME": profile})
        except (OSError, subprocess.TimeoutExpired) as err:
            partial.unlink(missing_ok=True)
            raise PdfError(f"{pdf_path.name}: Chromium ({command}) could not print "
                           f"{html_path.name}: {err}") from err
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise PdfError(f"{pdf_path.name}: Chromium ({command}) exited with status "
                       f"{done.returncode} printing {html_path.name}: {' | '.join(tail)}")
    partial.replace(pdf_path)
    return pdf_path
