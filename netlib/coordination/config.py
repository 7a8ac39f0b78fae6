"""The options of :func:`netlib.coordination.detect`, validated once."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from netlib.coaction.engines.shares import ENGINES
from netlib.coordination.clusters import METHODS
from netlib.coordination.network import WEIGHT, WEIGHT_TFIDF
from netlib.errors import ParameterError
from netlib.options import Options
from netlib.units import memory_size, seed_value, to_seconds

__all__ = ["CoordinationConfig", "EDGE_WEIGHTS", "ATTACH_TESTS", "DENSE_STREAM_SHARE"]

#: Edge weights the community search may use.
EDGE_WEIGHTS = (WEIGHT, WEIGHT_TFIDF, "significance")
#: How an outside account's pooled ties are tested (:func:`~netlib.coordination.clusters.attach_accounts`).
ATTACH_TESTS = ("auto", "co-actions", "objects")
#: ``attach_test="auto"`` tests on objects when at least this share of the trace rows lie
#: in null bins cut as dense (a dense stream: 0.95 of the 1M organic repost benchmark's,
#: 0.11 of the IRA files', none of the synthetic worlds', CooRTweet's or the sample's).
DENSE_STREAM_SHARE = 0.5


@dataclass(frozen=True)
class CoordinationConfig(Options):
    """Every option of :func:`~netlib.coordination.detect`, checked when it is made.

    Durations (``window``, ``null_bin``) may be given as seconds or as strings such as
    ``"60s"`` or ``"2h"``; they are stored as float seconds. ``detect(data, **overrides)``
    and :meth:`replace` make a new config, so a config never changes once made.

    Attributes
    ----------
    window : float or str
        Largest gap between two actions on one object for them to co-act (seconds).
    min_participation : int
        Least actions an account needs to take part (CooRTweet's rule; 0 switches it off).
    fdr : float
        False discovery rate of the edge, group and attachment tests, in (0, 1].
    method : {"leiden", "louvain", "components"}
        Community search used to discover candidate groups.
    min_cluster_size : int
        Least accounts in a reported cluster (>= 2).
    seed : int
        Seed of every random step (null shuffles, community search, near-duplicate text).
    min_weight : int
        Least distinct co-acted objects for an edge to count as significant (>= 1).
    null_bin : float or str
        Length of the null model's time bins (seconds); object popularity is kept per bin.
    null_bin_actions : int, optional
        A null bin of one trace holding more actions than this is cut into 2, 4, ... up to
        64 equal parts, the fewest holding at most this many each on average
        (:func:`netlib.coaction.null.split_levels`). In a dense stream a viral post's
        reposts gather in the minutes after it appears, and popularity averaged over two
        hours would make their co-actions look like more than chance; a part of this many
        actions still dilutes a coordinated group's own actions among everyone else's.
        None: fixed bins.
    n_null : int
        Shuffled replicates that calibrate the analytic null (0: no calibration).
    edge_weight : {"weight", "weight_tfidf", "significance"}
        Edge weight used by the backbone filter and the stability runs.
    backbone : float, optional
        Disparity-filter alpha applied to the significant edges, in (0, 1]; None: no backbone.
    resolution : float
        Leiden/Louvain resolution.
    n_consensus : int
        Extra seeds used to score each cluster's stability (0: not scored).
    max_object_shares : int, optional
        Objects with more shares are left out of the co-action join (:func:`coshare_pairs`).
    text_threshold : float
        Similarity above which two texts are the same object (:func:`build_traces`).
    media_distance : int
        Largest perceptual-hash distance between two images of one object (:func:`build_traces`).
    attach : bool
        Let outside accounts join a cluster through their pooled ties to it.
    attach_ratio : float
        Least observed/expected ratio for a group, member or attached account to count.
    attach_test : {"auto", "co-actions", "objects"}
        The p-value of an outside account's pooled ties: on its summed co-actions with the
        members, or on the distinct objects it shares with them against the declumped
        expectation (stricter; made for dense repost streams, where the summed test lets
        heavy users of viral posts join; see
        :func:`~netlib.coordination.clusters.attach_accounts`). ``"auto"`` (the default)
        takes ``"objects"`` for a dense stream (at least :data:`DENSE_STREAM_SHARE` of the
        trace rows in null bins cut as dense, see ``null_bin_actions``) and
        ``"co-actions"`` otherwise, where the objects test would leave out true late
        members of sparse networks; ``result.params["attach_test_applied"]`` says which.
    min_behaviours : int
        Least behaviours (traces) a cluster's co-actions must span to be reported.
    behaviour_share : float
        Least share of a cluster's co-actions a trace needs to count as one of its behaviours.
    merge_links : int
        Discovered communities joined by this many significant edges form one group (0: none).
    select_p : float
        Edge p-value cut-off used to *discover* candidate groups, in (0, 1].
    attach_rounds : int
        Rounds of attaching outside accounts.
    engine : {"duckdb", "spark"}
        Where the steps that read every action run: the co-action join, the bin
        statistics and the null expectation of each edge (on Spark, only the co-action
        rows, the bins and one number per edge come back). Both give the same result.
    memory_limit : str, optional
        DuckDB's memory cap for the co-action join and the null model's joins (e.g.
        ``"4GB"``); never changes the result. Unset, the co-action join takes
        :func:`netlib.coaction.engines.duck.join_memory_limit` (a sixteenth of the memory,
        1 to 3 GiB) and the null model's joins
        :func:`netlib.coaction.null.null_memory_limit` (an eighth, 1 to 3 GiB).
    temp_directory : str, optional
        DuckDB's spill folder for those joins; never changes the result.
    traces : tuple of str, optional
        Behaviours to build from a Dataset (default: all of them, fused).
    share_chains : bool
        Follow chains of shares to the root post (a share of a share co-shares the
        original); False keys each share by the post it directly shares, as CooRTweet does.

    Raises
    ------
    ParameterError
        If an option is out of range, of the wrong kind, or unknown (:meth:`replace`).

    Examples
    --------
    >>> config = CoordinationConfig(window="2min", fdr=0.01)
    >>> config.window, config.null_bin
    (120.0, 7200.0)
    >>> config.replace(window=30).window
    30.0
    >>> config.replace(windw=30)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netlib.errors.ParameterError: unknown coordination option 'windw' (valid: window, ...)
    """

    option_kind: ClassVar[str] = "coordination"

    window: float | str = 60.0
    min_participation: int = 2
    fdr: float = 0.05
    method: str = "leiden"
    min_cluster_size: int = 3
    seed: int = 0
    min_weight: int = 2
    null_bin: float | str = 7200.0
    null_bin_actions: int | None = 1000
    n_null: int = 1
    edge_weight: str = WEIGHT
    backbone: float | None = None
    resolution: float = 1.0
    n_consensus: int = 5
    max_object_shares: int | None = None
    text_threshold: float = 0.7
    media_distance: int = 4
    attach: bool = True
    attach_ratio: float = 1.5
    attach_test: str = "auto"
    min_behaviours: int = 3
    behaviour_share: float = 0.01
    merge_links: int = 3
    select_p: float = 0.05
    attach_rounds: int = 1
    engine: str = "duckdb"
    memory_limit: str | None = None
    temp_directory: str | None = None
    traces: tuple[str, ...] | None = None
    share_chains: bool = True

    def __post_init__(self) -> None:
        values = {
            "window": to_seconds(self.window, name="window"),
            "null_bin": to_seconds(self.null_bin, name="null_bin"),
            **{name: _number(self, name, int) for name in _INTS},
            **{name: _number(self, name, float) for name in _FLOATS},
            "attach": bool(self.attach),
            "share_chains": bool(self.share_chains),
            "backbone": None if self.backbone is None else _number(self, "backbone", float),
            "null_bin_actions": (None if self.null_bin_actions is None
                                 else _number(self, "null_bin_actions", int)),
            "traces": _trace_names(self.traces),
            "seed": seed_value(self.seed),
            "memory_limit": (None if self.memory_limit is None
                             else memory_size(self.memory_limit)),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        _check_ranges(self)
        _check_choices(self)

_INTS = ("min_participation", "min_cluster_size", "seed", "min_weight", "n_null",
         "n_consensus", "media_distance", "min_behaviours", "merge_links", "attach_rounds")
_FLOATS = ("fdr", "resolution", "text_threshold", "attach_ratio", "behaviour_share",
           "select_p")


def _number(config: CoordinationConfig, name: str, kind: type) -> Any:
    value = getattr(config, name)
    try:
        out = kind(value)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"{name}={value!r} must be a number") from err
    if kind is float and not math.isfinite(out):
        raise ParameterError(f"{name}={value!r} must be a finite number")
    return out


def _trace_names(traces: Any) -> tuple[str, ...] | None:
    if traces is None:
        return None
    if isinstance(traces, str):
        return (traces,)
    if isinstance(traces, Iterable) and not hasattr(traces, "columns"):
        return tuple(str(t) for t in traces)
    raise ParameterError(f"traces={type(traces).__name__} must be trace names; pass a ready "
                         "trace table as detect(data, traces=table)")


def _check_ranges(c: CoordinationConfig) -> None:
    rules = [
        (0 < c.fdr <= 1, f"fdr={c.fdr!r} must be in (0, 1]"),
        (c.min_cluster_size >= 2, f"min_cluster_size={c.min_cluster_size!r} must be >= 2"),
        (c.min_weight >= 1, f"min_weight={c.min_weight!r} must be >= 1"),
        (c.min_participation >= 0,
         f"min_participation={c.min_participation!r} must be >= 0"),
        (c.backbone is None or 0 < c.backbone <= 1,
         f"backbone={c.backbone!r} must be None or in (0, 1]"),
        (c.n_consensus >= 0, f"n_consensus={c.n_consensus!r} must be >= 0"),
        (0 < c.select_p <= 1, f"select_p={c.select_p!r} must be in (0, 1]"),
        (c.attach_ratio >= 0, f"attach_ratio={c.attach_ratio!r} must be >= 0"),
        (c.min_behaviours >= 1, f"min_behaviours={c.min_behaviours!r} must be >= 1"),
        (0 <= c.behaviour_share <= 1,
         f"behaviour_share={c.behaviour_share!r} must be in [0, 1]"),
        (c.merge_links >= 0, f"merge_links={c.merge_links!r} must be >= 0"),
        (c.n_null >= 0, f"n_null={c.n_null!r} must be >= 0"),
        (c.max_object_shares is None or c.max_object_shares >= 2,
         f"max_object_shares={c.max_object_shares!r} must be None or >= 2"),
        (c.null_bin_actions is None or c.null_bin_actions >= 1,
         f"null_bin_actions={c.null_bin_actions!r} must be None or >= 1"),
    ]
    for ok, message in rules:
        if not ok:
            raise ParameterError(message)


def _check_choices(c: CoordinationConfig) -> None:
    if c.method not in METHODS:
        raise ParameterError(f"method={c.method!r} is unknown (expected one of "
                             f"{', '.join(METHODS)})")
    if c.edge_weight not in EDGE_WEIGHTS:
        raise ParameterError(f"edge_weight={c.edge_weight!r} must be 'weight', "
                             "'weight_tfidf' or 'significance'")
    if c.attach_test not in ATTACH_TESTS:
        raise ParameterError(f"attach_test={c.attach_test!r} must be one of "
                             f"{', '.join(ATTACH_TESTS)}")
    if c.engine not in ENGINES:
        raise ParameterError(f"engine={c.engine!r} must be one of {', '.join(ENGINES)}")
