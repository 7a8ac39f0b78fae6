"""Telegram API messages collected with Telethon (Message.to_dict() as JSON Lines)."""

from __future__ import annotations

import json

import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_telethon
from netlib.schema import ACCOUNT_ID, ACTION_ID, KIND, OBJECT_ID

FIXTURE = "tests/data/telethon/messages.jsonl"
REAL = "platforms/BDA-KTS__Telegram-Data-Collection/britishnewspatriot_1799276919.jsonl.txt"


def test_fixture_kinds_objects_and_counts():
    data = netlib.load(FIXTURE)
    assert data.report.format == "telethon"
    acts = data.actions.set_index(ACTION_ID)
    assert acts.loc["222:20", KIND] == "forward"
    assert acts.loc["222:20", OBJECT_ID] == "111:10"  # the original is in the data
    assert acts.loc["111:10", "hashtags"] == "news"
    assert acts.loc["111:10", "urls"] == "https://example.org/a"
    assert acts.loc["333:5", OBJECT_ID].startswith("tgfwd:")
    assert acts.loc["333:6", KIND] == "reply" and acts.loc["333:6", OBJECT_ID] == "333:5"
    assert set(data.accounts[ACCOUNT_ID]) == {"channel111", "channel222", "user44", "user45"}
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (6, 4, 2)
    assert any("1 service messages" in n for n in data.report.notes)
    reasons = " ".join(i.reason for i in data.report.errors)
    assert "line is not valid JSON" in reasons and "'User' is not a Telethon message" in reasons


def test_forwards_of_one_original_are_one_repost_object():
    from netlib.traces import build_traces

    traces = build_traces(read_telethon(FIXTURE), traces="repost")
    assert set(traces[OBJECT_ID]) >= {"post:111:10"}
    assert traces[traces[OBJECT_ID] == "post:111:10"][ACCOUNT_ID].nunique() == 2


def test_no_messages_fails_loudly(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"_": "Message", "peer_id": {"_": "PeerChannel", "channel_id": 1}}\n')
    with pytest.raises(DataFormatError, match="no line is a Telethon message"):
        read_telethon(path)
    empty = tmp_path / "e.jsonl"
    empty.write_text("")
    with pytest.raises(DataFormatError, match="file is empty"):
        read_telethon(empty)


def test_real_channel_counts(realdata):
    path = realdata / REAL
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    forwards = [r for r in records if r.get("fwd_from")]
    named = [r for r in forwards if r["fwd_from"].get("from_id")]
    senders = {f"channel{r['peer_id']['channel_id']}" for r in records
               if not r.get("from_id")}
    data = netlib.load(path)
    assert data.report.format == "telethon"
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (len(records), len(records), 0)
    assert (len(records), len(forwards), len(named)) == (20, 17, 16)
    assert set(data.accounts[ACCOUNT_ID]) == senders
    fwd = data.actions[data.actions[KIND] == "forward"]
    assert len(fwd) == len(forwards)
    expected = {f"{r['fwd_from']['from_id']['channel_id']}:{r['fwd_from']['channel_post']}"
                for r in named}
    assert set(fwd[OBJECT_ID]) - expected == {fwd[OBJECT_ID][fwd["fwd_from_name"]
                                                             == "Jordan"].iloc[0]}
