"""Where a network is run from: the UTC offset that best fits its weekly activity rhythm.

People post on a daily rhythm anchored to their local clock: little between 02:00 and
06:00, a rise in the morning, a plateau through the day and an evening peak. Shifting a
documented reference curve over candidate UTC offsets and keeping the offset under which
the observed hour-of-week counts are most likely gives the offset the activity is
*consistent with*. A bootstrap over days gives an interval. A time zone is not a country:
the same offset spans many countries, and schedulers, shift work and diaspora operators
all move the rhythm away from where an operator sits.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.hubs._columns import (
    BACKGROUND,
    CLUSTER_ID,
    FIT,
    HIGH,
    LOW,
    N_ACTIONS,
    N_DAYS,
    PATTERN,
    REFERENCE,
    STATEMENT,
    UTC_OFFSET,
)
from netlib.hubs._util import account_codes
from netlib.hubs.config import HubConfig
from netlib.hubs.origin import ORIGIN_COLUMNS, origin_evidence
from netlib.schema import ACCOUNT_ID, TIMESTAMP
from netlib.units import utc_offset_label

__all__ = [
    "REFERENCE_DIURNAL",
    "REFERENCE_WEEKDAY",
    "REFERENCE_OFFICE",
    "REFERENCE_WEEKDAY_OFFICE",
    "REFERENCES",
    "BACKGROUND_SHARES",
    "fit_offset",
    "fit_group_offsets",
    "hour_of_week",
    "describe_offset",
    "fit_timezones",
]

#: Reference share of a day's posts in each local hour (00:00-00:59 first) for the
#: general population of posters. A smoothed curve of the shape repeatedly reported for
#: social-media posting across countries (Golder & Macy 2011; Grinberg et al. 2013): a
#: trough at 03:00-05:00 local time (about 1/8 of the daytime level), a rise between 06:00
#: and 09:00, a plateau through the day and a peak at 20:00-21:00. The numbers are a
#: smooth hand-drawn approximation of that shape, not a fit to any data set.
REFERENCE_DIURNAL = np.array([
    3.0, 1.9, 1.2, 0.8, 0.7, 0.9, 1.6, 2.9, 4.2, 5.0, 5.4, 5.6,
    5.7, 5.6, 5.5, 5.5, 5.5, 5.6, 5.8, 6.1, 6.3, 6.2, 5.4, 4.3,
])
REFERENCE_DIURNAL = REFERENCE_DIURNAL / REFERENCE_DIURNAL.sum()

#: Reference for organised, paid work: posting concentrated in office hours 09:00-18:00
#: with a lunch dip at 12:00-13:00 and shoulders at 08:00 and 18:00, as reported for
#: state-run posting operations that work in shifts on workdays (King, Pan & Roberts
#: 2017; the IRA's day and night shifts described in Linvill & Warren 2020). A
#: hand-drawn curve, not a fit; activity outside office hours keeps a small floor.
REFERENCE_OFFICE = np.array([
    0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.5, 1.5, 4.5, 4.5, 4.5,
    3.0, 4.5, 4.5, 4.5, 4.5, 3.0, 1.0, 0.4, 0.2, 0.2, 0.2, 0.15,
])
REFERENCE_OFFICE = REFERENCE_OFFICE / REFERENCE_OFFICE.sum()

#: Relative activity per local weekday (Monday first) of each reference: the general
#: population posts a little less at weekends; office work mostly stops. Weekday
#: weights are what tell apart offsets a whole day apart (e.g. UTC+13 and UTC-11).
REFERENCE_WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.85])
REFERENCE_WEEKDAY_OFFICE = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 0.1])

#: Named references: (daily curve, weekday weights). ``reference="auto"`` fits all of
#: them and keeps the one (and the offset) with the highest likelihood.
REFERENCES = {
    "social": (REFERENCE_DIURNAL, REFERENCE_WEEKDAY),
    "office": (REFERENCE_OFFICE, REFERENCE_WEEKDAY_OFFICE),
}

#: Shares of activity allowed to be flat background noise (the best one is fitted).
BACKGROUND_SHARES = (0.02, 0.1, 0.25)

_BINS_PER_HOUR = 2                      # half-hour resolution
_DAY_BINS = 24 * _BINS_PER_HOUR
_WEEK_BINS = 7 * _DAY_BINS
#: Log-likelihood handicap of offsets beyond +12 h against their twin 24 h earlier.
_FAR_EAST_HANDICAP = 3.0


def _weekly_reference(daily: np.ndarray, weekday: np.ndarray = REFERENCE_WEEKDAY
                      ) -> np.ndarray:
    """Half-hour-of-week log reference (length 336), Monday 00:00 local first."""
    daily = np.asarray(daily, dtype=float)
    if daily.shape != (24,) or not np.all(np.isfinite(daily)) or (daily <= 0).any():
        raise ParameterError("reference must be 24 positive numbers, one per local hour "
                             f"(got shape {daily.shape})")
    daily = daily / daily.sum()
    # hour values sit at hour centres; interpolate to half-hour bin centres on the circle
    centres = np.arange(24) + 0.5
    bins = (np.arange(_DAY_BINS) + 0.5) / _BINS_PER_HOUR
    ext_x = np.concatenate([centres - 24, centres, centres + 24])
    ext_y = np.concatenate([daily, daily, daily])
    half = np.interp(bins, ext_x, ext_y)
    week = np.concatenate([half * w for w in weekday])
    return np.log(week / week.sum())


def _references(reference: Any) -> dict[str, np.ndarray]:
    """Named weekly log references to fit."""
    if reference is None or (isinstance(reference, str) and reference == "auto"):
        return {name: _weekly_reference(*pair) for name, pair in REFERENCES.items()}
    if isinstance(reference, str):
        if reference not in REFERENCES:
            raise ParameterError(f"unknown reference {reference!r} (known: auto, "
                                 f"{', '.join(REFERENCES)}, or 24 numbers)")
        return {reference: _weekly_reference(*REFERENCES[reference])}
    return {"custom": _weekly_reference(np.asarray(reference, dtype=float))}


def _offset_grid(offsets: Any) -> np.ndarray:
    grid = np.asarray(offsets, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise ParameterError("offsets must be a non-empty 1-D sequence of hours")
    if not np.allclose(grid * _BINS_PER_HOUR, np.round(grid * _BINS_PER_HOUR)):
        raise ParameterError("offsets must be multiples of 0.5 h")
    return grid


def _half_hours(ts: pd.Series) -> np.ndarray:
    """Half-hours since the epoch of each (non-missing) timestamp, as int64."""
    ts = pd.to_datetime(pd.Series(ts), utc=True).dropna()
    return ts.astype("int64").to_numpy() // (1800 * 10**9)


def _day_bin_counts(half_hours: np.ndarray) -> tuple[np.ndarray, int]:
    """Counts per (UTC day, half-hour-of-week bin): a (n_days, 336) matrix."""
    # 1970-01-01 was a Thursday: shift so that bin 0 is Monday 00:00 UTC
    week_bin = (half_hours + 3 * _DAY_BINS) % _WEEK_BINS
    day = half_hours // _DAY_BINS
    days, day_idx = np.unique(day, return_inverse=True)
    counts = np.zeros((len(days), _WEEK_BINS))
    np.add.at(counts, (day_idx, week_bin), 1.0)
    return counts, len(days)


def _loglik_matrix(log_ref: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(336, n_offsets): log reference of each UTC bin's local bin under each offset."""
    utc = np.arange(_WEEK_BINS)[:, None]
    shift = np.round(grid * _BINS_PER_HOUR).astype(int)[None, :]
    out = log_ref[(utc + shift) % _WEEK_BINS]
    return out


def _circular_diff(a: np.ndarray, b: float) -> np.ndarray:
    return (a - b + 12.0) % 24.0 - 12.0


def describe_offset(offset: float, low: float, high: float, pattern: str) -> str:
    """Plain-language statement: ``"activity consistent with UTC+5 ± 1 h"``.

    The offset is written by :func:`netlib.units.utc_offset_label` (``UTC+5:30``).

    The half-width is the wider side of the bootstrap interval, rounded up to 0.5 h, and
    never less than 1 h: the reference curve itself is uncertain by about that much.
    """
    if offset is None or not np.isfinite(offset):
        return f"no time zone can be read from this activity ({pattern})"
    if pattern.startswith("round-the-clock"):
        return "round-the-clock activity: no time zone can be read from it"
    half = max(offset - low, high - offset, 1.0)
    half = math.ceil(half * 2) / 2
    return (f"activity consistent with {utc_offset_label(offset)} ± {half:g} h "
            f"({pattern}; a time zone is not a country)")


def _pattern(local_hour: np.ndarray, local_day: np.ndarray) -> str:
    """Working-hours label from local hour (24) and weekday (7) activity shares."""
    total = local_hour.sum()
    if total <= 0:
        return "no activity"
    hours = local_hour / total
    nonzero = hours[hours > 0]
    entropy = float(-(nonzero * np.log(nonzero)).sum() / np.log(24))
    office = hours[8:18].sum()
    evening = hours[17:24].sum() + hours[0]
    night = hours[1:6].sum()
    if entropy >= 0.97 or night >= 0.17:
        label = "round-the-clock"
    elif office >= 0.7:
        label = "office-hours"
    elif evening >= 0.55:
        label = "evening"
    else:
        label = "daytime"
    days = local_day / local_day.sum()
    if days[5:].sum() < 0.08:
        label += ", weekday-only"
    return label


def _fit_setup(offsets, level: float, n_boot: int, reference):
    """Validate the shared fit options; return the offset grid and reference curves."""
    grid = _offset_grid(np.arange(-12, 14.5, 0.5) if offsets is None else offsets)
    if not 0 < level < 1:
        raise ParameterError(f"level must lie between 0 and 1 (got {level})")
    if n_boot < 0:
        raise ParameterError(f"n_boot must be >= 0 (got {n_boot})")
    return grid, _references(reference)


def fit_offset(timestamps: pd.Series, *, offsets: Any = None, reference: Any = "auto",
               n_boot: int = 200, level: float = 0.95, min_actions: int = 30,
               seed: int = 0) -> dict[str, Any]:
    """Fit the UTC offset under which a set of actions best follows a reference rhythm.

    Each action falls in one half-hour bin of the UTC week. Under offset ``o`` that bin is
    local bin ``bin + 2 o``; the log-likelihood of ``o`` is the sum over actions of the
    log reference share of their local bin (a multinomial model). With
    ``reference="auto"`` both documented references (:data:`REFERENCE_DIURNAL`, the general
    population, and :data:`REFERENCE_OFFICE`, organised office-hours work) are fitted and
    the (reference, offset) with the highest likelihood wins. Each reference is mixed with a
    flat background share (one of :data:`BACKGROUND_SHARES`, fitted too), so that a few
    actions at odd hours (automation, replies to other zones) cannot pull an office-hours
    network onto the general curve. Offsets above +12 h must
    beat their twin 24 h earlier by a margin, since only the weekday pattern tells them
    apart. The interval comes from refitting on days resampled with replacement.

    Parameters
    ----------
    timestamps : Series of datetime
        UTC times of the actions (naive values are taken as UTC).
    offsets : sequence of float, optional
        Candidate offsets in hours, multiples of 0.5 (default -12 to +14 in 0.5 h steps).
    reference : "auto", "social", "office" or 24 floats
        Reference rhythm; 24 numbers give relative activity per local hour (weekdays
        weighted by :data:`REFERENCE_WEEKDAY`).
    n_boot : int
        Bootstrap resamples over days (0 for none; the interval is then the point).
    level : float
        Coverage of the bootstrap interval.
    min_actions : int
        Fewer actions than this give no fit (``utc_offset_hours`` NaN).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict
        ``utc_offset_hours, low, high, pattern, reference, background_share, n_actions,
        n_days, fit_correlation`` (observed local hourly profile against the chosen
        reference),
        ``statement`` ("activity consistent with UTC+5 ± 1 h ...") and ``loglik`` (a
        Series over the offsets for the chosen reference, for plots).

    Raises
    ------
    ParameterError
        If ``offsets``, ``reference``, ``level`` or ``n_boot`` are invalid.

    References
    ----------
    Golder, S. A. & Macy, M. W. (2011). Diurnal and seasonal mood vary with work, sleep,
    and daylength across diverse cultures. *Science* 333(6051), 1878-1881.
    King, G., Pan, J. & Roberts, M. E. (2017). How the Chinese government fabricates
    social media posts for strategic distraction, not engaged argument. *American
    Political Science Review* 111(3), 484-501.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> rng = np.random.default_rng(0)
    >>> local = pd.Timestamp("2026-01-05") + pd.to_timedelta(
    ...     rng.integers(0, 28, 600) * 86400 + rng.normal(15, 3, 600) * 3600, unit="s")
    >>> fit = fit_offset(pd.Series(local - pd.Timedelta(hours=5)), n_boot=50)
    >>> abs(fit["utc_offset_hours"] - 5) <= 2
    True
    """
    grid, refs = _fit_setup(offsets, level, n_boot, reference)
    return _fit(_half_hours(timestamps), grid, refs, n_boot=n_boot, level=level,
                min_actions=min_actions, seed=seed)


def _fit(half_hours: np.ndarray, grid: np.ndarray, refs: dict[str, np.ndarray], *,
         n_boot: int, level: float, min_actions: int, seed: int) -> dict[str, Any]:
    n = len(half_hours)
    if n < max(min_actions, 1):
        n_days = len(np.unique(half_hours // _DAY_BINS))
        return {UTC_OFFSET: np.nan, LOW: np.nan, HIGH: np.nan, PATTERN: "too little activity",
                REFERENCE: None, BACKGROUND: np.nan, N_ACTIONS: n, N_DAYS: n_days,
                FIT: np.nan,
                STATEMENT: f"no time zone can be read: {n} actions (< {min_actions})",
                "loglik": pd.Series(np.nan, index=grid)}
    counts, n_days = _day_bin_counts(half_hours)
    # every reference is mixed with a flat background (activity unrelated to the working
    # day: automated posts, replies to other zones); the share is fitted from a grid
    variants = [(name, eps) for name in refs for eps in BACKGROUND_SHARES]
    n_grid = len(grid)
    handicap = np.tile(np.where(grid > 12, _FAR_EAST_HANDICAP, 0.0), len(variants))
    ll_mat = np.concatenate([
        _loglik_matrix(np.log((1 - eps) * np.exp(refs[name]) + eps / _WEEK_BINS), grid)
        for name, eps in variants], axis=1)
    offs = np.tile(grid, len(variants))
    per_day = counts @ ll_mat                         # (days, variants x offsets)
    ll = per_day.sum(axis=0) - handicap
    best = int(np.argmax(ll))
    offset = float(offs[best])
    k = best // n_grid
    chosen, background = variants[k]
    low = high = offset
    if n_boot > 0 and n_days > 1:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(n_days, np.full(n_days, 1.0 / n_days), size=n_boot)
        boot = offs[np.argmax(weights @ per_day - handicap, axis=1)]
        diff = _circular_diff(boot, offset)
        alpha = (1 - level) / 2
        low = offset + float(np.quantile(diff, alpha, method="lower"))
        high = offset + float(np.quantile(diff, 1 - alpha, method="higher"))
    local_hour, local_day = _local_profiles(counts.sum(axis=0), offset)
    ref = np.exp(refs[chosen]).reshape(7, _DAY_BINS).sum(axis=0)
    ref = ref.reshape(24, _BINS_PER_HOUR).sum(axis=1)
    fit = float(np.corrcoef(local_hour, ref)[0, 1]) if local_hour.std() > 0 else np.nan
    pattern = _pattern(local_hour, local_day)
    return {UTC_OFFSET: offset, LOW: low, HIGH: high, PATTERN: pattern, REFERENCE: chosen,
            BACKGROUND: background, N_ACTIONS: n, N_DAYS: n_days, FIT: fit,
            STATEMENT: describe_offset(offset, low, high, pattern),
            "loglik": pd.Series(ll[k * n_grid:(k + 1) * n_grid], index=grid)}


def _local_profiles(week_counts: np.ndarray, offset: float) -> tuple[np.ndarray, np.ndarray]:
    shift = int(round(offset * _BINS_PER_HOUR))
    local = np.roll(week_counts, shift)  # local[b + shift] = utc[b]
    by_day = local.reshape(7, _DAY_BINS)
    hours = by_day.sum(axis=0).reshape(24, _BINS_PER_HOUR).sum(axis=1)
    return hours, by_day.sum(axis=1)


def hour_of_week(timestamps: pd.Series, *, offset: float = 0.0) -> pd.DataFrame:
    """Action counts by local weekday (rows, Monday first) and local hour (columns 0-23).

    ``offset`` is the UTC offset in hours used to turn UTC times into local times.
    """
    ts = pd.to_datetime(pd.Series(timestamps), utc=True).dropna()
    local = ts + pd.to_timedelta(float(offset), unit="h")
    table = pd.crosstab(local.dt.day_of_week, local.dt.hour)
    table = table.reindex(index=range(7), columns=range(24), fill_value=0)
    table.index = pd.Index(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], name="weekday")
    table.columns.name = "hour"
    return table


def fit_group_offsets(actions: pd.DataFrame, membership: pd.DataFrame, *,
                      group_column: str = CLUSTER_ID, offsets: Any = None,
                      reference: Any = "auto", n_boot: int = 200,
                      level: float = 0.95, min_actions: int = 30,
                      seed: int = 0) -> pd.DataFrame:
    """Fit one UTC offset per group of accounts (cluster or operator group).

    Parameters
    ----------
    actions : DataFrame
        ``account_id, timestamp`` (the Dataset's actions table).
    membership : DataFrame
        ``account_id`` and ``group_column``.
    group_column : str
        Name of the group column (``cluster_id`` by default); it names the output's first
        column.

    Returns
    -------
    DataFrame
        ``<group_column>, utc_offset_hours, low, high, pattern, reference,
        background_share, n_actions, n_days, fit_correlation, statement``, one row per group, in group order.
    """
    cols = [group_column, UTC_OFFSET, LOW, HIGH, PATTERN, REFERENCE, BACKGROUND, N_ACTIONS,
            N_DAYS, FIT, STATEMENT]
    if membership.empty:
        return pd.DataFrame(columns=cols)
    grid, refs = _fit_setup(offsets, level, n_boot, reference)
    members = membership[[ACCOUNT_ID, group_column]].drop_duplicates()
    # each member's timed actions as one run of an array ordered by member; only the
    # members' actions are read (a few of the accounts at archive scale)
    codes = account_codes(members[ACCOUNT_ID])
    account = np.where(actions[TIMESTAMP].notna().to_numpy(dtype=bool),
                       codes.positions(actions[ACCOUNT_ID]), -1)
    rows = np.flatnonzero(account >= 0)
    account = account[rows]
    order = np.argsort(account, kind="stable")
    half = _half_hours(actions[TIMESTAMP].iloc[rows[order]])
    starts = np.searchsorted(account[order], np.arange(len(codes) + 1))
    del rows, account, order
    where = codes.columns[0]
    group_codes, uniques = pd.factorize(members[group_column], sort=True)
    rows = []
    # the fits multiply small matrices (days x week bins): BLAS threads only wait on each
    # other there, and on a busy machine they make the fits several times slower
    with threadpool_limits(1, user_api="blas"):
        for k, group in enumerate(uniques):
            ids = where[(group_codes == k) & (where >= 0)]
            if not len(ids):
                continue
            part = np.concatenate([half[starts[c]:starts[c + 1]] for c in ids])
            if not len(part):
                continue
            fit = _fit(part, grid, refs, n_boot=n_boot, level=level,
                       min_actions=min_actions, seed=seed)
            fit.pop("loglik")
            rows.append({group_column: group, **fit})
    groups = membership[group_column].drop_duplicates()
    missing = sorted(set(groups) - {r[group_column] for r in rows}, key=str)
    for group in missing:
        rows.append({group_column: group, UTC_OFFSET: np.nan, LOW: np.nan, HIGH: np.nan,
                     PATTERN: "no activity", REFERENCE: None, BACKGROUND: np.nan,
                     N_ACTIONS: 0, N_DAYS: 0, FIT: np.nan,
                     STATEMENT: "no time zone can be read: no actions"})
    return pd.DataFrame(rows, columns=cols)


def fit_timezones(data: Dataset, membership: pd.DataFrame, config: HubConfig, *,
                  group_column: str = CLUSTER_ID) -> pd.DataFrame:
    """One UTC-offset fit per cluster (or operator group), with the config's options.

    Parameters
    ----------
    data : Dataset
    membership : DataFrame
        ``account_id`` and ``group_column``.
    config : HubConfig
        Uses ``offsets, reference, n_boot, min_tz_actions, seed``.
    group_column : str
        ``cluster_id`` (default) or ``group_id``.

    Returns
    -------
    DataFrame
        As :func:`fit_group_offsets`, followed by the "from where" evidence of
        :func:`netlib.hubs.origin.origin_evidence`: ``languages, n_texts, calling_codes,
        n_phone_members, origin_evidence`` (evidence, not a location).
    """
    fits = fit_group_offsets(data.actions, membership[[ACCOUNT_ID, group_column]],
                             group_column=group_column, offsets=config.offsets,
                             reference=config.reference, n_boot=config.n_boot,
                             min_actions=config.min_tz_actions, seed=config.seed)
    origin = origin_evidence(data, membership, group_column=group_column)
    out = fits.merge(origin, on=group_column, how="left")
    for col in ORIGIN_COLUMNS:
        if out[col].dtype == object:
            out[col] = out[col].fillna("")
    return out
