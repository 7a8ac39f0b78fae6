"""coshare_pairs(engine="spark") gives the same table as the DuckDB engine."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from netlib.coaction.engines.spark import spark_available
from netlib.coordination import coshare_pairs

OK, WHY = spark_available()
pytestmark = [pytest.mark.skipif(not OK, reason=f"Spark engine unavailable: {WHY}"),
              pytest.mark.slow]  # a JVM per session: ~1-4 min on a busy 2-core machine


@pytest.fixture(scope="module")
def spark():
    from netlib.coaction.engines.spark import get_spark

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield get_spark()


def _sample(seed: int = 0, n: int = 600) -> pd.DataFrame:
    """Small retweet stream with bursts, ties, repeated shares and missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "object_id": rng.integers(0, 25, n).astype(str),
        "account_id": "a" + pd.Series(rng.integers(0, 40, n)).astype(str),
        "content_id": np.arange(n).astype(str),
        "timestamp_share": rng.integers(0, 3000, n).astype(float)})
    frame.loc[::50, "timestamp_share"] = np.nan
    frame.loc[7::97, "content_id"] = "3"          # repeated content ids
    frame.loc[11::89, "content_id"] = frame.loc[11::89, "object_id"]  # content == object
    return frame


@pytest.mark.parametrize("window, min_participation, guard", [
    (60, 2, None), (0, 0, None), (120, 3, 30)])
def test_spark_equals_duckdb_on_a_generated_sample(spark, window, min_participation, guard):
    shares = _sample()
    expected = coshare_pairs(shares, window=window, min_participation=min_participation,
                             max_object_shares=guard)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = coshare_pairs(shares, window=window, min_participation=min_participation,
                            max_object_shares=guard, engine="spark", spark=spark)
    assert len(expected) > 0 or window == 0
    pd.testing.assert_frame_equal(got, expected)
    for key in ("shares_read", "shares_usable", "shares_joined", "skipped_objects",
                "skipped_shares"):
        assert got.attrs[key] == expected.attrs[key], key


def test_spark_and_duckdb_give_the_same_categories(spark):
    """With ``id_dtype="category"`` both engines give the same codes and category sets."""
    shares = _sample(seed=2)
    expected = coshare_pairs(shares, window=60, min_participation=2, id_dtype="category")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = coshare_pairs(shares, window=60, min_participation=2, engine="spark",
                            spark=spark, id_dtype="category")
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)


def test_spark_trace_table_and_parquet_input(spark, tmp_path):
    shares = _sample(seed=1, n=300).dropna()
    traces = pd.DataFrame({
        "account_id": shares.account_id, "trace": np.where(shares.index % 2, "link", "repost"),
        "object_id": shares.object_id, "action_id": shares.content_id,
        "timestamp": pd.Timestamp("2024-01-01", tz="UTC")
        + pd.to_timedelta(shares.timestamp_share, unit="s")})
    path = tmp_path / "traces.parquet"
    traces.to_parquet(path)
    expected = coshare_pairs(traces, window=60, min_participation=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_frame = coshare_pairs(traces, window=60, min_participation=2, engine="spark",
                                   spark=spark)
        from_file = coshare_pairs(str(path), window=60, min_participation=2, engine="spark",
                                  spark=spark)
    pd.testing.assert_frame_equal(from_frame, expected)
    pd.testing.assert_frame_equal(from_file, expected)
    assert set(expected.trace) == {"link", "repost"}


def test_spark_equals_coortweet_reference(spark, realdata):
    pyreadr = pytest.importorskip("pyreadr")
    shares = pyreadr.read_r(str(realdata / "coortweet" / "russian_coord_tweets.rda"))[
        "russian_coord_tweets"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = coshare_pairs(shares, window=60, min_participation=2, engine="spark",
                            spark=spark)
    ref = pd.read_csv(realdata / "coortweet" / "reference_outputs"
                      / "coortweet_ref_groups_tw60_mp2.csv", dtype=str)
    cols = ["object_id", "account_id", "account_id_y", "content_id", "content_id_y"]
    assert len(got) == len(ref) == 3791
    ours = set(map(tuple, got[cols].itertuples(index=False)))
    theirs = set(map(tuple, ref[cols].itertuples(index=False)))
    assert ours == theirs
    pd.testing.assert_frame_equal(got, coshare_pairs(shares, window=60, min_participation=2))


def test_spark_dataframe_path_for_clusters(spark, tmp_path):
    from netlib.coaction.engines.spark import pairs_dataframe

    shares = _sample(seed=2, n=400).dropna(subset=["timestamp_share"])
    shares["timestamp_share"] = shares["timestamp_share"].astype("int64")
    folder = tmp_path / "shares"
    folder.mkdir()
    shares.iloc[:200].to_parquet(folder / "part-0.parquet")
    shares.iloc[200:].to_parquet(folder / "part-1.parquet")
    expected = coshare_pairs(shares, window=60, min_participation=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lazy = pairs_dataframe(spark, str(folder), window=60, min_participation=2)
        lazy.write.parquet(str(tmp_path / "pairs"))
        spark.catalog.clearCache()
    got = pd.read_parquet(tmp_path / "pairs")
    key = list(expected.columns)
    got = got[key].sort_values(key).reset_index(drop=True)
    want = expected.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.astype(want.dtypes.to_dict()), want)


def test_write_coshare_pairs_with_spark_equals_duckdb_files(spark, tmp_path):
    from netlib.coordination import write_coshare_pairs

    shares = _sample(seed=3, n=500).dropna(subset=["timestamp_share"])
    shares["timestamp_share"] = shares["timestamp_share"].astype("int64")
    shares.to_parquet(tmp_path / "shares.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_spark = write_coshare_pairs(str(tmp_path / "shares.parquet"), tmp_path / "s",
                                       window=60, engine="spark", spark=spark)
    by_duckdb = write_coshare_pairs(str(tmp_path / "shares.parquet"), tmp_path / "d",
                                    window=60)
    shares.to_csv(tmp_path / "shares.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_csv = write_coshare_pairs(str(tmp_path / "shares.csv"), tmp_path / "c",
                                       window=60, engine="spark", spark=spark)
    assert by_spark["rows"] == by_duckdb["rows"] == from_csv["rows"] > 0
    assert not list((tmp_path / "s").glob("*.crc"))
    want = pd.read_parquet(tmp_path / "d")
    key = list(want.columns)
    want = want.sort_values(key).reset_index(drop=True)
    for folder in ("s", "c"):
        got = pd.read_parquet(tmp_path / folder)
        # Spark sorts by the id columns; the DuckDB files follow coshare_pairs' order
        got = got[key].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got.astype(want.dtypes.to_dict()), want)


def test_detect_on_spark_gives_the_same_clusters_and_edges(spark, tiny_scenario):
    from netlib.coordination import detect

    data = tiny_scenario.dataset
    on_duckdb = detect(data, n_consensus=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on_spark = detect(data, n_consensus=0, engine="spark")
    assert len(on_duckdb.clusters) > 0
    _assert_same_result(on_spark, on_duckdb)
    assert on_spark.params["engine"] == "spark"


def _assert_same_result(on_spark, on_duckdb) -> None:
    """Every table of the two results equal (the co-action join, the bins and the null
    expectations ran on Spark for the first), exactly."""
    ours, theirs = on_spark.tables(), on_duckdb.tables()
    assert ours.keys() == theirs.keys()
    for name, table in theirs.items():
        pd.testing.assert_frame_equal(ours[name], table, check_exact=True, obj=name)
    pd.testing.assert_frame_equal(on_spark.null, on_duckdb.null, check_exact=True)


def test_detect_on_spark_equals_duckdb_on_coortweet_russian(spark, realdata):
    import netlib
    from netlib.coordination import detect

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = netlib.load(realdata / "coortweet" / "russian_coord_tweets.rda")
        on_duckdb = detect(data, n_consensus=0)
        on_spark = detect(data, n_consensus=0, engine="spark")
    assert len(on_duckdb.edges) > 1000 and (on_duckdb.edges["expected"] > 0).mean() > 0.5
    _assert_same_result(on_spark, on_duckdb)
