"""CrowdTangle: dashboard CSVs, API JSON/CSV (dotted or underscore keys), CooRnet ct_shares."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_crowdtangle
from netlib.io.crowdtangle import ct_local_time_to_iso
from netlib.schema import ACCOUNT_ID, ACTION_ID, OBJECT_ID, PLATFORM, TIMESTAMP, URLS

FIXTURES = "tests/data/crowdtangle"
CT = "platforms/UPB-SS1__PyCooRnet"


def test_dashboard_zones_bom_newlines_and_thousands():
    data = netlib.load(f"{FIXTURES}/dashboard_facebook.csv")
    assert data.report.format == "crowdtangle"
    acts = data.actions.set_index(ACTION_ID)
    # 23:30 CET and 03:30 CEST are 22:30 and 01:30 UTC (DST began that night)
    assert acts.loc["111_900", TIMESTAMP] == pd.Timestamp("2021-03-27 22:30", tz="UTC")
    assert acts.loc["222_901", TIMESTAMP] == pd.Timestamp("2021-03-28 01:30", tz="UTC")
    assert acts.loc["111_900", "shares"] == 1234
    assert acts.loc["111_900", "text"] == "Read this\nnow #vote"
    assert acts.loc["111_900", "hashtags"] == "vote"
    assert acts.loc["111_900", URLS] == "https://example.org/story?utm_source=fb"  # Final Link
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (3, 2, 1)
    assert any("timestamp is not a date" in i.reason and i.value.endswith("XYZ")
               for i in data.report.errors)
    from netlib.traces import build_traces
    links = build_traces(data, traces="link")
    assert links[OBJECT_ID].nunique() == 1 and links[ACCOUNT_ID].nunique() == 2


def test_dashboard_instagram():
    data = read_crowdtangle(f"{FIXTURES}/dashboard_instagram.csv")
    assert list(data.actions[ACTION_ID]) == ["ABC123"]
    assert list(data.accounts[PLATFORM]) == ["instagram"]
    assert data.accounts["followers_count"].iloc[0] == 12500
    assert data.actions[TIMESTAMP].iloc[0] == pd.Timestamp("2021-06-01 14:00", tz="UTC")


def test_local_time_conversion():
    out = ct_local_time_to_iso(pd.Series(["2023-11-05 22:56:36 EST", "2023-10-27 12:10 EDT",
                                          "2023-10-27 12:10:00 QQQ", None]))
    assert out.tolist()[:3] == ["2023-11-05T22:56:36-05:00", "2023-10-27T12:10:00-04:00",
                                "2023-10-27 12:10:00 QQQ"]


def test_real_dashboard_csv(realdata):
    path = realdata / "platforms/architmeta__crowdtangle-jupyter-nb/db2_rows_with_genocide.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pages = {r["URL"].split("/")[3] for r in rows}
    data = netlib.load(path)
    assert data.report.format == "crowdtangle"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (len(rows), len(rows), 0) \
        == (382, 382, 0)
    assert len(data.accounts) == len(pages)
    est = sum(r["Post Created"].endswith("EST") for r in rows)
    assert est == 154 and any("EDT -04:00" in n for n in data.report.notes)
    first = rows[0]  # 2023-11-05 22:56:36 EST -> 2023-11-06 03:56:36 UTC
    action = "_".join(first["URL"].split("/")[i] for i in (3, 5))
    assert data.actions.set_index(ACTION_ID).loc[action, TIMESTAMP] == \
        pd.Timestamp("2023-11-06 03:56:36", tz="UTC")
    assert data.actions["shares"].sum() == sum(int(r["Shares"]) for r in rows)


@pytest.mark.parametrize("name", [
    "architmeta__crowdtangle-jupyter-nb/media_outlets_with_fb_page_admin_in_palestine.csv",
    "willdoliver__crowdTangleAnalisys/history_post_3758007754304128.csv",
])
def test_real_files_without_posts_fail_loudly(realdata, name):
    path = realdata / "platforms" / name
    with pytest.raises(DataFormatError, match="not a list of posts|not of posts"):
        netlib.load(path, format="crowdtangle")


def test_real_api_json_dotted_and_nested(realdata):
    dotted = realdata / CT / "crowdtangle_api_links_posts.json"
    posts = json.loads(dotted.read_text(encoding="utf-8"))
    data = netlib.load(dotted)
    assert data.report.format == "crowdtangle"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"]) == (len(posts), len(posts)) == (5, 5)
    assert len(data.accounts) == len({p["account.platformId"] for p in posts})
    assert set(data.actions[URLS]) == {p["expanded"] for p in posts}
    nested = realdata / "platforms/willdoliver__crowdTangleAnalisys/links-api-response-example.json"
    post = json.loads(nested.read_text(encoding="utf-8"))
    one = netlib.load(nested, now=pd.Timestamp("2030-01-01", tz="UTC"))
    assert list(one.actions[ACTION_ID]) == [post["platformId"]]
    assert list(one.accounts[ACCOUNT_ID]) == [post["account"]["platformId"]]
    assert one.actions[URLS].iloc[0] == post["expandedLinks"][0]["expanded"]


def test_real_api_csv_underscore_keys(realdata):
    path = realdata / CT / "crowdtangle_api_posts_flattened.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    data = netlib.load(path)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (len(rows), len(rows), 0) \
        == (25, 25, 0)
    assert len(data.accounts) == len({r["account_platformId"] for r in rows})
    assert any("'updated'" in n for n in data.report.notes)  # the file has no 'date'


def test_real_coornet_shares(realdata):
    path = realdata / CT / "coornet_ct_shares.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    posts = {r["id"] for r in rows}
    links = {(r["id"], r["expanded"]) for r in rows}
    data = netlib.load(path)
    assert data.report.format == "crowdtangle"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (len(posts), len(posts), 0) \
        == (1058, 1058, 0)
    assert len(data.accounts) == len({r["account.platformId"] for r in rows}) == 407
    assert data.actions[URLS].str.split().map(len).sum() == len(links)
    groups = {r["account.platformId"] for r in rows if "/groups/" in r["account.url"]}
    acc = data.accounts.set_index(ACCOUNT_ID)
    assert set(acc.index[acc["account_type"] == "facebook_group"]) == groups
    assert any(f"{len(rows):,} rows merged into {len(posts):,} posts" in n
               for n in data.report.notes)


def test_header_only_file_fails_loudly(tmp_path):
    path = tmp_path / "ct.csv"
    path.write_text("Page Name,Post Created,Message,URL\n")
    with pytest.raises(DataFormatError, match="header but no posts"):
        read_crowdtangle(path)
