"""Descriptive summaries of a Dataset: what is in the data before any analysis.

These are the tables behind the data-overview notebook; they are pure functions that
return tidy DataFrames.
"""

from __future__ import annotations

import pandas as pd

from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    HANDLE,
    KIND,
    OBJECT_ID,
    PLATFORM,
    STATUS,
    TIMESTAMP,
    Dataset,
    ParameterError,
)

__all__ = ["accounts_by_platform", "activity_over_time", "hour_of_day", "interaction_edges"]


def accounts_by_platform(data: Dataset) -> pd.DataFrame:
    """Account counts by platform and status.

    Returns
    -------
    DataFrame with columns ``platform, status, accounts`` (status ``unknown`` when blank).
    """
    frame = data.accounts[[PLATFORM, STATUS]].copy()
    frame[STATUS] = frame[STATUS].fillna("unknown")
    out = frame.groupby([PLATFORM, STATUS]).size().rename("accounts").reset_index()
    return out.sort_values([PLATFORM, STATUS], kind="stable").reset_index(drop=True)


def activity_over_time(data: Dataset, *, freq: str = "D") -> pd.DataFrame:
    """Actions per period, platform and kind.

    Parameters
    ----------
    data : Dataset
    freq : str, default "D"
        A pandas period alias ("h", "D", "W").

    Returns
    -------
    DataFrame with columns ``period, platform, kind, actions``.
    """
    acts = data.actions
    period = acts[TIMESTAMP].dt.floor(freq).rename("period")
    out = (acts.assign(period=period).groupby(["period", PLATFORM, KIND]).size()
           .rename("actions").reset_index())
    return out


def hour_of_day(data: Dataset, *, by: str = PLATFORM) -> pd.DataFrame:
    """Actions by UTC hour of day (columns 0..23), one row per value of ``by``.

    Parameters
    ----------
    data : Dataset
    by : str, default "platform"
        An actions column to split rows by (``platform`` or ``kind``).

    Returns
    -------
    DataFrame indexed by ``by`` with 24 integer columns (UTC hours) of action counts.

    Raises
    ------
    ParameterError
        If ``by`` is not a column of the actions table.
    """
    if by not in data.actions.columns:
        raise ParameterError(f"hour_of_day: by={by!r} is not an actions column "
                             f"(have: {', '.join(data.actions.columns)})")
    hours = data.actions[TIMESTAMP].dt.hour
    table = pd.crosstab(data.actions[by], hours)
    return table.reindex(columns=range(24), fill_value=0)


def interaction_edges(data: Dataset, *, kinds: tuple[str, ...] = ("repost", "reply", "quote",
                                                                  "forward")) -> pd.DataFrame:
    """Account-to-account interactions: who reposts, replies to, quotes or forwards whom.

    An action whose ``object_id`` is another action in the data links its author (source)
    to the author of that action (target). Self-interactions are dropped.

    Returns
    -------
    DataFrame with columns ``source_id, target_id, kind, interactions``, sorted by
    ``interactions`` descending then ids (deterministic).
    """
    acts = data.actions
    links = acts.loc[acts[KIND].isin(kinds) & acts[OBJECT_ID].notna(),
                     [ACCOUNT_ID, KIND, OBJECT_ID]]
    authors = acts[[ACTION_ID, ACCOUNT_ID]].rename(columns={ACTION_ID: OBJECT_ID,
                                                           ACCOUNT_ID: "target_id"})
    merged = links.merge(authors, on=OBJECT_ID, how="inner").rename(
        columns={ACCOUNT_ID: "source_id"})
    merged = merged[merged["source_id"] != merged["target_id"]]
    out = (merged.groupby(["source_id", "target_id", KIND]).size().rename("interactions")
           .reset_index())
    return out.sort_values(["interactions", "source_id", "target_id", KIND],
                           ascending=[False, True, True, True], kind="stable").reset_index(drop=True)


def handles(data: Dataset) -> pd.Series:
    """account_id -> handle, for labelling figures."""
    return data.accounts.set_index(ACCOUNT_ID)[HANDLE]
