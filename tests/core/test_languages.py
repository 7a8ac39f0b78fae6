"""Urdu, Arabic-script and Roman-Urdu support where the analyses use it.

``netlib.text`` is tested in test_text.py; here: the mirror name skeletons and blocking keys,
the text and hashtag traces, and the "from where" evidence of the hub time-zone table.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import pytest

import netlib
from netlib.mirrors.names import consonant_keys, similarity, skeleton, stem
from netlib.text import consonant_skeleton, script_of
from netlib.traces import build_traces, hashtag_objects, normalize_text

NOW = pd.Timestamp("2025-06-01", tz="UTC")


# --- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("ملک_نیوز", "ملك_نيوز"),            # Urdu and Arabic keyboards
    ("ملک_نیوز", "malik_news"),           # Urdu script and its Roman spelling
    ("ملک نیوز", "Malik News"),
    ("مُلک_نیوز", "ملک_نیوز"),            # vowel marks
    ("ملـــک_نیوز", "ملک\u200c_نیوز"),    # tatweel, zero-width non-joiner
])
def test_skeleton_meets_across_scripts(a, b):
    assert skeleton(a) == skeleton(b)


def test_skeleton_keeps_roman_urdu_intact():
    assert skeleton("malik_news") == "maliknews"
    assert skeleton("imran_khan") == "imrankhan"


def test_stem_of_the_urdu_name_and_its_roman_successor_is_one_blocking_key():
    assert stem("ملک_نیوز") == stem("malik_news_2") == stem("malik.news.2") == "maliknews"


def test_consonant_keys_are_shared_across_scripts_and_spellings():
    keys = [consonant_keys(n) for n in ("ملک نیوز", "ملک_نیوز", "malik_news", "malik.news.2",
                                        "malek_nuze")]
    assert all(k == keys[0] for k in keys) and keys[0] == ["cmlkns"]
    assert consonant_keys("ab") == []          # too short to identify anyone
    assert consonant_keys(None, float("nan")) == []
    assert consonant_keys("sports_daily") != keys[0]


def test_cross_script_similarity():
    assert similarity("ملک_نیوز", "malik_news_2") == 1.0
    assert similarity("ملک نیوز", "malek nuze") >= 0.8
    assert similarity("ملک_نیوز", "sports_daily") < 0.6
    assert similarity(None, "x") == 0.0


def _dictionary_pairs(root: Path) -> tuple[list[str], list[str]]:
    path = (root / "platforms" / "MoizRauf__Urdu--Roman-Urdu--English--Dictionary"
            / "en_ur_rom.high.tsv")
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str)
    frame = frame.dropna(subset=["Urdu", "Roman-Urdu"])
    keep = (frame["Roman-Urdu"].str.fullmatch(r"[A-Za-z]+")
            & frame["Urdu"].map(script_of).eq("arabic"))
    return frame.loc[keep, "Urdu"].tolist(), frame.loc[keep, "Roman-Urdu"].tolist()


@pytest.mark.realdata
def test_names_blocking_key_behaves_like_the_text_key_on_real_word_pairs(realdata):
    """Urdu word vs its Roman-Urdu spelling (MoizRauf dictionary, ~2,000 pairs of words with
    three or more consonants). Measured: names key 0.914 = text key; similarity 0.9+.

    The mirror blocking key (:func:`consonant_keys`) must meet as often as
    :func:`netlib.text.consonant_skeleton` does (test_text.py: >= 0.88 of true pairs,
    <= 0.02 of shuffled ones), and the names similarity must score the pairs as alike.
    """
    urdu, roman = _dictionary_pairs(realdata)
    assert len(urdu) > 3000
    # blocking keys of fewer than three consonants are not made (they meet by chance)
    long_enough = [len(consonant_skeleton(x)) >= 3 for x in urdu]
    urdu = [x for x, keep in zip(urdu, long_enough, strict=True) if keep]
    roman = [y for y, keep in zip(roman, long_enough, strict=True) if keep]
    shuffled = roman[:]
    random.Random(1).shuffle(shuffled)
    n = len(urdu)

    def share(a, b):
        return sum(bool(consonant_keys(x)) and consonant_keys(x) == consonant_keys(y)
                   for x, y in zip(a, b, strict=True)) / n

    text_true = sum(consonant_skeleton(x) == consonant_skeleton(y)
                    for x, y in zip(urdu, roman, strict=True)) / n
    names_true, names_rand = share(urdu, roman), share(urdu, shuffled)
    assert names_true >= 0.88 and names_true >= text_true - 0.02
    assert names_rand <= 0.02
    sim = sum(similarity(x, y) >= 0.8 for x, y in zip(urdu, roman, strict=True)) / n
    sim_rand = sum(similarity(x, y) >= 0.8 for x, y in zip(urdu, shuffled, strict=True)) / n
    print(f"names key {names_true:.3f} (text key {text_true:.3f}), random {names_rand:.3f}; "
          f"similarity >= 0.8: {sim:.3f}, random {sim_rand:.3f}")
    assert sim >= 0.9 and sim_rand <= 0.05


# --- traces ---------------------------------------------------------------------------------

def test_normalize_text_folds_arabic_script():
    assert normalize_text("ملك نيوز ۲۰۲۴") == normalize_text("مُلک\u200c نیوز 2024")
    assert normalize_text("پاکستان\u200f زندہ باد") == "پاکستان زندہ باد"
    assert normalize_text("Vote NOW") == "vote now"


def test_hashtag_objects_join_urdu_and_roman_spellings_only():
    t = hashtag_objects(["#PakistanZindabad", "#پاکستان_زندہ_باد", "#Vote", "#veto",
                         "#ملك_نيوز", "#ملک_نیوز"])
    obj = dict(zip(t["hashtag"], t["object_id"], strict=True))
    assert obj["#PakistanZindabad"] == obj["#پاکستان_زندہ_باد"] == "pakistanzindabad"
    assert obj["#Vote"] != obj["#veto"]                    # Latin-only groups stay apart
    assert obj["#ملك_نيوز"] == obj["#ملک_نیوز"]            # keyboards fold together
    assert t.set_index("hashtag").loc["#پاکستان_زندہ_باد", "merged"]
    assert t.set_index("hashtag").loc["#پاکستان_زندہ_باد", "transliteration"] == "pakistan_zinda_bad"


def test_build_traces_counts_an_urdu_tag_and_its_roman_spelling_as_one_object():
    acc = pd.DataFrame({"account_id": ["a", "b"], "platform": "x", "handle": ["a", "b"]})
    act = pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a", "b"],
                        "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z"],
                        "kind": "post", "hashtags": ["#پاکستان_زندہ_باد", "#PakistanZindabad"]})
    data = netlib.Dataset.from_frames(acc, act, now=NOW)
    tr = build_traces(data, traces="hashtag")
    assert tr["object_id"].nunique() == 1
    assert tr["object_id"].iloc[0] == "pakistanzindabad"


# --- "from where" evidence ------------------------------------------------------------------

def _phone_dataset():
    acc = pd.DataFrame({"account_id": ["a", "b", "c", "d", "e"], "platform": "whatsapp",
                        "handle": list("abcde"),
                        "calling_code": ["+92", "+92", "+92", "+93", None]})
    texts = ["یہ میرا نیا اکاؤنٹ ہے", "yeh mera naya account hai", "we are back, follow us",
             "ہمارا نیا پیج فالو کریں", "wapis aa gaye hain"]
    act = pd.DataFrame({"action_id": [str(i) for i in range(5)], "account_id": list("abcde"),
                        "timestamp": [f"2024-01-01T0{i}:00:00Z" for i in range(5)],
                        "kind": "post", "text": texts})
    return netlib.Dataset.from_frames(acc, act, now=NOW)


def test_timezone_table_carries_languages_and_calling_codes_as_evidence():
    from netlib.hubs import HubConfig, fit_timezones

    data = _phone_dataset()
    membership = pd.DataFrame({"account_id": list("abcde"), "cluster_id": [0, 0, 0, 0, 1]})
    zones = fit_timezones(data, membership, HubConfig()).set_index("cluster_id")
    assert zones.loc[0, "languages"] == "urdu 0.50, english 0.25, roman_urdu 0.25"  # ties by name
    assert zones.loc[0, "calling_codes"] == "+92 0.75, +93 0.25"
    assert zones.loc[0, "n_phone_members"] == 4
    assert zones.loc[0, "origin_evidence"].startswith("evidence, not location")
    assert zones.loc[1, "calling_codes"] == "" and zones.loc[1, "languages"] == "roman_urdu 1.00"
    # the time-zone fit itself is unchanged
    assert {"utc_offset_hours", "low", "high", "statement"} <= set(zones.columns)
