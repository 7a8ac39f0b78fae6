"""A 50 MB post loads and goes through build_traces under a 3 GB address-space cap."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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
