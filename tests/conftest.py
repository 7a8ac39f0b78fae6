"""Shared fixtures. Real public data lives in ../shared/realdata beside the checkout."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
TEST_DATA = Path(__file__).resolve().parent / "data"

# Property tests draw the same examples on every run and every machine (reproducible CI);
# a test's own @settings still sets its example count.
settings.register_profile("netlib", derandomize=True, database=None)
settings.load_profile("netlib")


@pytest.fixture
def realdata() -> Path:
    """The shared real-data folder; skips the test when it is absent (a user's machine)."""
    if not REALDATA.is_dir():
        pytest.skip(f"real public data not found at {REALDATA} (only present in the "
                    "development workspace)")
    return REALDATA


@pytest.fixture(scope="session")
def tiny_scenario():
    """A small synthetic scenario with planted truth, generated once per test session.

    Tests must not modify it (copy its frames first).
    """
    from netlib import synth

    return synth.generate(seed=3, scale=0.05)


@pytest.fixture
def thread_log(monkeypatch):
    """``watch(module, name)`` replaces ``module.name`` by a wrapper that records the
    name of the thread each call runs on, in the list it returns."""

    def watch(module, name: str) -> list[str]:
        threads: list[str] = []
        real = getattr(module, name)

        def recorded(*args, **kwargs):
            threads.append(threading.current_thread().name)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)
        return threads

    return watch
