"""The Spark engine of :func:`netlib.coordination.coshare_pairs`.

The same SQL steps as the DuckDB engine (:func:`~netlib.coaction.engines.sql.pair_sql`) run as Spark SQL, so both
engines give identical tables. A small local session (``local[2]``, UI off, modest memory)
is created on first use and reused; pass ``spark=`` to run on an existing session or a
cluster (see docs/scale.md).
"""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from netlib.coaction.engines.shares import (
    MICROS,
    PAIR_COLUMNS,
    TIMESTAMP_SHARE,
    Shares,
    check_params,
    decode,
    frame_ids,
    input_files,
    is_csv,
)
from netlib.coaction.engines.sql import RESULT_SQL, counts_sql, pair_sql
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

__all__ = ["spark_pairs", "pairs_dataframe", "get_spark", "spark_available", "main"]

_SESSION: Any = None


def spark_available() -> tuple[bool, str]:
    """Whether pyspark and a Java runtime are present, and if not, why."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False, "pyspark is not installed (pip install pyspark)"
    if shutil.which("java") is None:
        return False, "no Java runtime on PATH (Spark needs Java 17 or later)"
    return True, ""


def get_spark(*, master: str = "local[2]", driver_memory: str = "1g",
              shuffle_partitions: int = 2) -> Any:
    """A SparkSession for local work, created once per process and then reused.

    Tuned for many small queries on one machine: few shuffle partitions, adaptive query
    execution and whole-stage code generation off (their planning and compile time
    dominate on small inputs), and a 100 MB broadcast-join threshold. On a cluster, pass
    your own session to ``coshare_pairs(..., spark=session)`` instead.

    Raises
    ------
    ParameterError
        If pyspark or Java is missing.
    """
    global _SESSION
    ok, why = spark_available()
    if not ok:
        raise ParameterError(f"engine='spark' is not available: {why}")
    if _SESSION is not None and _SESSION.sparkContext._jsc is not None:
        return _SESSION
    from pyspark.sql import SparkSession

    _SESSION = (SparkSession.builder.master(master).appName("netlib-coshare")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.memory", driver_memory)
                .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.sql.codegen.wholeStage", "false")
                .config("spark.sql.autoBroadcastJoinThreshold", str(100 * 2**20))
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate())
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _select_src(df: Any, *, scale: int, has_trace: bool | None = None) -> Any:
    """Spark DataFrame in either input layout -> ``tr, obj, acc, cid, ticks, rn``.

    ``rn`` is ``monotonically_increasing_id()``: increasing in file/partition order, which
    is the input order the tie-break rule needs.
    """
    from pyspark.sql import functions as F

    cols = set(df.columns)
    if has_trace is None:
        has_trace = {ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID} <= cols
        if not has_trace and not {OBJECT_ID, ACCOUNT_ID, CONTENT_ID, TIMESTAMP_SHARE} <= cols:
            raise DataFormatError(
                f"coshare_pairs: input has columns {', '.join(df.columns)}; expected "
                f"{ACCOUNT_ID}, {TRACE}, {OBJECT_ID}, {TIMESTAMP}, {ACTION_ID} or "
                f"{OBJECT_ID}, {ACCOUNT_ID}, {CONTENT_ID}, {TIMESTAMP_SHARE}")
    if has_trace:
        tr, cid, ts = F.col(TRACE).cast("string"), ACTION_ID, TIMESTAMP
    else:
        tr, cid, ts = F.lit(""), CONTENT_ID, TIMESTAMP_SHARE
    col = df[ts]
    kind = dict(df.dtypes)[ts]
    if kind.startswith("timestamp") or kind == "date":
        secs = F.unix_micros(col.cast("timestamp")) / 1e6
    elif kind == "string":
        secs = F.coalesce(col.cast("double"), F.unix_micros(F.to_timestamp(col)) / 1e6)
    else:
        secs = col.cast("double")
    return df.select(tr.alias("tr"), F.col(OBJECT_ID).cast("string").alias("obj"),
                     F.col(ACCOUNT_ID).cast("string").alias("acc"),
                     F.col(cid).cast("string").alias("cid"),
                     F.round(secs * scale).cast("long").alias("ticks"),
                     F.monotonically_increasing_id().alias("rn"))


def _src_frame(spark: Any, shares: Shares) -> Any:
    """The raw shares as a Spark DataFrame with columns ``tr, obj, acc, cid, ticks, rn``."""
    from pyspark.sql import types as T

    schema = T.StructType([
        T.StructField("tr", T.StringType()), T.StructField("obj", T.StringType()),
        T.StructField("acc", T.StringType()), T.StructField("cid", T.StringType()),
        T.StructField("ticks", T.LongType()), T.StructField("rn", T.LongType())])
    if shares.frame is not None:
        frame = shares.frame
        plain = pd.DataFrame({
            col: frame[col].astype(object).where(frame[col].notna(), None)
            for col in ("tr", "obj", "acc", "cid")})
        plain["ticks"] = frame["ticks"].astype(object).where(frame["ticks"].notna(), None)
        plain["rn"] = frame["rn"].astype("int64")
        if plain.empty:
            return spark.createDataFrame([], schema)
        return spark.createDataFrame(list(plain.itertuples(index=False, name=None)), schema)
    # files: let Spark read them (Parquet or CSV); the DuckDB side chose the time scale

    files = input_files(shares.source)
    if not files:
        raise DataFormatError(f"coshare_pairs: no file matches {shares.source!r}")
    return _select_src(_read_files(spark, files), scale=shares.scale,
                       has_trace=shares.has_trace)


def _read_files(spark: Any, paths: list[str]) -> Any:
    """CSV files (with a header row) or Parquet files/URIs as one Spark DataFrame."""

    if is_csv(paths):
        return spark.read.option("header", "true").csv(paths)
    return spark.read.parquet(*paths)


def _register_steps(spark: Any, src: Any, *, window_ticks: int, min_participation: int,
                    max_object_shares: int | None) -> tuple[list[str], list[Any]]:
    """Register ``src`` and every SQL step as temp views; cache the reused ones."""

    src = src.cache()
    src.createOrReplaceTempView("src")
    views, cached = ["src"], [src]
    for name, sql in pair_sql(window_ticks=window_ticks, min_participation=min_participation,
                               max_object_shares=max_object_shares, dialect="spark"):
        frame = spark.sql(sql)
        if name in ("s", "sj", "p", "objs"):
            frame = frame.cache()
            cached.append(frame)
        frame.createOrReplaceTempView(name)
        views.append(name)
    return views, cached


def pairs_dataframe(spark: Any, data: Any, *, window: float = 60, min_participation: int = 2,
                    max_object_shares: int | None = None) -> Any:
    """Co-share pairs as a (lazy) Spark DataFrame, for data that lives on a cluster.

    Same rules and columns as :func:`netlib.coordination.coshare_pairs`, but nothing is
    collected to the driver: write the result with ``.write.parquet(...)``. Rows are not
    sorted. Intermediate tables stay cached until ``spark.catalog.clearCache()``; the temp
    views it registers (``src``, ``p``, ...) make concurrent calls in one session unsafe.

    Parameters
    ----------
    spark : SparkSession
    data : pyspark DataFrame, str or list of str
        A DataFrame, or Parquet path(s)/URI(s) (``s3a://...``, ``hdfs://...``), or CSV
        files with a header row, in the CooRTweet layout or the trace-table layout.
    window, min_participation, max_object_shares
        As in :func:`~netlib.coordination.coshare_pairs`.

    Returns
    -------
    pyspark.sql.DataFrame
        ``[trace,] object_id, account_id, account_id_y, content_id, content_id_y,
        time_delta``.
    """
    from pyspark.sql import functions as F

    check_params(window, min_participation, "spark", max_object_shares)
    if hasattr(data, "select"):
        df = data
    else:
        paths = [str(data)] if isinstance(data, (str, Path)) else [str(d) for d in data]
        df = _read_files(spark, paths)
    _select_src(df, scale=1)  # checks the layout
    has_trace = {ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID} <= set(df.columns)
    scale = 1
    if float(window) != math.floor(float(window)):
        scale = MICROS
    else:
        ts = TIMESTAMP if has_trace else TIMESTAMP_SHARE
        kind = dict(df.dtypes)[ts]
        if kind.startswith("timestamp"):
            scale = MICROS
        elif kind in ("double", "float") or kind.startswith("decimal"):
            frac = df.select(F.max(F.abs(F.col(ts) - F.floor(F.col(ts))))).collect()[0][0]
            scale = MICROS if frac else 1
    src = _select_src(df, scale=scale, has_trace=has_trace)
    _register_steps(spark, src, window_ticks=int(round(float(window) * scale)),
                    min_participation=min_participation, max_object_shares=max_object_shares)
    columns = ([TRACE] if has_trace else []) + PAIR_COLUMNS
    names = {TRACE: "a.tr", OBJECT_ID: "a.obj", ACCOUNT_ID: "a.acc", ACCOUNT_ID_Y: "b.acc",
             CONTENT_ID: "a.cid", CONTENT_ID_Y: "b.cid",
             TIME_DELTA: f"CAST(pf.dt AS DOUBLE) / {scale}"}
    select = ", ".join(f"{names[c]} AS {c}" for c in columns)
    return spark.sql(f"SELECT {select} FROM pf JOIN src AS a ON a.rn = pf.rn_a "
                     f"JOIN src AS b ON b.rn = pf.rn_b")


def spark_pairs(shares: Shares, *, window: float, min_participation: int,
                max_object_shares: int | None, spark: Any = None, id_dtype: str = "str"
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run the co-share SQL on Spark; returns the pair table and the counts."""

    spark = spark if spark is not None else get_spark()
    views: list[str] = []
    cached: list[Any] = []
    try:
        views, cached = _register_steps(
            spark, _src_frame(spark, shares),
            window_ticks=int(round(float(window) * shares.scale)),
            min_participation=min_participation, max_object_shares=max_object_shares)
        queries = counts_sql(max_object_shares)
        row = spark.sql("SELECT " + ", ".join(f"({sql}) AS {key}" for key, sql in
                                              queries.items())).collect()[0]
        counts = {key: int(row[key] or 0) for key in queries}
        pairs = spark.sql(RESULT_SQL).toPandas()
        if shares.frame is not None:
            ids, ids_rn = frame_ids(shares.frame), None
        else:
            idf = spark.sql("SELECT rn, tr, obj, acc, cid FROM src ORDER BY rn").toPandas()
            ids_rn = idf["rn"].to_numpy(dtype=np.int64)
            ids = pa.Table.from_pandas(idf[["tr", "obj", "acc", "cid"]].astype(object),
                                       preserve_index=False)
    finally:
        for name in views:
            spark.catalog.dropTempView(name)
        for frame in cached:
            frame.unpersist()
    arrays = {key: pairs[key].to_numpy() for key in ("rn_a", "rn_b", "dt")}
    del pairs
    out = decode(ids, ids_rn, arrays, scale=shares.scale, has_trace=shares.has_trace,
                  id_dtype=id_dtype)
    return out, counts


def main(argv: list[str] | None = None) -> int:
    """spark-submit entry point: Parquet shares in, Parquet pairs out (see docs/scale.md)."""

    parser = argparse.ArgumentParser(
        prog="netlib-coshare-spark",
        description="Co-share pairs (CooRTweet detect_groups semantics) on Spark.")
    parser.add_argument("input", nargs="+", help="Parquet file(s), folder(s) or URI(s)")
    parser.add_argument("--out", required=True, help="output folder for the Parquet pairs")
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--min-participation", type=int, default=2)
    parser.add_argument("--max-object-shares", type=int, default=None)
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("netlib-coshare").getOrCreate()
    pairs = pairs_dataframe(spark, args.input, window=args.window,
                            min_participation=args.min_participation,
                            max_object_shares=args.max_object_shares)
    pairs.write.mode("overwrite").parquet(args.out)
    written = spark.read.parquet(args.out).count()
    print(f"wrote {written:,} co-share pairs to {args.out}")
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
