"""Hostile text made safe for each place it is shown (the ground floor: no netlib imports).

Handles, names, bios and posts are written by adversaries. Every HTML page, plot hover,
notebook display and CSV cell netlib writes passes such text through one function here:

* :func:`escape_html` — for HTML and plotly hover text: markup escaped, and bidirectional
  control characters shown as visible ``<U+202E>`` codes so a handle cannot display
  reversed.
* :func:`show_controls` — the same visible codes, for plain text.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

__all__ = ["escape_html", "show_controls", "BIDI_CONTROLS"]

#: Characters that reorder or hide text when displayed: the bidi embeddings, overrides and
#: isolates, and the marks. Shown as ``<U+XXXX>`` rather than obeyed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def show_controls(value: Any) -> str:
    """``str(value)`` with bidi control characters written as visible ``<U+XXXX>`` codes.

    Examples
    --------
    >>> show_controls("abc\u202edef")
    'abc<U+202E>def'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(value))


def escape_html(value: Any) -> str:
    """Escape one value for HTML text or an attribute (quotes too); None and NaN give "".

    Examples
    --------
    >>> escape_html('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape_html("evil\u202etxt.exe")
    'evil&lt;U+202E&gt;txt.exe'
    """
    return html.escape(show_controls(value), quote=True)
