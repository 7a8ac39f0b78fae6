"""Names, handles, handle mutations, post text and perceptual-hash strings."""

from __future__ import annotations

import numpy as np

FIRST = """james mary john patricia robert jennifer michael linda william elizabeth david
barbara richard susan joseph jessica thomas sarah charles karen chris nancy daniel lisa
matthew betty anthony sandra mark ashley donald kim steven emily paul donna andrew michelle
josh carol kevin amanda brian melissa george deborah tim stephanie ron rebecca jason laura
ed sharon jeff cynthia ryan kathy jacob amy gary angela nick anna eric helen jonathan
olga ivan dmitri elena sergei natalia alexei irina ahmed fatima ali aisha omar leila hassan
yusuf priya rahul amit neha arjun kavya wei li ming hui jun mei hiroshi yuki takeshi aiko
kenji haruka min ji seo hyun carlos maria jose ana luis sofia diego lucia pablo carmen
lukas anna jonas lea felix emma marco giulia luca chiara pierre camille louis chloe
""".split()
LAST = """smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white
harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres
nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts
ivanov petrov smirnov kuznetsov popov volkov sokolov khan ahmed hussain malik shah sharma
patel singh kumar gupta wang zhang liu chen yang huang zhao tanaka suzuki sato takahashi
watanabe kim park choi jung silva santos oliveira souza muller schmidt schneider fischer
weber rossi russo ferrari bianchi dubois moreau laurent bernard
""".split()
WORDS = """people today news world time government city week country report police school
health market price money life story family vote election power energy climate water war
peace border media truth freedom rights law court deal plan team game season music film
food travel weather morning night work job tax bank data video photo update live breaking
new big real good bad free best worst great small local global public private open official
says shows wants makes takes gives finds calls tells asks needs hits wins loses starts ends
rise fall boost crisis talks protest strike rally debate scandal leak probe claim fact check
""".split()
CAMPAIGN_WORDS = """truth exposed wake up share before deleted they lie the real story
patriots stand united enemy traitors corrupt elite betrayal hidden agenda defend our nation
sovereignty foreign agents propaganda censored banned silenced resist join us spread the word
""".split()
PREFIX_WORDS = ("real", "official", "the", "its", "new", "iam", "backup")
TAG_HEADS = ("Stop", "Defend", "Save", "Wake", "Expose", "Free", "Protect", "Justice4",
             "StandWith", "No", "Real", "Our")
TAG_TAILS = ("Truth", "Nation", "Borders", "Freedom", "TheElite", "Media", "Children",
             "Farmers", "Patriots", "Sovereignty", "Voices", "Lies", "Future", "Land")
SUFFIX_WORDS = ("real", "official", "new", "back", "tv", "news", "hq", "backup", "2")
CITIES = {
    -8.0: ["Los Angeles", "Seattle", "Vancouver"], -6.0: ["Chicago", "Mexico City", "Dallas"],
    -5.0: ["New York", "Toronto", "Atlanta", "Boston"], -3.0: ["Sao Paulo", "Buenos Aires"],
    0.0: ["London", "Lisbon", "Dublin", "Accra"], 1.0: ["Berlin", "Paris", "Rome", "Lagos"],
    2.0: ["Kyiv", "Cairo", "Athens"], 3.0: ["Moscow", "Istanbul", "Nairobi", "Riyadh"],
    4.0: ["Dubai", "Baku"], 5.0: ["Karachi", "Tashkent"], 5.5: ["Delhi", "Mumbai", "Kolkata"],
    7.0: ["Bangkok", "Jakarta"], 8.0: ["Beijing", "Singapore", "Manila"],
    9.0: ["Tokyo", "Seoul"], 10.0: ["Sydney", "Melbourne"],
}
LANGUAGES = {
    -8.0: "en", -6.0: "es", -5.0: "en", -3.0: "pt", 0.0: "en", 1.0: "de", 2.0: "uk",
    3.0: "ru", 4.0: "ar", 5.0: "ur", 5.5: "hi", 7.0: "th", 8.0: "zh", 9.0: "ja", 10.0: "en",
}
BIO_TEMPLATES = (
    "{w1} lover. {w2} enthusiast.", "Dad, husband, {w1} fan", "Views my own. {w1} | {w2}",
    "Just a {w1} person from {city}", "{w1} & {w2}. she/her", "Writer. {w1}. Coffee.",
    "{city} | {w1} | {w2}", "Official account of {name}", "", "", "",
)
CAMPAIGN_BIOS = (
    "Patriot. Truth seeker. {w1} {w2}", "Independent voice. No fake news. #{tag}",
    "They can't silence us. {w1}", "Mother, believer, defender of {w1}",
    "Citizen journalist | {w1} | {w2}", "Follow for the real story #{tag}",
)
EMOJI = ("\U0001F525", "\U0001F1FA\U0001F1F8", "\u2764\ufe0f", "\U0001F64F", "\U0001F4E2",
         "\U0001F440", "\u203C\ufe0f", "\U0001F4AF")
#: Strings that must survive as plain data (escaping tests for reports and CSV export).
HOSTILE = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x","y")', "javascript:alert(document.cookie)",
    "\u202eevil\u202c mirrored text", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\U0001F600\U0001F680 emoji only \U0001F4A5", "+1 mirror; DROP TABLE accounts;--",
    "@SUM(1+1)*cmd|' /C calc'!A0", "line one\nline two",
)
CONFUSABLE = {"o": "0", "0": "o", "l": "1", "i": "1", "1": "l", "e": "3", "a": "4", "s": "5"}
NEWS_NAMES = ("Daily Herald", "Morning Ledger", "City Courier", "Global Wire", "Evening Post",
              "The Dispatch", "Metro Times", "National Tribune", "Coast Gazette",
              "Capital Report", "Union Journal", "Harbor News", "Valley Chronicle",
              "Northern Star", "Continental Press", "Pacific Bulletin")


def handle_from_name(rng: np.random.Generator, first: str, last: str) -> str:
    """A plausible handle for a person named ``first last``."""
    style = int(rng.integers(0, 9))
    n = int(rng.integers(1, 100))
    if style == 0:
        return f"{first}_{last}"
    if style == 1:
        return f"{first}{last}"
    if style == 2:
        return f"{first}.{last}"
    if style == 3:
        return f"{first}_{last}{n}"
    if style == 4:
        return f"{first[0]}{last}{n}"
    if style == 5:
        return f"{first}{last}_"
    if style == 6:
        return f"{last}{first}{int(rng.integers(1960, 2006))}"
    if style == 7:
        return f"the_{first}{last[0]}"
    return f"{first}{n}{last[:3]}"


def display_from_name(rng: np.random.Generator, first: str, last: str) -> str:
    name = f"{first.title()} {last.title()}"
    roll = rng.random()
    if roll < 0.08:
        return f"{name} {EMOJI[int(rng.integers(len(EMOJI)))]}"
    if roll < 0.12:
        return first.title()
    return name


MUTATIONS = ("digit_append", "digit_increment", "lookalike_chars", "affix", "separator",
             "platform_switch")


def mutate_handle(rng: np.random.Generator, handle: str, kind: str) -> str:
    """Apply one handle mutation of the given ``kind`` (platform_switch keeps the handle)."""
    if kind == "digit_append":
        return handle + str(int(rng.integers(1, 10))) * int(rng.integers(1, 3))
    if kind == "digit_increment":
        stripped = handle.rstrip("0123456789")
        digits = handle[len(stripped):]
        if digits:
            return stripped + str(int(digits) + int(rng.integers(1, 4)))
        return handle + str(int(rng.integers(2, 4)))
    if kind == "lookalike_chars":
        positions = [i for i, ch in enumerate(handle) if ch in CONFUSABLE]
        if not positions:
            return handle + "_"
        chars = list(handle)
        k = 1 if len(positions) == 1 or rng.random() < 0.7 else 2
        for i in rng.choice(positions, size=k, replace=False):
            chars[int(i)] = CONFUSABLE[chars[int(i)]]
        return "".join(chars)
    if kind == "affix":
        sep = "_" if rng.random() < 0.6 else ""
        if rng.random() < 0.5:
            return f"{PREFIX_WORDS[int(rng.integers(len(PREFIX_WORDS)))]}{sep}{handle}"
        return f"{handle}{sep}{SUFFIX_WORDS[int(rng.integers(len(SUFFIX_WORDS)))]}"
    if kind == "separator":
        if "_" in handle:
            return handle.replace("_", "." if rng.random() < 0.4 else "", 1)
        if "." in handle:
            return handle.replace(".", "_", 1)
        stripped = handle.rstrip("0123456789")
        if stripped and stripped != handle:  # name_123 from name123
            return f"{stripped}_{handle[len(stripped):]}"
        return f"{handle}_" if rng.random() < 0.7 else f"_{handle}"
    return handle


def hex_hash(rng: np.random.Generator, n: int = 1) -> list[str]:
    """``n`` random 16-hex-digit (64-bit) perceptual-hash strings."""
    values = rng.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
    values |= rng.integers(0, 2, size=n).astype(np.uint64) << np.uint64(63)
    return [f"{int(v):016x}" for v in values]


def flip_bits(rng: np.random.Generator, hexhash: str, bits: int) -> str:
    """Flip ``bits`` distinct random bits of a 64-bit hex hash (a re-encoded image)."""
    value = int(hexhash, 16)
    for b in rng.choice(64, size=bits, replace=False):
        value ^= 1 << int(b)
    return f"{value:016x}"


def sentences(rng: np.random.Generator, n: int, vocab: list[str] | tuple[str, ...] = WORDS,
              lo: int = 3, hi: int = 11) -> list[str]:
    """``n`` word-soup sentences of ``lo..hi`` words."""
    if n == 0:
        return []
    lengths = rng.integers(lo, hi, size=n)
    words = np.asarray(vocab)[rng.integers(0, len(vocab), size=int(lengths.sum()))]
    out, i = [], 0
    for length in lengths:
        out.append(" ".join(words[i:i + length]).capitalize())
        i += length
    return out


def edit_text(rng: np.random.Generator, text: str, strength: float) -> str:
    """A near-duplicate of ``text``: a few word drops/swaps, case or emoji changes."""
    words = text.split()
    n_edits = 1 + int(rng.poisson(strength * 2))
    for _ in range(n_edits):
        roll = rng.random()
        if roll < 0.3 and len(words) > 3:
            del words[int(rng.integers(len(words)))]
        elif roll < 0.55:
            words[int(rng.integers(len(words)))] = WORDS[int(rng.integers(len(WORDS)))]
        elif roll < 0.75:
            words.append(EMOJI[int(rng.integers(len(EMOJI)))])
        elif roll < 0.9:
            words.insert(0, ("!!", "SHARE:", "Look:", "RT", "Must read:")[int(rng.integers(5))])
        else:
            words = [w.upper() if rng.random() < 0.3 else w for w in words]
    return " ".join(words)
