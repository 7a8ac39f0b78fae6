"""coshare_pairs on a Dataset: the integer-coded join against the string join of the same
shares handed over as a CooRTweet frame (the general path, which codes nothing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from code_checks import assert_one_sorted_category_set
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netlib
from netlib.coaction.engines.duck import coded_shares
from netlib.coordination import coshare_pairs

T0 = pd.Timestamp("2024-05-01T12:00:00Z")


def as_frame(actions: pd.DataFrame) -> pd.DataFrame:
    """The Dataset's shares as a CooRTweet frame (ids as Python strings, epoch seconds)."""
    acts = actions[actions["object_id"].notna()]
    seconds = (acts["timestamp"] - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return pd.DataFrame({"object_id": acts["object_id"].astype(object),
                         "account_id": acts["account_id"].astype(object),
                         "content_id": acts["action_id"].astype(object),
                         "timestamp_share": seconds.to_numpy()})


def assert_same_pairs(data: netlib.Dataset, **options) -> pd.DataFrame:
    got = coshare_pairs(data, **options)
    want = coshare_pairs(as_frame(data.actions), **options)
    pd.testing.assert_frame_equal(got, want)
    for key, value in want.attrs.items():
        if key != "source":
            assert got.attrs[key] == value, key
    return got


def dataset(rows: list[tuple], accounts: str = "abcdef") -> netlib.Dataset:
    """A validated Dataset of ``(action_id, account_id, seconds, object_id)`` rows."""
    accs = pd.DataFrame({"account_id": list(accounts), "platform": "x",
                         "handle": [f"h_{a}" for a in accounts]})
    actions = pd.DataFrame(
        [{"action_id": i, "account_id": a, "timestamp": (T0 + pd.Timedelta(seconds=s)).isoformat(),
          "kind": "repost" if o else "post", "object_id": o} for i, a, s, o in rows],
        columns=["action_id", "account_id", "timestamp", "kind", "object_id"])
    return netlib.Dataset.from_frames(accs, actions, now=pd.Timestamp("2025-01-01", tz="UTC"))


def random_rows(*, seed: int, n: int, seconds: int, objects: int) -> list[tuple]:
    """``n`` reposts in time order (ids increasing) by six accounts, of ``objects`` objects,
    over ``seconds`` seconds: rows for :func:`dataset`."""
    rng = np.random.default_rng(seed)
    return [(f"{10_000 + i}", "abcdef"[k], int(t), f"o{o}")
            for i, (k, t, o) in enumerate(zip(rng.integers(0, 6, n),
                                              np.sort(rng.integers(0, seconds, n)),
                                              rng.integers(0, objects, n), strict=True))]


action_rows = st.lists(
    st.tuples(st.sampled_from(list("abcdef")),
              # objects: a few outside ids, and ids of actions of the same table
              st.one_of(st.none(), st.sampled_from(["o1", "o2", "o3", "7", "12", "30"])),
              st.integers(0, 240), st.booleans()),
    min_size=0, max_size=45)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=action_rows, window=st.sampled_from([0, 10, 30, 60, 2.5]),
       min_participation=st.integers(0, 3), big=st.sampled_from([None, 3]),
       numbered=st.booleans())
def test_dataset_pairs_equal_the_frame_pairs(rows, window, min_participation, big, numbered):
    # ids either increasing with time (coded by row number) or not (coded by hashing)
    ids = [str(i) if numbered else f"id{(7 * i) % 50}x{i}" for i in range(len(rows))]
    data = dataset([(i, a, s + (0.5 if half else 0), o)
                    for i, (a, o, s, half) in zip(ids, rows, strict=True)])
    assert_same_pairs(data, window=window, min_participation=min_participation,
                      max_object_shares=big)


def test_the_coded_join_is_taken_and_gives_the_string_join_rows():
    data = dataset(random_rows(seed=11, n=600, seconds=5000, objects=40))
    assert coded_shares(data.actions, window=60) is not None   # the fast path is used
    out = assert_same_pairs(data, window=60, min_participation=2)
    assert len(out) > 50
    category = coshare_pairs(data, window=60, min_participation=2, id_dtype="category")
    pd.testing.assert_frame_equal(
        category.astype({c: "str" for c in category.columns if c != "time_delta"}), out)
    assert_one_sorted_category_set(out, category)


def test_unvalidated_tables_fall_back_or_match():
    """A Dataset built without validation may repeat action ids, share an object that is
    its own id, or hold numbers: the result is still the string join's."""
    t = T0 + pd.to_timedelta([0, 5, 9, 20, 21, 40], unit="s")
    accounts = pd.DataFrame({"account_id": list("abc"), "platform": "x", "handle": list("abc")})
    repeated = pd.DataFrame({"action_id": ["1", "2", "2", "3", "4", "4"],
                             "account_id": list("abcabc"), "timestamp": t,
                             "object_id": ["o", "o", "o", "o", "p", "p"]})
    data = netlib.Dataset(accounts=accounts, actions=repeated)
    assert coded_shares(data.actions, window=60) is not None
    assert_same_pairs(data, window=60, min_participation=1)
    own = repeated.assign(action_id=["1", "2", "o", "3", "4", "5"])  # a share of itself
    data = netlib.Dataset(accounts=accounts, actions=own)
    assert coded_shares(data.actions, window=60) is None
    assert_same_pairs(data, window=60, min_participation=1)
    text_times = repeated.assign(timestamp=t.astype(str))
    assert coded_shares(text_times, window=60) is None


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_time_units_and_missing_times(unit):
    t = (T0 + pd.to_timedelta([0, 5, 9.25, 20, 21, 40], unit="s")).as_unit(unit)
    t = pd.Series(t).where([True, True, True, False, True, True])
    accounts = pd.DataFrame({"account_id": list("abc"), "platform": "x", "handle": list("abc")})
    actions = pd.DataFrame({"action_id": list("123456"), "account_id": list("abcabc"),
                            "timestamp": t, "object_id": ["o", "o", "o", "o", None, "o"]})
    data = netlib.Dataset(accounts=accounts, actions=actions)
    assert coded_shares(data.actions, window=60) is not None
    for window in (10, 60, 0.5):
        assert_same_pairs(data, window=window, min_participation=1)


@pytest.mark.parametrize("part_rows", [1, 7, 50])
def test_pairs_sorted_a_range_of_first_rows_at_a_time_are_the_same_rows(monkeypatch, part_rows):
    """The kept pairs are sorted in ranges of first rows; with ranges of a handful of pairs
    (a range may hold more: one first row's pairs are never split) the table, its order
    and its counts are those of one sort."""
    from netlib.coaction.engines import duck

    data = dataset(random_rows(seed=23, n=500, seconds=3000, objects=15))
    whole = coshare_pairs(data, window=60, min_participation=2)
    frame = coshare_pairs(as_frame(data.actions), window=60, min_participation=2)
    assert len(whole) > 100
    monkeypatch.setattr(duck, "FETCH_PART_ROWS", part_rows)
    for got, want in ((coshare_pairs(data, window=60, min_participation=2), whole),
                      (coshare_pairs(as_frame(data.actions), window=60, min_participation=2),
                       frame)):
        pd.testing.assert_frame_equal(got, want)
        assert got.attrs == want.attrs
