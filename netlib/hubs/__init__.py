"""Operator hubs: who leads, who is amplified, who bridges, who runs what, and from when.

:func:`rank_hubs` takes a Dataset and a coordination result (anything with ``.clusters``
and ``.pairs``) and returns a :class:`HubResult`: a ranking of the accounts that steer the
coordinated networks (``hubs``), groups of accounts likely run by the same hands
(``operator_groups``) and, per cluster, the UTC offset its activity is consistent with
(``timezones``). Every signal and every piece of evidence is kept as a column.

Coordination is not proof of inauthenticity, and a time zone is not a country.
"""

from netlib.hubs.amplification import (
    amplification_edges,
    amplification_scores,
    bridging,
    h_index,
    originator_index,
)
from netlib.hubs.compare import components_as_clusters, reference_agreement
from netlib.hubs.core import DEFAULT_WEIGHTS, HubResult, cascade, rank_hubs
from netlib.hubs.groups import operator_groups, operator_links
from netlib.hubs.leadlag import bh_qvalues, lead_lag, leader_table
from netlib.hubs.timezones import (
    REFERENCE_DIURNAL,
    REFERENCE_OFFICE,
    REFERENCE_WEEKDAY,
    REFERENCE_WEEKDAY_OFFICE,
    REFERENCES,
    describe_offset,
    fit_group_offsets,
    fit_offset,
    hour_of_week,
)

__all__ = [
    "rank_hubs",
    "HubResult",
    "DEFAULT_WEIGHTS",
    "cascade",
    "components_as_clusters",
    "reference_agreement",
    "leader_table",
    "lead_lag",
    "bh_qvalues",
    "amplification_edges",
    "amplification_scores",
    "originator_index",
    "bridging",
    "h_index",
    "operator_links",
    "operator_groups",
    "fit_offset",
    "fit_group_offsets",
    "hour_of_week",
    "describe_offset",
    "REFERENCE_DIURNAL",
    "REFERENCE_WEEKDAY",
    "REFERENCE_OFFICE",
    "REFERENCE_WEEKDAY_OFFICE",
    "REFERENCES",
]
