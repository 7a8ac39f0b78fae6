"""Coordinated behaviour: co-action pairs, significance, clusters and evidence.

:func:`detect` is the entry point; :func:`coshare_pairs` gives CooRTweet-exact co-share
pairs; the submodules hold the parts (``network``, ``significance``, ``clusters``,
``result``).
"""

from netlib.coordination.clusters import METHODS
from netlib.coordination.detect import DEFAULTS, detect
from netlib.coordination.pairs import coshare_pairs
from netlib.coordination.result import CoordinationResult
from netlib.coordination.significance import bh_qvalues, disparity_filter

__all__ = ["detect", "CoordinationResult", "coshare_pairs", "DEFAULTS", "METHODS",
           "bh_qvalues", "disparity_filter"]
