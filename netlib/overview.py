"""Descriptive summaries of a Dataset: what is in the data before any analysis.

These are the tables behind the data-overview notebook; they are pure functions that
return tidy DataFrames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.lookup import arrow_strings, positions
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    HANDLE,
    KIND,
    OBJECT_ID,
    PLATFORM,
    SOURCE_ID,
    STATUS,
    TARGET_ID,
    TIMESTAMP,
)

__all__ = ["accounts_by_platform", "activity_over_time", "hour_of_day", "action_links",
           "interaction_edges", "INTERACTION_KINDS"]

#: Action kinds that point at another action (``object_id``).
INTERACTION_KINDS = ("repost", "reply", "quote", "forward")


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


def action_links(actions: pd.DataFrame, *,
                 kinds: tuple[str, ...] = INTERACTION_KINDS) -> pd.DataFrame:
    """One row per action that points at another action in the data, with both authors.

    An action of one of ``kinds`` whose ``object_id`` is the ``action_id`` of another
    action links its author (source) to the author of that action (target). Objects
    outside the data and self-links are dropped.

    Parameters
    ----------
    actions : DataFrame
        A Dataset's actions (``action_id, account_id, kind, object_id``).
    kinds : tuple of str
        Action kinds to follow.

    Returns
    -------
    DataFrame with columns ``source_id, target_id, kind, object_id``, in the order of
    ``actions``.
    """
    has = actions[OBJECT_ID].notna() & actions[KIND].isin(kinds)
    refs = actions.loc[has, [ACCOUNT_ID, KIND, OBJECT_ID]]
    # the row of each object among the action ids (Arrow's hash lookup; the first row of
    # an id that repeats), then that row's author
    row = positions(refs[OBJECT_ID], arrow_strings(actions[ACTION_ID]).combine_chunks())
    if len(refs) and all(_plain_strings(refs[c]) for c in refs.columns):
        # the rows whose object is not in the data are dropped below: left out before their
        # values are made Python objects (the columns stay the str columns they would be)
        found = np.flatnonzero(row >= 0)
        if not len(found):
            return pd.DataFrame({SOURCE_ID: pd.Series(dtype="str"),
                                 TARGET_ID: pd.Series(dtype=object),
                                 KIND: pd.Series(dtype="str"),
                                 OBJECT_ID: pd.Series(dtype="str")})
        refs, row = refs.iloc[found], row[found]
        authors = actions[ACCOUNT_ID].iloc[row].to_numpy(dtype=object)
        row = np.arange(len(row))
    else:
        authors = np.append(actions[ACCOUNT_ID].to_numpy(dtype=object), None)
    links = pd.DataFrame({SOURCE_ID: refs[ACCOUNT_ID].to_numpy(),
                          TARGET_ID: authors[row],
                          KIND: refs[KIND].to_numpy(),
                          OBJECT_ID: refs[OBJECT_ID].to_numpy()})
    links = links[links[TARGET_ID].notna() & (links[SOURCE_ID] != links[TARGET_ID])]
    return links.reset_index(drop=True)


def _plain_strings(values: pd.Series) -> bool:
    """Whether ``values`` is a ``str`` column or a categorical of strings: its values as
    Python objects are strings and NaN."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):    # a missing code reads as NaN
        return isinstance(dtype.categories.dtype, pd.StringDtype)
    return dtype == pd.StringDtype(na_value=np.nan)


def interaction_edges(data: Dataset, *,
                      kinds: tuple[str, ...] = INTERACTION_KINDS) -> pd.DataFrame:
    """Account-to-account interactions: who reposts, replies to, quotes or forwards whom.

    Counts :func:`action_links` per pair of accounts and kind.

    Returns
    -------
    DataFrame with columns ``source_id, target_id, kind, interactions``, sorted by
    ``interactions`` descending then ids (deterministic).
    """
    links = action_links(data.actions, kinds=kinds)
    out = (links.groupby([SOURCE_ID, TARGET_ID, KIND]).size().rename("interactions")
           .reset_index())
    return out.sort_values(["interactions", SOURCE_ID, TARGET_ID, KIND],
                           ascending=[False, True, True, True], kind="stable").reset_index(drop=True)


def handles(data: Dataset) -> pd.Series:
    """account_id -> handle, for labelling figures."""
    return data.accounts.set_index(ACCOUNT_ID)[HANDLE]
