"""report.html in a real headless Chromium, offline: every figure renders, no injected script runs.

Skipped when Chromium is not installed. A screenshot is saved for human review into
``tmp/reports/`` at the project root (or ``$NETLIB_SCREENSHOTS``); it is not committed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hostile_world import coortweet_analysis, hostile_analysis

from netlib import report

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (apt-get install chromium) — real-browser check "
                "of report.html skipped")


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-extensions", "--disable-sync",
               f"--user-data-dir={profile}",
               # offline: every host name fails to resolve
               "--host-resolver-rules=MAP * ~NOTFOUND",
               "--virtual-time-budget=20000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(profile)})


@pytest.fixture(scope="module")
def rendered(chromium, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    page = report.write_report(hostile_analysis(), folder / "report.html")
    done = _run(chromium, folder / "profile", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    shots = Path(os.environ.get("NETLIB_SCREENSHOTS", ROOT / "tmp" / "reports"))
    shots.mkdir(parents=True, exist_ok=True)
    _run(chromium, folder / "profile2", "--window-size=1280,6000",
         f"--screenshot={shots / 'report-hostile.png'}", page.as_uri())
    return page.read_text(encoding="utf-8"), done.stdout, shots / "report-hostile.png"


def _figure_ids(source: str) -> list[str]:
    return re.findall(r'<div id="(fig-[a-z]+)" class="plotly-graph-div"', source)


def test_every_plotly_figure_rendered(rendered):
    source, dom, _ = rendered
    ids = _figure_ids(source)
    assert len(ids) == 4
    for div_id in ids:
        start = dom.index(f'id="{div_id}"')
        nxt = min([dom.index(f'id="{o}"') for o in ids if dom.index(f'id="{o}"') > start]
                  + [len(dom)])
        chunk = dom[start:nxt]
        assert "plot-container" in chunk and "main-svg" in chunk, div_id


def test_no_injected_script_ran(rendered):
    _, dom, _ = rendered
    html_tag = re.match(r"\s*(?:<!DOCTYPE html>\s*)?(<html[^>]*>)", dom, re.I).group(1)
    assert "data-pwned" not in html_tag
    assert re.search(r"<title>netlib briefing</title>", dom)
    assert "<title>PWNED" not in dom
    # the hostile strings are present only as inert text
    assert "&lt;script&gt;document.title='PWNED'" in dom


def test_screenshot_saved(rendered):
    _, _, shot = rendered
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_oracle_detects_a_script_that_runs(chromium, tmp_path):
    """Negative control: the same check does see an injected script when one executes."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><title>t</title></head><body><script>"
                    "document.documentElement.setAttribute('data-pwned','1')</script>"
                    "</body></html>", encoding="utf-8")
    done = _run(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert re.match(r"\s*(?:<!DOCTYPE html>\s*)?<html[^>]*data-pwned", done.stdout, re.I)


def test_real_data_report_renders(chromium, realdata, tmp_path):
    """CooRTweet's real retweet network (2,110 coordinated accounts) renders offline."""
    page = report.write_report(coortweet_analysis(realdata), tmp_path / "report.html")
    done = _run(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    ids = _figure_ids(page.read_text(encoding="utf-8"))
    assert ids and done.stdout.count('class="main-svg"') >= len(ids)
    for div_id in ids:
        chunk = done.stdout.split(f'id="{div_id}"', 1)[1][:20000]
        assert "main-svg" in chunk, div_id
