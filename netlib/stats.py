"""Statistics used by more than one analysis: q-values and survival curves.

One home for each: the coordination tests, the lead-lag tests and any later test adjust
their p-values with :func:`qvalues`; mirror re-creation times and their figures use
:func:`kaplan_meier`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["qvalues", "kaplan_meier"]


def qvalues(p_values: Any) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input's order.

    The step-up adjustment of :func:`scipy.stats.false_discovery_control` (``method="bh"``),
    value for value, except that missing p-values stay missing: a NaN stays NaN and is not
    counted among the tests. It is written out here (sort, scale by ``m / i``, running
    minimum from the largest p-value down) because importing :mod:`scipy.stats` costs
    0.4 s, more than every q-value of a million-action analysis; the tests check it against
    :func:`scipy.stats.false_discovery_control`.

    Parameters
    ----------
    p_values : array-like of float
        p-values in [0, 1]; NaN where no test was made.

    Returns
    -------
    numpy.ndarray
        q-values in [0, 1], NaN where the input was NaN.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. JRSS B, 57(1), 289-300.

    Examples
    --------
    >>> qvalues([0.01, 0.04, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    >>> qvalues([0.01, float("nan")]).tolist()
    [0.01, nan]
    """
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m:
        tested = np.clip(p[ok], 0.0, 1.0)
        order = np.argsort(tested)
        ranked = tested[order] * (m / np.arange(1, m + 1, dtype=float))
        np.minimum.accumulate(ranked[::-1], out=ranked[::-1])
        adjusted = np.empty(m)
        adjusted[order] = ranked
        out[ok] = np.clip(adjusted, 0.0, 1.0)
    return out


def kaplan_meier(durations: Any, observed: Any) -> pd.DataFrame:
    """Kaplan–Meier estimate of the share of units whose event has not yet happened.

    Parameters
    ----------
    durations : array-like of float
        Time to the event, or to the end of observation for censored units (any unit of
        time; the output keeps it). Missing durations are left out.
    observed : array-like of bool
        True where the event happened, False where the unit was censored.

    Returns
    -------
    DataFrame
        ``time, at_risk, events, censored, survival``: one row per distinct duration,
        after a first row at time 0 with ``survival`` = 1.

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53(282), 457–481.

    Examples
    --------
    >>> kaplan_meier([1.0, 2.0, 3.0], [True, False, True])["survival"].round(3).tolist()
    [1.0, 0.667, 0.667, 0.0]
    """
    frame = pd.DataFrame({"time": pd.to_numeric(pd.Series(durations), errors="coerce").values,
                          "observed": pd.Series(observed).astype(bool).values})
    frame = frame.dropna(subset=["time"])
    columns = ["time", "at_risk", "events", "censored", "survival"]
    rows = [{"time": 0.0, "at_risk": len(frame), "events": 0, "censored": 0, "survival": 1.0}]
    survival = 1.0
    at_risk = len(frame)
    for time, group in frame.groupby("time", sort=True):
        events = int(group["observed"].sum())
        censored = len(group) - events
        if at_risk > 0 and events:
            survival *= 1.0 - events / at_risk
        rows.append({"time": float(time), "at_risk": at_risk, "events": events,
                     "censored": censored, "survival": survival})
        at_risk -= len(group)
    return pd.DataFrame(rows, columns=columns)
