"""The DuckDB engine of :func:`netlib.coordination.coshare_pairs`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from netlib.coaction.engines.shares import Shares, decode, frame_table
from netlib.coaction.engines.sql import (
    COUNTED_FROM,
    LAST_READ_BY,
    RESULT_SQL,
    SRC_COUNTS,
    counts_sql,
    pair_sql,
    sql_string,
)

__all__ = ["duckdb_connection", "duckdb_session", "duckdb_pairs", "duckdb_rows"]


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
                    progress: Any = None, with_ids: bool = True
                    ) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
    """Run the pair SQL in a fresh DuckDB connection.

    Yields ``(con, ids, counts)``: the kept pairs are the view ``pf`` (``rn_a, rn_b,
    dt``), ``ids`` is an Arrow table of the input's ``tr, obj, acc, cid`` where row ``i``
    is input row number ``i`` (None with ``with_ids=False``, for callers that map row
    numbers to ids themselves), and ``counts`` the figures for ``result.attrs``. The
    connection and its spill folder are closed when the block ends.
    """
    say = progress or (lambda _msg: None)
    with duckdb_connection(memory_limit=memory_limit, temp_directory=temp_directory,
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
        queries = counts_sql(max_object_shares)
        counts = {key: int(con.execute(queries[key]).fetchall()[0][0]) for key in SRC_COUNTS}
        say(f"read {counts['shares_read']:,} shares ({counts['shares_usable']:,} usable)")
        if shares.frame is None and with_ids:
            # src is normally filled in row-number order and insertion order is still
            # preserved, so a plain scan gives row i at position i; checked, not assumed
            ids = _in_row_order(con.sql("SELECT rn, tr, obj, acc, cid FROM src")
                                .to_arrow_table())
        con.execute("SET preserve_insertion_order = false")
        window_ticks = int(round(float(window) * shares.scale))
        for name, sql in pair_sql(window_ticks=window_ticks,
                                   min_participation=min_participation,
                                   max_object_shares=max_object_shares,
                                   n_rows=counts["shares_read"]):
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
        yield con, ids, counts


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
                temp_directory: str | None = None, threads: int | None = None
                ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The kept pairs as input row numbers: ``rn_a, rn_b, dt`` (int64 arrays) and the counts.

    The rows and their order are those :func:`duckdb_pairs` decodes into ids; callers that
    hold the input's ids as integer codes gather them from these row numbers instead.
    """
    with duckdb_session(shares, window=window, min_participation=min_participation,
                        max_object_shares=max_object_shares, memory_limit=memory_limit,
                        temp_directory=temp_directory, threads=threads,
                        with_ids=False) as (con, _, counts):
        rows = _fetch_pairs(con)
    return rows, counts


def _fetch_pairs(con: Any, batch_rows: int = 1 << 20) -> dict[str, np.ndarray]:
    """Stream the sorted pairs into preallocated arrays.

    The kept pairs (the view ``pf``, two joins deep) are evaluated once, sorted into a
    table whose row count is then known without a second evaluation; the table is read
    back in its insertion order, which is the sorted order.
    """
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"CREATE TEMP TABLE pf_sorted AS {RESULT_SQL}")
    n = int(con.execute("SELECT count(*) FROM pf_sorted").fetchall()[0][0])
    out = {"rn_a": np.empty(n, np.int64), "rn_b": np.empty(n, np.int64),
           "dt": np.empty(n, np.int64)}
    at = 0
    reader = con.sql("SELECT rn_a, rn_b, dt FROM pf_sorted").to_arrow_reader(batch_rows)
    for batch in reader:
        k = batch.num_rows
        for key in out:
            out[key][at:at + k] = batch.column(key).to_numpy(zero_copy_only=False)
        at += k
    con.execute("DROP TABLE pf_sorted")
    if at != n:  # pragma: no cover - a changing table would be a bug
        raise RuntimeError(f"coshare_pairs: expected {n} pairs, read {at}")
    a, b = out["rn_a"], out["rn_b"]
    step = np.diff(a)
    # insertion order kept is DuckDB's promise: checked, not assumed
    if n > 1 and ((step < 0) | ((step == 0) & (np.diff(b) <= 0))).any():  # pragma: no cover
        order = np.lexsort((b, a))
        out = {key: values[order] for key, values in out.items()}
    return out
