"""The one timestamp parser: every reader turns its time cells into UTC through it."""

from __future__ import annotations

import pandas as pd

__all__ = ["parse_timestamps", "MIN_TIME", "FUTURE_MARGIN"]

#: Actions before this instant are rejected as implausible (no platform we model predates it).
MIN_TIME = pd.Timestamp("2006-01-01", tz="UTC")
#: Actions later than load time plus this margin are rejected as "in the future".
FUTURE_MARGIN = pd.Timedelta(days=1)




def parse_timestamps(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 strings or epoch seconds into timezone-aware UTC timestamps.

    A value without a zone is taken as UTC; a value with an offset is converted to UTC;
    a plain number is epoch seconds. Anything unparseable becomes ``NaT`` (the caller
    decides whether that rejects the row).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = pd.to_datetime(values, utc=True)
        return _as_ns(out) if hasattr(out, "dt") else out
    text = values.astype("string").str.strip()
    text = text.mask(text == "", pd.NA)
    numeric = pd.to_numeric(text, errors="coerce")
    is_num = numeric.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if is_num.any():
        secs = numeric[is_num].astype("float64")
        ok = secs.abs() < 1e11  # beyond that it is not epoch seconds
        parsed = pd.to_datetime(secs[ok], unit="s", utc=True, errors="coerce")
        out.loc[parsed.index] = _as_ns(parsed)
    rest = text[~is_num & text.notna()]
    if len(rest):
        parsed = pd.to_datetime(rest, utc=True, errors="coerce", format="ISO8601")
        failed = parsed.isna()
        if failed.any():  # e.g. "2021-03-01 12:00:00 +0300" or RFC 2822 dates
            parsed.loc[failed] = _parse_mixed(rest[failed])
        out.loc[parsed.index] = _as_ns(parsed)
    return out


_NS_MIN = pd.Timestamp("1678-01-01", tz="UTC")
_NS_MAX = pd.Timestamp("2262-01-01", tz="UTC")


def _as_ns(parsed: pd.Series) -> pd.Series:
    """Nanosecond-unit UTC times; values outside what nanoseconds can hold become NaT."""
    if parsed.empty:
        return parsed.astype("datetime64[ns, UTC]")
    inside = (parsed >= _NS_MIN) & (parsed < _NS_MAX)
    return parsed.where(inside).dt.as_unit("ns")


def _parse_mixed(text: pd.Series) -> pd.Series:
    """Lenient parsing of odd date strings; values that overflow or fail become NaT."""
    try:
        return pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
    except (ValueError, OverflowError, TypeError):  # OutOfBoundsDatetime is a ValueError
        pass
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    for index, value in text.items():
        try:
            out.loc[index] = pd.to_datetime(value, utc=True, format="mixed")
        except (ValueError, OverflowError, TypeError):
            continue
    return out
