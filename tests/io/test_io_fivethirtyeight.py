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


def _author_files(root, rows):
    """Per-author split files: rows of (author, content, publish_date, post_type)."""
    by_author: dict[str, list[str]] = {}
    for author, content, date, post_type in rows:
        by_author.setdefault(author, []).append(f'{author},"{content}",{date},{post_type}')
    for author, lines in by_author.items():
        folder = root / "tweets" / author[0].upper()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{author}.csv").write_text(
            "author_id,content,publish_date,post_type\n" + "\n".join(lines) + "\n")
    return root


def test_retweets_point_at_their_original_when_the_files_hold_it(tmp_path):
    from netlib.overview import interaction_edges
    root = _author_files(tmp_path, [
        ("ann", "Vote today https://t.co/a", "2016-11-08 10:00:00", "ORIGINAL"),
        ("bob", "vote TODAY https://t.co/b", "2016-11-08 10:00:00", "RETWEET"),
        ("cat", "Vote today https://t.co/c", "2016-11-08 10:05:00", "RETWEET"),
        # held as an original twice: which one was retweeted is unknown
        ("ann", "same words", "2016-11-01 09:00:00", "ORIGINAL"),
        ("dan", "same words", "2016-11-01 09:30:00", "ORIGINAL"),
        ("bob", "same words", "2016-11-02 09:00:00", "RETWEET"),
        # retweeted before the only original in the files: a copy, not the source
        ("cat", "late copy", "2016-11-03 09:00:00", "RETWEET"),
        ("dan", "late copy", "2016-11-03 12:00:00", "ORIGINAL"),
    ])
    data = read_fivethirtyeight(root)
    acts = data.actions.set_index(["account_id", "text"])
    original = acts.loc[("ann", "Vote today https://t.co/a"), "action_id"]
    # both retweets (same minute as the original, and five minutes later) point at it
    assert acts.loc[("bob", "vote TODAY https://t.co/b"), OBJECT_ID] == original
    assert acts.loc[("cat", "Vote today https://t.co/c"), OBJECT_ID] == original
    assert acts.loc[("bob", "same words"), OBJECT_ID].startswith("text:")
    assert acts.loc[("cat", "late copy"), OBJECT_ID].startswith("text:")
    edges = interaction_edges(data)
    assert set(zip(edges["source_id"], edges["target_id"], strict=True)) == \
        {("bob", "ann"), ("cat", "ann")}
    assert any("2 retweets point at one of 1 original posts" in note
               for note in data.report.notes)


def test_pointing_retweets_at_originals_keeps_the_co_share_pairs(tmp_path):
    from netlib.coordination import coshare_pairs
    rows = [("ann", "Vote today", "2016-11-08 10:00:00", "ORIGINAL")]
    rows += [(name, "vote today", f"2016-11-08 10:0{i}:00", "RETWEET")
             for i, name in enumerate(["bob", "cat", "dan", "eve"])]
    rows += [(name, "other words", f"2016-11-09 10:0{i}:00", "RETWEET")
             for i, name in enumerate(["bob", "cat", "dan"])]
    data = read_fivethirtyeight(_author_files(tmp_path, rows))
    pairs = coshare_pairs(data, window=60, min_participation=1)
    # the same account pairs as text ids would give: the object is only renamed
    objects = dict(zip(data.actions["action_id"], data.actions[OBJECT_ID], strict=True))
    assert pairs["object_id"].str.startswith("text:").sum() == 2   # other words: 2 pairs
    renamed = pairs[~pairs["object_id"].str.startswith("text:")]
    assert set(renamed["object_id"]) == {next(a for a, o in objects.items()
                                              if a.startswith("ann:"))}
    assert sorted(zip(renamed["account_id"], renamed["account_id_y"], strict=True)) == \
        [("bob", "cat"), ("cat", "dan"), ("dan", "eve")]


def test_object_normalisation_matches_the_regular_expressions():
    # the fast paths (a URL searched only where one can start; whitespace split) give what
    # the plain expressions give, on every kind of space and a URL in any case
    import re
    import unicodedata
    texts = ["RT @x:  Hello\u00a0World  HTTPS://t.co/1 ", "a\u2028b\x1cc\u3000d",
             "see WWW.Example.org/x now", "ſhttp://x y", "hTTp://a\tb", "plain", ""]

    def plain(value: str) -> str:
        out = unicodedata.normalize("NFKC", value)
        out = re.sub(r"(?i)^\s*RT\s+@\w+:?\s*", "", out)
        out = re.sub(r"(?i)https?://\S+|www\.\S+", " ", out)
        out = re.sub(r"\s+", " ", out.casefold()).strip()
        return out.strip("'\"“”‘’ ")

    assert normalize_text_for_object(pd.Series(texts)).tolist() == [plain(t) for t in texts]
