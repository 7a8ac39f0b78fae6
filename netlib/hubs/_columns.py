"""Column names used by the hub analyses.

Columns that other modules read too (the coordination inputs ``cluster_id``, ``account_id_y``,
``time_delta``, ``trace`` and the shared hub outputs) are defined in :mod:`netlib.schema` and
re-exported here; the rest are specific to :mod:`netlib.hubs`.
"""

from __future__ import annotations

from netlib.schema import (  # noqa: F401  (re-exported for the hubs modules)
    ACCOUNT_ID_Y,
    AMPLIFICATION_PAGERANK,
    AMPLIFIED_ID,
    AMPLIFIER_ID,
    BETWEENNESS,
    CHAIN_ID,
    CLUSTER_ID,
    COORDINATED,
    EVIDENCE,
    HUB_SCORE,
    LEADER_SHARE,
    LINEAGE_HEAD,
    LINEAGE_LENGTH,
    N_ACCOUNTS,
    N_LEAD,
    ORIGINATOR_INDEX,
    POSITION,
    RANK,
    STATEMENT,
    TIME_DELTA,
    TOP_SIGNAL,
    TRACE,
    TZ_HIGH,
    TZ_LOW,
    UTC_OFFSET,
    WEIGHT,
)

# --- lead-lag --------------------------------------------------------------------------------
N_FOLLOW = "n_follow"
LEAD_Z = "lead_z"
LEAD_P = "lead_p_value"
LEAD_Q = "lead_q_value"
MEDIAN_LAG = "median_lead_lag_s"
N_FOLLOWERS = "n_followers"

# --- amplification / bridging ----------------------------------------------------------------
PAGERANK = AMPLIFICATION_PAGERANK
AMPLIFIED_BY = "amplified_by"
NETWORK_SHARE = "network_share"
PARTICIPATION = "participation"
STRENGTH = "coordination_strength"

# --- operator groups -------------------------------------------------------------------------
GROUP_ID = "group_id"
DETAIL = "detail"

# --- time zones ------------------------------------------------------------------------------
LOW = TZ_LOW
HIGH = TZ_HIGH
PATTERN = "pattern"
REFERENCE = "reference"
BACKGROUND = "background_share"
N_ACTIONS = "n_actions"
N_DAYS = "n_days"
FIT = "fit_correlation"
