"""Co-actions and their null model, shared by every analysis that asks "more than chance?".

``pairs`` and ``engines``
    :func:`coshare_pairs`: CooRTweet-exact co-share pairs (DuckDB, Spark, SQL steps).
``actions``
    :func:`co_actions`: co-action rows of a trace table, with both actions' times.
``null``
    The time-bin null model (:func:`bin_statistics`, :func:`expected_coactions`,
    :func:`null_calibration`) and :func:`poisson_pvalues`.

Coordination (:mod:`netlib.coordination`) and complaint triage (:mod:`netlib.triage`) both
build on these; neither imports the other.
"""

from netlib.coaction.actions import TIMESTAMP_Y, co_actions
from netlib.coaction.pairs import coshare_pairs
from netlib.lazy import lazy_attributes

__all__ = ["coshare_pairs", "co_actions", "bin_statistics", "expected_coactions",
           "null_calibration", "poisson_pvalues", "EXPECTED", "P_VALUE", "Q_VALUE",
           "TIMESTAMP_Y"]

# the null model needs scipy.stats (about half a second to import): loaded on first use,
# so reading co-share pairs does not pay for it
_LAZY = {name: "netlib.coaction.null" for name in
         ("EXPECTED", "P_VALUE", "Q_VALUE", "bin_statistics", "expected_coactions",
          "null_calibration", "poisson_pvalues")}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)
