"""Helpers to set up and check a hub ranking against external references."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
from scipy import stats

from netlib.errors import ParameterError
from netlib.hubs._columns import ACCOUNT_ID_Y, CLUSTER_ID, HUB_SCORE
from netlib.schema import ACCOUNT_ID, P_VALUE

__all__ = ["components_as_clusters", "reference_agreement"]


def components_as_clusters(pairs: pd.DataFrame, *, min_pairs: int = 1) -> pd.DataFrame:
    """Connected components of the co-action graph as clusters (CooRTweet's grouping).

    Parameters
    ----------
    pairs : DataFrame
        ``account_id, account_id_y`` co-action rows.
    min_pairs : int
        Keep only account pairs that co-acted at least this often.

    Returns
    -------
    DataFrame
        ``account_id, cluster_id`` (integers, largest component first).
    """
    if min_pairs < 1:
        raise ParameterError(f"min_pairs must be >= 1 (got {min_pairs})")
    counts = pairs.groupby([ACCOUNT_ID, ACCOUNT_ID_Y]).size()
    counts = counts[counts >= min_pairs].reset_index()
    if counts.empty:
        return pd.DataFrame(columns=[ACCOUNT_ID, CLUSTER_ID])
    m = len(counts)
    codes, names = pd.factorize(np.concatenate([counts[ACCOUNT_ID].to_numpy(dtype=object),
                                                counts[ACCOUNT_ID_Y].to_numpy(dtype=object)]))
    g = ig.Graph(n=len(names), edges=np.column_stack([codes[:m], codes[m:]]))
    comp = np.asarray(g.connected_components().membership)
    sizes = np.bincount(comp)
    rank = np.empty_like(sizes)
    rank[np.lexsort((np.arange(len(sizes)), -sizes))] = np.arange(len(sizes))
    out = pd.DataFrame({ACCOUNT_ID: np.asarray(names, dtype=object), CLUSTER_ID: rank[comp]})
    return out.sort_values([CLUSTER_ID, ACCOUNT_ID], kind="stable").reset_index(drop=True)


def reference_agreement(hubs: pd.DataFrame, reference: pd.DataFrame, *,
                        columns: tuple[str, ...] = ("degree", "strength"),
                        signals: tuple[str, ...] = (HUB_SCORE,), k: int = 50) -> pd.DataFrame:
    """Spearman correlation and top-k overlap between hub signals and a reference ranking.

    Parameters
    ----------
    hubs : DataFrame
        ``HubResult.hubs``.
    reference : DataFrame
        ``account_id`` and the reference columns (e.g. CooRTweet's vertex ``degree`` and
        ``strength``).
    columns : tuple of str
        Reference columns to compare with.
    signals : tuple of str
        Hub columns to compare (``hub_score`` and any signal column).
    k : int
        Size of the top lists compared by overlap.

    Returns
    -------
    DataFrame
        ``signal, reference, n, spearman, p_value, top_k_overlap`` (share of the reference
        top-k found in the signal's top-k), over the accounts in both tables.

    Raises
    ------
    ParameterError
        If a column is missing.
    """
    for col in (ACCOUNT_ID, *columns):
        if col not in reference.columns:
            raise ParameterError(f"reference lacks column {col!r}")
    for col in (ACCOUNT_ID, *signals):
        if col not in hubs.columns:
            raise ParameterError(f"hubs lacks column {col!r}")
    ref = reference.assign(**{ACCOUNT_ID: reference[ACCOUNT_ID].astype(str)})
    merged = ref.merge(hubs.assign(**{ACCOUNT_ID: hubs[ACCOUNT_ID].astype(str)}),
                       on=ACCOUNT_ID, how="inner", suffixes=("_ref", ""))
    rows = []
    for signal in signals:
        for col in columns:
            rcol = f"{col}_ref" if f"{col}_ref" in merged.columns else col
            x, y = merged[signal].astype(float), merged[rcol].astype(float)
            rho, p = stats.spearmanr(x, y) if len(merged) > 2 else (np.nan, np.nan)
            kk = min(k, len(merged))
            top_x = set(merged.sort_values([signal, ACCOUNT_ID], ascending=[False, True],
                                           kind="stable")[ACCOUNT_ID].head(kk))
            top_y = set(merged.sort_values([rcol, ACCOUNT_ID], ascending=[False, True],
                                           kind="stable")[ACCOUNT_ID].head(kk))
            rows.append({"signal": signal, "reference": col, "n": len(merged),
                         "spearman": float(rho), P_VALUE: float(p),
                         "top_k_overlap": len(top_x & top_y) / kk if kk else np.nan})
    return pd.DataFrame(rows, columns=["signal", "reference", "n", "spearman", P_VALUE,
                                       "top_k_overlap"])
