"""Calibrate the screening score on synthetic training worlds (Platt scaling).

The ``early`` mirror model is fit on the candidate pairs of the mirror analysis. Screening
meets a different mix of candidates (every removal in the registry against every new
account), and there its raw score reads too low in the middle of the range. A two-number
Platt map, fit on the screening candidates of the mirror model's *training* worlds, turns
the raw score into the probability screening reports:
``p = 1 / (1 + exp(-(a * logit(raw) + b)))``. It is monotone, so rankings do not change.

    python -m netlib.registry.calibration [--out netlib/data/screen_calibration.json]

rewrites the shipped map (deterministic: the worlds come from fixed seeds). The held-out
check is ``benchmarks/bench_screen.py accuracy`` (other seeds).

References
----------
Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
regularized likelihood methods. Advances in Large Margin Classifiers, 61-74.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from netlib.errors import ParameterError
from netlib.mirrors.model import reliability_table
from netlib.mirrors.training import TRAIN, world
from netlib.registry import register_dataset
from netlib.registry.screen import CALIBRATION_FILE, screen
from netlib.registry.store import Registry

__all__ = ["fit_calibration", "screening_pairs", "train_calibration"]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def fit_calibration(raw, labels) -> dict[str, float]:
    """Platt map ``a, b`` by maximum likelihood of ``labels`` given ``logit(raw)``.

    Raises
    ------
    ParameterError
        If the labels are all one class.

    Examples
    --------
    >>> cal = fit_calibration([0.1, 0.2, 0.8, 0.9, 0.3, 0.7], [0, 0, 1, 1, 0, 1])
    >>> cal["a"] > 0
    True
    """
    y = np.asarray(labels, dtype=float)
    if len(np.unique(y)) < 2:
        raise ParameterError("fit_calibration needs both planted mirrors and non-mirrors")
    x = _logit(raw)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] * x + theta[1]
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        r = p - y
        return float((np.logaddexp(0.0, z) - y * z).sum()), np.array([r @ x, r.sum()])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return {"a": round(float(res.x[0]), 4), "b": round(float(res.x[1]), 4)}


def screening_pairs(seed: int, difficulty: str, variant: str, *,
                    scale: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    """Raw early scores and labels of every screening candidate of one synthetic world."""
    data, mirrors, _ = world(seed, difficulty, variant, scale=scale)
    planted = set(zip(mirrors["successor_id"].astype(str),
                      mirrors["predecessor_id"].astype(str), strict=True))
    with tempfile.TemporaryDirectory() as tmp, Registry(Path(tmp) / "r.duckdb") as reg:
        register_dataset(reg, data, source=f"world {seed}")
        alerts = screen(data, reg, calibration=False).alerts
    labels = np.array([(a, b) in planted for a, b in
                       zip(alerts["account_id"], alerts["registry_account_id"], strict=True)])
    return alerts["score"].to_numpy(dtype=float), labels


def train_calibration(*, scale: float = 0.4) -> dict[str, Any]:
    """Fit the Platt map on the screening candidates of the :data:`TRAIN` worlds."""
    raws, labels = [], []
    for seed, diff, variant in TRAIN:
        raw, y = screening_pairs(seed, diff, variant, scale=scale)
        raws.append(raw)
        labels.append(y)
    raw, y = np.concatenate(raws), np.concatenate(labels)
    cal = fit_calibration(raw, y)
    p = 1.0 / (1.0 + np.exp(-(cal["a"] * _logit(raw) + cal["b"])))
    return {"method": "platt", **cal, "model": "early",
            "training": {"worlds": [f"{s} {d} {v}" for s, d, v in TRAIN], "scale": scale,
                         "n_pairs": int(len(y)), "n_positive": int(y.sum()),
                         "reliability_before": reliability_table(raw, y).round(4)
                         .to_dict("records"),
                         "reliability_after": reliability_table(p, y).round(4)
                         .to_dict("records")}}


def main() -> None:  # pragma: no cover - a maintenance script
    parser = argparse.ArgumentParser(description="calibrate the screening score")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data"
                                             / CALIBRATION_FILE))
    parser.add_argument("--scale", type=float, default=0.4)
    args = parser.parse_args()
    cal = train_calibration(scale=args.scale)
    Path(args.out).write_text(json.dumps(cal, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in cal.items() if k != "training"}))


if __name__ == "__main__":  # pragma: no cover
    main()
