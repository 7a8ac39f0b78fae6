"""Column names of the mirror tables (shared by every mirrors submodule).

Columns that other modules read too are defined in :mod:`netlib.schema` and re-exported here.
"""

from netlib.schema import (  # noqa: F401  (re-exported for the mirrors modules)
    ACCEPTED,
    BLOCKS,
    CHAIN_ID,
    CLUSTER_ID,
    N_ACCOUNTS,
    POSITION,
    PREDECESSOR_ID,
    RANK,
    SCORE,
    SUCCESSOR_ID,
    TAKEN_DOWN_AT,
)

SUCCESSOR_PLATFORM = "successor_platform"
PREDECESSOR_PLATFORM = "predecessor_platform"
TAKEDOWN_SOURCE = "takedown_source"
FIRST_SEEN = "first_seen"
LAST_SEEN = "last_seen"
GAP_HOURS = "gap_hours"

LINK_SCORE = "link_score"
CONFIDENCE = "confidence"
CHAIN_CONFIDENCE = "chain_confidence"
N_GENERATIONS = "n_generations"

# signal (evidence) columns, one per pair signal
HANDLE_SIM = "handle_sim"
HANDLE_EDIT_SIM = "handle_edit_sim"
DISPLAY_SIM = "display_sim"
NAME_SIM = "name_sim"
NAME_COUNT = "name_count"
NAME_RARITY = "name_rarity"
AVATAR_DISTANCE = "avatar_distance"
AVATAR_SIM = "avatar_sim"
BIO_SIM = "bio_sim"
SHARED_LINKS = "shared_links"
AUDIENCE_OVERLAP = "audience_overlap"
FOLLOWEE_OVERLAP = "followee_overlap"
SAME_CLUSTER = "same_cluster"
RHYTHM_SIM = "rhythm_sim"
ANNOUNCES = "announces"
MENTIONS_OLD = "mentions_old"
SAME_PLATFORM = "same_platform"
SAME_HANDLE = "same_handle"

SIGNALS = (HANDLE_SIM, HANDLE_EDIT_SIM, DISPLAY_SIM, NAME_SIM, NAME_COUNT, NAME_RARITY, AVATAR_DISTANCE,
           AVATAR_SIM, BIO_SIM, SHARED_LINKS, AUDIENCE_OVERLAP, FOLLOWEE_OVERLAP, SAME_CLUSTER, RHYTHM_SIM,
           GAP_HOURS, ANNOUNCES, MENTIONS_OLD, SAME_PLATFORM, SAME_HANDLE)
