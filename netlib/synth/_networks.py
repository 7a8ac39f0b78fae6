"""Planted networks: operators, amplifiers, takedown waves and mirror successors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from netlib.synth import _text as tx
from netlib.synth._config import DAY, DAYS, END_S, HOUR, NETWORK_ZONES, PLATFORMS, START_S
from netlib.synth._organic import Vocab, person, share_kind
from netlib.synth._store import Accounts, Actions
from netlib.synth._time import lognormal_lag, sample_times

MAIN_PLATFORM_WEIGHTS = (0.4, 0.25, 0.12, 0.15, 0.08)


@dataclass
class Slot:
    """One seat in a network, held by a chain of accounts (original, mirror, mirror...)."""

    role: str
    accounts: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)   # active from (epoch s)
    stop: list[int] = field(default_factory=list)    # active until (epoch s)
    participation: float = 0.5
    speed: float = 1.0

    @classmethod
    def seated(cls, rng: np.random.Generator, role: str, a: float, b: float, account: int,
               start: int, created: int, spread_days: int) -> Slot:
        """A seat held by ``account`` from a random day within ``spread_days`` of ``start``
        (never before it was created) to the end; participation ~ Beta(a, b)."""
        slot = cls(role=role, participation=float(rng.beta(a, b)),
                   speed=float(np.exp(rng.normal(0, 0.3))))
        slot.accounts.append(account)
        slot.start.append(max(start + int(rng.integers(0, spread_days * DAY)), created))
        slot.stop.append(END_S)
        return slot


@dataclass
class Network:
    id: str
    tz: float
    platforms: list[str]
    weights: np.ndarray
    median_lag: float
    copy_fraction: float
    slots: list[Slot]
    hashtags: list[str]
    domains: list[str]
    waves: list[int] = field(default_factory=list)
    audience: np.ndarray | None = None
    n_posts: int = 0
    mirrors: list[dict] = field(default_factory=list)
    #: "en", or "ur" for a network writing Urdu script and Roman Urdu
    lang: str = "en"
    #: (Urdu-script words, Roman-Urdu words) of an "ur" network's posts
    words: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    #: what an "ur" network's mirrors post first ("this is our new account")
    announcements: tuple[str, ...] = ()
    #: makes an unrelated handle for a mirror (default: an English name)
    handle_maker: Callable[[np.random.Generator], str] | None = None


def _campaign_text(rng: np.random.Generator, net: Network, n: int, lo: int, hi: int) -> list[str]:
    """Campaign posts: English word soup, or Urdu script / Roman Urdu (about half each)."""
    if net.lang == "en" or net.words is None:
        return tx.sentences(rng, n, vocab=tx.CAMPAIGN_WORDS + tx.WORDS, lo=lo, hi=hi)
    urdu, roman = net.words
    script = rng.random(n) < 0.5
    ur = tx.sentences(rng, n, vocab=list(urdu), lo=lo, hi=hi)
    ro = tx.sentences(rng, n, vocab=list(roman), lo=lo, hi=hi)
    return [u if k else r for k, u, r in zip(script, ur, ro, strict=True)]


def _net_handle(rng: np.random.Generator) -> tuple[str, str, str]:
    first = tx.FIRST[int(rng.integers(len(tx.FIRST)))]
    last = tx.LAST[int(rng.integers(len(tx.LAST)))]
    if rng.random() < 0.3:
        word = tx.CAMPAIGN_WORDS[int(rng.integers(len(tx.CAMPAIGN_WORDS)))]
        return first, last, f"{word}_{first}{int(rng.integers(10, 9999))}"
    return first, last, tx.handle_from_name(rng, first, last)


def _new_member(rng, accounts: Accounts, net: Network, role: str, created: int,
                platform: str, generation: int = 0) -> int:
    first, last, handle = _net_handle(rng)
    handle = accounts.unique(platform, handle, rng)
    words = tx.CAMPAIGN_WORDS
    bio = tx.CAMPAIGN_BIOS[int(rng.integers(len(tx.CAMPAIGN_BIOS)))].format(
        w1=words[int(rng.integers(len(words)))], w2=words[int(rng.integers(len(words)))],
        tag=net.hashtags[0])
    # locations claimed by network accounts rarely match where they work from
    zone = float(rng.choice(list(tx.CITIES)))
    return accounts.add(
        platform=platform, handle=handle, display_name=tx.display_from_name(rng, first, last),
        created_at=created, bio=bio, url=f"https://{net.domains[0]}" if rng.random() < 0.3
        else None, avatar=tx.hex_hash(rng)[0] if rng.random() < 0.9 else None,
        location=tx.CITIES[zone][0] if rng.random() < 0.6 else None,
        language=tx.LANGUAGES[net.tz], tz=net.tz, role=role, network=int(net.id[1:]),
        pop=float(rng.uniform(0.3, 2.0)), generation=generation)


def build_networks(rng: np.random.Generator, accounts: Accounts, knobs: dict, scale: float,
                   vocab: Vocab) -> list[Network]:
    """Create the networks' original accounts (created in bursts before they start)."""
    n_net = int(rng.integers(5, 8))
    zones = rng.choice(NETWORK_ZONES, size=n_net, replace=False)
    nets = []
    for i in range(n_net):
        main = PLATFORMS[int(rng.choice(len(PLATFORMS), p=MAIN_PLATFORM_WEIGHTS))]
        others = [p for p in PLATFORMS if p != main]
        extra = list(rng.choice(others, size=int(rng.choice(3, p=[0.35, 0.4, 0.25])),
                                replace=False))
        plats = [main] + sorted(str(p) for p in extra)
        w = np.array([1.0] + [float(rng.uniform(0.1, 0.4)) for _ in extra])
        size = int(np.clip(round(np.exp(rng.normal(np.log(55), 0.55))), 20, 150) * scale)
        size = max(size, 6)
        tags = list(dict.fromkeys(f"{a}{b}" for a, b in zip(
            rng.choice(tx.TAG_HEADS, size=4), rng.choice(tx.TAG_TAILS, size=4), strict=True)))
        tags += list(rng.choice(vocab.hashtags[:40], size=int(rng.integers(1, 4)),
                                replace=False))
        domains = [f"{rng.choice(tx.CAMPAIGN_WORDS)}-{rng.choice(tx.WORDS)}.{tld}"
                   for tld in rng.choice(["info", "news", "net", "online"],
                                         size=int(rng.integers(1, 4)))]
        lo, hi = knobs["copy_fraction"]
        net = Network(id=f"N{i + 1}", tz=float(zones[i]), platforms=plats, weights=w / w.sum(),
                      median_lag=float(np.exp(rng.uniform(np.log(4), np.log(240)))),
                      copy_fraction=float(rng.uniform(lo, hi)), slots=[],
                      hashtags=[str(t) for t in tags], domains=[str(d) for d in domains])
        n_ops = 1 if rng.random() < 0.5 else 2
        bursts = START_S - rng.integers(20, 400, size=int(rng.integers(1, 4))) * DAY
        start = START_S + int(rng.integers(0, 12)) * DAY
        a, b = knobs["participation"]
        for j in range(size):
            role = "operator" if j < n_ops else "amplifier"
            if role == "operator":
                created = int(bursts.min()) - int(rng.integers(30, 300)) * DAY
                platform = main
            else:
                created = int(rng.choice(bursts)) + int(rng.integers(0, 3 * DAY))
                platform = plats[int(rng.choice(len(plats), p=net.weights))]
            key = _new_member(rng, accounts, net, role, created, platform)
            net.slots.append(Slot.seated(rng, role, a, b, key, start, created, 5))
        nets.append(net)
    return nets


def takedowns(rng: np.random.Generator, accounts: Accounts, nets: list[Network],
              knobs: dict) -> None:
    """Suspend accounts in waves and create mirror successors that take over their slots."""
    for net in nets:
        d1 = int(rng.integers(25, 50))
        days = [d1]
        if rng.random() < knobs["second_wave"]:
            days.append(min(d1 + int(rng.integers(14, 30)), DAYS - 8))
        for day in days:
            t_wave = START_S + day * DAY + int(rng.integers(0, DAY))
            net.waves.append(t_wave)
            frac = rng.uniform(0.3, 0.65)
            op_down = rng.random() < knobs["operator_takedown"]
            done_op = False
            for slot in net.slots:
                key = slot.accounts[-1]
                if slot.start[-1] >= t_wave or slot.stop[-1] < END_S:
                    continue
                if slot.role == "operator":
                    if not op_down or done_op:
                        continue
                    done_op = True
                elif rng.random() >= frac:
                    continue
                susp = t_wave + int(rng.integers(0, 8 * HOUR))
                row = accounts.rows[key]
                row.update(status="suspended", suspended_at=susp)
                slot.stop[-1] = susp
                if slot.role != "operator" and rng.random() >= knobs["mirror_rate"]:
                    continue
                _mirror(rng, accounts, net, slot, susp, knobs)


def bystanders(rng: np.random.Generator, accounts: Accounts, nets: list[Network],
               groups: dict[str, list[int]], scale: float) -> None:
    """Organic accounts whose handles happen to look like a network account's handle.

    Some are created after that account was suspended, so a handle-only mirror matcher
    mistakes them for successors; their profiles and behaviour are unrelated.
    """
    suspended = [k for net in nets for slot in net.slots for k in slot.accounts
                 if accounts.rows[k]["status"] == "suspended"]
    if not suspended:
        return
    n = min(max(int(round(12 * scale)), 2), len(suspended))
    for key in rng.choice(suspended, size=n, replace=False):
        row = accounts.rows[int(key)]
        kind = str(rng.choice(["digit_append", "digit_increment", "separator", "affix"]))
        handle = tx.mutate_handle(rng, row["handle"], kind)
        if not accounts.free(row["platform"], handle):
            continue
        if rng.random() < 0.6:
            created = row["suspended_at"] + int(rng.integers(DAY, 20 * DAY))
        else:
            created = START_S - int(rng.integers(30, 2000)) * DAY
        created = min(created, END_S - 3 * DAY)
        zone = float(rng.choice(list(tx.CITIES)))
        new = person(rng, accounts, row["platform"], zone, role="organic", handle=handle,
                     created_at=created)
        accounts.rows[new]["tag"] = "network_lookalike"
        groups["lookalike"].append(new)


def _mirror(rng, accounts: Accounts, net: Network, slot: Slot, susp: int, knobs: dict) -> None:
    pred = slot.accounts[-1]
    prow = accounts.rows[pred]
    spare = rng.random() < 0.25
    if spare:
        created = susp - int(rng.uniform(1, 5) * DAY)
        active = susp + int(rng.uniform(0.2, 3) * DAY)
    else:
        # ban evaders on Wikipedia return after a median of about 3-4 days (see tests)
        created = susp + int(np.clip(rng.lognormal(np.log(3.0), 0.9), 0.02, 14) * DAY)
        active = created + int(rng.uniform(0.05, 1.0) * DAY)
    if active > END_S - 3 * DAY:
        return
    kinds = list(tx.MUTATIONS)
    n_mut = 1 if rng.random() < 0.7 else 2
    chosen = [str(k) for k in rng.choice(kinds, size=n_mut, replace=False)]
    platform = prow["platform"]
    handle = prow["handle"]
    if rng.random() < knobs["fresh_handle"]:
        # many evaders pick an unrelated name (most Wikipedia ban evaders do)
        handle = net.handle_maker(rng) if net.handle_maker else _net_handle(rng)[2]
        chosen = ["fresh_handle"] + [k for k in chosen if k == "platform_switch"]
    for kind in chosen:
        if kind == "platform_switch":
            platform = str(rng.choice([p for p in net.platforms if p != platform] or
                                      [p for p in PLATFORMS if p != platform]))
        else:
            handle = tx.mutate_handle(rng, handle, kind)
    if not accounts.free(platform, handle):
        handle = accounts.unique(platform, tx.mutate_handle(rng, handle, "digit_append"), rng)
        chosen.append("digit_append")
    reuse = knobs["reuse_profile"]
    display = prow["display_name"]
    if rng.random() >= reuse:
        display = (f"{display} (new)" if rng.random() < 0.4 else
                   tx.display_from_name(rng, tx.FIRST[int(rng.integers(len(tx.FIRST)))],
                                        tx.LAST[int(rng.integers(len(tx.LAST)))]))
    bio = prow["bio"]
    if rng.random() >= reuse:
        bio = ("Backup account. " + (bio or "")) if rng.random() < 0.5 else \
            tx.CAMPAIGN_BIOS[int(rng.integers(len(tx.CAMPAIGN_BIOS)))].format(
                w1="truth", w2="freedom", tag=net.hashtags[0])
    avatar = prow["avatar"]
    if avatar is not None and rng.random() < knobs["reuse_avatar"]:
        if rng.random() < 0.5:
            avatar = tx.flip_bits(rng, avatar, int(rng.integers(1, 7)))
    else:
        avatar = tx.hex_hash(rng)[0]
    url = prow["url"] if rng.random() < reuse else None
    if "fresh_handle" in chosen and display != prow["display_name"] and bio != prow["bio"] \
            and avatar != prow["avatar"] and rng.random() < knobs["fresh_keeps_profile"]:
        # a wholly new name usually keeps the face or the words its audience knows
        pick = int(rng.integers(3))
        if pick == 0 and prow["avatar"] is not None:
            avatar = tx.flip_bits(rng, prow["avatar"], int(rng.integers(0, 4)))
        elif pick == 1:
            display = prow["display_name"]
        else:
            bio = prow["bio"]
    gen = prow["generation"] + 1
    key = accounts.add(
        platform=platform, handle=handle, display_name=display, created_at=created, bio=bio,
        url=url, avatar=avatar, location=prow["location"], language=prow["language"],
        tz=net.tz, role=prow["role"], network=prow["network"], pop=prow["pop"],
        generation=gen, active_from=active)
    slot.accounts.append(key)
    slot.start.append(active)
    slot.stop.append(END_S)
    net.mirrors.append(dict(predecessor=pred, successor=key, generation=gen,
                            mutation="+".join(chosen), spare=spare))


def _active_at(slot: Slot, t: int) -> int:
    for key, a, b in zip(slot.accounts, slot.start, slot.stop, strict=True):
        if a <= t < b:
            return key
    return -1


def network_activity(rng: np.random.Generator, accounts: Accounts, actions: Actions,
                     nets: list[Network], organic_posts: dict, vocab: Vocab,
                     knobs: dict, organic: np.ndarray) -> None:
    """Operator posts, their amplification, filler posts, camouflage and announcements.

    ``organic`` holds the organic account keys; a few of them reshare campaign posts
    hours later (real audiences do), so "reshared an operator" alone proves nothing.
    """
    organic_platform = np.array([accounts.rows[k]["platform"] for k in organic])
    for net in nets:
        ops = [s for s in net.slots if s.role == "operator"]
        amps = [s for s in net.slots if s.role != "operator"]
        rate = rng.uniform(1.5, 3.5)
        campaign = []
        for slot in ops:
            for key, a, b in zip(slot.accounts, slot.start, slot.stop, strict=True):
                n = int(rng.poisson(rate * (b - a) / DAY * 5 / 7))
                t = np.sort(sample_times(rng, np.full(n, net.tz), np.full(n, a), np.full(n, b),
                                         pattern="shift"))
                text = _campaign_text(rng, net, n, 6, 16)
                tags = [" ".join(rng.choice(net.hashtags, size=int(rng.integers(1, 3)),
                                            replace=False)) if rng.random() < 0.7 else None
                        for _ in range(n)]
                urls = [f"https://{rng.choice(net.domains)}/a/{int(rng.integers(10**5, 10**6))}"
                        if rng.random() < 0.55 else None for _ in range(n)]
                media = [tx.hex_hash(rng)[0] if rng.random() < 0.4 else None for _ in range(n)]
                pkeys = actions.add(np.full(n, key), t, "post", text=text, urls=urls,
                                    hashtags=tags, media=media)
                platform = accounts.rows[key]["platform"]
                campaign += [(int(k), int(tt), platform, x, u, h, m) for k, tt, x, u, h, m in
                             zip(pkeys, t, text, urls, tags, media, strict=True)]
        net.n_posts = len(campaign)
        for pkey, t, platform, *_ in campaign:
            pool = organic[organic_platform == platform]
            n = min(int(rng.poisson(0.4)), len(pool))
            if n:
                who = rng.choice(pool, size=n, replace=False)
                tt = t + lognormal_lag(rng, 3 * HOUR, 1.2, n)
                ok = tt < END_S
                actions.add(who[ok], tt[ok], share_kind(platform), ref=pkey)
        sigma = knobs["lag_sigma"]
        for pkey, t, platform, text, urls, tags, media in campaign:
            for slot in amps:
                if rng.random() >= slot.participation:
                    continue
                if rng.random() < knobs["late_share"]:
                    lag = int(rng.integers(HOUR, 12 * HOUR))
                else:
                    lag = int(lognormal_lag(rng, net.median_lag * slot.speed, sigma, 1)[0])
                key = _active_at(slot, t + lag)
                if key < 0 or t + lag >= END_S:
                    continue
                aplat = accounts.rows[key]["platform"]
                if aplat == platform and rng.random() >= net.copy_fraction:
                    if rng.random() < 0.08:
                        actions.add([key], [t + lag], "quote", ref=[pkey],
                                    text=[tx.sentences(rng, 1, tx.CAMPAIGN_WORDS, 2, 6)[0]])
                    else:
                        actions.add([key], [t + lag], share_kind(aplat), ref=[pkey])
                else:
                    m = media
                    if m is not None and rng.random() < knobs["shift_noise"]:
                        m = tx.flip_bits(rng, m, int(rng.integers(1, 3)))
                    h = tags
                    if h is not None and rng.random() < 0.3:
                        h = str(rng.choice(net.hashtags))
                    actions.add([key], [t + lag], "post", text=[tx.edit_text(rng, text, 0.5)],
                                urls=[urls], hashtags=[h], media=[m])
        _brigades(rng, accounts, actions, net, amps, organic_posts, sigma)
        _filler(rng, accounts, actions, net, organic_posts, vocab, knobs)


def _brigades(rng, accounts, actions, net: Network, amps: list[Slot], organic_posts: dict,
              sigma: float) -> None:
    """Reply pile-ons: many amplifiers reply to the same organic post within minutes."""
    main = net.platforms[0]
    cand = np.flatnonzero(organic_posts["platform"] == main)
    if not len(cand) or not amps:
        return
    for target in rng.choice(cand, size=min(int(rng.integers(8, 25)), len(cand)),
                             replace=False):
        t0 = int(organic_posts["ts"][target]) + int(rng.integers(600, 3 * HOUR))
        share = rng.uniform(0.2, 0.5)
        for slot in amps:
            if rng.random() >= share:
                continue
            t = t0 + int(lognormal_lag(rng, 3 * net.median_lag * slot.speed, sigma, 1)[0])
            key = _active_at(slot, t)
            if key < 0 or t >= END_S or accounts.rows[key]["platform"] != main:
                continue
            text = (tx.sentences(rng, 1, tx.CAMPAIGN_WORDS, 3, 9) if net.lang == "en"
                    else _campaign_text(rng, net, 1, 3, 9))
            actions.add([key], [t], "reply", ref=[organic_posts["key"][target]], text=text)


def _filler(rng, accounts, actions, net: Network, organic_posts: dict, vocab: Vocab,
            knobs: dict) -> None:
    mean, shift_share = knobs["filler"]
    for slot in net.slots:
        for i, (key, a, b) in enumerate(zip(slot.accounts, slot.start, slot.stop,
                                            strict=True)):
            n = int(rng.poisson(mean * (b - a) / (DAYS * DAY)))
            shift = rng.random(n) < shift_share
            t = np.where(shift,
                         sample_times(rng, np.full(n, net.tz), np.full(n, a), np.full(n, b),
                                      pattern="shift"),
                         sample_times(rng, np.full(n, net.tz), np.full(n, a), np.full(n, b)))
            tags = [f"{h} {rng.choice(net.hashtags)}" if h and rng.random() < 0.5 else h
                    for h in vocab.hashtag_cells(rng, n, 0.4)]
            text = tx.sentences(rng, n) if net.lang == "en" else _campaign_text(rng, net, n, 3, 11)
            actions.add(np.full(n, key), t, "post", text=text, hashtags=tags,
                        urls=vocab.url_cells(rng, n, 0.15),
                        media=vocab.media_cells(rng, n, 0.1, meme_share=0.3))
            # camouflage: reshare popular organic posts like anyone else
            plat = accounts.rows[key]["platform"]
            cand = np.flatnonzero((organic_posts["platform"] == plat) &
                                  (organic_posts["ts"] >= a) & (organic_posts["ts"] < b))
            n_cam = min(int(rng.poisson(knobs["camouflage"] * 40 * (b - a) / (DAYS * DAY))),
                        len(cand))
            if n_cam:
                pick = cand[rng.choice(len(cand), size=n_cam, replace=False)]
                tt = organic_posts["ts"][pick] + lognormal_lag(rng, 2400.0, 1.5, n_cam)
                ok = tt < b
                actions.add(np.full(int(ok.sum()), key), tt[ok], share_kind(plat),
                            ref=organic_posts["key"][pick[ok]])
            if i > 0 and net.announcements:
                # an Urdu network's mirrors always say where they went, naming the old one
                old = accounts.rows[slot.accounts[i - 1]]["handle"]
                msg = str(rng.choice(list(net.announcements)))
                actions.add([key], [a + int(rng.integers(0, 6 * HOUR))], "post",
                            text=[f"{msg} @{old}"], hashtags=[net.hashtags[0]])
            elif i > 0 and rng.random() < knobs["announce"]:
                old = accounts.rows[slot.accounts[i - 1]]["handle"]
                msg = (f"New account! The old one @{old} was suspended. Follow and share"
                       if rng.random() < 0.5 else
                       str(rng.choice(["We're back! They can't stop us",
                                       "Back again. Please follow this account",
                                       "This is my new account, spread the word"])))
                actions.add([key], [a + int(rng.integers(0, 6 * HOUR))], "post", text=[msg],
                            hashtags=[net.hashtags[0]])
