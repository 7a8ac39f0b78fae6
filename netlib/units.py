"""Units at the edges: durations in, seconds out; UTC offsets out as one label.

netlib keeps every duration in seconds internally. Users may write a duration as a number
of seconds or as a string such as ``"90s"``, ``"30min"``, ``"12h"`` or ``"7D"`` wherever a
config takes one (the CLI, TOML config files, notebooks); :func:`to_seconds` turns either
into seconds, once, when the config is built.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from typing import Any

from netlib.errors import ParameterError

__all__ = ["to_seconds", "memory_size", "seed_value", "utc_offset_label"]

_UNITS = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "t": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "wk": 604800.0, "week": 604800.0, "weeks": 604800.0,
}
_MEMORY = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$")


def to_seconds(value: Any, *, name: str = "duration", allow_zero: bool = False) -> float:
    """A duration as seconds: a number of seconds, or a string like ``"7D"`` or ``"12h"``.

    Parameters
    ----------
    value : float, int, str, datetime.timedelta or pandas.Timedelta
        Numbers are seconds. Strings are a number and an optional unit: ``s``, ``min``
        (or ``m``), ``h``, ``D`` and ``W``, in either case.
    name : str
        The option's name, used in the error message.
    allow_zero : bool, default False
        Accept a duration of zero.

    Returns
    -------
    float
        Seconds, finite and positive (or zero with ``allow_zero``).

    Raises
    ------
    ParameterError
        If the value is not a duration, is negative, infinite, or zero when not allowed.

    Examples
    --------
    >>> to_seconds(60), to_seconds("90s"), to_seconds("12h"), to_seconds("7D")
    (60.0, 90.0, 43200.0, 604800.0)
    >>> to_seconds("soon")
    Traceback (most recent call last):
    ...
    netlib.errors.ParameterError: duration='soon' is not a duration (expected seconds or a string such as '60s', '12h', '7D')
    """
    seconds: float | None = None
    if isinstance(value, bool):
        seconds = None
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, _dt.timedelta):  # pandas.Timedelta is a timedelta too
        seconds = value.total_seconds()
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            unit = match.group(2)
            factor = _UNITS.get(unit.lower() if unit not in ("M",) else "min") if unit else 1.0
            if factor is not None:
                seconds = float(match.group(1)) * factor
    if seconds is None:
        raise ParameterError(f"{name}={value!r} is not a duration (expected seconds or a "
                             "string such as '60s', '12h', '7D')")
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name}={value!r} must be a finite duration {bound}")
    return seconds


def utc_offset_label(hours: float | None) -> str:
    """The one way netlib writes a UTC offset: ``"UTC+5"``, ``"UTC+5:30"``, ``"UTC-3:30"``.

    Examples
    --------
    >>> utc_offset_label(5), utc_offset_label(5.5), utc_offset_label(-3.5), utc_offset_label(0)
    ('UTC+5', 'UTC+5:30', 'UTC-3:30', 'UTC+0')
    >>> utc_offset_label(float("nan"))
    'UTC (offset unknown)'
    """
    if hours is None or not math.isfinite(float(hours)):
        return "UTC (offset unknown)"
    minutes = int(round(abs(float(hours)) * 60))
    sign = "-" if float(hours) < 0 and minutes else "+"
    text = f"UTC{sign}{minutes // 60}"
    return text + (f":{minutes % 60:02d}" if minutes % 60 else "")


def memory_size(value: Any, *, name: str = "memory_limit") -> str:
    """A memory size such as ``"4GB"``, ``"512MB"`` or ``"1.5GiB"``, checked and stripped.

    Raises
    ------
    ParameterError
        If the value is not a positive size with a unit.

    Examples
    --------
    >>> memory_size(" 4GB ")
    '4GB'
    >>> memory_size("lots")
    Traceback (most recent call last):
    ...
    netlib.errors.ParameterError: memory_limit='lots' is not a memory size (expected e.g. 4GB, 512MB or 1.5GiB)
    """
    match = _MEMORY.match(value) if isinstance(value, str) else None
    if not match or not float(match.group(1)) > 0:
        raise ParameterError(f"{name}={value!r} is not a memory size (expected e.g. 4GB, "
                             "512MB or 1.5GiB)")
    return value.strip()


def seed_value(value: Any, *, name: str = "seed") -> int:
    """A random seed: a whole number from 0 to 2**32 - 1.

    Examples
    --------
    >>> seed_value(7)
    7
    >>> seed_value(-1)
    Traceback (most recent call last):
    ...
    netlib.errors.ParameterError: seed=-1 must be a whole number from 0 to 4294967295
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral | str):
        ok = False
    else:
        try:
            value = int(value)
            ok = 0 <= value < 2**32
        except ValueError:
            ok = False
    if not ok:
        raise ParameterError(f"{name}={value!r} must be a whole number from 0 to {2**32 - 1}")
    return int(value)
