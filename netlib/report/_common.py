"""Small helpers shared by the report modules (reading results by duck typing, cell text)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd


def result_frame(result: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(result, name, None) if result is not None else None
    return frame if isinstance(frame, pd.DataFrame) else None


def is_missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def label_of(labels: Mapping[str, str], account_id: Any) -> str:
    return labels.get(str(account_id), str(account_id))


def cell_text(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value
