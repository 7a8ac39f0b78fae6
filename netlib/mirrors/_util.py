"""Helpers shared by several mirrors modules (private to :mod:`netlib.mirrors`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from netlib.mirrors import _columns as C


def jw_similarity(a: list[str], b: list[str]) -> np.ndarray:
    """Jaro-Winkler similarity of aligned strings; 0 where either is empty."""
    return _similarity(a, b, JaroWinkler.normalized_similarity)


def edit_similarity(a: list[str], b: list[str]) -> np.ndarray:
    """Normalised Levenshtein similarity of aligned strings; 0 where either is empty."""
    return _similarity(a, b, Levenshtein.normalized_similarity)


def _similarity(a: list[str], b: list[str], scorer) -> np.ndarray:
    if not a:
        return np.zeros(0)
    sim = process.cpdist(a, b, scorer=scorer, workers=1)
    empty = np.array([not x or not y for x, y in zip(a, b, strict=True)])
    return np.where(empty, 0.0, np.asarray(sim, dtype=float))


def select_links(scored: pd.DataFrame, threshold: float) -> np.ndarray:
    """Greedy one-to-one choice: best score first; one successor per predecessor per
    platform, one predecessor per successor. Returns the accepted mask.

    One exception: a re-registered handle (``same_handle`` = 1: a new id took the removed
    account's exact handle) is the same name continuing, so its successor may *also* be
    the successor of one other removed account (a backup that took over the handle).
    Each successor thus has at most one same-handle predecessor and one other.
    """
    order = np.lexsort((scored[C.SUCCESSOR_ID].to_numpy(), scored[C.PREDECESSOR_ID].to_numpy(),
                        -scored[C.SCORE].to_numpy()))
    used_pred: set[tuple[str, str]] = set()
    used_succ: set[tuple[str, bool]] = set()
    accepted = np.zeros(len(scored), dtype=bool)
    pred = scored[C.PREDECESSOR_ID].to_numpy()
    succ = scored[C.SUCCESSOR_ID].to_numpy()
    plat = scored[C.SUCCESSOR_PLATFORM].to_numpy()
    sc = scored[C.SCORE].to_numpy()
    same = (scored[C.SAME_HANDLE].fillna(0).to_numpy(dtype=float) > 0
            if C.SAME_HANDLE in scored else np.zeros(len(scored), dtype=bool))
    for i in order:
        if sc[i] < threshold:
            break
        key = (pred[i], plat[i])
        if key in used_pred or (succ[i], bool(same[i])) in used_succ:
            continue
        used_pred.add(key)
        used_succ.add((succ[i], bool(same[i])))
        accepted[i] = True
    return accepted
