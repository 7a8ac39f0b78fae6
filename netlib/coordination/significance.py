"""Is an edge more than chance? A null model, edge p-values, FDR control and a backbone.

The null model itself (:func:`bin_statistics`, :func:`expected_coactions`,
:func:`null_calibration`, :func:`poisson_pvalues`) lives in :mod:`netlib.coaction.null`,
where complaint triage uses it too; it is described here and imported from there.

The null model
--------------
Keep every action where and when it happened - so each account keeps its activity volume
and its daily and weekly rhythm exactly, bursts included - and keep how often each object
was acted on in each time bin (``bin_seconds``, two hours by default) - so a viral post stays
viral *at the hour it went viral*. Only *which* object each action in a bin went to is
shuffled. Under this null, two actions in bin ``h`` of a trace land on the same object with
probability

    s_h = sum_o n_oh (n_oh - 1) / (N_h (N_h - 1))

(``n_oh`` actions on object ``o`` among the ``N_h`` actions of the bin). Every pair of
actions of accounts ``a`` and ``b`` in one trace that lie within the window of each other
would be a co-action if both had gone to the same object, so the expected co-actions are

    E_ab = kappa_t * sum over such action pairs of s_h          (summed over traces)

``kappa_t`` checks the expectation against data *actually* shuffled that way (``n_null``
seeded replicates): it is the ratio of the co-actions counted in the shuffled data to the
expectation summed over all account pairs, and should be close to 1. The edge p-value is
``P(Poisson(E_ab) >= observed)``; q-values follow Benjamini & Hochberg (1995)
(:func:`netlib.stats.qvalues`).

An organic viral burst gives many pairs one co-action each, all expected under the null;
a planted network gives the same pairs co-actions again and again, across many bins.

References
----------
Benjamini, Y., & Hochberg, Y. (1995). JRSS B, 57(1), 289-300.
Serrano, M. A., Boguñá, M., & Vespignani, A. (2009). PNAS, 106(16), 6483-6488.
Pacheco, D., et al. (2021). Uncovering coordinated networks on social media. ICWSM.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.coaction.null import (
    EXPECTED,
    P_VALUE,
    Q_VALUE,
    bin_statistics,
    expected_coactions,
    null_calibration,
    poisson_pvalues,
)
from netlib.errors import ParameterError
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y

__all__ = ["bin_statistics", "expected_coactions", "null_calibration", "poisson_pvalues",
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
