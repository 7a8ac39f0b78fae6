"""netlib.explore: the explorer's state and callbacks, driven without a browser."""

from __future__ import annotations

import pandas as pd
import pytest
from hostile_world import SCRIPT, hostile_analysis

import netlib
from netlib.report import Explorer, Filters, account_index

pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def analysis(tiny_scenario):
    return netlib.analyze(tiny_scenario.dataset)


@pytest.fixture()
def widget(analysis):
    return netlib.explore(analysis)


def _values(select) -> list[str]:
    return [v for _, v in select.options]


def test_network_then_account_opens_the_evidence_card_in_two_clicks(widget, analysis):
    c = widget.controls
    clusters = analysis.coordination.clusters
    cid = clusters["cluster_id"].value_counts().index[0]
    c["cluster"].value = cid                                  # click 1
    members = sorted(clusters.loc[clusters["cluster_id"] == cid, "account_id"].astype(str))
    assert sorted(_values(c["account"])) == members
    chosen = _values(c["account"])[0]
    c["account"].value = chosen                               # click 2
    card = c["card"].value
    why = account_index(analysis).set_index("account_id").loc[chosen, "why"]
    assert f"in network {cid}" in card and all(
        w.split(" (")[0] in card for w in why)
    edges = analysis.coordination.significant_edges
    partners = set(edges.loc[edges["account_id"] == chosen, "account_id_y"]) | \
        set(edges.loc[edges["account_id_y"] == chosen, "account_id"])
    ties = widget.explorer.coactions(chosen)
    assert set(ties["partner_id"]) == partners and len(partners) > 0
    assert "Examples with" in card  # co-action examples for the strongest tie


def test_search_lists_matching_handles_and_one_click_shows_why(widget, analysis):
    c = widget.controls
    handle = analysis.dataset.accounts.set_index("account_id").loc[
        analysis.coordination.clusters["account_id"].iloc[0], "handle"]
    c["search"].value = "@" + handle[:5].upper()
    found = _values(c["results"])
    labels = widget.explorer.index.set_index("account_id")["account"]
    assert found and all(handle[:5].lower() in labels[a].lower() for a in found)
    c["results"].value = found[0]
    assert "Why is this account here?" in c["card"].value


def test_chain_lists_its_accounts_in_order_with_link_signals(widget, analysis):
    c = widget.controls
    chains = analysis.mirrors.chains
    assert len(c["chain"].options) > 1
    chain_id = c["chain"].options[1][1]
    expected = chains[chains["chain_id"] == chain_id].sort_values("position")["account_id"]
    c["chain"].value = chain_id
    assert _values(c["account"]) == expected.astype(str).tolist()
    c["account"].value = _values(c["account"])[-1]
    lineage = widget.explorer.lineage(_values(c["account"])[-1])
    assert len(lineage) >= 1 and lineage["signals"].str.len().gt(0).all()
    assert "Mirror lineage" in c["card"].value and "Chain " in c["card"].value


def test_filters_platform_period_and_q_value(analysis):
    ex = Explorer(analysis)
    platform_of = analysis.dataset.accounts.set_index("account_id")["platform"]
    cid = ex.clusters()[0][1]
    everyone = ex.members(cluster=cid)
    one = platform_of[everyone[0]]
    ex.filters = Filters(platforms=(one,))
    assert ex.members(cluster=cid) == [a for a in everyone if platform_of[a] == one]
    index = ex.index.dropna(subset=["cluster_id"])
    per_cluster = pd.to_numeric(index["min_q_value"]).groupby(index["cluster_id"]).min()
    cut = sorted(per_cluster.unique())[len(per_cluster.unique()) // 2]
    ex.filters = Filters(max_q=float(cut))
    shown = {c for _, c in ex.clusters()}
    assert shown == set(per_cluster[per_cluster <= cut].index) and shown != set(per_cluster.index)
    ex.filters = Filters()
    actions = analysis.dataset.actions
    last = actions.groupby("account_id")["timestamp"].max()
    cut = actions["timestamp"].max() - pd.Timedelta(days=1)
    ex.filters = Filters(start=cut)
    assert ex.members(cluster=cid) == [a for a in everyone if last[a] >= cut]


def test_filter_widgets_drive_the_state(widget):
    c = widget.controls
    platforms = list(c["platform"].options)
    c["platform"].value = (platforms[0],)
    assert widget.explorer.filters.platforms == (platforms[0],)
    c["q_max"].value = 1e-12
    assert widget.explorer.filters.max_q == pytest.approx(1e-12)


def test_hostile_handles_are_escaped_in_the_card():
    analysis = hostile_analysis()
    accounts = analysis.dataset.accounts
    accounts.loc[accounts["account_id"] == "a1", "handle"] = SCRIPT
    box = netlib.explore(analysis)
    card = box.explorer.select_account("a1")
    assert "<script" not in card and "&lt;script&gt;" in card
    box.controls["search"].value = "script"
    assert _values(box.controls["results"]) == ["a1"]
