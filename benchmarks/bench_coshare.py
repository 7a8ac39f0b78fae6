"""Co-share pairs at scale: netlib (DuckDB) against the QUT coordination-network-toolkit.

Both tools start from a CSV file of the same generated retweets and end with a table on
disk, and each step runs in its own subprocess so its wall time and peak resident memory
(``ru_maxrss`` of the process tree) can be measured.

* netlib: ``write_coshare_pairs("shares.csv", "pairs", window=60, min_participation=2)``
  -> a folder of Parquet files (one row per co-share). ``--frame`` measures
  ``coshare_pairs(...)`` -> DataFrame -> one Parquet file instead.
* QUT toolkit: ``compute_networks DB preprocess --format csv FILE``, then
  ``compute_networks DB compute co_retweet --time_window 60 --min_edge_weight 2``, then
  ``compute_networks DB export_network edges.csv co_retweet --output_format csv``
  (one row per account pair with a weight).

The data are seeded and heavy-tailed: object popularity is Zipf-like, account activity
Pareto-like, each object's retweets follow a log-normal delay after its publication, and
a share of the retweets come from planted groups that retweet the same object within
seconds of each other.

Usage::

    nice python benchmarks/bench_coshare.py --actions 1000000
    nice python benchmarks/bench_coshare.py --actions 10000000 --qut-timeout 1800
    python benchmarks/bench_coshare.py --actions 200000 --check   # edge-weight agreement
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


# --- data ----------------------------------------------------------------------------------
def generate(n_actions: int, *, seed: int = 0, span_days: float = 30) -> pd.DataFrame:
    """Seeded retweet stream: ``object_id, account_id, content_id, timestamp_share``.

    Objects are published over ``span_days`` (30 by default, whatever the size: a larger
    stream is then a denser one). ``frame.attrs["planted"]`` lists the accounts of the
    planted burst groups (the only coordination in the stream).
    """
    rng = np.random.default_rng(seed)
    n_objects = max(n_actions // 10, 10)
    n_accounts = max(n_actions // 15, 10)
    span = int(span_days * 86_400)
    t_start = 1_700_000_000

    n_coord = int(n_actions * 0.05)
    n_organic = n_actions - n_coord

    # organic retweets: popular objects get many, active accounts retweet a lot
    pop = 1.0 / np.arange(1, n_objects + 1) ** 0.75
    pop /= pop.sum()
    published = rng.integers(0, span, n_objects)
    obj = rng.choice(n_objects, size=n_organic, p=pop)
    activity = rng.pareto(1.5, n_accounts) + 1.0
    activity /= activity.sum()
    acc = rng.choice(n_accounts, size=n_organic, p=activity)
    delay = rng.lognormal(mean=np.log(6 * 3600), sigma=2.2, size=n_organic)
    ts = published[obj] + delay.astype(np.int64)

    # coordinated bursts: a group of 10-40 accounts retweets one object within 30 s
    group_size = 25
    n_groups = max(int(n_accounts * 0.02) // group_size, 1)
    members = rng.choice(n_accounts, size=(n_groups, group_size), replace=False) \
        if n_groups * group_size <= n_accounts else \
        rng.integers(0, n_accounts, (n_groups, group_size))
    n_bursts = max(n_coord // 20, 1)
    burst_group = rng.integers(0, n_groups, n_bursts)
    burst_obj = rng.choice(n_objects, size=n_bursts, p=pop)
    burst_time = published[burst_obj] + rng.integers(0, 3600, n_bursts)
    burst_size = rng.integers(10, group_size + 1, n_bursts)
    burst_size = np.minimum(burst_size, n_coord)  # tiny inputs
    burst_of = np.repeat(np.arange(n_bursts), burst_size)[:n_coord]
    slot = np.concatenate([rng.permutation(group_size)[:k] for k in burst_size])[:n_coord]
    c_acc = members[burst_group[burst_of], slot]
    c_obj = burst_obj[burst_of]
    c_ts = burst_time[burst_of] + rng.integers(0, 30, len(burst_of))

    frame = pd.DataFrame({
        "object_id": np.concatenate([obj, c_obj]),
        "account_id": np.concatenate([acc, c_acc]),
        "timestamp_share": t_start + np.concatenate([ts, c_ts]),
    })
    frame = frame.sort_values("timestamp_share", kind="stable").reset_index(drop=True)
    frame.insert(2, "content_id", np.arange(len(frame)) + 10_000_000_000)
    frame["object_id"] = "o" + frame["object_id"].astype(str)
    frame["account_id"] = "u" + frame["account_id"].astype(str)
    frame.attrs["planted"] = sorted("u" + str(m) for m in np.unique(members))
    return frame


def write_inputs(frame: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    """The same shares in the two input layouts (not timed)."""
    netlib_csv = folder / "shares.csv"
    qut_csv = folder / "qut_messages.csv"
    frame.to_csv(netlib_csv, index=False)
    qut = pd.DataFrame({"message_id": frame["content_id"], "user_id": frame["account_id"],
                        "username": frame["account_id"], "repost_id": frame["object_id"],
                        "reply_id": "", "message": "", "timestamp": frame["timestamp_share"],
                        "urls": ""})
    qut.to_csv(qut_csv, index=False)
    return netlib_csv, qut_csv


# --- measurement ---------------------------------------------------------------------------
def measure(cmd: list[str], *, timeout: float | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd`` in a fresh helper process; return wall seconds and peak RSS (MiB).

    The helper waits for the command, so ``RUSAGE_CHILDREN`` covers the command and every
    process it waited for; ``ru_maxrss`` is the largest single process of that tree.
    """
    helper = [sys.executable, str(Path(__file__).resolve()), "_measure", "--", *cmd]
    try:
        done = subprocess.run(helper, capture_output=True, text=True, timeout=timeout,
                              cwd=cwd)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": float(timeout), "peak_mib": None}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{\"measure\"")]
    if done.returncode != 0 or not lines:
        return {"status": "failed", "stderr": done.stderr[-2000:], "stdout": done.stdout[-2000:]}
    return json.loads(lines[-1])["measure"]


def _measure_main(cmd: list[str]) -> int:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"measure": {"status": "ok" if proc.returncode == 0 else "failed",
                                  "seconds": seconds, "peak_mib": peak_kib / 1024}}))
    return proc.returncode


NETLIB_SCRIPT = """
import sys
from netlib.coordination import write_coshare_pairs
info = write_coshare_pairs(sys.argv[1], sys.argv[2], window=float(sys.argv[3]),
                           min_participation=int(sys.argv[4]), engine=sys.argv[5],
                           memory_limit=sys.argv[6] or None)
print(info["rows"])
"""

# the earlier way: the whole pair table as a pandas DataFrame, then one Parquet file
NETLIB_FRAME_SCRIPT = """
import sys
from netlib.coordination import coshare_pairs
out = coshare_pairs(sys.argv[1], window=float(sys.argv[3]), min_participation=int(sys.argv[4]),
                    engine=sys.argv[5], memory_limit=sys.argv[6] or None,
                    id_dtype=sys.argv[7])
out.to_parquet(sys.argv[2], index=False)
print(len(out))
"""


def run_netlib(csv: Path, out: Path, *, window: int, min_participation: int,
               engine: str = "duckdb", memory_limit: str = "", id_dtype: str = "str",
               frame: bool = False, timeout: float | None = None) -> dict:
    """netlib from the CSV to pairs on disk: a folder of Parquet files written by
    :func:`write_coshare_pairs` (default), or with ``frame=True`` a DataFrame from
    :func:`coshare_pairs` saved as one file."""
    if out.is_dir():
        shutil.rmtree(out)
    elif out.exists():
        out.unlink()
    script = NETLIB_FRAME_SCRIPT if frame else NETLIB_SCRIPT
    cmd = [sys.executable, "-c", script, str(csv), str(out), str(window),
           str(min_participation), engine, memory_limit, id_dtype]
    result = measure(cmd, timeout=timeout)
    if result.get("status") == "ok":
        result["rows"] = int(pd.read_parquet(out, columns=["time_delta"]).shape[0])
        result["pairs_per_s"] = result["rows"] / max(result["seconds"], 1e-9)
    return result


QUT_EXPORT = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="") as fh:
    out = csv.writer(fh)
    out.writerow(["source", "target", "weight"])
    out.writerows(db.execute("select user_1, user_2, weight from co_retweet_network"))
"""


def run_qut(csv: Path, folder: Path, *, window: int, min_edge_weight: int,
            n_cpus: int, timeout: float | None = None) -> dict:
    exe = str(VENV_BIN / "compute_networks")
    db = folder / "qut.db"
    if db.exists():
        db.unlink()
    edges = folder / "qut_edges.csv"
    steps = {
        "preprocess": [exe, str(db), "preprocess", "--format", "csv", str(csv)],
        "compute": [exe, str(db), "compute", "co_retweet", "--time_window", str(window),
                    "--min_edge_weight", str(min_edge_weight), "--n_cpus", str(n_cpus)],
        # the toolkit's own `export_network ... --output_format csv` raises TypeError in
        # the installed release (output_gephi_csv() gets an unexpected n_messages), so the
        # computed table is exported with sqlite3 instead
        "export": [sys.executable, "-c", QUT_EXPORT, str(db), str(edges)],
    }
    total, peak, out = 0.0, 0.0, {}
    for name, cmd in steps.items():
        left = None if timeout is None else max(timeout - total, 1.0)
        res = measure(cmd, timeout=left, cwd=folder)
        out[name] = res
        total += res.get("seconds") or 0.0
        peak = max(peak, res.get("peak_mib") or 0.0)
        if res["status"] != "ok":
            return {"status": res["status"], "seconds": total, "peak_mib": peak,
                    "failed_step": name, "steps": out}
    rows = sum(1 for _ in open(edges)) - 1 if edges.exists() else None
    return {"status": "ok", "seconds": total, "peak_mib": peak, "rows": rows, "steps": out}


# --- agreement check (small sizes) ---------------------------------------------------------
def check_agreement(frame: pd.DataFrame, folder: Path, *, window: int) -> dict:
    """Compare account-pair weights: the toolkit's co_retweet network versus the same
    weights derived from netlib's pair table (min_participation=1 keeps every windowed,
    loop-free co-share, which is what the toolkit joins)."""
    from netlib.coordination import coshare_pairs

    _, qut_csv = write_inputs(frame, folder)
    qut = run_qut(qut_csv, folder, window=window, min_edge_weight=1, n_cpus=2)
    if qut["status"] != "ok":
        return {"status": "qut " + qut["status"]}
    theirs = pd.read_csv(folder / "qut_edges.csv")
    cols = list(theirs.columns)
    theirs = theirs.rename(columns={cols[0]: "u1", cols[1]: "u2", cols[2]: "weight"})
    theirs = theirs[theirs.u1 != theirs.u2]
    pairs = coshare_pairs(frame, window=window, min_participation=1)
    # the toolkit counts, for user_1, the distinct messages of user_1 with a partner
    both = pd.concat([
        pairs.rename(columns={"account_id": "u1", "account_id_y": "u2",
                              "content_id": "m"})[["u1", "u2", "m"]],
        pairs.rename(columns={"account_id_y": "u1", "account_id": "u2",
                              "content_id_y": "m"})[["u1", "u2", "m"]]])
    ours = both.groupby(["u1", "u2"])["m"].nunique().rename("weight").reset_index()
    merged = ours.merge(theirs[["u1", "u2", "weight"]].astype({"u1": str, "u2": str}),
                        on=["u1", "u2"], how="outer", suffixes=("_netlib", "_qut"))
    same = (merged.weight_netlib == merged.weight_qut).sum()
    return {"status": "ok", "edges_netlib": len(ours), "edges_qut": len(theirs),
            "edges_equal_weight": int(same), "edges_total": len(merged)}


# --- main ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--min-participation", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--qut-timeout", type=float, default=1800.0,
                        help="seconds allowed for the whole toolkit pipeline")
    parser.add_argument("--skip-qut", action="store_true")
    parser.add_argument("--skip-netlib", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse shares.csv/qut_messages.csv already in --workdir")
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument("--memory-limit", default="",
                        help="DuckDB memory_limit for netlib, e.g. 1500MB (default: DuckDB's)")
    parser.add_argument("--id-dtype", default="str", choices=["str", "category"])
    parser.add_argument("--frame", action="store_true",
                        help="netlib returns a DataFrame (coshare_pairs) saved as one file, "
                             "instead of writing Parquet files (write_coshare_pairs)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run netlib this many times and use the median time")
    parser.add_argument("--check", action="store_true",
                        help="also compare edge weights with the toolkit (small sizes)")
    parser.add_argument("--workdir", default=None, help="keep the files here")
    args = parser.parse_args(argv)

    folder = Path(args.workdir or tempfile.mkdtemp(prefix="bench_coshare_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        netlib_csv, qut_csv = folder / "shares.csv", folder / "qut_messages.csv"
        if not (args.reuse and netlib_csv.exists() and qut_csv.exists()):
            frame = generate(args.actions, seed=args.seed)
            netlib_csv, qut_csv = write_inputs(frame, folder)
            print(f"data: {len(frame):,} retweets, {frame.account_id.nunique():,} accounts, "
                  f"{frame.object_id.nunique():,} objects, largest object "
                  f"{frame.object_id.value_counts().iloc[0]:,} shares; CSV "
                  f"{netlib_csv.stat().st_size / 2**20:,.0f} MiB "
                  f"(generated in {time.perf_counter() - t:,.0f} s)")
            del frame
        else:
            print(f"data: reusing {netlib_csv} and {qut_csv}")

        runs = []
        for _ in range(0 if args.skip_netlib else max(args.repeat, 1)):
            runs.append(run_netlib(netlib_csv, folder / "pairs", window=args.window,
                                   min_participation=args.min_participation,
                                   engine=args.engine, memory_limit=args.memory_limit,
                                   id_dtype=args.id_dtype, frame=args.frame))
            print(f"netlib ({args.engine}): {runs[-1]}", flush=True)
        ok = [r for r in runs if r.get("status") == "ok"]
        ours = dict(runs[-1]) if runs else {"status": "skipped"}
        if ok:
            ours["seconds"] = float(np.median([r["seconds"] for r in ok]))
            ours["peak_mib"] = max(r["peak_mib"] for r in ok)
            ours["runs_seconds"] = [round(r["seconds"], 1) for r in ok]
        report = {"actions": args.actions, "window": args.window,
                  "min_participation": args.min_participation, "netlib": ours}
        if not args.skip_qut:
            theirs = run_qut(qut_csv, folder, window=args.window,
                             min_edge_weight=args.min_participation,
                             n_cpus=os.cpu_count() or 1, timeout=args.qut_timeout)
            print(f"qut toolkit: {theirs}")
            report["qut"] = theirs
            if ours.get("status") == "ok":
                bound = "" if theirs["status"] == "ok" else ">= "
                ratio = theirs["seconds"] / ours["seconds"]
                print(f"speed ratio (toolkit / netlib): {bound}{ratio:,.1f}x; peak memory "
                      f"netlib {ours['peak_mib']:,.0f} MiB, toolkit "
                      f"{theirs['peak_mib'] or 0:,.0f} MiB (largest process)")
                report["ratio"] = ratio
                report["ratio_is_lower_bound"] = theirs["status"] != "ok"
        if args.check:
            sub = generate(min(args.actions, 200_000), seed=args.seed)
            report["check"] = check_agreement(sub, folder / "check", window=args.window) \
                if (folder / "check").mkdir(exist_ok=True) is None else None
            print(f"agreement with the toolkit: {report['check']}")
        print(json.dumps(report, default=str))
    finally:
        if not args.workdir:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_measure":
        sys.exit(_measure_main(sys.argv[3:]))
    sys.exit(main())
