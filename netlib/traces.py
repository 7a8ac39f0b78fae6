"""Behavioural traces: actions -> a long table of (account, trace, object, time).

Coordination shows up as many accounts doing *the same thing* at *nearly the same time*.
"The same thing" depends on the behaviour, so each behaviour is reduced to an object
identifier that two accounts can share:

========== ================================================================================
trace      object two accounts share
========== ================================================================================
repost     the original post behind a repost, quote or forward (chains are followed to the
           root inside the data)
link       a URL, normalised (scheme, ``www.``, tracking parameters, fragment and trailing
           slash removed)
hashtag    one hashtag, case-folded, Arabic-script letters folded; an Urdu-script tag and its
           Roman-Urdu spelling are one object (see :func:`hashtag_objects`)
hashtag_seq the ordered sequence of a post's hashtags (posts with two or more)
text       a group of near-duplicate texts (MinHash/LSH on character shingles)
reply      the post replied to
media      a media hash; near-identical perceptual hashes are grouped
domain     a website domain, when the data give domains apart from links (an optional
           ``domains`` column, e.g. CooRTweet's multi-modal ``domain_id``)
========== ================================================================================

:func:`build_traces` returns one row per (action, trace, object); the coordination module
turns co-occurrences of objects into account pairs.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
from netlib.lookup import arrow_strings, increasing, positions
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    DOMAINS,
    HASHTAGS,
    KIND,
    MEDIA_HASHES,
    OBJECT_ID,
    TEXT,
    TIMESTAMP,
    TRACE,
    URLS,
)
from netlib.text import fold_arabic_script, hashtag_groups, map_distinct, script_of

__all__ = [
    "TRACE",
    "TRACES",
    "TRACE_COLUMNS",
    "build_traces",
    "normalize_url",
    "normalize_text",
    "normalize_texts",
    "near_duplicate_groups",
    "media_groups",
    "hashtag_objects",
]

#: Every trace :func:`build_traces` knows, in output order.
TRACES = ("repost", "link", "hashtag", "hashtag_seq", "text", "reply", "media", "domain")
#: Columns of a trace table.
TRACE_COLUMNS = (ACCOUNT_ID, TRACE, OBJECT_ID, TIMESTAMP, ACTION_ID)

#: Action kinds that share someone else's post.
SHARE_KINDS = ("repost", "quote", "forward")
#: Action kinds whose text is the author's own (repost text is the original's text).
AUTHORED_KINDS = ("post", "reply", "quote")

#: Query parameters that identify a campaign or a click, never the page.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "s_cid", "mkt_tok",
    "oly_anon_id", "oly_enc_id", "vero_id", "spm", "share", "feature", "si",
})
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


# --- links --------------------------------------------------------------------------------
def normalize_url(url: str) -> str:
    """Normalise a URL so that the same page shared two ways compares equal.

    Lower-cases scheme and host, drops the scheme itself (``http`` and ``https`` are the
    same page), a leading ``www.``, default ports, the fragment, tracking parameters
    (``utm_*``, ``fbclid``, ``gclid`` ...), and a trailing slash; the remaining query
    parameters are sorted. The path keeps its case (many servers are case-sensitive).

    Parameters
    ----------
    url : str

    Returns
    -------
    str
        ``host/path?sorted_query``, or the stripped input when it is not a URL.

    Examples
    --------
    >>> normalize_url("HTTPS://www.Example.com/News/?utm_source=x&id=3&fbclid=abc#top")
    'example.com/News?id=3'
    """
    text = str(url).strip()
    if not text:
        return ""
    if "://" not in text[:12]:
        if text.startswith("//"):
            text = "http:" + text
        elif "." in text.split("/")[0]:
            text = "http://" + text
        else:
            return text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "").rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS
             and not k.lower().startswith(TRACKING_PREFIXES)]
    out = netloc + path
    if query:
        out += "?" + urlencode(sorted(query))
    return out


# --- text -----------------------------------------------------------------------------------
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_NON_WORD_RE = re.compile(r"[^\w]+")


def normalize_text(text: str) -> str:
    """Text reduced to what copy-paste keeps: NFKC, case-folded, no URLs/mentions/punctuation.

    Arabic script is folded by :func:`netlib.text.fold_arabic_script` first: Urdu and Arabic
    letter variants to one form, vowel marks and tatweel removed, Arabic-Indic digits to
    ASCII, zero-width joiners and bidi marks dropped.

    Examples
    --------
    >>> normalize_text("RT @bob: Vote NOW!!! https://t.co/x  #Election")
    'rt vote now election'
    >>> normalize_text("ملك نيوز ۲۰۲۴") == normalize_text("مُلک‌ نیوز 2024")
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    out = fold_arabic_script(unicodedata.normalize("NFKC", str(text))).casefold()
    out = _URL_RE.sub(" ", out)
    out = _MENTION_RE.sub(" ", out)
    out = _NON_WORD_RE.sub(" ", out).replace("_", " ")
    return " ".join(out.split())


#: texts of printable ASCII, tab and newlines only: for them NFKC and the Arabic-script
#: fold change nothing, casefold is lower, and Python's ``\w``/``\s`` are RE2's
_PLAIN_RE = r"^[\x20-\x7e\t\n\r]*$"
_WORD = "0-9A-Za-z_"


def normalize_texts(values: pd.Series) -> pd.Series:
    """:func:`normalize_text` of every value, as an object Series on the same index.

    Each distinct value is normalised once. Plain-ASCII texts (printable ASCII, tab,
    newlines) are normalised together by Arrow's string kernels, which for them do
    exactly what the Python function does; every other text goes through
    :func:`normalize_text` itself.

    Examples
    --------
    >>> normalize_texts(pd.Series(["RT @bob: Vote NOW!!! https://t.co/x", "ملك", None])
    ...                 ).tolist() == [normalize_text(t) for t in ("RT @bob: Vote NOW!!! https://t.co/x", "ملك", None)]
    True
    """
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    out = np.empty(len(uniques) + 1, dtype=object)
    out[-1] = normalize_text(None)          # code -1: a missing value
    try:
        array = pa.array(uniques, type=pa.large_string())
    except (pa.ArrowException, TypeError):  # not all strings
        array = None
    if array is None:
        out[:-1] = [normalize_text(v) for v in uniques]
    else:
        plain = pc.match_substring_regex(array, _PLAIN_RE).to_numpy(zero_copy_only=False)
        text = pc.utf8_lower(array.filter(pa.array(plain)))
        text = pc.replace_substring_regex(text, r"(?:https?://|www\.)[^ \t\n\r]+", " ")
        # (?<!\w)@\w+ without a look-behind: the character before the @ is kept
        text = pc.replace_substring_regex(text, f"(^|[^{_WORD}])@[{_WORD}]+", "\\1 ")
        text = pc.replace_substring_regex(text, f"[^{_WORD}]+", " ")
        text = pc.replace_substring(text, "_", " ")
        text = pc.utf8_trim(pc.replace_substring_regex(text, " +", " "), " ")
        out[:-1][plain] = text.to_numpy(zero_copy_only=False)
        out[:-1][~plain] = [normalize_text(v) for v in uniques[~plain]]
    return pd.Series(out[codes], index=values.index, dtype=object)


def _crc32_table() -> np.ndarray:
    """The 256-entry lookup table of the CRC-32 zlib computes (reflected 0xEDB88320)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> np.uint32(1)) ^ np.uint32(0xEDB88320),
                         table >> np.uint32(1)).astype(np.uint32)
    return table


_CRC32 = _crc32_table()
#: shingles hashed and permuted at once (bounds the memory of :func:`minhash_signatures`
#: to a few times 8 MB, whatever the length of the longest text)
_WINDOW_CHUNK = 1 << 16


def _crc32_windows(buffer: np.ndarray, starts: np.ndarray, k: int) -> np.ndarray:
    """``zlib.crc32`` of every ``k``-byte window ``buffer[s:s + k]``, for all starts at once."""
    crc = np.full(len(starts), 0xFFFFFFFF, dtype=np.uint32)
    for j in range(k):
        byte = buffer[starts + j].astype(np.uint32)
        crc = _CRC32[(crc ^ byte) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    return crc ^ np.uint32(0xFFFFFFFF)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (an avalanching bijection), element-wise."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_signatures(texts: Sequence[str], *, num_perm: int = 32, shingle: int = 5,
                       seed: int = 0) -> np.ndarray:
    """MinHash signatures of the byte ``shingle``-grams of many texts, computed at once.

    The shingles of a text are the CRC-32 of each ``shingle``-byte window of its UTF-8
    bytes (a text of at most ``shingle`` characters is one shingle, itself). Each
    signature is exactly what :class:`datasketch.MinHash` (scheme ``affine32``, the given
    ``seed``, identity hash over those CRC-32 values) holds after seeing the shingles:
    the hash functions are datasketch's own, and the per-shingle arithmetic (MurmurHash3
    finaliser, then ``a * h + b`` modulo 2**32) is vectorised over every window of every
    text, 65,536 windows at a time, so memory does not grow with the longest text.

    Returns
    -------
    numpy.ndarray
        ``(len(texts), num_perm)`` uint32.

    Examples
    --------
    >>> sig = minhash_signatures(["the same words", "the same words", "other"])
    >>> sig.shape, bool((sig[0] == sig[1]).all()), bool((sig[0] == sig[2]).all())
    ((3, 32), True, False)
    """
    from datasketch import MinHash

    template = MinHash(num_perm=num_perm, seed=seed)
    if template.scheme != "affine32":  # pragma: no cover - a datasketch default change
        raise ParameterError(f"datasketch MinHash scheme {template.scheme!r} is not supported")
    a, b = (np.asarray(p, dtype=np.uint32) for p in template.permutations)
    n = len(texts)
    signatures = np.full((n, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    if n == 0:
        return signatures
    encoded = [str(t).encode("utf-8") for t in texts]
    chars = np.fromiter((len(str(t)) for t in texts), dtype=np.int64, count=n)
    nbytes = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=n)
    offsets = np.concatenate([[0], np.cumsum(nbytes)[:-1]])
    buffer = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)
    whole = np.flatnonzero(chars <= shingle)  # short texts: one shingle, the text itself
    if len(whole):
        crc = np.fromiter((zlib.crc32(encoded[i]) for i in whole), dtype=np.uint32,
                          count=len(whole))
        signatures[whole] = _fmix32(crc)[:, None] * a[None, :] + b[None, :]
    windows = np.where(chars > shingle, nbytes - shingle + 1, 0)
    ends = np.cumsum(windows)
    total = int(ends[-1])
    for w0 in range(0, total, _WINDOW_CHUNK):
        w1 = min(w0 + _WINDOW_CHUNK, total)
        first, last = np.searchsorted(ends, [w0, w1 - 1], side="right")
        ids = np.arange(first, last + 1)
        lo = np.maximum(ends[ids] - windows[ids], w0)   # window range of each text in chunk
        hi = np.minimum(ends[ids], w1)
        counts = hi - lo
        ids, lo, counts = ids[counts > 0], lo[counts > 0], counts[counts > 0]
        owner = np.repeat(ids, counts)
        seg = np.concatenate([[0], np.cumsum(counts)[:-1]])
        within = np.arange(int(counts.sum())) - np.repeat(seg, counts)
        starts = offsets[owner] + (np.repeat(lo, counts) - (ends[owner] - windows[owner])) \
            + within
        hashed = _fmix32(_crc32_windows(buffer, starts, shingle))
        permuted = np.multiply.outer(hashed, a)
        permuted += b
        mins = np.minimum.reduceat(permuted, seg, axis=0)
        signatures[ids] = np.minimum(signatures[ids], mins)
    return signatures


def near_duplicate_groups(texts: Sequence[str], *, threshold: float = 0.7,
                          num_perm: int = 32, shingle: int = 5,
                          seed: int = 0) -> np.ndarray:
    """Group near-duplicate texts with MinHash and locality-sensitive hashing.

    Two texts are linked when LSH proposes them and their estimated Jaccard similarity
    of character ``shingle``-grams is at least ``threshold``; groups are the connected
    components of these links. Identical texts are always in one group.

    The signatures are computed for all texts at once (:func:`minhash_signatures`); the
    LSH bands are datasketch's (:class:`datasketch.MinHashLSH` chooses them for
    ``threshold``), numbered with :func:`numpy.unique`. Texts are then taken in order of
    first appearance, and each joins the most similar earlier *leader* sharing a band
    with it (the earliest of equals), or becomes a leader. Only texts that share a band
    with another text enter that loop; the others are their own leaders.

    Parameters
    ----------
    texts : sequence of str
        Already normalised texts (see :func:`normalize_text`).
    threshold : float
        Minimum estimated Jaccard similarity, in (0, 1].
    num_perm : int
        MinHash permutations (more is more precise and slower).
    shingle : int
        Shingle length in bytes.
    seed : int
        Seed of the MinHash permutations.

    Returns
    -------
    numpy.ndarray
        One integer group label per text (the position of the group's first text).

    References
    ----------
    Broder (1997), "On the resemblance and containment of documents".
    Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.

    Examples
    --------
    >>> near_duplicate_groups(["vote for the new bridge today", "vote for the new bridge today!",
    ...                        "completely unrelated words here"]).tolist()
    [0, 0, 2]
    """
    from datasketch import MinHashLSH

    if not 0 < threshold <= 1:
        raise ParameterError(f"text_threshold={threshold!r} must be in (0, 1]")
    texts = list(texts)
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=int)
    # distinct texts by a dict over the Python strings themselves: memory grows with the
    # total text, never with (number of texts x longest text) as a fixed-width array would
    position: dict[str, int] = {}
    inverse = np.empty(n, dtype=np.int64)
    for i, text in enumerate(texts):
        inverse[i] = position.setdefault(str(text), len(position))
    # number the distinct texts in sorted order (it decides which leader a text joins
    # first when several are equally similar)
    distinct = list(position)
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    unique = [distinct[k] for k in order]
    inverse = rank[inverse]
    first_pos = np.full(len(distinct), n, dtype=np.int64)
    np.minimum.at(first_pos, inverse, np.arange(n))
    labels_unique = np.arange(len(unique))
    if threshold < 1 and len(unique) > 1:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        signatures = minhash_signatures(unique, num_perm=num_perm, shingle=shingle, seed=seed)
        _join_leaders(signatures, np.argsort(first_pos, kind="stable"), labels_unique,
                      bands=lsh.b, rows=lsh.r, threshold=threshold)
    labels = labels_unique[inverse]
    # relabel each group by the position of its first text
    _, first_index, group = np.unique(labels, return_index=True, return_inverse=True)
    return first_index[group.ravel()].astype(int)


def _row_codes(block: np.ndarray) -> np.ndarray:
    """One code per row of a ``uint32`` matrix: equal rows, equal codes (first-seen order).

    The columns are folded in one at a time, each into the codes so far (``code << 32 |
    value`` is distinct per pair, and codes stay below the number of rows).
    """
    code = block[:, 0].astype(np.int64)
    for j in range(1, block.shape[1]):
        code = pd.factorize((code << 32) | block[:, j].astype(np.int64))[0].astype(np.int64)
    if block.shape[1] == 1:
        code = pd.factorize(code)[0].astype(np.int64)
    return code


def _join_leaders(signatures: np.ndarray, order: np.ndarray, labels: np.ndarray, *,
                  bands: int, rows: int, threshold: float) -> None:
    """Leader clustering over LSH buckets; writes each text's leader into ``labels``."""
    codes = np.empty((len(signatures), bands), dtype=np.int64)
    shared = np.zeros(len(signatures), dtype=bool)
    for band in range(bands):
        code = _row_codes(signatures[:, band * rows:(band + 1) * rows])
        codes[:, band] = code
        shared |= np.bincount(code)[code] > 1
    buckets: list[dict[int, list[int]]] = [{} for _ in range(bands)]
    width = float(signatures.shape[1])
    for i in order[shared[order]]:
        candidates = {j for band in range(bands)
                      for j in buckets[band].get(int(codes[i, band]), ())}
        if candidates:
            cand = np.fromiter(sorted(candidates), dtype=np.int64, count=len(candidates))
            sims = np.count_nonzero(signatures[cand] == signatures[i], axis=1) / width
            good = sims >= threshold
            if good.any():
                best = sims[good].max()
                labels[i] = int(cand[good][sims[good] == best].min())
                continue
        for band in range(bands):
            buckets[band].setdefault(int(codes[i, band]), []).append(int(i))


class _UnionFind:
    def __init__(self, n: int):
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            if a < b:
                self.parent[b] = a
            else:
                self.parent[a] = b

    def labels(self) -> np.ndarray:
        return np.array([self.find(i) for i in range(len(self.parent))])


# --- media ----------------------------------------------------------------------------------
def media_groups(hashes: Sequence[str], *, max_distance: int = 4) -> np.ndarray:
    """Group media hashes that are equal or within ``max_distance`` bits (Hamming).

    Hex perceptual hashes (pHash, dHash...) of near-identical images differ in a few bits.
    Candidates are found by the pigeonhole rule: two hashes within ``d`` bits agree exactly
    on at least one of ``d + 1`` chunks; each candidate pair is then checked exactly.
    Hashes that are not hexadecimal are only grouped when equal.

    Returns
    -------
    numpy.ndarray
        One integer group label per hash (the position of the group's first hash).

    Examples
    --------
    >>> media_groups(["ffff0000ffff0000", "ffff0000ffff0001", "0123456789abcdef"]).tolist()
    [0, 0, 2]
    """
    if max_distance < 0:
        raise ParameterError(f"media_distance={max_distance!r} must be >= 0")
    values = [str(h).strip().lower() for h in hashes]
    n = len(values)
    unique = sorted(set(values))
    index = {h: i for i, h in enumerate(unique)}
    uf = _UnionFind(len(unique))
    if max_distance > 0:
        by_length: dict[int, list[str]] = {}
        for h in unique:
            if re.fullmatch(r"[0-9a-f]+", h) and len(h) <= 64:
                by_length.setdefault(len(h), []).append(h)
        for length, group in by_length.items():
            bits = 4 * length
            if len(group) < 2 or max_distance >= bits:
                continue
            ints = [int(h, 16) for h in group]
            chunks = max_distance + 1
            bounds = [int(x) for x in np.linspace(0, bits, chunks + 1)]
            for c in range(chunks):
                lo, hi = bounds[c], bounds[c + 1]
                mask = (1 << (hi - lo)) - 1
                buckets: dict[int, list[int]] = {}
                for k, value in enumerate(ints):
                    buckets.setdefault((value >> lo) & mask, []).append(k)
                for members in buckets.values():
                    if len(members) < 2 or len(members) > 5000:
                        continue
                    for x in range(len(members)):
                        for y in range(x + 1, len(members)):
                            i, j = members[x], members[y]
                            if (ints[i] ^ ints[j]).bit_count() <= max_distance:
                                uf.union(index[group[i]], index[group[j]])
    labels_unique = uf.labels()
    first_of_group: dict[int, int] = {}
    out = np.empty(n, dtype=int)
    for pos, h in enumerate(values):
        out[pos] = first_of_group.setdefault(int(labels_unique[index[h]]), pos)
    return out


# --- the trace table ----------------------------------------------------------------------
def _explode_list(actions: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per (action, list item) of a space-separated list column, order kept."""
    cells = actions[column]
    has = cells.notna()
    if not has.any():
        return pd.DataFrame({ACTION_ID: [], "item": [], "pos": []})
    sub = actions.loc[has, [ACTION_ID]].copy()
    sub["item"] = cells[has].astype(str).str.split()
    sub = sub.explode("item", ignore_index=True).dropna(subset=["item"])
    sub = sub[sub["item"] != ""]
    sub["pos"] = sub.groupby(ACTION_ID, sort=False).cumcount()
    return sub


def _joined_sequences(owners: pd.Series, items: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The space-joined items of each owner with two or more, owners in first-seen order."""
    codes, uniques = pd.factorize(owners)
    order = np.argsort(codes, kind="stable")          # grouped, each in its own row order
    values = items.to_numpy(dtype=object)[order]
    counts = np.bincount(codes, minlength=len(uniques))
    ends = np.cumsum(counts)
    keep = np.flatnonzero(counts >= 2)
    joined = np.array([" ".join(values[ends[g] - counts[g]:ends[g]]) for g in keep],
                      dtype=object)
    return np.asarray(uniques, dtype=object)[keep], joined


def _root_objects(actions: pd.DataFrame, unique_ids: bool = False) -> pd.Series:
    """For sharing actions, the original post at the end of a chain of shares in the data.

    ``unique_ids``: no action id is repeated (as in a validated Dataset). The chains are
    then followed on row positions found by Arrow's hash lookup, with no coding of the
    strings; otherwise a repeated id stands for its last share.
    """
    mask = (actions[KIND].isin(SHARE_KINDS) & actions[OBJECT_ID].notna()).to_numpy()
    shares = actions.loc[mask, [ACTION_ID, OBJECT_ID]]
    if unique_ids:
        # each share's object as a row of the shares (-1: not itself a share), followed
        # until the object is not a share; the last share's object is the root
        step = positions(shares[OBJECT_ID], arrow_strings(shares[ACTION_ID]).combine_chunks())
        at = _chain_ends(step, np.arange(len(shares)))
        return pd.Series(shares[OBJECT_ID].array.take(at), index=shares.index,
                         dtype=shares[OBJECT_ID].dtype)
    # action ids and objects coded together (equal codes: equal ids); each share points
    # from its action's code to its object's code, and chains are followed on the codes
    n = len(shares)
    code, names = pd.factorize(pd.concat([shares[ACTION_ID], shares[OBJECT_ID]],
                                         ignore_index=True))
    action, root = code[:n], code[n:]
    target = np.full(len(names), -1, dtype=np.int64)
    target[action[action >= 0]] = root[action >= 0]      # a repeated id: its last share
    root = _chain_ends(target, root)
    return pd.Series(np.asarray(names, dtype=object)[root], index=shares.index,
                     dtype=shares[OBJECT_ID].dtype)


def _chain_ends(step: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Follow ``step`` from each of ``at`` until it points nowhere (``-1``).

    At most 50 steps: validation already broke cycles, and share chains are short.
    """
    for _ in range(50):
        nxt = step[at]
        moved = nxt >= 0
        if not moved.any():
            break
        at = np.where(moved, nxt, at)
    return at


def _check_traces(traces: Iterable[str] | str | None) -> tuple[str, ...]:
    if traces is None:
        return TRACES
    if isinstance(traces, str):
        traces = [traces]
    chosen = tuple(dict.fromkeys(traces))
    unknown = [t for t in chosen if t not in TRACES]
    if unknown:
        raise ParameterError(f"unknown trace{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))} (expected any of "
                             f"{', '.join(TRACES)})")
    if not chosen:
        raise ParameterError(f"traces is empty (expected any of {', '.join(TRACES)})")
    return chosen


def build_traces(data: Dataset | pd.DataFrame, *, traces: Iterable[str] | str | None = None,
                 text_threshold: float = 0.7, text_min_chars: int = 20,
                 text_num_perm: int = 32, text_shingle: int = 5,
                 media_distance: int = 4, seed: int = 0) -> pd.DataFrame:
    """Reduce actions to the objects accounts share, one row per (action, trace, object).

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or an actions frame with the interchange columns (``action_id,
        account_id, timestamp, kind`` and any of ``object_id, text, urls, hashtags,
        media_hashes``).
    traces : str or iterable of str, optional
        Which behaviours to trace (default: all of :data:`TRACES`).
    text_threshold : float
        Jaccard similarity above which two texts count as one (near-duplicate) object.
    text_min_chars : int
        Shorter normalised texts ("ok", "lol") are not traced: they coincide by chance.
    text_num_perm, text_shingle : int
        MinHash size and character-shingle length for the text trace.
    media_distance : int
        Hex perceptual hashes within this many bits are one object (0: exact match only).
    seed : int
        Seed of the MinHash permutations.

    Returns
    -------
    DataFrame
        Columns ``account_id, trace, object_id, timestamp, action_id``, sorted by trace,
        timestamp and action. ``object_id`` is the shared object: ``"post:<id>"`` of the
        root post (repost; the original post itself is a row too, so its author pairs with
        fast resharers),
        the normalised URL (link), the tag's object from :func:`hashtag_objects` (hashtag:
        the case-folded tag, one object for an Urdu tag and its Roman spelling), the
        space-joined tag sequence (hashtag_seq), ``"text:<action_id>"`` naming a near-duplicate group by
        its first action (text), the replied-to post (reply), the media hash (media, the
        group's first hash for near-duplicates), the case-folded domain (domain).

    Raises
    ------
    ParameterError
        If a trace name is unknown or a parameter is out of range.
    DataFormatError
        If ``data`` is a frame lacking ``action_id``, ``account_id`` or ``timestamp``.

    Examples
    --------
    >>> import pandas as pd, netlib
    >>> from netlib.traces import build_traces
    >>> acc = pd.DataFrame({"account_id": ["a", "b"], "platform": "x", "handle": ["a", "b"]})
    >>> act = pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a", "b"],
    ...                     "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z"],
    ...                     "kind": "post", "urls": ["https://www.x.org/a/?utm_source=t",
    ...                                              "http://x.org/a"]})
    >>> data = netlib.Dataset.from_frames(acc, act, now=pd.Timestamp("2025-01-01", tz="UTC"))
    >>> build_traces(data, traces="link")[["account_id", "object_id"]].values.tolist()
    [['a', 'x.org/a'], ['b', 'x.org/a']]
    """
    chosen = _check_traces(traces)
    if not 0 < text_threshold <= 1:
        raise ParameterError(f"text_threshold={text_threshold!r} must be in (0, 1]")
    if media_distance < 0:
        raise ParameterError(f"media_distance={media_distance!r} must be >= 0")
    actions = data.actions if isinstance(data, Dataset) else data
    missing = [c for c in (ACTION_ID, ACCOUNT_ID, TIMESTAMP) if c not in actions.columns]
    if missing:
        raise DataFormatError(f"actions: missing column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)} needed to build traces")
    actions = actions.copy()
    for col in (KIND, OBJECT_ID, TEXT, URLS, HASHTAGS, MEDIA_HASHES):
        if col not in actions.columns:
            actions[col] = None
    actions[KIND] = actions[KIND].fillna("post")
    parts: list[pd.DataFrame] = []
    ranks: list[int] = []       # each part's place in TRACES

    def emit(trace: str, action_ids: pd.Series, objects: pd.Series) -> None:
        # Arrow-backed strings: a fraction of the memory of a Python object per row
        frame = pd.DataFrame({ACTION_ID: _str_column(action_ids),
                              OBJECT_ID: _str_column(objects)})
        frame[TRACE] = trace
        parts.append(frame)
        ranks.append(TRACES.index(trace))

    if "repost" in chosen:
        roots = _root_objects(actions, unique_ids=isinstance(data, Dataset))
        # the original post takes part too, so that its author pairs with fast resharers;
        # objects are named "post:<id>" so the original is not mistaken for a self-share
        is_root = pc.is_in(pa.array(actions[ACTION_ID].astype(str), type=pa.string()),
                           value_set=pa.array(roots.astype(str).unique(), type=pa.string()))
        originals = actions[is_root.to_numpy(zero_copy_only=False)
                            & ~actions[KIND].isin(SHARE_KINDS)]
        emit("repost", pd.concat([actions.loc[roots.index, ACTION_ID],
                                  originals[ACTION_ID]]),
             "post:" + pd.concat([roots.astype(str), originals[ACTION_ID].astype(str)]))
    if "reply" in chosen:
        replies = actions[(actions[KIND] == "reply") & actions[OBJECT_ID].notna()]
        emit("reply", replies[ACTION_ID], replies[OBJECT_ID])
    if "link" in chosen:
        links = _explode_list(actions, URLS)
        if len(links):
            norm = map_distinct(links["item"], normalize_url)
            keep = norm != ""
            emit("link", links.loc[keep, ACTION_ID], norm[keep])
    if "hashtag" in chosen or "hashtag_seq" in chosen:
        tags = _explode_list(actions, HASHTAGS)
        if len(tags):
            objects = hashtag_objects(tags["item"])
            tags["item"] = tags["item"].map(dict(zip(objects["hashtag"], objects[OBJECT_ID],
                                                     strict=True)))
            tags = tags[tags["item"] != ""]
            if "hashtag" in chosen:
                single = tags.drop_duplicates([ACTION_ID, "item"])
                emit("hashtag", single[ACTION_ID], single["item"])
            if "hashtag_seq" in chosen:
                owners, sequences = _joined_sequences(tags[ACTION_ID], tags["item"])
                emit("hashtag_seq", owners, sequences)
    if "text" in chosen:
        authored = actions[actions[KIND].isin(AUTHORED_KINDS) & actions[TEXT].notna()]
        norm = normalize_texts(authored[TEXT])
        keep = norm.str.len() >= text_min_chars
        authored, norm = authored[keep], norm[keep]
        if len(authored):
            order = np.lexsort((authored[ACTION_ID].astype(str).to_numpy(),
                                authored[TIMESTAMP].to_numpy()))
            authored, norm = authored.iloc[order], norm.iloc[order]
            groups = near_duplicate_groups(norm.tolist(), threshold=text_threshold,
                                           num_perm=text_num_perm, shingle=text_shingle,
                                           seed=seed)
            ids = authored[ACTION_ID].to_numpy()
            emit("text", authored[ACTION_ID], "text:" + pd.Series(ids[groups]).astype(str))
    if "domain" in chosen and DOMAINS in actions.columns:
        domains = _explode_list(actions, DOMAINS)
        if len(domains):
            host = domains["item"].str.casefold().str.removeprefix("www.")
            domains = domains.assign(item=host).drop_duplicates([ACTION_ID, "item"])
            emit("domain", domains[ACTION_ID], domains["item"])
    if "media" in chosen:
        media = _explode_list(actions, MEDIA_HASHES)
        if len(media):
            values = media["item"].str.strip().str.lower().to_numpy()
            groups = media_groups(values, max_distance=media_distance)
            media["item"] = values[groups]
            media = media.drop_duplicates([ACTION_ID, "item"])
            emit("media", media[ACTION_ID], media["item"])

    if not parts:
        return _empty_traces()
    out = pd.concat(parts, ignore_index=True)
    # each part is one trace of TRACES: a row's rank is its trace's place there
    rank = np.repeat(np.array(ranks, dtype=np.int64), [len(p) for p in parts])
    out = _with_authors(out, actions, unique_ids=isinstance(data, Dataset))
    out[OBJECT_ID] = out[OBJECT_ID].astype(str)
    if out[TRACE].dtype != out[OBJECT_ID].dtype:    # the trace names as str, like the objects
        out[TRACE] = out[TRACE].astype(str)
    return out.take(_trace_order(rank, out)).reset_index(drop=True)[list(TRACE_COLUMNS)]


def _with_authors(out: pd.DataFrame, actions: pd.DataFrame, *,
                  unique_ids: bool = False) -> pd.DataFrame:
    """``out`` with the ``account_id`` and ``timestamp`` of each row's action.

    As ``out.merge(actions' first row per action_id, on=action_id, how="left")``; when
    both id columns are Arrow-backed strings and every action is found, by Arrow's hash
    lookup (which, like the merge, takes an id's first row) without the merge, and
    without a lookup when ``out``'s ids are the actions' own, in order, and no id repeats
    (``unique_ids``: the actions are a Dataset's, whose ids are distinct).
    """
    ids = actions[ACTION_ID]
    if out[ACTION_ID].dtype == ids.dtype and isinstance(ids.dtype, pd.StringDtype) \
            and ids.dtype.storage == "pyarrow" and len(out):
        given, known = arrow_strings(out[ACTION_ID]), arrow_strings(ids)
        if len(given) == len(known) and not given.null_count and not known.null_count \
                and pc.all(pc.equal(given, known)).as_py():
            # the rows are the actions themselves, in order (a stream of reposts): each
            # row's action is the row itself, unless an id repeats (the merge takes an
            # id's first row), which a Dataset's validation or increasing ids rule out
            at = np.arange(len(given)) if unique_ids or increasing(known) else None
        else:
            at = None
        if at is None:
            at = positions(out[ACTION_ID], known.combine_chunks())
        del given, known
        if (at >= 0).all():
            return out.assign(**{c: pd.Series(actions[c].array.take(at), index=out.index,
                                               dtype=actions[c].dtype)
                                 for c in (ACCOUNT_ID, TIMESTAMP)})
    meta = actions[[ACTION_ID, ACCOUNT_ID, TIMESTAMP]].drop_duplicates(ACTION_ID)
    return out.merge(meta, on=ACTION_ID, how="left")


def _trace_order(rank: np.ndarray, out: pd.DataFrame) -> np.ndarray:
    """Positions of ``out``'s rows sorted by trace rank, timestamp, action and object.

    The stable sort of ``sort_values([rank, timestamp, action_id, object_id],
    kind="stable")``, done by Arrow on the columns as they are when every key is present
    (Arrow orders strings by their UTF-8 bytes, which is code point order, as Python
    does; its sort is stable); by pandas otherwise.
    """
    stamps, actions, objects = out[TIMESTAMP], out[ACTION_ID], out[OBJECT_ID]
    if (isinstance(stamps.dtype, pd.DatetimeTZDtype) or stamps.dtype.kind == "M") \
            and not stamps.isna().any() and not actions.isna().any() \
            and not objects.isna().any():
        try:
            table = pa.table({"r": rank, "t": pd.DatetimeIndex(stamps).asi8,
                              "a": pa.array(actions.array), "o": pa.array(objects.array)})
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            table = None        # ids of mixed types: compared as pandas compares them
        if table is not None:
            return pc.sort_indices(table, sort_keys=[(k, "ascending") for k in "rtao"]
                                   ).to_numpy()
    keys = pd.DataFrame({"_rank": rank, TIMESTAMP: stamps.array, ACTION_ID: actions.array,
                         OBJECT_ID: objects.array})
    return keys.sort_values(["_rank", TIMESTAMP, ACTION_ID, OBJECT_ID], kind="stable"
                            ).index.to_numpy()


def _str_column(values: pd.Series | np.ndarray) -> pd.Series:
    """``values`` as an Arrow-backed ``str`` Series with a fresh index (no copy when they
    are one already)."""
    array = values.array if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    return pd.Series(array, copy=False).astype("str")


def _tag_object(tag: str) -> str:
    return fold_arabic_script(unicodedata.normalize("NFKC", tag)).lstrip("#＃").casefold()


def hashtag_objects(tags: Iterable[str]) -> pd.DataFrame:
    """The hashtag trace object of each distinct tag, with the mapping shown as evidence.

    A tag's object is the tag without ``#``, NFKC-normalised, Arabic-script letters folded
    (:func:`netlib.text.fold_arabic_script`) and case-folded. Tags that
    :func:`netlib.text.hashtag_groups` puts in one group (same
    :func:`netlib.text.hashtag_key` of their transliteration) become one object *when the
    group holds an Arabic-script tag*: ``#پاکستان_زندہ_باد`` and ``#PakistanZindabad`` are
    one trace object, named by the group's first Latin spelling (else its first tag). Groups
    of Latin tags only are left apart (``#vote`` and ``#veto`` share a consonant key but
    are different tags).

    Parameters
    ----------
    tags : iterable of str
        Hashtags as they appear in ``actions.hashtags`` (repeats are counted once).

    Returns
    -------
    DataFrame
        ``hashtag`` (as given), ``object_id`` (the trace object), ``transliteration``,
        ``key`` (:func:`netlib.text.hashtag_key`) and ``merged`` (True when the object joins
        tags written in different scripts), one row per distinct tag.

    Examples
    --------
    >>> t = hashtag_objects(["#PakistanZindabad", "#پاکستان_زندہ_باد", "#Vote", "#veto"])
    >>> t["object_id"].tolist()
    ['pakistanzindabad', 'pakistanzindabad', 'vote', 'veto']
    """
    distinct = [str(t) for t in dict.fromkeys(tags)]
    groups = hashtag_groups(distinct)
    own = groups["hashtag"].map(_tag_object)
    arabic = groups["hashtag"].map(script_of).isin(["arabic", "mixed"])
    has_arabic = arabic.groupby(groups["group"]).transform("any")
    latin_first = own.where(~arabic).groupby(groups["group"]).transform("first")
    first = own.groupby(groups["group"]).transform("first")
    named = latin_first.fillna(first)
    merged = has_arabic & (groups["key"] != "") & (groups.groupby("group")["hashtag"]
                                                   .transform("size") > 1)
    object_id = own.where(~merged, named)
    return pd.DataFrame({"hashtag": groups["hashtag"], OBJECT_ID: object_id,
                         "transliteration": groups["transliteration"], "key": groups["key"],
                         "merged": merged.astype(bool)})


def _empty_traces() -> pd.DataFrame:
    return pd.DataFrame({ACCOUNT_ID: pd.Series(dtype=object), TRACE: pd.Series(dtype=object),
                         OBJECT_ID: pd.Series(dtype=object),
                         TIMESTAMP: pd.Series(dtype="datetime64[ns, UTC]"),
                         ACTION_ID: pd.Series(dtype=object)})
