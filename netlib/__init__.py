"""netlib: trace coordinated account networks, mirror accounts and operator hubs.

Quick start
-----------
>>> import netlib
>>> data = netlib.load("data/sample")          # doctest: +SKIP
>>> print(data.report)                          # doctest: +SKIP

Coordination is not proof of inauthenticity, and a time zone is not a country: every
result carries its evidence and a confidence so that a reader can judge.
"""

from netlib.io import load
from netlib.schema import (
    DataFormatError,
    Dataset,
    LoadReport,
    NetlibError,
    ParameterError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "load",
    "Dataset",
    "LoadReport",
    "NetlibError",
    "DataFormatError",
    "ValidationError",
    "ParameterError",
    "__version__",
]
