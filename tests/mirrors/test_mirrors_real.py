"""Mirror accounts on real archives: the IRA files (no status, no takedown times).

The IRA author files carry no suspension data, so these tests check what the *defaults*
do: removals inferred from each account's own silence and from re-registered handles,
links found without any flag, and every re-registered handle linked. The weights were
learned on synthetic worlds only; nothing here was tuned on these files.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

import netlib
from netlib.mirrors import detect_mirrors

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "validate_real.py"
REALDATA = Path(os.environ.get("NETLIB_REALDATA", ROOT.parent / "shared" / "realdata"))


@pytest.fixture(scope="module")
def ira():
    if not REALDATA.is_dir():
        pytest.skip("real public data not present")
    data = netlib.load(REALDATA / "ira_by_author")
    return data, detect_mirrors(data)


def _reregistered(data):
    spec = importlib.util.spec_from_file_location("validate_real", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reregistered_handles(data)


def test_ira_default_run_infers_takedowns_and_finds_links(ira):
    data, res = ira
    assert res.params["infer_takedowns"] is True
    by_source = res.params["n_predecessors_by_source"]
    assert by_source.get("inferred", 0) > 0 and "suspended_at" not in by_source
    assert len(res.links) > 0
    assert set(res.links["takedown_source"]) <= {"inferred", "inferred_handle_reused"}
    assert res.params["notes"]


def test_ira_every_reregistered_handle_is_linked(ira):
    data, res = ira
    rereg = _reregistered(data)
    apart = rereg[rereg["reregistered"]]
    assert len(apart) == 4  # a fact of the data: 4 handles re-taken by a new id
    linked = set(zip(res.links["predecessor_id"], res.links["successor_id"], strict=True))
    missing = [(p, s) for p, s in zip(apart["predecessor_id"], apart["successor_id"],
                                       strict=True) if (p, s) not in linked]
    assert not missing, missing
