"""The co-action pairs whose two accounts share a cluster, kept as a row mask over the pairs.

At a million actions the coordination pairs run to tens of millions of rows; copying the
rows within clusters (every column, strings included) took nearly as much memory again as
the pairs themselves. :class:`WithinPairs` keeps a boolean mask over the pairs given and the integer codes
of the kept rows' accounts, and hands out only the columns a step reads; the table of the
kept rows is built only when asked for (:meth:`WithinPairs.frame`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netlib.coaction.actions import string_ids
from netlib.hubs._columns import ACCOUNT_ID_Y, CLUSTER_ID
from netlib.hubs._util import Codes, account_codes, index_in, key_codes
from netlib.lookup import arrow_strings, isin
from netlib.schema import ACCOUNT_ID


@dataclass(frozen=True, eq=False)
class WithinPairs:
    """Co-action pairs within one cluster: the pairs given, the rows kept, their codes.

    Build it with :func:`within_pairs`.

    Attributes
    ----------
    pairs : DataFrame
        Every pair given, as a shallow copy: under pandas' copy-on-write (the default from
        pandas 3) later changes to the caller's frame do not reach it.
    keep : numpy.ndarray
        ``bool``, one per row of ``pairs``: both accounts share a cluster (and differ).
    codes : Codes
        Codes of the kept rows' ``account_id, account_id_y`` among the sorted ids of every
        pair given.
    member : Series
        ``cluster_id`` by ``account_id`` (first cluster of an account).
    member_row : numpy.ndarray
        Row of each of ``codes.ids`` in ``member`` (-1: no cluster).
    upcast : bool
        Some pair's earlier account has no cluster, so that ``Series.map`` would upcast
        the cluster ids (e.g. int to float); :meth:`frame` does the same.
    """

    pairs: pd.DataFrame
    keep: np.ndarray
    codes: Codes
    member: pd.Series
    member_row: np.ndarray
    upcast: bool

    def __len__(self) -> int:
        return len(self.codes.columns[0])

    @property
    def empty(self) -> bool:
        """No pair is kept."""
        return len(self) == 0

    @property
    def columns(self) -> pd.Index:
        """The columns of :meth:`frame`."""
        return self.pairs.columns.append(pd.Index([CLUSTER_ID])).unique()

    def values(self, column: str, dtype: type | None = None) -> np.ndarray:
        """The kept rows of ``column`` as a NumPy array (``dtype`` as ``to_numpy``)."""
        return self.pairs[column].to_numpy(dtype=dtype)[self.keep]

    def isin(self, column: str, members: Iterable) -> np.ndarray:
        """Boolean mask over the kept rows: ``column`` (as str) is one of ``members``."""
        return isin(self.pairs[column], list(members))[self.keep]

    def key_codes(self, columns: list[str]) -> np.ndarray:
        """:func:`~netlib.hubs._util.key_codes` of the kept rows (coded over every row).

        Equal combinations get equal codes and different ones different codes, as when
        the kept rows are coded alone; the codes' values differ, their order is arbitrary
        in both cases.
        """
        return key_codes(self.pairs, columns, rows=self.keep)

    def for_frame(self) -> WithinPairs:
        """The same rows, holding only what :meth:`frame` reads (the earlier accounts'
        codes): what a result keeps to build its table later."""
        return dataclasses.replace(self, codes=Codes(self.codes.ids, self.codes.columns[:1]))

    def frame(self) -> pd.DataFrame:
        """The kept rows: original index, every column, plus ``cluster_id``.

        ``cluster_id`` is as ``Series.map`` would give it (float when the cluster ids are
        integers and some pair's earlier account has no cluster).
        """
        out = self.pairs.loc[self.keep]
        left_row = self.member_row[self.codes.columns[0]]
        if self.upcast:
            values = pd.api.extensions.take(self.member.array, np.append(left_row, -1),
                                            allow_fill=True)[:-1]
        else:
            values = self.member.array.take(left_row)
        out[CLUSTER_ID] = pd.Series(values, copy=False).to_numpy()
        # ids given as categories (a coordination result's rows) come out as str
        return string_ids(out)


def within_pairs(pairs: pd.DataFrame, clusters: pd.DataFrame) -> WithinPairs:
    """Mark the pairs whose two (different) accounts lie in the same cluster.

    Account ids are matched as strings (through their codes), so any string-like dtype
    of the pairs' account columns works (str, object, Arrow, categorical).

    Parameters
    ----------
    pairs : DataFrame
        Co-action rows with ``account_id, account_id_y``.
    clusters : DataFrame
        ``account_id, cluster_id`` (an account's first row counts).

    Returns
    -------
    WithinPairs
    """
    member = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[CLUSTER_ID]
    codes = account_codes(pairs[ACCOUNT_ID], pairs[ACCOUNT_ID_Y])
    a, b = codes.columns
    # row of ``member`` of every id (-1: none), and a code per cluster value (-1: missing)
    row_of = index_in(codes.ids, arrow_strings(member.index).combine_chunks())
    cluster_code = np.append(np.asarray(pd.factorize(member.to_numpy())[0], dtype=np.int64), -1)
    id_cluster = np.append(cluster_code[row_of], -1)   # row -1 picks the trailing -1
    left = id_cluster[a]   # a == -1 (missing id) picks the trailing -1
    keep = (left >= 0) & (left == id_cluster[b]) & (a != b)
    del left
    member_row = np.append(row_of, -1)   # code -1 (missing id) picks the trailing -1
    upcast = bool((member_row[a] < 0).any())
    return WithinPairs(pairs=pairs.copy(deep=False), keep=keep, codes=codes.subset(keep),
                       member=member, member_row=member_row, upcast=upcast)
