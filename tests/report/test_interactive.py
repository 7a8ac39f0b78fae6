"""report.html's tables sort and filter, and its search box answers "why is this account
here?", in a real headless Chromium, offline, with hostile text staying text.

The report's own script is driven by a small test script appended to a copy of the page
(the copy drops the Content-Security-Policy, which would rightly block the driver).
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
from hostile_world import SCRIPT, hostile_analysis

from netlib import report
from netlib.report.accounts import account_index

DRIVER = r"""
<script>
(function () {
  function rows(table) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
      return r.hidden ? null : r.cells[0].textContent.trim(); }).filter(Boolean);
  }
  var out = {};
  var box = document.querySelector("#nl-search input");
  out.searchVisible = !document.getElementById("nl-search").hidden;
  box.value = "DAVE_OLD";
  box.dispatchEvent(new Event("input"));
  out.found = Array.prototype.map.call(document.querySelectorAll("#nl-search li"),
    function (li) { return li.textContent; });
  out.link = document.querySelector("#nl-search li a").getAttribute("href");
  box.value = "nobody-like-this";
  box.dispatchEvent(new Event("input"));
  out.none = document.querySelector("#nl-search li").textContent;
  var index = document.getElementById("account-index");
  var head = index.tHead.rows[0].cells[0];
  head.click();
  out.ascending = rows(index);
  head.click();
  out.descending = rows(index);
  var filter = index.previousElementSibling;
  out.hasFilter = filter && filter.className === "nl-filter";
  filter.value = "carol";
  filter.dispatchEvent(new Event("input"));
  out.filtered = rows(index);
  var pre = document.createElement("pre");
  pre.id = "test-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def driven(tmp_path_factory):
    browser = report.find_chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("interactive")
    analysis = hostile_analysis()
    analysis.dataset.accounts.loc[analysis.dataset.accounts["handle"] == "erin_quiet",
                                  "handle"] = SCRIPT
    page = report.write_report(analysis, folder / "report.html").read_text(encoding="utf-8")
    test_page = folder / "driven.html"
    test_page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
                         .replace("</body>", DRIVER + "</body>"), encoding="utf-8")
    profile = folder / "profile"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--virtual-time-budget=20000", "--dump-dom", test_page.as_uri()],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(profile)})
    found = re.search(r'<pre id="test-result">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    import html

    return json.loads(html.unescape(found.group(1))), done.stdout, analysis


def test_search_finds_the_account_and_says_why(driven):
    result, _, analysis = driven
    assert result["searchVisible"]
    index = account_index(analysis)
    expected = index[index["account"].str.lower().str.contains("dave_old")]
    assert len(result["found"]) == len(expected) >= 1
    for shown, (_, row) in zip(result["found"], expected.iterrows(), strict=True):
        assert shown.startswith(row["account"]) and "; ".join(row["why"]) in shown
    assert re.fullmatch(r"#acct-\d+", result["link"])  # one click to the account's row
    assert result["none"] == "No account in this report matches."


def test_headers_sort_and_filters_filter(driven):
    result, _, analysis = driven
    labels = account_index(analysis)["account"].tolist()
    assert result["ascending"] == sorted(labels, key=str.lower) or \
        result["ascending"] == sorted(labels)
    assert result["descending"] == list(reversed(result["ascending"]))
    assert result["hasFilter"]
    assert result["filtered"] == [a for a in labels if "carol" in a.lower()]


def test_hostile_handle_stays_text_in_the_live_page(driven):
    _, dom, _ = driven
    html_tag = re.match(r"\s*(?:<!DOCTYPE html>\s*)?(<html[^>]*>)", dom, re.I).group(1)
    assert "data-pwned" not in html_tag
    assert "<title>PWNED" not in dom and "&lt;script&gt;document.title='PWNED'" in dom


def test_report_script_is_allowed_by_the_policy_and_loads_nothing():
    page = report.render_report(hostile_analysis())
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', page).group(1)
    import base64
    import hashlib

    from netlib.report import _interactive

    digest = base64.b64encode(hashlib.sha256(_interactive.SCRIPT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy and "connect-src 'none'" in policy
    assert "http" not in _interactive.SCRIPT and "innerHTML" not in _interactive.SCRIPT
