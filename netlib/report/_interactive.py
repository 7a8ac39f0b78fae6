"""The briefing's only script of its own (sortable, filterable tables and the account search),
and the account index and search box it works on.

Plain JavaScript, inlined and allowed by the page's Content-Security-Policy through its
hash; it loads nothing, reads cell text only and writes text only (``textContent``), so
hostile text from the data stays text. Without JavaScript (or in print) the page is the
same, minus the sort buttons, filter boxes and search box.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from netlib.report._common import is_missing
from netlib.report.accounts import account_index
from netlib.safe import escape_html
from netlib.schema import CHAIN_ID, CLUSTER_ID

#: Attached to every ``table.nl-table``: click (or Enter on) a header to sort by it, numbers
#: by their ``data-v`` value; tables of five rows or more get a filter box. The ``#nl-search``
#: box lists accounts of ``#account-index`` whose label contains the typed text, each with
#: its reasons and a link to its row.
SCRIPT = r"""
(function () {
  "use strict";
  function text(el) { return (el && el.textContent || "").trim(); }
  function value(cell) {
    var v = cell && cell.getAttribute("data-v");
    return v === null || v === undefined || v === "" ? null : parseFloat(v);
  }
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  each(document.querySelectorAll("table.nl-table"), function (table) {
    var body = table.tBodies[0];
    if (!table.tHead || !body || body.rows.length < 2) { return; }
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, i) {
      th.tabIndex = 0;
      th.classList.add("nl-sortable");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var up = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a.cells[i]), y = value(b.cells[i]), c;
          if (x !== null && y !== null) { c = x - y; }
          else if (x !== null) { c = -1; } else if (y !== null) { c = 1; }
          else { c = text(a.cells[i]).localeCompare(text(b.cells[i])); }
          return up ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
    if (body.rows.length >= 5) {
      var box = document.createElement("input");
      box.type = "search";
      box.className = "nl-filter";
      box.placeholder = "Filter these rows";
      box.setAttribute("aria-label", "Filter the rows of this table");
      box.addEventListener("input", function () {
        var q = box.value.trim().toLowerCase();
        each(body.rows, function (r) {
          r.hidden = q !== "" && text(r).toLowerCase().indexOf(q) < 0;
        });
      });
      table.parentNode.insertBefore(box, table);
    }
  });
  var search = document.getElementById("nl-search");
  var index = document.getElementById("account-index");
  if (!search || !index || !index.tBodies[0]) { return; }
  search.hidden = false;
  var input = search.querySelector("input"), list = search.querySelector("ol");
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase().replace(/^@/, ""), found = 0;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!q) { return; }
    each(index.tBodies[0].rows, function (r) {
      if (found >= 10 || text(r.cells[0]).toLowerCase().indexOf(q) < 0) { return; }
      found += 1;
      var item = document.createElement("li"), link = document.createElement("a");
      var why = document.createElement("span");
      link.href = "#" + r.id;
      link.textContent = text(r.cells[0]);
      why.textContent = " \u2014 " + text(r.cells[r.cells.length - 1]);
      item.appendChild(link);
      item.appendChild(why);
      list.appendChild(item);
    });
    if (!found) {
      var none = document.createElement("li");
      none.textContent = "No account in this report matches.";
      list.appendChild(none);
    }
  });
})();
"""

#: Look of the sort buttons, filter boxes and search box.
CSS = (
    "th.nl-sortable{cursor:pointer}th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}"
    ".nl-filter{display:block;margin:.4em 0;padding:.2em .4em;font-size:.85em;width:16em}"
    ".nl-search{position:sticky;top:0;background:#fff;padding:.5em 0;z-index:10;"
    "border-bottom:1px solid #ddd}.nl-search input{font-size:1em;padding:.3em .5em;width:22em}"
    ".nl-search ol{margin:.3em 0;font-size:.9em}tr:target{background:#fff3cd}"
)

#: The search box (hidden until the script shows it: no script, no box).
SEARCH_BOX = ('<div id="nl-search" class="nl-search no-print" hidden><label>Find an account '
           '(handle or name): <input type="search" autocomplete="off" '
           'placeholder="@handle"></label><ol></ol></div>')


def account_section(analysis: Any, networks: pd.DataFrame, chains: pd.DataFrame) -> str:
    """Why is each account here? One row per account the report names, with its reasons."""
    index = account_index(analysis)
    parts = ['<h2 id="accounts">Why is this account here?</h2>',
             "<p>Every account the analyses name, with the reasons in plain words and links "
             "to its network and chain cards. Type a handle in the search box at the top "
             "of the page to jump here.</p>"]
    if index.empty:
        return "".join(parts) + '<p class="muted">(no accounts)</p>'
    net_anchor = {str(c): f"net-{i}" for i, c in enumerate(networks[CLUSTER_ID])}
    chain_anchor = {str(c): f"chain-{i}" for i, c in enumerate(chains[CHAIN_ID])}

    def linked(value: Any, anchors: Mapping[str, str]) -> str:
        if is_missing(value):
            return ""
        anchor = anchors.get(str(value))
        text = escape_html(value)
        return f'<a href="#{anchor}">{text}</a>' if anchor else text

    rows = []
    for i, r in enumerate(index.to_dict("records")):
        rank = "" if is_missing(r["hub_rank"]) else f'{int(r["hub_rank"]):,}'
        sort_key = f' data-v="{int(r["hub_rank"])}"' if rank else ""
        triage = "" if is_missing(r["triage"]) else str(r["triage"]).replace("_", " ")
        rows.append(
            f'<tr id="acct-{i}"><td>{escape_html(r["account"])}</td>'
            f"<td>{linked(r[CLUSTER_ID], net_anchor)}</td>"
            f"<td>{linked(r[CHAIN_ID], chain_anchor)}</td>"
            f'<td class="num"{sort_key}>{rank}</td><td>{escape_html(triage)}</td>'
            f'<td>{escape_html("; ".join(r["why"]))}</td></tr>')
    parts.append('<table class="nl-table" id="account-index"><thead><tr><th>account</th>'
                 "<th>network</th><th>chain</th><th>operator rank</th><th>watch list</th>"
                 f'<th>why</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(parts)
