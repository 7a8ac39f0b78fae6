"""Score analysis results against a scenario's planted truth.

Every function takes a result table and the truth (the ``dict`` of DataFrames from
:func:`netlib.io.scenario.read_truth`, or a :class:`netlib.synth.Scenario`) and returns a
small ``dict`` of metrics (or, for time zones, a DataFrame with one row per cluster).
Nothing here fits or tunes anything: it only counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from netlib.errors import ParameterError
from netlib.schema import (
    ACCOUNT_ID,
    CLUSTER_ID,
    HUB_SCORE,
    PREDECESSOR_ID,
    RANK,
    SCORE,
    SUCCESSOR_ID,
    UTC_OFFSET,
)
from netlib.synth.truth import CATEGORY, COMPLAINT_ID, NETWORK_ID

__all__ = ["score_accounts", "score_clusters", "coordination_scorer", "score_links", "score_hubs",
           "score_timezones", "score_complaints", "score_analysis"]


def _tables(truth: Any) -> dict[str, pd.DataFrame]:
    tables = getattr(truth, "truth", truth)
    if not isinstance(tables, dict):
        raise ParameterError("truth must be a dict of DataFrames (netlib.io.scenario."
                             f"read_truth) or a Scenario, not {type(truth).__name__}")
    return tables


def _table(truth: Any, name: str, columns: Iterable[str]) -> pd.DataFrame:
    tables = _tables(truth)
    if name not in tables or tables[name] is None:
        raise ParameterError(f"truth has no {name!r} table (has: {', '.join(sorted(tables))})")
    frame = tables[name]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"truth table {name!r} lacks column(s) {', '.join(missing)} "
                             f"(found: {', '.join(map(str, frame.columns))})")
    return frame


def _need(frame: pd.DataFrame, what: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what} lacks column(s) {', '.join(missing)} "
                             f"(found: {', '.join(map(str, frame.columns))})")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": int(tp), "fp": int(fp),
            "fn": int(fn)}


def score_accounts(flagged_ids: Iterable[str], truth: Any) -> dict[str, Any]:
    """Precision, recall and F1 of a set of flagged accounts against the planted networks.

    Parameters
    ----------
    flagged_ids : iterable of str
        Account ids a method flagged as coordinated (duplicates are ignored).
    truth : dict or Scenario
        Needs ``coordinated`` (``account_id``); ``benign`` is used when present.

    Returns
    -------
    dict
        ``precision, recall, f1, tp, fp, fn, n_flagged, n_true`` and ``benign_flagged``
        (flagged accounts the truth lists as deliberately suspicious-looking but organic:
        news outlets, fans, look-alikes...).

    Raises
    ------
    ParameterError
        If the truth lacks the ``coordinated`` table.

    Examples
    --------
    >>> truth = {"coordinated": pd.DataFrame({"account_id": ["a", "b"],
    ...                                       "network_id": ["N1", "N1"]})}
    >>> score_accounts(["a", "c"], truth)["precision"]
    0.5
    """
    coord = _table(truth, "coordinated", [ACCOUNT_ID])
    flagged = set(map(str, flagged_ids))
    true = set(coord[ACCOUNT_ID].astype(str))
    out = _prf(len(flagged & true), len(flagged - true), len(true - flagged))
    out.update(n_flagged=len(flagged), n_true=len(true))
    benign = _tables(truth).get("benign")
    if benign is not None and ACCOUNT_ID in benign.columns:
        out["benign_flagged"] = len(flagged & set(benign[ACCOUNT_ID].astype(str)))
    return out


def score_clusters(clusters_df: pd.DataFrame, truth: Any) -> dict[str, Any]:
    """Agreement of detected clusters with the planted networks (ARI, NMI, purity).

    Partitions are compared over the union of the planted accounts and the clustered
    accounts; an account missing from one side is its own singleton there, so missing a
    network and inventing one both cost. ``ari_overlap`` compares only accounts present on
    both sides (how well found accounts are grouped).

    Parameters
    ----------
    clusters_df : DataFrame
        ``account_id, cluster_id`` (coordinated accounts only).
    truth : dict or Scenario
        Needs ``coordinated`` (``account_id, network_id``).

    Returns
    -------
    dict
        ``ari, nmi, ari_overlap, homogeneity, completeness, purity, n_clusters,
        n_networks, networks_found`` (networks with a cluster holding at least half of
        their accounts, more than half of it from that network) plus the account-level
        ``precision, recall, f1``.

    Raises
    ------
    ParameterError
        If a column is missing.

    References
    ----------
    Hubert & Arabie (1985), Comparing partitions, J. Classification 2:193-218.
    """
    _need(clusters_df, "clusters_df", [ACCOUNT_ID, CLUSTER_ID])
    coord = _table(truth, "coordinated", [ACCOUNT_ID, NETWORK_ID])
    pred = (clusters_df.drop_duplicates(ACCOUNT_ID)
            .assign(**{ACCOUNT_ID: lambda f: f[ACCOUNT_ID].astype(str)})
            .set_index(ACCOUNT_ID)[CLUSTER_ID].astype(str))
    true = coord.assign(**{ACCOUNT_ID: coord[ACCOUNT_ID].astype(str)}) \
        .set_index(ACCOUNT_ID)[NETWORK_ID].astype(str)
    union = sorted(set(pred.index) | set(true.index))
    t_lab = [f"t:{true[a]}" if a in true.index else f"none:{a}" for a in union]
    p_lab = [f"p:{pred[a]}" if a in pred.index else f"none:{a}" for a in union]
    both = sorted(set(pred.index) & set(true.index))
    out: dict[str, Any] = {}
    if union:
        out["ari"] = float(skm.adjusted_rand_score(t_lab, p_lab))
        out["nmi"] = float(skm.normalized_mutual_info_score(t_lab, p_lab))
    else:
        out["ari"] = out["nmi"] = 0.0
    if len(both) >= 2:
        tb, pb = true[both].to_numpy(), pred[both].to_numpy()
        out["ari_overlap"] = float(skm.adjusted_rand_score(tb, pb))
        out["homogeneity"] = float(skm.homogeneity_score(tb, pb))
        out["completeness"] = float(skm.completeness_score(tb, pb))
    else:
        out["ari_overlap"] = out["homogeneity"] = out["completeness"] = 0.0
    # purity: share of clustered accounts that belong to their cluster's majority network
    joined = pd.DataFrame({CLUSTER_ID: pred, NETWORK_ID: true.reindex(pred.index)})
    joined[NETWORK_ID] = joined[NETWORK_ID].fillna("(organic)")
    counts = joined.groupby([CLUSTER_ID, NETWORK_ID]).size()
    out["purity"] = float(counts.groupby(level=0).max().sum() / len(joined)) if len(joined) \
        else 0.0
    found = 0
    net_sizes = true.value_counts()
    clus_sizes = pred.value_counts()
    for (cid, net), n in counts.items():
        if net != "(organic)" and n >= 0.5 * net_sizes[net] and n > 0.5 * clus_sizes[cid]:
            found += 1
    out.update(n_clusters=int(pred.nunique()), n_networks=int(true.nunique()),
               networks_found=int(found))
    acc = score_accounts(pred.index, truth)
    out.update(precision=acc["precision"], recall=acc["recall"], f1=acc["f1"])
    return out


def coordination_scorer(truth: Any) -> Callable[[Any], dict[str, float]]:
    """A function that scores a coordination result against planted truth.

    For :func:`netlib.coordination.compare.window_sensitivity` (its ``score=``): the
    returned function takes a result and gives ``precision`` and ``recall`` of the flagged
    accounts and the ``ari`` of the clusters.
    """
    def score(result: Any) -> dict[str, float]:
        accounts = score_accounts(result.flagged, truth)
        return {"precision": accounts["precision"], "recall": accounts["recall"],
                "ari": score_clusters(result.clusters, truth)["ari"]}

    return score


def score_links(links_df: pd.DataFrame, truth: Any, *, top: int | None = None) -> dict[str, Any]:
    """Precision and recall of predicted mirror links (predecessor -> successor).

    Parameters
    ----------
    links_df : DataFrame
        ``predecessor_id, successor_id`` and optionally ``score`` and ``rank``.
    truth : dict or Scenario
        Needs ``mirrors`` (``predecessor_id, successor_id``).
    top : int, optional
        Keep only links with ``rank <= top`` (needs a ``rank`` column).

    Returns
    -------
    dict
        ``precision, recall, f1, tp, fp, fn, n_links, n_true`` and ``reversed`` (links
        predicted in the wrong direction), ``successor_top1`` (share of true successors
        whose best-scored predicted predecessor is the true one; needs ``score``).

    Raises
    ------
    ParameterError
        If a column is missing, or ``top`` is given without a ``rank`` column.
    """
    _need(links_df, "links_df", [PREDECESSOR_ID, SUCCESSOR_ID])
    mirrors = _table(truth, "mirrors", [PREDECESSOR_ID, SUCCESSOR_ID])
    links = links_df
    if top is not None:
        if RANK not in links.columns:
            raise ParameterError("top= needs a 'rank' column in links_df")
        links = links[links[RANK] <= top]
    pred = set(zip(links[PREDECESSOR_ID].astype(str), links[SUCCESSOR_ID].astype(str),
                   strict=True))
    true = set(zip(mirrors[PREDECESSOR_ID].astype(str), mirrors[SUCCESSOR_ID].astype(str),
                   strict=True))
    out = _prf(len(pred & true), len(pred - true), len(true - pred))
    out.update(n_links=len(pred), n_true=len(true),
               reversed=len({(b, a) for a, b in pred} & true))
    if SCORE in links.columns and len(true):
        best = (links.assign(_p=links[PREDECESSOR_ID].astype(str),
                             _s=links[SUCCESSOR_ID].astype(str))
                .sort_values([SCORE, "_p"], ascending=[False, True], kind="stable")
                .drop_duplicates("_s").set_index("_s")["_p"])
        hits = sum(1 for p, s_ in true if best.get(s_) == p)
        out["successor_top1"] = hits / len(true)
    return out


def score_hubs(hubs_df: pd.DataFrame, truth: Any, k: int | None = None) -> dict[str, Any]:
    """How well a hub ranking puts the planted operators first.

    Parameters
    ----------
    hubs_df : DataFrame
        ``account_id`` with ``rank`` (1 = strongest) or ``hub_score`` (higher first).
    truth : dict or Scenario
        Needs ``operators`` (``account_id``).
    k : int, optional
        Cut-off for precision/recall at k (default: the number of planted operators).

    Returns
    -------
    dict
        ``k, precision_at_k, recall_at_k, average_precision, mrr`` (reciprocal rank of the
        first operator), ``operators_ranked`` (operators anywhere in the ranking),
        ``n_operators``.

    Raises
    ------
    ParameterError
        If ``hubs_df`` has neither ``rank`` nor ``hub_score``, or ``k`` < 1.
    """
    _need(hubs_df, "hubs_df", [ACCOUNT_ID])
    ops = set(_table(truth, "operators", [ACCOUNT_ID])[ACCOUNT_ID].astype(str))
    if RANK in hubs_df.columns:
        ordered = hubs_df.sort_values([RANK, ACCOUNT_ID], kind="stable")
    elif HUB_SCORE in hubs_df.columns:
        ordered = hubs_df.sort_values([HUB_SCORE, ACCOUNT_ID], ascending=[False, True],
                                      kind="stable")
    else:
        raise ParameterError("hubs_df needs a 'rank' or a 'hub_score' column")
    ids = list(dict.fromkeys(ordered[ACCOUNT_ID].astype(str)))
    k = len(ops) if k is None else int(k)
    if k < 1:
        raise ParameterError(f"k must be at least 1 (got {k})")
    hit = np.array([a in ops for a in ids], dtype=bool)
    top = hit[:k]
    precision_at = [hit[: i + 1].mean() for i in range(len(hit)) if hit[i]]
    first = int(np.argmax(hit)) + 1 if hit.any() else None
    return {
        "k": k, "precision_at_k": float(top.sum() / k),
        "recall_at_k": float(top.sum() / len(ops)) if ops else 0.0,
        "average_precision": float(np.sum(precision_at) / len(ops)) if ops else 0.0,
        "mrr": 1.0 / first if first else 0.0,
        "operators_ranked": int(hit.sum()), "n_operators": len(ops),
    }


def _circular_error(estimate: np.ndarray, true: np.ndarray) -> np.ndarray:
    diff = (np.asarray(estimate, dtype=float) - np.asarray(true, dtype=float) + 12) % 24 - 12
    return np.abs(diff)


def score_timezones(tz_df: pd.DataFrame, clusters_df: pd.DataFrame, truth: Any) -> pd.DataFrame:
    """Compare each cluster's estimated UTC offset with its majority network's offset.

    Parameters
    ----------
    tz_df : DataFrame
        ``cluster_id, utc_offset_hours`` and optionally ``low, high`` (an interval).
    clusters_df : DataFrame
        ``account_id, cluster_id`` (to map clusters onto planted networks).
    truth : dict or Scenario
        Needs ``coordinated`` and ``networks`` (``network_id, utc_offset_hours``).

    Returns
    -------
    DataFrame
        One row per cluster: ``cluster_id, network_id`` (majority network, NA for an
        organic cluster), ``share`` (its share of the cluster), ``estimate, true,
        error_hours`` (around the clock: 23 vs -1 is 0 h), ``within_1h`` and
        ``in_interval`` (when ``low``/``high`` are given). ``DataFrame.attrs["summary"]``
        holds ``mean_error_hours, share_within_1h, n_scored``.

    Raises
    ------
    ParameterError
        If a column is missing.
    """
    _need(tz_df, "tz_df", [CLUSTER_ID, UTC_OFFSET])
    _need(clusters_df, "clusters_df", [ACCOUNT_ID, CLUSTER_ID])
    coord = _table(truth, "coordinated", [ACCOUNT_ID, NETWORK_ID])
    nets = _table(truth, "networks", [NETWORK_ID, UTC_OFFSET])
    net_of = dict(zip(coord[ACCOUNT_ID].astype(str), coord[NETWORK_ID].astype(str),
                      strict=True))
    offset = dict(zip(nets[NETWORK_ID].astype(str), nets[UTC_OFFSET].astype(float),
                      strict=True))
    members = clusters_df.assign(_cid=clusters_df[CLUSTER_ID].astype(str),
                                 _net=clusters_df[ACCOUNT_ID].astype(str).map(net_of))
    rows = []
    for tz in tz_df.itertuples(index=False):
        tz = tz._asdict()
        cid = str(tz[CLUSTER_ID])
        nets_in = members.loc[members["_cid"] == cid, "_net"]
        counts = nets_in.value_counts()
        net = counts.index[0] if len(counts) else None
        share = float(counts.iloc[0] / len(nets_in)) if len(counts) else 0.0
        true = offset.get(net, np.nan) if net is not None else np.nan
        est = float(tz[UTC_OFFSET]) if pd.notna(tz[UTC_OFFSET]) else np.nan
        err = float(_circular_error([est], [true])[0]) if np.isfinite(est) and \
            np.isfinite(true) else np.nan
        row = {CLUSTER_ID: tz[CLUSTER_ID], NETWORK_ID: net, "share": share, "estimate": est,
               "true": true, "error_hours": err,
               "within_1h": bool(err <= 1.0) if np.isfinite(err) else False}
        if "low" in tz and "high" in tz and np.isfinite(true) and pd.notna(tz["low"]) \
                and pd.notna(tz["high"]):
            lo, hi = float(tz["low"]), float(tz["high"])
            row["in_interval"] = bool(lo <= true <= hi or lo <= true + 24 <= hi
                                      or lo <= true - 24 <= hi)
        rows.append(row)
    out = pd.DataFrame(rows, columns=[CLUSTER_ID, NETWORK_ID, "share", "estimate", "true",
                                      "error_hours", "within_1h", "in_interval"])
    scored = out["error_hours"].notna()
    out.attrs["summary"] = {
        "mean_error_hours": float(out.loc[scored, "error_hours"].mean()) if scored.any()
        else float("nan"),
        "share_within_1h": float(out.loc[scored, "within_1h"].mean()) if scored.any()
        else 0.0,
        "n_scored": int(scored.sum())}
    return out


#: Triage categories that mean "this entry is part of a planted operation".
_FLAGGING = {"operator", "mirror", "network_member", "recreated"}
#: Triage categories counted as the same answer as a truth category.
_SAME = {"network_member": {"network_member", "recreated"}, "operator": {"operator"},
         "mirror": {"mirror"}}


def score_complaints(triage_df: pd.DataFrame, truth: Any) -> dict[str, Any]:
    """How well a triage of ``complaints.csv`` separates network accounts from innocents.

    Rows are matched on ``complaint_id`` when the triage kept that column, else by order.

    Parameters
    ----------
    triage_df : DataFrame
        One row per complaint with a ``category`` column (operator, mirror,
        network_member, recreated, no_signal, not_found, ...).
    truth : dict or Scenario
        Needs ``complaints`` (``complaint_id, expected_category``).

    Returns
    -------
    dict
        ``accuracy`` (exact category; ``recreated`` counts as ``network_member``),
        ``flag_accuracy`` (flagged vs not flagged), ``innocent_flagged`` (innocent entries,
        look-alikes included, that were flagged), ``missed`` (network entries not flagged),
        ``n`` and ``confusion`` (a DataFrame: expected category x triage category).

    Raises
    ------
    ParameterError
        If ``category`` is missing or the row counts differ without ``complaint_id``.
    """
    _need(triage_df, "triage_df", ["category"])
    expected = _table(truth, "complaints", [COMPLAINT_ID, CATEGORY])
    if COMPLAINT_ID in triage_df.columns:
        got = triage_df.set_index(triage_df[COMPLAINT_ID].astype(str))["category"]
        got = got[~got.index.duplicated()]
        pred = expected[COMPLAINT_ID].astype(str).map(got)
    elif len(triage_df) == len(expected):
        pred = pd.Series(triage_df["category"].to_numpy(), index=expected.index)
    else:
        raise ParameterError(f"triage_df has {len(triage_df)} rows but the truth lists "
                             f"{len(expected)} complaints, and there is no complaint_id "
                             "column to match them")
    want = expected[CATEGORY].astype(str).to_numpy()
    pred = pred.fillna("(missing)").astype(str).to_numpy()
    exact = np.array([p in _SAME.get(w, set()) or (w not in _SAME and p not in _FLAGGING)
                      for w, p in zip(want, pred, strict=True)])
    want_flag = np.isin(want, list(_SAME))
    pred_flag = np.isin(pred, list(_FLAGGING))
    n = len(want)
    return {
        "accuracy": float(exact.mean()) if n else 0.0,
        "flag_accuracy": float((want_flag == pred_flag).mean()) if n else 0.0,
        "innocent_flagged": int((~want_flag & pred_flag).sum()),
        "missed": int((want_flag & ~pred_flag).sum()),
        "n": n,
        "confusion": pd.crosstab(pd.Series(want, name="expected"),
                                 pd.Series(pred, name="triage")),
    }


def score_analysis(analysis: Any, truth: Any) -> pd.DataFrame:
    """Every applicable score for one analysis run, as a tidy table.

    Parameters
    ----------
    analysis : Analysis-like
        Read by duck typing: ``coordination`` (``.clusters``), ``mirrors`` (``.links``),
        ``hubs`` (``.hubs``, ``.timezones``) and ``triage`` (a DataFrame); missing parts
        are skipped.
    truth : dict or Scenario
        The planted truth.

    Returns
    -------
    DataFrame
        ``area, metric, value`` with areas ``accounts, clusters, mirrors, hubs, timezones,
        complaints``; only scalar metrics are listed.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> truth = {"coordinated": pd.DataFrame({"account_id": ["a"], "network_id": ["N1"]})}
    >>> run = SimpleNamespace(coordination=SimpleNamespace(
    ...     clusters=pd.DataFrame({"account_id": ["a"], "cluster_id": [0]})))
    >>> score_analysis(run, truth).query("metric == 'f1'")["value"].tolist()
    [1.0, 1.0]
    """
    rows: list[tuple[str, str, float]] = []

    def add(area: str, metrics: dict) -> None:
        rows.extend((area, k, float(v)) for k, v in metrics.items()
                    if isinstance(v, (int, float, np.integer, np.floating))
                    and not isinstance(v, bool))

    coordination = getattr(analysis, "coordination", None)
    clusters = getattr(coordination, "clusters", None)
    if clusters is not None:
        add("accounts", score_accounts(clusters[ACCOUNT_ID], truth))
        add("clusters", score_clusters(clusters, truth))
    links = getattr(getattr(analysis, "mirrors", None), "links", None)
    if links is not None:
        add("mirrors", score_links(links, truth))
    hubs = getattr(analysis, "hubs", None)
    if getattr(hubs, "hubs", None) is not None:
        add("hubs", score_hubs(hubs.hubs, truth))
    timezones = getattr(hubs, "timezones", None)
    if timezones is not None and clusters is not None and len(timezones):
        add("timezones", score_timezones(timezones, clusters, truth).attrs["summary"])
    triage = getattr(analysis, "triage", None)
    if isinstance(triage, pd.DataFrame) and "complaints" in _tables(truth):
        try:
            add("complaints", score_complaints(triage, truth))
        except ParameterError:
            pass  # the triage was not of the scenario's complaints
    return pd.DataFrame(rows, columns=["area", "metric", "value"])
