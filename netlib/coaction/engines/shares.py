"""The input of the co-share join: shares read once, in one layout, and ids decoded back.

Every engine starts from :func:`read_shares` (a frame, a Dataset or files, normalised to
``tr, obj, acc, cid, ticks, rn``) and ends with :func:`decode` (pairs of row numbers back
to the input's ids, with the same dtypes whichever engine made them).
"""

from __future__ import annotations

import glob as _glob
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from netlib.coaction.engines.sql import sql_list
from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
from netlib.lookup import categoricals_from_codes, dictionary_encoded, take_strings
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    CONTENT_ID,
    CONTENT_ID_Y,
    OBJECT_ID,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
)

__all__ = ["Shares", "read_shares", "check_params", "datetime_ticks", "decode", "frame_ids",
           "frame_table", "input_files",
           "is_csv", "pair_attrs", "ENGINES", "MICROS", "PAIR_COLUMNS", "TIMESTAMP_SHARE"]

# --- column names (CooRTweet's; the interchange names come from schema.py) ----------------------
TIMESTAMP_SHARE = "timestamp_share"

#: Output columns, in order (a ``trace`` column is prepended for trace tables).
PAIR_COLUMNS = [OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, CONTENT_ID, CONTENT_ID_Y, TIME_DELTA]

ENGINES = ("duckdb", "spark")
MICROS = 1_000_000  # ticks per second for timestamps that are not whole seconds


@dataclass(frozen=True)
class Shares:
    """Input normalised to one row per share, before any filtering.

    ``frame`` has columns ``tr`` (trace, string), ``obj``, ``acc``, ``cid`` (strings),
    ``ticks`` (int64 time in 1/scale seconds) and ``rn`` (input row order), or ``frame``
    is None and ``sql`` is a DuckDB SELECT producing those columns (file input).
    """

    frame: pd.DataFrame | None
    sql: str | None
    scale: int
    has_trace: bool
    source: str


# --- validation --------------------------------------------------------------------------------
def check_params(window: Any, min_participation: Any, engine: Any,
                  max_object_shares: Any) -> None:
    try:
        w = float(window)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"window must be a number of seconds, got {window!r}") from err
    if not math.isfinite(w) or w < 0:
        raise ParameterError(f"window must be a finite number of seconds >= 0, got {window!r}")
    if isinstance(min_participation, bool) or not isinstance(min_participation,
                                                             (int, np.integer)):
        raise ParameterError(
            f"min_participation must be an integer, got {min_participation!r}")
    if engine not in ENGINES:
        raise ParameterError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if max_object_shares is not None and (
            isinstance(max_object_shares, bool)
            or not isinstance(max_object_shares, (int, np.integer)) or max_object_shares < 2):
        raise ParameterError(
            f"max_object_shares must be None or an integer >= 2, got {max_object_shares!r}")


def pair_attrs(window: float, min_participation: int, engine: str,
               max_object_shares: int | None, id_dtype: str, source: str) -> dict[str, Any]:
    """The parameters recorded in ``coshare_pairs(...).attrs`` (the counts are added later)."""
    return {"window": float(window), "min_participation": int(min_participation),
            "engine": engine, "max_object_shares": max_object_shares, "id_dtype": id_dtype,
            "source": source}


def _time_scale(window: float, seconds: np.ndarray | None) -> int:
    """1 when the window and all times are whole seconds, else microseconds."""
    if float(window) != math.floor(float(window)):
        return MICROS
    if seconds is not None and len(seconds):
        finite = seconds[np.isfinite(seconds)]
        if len(finite) and not np.all(finite == np.floor(finite)):
            return MICROS
    return 1


def datetime_ticks(times: pd.Series, window: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Datetimes as ``int64`` ticks of ``1 / scale`` seconds, read at microseconds.

    ``scale`` is 1 (whole seconds) when the window and every time are whole seconds, else
    :data:`MICROS`. Returns ``(ticks, known, scale)``; ``known`` marks the times present
    (the ticks of the others are meaningless).

    Examples
    --------
    >>> ticks, known, scale = datetime_ticks(pd.Series(pd.to_datetime(
    ...     ["2025-01-01 00:00:01", None], utc=True)), window=60)
    >>> int(ticks[0]) % 86_400, known.tolist(), scale
    (1, [True, False], 1)
    """
    stamp = pd.to_datetime(times, utc=True)
    known = stamp.notna().to_numpy()
    as_us = stamp.dt.as_unit("us").array.asi8
    scale = _time_scale(window, None)
    if scale == 1 and not bool(np.all(as_us[known] % MICROS == 0)):
        scale = MICROS
    return (as_us if scale == MICROS else as_us // MICROS), known, scale


def _as_str(series: pd.Series) -> pd.Series:
    """Ids as strings (CooRTweet compares them as character), missing stays missing."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.dropna()
        if len(whole) and (whole == np.floor(whole)).all():
            series = series.astype("Int64")
    out = series.astype("string")
    return out


def read_shares(data: Any, *, window: float) -> Shares:
    if isinstance(data, Dataset):
        actions = data.actions
        if OBJECT_ID not in actions.columns:
            frame = pd.DataFrame({OBJECT_ID: pd.Series([], dtype=object),
                                  ACCOUNT_ID: [], ACTION_ID: [], TIMESTAMP: []})
        else:
            frame = actions.loc[actions[OBJECT_ID].notna(),
                                [OBJECT_ID, ACCOUNT_ID, ACTION_ID, TIMESTAMP]]
        return _from_frame(frame, cid=ACTION_ID, ts=TIMESTAMP, trace=None, window=window,
                           source=f"dataset:{data.source}")
    if isinstance(data, (str, Path)):
        return _from_files(data, window=window)
    if isinstance(data, pd.DataFrame):
        cols = set(data.columns)
        if {ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID} <= cols:
            return _from_frame(data, cid=ACTION_ID, ts=TIMESTAMP, trace=TRACE, window=window,
                               source="trace table")
        if {OBJECT_ID, ACCOUNT_ID, CONTENT_ID, TIMESTAMP_SHARE} <= cols:
            return _from_frame(data, cid=CONTENT_ID, ts=TIMESTAMP_SHARE, trace=None,
                               window=window, source="coortweet frame")
        raise DataFormatError(
            f"coshare_pairs: the frame has columns {', '.join(map(str, data.columns)) or '(none)'}"
            f"; expected a trace table ({ACCOUNT_ID}, {TRACE}, {OBJECT_ID}, {TIMESTAMP}, "
            f"{ACTION_ID}) or a CooRTweet frame ({OBJECT_ID}, {ACCOUNT_ID}, {CONTENT_ID}, "
            f"{TIMESTAMP_SHARE})")
    raise DataFormatError(
        f"coshare_pairs: cannot use input of type {type(data).__name__}; expected a Dataset, "
        "a DataFrame, or a path/glob of Parquet or CSV files")


def _from_frame(frame: pd.DataFrame, *, cid: str, ts: str, trace: str | None,
                window: float, source: str) -> Shares:
    times = frame[ts]
    if not pd.api.types.is_datetime64_any_dtype(times.dtype):
        try:
            times = pd.to_numeric(times, errors="raise").astype("float64")
        except (TypeError, ValueError):
            try:  # ISO 8601 text
                times = pd.to_datetime(times, utc=True, format="ISO8601")
            except (TypeError, ValueError) as err:
                raise DataFormatError(
                    f"coshare_pairs: column {ts} must hold datetimes, ISO 8601 text or "
                    f"epoch seconds (got dtype {frame[ts].dtype})") from err
    if pd.api.types.is_datetime64_any_dtype(times.dtype):
        values, known, scale = datetime_ticks(times, window)
        ticks = pd.Series(pd.arrays.IntegerArray(np.where(known, values, 0), ~known),
                          index=times.index)
    else:
        scale = _time_scale(window, times.to_numpy())
        ticks = (times * scale).round()
    out = pd.DataFrame({
        "tr": (_as_str(frame[trace]) if trace else pd.Series("", index=frame.index,
                                                             dtype="string")),
        "obj": _as_str(frame[OBJECT_ID]),
        "acc": _as_str(frame[ACCOUNT_ID]),
        "cid": _as_str(frame[cid]),
        "ticks": ticks.astype("Int64"),
    })
    out = out.reset_index(drop=True)
    out["rn"] = np.arange(len(out), dtype=np.int64)
    return Shares(out, None, scale, trace is not None, source)


def input_files(path: str | Path) -> list[str]:
    """The files a path or glob names, sorted; a path that does not exist gives none."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return sorted(_glob.glob(text))
    return [text] if Path(text).exists() else []


def is_csv(files: list[str]) -> bool:
    """True when every file is CSV (``.csv``, ``.csv.gz``); otherwise they are Parquet."""
    return all(str(f).lower().endswith((".csv", ".csv.gz")) for f in files)


def _from_files(path: str | Path, *, window: float) -> Shares:
    text = str(path)
    files = input_files(text)
    if not files:
        raise DataFormatError(f"coshare_pairs: no file matches {text!r}")
    csv = is_csv(files)
    lit = sql_list(files)
    reader = (f"read_csv({lit}, header=true, all_varchar=true, filename=true)" if csv else
              f"read_parquet({lit}, filename=true, file_row_number=true)")
    con = duckdb.connect()
    cols = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()}
    con.close()
    if {ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID} <= set(cols):
        tr, cid, ts, has_trace = f'CAST("{TRACE}" AS VARCHAR)', ACTION_ID, TIMESTAMP, True
    elif {OBJECT_ID, ACCOUNT_ID, CONTENT_ID, TIMESTAMP_SHARE} <= set(cols):
        tr, cid, ts, has_trace = "''", CONTENT_ID, TIMESTAMP_SHARE, False
    else:
        raise DataFormatError(
            f"coshare_pairs: {files[0]} has columns {', '.join(cols)}; expected "
            f"{ACCOUNT_ID}, {TRACE}, {OBJECT_ID}, {TIMESTAMP}, {ACTION_ID} or "
            f"{OBJECT_ID}, {ACCOUNT_ID}, {CONTENT_ID}, {TIMESTAMP_SHARE}")
    ttype = cols[ts].upper()
    if csv:
        # CSV cells are text: numbers are epoch seconds, anything else an ISO timestamp.
        secs = (f'COALESCE(TRY_CAST("{ts}" AS DOUBLE), '
                f'epoch_us(TRY_CAST("{ts}" AS TIMESTAMPTZ)) / 1e6)')
    elif "TIMESTAMP" in ttype or "DATE" in ttype:
        secs = f'epoch_us("{ts}") / 1e6'
    else:
        secs = f'CAST("{ts}" AS DOUBLE)'
    # Whole seconds are assumed for files unless the window is fractional; fractional
    # timestamps are then rounded to microseconds (documented in docs/scale.md).
    scale = _time_scale(window, None)
    if scale == 1 and "TIMESTAMP" in ttype:
        scale = MICROS
    order = "filename, file_row_number" if not csv else "filename"
    rn = f"row_number() OVER (ORDER BY {order})" if not csv else "row_number() OVER ()"
    sql = (f"SELECT {tr} AS tr, CAST(\"{OBJECT_ID}\" AS VARCHAR) AS obj, "
           f"CAST(\"{ACCOUNT_ID}\" AS VARCHAR) AS acc, CAST(\"{cid}\" AS VARCHAR) AS cid, "
           f"CAST(round(({secs}) * {scale}) AS BIGINT) AS ticks, {rn} - 1 AS rn "
           f"FROM {reader}")
    return Shares(None, sql, scale, has_trace, text)




def decode(ids: Any, ids_rn: np.ndarray | None, pairs: dict[str, Any], *, scale: int,
            has_trace: bool, id_dtype: str = "str",
            codes: dict[str, tuple[Any, Any]] | None = None) -> pd.DataFrame:
    """Turn pairs of row numbers back into the input's ids.

    ``pairs`` holds ``rn_a, rn_b, dt`` arrays; they are removed from the dict as they are
    used so that their memory can be returned early. ``ids`` is an Arrow table with columns
    ``tr, obj, acc, cid``; row ``i`` belongs to row number ``i`` unless ``ids_rn`` (sorted
    row numbers of the rows) is given. Strings are gathered with Arrow ``take`` and handed
    to pandas without copies; no Python string objects are created. Categories
    (``id_dtype="category"``) are built from integer codes gathered the same way: see
    :func:`netlib.lookup.categoricals_from_codes`; ``codes`` may give, per id kind (``obj, acc, cid``), the
    rows' dictionary codes and the distinct ids they index, which are then not coded again.
    """
    index_type = np.int32 if ids.num_rows < 2**31 - 1 else np.int64

    def positions(key: str) -> np.ndarray:
        rn = np.asarray(pairs.pop(key))
        if ids_rn is not None:
            rn = np.searchsorted(ids_rn, rn)
        return rn.astype(index_type, copy=False)

    first, second = positions("rn_a"), positions("rn_b")
    if id_dtype == "category":
        out = _decoded_categories(ids, first, second, has_trace, codes or {})
    else:
        out = _decoded_strings(ids, first, second, has_trace)
    del first, second
    dt = np.asarray(pairs.pop("dt"), dtype=np.float64)
    dt /= scale
    out[TIME_DELTA] = pd.Series(dt)
    return _finish(pd.DataFrame(out, copy=False), has_trace, id_dtype=id_dtype)


def _decoded_strings(ids: Any, first: np.ndarray, second: np.ndarray,
                     has_trace: bool) -> dict[str, pd.Series]:
    """The id columns of the pairs as pandas ``str`` (Arrow ``take`` of the input's ids)."""
    def column(name: str) -> Any:
        # pandas' ``str`` holds large_string: the input's ids are cast once, not each
        # gathered column (the pairs outnumber the shares). Arrow takes from the chunks as
        # they are: combining them first would copy every id (0.5 GB at 10M shares)
        values = ids.column(name)
        return values if values.type == pa.large_string() else values.cast(pa.large_string())

    # the gathers are independent and Arrow releases the GIL: two at a time
    jobs: list[tuple[str, Any, Any]] = []
    if has_trace:
        jobs.append((TRACE, column("tr"), first))
    acc, cid = column("acc"), column("cid")
    jobs += [(OBJECT_ID, column("obj"), first), (ACCOUNT_ID, acc, first),
             (CONTENT_ID, cid, first), (ACCOUNT_ID_Y, acc, second), (CONTENT_ID_Y, cid, second)]
    del acc, cid
    with ThreadPoolExecutor(max_workers=2) as pool:
        gathered = list(pool.map(lambda job: pd.Series(take_strings(job[1], job[2])), jobs))
    return {name: col for (name, _, _), col in zip(jobs, gathered, strict=True)}


def _decoded_categories(ids: Any, first: np.ndarray, second: np.ndarray, has_trace: bool,
                        codes: dict[str, tuple[Any, Any]]) -> dict[str, pd.Categorical]:
    """The id columns of the pairs as categoricals, one category set per id kind."""
    def kind(name: str, *rows: np.ndarray) -> list[pd.Categorical]:
        if name in codes:
            indices, dictionary = codes[name]
        else:
            encoded = dictionary_encoded(ids.column(name))
            indices, dictionary = encoded.indices, encoded.dictionary
        return categoricals_from_codes(indices, dictionary, list(rows))

    # the kinds are independent and their gathers (numpy takes, Arrow sorts) release the
    # interpreter lock: two at a time, the two-sided kinds first
    jobs: list[tuple[str, tuple[str, ...], tuple[np.ndarray, ...]]] = [
        ("acc", (ACCOUNT_ID, ACCOUNT_ID_Y), (first, second)),
        ("cid", (CONTENT_ID, CONTENT_ID_Y), (first, second)),
        ("obj", (OBJECT_ID,), (first,))]
    if has_trace:
        jobs.append(("tr", (TRACE,), (first,)))
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda job: kind(job[0], *job[2]), jobs))
    # in job order: :func:`_finish` puts the columns in the table's order
    return {name: column for (_, names, _), made in zip(jobs, done, strict=True)
            for name, column in zip(names, made, strict=True)}


def frame_table(frame: pd.DataFrame) -> pa.Table:
    """A :class:`Shares` frame as an Arrow table: ids as ``string``, ``ticks, rn`` int64.

    Id columns already coded as integers (equal ids, equal codes; ``obj`` and ``cid`` in
    one code space, so that a row whose object is its own content id still shows) stay
    ``int64``: the SQL only compares them for equality, and integers hash faster.
    """
    columns = {col: pa.array(frame[col].array, from_pandas=True,
                             type=pa.int64() if pd.api.types.is_integer_dtype(frame[col].dtype)
                             else pa.string())
               for col in ("tr", "obj", "acc", "cid")}
    columns["ticks"] = pa.array(frame["ticks"].array, type=pa.int64(), from_pandas=True)
    columns["rn"] = pa.array(frame["rn"].to_numpy(), type=pa.int64())
    return pa.table(columns)


def frame_ids(frame: pd.DataFrame) -> Any:
    return pa.table({col: pa.array(frame[col].astype(object).where(frame[col].notna(), None),
                                   type=pa.string()) for col in ("tr", "obj", "acc", "cid")})




def _finish(out: pd.DataFrame, has_trace: bool, *, id_dtype: str = "str") -> pd.DataFrame:
    """Same dtypes and columns whichever engine made the rows."""
    columns = ([TRACE] if has_trace else []) + PAIR_COLUMNS
    out = out[columns].reset_index(drop=True)
    for col in columns:
        if col == TIME_DELTA:
            out[col] = out[col].astype("float64")
        elif id_dtype != "category":  # categories come made (see categoricals_from_codes)
            out[col] = out[col].astype("str")
    return out
