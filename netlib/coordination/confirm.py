"""Discover candidate groups on one half of the days, confirm them on the other half.

A group found by searching a network for dense, surprising regions always looks
surprising on the data it was found in (the winner's curse). So the days are split by
parity (hours instead, when the data spans less than four days): groups discovered from the
co-actions of even days are tested only on odd days, and the other way round. A group is confirmed when its members co-act on the held-out
days more than the null model expects (pooled over all member pairs, including pairs that
never co-acted), and each member is confirmed when its own pooled co-actions with the rest
of the group exceed the null expectation there too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.coordination._groups import linked_groups
from netlib.coordination.config import CoordinationConfig
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y, TIMESTAMP

__all__ = ["day_half", "split_unit", "split_half_groups", "GROUP_COLUMNS", "MEMBER_COLUMNS",
           "HALF"]

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


def day_half(ts: pd.Series, *, unit: int = 86400) -> np.ndarray:
    """0 for even ``unit``-long periods since the epoch (UTC days by default), 1 for odd.

    Examples
    --------
    >>> day_half(pd.Series(pd.to_datetime(["1970-01-01", "1970-01-02"], utc=True))).tolist()
    [0, 1]
    """
    days = pd.to_datetime(ts, utc=True).dt.as_unit("ns").astype("int64") // (int(unit) * 10**9)
    return (np.asarray(days) % 2).astype(int)


def split_unit(ts: pd.Series, *, min_days: float = 4.0) -> int:
    """Days (86400 s) when the data spans at least ``min_days``, else hours (3600 s).

    Examples
    --------
    >>> split_unit(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-02"], utc=True)))
    3600
    """
    if len(ts) == 0:
        return 86400
    t = pd.to_datetime(ts, utc=True)
    span = (t.max() - t.min()).total_seconds()
    return 86400 if span >= min_days * 86400 else 3600


def _tested_edges(pairs: pd.DataFrame, table: pd.DataFrame, bins: pd.DataFrame, *,
                  window: float, bin_seconds: float, kappa: dict) -> pd.DataFrame:
    edges = nw.edge_table(pairs)
    edges[sig.EXPECTED] = sig.expected_coactions(edges, table, bins, window=window,
                                                 bin_seconds=bin_seconds, kappa=kappa)
    edges[sig.P_VALUE] = sig.poisson_pvalues(edges[nw.WEIGHT].to_numpy(),
                                             edges[sig.EXPECTED].to_numpy())
    return edges


def _group_pairs(groups: pd.Series) -> pd.DataFrame:
    rows = []
    for gid, members in groups.groupby(groups):
        ids = sorted(members.index)
        rows += [(gid, a, b) for a, b in itertools.combinations(ids, 2)]
    return pd.DataFrame(rows, columns=["group", ACCOUNT_ID, ACCOUNT_ID_Y])


def split_half_groups(pairs: pd.DataFrame, table: pd.DataFrame, bins: pd.DataFrame, *,
                      kappa: dict, config: CoordinationConfig, unit: int = 86400
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups discovered on one half of the days and tested on the other.

    Groups are communities (``config.method``) of the edges with ``p <= config.select_p``
    and weight ``>= config.min_weight`` on the discovery half, joined when linked by
    ``config.merge_links`` edges and kept from ``config.min_cluster_size`` accounts.

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
    pair_half = day_half(pairs[TIMESTAMP], unit=unit) if len(pairs) else np.zeros(0, dtype=int)
    row_half = day_half(table[TIMESTAMP], unit=unit) if len(table) else np.zeros(0, dtype=int)
    halves = {}
    for h in (0, 1):
        sub_pairs = pairs[pair_half == h]
        sub_table = table[row_half == h]
        halves[h] = (sub_pairs, sub_table,
                     _tested_edges(sub_pairs, sub_table, bins, window=window,
                                   bin_seconds=bin_seconds, kappa=kappa))
    group_rows, member_rows = [], []
    for h in (0, 1):
        _, _, found_edges = halves[h]
        held_pairs, held_table, held_edges = halves[1 - h]
        strong = found_edges[(found_edges[sig.P_VALUE] <= config.select_p)
                             & (found_edges[nw.WEIGHT] >= config.min_weight)]
        if strong.empty:
            continue
        core = cl.partition(strong, method=config.method, seed=config.seed,
                            resolution=config.resolution)
        groups = linked_groups(strong, core, config.merge_links)
        groups = groups[groups.map(groups.value_counts()) >= config.min_cluster_size]
        if groups.empty:
            continue
        gp = _group_pairs(groups)
        gp[sig.EXPECTED] = sig.expected_coactions(gp, held_table, bins, window=window,
                                                  bin_seconds=bin_seconds, kappa=kappa)
        observed = held_edges.set_index([ACCOUNT_ID, ACCOUNT_ID_Y])[nw.WEIGHT]
        gp["observed"] = observed.reindex(pd.MultiIndex.from_frame(
            gp[[ACCOUNT_ID, ACCOUNT_ID_Y]])).fillna(0).to_numpy()
        per_group = gp.groupby("group").agg(observed=("observed", "sum"),
                                            expected=(sig.EXPECTED, "sum"))
        per_group["size"] = groups.value_counts().reindex(per_group.index)
        per_group["direction"] = h
        group_rows.append(per_group.reset_index())
        ends = pd.concat([
            gp[["group", ACCOUNT_ID, "observed", sig.EXPECTED]],
            gp[["group", ACCOUNT_ID_Y, "observed", sig.EXPECTED]].rename(
                columns={ACCOUNT_ID_Y: ACCOUNT_ID})])
        per_member = ends.groupby(["group", ACCOUNT_ID]).sum().reset_index()
        per_member["direction"] = h
        member_rows.append(per_member)
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
