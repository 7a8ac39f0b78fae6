"""Complaint triage: what the analysis says about each watch-list entry, in review order.

``entries``
    :func:`triage`: each entry matched to the data, categorised and explained.
``campaigns``
    :func:`complaint_campaigns`: whether the complaints themselves are coordinated
    (bursts of near-identical reports against one target, tested against chance).
"""

from netlib.triage.campaigns import (
    CAMPAIGN_COLUMNS,
    CampaignConfig,
    Campaigns,
    complaint_campaigns,
)
from netlib.triage.entries import CATEGORIES, TRIAGE_COLUMNS, TriageTable, triage

__all__ = ["CATEGORIES", "TRIAGE_COLUMNS", "TriageTable", "triage", "CampaignConfig",
           "Campaigns", "complaint_campaigns", "CAMPAIGN_COLUMNS"]
