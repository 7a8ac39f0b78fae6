"""WhatsApp chat exports (.txt/.zip): every header style, phone-number hashing, groups."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import detect_format, read_whatsapp
from netlib.schema import ACCOUNT_ID, OBJECT_ID, TEXT, TIMESTAMP, URLS

FIXTURES = "tests/data/whatsapp"
LATER = pd.Timestamp("2030-01-01", tz="UTC")
MARKS = "\u200e\u200f\u202a\u202c"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
# An independent, deliberately simple oracle: a header starts with a bracket or a date;
# it is a message when a "Name:" follows the time, else a system line.
_HEAD = re.compile(r"^\[?\d{1,4}[./-]\d{1,2}[./-][RH]?\d{1,4}")
_AFTER_TIME = re.compile(r"\d{1,2}[:.]\d\d(?:[:.]\d\d)?(?:\s?(?:[AaPp]\.?\s?[Mm]\.?|م|ص))?"
                         r"\]?(?: -|:)? (?P<body>.*)$")


def _lines(path):
    raw = path.read_bytes().decode("utf-8-sig")
    return [ln.rstrip("\r") for ln in raw.split("\n")]


def _oracle(path):
    """(messages, system lines, media-marked lines, senders) counted from the raw file."""
    messages = system = media = 0
    senders = Counter()
    for line in _lines(path):
        clean = line.translate({ord(c): None for c in MARKS}).translate(_DIGITS)
        clean = clean.replace("\u00a0", " ").replace("\u060c", ",")
        head = _HEAD.match(clean)
        if not head:
            continue
        body = _AFTER_TIME.search(clean, head.end()).group("body")
        name, colon, text = body.partition(":")
        if not colon or '"' in name:
            system += 1
            continue
        messages += 1
        senders[name.strip()] += 1
        media += line.startswith(("\u200e[", "\u200f["))
    return messages, system, media, senders


def _oracle_first_sender(path):
    """The name before the first ': ' after the time on the first line (the banner's)."""
    first = next(ln for ln in _lines(path) if ln.strip())
    clean = first.translate({ord(c): None for c in MARKS}).translate(_DIGITS)
    body = _AFTER_TIME.search(clean.replace("\u00a0", " ").replace("\u060c", ","),
                              _HEAD.match(clean).end()).group("body")
    return body.partition(":")[0].strip()


def _banner_lines(path):
    """Encryption banners written with a sender (iOS, and whatstk's pokemon chat)."""
    lines = [ln for ln in _lines(path) if ln.strip()]
    first = lines[0]
    ios_banner = re.search(r"[:\]] [^:]+: [\u200e\u200f]", first.translate(_DIGITS))
    return int(bool(ios_banner) or "end-to-end encrypt" in first and ": " in first[20:])


REAL_TXT = [
    "joweich__chat-miner/whatsapp_test__mmddyy__24hrs.txt",
    "joweich__chat-miner/whatsapp_test_ddmmyy_24hrs.txt",
    "joweich__chat-miner/whatsapp_test_mmddyy_24hrs.txt",
    "joweich__chat-miner/whatsapp_test_mmddyyyy_12hrs.txt",
    "joweich__chat-miner/whatsapp_test_yyyymmdd_24hrs.txt",
    "lucasrodes__whatstk/pokemon.txt",
    "lucasrodes__whatstk/lorem.txt",
    "lucasrodes__whatstk/lorem-2000.txt",
    "lucasrodes__whatstk/lorem-merge-part1.txt",
    "lucasrodes__whatstk/lorem-merge-part2.txt",
    "JBGruber__rwhatsapp/sample.txt",
    "emmaakachukwu__whatsapp-chat-parser-rb/sample.txt",
    "nmoya__whatsapp-parser/testChat2.txt",
    "starkdmi__whats_json/android__CZ_Android_Dmitry_S.txt",
    "starkdmi__whats_json/android__WhatsApp_Chat_with_Dmitry_S_EN+Media_Android.txt",
    "starkdmi__whats_json/android__WhatsApp_Chat_with_Dmitry_S_EN_Android.txt",
    "starkdmi__whats_json/android__WhatsApp_Chat_with_Group_Chat_XXX_Android.txt",
    "starkdmi__whats_json/calendars__Gregorian_iOS.txt",
    "starkdmi__whats_json/calendars__Japanese_iOS.txt",
    "starkdmi__whats_json/example___chat.txt",
    "starkdmi__whats_json/example___chat_with_media.txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(Arabic).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(CZ).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(EN).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(EN+Media).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(FR).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(German).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(IT).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(Portugal).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(RU).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(Spanish).txt",
    "starkdmi__whats_json/ios__WhatsApp_Chat_-_Elon_Musk_(UKR).txt",
    "starkdmi__whats_json/ios__iOS_Indonesian.txt",
    "starkdmi__whats_json/ios__iOS_Japanese.txt",
    "starkdmi__whats_json/languages__arabic_ios.txt",
]


@pytest.mark.parametrize("name", REAL_TXT)
def test_real_exports_counts(realdata, name):
    path = realdata / "platforms" / name
    messages, system, media, senders = _oracle(path)
    banner = _banner_lines(path)
    assert detect_format(path) == "whatsapp"
    data = read_whatsapp(path, key="test-key", now=LATER)
    info = data.report.files["actions"]
    expected = messages - banner
    assert (info["read"], info["kept"], info["rejected"]) == (expected, expected, 0)
    assert f"{system + banner:,} system lines without a sender" in " ".join(data.report.notes)
    if media:  # iOS marks attachment lines with a leading LRM/RLM
        assert (data.actions["placeholder"] == "media").sum() == media
    # every sender is an account, except one whose only line is the encryption banner
    first = _oracle_first_sender(path) if banner else None
    assert len(data.accounts) == len(senders) - (senders.get(first) == 1)
    assert data.actions[TIMESTAMP].notna().all()


def test_real_chat_miner_parity_with_its_target(realdata):
    folder = realdata / "platforms" / "joweich__chat-miner"
    target = json.loads((folder / "whatsapp_target.json").read_text(encoding="utf-8"))
    expected = {(pd.Timestamp(t["timestamp"], tz="UTC"), t["author"],
                 " ".join(t["message"].split())) for t in target}
    for path in sorted(folder.glob("whatsapp_test_*.txt")):
        data = read_whatsapp(path, now=LATER)
        got = {(ts, a, " ".join(str(x).split())) for ts, a, x in
               data.actions[[TIMESTAMP, ACCOUNT_ID, TEXT]].itertuples(index=False)}
        assert expected <= got, path.name
        assert len(got - expected) == 1  # "John Doe:." (text "."), which chat-miner drops


def test_real_locales_agree_on_times(realdata):
    folder = realdata / "platforms" / "starkdmi__whats_json"
    hello = pd.Timestamp("2022-03-27 21:41:35", tz="UTC")
    for path in sorted(folder.glob("*iOS*.txt")) + sorted(folder.glob("ios__*.txt")) + \
            [folder / "languages__arabic_ios.txt"]:
        data = read_whatsapp(path, key="k", now=LATER)
        first = data.actions[data.actions[TEXT] == "Hello World"][TIMESTAMP].min()
        assert first == hello, path.name
    japanese = read_whatsapp(folder / "calendars__Japanese_iOS.txt", now=LATER)
    assert japanese.actions[TIMESTAMP].max().year == 2023  # R5
    assert any("Japanese era" in n for n in japanese.report.notes)


def test_real_phone_sender_needs_a_key(realdata):
    path = realdata / "platforms" / "starkdmi__whats_json" / "languages__arabic_ios.txt"
    with pytest.raises(DataFormatError, match="senders are phone numbers .*key="):
        read_whatsapp(path)
    data = read_whatsapp(path, key="k", now=LATER)
    hashed = data.accounts[data.accounts["calling_code"].notna()]
    assert list(hashed["calling_code"]) == ["+40"]
    assert hashed[ACCOUNT_ID].iloc[0].startswith("wa:")
    assert "521" not in " ".join(data.accounts[ACCOUNT_ID])
    kept = read_whatsapp(path, keep_phone_numbers=True, now=LATER)
    assert "+40 521 028 61 88" in set(kept.accounts[ACCOUNT_ID])


def test_real_zip_equals_its_txt(realdata):
    folder = realdata / "platforms" / "JBGruber__rwhatsapp"
    txt = read_whatsapp(folder / "sample.txt", now=LATER)
    packed = netlib.load(folder / "sample.zip", now=LATER)
    assert packed.report.format == "whatsapp"
    assert list(packed.actions[TEXT]) == list(txt.actions[TEXT])
    assert (packed.actions["placeholder"] == "media").sum() == 1  # <Media omitted>


def test_real_signal_export_is_not_whatsapp(realdata):
    path = realdata / "platforms" / "joweich__chat-miner" / "signal_test_export.txt"
    assert detect_format(path) != "whatsapp"


def test_real_ambiguous_order_is_noted(realdata):
    path = realdata / "platforms" / "nmoya__whatsapp-parser" / "testChat2.txt"
    data = read_whatsapp(path, now=LATER)
    assert any("ambiguous" in n and "day first" in n for n in data.report.notes)
    forced = read_whatsapp(path, date_order="MDY", now=LATER)
    assert forced.actions[TIMESTAMP].min().month == 9


def test_groups_buddhist_years_nnbsp_and_co_posted_text():
    data = netlib.load(FIXTURES, key="k", now=LATER)
    assert data.report.format == "whatsapp"
    acts = data.actions
    assert set(acts["chat"]) == {"Group A", "Group B"}
    assert acts[TIMESTAMP].min() == pd.Timestamp("2023-01-15 09:05", tz="UTC")  # 2566 BE
    vote = acts[acts[TEXT].fillna("").str.startswith("Vote for X")]
    assert len(vote) == 2 and vote[OBJECT_ID].nunique() == 1 and vote["chat"].nunique() == 2
    assert set(vote[URLS]) == {"https://example.org/x"}
    assert vote[TIMESTAMP].max() == pd.Timestamp("2023-01-16 21:12", tz="UTC")  # 9:12 PM
    assert set(acts["placeholder"].dropna()) == {"media", "notice"}
    assert not acts[TEXT].fillna("").str.contains("923001234567").any()  # mention hashed
    info = data.report.files["actions"]
    assert (info["read"], info["kept"], info["rejected"]) == (7, 7, 0)
    assert any("1 system lines" in n for n in data.report.notes)


def test_zip_chat_name_and_errors(tmp_path):
    archive = tmp_path / "WhatsApp Chat - Team.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", "[3/27/22, 21:41:35] Dmitry S: Hello World\r\n")
    data = read_whatsapp(archive, now=LATER)
    assert set(data.actions["chat"]) == {"Team"}
    bad = tmp_path / "notes.txt"
    bad.write_text("just some text\nno headers here\n")
    with pytest.raises(DataFormatError, match="no WhatsApp message header found"):
        read_whatsapp(bad)
    with pytest.raises(DataFormatError, match="date_order"):
        read_whatsapp(archive, date_order="DYM")


@pytest.mark.parametrize("line, when", [
    # header forms documented by Pustur/whatsapp-chat-parser's tests, and iOS 17's NNBSP
    ("03-06-2018, 01.55 PM - a: m", "2018-06-03 13:55"),
    ("13.06.18 21.25.15: a: m", "2018-06-13 21:25:15"),
    ("13.6.2018 klo 21.25.15 - a: m", "2018-06-13 21:25:15"),
    ("[3/6/18 1:55:00 p. m.] a: m", "2018-06-03 13:55"),  # ambiguous: DMY forced
    ("[13/6/18, 9:05:00\u202fAM] a: m", "2018-06-13 09:05"),
    ("13/06/2018, 21:25 \u2013 a: m", "2018-06-13 21:25"),
    ("[\u0661\u0663\u200f/\u0666\u200f/\u0662\u0660\u0661\u0668\u060c "
     "\u0669:\u0660\u0665:\u0660\u0660\u00a0\u0635] a: m", "2018-06-13 09:05"),
])
def test_header_forms(tmp_path, line, when):
    path = tmp_path / "chat.txt"
    path.write_text(line + "\n", encoding="utf-8")
    data = read_whatsapp(path, date_order=None if "13" in line or "١٣" in line else "DMY",
                         now=LATER)
    assert data.actions[TIMESTAMP].tolist() == [pd.Timestamp(when, tz="UTC")]
    assert data.actions[TEXT].tolist() == ["m"]


def test_time_zone_and_folder_with_other_txt(tmp_path):
    (tmp_path / "README.txt").write_text("not a chat\n")
    (tmp_path / "WhatsApp Chat with G.txt").write_text("20/01/2023, 11:23 - A: hi\n")
    data = read_whatsapp(tmp_path, tz="Asia/Karachi", now=LATER)
    assert data.actions[TIMESTAMP].tolist() == [pd.Timestamp("2023-01-20 06:23", tz="UTC")]
    assert any("README.txt" in n and "not read" in n for n in data.report.notes)
    assert any("WhatsApp Chat with G.txt (chat 'G'): 1 messages" in n
               for n in data.report.notes)


def test_same_message_in_two_groups_is_a_text_and_link_co_action(tmp_path):
    from netlib.traces import build_traces

    text = "Everyone must vote for candidate X tomorrow, share widely https://example.org/v"
    (tmp_path / "WhatsApp Chat with North.txt").write_text(
        f"20/01/2023, 11:23 - Ann: {text}\n21/01/2023, 09:00 - Ann: unrelated\n")
    (tmp_path / "WhatsApp Chat with South.txt").write_text(
        f"[20/01/2023, 11:23:40] Bob: {text}\n")
    data = read_whatsapp(tmp_path, now=LATER)
    traces = build_traces(data, traces=["text", "link"])
    for trace in ("text", "link"):
        shared = traces[traces["trace"] == trace].groupby(OBJECT_ID)[ACCOUNT_ID].nunique()
        assert (shared == 2).sum() == 1, trace
    posted = data.actions[data.actions[TEXT] == text]
    assert set(posted["chat"]) == {"North", "South"} and posted[OBJECT_ID].nunique() == 1
