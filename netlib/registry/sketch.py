"""Compact fingerprints of sets and activity: MinHash signatures and hour-of-week rhythms.

A MinHash signature keeps, for each of ``num_perm`` random hash functions, the smallest
hash over a set's members; the share of equal positions between two signatures estimates
the Jaccard similarity of the two sets (Broder 1997). The registry keeps a bio as the
signature of its word shingles and an audience as the signature of its member ids, so
neither is stored as text.

The hash family is the one :mod:`datasketch` uses, ``((a * h + b) mod (2**61 - 1)) &
(2**32 - 1)`` over 64-bit member hashes, computed here for many sets at once with numpy
(a registry is filled with hundreds of thousands of accounts at a time).

References
----------
Broder, A. Z. (1997). On the resemblance and containment of documents. Compression and
Complexity of Sequences, 21-29. doi:10.1109/SEQUEN.1997.666900
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from netlib.mirrors.signals import skeleton_text

__all__ = ["NUM_PERM", "MINHASH_SEED", "EMPTY", "bio_shingles", "minhash",
           "minhash_similarity", "to_bytes", "from_bytes", "rhythm_histograms"]

#: Positions in every signature the registry stores.
NUM_PERM = 64
#: Seed of the hash functions (fixed: signatures of different runs must compare).
MINHASH_SEED = 1
#: The value of every position of an empty set's signature.
EMPTY = np.uint32(0xFFFFFFFF)
_PRIME = np.uint64((1 << 61) - 1)
_MASK = np.uint64((1 << 32) - 1)
_CHUNK = 20_000


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    a = rng.randint(1, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    b = rng.randint(0, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    return a, b


def bio_shingles(text) -> list[str]:
    """Word shingles of a bio: its folded words and word pairs (look-alikes folded).

    Examples
    --------
    >>> bio_shingles("Daily NEWS, daily")
    ['daily', 'news', 'daily news', 'news daily']
    """
    words = [w for w in skeleton_text(text).split() if w]
    return list(dict.fromkeys(words + [f"{x} {y}" for x, y in zip(words, words[1:],
                                                                     strict=False)]))


def minhash(sets: Sequence[Sequence[str]], *, num_perm: int = NUM_PERM,
            seed: int = MINHASH_SEED) -> np.ndarray:
    """MinHash signatures of many sets of strings.

    Parameters
    ----------
    sets : sequence of sequences of str
        One set per row (duplicates are harmless).
    num_perm : int
        Hash functions (signature length).
    seed : int

    Returns
    -------
    numpy.ndarray
        ``(len(sets), num_perm)`` uint32; an empty set's row is all :data:`EMPTY`.

    Examples
    --------
    >>> sig = minhash([["a", "b", "c"], ["a", "b", "c"], []])
    >>> bool((sig[0] == sig[1]).all()), bool((sig[2] == EMPTY).all())
    (True, True)
    """
    n = len(sets)
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    a, b = _permutations(num_perm, seed)
    for start in range(0, n, _CHUNK):
        part = sets[start:start + _CHUNK]
        lens = np.fromiter((len(s) for s in part), dtype=np.int64, count=len(part))
        if not lens.sum():
            continue
        flat = np.array([m for s in part for m in s], dtype=object)
        hashes = pd.util.hash_array(flat, categorize=False).astype(np.uint64)
        values = ((a[:, None] * hashes[None, :] + b[:, None]) % _PRIME) & _MASK
        rows = np.flatnonzero(lens)
        bounds = np.concatenate([[0], np.cumsum(lens)])[rows]
        mins = np.minimum.reduceat(values, bounds, axis=1)
        out[start + rows] = mins.T.astype(np.uint32)
    return out


def minhash_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of aligned signature rows; NaN where either set is empty.

    Examples
    --------
    >>> sig = minhash([["x", "y"], ["x", "y"], []])
    >>> minhash_similarity(sig[[0, 0]], sig[[1, 2]]).tolist()
    [1.0, nan]
    """
    a = np.atleast_2d(a)
    b = np.atleast_2d(b)
    same = (a == b).mean(axis=1)
    empty = (a == EMPTY).all(axis=1) | (b == EMPTY).all(axis=1)
    return np.where(empty, np.nan, same)


def to_bytes(signatures: np.ndarray) -> list[bytes | None]:
    """Each signature row as little-endian bytes (None for an empty set's row)."""
    rows = np.ascontiguousarray(signatures, dtype="<u4")
    empty = (rows == EMPTY).all(axis=1)
    return [None if e else row.tobytes() for row, e in zip(rows, empty, strict=True)]


def from_bytes(values: Sequence, *, num_perm: int = NUM_PERM) -> np.ndarray:
    """Signatures from :func:`to_bytes` values (None or missing: an empty set's row)."""
    out = np.full((len(values), num_perm), EMPTY, dtype=np.uint32)
    ok = [isinstance(v, bytes | bytearray | memoryview) and len(v) == 4 * num_perm
          for v in values]
    rows = np.flatnonzero(ok)
    if len(rows):
        joined = b"".join(bytes(values[i]) for i in rows)
        out[rows] = np.frombuffer(joined, dtype="<u4").reshape(len(rows), num_perm)
    return out


def rhythm_histograms(account_ids: pd.Series, timestamps: pd.Series,
                      index: Sequence[str]) -> np.ndarray:
    """Hour-of-week activity counts (Monday 00h UTC first) for each account in ``index``.

    Returns
    -------
    numpy.ndarray
        ``(len(index), 168)`` int64.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2025-01-06 10:00", "2025-01-06 10:30"], utc=True))
    >>> int(rhythm_histograms(pd.Series(["a", "a"]), t, ["a", "b"])[0, 10])
    2
    """
    out = np.zeros((len(index), 168), dtype=np.int64)
    position = pd.Series(np.arange(len(index)), index=pd.Index(index, dtype=object))
    where = account_ids.astype(str).map(position)
    ok = where.notna().to_numpy()
    if not ok.any():
        return out
    ts = pd.to_datetime(timestamps[ok], utc=True)
    how = (ts.dt.day_of_week * 24 + ts.dt.hour).to_numpy()
    np.add.at(out, (where[ok].to_numpy(dtype=np.int64), how), 1)
    return out
