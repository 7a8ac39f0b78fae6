"""The Spark engine of :func:`netlib.coordination.coshare_pairs`.

The same SQL steps as the DuckDB engine (``pairs._pair_sql``) run as Spark SQL, so both
engines give identical tables. A small local session (``local[2]``, UI off, modest memory)
is created on first use and reused; pass ``spark=`` to run on an existing session or a
cluster (see docs/scale.md).
"""

from __future__ import annotations

import glob as _glob
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from netlib.schema import DataFormatError, ParameterError

__all__ = ["spark_pairs", "get_spark", "spark_available"]

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


def _src_frame(spark: Any, shares: Any) -> Any:
    """The raw shares as a Spark DataFrame with columns ``tr, obj, acc, cid, ticks, rn``."""
    from pyspark.sql import functions as F
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
        rows = list(plain.itertuples(index=False, name=None)) if len(plain) < 5_000 else None
        if rows is not None:
            return spark.createDataFrame(rows, schema)
        return spark.createDataFrame(plain, schema)
    # files: let Spark read them (Parquet or CSV), keeping the file row order for rn
    text = shares.source
    files = sorted(_glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
    if not files or not all(Path(f).exists() for f in files):
        raise DataFormatError(f"coshare_pairs: no file matches {text!r}")
    csv = all(f.lower().endswith((".csv", ".csv.gz")) for f in files)
    reader = spark.read.option("header", "true") if csv else spark.read
    df = reader.csv(files) if csv else reader.parquet(*files)
    # the DuckDB reader decided the layout and time scale; mirror it here
    from netlib.coordination.pairs import (
        ACTION_ID,
        CONTENT_ID,
        OBJECT_ID,
        TIMESTAMP,
        TIMESTAMP_SHARE,
        TRACE,
    )
    from netlib.schema import ACCOUNT_ID

    if shares.has_trace:
        tr, cid, ts = F.col(TRACE).cast("string"), ACTION_ID, TIMESTAMP
    else:
        tr, cid, ts = F.lit(""), CONTENT_ID, TIMESTAMP_SHARE
    col = df[ts]
    kind = dict(df.dtypes)[ts]
    if kind.startswith("timestamp") or kind == "date":
        secs = F.unix_micros(col.cast("timestamp")) / 1e6
    elif csv:
        secs = F.coalesce(col.cast("double"),
                          F.unix_micros(F.to_timestamp(col)) / 1e6)
    else:
        secs = col.cast("double")
    return df.select(tr.alias("tr"), F.col(OBJECT_ID).cast("string").alias("obj"),
                     F.col(ACCOUNT_ID).cast("string").alias("acc"),
                     F.col(cid).cast("string").alias("cid"),
                     F.round(secs * shares.scale).cast("long").alias("ticks"),
                     F.monotonically_increasing_id().alias("rn"))


def spark_pairs(shares: Any, *, window: float, min_participation: int,
                max_object_shares: int | None, spark: Any = None, id_dtype: str = "str"
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run the co-share SQL on Spark; returns the pair table and the counts."""
    import numpy as np
    import pyarrow as pa

    from netlib.coordination.pairs import RESULT_SQL, _counts_sql, _decode, _frame_ids, _pair_sql

    spark = spark if spark is not None else get_spark()
    views = []
    try:
        src = _src_frame(spark, shares).cache()
        src.createOrReplaceTempView("src")
        views.append("src")
        cached = [src]
        window_ticks = int(round(float(window) * shares.scale))
        for name, sql in _pair_sql(window_ticks=window_ticks,
                                   min_participation=min_participation,
                                   max_object_shares=max_object_shares, dialect="spark"):
            frame = spark.sql(sql)
            if name in ("s", "sj", "p", "objs"):
                frame = frame.cache()
                cached.append(frame)
            frame.createOrReplaceTempView(name)
            views.append(name)
        queries = _counts_sql(max_object_shares)
        row = spark.sql("SELECT " + ", ".join(f"({sql}) AS {key}" for key, sql in
                                              queries.items())).collect()[0]
        counts = {key: int(row[key] or 0) for key in queries}
        pairs = spark.sql(RESULT_SQL).toPandas()
        if shares.frame is not None:
            ids, ids_rn = _frame_ids(shares.frame), None
        else:
            idf = spark.sql("SELECT rn, tr, obj, acc, cid FROM src ORDER BY rn").toPandas()
            ids_rn = idf["rn"].to_numpy(dtype=np.int64)
            ids = pa.Table.from_pandas(idf[["tr", "obj", "acc", "cid"]].astype(object),
                                       preserve_index=False)
    finally:
        for name in views:
            spark.catalog.dropTempView(name)
        for frame in locals().get("cached", []):
            frame.unpersist()
    out = _decode(ids, ids_rn, pairs["rn_a"].to_numpy(), pairs["rn_b"].to_numpy(),
                  pairs["dt"].to_numpy(), scale=shares.scale, has_trace=shares.has_trace,
                  id_dtype=id_dtype)
    return out, counts
