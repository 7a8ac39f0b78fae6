"""The row-level steps of the account network on Spark: edge weights and null expectations.

After the co-action join (:func:`netlib.coaction.engines.spark.pairs_dataframe`) the two
steps of :func:`netlib.coordination.detect` that read row-level data are

* the **edge table**: co-action rows fused into account-pair edges
  (:func:`netlib.coordination.network.edge_table`), and
* the **null expectation** of each edge: every pair of actions of its two accounts within
  the window, each weighted by its bin's same-object probability
  (:func:`netlib.coaction.null.bin_table` and :func:`~netlib.coaction.null.expected_coactions`).

Here both run as Spark jobs on Spark DataFrames; only the account-level results (one row
per edge, per (trace, bin), or per distinct trace name) reach the driver. The ``*_dataframe``
functions are lazy and collect nothing; :func:`spark_edge_table`, :func:`spark_bin_table`
and :func:`spark_expected_coactions` collect those small results into the tables the local
functions return, with the same columns, the same order and the same values:

* counts, ``weight`` and ``n_<trace>`` are equal; ``median_lag_s`` is equal (the middle row,
  or the mean of the two middle rows, as pandas' grouped median takes it);
* ``same_object`` is equal (the same integer counts divided once);
* the expected counts are equal: each action pair's term is rounded to 1e-9 and summed as a
  ``DECIMAL(38, 0)`` integer, the fixed point the DuckDB query of
  :func:`~netlib.coaction.null.expected_coactions` sums in, so no summation order matters;
* ``weight_tfidf`` agrees to 1e-12 relative: the idf of each object is Spark's ``ln``
  (Java's ``StrictMath.log``, which may differ from numpy's in the last bit) and the sum
  per edge is taken as ``DECIMAL(38, 18)`` (the same on every run and partitioning),
  where pandas adds the same terms in row order with compensated summation.

The module is also a ``spark-submit`` entry point (:func:`main`, see docs/scale.md): a
trace table in Parquet in, the tested edges (weights and expected counts) in Parquet out.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from netlib.coaction.engines.spark import get_spark, pairs_dataframe
from netlib.coaction.null import LEVEL, MAX_SPLIT
from netlib.coordination.network import (
    MEDIAN_LAG,
    N_CO_ACTIONS,
    WEIGHT_TFIDF,
    trace_weight_column,
)
from netlib.errors import DataFormatError, ParameterError
from netlib.lookup import arrow_strings
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    OBJECT_ID,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
    WEIGHT,
)
from netlib.traces import TRACES

__all__ = ["traces_dataframe", "write_traces_parquet", "object_idf_dataframe",
           "edges_dataframe", "spark_edge_table", "bins_dataframe", "spark_bin_table", "expected_dataframe",
           "spark_expected_coactions", "write_spark_edges", "FIXED_POINT", "main"]

#: Resolution of one action pair's term in the expected counts (1e-9), as in the local null.
FIXED_POINT = 1_000_000_000
EXPECTED = "expected"
_BIN = "bin"
_IDF = "idf"
#: Columns of the trace table the steps read (``action_id`` only for the co-action join).
_TRACE_COLUMNS = (ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP)


def _is_spark(data: Any) -> bool:
    """Whether ``data`` is a Spark DataFrame (pandas frames have ``select`` too)."""
    return hasattr(data, "sparkSession") and not isinstance(data, pd.DataFrame)


def _session(data: Any, spark: Any) -> Any:
    """The given session, the session of a Spark DataFrame, or the local default one."""
    if spark is not None:
        return spark
    if _is_spark(data):
        return data.sparkSession
    return get_spark()


def traces_dataframe(traces: Any, *, spark: Any = None) -> Any:
    """A trace table as a Spark DataFrame (``account_id, trace, object_id, action_id,
    timestamp``).

    Parameters
    ----------
    traces : pandas.DataFrame, pyspark DataFrame, str or list of str
        A trace table (:func:`netlib.traces.build_traces`) in pandas, already in Spark, or
        Parquet file(s)/folder(s)/URI(s) holding one.
    spark : SparkSession, optional
        Default: the DataFrame's own session, else :func:`~netlib.coaction.engines.spark.get_spark`.

    Returns
    -------
    pyspark.sql.DataFrame
        ids as strings and ``timestamp`` as a Spark timestamp (microseconds, UTC).

    Raises
    ------
    DataFormatError
        If a column is missing or ``timestamp`` is not a timestamp.
    """
    from pyspark.sql import functions as F

    if _is_spark(traces):
        df = traces
    elif isinstance(traces, pd.DataFrame):
        spark = _session(None, spark)
        df = spark.createDataFrame(_trace_arrow(traces))
    else:
        spark = _session(None, spark)
        paths = [str(traces)] if isinstance(traces, (str, Path)) else [str(p) for p in traces]
        df = spark.read.parquet(*paths)
    _check_columns(df.columns)
    kind = dict(df.dtypes)[TIMESTAMP]
    if not (kind.startswith("timestamp") or kind == "date"):
        raise DataFormatError(f"trace table: column {TIMESTAMP} is {kind}; expected a "
                              "timestamp (a Parquet TIMESTAMP in micro- or milliseconds)")
    cols = [F.col(c).cast("string").alias(c) for c in df.columns if c != TIMESTAMP]
    return df.select(*cols, F.col(TIMESTAMP).cast("timestamp").alias(TIMESTAMP))


def _trace_arrow(traces: pd.DataFrame) -> pa.Table:
    """A trace table as Arrow: ids through Arrow strings (no Python object per row), times
    as UTC microseconds (Spark reads no nanoseconds)."""
    _check_columns(list(traces.columns))
    columns = {col: arrow_strings(traces[col]).cast(pa.string())
               for col in (ACCOUNT_ID, TRACE, OBJECT_ID, ACTION_ID) if col in traces.columns}
    stamps = pd.to_datetime(traces[TIMESTAMP], utc=True).dt.as_unit("us")
    columns[TIMESTAMP] = pa.array(stamps, type=pa.timestamp("us", tz="UTC"))
    return pa.table(columns)


def write_traces_parquet(traces: pd.DataFrame, path: str | Path) -> Path:
    """Write a trace table as the Parquet file :func:`traces_dataframe` reads.

    A frame handed to Spark directly becomes a local relation that the driver holds (and
    its optimizer copies) in its heap; from a million rows on that exhausts a small
    driver. Read from a file, the rows are scanned by the executors instead.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    DataFormatError
        If a column is missing.
    """
    pq.write_table(_trace_arrow(traces), str(path))
    return Path(path)


def _check_columns(columns: list[str]) -> None:
    missing = [c for c in _TRACE_COLUMNS if c not in columns]
    if missing:
        raise DataFormatError(f"trace table: missing column(s) {', '.join(missing)} (has "
                              f"{', '.join(map(str, columns))}; expected "
                              f"{', '.join(_TRACE_COLUMNS)})")


def _seconds(col: Any) -> Any:
    """Whole seconds of a timestamp column, floored (as ``//`` floors the nanoseconds)."""
    from pyspark.sql import functions as F

    us = F.unix_micros(col)
    return ((us - F.pmod(us, F.lit(1_000_000))) / F.lit(1_000_000)).cast("long")


def _floor_div(col: Any, width: int) -> Any:
    """``col // width`` on longs, flooring below zero as numpy does."""
    from pyspark.sql import functions as F

    return ((col - F.pmod(col, F.lit(int(width)))) / F.lit(int(width))).cast("long")


def object_idf_dataframe(traces: Any) -> Any:
    """:func:`netlib.coordination.network.object_idf` as a lazy Spark DataFrame.

    Parameters
    ----------
    traces : pyspark DataFrame
        The trace table (:func:`traces_dataframe`).

    Returns
    -------
    pyspark.sql.DataFrame
        ``trace, object_id, n_actors, idf`` with ``idf = max(ln(n_accounts / max(n_actors,
        1)), 0)``; ``n_accounts`` counts the distinct accounts of the whole table.
    """
    from pyspark.sql import functions as F

    n_accounts = traces.select(F.greatest(F.countDistinct(ACCOUNT_ID), F.lit(1))
                               .alias("n_accounts"))
    actors = (traces.where(F.col(TRACE).isNotNull() & F.col(OBJECT_ID).isNotNull())
              .groupBy(TRACE, OBJECT_ID).agg(F.countDistinct(ACCOUNT_ID).alias("n_actors")))
    ratio = F.col("n_accounts").cast("double") / F.greatest(F.col("n_actors"), F.lit(1)) \
        .cast("double")
    return (actors.crossJoin(F.broadcast(n_accounts))
            .select(TRACE, OBJECT_ID, F.col("n_actors").cast("long").alias("n_actors"),
                    F.greatest(F.log(ratio), F.lit(0.0)).alias(_IDF)))


def _edge_names(pairs: Any, traces: tuple[str, ...]) -> list[str]:
    """Trace names with a ``n_<trace>`` column: ``traces``, then others present, by name."""
    from pyspark.sql import functions as F

    present = [row[0] for row in pairs.select(F.col(TRACE).cast("string")).distinct()
               .where(F.col(TRACE).isNotNull()).collect()]
    return list(dict.fromkeys(traces)) + sorted(set(present) - set(traces))


def edges_dataframe(pairs: Any, *, idf: Any = None, traces: tuple[str, ...] = TRACES) -> Any:
    """Account-pair edges from co-action rows, as a lazy Spark DataFrame.

    The rules of :func:`netlib.coordination.network.edge_table`: an edge joins two accounts
    with co-action rows; its ``weight`` counts the distinct (trace, object) they co-acted on.
    Only the distinct trace names are collected (to name the ``n_<trace>`` columns); that
    reads ``pairs`` once more, so cache it first.

    Parameters
    ----------
    pairs : pyspark DataFrame
        Co-action rows with ``trace, object_id, account_id, account_id_y, time_delta``
        (:func:`~netlib.coaction.engines.spark.pairs_dataframe` of a trace table).
    idf : pyspark DataFrame, optional
        :func:`object_idf_dataframe` of the trace table; without it ``weight_tfidf`` is null.
    traces : tuple of str
        Traces to give a ``n_<trace>`` column even when they have no rows; other traces
        present follow in name order.

    Returns
    -------
    pyspark.sql.DataFrame
        ``account_id, account_id_y`` (``account_id < account_id_y``), ``weight``,
        ``n_<trace>`` per trace, ``n_co_actions``, ``median_lag_s``, ``weight_tfidf``;
        not sorted.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    names = _edge_names(pairs, tuple(traces))
    rows = pairs.select(F.col(TRACE).cast("string").alias("tr"),
                        F.col(OBJECT_ID).cast("string").alias("obj"),
                        F.least(ACCOUNT_ID, ACCOUNT_ID_Y).alias("a"),
                        F.greatest(ACCOUNT_ID, ACCOUNT_ID_Y).alias("b"),
                        F.col(TIME_DELTA).cast("double").alias("dt"))
    # rows per edge, and the median lag: the middle row, or the mean of the two middle rows
    edge = Window.partitionBy("a", "b")
    ranked = rows.select("a", "b", "dt",
                         F.row_number().over(edge.orderBy("dt")).alias("k"),
                         F.count(F.lit(1)).over(edge).alias("n"))
    middle = (F.col("k") == F.floor((F.col("n") + 1) / 2)) | \
        (F.col("k") == F.floor(F.col("n") / 2) + 1)
    stats = (ranked.where(middle).groupBy("a", "b")
             .agg(F.max("n").alias(N_CO_ACTIONS), F.avg("dt").alias(MEDIAN_LAG)))
    # distinct (edge, trace, object): the weights, and the idf summed once per object
    units = rows.select("a", "b", "tr", "obj").dropDuplicates()
    if idf is not None:
        scored = idf.select(F.col(TRACE).alias("tr"), F.col(OBJECT_ID).alias("obj"),
                            F.col(_IDF).cast("decimal(38,18)").alias("idf"))
        units = units.join(scored, on=["tr", "obj"], how="left")
        tfidf = F.coalesce(F.sum("idf"), F.lit(0).cast("decimal(38,18)")).cast("double")
    else:
        units = units.withColumn("idf", F.lit(None).cast("double"))
        tfidf = F.lit(None).cast("double")
    per_trace = [F.sum(F.when(F.col("tr") == name, 1).otherwise(0)).cast("long")
                 .alias(trace_weight_column(name)) for name in names]
    weights = units.groupBy("a", "b").agg(F.count(F.lit(1)).cast("long").alias(WEIGHT),
                                          *per_trace, tfidf.alias(WEIGHT_TFIDF))
    # edge_table's order: the given traces' counts, the other columns, then other traces'
    given = list(dict.fromkeys(traces))
    columns = [F.col("a").alias(ACCOUNT_ID), F.col("b").alias(ACCOUNT_ID_Y), WEIGHT] + \
        [trace_weight_column(t) for t in given] + \
        [F.col(N_CO_ACTIONS).cast("long").alias(N_CO_ACTIONS), MEDIAN_LAG, WEIGHT_TFIDF] + \
        [trace_weight_column(t) for t in names if t not in given]
    return weights.join(stats, on=["a", "b"], how="inner").select(*columns)


def spark_edge_table(pairs: Any, *, idf: Any = None, traces: tuple[str, ...] = TRACES
                     ) -> pd.DataFrame:
    """:func:`netlib.coordination.network.edge_table`, computed on Spark.

    The co-action rows stay in Spark; only the edges are collected.

    Parameters
    ----------
    pairs : pyspark DataFrame
        Co-action rows (see :func:`edges_dataframe`).
    idf : pyspark DataFrame, optional
        :func:`object_idf_dataframe` of the trace table.
    traces : tuple of str
        As in :func:`edges_dataframe`.

    Returns
    -------
    DataFrame
        The columns, order and dtypes of ``edge_table``: rows sorted by ``account_id,
        account_id_y``; counts as ``int64``. Traces outside ``traces`` come in name order
        (``edge_table`` puts them in order of first appearance among the rows).
    """
    frame = edges_dataframe(pairs, idf=idf, traces=traces).toPandas()
    counts = [c for c in frame.columns if c.startswith("n_") or c == WEIGHT]
    if frame.empty:
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in frame.columns})
        for col in (ACCOUNT_ID, ACCOUNT_ID_Y):
            out[col] = out[col].astype(object)
        return out
    for col in counts:
        frame[col] = frame[col].astype(np.int64)
    for col in (MEDIAN_LAG, WEIGHT_TFIDF):
        frame[col] = frame[col].astype(float)
    for col in (ACCOUNT_ID, ACCOUNT_ID_Y):
        frame[col] = frame[col].astype(str)
    # Python's str order (code points) on the driver: the order edge_table gives
    return frame.sort_values([ACCOUNT_ID, ACCOUNT_ID_Y], kind="stable").reset_index(drop=True)


def _pow2(level: Any) -> Any:
    """``2 ** level`` as a long, for a level column between 0 and ``MAX_SPLIT``."""
    from pyspark.sql import functions as F

    out = F.lit(1).cast("long")
    for step in range(1, MAX_SPLIT + 1):
        out = F.when(level == step, F.lit(2 ** step).cast("long")).otherwise(out)
    return out


def _split_bin(ts: Any, level: Any, width: int) -> Any:
    """:func:`netlib.coaction.null.row_bin_ids` on Spark columns (whole seconds, level)."""
    from pyspark.sql import functions as F

    base = _floor_div(ts, width)
    part = _floor_div((ts - base * F.lit(width)) * _pow2(level), width)
    return base * F.lit(2 ** MAX_SPLIT) + part * (F.lit(2 ** MAX_SPLIT) / _pow2(level)).cast("long")


def bins_dataframe(traces: Any, *, bin_seconds: float = 3600,
                   dense_actions: int | None = None) -> Any:
    """:func:`netlib.coaction.null.bin_table` as a lazy Spark DataFrame.

    Parameters
    ----------
    traces : pyspark DataFrame
        The trace table (:func:`traces_dataframe`).
    bin_seconds : float
        Bin length (whole seconds are used, as the local function does).
    dense_actions : int, optional
        Split dense bins, as the local function does (the same integer rule).

    Returns
    -------
    pyspark.sql.DataFrame
        ``trace, bin, n_actions, same_object`` (and ``level`` with ``dense_actions``; rows
        without a trace or an object left out), not sorted.

    Raises
    ------
    ParameterError
        If ``bin_seconds`` is not positive.
    """
    from pyspark.sql import functions as F

    if bin_seconds <= 0:
        raise ParameterError(f"null_bin={bin_seconds!r} must be a positive number of seconds")
    width = int(bin_seconds)
    rows = (traces.where(F.col(TRACE).isNotNull() & F.col(OBJECT_ID).isNotNull())
            .select(TRACE, OBJECT_ID, _seconds(F.col(TIMESTAMP)).alias("ts")))
    keys = [TRACE, _BIN]
    if dense_actions is None:
        rows = rows.select(TRACE, OBJECT_ID, _floor_div(F.col("ts"), width).alias(_BIN))
    else:
        if int(dense_actions) < 1:
            raise ParameterError(f"null_bin_actions={dense_actions!r} must be at least 1")
        rows = rows.withColumn("base", _floor_div(F.col("ts"), width))
        counts = rows.groupBy(TRACE, "base").agg(F.count(F.lit(1)).alias("n"))
        level = F.lit(0).cast("long")
        for step in range(MAX_SPLIT):
            level = level + (F.col("n") > F.lit(int(dense_actions) << step)).cast("long")
        rows = (rows.join(counts.select(TRACE, "base", level.alias(LEVEL)),
                          on=[TRACE, "base"])
                .select(TRACE, OBJECT_ID, LEVEL,
                        _split_bin(F.col("ts"), F.col(LEVEL), width).alias(_BIN)))
        keys.append(LEVEL)
    per_object = rows.groupBy(*keys, OBJECT_ID).agg(F.count(F.lit(1)).alias("c"))
    grouped = per_object.groupBy(*keys).agg(
        F.sum("c").cast("long").alias("n_actions"),
        F.sum(F.col("c") * (F.col("c") - 1)).cast("long").alias("same"))
    denom = (F.col("n_actions") * (F.col("n_actions") - 1)).cast("double")
    return grouped.select(TRACE, F.col(_BIN).cast("long").alias(_BIN), "n_actions",
                          F.when(denom > 0, F.col("same").cast("double") / denom)
                          .otherwise(F.lit(0.0)).alias("same_object"),
                          *([F.col(LEVEL).cast("long").alias(LEVEL)]
                            if dense_actions is not None else []))


def spark_bin_table(traces: Any, *, bin_seconds: float = 3600,
                    dense_actions: int | None = None) -> pd.DataFrame:
    """:func:`netlib.coaction.null.bin_table`, computed on Spark (one row per trace and bin).

    Returns
    -------
    DataFrame
        ``trace, bin, n_actions, same_object`` (and ``level``, as :func:`bins_dataframe`),
        sorted by trace and bin.
    """
    frame = bins_dataframe(traces, bin_seconds=bin_seconds,
                           dense_actions=dense_actions).toPandas()
    frame[TRACE] = frame[TRACE].astype(object).astype(str)
    for col in (_BIN, "n_actions") + ((LEVEL,) if LEVEL in frame.columns else ()):
        frame[col] = frame[col].astype(np.int64)
    frame["same_object"] = frame["same_object"].astype(float)
    return frame.sort_values([TRACE, _BIN], kind="stable").reset_index(drop=True)


def _bins_frame(spark: Any, bins: Any) -> Any:
    """``bins`` (pandas or Spark) as a Spark DataFrame ``trace, bin, same_object``."""
    from pyspark.sql import functions as F

    if _is_spark(bins):
        frame = bins
    else:
        frame = spark.createDataFrame(pa.table({
            TRACE: arrow_strings(bins[TRACE]).cast(pa.string()),
            _BIN: pa.array(bins[_BIN].to_numpy(dtype=np.int64)),
            "same_object": pa.array(bins["same_object"].to_numpy(dtype=float))}))
    return frame.select(F.col(TRACE).cast("string").alias(TRACE),
                        F.col(_BIN).cast("long").alias(_BIN),
                        F.col("same_object").cast("double").alias("same_object"))


def _bin_levels(spark: Any, bins: Any) -> Any:
    """``trace, base, level`` of a split bin table (one row per trace and whole bin), as
    a Spark DataFrame; None for a table of fixed bins."""
    from pyspark.sql import functions as F

    if LEVEL not in list(bins.columns):
        return None
    if _is_spark(bins):
        frame = bins.select(TRACE, _BIN, LEVEL)
    else:
        frame = spark.createDataFrame(pa.table({
            TRACE: arrow_strings(bins[TRACE]).cast(pa.string()),
            _BIN: pa.array(bins[_BIN].to_numpy(dtype=np.int64)),
            LEVEL: pa.array(bins[LEVEL].to_numpy(dtype=np.int64))}))
    return (frame.select(F.col(TRACE).cast("string").alias(TRACE),
                         _floor_div(F.col(_BIN).cast("long"), 2 ** MAX_SPLIT).alias("base"),
                         F.col(LEVEL).cast("long").alias(LEVEL)).distinct())


def _fixed_terms(spark: Any, bins: Any, kappa: dict[str, float] | None) -> Any:
    """Per (trace, bin), ``round(same_object * kappa_t * 1e9)`` as a long.

    Rounded half away from zero (C's ``round``, which DuckDB's ``round`` uses): the
    fraction ``x - floor(x)`` of a double is exact, so the comparison with 0.5 is too.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    frame = _bins_frame(spark, bins)
    if kappa:
        schema = T.StructType([T.StructField(TRACE, T.StringType()),
                               T.StructField("kappa", T.DoubleType())])
        factors = spark.createDataFrame([(str(k), float(v)) for k, v in kappa.items()],
                                        schema)
        frame = frame.join(F.broadcast(factors), on=TRACE, how="left")
        factor = F.coalesce(F.col("kappa"), F.lit(1.0))
    else:
        factor = F.lit(1.0)
    x = (F.col("same_object") * factor) * F.lit(float(FIXED_POINT))
    whole = F.floor(x)
    q = F.when(x - whole.cast("double") >= 0.5, whole + 1).otherwise(whole)
    return frame.select(TRACE, _BIN, q.cast("long").alias("q"))


def expected_dataframe(edges: Any, traces: Any, bins: Any, *, window: float,
                       bin_seconds: float, kappa: dict[str, float] | None = None) -> Any:
    """Null-expected co-actions of each edge as a lazy Spark DataFrame.

    :func:`netlib.coaction.null.expected_coactions` on Spark: every pair of actions of the
    edge's two accounts in one trace at most ``ceil(window)`` whole seconds apart adds its
    bin's same-object probability times ``kappa`` of the trace. The join is banded on
    ``ceil(window)``-wide time buckets; the terms are summed in fixed point (1e-9 per term,
    as ``DECIMAL(38, 0)``), so the sums do not depend on partitioning or order.

    Parameters
    ----------
    edges : pyspark DataFrame
        ``account_id, account_id_y`` and any other columns (an ``idx`` column, say), which
        are kept.
    traces : pyspark DataFrame
        The trace table (:func:`traces_dataframe`).
    bins : pyspark DataFrame or pandas.DataFrame
        ``trace, bin, same_object`` (:func:`bins_dataframe` or ``bin_table``).
    window, bin_seconds : float
        Window of the co-action join and null bin length, in seconds.
    kappa : dict, optional
        Per-trace calibration factors; 1 for a trace not given.

    Returns
    -------
    pyspark.sql.DataFrame
        ``edges`` with one more column, ``expected`` (0 for an edge with no action pair).
    """
    from pyspark.sql import functions as F

    spark = _session(edges, None)
    w = int(np.ceil(float(window)))
    width = max(w, 1)
    ends = (edges.select(F.col(ACCOUNT_ID).cast("string").alias("acc"))
            .union(edges.select(F.col(ACCOUNT_ID_Y).cast("string").alias("acc")))
            .where(F.col("acc").isNotNull()).distinct())
    secs = _seconds(F.col(TIMESTAMP))
    acts = (traces.select(F.col(ACCOUNT_ID).alias("acc"), F.col(TRACE).alias(TRACE),
                          secs.alias("ts"))
            .join(ends, on="acc", how="left_semi")
            .where(F.col(TRACE).isNotNull() & F.col("ts").isNotNull()))
    width_bin = int(bin_seconds)
    levels = _bin_levels(spark, bins)
    if levels is None:
        acts = acts.withColumn(_BIN, _floor_div(F.col("ts"), width_bin))
    else:   # a split table: each row's part of its bin
        acts = (acts.withColumn("base", _floor_div(F.col("ts"), width_bin))
                .join(F.broadcast(levels), on=[TRACE, "base"], how="left")
                .withColumn(_BIN, _split_bin(F.col("ts"), F.coalesce(F.col(LEVEL), F.lit(0)),
                                             width_bin))
                .drop("base", LEVEL))
    terms = _fixed_terms(spark, bins, kappa)
    acts = (acts.join(terms, on=[TRACE, _BIN], how="left")
            .select("acc", TRACE, "ts", F.coalesce(F.col("q"), F.lit(0)).alias("q"),
                    _floor_div(F.col("ts"), width).alias("bkt")))
    x = acts.select(F.col("acc").alias("a"), F.col(TRACE).alias("tr"), F.col("ts").alias("tx"),
                    "q", F.explode(F.array(F.col("bkt") - 1, F.col("bkt"), F.col("bkt") + 1))
                    .alias("jb"))
    y = acts.select(F.col("acc").alias("b"), F.col(TRACE).alias("tr"),
                    F.col("ts").alias("ty"), F.col("bkt").alias("jb"))
    action_pairs = (x.join(y, on=["tr", "jb"])
                    .where((F.col("a") < F.col("b"))
                           & (F.abs(F.col("ty") - F.col("tx")) <= F.lit(w)))
                    .select("a", "b", "q"))
    keys = edges.select(F.least(F.col(ACCOUNT_ID).cast("string"),
                                F.col(ACCOUNT_ID_Y).cast("string")).alias("a"),
                        F.greatest(F.col(ACCOUNT_ID).cast("string"),
                                   F.col(ACCOUNT_ID_Y).cast("string")).alias("b")).distinct()
    sums = (action_pairs.join(keys, on=["a", "b"], how="left_semi").groupBy("a", "b")
            .agg(F.sum(F.col("q").cast("decimal(38,0)")).alias("fixed")))
    value = F.col("fixed").cast("double") / F.lit(float(FIXED_POINT))
    tagged = edges.withColumn("_a", F.least(F.col(ACCOUNT_ID).cast("string"),
                                            F.col(ACCOUNT_ID_Y).cast("string"))) \
        .withColumn("_b", F.greatest(F.col(ACCOUNT_ID).cast("string"),
                                     F.col(ACCOUNT_ID_Y).cast("string")))
    found = sums.select(F.col("a").alias("_a"), F.col("b").alias("_b"), value.alias(EXPECTED))
    return (tagged.join(found, on=["_a", "_b"], how="left")
            .withColumn(EXPECTED, F.coalesce(F.col(EXPECTED), F.lit(0.0)))
            .drop("_a", "_b"))


def spark_expected_coactions(edges: pd.DataFrame, traces: Any, bins: Any, *,
                             window: float, bin_seconds: float,
                             kappa: dict[str, float] | None = None,
                             spark: Any = None) -> np.ndarray:
    """:func:`netlib.coaction.null.expected_coactions`, computed on Spark.

    Parameters
    ----------
    edges : pandas.DataFrame
        ``account_id, account_id_y`` (sent to Spark; one row per edge).
    traces : pyspark DataFrame
        The trace table (:func:`traces_dataframe`); its rows stay in Spark.
    bins : pyspark DataFrame or pandas.DataFrame
        ``trace, bin, same_object`` (``bin_table`` or :func:`bins_dataframe`).
    window, bin_seconds : float
        Window of the co-action join and null bin length, in seconds.
    kappa : dict, optional
        Per-trace calibration factors; default 1.
    spark : SparkSession, optional
        Default: the session of ``traces``.

    Returns
    -------
    numpy.ndarray
        ``E_ab`` for each edge, in the row order of ``edges``; equal to the local values.
    """
    if edges.empty:
        return np.zeros(0)
    spark = _session(traces, spark)
    # one row per edge, through Arrow (no Python object per edge) and a Parquet file (a
    # local relation of every edge would sit in the driver's heap)
    with tempfile.TemporaryDirectory(prefix="netlib-spark-") as folder:
        path = str(Path(folder) / "edges.parquet")
        pq.write_table(pa.table({
            "idx": pa.array(np.arange(len(edges), dtype=np.int64)),
            ACCOUNT_ID: arrow_strings(edges[ACCOUNT_ID]).cast(pa.string()),
            ACCOUNT_ID_Y: arrow_strings(edges[ACCOUNT_ID_Y]).cast(pa.string())}), path)
        frame = spark.read.parquet(path)
        got = expected_dataframe(frame, traces, bins, window=window, bin_seconds=bin_seconds,
                                 kappa=kappa).select("idx", EXPECTED).toPandas()
    out = np.zeros(len(edges))
    out[got["idx"].to_numpy(dtype=np.int64)] = got[EXPECTED].to_numpy(dtype=float)
    return out


def _kappa_option(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name:
            raise ParameterError(f"--kappa {item!r}: expected TRACE=NUMBER, e.g. repost=0.97")
    return out


def write_spark_edges(data: Any, out: str | Path, *, window: float = 60,
                      min_participation: int = 2, max_object_shares: int | None = None,
                      null_bin: float = 7200, kappa: dict[str, float] | None = None,
                      spark: Any = None, null_bin_actions: int | None = 1000
                      ) -> dict[str, Any]:
    """Co-action join, edge table and null expectations of a trace table, all on Spark.

    Nothing row-level is collected: the pairs stay in Spark, and the edges and bins are
    written as Parquet folders ``out/edges`` (the columns of :func:`edges_dataframe` plus
    ``expected``, with ``weight_tfidf`` from the whole table's :func:`object_idf_dataframe`)
    and ``out/bins`` (:func:`bins_dataframe`). The p-values, the calibration ``kappa``
    and the clustering are account-level steps for the driver. The join's intermediate
    tables stay cached as :func:`~netlib.coaction.engines.spark.pairs_dataframe` leaves
    them (``spark.catalog.clearCache()`` releases them).

    Parameters
    ----------
    data : pyspark DataFrame, pandas.DataFrame, str or list of str
        The trace table, or Parquet path(s)/URI(s) of one (see :func:`traces_dataframe`).
    out : str or Path
        Output folder or URI (overwritten).
    window, min_participation, max_object_shares
        As in :func:`netlib.coordination.detect`.
    null_bin : float
        Null model bin length in seconds (``detect``'s ``null_bin``).
    kappa : dict, optional
        Per-trace calibration factors (``detect``'s ``result.null``); default 1.
    spark : SparkSession, optional
    null_bin_actions : int, optional
        ``detect``'s ``null_bin_actions`` (dense bins split; None: fixed bins).

    Returns
    -------
    dict
        ``edges`` and ``bins``: the rows written; ``edges_path``, ``bins_path``.
    """
    spark = _session(data, spark)
    traces = traces_dataframe(data, spark=spark).cache()
    bins = None
    try:
        # the pairs and the edges are materialised (local checkpoints): each is read more
        # than once, and cutting their lineage keeps the plans of the later steps small
        # (with the whole lineage inlined, describing the final plan ran a 1 GB driver
        # out of memory)
        pairs = pairs_dataframe(spark, traces, window=window,
                                min_participation=min_participation,
                                max_object_shares=max_object_shares).localCheckpoint()
        edges = edges_dataframe(pairs, idf=object_idf_dataframe(traces)).localCheckpoint()
        bins = bins_dataframe(traces, bin_seconds=null_bin,
                              dense_actions=null_bin_actions).cache()
        tested = expected_dataframe(edges, traces, bins, window=window,
                                    bin_seconds=null_bin, kappa=kappa)
        root = str(out).rstrip("/")
        bins.write.mode("overwrite").parquet(f"{root}/bins")
        tested.write.mode("overwrite").parquet(f"{root}/edges")
        return {"edges": spark.read.parquet(f"{root}/edges").count(),
                "bins": spark.read.parquet(f"{root}/bins").count(),
                "edges_path": f"{root}/edges", "bins_path": f"{root}/bins"}
    finally:
        traces.unpersist()
        if bins is not None:
            bins.unpersist()


def main(argv: list[str] | None = None) -> int:
    """spark-submit entry point: a Parquet trace table in, Parquet edges out (docs/scale.md).

    Runs :func:`write_spark_edges`: ``OUT/edges`` (the edge table with ``expected``) and
    ``OUT/bins`` (the null's per-(trace, bin) table).
    """
    parser = argparse.ArgumentParser(
        prog="netlib-edges-spark",
        description="Co-action pairs, account edges and null-expected co-actions on Spark.")
    parser.add_argument("input", nargs="+", help="Parquet trace table: file(s), folder(s), URI(s)")
    parser.add_argument("--out", required=True, help="output folder (edges/ and bins/ inside)")
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--min-participation", type=int, default=2)
    parser.add_argument("--max-object-shares", type=int, default=None)
    parser.add_argument("--null-bin", type=float, default=7200,
                        help="null model bin length in seconds (detect's null_bin)")
    parser.add_argument("--null-bin-actions", type=int, default=1000,
                        help="split a null bin of a trace holding more actions than this "
                             "(detect's null_bin_actions; 0: fixed bins)")
    parser.add_argument("--kappa", action="append", default=[], metavar="TRACE=NUMBER",
                        help="calibration factor of a trace (repeatable; default 1)")
    args = parser.parse_args(argv)
    kappa = _kappa_option(args.kappa)

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("netlib-edges").getOrCreate()
    done = write_spark_edges(args.input, args.out, window=args.window,
                             min_participation=args.min_participation,
                             max_object_shares=args.max_object_shares,
                             null_bin=args.null_bin, kappa=kappa, spark=spark,
                             null_bin_actions=args.null_bin_actions or None)
    print(f"wrote {done['edges']:,} account edges to {done['edges_path']} and "
          f"{done['bins']:,} null bins to {done['bins_path']}")
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
