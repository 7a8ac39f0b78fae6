"""The organic background: people, news outlets, viral bursts, fans, trends, spam."""

from __future__ import annotations

import numpy as np

from netlib.synth import _text as tx
from netlib.synth._config import (
    DAY,
    DAYS,
    END_S,
    FORWARD_PLATFORMS,
    ORGANIC_PLATFORM_WEIGHTS,
    ORGANIC_ZONES,
    PLATFORMS,
    START_S,
)
from netlib.synth._store import Accounts, Actions
from netlib.synth._time import lognormal_lag, sample_times

_D1 = "blog daily my the go news top info web hub tech life pop art city home".split()
_D2 = "spot post page wire feed zone land base net site corner desk space today view lab".split()
_TLD = "com org net io co com com net com org com info com net com io".split()
DOMAINS = [f"{a}{b}.{tld}" for a, b, tld in zip(_D1, _D2, _TLD, strict=True)] + ["youtube.com", "wikipedia.org", "reddit.com", "medium.com",
                     "github.com", "bbc.co.uk", "nytimes.com", "spotify.com"]


def share_kind(platform: str) -> str:
    return "forward" if platform in FORWARD_PLATFORMS else "repost"


def _zipf_choice(rng: np.random.Generator, n_items: int, size: int, a: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1) ** a
    return rng.choice(n_items, size=size, p=weights / weights.sum())


class Vocab:
    """Shared organic vocabularies: hashtags, link paths, meme images."""

    def __init__(self, rng: np.random.Generator):
        base = list(dict.fromkeys(tx.WORDS))
        tags = [f"{a}{b}" for a in base[:60] for b in ("", "news", "2025", "life", "now")]
        self.hashtags = np.array(tags)
        self.memes = np.array(tx.hex_hash(rng, 300))
        self.domains = np.array(DOMAINS)

    def hashtag_cells(self, rng: np.random.Generator, n: int, p: float) -> list[str | None]:
        has = rng.random(n) < p
        counts = rng.integers(1, 4, size=n)
        idx = _zipf_choice(rng, len(self.hashtags), int(counts.sum()))
        out, i = [], 0
        for h, c in zip(has, counts, strict=True):
            out.append(" ".join(self.hashtags[idx[i:i + c]]) if h else None)
            i += c
        return out

    def url_cells(self, rng: np.random.Generator, n: int, p: float) -> list[str | None]:
        has = rng.random(n) < p
        dom = self.domains[_zipf_choice(rng, len(self.domains), n, 0.9)]
        path = rng.integers(0, 10**7, size=n)
        return [f"https://{d}/p/{k}" if h else None for h, d, k in zip(has, dom, path,
                                                                       strict=True)]

    def media_cells(self, rng: np.random.Generator, n: int, p: float,
                    meme_share: float = 0.08) -> list[str | None]:
        has = rng.random(n) < p
        meme = rng.random(n) < meme_share
        memes = self.memes[_zipf_choice(rng, len(self.memes), n)]
        fresh = tx.hex_hash(rng, n)
        return [(m if is_meme else f) if h else None
                for h, is_meme, m, f in zip(has, meme, memes, fresh, strict=True)]


def person(rng: np.random.Generator, accounts: Accounts, platform: str, tz: float, *,
            role: str, first: str | None = None, last: str | None = None,
            handle: str | None = None, created_at: int | None = None) -> int:
    first = first or tx.FIRST[int(rng.integers(len(tx.FIRST)))]
    last = last or tx.LAST[int(rng.integers(len(tx.LAST)))]
    handle = accounts.unique(platform, handle or tx.handle_from_name(rng, first, last), rng)
    if created_at is None:
        # most accounts predate the window; a few are brand new
        if rng.random() < 0.88:
            created_at = START_S - int(rng.integers(20, 15 * 365)) * DAY \
                - int(rng.integers(0, DAY))
        else:
            created_at = START_S + int(rng.integers(0, (DAYS - 5) * DAY))
    cities = tx.CITIES[tz]
    words = tx.WORDS
    bio = tx.BIO_TEMPLATES[int(rng.integers(len(tx.BIO_TEMPLATES)))].format(
        w1=words[int(rng.integers(len(words)))], w2=words[int(rng.integers(len(words)))],
        city=cities[int(rng.integers(len(cities)))], name=f"{first.title()} {last.title()}")
    pop = float((rng.pareto(1.3) + 1) * 3)
    return accounts.add(
        platform=platform, handle=handle, display_name=tx.display_from_name(rng, first, last),
        created_at=created_at, bio=bio or None,
        url=f"https://{DOMAINS[int(rng.integers(len(DOMAINS)))]}/{handle}"
        if rng.random() < 0.15 else None,
        avatar=tx.hex_hash(rng)[0] if rng.random() < 0.85 else None,
        location=cities[int(rng.integers(len(cities)))] if rng.random() < 0.5 else None,
        language=tx.LANGUAGES[tz], tz=tz, role=role, pop=pop,
        activity=float(np.clip(rng.lognormal(2.3, 1.25), 1, 2500)))


def make_population(rng: np.random.Generator, accounts: Accounts, knobs: dict,
                    scale: float) -> dict[str, list[int]]:
    """Create organic people, look-alike families, celebrities, outlets, spam and newcomers."""
    zones = np.array([z for z, _ in ORGANIC_ZONES])
    zw = np.array([w for _, w in ORGANIC_ZONES])
    zw = zw / zw.sum()
    pw = np.array(ORGANIC_PLATFORM_WEIGHTS)
    groups: dict[str, list[int]] = {k: [] for k in
                                    ("people", "lookalike", "celebrity", "outlet", "spam",
                                     "newcomer", "hostile")}
    n_people = max(int(round(4300 * scale)), 60)
    plat = rng.choice(len(PLATFORMS), size=n_people, p=pw)
    tz = rng.choice(zones, size=n_people, p=zw)
    for p, z in zip(plat, tz, strict=True):
        groups["people"].append(person(rng, accounts, PLATFORMS[p], float(z), role="organic"))
    # look-alike families: unrelated people whose handles differ by one small edit
    n_fam = max(int(round(knobs["lookalike_families"] * scale)), 3)
    for fam in range(n_fam):
        first = tx.FIRST[int(rng.integers(len(tx.FIRST)))]
        last = tx.LAST[int(rng.integers(len(tx.LAST)))]
        base = tx.handle_from_name(rng, first, last)
        platform = PLATFORMS[int(rng.choice(len(PLATFORMS), p=pw))]
        for j in range(int(rng.integers(2, 5))):
            kind = tx.MUTATIONS[int(rng.integers(len(tx.MUTATIONS)))]
            handle = base if j == 0 else tx.mutate_handle(rng, base, kind)
            pf = platform if kind != "platform_switch" or j == 0 else \
                PLATFORMS[int(rng.integers(len(PLATFORMS)))]
            if not accounts.free(pf, handle):
                continue
            z = float(rng.choice(zones, p=zw))
            key = person(rng, accounts, pf, z, role="organic", first=first, last=last,
                          handle=handle)
            accounts.rows[key]["tag"] = f"family{fam}"
            groups["lookalike"].append(key)
    # celebrities: very popular, frequent posters
    for _ in range(max(int(round(12 * scale)), 2)):
        p = PLATFORMS[int(rng.choice(3))]
        key = person(rng, accounts, p, float(rng.choice(zones, p=zw)), role="celebrity")
        row = accounts.rows[key]
        row.update(pop=float(rng.uniform(300, 3000)), activity=float(rng.uniform(150, 400)))
        groups["celebrity"].append(key)
    # news outlets (legitimate syndication)
    n_out = max(int(round(knobs["outlets"] * min(1.0, scale ** 0.5))), 3)
    names = rng.permutation(len(tx.NEWS_NAMES))[:n_out]
    for i in names:
        name = tx.NEWS_NAMES[int(i)]
        z = float(rng.choice([-5.0, 0.0, 1.0, -8.0, 3.0, 5.5, 8.0]))
        p = ("x", "facebook", "telegram")[int(rng.choice(3, p=[0.55, 0.35, 0.1]))]
        handle = accounts.unique(p, name.lower().replace(" ", "").replace("the", ""), rng)
        key = accounts.add(
            platform=p, handle=handle, display_name=name, bio=f"News from {name}. Tips: tips@"
            f"{handle}.com", url=f"https://www.{handle}.com",
            created_at=START_S - int(rng.integers(2000, 5000)) * DAY,
            avatar=tx.hex_hash(rng)[0], location=tx.CITIES[z][0], language=tx.LANGUAGES[z],
            tz=z, role="outlet", pop=float(rng.uniform(200, 1500)),
            activity=float(rng.uniform(150, 350)))
        groups["outlet"].append(key)
    # spam accounts: recent, busy, suspended by the platform; unrelated newcomers follow
    n_spam = max(int(round(0.02 * n_people)), 2)
    for _ in range(n_spam):
        p = PLATFORMS[int(rng.choice(len(PLATFORMS), p=pw))]
        created = START_S + int(rng.integers(-60, 60)) * DAY
        key = person(rng, accounts, p, float(rng.choice(zones, p=zw)), role="spam",
                      created_at=created)
        susp = max(created, START_S) + int(rng.integers(3 * DAY, 25 * DAY))
        susp = min(susp, END_S - DAY)
        accounts.rows[key].update(status="suspended", suspended_at=susp,
                                  activity=float(rng.uniform(80, 400)), pop=0.5)
        groups["spam"].append(key)
        if rng.random() < 0.6:  # a newcomer soon after, unrelated to the spammer
            nc = min(susp + int(rng.integers(DAY // 2, 10 * DAY)), END_S - 2 * DAY)
            key2 = person(rng, accounts, p, float(rng.choice(zones, p=zw)), role="newcomer",
                           created_at=nc)
            groups["newcomer"].append(key2)
    # a few accounts whose names and bios are hostile strings (kept as data)
    people = groups["people"]
    for i, key in enumerate(rng.choice(people, size=min(len(tx.HOSTILE), len(people)),
                                       replace=False)):
        row = accounts.rows[int(key)]
        hostile = tx.HOSTILE[i]
        if i % 2 == 0:
            row["bio"] = hostile
        else:
            row["display_name"] = hostile
        if i % 3 == 0:
            row["url"] = "javascript:alert(1)"
        groups["hostile"].append(int(key))
    return groups


def _window(accounts: Accounts, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    created = np.array([accounts.rows[k]["created_at"] for k in keys], dtype=np.int64)
    susp = np.array([accounts.rows[k]["suspended_at"] for k in keys], dtype=np.int64)
    lo = np.maximum(created, START_S)
    hi = np.where(susp > 0, np.minimum(susp, END_S), END_S)
    return lo, np.maximum(hi, lo + 1)


def organic_activity(rng: np.random.Generator, accounts: Accounts, actions: Actions,
                     vocab: Vocab, groups: dict[str, list[int]], knobs: dict,
                     scale: float = 1.0) -> dict:
    """Posts, reposts, replies and quotes of the organic background, plus special events."""
    keys = np.array(sorted(k for g in ("people", "lookalike", "celebrity", "spam", "newcomer")
                           for k in groups[g]), dtype=np.int64)
    lo, hi = _window(accounts, keys)
    frac = (hi - lo) / (END_S - START_S)
    activity = np.array([accounts.rows[k]["activity"] for k in keys])
    counts = rng.poisson(activity * frac)
    repost_p = rng.beta(1.6, 3.0, size=len(keys))
    tz = np.array([accounts.rows[k]["tz"] for k in keys])
    chrono = np.clip(np.round(rng.normal(0, 1.2, size=len(keys))), -3, 3)
    platform = np.array([accounts.rows[k]["platform"] for k in keys])
    idx = np.repeat(np.arange(len(keys)), counts)
    ts = sample_times(rng, tz[idx], lo[idx], hi[idx], chronotype=chrono[idx])
    roll = rng.random(len(idx))
    is_share = roll < repost_p[idx]
    is_reply = ~is_share & (roll < repost_p[idx] + 0.12)
    is_quote = ~is_share & ~is_reply & (roll < repost_p[idx] + 0.16)
    is_post = ~(is_share | is_reply | is_quote)
    # original posts
    p_idx = idx[is_post]
    n = len(p_idx)
    spam = np.isin(keys[p_idx], groups["spam"])
    texts = tx.sentences(rng, n)
    for i, j in enumerate(rng.choice(n, size=min(n, 3 * len(tx.HOSTILE)), replace=False)):
        texts[int(j)] = tx.HOSTILE[i % len(tx.HOSTILE)]  # hostile strings as plain data
    urls = vocab.url_cells(rng, n, 0.25)
    # each spammer pushes its own shop: spam is not a planted network
    spam_link = [f"https://cheap-{w}-{int(k)}.shop/deal" for w, k in
                 zip(np.asarray(tx.WORDS)[rng.integers(0, 8, size=n)], keys[p_idx],
                     strict=True)]
    urls = [s if sp else u for u, s, sp in zip(urls, spam_link, spam, strict=True)]
    post_keys = actions.add(keys[p_idx], ts[is_post], "post", text=texts, urls=urls,
                            hashtags=vocab.hashtag_cells(rng, n, 0.3),
                            media=vocab.media_cells(rng, n, 0.15))
    post_acc = keys[p_idx]
    post_ts = ts[is_post]
    post_plat = platform[p_idx]
    pop = np.array([accounts.rows[k]["pop"] for k in post_acc]) ** 0.8
    # shares, replies and quotes point at earlier posts on the same platform
    for mask, kind_of in ((is_share, None), (is_reply, "reply"), (is_quote, "quote")):
        s_idx = idx[mask]
        for plat in PLATFORMS:
            sel = s_idx[platform[s_idx] == plat]
            cand = np.flatnonzero(post_plat == plat)
            if not len(sel) or not len(cand):
                continue
            w = pop[cand] / pop[cand].sum()
            target = cand[rng.choice(len(cand), size=len(sel), p=w)]
            lag = lognormal_lag(rng, 1500.0, 1.8, len(sel))
            t = post_ts[target] + lag
            ok = (t < END_S) & (post_acc[target] != keys[sel])
            sel, target, t = sel[ok], target[ok], t[ok]
            external = rng.random(len(sel)) < 0.08
            kind = kind_of or share_kind(plat)
            text = None if kind_of is None else tx.sentences(rng, len(sel), lo=2, hi=9)
            ref = np.where(external, -1, post_keys[target])
            ext = [f"ext:{plat}:{int(v)}" if e else None for e, v in
                   zip(external, rng.integers(10**9, 10**10, size=len(sel)), strict=True)]
            actions.add(keys[sel], t, kind, ref=ref, ext=ext, text=text)
    posts = dict(key=post_keys, acc=post_acc, ts=post_ts, platform=post_plat)
    _viral_bursts(rng, accounts, actions, posts, keys, platform, activity, knobs, scale)
    _fan_groups(rng, accounts, actions, groups, keys, platform, knobs, scale)
    _hashtag_events(rng, accounts, actions, vocab, keys, knobs, scale)
    _news(rng, accounts, actions, vocab, groups, knobs, scale)
    return posts


def _viral_bursts(rng, accounts, actions, posts, keys, platform, activity, knobs,
                  scale) -> None:
    """Popular posts reshared by many unrelated accounts within seconds to hours."""
    n_bursts = int(rng.poisson(knobs["viral_per_day"] * DAYS * scale))
    pop = np.array([accounts.rows[k]["pop"] for k in posts["acc"]])
    w = pop**1.5 / (pop**1.5).sum()
    chosen = rng.choice(len(posts["key"]), size=n_bursts, replace=False, p=w) \
        if n_bursts <= len(w) else np.arange(len(w))
    lo_size, hi_size = knobs["viral_size"]
    for i in chosen:
        plat = posts["platform"][i]
        pool = np.flatnonzero(platform == plat)
        size = int(min(lo_size * (1 + rng.pareto(1.2)), hi_size, len(pool) // 2))
        if size < 5:
            continue
        pw = activity[pool] ** 0.5
        who = rng.choice(pool, size=size, replace=False, p=pw / pw.sum())
        who = who[keys[who] != posts["acc"][i]]
        fast = rng.random(len(who)) < rng.uniform(0.3, 0.7)
        lag = np.where(fast, 1 + rng.exponential(rng.uniform(15, 90), len(who)).astype(np.int64),
                       lognormal_lag(rng, 1800.0, 1.5, len(who)))
        t = posts["ts"][i] + lag
        ok = t < END_S
        actions.add(keys[who[ok]], t[ok], share_kind(plat), ref=posts["key"][i])


def _fan_groups(rng, accounts, actions, groups, keys, platform, knobs, scale) -> None:
    """Fans who reshare a celebrity's posts soon after each one (organic, not a network)."""
    celebs = groups["celebrity"]
    n = min(max(int(round(knobs["fan_groups"] * min(scale, 1.0))), 1), len(celebs))
    for c in rng.choice(celebs, size=n, replace=False):
        c = int(c)
        row = accounts.rows[c]
        pool = np.flatnonzero((platform == row["platform"]) & (keys != c))
        fans = keys[rng.choice(pool, size=min(int(rng.integers(12, 31)), len(pool)),
                               replace=False)]
        for f in fans:
            accounts.rows[int(f)]["tag"] = f"fan_of_{c}"
        n_posts = int(rng.integers(60, 200))
        t0 = sample_times(rng, np.full(n_posts, row["tz"]), np.full(n_posts, START_S),
                          np.full(n_posts, END_S))
        post_keys = actions.add(np.full(n_posts, c), t0, "post",
                                text=tx.sentences(rng, n_posts),
                                media=tx.hex_hash(rng, n_posts))
        median = rng.uniform(120, 900)
        for pk, t in zip(post_keys, t0, strict=True):
            who = fans[rng.random(len(fans)) < 0.35]
            tt = t + lognormal_lag(rng, median, 1.0, len(who))
            ok = tt < END_S
            actions.add(who[ok], tt[ok], share_kind(row["platform"]), ref=pk)


def _hashtag_events(rng, accounts, actions, vocab, keys, knobs, scale) -> None:
    """Live events: many accounts post the same new hashtag within minutes."""
    for e in range(max(int(round(knobs["hashtag_events"] * scale)), 2)):
        tag = f"{tx.WORDS[int(rng.integers(len(tx.WORDS)))]}{'vs'}" \
              f"{tx.WORDS[int(rng.integers(len(tx.WORDS)))]}{e}"
        t0 = START_S + int(rng.integers(0, (DAYS - 1) * DAY))
        size = int(min(40 * (1 + rng.pareto(1.5)), 400, len(keys) // 3))
        who = keys[rng.choice(len(keys), size=size, replace=False)]
        t = t0 + rng.exponential(400, size=size).astype(np.int64)
        ok = t < END_S
        n = int(ok.sum())
        actions.add(who[ok], t[ok], "post", text=tx.sentences(rng, n, lo=2, hi=8),
                    hashtags=[f"{tag} {h}" if h else tag for h in
                              vocab.hashtag_cells(rng, n, 0.3)])


def _news(rng, accounts, actions, vocab, groups, knobs, scale) -> None:
    """Outlets post their own stories and syndicate shared wire stories within minutes."""
    outlets = np.array(groups["outlet"], dtype=np.int64)
    if not len(outlets):
        return
    tz = np.array([accounts.rows[k]["tz"] for k in outlets])
    domains = [accounts.rows[k]["url"].split("//www.")[-1] for k in outlets]
    for j, k in enumerate(outlets):
        n = int(rng.poisson(accounts.rows[k]["activity"] * min(scale, 1.0)))
        t = sample_times(rng, np.full(n, tz[j]), np.full(n, START_S), np.full(n, END_S))
        actions.add(np.full(n, k), t, "post", text=tx.sentences(rng, n, lo=6, hi=14),
                    urls=[f"https://www.{domains[j]}/story/{v}" for v in
                          rng.integers(10**5, 10**6, size=n)],
                    hashtags=vocab.hashtag_cells(rng, n, 0.2))
    for _ in range(max(int(round(knobs["syndicated_links"] * min(scale, 1.0))), 10)):
        size = int(min(rng.integers(2, 7), len(outlets)))
        who = rng.choice(len(outlets), size=size, replace=False)
        t0 = sample_times(rng, tz[who[:1]], np.array([START_S]), np.array([END_S]))[0]
        lag = np.concatenate([[0], rng.exponential(rng.uniform(20, 240), size - 1)])
        t = t0 + lag.astype(np.int64)
        ok = t < END_S
        link = f"https://wire.example-agency.com/{int(rng.integers(10**7, 10**8))}"
        head = tx.sentences(rng, 1, lo=6, hi=12)[0]
        texts = [tx.edit_text(rng, head, 0.3) for _ in range(int(ok.sum()))]
        actions.add(outlets[who[ok]], t[ok], "post", text=texts, urls=link)
