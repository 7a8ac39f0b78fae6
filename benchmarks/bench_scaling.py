"""How co-share pairs scale with actions and window, Spark and the QUT toolkit side by side,
and mirror search at scale.

The data and the timed commands are those of ``bench_coshare.py``: ``generate(n, seed)``
writes the seeded heavy-tailed retweet stream, ``run_netlib`` times netlib from the CSV to a
folder of Parquet files (``write_coshare_pairs``) and ``run_qut`` times the toolkit's
preprocess + compute + export. Each measurement runs in its own process group, so that a
timeout also ends the JVM or the toolkit's workers; a timeout is recorded as a lower bound.
Peak RSS is the largest single process: ``ru_maxrss`` of the waited-for processes, and
VmHWM sampled every 0.5 s for the ones nobody waits for (Spark's JVM). ``--max-gib`` stops
a measurement whose processes hold more than that in total (status "memory"). Each record
carries the commit measured (``code``) and the load average before and after.

* ``--actions 1000000,2000000,...``: netlib (DuckDB) at window 60 for each size; prints
  pairs, seconds, peak RSS, pairs/s, seconds per million actions and the log-log slopes of
  time and pairs against actions (and of time against pairs).
* ``--windows 10,60,300,1800``: the same at one size (``--actions``, default 10M) for each
  window.
* ``--engines duckdb,spark,qut``: each engine at each size; ratios against netlib (DuckDB)
  at the same size and window (the latest such run with DuckDB's default memory limit,
  from this invocation or an earlier one saved in ``--out``). With a path input,
  ``write_coshare_pairs(engine="spark")`` has Spark (``local[2]``, 1 GB driver) read the
  CSV, compute the pairs, sort them and write the Parquet files itself;
  ``--spark-input parquet`` gives it a Parquet copy of the data instead (converted once,
  not timed).
* ``--mirrors 50000,200000,1000000``: ``bench_mirrors.py --accounts N`` for each size, with
  wall time, peak RSS and its stage times; stopped at ``--mirror-timeout`` seconds or when
  its resident memory passes ``--mirror-max-gib``.

Data go to ``--workdir``/n<actions>/ (``shares.csv`` for netlib and Spark,
``qut_messages.csv`` for the toolkit) and are generated once per size; ``--reuse`` keeps
them across invocations. Pair outputs are deleted after they are counted. One JSON line is
printed per measurement and a summary table at the end; ``--out results.json`` appends the
measurements to that file (the summary then covers every measurement in it).

Usage (each command on its own under ``flock /tmp/bench.lock`` on a shared machine)::

    nice python benchmarks/bench_scaling.py --workdir /tmp/scaling --reuse --out scaling.json \\
        --actions 1000000,2000000,5000000,10000000,20000000,50000000
    nice python benchmarks/bench_scaling.py --workdir /tmp/scaling --reuse --out scaling.json \\
        --windows 10,60,300,1800 --actions 10000000
    nice python benchmarks/bench_scaling.py --workdir /tmp/scaling --reuse --out scaling.json \\
        --engines spark --actions 1000000,10000000 --timeout 1800
    nice python benchmarks/bench_scaling.py --workdir /tmp/scaling --reuse --out scaling.json \\
        --engines qut --actions 50000000 --timeout 3600
    nice python benchmarks/bench_scaling.py --out scaling.json --mirrors 50000,200000,1000000
    python benchmarks/bench_scaling.py --generate-only --workdir /tmp/scaling --actions 50000000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_coshare  # noqa: E402

ENGINES = ("duckdb", "spark", "qut")
DEFAULT_ACTIONS = (1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000)
GRACE_S = 60.0  # the process-group guard fires this long after the inner timeout


# --- data ----------------------------------------------------------------------------------
def dataset(workdir: Path, n: int, *, seed: int, reuse: bool, parquet: bool = False) -> dict:
    """Generate (or reuse) the inputs of one size; returns their paths and counts."""
    folder = workdir / f"n{n}"
    meta_path = folder / "meta.json"
    shares, qut = folder / "shares.csv", folder / "qut_messages.csv"
    if reuse and meta_path.exists() and shares.exists() and qut.exists():
        meta = json.loads(meta_path.read_text())
    else:
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        frame = bench_coshare.generate(n, seed=seed)
        meta = {"actions": n, "seed": seed, "rows": len(frame),
                "accounts": int(frame.account_id.nunique()),
                "objects": int(frame.object_id.nunique()),
                "largest_object": int(frame.object_id.value_counts().iloc[0])}
        bench_coshare.write_inputs(frame, folder)
        del frame
        meta["csv_mib"] = round(shares.stat().st_size / 2**20, 1)
        meta["generate_s"] = round(time.perf_counter() - t, 1)
        meta_path.write_text(json.dumps(meta) + "\n")
        print(f"data n={n:,}: {meta}", flush=True)
    meta.update(folder=str(folder), shares=str(shares), qut=str(qut))
    if parquet:
        target = folder / "shares.parquet"
        if not target.exists():
            import duckdb

            duckdb.sql(f"COPY (SELECT * FROM read_csv('{shares}')) TO '{target}' "
                       "(FORMAT parquet)")
        meta["shares_parquet"] = str(target)
    return meta


def code_version() -> str:
    """The commit measured, with ``+dirty`` if netlib or bench_coshare.py has local edits."""
    repo = HERE.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "netlib",
                                "benchmarks/bench_coshare.py"], cwd=repo,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


# --- one measurement in its own process group ----------------------------------------------
def _one(spec: dict) -> dict:
    """Runs inside the child process: one netlib or toolkit measurement."""
    folder = Path(spec["folder"])
    if spec["engine"] == "qut":
        try:
            return bench_coshare.run_qut(Path(spec["input"]), folder, window=spec["window"],
                                         min_edge_weight=spec["min_participation"],
                                         n_cpus=os.cpu_count() or 1,
                                         timeout=spec["timeout"])
        finally:
            for name in ("qut.db", "qut_edges.csv"):
                (folder / name).unlink(missing_ok=True)
    out = folder / f"pairs_{spec['engine']}_w{spec['window']}"
    try:
        return bench_coshare.run_netlib(Path(spec["input"]), out, window=spec["window"],
                                        min_participation=spec["min_participation"],
                                        engine=spec["engine"],
                                        memory_limit=spec["memory_limit"],
                                        timeout=spec["timeout"])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _group_memory(pgid: int) -> dict[int, tuple[int, int]]:
    """``{pid: (VmHWM, VmRSS)}`` in KiB for the live processes of process group ``pgid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            fields = dict(line.split(":", 1) for line in
                          (entry / "status").read_text().splitlines() if ":" in line)
            found[int(entry.name)] = (int(fields["VmHWM"].split()[0]),
                                      int(fields["VmRSS"].split()[0]))
        except (OSError, ValueError, IndexError, KeyError):
            continue
    return found


class _GroupWatch:
    """Samples a process group's memory every ``every`` seconds until the leader exits.

    ``ru_maxrss`` misses processes that nobody waits for, such as Spark's JVM; the
    sampled per-process high-water marks (VmHWM) cover them.
    """

    def __init__(self, pgid: int, every: float = 0.5) -> None:
        self.pgid, self.every = pgid, every
        self.hwm: dict[int, int] = {}
        self.total_kib = 0
        self.stopped: str | None = None

    def sample(self) -> None:
        seen = _group_memory(self.pgid)
        for pid, (hwm, _) in seen.items():
            self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
        self.total_kib = max(self.total_kib, sum(rss for _, rss in seen.values()))

    @property
    def largest_mib(self) -> float:
        return max(self.hwm.values(), default=0) / 1024


def _in_group(args: list[str], timeout: float, max_gib: float | None = None
              ) -> tuple[tuple[int, str, str] | None, float, _GroupWatch]:
    """Run ``args`` as the leader of a new process group, sampling the group's memory;
    afterwards, on timeout, or once the group holds more than ``max_gib``, end whatever is
    left in that group (a JVM, toolkit workers, an orphaned command). Returns
    (returncode, stdout, stderr) or None if it was stopped, the wall seconds and the
    memory samples (``watch.stopped`` says why it was stopped)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out_fh, tempfile.TemporaryFile("w+") as err_fh:
        proc = subprocess.Popen(args, stdout=out_fh, stderr=err_fh, text=True,
                                start_new_session=True)
        watch = _GroupWatch(proc.pid)
        done = None
        try:
            while proc.poll() is None:
                watch.sample()
                if max_gib is not None and watch.total_kib > max_gib * 2**20:
                    watch.stopped = "memory"
                elif time.perf_counter() - start > timeout:
                    watch.stopped = "timeout"
                if watch.stopped:
                    break
                time.sleep(watch.every)
            if proc.poll() is not None:
                out_fh.seek(0)
                err_fh.seek(0)
                done = (proc.returncode, out_fh.read(), err_fh.read())
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    return done, time.perf_counter() - start, watch


def measure_pairs(meta: dict, *, engine: str, window: int, min_participation: int,
                  timeout: float, memory_limit: str, spark_input: str,
                  max_gib: float | None = None) -> dict:
    """One engine on one dataset; returns the measurement record."""
    if engine == "qut":
        source = meta["qut"]
    elif engine == "spark" and spark_input == "parquet":
        source = meta["shares_parquet"]
    else:
        source = meta["shares"]
    spec = {"folder": meta["folder"], "input": source, "engine": engine, "window": window,
            "min_participation": min_participation, "timeout": timeout,
            "memory_limit": memory_limit}
    record = {"kind": "pairs", "engine": engine, "actions": meta["actions"],
              "rows_in": meta["rows"], "window": window,
              "min_participation": min_participation, "input": Path(source).name,
              "timeout_s": timeout, "memory_limit": memory_limit, "max_gib": max_gib,
              "code": code_version(), "load_before": os.getloadavg()}
    done, wall, watch = _in_group([sys.executable, str(Path(__file__).resolve()), "_one",
                                   json.dumps(spec)], timeout + GRACE_S, max_gib)
    record["load_after"] = os.getloadavg()
    record["sampled_peak_mib"] = watch.largest_mib
    record["sampled_group_mib"] = watch.total_kib / 1024
    if done is None:
        # a timeout is a lower bound on the time; "memory" means it was stopped at max_gib
        record.update(status=watch.stopped, seconds=wall, peak_mib=watch.largest_mib)
        return record
    code, stdout, stderr = done
    lines = [ln for ln in stdout.splitlines() if ln.startswith('{"one"')]
    if code != 0 or not lines:
        record.update(status="failed", seconds=wall, stderr=stderr[-2000:])
        return record
    result = json.loads(lines[-1])["one"]
    if "seconds" not in result:  # a failed command: its time is in the helper's output
        for line in result.get("stdout", "").splitlines():
            if line.startswith('{"measure"'):
                result["seconds"] = json.loads(line)["measure"].get("seconds")
    record.update(result)
    if result.get("status") == "timeout":
        record["seconds"] = float(timeout)
    # ru_maxrss covers waited-for processes; the samples also cover the JVM
    record["rusage_peak_mib"] = result.get("peak_mib")
    record["peak_mib"] = max(result.get("peak_mib") or 0.0, watch.largest_mib)
    if engine == "qut":
        record["edges"] = result.get("rows")  # one row per account pair, not per co-share
        record.pop("rows", None)
    if record.get("status") == "ok":
        record["s_per_m_actions"] = record["seconds"] / (meta["rows"] / 1e6)
    return record


# --- mirror search -------------------------------------------------------------------------
MIRROR_PATTERNS = {
    "build_s": r"build \+ validate:\s+([\d.]+) s",
    "detect_s": r"detect_mirrors:\s+([\d.]+) s",
    "candidate_pairs": r"candidate pairs ([\d,]+)",
    "links": r"accepted links ([\d,]+)",
    "recall": r"recall ([\d.]+)",
    "precision": r"precision ([\d.]+)",
}


def measure_mirrors(n: int, *, seed: int, timeout: float, max_gib: float) -> dict:
    """``bench_mirrors.py --accounts n``: wall time, peak RSS and its own stage times."""
    record = {"kind": "mirrors", "accounts": n, "seed": seed, "timeout_s": timeout,
              "max_gib": max_gib, "code": code_version(), "load_before": os.getloadavg()}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out_fh, tempfile.TemporaryFile("w+") as err_fh:
        proc = subprocess.Popen([sys.executable, str(HERE / "bench_mirrors.py"),
                                 "--accounts", str(n), "--seed", str(seed)],
                                stdout=out_fh, stderr=err_fh, start_new_session=True)
        watch, status = _GroupWatch(proc.pid, every=1.0), None
        while True:
            time.sleep(watch.every)
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:  # exited
                break
            watch.sample()
            if watch.total_kib > max_gib * 2**20:
                status = "memory"
            elif time.perf_counter() - start > timeout:
                status = "timeout"
            if status:
                os.killpg(proc.pid, signal.SIGKILL)
                _, wait_status, usage = os.wait4(proc.pid, 0)
                break
        code = os.waitstatus_to_exitcode(wait_status)
        proc.returncode = code  # reaped here, so Popen must not wait again
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out_fh.seek(0)
        err_fh.seek(0)
        out, err = out_fh.read(), err_fh.read()
    record["seconds"] = time.perf_counter() - start
    record["peak_mib"] = max(usage.ru_maxrss / 1024, watch.largest_mib)
    record["load_after"] = os.getloadavg()
    if status:
        record["status"] = status
    elif code != 0:
        record.update(status="failed", stderr=err[-2000:])
    else:
        record["status"] = "ok"
        for key, pattern in MIRROR_PATTERNS.items():
            found = re.search(pattern, out)
            if found:
                value = found.group(1).replace(",", "")
                record[key] = float(value) if "." in value else int(value)
        record["output"] = out.strip().splitlines()
    return record


# --- summary -------------------------------------------------------------------------------
def loglog_slope(x: list[float], y: list[float]) -> float | None:
    """Least-squares slope of log y against log x (None with fewer than two points)."""
    if len(x) < 2:
        return None
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def _is_baseline(rec: dict) -> bool:
    """A finished netlib (DuckDB) run with DuckDB's default memory limit."""
    return rec.get("kind") == "pairs" and rec["engine"] == "duckdb" \
        and rec.get("status") == "ok" and not rec.get("memory_limit")


def _latest_duckdb(records: list[dict], actions: int, window: int) -> dict | None:
    for rec in reversed(records):
        if _is_baseline(rec) and rec["actions"] == actions and rec["window"] == window:
            return rec
    return None


def add_ratios(records: list[dict]) -> None:
    """Time and peak-memory ratios of each engine against netlib (DuckDB), same data."""
    for rec in records:
        if rec.get("kind") != "pairs" or rec["engine"] == "duckdb":
            continue
        base = _latest_duckdb(records, rec["actions"], rec["window"])
        if base is None or rec.get("status") not in ("ok", "timeout", "memory"):
            continue
        rec["time_ratio_vs_duckdb"] = rec["seconds"] / base["seconds"]
        # stopped runs had not finished: their time is a lower bound
        rec["ratio_is_lower_bound"] = rec["status"] != "ok"
        if rec.get("peak_mib"):
            rec["peak_ratio_vs_duckdb"] = rec["peak_mib"] / base["peak_mib"]


def slopes(records: list[dict], window: int = 60, fit_min: int = 1_000_000) -> dict:
    """Log-log slopes over the DuckDB runs at ``window`` with the default memory limit
    (latest run per size, sizes of at least ``fit_min`` actions)."""
    latest: dict[int, dict] = {}
    for rec in records:
        if _is_baseline(rec) and rec["window"] == window and rec["actions"] >= fit_min:
            latest[rec["actions"]] = rec
    runs = [latest[k] for k in sorted(latest)]
    rows = [r["rows_in"] for r in runs]
    out = {"sizes": [r["actions"] for r in runs],
           "time_vs_actions": loglog_slope(rows, [r["seconds"] for r in runs]),
           "pairs_vs_actions": loglog_slope(rows, [r["rows"] for r in runs]),
           "time_vs_pairs": loglog_slope([r["rows"] for r in runs],
                                         [r["seconds"] for r in runs])}
    return out


def _fmt(value: float | None, spec: str = ",.1f") -> str:
    return "-" if value is None else format(value, spec)


def summary(records: list[dict], fit_min: int = 1_000_000) -> str:
    add_ratios(records)
    lines = [f"{'engine':14} {'actions':>12} {'window':>6} {'status':>8} {'seconds':>9} "
             f"{'peak MiB':>9} {'pairs':>13} {'pairs/s':>12} {'s/M act':>8} "
             f"{'x duckdb':>9} {'load':>11}"]
    for rec in records:
        if rec.get("kind") != "pairs":
            continue
        ratio = rec.get("time_ratio_vs_duckdb")
        ratio_txt = "-" if ratio is None else \
            (">=" if rec.get("ratio_is_lower_bound") else "") + f"{ratio:.1f}x"
        pairs = rec.get("rows", rec.get("edges"))
        pairs_txt = _fmt(pairs, ",d") + ("e" if rec["engine"] == "qut" and pairs else "")
        load = f"{rec['load_before'][0]:.1f}->{rec['load_after'][0]:.1f}"
        label = rec["engine"] + ("/parquet" if rec["input"].endswith(".parquet") else "") \
            + (f"/{rec['memory_limit']}" if rec.get("memory_limit") else "")
        lines.append(f"{label:14} {rec['rows_in']:>12,} {rec['window']:>6} "
                     f"{rec.get('status', '?'):>8} {_fmt(rec.get('seconds')):>9} "
                     f"{_fmt(rec.get('peak_mib'), ',.0f'):>9} {pairs_txt:>13} "
                     f"{_fmt(rec.get('pairs_per_s'), ',.0f'):>12} "
                     f"{_fmt(rec.get('s_per_m_actions'), ',.2f'):>8} {ratio_txt:>9} "
                     f"{load:>11}")
    mirrors = [r for r in records if r.get("kind") == "mirrors"]
    if mirrors:
        lines.append("")
        lines.append(f"{'mirrors':14} {'accounts':>12} {'status':>8} {'seconds':>9} "
                     f"{'peak MiB':>9} {'build s':>8} {'detect s':>9} {'candidates':>12} "
                     f"{'links':>8} {'load':>11}")
        for rec in mirrors:
            load = f"{rec['load_before'][0]:.1f}->{rec['load_after'][0]:.1f}"
            lines.append(f"{'':14} {rec['accounts']:>12,} {rec['status']:>8} "
                         f"{_fmt(rec.get('seconds')):>9} {_fmt(rec.get('peak_mib'), ',.0f'):>9} "
                         f"{_fmt(rec.get('build_s')):>8} {_fmt(rec.get('detect_s')):>9} "
                         f"{_fmt(rec.get('candidate_pairs'), ',d'):>12} "
                         f"{_fmt(rec.get('links'), ',d'):>8} {load:>11}")
    fit = slopes(records, fit_min=fit_min)
    if len(fit["sizes"]) >= 2:
        lines.append("")
        lines.append(f"log-log slopes, DuckDB at window 60 over {len(fit['sizes'])} sizes "
                     f"from {min(fit['sizes']):,} actions: "
                     f"time ~ actions^{fit['time_vs_actions']:.2f}, "
                     f"pairs ~ actions^{fit['pairs_vs_actions']:.2f}, "
                     f"time ~ pairs^{fit['time_vs_pairs']:.2f}")
    lines.append("(pairs: co-share rows; toolkit figures marked e are account-pair edges)")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------
def _ints(text: str | None) -> list[int]:
    return [int(float(v)) for v in text.split(",") if v.strip()] if text else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", default=None,
                        help="comma-separated sizes (default: 1M,2M,5M,10M,20M,50M; "
                             "10M with --windows)")
    parser.add_argument("--windows", default=None, help="comma-separated windows in seconds "
                                                        "(default 60)")
    parser.add_argument("--engines", default="duckdb",
                        help="comma-separated, of duckdb, spark, qut (default duckdb)")
    parser.add_argument("--min-participation", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds allowed per measurement; a timeout is a lower bound")
    parser.add_argument("--memory-limit", default="",
                        help="DuckDB memory_limit for netlib (default: write_coshare_pairs's, "
                             "half of the machine's memory)")
    parser.add_argument("--spark-input", default="csv", choices=["csv", "parquet"])
    parser.add_argument("--max-gib", type=float, default=None,
                        help="stop a measurement once its processes hold more than this "
                             "many GiB (recorded as status 'memory')")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", default="/tmp/bench_scaling")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the data already generated in --workdir")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--mirrors", default=None,
                        help="comma-separated account counts for bench_mirrors.py")
    parser.add_argument("--mirror-timeout", type=float, default=1200.0)
    parser.add_argument("--mirror-max-gib", type=float, default=16.0)
    parser.add_argument("--fit-min", type=int, default=1_000_000,
                        help="smallest size in the slope fit (fixed costs dominate below)")
    parser.add_argument("--out", default=None,
                        help="JSON file the measurements are appended to")
    args = parser.parse_args(argv)

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; expected {', '.join(ENGINES)}")
    windows = _ints(args.windows) or [60]
    sizes = _ints(args.actions)
    if not sizes and not args.mirrors:
        sizes = [10_000_000] if args.windows else list(DEFAULT_ACTIONS)
    workdir = Path(args.workdir)
    out_path = Path(args.out) if args.out else None
    records: list[dict] = json.loads(out_path.read_text()) \
        if out_path and out_path.exists() else []

    def keep(record: dict) -> None:
        records.append(record)
        print(json.dumps(record, default=str), flush=True)
        if out_path:
            out_path.write_text(json.dumps(records, indent=1, default=str) + "\n")

    for n in sizes:
        meta = dataset(workdir, n, seed=args.seed, reuse=args.reuse,
                       parquet="spark" in engines and args.spark_input == "parquet")
        if args.generate_only:
            continue
        for window in windows:
            for engine in engines:
                keep(measure_pairs(meta, engine=engine, window=window,
                                   min_participation=args.min_participation,
                                   timeout=args.timeout, memory_limit=args.memory_limit,
                                   spark_input=args.spark_input, max_gib=args.max_gib))
    for n in _ints(args.mirrors):
        keep(measure_mirrors(n, seed=args.seed, timeout=args.mirror_timeout,
                             max_gib=args.mirror_max_gib))
    if not args.generate_only:
        print()
        print(summary(records, fit_min=args.fit_min))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_one":
        print(json.dumps({"one": _one(json.loads(sys.argv[2]))}, default=str))
        sys.exit(0)
    sys.exit(main())
