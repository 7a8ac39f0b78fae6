"""netlib: trace coordinated account networks, mirror accounts and operator hubs.

Quick start
-----------
>>> import netlib
>>> data = netlib.load("data/sample")                  # doctest: +SKIP
>>> print(data.report)                                  # doctest: +SKIP
>>> result = netlib.analyze(data)                       # doctest: +SKIP
>>> result.tables()["clusters"].head()                  # doctest: +SKIP

The analyses live in submodules: :mod:`netlib.coordination`, :mod:`netlib.mirrors`,
:mod:`netlib.hubs`; scenarios with planted truth in :mod:`netlib.synth`, scoring in
:mod:`netlib.evaluate`, figures in :mod:`netlib.plots`, the briefing in :mod:`netlib.report`; ``netlib.explore(analysis)``
opens an explorer widget in JupyterLab.

Coordination is not proof of inauthenticity, and a time zone is not a country: every
result carries its evidence and a confidence so that a reader can judge.
"""

from netlib.dataset import Dataset
from netlib.errors import DataFormatError, NetlibError, ParameterError
from netlib.io import (
    detect_format,
    load,
    read_coortweet,
    read_crowdtangle,
    read_fivethirtyeight,
    read_interchange,
    read_meta_content_library,
    read_meta_dyi,
    read_telegram_export,
    read_telethon,
    read_threat_indicators,
    read_twarc2,
    read_twitter_io_archive,
    read_whatsapp,
)
from netlib.lazy import lazy_attributes
from netlib.loadreport import LoadReport
from netlib.provenance import NETLIB_VERSION

__version__ = NETLIB_VERSION

__all__ = [
    "load",
    "detect_format",
    "read_interchange",
    "read_coortweet",
    "read_fivethirtyeight",
    "read_twitter_io_archive",
    "read_twarc2",
    "read_telegram_export",
    "read_telethon",
    "read_whatsapp",
    "read_crowdtangle",
    "read_meta_content_library",
    "read_meta_dyi",
    "read_threat_indicators",
    "analyze",
    "Analysis",
    "explore",
    "Dataset",
    "LoadReport",
    "NetlibError",
    "DataFormatError",
    "ParameterError",
    "__version__",
]

# The analyses, the report and their libraries (igraph, scipy, plotly...) load on first
# use, so ``import netlib`` for reading data or co-share pairs stays quick.
_LAZY = {"analyze": "netlib.pipeline", "Analysis": "netlib.pipeline",
         "explore": "netlib.report.explore"}


#: Subpackages reachable as attributes (``netlib.pipeline``, ``netlib.report``...) before
#: anything imported them, as they were when ``import netlib`` loaded them all.
_SUBMODULES = frozenset({
    "cli", "coaction", "coordination", "evaluate", "hubs", "mirrors", "overview",
    "pipeline", "plots", "registry", "report", "stats", "synth", "traces", "triage"})


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, _SUBMODULES)
