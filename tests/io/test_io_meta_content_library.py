"""Meta Content Library exports (no public sample exists: synthetic fixtures only)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_meta_content_library
from netlib.schema import ACCOUNT_ID, ACTION_ID, KIND, OBJECT_ID, PLATFORM, TIMESTAMP, URLS

FB = "tests/data/meta_content_library/facebook.csv"
IG = "tests/data/meta_content_library/instagram.json"


def test_facebook_csv_posts_shares_and_links():
    with open(FB, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    data = netlib.load(FB)
    assert data.report.format == "meta_content_library"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (len(rows), len(rows) - 1, 1)
    acts = data.actions.set_index(ACTION_ID)
    assert (acts.loc["1002", KIND], acts.loc["1002", OBJECT_ID]) == ("repost", "1001")
    assert acts.loc["1001", URLS] == "https://example.org/story"
    assert acts.loc["1001", "hashtags"] == "vote"
    assert acts.loc["1001", "statistics.share_count"] == 12
    assert set(data.accounts[ACCOUNT_ID]) == {r["post_owner.id"] for r in rows}
    assert set(data.accounts[PLATFORM]) == {"facebook"}
    from netlib.traces import build_traces
    links = build_traces(data, traces="link")
    assert links["object_id"].nunique() == 1 and links[ACCOUNT_ID].nunique() == 2


def test_surface_as_account():
    data = read_meta_content_library(FB, account="surface")
    assert set(data.accounts[ACCOUNT_ID]) == {"g1", "p3"}


def test_instagram_json_nested():
    data = netlib.load(IG)
    assert data.report.format == "meta_content_library"
    assert set(data.accounts[PLATFORM]) == {"instagram"}
    assert list(data.accounts["handle"]) == ["user.one", "user.two"]
    assert data.actions[TIMESTAMP].min() == pd.Timestamp(1706781600, unit="s", tz="UTC")


def test_missing_columns(tmp_path):
    path = tmp_path / "mcl.csv"
    path.write_text("id,creation_time,text\n1,2024-01-01,x\n")
    with pytest.raises(DataFormatError, match="missing Meta Content Library column post_owner.id"):
        read_meta_content_library(path)


def test_header_only_file_fails_loudly(tmp_path):
    path = tmp_path / "mcl.csv"
    path.write_text("id,creation_time,text,post_owner.id\n")
    with pytest.raises(DataFormatError, match="header but no posts"):
        read_meta_content_library(path)
