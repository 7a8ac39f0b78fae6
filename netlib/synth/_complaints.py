"""Who sent each complaint, what it said, and one planted reporting campaign.

Drawn from a generator of their own (seeded from the scenario seed), so the accounts,
actions, follows and every other truth table are the same with or without them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib import schema as s
from netlib.synth._config import END_S, START_S
from netlib.synth._store import Accounts
from netlib.synth.truth import CAMPAIGN_ID, CATEGORY, COMPLAINT_ID, NETWORK_ID, NOTE

SUBMITTER_ID = "submitter_id"
TARGET_URL = "target_url"
#: Profile address of a handle on each platform (WhatsApp has none).
_PROFILE = {"x": "https://x.com/{}", "facebook": "https://www.facebook.com/{}",
            "instagram": "https://www.instagram.com/{}/", "telegram": "https://t.me/{}"}
_DETAILS = (
    "I noticed it this week", "it keeps showing up in my replies", "a friend pointed it out",
    "see the posts from yesterday", "not sure, but it looked odd", "several of my followers saw it",
    "please have a look when you can", "it started a few days ago", "first time I report anything",
    "the profile picture looks stolen", "it messaged me twice", "it tags people it does not know",
    "all its posts arrive at the same minute", "this has gone on for weeks",
    "thank you for checking", "happened again this morning", "the account is quite new",
    "lots of links to the same site", "the bio copies someone else's", "same text under every post",
)
_CAMPAIGN_TEXTS = (
    "This account spreads hate and dangerous lies about our community, remove it immediately",
    "This account is spreading hate and lies about our community. Please remove it immediately",
    "this account spreads HATE and dangerous lies about our community, remove it now!!",
    "This account spreads hate and dangerous lies about our community - remove it immediately.",
)


def _profile_url(platform: str, handle: str) -> str:
    pattern = _PROFILE.get(str(platform))
    return pattern.format(str(handle).lstrip("@")) if pattern else ""


def complaint_stream(rng: np.random.Generator, accounts: Accounts, complaints: pd.DataFrame,
                     groups: dict[str, list[int]], *, iso) -> pd.DataFrame:
    """The complaints with ``submitter_id, text, target_url``, and a planted campaign appended.

    Organic complaints come from about as many people as there are complaints (a few
    report twice, about different accounts), each in their own words. The campaign is
    12-16 near-identical complaints against one ordinary, active account, sent within five
    hours by 8-11 submitters (some send two); some name the account only by its address.
    """
    frame = accounts.frame()
    out = complaints.copy()
    n = len(out)
    submitters = [f"S{v:05d}" for v in rng.choice(90_000, size=n + 40, replace=False) + 10_000]
    own = submitters[:n]
    for i in range(1, n):  # a few people report more than once
        if rng.random() < 0.12:
            own[i] = own[int(rng.integers(0, i))]
    out[SUBMITTER_ID] = own
    out[s.TEXT] = [f"{note}; {_DETAILS[int(rng.integers(0, len(_DETAILS)))]}"
                   for note in out[NOTE]]
    urls = []
    for key in out["_key"]:
        row = frame.iloc[int(key)]
        urls.append(_profile_url(row["platform"], row["handle"])
                    if rng.random() < 0.6 else "")
    out[TARGET_URL] = urls
    out[CAMPAIGN_ID] = ""
    campaign = _campaign(rng, frame, set(out["_key"]), groups, submitters[n:], iso=iso)
    if campaign.empty:
        return out
    campaign.insert(0, COMPLAINT_ID, [f"C{n + i + 1:03d}" for i in range(len(campaign))])
    return pd.concat([out, campaign], ignore_index=True)


def _campaign(rng: np.random.Generator, frame: pd.DataFrame, taken: set, groups: dict,
              pool: list[str], *, iso) -> pd.DataFrame:
    people = np.array(sorted(k for k in groups["people"] if k not in taken), dtype=np.int64)
    if not len(people):
        return pd.DataFrame()
    ok = (frame["network"].to_numpy()[people] < 0) \
        & (frame["suspended_at"].to_numpy()[people] < 0) \
        & (frame["tag"].to_numpy()[people] == "") \
        & (frame["platform"].isin(list(_PROFILE)).to_numpy()[people])
    people = people[ok]
    if not len(people):
        return pd.DataFrame()
    key = int(rng.choice(people))
    row = frame.iloc[key]
    lo = max(int(row["created_at"]), START_S) + 7 * 86_400
    start = int(rng.integers(lo, max(END_S - 3 * 86_400, lo + 1)))
    n = int(rng.integers(12, 17))
    senders = pool[:int(rng.integers(8, 12))]
    who = senders + [senders[int(rng.integers(0, len(senders)))]
                     for _ in range(n - len(senders))]
    rng.shuffle(who)
    times = np.sort(start + rng.integers(0, 5 * 3600, size=n))
    url = _profile_url(row["platform"], row["handle"])
    handle = str(row["handle"])
    rows = []
    for sender, t in zip(who, times, strict=True):
        shown = "" if rng.random() < 0.3 else f"@{handle}" if rng.random() < 0.5 else handle
        rows.append({"_key": key, s.HANDLE: shown, s.PLATFORM: row["platform"], "_t": int(t),
                     NOTE: "hate speech", CATEGORY: "innocent", NETWORK_ID: None,
                     "received_at": iso([int(t)])[0], SUBMITTER_ID: sender,
                     s.TEXT: _CAMPAIGN_TEXTS[int(rng.integers(0, len(_CAMPAIGN_TEXTS)))],
                     TARGET_URL: url, CAMPAIGN_ID: "R1"})
    return pd.DataFrame(rows)
