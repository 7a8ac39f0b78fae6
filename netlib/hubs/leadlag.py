"""Lead-lag: who acts first within coordinated co-actions, and who follows.

A co-action pair says that account ``account_id`` acted on an object and
``account_id_y`` acted on the same object within the window, later. Counting, per
account, how many co-participants acted after it (leads) and before it (follows) gives a
leader share; a rank test against random order within each object gives a p-value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    CLUSTER_ID,
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
from netlib.schema import ACCOUNT_ID, OBJECT_ID
from netlib.stats import qvalues

__all__ = ["lead_lag", "leader_table", "coordinated_pairs"]

LEAD_LAG_COLUMNS = [ACCOUNT_ID, N_LEAD, N_FOLLOW, N_FOLLOWERS, LEADER_SHARE, MEDIAN_LAG,
                    LEAD_Z, LEAD_P, LEAD_Q]


def coordinated_pairs(pairs: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Keep pairs whose two accounts lie in the same cluster, with that ``cluster_id``."""
    member = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[CLUSTER_ID]
    left = pairs[ACCOUNT_ID].map(member)
    right = pairs[ACCOUNT_ID_Y].map(member)
    keep = left.notna() & (left == right) & (pairs[ACCOUNT_ID] != pairs[ACCOUNT_ID_Y])
    out = pairs.loc[keep].copy()
    out[CLUSTER_ID] = left[keep].to_numpy()
    return out


def lead_lag(pairs: pd.DataFrame) -> pd.DataFrame:
    """Directed lead-lag counts: one row per ordered (leader, follower) account pair.

    Parameters
    ----------
    pairs : DataFrame
        Co-action rows ``account_id`` (earlier), ``account_id_y`` (later), ``time_delta``
        (seconds), ``object_id``.

    Returns
    -------
    DataFrame
        ``account_id`` (leader), ``account_id_y`` (follower), ``n_lead`` (co-actions in
        which the leader acted first), ``median_lead_lag_s``.
    """
    if pairs.empty:
        return pd.DataFrame(columns=[ACCOUNT_ID, ACCOUNT_ID_Y, N_LEAD, MEDIAN_LAG])
    grouped = pairs.groupby([ACCOUNT_ID, ACCOUNT_ID_Y], sort=True)[TIME_DELTA]
    out = grouped.agg(["size", "median"]).reset_index()
    out.columns = [ACCOUNT_ID, ACCOUNT_ID_Y, N_LEAD, MEDIAN_LAG]
    out[N_LEAD] = out[N_LEAD].astype("int64")
    return out.sort_values([N_LEAD, ACCOUNT_ID, ACCOUNT_ID_Y], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def leader_table(pairs: pd.DataFrame) -> pd.DataFrame:
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
    pairs : DataFrame
        Co-action rows ``account_id`` (earlier), ``account_id_y`` (later), ``time_delta``,
        ``object_id`` and optionally ``trace``.

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
    keys = [OBJECT_ID] + ([TRACE] if TRACE in pairs.columns else [])
    base = pairs[[ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA] + keys]
    lead = base.rename(columns={ACCOUNT_ID: "_me", ACCOUNT_ID_Y: "_other"}).assign(_lead=1)
    follow = base.rename(columns={ACCOUNT_ID_Y: "_me", ACCOUNT_ID: "_other"}).assign(_lead=0)
    both = pd.concat([lead, follow], ignore_index=True)
    # one row per (account, object): leads and co-participants there
    per_obj = both.groupby(["_me"] + keys, sort=False).agg(
        _leads=("_lead", "sum"), _m=("_other", "nunique"))
    per_obj["_m"] = per_obj["_m"] + 1
    per_obj["_mean"] = (per_obj["_m"] - 1) / 2.0
    per_obj["_var"] = (per_obj["_m"] ** 2 - 1) / 12.0
    acc = per_obj.groupby(level="_me").agg(_L=("_leads", "sum"), _mu=("_mean", "sum"),
                                           _v=("_var", "sum"))
    counts = both.groupby("_me")["_lead"].agg(["sum", "size"])
    n_lead = counts["sum"].astype("int64")
    n_follow = (counts["size"] - counts["sum"]).astype("int64")
    followers = lead.groupby("_me")["_other"].nunique()
    lag = lead.groupby("_me")[TIME_DELTA].median()
    diff = acc["_L"] - acc["_mu"]
    z = np.sign(diff) * np.maximum(np.abs(diff) - 0.5, 0) / np.sqrt(acc["_v"].clip(lower=1e-12))
    out = pd.DataFrame({
        ACCOUNT_ID: acc.index.astype(object),
        N_LEAD: n_lead.reindex(acc.index).to_numpy(),
        N_FOLLOW: n_follow.reindex(acc.index).to_numpy(),
        N_FOLLOWERS: followers.reindex(acc.index).fillna(0).astype("int64").to_numpy(),
        MEDIAN_LAG: lag.reindex(acc.index).to_numpy(dtype=float),
        LEAD_Z: z.to_numpy(dtype=float),
    })
    out[LEADER_SHARE] = out[N_LEAD] / (out[N_LEAD] + out[N_FOLLOW])
    out[LEAD_P] = stats.norm.sf(out[LEAD_Z].to_numpy())
    out[LEAD_Q] = qvalues(out[LEAD_P].to_numpy())
    out = out.sort_values([LEAD_Z, ACCOUNT_ID], ascending=[False, True], kind="stable")
    return out[LEAD_LAG_COLUMNS].reset_index(drop=True)
