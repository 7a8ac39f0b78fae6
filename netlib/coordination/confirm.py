"""Discover candidate groups on one half of the objects, confirm them on the other half.

A group found by searching a network for dense, surprising regions always looks
surprising on the data it was found in (the winner's curse). So the data are split into
two halves and groups discovered on one half are tested only on the other, and the other
way round. A group is confirmed when its members co-act on the held-out half more than the
null model expects (pooled over all member pairs, including pairs that never co-acted),
and each member is confirmed when its own pooled co-actions with the rest of the group
exceed the null expectation there too.

How the halves are made
-----------------------
The split is by **object**: each shared object (a reposted post, a link, a text group...),
with all its actions in one time bin of the null model (``null_bin``, two hours by
default), goes to one half, chosen by a seeded hash of ``(trace, object_id, bin)``
(:func:`object_half`). A campaign active for one morning on forty objects has about twenty
objects on each side, so it can be discovered on one half and confirmed on the other. An
earlier split by day parity put a one-day burst entirely on one side, where it could be
discovered but never tested. The bin is part of the unit because some objects recur all
the time (a campaign's hashtag, a near-duplicate text group): hashed whole they would sit
on one side with every co-use, and the held-out side could not see them at all; per bin,
their uses are spread over both sides bin by bin. A co-action is placed by its first
action; one whose second action falls in the next bin (within ``window`` of a bin edge)
is the only thing the split can cut.

Why this is a valid held-out test: the null model of
:mod:`netlib.coordination.significance` shuffles which object each action in a time bin
went to (per trace and bin). Taken conditionally on which (object, bin) units fall in each
half, it shuffles each half's objects among that half's actions, and the two halves'
shuffles are independent. So the null's same-object probabilities ``s_h`` and the action
pairs within the window are recomputed on each half's own rows (:func:`half_bins`), and the
held-out count of a group does not depend on the half it was discovered on. Where the
null cuts a dense bin into shorter parts (``null_bin_actions``), each half's bins are cut
into the same parts as the whole data's, and the argument holds part by part: the
unit's half is fixed by its object and bin, whatever part an action of it falls in. This is sample
splitting over independent units (Cox 1975), the units being (object, bin); thinning single
co-action events at random (Neufeld et al. 2024) would also keep a burst on both sides, but
the co-actions on one object are not independent Poisson counts (one object shared by k
accounts gives k(k-1)/2 correlated pairs), so an object's actions in a bin stay together.

References
----------
Cox, D. R. (1975). A note on data-splitting for the evaluation of significance levels.
Biometrika, 62(2), 441-444.
Neufeld, A., Dharamshi, A., Gao, L. L., & Witten, D. (2024). Data thinning for
convolution-closed distributions. JMLR, 25(57), 1-35.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netlib.coaction.actions import positions
from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.coordination._groups import linked_groups
from netlib.coordination.config import CoordinationConfig
from netlib.memory import release_memory
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y, OBJECT_ID, TIMESTAMP, TRACE

__all__ = ["object_half", "half_bins", "half_rows", "object_halves", "ObjectHalves",
           "split_half_groups",
           "GROUP_COLUMNS", "MEMBER_COLUMNS", "HALF"]

HALF = "half"

#: Columns of the groups table of :func:`split_half_groups` (``result.validation``).
GROUP_COLUMNS = ["direction", "group", "size", "observed", sig.EXPECTED, sig.P_VALUE, "ratio"]
#: Columns of its members table (``result.validation_members``).
MEMBER_COLUMNS = ["direction", "group", ACCOUNT_ID, "observed", sig.EXPECTED, sig.P_VALUE,
                  "ratio"]
_DTYPES = {"direction": int, "group": int, "size": int, ACCOUNT_ID: object}


def _empty(columns: list[str]) -> pd.DataFrame:
    """A table with no rows but every column (ids as objects, counts as numbers)."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, float)) for c in columns})


def object_half(frame: pd.DataFrame, *, seed: int = 0, bin_seconds: float = 7200,
                codes: nw.PairCodes | None = None) -> np.ndarray:
    """0 or 1 for each row, by a seeded hash of its ``(trace, object_id, null bin)``.

    Every action on one object within one null bin (and every co-action that starts
    there) falls in the same half; which half depends only on the object, the bin and the
    seed, so a one-day burst on many objects lands on both sides, and an object used
    again and again (a campaign hashtag) is spread over both sides bin by bin. ``codes``
    (:func:`~netlib.coordination.network.pair_codes` of a co-action ``frame``) saves
    coding its traces and objects again.

    Examples
    --------
    >>> frame = pd.DataFrame({"trace": "repost", "object_id": ["x", "y", "x"],
    ...                       "timestamp": pd.to_datetime(["2025-01-01"] * 3, utc=True)})
    >>> half = object_half(frame)
    >>> bool(half[0] == half[2]), set(half.tolist()) <= {0, 1}
    (True, True)
    """
    if len(frame) == 0:
        return np.zeros(0, dtype=int)
    key = f"netlib{int(seed) % 10**10:010d}"  # hash_pandas_object wants a 16-character key
    stamps = pd.to_datetime(frame[TIMESTAMP], utc=True).dt.as_unit("ns").astype("int64")
    bins = stamps.to_numpy() // (int(bin_seconds) * 10**9)
    # hash each distinct (trace, object, bin) once: a unit holds many rows (all the
    # co-actions on one object in one bin), and the hash of a row depends on its values only
    if codes is not None:
        trace, traces = codes.trace.astype(np.int64), codes.traces.astype(str)
        obj, objects = codes.obj.astype(np.int64), codes.objects.astype(str)
    else:
        trace, traces = pd.factorize(frame[TRACE].astype(str))
        obj, objects = pd.factorize(frame[OBJECT_ID].astype(str))
    unit = (trace.astype(np.int64) * (len(objects) + 1) + obj) * (int(bins.max() - bins.min())
                                                                   + 1) + (bins - bins.min())
    # numbered by hashing, in order of first appearance (each unit's hash is the same in
    # any order)
    inverse, _ = pd.factorize(unit)
    first_row = np.flatnonzero(~pd.Series(inverse).duplicated().to_numpy())
    keys = pd.DataFrame({TRACE: np.asarray(traces, dtype=object)[trace[first_row]],
                         OBJECT_ID: np.asarray(objects, dtype=object)[obj[first_row]],
                         "bin": bins[first_row]})
    hashed = pd.util.hash_pandas_object(keys, index=False, hash_key=key).to_numpy()
    return ((hashed[inverse.ravel()] >> np.uint64(17)) & np.uint64(1)).astype(int)


def half_bins(table: pd.DataFrame, *, bin_seconds: float,
              parts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The null's per-(trace, bin) same-object probability computed on one half's rows.

    Under the null, objects are shuffled among the actions of a bin; within a half only
    that half's objects and actions take part, so ``s_h`` must be recomputed there (the
    full data's ``s_h`` would mix in the other half's objects). ``parts``: the whole
    data's bin table; where it cut dense bins into parts, the half's bins are cut the
    same way (the null shuffles within those parts).
    """
    return sig.bin_table(table, bin_seconds=bin_seconds, parts=parts)


@dataclass
class ObjectHalves:
    """The split of a trace table into halves, and (optionally) each edge's expectations.

    ``row_half`` is :func:`object_half` of every trace row and ``bins`` the
    :func:`half_bins` of each half. ``edge_keys`` (sorted ``first * len(ids) + second``
    codes of :func:`~netlib.coordination.network.pair_codes`) with ``expected`` (one array
    per half, aligned with the keys) are each edge's null expectation on each half's rows,
    when they were computed together with the whole table's
    (:func:`~netlib.coordination.significance.expected_coactions_split`); the halves'
    edges are among them, so :func:`split_half_groups` reads theirs instead of joining
    each half's actions again.
    """

    row_half: np.ndarray
    bins: tuple[pd.DataFrame, pd.DataFrame]
    edge_keys: np.ndarray | None = None
    expected: tuple[np.ndarray, np.ndarray] | None = None

    def expected_of(self, h: int, keys: np.ndarray) -> np.ndarray | None:
        """Half ``h``'s expectation of the edges ``keys`` (None: not all of them known)."""
        if self.edge_keys is None or self.expected is None or not len(self.edge_keys):
            return None
        at = np.minimum(np.searchsorted(self.edge_keys, keys), len(self.edge_keys) - 1)
        if not np.array_equal(self.edge_keys[at], keys):
            return None
        return self.expected[h][at]


def object_halves(table: pd.DataFrame, *, seed: int = 0, bin_seconds: float = 7200,
                  parts: pd.DataFrame | None = None) -> ObjectHalves:
    """:func:`object_half` of every row of the trace ``table`` and each half's bins
    (``parts``: the whole table's bins, see :func:`half_bins`)."""
    row_half = object_half(table, seed=seed, bin_seconds=bin_seconds)
    bins = tuple(half_bins(half_rows(table, row_half, h), bin_seconds=bin_seconds,
                           parts=parts)
                 for h in (0, 1))
    return ObjectHalves(row_half=row_half, bins=bins)


def half_rows(table: pd.DataFrame, row_half: np.ndarray, h: int) -> pd.DataFrame:
    """The rows of half ``h`` of the trace ``table``, with the columns the null model reads
    only (each half copies these, not the whole table)."""
    columns = [c for c in (TRACE, ACCOUNT_ID, OBJECT_ID, TIMESTAMP) if c in table.columns]
    return table.loc[row_half == h, columns]


@dataclass
class _Half:
    """One half's tested edges, as much as the split-half steps read of them.

    ``key`` (sorted) and ``weight`` of every edge, as
    :func:`~netlib.coordination.network.edge_weights` gives them, and the ``strong`` edges
    (``account_id, account_id_y, weight``, indexed by their row in the half's edge table)
    used for discovery.
    """

    key: np.ndarray
    weight: np.ndarray
    strong: pd.DataFrame


def _tested_half(codes: nw.PairCodes, rows: np.ndarray, table: pd.DataFrame,
                 bins: pd.DataFrame, *, kappa: dict, config: CoordinationConfig,
                 known: tuple[ObjectHalves, int] | None = None) -> _Half:
    """The edges of one half's co-action ``rows``, tested on its trace rows ``table``.

    The same edges, weights and p-values as ``edge_table(pairs, rows=rows)`` tested with
    :func:`~netlib.coordination.significance.expected_coactions`, kept as integer keys
    plus the strong edges only (tens of millions of edges at scale).
    """
    key, weight = nw.edge_weights(codes, rows)
    n_ids = max(len(codes.ids), 1)
    expected = None if known is None else known[0].expected_of(known[1], key)
    if expected is None:
        # the ends as categories of the sorted ids: the null model codes them without strings
        ends = pd.DataFrame({
            ACCOUNT_ID: pd.Categorical.from_codes(key // n_ids, categories=codes.ids),
            ACCOUNT_ID_Y: pd.Categorical.from_codes(key % n_ids, categories=codes.ids)})
        expected = sig.expected_coactions(ends, table, bins, window=config.window,
                                          bin_seconds=config.null_bin, kappa=kappa,
                                          memory_limit=config.memory_limit,
                                          temp_directory=config.temp_directory)
        del ends
    p_value = sig.poisson_pvalues(weight, expected)
    del expected
    at = np.flatnonzero((p_value <= config.select_p) & (weight >= config.min_weight))
    strong = pd.DataFrame({ACCOUNT_ID: codes.ids[key[at] // n_ids],
                           ACCOUNT_ID_Y: codes.ids[key[at] % n_ids],
                           nw.WEIGHT: weight[at]}, index=at)
    return _Half(key=key, weight=weight, strong=strong)


def _held_within(held: _Half, groups: pd.Series, ids: np.ndarray
                 ) -> tuple[pd.Series, pd.Series]:
    """Held-out co-actions pooled over the member pairs of each group and of each member.

    The weights of the ``held`` half's edges between two members of one group, summed
    per group and per member (pairs without an edge add 0): the sums of the held weights
    of every member pair, without listing the pairs. Integers when every member pair has
    an edge, else floats (as a reindex-then-fill gives them).

    Returns
    -------
    per_group : Series
        Indexed by group (sorted).
    per_member : Series
        Indexed by ``(group, account_id)`` (sorted).
    """
    n_ids = max(len(ids), 1)
    code = positions(pd.Series(groups.index), ids)
    if (code < 0).any():
        raise ValueError("split halves: a group member is not in the co-action rows")
    label = groups.to_numpy(dtype=np.int64)
    group_of = np.full(len(ids) + 1, -1, dtype=np.int64)
    group_of[code] = label
    lo, hi = held.key // n_ids, held.key % n_ids
    inside = np.flatnonzero((group_of[lo] == group_of[hi]) & (group_of[lo] >= 0))
    weight, in_group = held.weight[inside], group_of[lo[inside]]
    sizes = pd.Series(label).value_counts()
    n_pairs = int((sizes * (sizes - 1) // 2).sum())
    kind = np.int64 if len(inside) == n_pairs else float
    labels = np.unique(label)
    # integer weights summed as floats: exact up to 2**53
    per_group = pd.Series(np.bincount(np.searchsorted(labels, in_group),
                                      weights=weight.astype(float), minlength=len(labels)),
                          index=pd.Index(labels, name="group"))
    each = np.bincount(np.concatenate([lo[inside], hi[inside]]),
                       weights=np.concatenate([weight, weight]).astype(float),
                       minlength=len(ids))
    order = np.lexsort((code, label))
    per_member = pd.Series(each[code[order]], index=pd.MultiIndex.from_arrays(
        [label[order], ids[code[order]]], names=["group", ACCOUNT_ID]))
    return per_group.astype(kind), per_member.astype(kind)


def split_half_groups(pairs: pd.DataFrame, table: pd.DataFrame, *, kappa: dict,
                      config: CoordinationConfig, rows: np.ndarray | None = None,
                      codes: nw.PairCodes | None = None, halves: ObjectHalves | None = None,
                      bins: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups discovered on one half of the objects and tested on the other.

    The halves come from :func:`object_half` (seeded by ``config.seed``, units of one object
    in one ``config.null_bin``); in each half the
    null model (same-object probabilities and the action pairs within the window) is
    computed from that half's rows only (:func:`half_bins`). Groups are communities
    (``config.method``) of the edges with ``p <= config.select_p`` and weight
    ``>= config.min_weight`` on the discovery half, joined when linked by
    ``config.merge_links`` edges and kept from ``config.min_cluster_size`` accounts.
    ``rows`` (a boolean mask) restricts the co-action rows used, as ``pairs[rows]`` would,
    without copying them; ``codes`` is :func:`~netlib.coordination.network.pair_codes` of
    ``pairs`` when already made; ``halves`` is :func:`object_halves` of ``table`` made
    with the same seed and bin (with each edge's half expectations when known); when it is
    not given, ``bins`` (the whole table's bin table) says how the halves' bins are cut.

    Returns
    -------
    groups : DataFrame
        One row per (direction, group): ``direction`` (half used for discovery), ``group``,
        ``size``, ``observed``, ``expected`` (held-out co-actions over all member pairs),
        ``p_value``, ``ratio`` (observed / expected). Empty, with these columns, when no
        group was found.
    members : DataFrame
        One row per (direction, group, account): ``observed, expected, p_value`` of the
        account's pooled held-out co-actions with the rest of its group, and ``ratio``.
    """
    window, bin_seconds = config.window, config.null_bin
    codes = codes if codes is not None or pairs.empty else nw.pair_codes(pairs)
    pair_half = object_half(pairs, seed=config.seed, bin_seconds=bin_seconds, codes=codes)
    split = halves if halves is not None else object_halves(
        table, seed=config.seed, bin_seconds=bin_seconds,
        parts=bins if bins is not None else sig.bin_table(
            table, bin_seconds=bin_seconds, dense_actions=config.null_bin_actions))
    halves = {}
    for h in (0, 1):
        sub_table = half_rows(table, split.row_half, h)
        bins = split.bins[h]
        if pairs.empty:
            tested = _Half(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                           pd.DataFrame(columns=[ACCOUNT_ID, ACCOUNT_ID_Y, nw.WEIGHT]))
        else:
            use = pair_half == h if rows is None else rows & (pair_half == h)
            tested = _tested_half(codes, use, sub_table, bins, kappa=kappa, config=config,
                                  known=(split, h))
            del use
        halves[h] = (sub_table, bins, tested)
        release_memory()
    del pair_half, split
    group_rows, member_rows = [], []
    for h in (0, 1):
        strong = halves[h][2].strong
        held_table, held_bins, held_edges = halves[1 - h]
        if strong.empty:
            continue
        core = cl.partition(strong, method=config.method, seed=config.seed,
                            resolution=config.resolution)
        groups = linked_groups(strong, core, config.merge_links)
        groups = groups[groups.map(groups.value_counts()) >= config.min_cluster_size]
        if groups.empty:
            continue
        # every member pair pooled, without listing the pairs (a group of ten thousand
        # accounts has fifty million)
        observed, observed_each = _held_within(held_edges, groups, codes.ids)
        expected, expected_each = sig.expected_within_groups(
            groups, held_table, held_bins, window=window, bin_seconds=bin_seconds,
            kappa=kappa, memory_limit=config.memory_limit,
            temp_directory=config.temp_directory)
        per_group = pd.DataFrame({"observed": observed, sig.EXPECTED: expected})
        per_group["size"] = groups.value_counts().reindex(per_group.index)
        per_group["direction"] = h
        group_rows.append(per_group.reset_index())
        per_member = pd.DataFrame({"observed": observed_each,
                                   sig.EXPECTED: expected_each}).reset_index()
        per_member["direction"] = h
        member_rows.append(per_member)
        release_memory()
    if not group_rows:
        return _empty(GROUP_COLUMNS), _empty(MEMBER_COLUMNS)
    groups = pd.concat(group_rows, ignore_index=True)
    members = pd.concat(member_rows, ignore_index=True)
    for frame in (groups, members):
        frame[sig.P_VALUE] = sig.poisson_pvalues(frame["observed"].to_numpy(),
                                                 frame[sig.EXPECTED].to_numpy())
        frame["ratio"] = frame["observed"] / frame[sig.EXPECTED].where(
            frame[sig.EXPECTED] > 0)
    return groups[GROUP_COLUMNS], members[MEMBER_COLUMNS]
