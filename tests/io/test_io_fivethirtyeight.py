"""IRA troll tweets (FiveThirtyEight release and the per-author split)."""

from __future__ import annotations

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_fivethirtyeight
from netlib.io._common import normalize_text_for_object, snowflake_time
from netlib.schema import ACCOUNT_ID, CREATED_AT, HANDLE, KIND, OBJECT_ID

SPLIT = "tests/data/fivethirtyeight/split"
ORIGINAL = "tests/data/fivethirtyeight/original"


def test_split_layout_joins_labels_and_derives_objects():
    data = read_fivethirtyeight(SPLIT)
    accounts = data.accounts.set_index(ACCOUNT_ID)
    assert accounts.loc["AmyWatch", "account_category"] == "RightTroll"
    assert accounts.loc["BobNews3312143142", "account_type"] == "local"
    assert accounts.loc["BobNews3312143142", HANDLE] == "BobNews"
    assert "Unlisted" not in accounts.index  # labels of absent authors are not accounts
    reposts = data.actions[data.actions[KIND] == "repost"]
    # the same original retweeted by two accounts, with different t.co links and case
    assert reposts[OBJECT_ID].nunique() == 1 and len(reposts) == 2
    assert (data.actions[KIND] == "quote").sum() == 1
    assert data.actions.loc[data.actions[KIND] == "quote", OBJECT_ID].isna().all()


def test_creation_time_from_exact_snowflake_only():
    data = read_fivethirtyeight(SPLIT)
    created = data.accounts.set_index(ACCOUNT_ID)[CREATED_AT]
    # congress_2017_id 905874659358453760 -> (id >> 22) + 1288834974657 ms
    expected = pd.Timestamp((905874659358453760 >> 22) + 1288834974657, unit="ms", tz="UTC")
    assert created["AmyWatch"] == expected
    assert pd.isna(created["BobNews3312143142"])  # a sequential id encodes no time


def test_snowflake_time_ignores_rounded_and_small_ids():
    out = snowflake_time(pd.Series(["906000000000000000", "2528776985", "x", None]))
    assert out.isna().all()


def test_original_layout_us_dates_tweet_ids_and_exact_user_ids():
    data = netlib.load(ORIGINAL)
    assert data.report.format == "fivethirtyeight"
    acts = data.actions.set_index("action_id")
    assert acts.loc["914580356430536707", "timestamp"] == pd.Timestamp("2017-10-01 19:58",
                                                                        tz="UTC")
    assert set(data.accounts[ACCOUNT_ID]) == {"905874659358453760", "2528776985"}
    reposts = data.actions[data.actions[KIND] == "repost"]
    assert reposts[OBJECT_ID].nunique() == 1  # "RT @x:" prefix, URLs and case ignored
    assert set(data.accounts["account_category"]) == {"RightTroll", "NonEnglish"}


@pytest.mark.parametrize("a, b", [
    ("RT @x: Hello World https://t.co/1", "hello   world https://t.co/2"),
    ("'Ｈｅｌｌｏ world'", "hello world"),
])
def test_text_normalisation_makes_copies_equal(a, b):
    left, right = normalize_text_for_object(pd.Series([a, b]))
    assert left == right


def test_file_without_content_column_is_rejected(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("author,publish_date\nbob,2017-01-01 00:00:00\n")
    with pytest.raises(DataFormatError, match=r"x.csv: missing column content \(found: "
                       r"author, publish_date"):
        read_fivethirtyeight(bad)


def test_real_ira_files_counts_and_categories(realdata):
    folder = realdata / "ira_by_author"
    data = netlib.load(folder)
    assert data.report.format == "fivethirtyeight"
    assert len(data.actions) == 178_367
    assert len(data.accounts) == 441
    info = data.report.files["actions"]
    assert info["read"] == info["kept"] == 178_367
    labels = pd.read_csv(folder / "authors.csv", dtype=str, keep_default_na=False)
    expected = labels.set_index("author_id").loc[data.accounts[ACCOUNT_ID],
                                                 "account_category"]
    assert data.accounts["account_category"].tolist() == expected.tolist()
    assert data.accounts["account_category"].notna().all()
    counts = data.actions[KIND].value_counts()
    assert counts["repost"] == 33_156 and counts["quote"] == 4_282


def test_rejections_name_the_file_they_came_from(tmp_path):
    for letter, author, date in (("A", "ann", "2017-01-01 10:00:00"),
                                 ("B", "bob", "2017-02-30 10:00:00")):
        folder = tmp_path / "tweets" / letter
        folder.mkdir(parents=True)
        (folder / f"{author}.csv").write_text(
            "author_id,content,publish_date,post_type\n"
            f"{author},hello,2017-01-01 09:00:00,\n{author},again,{date},\n")
    data = read_fivethirtyeight(tmp_path)
    assert ("error: B/bob.csv row 2, column timestamp: timestamp is not a date (expected "
            "ISO 8601, e.g. 2026-03-01T12:00:00Z, or epoch seconds) (value "
            "'2017-02-30 10:00:00')") in data.report.lines()
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (4, 3, 1)
