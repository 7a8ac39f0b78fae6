"""Give memory freed by large intermediate tables back to the operating system."""

from __future__ import annotations

import ctypes
import sys

__all__ = ["release_memory"]


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:   # pragma: no cover - another C library (musl...)
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()


def release_memory() -> None:
    """Return the free pages of the C heap to the system (glibc ``malloc_trim``).

    Tens of millions of co-action rows go through arrays that are freed step after step;
    glibc keeps much of that memory in its heap, so the process holds on to memory it no
    longer uses and the next step's peak adds to it. Does nothing off glibc.

    Examples
    --------
    >>> release_memory()
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
