"""Co-action pairs: which accounts shared the same object within a time window.

:func:`coshare_pairs` reproduces the semantics of CooRTweet's ``detect_groups``
(Righetti & Balluff) exactly, row for row, but runs as a banded self-join in DuckDB
(or Spark) instead of an all-pairs loop per object.

The CooRTweet rules, in the order they are applied
--------------------------------------------------
1. **Pre-filter.** An account is kept only if it has at least ``min_participation``
   shares in the input (all its shares, of any object, in or out of any window).
2. **Window join.** Within each object, every two shares whose times differ by at most
   ``window`` seconds form a pair (the comparison is ``|Δt| <= window``, so a pair
   exactly ``window`` seconds apart is included).
3. **Loops removed.** A pair is dropped when both shares come from the same account,
   when both carry the same ``content_id``, or when either share's ``content_id`` equals
   the ``object_id`` (an account "sharing" the object that is its own share).
4. **Post-filter.** Take the content ids seen in the pairs left; count, per account, its
   (pre-filtered) input rows carrying one of those content ids; the accounts with at
   least ``min_participation`` such rows pass. A pair is kept if **either** of its two
   shares belongs to a passing account (CooRTweet's ``|``). Skipped when
   ``min_participation < 1``.
5. **Orientation.** ``content_id``/``account_id`` is the earlier share. On equal times the
   share whose account appears first in the input goes first (CooRTweet's row order after
   its by-account pre-filter).

All ids are returned as strings, as CooRTweet converts them.
"""

from __future__ import annotations

import glob as _glob
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
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

__all__ = ["coshare_pairs", "PAIR_COLUMNS", "CONTENT_ID", "CONTENT_ID_Y", "ACCOUNT_ID_Y",
           "TIME_DELTA", "TIMESTAMP_SHARE", "TRACE"]

# --- column names (CooRTweet's; the interchange names come from schema.py) ----------------------
TIMESTAMP_SHARE = "timestamp_share"

#: Output columns, in order (a ``trace`` column is prepended for trace tables).
PAIR_COLUMNS = [OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, CONTENT_ID, CONTENT_ID_Y, TIME_DELTA]

ENGINES = ("duckdb", "spark")
_US = 1_000_000  # ticks per second for timestamps that are not whole seconds


@dataclass(frozen=True)
class _Shares:
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


# --- public ------------------------------------------------------------------------------------
def coshare_pairs(data: Any, *, window: float = 60, min_participation: int = 2,
                  engine: str = "duckdb", max_object_shares: int | None = None,
                  id_dtype: str = "str", spark: Any = None,
                  memory_limit: str | None = None, temp_directory: str | None = None,
                  threads: int | None = None) -> pd.DataFrame:
    """Pairs of accounts that shared the same object within ``window`` seconds.

    One row per co-share, with CooRTweet ``detect_groups`` semantics (see the module
    docstring for the five rules); the result equals CooRTweet's as a set of rows.

    Parameters
    ----------
    data : Dataset, DataFrame, str or Path
        * a :class:`~netlib.dataset.Dataset`: its actions that have an ``object_id`` are the
          shares (``content_id`` = ``action_id``);
        * a trace table (``account_id, trace, object_id, timestamp, action_id``, as made by
          :func:`netlib.traces.build_traces`): pairs are formed per ``(trace, object_id)``,
          every rule is applied per trace, and a ``trace`` column is kept;
        * a CooRTweet-style frame (``object_id, account_id, content_id, timestamp_share``
          with ``timestamp_share`` in epoch seconds);
        * a path or glob of Parquet (or CSV) files holding either of the two frame layouts;
          the files are scanned by DuckDB and never loaded whole into pandas, so inputs
          larger than memory work with ``memory_limit``/``temp_directory``.
    window : float, default 60
        Largest time difference, in seconds, between two shares of a pair (inclusive).
    min_participation : int, default 2
        Least number of shares an account needs (rules 1 and 4). Values below 1 switch
        the post-filter off, as in CooRTweet.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where the join runs. Both give identical tables; "spark" needs pyspark and Java.
    max_object_shares : int, optional
        Guard against quadratic blow-up: objects with more shares than this (after the
        pre-filter) are left out of the join. The number of objects and shares left out is
        recorded in ``result.attrs["skipped_objects"]`` / ``["skipped_shares"]``. Default
        None keeps every object (exact parity with CooRTweet).
    id_dtype : {"str", "category"}, default "str"
        dtype of the id columns. ``"category"`` shares one category set per id kind
        (``account_id``/``account_id_y`` and ``content_id``/``content_id_y`` can be compared
        directly) and keeps tens of millions of pairs in a fraction of the memory.
    spark : SparkSession, optional
        Session to use with ``engine="spark"``; by default a small local session is
        created once and reused.
    memory_limit, temp_directory, threads : optional
        DuckDB settings (e.g. ``"2GB"``, a spill folder, a thread count) for inputs larger
        than memory.

    Returns
    -------
    DataFrame
        Columns ``object_id, account_id, account_id_y, content_id, content_id_y,
        time_delta`` (preceded by ``trace`` for a trace table). ``account_id``/``content_id``
        is the earlier share; ``time_delta`` is the absolute difference in seconds (float).
        Ids are strings. Rows are sorted by (trace,) object, time and account order.
        ``result.attrs`` holds the parameters and counts (shares read, shares kept by the
        pre-filter, skipped objects).

    Raises
    ------
    ParameterError
        If ``window`` is negative or not finite, ``min_participation`` is not an integer,
        ``engine`` is unknown, or ``max_object_shares`` is below 2.
    DataFormatError
        If ``data`` lacks the columns of any supported layout, or a path matches no file.

    Notes
    -----
    The number of pairs grows with the square of an object's shares *within a window*: a
    viral post shared by 10,000 accounts inside one minute alone gives ~50 million pairs.
    The join is banded on time (each share meets only shares of the same object in its own
    and the next ``window``-wide time bucket), so long-lived popular objects cost little, but
    bursts are inherently quadratic. Use ``max_object_shares`` to leave such objects out
    (they say little about *who* coordinates with whom), or run on Spark.

    References
    ----------
    Righetti, N., & Balluff, P. (2023). CooRTweet: Coordinated Networks Detection on Social
    Media. R package. https://github.com/nicolarighetti/CooRTweet
    Giglietto, F., Righetti, N., Rossi, L., & Marino, G. (2020). It takes a village to
    manipulate the media: coordinated link sharing behavior during 2018 and 2019 Italian
    elections. Information, Communication & Society, 23(6), 867-891.

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({
    ...     "object_id": ["o1", "o1", "o1", "o2", "o2"],
    ...     "account_id": ["a", "b", "c", "a", "b"],
    ...     "content_id": ["1", "2", "3", "4", "5"],
    ...     "timestamp_share": [0, 30, 500, 100, 100 + 60]})
    >>> coshare_pairs(shares, window=60, min_participation=2)[
    ...     ["object_id", "account_id", "account_id_y", "time_delta"]]
      object_id account_id account_id_y  time_delta
    0        o1          a            b        30.0
    1        o2          a            b        60.0
    """
    _check_params(window, min_participation, engine, max_object_shares)
    if id_dtype not in ("str", "category"):
        raise ParameterError(f"id_dtype must be 'str' or 'category', got {id_dtype!r}")
    shares = _read_shares(data, window=window)
    params = {"window": float(window), "min_participation": int(min_participation),
              "engine": engine, "max_object_shares": max_object_shares, "id_dtype": id_dtype,
              "source": shares.source}
    if engine == "spark":
        from netlib.coordination._spark import spark_pairs

        out, counts = spark_pairs(shares, window=window, min_participation=min_participation,
                                  max_object_shares=max_object_shares, spark=spark,
                                  id_dtype=id_dtype)
    else:
        out, counts = _duckdb_pairs(shares, window=window, min_participation=min_participation,
                                    max_object_shares=max_object_shares,
                                    memory_limit=memory_limit, temp_directory=temp_directory,
                                    threads=threads, id_dtype=id_dtype)
    out.attrs.update(params)
    out.attrs.update(counts)
    return out


# --- validation --------------------------------------------------------------------------------
def _check_params(window: Any, min_participation: Any, engine: Any,
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


def _time_scale(window: float, seconds: np.ndarray | None) -> int:
    """1 when the window and all times are whole seconds, else microseconds."""
    if float(window) != math.floor(float(window)):
        return _US
    if seconds is not None and len(seconds):
        finite = seconds[np.isfinite(seconds)]
        if len(finite) and not np.all(finite == np.floor(finite)):
            return _US
    return 1


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


def _read_shares(data: Any, *, window: float) -> _Shares:
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
                window: float, source: str) -> _Shares:
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
        stamp = pd.to_datetime(times, utc=True)
        known = stamp.notna()
        as_us = pd.Series(np.zeros(len(stamp), dtype=np.int64), index=stamp.index)
        as_us[known] = stamp[known].dt.as_unit("us").astype("int64")
        scale = _time_scale(window, None)
        if scale == 1 and not (as_us[known] % _US == 0).all():
            scale = _US
        ticks = (as_us if scale == _US else as_us // _US).astype("Int64").where(known)
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
    return _Shares(out, None, scale, trace is not None, source)


def input_files(path: str | Path) -> list[str]:
    """The files a path or glob names, sorted; a path that does not exist gives none."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return sorted(_glob.glob(text))
    return [text] if Path(text).exists() else []


def is_csv(files: list[str]) -> bool:
    """True when every file is CSV (``.csv``, ``.csv.gz``); otherwise they are Parquet."""
    return all(str(f).lower().endswith((".csv", ".csv.gz")) for f in files)


def _from_files(path: str | Path, *, window: float) -> _Shares:
    import duckdb

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
        scale = _US
    order = "filename, file_row_number" if not csv else "filename"
    rn = f"row_number() OVER (ORDER BY {order})" if not csv else "row_number() OVER ()"
    sql = (f"SELECT {tr} AS tr, CAST(\"{OBJECT_ID}\" AS VARCHAR) AS obj, "
           f"CAST(\"{ACCOUNT_ID}\" AS VARCHAR) AS acc, CAST(\"{cid}\" AS VARCHAR) AS cid, "
           f"CAST(round(({secs}) * {scale}) AS BIGINT) AS ticks, {rn} - 1 AS rn "
           f"FROM {reader}")
    return _Shares(None, sql, scale, has_trace, text)


# --- the DuckDB engine -------------------------------------------------------------------------
def _pair_sql(*, window_ticks: int, min_participation: int, max_object_shares: int | None,
              dialect: str = "duckdb", n_rows: int | None = None) -> list[tuple[str, str]]:
    """The SQL steps of both engines (named statements, run in order).

    Every step reads tables made by earlier steps; ``src`` holds the raw shares with
    columns ``tr, obj, acc, cid, ticks, rn``. Accounts and content ids are coded by the
    first row number that carries them. Objects get a ``row_number()`` in DuckDB and a
    (trace, object) string key in Spark, so that Spark needs no global ordering (a
    single-partition window). Either way the rows produced are the same.
    """
    width = max(int(window_ticks), 1)
    # DuckDB: row numbers and codes as 32-bit integers when the input has fewer than 2**31
    # rows (given as n_rows); that shrinks the pair tables, the joins and the sort by a third
    small = dialect == "duckdb" and n_rows is not None and n_rows < 2**31 - 1

    def narrow(expr: str) -> str:
        return f"CAST({expr} AS INTEGER)" if small else expr

    mp = int(min_participation)
    guard = "" if max_object_shares is None else f"AND n_shares <= {int(max_object_shares)}"
    if dialect == "spark":
        semi, idiv = "LEFT SEMI JOIN", "div"
        code_o = "concat(tr, char(0), obj)"
    else:
        semi, idiv = "SEMI JOIN", "//"
        code_o = "row_number() OVER ()"
    steps = [
        # rule 1: accounts with >= mp input rows (per trace), counting every row as
        # CooRTweet does, even rows whose object or time is missing; the account's first
        # row number doubles as its code and as the tie-break order
        ("accs", f"SELECT tr, acc, min(rn) AS a FROM src WHERE acc IS NOT NULL "
                 f"GROUP BY tr, acc HAVING count(*) >= {mp}"),
        # content ids are coded per trace (so rule 4 runs per trace by construction) by
        # the first row number carrying them; only repeated ids need a lookup table
        ("dups", "SELECT tr, cid, min(rn) AS c FROM src WHERE cid IS NOT NULL "
                 "GROUP BY tr, cid HAVING count(*) > 1"),
        ("objs", f"SELECT tr, obj, {code_o} AS o, n_shares FROM (SELECT src.tr, src.obj, "
                 f"count(*) AS n_shares FROM src {semi} accs "
                 f"ON src.tr = accs.tr AND src.acc = accs.acc WHERE src.obj IS NOT NULL "
                 f"AND src.ticks IS NOT NULL AND src.cid IS NOT NULL "
                 f"GROUP BY src.tr, src.obj) AS u"),
        # pre-filtered rows, integer columns only (rule 4 counts these rows); o is NULL
        # for rows that cannot pair (no object or no time)
        ("s", f"SELECT {narrow('src.rn')} AS rn, {narrow('accs.a')} AS a, "
              f"{narrow('coalesce(dups.c, src.rn)')} AS c, {narrow('objs.o')} AS o, "
              "objs.n_shares, src.ticks, (src.obj = src.cid) AS selfrow "
              "FROM src JOIN accs USING (tr, acc) LEFT JOIN dups USING (tr, cid) "
              "LEFT JOIN objs USING (tr, obj) WHERE src.cid IS NOT NULL"),
        # rows that can pair: rule 3's "content id equals object id" rows never do
        ("sj", f"SELECT rn, o, a, c, ticks, ticks {idiv} {width} AS bkt FROM s "
               f"WHERE o IS NOT NULL AND NOT selfrow {guard}"),
        # rules 2 + 3 and orientation: l is first (earlier time; ties by account order);
        # each share meets the shares of its own and the next time bucket only
        ("p", f"""
            SELECT l.rn AS rn_a, r.rn AS rn_b, l.c AS c_a, r.c AS c_b,
                   r.ticks - l.ticks AS dt
            FROM sj AS l
            JOIN (SELECT rn, o, a, c, ticks, bkt AS jb FROM sj UNION ALL
                  SELECT rn, o, a, c, ticks, bkt - 1 AS jb FROM sj) AS r
              ON l.o = r.o AND l.bkt = r.jb
            WHERE r.ticks - l.ticks <= {int(window_ticks)}
              AND (r.ticks > l.ticks OR (r.ticks = l.ticks AND
                   (r.a > l.a OR (r.a = l.a AND r.rn > l.rn))))
              AND l.a <> r.a AND l.c <> r.c"""),
    ]
    if mp >= 1:
        steps += [
            # rule 4: content ids in pairs -> accounts with >= mp rows carrying them
            ("pc", "SELECT DISTINCT c FROM (SELECT c_a AS c FROM p UNION ALL "
                   "SELECT c_b AS c FROM p) AS u"),
            ("sp", f"SELECT s.a, s.c FROM s {semi} pc ON s.c = pc.c"),
            ("passing", f"SELECT a FROM sp GROUP BY a HAVING count(*) >= {mp}"),
            ("fc", f"SELECT DISTINCT sp.c FROM sp {semi} passing ON sp.a = passing.a"),
            ("pf", "SELECT p.* FROM p LEFT JOIN fc AS f1 ON p.c_a = f1.c "
                   "LEFT JOIN fc AS f2 ON p.c_b = f2.c "
                   "WHERE f1.c IS NOT NULL OR f2.c IS NOT NULL"),
        ]
    else:
        steps.append(("pf", "SELECT * FROM p"))
    return steps


#: The kept pairs as input row numbers, ordered by the first share's then the second
#: share's input row (integer keys: cheap to sort, and the same order in both engines).
RESULT_SQL = "SELECT rn_a, rn_b, dt FROM pf ORDER BY rn_a, rn_b"


def _decode(ids: Any, ids_rn: np.ndarray | None, pairs: dict[str, Any], *, scale: int,
            has_trace: bool, id_dtype: str = "str") -> pd.DataFrame:
    """Turn pairs of row numbers back into the input's ids.

    ``pairs`` holds ``rn_a, rn_b, dt`` arrays; they are removed from the dict as they are
    used so that their memory can be returned early. ``ids`` is an Arrow table with columns
    ``tr, obj, acc, cid``; row ``i`` belongs to row number ``i`` unless ``ids_rn`` (sorted
    row numbers of the rows) is given. Strings are gathered with Arrow ``take`` and handed
    to pandas without copies; no Python string objects are created.
    """
    import pyarrow as pa

    index_type = np.int32 if ids.num_rows < 2**31 - 1 else np.int64

    def positions(key: str) -> Any:
        rn = np.asarray(pairs.pop(key))
        if ids_rn is not None:
            rn = np.searchsorted(ids_rn, rn)
        return pa.array(rn.astype(index_type, copy=False))

    def column(name: str) -> Any:
        col = ids.column(name).combine_chunks()
        return col.dictionary_encode() if id_dtype == "category" else col

    def series(values: Any) -> pd.Series:
        return pa.table({"v": values}).to_pandas()["v"]

    out: dict[str, pd.Series] = {}
    first = positions("rn_a")
    if has_trace:
        out[TRACE] = series(column("tr").take(first))
    out[OBJECT_ID] = series(column("obj").take(first))
    acc, cid = column("acc"), column("cid")
    out[ACCOUNT_ID] = series(acc.take(first))
    out[CONTENT_ID] = series(cid.take(first))
    del first
    second = positions("rn_b")
    out[ACCOUNT_ID_Y] = series(acc.take(second))
    out[CONTENT_ID_Y] = series(cid.take(second))
    del second, acc, cid
    dt = np.asarray(pairs.pop("dt"), dtype=np.float64)
    dt /= scale
    out[TIME_DELTA] = pd.Series(dt)
    return _finish(pd.DataFrame(out, copy=False), has_trace, id_dtype=id_dtype)


def _frame_ids(frame: pd.DataFrame) -> Any:
    import pyarrow as pa

    return pa.table({col: pa.array(frame[col].astype(object).where(frame[col].notna(), None),
                                   type=pa.string()) for col in ("tr", "obj", "acc", "cid")})


def _counts_sql(max_object_shares: int | None) -> dict[str, str]:
    """Counts reported in ``result.attrs``; the first two read ``src``, the rest later steps."""
    guard = -1 if max_object_shares is None else int(max_object_shares)
    return {
        "shares_read": "SELECT count(*) FROM src",
        "shares_usable": "SELECT count(*) FROM src WHERE obj IS NOT NULL AND acc IS NOT NULL "
                         "AND cid IS NOT NULL AND ticks IS NOT NULL",
        "shares_joined": "SELECT count(*) FROM sj",
        "skipped_objects": f"SELECT count(*) FROM objs WHERE {guard} >= 0 AND n_shares > {guard}",
        "skipped_shares": f"SELECT coalesce(sum(n_shares), 0) FROM objs WHERE {guard} >= 0 "
                          f"AND n_shares > {guard}",
    }


_SRC_COUNTS = ("shares_read", "shares_usable")
#: Counts taken right after the named step (the others read ``src``, before any step).
_COUNTED_FROM = {"objs": ("skipped_objects", "skipped_shares"), "sj": ("shares_joined",)}
#: Tables no later step reads, dropped after the named step (DuckDB engine).
_LAST_READ_BY = {"s": ("src", "dups", "accs", "objs"), "p": ("sj",), "sp": ("pc",),
                 "fc": ("sp", "passing", "s")}


def sql_string(text: Any) -> str:
    """``text`` as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_list(items: list[Any]) -> str:
    """``items`` as a DuckDB list of string literals (e.g. file names for ``read_parquet``)."""
    return "[" + ", ".join(sql_string(item) for item in items) + "]"


@contextmanager
def duckdb_connection(*, memory_limit: str | None = None, temp_directory: str | None = None,
                      threads: int | None = None) -> Iterator[Any]:
    """A fresh DuckDB connection with netlib's settings, closed when the block ends.

    Spill files go to ``temp_directory`` or to a private temporary folder that is removed
    afterwards (DuckDB's default is ``./.tmp`` in the caller's working directory).
    """
    import tempfile

    import duckdb

    con = duckdb.connect()
    spill = None if temp_directory else tempfile.TemporaryDirectory(prefix="netlib-duckdb-")
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = {sql_string(memory_limit)}")
        con.execute(f"SET temp_directory = {sql_string(temp_directory or spill.name)}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        yield con
    finally:
        con.close()
        if spill is not None:
            spill.cleanup()


@contextmanager
def _duckdb_session(shares: _Shares, *, window: float, min_participation: int,
                    max_object_shares: int | None, memory_limit: str | None = None,
                    temp_directory: str | None = None, threads: int | None = None,
                    progress: Any = None) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
    """Run the pair SQL in a fresh DuckDB connection.

    Yields ``(con, ids, counts)``: the kept pairs are the view ``pf`` (``rn_a, rn_b,
    dt``), ``ids`` is an Arrow table of the input's ``tr, obj, acc, cid`` where row ``i``
    is input row number ``i``, and ``counts`` the figures for ``result.attrs``. The
    connection and its spill folder are closed when the block ends.
    """
    say = progress or (lambda _msg: None)
    with duckdb_connection(memory_limit=memory_limit, temp_directory=temp_directory,
                           threads=threads) as con:
        if shares.frame is not None:
            con.register("src_frame", shares.frame)
            con.execute("CREATE TEMP TABLE src AS SELECT * FROM src_frame")
            con.unregister("src_frame")
        else:
            # row numbers follow the files' row order (insertion order is preserved here)
            con.execute(f"CREATE TEMP TABLE src AS {shares.sql}")
        queries = _counts_sql(max_object_shares)
        counts = {key: int(con.execute(queries[key]).fetchall()[0][0]) for key in _SRC_COUNTS}
        say(f"read {counts['shares_read']:,} shares ({counts['shares_usable']:,} usable)")
        ids = None
        if shares.frame is None:
            # src is normally filled in row-number order and insertion order is still
            # preserved, so a plain scan gives row i at position i; checked, not assumed
            ids = _in_row_order(con.sql("SELECT rn, tr, obj, acc, cid FROM src")
                                .to_arrow_table())
        con.execute("SET preserve_insertion_order = false")
        window_ticks = int(round(float(window) * shares.scale))
        for name, sql in _pair_sql(window_ticks=window_ticks,
                                   min_participation=min_participation,
                                   max_object_shares=max_object_shares,
                                   n_rows=counts["shares_read"]):
            kind = "VIEW" if name == "pf" else "TABLE"  # pf is read once: never stored
            con.execute(f"CREATE TEMP {kind} {name} AS {sql}")
            # each table is counted and dropped as soon as no later step reads it, so
            # that the window join and the final sort have the memory
            for key in _COUNTED_FROM.get(name, ()):
                counts[key] = int(con.execute(queries[key]).fetchall()[0][0])
            for old in _LAST_READ_BY.get(name, ()):
                con.execute(f"DROP TABLE IF EXISTS {old}")
            if name == "p":
                say("joined shares within the window")
        con.execute("DROP TABLE IF EXISTS s")  # still there when the post-filter is off
        if ids is None:
            ids = _frame_ids(shares.frame)
        yield con, ids, counts


def _in_row_order(table: Any) -> Any:
    """``table`` (with a row-number column ``rn``) as ``tr, obj, acc, cid`` in rn order."""
    rn = table.column("rn").to_numpy()
    if not np.array_equal(rn, np.arange(len(rn), dtype=rn.dtype)):
        table = table.take(np.argsort(rn, kind="stable"))
    return table.select(["tr", "obj", "acc", "cid"])


def _duckdb_pairs(shares: _Shares, *, window: float, min_participation: int,
                  max_object_shares: int | None, memory_limit: str | None = None,
                  temp_directory: str | None = None, threads: int | None = None,
                  id_dtype: str = "str") -> tuple[pd.DataFrame, dict[str, Any]]:
    with _duckdb_session(shares, window=window, min_participation=min_participation,
                         max_object_shares=max_object_shares, memory_limit=memory_limit,
                         temp_directory=temp_directory, threads=threads) as (con, ids, counts):
        pairs = _fetch_pairs(con)
    out = _decode(ids, None, pairs, scale=shares.scale, has_trace=shares.has_trace,
                  id_dtype=id_dtype)
    return out, counts


def _fetch_pairs(con: Any, batch_rows: int = 1 << 20) -> dict[str, np.ndarray]:
    """Stream the sorted pairs into preallocated arrays (no second full copy in DuckDB)."""
    n = int(con.execute("SELECT count(*) FROM pf").fetchall()[0][0])
    out = {"rn_a": np.empty(n, np.int64), "rn_b": np.empty(n, np.int64),
           "dt": np.empty(n, np.int64)}
    at = 0
    reader = con.sql(RESULT_SQL).to_arrow_reader(batch_rows)
    for batch in reader:
        k = batch.num_rows
        for key in out:
            out[key][at:at + k] = batch.column(key).to_numpy(zero_copy_only=False)
        at += k
    if at != n:  # pragma: no cover - a changing table would be a bug
        raise RuntimeError(f"coshare_pairs: expected {n} pairs, read {at}")
    return out


def _finish(out: pd.DataFrame, has_trace: bool, *, id_dtype: str = "str") -> pd.DataFrame:
    """Same dtypes and columns whichever engine made the rows."""
    columns = ([TRACE] if has_trace else []) + PAIR_COLUMNS
    out = out[columns].reset_index(drop=True)
    for col in columns:
        if col == TIME_DELTA:
            out[col] = out[col].astype("float64")
        elif id_dtype == "category":
            if not isinstance(out[col].dtype, pd.CategoricalDtype):
                out[col] = out[col].astype("category")
            out[col] = out[col].cat.rename_categories(
                out[col].cat.categories.astype("str"))
        else:
            out[col] = out[col].astype("str")
    if id_dtype == "category":  # one category set per id kind, so columns compare
        for left, right in ((ACCOUNT_ID, ACCOUNT_ID_Y), (CONTENT_ID, CONTENT_ID_Y)):
            both = out[left].cat.categories.union(out[right].cat.categories)
            out[left] = out[left].cat.set_categories(both)
            out[right] = out[right].cat.set_categories(both)
    return out
