"""``Series.map(dict)`` for many string keys, by one hash lookup instead of a dict per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.coaction.actions import positions

__all__ = ["mapped"]


def mapped(keys: pd.Series, mapping: pd.Series | dict) -> pd.Series:
    """``keys.map(mapping)`` for string keys and numeric values, by Arrow's hash join.

    The values, index and dtype are those of :meth:`pandas.Series.map` with a dict: the
    value of each key (of a repeated key in ``mapping``, its last value), NaN where the
    key is absent, and float as soon as one key is absent.

    Examples
    --------
    >>> mapped(pd.Series(["b", "x", "a"]), {"a": 1, "b": 2}).tolist()
    [2.0, nan, 1.0]
    >>> mapped(pd.Series(["b", "a"]), pd.Series([1, 2, 3], index=["a", "b", "a"])).tolist()
    [2, 3]
    """
    if isinstance(mapping, dict):
        mapping = pd.Series(list(mapping.values()), index=list(mapping.keys()), dtype=None)
    mapping = mapping[~mapping.index.duplicated(keep="last")]
    values = mapping.to_numpy()
    at = positions(keys, mapping.index.astype(str)) if len(mapping) \
        else np.full(len(keys), -1, dtype=np.int64)
    if len(at) and (at >= 0).all():
        out = values[at]
    else:
        out = np.full(len(keys), np.nan)
        found = at >= 0
        out[found] = values[at[found]]
    return pd.Series(out, index=keys.index)
