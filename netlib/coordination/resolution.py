"""The timestamp resolution of a trace table, and the window the co-action join can honour.

Many archives round their times: the FiveThirtyEight/IRA files keep minutes
(``2016-10-05 14:37:00``), some exports keep only the day. Two shares one second apart can
then carry the same minute (a tie, ``time_delta = 0``) or two minutes 60 s apart. A window
at or below the resolution cannot mean what it says: with minute stamps a 10-second window
only joins shares stamped in the same minute, i.e. shares up to 59 s apart that happen not
to straddle a minute boundary, and misses the rest.

So :func:`netlib.coordination.detect` measures the resolution
(:func:`timestamp_resolution`), records it in ``result.params["timestamp_resolution_s"]``,
and uses ``effective_window = max(window, resolution)`` for the co-action join *and* for the
null model (``result.params["effective_window_s"]``), so that observed and expected
co-actions are counted on the same rounded times with the same rule (ties included:
actions at identical stamps are within any window). When ``window <= resolution`` it says
so, both as a :class:`CoordinationWarning` and as a line of ``result.notes`` that a report
can show. At ``window == resolution`` the join is unchanged (CooRTweet's ``<=`` rule joins
stamps in the same or the next unit, i.e. shares up to about two units apart).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CoordinationWarning", "timestamp_resolution", "effective_window",
           "resolution_note", "RESOLUTIONS"]

#: Candidate resolutions, coarsest first (seconds): day, hour, minute, second, ms, us.
RESOLUTIONS = (86400.0, 3600.0, 60.0, 1.0, 1e-3, 1e-6)


class CoordinationWarning(UserWarning):
    """A coordination option means less than it says on these data (e.g. coarse times)."""


def timestamp_resolution(ts: pd.Series, *, share: float = 0.99) -> float:
    """The coarsest unit (day, hour, minute, second, ms, us) that ``share`` of times fall on.

    At second resolution only 1 in 60 times falls on a whole minute by chance, so a 99%
    share is a clear signal; the rule tolerates a few odd rows (a file that mixes sources).

    Returns
    -------
    float
        Seconds (86400, 3600, 60, 1, 0.001, 1e-06), or 1e-09 for finer times; ``nan`` for
        no times.

    Examples
    --------
    >>> minutes = pd.Series(pd.to_datetime(["2016-10-05 14:37", "2016-10-05 14:38"], utc=True))
    >>> timestamp_resolution(minutes)
    60.0
    >>> timestamp_resolution(minutes + pd.Timedelta(seconds=7))
    1.0
    """
    ns = pd.to_datetime(ts, utc=True).dropna().dt.as_unit("ns").astype("int64").to_numpy()
    if len(ns) == 0:
        return float("nan")
    for unit in RESOLUTIONS:
        step = int(round(unit * 1e9))
        if np.mean(ns % step == 0) >= share:
            return unit
    return 1e-9


def effective_window(window: float, resolution: float) -> float:
    """``max(window, resolution)``: the least window the rounded times can honour.

    Examples
    --------
    >>> effective_window(10.0, 60.0), effective_window(60.0, 1.0)
    (60.0, 60.0)
    """
    if not np.isfinite(resolution):
        return float(window)
    return float(max(window, resolution))


def resolution_note(window: float, resolution: float) -> str | None:
    """A plain-language note when ``window <= resolution`` (None otherwise).

    Examples
    --------
    >>> resolution_note(60.0, 60.0)[:46]
    'window 60 s is at the timestamp resolution (60'
    """
    if not np.isfinite(resolution) or window > resolution:
        return None
    where = "at" if window == resolution else "below"
    used = effective_window(window, resolution)
    return (f"window {window:g} s is {where} the timestamp resolution ({resolution:g} s): "
            f"times are rounded, so shares stamped in the same unit tie (time_delta 0) and "
            f"the join used a {used:g} s window, which joins shares up to about "
            f"{used + resolution:g} s apart; read co-actions as 'within about "
            f"{used + resolution:g} s', not within {window:g} s")
