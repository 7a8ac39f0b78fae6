"""The errors netlib raises on purpose (the ground floor: imports nothing from netlib).

Every error is a :class:`NetlibError`, itself a :class:`ValueError`, so a caller can catch
all of them at once; the subclasses say what kind of thing went wrong.
"""

from __future__ import annotations

__all__ = ["NetlibError", "DataFormatError", "ParameterError"]


class NetlibError(ValueError):
    """Base class of every error netlib raises on purpose."""


class DataFormatError(NetlibError):
    """A file is missing, unreadable, or lacks a required column."""


class ParameterError(NetlibError):
    """A function was called with an invalid parameter value."""
