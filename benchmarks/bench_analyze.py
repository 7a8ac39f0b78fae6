"""Per-step time and peak memory of ``netlib analyze``, with the QUT toolkit side by side.

What a user runs is ``netlib analyze INPUT --out OUT``: import, load, ``netlib.analyze``
(the coordination step -- traces, co-actions, null model, edges, clusters -- then mirrors,
then hubs) and writing the tables. This script runs exactly that in one child process per
input (as the command does): ``netlib.analyze`` itself, with its three steps timed where it
calls them. When ``netlib.analyze`` finds the mirror candidates on a second thread while
the coordination step runs (two cores and memory to spare:
``netlib.memory.side_by_side``), that work is inside the ``coordination`` step's time and
the ``mirrors`` step is what is left (``analyze`` says which in the record's
``side_by_side``). It records for each step its wall time and the largest resident
memory seen while it ran (RSS of the child, sampled every 50 ms from a thread; the child's
own ``ru_maxrss`` is the overall peak). A child that holds more than ``--max-gib`` is
stopped and recorded as ``status: memory``; one that runs past ``--timeout`` as
``status: timeout`` (both are lower bounds, not results).

Four inputs per size ``N`` (actions):

* ``organic``: the seeded heavy-tailed retweet stream of ``bench_coshare.generate`` (5% of
  the retweets from planted bursts) as an interchange folder (``accounts.csv`` with one
  row per account, ``actions.csv`` with one repost per retweet). The QUT toolkit's
  ``compute_networks`` preprocess + ``co_retweet`` (+ export) runs on the same retweets in
  the same invocation, and the ratio ``netlib analyze / toolkit`` is printed: netlib runs
  all three analyses, the toolkit one co-retweet network. The stream's only coordination
  is its planted burst groups (listed in ``planted_accounts.csv`` beside ``data``): the
  record says how the clusters meet them (accounts clustered, largest cluster, precision
  and recall), so that a change that flags organic accounts shows here too. The public pair path (a child
  that imports netlib, calls ``netlib.load`` on the folder and ``coshare_pairs`` on the
  Dataset) is timed too and set against the toolkit, once with the default string ids and
  once with ``id_dtype="category"``.
* ``organic_span``: the same stream over 30 days per million actions instead of 30 days
  at every size: the same actions per minute at every size. With a fixed span, ten times
  the actions are ten times as many per minute, and the action pairs within a two-hour
  bin (what the null model's expectations sum over) grow about a hundredfold. The
  co-shares do not change with the span (1.15M at 1M actions; 27.8M with 30 days and
  27.7M with 300 days at 10M): a post's reposts come in the hours after it appears, and
  the one world of ``N / 10`` posts has a most popular post that grows with ``N``.
* ``organic_months``: consecutive 30-day months of the 1M stream, each with its own seed,
  new posts every month and the same accounts throughout (:func:`monthly_stream`): a
  longer archive of the same traffic, whose co-shares grow as its actions do. Its growth
  exponent is the code's own; the toolkit runs on it too.
* ``synth``: ``netlib synth`` at the scale that gives about ``N`` actions (about 162,000
  actions per unit of scale), with follows, profiles and text, so the mirror and hub steps
  have real work.

``--engine spark`` runs the coordination step with ``detect(data, engine="spark")`` (the
co-action join, the null bins and the expected counts on a local Spark session). Every
step also records ``tree_peak_mib``: the summed RSS of every process of the child's process
group, which holds the JVM that Spark starts (and a second interpreter that Leiden runs
may use), sampled every 0.5 s (walking /proc takes the child's interpreter lock).

Between two sizes the growth exponent ``log(t2/t1) / log(n2/n1)`` of each step is printed
(1 is linear).

Usage (on a shared machine, under ``nice`` and one at a time)::

    nice python benchmarks/bench_analyze.py --actions 100000,1000000 --workdir /tmp/ba \\
        --out benchmarks/bench_analyze_results.json
    nice python benchmarks/bench_analyze.py --actions 3000000 --inputs organic --timeout 3600
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_coshare import generate, run_qut, write_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: actions ``netlib synth --scale 1`` writes (810k at scale 5, measured)
SYNTH_ACTIONS_PER_SCALE = 162_000
STEPS = ("import", "load", "analyze", "coordination", "mirrors", "hubs", "write")


# --- inputs (not timed) --------------------------------------------------------------------
def organic_folder(n: int, workdir: Path, *, kind: str = "organic") -> tuple[Path, Path]:
    """The retweet stream as an interchange folder, and the toolkit's CSV of it.

    ``kind`` is ``organic`` (30 days at every size: ten times the actions, ten times as
    many per minute), ``organic_span`` (30 days per million actions) or ``organic_months``
    (consecutive months of a million actions each: see :func:`monthly_stream`).
    """
    folder = workdir / f"{kind}_{n}"
    data, qut_csv = folder / "data", folder / "qut_messages.csv"
    planted = folder / PLANTED
    if (data / "actions.csv").exists() and qut_csv.exists() and planted.exists():
        return data, qut_csv
    data.mkdir(parents=True, exist_ok=True)
    frame = monthly_stream(n) if kind == "organic_months" else \
        generate(n, seed=0, span_days=30 * n / 1e6 if kind == "organic_span" else 30)
    pd.DataFrame({"account_id": frame.attrs["planted"]}).to_csv(planted, index=False)
    if (data / "actions.csv").exists() and qut_csv.exists():
        return data, qut_csv     # made before the planted accounts were written down
    write_inputs(frame, folder)
    accounts = pd.DataFrame({"account_id": pd.unique(frame["account_id"].astype(str))})
    accounts["platform"] = "x"
    accounts["handle"] = "user_" + accounts["account_id"]
    accounts.to_csv(data / "accounts.csv", index=False)
    stamps = pd.to_datetime(frame["timestamp_share"], unit="s", utc=True)
    pd.DataFrame({"action_id": frame["content_id"].astype(str),
                  "account_id": frame["account_id"].astype(str),
                  "timestamp": stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "kind": "repost",
                  "object_id": "orig_" + frame["object_id"].astype(str)}).to_csv(
        data / "actions.csv", index=False)
    return data, qut_csv


#: The organic input's planted accounts, beside its ``data`` folder (not read by netlib).
PLANTED = "planted_accounts.csv"
#: Actions in one month of ``organic_months``.
MONTH_ACTIONS = 1_000_000


def monthly_stream(n: int) -> pd.DataFrame:
    """``n`` actions as consecutive 30-day months of ``MONTH_ACTIONS`` each (the last one
    shorter): month ``k`` is ``generate(MONTH_ACTIONS, seed=k)`` shifted by ``k`` times 30
    days, its posts renamed ``m<k>o...`` (new posts every month) and its accounts kept (the
    same population all along, each account's activity drawn anew each month).

    A longer archive of the same kind of traffic: unlike ``organic_span``, whose one
    world of ``n / 10`` posts has a most popular post that grows with ``n``, the co-action
    pairs here grow as the actions do, so the analysis' growth is the code's own.
    """
    months = []
    planted: set[str] = set()
    for k, start in enumerate(range(0, n, MONTH_ACTIONS)):
        month = generate(min(MONTH_ACTIONS, n - start), seed=k)
        month["timestamp_share"] += k * 30 * 86_400
        month["object_id"] = f"m{k}" + month["object_id"]
        planted.update(month.attrs["planted"])
        months.append(month)
    frame = pd.concat(months, ignore_index=True).sort_values("timestamp_share",
                                                             kind="stable")
    frame["content_id"] = np.arange(len(frame)) + 10_000_000_000
    frame = frame.reset_index(drop=True)
    frame.attrs["planted"] = sorted(planted)
    return frame



def planted_scores(clusters: pd.DataFrame, data_path: Path) -> dict | None:
    """How the clusters of an organic input meet its planted burst groups: accounts
    clustered, largest cluster, and precision and recall of the clustered accounts
    against the planted ones (None when the input has no list of planted accounts)."""
    path = Path(data_path).parent / PLANTED
    if not path.exists():
        return None
    planted = set(pd.read_csv(path, dtype=str)["account_id"])
    flagged = set(clusters["account_id"].astype(str))
    hit = len(flagged & planted)
    sizes = clusters["cluster_id"].value_counts()
    return {"planted": len(planted), "clustered": len(flagged),
            "largest_cluster": int(sizes.max()) if len(sizes) else 0,
            "precision": round(hit / len(flagged), 3) if flagged else None,
            "recall": round(hit / len(planted), 3) if planted else None}


def synth_folder(n: int, workdir: Path) -> Path:
    folder = workdir / f"synth_{n}"
    if (folder / "actions.csv").exists():
        return folder
    scale = max(n / SYNTH_ACTIONS_PER_SCALE, 0.05)
    subprocess.run([str(Path(sys.executable).parent / "netlib"), "synth", str(folder),
                    "--scale", f"{scale:.3f}", "--seed", "7"], check=True,
                   stdout=subprocess.DEVNULL)
    return folder


# --- the child: one analyze, step by step ---------------------------------------------------
def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _group_rss_mib(group: int) -> float:
    """Summed RSS of every process in process group ``group`` (this process, the JVM
    Spark starts, a second interpreter), read from /proc."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:  # fields after the name: state, ppid, pgrp
                continue
            with open(f"/proc/{entry}/status") as fh:
                total += next((int(x.split()[1]) for x in fh if x.startswith("VmRSS:")), 0)
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024


class Steps:
    """Times steps and samples the process's RSS (and its process group's) every 50 ms
    from a thread while each runs."""

    def __init__(self) -> None:
        self.steps: dict[str, dict] = {}
        self.group = os.getpgrp()
        self.peak = _rss_mib()
        self.tree_peak = _group_rss_mib(self.group)
        self.stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        tick = 0
        while not self.stop.is_set():
            self.peak = max(self.peak, _rss_mib())
            if tick % 10 == 0:  # every 0.5 s: walking /proc holds the GIL for a while
                self.tree_peak = max(self.tree_peak, _group_rss_mib(self.group))
            tick += 1
            time.sleep(0.05)

    def __call__(self, name: str, fn):
        # a step may run inside another (the analyses inside ``analyze``): the enclosing
        # step's peak so far is kept, and includes the inner step's
        outer, outer_tree = self.peak, self.tree_peak
        self.peak = _rss_mib()
        self.tree_peak = _group_rss_mib(self.group)
        t0 = time.perf_counter()
        value = fn()
        self.steps[name] = {"seconds": round(time.perf_counter() - t0, 2),
                            "peak_mib": round(max(self.peak, _rss_mib()), 1),
                            "tree_peak_mib": round(max(self.tree_peak,
                                                       _group_rss_mib(self.group)), 1)}
        self.peak = max(outer, self.steps[name]["peak_mib"])
        self.tree_peak = max(outer_tree, self.steps[name]["tree_peak_mib"])
        print(json.dumps({"step": name, **self.steps[name]}), file=sys.stderr, flush=True)
        return value


def child(data_path: Path, out: Path, engine: str = "duckdb") -> None:
    step = Steps()
    steps = step.steps

    def imports():
        import netlib
        from netlib import pipeline
        return netlib, pipeline

    netlib, pipeline = step("import", imports)
    data = step("load", lambda: netlib.load(data_path))

    # netlib.analyze itself, each of its steps timed where it calls it
    def timed(name, fn):
        return lambda *args, **kwargs: step(name, lambda: fn(*args, **kwargs))

    for name, attr in (("coordination", "detect"), ("mirrors", "detect_mirrors"),
                       ("hubs", "rank_hubs")):
        setattr(pipeline, attr, timed(name, getattr(pipeline, attr)))
    threads = []    # where analyze found the mirror candidates: beside coordination or not
    candidates = pipeline.mirror_candidates
    pipeline.mirror_candidates = lambda *a, **k: (
        threads.append(threading.current_thread() is not threading.main_thread())
        or candidates(*a, **k))
    analysis = step("analyze", lambda: pipeline.analyze(data, {"engine": engine}))
    side = bool(threads and threads[0])
    step("write", lambda: pipeline.write_analysis(analysis, out))
    step.stop.set()
    coord, mirror = analysis.coordination, analysis.mirrors
    _report_child(steps, engine=engine, actions=len(data.actions), accounts=len(data.accounts),
                  clusters=int(coord.clusters["cluster_id"].nunique())
                  if len(coord.clusters) else 0, mirror_links=len(mirror.links),
                  side_by_side=side, planted=planted_scores(coord.clusters, data_path))


def pairs_child(data_path: Path, id_dtype: str = "str") -> None:
    """The public pair path: import, ``netlib.load`` of the folder, ``coshare_pairs``
    (ids as ``id_dtype``: the default strings, or categories)."""
    step = Steps()
    steps = step.steps

    def imports():
        import netlib
        from netlib.coordination import coshare_pairs
        return netlib, coshare_pairs

    netlib, coshare_pairs = step("import", imports)
    data = step("load", lambda: netlib.load(data_path))
    pairs = step("pairs", lambda: coshare_pairs(data, window=60, min_participation=2,
                                                 id_dtype=id_dtype))
    _report_child(steps, rows=len(pairs))


def _report_child(steps: dict, **counts) -> None:
    """The child's last line: its steps, counts and the process's own peak (ru_maxrss)."""
    print(json.dumps({"child": {
        "steps": steps, **counts,
        "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}))


def run_child(data_path: Path, out: Path | None, *, timeout: float, max_gib: float,
              engine: str = "duckdb", id_dtype: str = "str") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()),
           *(("_child", str(data_path), str(out), engine) if out is not None
             else ("_pairs", str(data_path), id_dtype))]
    t0 = time.perf_counter()
    # the child's output goes to files, not pipes: a chatty child (Spark logs to stderr)
    # would otherwise fill a pipe nobody reads until it ends, and wait forever
    stdout_file, stderr_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(cmd, stdout=stdout_file, stderr=stderr_file, text=True,
                            start_new_session=True)
    status = "ok"
    while True:
        # waits up to 0.2 s between memory checks, but returns as soon as the child ends,
        # so the wall time is the child's own, not rounded up to the next check (the
        # toolkit's steps are timed by a plain wait, too)
        try:
            proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            pass
        rss = _group_rss_mib(proc.pid)  # the child leads its own process group
        if rss / 1024 > max_gib:
            status = "memory"
        elif time.perf_counter() - t0 > timeout:
            status = "timeout"
        if status != "ok":
            os.killpg(proc.pid, 9)
            break
    proc.wait()
    seconds = round(time.perf_counter() - t0, 2)
    stdout_file.seek(0)
    stderr_file.seek(0)
    stdout, stderr = stdout_file.read(), stderr_file.read()
    stdout_file.close()
    stderr_file.close()
    done = [json.loads(x)["child"] for x in stdout.splitlines() if x.startswith('{"child"')]
    partial = {}
    for line in stderr.splitlines():
        if line.startswith('{"step"'):
            rec = json.loads(line)
            partial[rec.pop("step")] = rec
    if status == "ok" and (proc.returncode != 0 or not done):
        return {"status": "failed", "seconds": seconds, "steps": partial,
                "stderr": stderr[-3000:]}
    if not done:
        return {"status": status, "seconds": seconds, "steps": partial}
    return {"status": status, "seconds": seconds, **done[0]}


# --- reporting ------------------------------------------------------------------------------
def _exponent(a: float, b: float, na: int, nb: int) -> float | None:
    if not a or not b or na == nb:
        return None
    return round(math.log(b / a) / math.log(nb / na), 2)


def summary(records: list[dict]) -> str:
    lines = ["| input | actions | " + " | ".join(STEPS) + " | total | peak RSS | "
             "process group peak | toolkit | toolkit peak | ratio |",
             "|" + "---|" * (len(STEPS) + 8)]
    for r in records:
        net = r["netlib"]
        cells = []
        for s in STEPS:
            got = net.get("steps", {}).get(s)
            cells.append(f"{got['seconds']:.1f} s ({got['peak_mib'] / 1024:.1f} GiB)"
                         if got else "-")
        qut = r.get("qut") or {}
        peak = net.get("ru_maxrss_mib") or max(
            (v["peak_mib"] for v in net.get("steps", {}).values()), default=0)
        qs = f"{qut['seconds']:.1f} s" if qut.get("status") == "ok" else qut.get("status", "-")
        qp = f"{qut['peak_mib']:.0f} MiB" if qut.get("peak_mib") else "-"
        ratio = (f"{net['seconds'] / qut['seconds']:.2f}" if qut.get("status") == "ok"
                 and net["status"] == "ok" else "-")
        tree = max((v.get("tree_peak_mib") or 0 for v in net.get("steps", {}).values()),
                   default=0)
        label = r["input"] + ("" if r.get("engine", "duckdb") == "duckdb"
                              else f" ({r['engine']})")
        lines.append(f"| {label} | {r['actions']:,} | " + " | ".join(cells)
                     + f" | {net['seconds']:.1f} s ({net['status']}) | {peak / 1024:.2f} GiB"
                     f" | {tree / 1024:.2f} GiB | {qs} | {qp} | {ratio} |")
    for r in records:
        got = r["netlib"].get("planted")
        if got:
            lines.append(f"\nplanted bursts ({r['input']}, {r['actions']:,}): "
                         f"{got['clustered']:,} accounts clustered (largest cluster "
                         f"{got['largest_cluster']:,}) against {got['planted']:,} planted; "
                         f"precision {got['precision']}, recall {got['recall']}")
    for r in records:
        qut = r.get("qut") or {}
        for key, ids in (("public_pairs", ""), ("public_pairs_category", ", ids as categories")):
            pub = r.get(key) or {}
            if pub.get("status") != "ok":
                continue
            parts = ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in pub["steps"].items())
            vs = (f"; toolkit {qut['seconds']:.1f} s, netlib {qut['seconds'] / pub['seconds']:.1f}x "
                  "faster" if qut.get("status") == "ok" else "")
            lines.append(f"\npublic pair path{ids} ({r['input']}, {r['actions']:,}): "
                         f"{pub['seconds']:.1f} s ({parts}), {pub['rows']:,} co-shares, peak "
                         f"{pub['ru_maxrss_mib'] / 1024:.2f} GiB{vs}")
    by_input: dict[str, list[dict]] = {}
    for r in records:
        if r["netlib"]["status"] == "ok":
            by_input.setdefault(r["input"], []).append(r)
    for name, rows in by_input.items():
        rows.sort(key=lambda r: r["actions"])
        for a, b in zip(rows, rows[1:], strict=False):
            exps = {s: _exponent(a["netlib"]["steps"][s]["seconds"],
                                 b["netlib"]["steps"][s]["seconds"],
                                 a["actions"], b["actions"]) for s in STEPS[1:]
                    if s in a["netlib"]["steps"] and s in b["netlib"]["steps"]}
            exps["total"] = _exponent(a["netlib"]["seconds"], b["netlib"]["seconds"],
                                      a["actions"], b["actions"])
            lines.append(f"\ngrowth exponent {name} {a['actions']:,} -> {b['actions']:,}: "
                         + ", ".join(f"{k} {v}" for k, v in exps.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        child(Path(argv[1]), Path(argv[2]), *(argv[3:4]))
        return 0
    if argv and argv[0] == "_pairs":
        pairs_child(Path(argv[1]), *(argv[2:3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="100000,1000000")
    parser.add_argument("--inputs", default="organic,synth")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_analyze"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--max-gib", type=float, default=16.0)
    parser.add_argument("--skip-qut", action="store_true")
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"],
                        help="engine of the coordination step (the pair path stays DuckDB)")
    parser.add_argument("--out", type=Path, default=None,
                        help="append the records to this JSON file")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.actions.split(",")]
    records = []
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    for n in sizes:
        for name in args.inputs.split(","):
            if name in ("organic", "organic_span", "organic_months"):
                data, qut_csv = organic_folder(n, args.workdir, kind=name)
            else:
                data, qut_csv = synth_folder(n, args.workdir), None
            load_before = os.getloadavg()[0]
            net = run_child(data, args.workdir / f"out_{name}_{n}_{args.engine}",
                            timeout=args.timeout, max_gib=args.max_gib, engine=args.engine)
            qut = public = category = None
            if qut_csv is not None:
                public = run_child(data, None, timeout=args.timeout, max_gib=args.max_gib)
                category = run_child(data, None, timeout=args.timeout, max_gib=args.max_gib,
                                     id_dtype="category")
            if qut_csv is not None and not args.skip_qut:
                qut = run_qut(qut_csv, qut_csv.parent, window=60, min_edge_weight=2,
                              n_cpus=2, timeout=args.timeout)
            rec = {"input": name, "actions": n, "engine": args.engine, "netlib": net, "qut": qut,
                   "public_pairs": public, "public_pairs_category": category,
                   "code": commit,
                   "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "load_before": round(load_before, 2),
                   "load_after": round(os.getloadavg()[0], 2)}
            print(json.dumps(rec, default=str), flush=True)
            records.append(rec)
    print(summary(records))
    if args.out:
        old = json.loads(args.out.read_text()) if args.out.exists() else []
        args.out.write_text(json.dumps(old + records, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
