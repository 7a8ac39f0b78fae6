"""Is an edge more than chance? The null model's names, and a backbone.

The null model (:func:`bin_statistics`, :func:`expected_coactions`,
:func:`expected_within_groups`, :func:`expected_with_groups`, :func:`null_calibration`, :func:`poisson_pvalues`) lives
in :mod:`netlib.coaction.null`,
where complaint triage uses it too; its docstring gives the model and its references, and
the names are re-exported here for coordination. This module adds the disparity-filter
backbone (:func:`disparity_filter`).

References
----------
Serrano, M. A., Boguñá, M., & Vespignani, A. (2009). PNAS, 106(16), 6483-6488.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.coaction.null import (
    EXPECTED,
    P_VALUE,
    Q_VALUE,
    bin_statistics,
    bin_table,
    expected_coactions,
    expected_coactions_split,
    expected_with_groups,
    expected_within_groups,
    null_calibration,
    poisson_pvalues,
)
from netlib.errors import ParameterError
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y

__all__ = ["bin_statistics", "bin_table", "expected_coactions", "expected_coactions_split",
           "expected_within_groups", "expected_with_groups",
           "null_calibration",
           "poisson_pvalues",
           "disparity_filter", "EXPECTED", "P_VALUE", "Q_VALUE"]


def disparity_filter(edges: pd.DataFrame, *, weight: str = "weight",
                     alpha: float = 0.05) -> np.ndarray:
    """Backbone mask: keep an edge whose weight is significant for at least one endpoint.

    For an edge of weight ``w`` at a node of strength ``s`` and degree ``k > 1``,
    ``alpha_ij = (1 - w/s)^(k-1)``; the edge is kept when ``min(alpha_ij, alpha_ji) < alpha``.
    Edges at a node of degree 1 are kept.

    References
    ----------
    Serrano, M. A., Boguñá, M., & Vespignani, A. (2009). Extracting the multiscale backbone
    of complex weighted networks. PNAS, 106(16), 6483-6488.

    Examples
    --------
    >>> edges = pd.DataFrame({"account_id": ["a", "a", "a"], "account_id_y": ["b", "c", "d"],
    ...                       "weight": [100.0, 1.0, 1.0]})
    >>> disparity_filter(edges, alpha=0.05).tolist()
    [True, True, True]
    """
    if not 0 < alpha <= 1:
        raise ParameterError(f"backbone={alpha!r} must be in (0, 1]")
    if edges.empty:
        return np.zeros(0, dtype=bool)
    a = edges[ACCOUNT_ID].to_numpy()
    b = edges[ACCOUNT_ID_Y].to_numpy()
    w = edges[weight].to_numpy(dtype=float)
    ends = pd.DataFrame({"n": np.concatenate([a, b]), "w": np.concatenate([w, w])})
    strength = ends.groupby("n")["w"].sum()
    degree = ends.groupby("n").size()

    def alpha_at(nodes):
        s = strength.reindex(nodes).to_numpy()
        k = degree.reindex(nodes).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.power(np.clip(1 - w / s, 0, 1), k - 1)
        return np.where(k <= 1, 0.0, val)

    return np.minimum(alpha_at(a), alpha_at(b)) < alpha
