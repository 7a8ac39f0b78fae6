"""Account lifecycles and candidate (predecessor, successor) pairs found by blocking.

No pair of accounts is compared unless the two share a *blocking key* and the
successor was first seen inside the predecessor's takedown window. Keys are:

========  =======================================================================
``s``     name stem (handle, display name, an @-mention in the successor's first posts, or
          the handle stem without a glued-on affix such as ``real``)
``d``     one-deletion neighbourhood of the handle stem (catches one edited character)
``p/q``   the first / last five characters of the handle stem (catches added words)
``a``     one of four bands of the avatar hash (an exact band means few differing bits)
``l``     a rare link (profile URL, bio link, invite link or posted URL)
``f/g``   a shared follower or interactor / a shared followee (when follows are known)
``r``     the exact same handle (case-folded), taken by a later account: a re-registered
          handle is paired *whatever the gap* after the takedown (no ``after`` limit)
========  =======================================================================

Keys are joined inside weekly time buckets, so the work grows with the number of
accounts created around each takedown, never with the square of the table.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netlib.coaction.actions import positions
from netlib.coaction.engines.duck import duckdb_connection
from netlib.dataset import Dataset
from netlib.errors import DataFormatError
from netlib.lookup import isin, sorted_string_codes
from netlib.mirrors import _columns as C
from netlib.mirrors.names import affix_variants, skeleton_and_stem, stem, stem_consonant_keys
from netlib.schema import (
    ACCOUNT_ID,
    BIO,
    CREATED_AT,
    DISPLAY_NAME,
    HANDLE,
    KIND,
    PLATFORM,
    STATUS,
    SUSPENDED_AT,
    TEXT,
    TIMESTAMP,
    URL,
    URLS,
)

__all__ = ["account_profiles", "account_links", "candidate_pairs", "infer_takedowns",
           "name_keys", "avatar_keys", "handle_key", "normalize_link", "early_texts",
           "mention_stems", "BLOCK_NAMES", "FLAG_WEIGHT", "TAKEDOWN_SOURCES"]

BLOCK_NAMES = {1: "name", 2: "edit", 4: "affix", 8: "avatar", 16: "link", 32: "audience",
               64: "followees", 128: "reused"}
#: How much a shared key of each kind counts when the strongest candidates are kept.
FLAG_WEIGHT = {1: 4, 2: 2, 4: 1, 8: 4, 16: 4, 32: 2, 64: 2, 128: 8}
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.|t\.me/|chat\.whatsapp\.com/)[^\s<>\"')]+",
                          re.IGNORECASE)
_MENTION = re.compile(r"@([\w.]{2,40})", re.UNICODE)
_NS_PER_HOUR = 3_600 * 10**9
#: Action kinds whose text the account wrote itself.
OWN_TEXT_KINDS = ("post", "reply", "quote")


def _utc_ns(values: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds, NaT as the int64 minimum."""
    out = pd.to_datetime(values, utc=True)
    return out.dt.as_unit("ns").astype("int64").to_numpy() if len(out) else \
        np.array([], dtype="int64")


_WEEK = pd.Timedelta(days=7)

#: ``takedown_source`` values: how each predecessor's removal time was learned.
TAKEDOWN_SOURCES = {
    SUSPENDED_AT: "the data gives the removal time",
    "last_activity": "the status says removed; the time is its last action",
    "silence": "silent for ``silent_after`` before the end of the data (asked for)",
    "inferred": "inferred: silent far beyond its own rhythm before its platform's last action",
    "inferred_handle_reused": "inferred: a later account took its exact handle",
}


def infer_takedowns(actions: pd.DataFrame, *, factor: float = 3.0,
                    floor: pd.Timedelta = _WEEK,
                    min_actions: int = 5) -> pd.DataFrame:
    """Which accounts went silent far beyond their own rhythm before the data ends.

    An account with ``n >= min_actions`` actions is *silent* when the time from its last
    action to the last action on its platform (the end of observation) exceeds
    ``max(factor x q90, floor)``, where ``q90`` is the 90th percentile of its own gaps
    between consecutive actions.

    Why this rule: if a live account acts as a Poisson process of rate ``lambda``, the
    chance of no action in a time ``t`` is ``exp(-lambda t)`` (the survival function of
    the waiting time); its ``q90`` gap is ``ln(10)/lambda``, so a silence of
    ``factor x q90`` has probability ``10**-factor`` (1 in 1,000 for the default 3).
    Real activity is bursty with heavy-tailed gaps (Barabási 2005), which makes the mean
    gap a poor scale: the 90th percentile is robust to bursts yet still reflects long
    pauses, and the floor keeps weekly rhythms (a weekend, a holiday week) from reading
    as a takedown. Fewer than ``min_actions`` actions give no usable rate.

    Parameters
    ----------
    actions : DataFrame
        ``account_id, timestamp, platform``.
    factor : float
        ``k`` above.
    floor : Timedelta
        Shortest silence ever inferred.
    min_actions : int

    Returns
    -------
    DataFrame
        Indexed by ``account_id``: ``n_actions, last_action, end, q90_gap, needed,
        silent`` (``needed``: the silence the rule asks for; ``end``: the platform's last
        action).

    References
    ----------
    Lawless, J. F. (2003). Statistical Models and Methods for Lifetime Data (2nd ed.).
    Wiley. doi:10.1002/9781118033005 (survival and hazard of waiting times).
    Barabási, A.-L. (2005). The origin of bursts and heavy tails in human dynamics.
    Nature 435, 207-211. doi:10.1038/nature03459

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04",
    ...                     "2025-01-05", "2025-01-01", "2025-03-01"], utc=True)
    >>> act = pd.DataFrame({"account_id": list("aaaaabb"), "platform": "x", "timestamp": t})
    >>> infer_takedowns(act)["silent"].to_dict()
    {'a': True, 'b': False}
    """
    cols = ["n_actions", "last_action", "end", "q90_gap", "needed", "silent"]
    if not len(actions):
        return pd.DataFrame(columns=cols, index=pd.Index([], name=ACCOUNT_ID))
    account, account_names = sorted_string_codes(actions[ACCOUNT_ID])
    platform, _ = sorted_string_codes(actions[PLATFORM])
    coded = bool((account >= 0).all() and (platform >= 0).all())
    if coded:
        # grouped on integer codes in the ids' sorted order: the same groups, in the same
        # order, as on the strings (the account ids come back as the index below)
        a = pd.DataFrame({ACCOUNT_ID: account, PLATFORM: platform})
    else:   # a missing id or platform: grouped as the strings are (missing ones dropped)
        a = pd.DataFrame({ACCOUNT_ID: actions[ACCOUNT_ID].astype(str).to_numpy(),
                          PLATFORM: actions[PLATFORM].astype(str).to_numpy()})
    a["t"] = _utc_ns(actions[TIMESTAMP])
    a = a[a["t"] != np.iinfo(np.int64).min].sort_values([ACCOUNT_ID, "t"], kind="stable")
    end_of = a.groupby(PLATFORM)["t"].max()
    a["gap"] = a.groupby(ACCOUNT_ID)["t"].diff()
    g = a.groupby(ACCOUNT_ID, sort=True)
    # each account's most used platform (the first in sorted order among equals, as
    # Series.mode gives), without a Python call per account
    used = a.groupby([ACCOUNT_ID, PLATFORM], sort=True).size().rename("n").reset_index()
    top = used.sort_values([ACCOUNT_ID, "n", PLATFORM], ascending=[True, False, True],
                           kind="stable").drop_duplicates(ACCOUNT_ID)
    out = pd.DataFrame({"n_actions": g.size(), "last_ns": g["t"].max(),
                        "platform": top.set_index(ACCOUNT_ID)[PLATFORM]})
    out["q90_ns"] = g["gap"].quantile(0.9)
    out["end_ns"] = out["platform"].map(end_of)
    needed = np.maximum(factor * out["q90_ns"].fillna(0.0).to_numpy(), float(floor.value))
    silence = (out["end_ns"] - out["last_ns"]).to_numpy(dtype=float)
    out["silent"] = (out["n_actions"].to_numpy() >= min_actions) & (silence > needed)
    if coded:
        out.index = pd.Index(np.asarray(account_names, dtype=object)[out.index.to_numpy()],
                             dtype="str")
    res = pd.DataFrame({
        "n_actions": out["n_actions"].astype("int64"),
        "last_action": pd.to_datetime(out["last_ns"], utc=True),
        "end": pd.to_datetime(out["end_ns"], utc=True),
        "q90_gap": pd.to_timedelta(out["q90_ns"], unit="ns"),
        "needed": pd.to_timedelta(needed, unit="ns"),
        "silent": out["silent"].astype(bool)}, index=out.index)
    res.index.name = ACCOUNT_ID
    return res[cols]


def handle_key(value) -> str:
    """A handle as a platform compares it: without ``@``, case-folded ("" when missing)."""
    return str(value).strip().lstrip("@").casefold() if isinstance(value, str) else ""


def account_profiles(data: Dataset, *, silent_after: pd.Timedelta | None = None,
                     infer: bool = False, silence_factor: float = 3.0,
                     silence_floor: pd.Timedelta = _WEEK,
                     silence_min_actions: int = 5) -> pd.DataFrame:
    """One row per account with its lifecycle and normalised names.

    Parameters
    ----------
    data : Dataset
    silent_after : Timedelta, optional
        When given, an account not known to be removed whose last action is this long
        before the end of the data counts as gone at its last action.
    infer : bool
        Infer takedowns of accounts whose status is unknown (see :func:`infer_takedowns`;
        also an account whose exact handle a later account uses counts as gone).
    silence_factor, silence_floor, silence_min_actions
        The rule of :func:`infer_takedowns`.

    Returns
    -------
    DataFrame
        ``account_id, platform, handle, display_name, handle_skeleton, handle_stem,
        display_stem, first_seen, last_seen, n_actions, taken_down_at, takedown_source,
        name_count`` (``name_count``: accounts in the table sharing the handle stem;
        ``first_seen``: the earlier of creation and first action; ``takedown_source``: one
        of :data:`TAKEDOWN_SOURCES`, missing for accounts not gone). Known removals
        (``suspended_at``, or a removed ``status``) always win over inferred ones.
    """
    acc = data.accounts
    act = data.actions
    out = pd.DataFrame({
        ACCOUNT_ID: acc[ACCOUNT_ID].astype(str).to_numpy(),
        PLATFORM: acc[PLATFORM].astype(str).to_numpy(),
        HANDLE: acc[HANDLE].to_numpy(),
        DISPLAY_NAME: acc[DISPLAY_NAME].to_numpy(),
    })
    names = [skeleton_and_stem(h) for h in out[HANDLE].tolist()]
    out["handle_skeleton"] = [sk for sk, _ in names]
    out["handle_stem"] = [st for _, st in names]
    out["display_stem"] = [stem(h) for h in out[DISPLAY_NAME].tolist()]
    if len(act):
        grouped = act.groupby(ACCOUNT_ID, sort=False)[TIMESTAMP].agg(["min", "max", "size"])
    else:
        grouped = pd.DataFrame(columns=["min", "max", "size"])
    ids = out[ACCOUNT_ID]
    first_act = pd.to_datetime(ids.map(grouped["min"]), utc=True)
    last_act = pd.to_datetime(ids.map(grouped["max"]), utc=True)
    created = pd.to_datetime(acc[CREATED_AT], utc=True).reset_index(drop=True)
    # the earlier of the two: a creation time after the first action is a data error
    # (e.g. a creation time joined from another account of the same handle)
    out[C.FIRST_SEEN] = created.where(created.notna() & ~(created > first_act), first_act)
    out[C.LAST_SEEN] = last_act
    out["n_actions"] = ids.map(grouped["size"]).fillna(0).astype("int64")
    suspended = pd.to_datetime(acc[SUSPENDED_AT], utc=True).reset_index(drop=True)
    status = acc[STATUS].astype("string").reset_index(drop=True)
    removed = status.isin(["suspended", "deleted"]).fillna(False).to_numpy(bool)
    down = suspended.copy()
    source = pd.Series(np.where(suspended.notna(), SUSPENDED_AT, None), dtype=object)
    by_activity = suspended.isna().to_numpy() & removed & last_act.notna().to_numpy()
    down[by_activity] = last_act[by_activity]
    source[by_activity] = "last_activity"
    if silent_after is not None:
        ends = [s.max() for s in (act[TIMESTAMP] if len(act) else pd.Series(dtype=object),
                                  created, suspended) if len(s) and s.notna().any()]
        end = max(ends) if ends else pd.NaT
        silent = (down.isna() & ~removed & last_act.notna()
                  & (last_act < end - pd.Timedelta(silent_after))).to_numpy(bool)
        down[silent] = last_act[silent]
        source[silent] = "silence"
    if infer and len(act):
        unknown = (status.isna() & suspended.isna() & down.isna()).to_numpy(bool) \
            & last_act.notna().to_numpy()
        rule = infer_takedowns(act, factor=silence_factor, floor=silence_floor,
                               min_actions=silence_min_actions)
        silent = unknown & ids.map(rule["silent"]).fillna(False).to_numpy(bool)
        down[silent] = last_act[silent]
        source[silent] = "inferred"
        # a handle is held by one account at a time: a later account using the exact
        # handle means this one was renamed, deleted or removed before it
        key = pd.Series([handle_key(h) for h in out[HANDLE]])
        first_ns = _utc_ns(out[C.FIRST_SEEN])
        last_ns = _utc_ns(last_act)
        later = pd.DataFrame({"key": key, "first": first_ns})
        later = later[(later["key"].str.len() >= 3)
                      & (later["first"] != np.iinfo(np.int64).min)]
        latest_start = later.groupby("key")["first"].max()
        reused = (unknown & down.isna().to_numpy()
                  & (key.map(latest_start).fillna(np.iinfo(np.int64).min).to_numpy()
                     > last_ns))
        down[reused] = last_act[reused]
        source[reused] = "inferred_handle_reused"
    out[C.TAKEN_DOWN_AT] = down
    out[C.TAKEDOWN_SOURCE] = source
    counts = out["handle_stem"].value_counts()
    out[C.NAME_COUNT] = out["handle_stem"].map(counts).fillna(1).astype("int64")
    return out


def normalize_link(link: str) -> str:
    """A link without scheme, ``www.``/``m.`` and trailing punctuation, lower-cased.

    Examples
    --------
    >>> normalize_link("HTTPS://www.Example.org/a/")
    'example.org/a'
    """
    link = link.strip().strip(".,;:!?").lower()
    link = re.sub(r"^https?://", "", link)
    link = re.sub(r"^(www\.|m\.|mobile\.)", "", link)
    return link.rstrip("/")


def account_links(data: Dataset, *, max_accounts: int = 20,
                  first_posts: int | None = None) -> pd.DataFrame:
    """Rare links per account: profile URL, links in the bio, and posted URLs.

    A link used by more than ``max_accounts`` accounts (a news site, a popular video)
    says nothing about identity and is left out.

    Parameters
    ----------
    data : Dataset
    max_accounts : int
        Links used by more accounts than this are left out.
    first_posts : int, optional
        Only the URLs of each account's first ``first_posts`` actions (what exists soon
        after its creation); every posted URL when omitted.

    Returns
    -------
    DataFrame
        ``account_id, link`` (unique rows) and ``n_accounts`` (accounts using the link).
    """
    acc = data.accounts
    parts = [pd.DataFrame({ACCOUNT_ID: acc[ACCOUNT_ID].astype(str), "link": acc[URL]})]
    bio = acc[BIO].astype("string")
    found = bio.str.findall(_URL_IN_TEXT)
    parts.append(pd.DataFrame({ACCOUNT_ID: acc[ACCOUNT_ID].astype(str), "link": found})
                 .explode("link"))
    act = data.actions
    if first_posts is not None and len(act):
        act = act.sort_values(TIMESTAMP, kind="stable").groupby(ACCOUNT_ID, sort=False) \
            .head(first_posts)
    if len(act) and act[URLS].notna().any():
        posted = act.loc[act[URLS].notna(), [ACCOUNT_ID, URLS]]
        parts.append(pd.DataFrame({ACCOUNT_ID: posted[ACCOUNT_ID].astype(str),
                                   "link": posted[URLS].astype(str).str.split()})
                     .explode("link"))
    links = pd.concat(parts, ignore_index=True).dropna()
    links = pd.DataFrame({ACCOUNT_ID: links[ACCOUNT_ID].astype(str).to_numpy(),
                          "link": [normalize_link(str(x)) for x in links["link"]]}, dtype=object)
    links = links[links["link"].map(len) > 3].drop_duplicates()
    n = links.groupby("link")[ACCOUNT_ID].transform("size")
    links = links.assign(n_accounts=n.astype("int64"))
    return links[links["n_accounts"] <= max_accounts].reset_index(drop=True)


def early_texts(data: Dataset, account_ids, *, n_posts: int = 5) -> pd.Series:
    """The first ``n_posts`` own texts of each account, joined by newlines (index: account_id).

    Reposts and forwards are left out: their text is someone else's (an amplifier that
    reposts an operator's "we're back" post is not announcing itself).
    """
    act = data.actions
    if not len(act):
        return pd.Series(dtype=object)
    # own texts first: the account ids are then looked up on those rows only
    rows = np.flatnonzero((act[KIND].isin(OWN_TEXT_KINDS) & act[TEXT].notna()).to_numpy())
    ids = act[ACCOUNT_ID].iloc[rows]
    sub = act.iloc[rows[isin(ids, account_ids)]][[ACCOUNT_ID, TIMESTAMP, TEXT]]
    sub = sub.sort_values(TIMESTAMP, kind="stable").groupby(ACCOUNT_ID, sort=False).head(n_posts)
    joined: dict[str, list[str]] = {}
    for account, text in zip(sub[ACCOUNT_ID].tolist(), sub[TEXT].tolist(), strict=True):
        joined.setdefault(account, []).append(str(text))
    return pd.Series({a: "\n".join(t) for a, t in joined.items()}, dtype=object)


def _deletions(text: str) -> list[str]:
    if not 4 <= len(text) <= 16:
        return [text] if text else []
    return [text] + [text[:i] + text[i + 1:] for i in range(len(text))]


def _long(ids: np.ndarray, values: list[list[str]], flag: int) -> pd.DataFrame:
    lens = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    flat = [k for v in values for k in v]
    return pd.DataFrame({"id": np.repeat(ids, lens), "key": flat,
                         "flag": np.full(len(flat), flag, dtype=np.int64)})


def _long_by(ids: np.ndarray, code: np.ndarray, values: list[list[str]], flag: int
             ) -> pd.DataFrame:
    """``_long(ids, [values[c] for c in code], flag)`` without a list per account."""
    lens_of = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    lens = lens_of[code]
    total = int(lens.sum())
    if not total:
        return _long(ids[:0], [], flag)
    flat = np.array([k for v in values for k in v], dtype=object)
    starts = np.cumsum(lens_of) - lens_of
    # each account's keys: its value's run in ``flat``
    at = np.repeat(starts[code] - (np.cumsum(lens) - lens), lens) + np.arange(total)
    return pd.DataFrame({"id": np.repeat(ids, lens), "key": flat[at],
                         "flag": np.full(total, flag, dtype=np.int64)})


def name_keys(prof: pd.DataFrame, mentions: pd.Series | None,
              consonant: list[list[str]] | None = None) -> pd.DataFrame:
    """Name blocking keys (``s``, ``d``, ``p/q`` and consonant keys; see the module docstring).

    Parameters
    ----------
    prof : DataFrame
        ``account_id, handle, display_name, handle_stem, display_stem``.
    mentions : Series, optional
        Stems of handles @-mentioned in first posts (index: account_id).
    consonant : list of lists of str, optional
        Each account's :func:`~netlib.mirrors.names.consonant_keys` when already known
        (computed from ``handle`` and ``display_name`` otherwise).

    Returns
    -------
    DataFrame
        ``id, key, flag`` (``flag``: the key's bit in :data:`BLOCK_NAMES`).
    """
    ids = prof[ACCOUNT_ID].to_numpy()
    # the keys are made once per distinct stem (or stem pair), then laid out per account
    h_code, hs = pd.factorize(np.asarray(prof["handle_stem"].tolist(), dtype=object))
    d_code, ds = pd.factorize(np.asarray(prof["display_stem"].tolist(), dtype=object))
    if (h_code < 0).any() or (d_code < 0).any():
        raise DataFormatError("name_keys: handle_stem and display_stem must be strings "
                              "(account_profiles gives \"\" for a missing name)")
    both, pairs = pd.factorize(h_code.astype(np.int64) * max(len(ds), 1) + d_code)
    pair_h, pair_d = hs[pairs // max(len(ds), 1)], ds[pairs % max(len(ds), 1)]
    frames = [
        _long_by(ids, h_code, [[f"s{h}"] if len(h) >= 2 else [] for h in hs], 1),
        _long_by(ids, both, [[f"s{d}"] if len(d) >= 3 and d != h else []
                             for d, h in zip(pair_d, pair_h, strict=True)], 1),
        _long_by(ids, h_code, [[f"s{v}" for v in affix_variants(h)] for h in hs], 1),
        _long_by(ids, h_code, [[f"d{x}" for x in _deletions(h)] for h in hs], 2),
        _long_by(ids, h_code, [[f"p{h[:5]}", f"q{h[-5:]}"] if len(h) >= 7 else []
                               for h in hs], 4),
        # script-neutral consonant key: an Urdu name meets its Roman-Urdu spellings
        _long(ids, consonant, 2) if consonant is not None else
        _long_by(ids, both, [stem_consonant_keys(h, d)
                             for h, d in zip(pair_h, pair_d, strict=True)], 2),
    ]
    if mentions is not None and len(mentions):
        frames.append(pd.DataFrame({"id": mentions.index.to_numpy(),
                                    "key": ["s" + m for m in mentions.to_numpy()],
                                    "flag": 1}))
    return pd.concat(frames, ignore_index=True)


def avatar_keys(prof_hash: pd.Series, ids: np.ndarray, bands: int = 4) -> pd.DataFrame:
    """Avatar blocking keys: the hex hash cut into ``bands`` bands (``id, key, flag``).

    Two hashes a few bits apart share at least one band exactly.
    """
    text = prof_hash.astype("string").str.lower().str.strip()
    ok = (text.notna() & text.str.fullmatch(r"[0-9a-f]{8,}").fillna(False)).to_numpy(bool)
    # the keys of the accounts with a hash only (no list made for the others)
    good = np.flatnonzero(ok)
    values: list[list[str]] = []
    for value in text.to_numpy(dtype=object)[good]:
        width = max(1, len(value) // bands)
        values.append([f"a{i}:{value[i * width:(i + 1) * width]}" for i in range(bands)])
    return _long(np.asarray(ids)[good], values, 8)


def candidate_pairs(prof: pd.DataFrame, *, avatars: pd.Series, links: pd.DataFrame,
                    social: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                    mentions: pd.Series | None = None,
                    before: pd.Timedelta, after: pd.Timedelta,
                    max_block: int = 200, max_key_share: float = 0.5,
                    max_candidates: int = 30) -> pd.DataFrame:
    """Join blocking keys within the takedown window; never compares all pairs.

    Parameters
    ----------
    prof : DataFrame
        From :func:`account_profiles`.
    avatars : Series
        Profile image hashes aligned with ``prof``.
    links : DataFrame
        From :func:`account_links`.
    social : (DataFrame, DataFrame), optional
        Audience (followers and accounts that reposted or replied) and followees, each
        ``account_id, member``; a shared member is a key (members common in a week's new
        accounts are skipped like every other key).
    mentions : Series, optional
        Stems of handles @-mentioned in each account's first posts (index: account_id).
    before, after : Timedelta
        A successor may be first seen from ``before`` ahead of the takedown (a spare
        account) to ``after`` behind it.
    max_block : int
        A key shared by more accounts than this inside one week is skipped (too common
        to identify anyone).
    max_key_share : float
        A key held by more than this share of all accounts, and by more than
        ``max_block``, is skipped in every week (the ``user`` of default handles).
    max_candidates : int
        Per predecessor, keep the candidates sharing the strongest keys (name, avatar and
        link keys count most, then the number of shared keys).

    Returns
    -------
    DataFrame
        ``predecessor_id, successor_id, blocks`` (``blocks`` is a bit mask of
        :data:`BLOCK_NAMES`).
    """
    ids = prof[ACCOUNT_ID].to_numpy()
    empty = pd.DataFrame({C.PREDECESSOR_ID: pd.Series(dtype=object),
                          C.SUCCESSOR_ID: pd.Series(dtype=object),
                          C.BLOCKS: pd.Series(dtype="int64")})
    keys = pd.concat([
        name_keys(prof, mentions),
        avatar_keys(avatars.reset_index(drop=True), ids),
        pd.DataFrame({"id": links[ACCOUNT_ID].to_numpy(), "key": "l" + links["link"],
                      "flag": 16}),
    ], ignore_index=True)
    # integer codes: account position and key code (a shared follower or followee is
    # coded by its member id, each kind with its own range of codes)
    owners = [keys["id"].astype(str).to_numpy()]
    codes = [pd.factorize(keys["key"].to_numpy())[0].astype(np.int64)]
    flags = [keys["flag"].to_numpy().astype(np.int64)]
    next_code = int(codes[0].max(initial=-1)) + 1
    for frame, flag in ([] if social is None else ((social[0], 32), (social[1], 64))):
        if len(frame):
            member_code, members = pd.factorize(frame["member"].astype(str).to_numpy())
            codes.append(member_code.astype(np.int64) + next_code)
            next_code += len(members)
            owners.append(frame[ACCOUNT_ID].astype(str).to_numpy())
            flags.append(np.full(len(frame), flag, dtype=np.int64))
    down = _utc_ns(prof[C.TAKEN_DOWN_AT])
    first = _utc_ns(prof[C.FIRST_SEEN])
    nat = np.iinfo(np.int64).min
    is_pred = down != nat
    if not is_pred.any() or not sum(len(c) for c in codes):
        return empty
    acc = positions(np.concatenate(owners), ids)
    known = acc >= 0
    acc, code, flag = acc[known], np.concatenate(codes)[known], np.concatenate(flags)[known]
    # keys most accounts hold identify nobody: count each key's distinct holders
    holders = np.bincount(pd.unique(code * len(ids) + acc) // len(ids))
    limit = max(max_block, max_key_share * len(ids))
    if (holders > limit).any():
        rare = holders[code] <= limit
        acc, code, flag = acc[rare], code[rare], flag[rare]
    week = 7 * 24 * _NS_PER_HOUR
    lo = np.where(is_pred, (down - before.value) // week, 0)
    hi = np.where(is_pred, (down + after.value) // week, -1)
    lo_all, hi_all = int(lo[is_pred].min()), int(hi[is_pred].max())
    bucket_of = np.where(first != nat, first // week, lo_all - 1)
    # successor side: keys of accounts first seen inside some window, common keys dropped
    s_ok = (bucket_of[acc] >= lo_all) & (bucket_of[acc] <= hi_all)
    s_acc, s_code = acc[s_ok], code[s_ok]
    s_bucket = bucket_of[s_acc] - lo_all
    n_buckets = hi_all - lo_all + 1
    s_key = s_code * n_buckets + s_bucket
    uniq_key, inverse, counts = np.unique(s_key, return_inverse=True, return_counts=True)
    small = counts[inverse] <= max_block
    succ_side = pd.DataFrame({"k": s_key[small], "s": s_acc[small]})
    # predecessor side: each key repeated over the weeks its window touches
    p_ok = is_pred[acc]
    p_acc, p_code, p_flag = acc[p_ok], code[p_ok], flag[p_ok]
    reps = (hi[p_acc] - lo[p_acc] + 1).astype(np.int64)
    starts = np.repeat(lo[p_acc] - lo_all, reps)
    offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    pred_side = pd.DataFrame({"k": np.repeat(p_code, reps) * n_buckets + starts + offset,
                              "p": np.repeat(p_acc, reps), "flag": np.repeat(p_flag, reps)})
    pred_side["down_p"] = down[pred_side["p"].to_numpy()]
    pred_side["first_p"] = first[pred_side["p"].to_numpy()]
    succ_side["first_s"] = first[succ_side["s"].to_numpy()]
    reused = _reused_pairs(prof, down, first, before.value, max_block)
    # the join, the per-pair aggregation and the cut to the strongest candidates run in
    # DuckDB: the joined key matches (tens of millions of rows when followers are known)
    # are streamed, never held as one table. Per pair: the kinds of key shared (a bit mask
    # of distinct bits, so bit_or), their weight, and the number of keys shared.
    strength = " + ".join(f"(CASE WHEN blocks & {bit} > 0 THEN {weight} ELSE 0 END)"
                          for bit, weight in FLAG_WEIGHT.items())
    query = f"""
        WITH matched AS (
            SELECT pr.p, su.s, pr.flag FROM pred_side pr JOIN succ_side su ON pr.k = su.k
            WHERE pr.p <> su.s
              AND su.first_s - pr.down_p BETWEEN {-before.value} AND {after.value}
              AND (pr.first_p = {nat} OR su.first_s > pr.first_p)
            UNION ALL SELECT p, s, flag FROM reused),
        per_pair AS (
            SELECT p, s, bit_or(flag) AS blocks, count(*) AS n_keys
            FROM matched GROUP BY p, s),
        ranked AS (
            SELECT p, s, blocks, {strength} AS strength, n_keys FROM per_pair)
        SELECT p, s, blocks FROM ranked
        QUALIFY row_number() OVER (PARTITION BY p
                                   ORDER BY strength DESC, n_keys DESC, s) <= {max_candidates}
        ORDER BY p, strength DESC, n_keys DESC, s"""
    with duckdb_connection() as con:
        for name, frame in (("pred_side", pred_side), ("succ_side", succ_side),
                            ("reused", reused.astype("int64"))):
            con.register(name, frame)
        top = con.execute(query).fetchnumpy()
    if not len(top["p"]):
        return empty
    return pd.DataFrame({C.PREDECESSOR_ID: ids[top["p"]], C.SUCCESSOR_ID: ids[top["s"]],
                         C.BLOCKS: np.asarray(top["blocks"], dtype="int64")})


def _reused_pairs(prof: pd.DataFrame, down: np.ndarray, first: np.ndarray, before: int,
                  max_block: int) -> pd.DataFrame:
    """(p, s, 128) for every removed account p and later account s with its exact handle.

    No ``after`` limit: a handle re-registered months after the takedown is still a
    candidate (a handle is held by one account at a time, so the later account took it
    over). Handles shared by more than ``max_block`` accounts are skipped.
    """
    nat = np.iinfo(np.int64).min
    key = pd.Series([handle_key(h) for h in prof[HANDLE]])
    frame = pd.DataFrame({"key": key, "i": np.arange(len(prof))})
    frame = frame[frame["key"].str.len() >= 3]
    size = frame.groupby("key")["i"].transform("size")
    frame = frame[(size >= 2) & (size <= max_block)]
    if not len(frame):
        return pd.DataFrame({"p": [], "s": [], "flag": []}, dtype="int64")
    both = frame.merge(frame, on="key", suffixes=("_p", "_s"))
    pi, si = both["i_p"].to_numpy(), both["i_s"].to_numpy()
    keep = ((pi != si) & (down[pi] != nat) & (first[si] != nat)
            & (first[si] - np.where(down[pi] != nat, down[pi], 0) >= -before)
            & ((first[pi] == nat) | (first[si] > first[pi])))
    return pd.DataFrame({"p": pi[keep], "s": si[keep],
                         "flag": np.full(int(keep.sum()), 128, dtype=np.int64)})


def mention_stems(texts: pd.Series) -> pd.Series:
    """Stems of handles @-mentioned in texts (one row per mention; index: account_id)."""
    if not len(texts):
        return pd.Series(dtype=object)
    texts = texts[texts.astype(str).str.contains("@", regex=False)]
    found = texts.astype(str).str.findall(_MENTION).explode().dropna()
    stems = found.map(stem)
    return stems[stems.str.len() >= 2]
