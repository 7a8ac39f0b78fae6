"""Script handling for Urdu, Roman Urdu, Arabic, Pashto and English text: the one place for it.

The networks netlib studies write the same words in several scripts: a page name typed on an
Urdu keyboard (``ملک_نیوز``), on an Arabic one (``ملك_نيوز``), or in Latin letters
(``malik_news``). This module folds those spellings together so that traces, name skeletons,
announcement detection and hashtags can compare them:

* :func:`fold_arabic_script` and :func:`normalize_digits`: one form per Arabic-script letter
  variant and per digit, no vowel marks, no invisible joiners or direction marks;
* :func:`transliterate_urdu`: rule-based Urdu/Arabic-script -> Roman-Urdu-style Latin;
* :func:`consonant_skeleton`: a vowel-free, script-neutral blocking key;
* :func:`latin_fold`: look-alike letters and leet digits to Latin, without damaging words;
* :func:`script_of`, :func:`language_guess`, :func:`language_mix`: coarse script/language;
* :data:`ANNOUNCEMENT_PATTERNS`, :func:`find_announcements`: "this is my new account" in
  English, Urdu and Roman Urdu;
* :func:`hashtag_key`, :func:`hashtag_groups`: an Urdu hashtag and its Roman spelling;
* :func:`name_similarity`: name similarity across scripts.

A shared transliteration or key is evidence that two names are *spelled* alike; it says
nothing about who runs the accounts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel, JaroWinkler

from netlib.errors import ParameterError

__all__ = [
    "fold_arabic_script", "normalize_digits", "transliterate_urdu", "consonant_skeleton",
    "latin_fold", "script_of", "language_guess", "language_mix", "ANNOUNCEMENT_PATTERNS",
    "find_announcements", "hashtag_key", "hashtag_groups", "name_similarity", "LANGUAGES",
    "SCRIPTS", "map_distinct",
]

#: Labels :func:`script_of` returns.
SCRIPTS: tuple[str, ...] = ("arabic", "latin", "cyrillic", "mixed", "other", "none")
#: Labels :func:`language_guess` returns.
LANGUAGES: tuple[str, ...] = ("urdu", "arabic", "pashto", "persian", "roman_urdu", "english",
                              "other")

# ---------------------------------------------------------------------------------------------
# Arabic-script folding
# ---------------------------------------------------------------------------------------------
_YA, _KAF, _HE, _ALEF, _WAW, _GAF = "\u06cc", "\u06a9", "\u06c1", "\u0627", "\u0648", "\u06af"
_DO_CHASHMI = "\u06be"  # ھ, the aspiration he

_DIGITS: dict[int, str] = {}
for _zero in (0x0660, 0x06F0, 0x0966, 0xFF10):  # Arabic-Indic, Extended (Urdu/Persian), Devanagari, fullwidth
    for _i in range(10):
        _DIGITS[_zero + _i] = str(_i)
_DIGIT_TABLE = str.maketrans(_DIGITS)

_LETTERS: dict[str, str] = {
    # ya: Arabic ya, Farsi/Urdu ya, Pashto e and ey, alef maksura, ya with hamza
    "\u064a": _YA, "\u06cc": _YA, "\u06d0": _YA, "\u06cd": _YA, "\u0649": _YA, "\u0626": _YA,
    # kaf: Arabic kaf, keheh, swash kaf
    "\u0643": _KAF, "\u06aa": _KAF,
    # he: Arabic he, he goal, do-chashmi he, ta marbuta, he with hamza (two forms)
    "\u0647": _HE, "\u06be": _HE, "\u0629": _HE, "\u06c0": _HE, "\u06c2": _HE, "\u06d5": _HE,
    # alef with hamza above/below, madda, wasla
    "\u0623": _ALEF, "\u0625": _ALEF, "\u0622": _ALEF, "\u0671": _ALEF,
    # waw with hamza; Pashto gaf (ring) to gaf; yeh barree with hamza to yeh barree
    "\u0624": _WAW, "\u06ab": _GAF, "\u06d3": "\u06d2",
}
_DROP = (
    [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    + ["\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
_FOLD_MAP = {**{ord(k): v for k, v in _LETTERS.items()}, **_DIGITS, **{ord(c): None for c in _DROP}}
_FOLD_TABLE = str.maketrans(_FOLD_MAP)
# the transliterator keeps ھ (aspiration) apart from ہ (a vowel at word end)
_TRANSLIT_FOLD = str.maketrans({**_FOLD_MAP, ord(_DO_CHASHMI): _DO_CHASHMI})
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]+")


def _nfkc_forms(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def _check_str(text: object, name: str = "text") -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    if not isinstance(text, str):
        raise ParameterError(f"{name} must be a string, got {type(text).__name__} ({text!r})")
    return text


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic, Extended Arabic-Indic (Urdu/Persian), Devanagari and fullwidth digits by ASCII.

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``""``).

    Returns
    -------
    str
        ``text`` with every such digit replaced by ``0``-``9``; nothing else changes.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> normalize_digits("۱۲۳ and ١٢٣ and 123")
    '123 and 123 and 123'
    """
    return _check_str(text).translate(_DIGIT_TABLE)


def fold_arabic_script(text: str) -> str:
    """Fold Arabic/Persian/Urdu/Pashto letter variants to one form each.

    The same name typed on an Urdu and on an Arabic keyboard differs only in code points
    (Urdu ``ک ی ہ`` against Arabic ``ك ي ه``); after folding it is one string. The fold:

    * ya: ``ي ی ې ۍ ى ئ`` -> ``ی``; kaf: ``ك ک ڪ`` -> ``ک``; he: ``ه ہ ھ ة ۀ ۂ ە`` -> ``ہ``;
      alef: ``أ إ آ ٱ`` -> ``ا``; ``ؤ`` -> ``و``; Pashto ``ګ`` -> ``گ``; ``ۓ`` -> ``ے``;
    * vowel marks (harakat U+064B-U+065F, U+0670, Quranic marks U+06D6-U+06ED) and tatweel
      (U+0640) removed;
    * Arabic-Indic and Extended Arabic-Indic digits (and Devanagari, fullwidth) to ASCII;
    * zero-width joiners/non-joiners, zero-width space, BOM and bidi marks (U+200E/F,
      U+061C, U+202A-U+202E, U+2066-U+2069) removed;
    * Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFE) are NFKC-normalised first.

    It is one ``str.translate``, idempotent, and leaves text without Arabic-script
    characters unchanged (except for the digits and invisible marks above).

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``""``).

    Returns
    -------
    str
        The folded text.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> fold_arabic_script("ملك_نيوز") == fold_arabic_script("ملک_نیوز")
    True
    >>> fold_arabic_script("مُحَمَّد ۱۲")
    'محمد 12'
    >>> fold_arabic_script("malik_news")
    'malik_news'
    """
    text = _check_str(text)
    if _PRESENTATION.search(text):
        text = _PRESENTATION.sub(_nfkc_forms, text)
    return text.translate(_FOLD_TABLE)


# ---------------------------------------------------------------------------------------------
# Transliteration
# ---------------------------------------------------------------------------------------------
_CONSONANTS: dict[str, str] = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh",
    "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh",
    "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ک": "k", "گ": "g",
    "ل": "l", "م": "m", "ن": "n", "ں": "n", "ڤ": "v",
    # Pashto
    "ټ": "t", "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "sh", "ڼ": "n", "ځ": "z", "څ": "s",
    # Sindhi/other letters met in names
    "ڳ": "g", "ڻ": "n", "ٺ": "th", "ڀ": "bh", "ڄ": "j", "ڃ": "ny", "ڇ": "ch", "ڊ": "d",
}
_PUNCT = str.maketrans({"،": ",", "؛": ";", "؟": "?", "۔": ".", "٪": "%", "٫": ".", "٬": ","})
_VOWEL_LETTERS = frozenset({_ALEF, _WAW, _YA, "ے", "ع"})
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff]+")
#: Latin for the base letter named in a rare letter's Unicode name ("KEHEH WITH TWO DOTS").
_BASE_NAMES: dict[str, str] = {
    "ALEF": "a", "BEH": "b", "TEH": "t", "THEH": "s", "JEEM": "j", "HAH": "h", "KHAH": "kh",
    "DAL": "d", "THAL": "z", "REH": "r", "ZAIN": "z", "SEEN": "s", "SHEEN": "sh", "SAD": "s",
    "DAD": "z", "TAH": "t", "ZAH": "z", "AIN": "", "GHAIN": "gh", "FEH": "f", "QAF": "q",
    "KAF": "k", "KEHEH": "k", "GAF": "g", "LAM": "l", "MEEM": "m", "NOON": "n", "HEH": "h",
    "WAW": "o", "YEH": "i", "TEHEH": "th", "DUL": "d", "DDAL": "d", "RREH": "r", "TTEH": "t",
    "BEHEH": "bh", "PEH": "p", "TCHEH": "ch", "TCHEHEH": "ch", "DYEH": "j", "NYEH": "ny",
    "VEH": "v", "PEHEH": "ph", "KIRGHIZ": "", "KASHMIRI": "i", "FARSI": "i", "ROHINGYA": "",
}


def _base_letter(ch: str) -> str:
    words = unicodedata.name(ch, "").split()
    for word in words[2:] if words[:2] == ["ARABIC", "LETTER"] else []:
        if word in _BASE_NAMES:
            return _BASE_NAMES[word]
    return ""

#: Common words whose vowels the letter rules cannot guess (written with the house spelling).
_WORDS: dict[str, str] = {
    "یہ": "yeh", "وہ": "woh", "ہے": "hai", "ہیں": "hain", "میں": "main", "کے": "ke", "کی": "ki",
    "کا": "ka", "کو": "ko", "سے": "se", "نہ": "na", "نہیں": "nahi", "اور": "aur", "ہم": "hum",
    "تم": "tum", "آپ": "aap", "کیا": "kya", "نیا": "naya", "نئی": "nai", "نئے": "naye",
    "پرانا": "purana", "بھائی": "bhai", "بھی": "bhi", "تھا": "tha", "تھی": "thi", "تھے": "thay",
    "ہو": "ho", "گیا": "gaya", "گئے": "gaye", "گئی": "gayi", "کر": "kar", "کریں": "karein",
    "کرو": "karo", "پر": "par", "اب": "ab", "جو": "jo", "سب": "sab", "کچھ": "kuch",
    "ہمارا": "hamara", "ہماری": "hamari", "میرا": "mera", "میری": "meri", "اپنا": "apna",
    "اکاؤنٹ": "account", "اکاونٹ": "account", "پیج": "page", "چینل": "channel",
    "فالو": "follow", "واپس": "wapis", "بند": "band", "اللہ": "allah", "پاکستان": "pakistan",
    "زندہ": "zinda", "باد": "bad", "خان": "khan", "ملک": "malik", "نیوز": "news",
    "عمران": "imran", "محمد": "muhammad", "احمد": "ahmed", "علی": "ali", "حق": "haq",
    "لیے": "liye", "لئے": "liye", "دیا": "diya", "لیا": "liya", "رہا": "raha", "رہے": "rahe",
}


def _translit_word(word: str) -> str:
    """Transliterate one run of Arabic-script letters (already folded, ھ kept)."""
    # a doubled ya (ئی folded to یی) is one vowel: بھائی -> bhai
    word = re.sub(f"{_YA}+", _YA, word)
    known = _WORDS_FOLDED.get(word)
    if known is not None:
        return known
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        first, last = i == 0, i == n - 1
        if ch in _CONSONANTS:
            out.append(_CONSONANTS[ch])
        elif ch == _DO_CHASHMI:
            out.append("h")
        elif ch == _HE:
            # a final he after a consonant is the vowel a (zindah -> zinda), elsewhere h
            out.append("a" if last and n > 2 and prev not in _VOWEL_LETTERS else "h")
        elif ch == _ALEF:
            out.append("a")
        elif ch == "ع":
            out.append("a" if first or (prev and prev not in _VOWEL_LETTERS) else "")
        elif ch == _WAW:
            if first or nxt in (_ALEF, "ے") or (nxt == _YA and i + 2 < n):
                out.append("w")
            elif prev == _ALEF and not last and nxt not in _VOWEL_LETTERS:
                out.append("w")
            else:
                out.append("o")
        elif ch == _YA:
            if first or (nxt in (_ALEF, _WAW) and prev != ""):
                out.append("y")
            elif last and prev == _ALEF:
                out.append("i")
            else:
                out.append("i" if prev != _ALEF else "e")
        elif ch == "ے":
            out.append("e")
        elif ch == "ء":
            out.append("")
        else:
            out.append(_base_letter(ch))
    # an unwritten short vowel between the first two consonants (ملک -> malk)
    if len(out) >= 3 and word[0] in _CONSONANTS and word[1] in _CONSONANTS \
            and word[1] not in ("ں",):
        out[0] = out[0] + "a"
    return "".join(out)


_WORDS_FOLDED = {k.translate(_TRANSLIT_FOLD): v for k, v in _WORDS.items()}


@lru_cache(maxsize=100_000)
def _transliterate(text: str) -> str:
    if _PRESENTATION.search(text):
        text = _PRESENTATION.sub(_nfkc_forms, text)
    text = text.translate(_TRANSLIT_FOLD).translate(_PUNCT)
    text = _ARABIC_LETTER.sub(lambda m: _translit_word(m.group(0)), text)
    return text.lower()


def transliterate_urdu(text: str) -> str:
    """Urdu/Arabic/Pashto-script text to Roman-Urdu-style Latin (rule-based, lower case).

    Every Arabic-script letter becomes ASCII: consonants by a fixed map (``ب b``, ``چ ch``,
    ``خ kh``, ``ث س ص`` -> ``s``, ``ذ ز ض ظ`` -> ``z``, ``ٹ ت ط`` -> ``t``, ``ھ`` -> ``h``...;
    rare letters by the base letter of their Unicode name), vowel letters by context:

    * ``ا`` -> ``a``; ``ے`` -> ``e``; ``ع`` -> ``a`` or nothing; ``ء`` -> nothing;
    * ``و`` -> ``w`` at the start of a word or before a vowel letter, else ``o``;
    * ``ی`` -> ``y`` at the start or before ``ا``/``و``, ``e`` after a medial ``ا``, else
      ``i`` (a doubled ``یی``, as in ``ئی`` folded, is one vowel);
    * a final ``ہ`` after a consonant -> ``a`` (``زندہ`` -> ``zinda``), else ``h``.

    Short vowels are not written in Urdu: one ``a`` is inserted between two word-initial
    consonants (``کرتی`` -> ``karti``), and a short list of very common words (``ہے`` ->
    ``hai``, ``نیا`` -> ``naya``, ``ملک`` -> ``malik``...) has its usual Roman spelling.
    Arabic punctuation becomes ASCII (``۔`` -> ``.``). Everything else, Latin text included,
    is only lower-cased.

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``""``).

    Returns
    -------
    str
        The transliteration.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> transliterate_urdu("ملک نیوز")
    'malik news'
    >>> transliterate_urdu("پاکستان زندہ باد")
    'pakistan zinda bad'
    >>> transliterate_urdu("دوست")
    'dost'
    >>> transliterate_urdu("Malik_News")
    'malik_news'
    """
    return _transliterate(_check_str(text))


# ---------------------------------------------------------------------------------------------
# Latin look-alikes
# ---------------------------------------------------------------------------------------------
#: Non-Latin lower-case letters that look like one Latin letter.
_LOOKALIKE_LOWER: dict[str, str] = {
    # Cyrillic
    "а": "a", "е": "e", "ё": "e", "к": "k", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ѵ": "v",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "β": "b", "γ": "y", "η": "n", "μ": "u", "σ": "o", "ς": "c",
    # Latin look-alikes outside ASCII
    "ı": "i", "ɩ": "i", "ɑ": "a", "ɡ": "g", "ʟ": "l", "ø": "o", "ł": "l", "đ": "d", "ß": "ss",
}
#: Upper-case letters whose lower-case form does not look Latin (Cyrillic В Н К М Т...).
_LOOKALIKE_UPPER: dict[str, str] = {
    "В": "b", "Н": "h", "К": "k", "М": "m", "Т": "t", "Ѕ": "s", "І": "i", "Ј": "j", "А": "a",
    "Е": "e", "О": "o", "Р": "p", "С": "c", "Х": "x", "У": "y", "Α": "a", "Β": "b", "Ε": "e",
    "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t",
    "Υ": "y", "Χ": "x",
}
_UPPER_TABLE = str.maketrans(_LOOKALIKE_UPPER)
_LOWER_TABLE = str.maketrans(_LOOKALIKE_LOWER)
_LOOKALIKE_CHARS = frozenset(_LOOKALIKE_UPPER) | frozenset(_LOOKALIKE_LOWER)
#: Digits and symbols read as letters, only when a letter stands on both sides.
_LEET: dict[str, str] = {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                         "$": "s", "|": "l"}
_LEET_TABLE = str.maketrans(_LEET)
_LEET_RUN = re.compile(r"(?<=[^\W\d_])[013457@$|]+(?=[^\W\d_])")
_WORD = re.compile(r"[^\W_]+|[@$|]")
_MARKS = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f]+")


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    odd = [c for c in word if not c.isascii() and c.isalpha()]
    # only when every non-ASCII letter of the word has a Latin look-alike: a real
    # Russian or Greek word ("новый") is left alone
    if odd and all(c in _LOOKALIKE_CHARS or c.casefold() in _LOOKALIKE_LOWER for c in odd):
        return word.translate(_UPPER_TABLE).casefold().translate(_LOWER_TABLE)
    return word


def latin_fold(text: str) -> str:
    """Fold Latin look-alikes without damaging ordinary words.

    The rule, in order:

    1. NFKC (fullwidth ``ｍａｌｉｋ`` and mathematical letters become plain Latin), accents
       on Latin letters dropped (``é`` -> ``e``; Cyrillic ``й`` keeps its breve);
    2. in a word whose every non-ASCII letter has a Latin look-alike (Cyrillic ``а е о р с у
       х і ј``, Greek ``ο ρ α ε ι``..., dotless ``ı``), those letters become Latin; a real
       Cyrillic or Greek word (with letters such as ``н в ы``) is left alone;
    3. case folding;
    4. a run of the leet characters ``0 1 3 4 5 7 @ $ |`` becomes letters (``o l e a s t a s
       l``) *only when a letter stands on both sides* (``n3ws`` -> ``news``, ``ma1ik`` ->
       ``malik``); leading and trailing digits (counters: ``news24``, ``2pac``) stay digits.

    A Latin ``i`` is never turned into ``l`` (unlike the visual skeleton in
    ``netlib.mirrors.names``), so Roman-Urdu words such as ``malik`` survive.

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``""``).

    Returns
    -------
    str
        The folded, case-folded text.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> latin_fold("Mаlik_News")   # the 'а' is Cyrillic
    'malik_news'
    >>> latin_fold("n3ws.ma1ik 24")
    'news.malik 24'
    >>> latin_fold("новый")
    'новый'
    """
    return _latin_fold(_check_str(text))


def _latin_fold_once(text: str) -> str:
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    text = _MARKS.sub("", _WORD.sub(_fold_word, text))
    text = unicodedata.normalize("NFC", text).casefold()
    return _LEET_RUN.sub(lambda m: m.group(0).translate(_LEET_TABLE), text)


def _ascii_fold_once(text: str) -> str:
    # _latin_fold_once of ASCII text: the normal forms of ASCII are the text itself, it has
    # no non-ASCII letters or marks, and its case folding is lower-casing
    return _LEET_RUN.sub(lambda m: m.group(0).translate(_LEET_TABLE), text.lower())


@lru_cache(maxsize=200_000)
def _latin_fold(text: str) -> str:
    # a second pass settles the rare characters whose case folding is itself a look-alike
    # (combining ypogegrammeni -> iota); plain text is settled after the first
    once = _ascii_fold_once if text.isascii() else _latin_fold_once
    out = once(text)
    for _ in range(3):
        again = once(out)
        if again == out:
            break
        out = again
    return out


# ---------------------------------------------------------------------------------------------
# Consonant skeleton and cross-script similarity
# ---------------------------------------------------------------------------------------------
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_KEY_MAP = str.maketrans({"c": "k", "q": "k", "v": "w", "z": "s"})
_NON_LETTER = re.compile(r"[\W\d_]+")
_DOUBLE = re.compile(r"(.)\1+")
_SOFT_C = re.compile(r"c(?=[eiy])")


def _key(latin: str) -> str:
    """Consonant key of a lower-case Latin string (no separators)."""
    if not latin:
        return ""
    word = _SOFT_C.sub("s", latin.replace("x", "ks")).translate(_KEY_MAP)
    head, tail = word[0], word[1:]
    if head in "aeiou":
        head = "a"
    tail = re.sub(r"[aeiouhyw]", "", tail)
    return _DOUBLE.sub(r"\1", head + tail)


@lru_cache(maxsize=200_000)
def _skeleton(text: str) -> str:
    latin = latin_fold(transliterate_urdu(text))
    return _key(_NON_LETTER.sub("", latin))


def consonant_skeleton(text: str) -> str:
    """A vowel-free, script-neutral key for blocking names across scripts and spellings.

    The text is transliterated (:func:`transliterate_urdu`) and folded (:func:`latin_fold`),
    then everything that is not a letter (digits, ``_ . - space``, emoji) is dropped and the
    letters are reduced to consonant classes:

    * ``x`` -> ``ks``; ``c`` before ``e i y`` -> ``s`` (English loanwords: *cinema*,
      ``سینما``), other ``c`` and ``q`` -> ``k``; ``v`` -> ``w``; ``z`` -> ``s``
      (Urdu ``ز ذ ض ظ`` and English loanwords' ``s``, as in *news*/``نیوز``);
    * the first letter stays, a leading vowel as ``a`` (``imran``, ``umar``, ``عمران`` all
      begin with ``a``);
    * after it, vowels ``a e i o u``, and ``h y w`` (aspiration, long vowels and glides,
      written inconsistently in Roman Urdu) are dropped;
    * doubled letters are collapsed.

    Separators carry no weight, so ``malik_news`` and ``maliknews`` share a key. The key is
    for blocking: unrelated names can share it, so compare the candidates with
    :func:`name_similarity` afterwards.

    Parameters
    ----------
    text : str
        A name, handle, hashtag or word in any script (``None``/NaN give ``""``).

    Returns
    -------
    str
        The key (lower-case letters; empty when ``text`` has no letters).

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> consonant_skeleton("ملک نیوز")
    'mlkns'
    >>> {consonant_skeleton(s) for s in ["malik_news", "malik.news.2", "Malik News", "ملك نيوز"]}
    {'mlkns'}
    """
    return _skeleton(_check_str(text))


def _spaced(text: str) -> str:
    """Transliterated, folded text with camelCase and separators turned into single spaces."""
    text = _CAMEL.sub(" ", text)
    latin = latin_fold(transliterate_urdu(text))
    return " ".join(_NON_LETTER.sub(" ", latin).split())


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names in [0, 1], across Urdu, Arabic and Latin scripts.

    Both names are transliterated and folded; the score is the larger of the normalised
    Indel similarity (``rapidfuzz`` ``fuzz.ratio``/100) of the transliterations (spaces
    removed) and the Jaro-Winkler similarity of their :func:`consonant_skeleton` keys, the
    latter only when both keys have at least three letters (short keys agree by chance).

    Parameters
    ----------
    a, b : str
        Names, handles or words in any script (``None``/NaN count as empty).

    Returns
    -------
    float
        1.0 for the same name in two scripts or spellings, near 0 for unrelated names; 0.0
        when either name has no letters.

    Raises
    ------
    ParameterError
        If ``a`` or ``b`` is not a string.

    Examples
    --------
    >>> name_similarity("ملک نیوز", "malik_news") >= 0.8
    True
    >>> name_similarity("ملک نیوز", "ملك نيوز")
    1.0
    >>> name_similarity("malik_news", "sports_daily") < 0.5
    True
    """
    ta = _spaced(_check_str(a, "a")).replace(" ", "")
    tb = _spaced(_check_str(b, "b")).replace(" ", "")
    if not ta or not tb:
        return 0.0
    score = Indel.normalized_similarity(ta, tb)
    ka, kb = _skeleton(a), _skeleton(b)
    if len(ka) >= 3 and len(kb) >= 3:
        score = max(score, JaroWinkler.normalized_similarity(ka, kb))
    return float(round(score, 6))


# ---------------------------------------------------------------------------------------------
# Script and language
# ---------------------------------------------------------------------------------------------
_URDU_LETTERS = frozenset("ٹڈڑںےھہۂۓ")
_PASHTO_LETTERS = frozenset("ټډړږښګڼېۍځڅ")
_ARABIC_ONLY = frozenset("ةىيكإأ")
_PERSIAN_LETTERS = frozenset("پچژگکی")
_URDU_WORDS = frozenset("کے کی کا میں ہے ہیں اور سے نہیں کو بھی یہ وہ تھا گیا".split())
_PERSIAN_WORDS = frozenset("است را این که می های برای شد آن".split())
_ARABIC_WORDS = frozenset("في من على الى إلى عن هذا هذه التي الذي كان ما".split())
_PASHTO_WORDS = frozenset("دی دے او چې په ته د له سره کې".split())

#: Roman-Urdu function words (ambiguous ones such as "to", "is", "me", "the" left out).
_ROMAN_URDU_WORDS = frozenset("""
hai hain hay ka ki ke ko se sy say mein main mai mn nahi nahin nai na aur or hum ham tum aap ap
naya nya purana bhai yeh ye yah woh wo wuh kya kia kyun kyu ho hoga hogi tha thi thay bhi jo
ab kar karo kr krna karna raha rahe rha gaya gya gaye gye diya dia liye lye sab koi kuch kaise
kese agar lekin magar jab tak par pe apna apne apni mera meri tera teri hamara humara wala
wali walay ji jee hy hen bohat bahut bht acha achha kaha keh yar yaar sath saath phir pehle
nhi nahe ny nay ky kay abhi aj aaj kal mujhe mujhy mjhe mjy tujhe apko aapko hm tm ga gi ge
rha rhi rahi sirf zara jaise jese waise wese kahan yahan wahan kyon q bas sirf bhe tou tu
""".split())
_ENGLISH_WORDS = frozenset("""
the and is are was were of to in for on with this that it its be been have has had you your
we our they their she his her not my new account follow please at by from as an or but
will would can could what which who all about just like so if do does did there here back
""".split())
_LATIN_LETTER = re.compile(r"[a-z]+")


def _script_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF \
                or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
            counts["arabic"] += 1
        elif ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
            counts["latin"] += 1
        elif 0x0400 <= code <= 0x052F:
            counts["cyrillic"] += 1
        else:
            counts["other"] += 1
    return counts


def script_of(text: str, *, dominance: float = 0.8) -> str:
    """The writing system of a string's letters.

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``"none"``).
    dominance : float, default 0.8
        Share of the letters one script needs; below it the string is ``"mixed"``.

    Returns
    -------
    str
        One of :data:`SCRIPTS`: ``"arabic"`` (Arabic, Urdu, Persian, Pashto), ``"latin"``,
        ``"cyrillic"``, ``"other"`` (any other script), ``"mixed"``, or ``"none"`` when the
        string has no letters.

    Raises
    ------
    ParameterError
        If ``text`` is not a string or ``dominance`` is not in (0.5, 1].

    Examples
    --------
    >>> script_of("ملک نیوز"), script_of("malik_news 2"), script_of("malik ملک"), script_of("123")
    ('arabic', 'latin', 'mixed', 'none')
    """
    if not 0.5 < dominance <= 1:
        raise ParameterError(f"dominance must be in (0.5, 1], got {dominance!r}")
    counts = _script_counts(_check_str(text))
    total = sum(counts.values())
    if not total:
        return "none"
    script, top = counts.most_common(1)[0]
    return script if top / total >= dominance else "mixed"


def _arabic_language(text: str) -> str:
    letters = Counter(text)
    words = set(fold_arabic_script(text).split())
    urdu = sum(letters[c] for c in _URDU_LETTERS) + 2 * len(words & _FOLDED_URDU_WORDS)
    pashto = sum(letters[c] for c in _PASHTO_LETTERS) + 2 * len(words & _FOLDED_PASHTO_WORDS)
    arabic = sum(letters[c] for c in _ARABIC_ONLY) + 2 * len(words & _FOLDED_ARABIC_WORDS)
    persian = 2 * len(words & _FOLDED_PERSIAN_WORDS)
    if urdu and urdu >= max(pashto, arabic, persian):
        return "urdu"
    if pashto and pashto >= max(arabic, persian):
        return "pashto"
    if persian and persian >= arabic:
        return "persian"
    if arabic:
        return "arabic"
    # only letters common to Urdu and Persian (پ چ ژ گ ک ی): most of our networks write Urdu
    return "urdu" if any(c in _PERSIAN_LETTERS for c in text) else "arabic"


_FOLDED_URDU_WORDS = frozenset(w.translate(_FOLD_TABLE) for w in _URDU_WORDS)
_FOLDED_PASHTO_WORDS = frozenset(w.translate(_FOLD_TABLE) for w in _PASHTO_WORDS)
_FOLDED_ARABIC_WORDS = frozenset(w.translate(_FOLD_TABLE) for w in _ARABIC_WORDS)
_FOLDED_PERSIAN_WORDS = frozenset(w.translate(_FOLD_TABLE) for w in _PERSIAN_WORDS)


def _latin_language(text: str) -> str:
    words = _LATIN_LETTER.findall(latin_fold(text))
    urdu = sum(w in _ROMAN_URDU_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if urdu > english:
        return "roman_urdu"
    if english > urdu:
        return "english"
    return "other"


def language_guess(text: str) -> str:
    """A coarse guess of the language of a short text, from letters and function words.

    Arabic-script text: Urdu-only letters (``ٹ ڈ ڑ ں ے ھ ہ``) and words (``کے ہے اور``) vote
    for Urdu, Pashto-only letters (``ټ ډ ړ ږ ښ ګ ڼ ې ۍ``) for Pashto, Arabic-only letters
    (``ة ى ي ك``) and words (``في من على``) for Arabic, Persian words (``است را``) for Persian.
    Latin text: Roman-Urdu function words (``hai ka ki ke ko se mein nahi aur``...) against
    English stop words; a tie (a bare handle) gives ``"other"``. A mixed string is judged by
    its dominant script.

    Parameters
    ----------
    text : str
        Any text (``None``/NaN give ``"other"``).

    Returns
    -------
    str
        One of :data:`LANGUAGES`.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> language_guess("یہ میرا نیا اکاؤنٹ ہے")
    'urdu'
    >>> language_guess("yeh mera naya account hai")
    'roman_urdu'
    >>> language_guess("this is my new account")
    'english'
    >>> language_guess("هذا حسابي الجديد في تويتر")
    'arabic'
    """
    text = _check_str(text)
    counts = _script_counts(text)
    if not counts:
        return "other"
    script = counts.most_common(1)[0][0]
    if script == "arabic":
        return _arabic_language(text)
    if script == "latin":
        return _latin_language(text)
    return "other"


def language_mix(texts: Iterable[str]) -> dict[str, float]:
    """Share of each guessed language (:func:`language_guess`) among ``texts``.

    Parameters
    ----------
    texts : iterable of str
        Posts, names or bios (``None``/NaN count as ``"other"``).

    Returns
    -------
    dict of str to float
        Every label of :data:`LANGUAGES` with its share; the shares sum to 1 (all 0.0 when
        ``texts`` is empty).

    Raises
    ------
    ParameterError
        If ``texts`` is a single string, or an item is not a string.

    Examples
    --------
    >>> mix = language_mix(["yeh mera naya account hai", "یہ میرا نیا اکاؤنٹ ہے", "we are back"])
    >>> round(mix["urdu"], 2), round(mix["roman_urdu"], 2), round(mix["english"], 2)
    (0.33, 0.33, 0.33)
    """
    if isinstance(texts, str):
        raise ParameterError("texts must be an iterable of strings, not one string")
    counts = Counter(language_guess(t) for t in texts)
    total = sum(counts.values())
    return {lang: (counts[lang] / total if total else 0.0) for lang in LANGUAGES}


# ---------------------------------------------------------------------------------------------
# Announcements
# ---------------------------------------------------------------------------------------------
_ACC_EN = r"(?:account|acount|accont|accnt|acct|acc|a/c|id|page|channel|handle|profile|group)"
_ACC_RU = r"(?:account|acount|accont|acc|akaunt|akount|akount|id|page|pag|channel|chanel|group)"
_ACC_UR = r"(?:اکای?و?نٹ|اکاونٹ|ای{1,2}\s*ڈی|پیج|چینل|گروپ)"


def _ur(pattern: str) -> str:
    return fold_arabic_script(pattern)


#: Announcement phrases by id, matched on text folded by :func:`fold_arabic_script` and
#: :func:`latin_fold`, with ``_``/``-`` and runs of spaces read as one space. Ids start with
#: the language: ``en_`` English, ``ur_`` Urdu script, ``ru_`` Roman Urdu.
ANNOUNCEMENT_PATTERNS: dict[str, re.Pattern[str]] = {
    "en_new_account": re.compile(rf"\bnew {_ACC_EN}\b"),
    "en_this_is_my_new": re.compile(r"\b(?:this is|here is|here's|its|it's) (?:my|our) new\b"),
    "en_follow_new": re.compile(r"\bfollow (?:my|our|the|me on|us on|me at|us at) new\b"
                                r"|\bfollow (?:me|us) (?:here|again|now)\b"),
    "en_we_are_back": re.compile(r"\b(?:we'?re|we are|i'?m|i am) back\b|\bback again\b"),
    "en_old_account_lost": re.compile(
        rf"\b(?:old|previous|main|last|other) {_ACC_EN}\b.{{0,40}}?"
        r"\b(?:suspended|banned|deleted|hacked|removed|blocked|gone|closed|restricted)\b"
        rf"|\b(?:i|we|i'?ve|we'?ve|{_ACC_EN}) (?:got|was|were|has been|have been|been|is|got) "
        r"(?:suspended|banned|hacked|deleted)\b"),
    "ur_new_account": re.compile(_ur(
        rf"(?:(?:ہمارا|میرا|ہماری|میری|اپنا|اپنی)\s*)?نی(?:ا|ی|ے|و)\s*{_ACC_UR}")),
    "ur_old_account_closed": re.compile(_ur(
        rf"(?:پرانا|پرانی|پچھلا|پچھلی)\s*{_ACC_UR}\s*(?:بند|ہیک|سسپینڈ|ڈیلیٹ|معطل|ختم)")),
    "ur_follow": re.compile(_ur(r"فالو\s*(?:کریں|کرو|کر\s*لیں|کر\s*دیں|کیجیے|کیجئے|کرنا)")),
    "ur_we_are_back": re.compile(_ur(r"واپس\s*آ\s*(?:گئے|گیے|گے|گیا|گئی)")),
    "ru_new_account": re.compile(
        r"\b(?:(?:mera|meri|mra|hamara|humara|hmara|hamari|humari|apna|apni) )?"
        rf"(?:naya|nya|naiya|naia|nayaa|naya|nayi|nai|nae|naye|nia) {_ACC_RU}\b"),
    "ru_old_account_closed": re.compile(
        rf"\b(?:purana|puraana|prana|purani|pichla|pichhla)(?: {_ACC_RU})? "
        r"(?:band|bnd|suspend|suspended|ban|banned|delete|deleted|hack|hacked|khatam)\b"
        rf"|\bold(?: {_ACC_RU})? (?:band|bnd|khatam) ?(?:ho|hu|hogaya|hogya|kar|kr)"),
    "ru_follow": re.compile(
        r"\bfollow ?(?:karo|kro|karen|karein|kren|krein|krain|karain|kar lo|kr lo|kar do"
        r"|kr do|kijiye|kijye|karlo|krlo)\b"),
    "ru_we_are_back": re.compile(
        r"\b(?:wapis|wapas|waapis|wapes|waps|wapass) ?(?:aa|a) ?"
        r"(?:gaye|gae|gye|gya|gaya|gai|gayi|gy|gaey|gaen)\b"),
}
_ANNOUNCE_SEP = re.compile(r"[\s_\-]+")


def find_announcements(text: str) -> list[str]:
    """Ids of the announcement phrases (:data:`ANNOUNCEMENT_PATTERNS`) found in a text.

    The text is folded first (:func:`fold_arabic_script`, :func:`latin_fold`, separators to
    one space), so ``نیا اکاؤنٹ``/``نيا اكاونٹ`` and ``naya acc``/``nya akaunt``/``n4ya account``
    match alike.

    Parameters
    ----------
    text : str
        A post, bio or display name (``None``/NaN give ``[]``).

    Returns
    -------
    list of str
        The matching ids, in the order of :data:`ANNOUNCEMENT_PATTERNS`.

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> find_announcements("This is my NEW account, old account got suspended")
    ['en_new_account', 'en_this_is_my_new', 'en_old_account_lost']
    >>> find_announcements("ہمارا نیا پیج فالو کریں")
    ['ur_new_account', 'ur_follow']
    >>> find_announcements("mera nya acc follow karo, purana account band ho gaya")
    ['ru_new_account', 'ru_old_account_closed', 'ru_follow']
    """
    folded = latin_fold(fold_arabic_script(_check_str(text))).replace("’", "'")
    folded = _ANNOUNCE_SEP.sub(" ", folded)
    return [key for key, pattern in ANNOUNCEMENT_PATTERNS.items() if pattern.search(folded)]


# ---------------------------------------------------------------------------------------------
# Hashtags
# ---------------------------------------------------------------------------------------------
_HASHTAG = "hashtag"
_TRANSLIT = "transliteration"
_KEY = "key"
_GROUP = "group"


def hashtag_key(tag: str) -> str:
    """A key under which an Urdu hashtag and its Roman-Urdu spelling coincide.

    The ``#`` is dropped, camelCase is split, and the :func:`consonant_skeleton` of the
    transliteration is the key; a tag without letters (``#2024``) keys on its digits.

    Parameters
    ----------
    tag : str
        A hashtag, with or without ``#`` (``None``/NaN give ``""``).

    Returns
    -------
    str
        The key.

    Raises
    ------
    ParameterError
        If ``tag`` is not a string.

    Examples
    --------
    >>> hashtag_key("#پاکستان_زندہ_باد") == hashtag_key("#PakistanZindabad")
    True
    >>> hashtag_key("#PakistanZindabad")
    'pkstnsndbd'
    """
    tag = _check_str(tag, "tag").strip().lstrip("#＃")
    key = consonant_skeleton(_CAMEL.sub(" ", tag))
    if key:
        return key
    return re.sub(r"\D", "", normalize_digits(tag))


def hashtag_groups(tags: Iterable[str]) -> pd.DataFrame:
    """Group hashtags that are one tag written in different scripts or spellings.

    Parameters
    ----------
    tags : iterable of str
        Hashtags, with or without ``#``; repeats are counted once.

    Returns
    -------
    pandas.DataFrame
        One row per distinct tag, in order of first appearance, with columns ``hashtag``
        (as given), ``transliteration`` (:func:`transliterate_urdu`, the mapping to show as
        evidence), ``key`` (:func:`hashtag_key`) and ``group`` (an int, the same for tags
        sharing a non-empty key, numbered by first appearance; tags with an empty key get
        a group of their own).

    Raises
    ------
    ParameterError
        If ``tags`` is a single string or holds a non-string.

    Examples
    --------
    >>> hashtag_groups(["#PakistanZindabad", "#پاکستان_زندہ_باد", "#Elections"])["group"].tolist()
    [0, 0, 1]
    """
    if isinstance(tags, str):
        raise ParameterError("tags must be an iterable of hashtags, not one string")
    rows = []
    groups: dict[str, int] = {}
    for tag in dict.fromkeys(tags):
        text = _check_str(tag, "tag")
        key = hashtag_key(text)
        if not key:
            group = len(groups)
            groups[f"\0{text}"] = group
        else:
            group = groups.setdefault(key, len(groups))
        rows.append((text, transliterate_urdu(text.lstrip("#")), key, group))
    frame = pd.DataFrame(rows, columns=[_HASHTAG, _TRANSLIT, _KEY, _GROUP])
    return frame.astype({_GROUP: "int64"})


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``values.map(func)`` as an object Series, calling ``func`` once per distinct value.

    Handles, links and posts repeat; a text function applied to each distinct value and
    broadcast back costs one call per value rather than per row. Missing values are
    passed to ``func`` as they are.

    Examples
    --------
    >>> lower = lambda h: h.lower() if isinstance(h, str) else "(missing)"
    >>> map_distinct(pd.Series(["@A", "@A", None]), lower).tolist()
    ['@a', '@a', '(missing)']
    """
    codes, uniques = pd.factorize(values)
    mapped = np.array([func(v) for v in uniques] + [None], dtype=object)
    out = pd.Series(mapped[codes], index=values.index, dtype=object)
    return out.where(codes >= 0, values.map(func) if (codes < 0).any() else None)

