"""Package attributes imported on first use, so that ``import netlib`` stays quick."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, names: Mapping[str, str], submodules: Iterable[str] = ()
                    ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of a package with lazily imported names.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (it must already be in ``sys.modules``, as it is
        while its ``__init__`` runs).
    names : mapping
        Attribute name -> module that defines it; imported on first access, then kept in
        the package's namespace.
    submodules : iterable of str
        Subpackages reachable as attributes before anything imported them.

    Examples
    --------
    >>> import types
    >>> sys.modules["demo_pkg"] = types.ModuleType("demo_pkg")
    >>> getattr_, dir_ = lazy_attributes("demo_pkg", {"sqrt": "math"})
    >>> getattr_("sqrt")(4.0), "sqrt" in dir_()
    (2.0, True)
    >>> del sys.modules["demo_pkg"]
    """
    namespace = sys.modules[package].__dict__
    reachable = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(import_module(names[name]), name)
            namespace[name] = value
            return value
        if name in reachable:
            return import_module(f"{package}.{name}")
        raise AttributeError(f"module '{package}' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
