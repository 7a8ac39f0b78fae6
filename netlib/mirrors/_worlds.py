"""Varied training worlds: synthetic scenarios post-processed so every signal varies.

The synthetic generator plants mirrors whose successors never announce themselves,
never change platform and always keep their follows; a model fit on it alone learns
nothing about those signals (their weights come out 0) and leans on audience overlap,
which real archives often lack. :func:`perturb` takes a scenario and, with rates drawn
from one seeded generator, changes what a real archive changes:

``missing``
    profile pictures and bios blanked at random, follows dropped (no audience data).
``announce``
    successors post "this is my new account" in English, Urdu or Roman Urdu, and name
    the old handle, at random rates (twice as often under a fresh name, which followers
    could not otherwise find); unrelated accounts do both too (a decoy rate), so
    an announcement is evidence, not proof.
``cross``
    successors moved to another platform, their follows and interactions removed (no
    shared audience).
``spare``
    successors created 1-6 days *before* the takedown (spares made in advance).
``no_status``
    no status and no removal times at all: removals must be inferred from silence.
``reregister``
    successors take the predecessor's exact handle 30-300 days after the takedown (half
    of them with a bare profile: a new id starts empty); and unrelated accounts take the
    handles of removed accounts nobody re-created (squatters), a tenth as often. The
    squatter rate is an assumption, and it sets how much a bare handle match counts:
    Twitter never releases a suspended account's handle and holds a deleted one for 30
    days, so a third party re-taking a removed operation's handle is taken to be rare.

Private to :mod:`netlib.mirrors` (used by :mod:`netlib.mirrors.training` and the tests).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    BIO,
    CREATED_AT,
    HANDLE,
    KIND,
    OBJECT_ID,
    PLATFORM,
    PROFILE_IMAGE_HASH,
    SOURCE_ID,
    STATUS,
    SUSPENDED_AT,
    TARGET_ID,
    TEXT,
    TIMESTAMP,
)

#: Perturbation rates of each variant (see the module docstring).
VARIANTS: dict[str, dict[str, float]] = {
    "plain": {},
    "missing": {"blank_avatar": 0.5, "blank_bio": 0.5, "drop_follows": 1.0},
    "announce": {"announce": 0.5, "mention": 0.3, "decoy_announce": 0.03,
                 "decoy_mention": 0.01},
    "cross": {"cross_platform": 0.4},
    "spare": {"spare": 0.4},
    "reregister": {"reregister": 0.3, "squat": 0.1},
    "no_status": {"drop_status": 1.0, "announce": 0.2, "mention": 0.1,
                  "decoy_announce": 0.01},
    "mixed": {"blank_avatar": 0.25, "blank_bio": 0.25, "announce": 0.3, "mention": 0.2,
              "decoy_announce": 0.02, "decoy_mention": 0.005, "cross_platform": 0.2,
              "spare": 0.2, "reregister": 0.15, "squat": 0.1},
}

#: Announcements by language: English, Urdu script, Roman Urdu.
ANNOUNCEMENTS = {
    "en": ["This is my new account, the old one got suspended", "We're back! Follow us here",
           "new account, please follow and share"],
    "ur": ["ہمارا نیا اکاؤنٹ فالو کریں", "پرانا اکاؤنٹ بند ہو گیا، یہ نیا اکاؤنٹ ہے",
           "ہم واپس آ گئے"],
    "ru": ["mera naya account follow karo", "purana account band ho gaya, ye naya acc hai",
           "hum wapis aa gaye, follow karo"],
}
MENTIONS = {"en": "old account @{h}", "ur": "@{h} بند ہو گیا", "ru": "@{h} band ho gaya"}
_DAY = pd.Timedelta(days=1)


def perturb(data: Dataset, mirrors: pd.DataFrame, rates: dict[str, float], *,
            seed: int) -> Dataset:
    """A copy of ``data`` changed as ``rates`` says (planted ``mirrors`` stay the truth).

    Parameters
    ----------
    data : Dataset
        A synthetic scenario's dataset.
    mirrors : DataFrame
        Its planted ``predecessor_id, successor_id`` links.
    rates : dict
        Keys of :data:`VARIANTS` values; missing keys are 0.
    seed : int

    Returns
    -------
    Dataset
    """
    rng = np.random.default_rng(seed)
    acc = data.accounts.copy()
    act = data.actions.copy()
    fol = None if data.follows is None else data.follows.copy()
    rate = lambda key: float(rates.get(key, 0.0))  # noqa: E731
    pos = pd.Series(np.arange(len(acc)), index=acc[ACCOUNT_ID].astype(str))
    pairs = mirrors[["predecessor_id", "successor_id"]].astype(str)
    pairs = pairs[pairs["predecessor_id"].isin(pos.index) & pairs["successor_id"].isin(pos.index)]
    # successors may themselves be predecessors (chains): move only leaf successors in time
    preds = set(pairs["predecessor_id"])
    down = pd.to_datetime(acc[SUSPENDED_AT], utc=True).set_axis(acc[ACCOUNT_ID].astype(str))
    first_act = act.groupby(ACCOUNT_ID)[TIMESTAMP].min()
    created = pd.to_datetime(acc[CREATED_AT], utc=True).set_axis(acc[ACCOUNT_ID].astype(str))
    first = created.where(created.notna(), first_act.reindex(created.index))
    new_rows: list[dict] = []
    next_id = [0]

    def shift(account: str, delta: pd.Timedelta) -> None:
        acc.loc[acc[ACCOUNT_ID] == account, CREATED_AT] = created[account] + delta
        mask = act[ACCOUNT_ID] == account
        act.loc[mask, TIMESTAMP] = act.loc[mask, TIMESTAMP] + delta
        first[account] = first[account] + delta

    def say(account: str, text: str) -> None:
        next_id[0] += 1
        when = first[account] if pd.notna(first[account]) else act[TIMESTAMP].min()
        new_rows.append({ACTION_ID: f"w{seed}_{next_id[0]}", ACCOUNT_ID: account,
                         TIMESTAMP: when + pd.Timedelta(minutes=1), KIND: "post",
                         PLATFORM: acc.iloc[pos[account]][PLATFORM], TEXT: text})

    leaves = [s for s in pairs["successor_id"] if s not in preds]
    pred_of = dict(zip(pairs["successor_id"], pairs["predecessor_id"], strict=True))
    taken: set[str] = set()
    # --- time: spares and re-registrations (leaf successors only) -----------------------------
    for succ in leaves:
        pred = pred_of[succ]
        if pd.isna(down.get(pred)) or pd.isna(first.get(succ)):
            continue
        u = rng.random()
        if u < rate("spare"):
            target = down[pred] - rng.uniform(1, 6) * _DAY
            if target > first.get(pred, target - _DAY):
                shift(succ, target - first[succ])
                taken.add(succ)
        elif u < rate("spare") + rate("reregister"):
            target = down[pred] + rng.uniform(30, 300) * _DAY
            shift(succ, target - first[succ])
            acc.loc[acc[ACCOUNT_ID] == succ, HANDLE] = acc.iloc[pos[pred]][HANDLE]
            if rng.random() < 0.5:  # a new id often starts with a bare profile
                acc.loc[acc[ACCOUNT_ID] == succ, [PROFILE_IMAGE_HASH, BIO]] = None
            taken.add(succ)
    # squatters: unrelated accounts take the handle of a removed account nobody re-created
    if rate("squat") and rate("reregister"):
        n_rereg = sum(1 for s in taken if s in set(leaves)
                      and acc.iloc[pos[s]][HANDLE] == acc.iloc[pos[pred_of[s]]][HANDLE])
        truth_ids = set(pairs["predecessor_id"]) | set(pairs["successor_id"])
        lonely = [a for a in acc.loc[acc[STATUS].isin(["suspended", "deleted"]), ACCOUNT_ID]
                  .astype(str) if a not in truth_ids and pd.notna(down.get(a))]
        others = [a for a in acc[ACCOUNT_ID].astype(str) if a not in truth_ids
                  and a not in set(lonely) and pd.notna(first.get(a))]
        n = min(int(round(rate("squat") * n_rereg)), len(lonely), len(others))
        for gone, squatter in zip(rng.choice(lonely, n, replace=False),
                                  rng.choice(others, n, replace=False), strict=True):
            shift(squatter, down[gone] + rng.uniform(1, 300) * _DAY - first[squatter])
            acc.loc[acc[ACCOUNT_ID] == squatter, HANDLE] = acc.iloc[pos[gone]][HANDLE]
    # --- platform: successors moved elsewhere, no shared audience -----------------------------
    platforms = sorted(acc[PLATFORM].astype(str).unique())
    if rate("cross_platform") and len(platforms) > 1:
        for succ in leaves:
            if rng.random() >= rate("cross_platform"):
                continue
            pred = pred_of[succ]
            here = acc.iloc[pos[pred]][PLATFORM]
            there = rng.choice([p for p in platforms if p != here])
            acc.loc[acc[ACCOUNT_ID] == succ, PLATFORM] = there
            act.loc[act[ACCOUNT_ID] == succ, PLATFORM] = there
            own = set(act.loc[act[ACCOUNT_ID] == succ, ACTION_ID].astype(str))
            act = act[~(act[OBJECT_ID].astype(str).isin(own) & (act[ACCOUNT_ID] != succ))]
            if fol is not None:
                fol = fol[(fol[SOURCE_ID] != succ) & (fol[TARGET_ID] != succ)]
    # --- text: announcements and mentions of the old handle -----------------------------------
    langs = list(ANNOUNCEMENTS)
    fresh = set(mirrors.loc[mirrors.get("mutation", pd.Series(dtype=str)).astype(str)
                            .str.contains("fresh"), "successor_id"].astype(str)) \
        if "mutation" in mirrors else set()
    for succ, pred in zip(pairs["successor_id"], pairs["predecessor_id"], strict=True):
        lang = langs[rng.integers(len(langs))]
        # a successor under a fresh name must tell its audience where it went: it announces
        # (and names the old handle) twice as often
        boost = 2.0 if succ in fresh else 1.0
        if rng.random() < min(boost * rate("announce"), 0.9):
            say(succ, ANNOUNCEMENTS[lang][rng.integers(3)])
        if rng.random() < min(boost * rate("mention"), 0.9):
            say(succ, MENTIONS[lang].format(h=acc.iloc[pos[pred]][HANDLE]))
    truth_succ = set(pairs["successor_id"])
    removed = acc.loc[pd.to_datetime(acc[SUSPENDED_AT], utc=True).notna(), HANDLE].astype(str)
    for account in acc[ACCOUNT_ID].astype(str):
        if account in truth_succ:
            continue
        lang = langs[rng.integers(len(langs))]
        if rng.random() < rate("decoy_announce"):
            say(account, ANNOUNCEMENTS[lang][rng.integers(3)])
        if len(removed) and rng.random() < rate("decoy_mention"):
            say(account, MENTIONS[lang].format(h=removed.iloc[rng.integers(len(removed))]))
    # --- missing data --------------------------------------------------------------------------
    if rate("blank_avatar"):
        acc.loc[rng.random(len(acc)) < rate("blank_avatar"), PROFILE_IMAGE_HASH] = None
    if rate("blank_bio"):
        acc.loc[rng.random(len(acc)) < rate("blank_bio"), BIO] = None
    if rate("drop_follows") and rng.random() < rate("drop_follows"):
        fol = None
        act = act[act[OBJECT_ID].isna()]  # no interactions either: no audience at all
    if rate("drop_status"):
        acc[STATUS] = pd.Series(pd.NA, index=acc.index, dtype=acc[STATUS].dtype)
        acc[SUSPENDED_AT] = pd.Series(pd.NaT, index=acc.index, dtype=acc[SUSPENDED_AT].dtype)
    if new_rows:
        extra = pd.DataFrame(new_rows).reindex(columns=act.columns)
        extra[TIMESTAMP] = pd.to_datetime(extra[TIMESTAMP], utc=True).astype(
            act[TIMESTAMP].dtype)
        act = pd.concat([act, extra.astype({c: act[c].dtype for c in (ACCOUNT_ID, KIND)},
                                           errors="ignore")], ignore_index=True)
    act = act.sort_values(TIMESTAMP, kind="stable").reset_index(drop=True)
    return dataclasses.replace(data, accounts=acc.reset_index(drop=True), actions=act,
                               follows=fol, source=f"{data.source} (perturbed)")
