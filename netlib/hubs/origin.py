""""From where" evidence beside the time-zone fit: scripts, languages and phone calling codes.

A network's UTC offset says when it works; two more traces hint at who it speaks to and
where its phones were registered:

* the mix of languages of its members' own posts (:func:`netlib.text.language_mix`: Urdu,
  Roman Urdu, Pashto, Persian, Arabic, English, other);
* for WhatsApp senders, the country calling code of their phone number (the accounts column
  ``calling_code`` written by :func:`netlib.io.whatsapp.read_whatsapp`), as the share of the
  group's members with a known code.

Both are **evidence, not location**: Urdu is written in Pakistan, India, the Gulf and the
diaspora; a ``+92`` number can be used from anywhere, and a network can buy numbers abroad.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pandas as pd

from netlib.dataset import Dataset
from netlib.hubs._columns import CLUSTER_ID
from netlib.schema import ACCOUNT_ID, KIND, TEXT
from netlib.text import LANGUAGES, language_guess

__all__ = ["origin_evidence", "LANGUAGE_MIX", "CALLING_CODES", "N_TEXTS", "N_PHONES",
           "ORIGIN_NOTE", "ORIGIN_COLUMNS"]

#: ``"urdu 0.62, roman_urdu 0.30, english 0.08"``: share of the group's own posts per language.
LANGUAGE_MIX = "languages"
#: ``"+92 0.80, +93 0.20"``: share of the group's members with a phone number per calling code.
CALLING_CODES = "calling_codes"
#: Number of own posts (with text) the language mix is computed from.
N_TEXTS = "n_texts"
#: Number of members with a known calling code.
N_PHONES = "n_phone_members"
#: One sentence, labelled as evidence and not as a location.
ORIGIN_NOTE = "origin_evidence"
#: The columns :func:`origin_evidence` adds to a time-zone table, in order.
ORIGIN_COLUMNS = (LANGUAGE_MIX, N_TEXTS, CALLING_CODES, N_PHONES, ORIGIN_NOTE)
_CALLING_CODE = "calling_code"   # accounts column written by the WhatsApp reader
_OWN_TEXT = ("post", "reply", "quote")


@lru_cache(maxsize=1 << 16)
def _language(text: str) -> str:
    """:func:`netlib.text.language_guess`, remembered: the cluster and the operator-group
    fits of one analysis read many of the same posts."""
    return language_guess(text)


def _shares(counts: Counter, total: int, *, min_share: float) -> str:
    if not total:
        return ""
    parts = sorted(((n / total, key) for key, n in counts.items() if n / total >= min_share),
                   key=lambda x: (-x[0], str(x[1])))
    return ", ".join(f"{key} {share:.2f}" for share, key in parts)


def _note(languages: str, codes: str) -> str:
    if not languages and not codes:
        return ""
    bits = []
    if languages:
        bits.append(f"posts written in {languages}")
    if codes:
        bits.append(f"WhatsApp numbers with calling codes {codes}")
    return ("evidence, not location: " + "; ".join(bits)
            + " (a language or a phone prefix is used far beyond one country)")


def origin_evidence(data: Dataset, membership: pd.DataFrame, *,
                    group_column: str = CLUSTER_ID, min_share: float = 0.01,
                    max_texts: int = 5_000) -> pd.DataFrame:
    """Language mix of each group's posts and calling codes of its WhatsApp members.

    Parameters
    ----------
    data : Dataset
        Uses ``actions.account_id, kind, text`` and, when present,
        ``accounts.calling_code``.
    membership : DataFrame
        ``account_id`` and ``group_column``.
    group_column : str, default ``"cluster_id"``
        The group column (``cluster_id`` or ``group_id``); it names the output's first column.
    min_share : float, default 0.01
        Languages and codes below this share are left out of the strings.
    max_texts : int, default 5000
        At most this many of a group's own posts (the earliest) are read for the mix.

    Returns
    -------
    DataFrame
        ``<group_column>, languages, n_texts, calling_codes, n_phone_members,
        origin_evidence``, one row per group (in order of first appearance in
        ``membership``). ``languages`` and ``calling_codes`` are ``"label share, ..."``
        strings, largest share first (empty when there is nothing to read).

    Examples
    --------
    >>> import pandas as pd, netlib
    >>> acc = pd.DataFrame({"account_id": ["a", "b"], "platform": "whatsapp",
    ...                     "handle": ["a", "b"], "calling_code": ["+92", "+93"]})
    >>> act = pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a", "b"],
    ...                     "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"],
    ...                     "kind": "post", "text": ["یہ میرا نیا اکاؤنٹ ہے", "yeh mera naya account hai"]})
    >>> data = netlib.Dataset.from_frames(acc, act, now=pd.Timestamp("2025-01-01", tz="UTC"))
    >>> row = origin_evidence(data, pd.DataFrame({"account_id": ["a", "b"], "cluster_id": 0})).iloc[0]
    >>> row["languages"], row["calling_codes"]
    ('roman_urdu 0.50, urdu 0.50', '+92 0.50, +93 0.50')
    """
    cols = [group_column, *ORIGIN_COLUMNS]
    members = membership[[ACCOUNT_ID, group_column]].drop_duplicates()
    if members.empty:
        return pd.DataFrame(columns=cols)
    act = data.actions
    own = act.loc[act[KIND].isin(_OWN_TEXT) & act[TEXT].notna(), [ACCOUNT_ID, TEXT]]
    own = own.merge(members, on=ACCOUNT_ID)
    acc = data.accounts
    codes = (acc.set_index(ACCOUNT_ID)[_CALLING_CODE].dropna().astype(str).str.strip()
             if _CALLING_CODE in acc.columns else pd.Series(dtype=object))
    codes = codes[codes.str.startswith("+")]  # blank cells: not a phone-number sender
    rows = []
    texts_by_group = {g: part[TEXT].head(max_texts).astype(str).tolist()
                      for g, part in own.groupby(group_column, sort=False)}
    for group, part in members.groupby(group_column, sort=False):
        texts = texts_by_group.get(group, [])
        langs: Counter = Counter()
        for text in texts:
            langs[_language(text)] += 1
        langs = Counter({k: langs[k] for k in LANGUAGES if langs[k]})
        known = part[ACCOUNT_ID].map(codes).dropna()
        lang_text = _shares(langs, len(texts), min_share=min_share)
        code_text = _shares(Counter(known.tolist()), len(known), min_share=min_share)
        rows.append({group_column: group, LANGUAGE_MIX: lang_text, N_TEXTS: len(texts),
                     CALLING_CODES: code_text, N_PHONES: len(known),
                     ORIGIN_NOTE: _note(lang_text, code_text)})
    return pd.DataFrame(rows, columns=cols)
