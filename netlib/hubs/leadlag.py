"""Lead-lag: who acts first within coordinated co-actions, and who follows.

A co-action pair says that account ``account_id`` acted on an object and
``account_id_y`` acted on the same object within the window, later. Counting, per
account, how many co-participants acted after it (leads) and before it (follows) gives a
leader share; a rank test against random order within each object gives a p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from netlib.errors import ParameterError
from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    LEAD_P,
    LEAD_Q,
    LEAD_Z,
    LEADER_SHARE,
    MEDIAN_LAG,
    N_FOLLOW,
    N_FOLLOWERS,
    N_LEAD,
    TIME_DELTA,
    TRACE,
)
from netlib.hubs._util import (
    Codes,
    account_codes,
    code_grouper,
    combine_keys,
    first_occurrences,
    first_seen_codes,
    group_medians,
    key_codes,
    packed_sort,
    run_medians,
    sorted_groups,
)
from netlib.hubs._within import WithinPairs, within_pairs
from netlib.schema import ACCOUNT_ID, OBJECT_ID
from netlib.stats import qvalues

__all__ = ["lead_lag", "leader_table", "coordinated_pairs", "within_clusters", "pair_counts",
           "PairCounts"]

LEAD_LAG_COLUMNS = [ACCOUNT_ID, N_LEAD, N_FOLLOW, N_FOLLOWERS, LEADER_SHARE, MEDIAN_LAG,
                    LEAD_Z, LEAD_P, LEAD_Q]


def coordinated_pairs(pairs: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Keep pairs whose two accounts lie in the same cluster, with that ``cluster_id``."""
    return within_clusters(pairs, clusters)[0]


def within_clusters(pairs: pd.DataFrame, clusters: pd.DataFrame) -> tuple[pd.DataFrame, Codes]:
    """:func:`coordinated_pairs`, and the account codes of the pairs kept.

    Account ids are matched as strings (through their codes), so any string-like dtype
    of the pairs' account columns works (str, object, Arrow, categorical).

    Returns
    -------
    (DataFrame, Codes)
        The pairs kept (original index, every column, plus ``cluster_id``: as
        ``Series.map`` would give it, so float when the cluster ids are integers and
        some pair account has no cluster), and the codes of their ``account_id, account_id_y``.
    """
    within = within_pairs(pairs, clusters)
    return within.frame(), within.codes


@dataclass(frozen=True)
class PairCounts:
    """Co-actions per ordered (leader, follower) account pair, on account codes.

    Attributes
    ----------
    codes : Codes
        The account codes the pairs were counted on.
    leader, follower : numpy.ndarray
        Codes of each distinct ordered pair, sorted by leader then follower.
    n : numpy.ndarray
        Number of co-actions of the pair (``int64``).
    median : numpy.ndarray
        Median ``time_delta`` of those co-actions (seconds).
    """

    codes: Codes
    leader: np.ndarray
    follower: np.ndarray
    n: np.ndarray
    median: np.ndarray


def pair_counts(pairs: pd.DataFrame | WithinPairs, *,
                codes: Codes | None = None) -> PairCounts:
    """Count the co-actions of every ordered account pair once (see :class:`PairCounts`).

    ``codes`` are the account codes of ``pairs`` (as :func:`within_clusters` returns them);
    without them the ids are coded here.
    """
    codes = _codes(pairs, codes)
    a, b = codes.columns
    ok = (a >= 0) & (b >= 0)
    everything = bool(ok.all())
    key = a * len(codes) + b if everything else a[ok] * len(codes) + b[ok]
    delta = _time_delta(pairs)
    if not everything:
        delta = delta[ok]
    # group the rows by pair with one sort (most pairs co-act only a few times: a hash
    # table of the distinct pairs would be nearly as long as the rows); whole seconds are
    # sorted with the keys, which orders each pair's lags for its median
    packed = None
    if not (np.signbit(delta) & (delta == 0)).any():   # -0.0: left to group_medians
        packed = packed_sort(key, delta)
    if packed is not None:
        del key
        keys, starts, ordered = packed
        size = np.diff(np.append(starts, len(ordered))).astype(np.int64)
        median = run_medians(ordered, size)
    else:
        keys, group = sorted_groups(key)
        del key
        size = np.bincount(group, minlength=len(keys)).astype(np.int64)
        median = group_medians(delta, group, len(keys))
    return PairCounts(codes=codes, leader=keys // len(codes), follower=keys % len(codes),
                      n=size, median=median)


def lead_lag(pairs: pd.DataFrame | WithinPairs, *, codes: Codes | None = None,
             counts: PairCounts | None = None) -> pd.DataFrame:
    """Directed lead-lag counts: one row per ordered (leader, follower) account pair.

    Parameters
    ----------
    pairs : DataFrame or WithinPairs
        Co-action rows ``account_id`` (earlier), ``account_id_y`` (later), ``time_delta``
        (seconds), ``object_id``.
    codes : Codes, optional
        Account codes of ``pairs`` (as :func:`within_clusters` returns them), to save
        coding the ids again.
    counts : PairCounts, optional
        :func:`pair_counts` of ``pairs``, when already computed.

    Returns
    -------
    DataFrame
        ``account_id`` (leader), ``account_id_y`` (follower), ``n_lead`` (co-actions in
        which the leader acted first), ``median_lead_lag_s``; sorted by ``n_lead``
        descending, then leader and follower.
    """
    if pairs.empty:
        return pd.DataFrame(columns=[ACCOUNT_ID, ACCOUNT_ID_Y, N_LEAD, MEDIAN_LAG])
    c = pair_counts(pairs, codes=codes) if counts is None else counts
    order = _by_count(c.n)
    return pd.DataFrame({ACCOUNT_ID: c.codes.strings(c.leader[order]),
                         ACCOUNT_ID_Y: c.codes.strings(c.follower[order]),
                         N_LEAD: c.n[order], MEDIAN_LAG: c.median[order]})


def _by_count(n: np.ndarray) -> np.ndarray:
    """Row order by ``n`` descending, ties in row order (a stable sort of ``-n``).

    The counts and row numbers are packed into one distinct ``int64`` key per row, whose
    sorted values give the order (faster than a stable sort of the counts).
    """
    rows = len(n)
    if not rows:
        return np.zeros(0, dtype=np.int64)
    top = int(n.max())
    low = int(n.min())
    if (top - low + 1) * rows >= 2 ** 62:
        return np.argsort(-n, kind="stable")
    key = (top - n).astype(np.int64)
    key *= rows
    key += np.arange(rows, dtype=np.int64)
    key.sort()
    key %= rows
    return key


def _codes(pairs: pd.DataFrame | WithinPairs, codes: Codes | None) -> Codes:
    if codes is None:
        if isinstance(pairs, WithinPairs):
            return pairs.codes
        return account_codes(pairs[ACCOUNT_ID], pairs[ACCOUNT_ID_Y])
    if len(codes.columns) != 2 or len(codes.columns[0]) != len(pairs):
        raise ParameterError("codes do not match the pairs (two columns, one code per row)")
    return codes


def _time_delta(pairs: pd.DataFrame | WithinPairs) -> np.ndarray:
    if isinstance(pairs, WithinPairs):
        return pairs.values(TIME_DELTA, dtype=float)
    return pairs[TIME_DELTA].to_numpy(dtype=float)


def _object_codes(pairs: pd.DataFrame | WithinPairs) -> np.ndarray:
    """One code per row for its ``object_id`` (and ``trace`` when there is one)."""
    keys = [OBJECT_ID] + ([TRACE] if TRACE in pairs.columns else [])
    if isinstance(pairs, WithinPairs):
        return pairs.key_codes(keys)
    return key_codes(pairs, keys)


def _unordered_pair_keys(a: np.ndarray, b: np.ndarray, obj: np.ndarray,
                         both: np.ndarray) -> np.ndarray:
    """One key per row of ``both`` for (the two accounts in either order, the object).

    Equal keys for equal combinations (all that is read of them); built in place when
    every row is kept and the key cannot overflow.
    """
    if both.all() and len(a):
        n_ids, n_obj = int(max(a.max(), b.max())) + 1, int(obj.max()) + 1
        if n_ids * n_ids * n_obj < 2 ** 62:
            key = np.minimum(a, b)
            key *= n_ids
            key += np.maximum(a, b)
            key *= n_obj
            key += obj
            return key
    lo, hi = np.minimum(a[both], b[both]), np.maximum(a[both], b[both])
    return combine_keys(combine_keys(lo, hi), obj[both])


#: Rows per slice in the steps that walk over the pairs in slices (bounded temporaries).
_SLICE = 1 << 20


def _first_co_actions(a: np.ndarray, b: np.ndarray, obj: np.ndarray) -> np.ndarray:
    """Rows (ascending) where two accounts first co-act on an object, in either order.

    Rows with a missing code are left out. The rows are taken a share of the objects at
    a time (a pair's rows on one object all fall in the same share), so that the keys
    and their sort never span every row at once.
    """
    both = (a >= 0) & (b >= 0) & (obj >= 0)
    n = len(a)
    if n <= _SLICE or not both.all():
        return np.flatnonzero(both)[first_occurrences(_unordered_pair_keys(a, b, obj, both))]
    n_shares = -(-n // _SLICE)
    share = np.empty(n, dtype=np.int32)
    for start in range(0, n, _SLICE):
        share[start:start + _SLICE] = obj[start:start + _SLICE] % n_shares
    found = []
    for k in range(n_shares):
        rows = np.flatnonzero(share == k)
        keys = _unordered_pair_keys(a[rows], b[rows], obj[rows], np.ones(len(rows), dtype=bool))
        found.append(rows[first_occurrences(keys)])
    first = np.concatenate(found)
    first.sort()
    return first


def _place_groups(a: np.ndarray, b: np.ndarray,
                  obj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group of each row's leader and follower on its object (-1 where a code is missing).

    Groups are the distinct (account, object) combinations over the leader rows then the
    follower rows, numbered in order of first appearance (as ``pd.factorize`` numbers the
    two sides put end to end). When every code is present the keys are made and looked
    up a slice of rows at a time, never for every row at once.
    """
    n = len(a)
    lead_ok, follow_ok = (a >= 0) & (obj >= 0), (b >= 0) & (obj >= 0)
    n_obj = int(obj.max()) + 1 if n else 1
    n_ids = int(max(a.max(), b.max())) + 1 if n else 1
    if lead_ok.all() and follow_ok.all() and n_ids * n_obj < 2 ** 62:
        def keys(side: np.ndarray, start: int) -> np.ndarray:
            key = side[start:start + _SLICE] * n_obj
            key += obj[start:start + _SLICE]
            return key

        # each slice's keys in order of first appearance, then the first of those overall:
        # the order of first appearance over all the rows
        seen = []
        for side in (a, b):
            for start in range(0, n, _SLICE):
                key = keys(side, start)
                seen.append(key[~pd.Series(key, copy=False).duplicated().to_numpy()])
        seen = np.concatenate(seen)
        index = pd.Index(seen[~pd.Series(seen, copy=False).duplicated().to_numpy()])
        del seen
        dtype = np.int32 if len(index) < 2 ** 31 else np.int64
        lead_group, follow_group = np.empty(n, dtype=dtype), np.empty(n, dtype=dtype)
        for side, group in ((a, lead_group), (b, follow_group)):
            for start in range(0, n, _SLICE):
                group[start:start + _SLICE] = index.get_indexer(keys(side, start))
        return lead_group, follow_group
    me = np.concatenate([a, b])
    valid = np.concatenate([lead_ok, follow_ok])
    group = np.full(2 * n, -1, dtype=np.int64)
    group[valid] = first_seen_codes(combine_keys(me[valid], np.concatenate([obj, obj])[valid]))
    return group[:n], group[n:]


def leader_table(pairs: pd.DataFrame | WithinPairs, *, codes: Codes | None = None,
                 counts: PairCounts | None = None) -> pd.DataFrame:
    """Per-account leader statistics over co-action pairs.

    For each account and each object it co-acted on (per trace when a ``trace`` column is
    present), the account has ``m - 1`` co-participants in the pairs; ``L`` of them acted
    after it. Were the order within each object random, ``L`` would be uniform on
    ``0..m-1`` (mean ``(m-1)/2``, variance ``(m^2-1)/12``). Summing over objects gives a
    z-score (with continuity correction) and a one-sided p-value for "acts first more often
    than chance" (a Wilcoxon-type rank statistic; the normal approximation is conservative
    enough for ranking but not exact for accounts with few co-actions).

    Parameters
    ----------
    pairs : DataFrame or WithinPairs
        Co-action rows ``account_id`` (earlier), ``account_id_y`` (later), ``time_delta``,
        ``object_id`` and optionally ``trace``.
    codes : Codes, optional
        Account codes of ``pairs`` (as :func:`within_clusters` returns them).
    counts : PairCounts, optional
        :func:`pair_counts` of ``pairs``, when already computed.

    Returns
    -------
    DataFrame
        ``account_id, n_lead, n_follow, n_followers`` (distinct accounts it led),
        ``leader_share`` (n_lead / (n_lead + n_follow)), ``median_lead_lag_s`` (median
        seconds by which its followers trailed it), ``lead_z, lead_p_value,
        lead_q_value`` (Benjamini-Hochberg over accounts). Sorted by ``lead_z``
        descending, then ``account_id``.

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics Bulletin*
    1(6), 80-83.
    """
    if pairs.empty:
        return pd.DataFrame(columns=LEAD_LAG_COLUMNS)
    if counts is not None:
        codes = counts.codes
    codes = _codes(pairs, codes)
    a, b = codes.columns
    n_ids = len(codes)
    obj = _object_codes(pairs)
    # co-participants of an account on an object: the distinct accounts it shares a pair
    # with there, whichever acted first, so each unordered pair counts once per object
    # (found first: the groups below need not be held meanwhile)
    first = _first_co_actions(a, b, obj)
    # every pair seen from both sides (the earlier account leads, the later one follows):
    # one group per (account, object[, trace]), numbered in order of first appearance, the
    # order in which the float sums below add up, as in a pandas groupby
    lead_group, follow_group = _place_groups(a, b, obj)
    del obj
    n_groups = int(max(lead_group.max(), follow_group.max())) + 1
    led_here, followed_here = lead_group >= 0, follow_group >= 0
    leads = np.bincount(lead_group[led_here], minlength=n_groups)
    m = (np.bincount(lead_group[first], minlength=n_groups)
         + np.bincount(follow_group[first[a[first] != b[first]]], minlength=n_groups)
         + 1)   # co-participants + itself
    owner = np.empty(n_groups, dtype=np.int64)
    owner[lead_group[led_here]] = a[led_here]
    owner[follow_group[followed_here]] = b[followed_here]
    del lead_group, follow_group, led_here, followed_here
    mean = (m - 1) / 2.0
    var = (m ** 2 - 1) / 12.0
    accounts = np.unique(owner)
    big_l = np.bincount(owner, weights=leads)[accounts].astype(np.int64)
    mu = np.bincount(owner, weights=mean)[accounts]   # halves: exact in any order
    # labels as groupby(owner, sort=True) gives them (see code_grouper)
    v = (pd.Series(var).groupby(code_grouper(np.searchsorted(accounts, owner), len(accounts)),
                                observed=False).sum().to_numpy())
    n_lead = np.bincount(a[a >= 0], minlength=n_ids)[accounts]
    n_follow = np.bincount(b[b >= 0], minlength=n_ids)[accounts]
    led = a >= 0
    if counts is None:
        counts = pair_counts(pairs, codes=codes)
    followers = np.bincount(counts.leader, minlength=n_ids)[accounts]   # distinct pairs
    delta = _time_delta(pairs)
    lag = (group_medians(delta, a, n_ids) if led.all()
           else group_medians(delta[led], a[led], n_ids))[accounts]
    del delta
    diff = big_l - mu
    z = np.sign(diff) * np.maximum(np.abs(diff) - 0.5, 0) / np.sqrt(np.clip(v, 1e-12, None))
    out = pd.DataFrame({
        ACCOUNT_ID: codes.objects(accounts),
        N_LEAD: n_lead.astype(np.int64),
        N_FOLLOW: n_follow.astype(np.int64),
        N_FOLLOWERS: followers.astype(np.int64),
        MEDIAN_LAG: lag,
        LEAD_Z: z.astype(float),
    })
    out[LEADER_SHARE] = out[N_LEAD] / (out[N_LEAD] + out[N_FOLLOW])
    # the upper normal tail, as scipy.stats.norm.sf computes it (without importing it)
    out[LEAD_P] = special.ndtr(-out[LEAD_Z].to_numpy())
    out[LEAD_Q] = qvalues(out[LEAD_P].to_numpy())
    out = out.sort_values([LEAD_Z, ACCOUNT_ID], ascending=[False, True], kind="stable")
    return out[LEAD_LAG_COLUMNS].reset_index(drop=True)
