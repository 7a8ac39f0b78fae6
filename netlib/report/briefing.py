"""The briefing: one self-contained, offline HTML file.

Text from the data is hostile until proven otherwise: every value that reaches the page is
escaped and only ``http(s)`` links become clickable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from netlib import plots
from netlib.errors import ParameterError
from netlib.plots import account_labels
from netlib.provenance import package_versions
from netlib.report import _interactive as interactive
from netlib.report._common import is_missing, label_of, result_frame
from netlib.report.cards import (
    cluster_cards,
    example_timeline,
    lineage_cards,
    summary,
    timezone_findings,
)
from netlib.report.figures import REPRODUCIBLE, figure_png
from netlib.report.format import TABLE_CSS, table_html
from netlib.report.pseudonymize import pseudonymize_analysis
from netlib.safe import escape_html
from netlib.schema import (
    ACCEPTED,
    ACCOUNT_ID,
    AMPLIFICATION_PAGERANK,
    BETWEENNESS,
    BLOCKS,
    CATEGORY,
    CHAIN_ID,
    CLUSTER_ID,
    COORDINATED,
    CREATED_AT,
    DISPLAY_NAME,
    EVIDENCE,
    HANDLE,
    HUB_RANK,
    HUB_SCORE,
    LEADER_SHARE,
    LINEAGE_LENGTH,
    MATCHED_HANDLES,
    N_ACCOUNTS,
    N_LEAD,
    ORIGINATOR_INDEX,
    PLATFORM,
    PREDECESSOR_ID,
    PRIORITY,
    RANK,
    SCORE,
    STATUS,
    SUCCESSOR_ID,
    SUSPENDED_AT,
    TOP_SIGNAL,
    URL,
)

__all__ = ["render_report", "write_report"]


def _link(value: Any) -> str:
    """Escaped text; a clickable link only for ``http``/``https`` URLs."""
    text = "" if value is None else str(value).strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https") and not any(ch in text for ch in "\"'<> \t\r\n"):
        return (f'<a href="{escape_html(text)}" rel="noopener noreferrer nofollow" '
                f'target="_blank">{escape_html(_shorten(text, 200))}</a>')
    return escape_html(_shorten(text, 200))


#: Longest text shown in one HTML table cell (the rest on hover); the CSV tables keep all.
_MAX_CELL = 160


def _shorten(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit:,} more characters]"


def _table_html(frame: pd.DataFrame | None, *, max_rows: int = 50, cls: str = "") -> str:
    return table_html(frame, max_rows=max_rows, max_chars=_MAX_CELL, cls=cls)


def _with_handles(frame: pd.DataFrame | None, labels: Mapping[str, str],
                  columns: Iterable[str] = (ACCOUNT_ID,)) -> pd.DataFrame | None:
    if frame is None:
        return None
    out = frame.copy()
    for col in columns:
        if col in out:
            pos = list(out.columns).index(col) + 1
            name = "account" if col == ACCOUNT_ID else col.replace("_id", "")
            if name in out:
                continue
            out.insert(pos, name, out[col].map(lambda v: label_of(labels, v)))
    return out


def _lag_text(seconds: float) -> str:
    if seconds is None or math.isnan(seconds):
        return "n/a"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:0 auto;max-width:1100px;padding:1em 1.5em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
.banner{padding:.8em 1em;border-radius:6px;margin:1em 0;font-weight:600}
.warn{background:#fff3cd;border:1px solid #e0c36a}.ok{background:#e7f3ea;border:1px solid #9cc8a6}
.counts{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.counts div{background:#f4f6f8;border-radius:6px;padding:.5em .9em;min-width:7em}
.counts b{display:block;font-size:1.5em}.card{border:1px solid #ddd;border-radius:8px;
padding:.6em 1em;margin:1em 0;background:#fcfcfd}.card h3{margin:.2em 0}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;overflow-x:auto}
th,td{border:1px solid #e2e2e2;padding:.25em .5em;text-align:left;vertical-align:top;
max-width:28em;overflow-wrap:anywhere}th{background:#f4f6f8}.muted{color:#666}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;font-size:.9em}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}.figure{margin:1em 0}
img.print-twin{display:none}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:10pt;color:#000}
h2{break-before:page;break-after:avoid}h1+*{break-before:avoid}h3{break-after:avoid}
.card,.figure,tr,dl{break-inside:avoid}.banner{border-width:2px}
table,table.nl-table{display:table;width:100%;table-layout:auto;font-size:7.5pt}
th,td{max-width:none}td{overflow-wrap:anywhere}th{overflow-wrap:normal;word-break:normal}
.modebar,.no-print,.nl-filter,.nl-search,.plot{display:none!important}
.figure h3{break-after:avoid}
img.print-twin{display:block!important;max-width:100%;max-height:230mm;margin:0 auto}
a{color:#000;text-decoration:underline}}
"""

_METHODS = """
<p><b>Coordination</b>: two accounts are tied when they repeatedly do the same thing (share
the same post, link, hashtag, text or image, or reply to the same post) within a short time
window, more often than chance would give after correcting for the number of pairs tested
(false discovery rate, q-value). Tied accounts are grouped into networks by community
detection.</p>
<p><b>Mirrors</b>: an account is linked to an earlier, removed account when it appears
around the removal and resembles it (handle, name, bio, profile image, links, audience and
behaviour). The score combines these signals; the evidence columns show which ones fired.</p>
<p><b>Operators</b>: accounts that lead, seed or bridge coordinated activity, and accounts
that are re-created first after takedowns, rank high as likely operator accounts.</p>
<p><b>Time zones</b>: the hours at which a network is active are compared with a typical
daily rhythm to estimate a UTC offset with an uncertainty band.</p>
<h3>Limits</h3>
<ul>
<li>Coordination is not proof of inauthenticity: fan communities, newsrooms, activists and
campaign volunteers also act together. Every tie lists the shared objects so that a reader
can judge.</li>
<li>A time zone is not a country: many countries share an offset, and operators can shift
their schedule.</li>
<li>A mirror score is a similarity, not an identity: similar handles and images also arise
from impersonation, fan accounts or chance.</li>
<li>The results only cover the data supplied; accounts or actions missing from it cannot
be seen.</li>
</ul>
"""


def _fig_div(fig, div_id: str) -> str:
    plot = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})
    return f'<div class="plot">{plot}</div>'


def _figures(analysis: Any) -> list[tuple[str, str, Any, Any]]:
    """``(div id, title, plotly figure, static twin)`` of each briefing figure."""
    data = analysis.dataset
    coordination = getattr(analysis, "coordination", None)
    mirrors = getattr(analysis, "mirrors", None)
    hubs = getattr(analysis, "hubs", None)
    out = []
    if result_frame(coordination, "clusters") is not None:
        out.append(("fig-network", "Network map",
                    plots.network_map(coordination, data, hubs=hubs),
                    lambda: plots.network_map_static(coordination, data, hubs=hubs)))
    if getattr(analysis, "from_tables", False):  # no actions or lifetimes to draw
        return out
    if result_frame(mirrors, "chains") is not None:
        out.append(("fig-chains", "Mirror chains", plots.chain_timeline(mirrors, data),
                    lambda: plots.chain_timeline_static(mirrors, data)))
    clusters = result_frame(coordination, "clusters")
    members = None if clusters is None or clusters.empty else clusters[ACCOUNT_ID]
    out.append(("fig-heatmap", "When they act",
                plots.activity_heatmap_by_cluster(data, coordination),
                lambda: plots.activity_heatmap_static(data, account_ids=members)))
    out.append(("fig-survival", "Takedown and re-creation", plots.survival_curve(data, mirrors),
                lambda: plots.survival_curve_static(data, mirrors)))
    return out


def _print_twin(make_static: Any, title: str) -> str:
    """The figure's static matplotlib twin as an inline PNG, shown only when printing."""
    import matplotlib

    with matplotlib.rc_context(REPRODUCIBLE):  # the figure is made under it too
        png = figure_png(make_static(), dpi=110, close=True)
    data = base64.b64encode(png).decode("ascii")
    return (f'<img class="print-twin" alt="{escape_html(title)} (static copy for print)" '
            f'src="data:image/png;base64,{data}">')


def _section_summary(analysis: Any, info: dict) -> str:
    c = info["counts"]
    boxes = "".join(f"<div><b>{v:,}</b>{escape_html(k.replace('_', ' '))}</div>" for k, v in c.items())
    span = ""
    if info["time_span"]:
        span = f"<p>Data from {escape_html(info['time_span'][0])} to {escape_html(info['time_span'][1])} (UTC).</p>"
    items = "".join(f"<li>{escape_html(line)}</li>" for line in info["headlines"])
    return (f'<h2 id="summary">Executive summary</h2>{span}<div class="counts">{boxes}</div>'
            f"<ul>{items}</ul>")


def _notes(result: Any) -> str:
    """A result's plain-language caveats (``params["notes"]``) as a short list."""
    params = getattr(result, "params", None) or {}
    notes = [n for n in params.get("notes", []) or [] if isinstance(n, str) and n.strip()]
    if not notes:
        return ""
    return ('<ul class="notes">' + "".join(f"<li>{escape_html(n)}</li>" for n in notes)
            + "</ul>")


def _section_networks(analysis: Any, labels: Mapping[str, str], cards: pd.DataFrame) -> str:
    accounts = analysis.dataset.accounts
    parts = ['<h2 id="networks">Coordinated networks</h2>',
             _notes(getattr(analysis, "coordination", None))]
    if cards.empty:
        parts.append('<p class="muted">No coordinated networks were found.</p>')
    for i, card in enumerate(cards.to_dict("records")):
        members = set(card["accounts"])
        member_cols = [c for c in (ACCOUNT_ID, HANDLE, PLATFORM, DISPLAY_NAME, STATUS, URL)
                       if c in accounts]
        shown = _table_html(accounts.loc[accounts[ACCOUNT_ID].astype(str).isin(members),
                                         member_cols], max_rows=12)
        kinds = card["top_object_traces"] or [""] * len(card["top_objects"])
        spelled = card["top_object_spellings"] or [[]] * len(card["top_objects"])
        objects = "".join(f"<li>{_link(o)}{f' ({escape_html(k)})' if k else ''} — {n:,} co-actions"
                          f"{_spellings(tags)}</li>"
                          for (o, n), k, tags in zip(card["top_objects"], kinds, spelled,
                                                     strict=False))
        timeline = ""
        if card["top_objects"]:
            example = example_timeline(analysis, members, card["top_objects"][0][0])
            timeline = ("<p>Example: the first actions on the most shared object</p>"
                        + _table_html(_with_handles(example, labels), max_rows=8))
        q = card["min_q_value"]
        parts.append(
            f'<div class="card" id="net-{i}"><h3>Network {escape_html(card[CLUSTER_ID])}: '
            f"{card[N_ACCOUNTS]:,} accounts</h3><dl>"
            f"<dt>platforms</dt><dd>{escape_html(', '.join(card['platforms']))}</dd>"
            f"<dt>median lag between co-actions</dt><dd>{_lag_text(card['median_lag_seconds'])}</dd>"
            f"<dt>strongest tie (q-value)</dt><dd>{'n/a' if pd.isna(q) else f'{q:.2g}'}</dd>"
            f"<dt>ties</dt><dd>{card['n_ties']:,}</dd>"
            f"<dt>shared behaviour</dt><dd>{escape_html(', '.join(card['traces'])) or 'n/a'}</dd>"
            f"<dt>time zone</dt><dd>{escape_html(card['finding']) or 'not estimated'}</dd>"
            f"</dl><p>Accounts:</p>{shown}"
            f"<p>Most shared objects:</p><ul>{objects or '<li>n/a</li>'}</ul>{timeline}</div>")
    return "".join(parts)


#: Link columns that are bookkeeping, not evidence.
_NOT_EVIDENCE = {PREDECESSOR_ID, SUCCESSOR_ID, SCORE, RANK, BLOCKS, ACCEPTED}


def _spellings(tags: list[str], shown: int = 6) -> str:
    """A hashtag object's spellings in several scripts, as the evidence of the merge."""
    if not tags:
        return ""
    more = f" and {len(tags) - shown:,} more" if len(tags) > shown else ""
    listed = ", ".join(f"#{escape_html(t)}" for t in tags[:shown])
    return (f"<br><span class=\"muted\">one tag across scripts (matched by transliteration): "
            f"{listed}{more}</span>")


def _link_evidence(links: list[dict], labels: Mapping[str, str]) -> pd.DataFrame:
    """``from, to, score, evidence``: each link's non-zero signals in one readable cell."""
    rows = []
    for link in links:
        signals = []
        for name, value in link.items():
            if name in _NOT_EVIDENCE or isinstance(value, (bool, np.bool_)):
                continue
            if isinstance(value, (int, float, np.integer, np.floating)) and \
                    not is_missing(value) and value != 0:
                signals.append(f"{name} {float(value):.3g}")
        if isinstance(link.get(EVIDENCE), str) and link[EVIDENCE].strip():
            signals.insert(0, link[EVIDENCE].strip())
        score = link.get(SCORE)
        rows.append({"from": label_of(labels, link[PREDECESSOR_ID]),
                     "to": label_of(labels, link[SUCCESSOR_ID]),
                     "score": np.nan if is_missing(score) else float(score),
                     "evidence": ", ".join(signals) or ("(link not scored)" if is_missing(score)
                                                         else "(no signal recorded)")})
    return pd.DataFrame(rows, columns=["from", "to", "score", "evidence"])


def _section_lineage(analysis: Any, labels: Mapping[str, str], cards: pd.DataFrame) -> str:
    parts = ['<h2 id="lineage">Mirror chains (re-created accounts)</h2>',
             _notes(getattr(analysis, "mirrors", None))]
    if cards.empty:
        parts.append('<p class="muted">No mirror chains were found.</p>')
    accounts = analysis.dataset.accounts.set_index(analysis.dataset.accounts[ACCOUNT_ID]
                                                   .astype(str))
    for i, card in enumerate(cards.to_dict("records")):
        order = " → ".join(escape_html(label_of(labels, a)) for a in card["accounts"])
        steps = _link_evidence(card["links"], labels)
        life = accounts.reindex(card["accounts"])
        life_cols = [c for c in (HANDLE, CREATED_AT, STATUS, SUSPENDED_AT, URL) if c in life]
        parts.append(
            f'<div class="card" id="chain-{i}"><h3>Chain {escape_html(card[CHAIN_ID])}: {card[N_ACCOUNTS]} '
            f"accounts</h3><p>{order}</p>"
            + _table_html(life[life_cols].reset_index(), max_rows=20)
            + "<p>Links and their evidence (score 0–1):</p>" + _table_html(steps, max_rows=20)
            + "</div>")
    return "".join(parts)


_HUBS_SHOWN = (RANK, ACCOUNT_ID, HUB_SCORE, CLUSTER_ID, TOP_SIGNAL, COORDINATED, N_LEAD,
               LEADER_SHARE, AMPLIFICATION_PAGERANK, ORIGINATOR_INDEX, BETWEENNESS,
               LINEAGE_LENGTH)


def _section_operators(analysis: Any, labels: Mapping[str, str]) -> str:
    hubs_result = getattr(analysis, "hubs", None)
    hubs = result_frame(hubs_result, "hubs")
    groups = result_frame(hubs_result, "operator_groups")
    findings = timezone_findings(analysis)
    parts = ['<h2 id="operators">Likely operators and time zones</h2>']
    if hubs is not None and len(hubs):
        ordered = hubs.sort_values(RANK, kind="stable") if RANK in hubs else hubs
        shown = [c for c in _HUBS_SHOWN if c in ordered]
        if len(shown) < 3:
            shown = list(ordered.columns)
        parts.append("<p>Accounts ranked by how much they lead, seed or bridge the coordinated "
                     "activity (rank 1 = strongest). A high rank is a reason to look closer, "
                     "not a verdict; every signal is in the hubs table (CSV).</p>")
        parts.append(_table_html(_with_handles(ordered[shown], labels), max_rows=20))
    else:
        parts.append('<p class="muted">No operator ranking is available.</p>')
    if groups is not None and len(groups):
        parts.append("<h3>Operator groups</h3>" + _table_html(_with_handles(groups, labels)))
    if len(findings):
        items = "".join(f"<li>Network {escape_html(r.cluster_id)}: {escape_html(r.finding)}</li>"
                        for r in findings.itertuples(index=False))
        parts.append("<h3>Time zones</h3><ul>" + items + "</ul><p class=\"muted\">A time zone "
                     "is not a country: several countries share each offset.</p>")
    return "".join(parts)


_TRIAGE_SHOWN = (PRIORITY, "entry", HANDLE, ACCOUNT_ID, PLATFORM, CATEGORY, MATCHED_HANDLES,
                 CLUSTER_ID, HUB_RANK, EVIDENCE, "note", "complaint_campaign_id")


def _complaint_campaigns(triage: Any) -> str:
    """Each coordinated complaint campaign: the complaints are the finding, not the target."""
    found = triage.tables().get("complaint_campaigns") if hasattr(triage, "tables") else None
    if found is None or found.empty:
        return ""
    items = "".join(
        f"<li><b>{escape_html(r['complaint_campaign_id'])}</b>: {int(r['campaign_size'])} "
        f"complaints against {escape_html(r['target_label'])} from {int(r['n_submitters'])} "
        f"submitters within {float(r['span_hours']):g} h, {int(r['observed'])} co-complaint "
        f"pairs where {float(r['expected']):.2g} were expected by chance; entries "
        f"{escape_html(r['entries'])}; shared text: &ldquo;{escape_html(r['shared_text'])}"
        "&rdquo;</li>" for r in found.to_dict("records"))
    return ("<h3>A coordinated complaint campaign</h3><p>These complaints were sent together: "
            "the same words or the same submitters, against one account, in a burst that "
            "chance does not explain. That is a finding about the complaints. It is not a "
            "reason to act against the account they name, which may be the one under "
            f"attack.</p><ul>{items}</ul>")


def _section_triage(analysis: Any) -> str:
    triage = getattr(analysis, "triage", None)
    if triage is None:
        return ""
    parts = ['<h2 id="triage">Watch-list triage</h2>',
             "<p>Every watch-list entry, in the order a reviewer should look at them. Entries "
             "that match no account say so.</p>"]
    ordered = triage.sort_values(PRIORITY, kind="stable") if PRIORITY in triage else triage
    shown = [c for c in _TRIAGE_SHOWN if c in ordered] or list(ordered.columns)
    parts.append(_complaint_campaigns(triage))
    parts.append(_table_html(ordered[shown], max_rows=200))
    parts.append('<p class="muted">All columns are in triage.csv.</p>')
    return "".join(parts)


def _dl(mapping: Mapping[str, Any]) -> str:
    items = []
    for k, v in mapping.items():
        if isinstance(v, (dict, list, tuple)):
            v = json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)
        items.append(f"<dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd>")
    return "<dl>" + "".join(items) + "</dl>"


def _section_provenance(analysis: Any) -> str:
    data = analysis.dataset
    provenance = dict(getattr(analysis, "provenance", {}) or {})
    provenance.setdefault("dataset_fingerprint", data.fingerprint())
    versions = package_versions(())  # what run.json records when the analysis has none
    provenance.setdefault("netlib_version", versions["netlib"])
    provenance.setdefault("python", versions["python"])
    provenance.setdefault("report_written", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    params = dict(getattr(analysis, "params", {}) or {})
    report = getattr(data, "report", None)
    load = report.table() if report is not None else None
    # the reader's notes as a list of their own (run.json records them as load_notes)
    notes = provenance.pop("load_notes", None)
    if notes is None:
        notes = list(getattr(report, "notes", []) or [])
    read = ("<ul class=\"notes\">" + "".join(f"<li>{escape_html(n)}</li>" for n in notes)
            + "</ul>") if notes else '<p class="muted">(none)</p>'
    return ('<h2 id="provenance">Provenance</h2>' + _dl(provenance)
            + "<h3>Parameters</h3>" + (_dl(params) if params else '<p class="muted">(none)</p>')
            + "<h3>Rows read</h3>" + _table_html(load)
            + "<h3>How the data were read</h3>" + read)


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in dict.fromkeys(scripts))
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
            f"script-src {hashes}; connect-src 'none'; form-action 'none'; base-uri 'none'")


_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)


def render_report(analysis: Any, *, pseudonymized: bool = False, progress: bool = False) -> str:
    """The briefing as one self-contained HTML string (see :func:`write_report`)."""
    import plotly.offline
    from tqdm.auto import tqdm

    steps = tqdm(total=7, desc="report", disable=not progress)
    labels = account_labels(analysis.dataset)
    info = summary(analysis)
    steps.update()
    figures = _figures(analysis)
    fig_html = "".join(f'<div class="figure"><h3>{escape_html(title)}</h3>{_fig_div(fig, div)}'
                       f"{_print_twin(static, title)}</div>"
                       for div, title, fig, static in figures)
    steps.update()
    body = [
        "<h1>Coordinated network briefing</h1>",
        ('<p class="banner ok">Pseudonymised: handles, names and account ids are replaced by '
         "keyed pseudonyms (HMAC-SHA256). Whoever holds the key can re-identify them.</p>"
         if pseudonymized else
         '<p class="banner warn">This report contains identifiers (handles, names, account ids '
         "and posts of real accounts). Share it only with people entitled to see them; use "
         "<code>--pseudonymize KEY</code> for a shareable version.</p>"),
        '<p class="muted">Coordination is not proof of inauthenticity, and a time zone is not a '
        "country. Read the methods and limits at the end.</p>",
        ('<p class="banner warn">Rebuilt from the tables of an output folder without the '
         "input data: the posts, example co-actions, activity by hour and account lifetimes "
         "are left out. Give the data again to show them.</p>"
         if getattr(analysis, "from_tables", False) else ""),
        interactive.SEARCH_BOX, _section_summary(analysis, info), '<h2 id="figures">Figures</h2>', fig_html]
    steps.update()
    networks, chains = cluster_cards(analysis), lineage_cards(analysis)
    body.append(_section_networks(analysis, labels, networks))
    steps.update()
    body.append(_section_lineage(analysis, labels, chains))
    body.append(_section_operators(analysis, labels))
    steps.update()
    body.append(_section_triage(analysis))
    body.append(interactive.account_section(analysis, networks, chains))
    body.append('<h2 id="methods">Methods and limits</h2>' + _METHODS)
    body.append(_section_provenance(analysis))
    steps.update()
    body.append(f"<script>{interactive.SCRIPT}</script>")
    content = "".join(body)
    plotly_js = plotly.offline.get_plotlyjs()
    scripts = [plotly_js, *_SCRIPT.findall(content)]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(scripts)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>netlib briefing</title>"
            f"<style>{_CSS}{TABLE_CSS}{interactive.CSS}</style><script>{plotly_js}</script></head>"
            f"<body>{content}</body></html>\n")
    steps.update()
    steps.close()
    return page


def write_report(analysis: Any, path: str | Path, *, pseudonymized: bool = False,
                 pseudonymize_key: str | bytes | None = None, progress: bool = False) -> Path:
    """Write the briefing as one self-contained, offline HTML file.

    Sections: a warning that the file holds identifiers (or a note that it is
    pseudonymised), executive summary, figures (network map, chain timeline, hour x weekday
    heatmap, takedown/re-creation survival), network cards, lineage cards, operators and
    time zones, watch-list triage, methods and limits, provenance. plotly.js is inlined
    once; nothing is fetched from the network (a Content-Security-Policy forbids it and
    allows only the report's own scripts). Every value from the data is HTML-escaped and
    only ``http(s)`` links are clickable.

    Parameters
    ----------
    analysis : Analysis-like
        ``dataset`` plus optional ``coordination``, ``mirrors``, ``hubs``, ``triage``,
        ``params`` and ``provenance`` (read by duck typing).
    path : str or Path
        The HTML file to write (its folder is created).
    pseudonymized : bool
        Say that identifiers are pseudonymised. The analysis must come from
        :func:`pseudonymize_analysis`, or ``pseudonymize_key`` must be given.
    pseudonymize_key : str or bytes, optional
        Pseudonymise here with this key (implies ``pseudonymized=True``); use the same key
        as for :func:`pseudonymize_tables` so that pseudonyms agree across files.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If ``pseudonymized`` is asked for but the analysis was not pseudonymised and no key
        was given (the report would otherwise leak identifiers).
    """
    if pseudonymize_key:
        analysis = pseudonymize_analysis(analysis, pseudonymize_key)
        pseudonymized = True
    if pseudonymized and not getattr(analysis, "_pseudonymized", False):
        raise ParameterError(
            "write_report(pseudonymized=True) needs an analysis from pseudonymize_analysis() "
            "or pseudonymize_key=...; refusing to label a report with real identifiers as pseudonymised")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(analysis, pseudonymized=pseudonymized, progress=progress)
    path.write_text(page, encoding="utf-8")
    return path
