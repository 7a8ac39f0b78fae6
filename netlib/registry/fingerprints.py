"""Fingerprints of accounts: what a registry keeps of a removed account, and what a new
account shows at its creation.

Only public profile fields and activity are fingerprinted: the handle and display name
(with their skeletons, stems, transliterations and consonant keys from
:mod:`netlib.mirrors.names`), the avatar hash, the bio as a MinHash signature of its
word shingles, links and their domains, the audience as a MinHash signature of its member
ids, and the hour-of-week rhythm.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.mirrors import MirrorConfig
from netlib.mirrors import columns as MC
from netlib.mirrors.candidates import account_links, account_profiles
from netlib.mirrors.names import CONSONANT_KEY_PREFIX, skeleton, skeleton_and_stem
from netlib.mirrors.signals import audience
from netlib.registry.sketch import bio_shingles, minhash, rhythm_histograms, to_bytes
from netlib.schema import (
    ACCOUNT_ID,
    BIO,
    CREATED_AT,
    DISPLAY_NAME,
    HANDLE,
    PLATFORM,
    PROFILE_IMAGE_HASH,
    TIMESTAMP,
)
from netlib.text import consonant_skeleton, transliterate_urdu

__all__ = ["FINGERPRINT_COLUMNS", "account_fingerprints", "removed_fingerprints",
           "domain_of", "name_forms"]

#: Columns of :func:`account_fingerprints`, in order.
FINGERPRINT_COLUMNS = [
    ACCOUNT_ID, PLATFORM, HANDLE, DISPLAY_NAME, "handle_skeleton", "handle_stem",
    "handle_translit", "display_skeleton", "display_stem", "display_translit",
    "consonant_keys", "avatar_hash", "bio_minhash", "links", "domains", "audience_minhash",
    "audience_size", "rhythm", "n_actions", CREATED_AT, MC.FIRST_SEEN, MC.LAST_SEEN,
    MC.TAKEN_DOWN_AT, MC.TAKEDOWN_SOURCE,
]
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                            "\ufe70-\ufefe]")
#: Membership columns :func:`removed_fingerprints` adds.
MEMBERSHIP_COLUMNS = ["cluster_id", "chain_id", "chain_position"]


def name_forms(values: pd.Series, stems: pd.Series | None = None) -> pd.DataFrame:
    """Skeleton, stem, transliteration and consonant key of each name (computed once per
    distinct name).

    Parameters
    ----------
    values : Series
        Names (handles or display names; missing values give empty forms).
    stems : Series, optional
        Their :func:`netlib.mirrors.names.stem` when already known (aligned).

    Returns
    -------
    DataFrame
        ``skeleton, stem, translit, consonant`` aligned with ``values``; ``translit`` is
        the Latin transliteration of a name written in Arabic script (missing otherwise),
        ``consonant`` the script-neutral key (:func:`netlib.mirrors.names.consonant_keys`,
        "" when shorter than 3 letters).

    Examples
    --------
    >>> name_forms(pd.Series(["ملک_نیوز"])).iloc[0].tolist()
    ['maliknews', 'maliknews', 'malik_news', 'cmlkns']
    """
    text = values.astype(object).where(values.notna(), None)
    known = {} if stems is None else dict(zip(text.tolist(), stems.tolist(), strict=True))
    forms: dict = {}
    for value in pd.unique(text):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            forms[value] = ("", "", None, "")
            continue
        value_str = str(value)
        if value in known:
            sk, st = skeleton(value_str), known[value]
        else:
            sk, st = skeleton_and_stem(value_str)
        key = consonant_skeleton(st)
        translit = (transliterate_urdu(value_str) if _ARABIC_LETTER.search(value_str)
                    else None)
        forms[value] = (sk, st, translit, CONSONANT_KEY_PREFIX + key if len(key) >= 3 else "")
    rows = [forms[v] for v in text.tolist()]
    return pd.DataFrame(rows, columns=["skeleton", "stem", "translit", "consonant"],
                        index=values.index)


def domain_of(link: str) -> str:
    """The host of a normalised link (``example.org/a`` -> ``example.org``)."""
    host = str(link).split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return host if "." in host else ""


def _grouped_lists(frame: pd.DataFrame, column: str, ids: pd.Series) -> list[list[str]]:
    if not len(frame):
        return [[] for _ in range(len(ids))]
    grouped = frame.groupby(ACCOUNT_ID, sort=False)[column].agg(lambda x: sorted(set(x)))
    found = ids.map(grouped)
    return [v if isinstance(v, list) else [] for v in found.tolist()]


def account_fingerprints(data: Dataset, profiles: pd.DataFrame | None = None, *,
                         first_posts: int | None = None, max_link_accounts: int = 20,
                         social: bool = True) -> pd.DataFrame:
    """One fingerprint row per account of ``profiles`` (every account when omitted).

    Parameters
    ----------
    data : Dataset
    profiles : DataFrame, optional
        Rows of :func:`netlib.mirrors.candidates.account_profiles` to fingerprint.
    first_posts : int, optional
        Read only each account's first ``first_posts`` actions for its links (what exists
        soon after its creation); all of them when omitted.
    max_link_accounts : int
        Links used by more accounts of ``data`` than this are not kept.
    social : bool, default True
        Sketch each account's audience (followers and interactors); without it
        ``audience_minhash`` is empty and ``audience_size`` 0 (a new account has none).

    Returns
    -------
    DataFrame
        :data:`FINGERPRINT_COLUMNS`: ``consonant_keys``, ``links`` and ``domains`` are
        lists; ``bio_minhash`` and ``audience_minhash`` are bytes (see
        :func:`netlib.registry.sketch.to_bytes`; None when empty); ``rhythm`` is a list of
        168 hour-of-week counts (None without actions); times are UTC.
    """
    prof = account_profiles(data) if profiles is None else profiles
    prof = prof.reset_index(drop=True)
    ids = prof[ACCOUNT_ID].astype(str)
    acc = data.accounts.set_index(data.accounts[ACCOUNT_ID].astype(str))
    out = pd.DataFrame({ACCOUNT_ID: ids, PLATFORM: prof[PLATFORM].astype(str),
                        HANDLE: prof[HANDLE], DISPLAY_NAME: prof[DISPLAY_NAME]})
    for side in ("handle", "display"):
        stems = prof[f"{side}_stem"] if f"{side}_stem" in prof else None
        forms = name_forms(out[HANDLE if side == "handle" else DISPLAY_NAME], stems)
        out[f"{side}_skeleton"] = forms["skeleton"].to_numpy()
        out[f"{side}_stem"] = forms["stem"].to_numpy()
        out[f"{side}_translit"] = forms["translit"].to_numpy()
        out[f"_{side}_consonant"] = forms["consonant"].to_numpy()
    out["consonant_keys"] = [list(dict.fromkeys(k for k in (a, b) if k))
                             for a, b in zip(out.pop("_handle_consonant"),
                                             out.pop("_display_consonant"), strict=True)]
    avatar = acc[PROFILE_IMAGE_HASH].reindex(ids).astype("string").str.strip().str.lower()
    out["avatar_hash"] = avatar.where(avatar.str.fullmatch(r"[0-9a-f]{8,}").fillna(False)) \
        .astype(object).where(lambda s: s.notna(), None).to_numpy()
    bios = acc[BIO].reindex(ids).tolist()
    out["bio_minhash"] = to_bytes(minhash([bio_shingles(b) for b in bios]))
    links = account_links(data, max_accounts=max_link_accounts, first_posts=first_posts)
    links = links[links[ACCOUNT_ID].isin(set(ids))]
    out["links"] = _grouped_lists(links, "link", ids)
    out["domains"] = [sorted({d for d in map(domain_of, v) if d}) for v in out["links"]]
    members = audience(data, set(ids)) if social else pd.DataFrame()
    if len(members):
        grouped = members.groupby(ACCOUNT_ID)["member"].agg(list)
        sets = [grouped.get(a, []) for a in ids]
    else:
        sets = [[] for _ in range(len(ids))]
    out["audience_minhash"] = to_bytes(minhash(sets))
    out["audience_size"] = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(ids))
    act = data.actions
    if first_posts is not None and len(act):
        act = act.sort_values(TIMESTAMP, kind="stable").groupby(ACCOUNT_ID, sort=False) \
            .head(first_posts)
    hist = rhythm_histograms(act[ACCOUNT_ID], act[TIMESTAMP], ids.tolist()) if len(act) \
        else np.zeros((len(ids), 168), dtype=np.int64)
    totals = hist.sum(axis=1)
    out["rhythm"] = [row.tolist() if t else None for row, t in zip(hist, totals, strict=True)]
    out["n_actions"] = prof["n_actions"].astype("int64").to_numpy()
    out[CREATED_AT] = pd.to_datetime(acc[CREATED_AT].reindex(ids), utc=True) \
        .reset_index(drop=True)
    for col in (MC.FIRST_SEEN, MC.LAST_SEEN, MC.TAKEN_DOWN_AT):
        out[col] = pd.to_datetime(prof[col], utc=True).reset_index(drop=True)
    out[MC.TAKEDOWN_SOURCE] = prof[MC.TAKEDOWN_SOURCE].to_numpy()
    return out[FINGERPRINT_COLUMNS]


def removed_fingerprints(data: Dataset, config: MirrorConfig | None = None, *,
                         clusters: pd.DataFrame | None = None,
                         chains: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fingerprints of every removed or inferred-gone account of ``data``.

    Removals are learned as the mirror analysis learns them
    (:func:`netlib.mirrors.candidates.account_profiles` with ``config``'s takedown
    inference; ``takedown_source`` says how).

    Parameters
    ----------
    data : Dataset
    config : MirrorConfig, optional
        Uses ``infer_takedowns``, ``silent_after``, ``silence_*`` and ``max_link_accounts``.
    clusters : DataFrame, optional
        ``account_id, cluster_id`` (from ``netlib analyze``'s ``clusters.csv``).
    chains : DataFrame, optional
        ``chain_id, position, account_id`` (from ``mirror_chains.csv``).

    Returns
    -------
    DataFrame
        :data:`FINGERPRINT_COLUMNS`, then ``cluster_id, chain_id, chain_position`` and
        ``record_sha256`` (a hash of every column before it: equal fingerprints, equal
        hash).
    """
    config = MirrorConfig.build(config)
    prof = account_profiles(
        data, silent_after=config.silent_timedelta, infer=config.infer_takedowns,
        silence_factor=config.silence_factor,
        silence_floor=pd.Timedelta(seconds=config.silence_floor),
        silence_min_actions=config.silence_min_actions)
    gone = prof[prof[MC.TAKEN_DOWN_AT].notna()]
    out = account_fingerprints(data, gone, max_link_accounts=config.max_link_accounts)
    ids = out[ACCOUNT_ID]
    if clusters is not None and len(clusters):
        cl = clusters.astype({ACCOUNT_ID: str}).drop_duplicates(ACCOUNT_ID) \
            .set_index(ACCOUNT_ID)["cluster_id"].astype(str)
        out["cluster_id"] = ids.map(cl).astype(object).where(lambda s: s.notna(), None)
    else:
        out["cluster_id"] = None
    if chains is not None and len(chains):
        ch = chains.astype({ACCOUNT_ID: str}).drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)
        out["chain_id"] = ids.map(ch["chain_id"].astype(str)).astype(object) \
            .where(lambda s: s.notna(), None)
        out["chain_position"] = pd.to_numeric(ids.map(ch["position"]), errors="coerce") \
            .astype("Int64")
    else:
        out["chain_id"] = None
        out["chain_position"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["record_sha256"] = [_record_hash(row) for row in
                            out[FINGERPRINT_COLUMNS + MEMBERSHIP_COLUMNS].itertuples(index=False)]
    return out


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _record_hash(row: tuple) -> str:
    text = json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
