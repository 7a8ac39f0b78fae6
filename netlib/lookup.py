"""Membership tests on id columns that stay fast whatever the columns' dtype.

pandas' ``Series.isin`` on an Arrow-backed ``str`` column (the dtype of a compact load,
see :data:`netlib.dataset.COMPACT_ROWS`) turns every member into a Python scalar first,
which takes seconds for a million members. :func:`isin` hands both sides to Arrow's hash
lookup instead, on any dtype.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_strings", "isin"]


def _arrow_backed(dtype: object) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or \
            pa.types.is_large_string(dtype.pyarrow_dtype)
    return False


def arrow_strings(values: pd.Series | pd.Index | np.ndarray | list) -> pa.ChunkedArray:
    """``values`` as one Arrow ``large_string`` column; missing values are null.

    Arrow-backed string columns pass through without a Python object per value, and so
    does an object column that holds only strings and missing values; other values
    (categories, numbers, other objects) go through ``astype("str")`` first.

    Examples
    --------
    >>> arrow_strings(pd.Series(["a", None])).to_pylist()
    ['a', None]
    >>> arrow_strings(pd.Series(["a", 1, None], dtype=object)).to_pylist()
    ['a', '1', None]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=None
                                                                   if len(values) else object)
    array = None
    if series.dtype == object:
        try:
            array = pa.array(series.to_numpy(), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, TypeError):
            array = None  # not all strings: let pandas turn them into strings
    if array is None:
        if not _arrow_backed(series.dtype):
            series = series.astype("str")
        array = pa.array(series.array)
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    return array.cast(pa.large_string())


def isin(values: pd.Series | pd.Index | np.ndarray, members: Iterable) -> np.ndarray:
    """Boolean mask: which of ``values`` are among ``members``, compared as strings.

    A missing value matches only a missing member.

    Examples
    --------
    >>> isin(pd.Series(["a", "b", None]), {"b", "c"}).tolist()
    [False, True, False]
    >>> isin(pd.Series(["a", None], dtype="str"), ["a", None]).tolist()
    [True, True]
    """
    if not isinstance(members, (pd.Series, pd.Index, np.ndarray, list)):
        members = list(members)
    if isinstance(members, list):
        members = pd.Series(members, dtype=object)
    if not len(values):
        return np.zeros(0, dtype=bool)
    pool = arrow_strings(members).combine_chunks()
    found = pc.is_in(arrow_strings(values), value_set=pool)
    return found.to_numpy(zero_copy_only=False).astype(bool)
