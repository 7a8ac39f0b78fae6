"""The coordination (and mirror) results that the hub analysis reads, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from netlib.errors import ParameterError
from netlib.hubs._columns import ACCOUNT_ID_Y, CHAIN_ID, CLUSTER_ID, POSITION, TIME_DELTA
from netlib.hubs._util import Codes
from netlib.hubs._within import WithinPairs, within_pairs
from netlib.schema import ACCOUNT_ID, OBJECT_ID

__all__ = ["CoordinationInputs", "coordination_inputs"]


@dataclass(frozen=True)
class CoordinationInputs:
    """What the hub analysis needs from coordination (and mirrors).

    Attributes
    ----------
    clusters : DataFrame
        ``account_id`` (str), ``cluster_id``.
    pairs : DataFrame
        Every co-action pair given (``time_delta`` in seconds).
    within_pairs : WithinPairs
        Which of ``pairs`` have their two accounts in one cluster (a row mask, not a copy),
        with the integer codes of those rows' ``account_id, account_id_y`` (sorted ids), so
        that the lead-lag and bridging steps group integers instead of strings.
    chains : DataFrame or None
        Mirror chains ``chain_id, position, account_id``.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    within_pairs: WithinPairs
    chains: pd.DataFrame | None = None

    @property
    def membership(self) -> pd.Series:
        """``cluster_id`` by ``account_id`` (first cluster of an account)."""
        return self.clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[CLUSTER_ID]

    @cached_property
    def within(self) -> pd.DataFrame:
        """The pairs whose two accounts share a cluster, with that ``cluster_id``.

        Built on first access (it copies every column of those rows).
        """
        return self.within_pairs.frame()

    @property
    def within_codes(self) -> Codes:
        """Integer codes of :attr:`within`'s ``account_id, account_id_y`` (sorted ids)."""
        return self.within_pairs.codes


def _need(frame: Any, columns: list[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{what} must be a DataFrame (got {type(frame).__name__})")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what} lacks column(s) {', '.join(missing)} (has "
                             f"{', '.join(map(str, frame.columns))})")
    return frame


def _part(coordination: Any, name: str) -> Any:
    if coordination is None:
        return None
    if isinstance(coordination, dict):
        return coordination.get(name)
    return getattr(coordination, name, None)


def _pairs_of(coordination: Any) -> pd.DataFrame | None:
    """The coordination's pairs; from a result that keeps its ids as categories, those
    rows as they are (matched as strings through their codes, see :func:`within_pairs`)."""
    table = getattr(coordination, "pairs_table", None)
    if callable(table):
        return table(id_dtype="category")
    return _part(coordination, "pairs")


def coordination_inputs(coordination: Any = None, *, clusters: pd.DataFrame | None = None,
                        pairs: pd.DataFrame | None = None,
                        mirrors: Any = None) -> CoordinationInputs:
    """Read clusters, co-action pairs and mirror chains, and check their columns.

    Parameters
    ----------
    coordination : CoordinationResult or dict, optional
        Anything with ``.clusters`` (``account_id, cluster_id``) and ``.pairs``
        (``object_id, account_id, account_id_y, time_delta``).
    clusters, pairs : DataFrame, optional
        Passed explicitly instead of (or overriding) ``coordination``.
    mirrors : MirrorResult or DataFrame, optional
        Mirror chains (``chain_id, position, account_id``) or anything with ``.chains``.

    Returns
    -------
    CoordinationInputs

    Raises
    ------
    ParameterError
        If no clusters are given or a table lacks a needed column.
    """
    clusters = _part(coordination, "clusters") if clusters is None else clusters
    pairs = _pairs_of(coordination) if pairs is None else pairs
    if clusters is None:
        raise ParameterError("rank_hubs needs the coordination result (an object with "
                             ".clusters and .pairs) or clusters= and pairs= DataFrames")
    clusters = _need(clusters, [ACCOUNT_ID, CLUSTER_ID], "coordination clusters")
    if pairs is None:
        pairs = pd.DataFrame(columns=[OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA])
    pairs = _need(pairs, [OBJECT_ID, ACCOUNT_ID, ACCOUNT_ID_Y, TIME_DELTA],
                  "coordination pairs")
    if pd.api.types.is_timedelta64_dtype(pairs[TIME_DELTA]):
        pairs = pairs.assign(**{TIME_DELTA: pairs[TIME_DELTA].dt.total_seconds()})
    clusters = clusters.assign(**{ACCOUNT_ID: clusters[ACCOUNT_ID].astype(str)})
    chains = None
    if mirrors is not None:
        chains = mirrors if isinstance(mirrors, pd.DataFrame) else getattr(mirrors, "chains",
                                                                           None)
        if chains is not None:
            chains = _need(chains, [CHAIN_ID, POSITION, ACCOUNT_ID], "mirror chains")
    return CoordinationInputs(clusters=clusters, pairs=pairs,
                              within_pairs=within_pairs(pairs, clusters), chains=chains)
