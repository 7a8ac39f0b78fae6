"""twarc2 / X API v2 JSON lines."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_twarc2
from netlib.schema import ACCOUNT_ID, ACTION_ID, HANDLE, KIND, OBJECT_ID

FIXTURE = "tests/data/twarc2/search.jsonl"


def test_pages_and_flattened_tweets_both_load():
    data = read_twarc2(FIXTURE)
    acts = data.actions.set_index(ACTION_ID)
    assert acts.loc["9001", KIND] == "post"
    assert (acts.loc["9002", KIND], acts.loc["9002", OBJECT_ID]) == ("repost", "9001")
    assert (acts.loc["9003", KIND], acts.loc["9003", OBJECT_ID]) == ("reply", "9001")
    assert (acts.loc["9004", KIND], acts.loc["9004", OBJECT_ID]) == ("quote", "9001")
    assert acts.loc["9001", "urls"] == "https://example.org/vote"
    assert acts.loc["9001", "hashtags"] == "election"
    assert acts.loc["9002", "media_hashes"] == "3_111"


def test_users_from_includes_and_embedded_author():
    data = read_twarc2(FIXTURE)
    acc = data.accounts.set_index(ACCOUNT_ID)
    assert acc.loc["101", HANDLE] == "alpha_news"
    assert acc.loc["103", HANDLE] == "ReplyGuy"
    assert acc.loc["101", "created_at"] == pd.Timestamp("2019-02-01T10:00:00Z")
    assert acc.loc["104", HANDLE] == "104"  # only known by author_id


def test_bad_json_line_is_a_counted_rejection():
    data = read_twarc2(FIXTURE)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (5, 4, 1)
    assert any(line.startswith("error: search.jsonl row 4: line is not valid JSON")
               for line in data.report.lines())
    assert data.report.rejected["actions"]["_row"].tolist() == [4]


def test_detected_by_load_and_array_files(tmp_path):
    tweets = [{"id": "1", "author_id": "7", "created_at": "2022-01-01T00:00:00Z",
               "text": "hi"}]
    path = tmp_path / "tweets.json"
    path.write_text(json.dumps(tweets))
    data = netlib.load(path)
    assert data.report.format == "twarc2" and len(data.actions) == 1


def test_record_that_is_not_a_tweet_is_a_counted_rejection(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"meta": {"result_count": 0}}\n')
    data = read_twarc2(path)
    assert "error: x.jsonl row 1: record is not a tweet (no id)" in data.report.lines()
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (1, 0, 1)


@pytest.mark.parametrize("content, message", [("", "file is empty"),
                                              ("\n\n", "no tweets found")])
def test_empty_files_are_errors(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    with pytest.raises(DataFormatError, match=message):
        read_twarc2(path)


# --- property test: random JSON lines never crash the reader and always add up -----------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_value = st.one_of(st.none(), st.integers(-5, 10**19), st.text(max_size=8),
                   st.sampled_from(["2022-03-01T12:00:00.000Z", "1", "101", "bad"]))
_tweet = st.fixed_dictionaries(
    {"id": _value},
    optional={"author_id": _value, "created_at": _value, "text": _value,
              "referenced_tweets": st.lists(st.fixed_dictionaries(
                  {"type": st.sampled_from(["retweeted", "quoted", "replied_to", "x"]),
                   "id": _value}), max_size=2) | _value,
              "entities": st.fixed_dictionaries({}, optional={
                  "hashtags": st.lists(st.fixed_dictionaries({"tag": _value}), max_size=2),
                  "urls": st.lists(st.fixed_dictionaries({"expanded_url": _value}),
                                   max_size=2)}),
              "author": st.fixed_dictionaries({"id": _value}, optional={"username": _value})})
_line = st.one_of(_tweet.map(json.dumps),
                  st.lists(_tweet, max_size=3).map(lambda d: json.dumps({"data": d})),
                  st.text(alphabet="{}[]\":,ab1", max_size=12))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=1, max_size=6))
def test_random_lines_add_up(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("tw") / "x.jsonl"
    path.write_text("\n".join(lines) + "\n")
    try:
        data = read_twarc2(path, now=pd.Timestamp("2026-01-01", tz="UTC"))
    except DataFormatError as err:  # only when nothing at all could be read
        assert "no tweets found" in str(err) or "file is empty" in str(err)
        return
    info = data.report.files["actions"]
    assert info["read"] == info["kept"] + info["rejected"]
    assert len(data.report.rejected["actions"]) == info["rejected"]
    assert data.actions[ACTION_ID].is_unique
