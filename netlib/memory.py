"""Give memory that large intermediate tables no longer use back to the operating system.

Loading and analysing millions of rows goes through arrays that are freed step after step.
glibc's allocator (NumPy, pandas) and Arrow's (pandas' ``str`` columns) keep much of that
memory for reuse, so the process holds memory it no longer uses and the next step's peak
adds to it: after a 10M-action load the process held 3.8 GiB, of which 1.25 GiB was the
data. :func:`release_memory` returns those pages; it is cheap (milliseconds) and changes no
result. :func:`available_memory` says how much memory the process may still take.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import psutil
import pyarrow as pa

__all__ = ["release_memory", "available_memory"]


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
