"""Plain ISO 8601 values take a short cut through parse_timestamps and written_offsets; the
oracle is the general path, which the same values take when a space is put around them
(the general path strips it, the short cut does not take such values)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_series_equal

import netlib
from netlib import times
from netlib.times import parse_timestamps, written_offsets

NOW = pd.Timestamp("2026-01-01", tz="UTC")

part = st.sampled_from
stamp = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, zone: f"{y}-{mo}-{d}{sep}{h}:{mi}:{s}{frac}{zone}",
    part(["2021", "2020", "1999", "1678", "1677", "2261", "2262", "0000", "9999"]),
    part(["01", "02", "12", "00", "13"]), part(["01", "28", "29", "30", "31", "00", "32"]),
    part(["T", " "]), part(["00", "12", "23", "24"]), part(["00", "59", "60"]),
    part(["00", "59", "60", "61"]), part(["", ".5", ".123456789", ".000000001"]),
    part(["", "Z", "+00:00", "+0300", "-05:30", "+23:59", "-2359", "+24:00", "+00:60",
          "+99:99", "+14:00"]))


def _both_ways(values: list[str]) -> tuple[pd.Series, pd.Series]:
    plain = pd.Series(values, dtype="str")
    padded = pd.Series([f" {v} " for v in values], dtype="str")
    return plain, padded


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(stamp | st.text(max_size=25), min_size=1, max_size=30))
def test_plain_values_parse_as_the_general_path_parses_them(values):
    plain, padded = _both_ways(values)
    assert_series_equal(parse_timestamps(plain), parse_timestamps(padded), check_exact=True)
    assert written_offsets(plain) == written_offsets(padded)
    stamps, written = times.parse_timestamps_and_offsets(plain)
    assert_series_equal(stamps, parse_timestamps(padded), check_exact=True)
    assert written == written_offsets(padded)


valid_stamp = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, zone: f"{y}-{mo}-{d}{sep}{h}:{mi}:{s}{frac}{zone}",
    part(["2021", "2020", "1678", "1677", "2261", "2262"]), part(["01", "02", "12"]),
    part(["01", "28"]), part(["T", " "]), part(["00", "23"]), part(["00", "59"]),
    part(["00", "59"]), part(["", ".5", ".123456789"]),
    part(["Z", "+00:00", "+0300", "-05:30", "+23:59", "-2359", "+14:00"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_stamp, min_size=1, max_size=30))
def test_arrow_parses_valid_zoned_values_as_the_general_path(values):
    # lists of valid zoned values are the ones Arrow's cast takes whole (one refusal sends
    # the lot to pandas); the oracle is the general path, through padded copies
    plain, padded = _both_ways(values)
    if not any(v.startswith(("1677", "2262")) for v in values):  # beyond nanoseconds
        assert times._arrow_iso(plain.astype("string")) is not None
    assert_series_equal(parse_timestamps(plain), parse_timestamps(padded), check_exact=True)


def test_the_short_cut_is_taken_and_keeps_refusals_and_offsets():
    values = ["2021-03-01T12:00:00Z", "2021-03-01 15:00:00+03:00", "2021-02-29T00:00:00Z",
              "2300-01-01T00:00:00Z", "2021-03-01T12:00:00.123456789-0130", "1614600000",
              "2021-03-01 15:00:00 GMT+0300", "not a date", "2021-03-01T12:00:00"]
    got = parse_timestamps(pd.Series(values, dtype="str"))
    short_cut = times._plain_iso(pd.Series(values, dtype="string")).tolist()
    assert short_cut == [True, True, True, True, True, False, False, False, True]
    assert got.iloc[0] == got.iloc[1] == got.iloc[5] == got.iloc[6] == got.iloc[8] \
        == pd.Timestamp("2021-03-01T12:00:00Z")
    assert pd.isna(got.iloc[2]) and pd.isna(got.iloc[3]) and pd.isna(got.iloc[7])
    assert got.iloc[4] == pd.Timestamp("2021-03-01T13:30:00.123456789Z")
    assert written_offsets(pd.Series(values, dtype="str")) == ({"+0000", "+0300", "-0130"}, 1)


@pytest.mark.parametrize("written, reason", [
    ("2300-01-01T00:00:00Z", "timestamp is in the future (after 2261"),
    ("2021-02-30T00:00:00Z", "timestamp is not a date"),
    ("2005-12-31T23:59:59Z", "timestamp before 2006-01-01 is implausible"),
])
def test_load_rejects_plain_values_with_the_same_reasons(tmp_path, written, reason):
    (tmp_path / "accounts.csv").write_text("account_id,platform,handle\na1,x,alice\n")
    (tmp_path / "actions.csv").write_text(
        "action_id,account_id,timestamp,kind\n"
        f"t1,a1,2021-03-01T12:00:00Z,post\nt2,a1,{written},post\n")
    data = netlib.load(tmp_path, now=NOW)
    assert data.actions["action_id"].tolist() == ["t1"]
    [issue] = data.report.errors
    assert (issue.row, issue.column, issue.value) == (2, "timestamp", written)
    assert issue.reason.startswith(reason)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(stamp | st.text(max_size=25), min_size=1, max_size=40))
def test_the_plain_check_on_two_halves_marks_what_one_pass_marks(values):
    """Long columns are checked in two halves on two threads: the same marks, in order."""
    text = pd.Series(values, dtype="str").astype("string")
    whole = times._plain_iso(text)
    split_from = times._SPLIT_FROM
    try:
        times._SPLIT_FROM = 1
        halves = times._plain_iso(text)
    finally:
        times._SPLIT_FROM = split_from
    assert halves.tolist() == whole.tolist()
