"""Mirror figures: chain timelines and the takedown-to-re-creation survival curve."""

from __future__ import annotations

from typing import Any

import pandas as pd

from netlib import stats
from netlib.plots._common import (
    PALETTE,
    account_labels,
    empty_note,
    label_of,
    result_frame,
)
from netlib.safe import escape_html
from netlib.schema import (
    ACCOUNT_ID,
    CHAIN_ID,
    CREATED_AT,
    POSITION,
    PREDECESSOR_ID,
    STATUS,
    SUCCESSOR_ID,
    SUSPENDED_AT,
    TAKEN_DOWN_AT,
    TIMESTAMP,
)

__all__ = ["chain_timeline", "chain_timeline_static", "recreation_times", "kaplan_meier", "survival_curve", "survival_curve_static"]


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
    chains = result_frame(mirrors, "chains")
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
            ys += [escape_html(f"chain {cid}")] * 2 + [None]
            text = escape_html(f"{label_of(labels, r.account_id)} · position {r.position}")
            texts += [text, text, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", hovertext=texts,
                                 hoverinfo="text", line={"width": 8,
                                                         "color": PALETTE[i % len(PALETTE)]},
                                 marker={"size": 8, "symbol": "line-ns-open"},
                                 name=escape_html(f"chain {cid}"), showlegend=False))
    fig.update_layout(title="Mirror chains: each bar is one account's life, left to right",
                      template="plotly_white", xaxis_title="time (UTC)",
                      height=max(300, 40 + 28 * rows[CHAIN_ID].nunique()),
                      margin={"l": 10, "r": 10, "t": 50})
    if rows.empty:
        empty_note(fig, "no mirror chains were found")
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
                    color=PALETTE[int(r.position) % len(PALETTE)] if pd.notna(r.position)
                    else "#555")
    ax.set_yticks(range(len(chains)), [f"chain {c}" for c in chains])
    ax.invert_yaxis()
    ax.set_xlabel("time (UTC)")
    ax.set_title("Mirror chains: each bar is one account's life")
    if not chains:
        ax.text(0.5, 0.5, "no mirror chains were found", ha="center", transform=ax.transAxes)
    fig.autofmt_xdate()
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
    own = result_frame(mirrors, "survival")
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
    links = result_frame(mirrors, "links")
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

    :func:`netlib.stats.kaplan_meier` with its time column named ``days``.

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53(282), 457–481.

    Examples
    --------
    >>> kaplan_meier(pd.Series([1.0, 2.0]), pd.Series([True, True]))["survival"].tolist()
    [1.0, 0.5, 0.0]
    """
    curve = stats.kaplan_meier(days, observed).rename(columns={"time": "days"})
    return curve[["days", "at_risk", "events", "survival"]]


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
        empty_note(fig, "no removed accounts in the data")
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
