"""What every analysis config shares: built from overrides, replaced with checks.

``CoordinationConfig``, ``MirrorConfig`` and ``HubConfig`` are frozen dataclasses that
inherit :class:`Options`, so an entry point's ``config=None, **overrides`` works the same
way for every analysis and an unknown option name gets the same message everywhere.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Self

from netlib.errors import ParameterError

__all__ = ["Options"]


class Options:
    """Mixin for the analyses' frozen config dataclasses."""

    #: What the options configure, as messages name it ("coordination", "mirror", "hub").
    option_kind: ClassVar[str] = ""

    @classmethod
    def build(cls, config: Self | None = None, **overrides: Any) -> Self:
        """``config`` (the default options when None) with ``overrides`` applied.

        Raises
        ------
        ParameterError
            If ``config`` is not of this class, or an override names no option (the
            message lists the valid ones).
        """
        if config is not None and not isinstance(config, cls):
            raise ParameterError(f"config must be a {cls.__name__} (got "
                                 f"{type(config).__name__})")
        base = config if config is not None else cls()
        return base.replace(**overrides) if overrides else base

    def replace(self, **overrides: Any) -> Self:
        """A copy with some options changed (and checked again).

        Raises
        ------
        ParameterError
            If an option name is unknown.
        """
        names = [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            listed = ", ".join(repr(name) for name in unknown)
            raise ParameterError(f"unknown {self.option_kind} option"
                                 f"{'s' if len(unknown) > 1 else ''} {listed} "
                                 f"(valid: {', '.join(names)})")
        return dataclasses.replace(self, **overrides) if overrides else self  # type: ignore
