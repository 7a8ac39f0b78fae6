"""How notebooks hand figures to the report: a static copy saved and closed (its chart is
shown interactively), or a chart with no interactive version shown with a description."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from netlib import report  # noqa: E402


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [2, 0, 1])
    return fig


def test_a_static_copy_saved_with_close_is_the_same_file_and_leaves_no_figure_open(tmp_path):
    kept, closed = _figure(), _figure()
    one = report.save_figure(kept, "kept", folder=tmp_path)
    two = report.save_figure(closed, "closed", folder=tmp_path, close=True)
    assert one.read_bytes() == two.read_bytes()
    assert plt.fignum_exists(kept.number)  # the default leaves a user's figure as it was
    assert not plt.fignum_exists(closed.number)  # the inline backend will not show it
    plt.close(kept)


def test_a_shown_figure_carries_its_description_escaped_and_its_own_image():
    alt = '@evil"><script>alert(1)</script> \u202eexe'
    fig = _figure()
    html = report.show_figure(fig, alt=alt)._repr_html_()
    assert not plt.fignum_exists(fig.number)
    assert "<script" not in html and "\u202e" not in html
    described = re.fullmatch(r'<img alt="([^"]*)" style="[^"]*" '
                             r'src="data:image/png;base64,([A-Za-z0-9+/=]+)">', html)
    assert described is not None, html
    assert described.group(1).startswith("@evil&quot;&gt;&lt;script&gt;")
    assert base64.b64decode(described.group(2)).startswith(b"\x89PNG\r\n\x1a\n")
