"""Synthetic scenarios with planted coordinated networks, mirrors and operators.

:func:`generate` builds a realistic social-media dataset in the interchange format
together with the truth that analyses are scored against (see :mod:`netlib.evaluate`):

* an organic background of thousands of accounts with heavy-tailed activity, daily
  rhythms in many time zones (weekday and weekend curves), viral posts reshared by many
  unrelated accounts within seconds, celebrities with fast fans, live-event hashtags,
  spam accounts suspended by the platform, newcomers, look-alike handles, and news outlets
  that legitimately syndicate the same links within minutes;
* several planted networks (UTC offset, size, speed and platform mix vary with the seed)
  whose amplifiers reshare or copy their operators' posts, working office hours in the
  network's zone, created in bursts;
* takedown waves that suspend network accounts, mirror successors (some created days
  before the takedown as spares) with mutated handles and partly reused profiles, and
  second-generation mirrors;
* a follow graph and a list of complaints with their expected category, their submitters
  and wording, and one planted reporting campaign against an ordinary account.

Everything is drawn from one ``numpy`` Generator seeded by ``seed``: the same arguments
give byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib import schema as s
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.synth import _assemble as asm
from netlib.synth import _text as tx
from netlib.synth._complaints import SUBMITTER_ID, TARGET_URL, complaint_stream
from netlib.synth._config import DAYS, DIFFICULTY, END_S, NOW, START, START_S
from netlib.synth._networks import build_networks, bystanders, network_activity, takedowns
from netlib.synth._organic import Vocab, make_population, organic_activity
from netlib.synth._store import Accounts, Actions
from netlib.synth._urdu import ZONE_CODES, urdu_network, urdu_organic
from netlib.synth.truth import CAMPAIGN_ID

__all__ = ["generate", "Scenario", "DIFFICULTIES", "TRUTH_TABLES"]

DIFFICULTIES = tuple(DIFFICULTY)
#: Truth tables a scenario carries (written as ``truth/<name>.csv``).
TRUTH_TABLES = ("networks", "coordinated", "mirrors", "operators", "complaints", "benign")


@dataclass
class Scenario:
    """A generated dataset with its planted truth.

    Attributes
    ----------
    dataset : Dataset
        The validated accounts, actions and follows.
    truth : dict of DataFrame
        ``networks`` (``network_id, utc_offset_hours, n_accounts, platforms, ...``),
        ``coordinated`` (``account_id, network_id, role, generation``), ``mirrors``
        (``predecessor_id, successor_id, network_id, generation, mutation, ...``),
        ``operators`` (``account_id, network_id, generation``), ``complaints`` (each
        complaint with ``account_id``, ``expected_category`` and ``campaign_id``, the
        planted reporting campaign it belongs to or empty) and ``benign``
        (``account_id, kind``: organic accounts built to look suspicious).
    complaints : DataFrame
        ``complaint_id, handle, platform, received_at, note, submitter_id, text,
        target_url`` as a user would send them.
    params : dict
        Seed, scale, difficulty, every knob value and the time window.
    """

    dataset: Dataset
    truth: dict[str, pd.DataFrame]
    complaints: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: sizes of the data and of the planted structure."""
        t = self.truth
        nets = t["networks"]
        coord = t["coordinated"]
        data = self.dataset
        n_f = 0 if data.follows is None else len(data.follows)
        return (f"{len(data.accounts):,} accounts ({len(coord):,} in {len(nets)} planted "
                f"networks incl. {len(t['mirrors']):,} mirrors, "
                f"{len(t['operators'])} operators), {len(data.actions):,} actions, "
                f"{n_f:,} follows, {len(self.complaints)} complaints; seed "
                f"{self.params['seed']}, scale {self.params['scale']}, "
                f"difficulty {self.params['difficulty']}")

    def __repr__(self) -> str:
        return f"Scenario({self.summary()})"


def generate(*, seed: int = 0, scale: float = 1.0, difficulty: str = "medium") -> Scenario:
    """Generate a synthetic scenario with planted coordinated networks and mirrors.

    Parameters
    ----------
    seed : int
        Seeds the only random generator used; equal arguments give identical data.
    scale : float
        Multiplies the number of organic accounts and the size of each network
        (1.0 gives about 5,000 organic and 300-600 network accounts).
    difficulty : {"easy", "medium", "hard"}
        Noise level: viral-burst rate, fan groups, news syndication, amplification lag
        spread, share of copies versus reshares, how much mirrors reuse profiles.

    Returns
    -------
    Scenario
        ``.dataset`` (validated, zero load errors), ``.truth``, ``.complaints``,
        ``.params`` and ``.summary()``.

    Raises
    ------
    ParameterError
        If ``scale`` is not positive, ``seed`` is negative, or ``difficulty`` is unknown.

    References
    ----------
    Golder & Macy (2011), Diurnal and seasonal mood vary with work, sleep, and daylength
    across diverse cultures, Science 333:1878 (the shape of the daily curves).
    Niverthi, Verma & Kumar (2022), Characterizing, detecting, and predicting online ban
    evasion, WWW '22 (return delays and unrelated names of evaders).
    Righetti & Balluff, CooRTweet R package, v2.1.3 (the co-share semantics the planted
    structure is built to be found by).

    Examples
    --------
    >>> from netlib import synth
    >>> sc = synth.generate(seed=1, scale=0.05)
    >>> sc.dataset.report.ok
    True
    >>> sorted(sc.truth)[:3]
    ['benign', 'complaints', 'coordinated']
    """
    if difficulty not in DIFFICULTY:
        raise ParameterError(f"difficulty {difficulty!r} is not one of "
                               f"{', '.join(DIFFICULTY)}")
    if not isinstance(scale, (int, float)) or not np.isfinite(scale) or scale <= 0:
        raise ParameterError(f"scale must be a positive number (got {scale!r})")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer (got {seed!r})")
    knobs = dict(DIFFICULTY[difficulty])
    rng = np.random.default_rng(int(seed))
    accounts, actions = Accounts(), Actions()
    vocab = Vocab(rng)
    groups = make_population(rng, accounts, knobs, float(scale))
    nets = build_networks(rng, accounts, knobs, float(scale), vocab)
    takedowns(rng, accounts, nets, knobs)
    bystanders(rng, accounts, nets, groups, float(scale))
    posts = organic_activity(rng, accounts, actions, vocab, groups, knobs, float(scale))
    organic = np.array(sorted(k for g in ("people", "lookalike", "celebrity") for k in groups[g]),
                       dtype=np.int64)
    network_activity(rng, accounts, actions, nets, posts, vocab, knobs, organic)
    # the Urdu / Roman-Urdu network and Urdu-writing organic accounts draw from their own
    # generator, so the networks above are the same with or without them
    ur_rng = np.random.default_rng([int(seed), 92])
    groups["people"] += urdu_organic(ur_rng, accounts, actions, float(scale))
    # Pakistan time (UTC+5), or Kabul's (UTC+4:30) when a network above already works in +5
    ur_tz = 5.0 if all(net.tz != 5.0 for net in nets) else 4.5
    nets.append(urdu_network(ur_rng, accounts, actions, f"N{len(nets) + 1}", knobs,
                             float(scale), posts, vocab, organic, tz=ur_tz))
    edges = asm.follows(rng, accounts, nets, knobs)
    complaints = asm.complaints(rng, accounts, nets, groups)
    # who sent each complaint, its words, and one reporting campaign against an ordinary
    # account draw from their own generator too: every other file is unchanged by them
    complaints = complaint_stream(np.random.default_rng([int(seed), 16]), accounts,
                                  complaints, groups, iso=asm.iso)
    return _finish(rng, accounts, actions, nets, groups, edges, complaints,
                   params=dict(seed=int(seed), scale=float(scale), difficulty=difficulty,
                               start=str(START), days=DAYS, now=str(NOW), **knobs))


_CITY = {zone: cities[0] for zone, cities in tx.CITIES.items()}
#: Extra columns the WhatsApp reader writes too (accounts.calling_code, actions.chat).
CALLING_CODE = "calling_code"
CHAT = "chat"


def _unique_numbers(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    values = pd.unique(rng.integers(lo, hi, size=2 * n + 16))
    while len(values) < n:  # pragma: no cover - astronomically unlikely
        values = pd.unique(np.concatenate([values, rng.integers(lo, hi, size=n)]))
    return np.asarray(values[:n])


def _finish(rng, accounts: Accounts, actions: Actions, nets, groups, edges, complaints,
            *, params: dict) -> Scenario:
    acc = accounts.frame()
    n = len(acc)
    ids = np.array([f"{p}:{v}" for p, v in
                    zip(acc["platform"], _unique_numbers(rng, n, 10**8, 10**10), strict=True)],
                   dtype=object)
    act = actions.frame()
    # keep only what an account could have done while it existed and was not suspended
    created = acc["created_at"].to_numpy(dtype=np.int64)
    active_from = acc["active_from"].to_numpy(dtype=np.int64)
    susp = acc["suspended_at"].to_numpy(dtype=np.int64)
    a = act["acc"].to_numpy()
    t = act["ts"].to_numpy()
    keep = (t >= np.maximum(np.maximum(created[a], active_from[a]), START_S)) & (t < END_S) \
        & ((susp[a] < 0) | (t < susp[a]))
    action_ids = np.array([str(v) for v in _unique_numbers(rng, len(act), 10**14, 10**15)],
                          dtype=object)
    ref = act["ref"].to_numpy()
    object_id = np.where(ref >= 0, action_ids[np.maximum(ref, 0)], act["ext"].to_numpy())
    act = act.assign(action_id=action_ids, object_id=object_id)[keep]
    act = act.sort_values(["ts", "action_id"], kind="stable")
    actions_df = pd.DataFrame({
        s.ACTION_ID: act["action_id"].to_numpy(), s.ACCOUNT_ID: ids[act["acc"].to_numpy()],
        s.TIMESTAMP: asm.iso(act["ts"].to_numpy()), s.KIND: act["kind"].to_numpy(),
        s.PLATFORM: acc["platform"].to_numpy()[act["acc"].to_numpy()],
        s.OBJECT_ID: act["object_id"].to_numpy(), s.TEXT: act["text"].to_numpy(),
        s.URLS: act["urls"].to_numpy(), s.HASHTAGS: act["hashtags"].to_numpy(),
        s.MEDIA_HASHES: act["media"].to_numpy()})
    # WhatsApp messages are posted in a group chat (the reader's ``chat`` column)
    platform = acc["platform"].to_numpy()
    tz = acc["tz"].to_numpy(dtype=float)
    chat = np.array([c if isinstance(c, str) else
                     f"{_CITY.get(z, 'Friends')} community" if p == "whatsapp" else None
                     for c, p, z in zip(acc["chat"], platform, tz, strict=True)], dtype=object)
    actions_df[CHAT] = chat[act["acc"].to_numpy()]
    actions_df.loc[actions_df[s.PLATFORM] != "whatsapp", CHAT] = None
    # and every WhatsApp sender has a phone number: its country calling code is kept
    code = np.array([c if isinstance(c, str) else ZONE_CODES.get(z) if p == "whatsapp" else None
                     for c, p, z in zip(acc["calling_code"], platform, tz, strict=True)],
                    dtype=object)
    # followers: organic from popularity, everyone at least their in-degree in follows
    indeg = np.bincount(edges[:, 1], minlength=n)
    pop = acc["pop"].to_numpy(dtype=float)
    followers = np.where(acc["network"].to_numpy() < 0,
                         np.round(pop * 25 * rng.lognormal(0, 0.5, size=n)), 0)
    followers = np.maximum(followers.astype(np.int64), indeg)
    accounts_df = pd.DataFrame({
        s.ACCOUNT_ID: ids, s.PLATFORM: acc["platform"], s.HANDLE: acc["handle"],
        s.DISPLAY_NAME: acc["display_name"], s.CREATED_AT: asm.iso(created),
        s.BIO: acc["bio"], s.URL: acc["url"], s.PROFILE_IMAGE_HASH: acc["avatar"],
        s.FOLLOWERS_COUNT: followers, s.STATUS: acc["status"],
        s.SUSPENDED_AT: asm.iso(susp), s.LOCATION: acc["location"],
        s.LANGUAGE: acc["language"], CALLING_CODE: code})
    order = np.argsort(ids, kind="stable")
    accounts_df = accounts_df.iloc[order].reset_index(drop=True)
    follows_df = pd.DataFrame({s.SOURCE_ID: ids[edges[:, 0]], s.TARGET_ID: ids[edges[:, 1]]})
    follows_df = follows_df.sort_values([s.SOURCE_ID, s.TARGET_ID]).reset_index(drop=True)
    dataset = Dataset.from_frames(accounts_df, actions_df, follows_df,
                                    source=f"synth(seed={params['seed']})", now=NOW)
    truth = _truth(acc, ids, nets, groups, complaints)
    public = complaints[[asm.COMPLAINT_ID, s.HANDLE, s.PLATFORM, asm.RECEIVED_AT, asm.NOTE,
                         SUBMITTER_ID, s.TEXT, TARGET_URL]]
    return Scenario(dataset=dataset, truth=truth, complaints=public.reset_index(drop=True),
                    params=params)


def _truth(acc: pd.DataFrame, ids: np.ndarray, nets, groups, complaints) -> dict:
    coord, mirrors, ops, networks = [], [], [], []
    for net in nets:
        keys = [k for slot in net.slots for k in slot.accounts]
        for slot in net.slots:
            for key in slot.accounts:
                row = acc.iloc[key]
                coord.append({s.ACCOUNT_ID: ids[key], asm.NETWORK_ID: net.id,
                              asm.ROLE: slot.role, asm.GENERATION: int(row["generation"])})
                if slot.role == "operator":
                    ops.append({s.ACCOUNT_ID: ids[key], asm.NETWORK_ID: net.id,
                                asm.GENERATION: int(row["generation"])})
        for m in net.mirrors:
            mirrors.append({
                asm.PREDECESSOR_ID: ids[m["predecessor"]], asm.SUCCESSOR_ID: ids[m["successor"]],
                asm.NETWORK_ID: net.id, asm.GENERATION: m["generation"],
                asm.MUTATION: m["mutation"], "spare": int(m["spare"]),
                "predecessor_suspended_at": asm.iso([acc.iloc[m["predecessor"]]
                                                     ["suspended_at"]])[0],
                "successor_created_at": asm.iso([acc.iloc[m["successor"]]["created_at"]])[0]})
        plats = sorted(set(acc.iloc[keys]["platform"]))
        networks.append({
            asm.NETWORK_ID: net.id, asm.UTC_OFFSET: net.tz, "n_accounts": len(keys),
            "platforms": " ".join(plats),
            "n_operators": sum(1 for sl in net.slots if sl.role == "operator"),
            "n_mirrors": len(net.mirrors), "median_lag_s": round(net.median_lag, 1),
            "copy_fraction": round(net.copy_fraction, 3), "n_campaign_posts": net.n_posts,
            "takedowns": " ".join(asm.iso(net.waves)), "hashtags": " ".join(net.hashtags),
            "domains": " ".join(net.domains)})
    benign = []
    kinds = {"outlet": "news_outlet", "celebrity": "celebrity", "lookalike": "lookalike",
             "spam": "spam_suspended", "newcomer": "newcomer", "hostile": "hostile_text"}
    for group, kind in kinds.items():
        benign += [{s.ACCOUNT_ID: ids[k], "kind": kind} for k in groups[group]]
    tagged = {ids[k] for k in acc.index[acc["tag"] == "network_lookalike"]}
    for row in benign:
        if row[s.ACCOUNT_ID] in tagged:
            row["kind"] = "network_lookalike"
    fans = acc.index[acc["tag"].str.startswith("fan_of_")]
    benign += [{s.ACCOUNT_ID: ids[k], "kind": "fan"} for k in fans]
    comp = complaints.assign(**{s.ACCOUNT_ID: ids[complaints["_key"].to_numpy()]})
    comp = comp[[asm.COMPLAINT_ID, s.HANDLE, s.PLATFORM, asm.RECEIVED_AT, s.ACCOUNT_ID,
                 asm.CATEGORY, asm.NETWORK_ID, CAMPAIGN_ID]]
    truth = {
        "networks": pd.DataFrame(networks),
        "coordinated": pd.DataFrame(coord).sort_values([asm.NETWORK_ID, s.ACCOUNT_ID]),
        "mirrors": pd.DataFrame(mirrors, columns=[
            asm.PREDECESSOR_ID, asm.SUCCESSOR_ID, asm.NETWORK_ID, asm.GENERATION, asm.MUTATION,
            "spare", "predecessor_suspended_at", "successor_created_at"]),
        "operators": pd.DataFrame(ops).sort_values([asm.NETWORK_ID, s.ACCOUNT_ID]),
        "complaints": comp.sort_values(asm.COMPLAINT_ID),
        "benign": pd.DataFrame(benign).sort_values(["kind", s.ACCOUNT_ID]),
    }
    return {k: v.reset_index(drop=True) for k, v in truth.items()}
