"""Fixtures shared by the coordination tests: the tiny scenario's trace table and its
co-action rows with their integer codes (each built once per module)."""

from __future__ import annotations

import pytest

from netlib.coaction.actions import coded_co_actions
from netlib.traces import build_traces


@pytest.fixture(scope="module")
def traces(tiny_scenario):
    return build_traces(tiny_scenario.dataset)


@pytest.fixture(scope="module")
def coded(traces):
    return coded_co_actions(traces, window=60)
