"""Co-share pairs written straight to Parquet files, for inputs too large to hold in memory.

:func:`write_coshare_pairs` applies exactly the rules of
:func:`~netlib.coordination.coshare_pairs`, but never builds the pair table in pandas.
DuckDB computes and sorts the pairs, spilling to disk under ``memory_limit``. The sorted
pairs are then streamed in slices to a pool of writer threads, and each slice becomes one
Parquet file. The result is a folder::

    pairs/
      part-00000.parquet     rows 0 .. rows_per_file-1, in the order coshare_pairs returns
      part-00001.parquet
      ...
      _netlib.json           parameters, counts, files, versions and input fingerprints

pandas (``pd.read_parquet(folder)``), DuckDB (``read_parquet('pairs/*.parquet')``),
Spark and R's arrow all read the folder as one table. Names that start with ``_`` are
skipped by those readers.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from netlib.coaction.engines.duck import duckdb_connection, duckdb_session
from netlib.coaction.engines.shares import (
    PAIR_COLUMNS,
    check_params,
    input_files,
    pair_attrs,
    read_shares,
)
from netlib.coaction.engines.spark import get_spark, pairs_dataframe, spark_pairs
from netlib.coaction.engines.sql import RESULT_SQL, sql_list, sql_string
from netlib.coordination.network import MEDIAN_LAG, N_CO_ACTIONS, WEIGHT, trace_weight_column
from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
from netlib.provenance import frame_fingerprint, package_versions, sha256_file
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CONTENT_ID,
    CONTENT_ID_Y,
    OBJECT_ID,
    TIME_DELTA,
    TRACE,
)
from netlib.units import to_seconds

__all__ = ["write_coshare_pairs", "pair_edges", "MANIFEST"]

#: Name of the side file holding parameters, counts and provenance.
MANIFEST = "_netlib.json"
_PART = "part-{:05d}.parquet"


def write_coshare_pairs(data: Any, path: str | Path, *, window: float | str = 60,
                        min_participation: int = 2, engine: str = "duckdb",
                        max_object_shares: int | None = None,
                        memory_limit: str | None = None, temp_directory: str | None = None,
                        threads: int | None = None, rows_per_file: int = 1_000_000,
                        spark: Any = None,
                        progress: bool | Callable[[str], None] = False) -> dict[str, Any]:
    """Compute co-share pairs and write them to a folder of Parquet files.

    The rows, columns and row order are those of :func:`coshare_pairs` with the same
    arguments, but the pair table is never held in memory: use this for inputs whose pairs
    do not fit (tens of millions of shares and more), and to keep the pairs as the
    evidence of a run.

    Parameters
    ----------
    data : Dataset, DataFrame, str or Path
        As in :func:`coshare_pairs`. A path or glob of Parquet or CSV files is scanned by
        DuckDB and never loaded into pandas.
    path : str or Path
        Output folder. It is created if needed. Files of an earlier run there
        (``part-*.parquet`` and the manifest) are replaced; other files are left alone.
    window, min_participation, max_object_shares
        As in :func:`coshare_pairs`; ``window`` may also be a string such as ``"90s"``.
    engine : {"duckdb", "spark"}, default "duckdb"
        With "spark" and a path (Parquet or CSV files, or a cluster URI), the pairs are
        computed and written by Spark (:func:`netlib.coaction.engines.spark.pairs_dataframe`),
        sorted by the id columns; part boundaries are Spark's. A frame or Dataset is
        computed with Spark and written here.
    memory_limit, temp_directory, threads : optional
        DuckDB settings. Under ``memory_limit`` DuckDB spills joins and sorts to
        ``temp_directory`` (a private temporary folder by default). The default limit is
        half of the machine's memory (DuckDB's own default, 80%, leaves too little room
        for the input's id columns and the writers). ``threads`` also sets the number of
        writer threads.
    rows_per_file : int, default 1,000,000
        Rows per Parquet file. Each writer thread holds one file's rows.
    spark : SparkSession, optional
        Session for ``engine="spark"``.
    progress : bool or callable, default False
        True prints timed progress lines to stderr. A callable receives each line.

    Returns
    -------
    dict
        The manifest that is also written to ``_netlib.json``. It holds ``rows``,
        ``files``, ``columns``, ``parameters``, ``counts`` (the figures of
        ``coshare_pairs(...).attrs``), ``input`` (fingerprints) and ``versions``.

    Raises
    ------
    ParameterError
        As :func:`coshare_pairs` does, or if ``rows_per_file`` < 1 or ``path`` is a file.
    DataFormatError
        As :func:`coshare_pairs` does.

    See Also
    --------
    coshare_pairs : the same pairs as a DataFrame.

    Examples
    --------
    >>> info = write_coshare_pairs("shares/*.parquet", "pairs", memory_limit="4GB",
    ...                            progress=True)                    # doctest: +SKIP
    >>> info["rows"], len(info["files"])                             # doctest: +SKIP
    (27831575, 28)
    """
    window = to_seconds(window, name="window", allow_zero=True)
    check_params(window, min_participation, engine, max_object_shares)
    if isinstance(rows_per_file, bool) or not isinstance(rows_per_file, (int, np.integer)) \
            or rows_per_file < 1:
        raise ParameterError(f"rows_per_file must be an integer >= 1, got {rows_per_file!r}")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"write_coshare_pairs: {folder} exists and is not a folder")
    say = _reporter(progress)
    spark_files = engine == "spark" and isinstance(data, (str, Path))
    # the input is checked before an earlier run's files are removed
    shares = read_shares(data, window=window) if engine == "duckdb" else None
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("part-*.parquet"), folder / MANIFEST]:
        old.unlink(missing_ok=True)
    if memory_limit is None and engine == "duckdb":
        memory_limit = _half_of_memory()
    params = {"window": float(window), "min_participation": int(min_participation),
              "engine": engine, "max_object_shares": max_object_shares,
              "rows_per_file": int(rows_per_file), "memory_limit": memory_limit}
    start = time.perf_counter()
    # input files are hashed on the side while the pairs are computed
    hasher = ThreadPoolExecutor(max_workers=1)
    fingerprint = hasher.submit(_fingerprint, data)
    try:
        if spark_files:
            files, rows, counts, has_trace = _spark_write(
                str(data), folder, window=window, min_participation=min_participation,
                max_object_shares=max_object_shares, spark=spark, say=say)
        elif engine == "spark":
            shares = read_shares(data, window=window)
            table, counts = spark_pairs(shares, window=window,
                                        min_participation=min_participation,
                                        max_object_shares=max_object_shares, spark=spark)
            table.attrs.update(pair_attrs(window, min_participation, "spark",
                                          max_object_shares, "str", shares.source))
            table.attrs.update(counts)
            say(f"{len(table):,} pairs computed with Spark")
            files = _write_frame(table, folder, rows_per_file)
            rows, counts, has_trace = len(table), _plain(table.attrs), TRACE in table.columns
        else:
            with duckdb_session(shares, window=window, min_participation=min_participation,
                                 max_object_shares=max_object_shares,
                                 memory_limit=memory_limit, temp_directory=temp_directory,
                                 threads=threads, progress=say) as (con, ids, counts):
                files, rows = _stream_parts(
                    con, ids, folder, scale=shares.scale, has_trace=shares.has_trace,
                    rows_per_file=int(rows_per_file),
                    workers=int(threads or min(os.cpu_count() or 1, 4)), say=say)
            has_trace = shares.has_trace
            counts = {**counts, "source": shares.source}
        digest = fingerprint.result()
    finally:
        hasher.shutdown(wait=False, cancel_futures=True)
    manifest = {
        "rows": int(rows),
        "files": [f.name for f in files],
        "columns": ([TRACE] if has_trace else []) + PAIR_COLUMNS,
        "parameters": params,
        "counts": counts,
        "input": digest,
        "versions": _versions(),
        "seconds": round(time.perf_counter() - start, 3),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n",
                                   encoding="utf-8")
    say(f"wrote {rows:,} pairs in {len(files)} file{'s' if len(files) != 1 else ''} "
        f"to {folder}")
    return manifest


def pair_edges(pairs: str | Path, *, memory_limit: str | None = None,
               temp_directory: str | None = None, threads: int | None = None
               ) -> pd.DataFrame:
    """Undirected account edges aggregated by DuckDB from pair files on disk.

    The out-of-core counterpart of :func:`netlib.coordination.network.edge_table`: the
    co-share rows are grouped inside DuckDB and only one row per account pair reaches
    pandas, so a pair folder far larger than memory gives an edge table that fits.

    Parameters
    ----------
    pairs : str or Path
        A folder written by :func:`write_coshare_pairs`, or a path/glob of Parquet files
        with its columns.
    memory_limit, temp_directory, threads : optional
        DuckDB settings; the grouping spills to ``temp_directory`` past ``memory_limit``.

    Returns
    -------
    DataFrame
        ``account_id, account_id_y`` (``account_id < account_id_y``), ``weight`` (distinct
        objects co-shared, summed over traces), ``n_<trace>`` per trace when the pairs have
        a ``trace`` column, ``n_co_actions`` (co-share rows) and ``median_lag_s``, sorted
        by the two accounts. The values equal ``edge_table``'s for the same pairs.

    Raises
    ------
    DataFormatError
        If no Parquet file is found or the files lack the pair columns.
    """
    where = Path(pairs)
    pattern = str(where / "*.parquet") if where.is_dir() else str(pairs)
    files = input_files(pattern)
    if not files:
        raise DataFormatError(f"pair_edges: no Parquet file matches {pattern!r}")
    lit = sql_list(files)
    with duckdb_connection(memory_limit=memory_limit, temp_directory=temp_directory,
                           threads=threads) as con:
        cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit})"
                                          ).fetchall()}
        need = {OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA}
        if not need <= cols:
            raise DataFormatError(f"pair_edges: {files[0]} lacks "
                                  f"{', '.join(sorted(need - cols))}")
        tr = TRACE if TRACE in cols else "''"
        con.execute(f"""CREATE TEMP VIEW k AS SELECT
            least({ACCOUNT_ID}, {ACCOUNT_ID_Y}) AS a, greatest({ACCOUNT_ID}, {ACCOUNT_ID_Y}) AS b,
            CAST({tr} AS VARCHAR) AS tr, {OBJECT_ID} AS o, {TIME_DELTA} AS dt
            FROM read_parquet({lit})""")
        traces = [r[0] for r in con.execute("SELECT DISTINCT tr FROM k ORDER BY tr").fetchall()]
        per = ", ".join(
            f"CAST(coalesce(sum(n) FILTER (WHERE tr = {sql_string(t)}), 0)"
            f" AS BIGINT) AS \"{trace_weight_column(t)}\"" for t in traces) \
            if TRACE in cols else ""
        sql = f"""
            WITH per AS (SELECT a, b, tr, count(DISTINCT o) AS n FROM k GROUP BY a, b, tr),
                 w AS (SELECT a, b, CAST(sum(n) AS BIGINT) AS weight {', ' + per if per else ''}
                       FROM per GROUP BY a, b),
                 agg AS (SELECT a, b, count(*) AS n_co_actions, median(dt) AS median_lag_s
                         FROM k GROUP BY a, b)
            SELECT w.*, agg.n_co_actions, agg.median_lag_s
            FROM w JOIN agg USING (a, b) ORDER BY a, b"""
        out = con.sql(sql).to_df()
    out = out.rename(columns={"a": ACCOUNT_ID, "b": ACCOUNT_ID_Y, "weight": WEIGHT,
                              "n_co_actions": N_CO_ACTIONS, "median_lag_s": MEDIAN_LAG})
    for col in (ACCOUNT_ID, ACCOUNT_ID_Y):
        out[col] = out[col].astype(object)
    return out


# --- DuckDB: sorted pairs streamed to writer threads -----------------------------------------
def _stream_parts(con: Any, ids: Any, folder: Path, *, scale: int, has_trace: bool,
                  rows_per_file: int, workers: int, say: Callable[[str], None]
                  ) -> tuple[list[Path], int]:
    say("sorting the pairs")
    # whole columns, so that a take never has to walk chunk boundaries
    cols = {name: ids.column(name).combine_chunks() for name in ("tr", "obj", "acc", "cid")}
    index_type = pa.int32() if ids.num_rows < 2**31 - 1 else pa.int64()
    batch_rows = min(rows_per_file, 1 << 20)
    # one 64-bit sort key (rn_a, rn_b packed) sorts faster than two columns
    sql = RESULT_SQL if ids.num_rows >= 2**31 - 1 else \
        "SELECT rn_a, rn_b, dt FROM pf ORDER BY (CAST(rn_a AS BIGINT) << 32) | rn_b"
    reader = con.sql(sql).to_arrow_reader(batch_rows)
    first = True
    files: list[Path] = []
    pending: deque[Future] = deque()
    held: list[Any] = []
    n_held = written = 0
    next_note = time.perf_counter() + 5.0
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        def submit(chunk: Any) -> None:
            nonlocal written
            target = folder / _PART.format(len(files))
            files.append(target)
            pending.append(pool.submit(_write_part, chunk, cols, target, scale=scale,
                                       has_trace=has_trace, index_type=index_type))
            written += chunk.num_rows
            while len(pending) > workers:  # bound the rows held in memory
                pending.popleft().result()

        for batch in reader:
            if first:
                say("sorted; writing")
                first = False
            held.append(batch)
            n_held += batch.num_rows
            while n_held >= rows_per_file:
                chunk = pa.Table.from_batches(held)
                submit(chunk.slice(0, rows_per_file))
                rest = chunk.slice(rows_per_file)
                held, n_held = rest.to_batches(), rest.num_rows
                if time.perf_counter() >= next_note:
                    say(f"{written:,} pairs handed to writers")
                    next_note = time.perf_counter() + 5.0
        if n_held or not files:
            schema = reader.schema
            submit(pa.Table.from_batches(held, schema=schema))
        for job in pending:
            job.result()
    return files, written


def _write_part(chunk: Any, cols: dict[str, Any], target: Path, *, scale: int,
                has_trace: bool, index_type: Any) -> None:
    """Ids gathered by row number for one slice of pairs, written as one Parquet file."""
    first = chunk.column("rn_a").cast(index_type)
    second = chunk.column("rn_b").cast(index_type)
    out: dict[str, Any] = {}
    if has_trace:
        out[TRACE] = cols["tr"].take(first)
    out[OBJECT_ID] = cols["obj"].take(first)
    out[ACCOUNT_ID] = cols["acc"].take(first)
    out[ACCOUNT_ID_Y] = cols["acc"].take(second)
    out[CONTENT_ID] = cols["cid"].take(first)
    out[CONTENT_ID_Y] = cols["cid"].take(second)
    dt = chunk.column("dt").to_numpy().astype(np.float64)
    out[TIME_DELTA] = pa.array(dt / scale if scale != 1 else dt)
    pq.write_table(pa.table(out), target)


# --- other engines and inputs --------------------------------------------------------------
def _write_frame(table: pd.DataFrame, folder: Path, rows_per_file: int) -> list[Path]:
    files = []
    for k, at in enumerate(range(0, max(len(table), 1), rows_per_file)):
        target = folder / _PART.format(k)
        table.iloc[at:at + rows_per_file].to_parquet(target, index=False)
        files.append(target)
    return files


def _spark_write(data: str, folder: Path, *, window: float, min_participation: int,
                 max_object_shares: int | None, spark: Any, say: Callable[[str], None]
                 ) -> tuple[list[Path], int, dict[str, Any], bool]:
    session = spark or get_spark()
    frame = pairs_dataframe(session, data, window=window,
                            min_participation=min_participation,
                            max_object_shares=max_object_shares)
    key = [c for c in frame.columns if c != TIME_DELTA]
    say("Spark: computing and writing the pairs")
    frame.orderBy(*key).write.mode("overwrite").option("compression", "snappy") \
        .parquet(str(folder))
    files = sorted(folder.glob("part-*.parquet"))
    rows = int(session.read.parquet(str(folder)).count())
    session.catalog.clearCache()
    for extra in [*folder.glob(".*.crc"), folder / "_SUCCESS"]:
        extra.unlink(missing_ok=True)
    return files, rows, {"engine_note": "part files written by Spark"}, TRACE in frame.columns


# --- provenance ------------------------------------------------------------------------------
def _fingerprint(data: Any) -> dict[str, Any]:
    """sha256 of every input file, or of the frame's content."""
    if isinstance(data, Dataset):
        return {"dataset": data.source, "sha256": data.fingerprint()}
    if isinstance(data, pd.DataFrame):
        return {"frame_rows": len(data), "sha256": frame_fingerprint(data)}
    text = str(data)
    names = input_files(text) or [text]
    files = {}
    for name in names:
        p = Path(name)
        if p.is_file():
            files[name] = {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
        else:  # a remote URI or a folder Spark reads: not hashed here
            files[name] = {"bytes": None, "sha256": None}
    return {"files": files}


def _versions() -> dict[str, str | None]:
    return package_versions(("duckdb", "pyarrow", "pandas", "pyspark"))


def _half_of_memory() -> str | None:
    """Half of the physical memory as a DuckDB size, or None where it is unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - e.g. Windows
        return None
    return f"{max(total // 2 // 2**20, 1024)}MB"


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if isinstance(v, (int, float, str, type(None)))}


def _peak_gib() -> float:
    """Peak resident memory of this process so far (0 where the platform has no getrusage)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**30 if sys.platform == "darwin" else 2**20)


def _reporter(progress: bool | Callable[[str], None]) -> Callable[[str], None]:
    if callable(progress):
        return progress
    if not progress:
        return lambda _msg: None
    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f} s, peak {_peak_gib():4.1f} GiB] {message}",
              file=sys.stderr, flush=True)

    return say
