"""A dataset cut in time, as the registry-and-screen loop sees it.

:func:`observed_until` is what an analyst had on a given day (accounts created by then,
actions and removals before it); :func:`created_between` is the accounts that appeared in
a later span, as a screening would receive them (no removals known yet). Together they
replay the loop on one archive: register the removals of the first weeks, screen the
accounts created in the next ones.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.schema import (
    ACCOUNT_ID,
    CREATED_AT,
    SOURCE_ID,
    STATUS,
    SUSPENDED_AT,
    TARGET_ID,
    TIMESTAMP,
)

__all__ = ["observed_until", "created_between"]


def _when(value, name: str) -> pd.Timestamp:
    try:
        out = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"{name}={value!r} is not a time (e.g. 2025-02-17)") from err
    return out.tz_localize("UTC") if out.tzinfo is None else out.tz_convert("UTC")


def _first_seen(data: Dataset) -> pd.Series:
    ids = data.accounts[ACCOUNT_ID].astype(str)
    first_act = ids.map(data.actions.groupby(ACCOUNT_ID)[TIMESTAMP].min()) \
        if len(data.actions) else pd.Series(pd.NaT, index=ids.index)
    created = pd.to_datetime(data.accounts[CREATED_AT], utc=True)
    first_act = pd.to_datetime(first_act, utc=True)
    return created.where(created.notna() & ~(created > first_act), first_act)


def _keep(data: Dataset, accounts: pd.DataFrame, actions: pd.DataFrame,
          label: str) -> Dataset:
    ids = set(accounts[ACCOUNT_ID].astype(str))
    follows = data.follows
    if follows is not None:
        follows = follows[follows[SOURCE_ID].astype(str).isin(ids)
                          | follows[TARGET_ID].astype(str).isin(ids)]
    return dataclasses.replace(data, accounts=accounts.reset_index(drop=True),
                               actions=actions.reset_index(drop=True), follows=follows,
                               source=f"{data.source} ({label})")


def observed_until(data: Dataset, end) -> Dataset:
    """What was known at ``end``: accounts first seen before it, actions before it, and
    only the removals that had happened (a later removal reads as still active).

    Follows are kept as they are (an archive rarely dates them).

    Raises
    ------
    ParameterError
        If ``end`` is not a time.

    Examples
    --------
    >>> from netlib import synth
    >>> data = synth.generate(seed=1, scale=0.05).dataset
    >>> early = observed_until(data, "2025-02-01")
    >>> bool(early.actions["timestamp"].max() < pd.Timestamp("2025-02-01", tz="UTC"))
    True
    """
    end = _when(end, "end")
    first = _first_seen(data)
    acc = data.accounts[(first < end).to_numpy()].copy()
    down = pd.to_datetime(acc[SUSPENDED_AT], utc=True)
    later = (down >= end).to_numpy()
    acc.loc[later, STATUS] = "active"
    acc.loc[later, SUSPENDED_AT] = pd.NaT
    act = data.actions[(data.actions[TIMESTAMP] < end).to_numpy()
                       & data.actions[ACCOUNT_ID].isin(set(acc[ACCOUNT_ID])).to_numpy()]
    return _keep(data, acc, act, f"observed until {end:%Y-%m-%d}")


def created_between(data: Dataset, start, end) -> Dataset:
    """The accounts first seen in ``[start, end)``, with their actions before ``end``;
    their removal status is cleared (not known when they are screened).

    Raises
    ------
    ParameterError
        If ``start`` or ``end`` is not a time, or ``end`` is not after ``start``.
    """
    start, end = _when(start, "start"), _when(end, "end")
    if not end > start:
        raise ParameterError(f"end={end} must be after start={start}")
    first = _first_seen(data)
    acc = data.accounts[((first >= start) & (first < end)).to_numpy()].copy()
    acc[STATUS] = "active"
    acc[SUSPENDED_AT] = pd.NaT
    act = data.actions[(data.actions[TIMESTAMP] < end).to_numpy()
                       & data.actions[ACCOUNT_ID].isin(set(acc[ACCOUNT_ID])).to_numpy()]
    return _keep(data, acc, act, f"created {start:%Y-%m-%d} to {end:%Y-%m-%d}")
