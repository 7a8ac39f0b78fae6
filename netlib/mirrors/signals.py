"""Pair signals: one evidence column per way a successor can resemble its predecessor.

Every function here takes the candidate pairs and returns arrays aligned with them;
nothing compares pairs outside the candidate set.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from netlib.dataset import Dataset
from netlib.lookup import arrow_strings, isin, positions
from netlib.mirrors import _columns as C
from netlib.mirrors._util import edit_similarity, jw_similarity
from netlib.mirrors.candidates import handle_key
from netlib.mirrors.names import skeleton
from netlib.schema import ACCOUNT_ID, ACTION_ID, OBJECT_ID, SOURCE_ID, TARGET_ID, TIMESTAMP
from netlib.text import find_announcements, map_distinct

__all__ = ["name_signals", "avatar_distance", "avatar_similarity", "text_similarity", "shared_links",
           "audience_overlap", "followees", "rhythm_similarity", "announcement_signals", "announces", "ANNOUNCE", "WEAK_ANNOUNCEMENTS"]

#: Phrases a re-created account uses to announce itself (several languages).
ANNOUNCE = re.compile(
    r"\b(new account|new acc|my new|our new|we'?re back|we are back|i'?m back|back again"
    r"|is back|backup|back-up|old account|previous account|main account|got (suspended|banned)"
    r"|was (suspended|banned|deleted)|follow (me|us) (here|again)|re-?follow|spare account"
    r"|reserve channel|nueva cuenta|cuenta nueva|volvimos|hemos vuelto|nouveau compte"
    r"|nous sommes de retour|je suis de retour|neuer account|wir sind zur[üu]ck"
    r"|nuovo account|nova conta|conta nova|voltamos|yeni hesap|akun baru|naya account)\b"
    r"|новый (аккаунт|канал)|мы вернулись|запасной (канал|аккаунт)|резервный"
    r"|حساب جديد|عدنا|حساب احتياطي|नया अकाउंट",
    re.IGNORECASE)


def name_signals(p: pd.DataFrame, s: pd.DataFrame) -> dict[str, np.ndarray]:
    """Handle and display-name similarity (Jaro-Winkler and Levenshtein on stems), rarity.

    ``p`` and ``s`` are profile rows aligned with the pairs (from
    :func:`~netlib.mirrors.candidates.account_profiles`).
    """
    ph, sh = p["handle_stem"].tolist(), s["handle_stem"].tolist()
    pd_, sd = p["display_stem"].tolist(), s["display_stem"].tolist()
    psk, ssk = p["handle_skeleton"].tolist(), s["handle_skeleton"].tolist()
    handle = np.maximum(jw_similarity(ph, sh), jw_similarity(psk, ssk))
    edit = np.maximum(edit_similarity(ph, sh), edit_similarity(psk, ssk))
    display = jw_similarity(pd_, sd)
    cross = np.maximum(jw_similarity(ph, sd), jw_similarity(pd_, sh))
    name = np.maximum.reduce([handle, display, cross])
    count = p[C.NAME_COUNT].to_numpy(dtype=float)
    # log-scaled against the table size, but never against fewer than 1,000 accounts: in a
    # tiny table three accounts sharing a name is not evidence that the name is common
    n_total = max(float(p.attrs.get("n_accounts", 1)), 1_000.0)
    rarity = 1.0 - np.log(np.maximum(count, 1.0)) / np.log(n_total)
    # very short stems identify little whatever their count
    short = np.array([min(len(x), len(y)) for x, y in zip(ph, sh, strict=True)])
    rarity = np.clip(rarity * np.clip(short / 5.0, 0.0, 1.0), 0.0, 1.0)
    return {C.HANDLE_SIM: handle, C.HANDLE_EDIT_SIM: edit, C.DISPLAY_SIM: display, C.NAME_SIM: name,
            C.NAME_COUNT: count.astype("int64"), C.NAME_RARITY: rarity}


def avatar_distance(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Hamming distance (bits) between hex perceptual hashes; NaN when either is missing."""
    out = np.full(len(a), np.nan)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        if not isinstance(x, str) or not isinstance(y, str) or len(x) != len(y) or not x:
            continue
        try:
            out[i] = (int(x, 16) ^ int(y, 16)).bit_count()
        except ValueError:
            continue
    return out


def avatar_similarity(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(avatar_distance, avatar_sim)``: differing bits, and 1 - bits / hex digits in [0, 1].

    NaN where either hash is missing or the two differ in length.
    """
    dist = avatar_distance(a, b)
    digits = a.astype("string").str.len().to_numpy(dtype=float)
    return dist, np.clip(1.0 - dist / np.maximum(digits, 1.0), 0.0, 1.0)


def text_similarity(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Token-set similarity in [0, 1] of two free texts (bios); 0 when either is empty."""
    left = [skeleton_text(x) for x in a.tolist()]
    right = [skeleton_text(y) for y in b.tolist()]
    if not left:
        return np.zeros(0)
    sim = np.asarray(process.cpdist(left, right, scorer=fuzz.token_sort_ratio, workers=1),
                     dtype=float) / 100.0
    empty = np.array([len(x) < 4 or len(y) < 4 for x, y in zip(left, right, strict=True)])
    return np.where(empty, 0.0, sim)


def skeleton_text(value) -> str:
    """Lower-cased words of a text with look-alike letters folded (for bio comparison)."""
    if not isinstance(value, str):
        return ""
    return " ".join(skeleton(w) for w in value.split())


def shared_links(pairs: pd.DataFrame, links: pd.DataFrame) -> np.ndarray:
    """Number of rare links (see :func:`account_links`) both accounts used."""
    if not len(pairs) or not len(links):
        return np.zeros(len(pairs), dtype="int64")
    lk = links[[ACCOUNT_ID, "link"]]
    m = (pairs[[C.PREDECESSOR_ID, C.SUCCESSOR_ID]].reset_index()
         .merge(lk, left_on=C.PREDECESSOR_ID, right_on=ACCOUNT_ID)
         .merge(lk, left_on=[C.SUCCESSOR_ID, "link"], right_on=[ACCOUNT_ID, "link"]))
    counts = m.groupby("index").size()
    return counts.reindex(range(len(pairs)), fill_value=0).to_numpy(dtype="int64")


def audience(data: Dataset, account_ids=None) -> pd.DataFrame:
    """Who follows or interacts with each account: ``account_id, member``.

    Members are followers (``follows.source_id`` of the account) and authors of actions
    whose ``object_id`` is one of the account's actions (reposts, replies, quotes,
    forwards of it).
    """
    parts = []
    if data.follows is not None and len(data.follows):
        f = data.follows
        if account_ids is not None:
            f = f[f[TARGET_ID].isin(set(account_ids))]
        parts.append(pd.DataFrame({ACCOUNT_ID: f[TARGET_ID].astype(str).to_numpy(),
                                   "member": f[SOURCE_ID].astype(str).to_numpy()}))
    act = data.actions
    if len(act) and act[OBJECT_ID].notna().any():
        own = act[[ACTION_ID, ACCOUNT_ID]] if account_ids is None else \
            act.loc[isin(act[ACCOUNT_ID], account_ids), [ACTION_ID, ACCOUNT_ID]]
        # an object's owner is the row holding its action id, found by Arrow's hash lookup
        # on the strings; when a found id is held by two rows (not in a loaded Dataset,
        # whose action ids are unique), or an id is missing, by the index as before
        ids = arrow_strings(own[ACTION_ID]).combine_chunks()
        at = positions(act[OBJECT_ID], ids)
        rows = np.flatnonzero(at >= 0)
        found = np.unique(at[rows])
        if ids.null_count == 0 and int(pc.sum(pc.is_in(ids, value_set=ids.take(found)))
                                       .as_py() or 0) == len(found):
            owners = own[ACCOUNT_ID].to_numpy()[at[rows]]
            hit = act.iloc[rows]
        else:
            owner = pd.Series(own[ACCOUNT_ID].to_numpy(), index=own[ACTION_ID].to_numpy())
            hit = act[isin(act[OBJECT_ID], owner.index)]
            owners = owner.loc[hit[OBJECT_ID]].to_numpy()
        parts.append(pd.DataFrame({ACCOUNT_ID: owners,
                                   "member": hit[ACCOUNT_ID].astype(str).to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=[ACCOUNT_ID, "member"])
    out = pd.concat(parts, ignore_index=True).drop_duplicates()
    return out[out[ACCOUNT_ID] != out["member"]]


def followees(data: Dataset, account_ids=None) -> pd.DataFrame:
    """Whom each account follows: ``account_id, member`` (from ``follows``)."""
    if data.follows is None or not len(data.follows):
        return pd.DataFrame(columns=[ACCOUNT_ID, "member"])
    f = data.follows
    if account_ids is not None:
        f = f[f[SOURCE_ID].isin(set(account_ids))]
    out = pd.DataFrame({ACCOUNT_ID: f[SOURCE_ID].astype(str).to_numpy(),
                        "member": f[TARGET_ID].astype(str).to_numpy()})
    return out[out[ACCOUNT_ID] != out["member"]].drop_duplicates()


def _codes(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(values.astype(str))


def audience_overlap(pairs: pd.DataFrame, members: pd.DataFrame) -> np.ndarray:
    """Jaccard overlap of the two accounts' audiences (0 when either has none).

    ``members`` holds distinct ``account_id, member`` rows (as :func:`audience` and
    :func:`followees` return them).
    """
    if not len(pairs) or not len(members):
        return np.zeros(len(pairs))
    size = members.groupby(ACCOUNT_ID).size()
    # shared members per pair on integer codes: each predecessor's members are laid out
    # once (sorted by account), repeated per pair, and looked up among the successor's
    owners, members_of = _codes(members[ACCOUNT_ID]), _codes(members["member"])
    account_codes = pd.Index(owners.categories)
    p = account_codes.get_indexer(pairs[C.PREDECESSOR_ID].astype(str))
    q = account_codes.get_indexer(pairs[C.SUCCESSOR_ID].astype(str))
    n_members = len(members_of.categories) + 1
    order = np.argsort(owners.codes, kind="stable")
    member_sorted = members_of.codes[order].astype(np.int64)
    start = np.searchsorted(owners.codes[order], np.arange(len(account_codes) + 1))
    count = np.where(p >= 0, start[p + 1] - start[np.maximum(p, 0)], 0)
    pair_of = np.repeat(np.arange(len(pairs)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    candidate = member_sorted[np.repeat(start[np.maximum(p, 0)], count) + offset]
    held = owners.codes.astype(np.int64) * n_members + members_of.codes
    successor = np.repeat(q.astype(np.int64), count)
    hit = pd.Index(successor * n_members + candidate).isin(held) & (successor >= 0)
    shared = np.bincount(pair_of[hit], minlength=len(pairs)).astype(float)
    a = pairs[C.PREDECESSOR_ID].map(size).fillna(0).to_numpy()
    b = pairs[C.SUCCESSOR_ID].map(size).fillna(0).to_numpy()
    union = a + b - shared
    return np.where(union > 0, shared / np.maximum(union, 1), 0.0)


_RHYTHM_CHUNK = 50_000


def rhythm_similarity(pairs: pd.DataFrame, data: Dataset, *,
                      min_actions: int = 5) -> np.ndarray:
    """Cosine similarity of hour-of-week activity histograms; NaN with too few actions."""
    ids = set(pairs[C.PREDECESSOR_ID]) | set(pairs[C.SUCCESSOR_ID])
    act = data.actions
    sub = act.loc[act[ACCOUNT_ID].isin(ids), [ACCOUNT_ID, TIMESTAMP]]
    if not len(sub):
        return np.full(len(pairs), np.nan)
    ts = sub[TIMESTAMP]
    how = (ts.dt.day_of_week * 24 + ts.dt.hour).to_numpy()
    codes, uniq = pd.factorize(sub[ACCOUNT_ID])
    hist = np.bincount(codes * 168 + how, minlength=len(uniq) * 168).reshape(
        len(uniq), 168).astype(float)
    totals = hist.sum(axis=1)
    norm = np.linalg.norm(hist, axis=1)
    index = pd.Series(np.arange(len(uniq)), index=uniq)
    pi = pairs[C.PREDECESSOR_ID].map(index).to_numpy(dtype=float)
    si = pairs[C.SUCCESSOR_ID].map(index).to_numpy(dtype=float)
    out = np.full(len(pairs), np.nan)
    ok = ~np.isnan(pi) & ~np.isnan(si)
    pi_i, si_i = pi[ok].astype(int), si[ok].astype(int)
    enough = (totals[pi_i] >= min_actions) & (totals[si_i] >= min_actions)
    dots = np.empty(len(pi_i))
    for start in range(0, len(pi_i), _RHYTHM_CHUNK):  # 168 floats per pair side: in chunks
        part = slice(start, start + _RHYTHM_CHUNK)
        dots[part] = np.einsum("ij,ij->i", hist[pi_i[part]], hist[si_i[part]])
    cos = dots / np.maximum(norm[pi_i] * norm[si_i], 1e-12)
    vals = np.where(enough, cos, np.nan)
    out[np.flatnonzero(ok)] = vals
    return out


#: Phrase ids of :func:`netlib.text.find_announcements` too common to count alone ("follow
#: karo" / "فالو کریں": "follow us" is said by every account, new or old).
WEAK_ANNOUNCEMENTS = frozenset({"ur_follow", "ru_follow"})


def announces(text: str) -> bool:
    """Does a text announce a re-created account (English, Urdu, Roman Urdu and others)?

    True when :func:`netlib.text.find_announcements` finds a phrase other than a bare
    "follow us" (:data:`WEAK_ANNOUNCEMENTS`), or :data:`ANNOUNCE` (phrases in a dozen
    more languages) matches.

    Examples
    --------
    >>> announces("mera naya account follow karo"), announces("follow karo")
    (True, False)
    >>> announces("ہمارا نیا اکاؤنٹ"), announces("We're back!"), announces("nice day")
    (True, True, False)
    """
    if not isinstance(text, str) or not text:
        return False
    found = find_announcements(text)
    return bool(set(found) - WEAK_ANNOUNCEMENTS) or bool(ANNOUNCE.search(text))


def announcement_signals(pairs: pd.DataFrame, texts: pd.Series,
                         handles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Does the successor announce itself, and does it name the old handle?

    Parameters
    ----------
    pairs : DataFrame
        ``predecessor_id, successor_id``.
    texts : Series
        Early posts per account (index: account_id).
    handles : Series
        Handle skeleton per account (index: account_id).

    Returns
    -------
    (announces, mentions_old) : two int arrays of 0/1
        ``announces``: :func:`announces` on the successor's early posts;
        ``mentions_old``: the predecessor's handle skeleton is one of its words (or, for
        handles of 6+ characters, part of the joined words).
    """
    succ = pairs[C.SUCCESSOR_ID].to_numpy()
    old = pairs[C.PREDECESSOR_ID].map(handles).fillna("").astype(str).tolist()
    wanted = texts[texts.index.isin(set(succ))]
    flag: dict[str, int] = {}
    words: dict[str, tuple[set[str], str]] = {}
    for account, text in wanted.items():
        text = str(text)
        flag[account] = int(announces(text))
        folded = [skeleton(w) for w in text.split()]
        words[account] = (set(folded), "".join(folded))
    announced = np.fromiter((flag.get(a, 0) for a in succ), dtype=np.int64, count=len(succ))
    mentions = np.zeros(len(succ), dtype=np.int64)
    for i, (account, handle) in enumerate(zip(succ, old, strict=True)):
        found = words.get(account)
        if found is None or len(handle) < 3:
            continue
        mentions[i] = int(handle in found[0] or (len(handle) >= 6 and handle in found[1]))
    return announced, mentions


def same_handle(p_handles, s_handles) -> np.ndarray:
    """1 where both accounts use the exact same handle (case-folded, without ``@``).

    Examples
    --------
    >>> same_handle(["@News_PK", "ab", None, "x1y"], ["news_pk", "ab", None, "x1z"]).tolist()
    [1, 0, 0, 0]
    """
    a = map_distinct(pd.Series(list(p_handles), dtype=object), handle_key)
    b = map_distinct(pd.Series(list(s_handles), dtype=object), handle_key)
    return ((a.str.len() >= 3) & (a == b)).to_numpy().astype(np.int64)
