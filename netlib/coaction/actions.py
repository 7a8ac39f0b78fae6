"""Co-action rows: two actors acting on the same object within a time window.

:func:`co_actions` runs :func:`netlib.coaction.coshare_pairs` on a trace table and adds
both actions' timestamps. It knows nothing about what the actors are: the coordination
analysis feeds it accounts' behaviour traces, complaint triage feeds it complaints.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netlib.coaction.engines.duck import duckdb_rows
from netlib.coaction.engines.shares import check_params, read_shares
from netlib.coaction.pairs import coshare_pairs
from netlib.lookup import arrow_strings, distinct_strings, increasing, sorted_string_codes
from netlib.lookup import positions as lookup_positions
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    ACTION_ID,
    CONTENT_ID,
    CONTENT_ID_Y,
    OBJECT_ID,
    TIME_DELTA,
    TIMESTAMP,
    TRACE,
)

__all__ = ["co_actions", "coded_co_actions", "account_codes", "positions", "PairCodes",
           "ShareIdCodes", "share_id_codes",
           "pair_codes", "sorted_codes", "string_ids", "TIMESTAMP_Y"]

TIMESTAMP_Y = "timestamp_y"


def co_actions(traces: pd.DataFrame, *, window: float = 60, min_participation: int = 2,
               max_object_shares: int | None = None, with_times: bool = True,
               engine: str = "duckdb", memory_limit: str | None = None,
               temp_directory: str | None = None, id_dtype: str = "str") -> pd.DataFrame:
    """Co-action rows: two accounts acting on the same object within ``window`` seconds.

    A thin layer over :func:`netlib.coaction.coshare_pairs` (CooRTweet semantics, run
    per trace) that adds both actions' timestamps. ``engine``, ``memory_limit``,
    ``temp_directory`` and ``id_dtype`` are passed on to it.

    Returns
    -------
    DataFrame
        ``trace, object_id, account_id, account_id_y, content_id, content_id_y,
        time_delta, timestamp, timestamp_y``; ``account_id`` acted first.
    """
    if traces.empty:
        return _empty_pairs()
    pairs = coshare_pairs(traces, window=window, min_participation=min_participation,
                          max_object_shares=max_object_shares, engine=engine,
                          memory_limit=memory_limit, temp_directory=temp_directory,
                          id_dtype=id_dtype)
    if TRACE not in pairs.columns:
        pairs.insert(0, TRACE, traces[TRACE].iloc[0])
    if pairs.empty:
        return _empty_pairs()
    if with_times:
        first = traces.drop_duplicates(ACTION_ID)
        ids = first[ACTION_ID].astype(str)
        # converted once and gathered as datetimes: no Timestamp object per pair
        stamps = pd.to_datetime(first[TIMESTAMP], utc=True).array
        pairs[TIMESTAMP] = stamps.take(positions(pairs[CONTENT_ID], ids))
        pairs[TIMESTAMP_Y] = stamps.take(positions(pairs[CONTENT_ID_Y], ids))
    pairs.attrs = {}
    return pairs.reset_index(drop=True)


def coded_co_actions(traces: pd.DataFrame, *, window: float = 60, min_participation: int = 2,
                     max_object_shares: int | None = None, memory_limit: str | None = None,
                     temp_directory: str | None = None
                     ) -> tuple[pd.DataFrame, PairCodes | None]:
    """:func:`co_actions` (DuckDB, ids as categories) and its :func:`pair_codes`, made at once.

    The join yields each co-action as two row numbers of the trace table; the ids of
    every trace-table row are coded once (accounts in sorted id order) and gathered by
    those row numbers, so no id string is made or hashed per co-action row. The rows,
    their order and every value are those of ``co_actions(traces, ..., id_dtype=
    "category")``; the categories may hold ids of the trace table outside any co-action.

    Returns
    -------
    pairs : DataFrame
        As :func:`co_actions` (``trace, object_id, account_id, account_id_y, content_id,
        content_id_y`` as categories sharing one category set per id kind, ``time_delta,
        timestamp, timestamp_y``).
    codes : PairCodes or None
        The rows' codes (None when there is no co-action); ``codes.first`` and
        ``codes.second`` are the account columns' category codes.
    """
    if traces.empty:
        return _empty_pairs(), None
    check_params(window, min_participation, "duckdb", max_object_shares)
    shares = read_shares(traces, window=window)
    frame = shares.frame
    # the ids are coded once, before the join: DuckDB joins the codes (the same rows as
    # joining the strings) and the pairs' ids are gathered from them by row number
    account, ids = sorted_codes(frame["acc"])
    coded_ids = share_id_codes(frame)
    trace, traces_seen = coded_ids.trace, coded_ids.traces
    obj, objects = coded_ids.obj, coded_ids.objects
    content, contents = coded_ids.content, coded_ids.contents
    coded = dataclasses.replace(shares, frame=_coded_frame(frame, coded_ids, account))
    del frame, coded_ids
    # each content id on one row only (a stream of reposts with their own ids): the
    # join's content id codes are its row numbers
    distinct = int(np.count_nonzero(content >= 0)) == len(contents)
    rows, _ = duckdb_rows(coded, window=window, min_participation=min_participation,
                          max_object_shares=max_object_shares, memory_limit=memory_limit,
                          temp_directory=temp_directory, distinct_cids=distinct)
    del coded
    if not len(rows["rn_a"]):
        return _empty_pairs(), None
    small = np.int32 if len(content) < 2**31 else np.int64
    ra = rows.pop("rn_a").astype(small)
    rb = rows.pop("rn_b").astype(small)
    dt = rows.pop("dt").astype(np.float64)
    dt /= shares.scale
    del shares
    traces_seen = pd.Index(traces_seen).astype(str)
    objects, contents = pd.Index(objects).astype(str), pd.Index(contents).astype(str)
    acc_dtype = pd.CategoricalDtype(pd.Index(ids).astype(str))
    cid_dtype = pd.CategoricalDtype(contents)
    out: dict[str, object] = {}
    # the pair's trace codes in first-seen order, as pd.factorize of the column gives them
    t = trace[ra].astype(small)
    present = np.flatnonzero(np.bincount(t[t >= 0], minlength=len(traces_seen)))
    first_row = {int(c): int(np.argmax(t == c)) for c in present}
    seen = sorted(first_row, key=first_row.__getitem__)
    remap = np.full(len(traces_seen) + 1, -1, dtype=small)
    remap[seen] = np.arange(len(seen), dtype=small)
    out[TRACE] = pd.Categorical.from_codes(t, dtype=pd.CategoricalDtype(traces_seen),
                                           validate=False)
    pair_trace = remap[t]
    pair_traces = traces_seen[seen]
    del t
    o = obj[ra].astype(small)
    out[OBJECT_ID] = pd.Categorical.from_codes(o, dtype=pd.CategoricalDtype(objects),
                                               validate=False)
    first, second = account[ra].astype(small), account[rb].astype(small)
    out[ACCOUNT_ID] = pd.Categorical.from_codes(first, dtype=acc_dtype, validate=False)
    out[ACCOUNT_ID_Y] = pd.Categorical.from_codes(second, dtype=acc_dtype, validate=False)
    ca, cb = content[ra].astype(small), content[rb].astype(small)
    del ra, rb
    out[CONTENT_ID] = pd.Categorical.from_codes(ca, dtype=cid_dtype, validate=False)
    out[CONTENT_ID_Y] = pd.Categorical.from_codes(cb, dtype=cid_dtype, validate=False)
    out[TIME_DELTA] = dt
    del dt
    # each content id's time: that of the first trace row carrying the id, as co_actions
    # gives it (written backwards, so the first row of each id is written last and stays)
    rows_back = np.arange(len(content) - 1, -1, -1)
    at = np.full(len(contents), -1, dtype=np.int64)
    at[content[rows_back]] = rows_back
    del rows_back
    stamps = pd.to_datetime(traces[TIMESTAMP], utc=True).array
    out[TIMESTAMP] = stamps.take(at[ca])
    out[TIMESTAMP_Y] = stamps.take(at[cb])
    pairs = pd.DataFrame(out, copy=False)
    del out
    repost = np.flatnonzero(pair_traces == "repost")
    is_repost = pair_trace == repost[0] if len(repost) else np.zeros(len(pairs), dtype=bool)
    root = _root_codes(objects, contents)
    # the account columns' own codes when pandas kept them as given (no second copy)
    first = _same_or(pairs[ACCOUNT_ID].cat.codes.to_numpy(), first)
    second = _same_or(pairs[ACCOUNT_ID_Y].cat.codes.to_numpy(), second)
    codes = PairCodes(ids=ids, first=first, second=second,
                      trace=pair_trace, traces=pair_traces, obj=o, objects=objects,
                      author_first=is_repost & (o >= 0) & (ca >= 0) & (root[o] == ca),
                      author_second=is_repost & (o >= 0) & (cb >= 0) & (root[o] == cb))
    return pairs, codes


@dataclass(frozen=True)
class ShareIdCodes:
    """The ids of a shares frame (``read_shares(...).frame``) as integer codes.

    ``trace``, ``obj`` and ``content`` are :func:`pandas.factorize` codes of the columns
    ``tr``, ``obj`` and ``cid`` (``-1``: missing), with their distinct values ``traces``,
    ``objects`` and ``contents``; ``own`` is, for each row, the code of the object that
    its content id is (``-1``: none), the rows CooRTweet's rule "object = content id"
    (a share of itself) is about.
    """

    trace: np.ndarray
    traces: Any
    obj: np.ndarray
    objects: Any
    content: np.ndarray
    contents: Any
    own: np.ndarray


def share_id_codes(frame: pd.DataFrame) -> ShareIdCodes:
    """:class:`ShareIdCodes` of a shares ``frame``: the co-action join and the null model's
    shuffled joins code its ids the same way."""
    trace, traces = pd.factorize(frame["tr"])
    obj, objects = pd.factorize(frame["obj"])
    cid = arrow_strings(frame["cid"])
    if increasing(cid):
        # each content id greater than the one before (a table in id order): all
        # distinct, so factorize would number them 0, 1, ... in row order, hashing each
        content, contents = np.arange(len(frame), dtype=np.intp), pd.Index(frame["cid"].array)
    else:
        content, contents = pd.factorize(frame["cid"])
    # the objects looked up as Arrow strings, not as one Python object each
    own = lookup_positions(frame["cid"], arrow_strings(pd.Series(objects)).combine_chunks())
    return ShareIdCodes(trace=trace, traces=traces, obj=obj, objects=objects,
                        content=content, contents=contents, own=own)


def _coded_frame(frame: pd.DataFrame, coded: ShareIdCodes,
                 account: np.ndarray) -> pd.DataFrame:
    """The shares ``frame`` with its ids as integer codes (``-1``: missing, made NULL).

    Equal ids get equal codes; a content id that is also an object id gets that object's
    code (the others follow the objects'), so the join's test "object = content id"
    (CooRTweet's self rows) sees the same rows as on the strings.
    """
    joint = np.where(coded.own >= 0, coded.own, len(coded.objects) + coded.content)
    joint[coded.content < 0] = -1

    def column(codes: np.ndarray) -> Any:
        codes = codes.astype(np.int64)
        if not (codes < 0).any():
            return codes
        return pd.arrays.IntegerArray(np.maximum(codes, 0), codes < 0)

    return pd.DataFrame({"tr": column(coded.trace), "obj": column(coded.obj),
                         "acc": column(account), "cid": column(joint),
                         "ticks": frame["ticks"], "rn": frame["rn"]})


def _same_or(kept: np.ndarray, given: np.ndarray) -> np.ndarray:
    return kept if kept.dtype == given.dtype else given


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` into their sorted distinct values (as str); -1 where missing.

    Examples
    --------
    >>> code, ids = sorted_codes(pd.Series(["b", "a", None, "b"]))
    >>> code.tolist(), ids.tolist()
    ([1, 0, -1, 1], ['a', 'b'])
    """
    codes, names = sorted_string_codes(values)
    return codes, np.asarray(names.astype(str), dtype=object)


def _root_codes(objects: pd.Index, contents: pd.Index) -> np.ndarray:
    """Per object, the position among ``contents`` of its root (the object without
    ``"post:"``); -1 where no content id is the root. One more -1 entry at the end."""
    names = arrow_strings(objects).combine_chunks()
    root = pc.if_else(pc.starts_with(names, "post:"), pc.utf8_slice_codeunits(names, 5),
                      names)
    ids = arrow_strings(contents).combine_chunks().cast(root.type)
    # the content ids (many) are looked up among the distinct roots (few), not the other
    # way round: the same first position of each root among the ids
    distinct = pc.unique(root)
    hit = pc.index_in(ids, value_set=distinct).fill_null(-1).to_numpy(
        zero_copy_only=False).astype(np.int64)
    at_id = np.full(len(distinct) + 1, -1, dtype=np.int64)     # last entry: no root
    rows = np.flatnonzero(hit >= 0)[::-1]                       # first row written last
    at_id[hit[rows]] = rows
    which = pc.index_in(root, value_set=distinct).fill_null(-1).to_numpy(
        zero_copy_only=False).astype(np.int64)
    return np.append(at_id[which], -1)


def _empty_pairs() -> pd.DataFrame:
    cols = {TRACE: object, OBJECT_ID: object, ACCOUNT_ID: object, ACCOUNT_ID_Y: object,
            CONTENT_ID: object, CONTENT_ID_Y: object, TIME_DELTA: float}
    out = pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    out[TIMESTAMP] = pd.Series(dtype="datetime64[ns, UTC]")
    out[TIMESTAMP_Y] = pd.Series(dtype="datetime64[ns, UTC]")
    return out


def account_codes(first: pd.Series | np.ndarray, second: pd.Series | np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both account columns as codes into their sorted distinct ids.

    Returns
    -------
    ids : numpy.ndarray
        The distinct ids (as str, object dtype), sorted; missing values are not ids.
    first, second : numpy.ndarray
        ``int64`` positions of each row's ids in ``ids`` (-1: missing); comparing two
        codes compares the ids.

    Examples
    --------
    >>> ids, a, b = account_codes(pd.Series(["b", "a"]), pd.Series(["c", "b"]))
    >>> ids.tolist(), a.tolist(), b.tolist()
    (['a', 'b', 'c'], [1, 0], [2, 1])
    """
    pool = distinct_strings(first, second)
    ids = pool.to_numpy(zero_copy_only=False)
    return ids, lookup_positions(first, pool), lookup_positions(second, pool)


def positions(values: pd.Series | np.ndarray, ids: pd.Series | np.ndarray) -> np.ndarray:
    """Position of each value (as str) in ``ids``, -1 where absent or missing.

    :func:`netlib.lookup.positions` with ``ids`` given as any array of strings: Arrow's
    hash lookup, each category of a categorical looked up once, no Python object per row.

    Examples
    --------
    >>> positions(pd.Series(["b", "x", "a"]), np.array(["a", "b"], dtype=object)).tolist()
    [1, -1, 0]
    """
    return lookup_positions(values, arrow_strings(np.asarray(ids, dtype=object)
                                                  ).combine_chunks())


@dataclass(frozen=True)
class PairCodes:
    """The co-action rows' ids as integer codes, computed once per pair table.

    Every step that groups, matches or de-duplicates co-action rows (edges, the split
    halves, cluster membership, statistics) works on these arrays instead of hashing tens
    of millions of strings again; the strings stay in the pair table for what users see.

    Attributes
    ----------
    ids : numpy.ndarray
        Distinct account ids (str, object dtype), sorted: code order is id order.
    first, second : numpy.ndarray
        ``int32`` code of each row's ``account_id`` / ``account_id_y`` in ``ids``.
    trace, obj : numpy.ndarray
        ``int32`` codes of each row's ``trace`` and ``object_id`` (first-seen order).
    traces, objects : pandas.Index
        The names behind those codes.
    author_first, author_second : numpy.ndarray of bool
        Repost rows where that side's action is the shared post itself (its author).
    """

    ids: np.ndarray
    first: np.ndarray
    second: np.ndarray
    trace: np.ndarray
    traces: pd.Index
    obj: np.ndarray
    objects: pd.Index
    author_first: np.ndarray
    author_second: np.ndarray

    @property
    def author(self) -> np.ndarray:
        """Repost rows where either side is the original post (see ``author_pairs``)."""
        return self.author_first | self.author_second

    def units(self, rows: Any = slice(None)) -> np.ndarray:
        """One ``int64`` per (trace, object) of the rows ``rows`` (positions, a boolean
        mask or a slice of the pair table): ``trace * len(objects) + obj``."""
        unit = self.trace[rows].astype(np.int64)
        unit *= max(len(self.objects), 1)
        unit += self.obj[rows]
        return unit


def pair_codes(pairs: pd.DataFrame) -> PairCodes:
    """Integer codes of a co-action table's accounts, traces and objects.

    Examples
    --------
    >>> pairs = pd.DataFrame({"trace": ["repost", "link"], "object_id": ["post:1", "u"],
    ...                       "account_id": ["b", "a"], "account_id_y": ["c", "b"],
    ...                       "content_id": ["1", "7"], "content_id_y": ["2", "8"]})
    >>> codes = pair_codes(pairs)
    >>> codes.ids.tolist(), codes.first.tolist(), codes.second.tolist()
    (['a', 'b', 'c'], [1, 0], [2, 1])
    >>> codes.trace.tolist(), codes.author.tolist()
    ([0, 1], [True, False])
    """
    small = np.int32 if len(pairs) < 2**31 else np.int64
    ids, first, second = account_codes(pairs[ACCOUNT_ID], pairs[ACCOUNT_ID_Y])
    trace, traces = pd.factorize(pairs[TRACE])
    obj, objects = pd.factorize(pairs[OBJECT_ID])
    objects = pd.Index(objects).astype(str)
    repost = (pairs[TRACE] == "repost").to_numpy(dtype=bool)
    return PairCodes(ids=ids, first=first.astype(small), second=second.astype(small),
                     trace=trace.astype(small), traces=pd.Index(traces).astype(str),
                     obj=obj.astype(small), objects=objects,
                     author_first=repost & _is_root(pairs[CONTENT_ID], obj, objects),
                     author_second=repost & _is_root(pairs[CONTENT_ID_Y], obj, objects))


def _is_root(content: pd.Series, obj: np.ndarray, objects: pd.Index) -> np.ndarray:
    """Rows whose content id is their object's root (the object without ``"post:"``).

    The root of each distinct object is looked up once among the content ids (their
    categories, or the distinct ids), so no string is made per row.
    """
    names = pa.array(objects.to_numpy(dtype=object), type=pa.string())
    root = pc.if_else(pc.starts_with(names, "post:"), pc.utf8_slice_codeunits(names, 5),
                      names)
    if isinstance(content.dtype, pd.CategoricalDtype):
        code, uniques = content.cat.codes.to_numpy(), content.cat.categories
    else:
        code, uniques = pd.factorize(content.astype(str))
    ids = pa.array(pd.Index(uniques).astype(str).to_numpy(dtype=object), type=pa.string())
    # the code, among the content ids, of each object's root (-1: no such content id)
    root_code = pc.index_in(root, value_set=ids).fill_null(-1).to_numpy(
        zero_copy_only=False).astype(np.int64)
    return (code >= 0) & (obj >= 0) & (root_code[obj] == code)


def string_ids(pairs: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with categorical id columns turned into str, column by column, in place.

    The same table :func:`co_actions` gives with ``id_dtype="str"``.
    """
    for col in pairs.columns:
        if isinstance(pairs[col].dtype, pd.CategoricalDtype):
            # gathered by Arrow from the categories: no Python string per row
            column = pa.table({col: arrow_strings(pairs[col])}).to_pandas()[col]
            column.index = pairs.index
            pairs[col] = column
    return pairs
