"""Long posts cost memory in proportion to their size: a 50 MB post through load and
build_traces, and `netlib analyze` on long shared posts, each in a subprocess under a 3 GB
address-space cap."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from netlib import synth
from netlib.io.scenario import write_scenario

SCRIPT = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    from pathlib import Path
    import pandas as pd
    import netlib
    from netlib.traces import build_traces

    folder = Path(sys.argv[1])
    post = ("lorem ipsum dolor sit amet " * 2_000_000)[: 50 * 1024 * 1024]
    (folder / "accounts.csv").write_text("account_id,platform,handle\\na1,x,a\\na2,x,b\\n")
    rows = [f"t{i},a{1 + i % 2},2021-03-01T12:00:{i:02d}Z,post,short shared text number {i % 3}"
            for i in range(50)]
    with open(folder / "actions.csv", "w") as handle:
        handle.write("action_id,account_id,timestamp,kind,text\\n" + "\\n".join(rows) + "\\n")
        handle.write(f"big,a1,2021-03-01T13:00:00Z,post,{post}\\n")
    del post
    data = netlib.load(folder, now=pd.Timestamp("2026-01-01", tz="UTC"))
    assert len(data.actions) == 51 and data.report.ok, data.report
    assert len(data.actions.set_index("action_id").loc["big", "text"]) == 50 * 1024 * 1024
    traces = build_traces(data)
    assert "big" in set(traces["action_id"])
    print("ok", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MB")
""")


def test_fifty_megabyte_post_under_a_memory_cap(tmp_path: Path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok"), done.stdout


def test_analyze_with_long_posts_under_a_memory_cap(tmp_path: Path):
    """`netlib analyze` end to end, with 60 KB posts shared by a planted network and one
    20 MB post, inside a 3 GB address-space cap (one 60 KB post once drove it to 18 GB)."""
    data = tmp_path / "data"
    write_scenario(synth.generate(seed=5, scale=0.05), data)
    actions = pd.read_csv(data / "actions.csv", dtype=str, keep_default_na=False)
    coordinated = set(pd.read_csv(data / "truth" / "coordinated.csv", dtype=str)["account_id"])
    rows = actions.index[actions["account_id"].isin(coordinated)][:40]
    actions.loc[rows, "text"] = [("long shared post " * 4000)[: 60_000 - k] for k in
                                 range(len(rows))]
    actions.loc[actions.index[-1], "text"] = "x" * (20 << 20)
    actions.to_csv(data / "actions.csv", index=False)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "netlib.cli", "analyze", str(data), "--out",
                           str(tmp_path / "out"), "--quiet"], capture_output=True, text=True,
                          env=env, timeout=600, preexec_fn=cap)
    assert done.returncode == 0, done.stderr[-3000:]
    record = (tmp_path / "out" / "run.json").read_text(encoding="utf-8")
    assert '"rows_rejected": 0' in record and len(pd.read_csv(tmp_path / "out" /
                                                              "clusters.csv")) > 0
