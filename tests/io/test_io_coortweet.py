"""CooRTweet share tables: CSV, R data and in-memory frames."""

from __future__ import annotations

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_coortweet
from netlib.schema import ACCOUNT_ID, ACTION_ID, KIND, OBJECT_ID, TIMESTAMP

NOW = pd.Timestamp("2026-01-01", tz="UTC")


def test_each_share_becomes_a_repost_of_its_object(tmp_path):
    data = read_coortweet("tests/data/coortweet/shares.csv", now=NOW)
    assert len(data.actions) == 6
    assert set(data.actions[KIND]) == {"repost"}
    first = data.actions.set_index(ACTION_ID).loc["c1"]
    assert first[OBJECT_ID] == "o1" and first[ACCOUNT_ID] == "a1"
    assert first[TIMESTAMP] == pd.Timestamp(1610000000, unit="s", tz="UTC")
    assert sorted(data.accounts[ACCOUNT_ID]) == ["a1", "a2", "a3"]
    assert set(data.accounts["platform"]) == {"x"}
    assert (data.accounts["handle"] == data.accounts[ACCOUNT_ID]).all()


def test_repeated_content_ids_are_kept_with_suffix_and_warning():
    data = read_coortweet("tests/data/coortweet/shares.csv", now=NOW)
    assert sorted(data.actions[ACTION_ID])[-3:] == ["c4", "c4#2", "c4#3"]
    assert (data.actions["content_id"] == "c4").sum() == 3
    lines = data.report.lines()
    assert any("row 5, column content_id: content_id repeats an earlier row; kept as action "
               "c4#2" in line for line in lines)
    assert data.report.files["actions"]["rejected"] == 0
    assert data.report.files["actions"]["warnings"] == 2


def test_frame_input_and_platform_column():
    frame = pd.DataFrame({"object_id": ["u1", "u1"], "account_id": ["fb_1", "tw_2"],
                          "content_id": [1, 2], "timestamp_share": [1.6e9, 1.6e9 + 5.0],
                          "platform": ["facebook", "x"]})
    data = read_coortweet(frame, now=NOW)
    assert dict(zip(data.accounts[ACCOUNT_ID], data.accounts["platform"], strict=True)) == \
        {"fb_1": "facebook", "tw_2": "x"}
    assert sorted(data.actions[ACTION_ID]) == ["1", "2"]  # integer ids as clean strings
    assert frame["content_id"].tolist() == [1, 2]  # caller's frame untouched


def test_missing_column_names_what_was_found(tmp_path):
    bad = tmp_path / "shares.csv"
    bad.write_text("object_id,account_id,timestamp_share\no,a,1610000000\n")
    with pytest.raises(DataFormatError, match=r"shares.csv: missing CooRTweet column "
                       r"content_id \(found: object_id, account_id, timestamp_share"):
        read_coortweet(bad)


def test_parquet_roundtrip(tmp_path):
    frame = pd.read_csv("tests/data/coortweet/shares.csv", dtype=str)
    frame.to_parquet(tmp_path / "shares.parquet")
    data = netlib.load(tmp_path / "shares.parquet", now=NOW)
    assert data.report.format == "coortweet" and len(data.actions) == 6


def test_real_russian_data_parity_counts(realdata):
    data = netlib.load(realdata / "coortweet" / "russian_coord_tweets.rda")
    assert data.report.format == "coortweet"
    assert len(data.actions) == 35_125
    assert len(data.accounts) == 9_509
    assert data.actions[ACTION_ID].is_unique
    assert data.actions["content_id"].nunique() == 35_085
    assert data.actions[OBJECT_ID].nunique() == 7_285
    info = data.report.files["actions"]
    assert info["read"] == info["kept"] + info["rejected"] == 35_125
    assert data.actions[TIMESTAMP].min() >= pd.Timestamp("2021-01-17", tz="UTC")


def test_column_roles_can_be_mapped(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text("account_id,post_id,url_id,timestamp\nfb_1,10,u1,1630000000\n"
                    "tw_2,11,u1,1630000010\ntw_2,11,u2,1630000010\nfb_1,12,,1630000020\n")
    data = read_coortweet(path, columns={"object_id": "url_id", "content_id": "post_id",
                                         "timestamp_share": "timestamp"}, now=NOW)
    acts = data.actions.set_index(ACTION_ID)
    assert sorted(acts.index) == ["10", "11", "11#2", "12"]
    assert acts.loc["11#2", OBJECT_ID] == "u2"
    assert acts.loc["12", KIND] == "post" and acts.loc["12", OBJECT_ID] is None
    with pytest.raises(DataFormatError, match="columns= names nope, not in the table"):
        read_coortweet(path, columns={"object_id": "nope"})


def test_multimodal_layout_is_read_without_columns(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
                    "fb_1,10,7,,3,,1630000000\n"
                    "fb_1,10,,5,,,1630000000\n"
                    "tw_2,11,7,,3,9,1630000010\n"
                    "tw_2,11,8,,4,,1630000010\n"
                    "tw_2,,,,,,1630000020\n")
    data = netlib.load(path, now=NOW)
    assert data.report.format == "coortweet"
    acts = data.actions.set_index(ACTION_ID)
    assert sorted(acts.index) == ["10", "11"]
    assert acts.loc["10", "urls"] == "url_7" and acts.loc["10", "hashtags"] == "hashtag_5"
    assert acts.loc["11", "urls"] == "url_7 url_8" and acts.loc["11", "domains"] == \
        "domain_3 domain_4"
    assert acts.loc["11", "media_hashes"] == "phash_9"
    assert set(acts[KIND]) == {"post"}
    platforms = data.accounts.set_index(ACCOUNT_ID)["platform"].to_dict()
    assert platforms == {"fb_1": "facebook", "tw_2": "x"}
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (3, 2, 1)
    assert any("5 rows (one per post and behaviour) merged into 3 posts" in n
               for n in data.report.notes)
    both = read_coortweet(path, now=NOW, domains_in_urls=True).actions.set_index(ACTION_ID)
    assert both.loc["11", "urls"] == "url_7 url_8 domain_3 domain_4"


def test_real_german_elections_multimodal_counts(realdata):
    import pyreadr

    path = realdata / "coortweet" / "german_elections.rda"
    raw = pyreadr.read_r(str(path))["german_elections"]
    with_post = raw.dropna(subset=["post_id"])
    posts = with_post.drop_duplicates(["account_id", "post_id"])
    data = netlib.load(path)
    assert data.report.format == "coortweet"
    info = data.report.files["actions"]
    n_missing = int(raw["post_id"].isna().sum())
    assert (info["read"], info["kept"], info["rejected"]) == \
        (len(posts) + n_missing, len(posts), n_missing)
    assert len(data.accounts) == raw["account_id"].nunique() == 58_317
    by_platform = data.accounts["platform"].value_counts().to_dict()
    assert by_platform == {"x": int(raw["account_id"].drop_duplicates().str.startswith("tw_")
                                    .sum()),
                           "facebook": int(raw["account_id"].drop_duplicates()
                                           .str.startswith("fb_").sum())}
    for column, target in (("url_id", "urls"), ("hashtag_id", "hashtags"),
                           ("domain_id", "domains"), ("phash_id", "media_hashes")):
        expected = with_post.dropna(subset=[column])["post_id"].nunique()
        assert data.actions[target].notna().sum() == expected, column
    pairs = with_post.dropna(subset=["url_id"]).drop_duplicates(["post_id", "url_id"])
    links = data.actions["urls"].dropna().str.split().map(len).sum()
    assert links == len(pairs)
