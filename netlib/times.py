"""The one timestamp parser: every reader turns its time cells into UTC through it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["parse_timestamps", "written_offsets", "parse_timestamps_and_offsets", "MIN_TIME",
           "FUTURE_MARGIN"]

#: Actions before this instant are rejected as implausible (no platform we model predates it).
MIN_TIME = pd.Timestamp("2006-01-01", tz="UTC")
#: Actions later than load time plus this margin are rejected as "in the future".
FUTURE_MARGIN = pd.Timedelta(days=1)

#: "GMT+0300", "UTC-3", "GMT +03:00" written by a person: the sign means east of UTC (the
#: POSIX ``Etc/GMT+3`` inversion applies to zone *names*, never to a written offset).
_NAMED_OFFSET_RE = r"(?i)\s*\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b"
#: Fractions of a second beyond nanoseconds (ISO 8601 allows any number of digits).
_LONG_FRACTION_RE = r"(\.\d{9})\d+"


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 strings or epoch seconds into timezone-aware UTC timestamps.

    A value without a zone is taken as UTC; a value with an offset is converted to UTC
    (``GMT+0300`` and ``UTC+3`` mean three hours *east* of UTC, as people write them);
    a plain number is epoch seconds; fractions finer than nanoseconds are truncated.
    Anything unparseable, or outside what nanoseconds can hold (years before 1678 or
    after 2261), becomes ``NaT`` (the caller decides whether that rejects the row). This
    function never raises on a bad value.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        try:
            out = pd.to_datetime(values, utc=True)
        except (ValueError, OverflowError, TypeError):
            out = values.map(_one_timestamp)
        return _as_ns(out) if hasattr(out, "dt") else out
    if values.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    text = values.astype("string")
    return _parse_strings(text, _plain_iso(text))


def parse_timestamps_and_offsets(values: pd.Series
                                 ) -> tuple[pd.Series, tuple[set[str], int] | None]:
    """:func:`parse_timestamps` and :func:`written_offsets` of the same values, together.

    Both first find the plain ISO 8601 values; together they do that once, which at ten
    million values saves a second.

    Examples
    --------
    >>> stamps, (zones, naive) = parse_timestamps_and_offsets(
    ...     pd.Series(["2021-03-01T12:00:00Z", "2021-03-01 13:00:00+01:00"]))
    >>> stamps.nunique(), sorted(zones), naive
    (1, ['+0000', '+0100'], 0)
    """
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_numeric_dtype(values) \
            or values.empty:
        return parse_timestamps(values), written_offsets(values)
    text = values.astype("string")
    plain = _plain_iso(text)
    return _parse_strings(text, plain.copy()), _offsets(text, plain)


def _parse_strings(text: pd.Series, plain: np.ndarray) -> pd.Series:
    """:func:`parse_timestamps` of ``string`` values, ``plain`` marking the plain ISO ones
    (changed in place)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    if plain.any():
        # Exactly what the general path below does with these values (none is a number,
        # none has a named offset or a long fraction), minus the work to find that out.
        chosen = _rows(text, plain)
        parsed = _arrow_iso(chosen)
        if parsed is None:
            try:
                parsed = _as_ns(pd.to_datetime(chosen, utc=True, errors="coerce",
                                               format="ISO8601"))
            except Exception:  # noqa: BLE001 - pandas raises odd types on odd input
                parsed = pd.Series(pd.NaT, index=text.index[plain],
                                   dtype="datetime64[ns, UTC]")
        done = parsed.notna().to_numpy()
        if done.all() and len(done) == len(out):  # every value plain and parsed
            return parsed.rename(None)
        out.iloc[np.flatnonzero(plain)[done]] = parsed.array[done]
        plain[plain] = done  # the ones ISO parsing refused take the general path
        if plain.all():
            return out
        rest = ~plain
        out.iloc[np.flatnonzero(rest)] = _parse_text(text[rest]).array
        return out
    return _parse_text(text)


def _rows(text: pd.Series, mask: np.ndarray) -> pd.Series:
    """``text[mask]``, without copying the strings when the mask keeps every row."""
    return text if bool(mask.all()) else text[mask]


def _plain_iso(text: pd.Series) -> np.ndarray:
    """Which strings are plain ISO 8601 (``2021-03-01T12:00:00.5+03:00``, nothing around).

    Those are ASCII, need no stripping, are not numbers and have no named offset or
    over-long fraction, so ISO parsing alone decides them.
    """
    if not len(text):
        return np.zeros(0, dtype=bool)
    arrow = _arrow(text)

    def match(part: pa.ChunkedArray) -> np.ndarray:
        found = pc.match_substring_regex(part, _PLAIN_ISO_RE)
        return pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool)

    if len(arrow) < _SPLIT_FROM:
        return match(arrow)
    # the regular expression runs outside the interpreter lock: two halves side by side
    half = len(arrow) // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        return np.concatenate(list(pool.map(match, (arrow.slice(0, half),
                                                    arrow.slice(half)))))


#: From this many values on, :func:`_plain_iso` matches two halves on two threads.
_SPLIT_FROM = 200_000


def _arrow_iso(text: pd.Series) -> pd.Series | None:
    """Plain ISO 8601 values that all carry a zone, parsed by Arrow's ISO 8601 cast.

    Arrow refuses what pandas' ISO parsing refuses (February 30th, hour 24, second 60,
    offset +24:00) and gives the same instants otherwise, six times faster; but one
    refusal fails the whole cast, and a value without a zone cannot be cast to UTC. None
    then, and the caller parses them with pandas.
    """
    try:
        stamps = pc.cast(_arrow(text), pa.timestamp("ns", "UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return _as_ns(pd.Series(stamps.to_pandas().array, index=text.index))


def _arrow(text: pd.Series) -> pa.ChunkedArray:
    """The Arrow strings behind a ``string`` Series (no copy)."""
    arrow = pa.array(text.array)
    return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])


#: A plain ISO 8601 time (see :func:`_plain_iso`); RE2 syntax, ASCII digits only.
_PLAIN_ISO_RE = (r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
                 r"(?:Z|[+-]\d{2}:?\d{2})?$")
#: The fraction and offset after the 19 characters of date and time in a plain value.
_PLAIN_TAIL_RE = r"^(?:\.\d{1,9})?(?P<zone>Z|[+-]\d{2}:?\d{2})?$"


def _parse_text(values: pd.Series) -> pd.Series:
    """The general path of :func:`parse_timestamps` for values held as text."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    text = values.astype("string").str.strip()
    text = text.mask(text == "", pd.NA)
    numeric = pd.to_numeric(text, errors="coerce")
    is_num = numeric.notna() & np.isfinite(numeric.astype("float64"))
    if is_num.any():
        secs = numeric[is_num].astype("float64")
        ok = secs.abs() < 1e11  # beyond that it is not epoch seconds
        parsed = pd.to_datetime(secs[ok], unit="s", utc=True, errors="coerce")
        out.loc[parsed.index] = _as_ns(parsed)
    rest = text[~numeric.notna() & text.notna()]
    if len(rest):
        rest = (rest.str.replace(_NAMED_OFFSET_RE, _offset, regex=True)
                .str.replace(_LONG_FRACTION_RE, r"\1", regex=True))
        try:
            parsed = _as_ns(pd.to_datetime(rest, utc=True, errors="coerce", format="ISO8601"))
        except Exception:  # noqa: BLE001 - pandas raises odd types on odd input
            parsed = pd.Series(pd.NaT, index=rest.index, dtype="datetime64[ns, UTC]")
        failed = parsed.isna()
        if failed.any():  # e.g. "2021-03-01 12:00:00 +0300" or RFC 2822 dates
            # ... but two written offsets ("GMT+03:00 GMT+01:00") contradict each other.
            failed &= text[failed.index].str.count(_NAMED_OFFSET_RE).fillna(0) < 2
            parsed.loc[failed] = _parse_mixed(rest[failed])
        out.loc[parsed.index] = parsed
    return out


def _offset(match: re.Match) -> str:
    sign, hours, minutes = match.group(1), match.group(2), match.group(3) or "00"
    return f" {sign}{int(hours):02d}:{minutes}"


_NS_MIN = pd.Timestamp("1678-01-01", tz="UTC")
_NS_MAX = pd.Timestamp("2262-01-01", tz="UTC")


def _as_ns(parsed: pd.Series) -> pd.Series:
    """Nanosecond-unit UTC times; values outside what nanoseconds can hold become NaT."""
    if parsed.empty:
        return parsed.astype("datetime64[ns, UTC]")
    inside = (parsed >= _NS_MIN) & (parsed < _NS_MAX)
    return parsed.where(inside).dt.as_unit("ns")


def _one_timestamp(value) -> pd.Timestamp:
    """One value parsed leniently; NaT for anything unparseable or out of range."""
    try:
        stamp = pd.Timestamp(pd.to_datetime(value, utc=True, format="mixed"))
    except Exception:  # noqa: BLE001 - dateutil and pandas raise many types
        return pd.NaT
    if stamp is pd.NaT or not (_NS_MIN <= stamp < _NS_MAX):
        return pd.NaT
    return stamp.as_unit("ns")


def _parse_mixed(text: pd.Series) -> pd.Series:
    """Lenient parsing of odd date strings; values that overflow or fail become NaT."""
    try:
        return _as_ns(pd.to_datetime(text, utc=True, errors="coerce", format="mixed"))
    except Exception:  # noqa: BLE001 - OutOfBounds, AssertionError, TypeError...
        pass
    return pd.Series([_one_timestamp(v) for v in text], index=text.index,
                     dtype="datetime64[ns, UTC]")


def written_offsets(values: pd.Series) -> tuple[set[str], int] | None:
    """The UTC offsets written in values that look like ISO dates, and how many have none.

    Offsets are normalised to ``+HHMM`` (``Z`` is ``+0000``); a value looks like an ISO
    date when it holds ``dddd-dd-dd``. Returns None when no value does (or the values are
    already times or numbers).

    Examples
    --------
    >>> zones, naive = written_offsets(pd.Series(["2021-03-01T12:00:00Z", "1614600000",
    ...                                          "2021-03-01 13:00:00+01:00", "2021-03-01"]))
    >>> sorted(zones), naive
    (['+0000', '+0100'], 1)
    """
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return None
    text = values.astype("string")
    return _offsets(text, _plain_iso(text))


def _offsets(text: pd.Series, plain: np.ndarray) -> tuple[set[str], int] | None:
    """:func:`written_offsets` of ``string`` values, ``plain`` marking the plain ISO ones."""
    zones: set[str] = set()
    naive = 0
    if plain.any():
        # the few distinct tails (fraction and zone) are read, not every value's
        tails = pc.value_counts(pc.utf8_slice_codeunits(_arrow(_rows(text, plain)), 19))
        zone = pc.struct_field(pc.extract_regex(tails.field("values"), _PLAIN_TAIL_RE),
                               [0]).to_pylist()
        for written, count in zip(zone, tails.field("counts").to_pylist(), strict=True):
            if written == "":
                naive += count
            else:
                zones.add("+0000" if written == "Z" else written.replace(":", ""))
    rest = text[~plain].str.strip()
    looks_iso = rest.str.contains(r"\d{4}-\d{2}-\d{2}", regex=True).fillna(False).astype(bool)
    if not plain.any() and not looks_iso.any():
        return None
    if looks_iso.any():
        offset = rest[looks_iso].str.extract(r"(Z|[+-]\d{2}:?\d{2})$", expand=False)
        offset = offset.str.replace(":", "", regex=False).replace({"Z": "+0000"})
        zones.update(map(str, offset.dropna().unique()))
        naive += int(offset.isna().sum())
    return zones, naive
