"""Name normalisation for mirror matching: skeletons, stems and blocking keys.

A *skeleton* is what a name looks like to a reader once presentation tricks are undone:
NFKC, case folding, Cyrillic/Greek look-alike letters and leet digits folded to Latin, and
separators removed. A *stem* is the skeleton with decorations a re-created account adds
around the old name stripped: counters (``punk1`` -> ``punk25``) and common prefixes or
suffixes (``real``, ``official``, ``new``, ``back``, ``backup``...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["skeleton", "stem", "affix_variants", "CONFUSABLES", "AFFIXES", "GLUED_AFFIXES"]

#: Look-alike characters folded to one Latin letter (Cyrillic, Greek, leet digits, symbols).
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "l", "ї": "l", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ѵ": "v", "ь": "b", "г": "r", "п": "n", "з": "3",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "l", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # Latin look-alikes
    "ı": "l", "ɡ": "g", "ɑ": "a", "ɩ": "l", "ʟ": "l", "ß": "ss", "ø": "o", "đ": "d", "ł": "l",
    # digits and symbols used as letters
    "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "$": "s", "@": "a",
    "!": "l", "|": "l",
    # i, l, 1 and their look-alikes are one letter ("JarIaxle" reads as "Jarlaxle")
    "i": "l",
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


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _fold(text: str) -> str:
    """Fold look-alikes in ``text``; a trailing digit run (a counter) stays digits."""
    if not text or text.isdigit():
        return text
    tail = _TRAILING_DIGITS.search(text)
    end = tail.start() if tail else len(text)
    return text[:end].translate(_TABLE) + text[end:]


def _tokens(value: Any) -> list[str]:
    """Words of a name: split on separators and camelCase, folded per word."""
    if _missing(value):
        return []
    text = unicodedata.normalize("NFKC", str(value)).translate(_UPPER_TABLE).strip()
    text = text.lstrip("@")
    words: list[str] = []
    for part in _SEPARATORS.split(text):
        for word in _CAMEL.split(part):
            word = _MARKS.sub("", unicodedata.normalize("NFD", word.casefold()))
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
_AFFIX_FOLDED = tuple(sorted(_AFFIX_SET))


def skeleton(value: Any) -> str:
    """Fold a name to its visual skeleton.

    Parameters
    ----------
    value : str
        A handle or display name (``None``/NaN give ``""``).

    Returns
    -------
    str
        Case-folded, NFKC-normalised, accents dropped, separators removed, and look-alike
        characters (:data:`CONFUSABLES`) replaced by one Latin letter. A digit run at the
        end is kept as digits (usually a counter, not letters).

    Examples
    --------
    >>> skeleton("@News_Dаily")   # the 'а' is Cyrillic
    'newsdally'
    >>> skeleton("n3ws.da1ly2")
    'newsdally2'
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
    'newsdally'
    >>> stem("newsdaily")
    'newsdally'
    >>> stem("punk25") == stem("Punk1")
    True
    """
    words = [_fold(w) for w in _tokens(value)]
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
    out = []
    for affix in _AFFIX_FOLDED:
        if text.startswith(affix) and len(text) - len(affix) >= min_length:
            out.append(text[len(affix):])
        if text.endswith(affix) and len(text) - len(affix) >= min_length:
            out.append(text[:-len(affix)])
    return sorted(set(out) - {text})

