"""Figures: returned, never saved; hover text escaped; numbers checked against simple oracles."""

from __future__ import annotations

import json
from types import SimpleNamespace

import hypothesis.strategies as st
import matplotlib
import pandas as pd
import plotly.graph_objects as go
import pytest
from hostile_world import SCRIPT, hostile_analysis
from hypothesis import given, settings

from netlib import plots
from netlib.plots import mirrors as plots_mirrors

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def analysis():
    return hostile_analysis(with_triage=False)


def _figures(a):
    return {
        "network_map": (plots.network_map(a.coordination, a.dataset),
                        plots.network_map_static(a.coordination, a.dataset)),
        "chain_timeline": (plots.chain_timeline(a.mirrors, a.dataset),
                           plots.chain_timeline_static(a.mirrors, a.dataset)),
        "activity_heatmap": (plots.activity_heatmap(a.dataset),
                             plots.activity_heatmap_static(a.dataset)),
        "survival_curve": (plots.survival_curve(a.dataset, a.mirrors),
                           plots.survival_curve_static(a.dataset, a.mirrors)),
    }


def test_every_figure_has_an_interactive_and_a_static_twin(analysis, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from matplotlib.figure import Figure

    for name, (interactive, static) in _figures(analysis).items():
        assert isinstance(interactive, go.Figure), name
        assert isinstance(static, Figure), name
        assert interactive.layout.title.text, name
    assert list(tmp_path.iterdir()) == []  # nothing saved


def test_hover_text_is_escaped(analysis):
    accounts = analysis.dataset.accounts.copy()
    accounts.loc[0, "handle"] = SCRIPT
    data = SimpleNamespace(accounts=accounts, actions=analysis.dataset.actions)
    fig = plots.network_map(analysis.coordination, data)
    hover = json.dumps([list(t.hovertext or []) for t in fig.data])
    assert "<script" not in hover and "&lt;script&gt;" in hover


def test_network_map_shows_each_clustered_account_once(analysis):
    fig = plots.network_map(analysis.coordination, analysis.dataset)
    shown = sum(len(t.x) for t in fig.data if t.mode == "markers")
    assert shown == analysis.coordination.clusters["account_id"].nunique()


def test_empty_results_give_a_note_not_an_error(analysis):
    empty = SimpleNamespace(clusters=pd.DataFrame(columns=["account_id", "cluster_id"]),
                            edges=pd.DataFrame(columns=["account_id", "account_id_y"]))
    fig = plots.network_map(empty, analysis.dataset)
    assert "no coordinated clusters" in fig.layout.annotations[0].text
    fig = plots.chain_timeline(None, analysis.dataset)
    assert "no mirror chains" in fig.layout.annotations[0].text


def test_activity_matrix_counts_every_action(analysis):
    matrix = plots.activity_matrix(analysis.dataset)
    assert matrix.shape == (7, 24)
    ts = analysis.dataset.actions["timestamp"]
    for t in ts:  # oracle: one count per action in its (weekday, hour) cell
        assert matrix.iloc[t.weekday(), t.hour] >= 1
    assert matrix.to_numpy().sum() == len(ts)
    only = plots.activity_matrix(analysis.dataset, account_ids=["a4"])
    assert only.to_numpy().sum() == 1 and only.loc["Tue", 9] == 1  # 2024-01-02 09:00 UTC


def test_recreation_times(analysis):
    times = plots.recreation_times(analysis.dataset, analysis.mirrors)
    assert times["account_id"].tolist() == ["a4"]
    assert times.loc[0, "successor_id"] == "a5" and bool(times.loc[0, "observed"])
    assert times.loc[0, "days"] == pytest.approx(1.0)


def _km_oracle(days, observed):
    """Survival just after each time t: product over event times <= t of (1 - d/n)."""
    result = {}
    for t in sorted(set(days)):
        s = 1.0
        for u in sorted(set(days)):
            if u > t:
                break
            d = sum(1 for x, o in zip(days, observed, strict=True) if x == u and o)
            n = sum(1 for x in days if x >= u)
            s *= 1 - d / n
        result[float(t)] = s
    return result


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=25))
def test_kaplan_meier_matches_the_product_formula(sample):
    days = [d for d, _ in sample]
    observed = [o for _, o in sample]
    curve = plots.kaplan_meier(pd.Series(days, dtype=float), pd.Series(observed))
    oracle = _km_oracle(days, observed)
    assert curve.loc[0, "survival"] == 1.0
    for row in curve.iloc[1:].itertuples():
        assert row.survival == pytest.approx(oracle[row.days])
    assert curve["survival"].is_monotonic_decreasing


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    curve = plots.kaplan_meier(pd.Series([1.0, 2.0, 2.0, 5.0]), pd.Series([True] * 4))
    assert curve.set_index("days")["survival"].to_dict() == {0.0: 1.0, 1.0: 0.75, 2.0: 0.25,
                                                             5.0: 0.0}


def test_recreation_times_prefers_the_mirror_analysis_table(analysis):
    own = SimpleNamespace(survival=pd.DataFrame({
        "account_id": ["a4", "a6"], "taken_down_at": pd.to_datetime(["2024-01-05"] * 2, utc=True),
        "recreated": [True, False], "hours": [36.0, 48.0]}), links=analysis.mirrors.links)
    times = plots.recreation_times(analysis.dataset, own)
    assert times["days"].tolist() == [1.5, 2.0] and times["observed"].tolist() == [True, False]


def test_network_map_caps_a_huge_cluster_to_its_best_tied_accounts():
    ids = [f"u{i:03d}" for i in range(60)]
    clusters = pd.DataFrame({"account_id": ids, "cluster_id": 0})
    edges = pd.DataFrame({"account_id": ["u000"] * 59, "account_id_y": ids[1:],
                          "weight": range(1, 60)})
    fig = plots.network_map(SimpleNamespace(clusters=clusters, edges=edges), None, max_nodes=10)
    shown = [h for t in fig.data if t.mode == "markers" for h in t.hovertext]
    assert len(shown) == 10 and any(h.startswith("u000") for h in shown)
    assert any(h.startswith("u059") for h in shown) and not any(h.startswith("u001") for h in shown)
    assert "10 best-tied of 60" in fig.layout.title.text


def test_chain_timeline_ends_at_the_mirror_analysis_takedown(analysis):
    chains = analysis.mirrors.chains.assign(
        taken_down_at=pd.to_datetime(["2024-01-04T12:00:00Z", None], utc=True))
    rows = plots_mirrors._chain_rows(SimpleNamespace(chains=chains), analysis.dataset, 30)
    assert rows["end"].tolist()[0] == pd.Timestamp("2024-01-04T12:00:00Z")
    assert rows["end"].tolist()[1] == pd.Timestamp("2024-01-07T09:00:00Z")  # last action


def test_heatmap_by_cluster_offers_each_network(analysis):
    fig = plots.activity_heatmap_by_cluster(analysis.dataset, analysis.coordination)
    assert len(fig.data) == 2 and [t.visible for t in fig.data] == [True, False]
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["all coordinated accounts", "network 1 (3 accounts)"]
    total = sum(int(t.z.sum()) if hasattr(t.z, "sum") else sum(map(sum, t.z)) for t in fig.data)
    assert total == 2 * 12  # each of the 12 cluster actions counted in both views
    bare = plots.activity_heatmap_by_cluster(analysis.dataset, None)
    assert len(bare.data) == 1


def test_time_zone_figures_write_offsets_as_every_output_does():
    """A half-hour offset reads "UTC+5:30" in the figures, as in the statements and cards."""
    times = pd.date_range("2025-01-06", periods=48, freq="h", tz="UTC")
    data = SimpleNamespace(actions=pd.DataFrame({"account_id": "a", "timestamp": times}))
    clusters = pd.DataFrame({"account_id": ["a"], "cluster_id": [1]})
    timezones = pd.DataFrame({"cluster_id": [1], "utc_offset_hours": [5.5],
                              "statement": ["activity consistent with UTC+5:30 ± 1 h"]})
    heat = plots.offset_heatmap(data, clusters, timezones, 1)
    assert "(UTC+5:30)" in heat.layout.xaxis.title.text
    assert "UTC+5:30" in heat.data[0].hovertemplate
    loglik = pd.Series([-3.0, -1.0, -2.0], index=[-3.5, 5.5, 6.0])
    line = plots.offset_likelihood({"loglik": loglik, "statement": "fit"})
    assert [row[0] for row in line.data[0].customdata] == ["UTC-3:30", "UTC+5:30", "UTC+6"]
    assert "5.5" not in json.dumps(line.to_plotly_json()["data"][0]["hovertemplate"])
