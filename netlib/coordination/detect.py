""":func:`detect`: traces -> co-actions -> tested edges -> clusters -> evidence."""

from __future__ import annotations

import dataclasses
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from netlib.coaction.null import LEVEL, MAX_SPLIT
from netlib.coordination import _steps as steps
from netlib.coordination import network as nw
from netlib.coordination._lookup import mapped
from netlib.coordination.components import account_components, component_table
from netlib.coordination.config import DENSE_STREAM_SHARE, CoordinationConfig
from netlib.coordination.resolution import (
    CoordinationWarning,
    effective_window,
    resolution_note,
    timestamp_resolution,
)
from netlib.coordination.result import CoordinationResult, account_stats, cluster_stats
from netlib.coordination.significance import EXPECTED
from netlib.dataset import Dataset
from netlib.errors import DataFormatError
from netlib.memory import BESIDE_STEP_BYTES_PER_ROW, release_memory, side_by_side
from netlib.progress import StepProgress, counted
from netlib.provenance import frame_fingerprint
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    CLUSTER_ID,
    KIND,
    OBJECT_ID,
    TIMESTAMP,
    TRACE,
)
from netlib.traces import SHARE_KINDS, TRACE_COLUMNS, build_traces

__all__ = ["detect"]


def detect(data: Dataset | pd.DataFrame, config: CoordinationConfig | None = None,
           **overrides: Any) -> CoordinationResult:
    """Find clusters of accounts that act together more often than chance allows.

    Steps: (1) :func:`netlib.traces.build_traces` reduces actions to shared objects;
    (2) :func:`netlib.coordination.coshare_pairs` finds co-actions within ``window``;
    (3) edges weigh the distinct objects two accounts co-acted on; (4) each edge is tested
    against a null model that keeps every account's actions at their exact times and every
    object's popularity per time bin (see :mod:`netlib.coordination.significance`), with
    Benjamini-Hochberg FDR control; (5) candidate groups are *discovered* on one half of the
    shared objects (communities of edges with ``p <= select_p``) and *confirmed* on the
    other half, and the other way round (:mod:`netlib.coordination.confirm`; each object
    with all its actions goes to one half, so a one-day campaign is on both sides),
    pooling every member pair, and
    each member is confirmed by its own pooled held-out test; groups confirmed together
    form the clusters, outside accounts whose pooled ties to a cluster are significant
    join it (against their expected co-actions with every member; in a dense stream, with
    ``attach_test="auto"``, on the distinct objects they share with the members); (6) a
    cluster is reported when its co-actions span at least
    ``min_behaviours`` traces (fandoms and news syndication agree on one or two; the
    others stay in ``result.candidates``); (7) every cluster and account gets statistics
    and evidence.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset, or a trace table (``account_id, trace, object_id, timestamp,
        action_id``).
    config : CoordinationConfig, optional
        Every option (see :class:`~netlib.coordination.CoordinationConfig` for each one);
        the defaults when omitted.
    **overrides
        Options changed from ``config``, e.g. ``window="2min", fdr=0.01, seed=1``.
        ``traces=`` may also be a ready trace table built from ``data``.

    Returns
    -------
    CoordinationResult
        ``.clusters`` (``account_id, cluster_id``), ``.edges`` (``account_id,
        account_id_y, weight, n_<trace>..., n_co_actions, median_lag_s, weight_tfidf,
        expected, p_value, q_value, significant, cluster_id``), ``.cluster_stats``,
        ``.account_stats``, ``.pairs`` (co-action rows with ``trace, time_delta``),
        ``.params``, ``.fingerprint``, ``.null`` (calibration table), ``.candidates``
        (every confirmed group with its behaviours and whether it is reported),
        ``.attachments``, ``.validation`` and ``.validation_members`` (split-half tests),
        ``.components`` and ``.account_components`` (the descriptive co-sharing
        network's connected components, CooRTweet's, each with its test outcome and a
        ``verdict``: see :mod:`netlib.coordination.components`), ``.notes``
        (plain-language caveats, e.g. a window at or below the timestamp
        resolution; each is also issued as a :class:`CoordinationWarning`).

    Raises
    ------
    ParameterError
        If an option is out of range or unknown, or a trace/method name is unknown.
    DataFormatError
        If a trace table lacks its columns.

    References
    ----------
    Giglietto et al. (2020), coordinated link sharing; Righetti & Balluff, CooRTweet;
    Pacheco et al. (2021), "Uncovering coordinated networks on social media" (ICWSM);
    Benjamini & Hochberg (1995); Traag, Waltman & van Eck (2019).

    Examples
    --------
    >>> from netlib import synth
    >>> from netlib.coordination import CoordinationConfig, detect
    >>> sc = synth.generate(seed=1, scale=0.05)
    >>> config = CoordinationConfig(window="60s", n_consensus=0)
    >>> result = detect(sc.dataset, config, n_null=0)       # an override
    >>> result.tables()["clusters"].columns.tolist()
    ['account_id', 'cluster_id']
    >>> result.params["window"], result.params["n_null"]
    (60.0, 0)
    """
    ready = overrides.pop("traces") if isinstance(overrides.get("traces"), pd.DataFrame) \
        else None
    config = (config or CoordinationConfig()).replace(**overrides)
    dataset = data if isinstance(data, Dataset) else None
    progress = StepProgress(__name__, "coordination")
    progress.begin("trace table")
    table = _trace_table(data, ready, config)
    progress.done(counted(len(table), "row"))
    used = tuple(sorted(pd.unique(table["trace"]).tolist())) if len(table) else ()
    resolution = timestamp_resolution(table[TIMESTAMP]) if len(table) else float("nan")
    notes = [n for n in [resolution_note(config.window, resolution)] if n]
    for note in notes:
        warnings.warn(note, CoordinationWarning, stacklevel=2)
    asked, config = config, config.replace(
        window=effective_window(config.window, resolution))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="netlib-null") as pool:
        # the null model reads only the trace table: made on a second thread while the
        # co-actions are found, when there are two cores and memory to spare (detect's
        # own peak comes after the pair: see memory.BESIDE_STEP_BYTES_PER_ROW)
        beside = config.engine == "duckdb" and len(table) and side_by_side(
            len(table), bytes_per_action=BESIDE_STEP_BYTES_PER_ROW)
        null = pool.submit(steps.null_model, table, config) if beside else None
        progress.begin("co-actions" + (" (null model alongside)" if beside else ""))
        pairs, codes = _co_actions(table, config)
        progress.done(counted(len(pairs), "co-action"))
        release_memory()     # each large step's freed arrays go back before the next one
        progress.begin("edges tested against the null model")
        network = steps.tested_network(table, pairs, used, config, codes=codes, null=null)
        progress.done(f"{counted(len(network.edges), 'edge')}, "
                      f"{int(network.edges['significant'].sum()):,} significant")
        del null
    cut = _dense_bins_cut(network.bins)
    dense = _dense_share(network.bins)
    applied = config.attach_test if config.attach_test != "auto" else \
        ("objects" if dense >= DENSE_STREAM_SHARE else "co-actions")
    note = _dense_note(cut, config, applied)
    if note:
        notes.append(note)
    edges = network.edges
    release_memory()
    progress.begin("groups confirmed on held-out halves")
    confirmation = steps.confirm_groups(pairs, table, network, config, codes=codes)
    progress.done(counted(len(confirmation.groups), "group") + " tested")
    release_memory()
    progress.begin("clusters: merging, stability, outside accounts")
    merged = steps.merge_groups(confirmation, config)
    stability = steps.cluster_stability(edges[edges["significant"]], merged.labels, config)
    attached = steps.attach_outsiders(edges, pairs, merged.labels,
                                      config.replace(attach_test=applied), codes=codes,
                                      table=table, network=network)
    release_memory()
    reported = steps.report_clusters(pairs, attached.labels, stability, merged.replication,
                                     used, config, codes=codes)
    progress.done(f"{counted(reported.labels.nunique(), 'cluster')}, "
                  f"{counted(len(reported.labels), 'account')}")
    labels = reported.labels
    clusters = (labels.rename_axis(ACCOUNT_ID).reset_index()
                .sort_values([CLUSTER_ID, ACCOUNT_ID], kind="stable").reset_index(drop=True))
    ca = mapped(edges[ACCOUNT_ID], labels)
    cb = mapped(edges[ACCOUNT_ID_Y], labels)
    edges[CLUSTER_ID] = ca.where(ca == cb).astype("Int64")
    del ca, cb
    params = {**dataclasses.asdict(asked), "traces_used": list(used),
              "timestamp_resolution_s": resolution if resolution == resolution else None,
              "effective_window_s": config.window, "confirmation_split": "object",
              "null_bins_cut": cut, "dense_share": round(dense, 4),
              "attach_test_applied": applied,
              "notes": list(notes),
              "behaviour_rule_applied": reported.behaviour_rule,
              "n_trace_rows": int(len(table)), "n_pairs": int(len(pairs)),
              "n_edges_tested": int(len(edges)),
              "n_edges_significant": int(edges["significant"].sum())}
    progress.begin("components and statistics")
    comp_accounts = account_components(edges)
    components = component_table(edges, comp_accounts, clusters, confirmation.groups,
                                 confirmation.members, asked,
                                 behaviour_rule=reported.behaviour_rule)
    release_memory()
    # the statistics read the inside edges' cluster, test and counts: not a copy of them all
    inside = edges.loc[edges[CLUSTER_ID].notna(),
                       [CLUSTER_ID, "significant", nw.WEIGHT, EXPECTED]]
    stats = cluster_stats(clusters, inside, pairs, table,
                          accounts=dataset.accounts if dataset is not None else None,
                          stability=reported.stability, fdr=config.fdr, codes=codes)
    del inside
    per_account = account_stats(clusters, edges, pairs, table, codes=codes)
    fingerprint = dataset.fingerprint() if dataset is not None else frame_fingerprint(table)
    del codes, table
    release_memory()
    progress.done(counted(len(components), "co-sharing component"))
    # the ids stay categories (a fraction of the memory of strings): the result makes the
    # string table the first time ``.pairs`` is read (see CoordinationResult.pairs_table)
    return CoordinationResult(
        clusters=clusters, edges=edges, pairs=pairs, params=params,
        cluster_stats=stats, account_stats=per_account,
        fingerprint=fingerprint,
        null=network.null, candidates=reported.candidates,
        attachments=attached.attachments, validation=confirmation.groups,
        validation_members=confirmation.members, notes=notes, components=components,
        account_components=comp_accounts)


def _dense_bins_cut(bins: pd.DataFrame) -> int:
    """How many null bins (one trace, one ``null_bin``) were cut into parts as dense.

    Examples
    --------
    >>> _dense_bins_cut(pd.DataFrame({"trace": ["a", "a", "b"], "bin": [64, 96, 64],
    ...                              "level": [1, 1, 0]}))
    1
    """
    if LEVEL not in bins.columns or not len(bins):
        return 0
    cut = bins[bins[LEVEL].to_numpy() > 0]
    return int(len(cut[["trace"]].assign(base=cut["bin"].to_numpy() >> MAX_SPLIT)
                   .drop_duplicates()))


def _dense_share(bins: pd.DataFrame) -> float:
    """Share of the trace rows that lie in null bins cut as dense (0 when none was).

    Examples
    --------
    >>> _dense_share(pd.DataFrame({"n_actions": [900, 300, 100], "level": [1, 1, 0]}))
    0.9230769230769231
    """
    if LEVEL not in bins.columns or not len(bins):
        return 0.0
    n = bins["n_actions"].to_numpy(dtype=np.int64)
    total = int(n.sum())
    return float(n[bins[LEVEL].to_numpy() > 0].sum() / total) if total else 0.0


def _dense_note(cut: int, config: CoordinationConfig, applied: str) -> str | None:
    """What a reader of a dense stream's clusters should know (None for sparse data)."""
    if not cut:
        return None
    note = (f"{cut:,} null-model bins held more than {config.null_bin_actions:,} actions "
            f"of one behaviour in {float(config.null_bin) / 3600:g} h (a dense stream) and "
            "were cut into shorter parts, so that the minutes after a viral post appears "
            "keep their own popularity")
    if config.attach and applied == "objects" and config.attach_test == "auto":
        note += ("; most actions lay in such bins, so an outside account joined a cluster "
                 "on the distinct objects it shares with the members, not its summed "
                 "co-actions (attach_test='auto'; see docs/scale.md)")
    elif config.attach and applied == "co-actions":
        note += ("; in a dense repost stream heavy users of viral posts can still join "
                 "clusters through the pooled attachment test: attach_test='objects' "
                 "tests those ties on the shared objects instead (see docs/scale.md)")
    return note


def _co_actions(table: pd.DataFrame, config: CoordinationConfig
                ) -> tuple[pd.DataFrame, nw.PairCodes | None]:
    """The co-action rows (ids as categories) and their integer codes (None: no rows).

    Every step after this groups and matches on the codes. With DuckDB the codes come
    straight from the join's row numbers; another engine's rows are coded afterwards.
    """
    if config.engine == "duckdb":
        return nw.coded_co_actions(table, window=config.window,
                                   min_participation=config.min_participation,
                                   max_object_shares=config.max_object_shares,
                                   memory_limit=config.memory_limit,
                                   temp_directory=config.temp_directory)
    pairs = nw.co_actions(table, window=config.window,
                          min_participation=config.min_participation,
                          max_object_shares=config.max_object_shares, engine=config.engine,
                          memory_limit=config.memory_limit,
                          temp_directory=config.temp_directory, id_dtype="category")
    return pairs, (nw.pair_codes(pairs) if len(pairs) else None)


def _trace_table(data: Dataset | pd.DataFrame, ready: pd.DataFrame | None,
                 config: CoordinationConfig) -> pd.DataFrame:
    """The trace table: given, or built from the dataset; checked for its columns."""
    if ready is not None:
        table = ready
    elif not isinstance(data, Dataset) and isinstance(data, pd.DataFrame) \
            and config.traces is None:
        table = data
    else:
        table = build_traces(data, traces=config.traces, text_threshold=config.text_threshold,
                             media_distance=config.media_distance, seed=config.seed)
        if not config.share_chains:
            table = _direct_share_objects(table, data)
    missing = [c for c in TRACE_COLUMNS if c not in table.columns]
    if missing:
        raise DataFormatError(f"trace table: missing column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)} (expected {', '.join(TRACE_COLUMNS)})")
    return table


def _direct_share_objects(table: pd.DataFrame, data: Dataset | pd.DataFrame) -> pd.DataFrame:
    """Repost rows keyed by the post *directly* shared, not the root of its share chain.

    CooRTweet's object is the shared post itself (``referenced_tweet_id``); a share of a
    share is then a different object from the original. ``share_chains=False`` asks for that.
    """
    actions = data.actions if isinstance(data, Dataset) else data
    if OBJECT_ID not in actions.columns or table.empty:
        return table
    shares = actions[actions[KIND].isin(SHARE_KINDS) & actions[OBJECT_ID].notna()]
    direct = dict(zip(shares[ACTION_ID].astype(str), "post:" + shares[OBJECT_ID].astype(str),
                      strict=True))
    is_share = (table[TRACE] == "repost") & table[ACTION_ID].astype(str).isin(direct)
    out = table.copy()
    out.loc[is_share, OBJECT_ID] = out.loc[is_share, ACTION_ID].astype(str).map(direct)
    return out
