"""The Spark edge table and null expectations equal the local functions' tables."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import netlib
from netlib.coaction import null
from netlib.coaction.engines.spark import spark_available
from netlib.coordination import CoordinationConfig
from netlib.coordination import network as nw
from netlib.traces import build_traces

OK, WHY = spark_available()
pytestmark = [pytest.mark.skipif(not OK, reason=f"Spark engine unavailable: {WHY}"),
              pytest.mark.slow]  # a JVM per module, then ~20-60 s per test on 2 busy cores


@pytest.fixture(scope="module")
def spark():
    from netlib.coaction.engines.spark import get_spark

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield get_spark()


def _local(table: pd.DataFrame, *, kappa: dict | None, window: float = 60,
           null_bin: float = 7200, dense_actions: int | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The local engine's edges (with ``expected``) and bins of a trace table."""
    pairs = nw.co_actions(table, window=window, min_participation=2)
    edges = nw.edge_table(pairs, idf=nw.object_idf(table),
                          traces=tuple(dict.fromkeys(table["trace"])))
    bins = null.bin_table(table, bin_seconds=null_bin, dense_actions=dense_actions)
    edges["expected"] = null.expected_coactions(edges, table, bins, window=window,
                                                bin_seconds=null_bin, kappa=kappa)
    return edges, bins


def _assert_edges_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Every column equal; weight_tfidf to 1e-12 relative (Spark's log, decimal sums)."""
    exact = [c for c in want.columns if c != "weight_tfidf"]
    pd.testing.assert_frame_equal(got[exact], want[exact], check_exact=True)
    np.testing.assert_allclose(got["weight_tfidf"], want["weight_tfidf"], rtol=1e-12, atol=0)


def test_expected_counts_of_a_hand_made_table(spark):
    from netlib.coordination.engines import spark_network as sn

    # one bin, objects x, x, y: s = 2 / (3 * 2) = 1/3. a and b act within 60 s of each
    # other twice (a@0-b@30, b@30-a@50); c acts 10 minutes later, within nobody's window
    t0 = pd.Timestamp("2025-01-01", tz="UTC")
    table = pd.DataFrame({
        "account_id": ["a", "b", "a", "c"], "trace": "link",
        "object_id": ["x", "x", "y", "y"], "action_id": ["1", "2", "3", "4"],
        "timestamp": t0 + pd.to_timedelta([0, 30, 50, 600], unit="s")})
    edges = pd.DataFrame({"account_id": ["b", "a"], "account_id_y": ["a", "c"]})
    bins = null.bin_table(table, bin_seconds=7200)
    traces = sn.traces_dataframe(table, spark=spark)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got_bins = sn.spark_bin_table(traces, bin_seconds=7200)
        got = sn.spark_expected_coactions(edges, traces, bins, window=60, bin_seconds=7200,
                                          kappa={"link": 1.5})
    pd.testing.assert_frame_equal(got_bins, bins)
    assert got_bins["same_object"].tolist() == [4 / 12]   # 4 actions: x,x,y,y -> 2*2 / 12
    # each pair's term is rounded to 1e-9 before summing, as the local engine does
    term = round(4 / 12 * 1.5 * 1e9)
    assert got.tolist() == [2 * term / 1e9, 0.0]
    local = null.expected_coactions(edges, table, bins, window=60, bin_seconds=7200,
                                    kappa={"link": 1.5})
    assert got.tolist() == local.tolist()


def test_spark_edges_and_expected_counts_on_coortweet_russian(spark, realdata):
    from netlib.coaction.engines.spark import pairs_dataframe
    from netlib.coordination.engines import spark_network as sn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = build_traces(netlib.load(realdata / "coortweet" / "russian_coord_tweets.rda"))
    kappa = {t: 0.93 for t in set(table["trace"])}
    want, bins = _local(table, kappa=kappa)
    assert len(want) > 3000 and (want["expected"] > 0).mean() > 0.9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traces = sn.traces_dataframe(table, spark=spark).cache()
        pairs = pairs_dataframe(spark, traces, window=60, min_participation=2)
        got = sn.spark_edge_table(pairs, idf=sn.object_idf_dataframe(traces),
                                  traces=tuple(dict.fromkeys(table["trace"])))
        # without idf (as the split-half confirmation weighs its edges): no weight_tfidf
        plain = sn.spark_edge_table(pairs, traces=tuple(dict.fromkeys(table["trace"])))
        got_bins = sn.spark_bin_table(traces, bin_seconds=7200)
        # bins made on Spark, as the entry point does
        got["expected"] = sn.spark_expected_coactions(
            got, traces, sn.bins_dataframe(traces, bin_seconds=7200), window=60,
            bin_seconds=7200, kappa=kappa)
        spark.catalog.clearCache()
    pd.testing.assert_frame_equal(got_bins, bins, check_exact=True)
    _assert_edges_equal(got, want)
    assert plain["weight_tfidf"].isna().all()
    pd.testing.assert_frame_equal(plain.drop(columns="weight_tfidf"),
                                  want.drop(columns=["weight_tfidf", "expected"]))


def test_write_spark_edges_from_parquet_equals_local_tables(spark, tiny_scenario, tmp_path):
    from netlib.coordination.engines import spark_network as sn

    table = build_traces(tiny_scenario.dataset)
    assert table["trace"].nunique() >= 5
    kappa = {"repost": 0.8, "text": 1.25}
    # the entry point's defaults are detect's
    want, bins = _local(table, kappa=kappa,
                        dense_actions=CoordinationConfig().null_bin_actions)
    # the Parquet layout of docs/scale.md: Spark reads timestamps in microseconds
    folder = tmp_path / "traces"
    folder.mkdir()
    half = len(table) // 2
    for i, part in enumerate((table.iloc[:half], table.iloc[half:])):
        part.to_parquet(folder / f"part-{i}.parquet", coerce_timestamps="us",
                        allow_truncated_timestamps=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        done = sn.write_spark_edges(str(folder), tmp_path / "out", window=60, null_bin=7200,
                                    kappa=kappa, spark=spark)
    assert done["edges"] == len(want) and done["bins"] == len(bins)
    got = pd.read_parquet(done["edges_path"])
    got = got.sort_values(["account_id", "account_id_y"]).reset_index(drop=True)
    # the entry point names every trace present, in name order, after the defaults
    got = got[list(want.columns)].astype({"account_id": str, "account_id_y": str})
    _assert_edges_equal(got, want)
    got_bins = pd.read_parquet(done["bins_path"]).sort_values(["trace", "bin"])
    pd.testing.assert_frame_equal(got_bins.reset_index(drop=True).astype(bins.dtypes.to_dict()),
                                  bins)


def test_bad_inputs_are_refused_with_the_reason(spark):
    from netlib.coordination.engines import spark_network as sn
    from netlib.errors import DataFormatError, ParameterError

    table = pd.DataFrame({"account_id": ["a"], "trace": ["link"], "object_id": ["x"]})
    with pytest.raises(DataFormatError, match="missing column.*timestamp"):
        sn.traces_dataframe(table, spark=spark)
    as_text = spark.createDataFrame(table.assign(timestamp="2025-01-01"))
    with pytest.raises(DataFormatError, match="timestamp is string; expected a timestamp"):
        sn.traces_dataframe(as_text)
    with pytest.raises(ParameterError, match="null_bin=0 must be a positive"):
        sn.bins_dataframe(as_text, bin_seconds=0)
    with pytest.raises(ParameterError, match="expected TRACE=NUMBER"):
        sn.main(["traces/", "--out", "network/", "--kappa", "repost"])


def test_split_bins_and_their_expectations_equal_the_local_ones(spark):
    """Dense bins are cut by the same integer rule on Spark; the parts' probabilities and
    the expectations read through them are the local ones."""
    from netlib.coordination.engines import spark_network as sn

    rng = np.random.default_rng(8)
    n = 3000
    t0 = pd.Timestamp("2025-01-01", tz="UTC")
    table = pd.DataFrame({
        "account_id": rng.choice([f"u{i}" for i in range(60)], n),
        "trace": rng.choice(["link", "repost"], n, p=[.8, .2]),
        "object_id": rng.choice([f"o{i}" for i in range(40)], n),
        "action_id": [str(i) for i in range(n)],
        "timestamp": t0 + pd.to_timedelta(np.sort(rng.integers(0, 6 * 3600, n)), unit="s")})
    pairs = nw.co_actions(table, window=60, min_participation=2)
    edges = pairs.drop_duplicates(["account_id", "account_id_y"])[
        ["account_id", "account_id_y"]].reset_index(drop=True)
    bins = null.bin_table(table, bin_seconds=7200, dense_actions=50)
    assert bins["level"].max() >= 3
    kappa = {"link": 0.9}
    want = null.expected_coactions(edges, table, bins, window=60, bin_seconds=7200,
                                   kappa=kappa)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traces = sn.traces_dataframe(table, spark=spark).cache()
        got_bins = sn.spark_bin_table(traces, bin_seconds=7200, dense_actions=50)
        on_spark = sn.spark_expected_coactions(
            edges, traces, sn.bins_dataframe(traces, bin_seconds=7200, dense_actions=50),
            window=60, bin_seconds=7200, kappa=kappa)
        from_local = sn.spark_expected_coactions(edges, traces, bins, window=60,
                                                 bin_seconds=7200, kappa=kappa)
        spark.catalog.clearCache()
    pd.testing.assert_frame_equal(got_bins, bins, check_exact=True)
    assert (want > 0).mean() > 0.5
    assert on_spark.tolist() == want.tolist() == from_local.tolist()
