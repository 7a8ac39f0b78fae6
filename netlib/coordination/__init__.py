"""Coordinated behaviour: co-action pairs, significance, clusters and evidence.

:func:`detect` is the entry point (its options are a :class:`CoordinationConfig`);
:func:`coshare_pairs` gives CooRTweet-exact co-share pairs, and :func:`write_coshare_pairs`
writes them to Parquet files out of core. The submodules hold the parts: ``network``,
``significance``, ``confirm`` (split-half confirmation, halves split by object),
``clusters``, ``components`` (the descriptive co-sharing components, CooRTweet's, each with
its test verdict), ``resolution`` (timestamp resolution and the window it allows),
``result``, and ``engines`` (the pair-file writer; the co-action engines, SQL, DuckDB and
Spark, are :mod:`netlib.coaction`'s, shared with triage).

The heavier parts (the null model needs scipy.stats) are imported on first use, so a
script that only computes co-share pairs starts quickly.
"""

import sys
from importlib import import_module
from types import ModuleType

from netlib.coaction.pairs import coshare_pairs
from netlib.lazy import lazy_attributes

__all__ = ["detect", "CoordinationConfig", "CoordinationResult", "coshare_pairs",
           "write_coshare_pairs", "pair_edges", "METHODS", "disparity_filter",
           "CoordinationWarning"]

_LAZY = {
    "CoordinationConfig": "netlib.coordination.config",
    "METHODS": "netlib.coordination.clusters",
    "CoordinationResult": "netlib.coordination.result",
    "disparity_filter": "netlib.coordination.significance",
    "CoordinationWarning": "netlib.coordination.resolution",
    "write_coshare_pairs": "netlib.coordination.engines.pairfiles",
    "pair_edges": "netlib.coordination.engines.pairfiles",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)


class _Package(ModuleType):
    """``netlib.coordination.detect`` is the function, even once its module is imported.

    Importing the submodule of the same name (``netlib.coordination.detect``) makes the
    import system set the package's ``detect`` to that module; this property keeps the
    function there instead.
    """

    @property
    def detect(self):
        return import_module("netlib.coordination.detect").detect

    @detect.setter
    def detect(self, value) -> None:
        pass


sys.modules[__name__].__class__ = _Package
