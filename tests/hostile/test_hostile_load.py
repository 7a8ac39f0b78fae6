"""Hostile input, one case per finding of the fuzz campaign: each bad record is either read
correctly or rejected (counted, named by file, row and column), never a traceback, never a
made-up row. Inputs are generated here; no fixtures on disk."""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError, NetlibError
from netlib.io import read_twarc2, read_twitter_io_archive, write_interchange
from netlib.io.fivethirtyeight import read_fivethirtyeight
from netlib.times import parse_timestamps
from netlib.traces import build_traces

NOW = pd.Timestamp("2026-01-01", tz="UTC")
ACC = "account_id,platform,handle\n"
ACT = "action_id,account_id,timestamp,kind,text\n"
T = "2021-03-01T12:00:00Z"


def folder(tmp_path: Path, accounts: str | bytes = ACC + "a1,x,alice\na2,x,bob\n",
           actions: str | bytes | None = ACT + f"t1,a1,{T},post,hi\n") -> Path:
    for name, text in (("accounts.csv", accounts), ("actions.csv", actions)):
        if text is not None:
            data = text if isinstance(text, bytes) else text.encode()
            (tmp_path / name).write_bytes(data)
    return tmp_path


def errors(data) -> list[str]:
    return [str(i) for i in data.report.errors]


def assert_adds_up(data) -> None:
    for info in data.report.files.values():
        assert info["read"] == info["kept"] + info["rejected"], info


# --- 1. memory ------------------------------------------------------------------------------
def test_long_post_costs_memory_in_proportion(tmp_path):
    """One 2 MB post among short ones: the text trace is unchanged and memory stays small."""
    import tracemalloc

    long = "word " * 400_000
    rows = [f"t{i},a1,2021-03-01T12:00:{i:02d}Z,post,same words shared by every copy {i % 2}"
            for i in range(40)] + [f"t99,a2,{T},post,{long}"]
    data = netlib.load(folder(tmp_path, actions=ACT + "\n".join(rows) + "\n"), now=NOW)
    tracemalloc.start()
    traces = build_traces(data, traces="text")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 60 * len(long)  # a <U array would be 41 x 4 bytes x 2 M = 330 MB
    assert traces["object_id"].nunique() == 2  # the copies, and the long post alone


# --- 2. silent corruption -------------------------------------------------------------------
def test_parquet_list_columns_become_space_separated_lists(tmp_path):
    folder(tmp_path, actions=None)
    pd.DataFrame({"action_id": ["t1", "t2", "t3"], "account_id": ["a1", "a2", "a1"],
                  "timestamp": [T] * 3, "kind": "post",
                  "urls": [["https://a.org/x", "https://b.org"], [], None],
                  "hashtags": [["nato", "two words"], ["nato"], None],
                  "media_hashes": [["ffff0000ffff0000"], ["ffff0000ffff0000"], None]}
                 ).to_parquet(tmp_path / "actions.parquet")
    data = netlib.load(tmp_path, now=NOW)
    acts = data.actions.set_index("action_id")
    assert acts.loc["t1", "urls"] == "https://a.org/x https://b.org"
    assert acts.loc["t1", "hashtags"] == "nato two_words"
    assert acts.loc["t2", "urls"] is None and acts.loc["t3", "hashtags"] is None
    tags = build_traces(data, traces="hashtag")
    assert set(tags["object_id"]) == {"nato", "two_words"}
    media = build_traces(data, traces="media")
    assert set(media["action_id"]) == {"t1", "t2"}


@pytest.mark.parametrize("written, utc", [
    ("2021-03-01 12:00:00 GMT+0300", "2021-03-01 09:00:00"),
    ("2021-03-01 12:00:00 GMT-0300", "2021-03-01 15:00:00"),
    ("2021-03-01 12:00:00 UTC+3", "2021-03-01 09:00:00"),
    ("2021-03-01 12:00:00 GMT+05:30", "2021-03-01 06:30:00"),
    ("2021-03-01 12:00:00 +0300", "2021-03-01 09:00:00"),
    ("Mon, 01 Mar 2021 12:00:00 GMT", "2021-03-01 12:00:00"),
    ("Mon Mar 01 12:00:00 +0300 2021", "2021-03-01 09:00:00"),
    ("2021-03-01 12:00:00 UTC+0300 (MSK)", "2021-03-01 09:00:00"),
    ("2021-03-01 12:00:00 GMT+03:00 GMT+01:00", None),  # contradicts itself: no time
    ("2021-03-01 12:00:00 GMT+99", None),
])
def test_written_gmt_offsets_mean_east_of_utc(written, utc):
    got = parse_timestamps(pd.Series([written, T]))
    assert got.iloc[0] == pd.Timestamp(utc, tz="UTC") if utc else pd.isna(got.iloc[0])
    assert got.iloc[1] == pd.Timestamp(T)


@pytest.mark.parametrize("line_break", ["\r", "\r\n"])
def test_line_break_inside_unquoted_field_makes_no_rows(tmp_path, line_break):
    """A lone CR in a file of LF lines belongs to the field; a CRLF there is a record break
    (the file's own convention and the writer's), so its fragments are rejected."""
    accounts = ACC + f"a1,x,alice\na2,x,bo{line_break}b\n"
    actions = ACT + f"t1,a1,{T},post,hel{line_break}lo\nt2,a2,{T},post,x\n"
    data = netlib.load(folder(tmp_path, accounts, actions), now=NOW)
    assert_adds_up(data)
    if line_break == "\r":  # another convention than the file's: read as part of the field
        assert data.accounts["handle"].tolist() == ["alice", "bo\rb"]
        assert data.actions["text"].tolist() == ["hel\rlo", "x"]
        assert data.report.ok
    else:  # a record break the file itself uses: the fragments are rejected, not kept
        assert data.accounts["account_id"].tolist() == ["a1", "a2"]
        assert "b" not in set(data.accounts["account_id"])
        assert data.report.files["accounts"]["rejected"] == 1
        assert any("accounts.csv row 3: record has 1 field, the header has 3" in e
                   for e in errors(data))


def test_bare_lf_in_crlf_file_is_part_of_the_field(tmp_path):
    accounts = (ACC + "a1,x,alice\na2,x,bo\nb\n").replace("\n", "\r\n").replace(
        "bo\r\nb", "bo\nb")
    data = netlib.load(folder(tmp_path, accounts), now=NOW)
    assert data.accounts["handle"].tolist() == ["alice", "bo\nb"] and data.report.ok


def test_fragment_with_wrong_field_count_is_rejected_with_file_and_row(tmp_path):
    actions = ACT + f"t1,a1,{T},post,hello\nevil,a2,{T},post\nt2,a1,{T},post,x\n"
    data = netlib.load(folder(tmp_path, actions=actions), now=NOW)
    assert data.actions["action_id"].tolist() == ["t1", "t2"]
    assert data.report.files["actions"] == {**data.report.files["actions"], "read": 3,
                                            "kept": 2, "rejected": 1}
    assert any(e.startswith("error: actions.csv row 2: record has 4 fields, the header has 5")
               for e in errors(data))
    assert data.report.rejected["actions"]["_raw"].dropna().tolist() == [
        f"evil,a2,{T},post"]


@pytest.mark.parametrize("text", ["a\rb", "c\nd", "e\r\nf", 'q "quoted", comma', "\r", "\n\n"])
def test_write_then_load_keeps_line_breaks(tmp_path, text):
    accounts = pd.DataFrame({"account_id": ["a1"], "platform": "x", "handle": ["h\rx"]})
    actions = pd.DataFrame({"action_id": ["t1", "t2"], "account_id": "a1", "timestamp": T,
                            "kind": "post", "text": [text, "after"]})
    data = netlib.Dataset.from_frames(accounts, actions, now=NOW)
    back = netlib.load(write_interchange(data, tmp_path / "out"), now=NOW)
    assert back.report.ok, errors(back)
    assert back.actions["text"].tolist() == data.actions["text"].tolist()
    if text.strip():
        assert back.actions["text"].tolist() == [text, "after"]
    assert back.accounts["handle"].tolist() == ["h\rx"]


def test_stray_quote_does_not_merge_records_silently(tmp_path):
    rows = [f't1,a1,{T},post,"oops'] + [f"t{i},a1,{T},post,x" for i in range(2, 12)] + \
        [f't12,a1,{T},post,end"', f"t13,a1,{T},post,fine"]
    data = netlib.load(folder(tmp_path, actions=ACT + "\n".join(rows) + "\n"), now=NOW)
    assert data.actions["action_id"].tolist() == ["t13"]
    assert_adds_up(data)
    assert any(e.startswith("error: actions.csv row 1: a quoted field runs from line 2 to "
                            "line 13") and "stray quote" in e for e in errors(data))


@pytest.mark.parametrize("stray", [
    f't1,a1,{T},post,"oops\nt2,a1,{T},post,end"\n',   # a pair on adjacent lines
    f't1,a1,{T},post,"oops\nt2,a1,{T},post,"end"\n'])
def test_stray_quote_pair_on_adjacent_lines_is_rejected(tmp_path, stray):
    data = netlib.load(folder(tmp_path, actions=ACT + stray + f"t3,a1,{T},post,fine\n"),
                       now=NOW)
    assert data.actions["action_id"].tolist() == ["t3"]
    assert_adds_up(data)
    assert any(e.startswith("error: actions.csv row 1: a quoted field runs from line 2 to "
                            "line 3") for e in errors(data))


def test_quoted_line_breaks_in_the_first_column_are_not_taken_for_stray_quotes(tmp_path):
    """Ids and handles holding line breaks, quoted as a CSV writer quotes them, read back
    whole, also after netlib's own write_interchange (a continuation line that closes the
    quoted field early is not a record of its own)."""
    ids = ["a\nb", "c\r\nd", "e\rf", "g", "h\n\t=1", 'i,"j"\nk']
    accounts = pd.DataFrame({"account_id": ids, "platform": "x",
                             "handle": [f"h{i}\nz" for i in range(6)]})
    actions = pd.DataFrame({"action_id": [f"t\n{i}" for i in range(6)], "account_id": ids,
                            "timestamp": T, "kind": "post", "text": "x\ny"})
    follows = pd.DataFrame({"source_id": ids, "target_id": ids[::-1]})
    for name, frame in (("accounts", accounts), ("actions", actions), ("follows", follows)):
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    data = netlib.load(tmp_path, now=NOW)
    assert data.report.ok, errors(data)
    assert sorted(data.accounts["account_id"]) == sorted(ids)
    assert len(data.actions) == 6 and len(data.follows) == 6
    back = netlib.load(write_interchange(data, tmp_path / "again"), now=NOW)
    assert back.report.ok, errors(back)
    assert sorted(back.accounts["account_id"]) == sorted(ids)
    assert sorted(back.actions["action_id"]) == sorted(data.actions["action_id"])
    assert len(back.follows) == 6


def test_quote_open_at_end_of_file_is_rejected(tmp_path):
    actions = ACT + f"t1,a1,{T},post,ok\nt2,a1,{T},post,\"never closed\n"
    data = netlib.load(folder(tmp_path, actions=actions), now=NOW)
    assert data.actions["action_id"].tolist() == ["t1"]
    assert any("actions.csv row 2" in e and "never closed" in e for e in errors(data))


@pytest.mark.parametrize("header", ["action_id,account_id,timestamp,kind,account_id",
                                    "action_id,account_id,timestamp,kind, kind "])
def test_duplicated_header_column_is_an_error_naming_file_and_column(tmp_path, header):
    col = header.split(",")[-1].strip()
    with pytest.raises(DataFormatError, match=rf"actions.csv: column '{col}' appears twice"):
        netlib.load(folder(tmp_path, actions=f"{header}\nt1,a1,{T},post,x\n"), now=NOW)


def test_duplicated_header_column_in_io_archive(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text("tweetid,userid,userid,tweet_time\n1,u1,u2,2020-01-01 10:00\n")
    with pytest.raises(DataFormatError, match=r"tweets.csv: column 'userid' appears twice"):
        read_twitter_io_archive(path, now=NOW)


@pytest.mark.parametrize("account_id", ["nan", "inf", "-inf", "NaN", "1e5", "0012", "1.0",
                                        "None", "NULL", "9.99E+999"])
def test_ids_are_text_exactly_as_written(tmp_path, account_id):
    accounts = ACC + f"{account_id},x,h\n"
    actions = ACT + f"{account_id},{account_id},{T},post,\n"
    data = netlib.load(folder(tmp_path, accounts, actions), now=NOW)
    assert data.accounts["account_id"].tolist() == [account_id]
    assert data.actions["account_id"].tolist() == [account_id]
    assert data.actions["action_id"].tolist() == [account_id]


def test_blank_cells_never_become_nan_text(tmp_path):
    accounts = ACC + "a1,x,alice\n,x,ghost\n"
    data = netlib.load(folder(tmp_path, accounts), now=NOW)
    assert data.accounts["account_id"].tolist() == ["a1"]
    assert any("accounts.csv row 2, column account_id: missing required value" in e
               for e in errors(data))


FIVE = "external_author_id,author,content,publish_date,tweet_id\n"


def test_538_blank_author_rejects_only_that_row(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(FIVE + "111,,first,2017-01-01 10:00:00,1\n"
                    "111,alice,second,2017-01-01 11:00:00,2\n"
                    "111,alice,third,2017-01-01 12:00:00,3\n")
    data = read_fivethirtyeight(path, now=NOW)
    assert data.actions["action_id"].tolist() == ["2", "3"]
    assert data.accounts["handle"].tolist() == ["alice"]
    assert data.report.files["actions"]["rejected"] == 1
    assert any(e.startswith("error: tweets.csv row 1, column author: missing required value")
               for e in errors(data))


def test_538_huge_scientific_id_is_one_rejected_row(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(FIVE + "9.99E+999,alice,hi,2017-01-01 10:00:00,1\n"
                    "9.06E+17,bob,x,2017-01-01 10:00:00,2\n"
                    "0012,carl,y,2017-01-01 10:00:00,1e5\n")
    data = read_fivethirtyeight(path, now=NOW)
    assert sorted(data.accounts["account_id"]) == ["0012", "906000000000000000"]
    assert sorted(data.actions["action_id"]) == ["1e5", "2"]
    assert any(e.startswith("error: tweets.csv row 1, column external_author_id:")
               and "9.99E+999" in e for e in errors(data))
    assert_adds_up(data)


# --- 3. one bad record, no traceback --------------------------------------------------------
@pytest.mark.parametrize("stamp, reason", [
    ("9999-01-01T00:00:00Z", "timestamp is in the future"),
    ("9999-12-31 23:59:59 +0300", "timestamp is in the future"),
    ("10000-01-01", "timestamp is in the future"),
    ("Fri Mar 01 12:00:00 +0000 9999", "timestamp is not a date"),
    ("1e400", "timestamp is not a date"),
    ("inf", "timestamp is not a date"),
])
def test_out_of_range_dates_reject_one_row(tmp_path, stamp, reason):
    actions = ACT + f"t1,a1,{T},post,\nt2,a1,{stamp},post,\n"
    data = netlib.load(folder(tmp_path, actions=actions), now=NOW)
    assert data.actions["action_id"].tolist() == ["t1"]
    assert any(e.startswith("error: actions.csv row 2, column timestamp: " + reason)
               for e in errors(data))


@pytest.mark.parametrize("stamp", ["2021-03-01T12:00:00.1234567891234Z",
                                   "2021-03-01 12:00:00.12345678912 +0000",
                                   "2021-03-01T12:00:00.12345678901234567890Z"])
def test_fractions_beyond_nanoseconds_are_truncated(tmp_path, stamp):
    actions = ACT + f"t1,a1,{stamp},post,\n"
    data = netlib.load(folder(tmp_path, actions=actions), now=NOW)
    assert data.actions["timestamp"].tolist() == [
        pd.Timestamp("2021-03-01 12:00:00.123456789", tz="UTC")]


def test_deeply_nested_json_line_is_one_rejected_row(tmp_path):
    path = tmp_path / "search.jsonl"
    good = ('{"id": "1", "author_id": "u1", "created_at": "2021-03-01T12:00:00.000Z", '
            '"text": "hi"}')
    depth = max(100_000, sys.getrecursionlimit() * 20)
    path.write_text(good + "\n" + '{"a":' * depth + "1" + "}" * depth + "\n")
    data = read_twarc2(path, now=NOW)
    assert data.actions["action_id"].tolist() == ["1"]
    assert_adds_up(data)
    assert any(e.startswith("error: search.jsonl row 2:") and "nested too deeply" in e
               for e in errors(data))


def test_ragged_io_users_file_rejects_its_bad_rows(tmp_path):
    (tmp_path / "tweets.csv").write_text(
        "tweetid,userid,user_screen_name,tweet_time\n1,u1,a,2020-01-01 10:00\n")
    (tmp_path / "users.csv").write_text(
        "userid,user_screen_name,follower_count\nu1,alice,5\nu2,bob,6,extra\nu3\nu4,dan,7\n")
    data = netlib.load(tmp_path, now=NOW)
    assert sorted(data.accounts["account_id"]) == ["u1", "u4"]
    assert any(e.startswith("error: users.csv row 2: record has 4 fields") for e in errors(data))
    assert any(e.startswith("error: users.csv row 3: record has 1 field") for e in errors(data))


def test_ragged_io_tweets_file_rejects_its_bad_rows(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text("tweetid,userid,tweet_time\n1,u1,2020-01-01 10:00\n2,u1,2020,x,y\n"
                    "3,u1\n4,u1,2020-01-02 10:00\n")
    data = read_twitter_io_archive(path, now=NOW)
    assert data.actions["action_id"].tolist() == ["1", "4"]
    assert_adds_up(data)
    assert data.report.files["actions"]["rejected"] == 2


def _truncated_gzip(text: str) -> bytes:
    blob = gzip.compress(text.encode(), compresslevel=1)
    return blob[: len(blob) // 2]


@pytest.mark.parametrize("blob", [b"this is not gzip", b"\x1f\x8b\x08\x00garbage",
                                  _truncated_gzip(ACT + "".join(
                                      f"t{i},a1,{T},post,{os.urandom(20).hex()}\n"
                                      for i in range(2000)))])
def test_bad_gzip_is_an_error_naming_the_file(tmp_path, blob):
    folder(tmp_path, actions=None)
    (tmp_path / "actions.csv.gz").write_bytes(blob)
    with pytest.raises(DataFormatError, match=r"actions.csv.gz: not a readable gzip file"):
        netlib.load(tmp_path, now=NOW)


@pytest.mark.parametrize("blob", [b"this is not gzip", _truncated_gzip(
    "tweetid,userid,tweet_time\n" + "".join(f"{i},u{os.urandom(20).hex()},2020-01-01\n"
                                            for i in range(3000)))])
def test_bad_gzip_io_archive_is_an_error_naming_the_file(tmp_path, blob):
    path = tmp_path / "tweets.csv.gz"
    path.write_bytes(blob)
    with pytest.raises(DataFormatError, match=r"tweets.csv.gz: not a readable gzip file"):
        read_twitter_io_archive(path, now=NOW)


@pytest.mark.parametrize("column", ["_row", "_reason", "_raw", "_file", "_column", "_rank",
                                    "handle_norm"])
def test_input_columns_named_like_internal_ones_do_not_collide(tmp_path, column):
    accounts = f"account_id,platform,handle,{column}\na1,x,Alice,mine1\na2,x,bob,mine2\n"
    actions = (f"action_id,account_id,timestamp,kind,{column}\nt1,a1,{T},post,v1\n"
               f"t2,zz,{T},post,v2\nt3,a1,bad,post,v3\nbroken,row\n")
    data = netlib.load(folder(tmp_path, accounts, actions), now=NOW)
    assert_adds_up(data)
    assert data.actions["action_id"].tolist() == ["t1"]
    assert data.actions[column].tolist() == ["v1"]  # the user's column, unchanged
    rejected = data.report.rejected["actions"]
    assert rejected["_row"].tolist() == [2, 3, 4]
    if column in ("_row", "_reason", "_raw"):
        assert rejected[f"{column} (input)"].tolist()[:2] == ["v2", "v3"]
    if column == "handle_norm":
        assert data.accounts["handle_norm"].tolist() == ["alice", "bob"]
        assert any("handle_norm is derived" in str(w) for w in data.report.warnings)
    else:
        assert data.accounts[column].tolist() == ["mine1", "mine2"]


# --- 4. environment ------------------------------------------------------------------------
def _actions_linked_outside(tmp_path: Path) -> Path:
    """An input folder whose actions.csv is a symbolic link to a file outside it."""
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP SECRET FIRST LINE\n")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    folder(data_dir, actions=None)
    (data_dir / "actions.csv").symlink_to(secret)
    return data_dir


def test_symlink_out_of_the_input_folder_is_refused_without_echo(tmp_path):
    data_dir = _actions_linked_outside(tmp_path)
    with pytest.raises(DataFormatError, match=r"actions.csv: is a symbolic link to a file "
                       r"outside the input folder") as err:
        netlib.load(data_dir, now=NOW)
    assert "SECRET" not in str(err.value)


def test_a_file_outside_the_input_folder_is_not_even_fingerprinted(tmp_path, monkeypatch):
    """The fingerprint runs beside the parse; a refused file is never opened for it."""
    from netlib.io import interchange

    data_dir = _actions_linked_outside(tmp_path)
    hashed = []
    monkeypatch.setattr(interchange, "sha256_file",
                        lambda path: hashed.append(Path(path).name) or "0" * 64)
    with pytest.raises(DataFormatError, match="outside the input folder"):
        netlib.load(data_dir, now=NOW)
    assert hashed == ["accounts.csv"]


def test_symlink_inside_the_input_folder_is_fine(tmp_path):
    folder(tmp_path, actions=None)
    (tmp_path / "real_actions.csv").write_text(ACT + f"t1,a1,{T},post,hi\n")
    (tmp_path / "actions.csv").symlink_to(tmp_path / "real_actions.csv")
    assert netlib.load(tmp_path, now=NOW).actions["action_id"].tolist() == ["t1"]


def test_symlink_out_of_a_searched_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("tweetid,userid,tweet_time\n1,SECRET,2020-01-01\n")
    data_dir = tmp_path / "archive"
    data_dir.mkdir()
    (data_dir / "tweets.csv").write_text("tweetid,userid,tweet_time\n1,u1,2020-01-01\n")
    (data_dir / "more_tweets.csv").symlink_to(secret)
    with pytest.raises(NetlibError, match=r"more_tweets.csv: is a symbolic link") as err:
        read_twitter_io_archive(data_dir, now=NOW)
    assert "SECRET" not in str(err.value)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_row_numbers_point_at_the_line_in_the_file(tmp_path, newline):
    lines = [ACT.strip(), "", f"t1,a1,{T},post,hi", "", "", f't2,a1,{T},post,"two', 'lines"',
             "t3,a1,not-a-date,post,x", "", f"t4,zz,{T},post,x"]
    text = newline.join(lines) + newline
    data = netlib.load(folder(tmp_path, actions=text), now=NOW)
    physical = text.split(newline)
    for issue in data.report.errors:
        assert issue.value in physical[issue.row]  # row r is line r + 1, i.e. index r
    assert sorted(i.row for i in data.report.errors) == [7, 9]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_io_archive_row_numbers_point_at_the_line_in_the_file(tmp_path, newline):
    """The fast (Arrow) reader counts line breaks inside quoted tweets too."""
    lines = ["tweetid,userid,tweet_time,tweet_text", "1,u1,2020-01-01 10:00,\"first",
             "second", "third\"", "2,u1,not-a-date,x", "3,u1,2020-01-01 11:00,\"a", "b\"",
             "1,u1,2020-01-01 12:00,dup"]
    text = newline.join(lines) + newline
    path = tmp_path / "tweets.csv"
    path.write_bytes(text.encode())
    data = read_twitter_io_archive(path, now=NOW)
    assert not any("slower parser" in n for n in data.report.notes)
    assert data.actions["text"].tolist() == [f"first{newline}second{newline}third",
                                             f"a{newline}b"]
    physical = text.split(newline)
    rows = {i.value: i.row for i in data.report.errors}
    assert rows == {"not-a-date": 4, "1": 7}
    assert all(value in physical[row] for value, row in rows.items())


def test_io_archive_stray_quote_is_caught_by_the_fast_reader_too(tmp_path):
    rows = ['1,u1,2020-01-01 10:00,"oops'] + [f"{i},u1,2020-01-01 10:00,x" for i in
                                              range(2, 8)] + ['8,u1,2020-01-01 10:00,end"',
                                                              "9,u2,2020-01-01 10:00,fine"]
    path = tmp_path / "tweets.csv"
    path.write_text("tweetid,userid,tweet_time,tweet_text\n" + "\n".join(rows) + "\n")
    data = read_twitter_io_archive(path, now=NOW)
    assert data.actions["action_id"].tolist() == ["9"]
    assert any(e.startswith("error: tweets.csv row 1: a quoted field runs from line 2 to "
                            "line 9") for e in errors(data))
    assert_adds_up(data)


def test_io_archive_quote_open_at_end_of_file_is_rejected(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text("tweetid,userid,tweet_time,tweet_text\n1,u1,2020-01-01 10:00,ok\n"
                    '2,u1,2020-01-01 10:00,"never closed\n')
    data = read_twitter_io_archive(path, now=NOW)
    assert data.actions["action_id"].tolist() == ["1"]
    assert any(e.startswith("error: tweets.csv row 2: a quote opened on line 3 is never "
                            "closed") for e in errors(data))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_read_as_text(tmp_path, encoding):
    """Spreadsheets save "Unicode text" as UTF-16 with a byte-order mark: read, not garbled."""
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
    accounts = (bom + ACC + "a1,x,élève\n").encode(encoding)
    actions = (bom + ACT + f"t1,a1,{T},post,\"two\nlines\"\n").encode(encoding)
    data = netlib.load(folder(tmp_path, accounts, actions), now=NOW)
    assert data.report.ok, errors(data)
    assert data.accounts["handle"].tolist() == ["élève"]
    assert data.actions["text"].tolist() == ["two\nlines"]


def test_utf16_without_a_bom_is_a_clean_error(tmp_path):
    accounts = (ACC + "a1,x,alice\n").encode("utf-16-le")
    with pytest.raises(NetlibError, match=r"accounts\.csv: missing required column"):
        netlib.load(folder(tmp_path, accounts), now=NOW)


WHATSAPP_CHAT = "01/03/2021, 12:00 - Alice: hello there\n01/03/2021, 12:01 - Bob: hi\n"


def _whatsapp_zip(path: Path, *, flag: int = 0, method: int | None = None,
                  padding: int = 0) -> Path:
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("WhatsApp Chat with G.txt", "w", force_zip64=True) as handle:
            handle.write(WHATSAPP_CHAT.encode())
            for _ in range(padding):
                handle.write(b"\n" * (1 << 20))
    raw = bytearray(path.read_bytes())
    for header, flags_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = raw.find(header)
        raw[at + flags_at] |= flag  # bit 0: encrypted
        if method is not None:
            raw[at + method_at] = method
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("kind, message", [
    ("encrypted", "not a readable zip file .*encrypted"),
    ("unknown method", "not a readable zip file .*compression method"),
    ("zip bomb", r"WhatsApp Chat with G\.txt would expand to 83,886,\d+ bytes from .* zip bomb"),
])
def test_whatsapp_zip_that_cannot_be_read_safely_is_a_clean_error(tmp_path, kind, message):
    path = tmp_path / "WhatsApp Chat with G.zip"
    _whatsapp_zip(path, flag=1 if kind == "encrypted" else 0,
                  method=99 if kind == "unknown method" else None,
                  padding=80 if kind == "zip bomb" else 0)
    with pytest.raises(DataFormatError, match=r"WhatsApp Chat with G\.zip: " + message):
        netlib.load(path, format="whatsapp", key="k", now=NOW)
    with pytest.raises(NetlibError):  # format detection does not trip over it either
        netlib.load(tmp_path, key="k", now=NOW)


def test_whatsapp_zip_reads(tmp_path):
    data = netlib.load(_whatsapp_zip(tmp_path / "WhatsApp Chat with G.zip"),
                       format="whatsapp", key="k", now=NOW)
    assert len(data.actions) == 2 and data.report.ok
