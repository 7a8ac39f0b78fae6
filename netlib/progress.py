"""What a long step is doing now: the parts of the load and of each analysis, as they run.

At ten million actions the coordination step alone runs for minutes. Each step tells its
parts through a :class:`StepProgress`: when a part starts (``"coordination: co-actions"``)
and when it ends, with its counts and its time (``"coordination: co-actions: 27,831,575
co-actions (24.6 s)"``). Every message goes two ways:

* to the standard :mod:`logging` module, at ``INFO`` on the step's own logger (under
  ``netlib``). Nothing is printed unless the caller asks, as for any library (the
  ``netlib`` logger has a ``NullHandler``); in a notebook,
  ``logging.basicConfig(level=logging.INFO)`` prints every part with its time;
* to the callbacks registered with :func:`listening`, which is how ``netlib analyze``
  shows the part that is running beside its progress bar, without changing the logging
  configuration of the program it runs in.

Messages never change a result: they only say what is being done.

Examples
--------
>>> seen = []
>>> with listening(seen.append):
...     progress = StepProgress("netlib.example", "example")
...     progress.begin("counting")
...     seconds = progress.done("3 rows")
>>> seen[0]
'example: counting'
>>> seen[1].startswith("example: counting: 3 rows (")
True
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["StepProgress", "listening", "counted"]

logging.getLogger("netlib").addHandler(logging.NullHandler())

_LOCK = threading.Lock()
_LISTENERS: list[Callable[[str], None]] = []


@contextmanager
def listening(callback: Callable[[str], None]) -> Iterator[None]:
    """Pass every progress message to ``callback`` (one ``str`` argument) inside the block.

    Messages from every thread reach it (the mirror candidates may be found on a second
    thread while the coordination step runs). A callback that raises is dropped from the
    list rather than breaking the analysis it watches.
    """
    with _LOCK:
        _LISTENERS.append(callback)
    try:
        yield
    finally:
        with _LOCK:
            if callback in _LISTENERS:
                _LISTENERS.remove(callback)


def _tell(message: str) -> None:
    with _LOCK:
        listeners = list(_LISTENERS)
    for callback in listeners:
        try:
            callback(message)
        except Exception:  # a display must not stop an analysis
            with _LOCK:
                if callback in _LISTENERS:
                    _LISTENERS.remove(callback)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular or plural: ``counted(1, "cluster") == "1 cluster"``,
    ``counted(12345, "edge") == "12,345 edges"``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


class StepProgress:
    """The parts of one step, told as they start and end.

    Parameters
    ----------
    logger : str
        The logger's name (a module's ``__name__``).
    step : str
        The step's name, the first word of every message (``"coordination"``).
    """

    def __init__(self, logger: str, step: str) -> None:
        self.logger = logging.getLogger(logger)
        self.step = step
        self.part: str | None = None
        self.started = time.perf_counter()

    def begin(self, part: str) -> None:
        """Say that ``part`` starts now."""
        self.part = part
        self.started = time.perf_counter()
        self._say(f"{self.step}: {part}")

    def done(self, detail: str = "") -> float:
        """Say that the current part ended, with ``detail`` (its counts); returns its
        seconds."""
        seconds = time.perf_counter() - self.started
        part = f"{self.step}: {self.part}" if self.part else self.step
        self._say(f"{part}: {detail} ({seconds:.1f} s)" if detail else
                  f"{part} ({seconds:.1f} s)")
        self.part = None
        return seconds

    def _say(self, message: str) -> None:
        self.logger.info(message)
        _tell(message)
