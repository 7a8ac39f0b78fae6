"""Daily rhythms: sampling timestamps from local-time activity curves."""

from __future__ import annotations

import numpy as np

from netlib.synth._config import DAY, HOUR, START_S

# Relative activity per local hour 0..23: low at night, a late-morning peak and a
# larger evening peak (shape loosely follows published diurnal studies of posting).
_WEEKDAY = np.array([1.6, 0.9, 0.5, 0.3, 0.25, 0.35, 0.9, 2.0, 3.2, 4.0, 4.6, 4.8,
                     4.4, 4.2, 4.0, 3.9, 4.0, 4.4, 5.0, 5.6, 6.0, 5.8, 4.6, 2.9])
# Weekends start later and stay up later.
_WEEKEND = np.array([2.4, 1.6, 1.0, 0.6, 0.35, 0.3, 0.4, 0.8, 1.6, 2.8, 3.8, 4.5,
                     4.7, 4.6, 4.4, 4.3, 4.4, 4.6, 5.0, 5.4, 5.8, 5.9, 5.2, 3.6])
# Organised work: office hours Monday-Friday with a lunch dip; little at weekends.
_SHIFT = np.array([0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 1.2, 4.0, 4.6, 4.6,
                   2.2, 4.2, 4.6, 4.5, 4.2, 3.0, 0.6, 0.15, 0.08, 0.05, 0.03, 0.02])

WEEKDAY_CURVE = _WEEKDAY / _WEEKDAY.sum()
WEEKEND_CURVE = _WEEKEND / _WEEKEND.sum()
SHIFT_CURVE = _SHIFT / _SHIFT.sum()
#: Relative volume of a weekend day compared with a weekday.
ORGANIC_WEEKEND = 0.85
SHIFT_WEEKEND = 0.08


def _pick_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray,
               weekend_weight: float) -> np.ndarray:
    """Uniform local day index in [lo, hi), thinned on weekends by rejection."""
    n = len(lo)
    days = np.empty(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(64):
        if not len(todo):
            break
        span = np.maximum(hi[todo] - lo[todo], 1)
        cand = lo[todo] + np.floor(rng.random(len(todo)) * span).astype(np.int64)
        weekend = (cand % 7) >= 5
        accept = ~weekend | (rng.random(len(todo)) < weekend_weight)
        days[todo[accept]] = cand[accept]
        todo = todo[~accept]
    if len(todo):
        days[todo] = lo[todo]
    return days


def sample_times(rng: np.random.Generator, offset_hours: np.ndarray, lo_s: np.ndarray,
                 hi_s: np.ndarray, *, pattern: str = "organic",
                 chronotype: np.ndarray | None = None) -> np.ndarray:
    """Sample one UTC epoch second per row, following a local daily rhythm.

    ``lo_s``/``hi_s`` bound each row's time (epoch seconds, ``hi`` excluded). ``pattern``
    is "organic" (weekday/weekend curves) or "shift" (office hours). ``chronotype`` shifts
    a row's curve by whole hours (early birds, night owls). Draws that fall outside a
    row's bounds are redrawn, so no times pile up at the edges of a window.
    """
    offset_hours = np.asarray(offset_hours, dtype=float)
    lo_s = np.asarray(lo_s, dtype=np.int64)
    hi_s = np.maximum(np.asarray(hi_s, dtype=np.int64), lo_s + 1)
    n = len(lo_s)
    out = np.empty(n, dtype=np.int64)
    chrono = np.zeros(n, dtype=np.int64) if chronotype is None else \
        np.asarray(chronotype, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(12):
        if not len(todo):
            break
        out[todo] = _draw(rng, offset_hours[todo], lo_s[todo], hi_s[todo], pattern,
                          chrono[todo])
        bad = (out[todo] < lo_s[todo]) | (out[todo] >= hi_s[todo])
        todo = todo[bad]
    if len(todo):  # windows shorter than the active part of a day
        out[todo] = lo_s[todo] + (rng.random(len(todo)) * (hi_s[todo] - lo_s[todo])
                                  ).astype(np.int64)
    return out


def _draw(rng, offset_hours, lo_s, hi_s, pattern, chrono) -> np.ndarray:
    n = len(lo_s)
    shift = (offset_hours * HOUR).astype(np.int64)
    # local day indices relative to START (day 0 is a Monday)
    lo_day = (lo_s + shift - START_S) // DAY
    hi_day = (hi_s - 1 + shift - START_S) // DAY + 1
    if pattern == "shift":
        days = _pick_days(rng, lo_day, hi_day, SHIFT_WEEKEND)
        hours = rng.choice(24, size=n, p=SHIFT_CURVE)
    else:
        days = _pick_days(rng, lo_day, hi_day, ORGANIC_WEEKEND)
        weekend = (days % 7) >= 5
        hours = np.where(weekend, rng.choice(24, size=n, p=WEEKEND_CURVE),
                         rng.choice(24, size=n, p=WEEKDAY_CURVE))
    hours = (hours + chrono) % 24
    local = days * DAY + hours * HOUR + rng.integers(0, HOUR, size=n)
    return START_S + local - shift


def lognormal_lag(rng: np.random.Generator, median_s: float | np.ndarray, sigma: float,
                  size: int) -> np.ndarray:
    """Delays in whole seconds (>= 1) with the given median and log-spread."""
    lag = np.exp(np.log(median_s) + sigma * rng.standard_normal(size))
    return np.maximum(np.round(lag), 1).astype(np.int64)
