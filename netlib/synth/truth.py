"""Column names of the truth tables a scenario carries (``truth/*.csv``).

Shared by the generator, :mod:`netlib.io.scenario` and :mod:`netlib.evaluate`.
"""

from __future__ import annotations

from netlib.schema import KIND, PREDECESSOR_ID, SUCCESSOR_ID, UTC_OFFSET

__all__ = ["NETWORK_ID", "ROLE", "GENERATION", "PREDECESSOR_ID", "SUCCESSOR_ID", "MUTATION",
           "UTC_OFFSET", "CATEGORY", "COMPLAINT_ID", "RECEIVED_AT", "NOTE", "KIND",
           "OPERATOR", "AMPLIFIER", "CATEGORIES", "CAMPAIGN_ID"]

NETWORK_ID = "network_id"
ROLE = "role"
GENERATION = "generation"
MUTATION = "mutation"
CATEGORY = "expected_category"
COMPLAINT_ID = "complaint_id"
RECEIVED_AT = "received_at"
NOTE = "note"
#: Complaints truth: the planted reporting campaign a complaint belongs to ("" for none).
CAMPAIGN_ID = "campaign_id"

OPERATOR = "operator"
AMPLIFIER = "amplifier"
#: Expected categories of complaint entries.
CATEGORIES = ("operator", "network_member", "mirror", "innocent_lookalike", "innocent")
