"""Twitter information-operations archive tweet CSVs (plain and hashed ids)."""

from __future__ import annotations

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_twitter_io_archive
from netlib.io._common import parse_list_cell
from netlib.schema import ACCOUNT_ID, ACTION_ID, CREATED_AT, HANDLE, KIND, OBJECT_ID, TEXT

PLAIN = "tests/data/twitter_io/tweets.csv"
HASHED = "tests/data/twitter_io/hashed_tweets.csv"


def test_kinds_and_objects_follow_the_archive_columns():
    data = read_twitter_io_archive(PLAIN)
    acts = data.actions.set_index(ACTION_ID)
    assert acts.loc["1001", KIND] == "post" and acts.loc["1001", OBJECT_ID] is None
    assert acts.loc["1002", KIND] == "repost" and acts.loc["1002", OBJECT_ID] == "1001"
    assert acts.loc["1004", KIND] == "reply" and acts.loc["1004", OBJECT_ID] == "1001"
    assert acts.loc["1005", KIND] == "quote" and acts.loc["1005", OBJECT_ID] == "1001"
    assert acts.loc["1003", "hashtags"] == "breaking news"
    assert acts.loc["1005", "urls"] == "https://t.co/x1 https://t.co/x2"
    assert acts.loc["1005", TEXT] == "Look at this\nmulti-line quote"
    assert acts.loc["1004", TEXT].endswith('=HYPERLINK("http://x.test")')  # kept as data


def test_accounts_take_profile_and_creation_date():
    data = read_twitter_io_archive(PLAIN)
    acc = data.accounts.set_index(ACCOUNT_ID)
    assert acc.loc["2001", HANDLE] == "newsdaily"
    assert acc.loc["2001", CREATED_AT] == pd.Timestamp("2016-03-01", tz="UTC")
    assert acc.loc["2002", "bio"] == "Husband, dad"
    assert acc.loc["2002", "followers_count"] == 85  # first value seen


def test_hashed_variant_loads_the_same_way():
    data = netlib.load(HASHED)
    assert data.report.format == "twitter_io"
    repost = data.actions[data.actions[KIND] == "repost"].iloc[0]
    assert repost[OBJECT_ID] == "880000000000000001"
    assert repost["retweet_userid"] == "7Yb4cJQ0S1nTk2m+W1ZKQ0e2h6d1eY3Qe9pBkqj0ZgI="
    assert set(data.actions["hashtags"]) == {"тест"}


def test_folder_of_files_and_small_chunks_give_same_result():
    whole = read_twitter_io_archive("tests/data/twitter_io")
    chunked = read_twitter_io_archive("tests/data/twitter_io", chunksize=1)
    pd.testing.assert_frame_equal(whole.actions, chunked.actions)
    pd.testing.assert_frame_equal(whole.accounts, chunked.accounts)
    assert len(whole.actions) == 7 and len(whole.accounts) == 5


def test_errors_name_file_and_row(tmp_path):
    path = tmp_path / "io.csv"
    path.write_text("tweetid,userid,tweet_time,is_retweet\n1,u1,2019-01-01 00:00,False\n"
                    "2,u1,yesterday,False\n1,u1,2019-01-01 00:01,False\n")
    data = read_twitter_io_archive(path)
    lines = data.report.lines()
    assert "error: io.csv row 2, column timestamp: timestamp is not a date" in "\n".join(lines)
    assert any("io.csv row 3, column action_id: duplicate action_id" in line for line in lines)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (3, 1, 2)


def test_missing_required_column(tmp_path):
    path = tmp_path / "io.csv"
    path.write_text("tweetid,user,tweet_time\n1,u,2019-01-01\n")
    with pytest.raises(DataFormatError, match=r"io.csv: missing required column userid "
                       r"\(found: tweetid, user, tweet_time"):
        read_twitter_io_archive(path)


@pytest.mark.parametrize("cell, expected", [
    ("['a', 'b']", ["a", "b"]),
    ('["x", "y"]', ["x", "y"]),
    ("[a, b]", ["a", "b"]),
    ("[]", []),
    ("", []),
    ("['it\\'s', 'x,y']", ["it's", "x,y"]),
    ("['__import__(\"os\").system(\"echo hi\")']", ['__import__("os").system("echo hi")']),
])
def test_list_cells_are_parsed_not_evaluated(cell, expected):
    assert parse_list_cell(cell) == expected


def test_compact_mode_holds_the_same_values():
    plain = read_twitter_io_archive("tests/data/twitter_io", compact=False)
    compact = read_twitter_io_archive("tests/data/twitter_io", compact=True)
    assert str(compact.actions[ACTION_ID].dtype) == "str"
    left = plain.actions.astype(object).where(plain.actions.notna(), None)
    right = compact.actions.astype(object).where(compact.actions.notna(), None)
    pd.testing.assert_frame_equal(left, right)


# --- property test: random archive rows never crash the reader and always add up ----------
import csv as _csv  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell = st.one_of(
    st.sampled_from(["", "1", "2", "u1", "u2", "True", "False", "2019-05-01 10:00",
                     "1556704800", "2099-01-01 00:00", "['a', 'b']", "[a", "]", "['x'",
                     "\"['q']\"", "=cmd|' /C calc'!A0", "\u202e", "🔥", "a\nb"]),
    st.text(alphabet="ab1[]',\" #:\\é\n", max_size=10),
)
_COLUMNS = ["tweetid", "userid", "user_screen_name", "tweet_time", "is_retweet",
            "retweet_tweetid", "quoted_tweet_tweetid", "in_reply_to_tweetid", "hashtags", "urls",
            "tweet_text", "follower_count", "account_creation_date"]
_row = st.fixed_dictionaries({c: _cell for c in _COLUMNS})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=0, max_size=8))
def test_random_archive_rows_add_up(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("io") / "tweets.csv"
    pd.DataFrame(rows, columns=_COLUMNS).to_csv(path, index=False, quoting=_csv.QUOTE_ALL)
    data = read_twitter_io_archive(path, chunksize=3,
                                   now=pd.Timestamp("2026-01-01", tz="UTC"))
    info = data.report.files["actions"]
    assert info["read"] == len(rows) == info["kept"] + info["rejected"]
    assert len(data.report.rejected["actions"]) == info["rejected"]
    assert data.actions[ACTION_ID].is_unique
    assert data.actions[ACCOUNT_ID].isin(set(data.accounts[ACCOUNT_ID])).all()


def test_gzipped_archive(tmp_path):
    import gzip
    import shutil

    with open(PLAIN, "rb") as src, gzip.open(tmp_path / "tweets.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    data = netlib.load(tmp_path / "tweets.csv.gz")
    assert data.report.format == "twitter_io" and len(data.actions) == 5


def test_non_utf8_archive_falls_back_and_reports(tmp_path):
    path = tmp_path / "io.csv"
    path.write_bytes(b"\xef\xbb\xbftweetid,userid,tweet_time,user_screen_name\n"
                     b"1,u1,2019-01-01 00:00,Caf\xe9\n")
    data = read_twitter_io_archive(path)
    assert data.accounts[HANDLE].tolist() == ["Caf\ufffd"]
    assert any(line.startswith("warning: io.csv: file contains bytes that are not UTF-8")
               for line in data.report.lines())


def test_row_with_too_many_fields_is_rejected_alone(tmp_path):
    path = tmp_path / "io.csv"
    path.write_text("tweetid,userid,tweet_time\n1,u1,2019-01-01 00:00\n2,u1,2019,x,y\n"
                    "3,u1,2019-01-02 00:00\n")
    data = read_twitter_io_archive(path, now=pd.Timestamp("2026-01-01", tz="UTC"))
    assert data.actions["action_id"].tolist() == ["1", "3"]
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (3, 2, 1)
    assert any(line.startswith("error: io.csv row 2: record has 5 fields, the header has 3")
               for line in data.report.lines())


def test_users_file_supplies_profiles_and_silent_users(tmp_path):
    import shutil

    shutil.copy(PLAIN, tmp_path / "archive_tweets_csv_hashed.csv")
    (tmp_path / "archive_users_csv_hashed.csv").write_text(
        "userid,user_display_name,user_screen_name,user_profile_description,"
        "follower_count,account_creation_date\n"
        "2001,News Daily HQ,newsdaily,Official profile,1300,2016-03-01\n"
        "2999,Silent One,silent_one,,0,2019-09-09\n")
    data = netlib.load(tmp_path)
    acc = data.accounts.set_index(ACCOUNT_ID)
    assert acc.loc["2001", "bio"] == "Official profile"  # the users file wins
    assert acc.loc["2999", HANDLE] == "silent_one"      # never tweeted, still an account
    assert acc.loc["2002", HANDLE] == "joe_patriot"
    assert "archive_users_csv_hashed.csv: 2 user profiles read as accounts" in \
        data.report.notes
