"""Name normalisation for mirror matching: skeletons, stems and blocking keys.

A *skeleton* is what a name looks like to a reader once presentation tricks are undone:
NFKC, case folding, Arabic-script words folded and transliterated to Latin
(:func:`netlib.text.fold_arabic_script`, :func:`netlib.text.transliterate_urdu`, so
``ملک_نیوز``, ``ملك_نيوز`` and ``malik_news`` meet), Cyrillic/Greek look-alike letters and
leet digits folded to Latin (:func:`netlib.text.latin_fold`, which never turns ``i`` into
``l``), and separators removed. A *stem* is the skeleton with decorations a re-created
account adds around the old name stripped: counters (``punk1`` -> ``punk25``) and common
prefixes or suffixes (``real``, ``official``, ``new``, ``back``, ``backup``...).

:func:`consonant_keys` gives the extra, script-neutral blocking keys (the
:func:`netlib.text.consonant_skeleton` of each name's stem) that let a transliteration with
different vowels (``ملک نیوز`` / ``malek_nuze``) reach the comparison; :func:`similarity`
scores two names, across scripts with :func:`netlib.text.name_similarity`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from netlib.text import (
    consonant_skeleton,
    latin_fold,
    name_similarity,
    script_of,
    transliterate_urdu,
)

__all__ = ["skeleton", "stem", "skeleton_and_stem", "affix_variants", "consonant_keys",
           "stem_consonant_keys", "similarity", "CONFUSABLES",
           "AFFIXES", "GLUED_AFFIXES", "CONSONANT_KEY_PREFIX"]

#: Look-alike characters folded to one Latin letter (Cyrillic, Greek, leet digits, symbols),
#: applied after :func:`netlib.text.latin_fold` to what it leaves (look-alikes in a word
#: that also holds other non-Latin letters, digits at the start of a name).
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ѵ": "v", "ь": "b", "г": "r", "п": "n", "з": "3",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # Latin look-alikes
    "ı": "i", "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʟ": "l", "ß": "ss", "ø": "o", "đ": "d", "ł": "l",
    # digits and symbols used as letters
    "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "$": "s", "@": "a",
    "!": "l", "|": "l",
}
_TABLE = str.maketrans(CONFUSABLES)

#: Decorations added around a re-created account's old name (several languages).
AFFIXES: tuple[str, ...] = (
    "official", "offical", "oficial", "officiel", "real", "therealone", "thereal", "the",
    "new", "neu", "nuevo", "nueva", "novo", "nova", "novyi", "back", "isback", "backup",
    "bkp", "again", "returns", "return", "reborn", "mirror", "spare", "reserve", "reserv",
    "rezerv", "alt", "archive", "v2", "2nd", "second", "its", "iam", "im", "is", "am", "true",
    "original", "orig", "only", "just", "tv", "hq",
)
#: Affixes long and specific enough to strip even when glued to the name ("talhaofficial").
GLUED_AFFIXES: tuple[str, ...] = (
    "official", "offical", "oficial", "officiel", "therealone", "isback", "backup", "returns",
    "reborn", "mirror", "reserve", "archive",
)
_UPPER_TABLE = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A", "Β": "B", "Ε": "E",
    "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
    "Υ": "Y", "Χ": "X",
})
_SEPARATORS = re.compile(r"[\s_\-.·•'’`\"~*+=:,/\\()\[\]{}<>#]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TRAILING_DIGITS = re.compile(r"(?<=\D)\d+$")
_LEADING_DIGITS = re.compile(r"^\d+(?=\D)")
_MARKS = re.compile(r"[\u0300-\u036f]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefe]")
# "1", "|" and "!" between letters stand for i as often as for l; the skeleton reads them as
# i (latin_fold would read l) so that "da1ly" meets "daily"; a 1 standing for l is one edit
# away and caught by the candidates' one-deletion key
_ONE_AS_I = re.compile(r"(?<=[^\W\d_])[1|!]+(?=[^\W\d_])")
#: Prefix of the keys :func:`consonant_keys` returns (no other blocking key starts with it).
CONSONANT_KEY_PREFIX = "c"


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _fold(text: str) -> str:
    """Fold look-alikes in ``text``; a trailing digit run (a counter) stays digits."""
    if not text or text.isdigit():
        return text
    tail = _TRAILING_DIGITS.search(text)
    end = tail.start() if tail else len(text)
    return text[:end].translate(_TABLE) + text[end:]


def _as_i(match: re.Match[str]) -> str:
    return "i" * len(match.group(0))


def _tokens(value: Any) -> list[str]:
    """Words of a name: split on separators and camelCase, folded per word."""
    if _missing(value):
        return []
    text = str(value)
    # ASCII is its own NFKC form, has no upper-case look-alikes and no Arabic script
    plain = text.isascii()
    if not plain:
        text = unicodedata.normalize("NFKC", text).translate(_UPPER_TABLE)
    text = text.strip().lstrip("@")
    words: list[str] = []
    for part in _SEPARATORS.split(text):
        for word in _CAMEL.split(part):
            if not plain and _ARABIC.search(word):
                # folded and transliterated: an Urdu, Arabic and Roman spelling meet
                words.extend(w for w in _SEPARATORS.split(transliterate_urdu(word)) if w)
                continue
            if "1" in word or "|" in word or "!" in word:
                word = _ONE_AS_I.sub(_as_i, word)
            word = latin_fold(word)
            if not word.isascii():     # ASCII has no combining marks
                word = _MARKS.sub("", unicodedata.normalize("NFD", word))
            if word:
                words.append(word)
    return words


@lru_cache(maxsize=200_000)
def _skeleton_text(value: str) -> str:
    return _fold("".join(_tokens(value)))


# affixes are compared with folded words, so fold them the same way
_GLUED = "|".join(_fold(a) for a in GLUED_AFFIXES)
_GLUED_PREFIX = re.compile(rf"^(?:{_GLUED})(?=.{{3,}})")
_GLUED_SUFFIX = re.compile(rf"(?<=.{{3}})(?:{_GLUED})$")
_AFFIX_SET = frozenset(_fold(a) for a in AFFIXES)
_AFFIX_LENGTHS = tuple(sorted({len(a) for a in _AFFIX_SET if a}))
# the glued affixes are plain letters, so the two patterns above match them literally
_GLUED_WORDS = tuple(_fold(a) for a in GLUED_AFFIXES)


def _may_strip(text: str) -> bool:
    """False when no counter or glued affix can be stripped from either end of ``text``.

    A leading or trailing digit run needs a decimal digit (``\\d``) at that end, a glued
    affix one of :data:`GLUED_AFFIXES` there; ``$`` also matches before a final newline.
    """
    return (text[:1].isdecimal() or text[-1:].isdecimal() or "\n" in text
            or text.startswith(_GLUED_WORDS) or text.endswith(_GLUED_WORDS))


def skeleton(value: Any) -> str:
    """Fold a name to its visual skeleton.

    Parameters
    ----------
    value : str
        A handle or display name (``None``/NaN give ``""``).

    Returns
    -------
    str
        Case-folded, NFKC-normalised, accents dropped, separators removed, Arabic-script
        words transliterated (:func:`netlib.text.transliterate_urdu`, which folds Urdu and
        Arabic letter variants first), and look-alike characters
        (:func:`netlib.text.latin_fold`, then :data:`CONFUSABLES`) replaced by one Latin
        letter; a Latin ``i`` stays ``i`` and a ``1``, ``|`` or ``!`` between letters
        reads as ``i``. A digit run at the end is kept as digits
        (usually a counter, not letters).

    Examples
    --------
    >>> skeleton("@News_Dаily")   # the 'а' is Cyrillic
    'newsdaily'
    >>> skeleton("n3ws.da1ly2")
    'newsdaily2'
    >>> skeleton("ملک_نیوز") == skeleton("ملك_نيوز") == skeleton("Malik_News")
    True
    """
    if _missing(value):
        return ""
    return _skeleton_text(str(value))


def stem(value: Any) -> str:
    """The skeleton without counters and re-creation affixes.

    Short affixes (``new``, ``real``, ``the``...) are removed only as separate words
    (``Real_News``, ``RealNews``); long ones (``official``, ``backup``) also when glued on.

    Examples
    --------
    >>> stem("RealNewsDaily_2")
    'newsdaily'
    >>> stem("ملک_نیوز") == stem("malik_news_2") == "maliknews"
    True
    >>> stem("punk25") == stem("Punk1")
    True
    """
    return _stem_words(_tokens(value))


def skeleton_and_stem(value: Any) -> tuple[str, str]:
    """``(skeleton(value), stem(value))``, splitting the name into words once.

    Examples
    --------
    >>> skeleton_and_stem("RealNewsDaily_2")
    ('realnewsdaily2', 'newsdaily')
    """
    if _missing(value):
        return "", ""
    tokens = _tokens(value)
    return _fold("".join(tokens)), _stem_words(tokens)


def _stem_words(tokens: list[str]) -> str:
    words = [_fold(w) for w in tokens]
    words = [w for w in words if w]
    if not words:
        return ""
    changed = True
    while changed and len(words) > 1:
        changed = False
        if words[-1].isdigit() or words[-1] in _AFFIX_SET:
            words.pop()
            changed = True
        elif words[0].isdigit() or words[0] in _AFFIX_SET:
            words.pop(0)
            changed = True
    text = "".join(words)
    for _ in range(3):
        if not _may_strip(text):
            break       # none of the four patterns below can match: nothing would change
        before = text
        text = _TRAILING_DIGITS.sub("", text)
        text = _LEADING_DIGITS.sub("", text)
        text = _GLUED_SUFFIX.sub("", text)
        text = _GLUED_PREFIX.sub("", text)
        if text == before:
            break
    return _fold(text)


def affix_variants(text: str, *, min_length: int = 4) -> list[str]:
    """A stem with one glued-on affix removed from either end (blocking keys only).

    :func:`stem` strips short affixes only as separate words, so ``chloejreal`` keeps
    its ``real``; this gives the variants that might be the bare name.

    Examples
    --------
    >>> affix_variants("chloejreal")
    ['chloej']
    """
    out = set()
    # an affix of length n is the text's first or last n characters: one set look-up each
    for n in _AFFIX_LENGTHS:
        if len(text) - n < min_length:
            break
        if text[:n] in _AFFIX_SET:
            out.add(text[n:])
        if text[-n:] in _AFFIX_SET:
            out.add(text[:-n])
    out.discard(text)
    return sorted(out)



def consonant_keys(*names: Any, min_length: int = 3) -> list[str]:
    """Script-neutral blocking keys of an account's names (handle, display name...).

    One key per distinct name: :data:`CONSONANT_KEY_PREFIX` followed by the
    :func:`netlib.text.consonant_skeleton` of the name's :func:`stem` (vowels, ``h y w``,
    digits and separators dropped), so ``ملک نیوز``, ``malik_news`` and ``malik.news.2``
    share the key ``cmlkns`` even where the transliteration guessed other vowels. Keys
    shorter than ``min_length`` letters are left out (they meet by chance).

    Parameters
    ----------
    *names : str
        Handles, display names (``None``/NaN are skipped).
    min_length : int, default 3
        Shortest key kept (without the prefix).

    Returns
    -------
    list of str
        Distinct keys in the order of ``names``.

    Examples
    --------
    >>> consonant_keys("ملک_نیوز", "ملک نیوز")
    ['cmlkns']
    >>> consonant_keys("malik.news.2") == consonant_keys("Malik_News")
    True
    """
    return stem_consonant_keys(*(stem(name) for name in names), min_length=min_length)


def stem_consonant_keys(*stems: str, min_length: int = 3) -> list[str]:
    """:func:`consonant_keys` of names whose :func:`stem` is already known.

    Examples
    --------
    >>> stem_consonant_keys(stem("malik.news.2"), "")
    ['cmlkns']
    """
    out: list[str] = []
    for value in stems:
        key = consonant_skeleton(value)
        if len(key) >= min_length:
            out.append(CONSONANT_KEY_PREFIX + key)
    return list(dict.fromkeys(out))


def similarity(a: Any, b: Any) -> float:
    """Similarity of two names in [0, 1]; across scripts by :func:`netlib.text.name_similarity`.

    When both names are written in the same script, the Jaro-Winkler similarity of their
    stems (:func:`stem`); when one is in Arabic script and the other is not (or mixed),
    the larger of that and :func:`netlib.text.name_similarity` (transliteration and
    consonant keys), so ``ملک نیوز`` and ``malik_news_2`` score as the same name.

    Examples
    --------
    >>> similarity("ملک_نیوز", "malik_news_2")
    1.0
    >>> similarity("malik_news", "sports_daily") < 0.6
    True
    """
    if _missing(a) or _missing(b):
        return 0.0
    a, b = str(a), str(b)
    sa, sb = stem(a), stem(b)
    score = JaroWinkler.normalized_similarity(sa, sb) if sa and sb else 0.0
    if script_of(a) != script_of(b):
        score = max(score, name_similarity(a, b))
    return float(round(score, 6))
