"""Dates of WhatsApp message headers: day/month order, calendars and 12-hour clocks.

Private to :mod:`netlib.io.whatsapp`. A header is any object with ``file``, ``style``
(a tuple naming the header's shape), ``fields`` (the three date fields as written,
digits already ASCII) and ``time`` (hour, minute, second, AM/PM token or None).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from netlib.loadreport import LoadReport

__all__ = ["AMPM_RE", "ORDERS", "resolve_dates"]

_AMPM = {"am": "am", "pm": "pm", "a.m.": "am", "p.m.": "pm", "a.m": "am", "p.m": "pm",
         "ص": "am", "م": "pm", "vorm.": "am", "nachm.": "pm", "ap.": "am", "ip.": "pm",
         "sa": "am", "ch": "pm", "πμ": "am", "μμ": "pm", "午前": "am", "午後": "pm",
         "오전": "am", "오후": "pm", "fm": "am", "em": "pm", "de.": "am", "du.": "pm"}
AMPM_RE = r"[AaPp]\.?\s?[Mm]\.?|ص|م|vorm\.|nachm\.|ap\.|ip\.|SA|CH|πμ|μμ|午前|午後|오전|오후|fm|em|de\.|du\."
_ERA = {"R": 2018, "H": 1988, "S": 1925, "T": 1911, "M": 1867}
ORDERS = ("DMY", "MDY", "YMD")


def _ampm_key(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").lower()


def _year(text: str) -> int:
    if text[0].isalpha():
        return _ERA[text[0].upper()] + int(text[1:])
    year = int(text)
    if year < 100:
        return 2000 + year
    if year >= 2400:  # Thai Buddhist era
        return year - 543
    return year


def _candidates(msg: Any, order: str) -> tuple[int, int, int] | None:
    a, b, c = msg.fields
    try:
        if order == "YMD":
            y, m, d = _year(a), int(b), int(c)
        elif order == "DMY":
            d, m, y = int(a), int(b), _year(c)
        else:
            m, d, y = int(a), int(b), _year(c)
    except (ValueError, KeyError):
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return y, m, d


def _clock(msg: Any) -> tuple[int, int, int] | None:
    h, mi, s, token = msg.time
    if token is not None:
        half = _AMPM.get(_ampm_key(token))
        if half is None or h > 12:
            return None
        h = h % 12 + (12 if half == "pm" else 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s


def resolve_dates(messages: list, forced: str | None,
                   report: LoadReport) -> list[pd.Timestamp | None]:
    out: list[pd.Timestamp | None] = [None] * len(messages)
    groups: dict[tuple, list[int]] = {}
    for i, msg in enumerate(messages):
        groups.setdefault((msg.file, msg.style), []).append(i)
    eras = buddhist = 0
    for (file, style), members in groups.items():
        if forced:
            order, why = forced, "given by date_order="
        elif style[2]:
            order, why = "YMD", "the first field is a 4-digit year"
        else:
            order, why = _choose_order(messages, members)
        for i in members:
            msg = messages[i]
            date = _candidates(msg, order)
            clock = _clock(msg)
            if date is None or clock is None:
                continue
            try:
                out[i] = pd.Timestamp(*date, *clock)
            except ValueError:
                continue
            eras += msg.fields[2][0].isalpha()
            buddhist += (not msg.fields[2][0].isalpha() and len(msg.fields[2]) == 4
                         and int(msg.fields[2]) >= 2400)
        report.notes.append(f"{file}: dates read as {order} ({why}; "
                            f"{len(members):,} headers of this style)")
    if eras:
        report.notes.append(f"{eras:,} dates in the Japanese era calendar converted "
                            "(Reiwa R1 = 2019, Heisei H1 = 1989)")
    if buddhist:
        report.notes.append(f"{buddhist:,} Buddhist-era years converted (2566 -> 2023)")
    return out


def _choose_order(messages: list, members: list[int]) -> tuple[str, str]:
    scores = {}
    for order in ("DMY", "MDY"):
        invalid, stamps = 0, []
        for i in members:
            date = _candidates(messages[i], order)
            if date is None:
                invalid += 1
                continue
            clock = _clock(messages[i]) or (0, 0, 0)
            stamps.append(date + clock)
        backwards = sum(1 for x, y in zip(stamps, stamps[1:], strict=False) if y < x)
        scores[order] = (invalid, backwards)
    best = min(scores, key=lambda o: (scores[o], ORDERS.index(o)))
    other = "MDY" if best == "DMY" else "DMY"
    if scores[other][0] > scores[best][0]:
        why = (f"{scores[other][0]:,} headers would be impossible dates as {other}: "
               "a value above 12")
    elif scores[other] != scores[best]:
        why = (f"as {other} time would run backwards {scores[other][1]:,} times "
               f"(vs {scores[best][1]:,})")
    else:
        why = "ambiguous: no value above 12 and the same order either way; assumed " \
              "day first (pass date_order='MDY' if wrong)"
    return best, why
