"""Meta threat-indicator files read as watch lists."""

from __future__ import annotations

import csv
import json
import re

import pytest

from netlib.errors import DataFormatError
from netlib.io import looks_like_threat_indicators, read_threat_indicators
from netlib.io.threat_indicators import refang
from netlib.io.watchlist import WATCHLIST_COLUMNS

FOLDER = "platforms/facebook__threat-research"
_LOOKS_LIKE_INDICATOR = re.compile(r"\[\.\]|://|^[0-9a-f]{32}$|^[0-9a-f]{64}$")


def _oracle(path):
    """Indicators in a kill-chain table: first token defanged, a URL or a hash."""
    delimiter = "\t" if path.suffix == ".tsv" else ","
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    col = [c.strip() for c in rows[0]].index("Indicator")
    found = [r[col].split()[0] for r in rows[1:] if len(r) > col and r[col].split()
             and _LOOKS_LIKE_INDICATOR.search(r[col].split()[0])]
    return len(rows) - 1, found


@pytest.mark.parametrize("name", [
    "H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv", "H1_2026_PAKISTAN_BASED_CIB_NETWORK.tsv",
    "Q1_2023_Bahamut_APT.csv", "Q1_2023_Pakistan_APT.csv", "Q1_2023_Patchwork_APT.csv",
    "Q4_2023_Pakistan_based_Espionage_network.csv",
])
def test_real_killchain_tables(realdata, name):
    path = realdata / FOLDER / name
    n_rows, indicators = _oracle(path)
    assert looks_like_threat_indicators(path)
    entries = read_threat_indicators(path)
    assert list(entries.columns[:len(WATCHLIST_COLUMNS)]) == list(WATCHLIST_COLUMNS)
    assert len(entries) == len(indicators)
    assert "[.]" not in "".join(entries["indicator"])
    assert sorted(entries["indicator_raw"].str.split().str[0]) == sorted(indicators)
    left = entries.attrs["left_out"]
    assert len(entries) + left["text"] + left["empty"] == n_rows
    everything = read_threat_indicators(path, include_text=True)
    assert len(everything) == n_rows


def test_real_cib_profiles_become_handles(realdata):
    entries = read_threat_indicators(realdata / FOLDER / "H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv")
    profiles = entries[entries["indicator_type"] == "profile"]
    assert set(zip(profiles["platform"], profiles["handle"], strict=True)) >= {
        ("x", "auroraapricus"), ("x", "BalochDiaries"), ("x", "shaziia_tweets"),
        ("x", "Abbasbugti52"), ("youtube", "Baloch5225")}
    assert "UCQ8TUByC9EmbhoUDaInIGeA" in set(profiles["account_id"])
    assert list(entries.loc[entries["indicator_type"] == "domain", "domain"]) == \
        ["thebalochistandiaries.com"]


@pytest.mark.parametrize("suffix", ["csv", "json", "xml"])
def test_real_ioc_schema(realdata, suffix):
    path = realdata / FOLDER / f"2021_11_action_against_hackers_in_pakistan_and_syria.{suffix}"
    records = json.loads((path.with_suffix(".json")).read_text(encoding="utf-8"))
    entries = read_threat_indicators(path)
    assert len(entries) == len(records) == 49
    counts = entries["indicator_type"].value_counts().to_dict()
    given = {}
    for r in records:
        kind = {"domain_name": "domain"}.get(r["indicator_type"], r["indicator_type"])
        given[kind] = given.get(kind, 0) + 1
    assert counts == given
    assert looks_like_threat_indicators(path)
    # the same indicators in every format (the STIX package dates them by its own export)
    assert sorted(entries["indicator"]) == sorted(r["indicator_value"] for r in records)
    day = "2022-10-13" if suffix == "xml" else "2021-11-16"
    assert entries["received_at"].dt.strftime("%Y-%m-%d").eq(day).all()


def test_real_markdown_ioc_page_equals_its_csv(realdata):
    page = realdata / FOLDER / "meta-h1-2026-pakistan-based-cib-network.md"
    table = [ln for ln in page.read_text(encoding="utf-8").splitlines()
             if ln.startswith("| ") and "`" in ln]
    assert looks_like_threat_indicators(page)
    entries = read_threat_indicators(page)
    assert len(entries) == len(table) == 7
    csv_entries = read_threat_indicators(realdata / FOLDER / "H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv")
    key = ["indicator_type", "platform", "handle", "account_id", "domain"]
    assert sorted(map(tuple, entries[key].to_numpy().tolist())) == \
        sorted(map(tuple, csv_entries[key].to_numpy().tolist()))


def test_real_markdown_page_without_iocs_says_so(realdata):
    page = realdata / FOLDER / "meta-h2-2025-india-based-cib-network.md"
    assert looks_like_threat_indicators(page)
    with pytest.raises(DataFormatError, match="no IOC table.*No IOCs associated"):
        read_threat_indicators(page)


@pytest.mark.parametrize("content, message", [
    ("<a><b/></a>", "not a STIX 1.x package"),
    ("<stix:STIX_Package xmlns:stix='http://stix.mitre.org/stix-1'>", "not valid XML"),
])
def test_broken_stix_files(tmp_path, content, message):
    path = tmp_path / "iocs.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message):
        read_threat_indicators(path)


def test_real_files_without_indicators_fail(realdata):
    path = realdata / FOLDER / "Online_Operations_Killchain-TTPs.csv"
    assert not looks_like_threat_indicators(path)
    with pytest.raises(DataFormatError, match="no indicator column"):
        read_threat_indicators(path)


def test_refang_and_header_quirks(tmp_path):
    assert refang("hxxp://evil[.]example[.]org/a ") == "http://evil.example.org/a"
    assert refang("x(.)com") == "x.com"
    path = tmp_path / "iocs.csv"
    path.write_text('\ufeffTactic ,Technique,Procedure,Indicator,Commernts\n'
                    'a,b,"multi\nline",https://t[.]me/some_channel,channel\n'
                    'a,b,c,hxxps://www.facebook[.]com/fake.page,page\n'
                    'a,b,c,23 Accounts,\n', encoding="utf-8")
    entries = read_threat_indicators(path)
    assert list(zip(entries["platform"], entries["handle"], strict=True)) == [
        ("telegram", "some_channel"), ("facebook", "fake.page")]
    assert list(entries["note"]) == ["channel", "page"]
    assert entries["procedure"].iloc[0] == "multi line"
