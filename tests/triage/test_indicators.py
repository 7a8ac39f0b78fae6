"""Threat-indicator files as watch lists: profiles, links and domains matched to the data."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import pytest

from netlib import pipeline
from netlib.io import read_threat_indicators
from netlib.io.scenario import write_scenario

REAL = "platforms/facebook__threat-research/H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv"


def _linking(data, domain: str) -> set[str]:
    """Independent oracle: accounts with a post or profile link on ``domain`` or below."""
    def hit(url: str) -> bool:
        host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").lower()
        return host == domain or host.endswith("." + domain)

    out = set()
    for account, urls in data.actions[["account_id", "urls"]].dropna().itertuples(index=False):
        if any(hit(u) for u in str(urls).split()):
            out.add(account)
    if "url" in data.accounts:
        for account, url in data.accounts[["account_id", "url"]].dropna().itertuples(
                index=False):
            if hit(str(url)):
                out.add(account)
    return out


def _top_domain(data) -> str:
    urls = data.actions["urls"].dropna().str.split().explode()
    hosts = urls.map(lambda u: (urlsplit(u).hostname or "").lower().removeprefix("www."))
    return hosts[hosts.ne("")].value_counts().index[-1]  # a rarely linked site


def _page(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").lower().removeprefix("www.") + parts.path.rstrip("/")


def _a_shared_page(data) -> tuple[str, set[str]]:
    """A linked page (no query string) and, independently, the accounts that posted it."""
    posted = data.actions[["account_id", "urls"]].dropna()
    posted = posted.assign(urls=posted["urls"].str.split()).explode("urls")
    posted = posted[~posted["urls"].str.contains(r"[?#]", regex=True)]
    posted = posted.assign(page=posted["urls"].map(_page))
    counts = posted.groupby("page")["account_id"].nunique().sort_values(kind="stable")
    page = counts.index[-1]
    url = posted.loc[posted["page"] == page, "urls"].iloc[0]
    return url, set(posted.loc[posted["page"] == page, "account_id"])


@pytest.fixture(scope="module")
def world(tiny_scenario, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("indicators")
    folder = write_scenario(tiny_scenario, tmp / "data")
    return tiny_scenario.dataset, folder, tmp


def test_killchain_indicators_match_profiles_links_and_domains(world):
    data, folder, tmp = world
    domain = _top_domain(data)
    expected = _linking(data, domain)
    assert expected
    url, posted = _a_shared_page(data)
    assert len(posted) >= 2
    account = data.accounts.iloc[0]
    host = {"x": "x", "facebook": "facebook", "instagram": "instagram",
            "telegram": "t"}[account["platform"]]
    suffix = "me" if host == "t" else "com"
    profile = f"hxxps://{host}[.]{suffix}/{account['handle'].lstrip('@')}"
    watch = tmp / "iocs.csv"
    watch.write_text(
        "Tactic ,Technique,Procedure,Indicator,Commernts\n"
        f"a,b,c,{domain.replace('.', '[.]')},site\n"
        f"a,b,c,{profile},persona\n"
        f"a,b,c,{url.replace('http', 'hxxp', 1).replace('.', '[.]')},page\n"
        "a,b,c,hxxps://nowhere[.]example/a/b.html,unseen page\n"
        "a,b,c,nowhere-at-all[.]example,unseen site\n"
        "a,b,c,0123456789abcdef0123456789abcdef,malware\n", encoding="utf-8")
    pipeline.analyze_path(folder, tmp / "out", watchlist=watch, progress=False)
    rows = pd.read_csv(tmp / "out" / "triage.csv", dtype=str, keep_default_na=False)
    rows = rows.set_index("note")
    assert rows.loc["site", "match"] == "domain"
    assert set(rows.loc["site", "matched_account_ids"].split()) == expected
    assert f"domain {domain} is linked" in rows.loc["site", "evidence"]
    assert rows.loc["persona", "matched_account_ids"] == account["account_id"]
    assert rows.loc["page", "match"] == "url"
    assert set(rows.loc["page", "matched_account_ids"].split()) == posted
    assert rows.loc["unseen page", "category"] == "not_found"
    assert "no post or profile links to url https://nowhere.example/a/b.html" in \
        rows.loc["unseen page", "evidence"]
    assert rows.loc["unseen site", "category"] == "not_found"
    assert "no post or profile links to domain nowhere-at-all.example" in \
        rows.loc["unseen site", "evidence"]
    assert rows.loc["malware", "category"] == "invalid_entry"
    assert "md5 indicator names no account, link or domain" in rows.loc["malware", "evidence"]


def test_real_meta_indicator_file_is_a_watchlist_for_analyze(world, realdata):
    data, folder, tmp = world
    path = realdata / REAL
    expected = read_threat_indicators(path)
    pipeline.analyze_path(folder, tmp / "real", watchlist=path, progress=False)
    rows = pd.read_csv(tmp / "real" / "triage.csv", dtype=str, keep_default_na=False)
    assert len(rows) == len(expected) == 7
    by_type = dict(zip(rows["indicator_type"], rows["match"], strict=False))
    assert by_type["domain"] == "none"  # the site is not in the synthetic world
    assert (rows["category"] == "not_found").all()
    site = rows[rows["indicator_type"] == "domain"]
    assert "no post or profile links to domain thebalochistandiaries.com" in \
        site["evidence"].iloc[0]
