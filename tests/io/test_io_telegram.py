"""Telegram Desktop JSON exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_telegram_export
from netlib.schema import ACCOUNT_ID, ACTION_ID, HANDLE, HANDLE_NORM, KIND, OBJECT_ID, TEXT

FIXTURE = "tests/data/telegram/result.json"


def test_messages_become_actions_with_kinds():
    data = read_telegram_export(FIXTURE)
    acts = data.actions.set_index(ACTION_ID)
    assert acts.loc["1500123456:2", KIND] == "post"
    assert acts.loc["1500123456:2", "hashtags"] == "energy"
    assert acts.loc["1500123456:2", "urls"] == "https://example.org/a https://t.me/dailytruth/2"
    assert acts.loc["1500123456:2", "text"].startswith("Breaking: #energy prices up")
    assert (acts.loc["1500123456:5", KIND], acts.loc["1500123456:5", OBJECT_ID]) == \
        ("reply", "1500123456:2")
    assert acts.loc["1500123456:5", "text"] == '=HYPERLINK("http://evil.test","click")'


def test_forwards_of_one_original_share_an_object():
    data = read_telegram_export(FIXTURE)
    forwards = data.actions[data.actions[KIND] == "forward"]
    assert len(forwards) == 2 and forwards[OBJECT_ID].nunique() == 1
    assert set(forwards["hashtags"]) == {"energy"}  # found in plain-string text


def test_service_messages_are_skipped_and_counted_in_a_note():
    data = read_telegram_export(FIXTURE)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (5, 5, 0)
    assert any(n.startswith("1 service messages (joins, pins, title changes...) are not posts")
               for n in data.report.notes)
    kept = read_telegram_export(FIXTURE, include_service=True)
    assert len(kept.actions) == 6


def test_message_without_id_is_numbered_by_position(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"id": 5, "messages": [
        {"type": "message", "date_unixtime": "1643709600", "from_id": "user1", "text": "x"},
        {"id": 2, "type": "message", "date_unixtime": "1643709600", "from_id": "user1",
         "text": "y"}]}))
    data = read_telegram_export(path)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (2, 2, 0)
    assert set(data.actions[ACTION_ID]) == {"5:#1", "5:2"}
    assert any("1 messages have no id" in n for n in data.report.notes)


def test_entries_that_are_not_messages_are_rejected_with_a_reason(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"id": 5, "type": "personal_chat", "messages": [
        "just a string", {"id": 1, "type": "unsupported"},
        {"id": 2, "type": "message", "date_unixtime": "1643709600", "from_id": "user1",
         "from": "A", "text": 42},
        {"id": 3, "type": "message", "date_unixtime": "1643709600", "from_id": "user1",
         "from": "A", "text": ["plain ", {"type": "hashtag", "text": "#tag"}, 7]}]}))
    data = read_telegram_export(path)
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (4, 1, 3)
    lines = data.report.lines()
    assert any(ln.startswith("error: result.json row 1: entry is a str, not a message object")
               for ln in lines)
    assert any("row 2: entry of type 'unsupported' is not a message" in ln for ln in lines)
    assert any("row 3: text is a int" in ln for ln in lines)
    assert data.actions.iloc[0]["hashtags"] == "tag"


def test_personal_chat_senders_without_ids_are_told_apart_by_name(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Bob", "type": "personal_chat", "id": 9,
                                "messages": [
        {"id": 1, "type": "message", "date_unixtime": "1643709600", "from": "Bob",
         "text": "hi"},
        {"id": 2, "type": "message", "date_unixtime": "1643709660", "from": "Me",
         "text": "hello"}]}))
    data = netlib.load(path)
    assert len(data.actions) == 2 and set(data.accounts[ACCOUNT_ID]) == {"name:Bob", "name:Me"}


@pytest.mark.parametrize("export", [{"chats": {"list": []}}, {"messages": []},
                                    {"chats": {"list": [{"name": "x", "messages": []}]}}])
def test_export_without_messages_fails_loudly(tmp_path, export):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export))
    with pytest.raises(DataFormatError, match="no messages|lists no chats"):
        read_telegram_export(path)


LATER = pd.Timestamp("2030-01-01", tz="UTC")


def test_export_of_only_service_messages_fails_loudly(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"id": 1, "type": "personal_chat", "messages": [
        {"id": 1, "type": "service", "date_unixtime": "1643709600", "action": "phone_call"}]}))
    with pytest.raises(DataFormatError, match="all 1 entries are service messages"):
        read_telegram_export(path)
    assert len(read_telegram_export(path, include_service=True).actions) == 1


def _count_real(export):
    """Independent count of a Desktop export: (entries read, kept messages, senders)."""
    chats = [export] if "messages" in export else export["chats"]["list"]
    read = kept = 0
    senders = set()
    for chat in chats:
        for m in chat["messages"]:
            if m.get("type") == "service":
                continue
            read += 1
            if m.get("type", "message") == "message":
                kept += 1
                senders.add(m.get("from_id") or m.get("from"))
    return read, kept, senders


@pytest.mark.parametrize("name", [
    "joweich__chat-miner/telegram_test_single_export.json",
    "joweich__chat-miner/telegram_test_batch_export.json",
    "la-ninpre__tg2md/telegram_desktop_result_private_channel_2021.json",
    "Loganavter__Tkonverter/telegram_desktop_result_group.json",
])
def test_real_desktop_exports_counts(realdata, name):
    path = realdata / "platforms" / name
    export = json.loads(path.read_text(encoding="utf-8"))
    read, kept, senders = _count_real(export)
    data = netlib.load(path, now=LATER)  # the synthetic group has a message dated 2027
    assert data.report.format == "telegram"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (read, kept, read - kept)
    assert len(data.actions) == kept > 0
    assert len(data.accounts) == len(senders)


def test_real_desktop_exports_details(realdata):
    folder = realdata / "platforms"
    single = netlib.load(folder / "joweich__chat-miner" / "telegram_test_single_export.json")
    assert sorted(single.accounts["handle"]) == ["Author 1", "Author 2"]
    assert single.actions["urls"].dropna().tolist() == ["https://telegram.org/"]
    group = netlib.load(folder / "Loganavter__Tkonverter" / "telegram_desktop_result_group.json",
                        now=LATER)
    fwd = group.actions[group.actions[KIND] == "forward"]
    assert len(fwd) == 1 and fwd["forwarded_from"].iloc[0] == "Public Channel"
    assert any("type 'unsupported' is not a message" in i.reason
               for i in group.report.errors)
    channel = netlib.load(folder / "la-ninpre__tg2md" /
                          "telegram_desktop_result_private_channel_2021.json")
    assert set(channel.accounts[ACCOUNT_ID]) == {"channel1292077344"}
    assert "http://example.com/" in " ".join(channel.actions["urls"].dropna())


def test_unicode_names_kept_exactly():
    data = netlib.load("tests/data/telegram")
    assert data.report.format == "telegram"
    acc = data.accounts.set_index(ACCOUNT_ID)
    assert acc.loc["user777", HANDLE] == "Анна 🌻"
    assert acc.loc["user999", HANDLE] == "مرحبا"
    assert acc.loc["channel1500123456", HANDLE_NORM] == "daily truth"
    assert any("local 'date' was read as UTC" in n for n in data.report.notes)


def test_full_export_with_chat_list(tmp_path):
    chat = json.loads(open(FIXTURE, encoding="utf-8").read())
    (tmp_path / "result.json").write_text(json.dumps({"chats": {"list": [chat]}}))
    data = netlib.load(tmp_path)
    assert len(data.actions) == 5


@pytest.mark.parametrize("content, message", [
    ("", "file is empty"),
    ("{not json", "not valid JSON"),
    ('{"name": "x", "messages": 3}', r"no 'messages' list \(found: name, messages\)"),
])
def test_broken_exports(tmp_path, content, message):
    path = tmp_path / "result.json"
    path.write_text(content)
    with pytest.raises(DataFormatError, match=message):
        read_telegram_export(path)


# --- property test: random messages never crash the reader and always add up -------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_value = st.one_of(st.none(), st.integers(-3, 2_000_000_000), st.text(max_size=6),
                   st.sampled_from(["1643709600", "2022-02-01T10:00:00", "user1", "x"]))
_entity = st.fixed_dictionaries({"type": st.sampled_from(["hashtag", "link", "text_link",
                                                          "bold", None]),
                                 "text": _value}, optional={"href": _value})
_message = st.fixed_dictionaries({}, optional={
    "id": _value, "type": st.sampled_from(["message", "service", None]),
    "date": _value, "date_unixtime": _value, "from": _value, "from_id": _value,
    "forwarded_from": _value, "reply_to_message_id": _value,
    "text": st.one_of(_value, st.lists(st.one_of(st.text(max_size=5), _entity), max_size=3)),
    "photo": _value})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(st.one_of(_message, _value), max_size=6))
def test_random_messages_add_up(tmp_path_factory, messages):
    path = tmp_path_factory.mktemp("tg") / "result.json"
    path.write_text(json.dumps({"name": "c", "id": 1, "messages": messages}))
    if not messages:  # an export with no messages is an error, never an empty load
        with pytest.raises(DataFormatError, match="no messages"):
            read_telegram_export(path)
        return
    if all(isinstance(m, dict) and m.get("type") == "service" for m in messages):
        with pytest.raises(DataFormatError, match="are service messages"):
            read_telegram_export(path)
        return
    try:
        data = read_telegram_export(path, now=pd.Timestamp("2026-01-01", tz="UTC"))
    except DataFormatError as err:  # nothing readable is an error, never an empty load
        assert "none of the" in str(err) and "nothing loaded" in str(err)
        return
    assert len(data.actions) > 0
    info = data.report.files["actions"]
    assert info["read"] == info["kept"] + info["rejected"]
    assert len(data.report.rejected.get("actions", [])) == info["rejected"]
    assert data.actions[ACTION_ID].is_unique


def test_all_chats_export_keeps_every_sender(tmp_path):
    def msg(i, name, sender_id=None):
        out = {"id": i, "type": "message", "date_unixtime": str(1643709600 + i),
               "from": name, "text": f"m{i}"}
        if sender_id:
            out["from_id"] = sender_id
        return out

    export = {"about": "x", "chats": {"about": "y", "list": [
        {"name": "A", "type": "personal_chat", "id": 1,
         "messages": [msg(1, "Ann"), msg(2, "Me", "user9")]},
        {"name": "B", "type": "private_group", "id": 2,
         "messages": [msg(1, "Bob"), msg(2, "Cy"), msg(3, "Me", "user9")]},
        {"type": "saved_messages", "messages": [msg(1, "Me", "user9")]},
    ]}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export))
    data = netlib.load(path)
    assert set(data.accounts[ACCOUNT_ID]) == {"name:Ann", "user9", "name:Bob", "name:Cy"}
    assert len(data.actions) == 6 and data.actions[ACTION_ID].is_unique
    assert any("3 chats read" in n for n in data.report.notes)


@pytest.mark.parametrize("chat_type", [
    "personal_chat", "bot_chat", "private_group", "private_supergroup", "public_supergroup",
    "private_channel", "public_channel", "saved_messages"])
def test_every_chat_type_loads_with_entity_texts_and_forwards(tmp_path, chat_type):
    def msg(i, name, sender, **extra):
        return {"id": i, "type": "message", "date_unixtime": str(1643709600 + i),
                "from": name, "from_id": sender, **extra,
                "text": ["see ", {"type": "hashtag", "text": "#Vote"},
                         {"type": "text_link", "text": "here", "href": "https://e.org/a"}]}

    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "C", "type": chat_type, "id": 5, "messages": [
        msg(1, "A", "user1"),
        msg(2, "B", "user2", forwarded_from="Ch", forwarded_from_id="channel9"),
        msg(3, "A", "user1", saved_from="Zed")]}))
    data = netlib.load(path)
    assert data.report.format == "telegram"
    assert sorted(data.accounts[ACCOUNT_ID]) == ["user1", "user2"]
    assert list(data.actions[KIND]) == ["post", "forward", "forward"]
    assert list(data.actions["forwarded_from"].iloc[1:]) == ["Ch", "Zed"]
    assert set(data.actions["hashtags"]) == {"Vote"}
    assert set(data.actions["urls"]) == {"https://e.org/a"}
    assert data.actions[TEXT].iloc[0] == "see #Votehere"


def test_export_whose_entries_are_not_messages_fails_loudly(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "x", "type": "public_channel", "id": 1,
                                "messages": [{"foo": 1}, {"bar": 2}]}))
    with pytest.raises(DataFormatError,
                       match=r"none of the 2 entries could be read as a message \(missing"):
        netlib.load(path)
