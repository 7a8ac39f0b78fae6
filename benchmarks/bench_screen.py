"""Screening new accounts against a registry of removed accounts: accuracy and scale.

Two parts (both print a table and, with ``--json``, write the figures):

``accuracy``
    On synthetic worlds held out from training (seeds 300-315: the mirror weights are
    fit on seeds 100-123 and calibrated on 200-215; the test-suite uses seeds below 100),
    each world's removed accounts are registered (:func:`netlib.registry.register_dataset`)
    and every account of the world is screened as at its creation
    (:func:`netlib.registry.screen`: profile, creation time and first five posts only).
    A candidate pair is positive when it is a planted (successor, predecessor) mirror.
    Reported per world and pooled: AUC over the candidate pairs, AUC counting the
    planted pairs blocking never reached as scored 0 ("strict"), precision of the 50
    highest-scored alerts, blocking recall, recall at rank 1, and the reliability table.

``scale``
    A registry of ``--registry`` removed accounts (default 1,000,000) and ``--new`` new
    accounts (default 100,000, of which 1% are planted successors), generated with
    random names, avatars, bios and links. The registry is built once (``--workdir``
    keeps it); the screening runs in a fresh subprocess that reports its wall time and
    peak resident memory (``ru_maxrss``), loading the new accounts included and
    separately.

Usage::

    nice python benchmarks/bench_screen.py accuracy
    nice python benchmarks/bench_screen.py scale --workdir /tmp/screen_scale
    nice python benchmarks/bench_screen.py scale --registry 100000 --new 10000   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from netlib.dataset import Dataset
from netlib.mirrors.model import reliability_table
from netlib.mirrors.training import world
from netlib.registry import Registry, register_dataset, screen

HERE = Path(__file__).resolve().parent
VARIANTS = ("plain", "missing", "announce", "cross", "spare", "reregister", "no_status",
            "mixed")
DIFFS = ("easy", "medium", "hard")
#: Held-out worlds: seeds disjoint from training (100-123), calibration (200-215) and tests.
WORLDS = tuple((300 + i, DIFFS[i % 3], VARIANTS[i % len(VARIANTS)]) for i in range(16))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney; ties count half)."""
    pos = labels.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


# --- accuracy --------------------------------------------------------------------------------
def accuracy(scale: float, workdir: Path) -> dict:
    rows, scores, labels = [], [], []
    for seed, diff, variant in WORLDS:
        data, mirrors, _ = world(seed, diff, variant, scale=scale)
        planted = set(zip(mirrors["successor_id"].astype(str),
                          mirrors["predecessor_id"].astype(str), strict=True))
        db = workdir / f"world_{seed}.duckdb"
        db.unlink(missing_ok=True)
        with Registry(db) as reg:
            register_dataset(reg, data, source=f"world {seed}")
            t = time.perf_counter()
            res = screen(data, reg)
            seconds = time.perf_counter() - t
        a = res.alerts
        y = np.array([(x, z) in planted for x, z in zip(a["account_id"],
                                                        a["registry_account_id"], strict=True)])
        s = a["score"].to_numpy(dtype=float)
        # planted pairs whose predecessor is in the registry (the registry can only hold
        # removed accounts; a predecessor never removed in the data cannot be matched)
        with Registry(db, read_only=True) as reg:
            in_registry = set(reg.accounts()["account_id"])
        reachable = {(succ, pred) for succ, pred in planted if pred in in_registry}
        missed = len(reachable) - int(y.sum())
        strict_s = np.concatenate([s, np.zeros(max(missed, 0))])
        strict_y = np.concatenate([y, np.ones(max(missed, 0), dtype=bool)])
        top = a.assign(y=y).sort_values("score", ascending=False, kind="stable").head(50)
        first = a[a["rank"] == 1]
        y_first = {(x, z) for x, z in zip(first["account_id"], first["registry_account_id"],
                                          strict=True)} & reachable
        rows.append({"seed": seed, "difficulty": diff, "variant": variant,
                     "accounts": len(data.accounts), "planted": len(reachable),
                     "candidates": len(a), "auc": auc(s, y), "auc_strict": auc(strict_s, strict_y),
                     "p_at_50": float(top["y"].mean()) if len(top) else float("nan"),
                     "blocking_recall": float(y.sum() / max(len(reachable), 1)),
                     "recall_rank1": len(y_first) / max(len(reachable), 1),
                     "seconds": seconds})
        scores.append(s)
        labels.append(y)
    table = pd.DataFrame(rows)
    s, y = np.concatenate(scores), np.concatenate(labels)
    pooled = {"auc": auc(s, y), "auc_strict_mean": float(table["auc_strict"].mean()),
              "auc_mean": float(table["auc"].mean()),
              "p_at_50_mean": float(table["p_at_50"].mean()),
              "p_at_50_min": float(table["p_at_50"].min()),
              "blocking_recall_mean": float(table["blocking_recall"].mean()),
              "recall_rank1_mean": float(table["recall_rank1"].mean())}
    return {"worlds": table, "pooled": pooled,
            "reliability": reliability_table(s, y, bins=10)}


# --- scale -----------------------------------------------------------------------------------
_SYL = ["ka", "ri", "mo", "na", "te", "lu", "sa", "vo", "pe", "zi", "do", "ha", "ni", "ro",
        "me", "fa", "gu", "li", "be", "xo", "ta", "ze", "qu", "wi", "ya", "ju", "co", "di"]


def _words(rng: np.random.Generator, n: int, length: tuple[int, int]) -> np.ndarray:
    k = rng.integers(length[0], length[1] + 1, size=n)
    syl = np.array(_SYL)
    parts = syl[rng.integers(0, len(syl), size=(n, length[1]))]
    return np.array(["".join(row[:m]) for row, m in zip(parts, k, strict=True)])


def _accounts(rng: np.random.Generator, n: int, prefix: str) -> pd.DataFrame:
    first, last = _words(rng, n, (2, 3)), _words(rng, n, (2, 4))
    digits = rng.integers(0, 10_000, size=n)
    sep = rng.choice(["", "_", "."], size=n)
    handle = [f"{a}{s}{b}{d if d % 3 else ''}" for a, s, b, d in
              zip(first, sep, last, digits, strict=True)]
    vocab = _words(np.random.default_rng(7), 5_000, (2, 4))
    bios = [" ".join(vocab[rng.integers(0, len(vocab), size=8)]) if rng.random() < 0.7
            else None for _ in range(n)]
    domains = _words(np.random.default_rng(8), 50_000, (3, 5))
    url = [f"https://{domains[i]}.example/{h}" if rng.random() < 0.3 else None
           for i, h in zip(rng.integers(0, len(domains), size=n), handle, strict=True)]
    avatar = [f"{v:016x}" for v in rng.integers(0, 2**63, size=n)]
    return pd.DataFrame({
        "account_id": [f"{prefix}{i}" for i in range(n)], "platform": "x",
        "handle": handle, "display_name": [f"{a.title()} {b.title()}"
                                           for a, b in zip(first, last, strict=True)],
        "bio": bios, "url": url, "profile_image_hash": avatar})


def build_scale(workdir: Path, n_registry: int, n_new: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    reg = _accounts(rng, n_registry, "r")
    down = start + pd.to_timedelta(rng.uniform(0, 365, size=n_registry), unit="D")
    reg["created_at"] = down - pd.to_timedelta(rng.uniform(30, 900, size=n_registry), unit="D")
    reg["status"], reg["suspended_at"] = "suspended", down
    new = _accounts(rng, n_new, "n")
    new["created_at"] = start + pd.to_timedelta(rng.uniform(335, 365, size=n_new), unit="D")
    new["status"], new["suspended_at"] = "active", pd.NaT
    # planted successors: 1% of the new accounts re-create a removal of the last month
    recent = np.flatnonzero(down > start + pd.Timedelta(days=330))
    k = n_new // 100
    preds = rng.choice(recent, size=k, replace=False)
    succ = rng.choice(n_new, size=k, replace=False)
    for p, s in zip(preds, succ, strict=True):
        row = reg.iloc[p]
        new.loc[s, "handle"] = row["handle"] + str(rng.integers(2, 9))
        new.loc[s, "display_name"] = row["display_name"]
        new.loc[s, "bio"] = row["bio"]
        new.loc[s, "profile_image_hash"] = row["profile_image_hash"]
        new.loc[s, "url"] = row["url"]
        new.loc[s, "created_at"] = down[p] + pd.Timedelta(hours=float(rng.uniform(1, 240)))
    truth = pd.DataFrame({"successor_id": new["account_id"].to_numpy()[succ],
                          "predecessor_id": reg["account_id"].to_numpy()[preds]})
    no_actions = pd.DataFrame(columns=["action_id", "account_id", "timestamp", "kind"])
    db = workdir / "registry.duckdb"
    db.unlink(missing_ok=True)
    t_validate = t_build = 0.0
    # added in batches of 100,000 (as a registry grows: one batch per takedown wave)
    with Registry(db) as registry:
        for start_row in range(0, n_registry, 100_000):
            t = time.perf_counter()
            data = Dataset.from_frames(reg.iloc[start_row:start_row + 100_000], no_actions,
                                       now=pd.Timestamp("2025-06-01", tz="UTC"))
            t_validate += time.perf_counter() - t
            t = time.perf_counter()
            register_dataset(registry, data, source=f"scale registry {start_row}")
            t_build += time.perf_counter() - t
            print(f"registered {start_row + len(data.accounts):,}", flush=True)
    new.to_parquet(workdir / "new_accounts.parquet")
    truth.to_csv(workdir / "truth.csv", index=False)
    return {"registry_accounts": n_registry, "new_accounts": n_new, "planted": k,
            "validate_seconds": round(t_validate, 1), "build_seconds": round(t_build, 1),
            "registry_file_mib": round(db.stat().st_size / 2**20, 1)}


def scale_child(workdir: Path) -> dict:
    """Runs in a fresh process: load the new accounts, screen, report time and peak RSS."""
    t0 = time.perf_counter()
    new = pd.read_parquet(workdir / "new_accounts.parquet")
    no_actions = pd.DataFrame(columns=["action_id", "account_id", "timestamp", "kind"])
    data = Dataset.from_frames(new, no_actions, now=pd.Timestamp("2025-06-01", tz="UTC"))
    t_load = time.perf_counter() - t0
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with Registry(workdir / "registry.duckdb", read_only=True) as registry:
        t1, c1 = time.perf_counter(), time.process_time()
        res = screen(data, registry)
        t_screen, c_screen = time.perf_counter() - t1, time.process_time() - c1
    truth = pd.read_csv(workdir / "truth.csv", dtype=str)
    planted = set(zip(truth["successor_id"], truth["predecessor_id"], strict=True))
    a = res.alerts
    first = a[a["rank"] == 1]
    hit = {(x, z) for x, z in zip(first["account_id"], first["registry_account_id"],
                                  strict=True)} & planted
    y = np.array([(x, z) in planted for x, z in zip(a["account_id"], a["registry_account_id"],
                                                    strict=True)])
    return {"load_seconds": round(t_load, 1), "screen_seconds": round(t_screen, 1),
            "screen_cpu_seconds": round(c_screen, 1), "load_average": os.getloadavg()[0],
            "total_seconds": round(time.perf_counter() - t0, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "rss_after_load_mib": round(rss_load), "alerts": int(len(a)),
            "accounts_with_candidates": int(a["account_id"].nunique()),
            "recall_rank1": round(len(hit) / max(len(planted), 1), 4),
            "auc": round(auc(a["score"].to_numpy(dtype=float), y), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=["accuracy", "scale", "_scale-child"])
    parser.add_argument("--scale", type=float, default=0.4, help="world size (accuracy)")
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=100_000)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the built registry")
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench_screen_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.part == "_scale-child":
        print(json.dumps(scale_child(workdir)))
        return
    if args.part == "accuracy":
        out = accuracy(args.scale, workdir)
        pd.set_option("display.width", 200)
        print(out["worlds"].round(3).to_string(index=False))
        print(json.dumps({k: round(v, 4) for k, v in out["pooled"].items()}, indent=1))
        print(out["reliability"].round(3).to_string(index=False))
        record = {"pooled": out["pooled"], "worlds": out["worlds"].to_dict("records"),
                  "reliability": out["reliability"].to_dict("records")}
    else:
        built = json.loads((workdir / "built.json").read_text()) if args.reuse and \
            (workdir / "built.json").exists() else None
        if built is None:
            built = build_scale(workdir, args.registry, args.new)
            (workdir / "built.json").write_text(json.dumps(built))
        print("built:", json.dumps(built))
        child = subprocess.run([sys.executable, __file__, "_scale-child", "--workdir",
                                str(workdir)], capture_output=True, text=True, check=True)
        record = {"built": built, "screen": json.loads(child.stdout.strip().splitlines()[-1])}
        print("screen:", json.dumps(record["screen"]))
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
