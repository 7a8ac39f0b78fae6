"""Figures of the hub analysis (cascades, time-zone fits): take results, return a Figure,
never save.

Handles and other text from the data can be hostile: everything that goes into plotly
hover text or titles passes :func:`netlib.safe.escape_html` first (plotly renders a subset
of HTML).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from netlib.hubs._columns import CLUSTER_ID, N_ACTIONS, STATEMENT, UTC_OFFSET
from netlib.hubs.timezones import hour_of_week
from netlib.safe import escape_html
from netlib.schema import ACCOUNT_ID, OBJECT_ID, TIMESTAMP
from netlib.units import utc_offset_label

__all__ = ["cascade_figure", "cascade_figure_static", "offset_heatmap",
           "offset_heatmaps_static", "offset_likelihood"]


def cascade_figure(cascade: pd.DataFrame, *, title: str | None = None):
    """Who follows an account, on which objects, and how many seconds later (plotly).

    Parameters
    ----------
    cascade : DataFrame
        Output of :func:`netlib.hubs.cascade` (``object_id, account_id, handle, delay_s,
        via``).
    title : str, optional
        Escaped before display.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per object (y), one marker per follower at its delay in seconds (x, log
        scale), coloured by how it followed (amplified or co-action).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    objects = list(dict.fromkeys(cascade[OBJECT_ID].astype(str)))
    row = {o: i for i, o in enumerate(objects)}
    for via, part in cascade.groupby("via", sort=True):
        delay = part["delay_s"].clip(lower=1).astype(float)
        hover = [f"@{escape_html(h)} ({escape_html(a)})<br>{d:,.0f} s after, {escape_html(via)}<br>object "
                 f"{escape_html(o)}" for h, a, d, o in zip(part["handle"], part[ACCOUNT_ID], delay,
                                                    part[OBJECT_ID], strict=True)]
        fig.add_trace(go.Scatter(
            x=delay, y=[row[str(o)] for o in part[OBJECT_ID]], mode="markers",
            name=escape_html(via), text=hover, hovertemplate="%{text}<extra></extra>",
            marker={"size": 8, "opacity": 0.75}))
    fig.update_layout(
        title=escape_html(title or "Who follows, and how fast"), template="plotly_white",
        xaxis={"type": "log", "title": "seconds after the leading action"},
        yaxis={"title": "object (one row each)", "tickvals": list(range(len(objects))),
               "ticktext": [escape_html(o)[:18] for o in objects], "autorange": "reversed"},
        height=max(300, 22 * len(objects) + 120), margin={"l": 10, "r": 10, "t": 50})
    return fig


def cascade_figure_static(cascade: pd.DataFrame, *, title: str | None = None):
    """Static twin of :func:`cascade_figure` (matplotlib Figure)."""
    import matplotlib.pyplot as plt

    objects = list(dict.fromkeys(cascade[OBJECT_ID].astype(str)))
    row = {o: i for i, o in enumerate(objects)}
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(objects) + 1)))
    for via, part in cascade.groupby("via", sort=True):
        ax.scatter(part["delay_s"].clip(lower=1).astype(float),
                   [row[str(o)] for o in part[OBJECT_ID]], s=14, alpha=0.7, label=str(via))
    ax.set_xscale("log")
    ax.set_xlabel("seconds after the leading action")
    ax.set_yticks(range(len(objects)), [o[:18] for o in objects], fontsize=7)
    ax.invert_yaxis()
    ax.set_title(title or "Who follows, and how fast")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def _cluster_times(data: Any, clusters: pd.DataFrame, cluster_id: Any) -> pd.Series:
    ids = set(clusters.loc[clusters[CLUSTER_ID] == cluster_id, ACCOUNT_ID].astype(str))
    acts = data.actions
    return acts.loc[acts[ACCOUNT_ID].astype(str).isin(ids), TIMESTAMP]


def offset_heatmap(data: Any, clusters: pd.DataFrame, timezones: pd.DataFrame,
                   cluster_id: Any):
    """One cluster's activity by weekday and hour in the *fitted local time* (plotly).

    If the fit is right, the nights fall at the left edge (00:00-06:00) and, for organised
    work, the weekend rows are empty. The title carries the fit's statement.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fit = timezones[timezones[CLUSTER_ID] == cluster_id].iloc[0]
    offset = float(fit[UTC_OFFSET]) if pd.notna(fit[UTC_OFFSET]) else 0.0
    table = hour_of_week(_cluster_times(data, clusters, cluster_id), offset=offset)
    zone = utc_offset_label(offset) if pd.notna(fit[UTC_OFFSET]) else "UTC"
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=list(range(24)), y=list(table.index), colorscale="Blues",
        colorbar={"title": "actions"},
        hovertemplate=f"%{{y}} %{{x}}:00 ({escape_html(zone)}): %{{z}} actions<extra></extra>"))
    fig.update_layout(
        title=f"cluster {escape_html(cluster_id)}: {escape_html(fit[STATEMENT])}", template="plotly_white",
        xaxis_title=f"local hour under the fitted offset ({escape_html(zone)})", height=330,
        yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10, "t": 50},
        title_font_size=13)
    return fig


def offset_heatmaps_static(data: Any, clusters: pd.DataFrame, timezones: pd.DataFrame, *,
                           max_clusters: int = 6):
    """Small multiples of :func:`offset_heatmap` for the busiest clusters (matplotlib)."""
    import matplotlib.pyplot as plt

    fitted = timezones[timezones[UTC_OFFSET].notna()]
    fitted = fitted.sort_values(N_ACTIONS, ascending=False, kind="stable").head(max_clusters)
    n = max(len(fitted), 1)
    fig, axes = plt.subplots(n, 1, figsize=(8, 1.9 * n), squeeze=False)
    for ax, fit in zip(axes[:, 0], fitted.itertuples(index=False), strict=False):
        fit = fit._asdict()
        table = hour_of_week(_cluster_times(data, clusters, fit[CLUSTER_ID]),
                             offset=float(fit[UTC_OFFSET]))
        ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues")
        ax.set_yticks(range(7), list(table.index), fontsize=7)
        ax.set_xticks(range(0, 24, 3))
        ax.set_title(f"cluster {fit[CLUSTER_ID]}: {fit[STATEMENT]}", fontsize=8)
    axes[-1, 0].set_xlabel("local hour under the fitted offset")
    fig.tight_layout()
    return fig


def offset_likelihood(fit: dict[str, Any], *, title: str | None = None):
    """Log-likelihood of each candidate UTC offset (plotly line), from :func:`fit_offset`."""
    import plotly.graph_objects as go

    ll = fit["loglik"]
    labels = [[utc_offset_label(offset)] for offset in ll.index]
    fig = go.Figure(go.Scatter(x=ll.index, y=ll.to_numpy(), mode="lines+markers",
                               customdata=labels,
                               hovertemplate="%{customdata[0]}: %{y:.1f}<extra></extra>"))
    fig.update_layout(title=escape_html(title or fit.get(STATEMENT, "")), template="plotly_white",
                      xaxis_title="UTC offset (hours)", yaxis_title="log-likelihood",
                      height=300, margin={"l": 10, "r": 10, "t": 50}, title_font_size=13)
    return fig
