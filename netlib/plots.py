"""Figures for the briefing: take results, return a Figure, never save.

The data-overview figures (``accounts_bar``, ``activity_timeline``, ``hour_heatmap``,
``interaction_graph``) live in ``netlib._overview_plots`` and are re-exported here.

Every briefing figure comes as an interactive plotly figure (``network_map``, ``chain_timeline``,
``activity_heatmap``, ``survival_curve``) and a static matplotlib twin with the same name
and a ``_static`` suffix. Saving is :func:`netlib.report.save_figure`'s job.

Text from the data (handles, names) can be hostile: it is HTML-escaped before it goes into
plotly hover labels, because plotly renders hover text as a subset of HTML.

Results are read by duck typing (``getattr(result, "clusters", None)``), so any object with
the DataFrames named in the analysis contracts works, including a ``SimpleNamespace``.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from netlib._overview_plots import (  # data-overview figures, part of this namespace
    accounts_bar,
    activity_timeline,
    hour_heatmap,
    interaction_graph,
    interaction_graph_static,
)
from netlib.schema import (  # result columns are re-exported here, as they always were
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CHAIN_ID,
    CLUSTER_ID,
    CREATED_AT,
    HANDLE,
    HUB_SCORE,
    P_VALUE,
    PLATFORM,
    POSITION,
    PREDECESSOR_ID,
    Q_VALUE,
    RANK,
    SCORE,
    STATUS,
    SUCCESSOR_ID,
    SUSPENDED_AT,
    TAKEN_DOWN_AT,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
    TZ_HIGH,
    TZ_LOW,
    UTC_OFFSET,
    WEIGHT,
)

__all__ = [
    "CLUSTER_ID", "ACCOUNT_ID_Y", "PREDECESSOR_ID", "SUCCESSOR_ID", "SCORE", "CHAIN_ID",
    "POSITION", "HUB_SCORE", "RANK", "Q_VALUE", "P_VALUE", "WEIGHT", "TIME_DELTA",
    "UTC_OFFSET", "TZ_LOW", "TZ_HIGH", "TRACE", "TAKEN_DOWN_AT",
    "account_labels", "coordination_edges", "recreation_times", "kaplan_meier", "activity_matrix",
    "network_map", "network_map_static", "chain_timeline", "chain_timeline_static",
    "activity_heatmap", "activity_heatmap_by_cluster", "activity_heatmap_static",
    "survival_curve", "survival_curve_static",
    # data overview (netlib._overview_plots)
    "accounts_bar", "activity_timeline", "hour_heatmap", "interaction_graph",
    "interaction_graph_static",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939")


def _frame(result: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(result, name, None) if result is not None else None
    return frame if isinstance(frame, pd.DataFrame) else None


def _esc(value: Any) -> str:
    """HTML-escape one value for plotly text (plotly renders a subset of HTML)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def account_labels(dataset: Any) -> dict[str, str]:
    """``account_id -> "@handle (platform)"`` for display (not escaped)."""
    accounts = getattr(dataset, "accounts", None)
    if accounts is None or accounts.empty:
        return {}
    handle = accounts[HANDLE].astype("string").fillna("")
    platform = (accounts[PLATFORM].astype("string").fillna("") if PLATFORM in accounts
                else pd.Series("", index=accounts.index))
    handle = handle.str.lstrip("@").str.slice(0, 60)  # hover labels stay readable
    text = "@" + handle + " (" + platform + ")"
    return dict(zip(accounts[ACCOUNT_ID].astype(str), text.astype(str), strict=True))


def _label(labels: dict[str, str], account_id: Any) -> str:
    return labels.get(str(account_id), str(account_id))


# --- network map ----------------------------------------------------------------------------
def coordination_edges(coordination: Any) -> pd.DataFrame | None:
    """The significant ties of a coordination result.

    ``significant_edges`` when the result has it, else ``edges`` filtered on a
    ``significant`` column when there is one, else ``edges`` as they are.
    """
    significant = _frame(coordination, "significant_edges")
    if significant is not None:
        return significant
    edges = _frame(coordination, "edges")
    if edges is not None and "significant" in edges:
        return edges[edges["significant"].fillna(False).astype(bool)]
    return edges


def _weighted_degree(edges: pd.DataFrame | None) -> pd.Series:
    if edges is None or edges.empty:
        return pd.Series(dtype=float)
    w = edges[WEIGHT] if WEIGHT in edges else pd.Series(1.0, index=edges.index)
    both = pd.concat([pd.Series(w.to_numpy(), index=edges[ACCOUNT_ID].astype(str)),
                      pd.Series(w.to_numpy(), index=edges[ACCOUNT_ID_Y].astype(str))])
    return both.groupby(level=0).sum()


def _network_layout(coordination: Any, *, max_nodes: int, seed: int):
    import networkx as nx

    clusters = _frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    graph = nx.Graph()
    membership: dict[str, Any] = {}
    if clusters is not None and not clusters.empty:
        sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
        kept, total = [], 0
        for cid, size in sizes.items():
            if total and total + size > max_nodes:
                break
            kept.append(cid)
            total += size
        chosen = clusters[clusters[CLUSTER_ID].isin(kept)]
        if len(chosen) > max_nodes:  # one cluster alone is too big: keep its best-tied accounts
            chosen = chosen.assign(_d=chosen[ACCOUNT_ID].astype(str).map(
                _weighted_degree(edges)).fillna(0))
            chosen = chosen.sort_values(["_d", ACCOUNT_ID], ascending=[False, True],
                                        kind="stable").head(max_nodes)
        membership = dict(zip(chosen[ACCOUNT_ID].astype(str), chosen[CLUSTER_ID], strict=True))
        graph.add_nodes_from(sorted(membership))
    if edges is not None and not edges.empty and membership:
        ok = edges[ACCOUNT_ID].astype(str).isin(membership) & \
            edges[ACCOUNT_ID_Y].astype(str).isin(membership)
        weights = edges.loc[ok, WEIGHT] if WEIGHT in edges else pd.Series(1.0, index=edges.index)
        for a, b, w in zip(edges.loc[ok, ACCOUNT_ID].astype(str),
                           edges.loc[ok, ACCOUNT_ID_Y].astype(str), weights[ok], strict=True):
            graph.add_edge(a, b, weight=float(w))
    pos = nx.spring_layout(graph, seed=seed) if graph.number_of_nodes() else {}
    return graph, membership, pos


def network_map(coordination: Any, dataset: Any = None, *, max_nodes: int = 400,
                seed: int = 0):
    """The coordination network: accounts as dots coloured by cluster, co-action ties as lines.

    Parameters
    ----------
    coordination : CoordinationResult-like
        Needs ``.clusters`` (``account_id, cluster_id``) and ``.edges`` (``account_id,
        account_id_y[, weight]``).
    dataset : Dataset, optional
        For handles in the hover labels.
    max_nodes : int
        The largest clusters are drawn until this many accounts are shown; when the largest
        cluster alone is bigger, its accounts with the strongest ties are shown.
    seed : int
        Seed of the spring layout.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    graph, membership, pos = _network_layout(coordination, max_nodes=max_nodes, seed=seed)
    labels = account_labels(dataset)
    fig = go.Figure()
    xs, ys = [], []
    for a, b in graph.edges():
        xs += [pos[a][0], pos[b][0], None]
        ys += [pos[a][1], pos[b][1], None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.5, "color": "#bbb"},
                             hoverinfo="skip", name="co-action ties", showlegend=False))
    order = pd.Series(list(membership.values())).value_counts(sort=True).index.tolist()
    for i, cid in enumerate(order):
        nodes = [n for n in graph.nodes if membership[n] == cid]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
            marker={"size": 9, "color": _PALETTE[i % len(_PALETTE)],
                    "line": {"width": 0.5, "color": "white"}},
            name=_esc(f"cluster {cid} ({len(nodes)})"),
            hovertext=[_esc(f"{_label(labels, n)} · cluster {cid}") for n in nodes],
            hoverinfo="text", showlegend=i < 12))
    total = 0 if _frame(coordination, "clusters") is None else \
        coordination.clusters[ACCOUNT_ID].nunique()
    title = "Coordination network (accounts coloured by cluster)"
    if total > len(membership) > 0:
        title += f" — the {len(membership):,} best-tied of {total:,} accounts"
    fig.update_layout(title=title,
                      xaxis={"visible": False}, yaxis={"visible": False},
                      template="plotly_white", height=520, margin={"l": 10, "r": 10, "t": 50})
    if not membership:
        _empty_note(fig, "no coordinated clusters were found")
    return fig


def network_map_static(coordination: Any, dataset: Any = None, *, max_nodes: int = 400,
                       seed: int = 0):
    """Static twin of :func:`network_map` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    graph, membership, pos = _network_layout(coordination, max_nodes=max_nodes, seed=seed)
    fig, ax = plt.subplots(figsize=(7, 6))
    for a, b in graph.edges():
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#ccc", lw=0.4,
                zorder=1)
    order = pd.Series(list(membership.values())).value_counts(sort=True).index.tolist()
    for i, cid in enumerate(order):
        nodes = [n for n in graph.nodes if membership[n] == cid]
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=18, zorder=2,
                   color=_PALETTE[i % len(_PALETTE)],
                   label=f"cluster {cid} ({len(nodes)})" if i < 12 else None)
    ax.set_axis_off()
    ax.set_title("Coordination network (accounts coloured by cluster)")
    if order:
        ax.legend(loc="best", fontsize=7, frameon=False)
    else:
        ax.text(0.5, 0.5, "no coordinated clusters were found", ha="center",
                transform=ax.transAxes)
    return fig


# --- chain timeline ---------------------------------------------------------------------------
def _lifespans(dataset: Any) -> pd.DataFrame:
    """``account_id, start, end`` per account: creation (or first action) to removal/last action."""
    accounts = dataset.accounts
    actions = dataset.actions
    first = actions.groupby(ACCOUNT_ID)[TIMESTAMP].min() if len(actions) else pd.Series(
        dtype="datetime64[ns, UTC]")
    last = actions.groupby(ACCOUNT_ID)[TIMESTAMP].max() if len(actions) else first
    ids = accounts[ACCOUNT_ID].astype(str)
    start = accounts[CREATED_AT] if CREATED_AT in accounts else pd.Series(pd.NaT, index=ids.index)
    end = accounts[SUSPENDED_AT] if SUSPENDED_AT in accounts else pd.Series(pd.NaT, index=ids.index)
    out = pd.DataFrame({ACCOUNT_ID: ids.to_numpy(),
                        "start": pd.to_datetime(start, utc=True).array,
                        "end": pd.to_datetime(end, utc=True).array})
    out["start"] = out["start"].fillna(out[ACCOUNT_ID].map(first))
    out["end"] = out["end"].fillna(out[ACCOUNT_ID].map(last))
    out["end"] = out["end"].fillna(out["start"])
    return out.set_index(ACCOUNT_ID)


def _chain_rows(mirrors: Any, dataset: Any, max_chains: int) -> pd.DataFrame:
    chains = _frame(mirrors, "chains")
    if chains is None or chains.empty:
        return pd.DataFrame(columns=[CHAIN_ID, POSITION, ACCOUNT_ID, "start", "end"])
    sizes = chains.groupby(CHAIN_ID).size().sort_values(ascending=False, kind="stable")
    keep = sizes.index[:max_chains]
    rows = chains[chains[CHAIN_ID].isin(keep)].sort_values([CHAIN_ID, POSITION], kind="stable")
    spans = _lifespans(dataset)
    removed = rows[TAKEN_DOWN_AT] if TAKEN_DOWN_AT in rows else None
    rows = rows[[CHAIN_ID, POSITION, ACCOUNT_ID]].copy()
    rows[ACCOUNT_ID] = rows[ACCOUNT_ID].astype(str)
    rows["start"] = rows[ACCOUNT_ID].map(spans["start"])
    rows["end"] = rows[ACCOUNT_ID].map(spans["end"])
    if removed is not None:  # the mirror analysis' takedown time (also inferred ones)
        rows["end"] = pd.to_datetime(removed, utc=True).fillna(rows["end"])
    return rows.reset_index(drop=True)


def chain_timeline(mirrors: Any, dataset: Any, *, max_chains: int = 30):
    """Mirror chains over time: one row per chain, one bar per account's active life.

    Parameters
    ----------
    mirrors : MirrorResult-like
        Needs ``.chains`` (``chain_id, position, account_id``).
    dataset : Dataset
        For creation/removal times (``created_at``, else the first action; the chain's
        ``taken_down_at`` when present, else ``suspended_at``, else the last action) and
        handles.
    max_chains : int
        The longest chains shown.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    rows = _chain_rows(mirrors, dataset, max_chains)
    labels = account_labels(dataset)
    fig = go.Figure()
    for i, (cid, group) in enumerate(rows.groupby(CHAIN_ID, sort=False)):
        xs, ys, texts = [], [], []
        for r in group.itertuples(index=False):
            if pd.isna(r.start):
                continue
            xs += [r.start, r.end, None]
            ys += [_esc(f"chain {cid}")] * 2 + [None]
            text = _esc(f"{_label(labels, r.account_id)} · position {r.position}")
            texts += [text, text, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", hovertext=texts,
                                 hoverinfo="text", line={"width": 8,
                                                         "color": _PALETTE[i % len(_PALETTE)]},
                                 marker={"size": 8, "symbol": "line-ns-open"},
                                 name=_esc(f"chain {cid}"), showlegend=False))
    fig.update_layout(title="Mirror chains: each bar is one account's life, left to right",
                      template="plotly_white", xaxis_title="time (UTC)",
                      height=max(300, 40 + 28 * rows[CHAIN_ID].nunique()),
                      margin={"l": 10, "r": 10, "t": 50})
    if rows.empty:
        _empty_note(fig, "no mirror chains were found")
    return fig


def chain_timeline_static(mirrors: Any, dataset: Any, *, max_chains: int = 30):
    """Static twin of :func:`chain_timeline` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    rows = _chain_rows(mirrors, dataset, max_chains)
    chains = list(dict.fromkeys(rows[CHAIN_ID]))
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * len(chains) + 1)))
    for i, cid in enumerate(chains):
        group = rows[rows[CHAIN_ID] == cid].dropna(subset=["start"])
        for r in group.itertuples(index=False):
            ax.plot([r.start, r.end], [i, i], lw=6, solid_capstyle="butt",
                    color=_PALETTE[int(r.position) % len(_PALETTE)] if pd.notna(r.position)
                    else "#555")
    ax.set_yticks(range(len(chains)), [f"chain {c}" for c in chains])
    ax.invert_yaxis()
    ax.set_xlabel("time (UTC)")
    ax.set_title("Mirror chains: each bar is one account's life")
    if not chains:
        ax.text(0.5, 0.5, "no mirror chains were found", ha="center", transform=ax.transAxes)
    fig.autofmt_xdate()
    return fig


# --- hour x weekday heatmap ---------------------------------------------------------------------
def activity_matrix(dataset: Any, *, account_ids: Any = None) -> pd.DataFrame:
    """Action counts by weekday (rows ``Mon..Sun``) and UTC hour (columns ``0..23``)."""
    actions = dataset.actions
    if account_ids is not None:
        actions = actions[actions[ACCOUNT_ID].astype(str).isin(set(map(str, account_ids)))]
    ts = pd.to_datetime(actions[TIMESTAMP], utc=True)
    counts = pd.crosstab(ts.dt.day_of_week, ts.dt.hour) if len(ts) else pd.DataFrame()
    counts = counts.reindex(index=range(7), columns=range(24), fill_value=0)
    counts.index = list(WEEKDAYS)
    return counts.astype(int)


def activity_heatmap(dataset: Any, *, account_ids: Any = None, title: str | None = None):
    """When accounts act: action counts by weekday and hour of day (UTC).

    Parameters
    ----------
    dataset : Dataset
    account_ids : iterable of str, optional
        Restrict to these accounts (e.g. one coordinated cluster).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    matrix = activity_matrix(dataset, account_ids=account_ids)
    fig = go.Figure(go.Heatmap(z=matrix.values, x=list(range(24)), y=list(matrix.index),
                               colorscale="Blues", colorbar={"title": "actions"},
                               hovertemplate="%{y} %{x}:00 UTC: %{z} actions<extra></extra>"))
    fig.update_layout(title=_esc(title or "Activity by hour of day (UTC) and weekday"),
                      xaxis_title="hour of day (UTC)", template="plotly_white", height=340,
                      yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10, "t": 50})
    return fig


def activity_heatmap_by_cluster(dataset: Any, coordination: Any, *, top: int = 8):
    """Hour x weekday heatmaps (UTC) of the coordinated accounts, one per network.

    A menu switches between all coordinated accounts and each of the ``top`` largest
    networks, so a reader can check each network's time-zone estimate by eye.

    Parameters
    ----------
    dataset : Dataset
    coordination : CoordinationResult-like
        Needs ``.clusters`` (``account_id, cluster_id``); without clusters this is
        :func:`activity_heatmap` of all accounts.
    top : int
        Networks offered in the menu, largest first.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    clusters = _frame(coordination, "clusters")
    if clusters is None or clusters.empty:
        return activity_heatmap(dataset, title="All accounts: activity by hour (UTC) and weekday")
    sizes = clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False, kind="stable")
    groups = [("all coordinated accounts", clusters[ACCOUNT_ID])]
    groups += [(f"network {cid} ({n} accounts)",
                clusters.loc[clusters[CLUSTER_ID] == cid, ACCOUNT_ID])
               for cid, n in sizes.head(top).items()]
    fig = go.Figure()
    for i, (name, ids) in enumerate(groups):
        matrix = activity_matrix(dataset, account_ids=ids)
        fig.add_trace(go.Heatmap(
            z=matrix.values, x=list(range(24)), y=list(matrix.index), colorscale="Blues",
            name=_esc(name), visible=i == 0, colorbar={"title": "actions"},
            hovertemplate="%{y} %{x}:00 UTC: %{z} actions<extra></extra>"))
    buttons = [{"label": _esc(name), "method": "update",
                "args": [{"visible": [j == i for j in range(len(groups))]},
                         {"title": _esc(f"Activity by hour (UTC) and weekday: {name}")}]}
               for i, (name, _) in enumerate(groups)]
    fig.update_layout(title=_esc(f"Activity by hour (UTC) and weekday: {groups[0][0]}"),
                      updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right",
                                    "y": 1.18, "yanchor": "top"}],
                      xaxis_title="hour of day (UTC)", template="plotly_white", height=380,
                      yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10, "t": 80})
    return fig


def activity_heatmap_static(dataset: Any, *, account_ids: Any = None, title: str | None = None):
    """Static twin of :func:`activity_heatmap` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    matrix = activity_matrix(dataset, account_ids=account_ids)
    fig, ax = plt.subplots(figsize=(8, 3))
    image = ax.imshow(matrix.values, aspect="auto", cmap="Blues")
    ax.set_yticks(range(7), list(matrix.index))
    ax.set_xticks(range(0, 24, 3))
    ax.set_xlabel("hour of day (UTC)")
    ax.set_title(title or "Activity by hour of day (UTC) and weekday")
    fig.colorbar(image, ax=ax, label="actions")
    return fig


# --- takedown / re-creation survival ------------------------------------------------------------
def recreation_times(dataset: Any, mirrors: Any) -> pd.DataFrame:
    """Time from each removed account's takedown to the creation of its first successor.

    When ``mirrors`` carries its own ``survival`` table (``account_id, taken_down_at,
    recreated, hours``) that is used (successor columns then stay empty). Otherwise removed
    accounts are those with status ``suspended``/``deleted`` or a ``suspended_at``.
    A successor created before the takedown (a back-up staged in advance) counts as 0 days.
    Accounts without a successor are censored at the end of the data.

    Returns
    -------
    DataFrame
        ``account_id, removed_at, successor_id, recreated_at, days, observed`` (``observed``
        is False for censored accounts).
    """
    columns = [ACCOUNT_ID, "removed_at", SUCCESSOR_ID, "recreated_at", "days", "observed"]
    own = _frame(mirrors, "survival")
    if own is not None and {"hours", "recreated"} <= set(own.columns):
        # the mirror analysis' own takedown table (it also infers unmarked takedowns)
        own = own.dropna(subset=["hours"])
        return pd.DataFrame({
            ACCOUNT_ID: own[ACCOUNT_ID].astype(str).to_numpy(),
            "removed_at": own[TAKEN_DOWN_AT].array if TAKEN_DOWN_AT in own
            else pd.NaT, SUCCESSOR_ID: None, "recreated_at": pd.NaT,
            "days": (pd.to_numeric(own["hours"]) / 24).clip(lower=0).to_numpy(),
            "observed": own["recreated"].astype(bool).to_numpy()}, columns=columns)
    accounts = dataset.accounts
    spans = _lifespans(dataset)
    status = accounts[STATUS] if STATUS in accounts else pd.Series(None, index=accounts.index)
    removed_at = (pd.to_datetime(accounts[SUSPENDED_AT], utc=True) if SUSPENDED_AT in accounts
                  else pd.Series(pd.NaT, index=accounts.index, dtype="datetime64[ns, UTC]"))
    is_removed = status.isin(["suspended", "deleted"]) | removed_at.notna()
    if not is_removed.any():
        return pd.DataFrame(columns=columns)
    removed = pd.DataFrame({ACCOUNT_ID: accounts.loc[is_removed, ACCOUNT_ID].astype(str)
                            .to_numpy(), "removed_at": removed_at[is_removed].array})
    removed["removed_at"] = pd.to_datetime(removed["removed_at"], utc=True).fillna(
        removed[ACCOUNT_ID].map(spans["end"]))
    removed = removed.dropna(subset=["removed_at"])
    links = _frame(mirrors, "links")
    if links is not None and not links.empty:
        succ = links[[PREDECESSOR_ID, SUCCESSOR_ID]].astype(str).copy()
        succ["recreated_at"] = succ[SUCCESSOR_ID].map(spans["start"])
        succ = succ.dropna(subset=["recreated_at"]).sort_values("recreated_at", kind="stable")
        succ = succ.drop_duplicates(PREDECESSOR_ID).set_index(PREDECESSOR_ID)
        removed[SUCCESSOR_ID] = removed[ACCOUNT_ID].map(succ[SUCCESSOR_ID])
        removed["recreated_at"] = removed[ACCOUNT_ID].map(succ["recreated_at"])
    else:
        removed[SUCCESSOR_ID] = None
        removed["recreated_at"] = pd.NaT
    end = pd.to_datetime(dataset.actions[TIMESTAMP], utc=True).max() if len(dataset.actions) \
        else removed["removed_at"].max()
    removed["observed"] = removed["recreated_at"].notna()
    until = pd.to_datetime(removed["recreated_at"], utc=True).where(removed["observed"], end)
    removed["days"] = ((until - removed["removed_at"]).dt.total_seconds() / 86400).clip(lower=0)
    return removed[columns].sort_values(ACCOUNT_ID, kind="stable").reset_index(drop=True)


def kaplan_meier(days: pd.Series, observed: pd.Series) -> pd.DataFrame:
    """Kaplan–Meier estimate: ``days, at_risk, events, survival`` (survival starts at 1).

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53(282), 457–481.
    """
    frame = pd.DataFrame({"days": pd.to_numeric(days).values,
                          "observed": pd.Series(observed).astype(bool).values})
    rows = [{"days": 0.0, "at_risk": len(frame), "events": 0, "survival": 1.0}]
    survival = 1.0
    for t, group in frame.groupby("days", sort=True):
        at_risk = int((frame["days"] >= t).sum())
        events = int(group["observed"].sum())
        if events:
            survival *= 1 - events / at_risk
        rows.append({"days": float(t), "at_risk": at_risk, "events": events,
                     "survival": survival})
    return pd.DataFrame(rows)


def survival_curve(dataset: Any, mirrors: Any):
    """Share of removed accounts not yet re-created, by days since takedown (Kaplan–Meier).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    times = recreation_times(dataset, mirrors)
    curve = kaplan_meier(times["days"], times["observed"]) if len(times) else None
    fig = go.Figure()
    if curve is not None:
        fig.add_trace(go.Scatter(x=curve["days"], y=curve["survival"], mode="lines",
                                 line_shape="hv", name="not yet re-created",
                                 customdata=curve[["at_risk"]].values,
                                 hovertemplate="%{x:.1f} days: %{y:.0%} not yet re-created "
                                               "(%{customdata[0]} at risk)<extra></extra>"))
    fig.update_layout(title="After a takedown: how long until a successor appears?",
                      xaxis_title="days since removal", yaxis_title="share not yet re-created",
                      yaxis={"range": [0, 1.05], "tickformat": ".0%"}, template="plotly_white",
                      height=340, margin={"l": 10, "r": 10, "t": 50})
    if curve is None:
        _empty_note(fig, "no removed accounts in the data")
    return fig


def survival_curve_static(dataset: Any, mirrors: Any):
    """Static twin of :func:`survival_curve` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    times = recreation_times(dataset, mirrors)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    if len(times):
        curve = kaplan_meier(times["days"], times["observed"])
        ax.step(curve["days"], curve["survival"], where="post")
    else:
        ax.text(0.5, 0.5, "no removed accounts in the data", ha="center",
                transform=ax.transAxes)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("days since removal")
    ax.set_ylabel("share not yet re-created")
    ax.set_title("After a takedown: how long until a successor appears?")
    return fig


def _empty_note(fig, text: str) -> None:
    fig.add_annotation(text=_esc(text), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14, "color": "#666"})
