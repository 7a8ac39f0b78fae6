"""Large loads keep action text compact (Arrow-backed ``str``); the values and the
analyses' results are those of the plain load (Python objects)."""

from __future__ import annotations

import pandas as pd
import pytest

import netlib
import netlib.dataset
from netlib.coordination import detect
from netlib.mirrors import detect_mirrors
from netlib.schema import ACTION_ID, KIND

SAMPLE = "data/sample"


@pytest.fixture
def both(monkeypatch):
    plain = netlib.load(SAMPLE)
    monkeypatch.setattr(netlib.dataset, "COMPACT_ROWS", 1_000)
    compact = netlib.load(SAMPLE)
    return plain, compact


def test_a_large_load_is_compact_and_says_so(both):
    plain, compact = both
    assert str(compact.actions[ACTION_ID].dtype) == "str"
    assert isinstance(compact.actions[KIND].dtype, pd.CategoricalDtype)
    assert plain.actions[ACTION_ID].dtype == object
    assert any("large load" in note for note in compact.report.notes)
    assert not any("large load" in note for note in plain.report.notes)


def test_compact_values_equal_the_plain_ones(both):
    plain, compact = both
    as_objects = compact.actions.astype(object)
    as_objects = as_objects.where(compact.actions.notna(), None)
    expected = plain.actions.astype(object).where(plain.actions.notna(), None)
    pd.testing.assert_frame_equal(as_objects, expected)
    assert compact.fingerprint() == plain.fingerprint()


@pytest.mark.slow
def test_analyses_of_a_compact_load_equal_those_of_the_plain_load(both):
    plain, compact = both
    results = []
    for data in (plain, compact):
        coordination = detect(data)
        mirrors = detect_mirrors(data, coordination=coordination)
        results.append({**coordination.tables(), **mirrors.tables()})
    assert results[0].keys() == results[1].keys()
    for name, table in results[0].items():
        other = results[1][name]
        assert len(table), name  # the sample fills every table: an empty one proves nothing
        pd.testing.assert_frame_equal(table.reset_index(drop=True), other.reset_index(drop=True),
                                      check_dtype=False, check_categorical=False, obj=name)
