"""Time the row-level steps of the account network on Spark and locally, stage by stage.

Usage::

    nice python benchmarks/bench_spark_network.py DATA [--driver-memory 1g] [--json OUT]

DATA is anything ``netlib.load`` reads. The trace table is built locally, written to a
Parquet folder (two parts, microsecond timestamps) and read back by Spark; then each
stage runs on its own, its input cached and counted first, so each time is that stage's:
the co-action join (materialised), the edge table (collected), the null bins
(collected) and the expected counts (collected). The local functions run on the same
trace table for comparison, and every Spark table is checked against the local one.
Times are wall-clock seconds on whatever the machine is doing; run it with ``nice``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import netlib
from netlib.coaction import null
from netlib.coaction.engines.spark import get_spark, pairs_dataframe
from netlib.coordination import network as nw
from netlib.coordination.engines import spark_network as sn
from netlib.traces import build_traces


def _clock(timings: dict, name: str, fn):
    start = time.perf_counter()
    out = fn()
    timings[name] = round(time.perf_counter() - start, 2)
    print(f"{name:>24}: {timings[name]:8.2f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--null-bin", type=float, default=7200)
    parser.add_argument("--driver-memory", default="1g")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    local: dict = {}
    spark_t: dict = {}
    data = _clock(local, "load", lambda: netlib.load(args.data))
    table = _clock(local, "build_traces", lambda: build_traces(data))
    used = tuple(dict.fromkeys(table["trace"]))
    pairs = _clock(local, "co_actions", lambda: nw.co_actions(table, window=args.window))
    edges = _clock(local, "edge_table", lambda: nw.edge_table(
        pairs, idf=nw.object_idf(table), traces=used))
    bins = _clock(local, "bin_table", lambda: null.bin_table(table, bin_seconds=args.null_bin))
    expected = _clock(local, "expected_coactions", lambda: null.expected_coactions(
        edges, table, bins, window=args.window, bin_seconds=args.null_bin))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "traces"
        folder.mkdir()
        half = len(table) // 2
        for i, part in enumerate((table.iloc[:half], table.iloc[half:])):
            part.to_parquet(folder / f"part-{i}.parquet", coerce_timestamps="us",
                            allow_truncated_timestamps=True)
        spark = _clock(spark_t, "session", lambda: get_spark(driver_memory=args.driver_memory))
        traces = sn.traces_dataframe(str(folder), spark=spark).cache()
        _clock(spark_t, "read traces", traces.count)
        # materialised as write_spark_edges does (a local checkpoint: short plans after it)
        sp = _clock(spark_t, "co-action join", lambda: pairs_dataframe(
            spark, traces, window=args.window).localCheckpoint())
        n_pairs = sp.count()
        got = _clock(spark_t, "edge table", lambda: sn.spark_edge_table(
            sp, idf=sn.object_idf_dataframe(traces), traces=used))
        got_bins = _clock(spark_t, "bin table", lambda: sn.spark_bin_table(
            traces, bin_seconds=args.null_bin))
        got_expected = _clock(spark_t, "expected counts", lambda: sn.spark_expected_coactions(
            got, traces, bins, window=args.window, bin_seconds=args.null_bin))
        spark.catalog.clearCache()
    exact = [c for c in edges.columns if c != "weight_tfidf"]
    pd.testing.assert_frame_equal(got[exact], edges[exact])
    np.testing.assert_allclose(got["weight_tfidf"], edges["weight_tfidf"], rtol=1e-12)
    pd.testing.assert_frame_equal(got_bins, bins)
    assert np.array_equal(got_expected, expected)
    sizes = {"trace_rows": len(table), "co_action_rows": int(n_pairs), "edges": len(edges),
             "bins": len(bins)}
    print(json.dumps(sizes), "- Spark tables equal to the local ones")
    if args.json:
        Path(args.json).write_text(json.dumps({"data": args.data, "sizes": sizes,
                                               "local_s": local, "spark_s": spark_t},
                                              indent=2) + "\n")


if __name__ == "__main__":
    main()
