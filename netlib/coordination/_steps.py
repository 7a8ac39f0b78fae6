"""The steps of :func:`netlib.coordination.detect`, each taking the config.

test edges -> confirm groups on held-out objects -> merge confirmed groups into clusters ->
score their stability -> attach outside accounts -> keep clusters of several behaviours.
"""

from __future__ import annotations

import contextlib
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netlib.coaction.actions import positions
from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.coordination._groups import components_of_groups
from netlib.coordination.config import CoordinationConfig
from netlib.coordination.confirm import ObjectHalves, object_halves, split_half_groups
from netlib.coordination.engines import spark_network
from netlib.memory import release_memory
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y
from netlib.stats import qvalues

__all__ = ["Network", "NullModel", "Confirmation", "Merged", "Attached", "Reported",
           "null_model", "tested_network",
           "confirm_groups", "merge_groups", "cluster_stability", "attach_outsiders",
           "report_clusters"]


@dataclass
class Network:
    """Tested account edges and the null model behind them."""

    edges: pd.DataFrame
    null: pd.DataFrame
    bins: pd.DataFrame
    kappa: dict
    #: the object halves of the split-half test, with each edge's expectation on each half
    #: when they were computed in the same join as the whole table's (else None)
    halves: ObjectHalves | None = None


@dataclass
class NullModel:
    """What the null model takes from the trace table alone: its bins, the calibration
    on shuffled data, and the object halves of the split-half test."""

    bins: pd.DataFrame
    null: pd.DataFrame
    halves: ObjectHalves | None


def null_model(table: pd.DataFrame, config: CoordinationConfig) -> NullModel:
    """The bins, the calibration (``kappa`` per trace) and the object halves of ``table``.

    They read only the trace table (not the co-actions), so :func:`detect` may make them on
    a second thread while the co-actions are found; the local (DuckDB) engine only.
    """
    bins = sig.bin_table(table, bin_seconds=config.null_bin,
                         dense_actions=config.null_bin_actions)
    calib = _calibration(table, bins, config)
    halves = object_halves(table, seed=config.seed, bin_seconds=config.null_bin,
                           parts=bins) if len(table) else None
    return NullModel(bins=bins, null=calib, halves=halves)


def _calibration(table: pd.DataFrame, bins: pd.DataFrame,
                 config: CoordinationConfig) -> pd.DataFrame:
    """The null's calibration on shuffled data (``kappa`` per trace), with ``bins`` made
    locally or on Spark."""
    return sig.null_calibration(table, bins, window=config.window,
                                bin_seconds=config.null_bin, n_null=config.n_null,
                                seed=config.seed, memory_limit=config.memory_limit,
                                temp_directory=config.temp_directory)


@dataclass
class Confirmation:
    """Split-half tests of the discovered groups and of their members."""

    groups: pd.DataFrame
    members: pd.DataFrame


@dataclass
class Merged:
    """Clusters of confirmed groups and the share of members confirmed in both halves."""

    labels: pd.Series
    replication: pd.Series


@dataclass
class Attached:
    """Clusters after outside accounts joined, and every pooled test made."""

    labels: pd.Series
    attachments: pd.DataFrame | None


@dataclass
class Reported:
    """The reported clusters (renumbered), their stability and every candidate."""

    labels: pd.Series
    stability: pd.Series
    candidates: pd.DataFrame | None
    behaviour_rule: bool


def tested_network(table: pd.DataFrame, pairs: pd.DataFrame, used: tuple[str, ...],
                   config: CoordinationConfig, *, codes: nw.PairCodes | None = None,
                   null: Future[NullModel] | None = None) -> Network:
    """Edges weighed, tested against the calibrated null, FDR-controlled, backboned.

    ``codes`` (:func:`~netlib.coordination.network.pair_codes` of ``pairs``), here and in
    the steps below, saves coding the co-action rows' ids again. ``null``:
    :func:`null_model` of ``table`` being made on another thread (else it is made here).

    With ``config.engine == "spark"`` the two steps that read every action -- the bin
    statistics and the null expectation of each edge (every pair of actions of its two
    accounts within the window) -- run as Spark jobs, and only their per-bin and per-edge
    results come back; the tables are equal to the local ones
    (:mod:`netlib.coordination.engines.spark_network`).
    """
    idf = nw.object_idf(table) if len(table) else None
    edges = nw.edge_table(pairs, idf=idf, traces=tuple(dict.fromkeys(list(used))),
                          codes=codes)
    del idf
    on_spark = config.engine == "spark" and len(table) > 0
    halves = None
    with contextlib.ExitStack() as scratch:
        if on_spark:
            # Spark reads the trace table from a Parquet file in a private folder (in
            # config.temp_directory when given), removed when the expectations are in
            folder = scratch.enter_context(tempfile.TemporaryDirectory(
                prefix="netlib-spark-", dir=config.temp_directory))
            actions = spark_network.traces_dataframe(spark_network.write_traces_parquet(
                table, Path(folder) / "traces.parquet"))
            bins = spark_network.spark_bin_table(actions, bin_seconds=config.null_bin,
                                                 dense_actions=config.null_bin_actions)
            calib = _calibration(table, bins, config)
        else:
            made = null.result() if null is not None else null_model(table, config)
            bins, calib, halves = made.bins, made.null, made.halves
            del made
        release_memory()
        kappa = dict(zip(calib["trace"], calib["kappa"], strict=True))
        if on_spark:
            edges[sig.EXPECTED] = spark_network.spark_expected_coactions(
                edges, actions, bins, window=config.window, bin_seconds=config.null_bin,
                kappa=kappa)
            del actions
        elif codes is not None and len(edges):
            # the split halves' expectations come from the same pass over the action pairs
            whole, *each = sig.expected_coactions_split(
                edges, table, bins, halves.row_half, halves.bins, window=config.window,
                bin_seconds=config.null_bin, kappa=kappa, memory_limit=config.memory_limit,
                temp_directory=config.temp_directory)
            edges[sig.EXPECTED] = whole
            del whole
            n_ids = max(len(codes.ids), 1)
            keys = positions(edges[ACCOUNT_ID], codes.ids).astype(np.int64) * n_ids \
                + positions(edges[ACCOUNT_ID_Y], codes.ids)
            halves.edge_keys, halves.expected = keys, tuple(each)
        else:
            halves = None
            edges[sig.EXPECTED] = sig.expected_coactions(
                edges, table, bins, window=config.window, bin_seconds=config.null_bin,
                kappa=kappa, memory_limit=config.memory_limit,
                temp_directory=config.temp_directory)
    edges[sig.P_VALUE] = sig.poisson_pvalues(edges[nw.WEIGHT].to_numpy(),
                                             edges[sig.EXPECTED].to_numpy())
    edges[sig.Q_VALUE] = qvalues(edges[sig.P_VALUE].to_numpy())
    keep = (edges[sig.Q_VALUE] <= config.fdr) & (edges[nw.WEIGHT] >= config.min_weight)
    if config.edge_weight == "significance":
        edges["significance"] = -np.log10(np.maximum(edges[sig.P_VALUE], 1e-300))
    if config.backbone is not None and keep.any():
        mask = np.zeros(len(edges), dtype=bool)
        mask[np.flatnonzero(keep)] = sig.disparity_filter(
            edges[keep], weight=config.edge_weight, alpha=config.backbone)
        keep &= mask
    edges["significant"] = keep.to_numpy()
    return Network(edges=edges, null=calib, bins=bins, kappa=kappa, halves=halves)


def confirm_groups(pairs: pd.DataFrame, table: pd.DataFrame, network: Network,
                   config: CoordinationConfig, *, codes: nw.PairCodes | None = None
                   ) -> Confirmation:
    """Groups discovered on one half of the objects, confirmed (with q-values) on the other.

    Groups are discovered and confirmed from accounts acting *alike* (co-resharing,
    co-posting); an author and its fast resharers only help to attach the author to a
    confirmed group, or every popular account and its audience would form a group.
    """
    groups, members = split_half_groups(pairs, table, kappa=network.kappa, config=config,
                                        rows=~nw.author_pairs(pairs, codes=codes),
                                        codes=codes, halves=network.halves,
                                        bins=network.bins)
    network.halves = None   # read once: the per-edge arrays go
    groups["q_value"] = qvalues(groups["p_value"].to_numpy(dtype=float))
    members["q_value"] = qvalues(members["p_value"].to_numpy(dtype=float))
    good = groups[(groups["q_value"] <= config.fdr) & (groups["ratio"] >= config.attach_ratio)]
    members = members.merge(good[["direction", "group"]].assign(group_ok=True),
                            on=["direction", "group"], how="left")
    members["confirmed"] = members["group_ok"].fillna(False).astype(bool) & \
        (members["q_value"] <= config.fdr) & (members["ratio"] >= config.attach_ratio)
    return Confirmation(groups=groups, members=members.drop(columns="group_ok"))


def merge_groups(confirmation: Confirmation, config: CoordinationConfig) -> Merged:
    """Accounts confirmed together in a group of either direction form one cluster."""
    ok = confirmation.members[confirmation.members["confirmed"]]
    groups = components_of_groups(ok, ["direction", "group"])
    labels = groups[groups.map(groups.value_counts()) >= config.min_cluster_size]
    both = ok.groupby(ACCOUNT_ID)["direction"].nunique() == 2
    replication = both.reindex(labels.index).fillna(False).groupby(labels).mean() \
        if len(labels) else pd.Series(dtype=float)
    return Merged(labels=labels, replication=replication)


def cluster_stability(strong: pd.DataFrame, labels: pd.Series,
                      config: CoordinationConfig) -> pd.Series:
    """Consensus score of each cluster over ``config.n_consensus`` other seeds."""
    if len(labels) and config.n_consensus > 0 and len(strong):
        inside = strong[strong[ACCOUNT_ID].isin(labels.index)
                        & strong[ACCOUNT_ID_Y].isin(labels.index)]
        return cl.stability(inside, labels, weight=config.edge_weight, method=config.method,
                            seed=config.seed, n_runs=config.n_consensus,
                            resolution=config.resolution)
    return pd.Series(np.nan, index=sorted(set(labels)), dtype=float)


def attach_outsiders(edges: pd.DataFrame, pairs: pd.DataFrame, labels: pd.Series,
                     config: CoordinationConfig, *, codes: nw.PairCodes | None = None,
                     table: pd.DataFrame | None = None, network: Network | None = None
                     ) -> Attached:
    """Outside accounts whose pooled ties to a cluster are significant join it.

    An account joins through ties of acting alike; ties as the *author* of posts the
    members reshare count only for that author (else a celebrity's audience snowballs in).
    With the trace ``table`` and the ``network`` it was tested with, each account's
    expectation is pooled over every member of the cluster
    (:func:`~netlib.coaction.null.expected_with_groups`), not only over those it has
    edges with.
    """
    codes = codes if codes is not None or pairs.empty else nw.pair_codes(pairs)
    mask = nw.author_pairs(pairs, codes=codes)
    plain, authors = edges, set()
    if mask.any():
        authors = set(codes.ids[np.unique(codes.first[codes.author_first])]) \
            | set(codes.ids[np.unique(codes.second[codes.author_second])])
        plain = nw.reweighted(edges, codes, ~mask)
    rounds = []
    clumps = config.attach_test == "objects"
    for step in range(config.attach_rounds if config.attach else 0):
        if labels.empty:
            break
        expected = _pooled_expectations(edges, labels, table, network, config)
        # an outsider joins on at least min_weight distinct objects shared with the
        # cluster, not on one object shared with many members (clusters.attach_accounts)
        found = cl.attach_accounts(plain, labels, fdr=config.fdr, min_ratio=config.attach_ratio,
                                   min_weight=config.min_weight,
                                   clumps=clumps, expected=expected,
                                   events=None if codes is None
                                   else cl.attachment_events(codes, labels, ~mask))
        if authors and plain is not edges:
            by_author = cl.attach_accounts(edges, labels, fdr=config.fdr,
                                           min_ratio=config.attach_ratio,
                                           min_weight=config.min_weight,
                                           clumps=clumps, expected=expected,
                                           events=None if codes is None
                                           else cl.attachment_events(codes, labels))
            by_author = by_author[by_author[ACCOUNT_ID].isin(authors)]
            found = pd.concat([found.assign(via="acting alike"),
                               by_author.assign(via="authored")], ignore_index=True)
            best = found[found["attached"]].sort_values(["p_value", cl.CLUSTER_ID],
                                                        kind="stable").drop_duplicates(ACCOUNT_ID)
            found["attached"] = found.index.isin(best.index)
        joins = found.loc[found["attached"].astype(bool).to_numpy()]
        rounds.append(found.assign(round=step + 1))
        if joins.empty:
            break
        labels = pd.concat([labels, pd.Series(joins[cl.CLUSTER_ID].to_numpy(),
                                              index=joins[ACCOUNT_ID].to_numpy())])
    attachments = pd.concat(rounds, ignore_index=True) if rounds else None
    return Attached(labels=labels.sort_index().rename(cl.CLUSTER_ID), attachments=attachments)


def _pooled_expectations(edges: pd.DataFrame, labels: pd.Series, table: pd.DataFrame | None,
                         network: Network | None, config: CoordinationConfig
                         ) -> pd.DataFrame | None:
    """Each (outside account, cluster) couple with its expectation over all the members
    (None without the trace table and the null model: the edges' sums stand in)."""
    if table is None or network is None or labels.empty:
        return None
    couples = cl.outside_couples(edges, labels)
    couples["expected"] = sig.expected_with_groups(
        couples, labels, table, network.bins, window=config.window,
        bin_seconds=config.null_bin, kappa=network.kappa, memory_limit=config.memory_limit,
        temp_directory=config.temp_directory)
    return couples


def report_clusters(pairs: pd.DataFrame, labels: pd.Series, stability: pd.Series,
                    replication: pd.Series, used: tuple[str, ...],
                    config: CoordinationConfig, *, codes: nw.PairCodes | None = None
                    ) -> Reported:
    """Keep the clusters whose co-actions repeat several behaviours; number them 0, 1, ...

    A cluster is reported when it repeats several behaviours together (reshares, copied
    text, links, hashtags, media): agreeing on one or two only is also what fandoms (fans
    resharing their idol) and news syndication (outlets posting the same wire story) do.
    """
    behaviour_rule = config.min_behaviours > 1 and len(used) >= config.min_behaviours
    candidates = None
    if len(labels):
        candidates = cl.behaviour_mix(pairs, labels, min_share=config.behaviour_share,
                                      codes=codes)
        candidates.insert(0, "size", labels.value_counts().reindex(candidates.index))
        candidates["replication"] = replication.reindex(candidates.index)
        candidates["reported"] = (candidates["n_behaviours"] >= config.min_behaviours) \
            if behaviour_rule else True
        candidates["stability"] = stability.reindex(candidates.index)
        candidates.index.name = "candidate_id"
        labels = labels[labels.isin(set(candidates.index[candidates["reported"]]))]
    if not len(labels):
        return Reported(labels=labels, stability=pd.Series(dtype=float, name=cl.STABILITY),
                        candidates=candidates, behaviour_rule=behaviour_rule)
    old = labels.copy()
    labels = cl.relabel(labels)
    mapping = dict(zip(old.to_numpy(), labels.reindex(old.index).to_numpy(), strict=True))
    stab = pd.Series({new: float(stability.get(o, np.nan)) for o, new in mapping.items()},
                     name=cl.STABILITY).sort_index()
    if candidates is not None:
        candidates[cl.CLUSTER_ID] = candidates.index.map(mapping).astype("Int64")
    return Reported(labels=labels, stability=stab, candidates=candidates,
                    behaviour_rule=behaviour_rule)
