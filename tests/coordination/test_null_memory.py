"""The null model's joins under a memory cap, and the split halves' lean edge tables.

At archive scale the null model's DuckDB joins run under a memory cap and spill to disk,
and each split half keeps its edges as integer keys: both must leave every number as the
plain computation gives it.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd
import pytest

from netlib.coaction import null
from netlib.coaction.actions import coded_co_actions
from netlib.coaction.null import (
    bin_table,
    expected_coactions,
    expected_coactions_split,
    null_memory_limit,
)
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.coordination.config import CoordinationConfig
from netlib.coordination.confirm import (
    _tested_half,
    object_half,
    object_halves,
    split_half_groups,
)
from netlib.traces import build_traces

T0 = pd.Timestamp("2025-03-01", tz="UTC")


@pytest.fixture(scope="module")
def traces(tiny_scenario):
    return build_traces(tiny_scenario.dataset)


@pytest.fixture(scope="module")
def coded(traces):
    return coded_co_actions(traces, window=60)


def test_a_given_cap_is_kept_and_the_default_is_a_bounded_size_duckdb_accepts():
    assert null_memory_limit("750MB") == "750MB"
    default = null_memory_limit()
    assert default.endswith("MiB")
    assert 1024 <= int(default.removesuffix("MiB")) <= 3 * 1024
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{default}'")
        set_to = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    assert set_to.split()[0] != "0"


def test_a_small_cap_and_a_spill_folder_give_the_same_expected_counts(traces, coded,
                                                                         tmp_path):
    pairs, codes = coded
    edges = nw.edge_table(pairs, codes=codes)
    bins = bin_table(traces, bin_seconds=7200)
    roomy = expected_coactions(edges, traces, bins, window=60, bin_seconds=7200,
                               memory_limit="8GB")
    tight = expected_coactions(edges, traces, bins, window=60, bin_seconds=7200,
                               memory_limit="32MB", temp_directory=str(tmp_path))
    assert (roomy > 0).sum() > 10
    assert tight.tolist() == roomy.tolist()     # fixed-point sums: exactly equal


def _era(start: pd.Timestamp) -> pd.DataFrame:
    """Three accounts acting on two objects within a minute of each other, from ``start``."""
    secs = [0, 20, 45, 50, 70, 3000]
    return pd.DataFrame({
        "account_id": ["a", "b", "c", "a", "b", "c"], "trace": "repost",
        "object_id": ["x", "x", "y", "y", "x", "x"],
        "timestamp": [start + pd.Timedelta(seconds=s) for s in secs]})


def test_actions_more_than_68_years_apart_add_up_era_by_era():
    # times no longer fit 32 bits once counted from the first action: the wide path
    old, new = _era(pd.Timestamp("1940-01-01", tz="UTC")), _era(T0)
    both = pd.concat([old, new], ignore_index=True)
    edges = pd.DataFrame({"account_id": ["a", "a", "b"], "account_id_y": ["b", "c", "c"]})

    def expected(table):
        bins = bin_table(table, bin_seconds=7200)
        return expected_coactions(edges, table, bins, window=60, bin_seconds=7200)

    apart = expected(old) + expected(new)
    assert apart.tolist() == pytest.approx(expected(both).tolist(), rel=1e-12)
    assert (apart > 0).all()


def test_a_tested_half_is_the_edge_table_of_its_rows_tested_and_filtered(traces, coded):
    pairs, codes = coded
    config = CoordinationConfig(window=60, select_p=0.5)
    half = object_half(pairs, seed=config.seed, bin_seconds=config.null_bin, codes=codes) == 0
    table = traces[object_half(traces, seed=config.seed, bin_seconds=config.null_bin) == 0]
    bins = bin_table(table, bin_seconds=config.null_bin)
    got = _tested_half(codes, half, table, bins, kappa={}, config=config)
    # the plain way: the whole edge table of the half's rows, tested, then filtered
    edges = nw.edge_table(pairs, rows=half, codes=codes)
    p_value = nw_pvalues(edges, table, bins, config)
    want = edges[(p_value <= config.select_p) & (edges["weight"] >= config.min_weight)]
    assert 0 < len(want) < len(edges)
    pd.testing.assert_frame_equal(got.strong, want[["account_id", "account_id_y", "weight"]])
    ids = codes.ids
    keys = [f"{ids[k // len(ids)]}|{ids[k % len(ids)]}" for k in got.key]
    assert keys == (edges["account_id"] + "|" + edges["account_id_y"]).tolist()
    assert got.weight.tolist() == edges["weight"].tolist()


def nw_pvalues(edges, table, bins, config):
    expected = sig.expected_coactions(edges, table, bins, window=config.window,
                                      bin_seconds=config.null_bin, kappa={})
    return sig.poisson_pvalues(edges["weight"].to_numpy(), expected)


def test_edge_weights_are_the_edge_tables_pairs_and_weights(coded):
    pairs, codes = coded
    rows = ~codes.author
    edges = nw.edge_table(pairs, rows=rows, codes=codes)
    keys, weight = nw.edge_weights(codes, rows)
    n = len(codes.ids)
    assert np.all(np.diff(keys) > 0)
    assert codes.ids[keys // n].tolist() == edges["account_id"].tolist()
    assert codes.ids[keys % n].tolist() == edges["account_id_y"].tolist()
    assert weight.tolist() == edges["weight"].tolist()
    empty_keys, empty_weight = nw.edge_weights(codes, np.zeros(len(rows), dtype=bool))
    assert len(empty_keys) == len(empty_weight) == 0


@pytest.mark.parametrize("chunk", [1 << 22, 7])
def test_pooled_group_expectations_are_the_pair_tables_group_sums(traces, coded, chunk,
                                                                    monkeypatch):
    # the plain way: list every member pair, expect each, sum by group and by member
    monkeypatch.setattr(null, "_CHUNK", chunk)      # members summed a few at a time
    pairs, codes = coded
    edges = nw.edge_table(pairs, codes=codes)
    busiest = pd.concat([edges["account_id"], edges["account_id_y"]]).value_counts()
    accounts = sorted(busiest.index[:60])
    groups = pd.Series(np.arange(len(accounts)) % 3, index=accounts[::-1])
    bins = bin_table(traces, bin_seconds=7200)
    table = pd.DataFrame([(g, x, y) for g, members in groups.groupby(groups)
                          for x, y in itertools.combinations(sorted(members.index), 2)],
                         columns=["group", "account_id", "account_id_y"])
    table["expected"] = expected_coactions(table, traces, bins, window=60, bin_seconds=7200)
    want_group = table.groupby("group")["expected"].sum()
    ends = pd.concat([table[["group", "account_id", "expected"]],
                      table[["group", "account_id_y", "expected"]].rename(
                          columns={"account_id_y": "account_id"})])
    want_member = ends.groupby(["group", "account_id"])["expected"].sum()
    per_group, per_member = null.expected_within_groups(groups, traces, bins, window=60,
                                                        bin_seconds=7200)
    assert (want_group > 0).all()
    assert per_group.index.tolist() == want_group.index.tolist()
    assert per_group.tolist() == want_group.tolist()              # the same floats
    assert per_member.index.tolist() == want_member.index.tolist()
    assert per_member.tolist() == want_member.tolist()


@pytest.mark.parametrize("dense", [None, 20])
def test_an_outsiders_expectation_with_a_group_is_the_sum_over_every_member(traces, coded,
                                                                            dense):
    """The oracle: list every (outsider, member) pair, expect each with the plain per-edge
    join, sum by couple; members the outsider never co-acted with count too. ``dense``
    cuts busy bins into parts (each pair must take the same part's s_h as the edge join)."""
    pairs, codes = coded
    edges = nw.edge_table(pairs, codes=codes)
    busiest = pd.concat([edges["account_id"], edges["account_id_y"]]).value_counts()
    accounts = sorted(busiest.index[:80])
    groups = pd.Series(np.arange(50) % 2, index=accounts[:50][::-1])
    outside = accounts[50:]
    couples = pd.DataFrame([(x, g) for x in outside[::-1] for g in (1, 0)][:-3],
                           columns=["account_id", "cluster_id"])
    bins = bin_table(traces, bin_seconds=7200, dense_actions=dense)
    kappa = {t: 0.5 + i / 7 for i, t in enumerate(sorted(traces["trace"].unique()))}
    every = pd.DataFrame([(i, x, m) for i, (x, g) in enumerate(couples.itertuples(index=False))
                          for m in groups.index[groups == g]],
                         columns=["couple", "account_id", "account_id_y"])
    every["expected"] = expected_coactions(every, traces, bins, window=60, bin_seconds=7200,
                                           kappa=kappa)
    want = every.groupby("couple")["expected"].sum().reindex(range(len(couples)),
                                                             fill_value=0.0)
    got = null.expected_with_groups(couples, groups, traces, bins, window=60,
                                    bin_seconds=7200, kappa=kappa)
    assert (want > 0).sum() > 20
    np.testing.assert_allclose(got, want.to_numpy(), rtol=1e-12, atol=1e-12)
    # far more than the members each outsider has an edge with: what the pooled test missed
    edge_keys = set(zip(edges["account_id"], edges["account_id_y"], strict=True))
    seen = [(min(a, b), max(a, b)) in edge_keys
            for a, b in zip(every["account_id"], every["account_id_y"], strict=True)]
    assert every.loc[seen, "expected"].sum() < 0.9 * every["expected"].sum()
    with pytest.raises(ValueError, match="also a member"):
        null.expected_with_groups(pd.DataFrame({"account_id": [groups.index[0]],
                                                "cluster_id": [0]}), groups, traces, bins,
                                  window=60, bin_seconds=7200)


def test_one_join_gives_each_halfs_expectations_as_the_half_alone_does(traces, coded):
    pairs, codes = coded
    edges = nw.edge_table(pairs, codes=codes)
    bins = bin_table(traces, bin_seconds=7200)
    half = object_half(traces, seed=3, bin_seconds=7200)
    half_bins = tuple(bin_table(traces[half == h], bin_seconds=7200) for h in (0, 1))
    kappa = {t: 0.5 + i / 7 for i, t in enumerate(sorted(traces["trace"].unique()))}
    whole, *each = expected_coactions_split(edges, traces, bins, half, half_bins, window=60,
                                            bin_seconds=7200, kappa=kappa)
    # the oracle: the plain join on all rows, and on each half's rows with its own bins
    assert whole.tolist() == expected_coactions(edges, traces, bins, window=60,
                                                bin_seconds=7200, kappa=kappa).tolist()
    for h in (0, 1):
        alone = expected_coactions(edges, traces[half == h], half_bins[h], window=60,
                                   bin_seconds=7200, kappa=kappa)
        assert (alone > 0).sum() > 10 and (alone == 0).sum() > 0
        assert each[h].tolist() == alone.tolist()      # fixed point: the same floats
    with pytest.raises(ValueError, match="one half per trace row"):
        expected_coactions_split(edges, traces, bins, half[:-1], half_bins, window=60,
                                 bin_seconds=7200)


@pytest.mark.parametrize("known", ["all", "some", "none"])
def test_split_halves_read_the_joined_expectations_or_join_again(traces, coded, known):
    pairs, codes = coded
    config = CoordinationConfig(window=60)
    kappa = {t: 0.8 for t in traces["trace"].unique()}
    rows = ~nw.author_pairs(pairs, codes=codes)
    plain = split_half_groups(pairs, traces, kappa=kappa, config=config, rows=rows,
                              codes=codes)
    halves = object_halves(traces, seed=config.seed, bin_seconds=config.null_bin)
    edges = nw.edge_table(pairs, codes=codes)
    bins = bin_table(traces, bin_seconds=config.null_bin)
    _, *each = expected_coactions_split(edges, traces, bins, halves.row_half, halves.bins,
                                        window=60, bin_seconds=config.null_bin, kappa=kappa)
    n = len(codes.ids)
    keys = np.searchsorted(codes.ids, edges["account_id"]) * n + \
        np.searchsorted(codes.ids, edges["account_id_y"])
    pair_half = object_half(pairs, seed=config.seed, bin_seconds=config.null_bin, codes=codes)
    half_keys = [nw.edge_weights(codes, rows & (pair_half == h))[0] for h in (0, 1)]
    if known != "none":
        # with an edge of each half unknown, neither half reads any and both join again
        keep = np.ones(len(keys), dtype=bool)
        if known == "some":
            keep[np.searchsorted(keys, [half_keys[0][0], half_keys[1][-1]])] = False
        halves.edge_keys, halves.expected = keys[keep], tuple(e[keep] for e in each)
    joined = split_half_groups(pairs, traces, kappa=kappa, config=config, rows=rows,
                               codes=codes, halves=halves)
    assert len(plain[0]) > 0 and (plain[1]["expected"] > 0).all()
    for got, want in zip(joined, plain, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    if known != "none":
        for h in (0, 1):
            found = halves.expected_of(h, half_keys[h])
            assert (found is None) == (known == "some")
