"""Column names and table specifications: the ground floor of netlib.

Every other module takes its column names from here (the data model itself, the validated
:class:`~netlib.dataset.Dataset`, lives in :mod:`netlib.dataset`).

The interchange format
----------------------
A folder holding ``accounts.csv``, ``actions.csv`` and optionally
``follows.csv`` (or the same names with ``.parquet``):

* accounts: ``account_id, platform, handle`` required; ``display_name,
  created_at, bio, url, profile_image_hash, followers_count, status,
  suspended_at, location, language`` optional.
* actions: ``action_id, account_id, timestamp, kind`` required; ``platform,
  object_id, text, urls, hashtags, media_hashes`` optional.
* follows: ``source_id, target_id``.

Unknown extra columns are kept unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    # column names
    "ACCOUNT_ID", "PLATFORM", "HANDLE", "HANDLE_NORM", "DISPLAY_NAME", "CREATED_AT", "BIO",
    "URL", "PROFILE_IMAGE_HASH", "FOLLOWERS_COUNT", "STATUS", "SUSPENDED_AT", "LOCATION",
    "LANGUAGE", "ACTION_ID", "TIMESTAMP", "KIND", "OBJECT_ID", "TEXT", "URLS", "HASHTAGS",
    "MEDIA_HASHES", "DOMAINS", "SOURCE_ID", "TARGET_ID",
    "KINDS", "STATUSES", "TableSpec", "ACCOUNTS", "ACTIONS", "FOLLOWS", "TABLES",
    # result columns
    "CLUSTER_ID", "ACCOUNT_ID_Y", "CONTENT_ID", "CONTENT_ID_Y", "TIME_DELTA", "TRACE", "WEIGHT",
    "P_VALUE", "Q_VALUE", "N_ACCOUNTS", "PREDECESSOR_ID", "SUCCESSOR_ID", "SCORE", "ACCEPTED",
    "BLOCKS", "TAKEN_DOWN_AT", "CHAIN_ID", "POSITION", "HUB_SCORE", "RANK", "TOP_SIGNAL",
    "COORDINATED", "N_LEAD", "LEADER_SHARE", "AMPLIFIER_ID", "AMPLIFIED_ID",
    "AMPLIFICATION_PAGERANK", "ORIGINATOR_INDEX", "BETWEENNESS", "LINEAGE_LENGTH", "LINEAGE_HEAD",
    "EVIDENCE", "UTC_OFFSET", "TZ_LOW", "TZ_HIGH", "STATEMENT", "FOUND", "MATCHED_ACCOUNT_IDS",
    "MATCHED_HANDLES", "MIRROR_OF", "SUCCESSORS", "HUB_RANK", "CATEGORY", "PRIORITY",
]

# --- column names ------------------------------------------------------------------------------
ACCOUNT_ID = "account_id"
PLATFORM = "platform"
HANDLE = "handle"
HANDLE_NORM = "handle_norm"  # derived: normalised for matching; `handle` keeps the original
DISPLAY_NAME = "display_name"
CREATED_AT = "created_at"
BIO = "bio"
URL = "url"
PROFILE_IMAGE_HASH = "profile_image_hash"
FOLLOWERS_COUNT = "followers_count"
STATUS = "status"
SUSPENDED_AT = "suspended_at"
LOCATION = "location"
LANGUAGE = "language"

ACTION_ID = "action_id"
TIMESTAMP = "timestamp"
KIND = "kind"
OBJECT_ID = "object_id"
TEXT = "text"
URLS = "urls"
HASHTAGS = "hashtags"
MEDIA_HASHES = "media_hashes"
#: Optional extra action column: space-separated website domains a post shared, when the
#: data give them apart from the links (CooRTweet's multi-modal ``domain_id``).
DOMAINS = "domains"

SOURCE_ID = "source_id"
TARGET_ID = "target_id"

KINDS = ("post", "repost", "reply", "quote", "forward")
STATUSES = ("active", "suspended", "deleted")

# --- result columns ----------------------------------------------------------------------------
# Columns of the analysis results, defined once for the modules that write them (coordination,
# mirrors, hubs, triage) and those that read them (plots, report).

# coordination: pairs, significant ties, clusters
CLUSTER_ID = "cluster_id"
ACCOUNT_ID_Y = "account_id_y"        # the second account of a pair
CONTENT_ID = "content_id"            # the action behind a co-action, and its partner's
CONTENT_ID_Y = "content_id_y"
TIME_DELTA = "time_delta"
TRACE = "trace"                      # kind of shared behaviour (repost, hashtag, link...)
WEIGHT = "weight"
P_VALUE = "p_value"
Q_VALUE = "q_value"
N_ACCOUNTS = "n_accounts"

# mirrors: successor candidates, links, chains
PREDECESSOR_ID = "predecessor_id"
SUCCESSOR_ID = "successor_id"
SCORE = "score"
ACCEPTED = "accepted"
BLOCKS = "blocks"
TAKEN_DOWN_AT = "taken_down_at"
CHAIN_ID = "chain_id"
POSITION = "position"

# hubs: operator candidates and their signals
HUB_SCORE = "hub_score"
RANK = "rank"
TOP_SIGNAL = "top_signal"
COORDINATED = "coordinated"
N_LEAD = "n_lead"
LEADER_SHARE = "leader_share"
AMPLIFIER_ID = "amplifier_id"
AMPLIFIED_ID = "amplified_id"
AMPLIFICATION_PAGERANK = "amplification_pagerank"
ORIGINATOR_INDEX = "originator_index"
BETWEENNESS = "betweenness"
LINEAGE_LENGTH = "lineage_length"
LINEAGE_HEAD = "lineage_head"
EVIDENCE = "evidence"

# time zones
UTC_OFFSET = "utc_offset_hours"
TZ_LOW = "low"                       # uncertainty band of the offset
TZ_HIGH = "high"
STATEMENT = "statement"

# triage (one row per watch-list entry)
FOUND = "found"
MATCHED_ACCOUNT_IDS = "matched_account_ids"
MATCHED_HANDLES = "matched_handles"
MIRROR_OF = "mirror_of"
SUCCESSORS = "successors"
HUB_RANK = "hub_rank"
CATEGORY = "category"
PRIORITY = "priority"

@dataclass(frozen=True)
class TableSpec:
    """What one table of the interchange format holds."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: str | None = None
    time_columns: tuple[str, ...] = ()
    list_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


ACCOUNTS = TableSpec(
    "accounts",
    required=(ACCOUNT_ID, PLATFORM, HANDLE),
    optional=(DISPLAY_NAME, CREATED_AT, BIO, URL, PROFILE_IMAGE_HASH, FOLLOWERS_COUNT, STATUS,
              SUSPENDED_AT, LOCATION, LANGUAGE),
    key=ACCOUNT_ID,
    time_columns=(CREATED_AT, SUSPENDED_AT),
)
ACTIONS = TableSpec(
    "actions",
    required=(ACTION_ID, ACCOUNT_ID, TIMESTAMP, KIND),
    optional=(PLATFORM, OBJECT_ID, TEXT, URLS, HASHTAGS, MEDIA_HASHES),
    key=ACTION_ID,
    time_columns=(TIMESTAMP,),
    list_columns=(URLS, HASHTAGS, MEDIA_HASHES),
)
FOLLOWS = TableSpec("follows", required=(SOURCE_ID, TARGET_ID), optional=())
TABLES = {spec.name: spec for spec in (ACCOUNTS, ACTIONS, FOLLOWS)}
