"""An Urdu / Roman-Urdu network, Urdu-writing organic accounts, WhatsApp groups and numbers.

The network (UTC+5) writes in Urdu script, Roman Urdu and some English on X, Facebook,
Telegram and WhatsApp. Its operator, the X account ``ملک_نیوز``, is taken down in the first
wave and comes back as the Telegram channel ``malik_news_2`` ("Malik News"): a
cross-platform, cross-script mirror that only a transliterating name match links.

Everything here draws from its own generator (seeded from the scenario seed), so the other
planted networks stay as they were.
"""

from __future__ import annotations

import numpy as np

from netlib.synth import _text as tx
from netlib.synth._config import DAY, END_S, HOUR, START_S
from netlib.synth._networks import Network, Slot, network_activity, takedowns
from netlib.synth._organic import Vocab, person
from netlib.synth._store import Accounts, Actions
from netlib.synth._time import sample_times

#: (Urdu script, Roman Urdu) first and last names.
FIRST = (("عمران", "imran"), ("علی", "ali"), ("احمد", "ahmed"), ("بلال", "bilal"),
         ("حسن", "hassan"), ("فاطمہ", "fatima"), ("عائشہ", "ayesha"), ("زینب", "zainab"),
         ("عثمان", "usman"), ("حمزہ", "hamza"), ("سارہ", "sara"), ("طارق", "tariq"),
         ("نوید", "naveed"), ("صائمہ", "saima"), ("کامران", "kamran"), ("ثناء", "sana"))
LAST = (("خان", "khan"), ("ملک", "malik"), ("شاہ", "shah"), ("چوہدری", "chaudhry"),
        ("بٹ", "butt"), ("قریشی", "qureshi"), ("اعوان", "awan"), ("راجہ", "raja"),
        ("مغل", "mughal"), ("ستی", "satti"))
#: Campaign hashtags: (Urdu script, Roman Urdu); the network uses both spellings.
TAGS = (("پاکستان_زندہ_باد", "PakistanZindabad"), ("سچ_کی_آواز", "SachKiAwaz"),
        ("انصاف_دو", "InsafDo"), ("ظلم_بند_کرو", "ZulmBandKaro"))
URDU_WORDS = """پاکستان زندہ باد سچ حق آواز عوام ظلم انصاف قوم ہمارا ساتھ دیں شیئر کریں
میڈیا جھوٹ حکومت یہ سب ہے اور کی کا کے میں نہیں ہم بھی""".split()
ROMAN_WORDS = """pakistan zindabad sach haq awaz awam zulm insaf qaum hamara sath dein share
karo media jhoot hukumat ye sab hai aur ki ka ke mein nahi hum bhi""".split()
ORGANIC_URDU = """آج موسم اچھا ہے کرکٹ میچ دیکھا چائے دوست گھر بازار کھانا بارش عید مبارک
شکریہ بھائی کیا حال ہے""".split()
ORGANIC_ROMAN = """aaj mausam acha hai cricket match dekha chai dost ghar bazaar khana barish
eid mubarak shukriya bhai kya haal hai yaar""".split()
ANNOUNCE = ("ہمارا نیا اکاؤنٹ فالو کریں، پرانا اکاؤنٹ بند ہو گیا",
            "ہم واپس آ گئے ہیں، یہ ہمارا نیا پیج ہے",
            "mera naya account follow karo, purana account band ho gaya",
            "wapis aa gaye! naya account hai ye, share karo")
GROUP = "پاکستان زندہ باد گروپ"
#: Words in the Urdu-script handles of the network ("عمران_خان_آواز").
HANDLE_WORDS = ("آواز", "نیوز", "پاکستانی", "سچ", "ٹی_وی", "عوام", "انصاف", "قوم", "میڈیا",
                "ٹائمز", "اپڈیٹ", "لائیو")
#: Calling codes of the network's WhatsApp numbers, with their shares.
NETWORK_CODES = (("+92", 0.75), ("+93", 0.1), ("+971", 0.15))
#: Calling code of an account's WhatsApp number by the UTC offset it lives in.
ZONE_CODES = {-8.0: "+1", -6.0: "+52", -5.0: "+1", -3.0: "+55", 0.0: "+44", 1.0: "+49",
              2.0: "+380", 3.0: "+7", 4.0: "+971", 5.0: "+92", 5.5: "+91", 7.0: "+66",
              8.0: "+86", 9.0: "+81", 10.0: "+61"}
OPERATOR_HANDLE = "ملک_نیوز"
SUCCESSOR_HANDLE = "malik_news_2"


def _words(rng: np.random.Generator, n: int, urdu: tuple | list, roman: tuple | list,
           p_urdu: float, lo: int = 5, hi: int = 14) -> list[str]:
    """``n`` posts, each in Urdu script (share ``p_urdu``) or Roman Urdu."""
    script = rng.random(n) < p_urdu
    ur = tx.sentences(rng, n, vocab=list(urdu), lo=lo, hi=hi)
    ro = tx.sentences(rng, n, vocab=list(roman), lo=lo, hi=hi)
    return [u if s else r for s, u, r in zip(script, ur, ro, strict=True)]


def _fresh_handle(rng: np.random.Generator) -> str:
    """An unrelated Roman-Urdu handle for a mirror that changes its name."""
    rf, rl = FIRST[int(rng.integers(len(FIRST)))][1], LAST[int(rng.integers(len(LAST)))][1]
    return f"{rf}_{rl}{int(rng.integers(10, 9999))}"


def _member(rng: np.random.Generator, accounts: Accounts, net: Network, role: str,
            created: int, platform: str) -> int:
    (uf, rf), (ul, rl) = FIRST[int(rng.integers(len(FIRST)))], LAST[int(rng.integers(len(LAST)))]
    if rng.random() < 0.45:
        # page-style names: a person's name and a word of the campaign
        word = HANDLE_WORDS[int(rng.integers(len(HANDLE_WORDS)))]
        handle, display = f"{uf}_{ul}_{word}", f"{uf} {ul}"
    else:
        handle = f"{rf}_{rl}{int(rng.integers(1, 999))}" if rng.random() < 0.6 else f"{rf}{rl}"
        display = f"{rf.title()} {rl.title()}"
    handle = accounts.unique(platform, handle, rng)
    tag = TAGS[int(rng.integers(len(TAGS)))]
    bio = (f"سچ کی آواز #{tag[0]}" if rng.random() < 0.5 else f"Sach ki awaz. #{tag[1]}")
    code = None
    if platform == "whatsapp":
        codes, shares = zip(*NETWORK_CODES, strict=True)
        code = str(rng.choice(codes, p=shares))
    return accounts.add(
        platform=platform, handle=handle, display_name=display, created_at=created, bio=bio,
        url=f"https://{net.domains[0]}" if rng.random() < 0.3 else None,
        avatar=tx.hex_hash(rng)[0], location="Lahore" if rng.random() < 0.4 else None,
        language="ur", tz=net.tz, role=role, network=int(net.id[1:]),
        pop=float(rng.uniform(0.3, 2.0)), generation=0, calling_code=code,
        chat=GROUP if platform == "whatsapp" else None)


def _plant_cross_platform_mirror(rng: np.random.Generator, accounts: Accounts, net: Network,
                                 slot: Slot) -> None:
    """The X operator ``ملک_نیوز`` is suspended; ``malik_news_2`` on Telegram succeeds it."""
    pred = slot.accounts[-1]
    prow = accounts.rows[pred]
    susp = net.waves[0] + int(rng.integers(0, 4 * HOUR))
    prow.update(status="suspended", suspended_at=susp)
    slot.stop[-1] = susp
    created = susp + int(rng.uniform(1.0, 3.0) * DAY)
    active = created + int(rng.uniform(0.1, 0.5) * DAY)
    key = accounts.add(
        platform="telegram", handle=SUCCESSOR_HANDLE, display_name="Malik News",
        created_at=created, bio=f"Malik News ka naya channel. #{TAGS[0][1]}", url=prow["url"],
        avatar=tx.flip_bits(rng, prow["avatar"], 2), location=prow["location"],
        language="ur", tz=net.tz, role="operator", network=prow["network"], pop=prow["pop"],
        generation=1, active_from=active)
    slot.accounts.append(key)
    slot.start.append(active)
    slot.stop.append(END_S)
    net.mirrors.append(dict(predecessor=pred, successor=key, generation=1,
                            mutation="transliteration+platform_switch", spare=False))


def urdu_network(rng: np.random.Generator, accounts: Accounts, actions: Actions,
                 net_id: str, knobs: dict, scale: float, organic_posts: dict, vocab: Vocab,
                 organic: np.ndarray, tz: float = 5.0) -> Network:
    """Build, take down, mirror and run the Urdu network (working in ``tz``); return it."""
    platforms = ["x", "facebook", "telegram", "whatsapp"]
    weights = np.array([1.0, 0.3, 0.3, 0.35])
    net = Network(id=net_id, tz=tz, platforms=platforms, weights=weights / weights.sum(),
                  median_lag=float(np.exp(rng.uniform(np.log(20), np.log(120)))),
                  copy_fraction=float(rng.uniform(*knobs["copy_fraction"])), slots=[],
                  hashtags=[t for pair in TAGS for t in pair],
                  domains=["sach-ki-awaz.news", "awam-news.online"], lang="ur",
                  words=(tuple(URDU_WORDS), tuple(ROMAN_WORDS)), announcements=ANNOUNCE,
                  handle_maker=_fresh_handle)
    size = max(int(round(45 * scale)), 8)
    bursts = START_S - rng.integers(30, 300, size=2) * DAY
    start = START_S + int(rng.integers(0, 8)) * DAY
    a, b = knobs["participation"]
    for j in range(size):
        role = "operator" if j == 0 else "amplifier"
        if role == "operator":
            created = int(bursts.min()) - int(rng.integers(60, 400)) * DAY
            key = accounts.add(
                platform="x", handle=OPERATOR_HANDLE, display_name="ملک نیوز",
                created_at=created, bio=f"سچ کی آواز۔ #{TAGS[0][0]}",
                url=f"https://{net.domains[0]}", avatar=tx.hex_hash(rng)[0], location="Lahore",
                language="ur", tz=net.tz, role=role, network=int(net_id[1:]), pop=2.0)
        else:
            created = int(rng.choice(bursts)) + int(rng.integers(0, 3 * DAY))
            platform = platforms[int(rng.choice(len(platforms), p=net.weights))]
            key = _member(rng, accounts, net, role, created, platform)
        net.slots.append(Slot.seated(rng, role, a, b, key, start, created, 3))
    takedowns(rng, accounts, [net], {**knobs, "operator_takedown": 0.0})
    _plant_cross_platform_mirror(rng, accounts, net, net.slots[0])
    network_activity(rng, accounts, actions, [net], organic_posts, vocab, knobs, organic)
    return net


def urdu_organic(rng: np.random.Generator, accounts: Accounts, actions: Actions,
                 scale: float) -> list[int]:
    """Organic accounts that write Urdu and Roman Urdu (and use the popular tags too)."""
    keys = []
    n = max(int(round(80 * scale)), 6)
    platforms = ("x", "facebook", "whatsapp", "instagram")
    for _ in range(n):
        platform = platforms[int(rng.integers(len(platforms)))]
        (uf, rf), (ul, rl) = (FIRST[int(rng.integers(len(FIRST)))],
                              LAST[int(rng.integers(len(LAST)))])
        handle = (f"{rf}.{rl}{int(rng.integers(1, 99))}" if rng.random() < 0.8
                  else f"{uf}{ul}")
        handle = accounts.unique(platform, handle, rng)
        key = person(rng, accounts, platform, 5.0, role="organic", handle=handle,
                     created_at=START_S - int(rng.integers(30, 2000)) * DAY)
        row = accounts.rows[key]
        row.update(display_name=f"{uf} {ul}" if rng.random() < 0.5 else
                   f"{rf.title()} {rl.title()}", language="ur")
        if platform == "whatsapp":
            row.update(calling_code="+92" if rng.random() < 0.9 else "+44",
                       chat="محلہ گروپ" if rng.random() < 0.5 else "Family group")
        m = int(rng.poisson(25))
        t = sample_times(rng, np.full(m, 5.0), np.full(m, START_S), np.full(m, END_S - DAY))
        text = _words(rng, m, ORGANIC_URDU, ORGANIC_ROMAN, 0.5, 3, 10)
        tags = [(TAGS[0][int(rng.integers(2))] if rng.random() < 0.5 else "Cricket")
                if rng.random() < 0.15 else None for _ in range(m)]
        actions.add(np.full(m, key), t, "post", text=text, hashtags=tags)
        keys.append(key)
    return keys
