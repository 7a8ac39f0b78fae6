"""``rank_hubs``: who steers coordinated networks, who runs them together, and from when."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    AMPLIFIED_ID,
    GROUP_ID,
    PATTERN,
    STATEMENT,
    TIME_DELTA,
    UTC_OFFSET,
)
from netlib.hubs._within import WithinPairs
from netlib.hubs.config import HubConfig
from netlib.hubs.groups import group_operators
from netlib.hubs.inputs import coordination_inputs
from netlib.hubs.scoring import score_hubs, signal_scores
from netlib.hubs.timezones import fit_timezones
from netlib.memory import BESIDE_STEP_BYTES_PER_ROW, side_by_side
from netlib.progress import StepProgress, counted
from netlib.results import summary_html
from netlib.schema import ACCOUNT_ID, ACTION_ID, HANDLE, OBJECT_ID, TIMESTAMP

__all__ = ["HubResult", "rank_hubs", "cascade", "EVIDENCE_KINDS"]

#: What :meth:`HubResult.evidence` can show about an account.
EVIDENCE_KINDS = ("signals", "leads", "amplified_by", "operator_links")


@dataclass
class HubResult:
    """Hub ranking, operator groups and fitted time zones, with how they were made.

    Attributes
    ----------
    hubs : DataFrame
        One row per candidate account (coordinated accounts, plus accounts amplified by
        at least ``min_amplifiers`` coordinated accounts): ``account_id, hub_score, rank``
        (1 = strongest; ties broken by ``account_id``), ``handle, cluster_id``
        (own cluster, or the cluster most of its amplifiers belong to),
        ``coordinated, top_signal`` and one column per signal: ``n_lead, n_follow,
        n_followers, leader_share, median_lead_lag_s, lead_z, lead_p_value,
        lead_q_value, amplification_pagerank, originator_index, amplified_by,
        network_share, participation, betweenness, coordination_strength, lineage_length,
        lineage_head``.
    operator_groups : DataFrame
        ``group_id, account_id, n_accounts, evidence, cluster_id, utc_offset_hours,
        pattern, statement``.
    operator_links : DataFrame
        ``account_id, account_id_y, evidence, detail``: every piece of evidence.
    timezones : DataFrame
        Per cluster: ``cluster_id, utc_offset_hours, low, high, pattern, reference,
        background_share, n_actions, n_days, fit_correlation, statement``.
    group_timezones : DataFrame
        The same per operator group (first column ``group_id``).
    lead_lag : DataFrame
        Directed ``account_id`` (leader), ``account_id_y`` (follower), ``n_lead,
        median_lead_lag_s`` within clusters.
    amplification : DataFrame
        ``amplifier_id, amplified_id, weight`` edges.
    pairs : DataFrame
        The within-cluster co-action pairs used (with ``cluster_id``). :func:`rank_hubs`
        leaves this table to be built on first access (from the pairs it was given and
        the rows it kept), as it copies every column of millions of rows at scale.
    params : dict
        ``dataclasses.asdict`` of the :class:`HubConfig`, plus ``n_clusters,
        n_pairs_within_clusters, n_pairs_given`` and ``notes`` on approximations.
    fingerprint : str
        Fingerprint of the input data.
    """

    hubs: pd.DataFrame
    operator_groups: pd.DataFrame
    operator_links: pd.DataFrame
    timezones: pd.DataFrame
    group_timezones: pd.DataFrame
    lead_lag: pd.DataFrame
    amplification: pd.DataFrame
    pairs: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""

    def __repr__(self) -> str:
        return (f"HubResult({len(self.hubs):,} ranked accounts, {self._n_groups():,} operator "
                f"groups, {len(self.timezones):,} clusters with a time-zone fit)")

    def _n_groups(self) -> int:
        return self.operator_groups[GROUP_ID].nunique() if len(self.operator_groups) else 0

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"hubs": ..., "operator_groups": ..., "timezones": ...}`` for writing out."""
        return {"hubs": self.hubs, "operator_groups": self.operator_groups,
                "timezones": self.timezones, "operator_links": self.operator_links}

    def evidence(self, account_id: str, kind: str = "signals") -> pd.DataFrame:
        """Why an account ranks where it does.

        Parameters
        ----------
        account_id : str
        kind : {"signals", "leads", "amplified_by", "operator_links"}
            ``signals`` (default): one row per weighted signal, ``signal, value, score,
            weight, contribution`` (``score`` is the signal's 0-1 rank score among the
            ranked accounts, ``contribution`` its share of ``hub_score``; the contributions
            sum to ``hub_score``). ``leads``: the lead-lag rows where it led.
            ``amplified_by``: the amplification edges pointing at it. ``operator_links``:
            the operator evidence touching it.

        Returns
        -------
        DataFrame
            ``attrs`` hold the account's ``rank``, ``hub_score`` and ``top_signal``.

        Raises
        ------
        KeyError
            If the account is not among the ranked accounts.
        ParameterError
            If ``kind`` is unknown.
        """
        if kind not in EVIDENCE_KINDS:
            raise ParameterError(f"kind={kind!r} is not one of {', '.join(EVIDENCE_KINDS)}")
        hit = self.hubs[ACCOUNT_ID] == account_id
        if not hit.any():
            raise KeyError(f"account {account_id!r} is not among the ranked accounts")
        row = self.hubs[hit].iloc[0]
        if kind == "signals":
            weights = self.params["weights"]
            total = sum(weights.values())
            scores = signal_scores(self.hubs)[hit].iloc[0]
            out = pd.DataFrame({"signal": list(scores.index),
                                "value": [row[s] for s in scores.index],
                                "score": scores.to_numpy(dtype=float),
                                "weight": [weights.get(s, 0.0) for s in scores.index]})
            out["contribution"] = out["score"] * out["weight"] / total
        elif kind == "leads":
            out = self.lead_lag[self.lead_lag[ACCOUNT_ID] == account_id]
        elif kind == "amplified_by":
            out = self.amplification[self.amplification[AMPLIFIED_ID] == account_id]
        else:
            links = self.operator_links
            out = links[(links[ACCOUNT_ID] == account_id) | (links[ACCOUNT_ID_Y] == account_id)]
        out = out.reset_index(drop=True)
        out.attrs.update(rank=int(row["rank"]), hub_score=float(row["hub_score"]),
                         top_signal=str(row["top_signal"]))
        return out

    def _repr_html_(self) -> str:
        return summary_html("Operator hubs", self, lines=[
            f"{len(self.hubs):,} ranked accounts, {self._n_groups():,} operator groups, "
            f"{len(self.timezones):,} clusters with a time-zone fit",
            "Coordination is not proof of inauthenticity, and a time zone is not a country."])


def _get_pairs(self: HubResult) -> pd.DataFrame:
    value = self.__dict__["_pairs"]
    if isinstance(value, WithinPairs):   # built on first access, then kept
        value = self.__dict__["_pairs"] = value.frame()
    return value


def _set_pairs(self: HubResult, value: pd.DataFrame | WithinPairs) -> None:
    self.__dict__["_pairs"] = value


# set after the dataclass is made, so that ``pairs`` stays an ordinary (required) field
HubResult.pairs = property(_get_pairs, _set_pairs,  # type: ignore[assignment]
                           doc="The within-cluster co-action pairs used (with ``cluster_id``).")


def rank_hubs(data: Dataset, coordination: Any = None, config: HubConfig | None = None, *,
              clusters: pd.DataFrame | None = None, pairs: pd.DataFrame | None = None,
              mirrors: Any = None, **overrides: Any) -> HubResult:
    """Rank the accounts that steer coordinated networks, group them, and time-zone them.

    Three steps, each public: :func:`~netlib.hubs.score_hubs` (lead-lag, amplification,
    bridging and lineage signals, each a 0-1 rank score among the accounts where it is
    positive; ``hub_score`` is their weighted mean), :func:`~netlib.hubs.group_operators`
    (evidence that accounts are run by the same hands, merged into groups) and
    :func:`~netlib.hubs.fit_timezones` (the UTC offset each cluster's and group's weekly
    rhythm is consistent with).

    Parameters
    ----------
    data : Dataset
        The validated data (accounts and actions).
    coordination : CoordinationResult or dict, optional
        Anything with ``.clusters`` (``account_id, cluster_id``) and ``.pairs``
        (co-action rows ``object_id, account_id`` (earlier), ``account_id_y`` (later),
        ``time_delta`` (seconds), optional ``trace``).
    config : HubConfig, optional
        Every option (see :class:`HubConfig` for each one and its default).
    clusters, pairs : DataFrame, optional
        Passed explicitly instead of (or overriding) ``coordination``.
    mirrors : MirrorResult or DataFrame, optional
        Mirror chains (``chain_id, position, account_id``) for lineages.
    **overrides
        Options changed from ``config`` by name, e.g. ``n_boot=50``.

    Returns
    -------
    HubResult
        ``.hubs`` (``account_id, hub_score, rank`` + signals), ``.operator_groups``,
        ``.timezones`` (``cluster_id, utc_offset_hours, low, high, pattern`` ...), and the
        evidence tables; see :class:`HubResult`.

    Raises
    ------
    ParameterError
        If no clusters are given, a table lacks a needed column, or an option is unknown
        or invalid.

    References
    ----------
    Hirsch, J. E. (2005). An index to quantify an individual's scientific research
    output. *PNAS* 102(46), 16569-16572 (the h-index behind the originator index).
    Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900 (participation coefficient).

    Examples
    --------
    >>> import netlib
    >>> from netlib.hubs import rank_hubs
    >>> data = netlib.load("data/sample")                        # doctest: +SKIP
    >>> result = rank_hubs(data, netlib.coordination.detect(data))  # doctest: +SKIP
    >>> result.hubs.head()                                       # doctest: +SKIP
    """
    if not hasattr(data, "accounts") or not hasattr(data, "actions"):
        raise ParameterError("data must be a Dataset (with .accounts and .actions); got "
                             f"{type(data).__name__}")
    config = HubConfig.build(config, **overrides)
    # hashing the data needs memory of its own: do it before the analysis holds any
    fingerprint = data.fingerprint() if hasattr(data, "fingerprint") else ""
    progress = StepProgress(__name__, "hubs")
    progress.begin("co-actions within clusters")
    inputs = coordination_inputs(coordination, clusters=clusters, pairs=pairs, mirrors=mirrors)
    progress.done(f"{counted(len(inputs.within_pairs), 'pair')} in "
                  f"{counted(int(inputs.membership.nunique()), 'cluster')}")
    progress.begin("hub scores, operator groups and time zones")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="netlib-zones") as pool:
        # the clusters' time zones need neither the scores nor the operator groups: fitted
        # on a second thread when there are two cores and memory to spare
        early = pool.submit(fit_timezones, data, inputs.clusters, config) \
            if side_by_side(len(data.actions), bytes_per_action=BESIDE_STEP_BYTES_PER_ROW) \
            else None
        scores = score_hubs(data, inputs, config)
        links, groups = group_operators(data, scores.candidates, config, chains=inputs.chains)
        zones = early.result() if early is not None else \
            fit_timezones(data, inputs.clusters, config)
    gzones = fit_timezones(data, groups, config, group_column=GROUP_ID)
    if len(groups):
        groups = groups.merge(gzones[[GROUP_ID, UTC_OFFSET, PATTERN, STATEMENT]],
                              on=GROUP_ID, how="left")
    else:
        groups = groups.assign(**{UTC_OFFSET: [], PATTERN: [], STATEMENT: []})
    params = {**dataclasses.asdict(config), "n_clusters": int(inputs.membership.nunique()),
              "n_pairs_within_clusters": int(len(inputs.within_pairs)),
              "n_pairs_given": int(len(inputs.pairs)), "notes": scores.notes}
    progress.done(f"{counted(len(scores.hubs), 'account')} ranked, "
                  f"{counted(groups[GROUP_ID].nunique() if len(groups) else 0, 'operator group')}")
    return HubResult(hubs=scores.hubs, operator_groups=groups, operator_links=links,
                     timezones=zones, group_timezones=gzones, lead_lag=scores.lead_lag,
                     amplification=scores.amplification, pairs=inputs.within_pairs.for_frame(),
                     params=params,
                     fingerprint=fingerprint)


def cascade(data: Dataset, result: HubResult, account_id: str, *,
            max_objects: int = 20) -> pd.DataFrame:
    """Who followed an account, on which objects, and how many seconds later.

    Two sources: amplifying actions (repost/quote/reply/forward) pointing to the
    account's own actions, and coordinated co-actions in which the account acted first.

    Returns
    -------
    DataFrame
        ``object_id, account_id`` (the follower), ``handle, delay_s, via``
        (``"amplified"`` or ``"co-action"``), for the ``max_objects`` objects with the
        most followers, sorted by object then delay.
    """
    acts = data.actions
    own = acts.loc[acts[ACCOUNT_ID] == account_id, [ACTION_ID, TIMESTAMP]]
    refs = acts[acts[OBJECT_ID].isin(set(own[ACTION_ID])) & (acts[ACCOUNT_ID] != account_id)]
    t0 = own.set_index(ACTION_ID)[TIMESTAMP]
    a = pd.DataFrame({OBJECT_ID: refs[OBJECT_ID].to_numpy(),
                      ACCOUNT_ID: refs[ACCOUNT_ID].to_numpy(),
                      "delay_s": (refs[TIMESTAMP] - refs[OBJECT_ID].map(t0))
                      .dt.total_seconds().to_numpy(), "via": "amplified"})
    p = result.pairs[result.pairs[ACCOUNT_ID] == account_id]
    b = pd.DataFrame({OBJECT_ID: p[OBJECT_ID].to_numpy(), ACCOUNT_ID: p[ACCOUNT_ID_Y].to_numpy(),
                      "delay_s": p[TIME_DELTA].astype(float).to_numpy(), "via": "co-action"})
    out = pd.concat([x for x in (a, b) if len(x)] or [a], ignore_index=True)
    if out.empty:
        return out.assign(handle=pd.Series(dtype=object))[
            [OBJECT_ID, ACCOUNT_ID, "handle", "delay_s", "via"]]
    top = out.groupby(OBJECT_ID)[ACCOUNT_ID].nunique().sort_values(ascending=False,
                                                                   kind="stable")
    out = out[out[OBJECT_ID].isin(top.index[:max_objects])]
    handles = data.accounts.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[HANDLE]
    out = out.assign(handle=out[ACCOUNT_ID].map(handles))
    out = out.sort_values([OBJECT_ID, "delay_s", ACCOUNT_ID], kind="stable")
    return out[[OBJECT_ID, ACCOUNT_ID, "handle", "delay_s", "via"]].reset_index(drop=True)
