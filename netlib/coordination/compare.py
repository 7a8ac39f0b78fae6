"""Baselines and sensitivity checks for :func:`netlib.coordination.detect`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from netlib.coordination import clusters as cl
from netlib.coordination import network as nw
from netlib.coordination.detect import detect
from netlib.coordination.result import CoordinationResult
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.schema import ACCOUNT_ID
from netlib.traces import build_traces
from netlib.units import to_seconds

__all__ = ["naive_clusters", "window_sensitivity"]


def naive_clusters(data: Dataset | pd.DataFrame, *, window: float | str = 60,
                   min_participation: int = 2, quantile: float = 0.5,
                   min_cluster_size: int = 3) -> pd.DataFrame:
    """The usual peer method: fixed window, keep edges above a weight percentile, components.

    This mirrors CooRTweet's ``generate_coordinated_network(edge_weight=quantile)``: edges
    whose weight (distinct co-acted objects) is above the ``quantile`` of all edge weights
    are kept and connected components are the clusters. There is no null model, so bursts
    of organic activity and fan groups are kept whenever they repeat often enough.

    Parameters
    ----------
    data : Dataset or DataFrame
        A Dataset (all traces are built) or a trace table.
    window : float or str, default 60
        Co-action window: seconds, or a string such as ``"90s"`` or ``"2min"``.
    quantile : float
        Edge-weight percentile cut, in [0, 1).

    Returns
    -------
    DataFrame
        ``account_id, cluster_id``.

    Raises
    ------
    ParameterError
        If ``quantile`` is outside [0, 1), or ``window`` is not a duration.
    """
    window = to_seconds(window, name="window", allow_zero=True)
    if not 0 <= quantile < 1:
        raise ParameterError(f"quantile={quantile!r} must be in [0, 1)")
    table = build_traces(data) if isinstance(data, Dataset) else data
    pairs = nw.co_actions(table, window=window, min_participation=min_participation)
    edges = nw.edge_table(pairs)
    if edges.empty:
        return pd.DataFrame({ACCOUNT_ID: [], cl.CLUSTER_ID: []})
    cut = float(np.quantile(edges[nw.WEIGHT], quantile))
    kept = edges[edges[nw.WEIGHT] > cut]
    labels = cl.partition(kept, method="components")
    labels = labels[labels.map(labels.value_counts()) >= min_cluster_size]
    labels = cl.relabel(labels) if len(labels) else labels
    return labels.rename_axis(ACCOUNT_ID).reset_index()


def window_sensitivity(data: Dataset | pd.DataFrame, *,
                       windows: Iterable[float | str] = (10, 60, 300),
                       score: Callable[[CoordinationResult], dict[str, Any]] | None = None,
                       **options: Any) -> pd.DataFrame:
    """Run :func:`detect` once per window and tabulate what changes.

    Parameters
    ----------
    data : Dataset or DataFrame
        Traces are built once and reused.
    windows : iterable of float or str
        Seconds, or durations such as ``"5min"``.
    score : callable, optional
        ``score(result) -> dict``: extra columns per window, e.g. scores against a
        planted truth made with :mod:`netlib.evaluate`.
    **options
        Passed to :func:`detect`.

    Returns
    -------
    DataFrame
        One row per window: ``window, n_clusters, n_accounts, n_edges_significant,
        median_cluster_size`` (+ the keys of ``score``).
    """
    if isinstance(data, Dataset):
        table = build_traces(data, seed=options.get("seed", 0))
        dataset = data
    else:
        table, dataset = data, data
    rows = []
    for w in windows:
        res = detect(dataset, traces=table, window=w, **options)
        sizes = res.clusters.groupby(cl.CLUSTER_ID).size()
        row = {"window": float(res.params["window"]), "n_clusters": int(len(sizes)),
               "n_accounts": int(len(res.clusters)),
               "n_edges_significant": int(res.params["n_edges_significant"]),
               "median_cluster_size": float(sizes.median()) if len(sizes) else np.nan}
        if score is not None:
            row.update(score(res))
        rows.append(row)
    return pd.DataFrame(rows)
