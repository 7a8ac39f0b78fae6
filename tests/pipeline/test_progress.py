"""Progress messages: what a long step is doing, told to the log and to `netlib analyze`'s bar,
never changing a result."""

from __future__ import annotations

import logging
import re

import pandas as pd
import pytest

import netlib
from netlib import pipeline
from netlib.io import write_interchange
from netlib.progress import StepProgress, counted, listening


def test_parts_are_told_to_listeners_and_to_the_log(caplog):
    seen: list[str] = []
    with caplog.at_level(logging.INFO, logger="netlib"), listening(seen.append):
        progress = StepProgress("netlib.test", "step")
        progress.begin("reading")
        seconds = progress.done(counted(2, "row"))
    assert seen[0] == "step: reading"
    assert re.fullmatch(r"step: reading: 2 rows \(\d+\.\d s\)", seen[1])
    assert seconds >= 0
    assert [r.getMessage() for r in caplog.records if r.name == "netlib.test"] == seen


def test_a_listener_hears_only_inside_its_block():
    seen: list[str] = []
    with listening(seen.append):
        StepProgress("netlib.test", "step").begin("inside")
    StepProgress("netlib.test", "step").begin("outside")
    assert seen == ["step: inside"]


def test_a_failing_listener_is_dropped_and_the_step_goes_on():
    calls: list[str] = []

    def broken(message: str) -> None:
        calls.append(message)
        raise RuntimeError("display gone")

    with listening(broken):
        progress = StepProgress("netlib.test", "step")
        progress.begin("one")
        progress.begin("two")   # the broken display is no longer called
    assert calls == ["step: one"]


@pytest.mark.parametrize(("n", "text"), [(0, "0 edges"), (1, "1 edge"), (12345, "12,345 edges")])
def test_counted(n, text):
    assert counted(n, "edge") == text


def test_analyze_tells_each_part_with_the_counts_of_its_result(tiny_scenario):
    data = tiny_scenario.dataset
    seen: list[str] = []
    with listening(seen.append):
        told = netlib.analyze(data, parallel=False)
    quiet = netlib.analyze(data, parallel=False)
    coord = told.coordination
    # the counts in the messages are the result's own
    found = [m for m in seen if m.startswith("coordination: co-actions")]
    assert len(found) == 2     # begun, done
    assert f": {counted(coord.params['n_pairs'], 'co-action')} (" in found[1]
    tested = [m for m in seen if m.startswith("coordination: edges tested against")]
    assert tested[0] == "coordination: edges tested against the null model"
    assert f": {counted(coord.params['n_edges_tested'], 'edge')}, " \
        f"{coord.params['n_edges_significant']:,} significant (" in tested[1]
    assert any(f"{counted(len(told.mirrors.links), 'link')}" in m for m in seen
               if m.startswith("mirrors: candidate pairs scored:"))
    # every step in order: coordination, then the mirrors, then the hubs
    steps = [m.split(":")[0] for m in seen]
    order = [s for i, s in enumerate(steps) if i == 0 or steps[i - 1] != s]
    assert order == ["coordination", "mirror candidates", "mirrors", "hubs"]
    # telling changes nothing
    for name, table in told.tables().items():
        pd.testing.assert_frame_equal(table, quiet.tables()[name], obj=name)


def test_netlib_analyze_shows_the_running_part_beside_its_bar(tiny_scenario, tmp_path, capsys):
    folder = write_interchange(tiny_scenario.dataset, tmp_path / "data")
    pipeline.analyze_path(folder, tmp_path / "out", progress=True)
    err = capsys.readouterr().err
    assert "netlib load" in err and "load: data (netlib format): " in err
    assert "coordination: groups confirmed on held-out halves" in err
    assert "hubs: hub scores, operator groups and time zones:" in err


def test_quiet_analyze_prints_nothing(tiny_scenario, tmp_path, capsys):
    folder = write_interchange(tiny_scenario.dataset, tmp_path / "data")
    pipeline.analyze_path(folder, tmp_path / "out", progress=False)
    assert capsys.readouterr().err == ""
