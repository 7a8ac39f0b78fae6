"""The co-action rows as integer codes (pair_codes) and as categories (string_ids).

detect codes the rows once and groups on the codes; each test checks the coded path
against the plain string computation it replaces.
"""

from __future__ import annotations

import pandas as pd
import pytest
from code_checks import assert_codes_name_the_rows

from netlib.coaction.actions import co_actions, pair_codes, string_ids
from netlib.coordination import network as nw
from netlib.coordination.result import account_stats, cluster_stats
from netlib.traces import build_traces


@pytest.fixture(scope="module")
def traces(tiny_scenario):
    return build_traces(tiny_scenario.dataset)


@pytest.fixture(scope="module")
def pairs(traces):
    out = co_actions(traces, window=60)
    assert len(out) > 100 and out["trace"].nunique() >= 3
    return out


def test_categorical_pairs_turned_into_strings_equal_the_str_pairs(traces, pairs):
    coded = co_actions(traces, window=60, id_dtype="category")
    assert isinstance(coded["account_id"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(string_ids(coded), pairs)


@pytest.mark.parametrize("id_dtype", ["str", "category"])
def test_pair_codes_name_every_row_as_the_strings_do(traces, id_dtype):
    pairs = co_actions(traces, window=60, id_dtype=id_dtype)
    codes = pair_codes(pairs)
    text = {c: pairs[c].astype(str).to_numpy(dtype=object) for c in pairs.columns[:6]}
    assert list(codes.ids) == sorted(set(text["account_id"]) | set(text["account_id_y"]))
    assert_codes_name_the_rows(codes, text)


def test_edge_table_of_a_row_mask_equals_the_edge_table_of_those_rows(pairs):
    codes = pair_codes(pairs)
    keep = ~codes.author
    got = nw.edge_table(pairs, rows=keep, codes=codes)
    want = nw.edge_table(pairs[keep].reset_index(drop=True))
    pd.testing.assert_frame_equal(got, want)


def test_statistics_are_the_same_on_category_and_str_pairs(traces):
    # a cluster made of the ten accounts with the most co-actions
    str_pairs = co_actions(traces, window=60)
    cat_pairs = co_actions(traces, window=60, id_dtype="category")
    edges = nw.edge_table(str_pairs)
    busiest = pd.concat([edges["account_id"], edges["account_id_y"]]).value_counts()
    clusters = pd.DataFrame({"account_id": sorted(busiest.index[:10]), "cluster_id": 0})
    member = dict(zip(clusters["account_id"], clusters["cluster_id"], strict=True))
    ca = edges["account_id"].map(member)
    edges["cluster_id"] = ca.where(ca == edges["account_id_y"].map(member)).astype("Int64")
    edges["significant"] = edges["weight"] >= 2
    edges["expected"] = 1.0
    want = cluster_stats(clusters, edges, str_pairs, traces)
    got = cluster_stats(clusters, edges, cat_pairs, traces, codes=pair_codes(cat_pairs))
    pd.testing.assert_frame_equal(got, want)
    assert want["traces"].iloc[0] and want["top_objects"].iloc[0]
    want = account_stats(clusters, edges, str_pairs, traces)
    got = account_stats(clusters, edges, cat_pairs, traces, codes=pair_codes(cat_pairs))
    pd.testing.assert_frame_equal(got, want)
    assert want["n_coordinated_actions"].sum() > 0
