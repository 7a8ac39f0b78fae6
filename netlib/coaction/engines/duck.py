"""The DuckDB engine of :func:`netlib.coordination.coshare_pairs`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netlib.coaction.engines.shares import Shares, datetime_ticks, decode, frame_table
from netlib.coaction.engines.sql import (
    COUNTED_FROM,
    LAST_READ_BY,
    SRC_COUNTS,
    counts_sql,
    pair_sql,
    sql_string,
)
from netlib.lookup import arrow_strings, dictionary_encoded, increasing
from netlib.memory import duckdb_memory_cap, release_memory
from netlib.schema import ACCOUNT_ID, ACTION_ID, OBJECT_ID, TIMESTAMP

__all__ = ["duckdb_connection", "duckdb_session", "duckdb_pairs", "duckdb_rows",
           "CodedShares", "coded_shares", "duckdb_dataset_pairs", "join_memory_limit"]


def join_memory_limit(memory_limit: str | None = None) -> str:
    """DuckDB's memory cap for a co-share join: ``memory_limit``, or a default.

    The default is a sixteenth of the memory (:func:`netlib.memory.total_memory`), between
    1 and 3 GiB: 1.5 GiB on a 24 GiB machine. Past it the join's tables (the coded shares,
    the pairs within the window, the kept pairs) go to the spill folder instead of staying
    in memory beside the data the caller holds. On 9.9M organic reposts (27.8M pairs),
    ``coshare_pairs(netlib.load(...), id_dtype="category")`` peaked at 3.7-3.9 GiB under
    DuckDB's own limit (80% of the memory) and at 3.0-3.1 GiB under this default, in the
    same time (12.6-13.1 s for the pairs). The cap never changes a result.

    Examples
    --------
    >>> join_memory_limit("4GB")
    '4GB'
    >>> join_memory_limit().endswith("MiB")
    True
    """
    return duckdb_memory_cap(memory_limit, share=16)


@contextmanager
def duckdb_connection(*, memory_limit: str | None = None, temp_directory: str | None = None,
                      threads: int | None = None) -> Iterator[Any]:
    """A fresh DuckDB connection with netlib's settings, closed when the block ends.

    Spill files go to ``temp_directory`` or to a private temporary folder that is removed
    afterwards (DuckDB's default is ``./.tmp`` in the caller's working directory).
    """
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
def duckdb_session(shares: Shares, *, window: float, min_participation: int,
                    max_object_shares: int | None, memory_limit: str | None = None,
                    temp_directory: str | None = None, threads: int | None = None,
                    progress: Any = None, with_ids: bool = True,
                    distinct_cids: bool = False
                    ) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
    """Run the pair SQL in a fresh DuckDB connection.

    Yields ``(con, ids, counts)``: the kept pairs are the view ``pf`` (``rn_a, rn_b,
    dt``), ``ids`` is an Arrow table of the input's ``tr, obj, acc, cid`` where row ``i``
    is input row number ``i`` (None with ``with_ids=False``, for callers that map row
    numbers to ids themselves), and ``counts`` the figures for ``result.attrs``. The
    connection and its spill folder are closed when the block ends. DuckDB is capped at
    :func:`join_memory_limit` unless ``memory_limit`` is given. ``distinct_cids``: the
    caller knows that no two rows share a content id (see
    :func:`~netlib.coaction.engines.sql.pair_sql`).
    """
    say = progress or (lambda _msg: None)
    with duckdb_connection(memory_limit=join_memory_limit(memory_limit),
                           temp_directory=temp_directory,
                           threads=threads) as con:
        ids = None
        if shares.frame is not None:
            # DuckDB scans Arrow columns without touching Python objects; the same columns
            # are then the ids that the pairs' row numbers are decoded with
            table = frame_table(shares.frame)
            con.register("src_frame", table)
            con.execute("CREATE TEMP TABLE src AS SELECT * FROM src_frame")
            con.unregister("src_frame")
            ids = table.select(["tr", "obj", "acc", "cid"]) if with_ids else None
            del table
        else:
            # row numbers follow the files' row order (insertion order is preserved here)
            con.execute(f"CREATE TEMP TABLE src AS {shares.sql}")
        counts = _src_counts(con, max_object_shares, say)
        if shares.frame is None and with_ids:
            # src is normally filled in row-number order and insertion order is still
            # preserved, so a plain scan gives row i at position i; checked, not assumed
            ids = _in_row_order(con.sql("SELECT rn, tr, obj, acc, cid FROM src")
                                .to_arrow_table())
        _pair_steps(con, counts, window_ticks=int(round(float(window) * shares.scale)),
                    min_participation=min_participation, max_object_shares=max_object_shares,
                    say=say, distinct_cids=distinct_cids)
        yield con, ids, counts


def _src_counts(con: Any, max_object_shares: int | None, say: Any) -> dict[str, Any]:
    """The counts that read the table ``src`` (before any step drops it)."""
    queries = counts_sql(max_object_shares)
    counts = {key: int(con.execute(queries[key]).fetchall()[0][0]) for key in SRC_COUNTS}
    say(f"read {counts['shares_read']:,} shares ({counts['shares_usable']:,} usable)")
    return counts


def _pair_steps(con: Any, counts: dict[str, Any], *, window_ticks: int,
                min_participation: int, max_object_shares: int | None, say: Any,
                distinct_cids: bool = False) -> None:
    """Run the pair SQL on the table ``src``, leaving the kept pairs in the view ``pf``.

    The counts taken along the way are added to ``counts``. With ``distinct_cids`` (no
    two rows of ``src`` share a content id) the content ids are the row numbers: see
    :func:`~netlib.coaction.engines.sql.pair_sql`.
    """
    queries = counts_sql(max_object_shares)
    con.execute("SET preserve_insertion_order = false")
    for name, sql in pair_sql(window_ticks=window_ticks,
                               min_participation=min_participation,
                               max_object_shares=max_object_shares,
                               n_rows=counts["shares_read"], distinct_cids=distinct_cids):
        kind = "VIEW" if name == "pf" else "TABLE"  # pf is read once: never stored
        con.execute(f"CREATE TEMP {kind} {name} AS {sql}")
        # each table is counted and dropped as soon as no later step reads it, so
        # that the window join and the final sort have the memory
        for key in COUNTED_FROM.get(name, ()):
            counts[key] = int(con.execute(queries[key]).fetchall()[0][0])
        for old in LAST_READ_BY.get(name, ()):
            con.execute(f"DROP TABLE IF EXISTS {old}")
        if name == "p":
            say("joined shares within the window")
    con.execute("DROP TABLE IF EXISTS s")  # still there when the post-filter is off


def _in_row_order(table: Any) -> Any:
    """``table`` (with a row-number column ``rn``) as ``tr, obj, acc, cid`` in rn order."""
    rn = table.column("rn").to_numpy()
    if not np.array_equal(rn, np.arange(len(rn), dtype=rn.dtype)):
        table = table.take(np.argsort(rn, kind="stable"))
    return table.select(["tr", "obj", "acc", "cid"])


def duckdb_pairs(shares: Shares, *, window: float, min_participation: int,
                  max_object_shares: int | None, memory_limit: str | None = None,
                  temp_directory: str | None = None, threads: int | None = None,
                  id_dtype: str = "str") -> tuple[pd.DataFrame, dict[str, Any]]:
    with duckdb_session(shares, window=window, min_participation=min_participation,
                         max_object_shares=max_object_shares, memory_limit=memory_limit,
                         temp_directory=temp_directory, threads=threads) as (con, ids, counts):
        pairs = _fetch_pairs(con)
    out = decode(ids, None, pairs, scale=shares.scale, has_trace=shares.has_trace,
                  id_dtype=id_dtype)
    return out, counts


def duckdb_rows(shares: Shares, *, window: float, min_participation: int,
                max_object_shares: int | None, memory_limit: str | None = None,
                temp_directory: str | None = None, threads: int | None = None,
                distinct_cids: bool = False
                ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The kept pairs as input row numbers: ``rn_a, rn_b, dt`` (int64 arrays) and the counts.

    The rows and their order are those :func:`duckdb_pairs` decodes into ids; callers that
    hold the input's ids as integer codes gather them from these row numbers instead.
    With ``distinct_cids`` (no two rows share a content id, which the caller knows from
    its codes) the SQL carries no content id codes; the rows are the same.
    """
    with duckdb_session(shares, window=window, min_participation=min_participation,
                        max_object_shares=max_object_shares, memory_limit=memory_limit,
                        temp_directory=temp_directory, threads=threads,
                        with_ids=False, distinct_cids=distinct_cids) as (con, _, counts):
        rows = _fetch_pairs(con)
    return rows, counts


#: About this many pairs are sorted at a time when the kept pairs are read (see
#: :func:`_fetch_pairs`).
FETCH_PART_ROWS = 1 << 22


def _fetch_pairs(con: Any, batch_rows: int = 1 << 20,
                 narrow: bool = False) -> dict[str, np.ndarray]:
    """Stream the sorted pairs into preallocated arrays.

    The kept pairs (the view ``pf``, two joins deep) are evaluated once into a table, and
    the tables the view reads are dropped. The table is then sorted a range of first rows
    (``rn_a``) at a time, ranges of about :data:`FETCH_PART_ROWS` pairs cut from a
    histogram of ``rn_a``, and each sorted range is read straight into the arrays. In
    range order that is the order of ``sql.RESULT_SQL``, while no sort holds more than one
    range and no sorted copy of the whole table is made (at 27.8M pairs, 0.3-0.5 GB less
    at the peak). The arrays are int64, or (``narrow``) int32 where every value fits.
    """
    con.execute("CREATE TEMP TABLE pf_rows AS SELECT rn_a, rn_b, dt FROM pf")
    con.execute("DROP VIEW IF EXISTS pf")  # and what only the view read
    for table in ("p", "fc"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    n, top, last = (int(v or 0) for v in con.execute(
        "SELECT count(*), max(greatest(rn_a, rn_b, dt)), max(rn_a) FROM pf_rows").fetchall()[0])
    kind = np.int32 if narrow and top < 2**31 - 1 else np.int64
    out = {"rn_a": np.empty(n, kind), "rn_b": np.empty(n, kind), "dt": np.empty(n, kind)}
    at = 0
    in_order = True
    for low, high in _rn_ranges(con, n, last, FETCH_PART_ROWS):
        reader = con.sql(f"SELECT rn_a, rn_b, dt FROM pf_rows WHERE rn_a >= {low} AND "
                         f"rn_a < {high} ORDER BY rn_a, rn_b").to_arrow_reader(batch_rows)
        for batch in reader:
            k = batch.num_rows
            for key in out:
                out[key][at:at + k] = batch.column(key).to_numpy(zero_copy_only=False)
            # the order is checked (a batch at a time, with the row before it), not assumed
            first = max(at - 1, 0)
            a, b = out["rn_a"][first:at + k], out["rn_b"][first:at + k]
            step = np.diff(a)
            in_order = in_order and not ((step < 0) | ((step == 0) & (np.diff(b) <= 0))).any()
            at += k
    con.execute("DROP TABLE pf_rows")
    if at != n:  # pragma: no cover - a changing table would be a bug
        raise RuntimeError(f"coshare_pairs: expected {n} pairs, read {at}")
    if not in_order:  # pragma: no cover
        order = np.lexsort((out["rn_b"], out["rn_a"]))
        out = {key: values[order] for key, values in out.items()}
    return out


def _rn_ranges(con: Any, n: int, last: int, part_rows: int) -> list[tuple[int, int]]:
    """Half-open ranges of ``rn_a`` that together cover ``pf_rows``, each holding about
    ``part_rows`` pairs (more when a single first row has more), in increasing order."""
    if n <= part_rows:
        return [(0, last + 1)]
    width = max((last + 1) // 4096, 1)  # a histogram of at most ~4,096 bins of first rows
    bins = con.execute(f"SELECT rn_a // {width} AS b, count(*) FROM pf_rows GROUP BY b "
                       "ORDER BY b").fetchnumpy()
    edges, counts = bins["b"].astype(np.int64), bins["count_star()"].astype(np.int64)
    ranges, low, held = [], 0, 0
    for edge, count in zip(edges, counts, strict=True):
        if held and held + count > part_rows:
            ranges.append((low, int(edge) * width))
            low, held = int(edge) * width, 0
        held += int(count)
    ranges.append((low, last + 1))
    return ranges


# --- a Dataset's shares as integer codes -------------------------------------------------------
@dataclass(frozen=True)
class CodedShares:
    """A Dataset's shares with every id replaced by an integer code.

    ``src`` has the columns of the pair SQL's ``src`` (``tr, obj, acc, cid, ticks, rn``)
    with ``tr`` a constant and ``obj, acc, cid`` integer codes: two ids get the same code
    exactly when they are the same string, and an object's code never equals a content
    id's (the input has no share of itself, checked). The SQL then groups and joins
    integers instead of strings and keeps the same rows in the same order. ``ids`` holds
    the strings (``obj, acc, cid``; row ``i`` is row number ``i``) that the pairs are
    decoded with. ``distinct_cids`` says no two shares have the same content id.
    ``codes`` holds, per id kind (``obj, acc, cid``), each row's code before any offset
    and the distinct ids the codes index (what the categories of ``id_dtype="category"``
    are made from, without coding the strings again).
    """

    src: pa.Table
    ids: pa.Table
    scale: int
    distinct_cids: bool = False
    codes: dict[str, tuple[pa.Array, pa.Array]] = field(default_factory=dict)


def coded_shares(actions: pd.DataFrame, *, window: float) -> CodedShares | None:
    """The shares of a Dataset's ``actions`` (rows with an ``object_id``), coded.

    Returns None when the table is not as validation leaves it (times not a datetime
    column, an action whose object is itself), so that the caller reads it the general
    way instead.
    """
    if OBJECT_ID not in actions.columns or \
            not isinstance(actions[TIMESTAMP].dtype, pd.DatetimeTZDtype):
        return None
    obj = arrow_strings(actions[OBJECT_ID])
    has = obj.is_valid()
    keep = None if obj.null_count == 0 else has
    stamp = actions[TIMESTAMP] if keep is None else \
        actions[TIMESTAMP][has.to_numpy(zero_copy_only=False)]

    def strings(column: str) -> pa.ChunkedArray:
        values = obj if column == OBJECT_ID else arrow_strings(actions[column])
        return values if keep is None else values.filter(keep)

    obj, acc, cid = strings(OBJECT_ID), strings(ACCOUNT_ID), strings(ACTION_ID)
    if pc.any(pc.equal(obj, cid)).as_py():
        return None  # rule 3's "content id equals object id" needs the strings
    ticks, scale = _ticks(stamp, window)
    n = len(cid)
    columns = (obj, acc) if increasing(cid) else (obj, acc, cid)
    # Arrow's hash tables are single-threaded and release the interpreter lock: the
    # codings run side by side
    with ThreadPoolExecutor(max_workers=2) as pool:
        coded = [(encoded.indices, encoded.dictionary)
                 for encoded in pool.map(dictionary_encoded, columns)]
    (obj_codes, obj_names), (acc_codes, acc_names) = coded[:2]
    # 32-bit codes and row numbers unless the table is too long for them
    kind = pa.int32() if n + len(obj_names) < 2**31 - 1 else pa.int64()
    # content ids in increasing order are distinct: each is coded by its row number
    cid_codes, cid_names = coded[2] if len(coded) > 2 else (pa.array(np.arange(n)), cid)
    # objects are numbered after the content ids: no object code equals a content id code
    src = pa.table({"tr": pa.array(np.zeros(n, dtype=np.int8)),
                    "obj": pc.add(obj_codes.cast(kind), pa.scalar(len(cid_names), kind)),
                    "acc": acc_codes.cast(kind), "cid": cid_codes.cast(kind), "ticks": ticks,
                    "rn": pa.array(np.arange(n)).cast(kind)})
    ids = pa.table({"obj": obj, "acc": acc, "cid": cid})
    return CodedShares(src, ids, scale, distinct_cids=len(coded) == 2,
                       codes={"obj": (obj_codes, obj_names), "acc": (acc_codes, acc_names),
                              "cid": (cid_codes, cid_names)})


def _ticks(stamp: pd.Series, window: float) -> tuple[pa.Array, int]:
    """:func:`~netlib.coaction.engines.shares.datetime_ticks` as an Arrow column (missing
    times null), and the scale: what the frame path computes."""
    ticks, known, scale = datetime_ticks(stamp, window)
    return pa.array(ticks, mask=~known), scale


def duckdb_dataset_pairs(actions: pd.DataFrame, *, window: float, min_participation: int,
                         max_object_shares: int | None, memory_limit: str | None = None,
                         temp_directory: str | None = None, threads: int | None = None,
                         id_dtype: str = "str") -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """:func:`duckdb_pairs` on a Dataset's actions through :func:`coded_shares`: the same
    table, from integer joins; None when the actions cannot be coded (see there)."""
    coded = coded_shares(actions, window=window)
    if coded is None:
        return None
    src, ids, scale, distinct_cids = coded.src, coded.ids, coded.scale, coded.distinct_cids
    # the categories are made from the codes at hand; the strings need no second coding
    codes = coded.codes if id_dtype == "category" else None
    del coded
    with duckdb_connection(memory_limit=join_memory_limit(memory_limit),
                           temp_directory=temp_directory,
                           threads=threads) as con:
        con.register("src_frame", src)
        con.execute("CREATE TEMP TABLE src AS SELECT * FROM src_frame")
        con.unregister("src_frame")
        del src  # DuckDB holds its own copy
        counts = _src_counts(con, max_object_shares, lambda _msg: None)
        _pair_steps(con, counts, window_ticks=int(round(float(window) * scale)),
                    min_participation=min_participation, max_object_shares=max_object_shares,
                    say=lambda _msg: None, distinct_cids=distinct_cids)
        pairs = _fetch_pairs(con, narrow=True)
    # what DuckDB freed stays with the C heap, which Arrow's allocator (the strings below)
    # cannot reuse: given back first, so the two do not add up
    release_memory()
    out = decode(ids, None, pairs, scale=scale, has_trace=False, id_dtype=id_dtype,
                 codes=codes)
    release_memory()
    return out, counts
