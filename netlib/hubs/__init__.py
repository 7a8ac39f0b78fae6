"""Operator hubs: who leads, who is amplified, who bridges, who runs what, and from when.

:func:`rank_hubs` takes a Dataset and a coordination result (anything with ``.clusters``
and ``.pairs``) and returns a :class:`HubResult`: a ranking of the accounts that steer the
coordinated networks (``hubs``), groups of accounts likely run by the same hands
(``operator_groups``) and, per cluster, the UTC offset its activity is consistent with
(``timezones``). Every signal and every piece of evidence is kept as a column. Options
live in one :class:`HubConfig`; the three steps :func:`score_hubs`,
:func:`group_operators` and :func:`fit_timezones` can be run on their own.

Coordination is not proof of inauthenticity, and a time zone is not a country.
"""

from netlib.hubs.amplification import (
    amplification_edges,
    amplification_scores,
    bridging,
    h_index,
    originator_index,
)
from netlib.hubs.config import DEFAULT_WEIGHTS, HubConfig
from netlib.hubs.core import HubResult, cascade, rank_hubs
from netlib.hubs.groups import group_operators, operator_groups, operator_links
from netlib.hubs.inputs import CoordinationInputs, coordination_inputs
from netlib.hubs.leadlag import lead_lag, leader_table
from netlib.hubs.scoring import HubScores, score_hubs
from netlib.hubs.timezones import (
    REFERENCE_DIURNAL,
    REFERENCE_OFFICE,
    REFERENCE_WEEKDAY,
    REFERENCE_WEEKDAY_OFFICE,
    REFERENCES,
    describe_offset,
    fit_group_offsets,
    fit_offset,
    fit_timezones,
    hour_of_week,
)
from netlib.lazy import lazy_attributes

__all__ = [
    "rank_hubs",
    "HubConfig",
    "HubResult",
    "DEFAULT_WEIGHTS",
    "coordination_inputs",
    "CoordinationInputs",
    "score_hubs",
    "HubScores",
    "group_operators",
    "fit_timezones",
    "cascade",
    "components_as_clusters",
    "reference_agreement",
    "leader_table",
    "lead_lag",
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

# the comparison with a reference ranking (scipy.stats's Spearman test, 0.4 s to import) is
# imported when first used, not by every analysis
__getattr__, __dir__ = lazy_attributes(
    __name__, {"components_as_clusters": "netlib.hubs.compare",
               "reference_agreement": "netlib.hubs.compare"})
