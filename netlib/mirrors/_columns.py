"""Column names of the mirror tables (shared by every mirrors submodule)."""

PREDECESSOR_ID = "predecessor_id"
SUCCESSOR_ID = "successor_id"
SCORE = "score"
RANK = "rank"
ACCEPTED = "accepted"
BLOCKS = "blocks"
SUCCESSOR_PLATFORM = "successor_platform"
PREDECESSOR_PLATFORM = "predecessor_platform"
TAKEN_DOWN_AT = "taken_down_at"
TAKEDOWN_SOURCE = "takedown_source"
FIRST_SEEN = "first_seen"
LAST_SEEN = "last_seen"
GAP_HOURS = "gap_hours"

CHAIN_ID = "chain_id"
POSITION = "position"
LINK_SCORE = "link_score"
CONFIDENCE = "confidence"
CHAIN_CONFIDENCE = "chain_confidence"
N_GENERATIONS = "n_generations"
N_ACCOUNTS = "n_accounts"

# signal (evidence) columns, one per pair signal
HANDLE_SIM = "handle_sim"
DISPLAY_SIM = "display_sim"
NAME_SIM = "name_sim"
NAME_COUNT = "name_count"
NAME_RARITY = "name_rarity"
AVATAR_DISTANCE = "avatar_distance"
AVATAR_SIM = "avatar_sim"
BIO_SIM = "bio_sim"
SHARED_LINKS = "shared_links"
AUDIENCE_OVERLAP = "audience_overlap"
SAME_CLUSTER = "same_cluster"
RHYTHM_SIM = "rhythm_sim"
ANNOUNCES = "announces"
MENTIONS_OLD = "mentions_old"
SAME_PLATFORM = "same_platform"

SIGNALS = (HANDLE_SIM, DISPLAY_SIM, NAME_SIM, NAME_COUNT, NAME_RARITY, AVATAR_DISTANCE,
           AVATAR_SIM, BIO_SIM, SHARED_LINKS, AUDIENCE_OVERLAP, SAME_CLUSTER, RHYTHM_SIM,
           GAP_HOURS, ANNOUNCES, MENTIONS_OLD, SAME_PLATFORM)
