"""Every option of :func:`netlib.hubs.rank_hubs`, in one frozen, validated object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from netlib.errors import ParameterError
from netlib.hubs._columns import (
    AMPLIFIED_BY,
    BETWEENNESS,
    LEAD_Z,
    LINEAGE_LENGTH,
    NETWORK_SHARE,
    ORIGINATOR_INDEX,
    PAGERANK,
    PARTICIPATION,
    STRENGTH,
)
from netlib.hubs.amplification import COPY_TRACES
from netlib.options import Options
from netlib.units import to_seconds

__all__ = ["HubConfig", "DEFAULT_WEIGHTS"]

#: Weight of each signal in ``hub_score`` (each signal is first turned into a 0-1 rank
#: score among the accounts where it is positive). Keys are hubs-table column names.
DEFAULT_WEIGHTS: dict[str, float] = {
    LEAD_Z: 0.25,
    PAGERANK: 0.15,
    ORIGINATOR_INDEX: 0.2,
    AMPLIFIED_BY: 0.05,
    NETWORK_SHARE: 0.15,
    PARTICIPATION: 0.05,
    BETWEENNESS: 0.05,
    STRENGTH: 0.05,
    LINEAGE_LENGTH: 0.05,
}


@dataclass(frozen=True)
class HubConfig(Options):
    """Options of the hub analysis, validated once when the config is built.

    Attributes
    ----------
    weights : dict
        Signal weights of ``hub_score`` (keys from :data:`DEFAULT_WEIGHTS`; missing keys
        weigh 0). None gives :data:`DEFAULT_WEIGHTS`.
    min_amplifiers : int
        An account outside the clusters is ranked when at least this many coordinated
        accounts amplify it.
    copy_traces : tuple of str
        Co-action traces treated as copying (an amplification edge later -> earlier).
    exact_betweenness_edges : int
        Above this many bridging-graph edges, betweenness is estimated from sampled
        sources (noted in the result's params).
    betweenness_samples : int
        How many source accounts are sampled then.
    offsets : tuple of float or None
        Candidate UTC offsets in hours, multiples of 0.5 (None: -12 to +14 by 0.5).
    reference : str or tuple of float
        Reference daily rhythm: ``"auto"`` (fit every named one), ``"social"``,
        ``"office"``, or 24 numbers (see :func:`netlib.hubs.fit_offset`).
    n_boot : int
        Bootstrap resamples (over days) for the time-zone interval.
    min_tz_actions : int
        Groups with fewer actions get no time-zone fit.
    burst_window : float
        Accounts of one cluster created within this duration of each other form a
        creation burst (seconds, or a string such as ``"6h"``).
    min_burst : int
        A creation burst needs at least this many accounts.
    max_shared_accounts : int
        A client or link shared by more accounts than this is not operator evidence.
    rhythm_threshold : float
        Cosine of hour-of-week profiles above which two accounts are linked.
    rhythm_min_actions : int
        Accounts with fewer actions get no rhythm link.
    seed : int
        Seed of the bootstrap and of sampled betweenness.

    Raises
    ------
    ParameterError
        If a weight, count or duration is invalid.

    Examples
    --------
    >>> HubConfig(burst_window="2h").burst_window
    7200.0
    >>> HubConfig().replace(weights={"lead_z": 1.0}).weights
    {'lead_z': 1.0}
    """

    option_kind: ClassVar[str] = "hub"

    weights: dict[str, float] | None = None
    min_amplifiers: int = 2
    copy_traces: tuple[str, ...] = COPY_TRACES
    exact_betweenness_edges: int = 50_000
    betweenness_samples: int = 64
    offsets: tuple[float, ...] | None = None
    reference: str | tuple[float, ...] = "auto"
    n_boot: int = 200
    min_tz_actions: int = 30
    burst_window: float = 6 * 3600.0
    min_burst: int = 3
    max_shared_accounts: int = 10
    rhythm_threshold: float = 0.9
    rhythm_min_actions: int = 50
    seed: int = 0

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        weights = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ParameterError(f"unknown signal weight(s) {', '.join(unknown)} (known: "
                                 f"{', '.join(DEFAULT_WEIGHTS)})")
        if (any(not np.isfinite(w) or w < 0 for w in weights.values())
                or sum(weights.values()) <= 0):
            raise ParameterError(f"weights must be non-negative with a positive sum (got "
                                 f"{weights})")
        set_("weights", {k: float(v) for k, v in weights.items()})
        if self.min_amplifiers < 1:
            raise ParameterError(f"min_amplifiers must be >= 1 (got {self.min_amplifiers})")
        for name in ("exact_betweenness_edges", "betweenness_samples", "n_boot",
                     "min_tz_actions", "min_burst", "max_shared_accounts",
                     "rhythm_min_actions", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise ParameterError(f"{name}={value!r} must be a non-negative integer")
        if self.betweenness_samples < 1:   # the sampled estimate divides by their number
            raise ParameterError(f"betweenness_samples={self.betweenness_samples!r} must be "
                                 ">= 1 (to compute betweenness exactly, raise "
                                 "exact_betweenness_edges instead)")
        set_("copy_traces", tuple(str(t) for t in self.copy_traces))
        if self.offsets is not None:
            set_("offsets", tuple(float(x) for x in np.asarray(self.offsets, dtype=float)))
        if self.reference is not None and not isinstance(self.reference, str):
            set_("reference", tuple(float(x) for x in self.reference))
        set_("burst_window", to_seconds(self.burst_window, name="burst_window"))
        if not 0.0 <= float(self.rhythm_threshold) or not np.isfinite(self.rhythm_threshold):
            raise ParameterError(f"rhythm_threshold={self.rhythm_threshold!r} must be a "
                                 "finite number >= 0")
