"""When accounts act: hour x weekday heatmaps (UTC)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from netlib.plots._common import (
    WEEKDAYS,
    result_frame,
)
from netlib.safe import escape_html
from netlib.schema import (
    ACCOUNT_ID,
    CLUSTER_ID,
    TIMESTAMP,
)

__all__ = ["activity_matrix", "activity_heatmap", "activity_heatmap_by_cluster", "activity_heatmap_static"]


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
    fig.update_layout(title=escape_html(title or "Activity by hour of day (UTC) and weekday"),
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

    clusters = result_frame(coordination, "clusters")
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
            name=escape_html(name), visible=i == 0, colorbar={"title": "actions"},
            hovertemplate="%{y} %{x}:00 UTC: %{z} actions<extra></extra>"))
    buttons = [{"label": escape_html(name), "method": "update",
                "args": [{"visible": [j == i for j in range(len(groups))]},
                         {"title": escape_html(f"Activity by hour (UTC) and weekday: {name}")}]}
               for i, (name, _) in enumerate(groups)]
    fig.update_layout(title=escape_html(f"Activity by hour (UTC) and weekday: {groups[0][0]}"),
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
