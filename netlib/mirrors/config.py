"""Every option of :func:`netlib.mirrors.detect_mirrors`, in one frozen, validated object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from netlib.errors import ParameterError
from netlib.options import Options
from netlib.units import to_seconds

__all__ = ["MirrorConfig"]


@dataclass(frozen=True)
class MirrorConfig(Options):
    """Options of the mirror analysis, validated once when the config is built.

    Durations accept seconds or strings such as ``"7D"`` and ``"12h"`` and are stored as
    seconds.

    Attributes
    ----------
    before : float
        A successor may be first seen this long ahead of the takedown (a spare created in
        advance); default 7 days.
    after : float
        ... up to this long behind it; default 30 days.
    silent_after : float or None
        Also treat accounts whose last action is this long before the end of the data as
        gone (at their last action), whatever their own rhythm. Off (None) by default.
    infer_takedowns : bool
        Infer "went silent" for accounts whose status is unknown (no ``status`` and no
        ``suspended_at``) from their own activity rate; on by default. An account counts
        as gone at its last action when the time from that action to the last action on
        its platform exceeds ``max(silence_factor x its 90th-percentile gap between
        actions, silence_floor)`` and it has at least ``silence_min_actions`` actions; an
        account whose exact handle a *later* account uses (a handle is held by one account
        at a time) counts as gone too. Known removals always win. See
        :func:`netlib.mirrors.candidates.infer_takedowns`.
    silence_factor : float
        ``k`` of the silence rule (default 3: under a Poisson rhythm the chance of a silence
        this long from a live account is about ``10**-k``).
    silence_floor : float
        Shortest silence ever read as a takedown; default 7 days (weekly rhythms).
    silence_min_actions : int
        Accounts with fewer actions have no rate to judge by and are never inferred silent
        (default 5).
    threshold : float or None
        Decision threshold on the score in [0, 1] (None: the one stored with the weights).
    weights : str, Path, dict or None
        Model weights: a file written by :func:`netlib.mirrors.model.fit_weights`, or the
        dict itself (None: the shipped ``netlib/data/mirror_weights.json``).
    max_block : int
        Blocking keys shared by more accounts than this in one week are skipped.
    max_key_share : float
        Blocking keys held by more than this share of all accounts (and by more than
        ``max_block``) are skipped too, whatever the week: a key most accounts hold, such
        as the ``user`` of default handles like ``user_48213``, tells no two of them
        apart. Default 0.5; 1 turns the rule off.
    max_candidates : int
        At most this many candidates per removed account are scored (those sharing the
        strongest blocking keys).
    max_link_accounts : int
        Links used by more accounts than this are not identity evidence.
    early_posts : int
        How many first posts of a successor are searched for announcements.
    min_rhythm_actions : int
        Accounts with fewer actions get no rhythm similarity.
    min_candidate_score : float
        Candidate pairs scoring below this are not kept in ``candidates``.

    Raises
    ------
    ParameterError
        If a duration, threshold or count is invalid.

    Examples
    --------
    >>> MirrorConfig(before="12h").before
    43200.0
    >>> MirrorConfig().replace(after="3D").after
    259200.0
    """

    option_kind: ClassVar[str] = "mirror"

    before: float = 7 * 86400.0
    after: float = 30 * 86400.0
    silent_after: float | None = None
    infer_takedowns: bool = True
    silence_factor: float = 3.0
    silence_floor: float = 7 * 86400.0
    silence_min_actions: int = 5
    threshold: float | None = None
    weights: str | Path | dict | None = None
    max_block: int = 200
    max_key_share: float = 0.5
    max_candidates: int = 30
    max_link_accounts: int = 20
    early_posts: int = 5
    min_rhythm_actions: int = 5
    min_candidate_score: float = 0.01

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("before", to_seconds(self.before, name="before", allow_zero=True))
        set_("after", to_seconds(self.after, name="after", allow_zero=True))
        if self.silent_after is not None:
            set_("silent_after", to_seconds(self.silent_after, name="silent_after"))
        set_("silence_floor", to_seconds(self.silence_floor, name="silence_floor",
                                         allow_zero=True))
        if not isinstance(self.infer_takedowns, bool):
            raise ParameterError(f"infer_takedowns={self.infer_takedowns!r} must be True or "
                                 "False")
        try:
            factor = float(self.silence_factor)
        except (TypeError, ValueError) as err:
            raise ParameterError(f"silence_factor={self.silence_factor!r} must be a positive "
                                 "number") from err
        if not factor > 0:
            raise ParameterError(f"silence_factor={self.silence_factor!r} must be a positive "
                                 "number")
        set_("silence_factor", factor)
        if self.threshold is not None:
            try:
                thr = float(self.threshold)
            except (TypeError, ValueError) as err:
                raise ParameterError(f"threshold={self.threshold!r} must lie in [0, 1]") \
                    from err
            if not 0.0 <= thr <= 1.0:
                raise ParameterError(f"threshold={self.threshold!r} must lie in [0, 1]")
            set_("threshold", thr)
        try:
            share = float(self.max_key_share)
        except (TypeError, ValueError) as err:
            raise ParameterError(f"max_key_share={self.max_key_share!r} must lie in (0, 1]") \
                from err
        if not 0.0 < share <= 1.0:
            raise ParameterError(f"max_key_share={self.max_key_share!r} must lie in (0, 1]")
        set_("max_key_share", share)
        if self.weights is not None and not isinstance(self.weights, str | Path | dict):
            raise ParameterError(f"weights must be a path or a dict (got "
                                 f"{type(self.weights).__name__})")
        if isinstance(self.weights, Path):
            set_("weights", str(self.weights))
        for name in ("max_block", "max_candidates", "max_link_accounts", "early_posts",
                     "min_rhythm_actions", "silence_min_actions"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ParameterError(f"{name}={value!r} must be a non-negative integer")
        if not 0.0 <= float(self.min_candidate_score) <= 1.0:
            raise ParameterError(f"min_candidate_score={self.min_candidate_score!r} must lie "
                                 "in [0, 1]")

    @property
    def window(self) -> tuple[pd.Timedelta, pd.Timedelta]:
        """``(before, after)`` as Timedeltas."""
        return pd.Timedelta(seconds=self.before), pd.Timedelta(seconds=self.after)

    @property
    def silent_timedelta(self) -> pd.Timedelta | None:
        """``silent_after`` as a Timedelta (None when off)."""
        return None if self.silent_after is None else pd.Timedelta(seconds=self.silent_after)
