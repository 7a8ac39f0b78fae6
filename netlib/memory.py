"""Give memory that large intermediate tables no longer use back to the operating system.

Loading and analysing millions of rows goes through arrays that are freed step after step.
glibc's allocator (NumPy, pandas) and Arrow's (pandas' ``str`` columns) keep much of that
memory for reuse, so the process holds memory it no longer uses and the next step's peak
adds to it: after a 10M-action load the process held 3.8 GiB, of which 1.25 GiB was the
data. :func:`release_memory` returns those pages; it is cheap (milliseconds) and changes no
result. :func:`available_memory` says how much memory the process may still take,
:func:`total_memory` how much it has in all, and :func:`duckdb_memory_cap` turns a share
of that into a cap for one of DuckDB's connections.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import psutil
import pyarrow as pa

__all__ = ["release_memory", "available_memory", "total_memory", "duckdb_memory_cap",
           "side_by_side",
           "SIDE_BY_SIDE_BYTES_PER_ACTION", "BESIDE_STEP_BYTES_PER_ROW"]


#: Peak memory per action of the coordination step and the mirror candidates run side by
#: side, as measured on the organic repost benchmark (1.1 KiB per action for the
#: coordination step at 1M and 10M actions, 0.3 KiB for the mirror candidates: 0.34 GiB at
#: 1M, 2.85 GiB at 10M), rounded up; see :func:`side_by_side`.
SIDE_BY_SIDE_BYTES_PER_ACTION = 1536

#: Memory per row (trace row or action) for a small step made beside a large one whose own
#: peak comes later: :func:`netlib.coordination.detect`'s null model beside its co-action
#: join, :func:`netlib.hubs.rank_hubs`' cluster time zones beside the hub scores. Measured
#: peaks of the co-action join with the null model beside it: 1.19 KB per row at 1M
#: organic reposts, 0.97 KB at 3M, 1.45 KB on synth scale 5 (1.38M trace rows); from 3M
#: rows on detect's own peak (the tested network, after the pair) is higher, and at 10M
#: organic reposts running both pairs side by side left the analysis' peak unchanged
#: (10.84 GiB against 10.95). 1.5 KiB, and a quarter more as margin.
BESIDE_STEP_BYTES_PER_ROW = 1920


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # pragma: no cover - another C library (musl...)
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()


def release_memory() -> None:
    """Return the free pages of Arrow's memory pool and of the C heap to the system.

    Does nothing where the C library has no ``malloc_trim`` (only Arrow's pool is then
    released).

    Examples
    --------
    >>> release_memory()
    """
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def available_memory(cgroup: str | Path = "/sys/fs/cgroup") -> int:
    """Bytes of memory this process can still take without swapping.

    The system's available memory (:func:`psutil.virtual_memory`), or less when the
    process runs in a control group with a memory limit (a container, a batch job): that
    limit minus what the group already uses (cgroup v2 ``memory.max``/``memory.current``).

    Parameters
    ----------
    cgroup : str or Path
        Where the control-group files are (the default is where Linux mounts them).

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    free = int(psutil.virtual_memory().available)
    try:
        limit = Path(cgroup, "memory.max").read_text().strip()
        used = int(Path(cgroup, "memory.current").read_text().strip())
    except (OSError, ValueError):
        return free
    if limit.isdigit():
        free = min(free, max(int(limit) - used, 0))
    return free


def total_memory(cgroup: str | Path = "/sys/fs/cgroup") -> int:
    """Bytes of memory this process's machine has, or its control group's limit if lower.

    Parameters
    ----------
    cgroup : str or Path
        Where the control-group files are (cgroup v2 ``memory.max``).

    Examples
    --------
    >>> total_memory() >= available_memory() > 0
    True
    """
    total = int(psutil.virtual_memory().total)
    try:
        limit = Path(cgroup, "memory.max").read_text().strip()
    except OSError:
        return total
    return min(total, int(limit)) if limit.isdigit() else total


def duckdb_memory_cap(memory_limit: str | None = None, *, share: int,
                      low: int = 2**30, high: int = 3 * 2**30,
                      total: int | None = None) -> str:
    """A DuckDB ``memory_limit``: the one given, or ``1/share`` of the memory, within bounds.

    Left to itself, DuckDB lets one connection take 80% of the machine's memory and keeps
    its tables in memory up to that limit instead of writing them to its spill folder. In
    this process those tables sit on top of the data the analysis already holds, so each
    of netlib's joins caps its connection: the cap changes where the work is done, never
    a result.

    Parameters
    ----------
    memory_limit : str, optional
        A cap the user gave: returned as it is.
    share : int
        The default is this fraction (``1/share``) of :func:`total_memory`...
    low, high : int
        ...but at least ``low`` and at most ``high`` bytes.
    total : int, optional
        The memory to take the share of (default :func:`total_memory`).

    Examples
    --------
    >>> duckdb_memory_cap("2GB", share=8)
    '2GB'
    >>> duckdb_memory_cap(share=16, total=24 * 2**30)
    '1536MiB'
    >>> duckdb_memory_cap(share=16, total=8 * 2**30)  # never below a GiB
    '1024MiB'
    """
    if memory_limit:
        return memory_limit
    if total is None:
        total = total_memory()
    cap = min(max(int(total) // int(share), int(low)), int(high))
    return f"{cap // 2**20}MiB"


def side_by_side(n_actions: int, *, bytes_per_action: int = 2 * SIDE_BY_SIDE_BYTES_PER_ACTION,
                 cpus: int | None = None, free: int | None = None) -> bool:
    """Whether two steps of an analysis of ``n_actions`` may run at once, on two threads.

    :func:`netlib.analyze` finds the mirror candidates while the coordination step runs,
    :func:`netlib.coordination.detect` makes its null model while it finds the
    co-actions, and :func:`netlib.hubs.rank_hubs` fits the clusters' time zones while it
    scores the hubs: each pair reads the same data and neither needs the other's result,
    so the results are the same either way. Side by side their peaks add, so this is done
    only when the process may use at least two cores and the memory it may still take
    (:func:`available_memory`) is at least ``bytes_per_action`` per action; otherwise one
    after the other, which keeps the peak low where memory, not time, runs out.

    Each caller passes its own pair's estimate, margin included. The default, twice
    :data:`SIDE_BY_SIDE_BYTES_PER_ACTION`, is the mirror candidates' beside the whole
    coordination step: they hold their memory through its peak.

    Parameters
    ----------
    n_actions : int
        Actions (or trace rows) in the data.
    bytes_per_action : int, optional
        Memory the two steps need side by side, per action, with a margin.
    cpus, free : int, optional
        Cores this process may use and bytes of memory it may still take; measured when
        not given.

    Examples
    --------
    >>> side_by_side(1_000_000, cpus=2, free=16 * 2**30)
    True
    >>> side_by_side(10_000_000, cpus=2, free=16 * 2**30)
    False
    >>> side_by_side(1_000, cpus=1, free=16 * 2**30)
    False
    """
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 1)
    if cpus < 2:
        return False
    if free is None:
        free = available_memory()
    return int(n_actions) * int(bytes_per_action) <= free
