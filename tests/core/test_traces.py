"""Tests for netlib.traces: actions -> (account, trace, object, time)."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

import netlib
from netlib import traces
from netlib.errors import ParameterError
from netlib.traces import (
    TRACE_COLUMNS,
    TRACES,
    build_traces,
    media_groups,
    minhash_signatures,
    near_duplicate_groups,
    normalize_text,
    normalize_texts,
    normalize_url,
)

NOW = pd.Timestamp("2025-01-01", tz="UTC")


def make_data(rows: list[dict]) -> netlib.Dataset:
    actions = pd.DataFrame(rows)
    actions["action_id"] = [str(i) for i in range(len(actions))]
    if "timestamp" not in actions:
        actions["timestamp"] = [f"2024-05-01T10:00:{i:02d}Z" for i in range(len(actions))]
    actions["kind"] = actions.get("kind", pd.Series("post", index=actions.index)).fillna("post")
    ids = sorted(actions["account_id"].unique())
    accounts = pd.DataFrame({"account_id": ids, "platform": "x", "handle": ids})
    return netlib.Dataset.from_frames(accounts, actions, now=NOW)


@pytest.mark.parametrize("raw, expected", [
    ("https://www.example.com/a/b/", "example.com/a/b"),
    ("http://example.com/a/b", "example.com/a/b"),
    ("HTTPS://WWW.EXAMPLE.COM/a/B?utm_source=tw&utm_medium=x", "example.com/a/B"),
    ("https://example.com/p?id=2&fbclid=XYZ&gclid=1#frag", "example.com/p?id=2"),
    ("https://example.com/p?b=2&a=1", "example.com/p?a=1&b=2"),
    ("https://example.com:443/p", "example.com/p"),
    ("http://example.com:8080/p", "example.com:8080/p"),
    ("example.com/p/", "example.com/p"),
    ("https://example.com/", "example.com"),
])
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_normalize_text_strips_urls_mentions_and_case():
    assert normalize_text("Hello @Bob, see https://x.co/1 NOW!") == "hello see now"
    assert normalize_text(None) == ""


def test_near_duplicate_groups_joins_small_edits_only():
    texts = [normalize_text(t) for t in (
        "The mayor lied about the bridge budget again, share before they delete it",
        "The mayor lied about the bridge budget again!! share before they delete it",
        "the mayor LIED about the bridge budget again, share before they delete this",
        "Lovely weather at the beach today, the kids built a giant sandcastle",
    )]
    groups = near_duplicate_groups(texts, threshold=0.6)
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] != groups[0]


def test_near_duplicate_groups_is_deterministic():
    texts = [f"word{i % 7} shared message about topic {i % 3} with some padding" for i in range(60)]
    assert near_duplicate_groups(texts).tolist() == near_duplicate_groups(texts).tolist()


def _datasketch_minhash(text: str, k: int = 5, num_perm: int = 32, seed: int = 0) -> MinHash:
    """The oracle: datasketch's own MinHash fed the CRC-32 of every k-byte window."""
    data = text.encode("utf-8")
    shingles = [zlib.crc32(data)] if len(text) <= k else \
        [zlib.crc32(data[i:i + k]) for i in range(len(data) - k + 1)]
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v)
    m.update_batch(shingles)
    return m


def _datasketch_groups(texts: list[str], threshold: float) -> list[int]:
    """The oracle: leader clustering, one datasketch MinHash and LSH query at a time."""
    lsh, leaders, label = MinHashLSH(threshold=threshold, num_perm=32), {}, {}
    first = {}
    for pos, text in enumerate(texts):
        first.setdefault(text, pos)
    rank = {t: r for r, t in enumerate(sorted(first))}
    for text in first:                       # in order of first appearance
        m = _datasketch_minhash(text)
        sims = sorted((-m.jaccard(leaders[j][1]), rank[leaders[j][0]], j)
                       for j in lsh.query(m) if m.jaccard(leaders[j][1]) >= threshold)
        if sims:
            label[text] = label[sims[0][2]]
        else:
            key = str(len(leaders))
            leaders[key] = (text, m)
            label[text] = label[key] = text
            lsh.insert(key, m)
    group_first = {}
    return [group_first.setdefault(label[t], pos) for pos, t in enumerate(texts)]


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_minhash_signatures_equal_datasketch(monkeypatch, chunk):
    rng = np.random.default_rng(3)
    words = ["vote", "bridge", "ملک", "نیوز", "naya", "account", "😀", "a", "the"]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(0, 25)))) for _ in range(300)]
    texts += ["", "abcde", "abcdef", "ملک", "x" * 5000]
    monkeypatch.setattr(traces, "_WINDOW_CHUNK", chunk)    # texts split across chunks too
    expected = np.array([_datasketch_minhash(t).hashvalues for t in texts])
    assert (minhash_signatures(texts) == expected).all()


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_near_duplicate_groups_equal_a_datasketch_leader_clustering(threshold):
    rng = np.random.default_rng(11)
    base = ["the mayor lied about the bridge budget again share before they delete it",
            "hamara naya account follow karo purana band ho gaya",
            "نیا اکاؤنٹ فالو کریں پرانا بند ہو گیا ہے",
            "lovely weather at the beach today the kids built a sandcastle"]
    texts = []
    for _ in range(400):
        words = str(rng.choice(base)).split()
        for _ in range(int(rng.integers(0, 4))):     # a few word edits
            words[int(rng.integers(len(words)))] = str(rng.choice(["x", "now", "اب", "yes"]))
        texts.append(" ".join(words))
    assert near_duplicate_groups(texts, threshold=threshold).tolist() == \
        _datasketch_groups(texts, threshold)


def test_media_groups_hamming():
    groups = media_groups(["ff00ff00ff00ff00", "ff00ff00ff00ff01", "00ff00ff00ff00ff",
                           "sha-not-hex", "sha-not-hex"], max_distance=2)
    assert groups.tolist() == [0, 0, 2, 3, 3]
    assert media_groups(["ff00", "ff01"], max_distance=0).tolist() == [0, 1]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=(1 << 16) - 1), min_size=1, max_size=25),
       st.integers(min_value=0, max_value=3))
def test_media_groups_match_brute_force(values, d):
    hashes = [f"{v:04x}" for v in values]
    groups = media_groups(hashes, max_distance=d)
    # oracle: connected components of the "within d bits" graph
    n = len(values)
    comp = list(range(n))

    def find(i):
        while comp[i] != i:
            i = comp[i]
        return i
    for i, j in itertools.combinations(range(n), 2):
        if bin(values[i] ^ values[j]).count("1") <= d:
            comp[find(j)] = find(i)
    for i, j in itertools.combinations(range(n), 2):
        assert (groups[i] == groups[j]) == (find(i) == find(j))


def test_build_traces_all_behaviours():
    data = make_data([
        {"account_id": "a", "text": "original post with enough characters to trace", "kind": "post",
         "urls": "https://www.news.org/story/?utm_source=a", "hashtags": "Vote #Now",
         "media_hashes": "ffff0000ffff0000"},
        {"account_id": "b", "kind": "repost", "object_id": "0"},
        {"account_id": "c", "kind": "repost", "object_id": "1"},   # repost of a repost
        {"account_id": "d", "kind": "reply", "object_id": "0", "text": "ok"},
        {"account_id": "e", "text": "Original post, with enough characters to trace!",
         "urls": "http://news.org/story", "hashtags": "vote now",
         "media_hashes": "ffff0000ffff0001"},
    ])
    tr = build_traces(data)
    assert tuple(tr.columns) == TRACE_COLUMNS
    assert set(tr["trace"]) <= set(TRACES)

    def objects(trace):
        sub = tr[tr["trace"] == trace]
        return dict(zip(sub["account_id"], sub["object_id"], strict=False))
    reposts = tr[tr["trace"] == "repost"]
    assert set(reposts["object_id"]) == {"post:0"}             # chains resolved to the root
    assert sorted(reposts["account_id"]) == ["a", "b", "c"]    # the original takes part
    assert objects("reply") == {"d": "0"}
    assert objects("link") == {"a": "news.org/story", "e": "news.org/story"}
    assert objects("hashtag_seq") == {"a": "vote now", "e": "vote now"}
    assert sorted(tr.loc[tr["trace"] == "hashtag", "object_id"]) == ["now", "now", "vote", "vote"]
    assert objects("text")["a"] == objects("text")["e"]
    assert "d" not in objects("text")                            # too short to trace
    assert objects("media")["a"] == objects("media")["e"]
    assert tr["timestamp"].dt.tz is not None


def test_build_traces_selection_and_errors():
    data = make_data([{"account_id": "a", "hashtags": "x"}, {"account_id": "b", "hashtags": "x"}])
    tr = build_traces(data, traces=["hashtag"])
    assert set(tr["trace"]) == {"hashtag"} and len(tr) == 2
    assert build_traces(data, traces="repost").empty
    with pytest.raises(ParameterError, match="unknown trace 'retweet'"):
        build_traces(data, traces=["retweet"])
    with pytest.raises(ParameterError, match="text_threshold"):
        build_traces(data, text_threshold=0)
    with pytest.raises(ParameterError, match="media_distance"):
        build_traces(data, media_distance=-1)
    with pytest.raises(netlib.DataFormatError, match="account_id"):
        build_traces(pd.DataFrame({"action_id": ["1"], "timestamp": [NOW]}))


def test_build_traces_does_not_mutate_input():
    data = make_data([{"account_id": "a", "urls": "https://x.org/?utm_source=1"}])
    before = data.actions.copy()
    build_traces(data)
    pd.testing.assert_frame_equal(data.actions, before)


def test_domain_trace_reads_an_explicit_domains_column_only():
    rows = [{"account_id": "a", "urls": "https://x.org/1", "domains": "WWW.Example.com x.org"},
            {"account_id": "b", "urls": "https://x.org/2", "domains": "example.com example.com"},
            {"account_id": "c", "urls": "https://x.org/3"}]
    data = make_data(rows)
    data.actions["domains"] = [r.get("domains") for r in rows]
    got = build_traces(data, traces="domain")
    assert sorted(zip(got["account_id"], got["object_id"], strict=True)) == \
        [("a", "example.com"), ("a", "x.org"), ("b", "example.com")]
    # without the column there is no domain trace: links do not become domains
    assert build_traces(make_data(rows[2:]), traces="domain").empty


_TEXT_PIECES = st.sampled_from([
    "a", "Z", "9", "_", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "@", "@@", "#",
    "!", ".", "-", "/", ":", "http://", "HTTPS://", "www.", "WWW.", "t.co/x", "@bob",
    "RT", "ß", "é", "e\u0301", "ﬁ", "ملك", "ک", "۲", "\u200c", "Ⅻ", "İ", "ǅ", "\x00", "~"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(_TEXT_PIECES, max_size=12).map("".join)),
                max_size=8))
def test_normalize_texts_is_normalize_text_on_every_value(texts):
    # the Arrow kernels take the plain-ASCII texts; Python's function is the oracle
    values = pd.Series(texts, dtype=object, index=range(10, 10 + len(texts)))
    got = normalize_texts(values)
    assert got.index.equals(values.index)
    assert got.tolist() == [normalize_text(t) for t in texts]


ORDER_IDS = ["a", "b", "é", "e\u0301", "a\x00", "10", "9", ""]


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3),
                               st.sampled_from(ORDER_IDS), st.sampled_from(ORDER_IDS)),
                     min_size=1, max_size=25),
       dtype=st.sampled_from(["str", object]), zoned=st.booleans())
def test_trace_rows_are_ordered_as_a_stable_pandas_sort(rows, dtype, zoned):
    # the trace table's order (trace rank, time, action, object; ties in row order) as
    # Arrow sorts it, against pandas' stable sort of the same keys
    rank = np.array([r[0] for r in rows], dtype=np.int64)
    stamps = pd.to_datetime([f"2025-01-01 00:00:0{r[1]}" for r in rows],
                            utc=zoned)
    out = pd.DataFrame({"timestamp": stamps,
                        "action_id": pd.Series([r[2] for r in rows], dtype=dtype),
                        "object_id": pd.Series([r[3] for r in rows], dtype=dtype)})
    want = pd.DataFrame({"_rank": rank, "timestamp": stamps, "action_id": out["action_id"],
                         "object_id": out["object_id"]}).sort_values(
        ["_rank", "timestamp", "action_id", "object_id"], kind="stable").index.to_numpy()
    assert traces._trace_order(rank, out).tolist() == want.tolist()


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(st.sampled_from(ORDER_IDS[:5]), min_size=1, max_size=12),
       wanted=st.lists(st.sampled_from(ORDER_IDS[:5]), min_size=1, max_size=12),
       dtype=st.sampled_from(["str", object]), same=st.booleans())
def test_each_trace_row_gets_the_author_and_time_of_its_actions_first_row(ids, wanted,
                                                                          dtype, same):
    # Arrow's lookup (str ids, all found), the rows taken as the actions themselves
    # (``same``: the trace rows are the actions in order, ids repeated or not) or the
    # merge: either way an action id's first row, as a left merge on the de-duplicated
    # actions gives it
    wanted = list(ids) if same else wanted
    actions = pd.DataFrame({"action_id": pd.Series(ids, dtype=dtype),
                            "account_id": [f"u{i}" for i in range(len(ids))],
                            "timestamp": pd.date_range("2025-01-01", periods=len(ids),
                                                       freq="s", tz="UTC")})
    out = pd.DataFrame({"action_id": pd.Series(wanted, dtype=dtype), "trace": "post",
                        "object_id": "o"})
    got = traces._with_authors(out, actions)
    meta = actions.drop_duplicates("action_id")
    want = out.merge(meta, on="action_id", how="left")
    assert got["account_id"].astype(object).where(got["account_id"].notna(), None).tolist() \
        == want["account_id"].astype(object).where(want["account_id"].notna(), None).tolist()
    assert got["timestamp"].tolist() == want["timestamp"].tolist()
    if len(set(ids)) == len(ids):   # distinct ids, as a Dataset's: the same rows
        unique = traces._with_authors(out, actions, unique_ids=True)
        pd.testing.assert_frame_equal(unique, got)
