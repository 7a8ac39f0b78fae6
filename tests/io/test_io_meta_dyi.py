"""Facebook/Instagram "Download Your Information" JSON exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import netlib
from netlib.errors import DataFormatError
from netlib.io import read_meta_dyi
from netlib.io.meta_dyi import fix_mojibake
from netlib.schema import ACCOUNT_ID, KIND, SOURCE_ID, TARGET_ID, TEXT, TIMESTAMP, URLS


def test_mojibake_is_repaired_where_it_round_trips(tmp_path):
    assert fix_mojibake("Ã©tÃ©") == "été"
    assert fix_mojibake("plain é") == "plain é"  # not mojibake: left alone
    path = tmp_path / "your_posts_1.json"
    text = "Caf\u00c3\u00a9 \u00f0\u009f\u0098\u0080"  # "Café 😀" as FB writes it
    path.write_text(json.dumps([{"timestamp": 1600000000, "title": "x wrote",
                                 "data": [{"post": text}]}]))
    data = read_meta_dyi(path, owner="x")
    assert list(data.actions[TEXT]) == ["Café 😀"]


def test_unknown_file_fails_loudly(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"something": []}))
    with pytest.raises(DataFormatError, match="not a DYI file this reader knows"):
        read_meta_dyi(path)


def test_real_facebook_mock_export(realdata):
    folder = realdata / "platforms" / "uvacw__osd2f"
    posts = json.loads((folder / "fb_dyi_mock_your_posts_0.json").read_text(encoding="utf-8"))
    comments = json.loads((folder / "fb_dyi_mock_comments.json").read_text(
        encoding="utf-8"))["comments_v2"]
    likes = json.loads((folder / "fb_dyi_mock_pages_youve_liked.json").read_text(
        encoding="utf-8"))["page_likes_v2"]
    reactions = json.loads((folder / "fb_dyi_mock_reactions_posts_and_comments.json")
                           .read_text(encoding="utf-8"))["reactions_v2"]
    data = netlib.load(folder)
    assert data.report.format == "meta_dyi"
    info = data.report.files["actions"]
    n = len(posts) + len(comments)
    assert (info["read"], info["kept"], info["rejected"]) == (n, n, 0) == (150, 150, 0)
    assert (data.actions[KIND] == "reply").sum() == len(comments)
    assert len(data.follows) == len(likes) == 20
    assert set(data.accounts[ACCOUNT_ID]) == {"charlesthompson"}
    assert any(f"{len(reactions)} reactions/likes" in n for n in data.report.notes)
    with_links = sum(1 for p in posts if p.get("attachments"))
    assert data.actions[URLS].notna().sum() >= with_links
    texts = sum(1 for p in posts if any(d.get("post") for d in p["data"]))
    assert data.actions[data.actions[KIND] == "post"][TEXT].notna().sum() == texts


def test_real_instagram_followers_and_following(realdata):
    folder = realdata / "platforms" / "altayince__instascope"
    followers = json.loads((folder / "followers_1.json").read_text(encoding="utf-8"))
    following = json.loads((folder / "following.json").read_text(
        encoding="utf-8"))["relationships_following"]
    names_in = [e["string_list_data"][0]["value"].strip().casefold() for e in followers]
    names_out = [e["title"].strip().casefold() for e in following]
    data = read_meta_dyi(folder, owner="Me.Myself")
    info = data.report.files["follows"]
    duplicates = len(names_in) - len(set(names_in))
    assert (info["read"], info["kept"], info["rejected"]) == \
        (len(followers) + len(following), len(followers) + len(following) - duplicates,
         duplicates) == (8, 7, 1)
    edges = set(zip(data.follows[SOURCE_ID], data.follows[TARGET_ID], strict=True))
    assert edges == {(n, "me.myself") for n in names_in} | \
        {("me.myself", n) for n in names_out}
    assert set(data.accounts["platform"]) == {"instagram"}
    assert len(data.accounts) == len(set(names_in) | set(names_out) | {"me.myself"})


def test_real_instagram_messages_match_chat_miner_target(realdata):
    folder = realdata / "platforms" / "joweich__chat-miner"
    target = json.loads((folder / "instagram_target.json").read_text(encoding="utf-8"))
    data = netlib.load(folder / "instagram_test_export.json")
    assert data.report.format == "meta_dyi"
    got = {(t, a, x) for t, a, x in data.actions[[TIMESTAMP, ACCOUNT_ID, TEXT]].itertuples(
        index=False)}
    assert got == {(pd.Timestamp(t["timestamp"], tz="UTC"), t["author"].casefold(),
                    t["message"]) for t in target}


def test_instagram_relationship_layouts_old_and_new(tmp_path):
    old = {"relationships_followers": [
        {"title": "", "string_list_data": [{"value": "Zed", "timestamp": 1600000000}]}]}
    new = {"relationships_following": [
        {"title": "Amy", "string_list_data": [{"href": "https://www.instagram.com/amy",
                                               "timestamp": 1600000001}]},
        {"title": "", "string_list_data": [{"href": "https://www.instagram.com/kim/",
                                            "timestamp": 1600000002}]}]}
    folder = tmp_path / "instagram-me"
    folder.mkdir()
    (folder / "followers_1.json").write_text(json.dumps(old))
    (folder / "following.json").write_text(json.dumps(new))
    data = netlib.load(folder, owner="me")
    assert data.report.format == "meta_dyi"
    assert set(zip(data.follows[SOURCE_ID], data.follows[TARGET_ID], strict=True)) == {
        ("zed", "me"), ("me", "amy"), ("me", "kim")}
    assert data.follows["since"].min() == pd.Timestamp(1600000000, unit="s", tz="UTC")


def test_reactions_only_fail_loudly(realdata):
    path = realdata / "platforms/uvacw__osd2f/fb_dyi_mock_reactions_posts_and_comments.json"
    with pytest.raises(DataFormatError, match="no posts, comments, messages or follows"):
        read_meta_dyi(path)
