"""The briefing report, safe CSV export, pseudonymisation and the Gephi export.

The fixture dataset is hostile on purpose: names, bios, posts and URLs carry script tags,
event-handler attributes, ``javascript:`` links and spreadsheet formulas.
"""

from __future__ import annotations

import csv
import html
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import hypothesis.strategies as st
import networkx as nx
import pandas as pd
import pytest
from hostile_world import (
    FORMULA,
    HANDLES,
    SCRIPT,
    coortweet_analysis,
    hostile_analysis,
    hostile_dataset,
)
from hypothesis import given, settings

import netlib
from netlib import report
from netlib.report import briefing as briefing_mod
from netlib.report import pseudonymize as pseudonymize_mod
from netlib.triage import triage


def _tables(analysis) -> dict[str, pd.DataFrame]:
    return {"accounts": analysis.dataset.accounts, "actions": analysis.dataset.actions,
            "clusters": analysis.coordination.clusters,
            "coordination_edges": analysis.coordination.edges,
            "mirror_links": analysis.mirrors.links, "mirror_chains": analysis.mirrors.chains,
            "hubs": analysis.hubs.hubs, "triage": analysis.triage}


@pytest.fixture(scope="module")
def analysis():
    return hostile_analysis()


@pytest.fixture(scope="module")
def page(analysis, tmp_path_factory):
    path = report.write_report(analysis, tmp_path_factory.mktemp("r") / "report.html")
    return path.read_text(encoding="utf-8")


def _body(page: str) -> str:
    """The page without the inlined plotly.js bundle (which legitimately contains <script)."""
    return re.sub(r"<script>.*?</script>", "<script>JS</script>", page, count=1, flags=re.S)


# --- safe CSV -------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("＝1+1", "'＝1+1"), ("-5", "-5"), ("-3.5e2", "-3.5e2"),
    ("+7", "+7"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
])
def test_neutralize_cell(cell, expected):
    assert report.neutralize_cell(cell) == expected


def test_write_tables_neutralises_formulas_but_not_numbers(analysis, tmp_path):
    extra = pd.DataFrame({"delta": [-1.5, 2.0], "count": [-3, 4], "label": ["-x", "ok"]})
    written = report.write_tables({**_tables(analysis), "numbers": extra}, tmp_path)
    assert [p.name for p in written][-1] == "numbers.csv"
    for path in written:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for col, value in row.items():
                    if path.name == "numbers.csv" and col in ("delta", "count"):
                        continue
                    assert not value.startswith(("=", "+", "@", "\t", "\r")), (path.name, col)
                    if value.startswith("-"):
                        assert re.fullmatch(r"-[\d.eE+-]+", value), (path.name, col, value)
    numbers = pd.read_csv(tmp_path / "numbers.csv")
    assert numbers["delta"].tolist() == [-1.5, 2.0]
    assert numbers["count"].tolist() == [-3, 4]
    assert numbers["label"].tolist() == ["'-x", "ok"]
    accounts = pd.read_csv(tmp_path / "accounts.csv", dtype=str, keep_default_na=False)
    assert accounts.loc[1, "display_name"] == "'" + FORMULA


def test_write_tables_is_deterministic_utf8(analysis, tmp_path):
    first = report.write_tables(_tables(analysis), tmp_path / "a")
    second = report.write_tables(_tables(analysis), tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()
        assert b"\r\n" not in p.read_bytes()
        p.read_bytes().decode("utf-8")


def test_write_tables_rejects_bad_names(tmp_path):
    with pytest.raises(netlib.ParameterError, match="no usable characters"):
        report.write_tables({"///": pd.DataFrame({"a": [1]})}, tmp_path)
    with pytest.raises(netlib.ParameterError, match="same.*a.csv|a.csv"):
        report.write_tables({"a": pd.DataFrame(), "a/": pd.DataFrame()}, tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_neutralized_cells_never_start_a_formula(text):
    out = report.neutralize_cell(text)
    assert out.replace("'", "") == text.replace("'", "")  # only quotes are added
    if out.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", out)
    for piece in re.split(r"[\r\n]", out)[1:]:  # nor does any line inside it
        piece = piece.strip(' "')
        if piece.startswith(("=", "+", "-", "@")):
            assert re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", piece)


# --- the HTML report --------------------------------------------------------------------------
def test_report_is_self_contained_and_offline(page):
    body = _body(page)
    assert page.count("<script") - body.count("<script") == 0  # bundle counted once in body
    assert len(page) > 1_000_000  # plotly.js is inlined
    assert "cdn.plot.ly" not in body and "cdn.jsdelivr" not in body
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?https?:""", body)
    assert "@import" not in body and "fonts.googleapis" not in body
    assert "Content-Security-Policy" in page
    for div in ("fig-network", "fig-chains", "fig-heatmap", "fig-survival"):
        assert f'id="{div}"' in page


def test_report_escapes_hostile_text(page):
    body = _body(page)
    assert "setAttribute('data-pwned','1')</script>" not in body
    assert "<img src=x" not in body
    assert "onerror=" not in body.replace("onerror=&quot;", "").replace("onerror=\\", "")
    assert html.escape(SCRIPT) in body  # shown as text
    assert not re.search(r"""href=["']?\s*javascript:""", body, re.I)
    assert not re.search(r"""href=["']?\s*data:""", body, re.I)
    assert 'href="https://example.org/bob"' in body  # http(s) links stay clickable
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, re.S)
    assert all("PWNED" not in s or "\\u003c" in s or "&lt;" in s for s in scripts)


def test_report_sections_and_plain_findings(page):
    for text in ("Executive summary", "Coordinated networks", "Mirror chains", "Likely operators",
                 "Watch-list triage", "Methods and limits", "Provenance",
                 "activity consistent with UTC+5 ± 1 h", "not proof of inauthenticity",
                 "not found in the data", "contains identifiers"):
        assert text in page, text
    assert "dataset_fingerprint" in page


def test_report_without_results(tmp_path):
    data = hostile_dataset()
    bare = SimpleNamespace(dataset=data, coordination=None, mirrors=None, hubs=None, triage=None,
                           params={}, provenance={})
    text = report.write_report(bare, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No coordinated networks were found" in text
    assert 'id="fig-heatmap"' in text



def test_provenance_names_each_version_once(tmp_path):
    """The report's provenance keys are run.json's, whether or not the analysis has one."""
    data = hostile_dataset()
    bare = SimpleNamespace(dataset=data, coordination=None, mirrors=None, hubs=None, triage=None,
                           params={}, provenance={})
    recorded = SimpleNamespace(**{**vars(bare), "provenance": netlib.pipeline.provenance(data, {})})
    for analysis in (bare, recorded):
        text = report.render_report(analysis)
        section = text[text.index('id="provenance"'):]
        assert section.count(f"<dd>{netlib.__version__}</dd>") == 1
        assert "<dt>netlib_version</dt>" in section and "<dt>netlib</dt>" not in section


def test_pseudonymized_report_needs_pseudonymized_input(analysis, tmp_path):
    with pytest.raises(netlib.ParameterError, match="pseudonymize_analysis"):
        report.write_report(analysis, tmp_path / "r.html", pseudonymized=True)


# --- pseudonymisation ---------------------------------------------------------------------------
def _all_text(folder) -> str:
    """Every file's text; the inlined plotly.js bundle of an HTML file is left out."""
    return "\n".join(_body(p.read_text(encoding="utf-8", errors="replace"))
                     for p in sorted(folder.rglob("*")) if p.is_file())


def test_pseudonymized_output_contains_no_original_handle(analysis, tmp_path):
    tables = report.pseudonymize_tables(_tables(analysis), "s3cret", analysis.dataset)
    report.write_tables(tables, tmp_path)
    hidden = report.pseudonymize_analysis(analysis, "s3cret")
    report.write_report(hidden, tmp_path / "report.html", pseudonymized=True)
    report.export_graph(hidden, tmp_path)
    text = _all_text(tmp_path).casefold()
    everything = "".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in tmp_path.iterdir()).casefold()
    for handle in [*HANDLES, "nobody_here", "Erin Quiet", "Dave\x01\x02 Old"]:
        assert handle.casefold() not in everything, handle
    for account_id in ["a1", "a2", "a5"]:
        assert f'"{account_id}"' not in text and f",{account_id}," not in text
    assert "pseudonymised" in text and "contains identifiers" not in text


def test_pseudonyms_are_stable_and_keyed(analysis):
    one = report.pseudonymize_tables(_tables(analysis), "k1", analysis.dataset)
    again = report.pseudonymize_tables(_tables(analysis), "k1", analysis.dataset)
    other = report.pseudonymize_tables(_tables(analysis), "k2", analysis.dataset)
    pd.testing.assert_frame_equal(one["accounts"], again["accounts"])
    assert set(one["accounts"]["account_id"]).isdisjoint(other["accounts"]["account_id"])
    # the same account gets the same pseudonym in every table (joins still work)
    ids = dict(zip(analysis.dataset.accounts["account_id"], one["accounts"]["account_id"],
                   strict=True))
    assert one["clusters"]["account_id"].tolist() == [ids[a] for a in ["a1", "a2", "a3"]]
    assert one["mirror_links"]["successor_id"].tolist() == [ids["a5"]]
    # handle case variants collapse to one pseudonym; quoted handles in text are replaced
    triage_handles = one["triage"].set_index("entry")["handle"]
    assert triage_handles[1] == one["accounts"].loc[0, "handle"]
    assert one["accounts"].loc[0, "handle"] in one["accounts"].loc[2, "bio"]
    assert report.pseudonym("x", "k1") != report.pseudonym("x", "k2")


def test_pseudonymize_rejects_empty_key(analysis):
    with pytest.raises(netlib.ParameterError, match="empty"):
        report.pseudonymize_tables(_tables(analysis), "", analysis.dataset)


# --- findings --------------------------------------------------------------------------------
@pytest.mark.parametrize("hours, text", [(5, "UTC+5"), (-3.5, "UTC-3:30"), (0, "UTC+0"),
                                         (5.75, "UTC+5:45")])
def test_findings_write_the_offset_with_the_one_label(hours, text):
    tz = pd.DataFrame({"cluster_id": [1], "utc_offset_hours": [float(hours)],
                       "low": [hours - 0.5], "high": [hours + 0.5]})
    finding = report.timezone_findings(SimpleNamespace(hubs=SimpleNamespace(timezones=tz)))
    assert finding["finding"].iloc[0] == f"activity consistent with {text} ± 1 h"


def test_cluster_cards_facts(analysis):
    cards = report.cluster_cards(analysis)
    card = cards.iloc[0]
    assert card["n_accounts"] == 3 and card["platforms"] == ["facebook", "x"]
    assert card["median_lag_seconds"] == 20
    assert card["min_q_value"] == pytest.approx(3e-4)
    assert [o for o, _ in card["top_objects"]] == ["o1", "o2", "o3"]
    assert card["top_object_traces"] == ["repost"] * 3
    lineage = report.lineage_cards(analysis)
    assert lineage.iloc[0]["accounts"] == ["a4", "a5"]
    assert lineage.iloc[0]["links"][0]["score"] == 0.91


# --- Gephi export -------------------------------------------------------------------------------
def test_export_graph_round_trips_hostile_text(analysis, tmp_path):
    paths = report.export_graph(analysis, tmp_path)
    assert sorted(p.name for p in paths) == ["coordination.gexf", "coordination.graphml",
                                             "mirror_chains.gexf", "mirror_chains.graphml"]
    for path in paths:
        ET.parse(path)  # well-formed XML despite control characters and markup in names
    graph = nx.read_graphml(tmp_path / "coordination.graphml")
    assert set(graph.nodes) == {"a1", "a2", "a3"} and graph.number_of_edges() == 3
    assert graph.nodes["a1"]["display_name"] == SCRIPT
    chain = nx.read_gexf(tmp_path / "mirror_chains.gexf")
    assert list(chain.edges) == [("a4", "a5")]
    assert "\ufffd" in nx.read_graphml(tmp_path / "mirror_chains.graphml").nodes["a4"][
        "display_name"]


def test_pipeline_style_pseudonymisation_agrees_across_files(analysis, tmp_path):
    """Tables pseudonymised separately from the report use the same pseudonyms (same key)."""
    tables = report.pseudonymize_tables(_tables(analysis), "k", analysis.dataset)
    report.write_tables(tables, tmp_path)
    report.write_report(analysis, tmp_path / "report.html", pseudonymize_key="k")
    report.export_graph(analysis, tmp_path, pseudonymize_key="k")
    clusters = pd.read_csv(tmp_path / "clusters.csv", dtype=str)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    graph = nx.read_graphml(tmp_path / "coordination.graphml")
    for alias in clusters["account_id"]:
        assert alias.startswith("account_") and alias in page and alias in graph
    assert "alice_ops" not in _all_text(tmp_path).casefold()


def test_cluster_cards_on_real_coortweet_reference(realdata, tmp_path):
    analysis = coortweet_analysis(realdata)
    cards = report.cluster_cards(analysis, top=100)
    assert len(cards) == 23 and cards["n_accounts"].sum() == 2110
    assert cards.iloc[0]["n_accounts"] == 2019
    # independent oracle: recompute the largest card's facts straight from the reference files
    c = analysis.coordination
    members = set(c.clusters.loc[c.clusters["cluster_id"] == cards.iloc[0]["cluster_id"],
                                 "account_id"])
    inside = c.pairs[c.pairs["account_id"].isin(members) & c.pairs["account_id_y"].isin(members)]
    ties = c.edges[c.edges["account_id"].isin(members) & c.edges["account_id_y"].isin(members)]
    assert cards.iloc[0]["n_ties"] == len(ties)
    assert cards.iloc[0]["median_lag_seconds"] == inside["time_delta"].median()
    top = inside["object_id"].value_counts()
    assert cards.iloc[0]["top_objects"][0] == (top.index[0], int(top.iloc[0]))
    page = report.write_report(analysis, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "2,019 accounts" in page and "best-tied of 2,110" in page


_HANDLE_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
                       min_size=3, max_size=15)


@settings(max_examples=100, deadline=None)
@given(st.lists(_HANDLE_TEXT, min_size=1, max_size=6, unique_by=str.casefold),
       st.text(max_size=30))
def test_pseudonymised_text_never_quotes_a_known_handle(handles, filler):
    """Oracle: after pseudonymisation no handle remains as a whole word, in any letter case."""
    engine = pseudonymize_mod._Pseudonymizer("k", handles=handles)
    for h in handles:
        text = f"{filler} @{h.upper()}: see https://x.com/{h}/status/1 ({h.lower()}){filler}"
        out = engine.text(text)
        for other in handles:
            assert not re.search(rf"(?<!\w){re.escape(other)}(?!\w)", out, re.I)
        assert report.pseudonym(h, "k", kind="user") in out


def test_minimal_dataset_through_every_output(tmp_path):
    """Only the required columns: triage, tables, report and graphs still work."""
    data = netlib.Dataset.from_frames(
        pd.DataFrame({"account_id": ["1", "2"], "platform": ["x", "x"], "handle": ["ann", "bo"]}),
        pd.DataFrame({"action_id": ["p", "q"], "account_id": ["1", "2"],
                      "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z"],
                      "kind": ["post", "post"]}))
    bare = SimpleNamespace(dataset=data, coordination=SimpleNamespace(
        clusters=pd.DataFrame({"account_id": ["1", "2"], "cluster_id": [0, 0]}),
        edges=pd.DataFrame({"account_id": ["1"], "account_id_y": ["2"]})),
        mirrors=None, hubs=None, params={}, provenance={})
    bare.triage = triage(pd.DataFrame({"account_id": ["1", "9"]}), bare)
    assert bare.triage["category"].tolist() == ["network_member", "not_found"]
    page = report.write_report(bare, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;NA&gt;" not in page and "Network 0: 2 accounts" in page
    report.write_tables({"triage": bare.triage}, tmp_path)
    assert len(report.export_graph(bare, tmp_path)) == 4


def test_timezone_findings_prefer_the_analysis_statement(analysis):
    tz = analysis.hubs.timezones.assign(utc_offset_hours=[8.0], low=[8.0], high=[8.0])
    plain = SimpleNamespace(hubs=SimpleNamespace(timezones=tz))
    assert report.timezone_findings(plain)["finding"].tolist() == [
        "activity consistent with UTC+8 ± 1 h"]
    said = SimpleNamespace(hubs=SimpleNamespace(timezones=tz.assign(
        statement=["activity consistent with UTC+8 ± 1 h (office hours)"])))
    assert report.timezone_findings(said)["finding"].tolist() == [
        "activity consistent with UTC+8 ± 1 h (office hours)"]


def test_lineage_cards_follow_each_accounts_own_parent(analysis):
    """A branching lineage (a4 -> a5 and a4 -> a6) is not read as the path a4 -> a5 -> a6."""
    chains = pd.DataFrame({"chain_id": [1, 1, 1], "position": [0, 1, 1],
                           "account_id": ["a4", "a5", "a6"],
                           "predecessor_id": [None, "a4", "a4"]})
    links = pd.DataFrame({"predecessor_id": ["a4", "a4"], "successor_id": ["a5", "a6"],
                          "score": [0.9, 0.7], "handle_sim": [0.95, 0.0]})
    branching = SimpleNamespace(mirrors=SimpleNamespace(chains=chains, links=links))
    steps = report.lineage_cards(branching).iloc[0]["links"]
    assert [(s["predecessor_id"], s["successor_id"]) for s in steps] == [("a4", "a5"),
                                                                         ("a4", "a6")]
    table = briefing_mod._link_evidence(steps, {})
    assert table["evidence"].tolist() == ["handle_sim 0.95", "(no signal recorded)"]
    unscored = briefing_mod._link_evidence([{"predecessor_id": "x", "successor_id": "y"}], {})
    assert unscored["evidence"].tolist() == ["(link not scored)"]


# --- end to end through the pipeline (skips until every analysis is available) ----------------
@pytest.mark.slow
def test_analyze_pseudonymized_folder_quotes_no_handle(tmp_path):
    from netlib import coordination, pipeline, synth
    from netlib.io.scenario import write_scenario

    if not hasattr(coordination, "detect"):
        pytest.skip("netlib.coordination.detect is not available yet")
    scenario = synth.generate(seed=3, scale=0.1)
    folder = write_scenario(scenario, tmp_path / "data")
    out = tmp_path / "out"
    pipeline.analyze_path(folder, out, report=True, watchlist=folder / "complaints.csv",
                          pseudonymize="s3cret", progress=False)
    triage_rows = pd.read_csv(out / "triage.csv", dtype=str)
    assert len(triage_rows) == len(scenario.complaints)
    texts = []
    for path in sorted(out.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            assert "pseudonymised" in text.casefold()
            text = _body(text)
        texts.append(text.casefold())
    everything = "\n".join(texts)
    handles = {netlib.dataset.normalize_handle(h) for h in
               [*scenario.dataset.accounts["handle"], *scenario.complaints["handle"]]}
    leaked = sorted(h for h in handles if len(h) >= 3 and
                    re.search(rf"(?<!\w){re.escape(h)}(?!\w)", everything))
    assert not leaked, leaked[:10]


def test_graph_export_keeps_only_significant_ties(analysis, tmp_path):
    edges = analysis.coordination.edges.assign(significant=[True, True, False])
    coordination = SimpleNamespace(clusters=analysis.coordination.clusters, edges=edges)
    only = SimpleNamespace(dataset=analysis.dataset, coordination=coordination)
    assert report.graphs(only)["coordination"].number_of_edges() == 2
    coordination.significant_edges = edges.head(1)
    assert report.graphs(only)["coordination"].number_of_edges() == 1
    assert report.cluster_cards(only).iloc[0]["n_ties"] == 1


def test_categorical_and_odd_dtypes_are_still_safe(tmp_path):
    frame = pd.DataFrame({"c": pd.Categorical(["=1+1", "ok"]), "s": pd.array(["@x", None],
                                                                          dtype="string"),
                          "lst": [["a", "=b"], []], "td": pd.to_timedelta([1, 2], unit="s")})
    report.write_tables({"odd": frame}, tmp_path)
    back = pd.read_csv(tmp_path / "odd.csv", dtype=str, keep_default_na=False)
    assert back["c"].tolist() == ["'=1+1", "ok"] and back["s"].tolist() == ["'@x", ""]
    assert back["lst"].tolist() == ["a =b", ""] and back["td"].tolist() == ["1.0", "2.0"]
    hidden = report.pseudonymize_tables({"t": pd.DataFrame({"handle": pd.Categorical(["ann"])})},
                                        "k")
    assert hidden["t"]["handle"].tolist() == [report.pseudonym("ann", "k", kind="user")]


def test_summary_counts_triage_categories(analysis):
    lines = report.summary(analysis)["headlines"]
    assert lines[-1] == ("Of 6 watch-list entries, 4 were found in the data and 2 were not; "
                         "by category: 1 operator, 1 mirror, 1 recreated, 1 no signal, "
                         "1 invalid entry.")


@pytest.mark.parametrize("key", ["", b"", 123, None])
def test_pseudonymize_rejects_bad_keys(analysis, key):
    with pytest.raises(netlib.ParameterError, match="key"):
        report.pseudonymize_analysis(analysis, key)


def test_huge_cells_are_shortened_in_html_but_kept_in_csv(tmp_path):
    data = hostile_dataset()
    data.accounts.loc[0, "display_name"] = "<b>" + "x" * 100_000
    bare = SimpleNamespace(dataset=data, coordination=SimpleNamespace(
        clusters=pd.DataFrame({"account_id": ["a1", "a2"], "cluster_id": [0, 0]})),
        mirrors=None, hubs=None, triage=None, params={}, provenance={})
    page = report.write_report(bare, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "more characters]" in page and "x" * 1000 not in page and "<b>xxx" not in page
    report.write_tables({"accounts": data.accounts}, tmp_path)
    assert "x" * 100_000 in (tmp_path / "accounts.csv").read_text(encoding="utf-8")


def test_cluster_card_shows_the_spellings_a_hashtag_object_joins():
    """An Urdu tag and its Roman-Urdu spellings are one hashtag object; the card says which."""
    accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "platform": ["x", "x", "telegram"],
                             "handle": ["a", "b", "c"]})
    actions = pd.DataFrame({
        "action_id": ["1", "2", "3", "4"], "account_id": ["a", "b", "c", "c"],
        "timestamp": [f"2025-01-01T00:00:{s:02d}Z" for s in (0, 10, 20, 30)],
        "kind": ["post"] * 4,
        "hashtags": ["پاکستان_زندہ_باد", "PakistanZindabad", "pakistan_zinda_baad", "vote"]})
    data = netlib.Dataset.from_frames(accounts, actions)
    from netlib.traces import build_traces

    traced = build_traces(data, traces="hashtag")
    tags = traced.groupby("object_id")["action_id"].apply(sorted).to_dict()
    assert tags == {"pakistanzindabad": ["1", "2", "3"], "vote": ["4"]}
    pairs = pd.DataFrame({"account_id": ["a", "a", "b"], "account_id_y": ["b", "c", "c"],
                          "object_id": ["pakistanzindabad"] * 3, "trace": ["hashtag"] * 3,
                          "time_delta": [10, 20, 10]})
    clusters = pd.DataFrame({"account_id": ["a", "b", "c"], "cluster_id": [0, 0, 0]})
    analysis = SimpleNamespace(dataset=data, coordination=SimpleNamespace(
        clusters=clusters, pairs=pairs,
        edges=pd.DataFrame({"account_id": ["a"], "account_id_y": ["b"], "q_value": [1e-3]})))
    card = report.cluster_cards(analysis).iloc[0]
    assert card["top_objects"] == [("pakistanzindabad", 3)]
    assert card["top_object_spellings"] == [
        ["PakistanZindabad", "pakistan_zinda_baad", "پاکستان_زندہ_باد"]]
    shown = briefing_mod._spellings(["<b>x", "پاکستان_زندہ_باد"])
    assert "#&lt;b&gt;x" in shown and "#پاکستان_زندہ_باد" in shown and "<b>x" not in shown


def test_reader_notes_are_shown_escaped_and_withheld_when_pseudonymised(tmp_path):
    """How the input was read is part of the evidence; a note may name a chat, so a
    pseudonymised report and run.json keep only how many notes there were."""
    data = hostile_dataset()
    chat = "Cell 7 <b>ops</b>"
    data.report.notes.append(f"chat {chat!r}: 12 messages read")
    data.report.notes.append("retweet objects are approximated by normalised text")
    bare = SimpleNamespace(dataset=data, coordination=None, mirrors=None, hubs=None,
                           triage=None, params={}, provenance={})
    for analysis in (bare, SimpleNamespace(**{**vars(bare), "provenance":
                                              netlib.pipeline.provenance(data, {})})):
        section = report.render_report(analysis)
        section = section[section.index('id="provenance"'):]
        assert "How the data were read" in section
        assert "retweet objects are approximated by normalised text" in section
        assert html.escape(chat, quote=False) in section and chat not in section
    record = netlib.pipeline.provenance(data, {})
    assert record["load_notes"][-1] == "retweet objects are approximated by normalised text"
    hidden = pseudonymize_mod.withhold_inputs(record)
    assert hidden["load_notes"] == [f"({len(record['load_notes'])} notes on how the input was "
                                    "read withheld: they may name its files, chats or channels)"]
    shown = report.pseudonymize_analysis(
        SimpleNamespace(**{**vars(bare), "provenance": record}), "k3y")
    page = report.render_report(shown, pseudonymized=True)
    assert "Cell 7" not in page and "notes on how the input was read withheld" in page
    assert data.report.notes[-1].startswith("retweet")  # the caller's dataset is untouched
