"""Property tests of the generator's building blocks (handle mutations, daily rhythms)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netlib.schema import normalize_handle
from netlib.synth import _text as tx
from netlib.synth._config import DAY, HOUR, START_S
from netlib.synth._time import sample_times

handles = st.from_regex(r"[a-z][a-z0-9_.]{2,14}", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(handles, st.sampled_from([m for m in tx.MUTATIONS if m != "platform_switch"]),
       st.integers(0, 2**32 - 1))
def test_mutations_change_the_handle_but_stay_close(handle, kind, seed):
    out = tx.mutate_handle(np.random.default_rng(seed), handle, kind)
    assert normalize_handle(out) != normalize_handle(handle)
    assert abs(len(out) - len(handle)) <= 10
    if kind == "lookalike_chars" and any(c in tx.CONFUSABLE for c in handle):
        assert len(out) == len(handle)
        assert sum(a != b for a, b in zip(out, handle, strict=True)) in (1, 2)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16), st.integers(1, 8),
       st.integers(0, 2**32 - 1))
def test_flip_bits_flips_exactly_that_many(hexhash, bits, seed):
    out = tx.flip_bits(np.random.default_rng(seed), hexhash, bits)
    assert len(out) == 16
    assert bin(int(out, 16) ^ int(hexhash, 16)).count("1") == bits


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 80), st.integers(1, 9), st.sampled_from([-8.0, 0.0, 5.5, 10.0]),
       st.sampled_from(["organic", "shift"]))
def test_sample_times_stay_inside_the_window(lo_day, span, offset, pattern):
    rng = np.random.default_rng(lo_day)
    lo = START_S + lo_day * DAY + 7 * HOUR
    hi = lo + span * DAY
    t = sample_times(rng, np.full(500, offset), np.full(500, lo), np.full(500, hi),
                     pattern=pattern)
    assert (t >= lo).all() and (t < hi).all()


@pytest.mark.parametrize("offset", [-5.0, 0.0, 8.0])
def test_daily_rhythm_is_low_at_night_and_weekends_differ(offset):
    rng = np.random.default_rng(0)
    n = 40_000
    t = sample_times(rng, np.full(n, offset), np.full(n, START_S), np.full(n, START_S + 28 * DAY))
    local = t + int(offset * HOUR) - START_S
    hour = (local % DAY) // HOUR
    weekend = ((local // DAY) % 7) >= 5
    night = np.isin(hour, [2, 3, 4, 5]).mean()
    evening = np.isin(hour, [19, 20, 21]).mean()
    assert evening > 4 * night
    # weekends: fewer actions per day and a later start than weekdays
    assert weekend.mean() < 2 / 7
    assert (hour[weekend] < 9).mean() < (hour[~weekend] < 9).mean() + 0.05
    shift = sample_times(rng, np.full(n, offset), np.full(n, START_S),
                         np.full(n, START_S + 28 * DAY), pattern="shift")
    local = shift + int(offset * HOUR) - START_S
    office = ((local % DAY) // HOUR >= 8) & ((local % DAY) // HOUR < 19)
    assert office.mean() > 0.9
    assert (((local // DAY) % 7) >= 5).mean() < 0.05
