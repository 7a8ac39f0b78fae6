"""Co-action pairs: which accounts shared the same object within a time window.

:func:`coshare_pairs` reproduces the semantics of CooRTweet's ``detect_groups``
(Righetti & Balluff) exactly, row for row, but runs as a banded self-join in DuckDB
(or Spark) instead of an all-pairs loop per object.

The CooRTweet rules, in the order they are applied
--------------------------------------------------
1. **Pre-filter.** An account is kept only if it has at least ``min_participation``
   shares in the input (all its shares, of any object, in or out of any window).
2. **Window join.** Within each object, every two shares whose times differ by at most
   ``window`` seconds form a pair (the comparison is ``|Δt| <= window``, so a pair
   exactly ``window`` seconds apart is included).
3. **Loops removed.** A pair is dropped when both shares come from the same account,
   when both carry the same ``content_id``, or when either share's ``content_id`` equals
   the ``object_id`` (an account "sharing" the object that is its own share).
4. **Post-filter.** Take the content ids seen in the pairs left; count, per account, its
   (pre-filtered) input rows carrying one of those content ids; the accounts with at
   least ``min_participation`` such rows pass. A pair is kept if **either** of its two
   shares belongs to a passing account (CooRTweet's ``|``). Skipped when
   ``min_participation < 1``.
5. **Orientation.** ``content_id``/``account_id`` is the earlier share. On equal times the
   share whose account appears first in the input goes first (CooRTweet's row order after
   its by-account pre-filter).

All ids are returned as strings, as CooRTweet converts them.

The engines (the shared SQL, DuckDB, Spark and the Parquet pair-file writer) live in
:mod:`netlib.coordination.engines`; this module is the public home of
:func:`coshare_pairs`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from netlib.coaction.engines.duck import duckdb_dataset_pairs, duckdb_pairs
from netlib.coaction.engines.shares import (
    ENGINES,
    PAIR_COLUMNS,
    TIMESTAMP_SHARE,
    check_params,
    pair_attrs,
    read_shares,
)
from netlib.coaction.engines.spark import spark_pairs
from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.schema import ACCOUNT_ID_Y, CONTENT_ID, CONTENT_ID_Y, TIME_DELTA, TRACE
from netlib.units import to_seconds

__all__ = ["coshare_pairs", "PAIR_COLUMNS", "CONTENT_ID", "CONTENT_ID_Y", "ACCOUNT_ID_Y",
           "TIME_DELTA", "TIMESTAMP_SHARE", "TRACE", "ENGINES"]


def coshare_pairs(data: Any, *, window: float = 60, min_participation: int = 2,
                  engine: str = "duckdb", max_object_shares: int | None = None,
                  id_dtype: str = "str", spark: Any = None,
                  memory_limit: str | None = None, temp_directory: str | None = None,
                  threads: int | None = None) -> pd.DataFrame:
    """Pairs of accounts that shared the same object within ``window`` seconds.

    One row per co-share, with CooRTweet ``detect_groups`` semantics (see the module
    docstring for the five rules); the result equals CooRTweet's as a set of rows.

    Parameters
    ----------
    data : Dataset, DataFrame, str or Path
        * a :class:`~netlib.dataset.Dataset`: its actions that have an ``object_id`` are the
          shares (``content_id`` = ``action_id``);
        * a trace table (``account_id, trace, object_id, timestamp, action_id``, as made by
          :func:`netlib.traces.build_traces`): pairs are formed per ``(trace, object_id)``,
          every rule is applied per trace, and a ``trace`` column is kept;
        * a CooRTweet-style frame (``object_id, account_id, content_id, timestamp_share``
          with ``timestamp_share`` in epoch seconds);
        * a path or glob of Parquet (or CSV) files holding either of the two frame layouts;
          the files are scanned by DuckDB and never loaded whole into pandas, so inputs
          larger than memory work with ``memory_limit``/``temp_directory``.
    window : float or str, default 60
        Largest time difference between two shares of a pair (inclusive): seconds, or a
        duration such as ``"2min"`` (see :func:`netlib.units.to_seconds`).
    min_participation : int, default 2
        Least number of shares an account needs (rules 1 and 4). Values below 1 switch
        the post-filter off, as in CooRTweet.
    engine : {"duckdb", "spark"}, default "duckdb"
        Where the join runs. Both give identical tables; "spark" needs pyspark and Java.
    max_object_shares : int, optional
        Guard against quadratic blow-up: objects with more shares than this (after the
        pre-filter) are left out of the join. The number of objects and shares left out is
        recorded in ``result.attrs["skipped_objects"]`` / ``["skipped_shares"]``. Default
        None keeps every object (exact parity with CooRTweet).
    id_dtype : {"str", "category"}, default "str"
        dtype of the id columns. ``"category"`` shares one category set per id kind
        (``account_id``/``account_id_y`` and ``content_id``/``content_id_y`` can be compared
        directly; the categories are the ids the pairs hold, sorted) and keeps tens of
        millions of pairs in a fraction of the memory.
    spark : SparkSession, optional
        Session to use with ``engine="spark"``; by default a small local session is
        created once and reused.
    memory_limit, temp_directory, threads : optional
        DuckDB settings (e.g. ``"2GB"``, a spill folder, a thread count) for inputs larger
        than memory. DuckDB spills past ``memory_limit``, by default
        :func:`~netlib.coaction.engines.duck.join_memory_limit` (a sixteenth of the memory,
        1 to 3 GiB): the result and the caller's data are held beside it.

    Returns
    -------
    DataFrame
        Columns ``object_id, account_id, account_id_y, content_id, content_id_y,
        time_delta`` (preceded by ``trace`` for a trace table). ``account_id``/``content_id``
        is the earlier share; ``time_delta`` is the absolute difference in seconds (float).
        Ids are strings. Rows are sorted by (trace,) object, time and account order.
        ``result.attrs`` holds the parameters and counts (shares read, shares kept by the
        pre-filter, skipped objects).

    Raises
    ------
    ParameterError
        If ``window`` is negative or not finite, ``min_participation`` is not an integer,
        ``engine`` is unknown, or ``max_object_shares`` is below 2.
    DataFormatError
        If ``data`` lacks the columns of any supported layout, or a path matches no file.

    Notes
    -----
    The number of pairs grows with the square of an object's shares *within a window*: a
    viral post shared by 10,000 accounts inside one minute alone gives ~50 million pairs.
    The join is banded on time (each share meets only shares of the same object in its own
    and the next ``window``-wide time bucket), so long-lived popular objects cost little, but
    bursts are inherently quadratic. Use ``max_object_shares`` to leave such objects out
    (they say little about *who* coordinates with whom), or run on Spark.

    References
    ----------
    Righetti, N., & Balluff, P. (2023). CooRTweet: Coordinated Networks Detection on Social
    Media. R package. https://github.com/nicolarighetti/CooRTweet
    Giglietto, F., Righetti, N., Rossi, L., & Marino, G. (2020). It takes a village to
    manipulate the media: coordinated link sharing behavior during 2018 and 2019 Italian
    elections. Information, Communication & Society, 23(6), 867-891.

    Examples
    --------
    >>> import pandas as pd
    >>> shares = pd.DataFrame({
    ...     "object_id": ["o1", "o1", "o1", "o2", "o2"],
    ...     "account_id": ["a", "b", "c", "a", "b"],
    ...     "content_id": ["1", "2", "3", "4", "5"],
    ...     "timestamp_share": [0, 30, 500, 100, 100 + 60]})
    >>> coshare_pairs(shares, window=60, min_participation=2)[
    ...     ["object_id", "account_id", "account_id_y", "time_delta"]]
      object_id account_id account_id_y  time_delta
    0        o1          a            b        30.0
    1        o2          a            b        60.0
    """
    if isinstance(window, str | dt.timedelta):
        window = to_seconds(window, name="window", allow_zero=True)
    check_params(window, min_participation, engine, max_object_shares)
    if id_dtype not in ("str", "category"):
        raise ParameterError(f"id_dtype must be 'str' or 'category', got {id_dtype!r}")
    if engine == "duckdb" and isinstance(data, Dataset):
        # a Dataset's ids are coded as integers for the join (the same rows, faster)
        got = duckdb_dataset_pairs(
            data.actions, window=window, min_participation=min_participation,
            max_object_shares=max_object_shares, memory_limit=memory_limit,
            temp_directory=temp_directory, threads=threads, id_dtype=id_dtype)
        if got is not None:
            out, counts = got
            out.attrs.update(pair_attrs(window, min_participation, engine, max_object_shares,
                                        id_dtype, f"dataset:{data.source}"))
            out.attrs.update(counts)
            return out
    shares = read_shares(data, window=window)
    params = pair_attrs(window, min_participation, engine, max_object_shares, id_dtype,
                        shares.source)
    if engine == "spark":
        out, counts = spark_pairs(shares, window=window, min_participation=min_participation,
                                  max_object_shares=max_object_shares, spark=spark,
                                  id_dtype=id_dtype)
    else:
        out, counts = duckdb_pairs(shares, window=window, min_participation=min_participation,
                                   max_object_shares=max_object_shares,
                                   memory_limit=memory_limit, temp_directory=temp_directory,
                                   threads=threads, id_dtype=id_dtype)
    out.attrs.update(params)
    out.attrs.update(counts)
    return out
