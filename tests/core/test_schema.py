"""Validation of the interchange format: every hostile input gets a clear sentence.

Each case asserts the sentence a user sees (an exception message or a report line) and
that the report's counts add up: read == kept + rejected, with every rejected row
retrievable from ``report.rejected``.
"""

from __future__ import annotations

import csv
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netlib
from netlib.dataset import Dataset, normalize_handle
from netlib.errors import DataFormatError
from netlib.schema import ACCOUNT_ID, ACTION_ID, HANDLE, HANDLE_NORM, OBJECT_ID, TEXT, TIMESTAMP

NOW = pd.Timestamp("2026-06-01", tz="UTC")
ACCOUNTS = "account_id,platform,handle\na1,x,alice\na2,x,bob\n"
ACTIONS_HEADER = "action_id,account_id,timestamp,kind,object_id,text\n"


def write(folder, accounts=ACCOUNTS, actions=None, *, raw_actions: bytes | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    if accounts is not None:
        (folder / "accounts.csv").write_bytes(
            accounts if isinstance(accounts, bytes) else accounts.encode("utf-8"))
    if raw_actions is not None:
        (folder / "actions.csv").write_bytes(raw_actions)
    elif actions is not None:
        (folder / "actions.csv").write_text(ACTIONS_HEADER + actions, encoding="utf-8")
    return folder


def load(folder) -> Dataset:
    return netlib.load(folder, now=NOW)


def assert_accounting(data: Dataset) -> None:
    for table, info in data.report.files.items():
        assert info["read"] == info["kept"] + info["rejected"], table
        rejected = data.report.rejected.get(table)
        assert (0 if rejected is None else len(rejected)) == info["rejected"], table
    assert data.report.files["actions"]["kept"] == len(data.actions)
    assert data.report.files["accounts"]["kept"] == len(data.accounts)


# --- file-level problems: one DataFormatError sentence ------------------------------------
def test_missing_file_names_what_the_folder_holds(tmp_path):
    write(tmp_path, actions=None)
    with pytest.raises(DataFormatError, match=r"actions.csv: file not found \(the folder "
                       r"holds: accounts.csv\)"):
        load(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(DataFormatError, match="no such file or folder"):
        load(tmp_path / "nope")


def test_empty_file(tmp_path):
    write(tmp_path, raw_actions=b"")
    with pytest.raises(DataFormatError, match=r"actions.csv: file is empty \(expected a "
                       r"header row\)"):
        load(tmp_path)


def test_header_only_is_a_warning_not_an_error(tmp_path):
    write(tmp_path, actions="")
    data = load(tmp_path)
    assert "warning: actions.csv: file has a header but no rows" in data.report.lines()
    assert len(data.actions) == 0 and data.report.ok
    assert_accounting(data)


def test_missing_required_column_names_what_was_found(tmp_path):
    write(tmp_path, raw_actions=b"action_id,account_id,time,kind\nt1,a1,2021-01-01,post\n")
    with pytest.raises(DataFormatError, match=r"actions.csv: missing required column "
                       r"timestamp \(found: action_id, account_id, time, kind; expected at "
                       r"least: action_id, account_id, timestamp, kind\)"):
        load(tmp_path)


def test_unknown_format_is_explained(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataFormatError, match="could not tell the format"):
        load(tmp_path)


def test_explicit_format_wins(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01T00:00:00Z,post,,hi\n")
    data = netlib.load(tmp_path, format="netlib", now=NOW)
    assert data.report.notes[0] == "format 'netlib' chosen by the caller"
    with pytest.raises(DataFormatError, match="unknown format 'nope'"):
        netlib.load(tmp_path, format="nope")


# --- row-level problems: rejected, counted, retrievable -----------------------------------
def test_extra_unknown_columns_are_kept(tmp_path):
    write(tmp_path, accounts="account_id,platform,handle,party\na1,x,alice,blue\n",
          raw_actions=(ACTIONS_HEADER.strip() + ",mood\nt1,a1,2021-01-01,post,,hi,happy\n")
          .encode())
    data = load(tmp_path)
    assert data.actions["mood"].tolist() == ["happy"]
    assert data.accounts["party"].tolist() == ["blue"]
    assert data.report.ok


def test_duplicate_action_ids_keep_the_first(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01T00:00:00Z,post,,first\n"
                            "t1,a2,2021-01-01T00:01:00Z,post,,second\n")
    data = load(tmp_path)
    assert ("error: actions.csv row 2, column action_id: duplicate action_id (first "
            "occurrence kept) (value 't1')") in data.report.lines()
    assert data.actions[TEXT].tolist() == ["first"]
    assert data.report.rejected["actions"]["text"].tolist() == ["second"]
    assert_accounting(data)


def test_duplicate_keeps_the_first_valid_occurrence(tmp_path):
    write(tmp_path, actions="t1,a1,not a date,post,,broken\nt1,a1,2021-01-01,post,,good\n")
    data = load(tmp_path)
    assert data.actions[TEXT].tolist() == ["good"]
    assert_accounting(data)


def test_duplicate_account_ids(tmp_path):
    write(tmp_path, accounts=ACCOUNTS + "a1,x,alice_again\n", actions="")
    data = load(tmp_path)
    assert ("error: accounts.csv row 3, column account_id: duplicate account_id (first "
            "occurrence kept) (value 'a1')") in data.report.lines()
    assert data.accounts[HANDLE].tolist() == ["alice", "bob"]
    assert_accounting(data)


def test_unparseable_timestamp_keeps_the_original_value(tmp_path):
    write(tmp_path, actions="t1,a1,2026-13-01,post,,x\nt2,a1,2021-03-01T12:00:00Z,post,,y\n")
    data = load(tmp_path)
    assert ("error: actions.csv row 1, column timestamp: timestamp is not a date (expected "
            "ISO 8601, e.g. 2026-03-01T12:00:00Z, or epoch seconds) (value '2026-13-01')"
            ) in data.report.lines()
    rejected = data.report.rejected["actions"]
    assert rejected[TIMESTAMP].tolist() == ["2026-13-01"]  # unchanged, for inspection
    assert rejected["_reason"].str.startswith("timestamp is not a date").all()
    assert_accounting(data)


def test_mixed_time_zones_are_converted_and_noted(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01T03:00:00+03:00,post,,\n"
                            "t2,a1,2021-01-01T00:00:00Z,post,,\n"
                            "t3,a1,2020-12-31T19:00:00-05:00,post,,\n"
                            "t4,a1,2021-01-01 00:00:00,post,,\n"
                            "t5,a1,1609459200,post,,\n")
    data = load(tmp_path)
    assert (data.actions[TIMESTAMP] == pd.Timestamp("2021-01-01", tz="UTC")).all()
    assert ("actions.csv: timestamps mix UTC offsets (+0000, +0300, -0500; 1 without a "
            "zone, taken as UTC); all were converted to UTC") in data.report.notes
    assert_accounting(data)


@pytest.mark.parametrize("statuses, said", [
    (("", ""), "no account says whether or when it was removed"),
    (("suspended", ""), "1 of 2 accounts say nothing about whether or when it was removed"),
    (("active", "deleted"), None)])
def test_load_report_says_when_removals_will_be_inferred(tmp_path, statuses, said):
    write(tmp_path, accounts="account_id,platform,handle,status\n"
                             f"a1,x,alice,{statuses[0]}\na2,x,bob,{statuses[1]}\n",
          actions="t1,a1,2021-01-01T00:00:00Z,post,,\n")
    notes = [n for n in load(tmp_path).report.notes if "removed" in n]
    if said is None:
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0].startswith(f"accounts.csv: {said}")
        assert "infers their removals from each account's own silence" in notes[0]


@pytest.mark.parametrize("value, reason", [
    ("2031-01-01T00:00:00Z", "timestamp is in the future"),
    ("2005-12-31T23:59:59Z", "timestamp before 2006-01-01 is implausible"),
    ("0", "timestamp before 2006-01-01 is implausible"),
])
def test_implausible_times(tmp_path, value, reason):
    write(tmp_path, actions=f"t1,a1,{value},post,,\n")
    data = load(tmp_path)
    assert f"error: actions.csv row 1, column timestamp: {reason} (value '{value}')" in \
        data.report.lines()
    assert_accounting(data)


def test_action_of_unknown_account(tmp_path):
    write(tmp_path, actions="t1,ghost,2021-01-01,post,,\nt2,a1,2021-01-01,post,,\n")
    data = load(tmp_path)
    assert ("error: actions.csv row 1, column account_id: account_id not in accounts "
            "(value 'ghost')") in data.report.lines()
    assert data.actions[ACTION_ID].tolist() == ["t2"]
    assert_accounting(data)


def test_unknown_kind(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01,like,,\n")
    data = load(tmp_path)
    assert ("error: actions.csv row 1, column kind: unknown kind (expected one of "
            "post|repost|reply|quote|forward) (value 'like')") in data.report.lines()


def test_object_id_cycles_are_broken_with_a_warning(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01,repost,t2,\nt2,a2,2021-01-01,repost,t1,\n"
                            "t3,a2,2021-01-01,repost,t3,\nt4,a1,2021-01-02,repost,t1,\n")
    data = load(tmp_path)
    objects = data.actions.set_index(ACTION_ID)[OBJECT_ID]
    assert objects["t1"] is None and objects["t2"] is None and objects["t3"] is None
    assert objects["t4"] == "t1"  # pointing into a cycle is fine
    lines = data.report.lines()
    assert ("warning: actions.csv row 1, column object_id: object_id forms a cycle; link "
            "of action t1 blanked (value 't2')") in lines
    assert data.report.files["actions"]["warnings"] == 3
    assert data.report.ok  # repaired, not rejected
    assert_accounting(data)


def test_object_outside_the_data_is_fine(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01,repost,elsewhere,\n")
    data = load(tmp_path)
    assert data.actions[OBJECT_ID].tolist() == ["elsewhere"] and data.report.ok


# --- bytes and text ---------------------------------------------------------------------
def test_non_utf8_bytes_are_replaced_and_reported(tmp_path):
    write(tmp_path, accounts=b"account_id,platform,handle\na1,x,Caf\xe9\n", actions="")
    data = load(tmp_path)
    assert ("warning: accounts.csv: file contains bytes that are not UTF-8; they were "
            "replaced with U+FFFD (re-save the file as UTF-8 to keep them)") in \
        data.report.lines()
    assert data.accounts[HANDLE].tolist() == ["Caf\ufffd"]


def test_byte_order_mark_is_skipped(tmp_path):
    write(tmp_path, accounts=b"\xef\xbb\xbf" + ACCOUNTS.encode(),
          raw_actions=b"\xef\xbb\xbf" + (ACTIONS_HEADER + "t1,a1,2021-01-01,post,,\n").encode())
    data = load(tmp_path)
    assert data.accounts[ACCOUNT_ID].tolist() == ["a1", "a2"] and len(data.actions) == 1
    assert data.report.ok


def test_quoted_field_with_embedded_newlines(tmp_path):
    write(tmp_path, actions='t1,a1,2021-01-01,post,,"line one\nline two, with comma"\n'
                            "t2,a1,bad,post,,\n")
    data = load(tmp_path)
    assert data.actions[TEXT].tolist() == ["line one\nline two, with comma"]
    # row numbers are physical lines (header = row 0): the bad record starts on line 4
    assert any(line.startswith("error: actions.csv row 3, column timestamp")
               for line in data.report.lines())


def test_ten_megabyte_field(tmp_path):
    big = "x" * (10 * 1024 * 1024)
    write(tmp_path, actions=f't1,a1,2021-01-01,post,,"{big}"\nt2,a1,2021-01-01,post,,small\n')
    data = load(tmp_path)
    assert data.actions.set_index(ACTION_ID)[TEXT]["t1"] == big
    assert data.report.ok


@pytest.mark.parametrize("handle, normalised", [
    ("🔥Patriot🔥", "🔥patriot🔥"),
    ("مرحبا_news", "مرحبا_news"),
    ("\u202eevil", "\u202eevil"),
    ("Ｎｅｗｓ_Ｄａｉｌｙ", "news_daily"),       # full-width look-alikes fold under NFKC
    ("ｐａｙｐａｌ", "paypal"),
    ("раураl", "раураl"),                      # Cyrillic look-alikes are NOT folded here
    ("@ℌello", "hello"),
])
def test_unicode_handles_kept_exactly_and_matched_after_nfkc(tmp_path, handle, normalised):
    write(tmp_path, accounts=f"account_id,platform,handle\na1,x,{handle}\n", actions="")
    data = load(tmp_path)
    assert data.accounts[HANDLE].tolist() == [handle]
    assert data.accounts[HANDLE_NORM].tolist() == [normalised]
    assert normalize_handle(handle) == normalised


def test_formula_looking_text_is_kept_as_data(tmp_path):
    formula = '=HYPERLINK("http://evil.test","click")'
    escaped = formula.replace('"', '""')
    write(tmp_path, accounts=f'account_id,platform,handle,bio\na1,x,alice,"{escaped}"\n',
          actions=f't1,a1,2021-01-01,post,,"{escaped}"\nt2,a1,2021-01-01,post,,+1-2\n')
    data = load(tmp_path)
    assert data.actions.set_index(ACTION_ID)[TEXT].to_dict() == {"t1": formula, "t2": "+1-2"}
    assert data.accounts["bio"].tolist() == [formula]


def test_rejected_rows_list_every_reason(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01,post,,ok\nt2,zz,2021-01-01,post,,\n"
                            "t3,a1,never,post,,\nt1,a1,2021-01-02,post,,dup\n,a1,2021-01-01,post,,\n")
    data = load(tmp_path)
    reasons = data.report.rejected["actions"].set_index("_row")["_reason"].to_dict()
    assert set(reasons) == {2, 3, 4, 5}
    assert reasons[5] == "missing required value in action_id"
    counts = data.report.reasons()
    assert counts["count"].sum() == 4
    assert_accounting(data)


def test_from_frames_matches_loading_files(tmp_path):
    write(tmp_path, actions="t1,a1,2021-01-01,post,,hi\n")
    from_disk = load(tmp_path)
    in_memory = Dataset.from_frames(pd.read_csv(tmp_path / "accounts.csv", dtype=str),
                                    pd.read_csv(tmp_path / "actions.csv", dtype=str,
                                                keep_default_na=False), now=NOW)
    assert from_disk.actions[ACTION_ID].tolist() == in_memory.actions[ACTION_ID].tolist()


# --- property tests ---------------------------------------------------------------------
cell = st.one_of(
    st.sampled_from(["", " ", "a1", "a2", "t1", "post", "repost", "2021-01-01T00:00:00Z",
                     "1609459200", "2099-01-01", "1999-01-01", "=SUM(A1)", "\ufeff",
                     "NaN", "null", "\u202e", "ｐａｙ", "a\nb", '"', ",", "\\"]),
    st.text(alphabet=string.printable + "éж🔥\u200b", max_size=12),
)
action_row = st.fixed_dictionaries({
    "action_id": cell, "account_id": cell, "timestamp": cell, "kind": cell,
    "object_id": cell, "text": cell,
})
account_row = st.fixed_dictionaries({"account_id": cell, "platform": cell, "handle": cell,
                                     "created_at": cell, "followers_count": cell,
                                     "status": cell})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accounts=st.lists(account_row, max_size=6), actions=st.lists(action_row, max_size=10))
def test_random_rows_never_crash_and_always_add_up(tmp_path_factory, accounts, actions):
    folder = tmp_path_factory.mktemp("prop")
    pd.DataFrame(accounts, columns=["account_id", "platform", "handle", "created_at",
                                    "followers_count", "status"]).to_csv(
        folder / "accounts.csv", index=False, quoting=csv.QUOTE_ALL)
    pd.DataFrame(actions, columns=["action_id", "account_id", "timestamp", "kind",
                                   "object_id", "text"]).to_csv(
        folder / "actions.csv", index=False, quoting=csv.QUOTE_ALL)
    data = load(folder)
    assert_accounting(data)
    assert data.report.files["actions"]["read"] == len(actions)
    assert data.report.files["accounts"]["read"] == len(accounts)
    assert data.actions[ACTION_ID].is_unique
    assert data.accounts[ACCOUNT_ID].is_unique
    assert data.actions[ACCOUNT_ID].isin(set(data.accounts[ACCOUNT_ID])).all()
    assert data.actions[TIMESTAMP].notna().all()


@settings(max_examples=60, deadline=None)
@given(accounts=st.lists(account_row, max_size=6), actions=st.lists(action_row, max_size=10))
def test_random_frames_in_memory_add_up(accounts, actions):
    acc = pd.DataFrame(accounts, columns=["account_id", "platform", "handle", "created_at",
                                          "followers_count", "status"])
    act = pd.DataFrame(actions, columns=["action_id", "account_id", "timestamp", "kind",
                                         "object_id", "text"])
    data = Dataset.from_frames(acc, act, now=NOW)
    assert_accounting(data)
    assert data.report.files["actions"]["read"] == len(actions)


def test_parquet_tables_with_typed_columns(tmp_path):
    pd.DataFrame({"account_id": ["a1", "a2"], "platform": ["x", "x"],
                  "handle": ["alice", "bob"]}).to_parquet(tmp_path / "accounts.parquet")
    pd.DataFrame({"action_id": ["t1", "t2"], "account_id": ["a1", "a2"],
                  "timestamp": pd.to_datetime(["2021-01-01", "2021-01-02"], utc=True),
                  "kind": ["post", "repost"], "object_id": [None, "t1"]}).to_parquet(
        tmp_path / "actions.parquet")
    data = load(tmp_path)
    assert data.report.ok and len(data.actions) == 2
    assert data.actions.set_index(ACTION_ID)[OBJECT_ID].to_dict() == {"t1": None, "t2": "t1"}
