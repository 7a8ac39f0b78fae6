"""How a result was made: package versions and fingerprints of inputs and frames.

One home for each: ``run.json``, the pair-file manifest, every result's ``fingerprint``
and the report's provenance section call these.
"""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

__all__ = ["NETLIB_VERSION", "package_versions", "sha256_file", "frame_fingerprint",
           "frames_fingerprint"]

#: The installed netlib's version (``netlib.__version__`` is this value).
NETLIB_VERSION = "0.1.0"

_PACKAGES = ("numpy", "pandas", "pyarrow", "duckdb", "networkx", "python-igraph", "leidenalg",
             "rapidfuzz", "scipy", "scikit-learn", "plotly", "matplotlib")


def package_versions(names: tuple[str, ...] = _PACKAGES) -> dict[str, str | None]:
    """``{"netlib": ..., "python": ..., package: version}`` (None where not installed)."""
    out: dict[str, str | None] = {"netlib": NETLIB_VERSION,
                                  "python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


#: Rows hashed at a time by :func:`frames_fingerprint`.
HASH_BLOCK_ROWS = 1 << 20


def frame_fingerprint(frame: pd.DataFrame | None) -> str:
    """SHA-256 of a frame's content (column names in order, then the row hashes)."""
    return frames_fingerprint([frame])


def frames_fingerprint(frames: list[pd.DataFrame | None], *, sort_columns: bool = False) -> str:
    """SHA-256 over several frames; ``None`` frames count as absent.

    With ``sort_columns`` the column order does not matter (a dataset's fingerprint).

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> frame_fingerprint(a) == frame_fingerprint(a.copy())
    True
    """
    digest = hashlib.sha256()
    for frame in frames:
        if frame is None:
            digest.update(b"none")
            continue
        ordered = frame[sorted(frame.columns)] if sort_columns else frame
        digest.update(",".join(map(str, ordered.columns)).encode())
        # a row's hash depends on that row alone, so the rows are hashed a block at a
        # time: the same digest, without the whole table's strings as Python objects at
        # once (several GB at ten million rows)
        for start in range(0, len(ordered), HASH_BLOCK_ROWS):
            block = ordered.iloc[start:start + HASH_BLOCK_ROWS]
            digest.update(pd.util.hash_pandas_object(block, index=False).values.tobytes())
    return digest.hexdigest()
