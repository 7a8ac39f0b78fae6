"""Small shared helpers of netlib.hubs."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def isin(values: pd.Series | pd.Index, members: Iterable) -> np.ndarray:
    """Boolean mask of ``values`` found in ``members``, fast for large sets of strings.

    Arrow-backed string columns convert every member to a scalar one by one in ``isin``;
    comparing as plain objects through a hash table avoids that.
    """
    if isinstance(members, pd.Index | pd.Series | np.ndarray):
        pool = np.asarray(members, dtype=object)
    else:
        pool = np.fromiter(members, dtype=object) if not isinstance(members, list) else \
            np.asarray(members, dtype=object)
    left = pd.Index(np.asarray(values, dtype=object), dtype=object)
    return np.asarray(left.isin(pool), dtype=bool)
