"""Column names used by the hub analyses beyond those of :mod:`netlib.schema`.

Input columns of the coordination result (``cluster_id``, ``account_id_y``, ``time_delta``,
``trace``) follow the team contract; the rest name the outputs of :mod:`netlib.hubs`.
"""

from __future__ import annotations

# --- inputs from the coordination result -------------------------------------------------------
CLUSTER_ID = "cluster_id"
ACCOUNT_ID_Y = "account_id_y"
TIME_DELTA = "time_delta"
TRACE = "trace"
CHAIN_ID = "chain_id"
POSITION = "position"

# --- lead-lag --------------------------------------------------------------------------------
N_LEAD = "n_lead"
N_FOLLOW = "n_follow"
LEADER_SHARE = "leader_share"
LEAD_Z = "lead_z"
LEAD_P = "lead_p_value"
LEAD_Q = "lead_q_value"
MEDIAN_LAG = "median_lead_lag_s"
N_FOLLOWERS = "n_followers"

# --- amplification / bridging ----------------------------------------------------------------
AMPLIFIER_ID = "amplifier_id"
AMPLIFIED_ID = "amplified_id"
WEIGHT = "weight"
PAGERANK = "amplification_pagerank"
AMPLIFIED_BY = "amplified_by"
NETWORK_SHARE = "network_share"
ORIGINATOR_INDEX = "originator_index"
PARTICIPATION = "participation"
BETWEENNESS = "betweenness"
STRENGTH = "coordination_strength"
LINEAGE_LENGTH = "lineage_length"
LINEAGE_HEAD = "lineage_head"

# --- hubs ------------------------------------------------------------------------------------
HUB_SCORE = "hub_score"
RANK = "rank"
TOP_SIGNAL = "top_signal"
COORDINATED = "coordinated"

# --- operator groups -------------------------------------------------------------------------
GROUP_ID = "group_id"
N_ACCOUNTS = "n_accounts"
EVIDENCE = "evidence"
DETAIL = "detail"

# --- time zones ------------------------------------------------------------------------------
UTC_OFFSET = "utc_offset_hours"
LOW = "low"
HIGH = "high"
PATTERN = "pattern"
REFERENCE = "reference"
BACKGROUND = "background_share"
N_ACTIONS = "n_actions"
N_DAYS = "n_days"
FIT = "fit_correlation"
STATEMENT = "statement"
