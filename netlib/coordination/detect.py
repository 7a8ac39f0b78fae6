""":func:`detect`: traces -> co-actions -> tested edges -> clusters -> evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination import significance as sig
from netlib.coordination.pairs import ENGINES
from netlib.coordination.result import CoordinationResult, account_stats, cluster_stats
from netlib.coordination.validate import split_half_groups, split_unit
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.schema import ACCOUNT_ID
from netlib.traces import TRACE_COLUMNS, build_traces

__all__ = ["detect", "DEFAULTS"]

#: Default parameters of :func:`detect` (also recorded in ``result.params``).
DEFAULTS: dict[str, Any] = dict(
    window=60, min_participation=2, fdr=0.05, method="leiden", min_cluster_size=3,
    seed=0, min_weight=2, null_bin=7200, n_null=1, edge_weight="weight", backbone=None,
    resolution=1.0, n_consensus=5, max_object_shares=None, text_threshold=0.7,
    media_distance=4, attach=True, attach_ratio=1.5, min_behaviours=3, behaviour_share=0.01,
    merge_links=3, select_p=0.05, attach_rounds=1, engine="duckdb",
)


def _check(window, min_participation, fdr, min_cluster_size, min_weight, edge_weight,
           backbone, n_consensus) -> None:
    try:
        ok = float(window) > 0 and np.isfinite(float(window))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"window={window!r} must be a positive number of seconds")
    if not 0 < float(fdr) <= 1:
        raise ParameterError(f"fdr={fdr!r} must be in (0, 1]")
    if int(min_cluster_size) < 2:
        raise ParameterError(f"min_cluster_size={min_cluster_size!r} must be >= 2")
    if int(min_weight) < 1:
        raise ParameterError(f"min_weight={min_weight!r} must be >= 1")
    if int(min_participation) < 0:
        raise ParameterError(f"min_participation={min_participation!r} must be >= 0")
    if edge_weight not in (nw.WEIGHT, nw.WEIGHT_TFIDF, "significance"):
        raise ParameterError(f"edge_weight={edge_weight!r} must be 'weight', 'weight_tfidf' "
                             "or 'significance'")
    if backbone is not None and not 0 < float(backbone) <= 1:
        raise ParameterError(f"backbone={backbone!r} must be None or in (0, 1]")
    if int(n_consensus) < 0:
        raise ParameterError(f"n_consensus={n_consensus!r} must be >= 0")


def _check_more(select_p, attach_ratio, min_behaviours, behaviour_share, merge_links,
                n_null) -> None:
    if not 0 < float(select_p) <= 1:
        raise ParameterError(f"select_p={select_p!r} must be in (0, 1]")
    if float(attach_ratio) < 0:
        raise ParameterError(f"attach_ratio={attach_ratio!r} must be >= 0")
    if int(min_behaviours) < 1:
        raise ParameterError(f"min_behaviours={min_behaviours!r} must be >= 1")
    if not 0 <= float(behaviour_share) <= 1:
        raise ParameterError(f"behaviour_share={behaviour_share!r} must be in [0, 1]")
    if int(merge_links) < 0:
        raise ParameterError(f"merge_links={merge_links!r} must be >= 0")
    if int(n_null) < 0:
        raise ParameterError(f"n_null={n_null!r} must be >= 0")


def _linked_groups(strong: pd.DataFrame, labels: pd.Series, min_links: int) -> pd.Series:
    """Group clusters joined by at least ``min_links`` significant edges (components)."""
    if labels.empty:
        return labels.rename("group_id")
    a = strong[ACCOUNT_ID].map(labels)
    b = strong["account_id_y"].map(labels)
    links = pd.DataFrame({"x": a, "y": b}).dropna()
    links = links[links["x"] != links["y"]].astype(int)
    links = pd.DataFrame({"x": links.min(axis=1), "y": links.max(axis=1)})
    counts = links.value_counts()
    counts = counts[counts >= max(int(min_links), 1)] if min_links else counts.iloc[:0]
    nodes = sorted(set(labels.astype(int)))
    frame = pd.DataFrame({ACCOUNT_ID: [str(x) for x, _ in counts.index] + [str(n) for n in nodes],
                          "account_id_y": [str(y) for _, y in counts.index]
                          + [str(n) for n in nodes]})
    comp = cl.partition(frame.assign(weight=1.0), method="components")
    return labels.map(lambda c: int(comp[str(int(c))])).rename("group_id")


def _cluster(edges, strong, pairs, used, table, bins, kappa, *, window, null_bin, select_p,
             unit,
             weight, method, seed, resolution, min_cluster_size, n_consensus, attach,
             attach_ratio, attach_rounds, fdr, min_weight, min_behaviours, behaviour_share,
             merge_links):
    """Groups discovered and confirmed on disjoint days -> merged, grown, filtered clusters."""
    # groups are discovered and confirmed from accounts acting *alike* (co-resharing,
    # co-posting); an author and its fast resharers only help to attach the author to a
    # confirmed group, or every popular account and its audience would form a group
    groups_t, members_t = split_half_groups(
        pairs[~nw.author_pairs(pairs)], table, bins, window=window, bin_seconds=null_bin, kappa=kappa,
        select_p=select_p, min_weight=min_weight, min_cluster_size=min_cluster_size,
        method=method, seed=seed, resolution=resolution, merge_links=merge_links,
        unit=unit)
    groups_t["q_value"] = sig.bh_qvalues(groups_t["p_value"].to_numpy(dtype=float))
    members_t["q_value"] = sig.bh_qvalues(members_t["p_value"].to_numpy(dtype=float))
    good = groups_t[(groups_t["q_value"] <= fdr) & (groups_t["ratio"] >= attach_ratio)]
    members_t = members_t.merge(good[["direction", "group"]].assign(group_ok=True),
                                on=["direction", "group"], how="left")
    members_t["confirmed"] = members_t["group_ok"].fillna(False).astype(bool) & \
        (members_t["q_value"] <= fdr) & (members_t["ratio"] >= attach_ratio)
    members_t = members_t.drop(columns="group_ok")
    ok = members_t[members_t["confirmed"]]
    # accounts confirmed together in a group of either direction form one cluster
    links = []
    for _, sub in ok.groupby(["direction", "group"]):
        ids = sorted(sub[ACCOUNT_ID])
        links += list(zip(ids[:-1], ids[1:], strict=True)) + [(i, i) for i in ids]
    if links:
        frame = pd.DataFrame(links, columns=[ACCOUNT_ID, "account_id_y"]).assign(weight=1.0)
        groups = cl.partition(frame, method="components")
    else:
        groups = pd.Series(dtype=int, name=cl.CLUSTER_ID)
    sizes = groups.value_counts()
    labels = groups[groups.map(sizes) >= min_cluster_size]
    both = ok.groupby(ACCOUNT_ID)["direction"].nunique() == 2
    replication = both.reindex(labels.index).fillna(False).groupby(labels).mean() \
        if len(labels) else pd.Series(dtype=float)
    if len(labels) and n_consensus > 0 and len(strong):
        st = cl.stability(strong[strong[ACCOUNT_ID].isin(labels.index)
                                 & strong["account_id_y"].isin(labels.index)],
                          labels, weight=weight, method=method, seed=seed,
                          n_runs=n_consensus, resolution=resolution)
        stab_of = st
    else:
        stab_of = pd.Series(np.nan, index=sorted(set(labels)), dtype=float)
    attached = None
    rounds = []
    # an account joins through ties of acting alike; ties as the *author* of posts the
    # members reshare count only for that author (else a celebrity's audience snowballs in)
    mask = nw.author_pairs(pairs)
    plain = edges
    authors: set = set()
    if mask.any():
        sub = pairs[mask]
        root = sub["object_id"].astype(str).str.removeprefix("post:")
        authors = set(sub.loc[(sub["content_id"].astype(str) == root).to_numpy(),
                              ACCOUNT_ID]) | \
            set(sub.loc[(sub["content_id_y"].astype(str) == root).to_numpy(), "account_id_y"])
        plain_w = nw.edge_table(pairs[~mask])[[ACCOUNT_ID, "account_id_y", nw.WEIGHT]]
        plain = edges.drop(columns=nw.WEIGHT).merge(plain_w, on=[ACCOUNT_ID, "account_id_y"],
                                                    how="inner")
    for step in range(int(attach_rounds) if attach else 0):
        if labels.empty:
            break
        found = cl.attach_accounts(plain, labels, fdr=fdr, min_ratio=attach_ratio,
                                   min_weight=min_weight)
        if authors and plain is not edges:
            by_author = cl.attach_accounts(edges, labels, fdr=fdr, min_ratio=attach_ratio,
                                           min_weight=min_weight)
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
    attached = pd.concat(rounds, ignore_index=True) if rounds else None
    labels = labels.sort_index().rename(cl.CLUSTER_ID)
    # reported when the group repeats several behaviours together (reshares, copied text,
    # links, hashtags, media): agreeing on one or two only is also what fandoms (fans
    # resharing their idol) and news syndication (outlets posting the same wire story) do
    behaviour_rule = min_behaviours > 1 and len(used) >= min_behaviours
    candidates = None
    if len(labels):
        candidates = cl.behaviour_mix(pairs, labels, min_share=behaviour_share)
        candidates.insert(0, "size", labels.value_counts().reindex(candidates.index))
        candidates["replication"] = replication.reindex(candidates.index)
        candidates["reported"] = (candidates["n_behaviours"] >= min_behaviours) \
            if behaviour_rule else True
        candidates["stability"] = stab_of.reindex(candidates.index)
        candidates.index.name = "candidate_id"
        keep = set(candidates.index[candidates["reported"]])
        labels = labels[labels.isin(keep)]
    if len(labels):
        old = labels.copy()
        labels = cl._relabel(labels)
        mapping = dict(zip(old.to_numpy(), labels.reindex(old.index).to_numpy(),
                           strict=True))
        stab = pd.Series({new: float(stab_of.get(o, np.nan)) for o, new in mapping.items()},
                         name=cl.STABILITY).sort_index()
        if candidates is not None:
            candidates[cl.CLUSTER_ID] = candidates.index.map(mapping).astype("Int64")
    else:
        stab = pd.Series(dtype=float, name=cl.STABILITY)
    return labels, stab, candidates, attached, behaviour_rule, groups_t, members_t


def detect(data: Dataset | pd.DataFrame, *, traces: Iterable[str] | str | pd.DataFrame | None
           = None, window: float = 60, min_participation: int = 2, fdr: float = 0.05,
           method: str = "leiden", min_cluster_size: int = 3, seed: int = 0,
           min_weight: int = 2, null_bin: float = 7200, n_null: int = 1,
           edge_weight: str = "weight", backbone: float | None = None,
           resolution: float = 1.0, n_consensus: int = 5,
           max_object_shares: int | None = None, text_threshold: float = 0.7,
           media_distance: int = 4, attach: bool = True, attach_ratio: float = 1.5,
           min_behaviours: int = 3, behaviour_share: float = 0.01,
           merge_links: int = 3, select_p: float = 0.05,
           attach_rounds: int = 1, engine: str = "duckdb",
           memory_limit: str | None = None,
           temp_directory: str | None = None) -> CoordinationResult:
    """Find clusters of accounts that act together more often than chance allows.

    Steps: (1) :func:`netlib.traces.build_traces` reduces actions to shared objects;
    (2) :func:`netlib.coordination.coshare_pairs` finds co-actions within ``window``;
    (3) edges weigh the distinct objects two accounts co-acted on; (4) each edge is tested
    against a null model that keeps every account's actions at their exact times and every
    object's popularity per time bin (see :mod:`netlib.coordination.significance`), with
    Benjamini-Hochberg FDR control; (5) candidate groups are *discovered* on even days
    (communities of edges with ``p <= select_p``) and *confirmed* on odd days, and the
    other way round (:mod:`netlib.coordination.validate`), pooling every member pair, and
    each member is confirmed by its own pooled held-out test; groups confirmed together
    form the clusters, outside accounts whose pooled ties to a cluster are significant
    join it; (6) a cluster is reported when its co-actions span at least
    ``min_behaviours`` traces (fandoms and news syndication agree on one or two; the
    others stay in ``result.candidates``); (7) every cluster and account gets statistics
    and evidence.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a trace table (``account_id, trace, object_id, timestamp,
        action_id``) when ``traces`` is None.
    traces : str, iterable of str or DataFrame, optional
        Behaviours to use (default: all, fused), or a ready trace table.
    window : float
        Seconds within which two actions on one object count as a co-action.
    min_participation : int
        CooRTweet pre/post-filter: least shares an account needs.
    fdr : float
        False discovery rate of the edge tests (BH q-value threshold).
    method : {"leiden", "louvain", "components"}
        Clustering of the significant network.
    min_cluster_size : int
        Smaller clusters are not reported.
    seed : int
        Seeds the null shuffles, the text MinHash and the clustering.
    min_weight : int
        Least distinct co-acted objects for an edge to be kept (in addition to q <= fdr).
    null_bin : float
        Length in seconds of the time bins within which the null shuffles objects (two
        hours by default: shorter bins explain more of a network's own bursts away, longer
        ones let organic bursts through).
    n_null : int
        Shuffled replicates used to calibrate the null (0: analytic only).
    edge_weight : {"weight", "weight_tfidf", "significance"}
        Edge weight for clustering: distinct objects, idf-weighted objects (popular objects
        count less), or ``-log10 p``.
    backbone : float, optional
        If given, also apply the disparity filter at this alpha to significant edges.
    attach : bool
        Let outside accounts join a cluster by a pooled test of their ties to it.
    attach_rounds : int
        Rounds of attachment (a grown cluster can pull in more accounts).
    attach_ratio : float
        Least observed/expected ratio for a confirmed member or an attached account.
    min_behaviours : int
        Least traces (each with at least ``behaviour_share`` of a cluster's co-actions)
        for a cluster to be reported; 1 reports every confirmed group. Ignored when the
        data has fewer traces than this.
    behaviour_share : float
        Share of a cluster's co-actions a trace needs to count as one of its behaviours.
    merge_links : int
        Communities joined by at least this many significant edges are one group.
    select_p : float
        Uncorrected p-value threshold for the edges used to *discover* candidate groups
        (each group is then confirmed on held-out days with FDR control).
    resolution : float
        Leiden/Louvain resolution.
    n_consensus : int
        Extra seeds used to score each cluster's stability.
    max_object_shares : int, optional
        Passed to :func:`coshare_pairs`: objects with more shares are left out of the join.
    text_threshold, media_distance :
        Passed to :func:`build_traces`.
    engine : {"duckdb", "spark"}
        Where the co-action join runs (:func:`coshare_pairs`); both give the same result.
    memory_limit, temp_directory : str, optional
        DuckDB's memory cap and spill folder for the co-action join (e.g. ``"4GB"``).
        They change how the join runs, never its result.

    Returns
    -------
    CoordinationResult
        ``.clusters`` (``account_id, cluster_id``), ``.edges`` (``account_id,
        account_id_y, weight, n_<trace>..., n_co_actions, median_lag_s, weight_tfidf,
        expected, p_value, q_value, significant, cluster_id``), ``.cluster_stats``,
        ``.account_stats``, ``.pairs`` (co-action rows with ``trace, time_delta``),
        ``.params``, ``.fingerprint``, ``.null`` (calibration table), ``.candidates``
        (every confirmed group with its behaviours and whether it is reported),
        ``.attachments``, ``.validation`` and ``.validation_members`` (split-half tests).

    Raises
    ------
    ParameterError
        If a parameter is out of range or a trace/method name is unknown.
    DataFormatError
        If a trace table lacks its columns.

    References
    ----------
    Giglietto et al. (2020), coordinated link sharing; Righetti & Balluff, CooRTweet;
    Pacheco et al. (2021), "Uncovering coordinated networks on social media" (ICWSM);
    Benjamini & Hochberg (1995); Traag, Waltman & van Eck (2019).

    Examples
    --------
    >>> import netlib
    >>> from netlib import synth
    >>> from netlib.coordination import detect
    >>> sc = synth.generate(seed=1, scale=0.05)                 # doctest: +SKIP
    >>> result = detect(sc.dataset)                             # doctest: +SKIP
    >>> result.to_tables()["clusters"].columns.tolist()         # doctest: +SKIP
    ['account_id', 'cluster_id']
    """
    _check(window, min_participation, fdr, min_cluster_size, min_weight, edge_weight,
           backbone, n_consensus)
    cl._check_method(method)
    _check_more(select_p, attach_ratio, min_behaviours, behaviour_share, merge_links, n_null)
    if engine not in ENGINES:
        raise ParameterError(f"engine={engine!r} must be one of {', '.join(ENGINES)}")
    params = dict(window=float(window), min_participation=int(min_participation),
                  fdr=float(fdr), method=method, min_cluster_size=int(min_cluster_size),
                  seed=int(seed), min_weight=int(min_weight), null_bin=float(null_bin),
                  n_null=int(n_null), edge_weight=edge_weight, backbone=backbone,
                  resolution=float(resolution), n_consensus=int(n_consensus),
                  max_object_shares=max_object_shares, text_threshold=float(text_threshold),
                  media_distance=int(media_distance), attach=bool(attach),
                  attach_ratio=float(attach_ratio), min_behaviours=int(min_behaviours),
                  behaviour_share=float(behaviour_share), merge_links=int(merge_links),
                  select_p=float(select_p), attach_rounds=int(attach_rounds),
                  engine=engine)
    dataset = data if isinstance(data, Dataset) else None
    if isinstance(traces, pd.DataFrame):
        table = traces
    elif dataset is None and isinstance(data, pd.DataFrame) and traces is None:
        table = data
    else:
        table = build_traces(data, traces=traces, text_threshold=text_threshold,
                             media_distance=media_distance, seed=seed)
    from netlib.errors import DataFormatError

    missing = [c for c in TRACE_COLUMNS if c not in table.columns]
    if missing:
        raise DataFormatError(f"trace table: missing column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)} (expected {', '.join(TRACE_COLUMNS)})")
    used = tuple(sorted(set(table["trace"]))) if len(table) else ()
    params["traces"] = list(used) if traces is None or isinstance(traces, pd.DataFrame) \
        else list(traces if not isinstance(traces, str) else [traces])
    fingerprint = (dataset.fingerprint() if dataset is not None else
                   hashlib.sha256(pd.util.hash_pandas_object(table, index=False)
                                  .values.tobytes()).hexdigest())

    pairs = nw.co_actions(table, window=window, min_participation=min_participation,
                          max_object_shares=max_object_shares, engine=engine,
                          memory_limit=memory_limit, temp_directory=temp_directory)
    idf = nw.object_idf(table) if len(table) else None
    all_traces = tuple(dict.fromkeys(list(used)))
    edges = nw.edge_table(pairs, idf=idf, traces=all_traces)

    bins, _ = sig.bin_statistics(table, bin_seconds=null_bin)
    calib = sig.null_calibration(table, bins, window=window, bin_seconds=null_bin,
                                 n_null=n_null, seed=seed)
    kappa = dict(zip(calib["trace"], calib["kappa"], strict=True))
    edges[sig.EXPECTED] = sig.expected_coactions(edges, table, bins, window=window,
                                                 bin_seconds=null_bin, kappa=kappa)
    edges[sig.P_VALUE] = sig.poisson_pvalues(edges[nw.WEIGHT].to_numpy(),
                                             edges[sig.EXPECTED].to_numpy())
    edges[sig.Q_VALUE] = sig.bh_qvalues(edges[sig.P_VALUE].to_numpy())
    keep = (edges[sig.Q_VALUE] <= fdr) & (edges[nw.WEIGHT] >= min_weight)
    if edge_weight == "significance":
        edges["significance"] = -np.log10(np.maximum(edges[sig.P_VALUE], 1e-300))
    if backbone is not None and keep.any():
        mask = np.zeros(len(edges), dtype=bool)
        mask[np.flatnonzero(keep)] = sig.disparity_filter(edges[keep], weight=edge_weight,
                                                          alpha=backbone)
        keep &= mask
    edges["significant"] = keep.to_numpy()

    strong = edges[edges["significant"]]
    unit = split_unit(table["timestamp"]) if len(table) else 86400
    params["split_unit_s"] = int(unit)
    labels, stab, candidates, attached, behaviour_rule, groups_t, members_t = _cluster(
        edges, strong, pairs, used, table, bins, kappa, window=window, null_bin=null_bin,
        select_p=select_p, unit=unit, weight=edge_weight, method=method, seed=seed,
        resolution=resolution, min_cluster_size=min_cluster_size, n_consensus=n_consensus,
        attach=attach, attach_ratio=attach_ratio, fdr=fdr, min_weight=min_weight,
        min_behaviours=min_behaviours, behaviour_share=behaviour_share,
        merge_links=merge_links, attach_rounds=attach_rounds)
    clusters = (labels.rename_axis(ACCOUNT_ID).reset_index()
                .sort_values([cl.CLUSTER_ID, ACCOUNT_ID], kind="stable")
                .reset_index(drop=True))
    member = labels.to_dict()
    ca = edges[ACCOUNT_ID].map(member)
    cb = edges["account_id_y"].map(member)
    edges[cl.CLUSTER_ID] = ca.where(ca == cb).astype("Int64")

    accounts = dataset.accounts if dataset is not None else None
    cstats = cluster_stats(clusters, edges, pairs, table, accounts=accounts, stability=stab,
                           fdr=fdr)
    astats = account_stats(clusters, edges, pairs, table)
    params["behaviour_rule_applied"] = bool(behaviour_rule)
    params["n_trace_rows"] = int(len(table))
    params["n_pairs"] = int(len(pairs))
    params["n_edges_tested"] = int(len(edges))
    params["n_edges_significant"] = int(edges["significant"].sum())
    return CoordinationResult(clusters=clusters, edges=edges, cluster_stats=cstats,
                              account_stats=astats, pairs=pairs, params=params,
                              fingerprint=fingerprint, null=calib, candidates=candidates,
                              attachments=attached, validation=groups_t,
                              validation_members=members_t)
