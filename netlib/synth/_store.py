"""Growing tables of accounts and actions with internal integer keys."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib.dataset import normalize_handle

ACCOUNT_FIELDS = ("platform", "handle", "display_name", "created_at", "bio", "url", "avatar",
                  "followers", "status", "suspended_at", "location", "language", "tz", "role",
                  "network", "pop", "activity", "generation", "active_from", "tag",
                  "calling_code", "chat")
ACTION_FIELDS = ("acc", "ts", "kind", "ref", "ext", "text", "urls", "hashtags", "media")


class Accounts:
    """Accounts as a list of dict rows; the row position is the internal account key."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.taken: dict[tuple[str, str], int] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def free(self, platform: str, handle: str) -> bool:
        return (platform, normalize_handle(handle)) not in self.taken

    def unique(self, platform: str, handle: str, rng: np.random.Generator) -> str:
        """``handle`` or, when taken on ``platform``, the handle with digits appended."""
        out = handle
        while not self.free(platform, out):
            out = f"{handle}{int(rng.integers(1, 1000))}"
        return out

    def add(self, **values) -> int:
        row = {name: None for name in ACCOUNT_FIELDS}
        row.update(status="active", suspended_at=-1, network=-1, generation=0, pop=1.0,
                   activity=0.0, followers=0, active_from=-1, tag="")
        row.update(values)
        key = len(self.rows)
        self.rows.append(row)
        self.taken[(row["platform"], normalize_handle(row["handle"]))] = key
        return key

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(ACCOUNT_FIELDS))


class Actions:
    """Actions as column chunks; ``add`` returns the internal keys of the new rows."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []
        self.n = 0

    def add(self, acc, ts, kind, *, ref=None, ext=None, text=None, urls=None, hashtags=None,
            media=None) -> np.ndarray:
        ts = np.asarray(ts, dtype=np.int64)
        n = len(ts)
        if n == 0:
            return np.empty(0, dtype=np.int64)

        def fill(value, dtype=object):
            if value is None:
                return np.full(n, None, dtype=object) if dtype is object else \
                    np.full(n, -1, dtype=dtype)
            arr = np.asarray(value, dtype=dtype) if dtype is not object else \
                np.array(list(value) if not isinstance(value, str) else [value] * n,
                         dtype=object)
            if arr.ndim == 0 or len(arr) != n:
                arr = np.full(n, value, dtype=dtype)
            return arr

        chunk = dict(acc=np.broadcast_to(np.asarray(acc, dtype=np.int64), (n,)).copy(),
                     ts=ts, kind=fill(kind), ref=fill(ref, np.int64), ext=fill(ext),
                     text=fill(text), urls=fill(urls), hashtags=fill(hashtags),
                     media=fill(media))
        self.chunks.append(chunk)
        keys = np.arange(self.n, self.n + n, dtype=np.int64)
        self.n += n
        return keys

    def column(self, name: str) -> np.ndarray:
        if not self.chunks:
            return np.empty(0)
        return np.concatenate([c[name] for c in self.chunks])

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: self.column(name) for name in ACTION_FIELDS})
