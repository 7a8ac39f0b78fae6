"""Helpers shared by the figure modules: palette, escaping, account labels."""

from __future__ import annotations

from typing import Any

import pandas as pd

from netlib.safe import escape_html
from netlib.schema import ACCOUNT_ID, HANDLE, PLATFORM

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939")


def result_frame(result: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(result, name, None) if result is not None else None
    return frame if isinstance(frame, pd.DataFrame) else None


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


def label_of(labels: dict[str, str], account_id: Any) -> str:
    return labels.get(str(account_id), str(account_id))


def empty_note(fig, text: str) -> None:
    fig.add_annotation(text=escape_html(text), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14, "color": "#666"})
