"""Benchmark: load a large Twitter IO-archive CSV; print rows/s and peak memory.

Usage::

    python benchmarks/bench_load.py --size-mb 200           # generate + load ~200 MB
    python benchmarks/bench_load.py --size-mb 2048 --keep   # the 2 GB case, keep the file
    python benchmarks/bench_load.py --file big.csv          # load an existing file

The file is generated into a temporary folder (never into the repository), in the
archive's column layout with plausible values: ~30% retweets, some replies and quotes,
list-literal hashtag/url cells, a few thousand accounts. Loading runs in a child process
so that its peak resident memory (``ru_maxrss``) is measured alone.

Last measured on the shared 2-core development machine (under load from other jobs):
2,053 MB / 6.9 M rows loaded in 136 s (50,800 rows/s, 15 MB/s), peak RSS 6.6 GB (3.2x the
file size). Reading is streamed in chunks; the peak comes from holding the validated
actions (about 1x the file as Arrow strings) plus one sorted copy during validation.
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

COLUMNS = ["tweetid", "userid", "user_display_name", "user_screen_name",
           "user_reported_location", "user_profile_description", "user_profile_url",
           "follower_count", "following_count", "account_creation_date", "account_language",
           "tweet_language", "tweet_text", "tweet_time", "tweet_client_name",
           "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
           "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
           "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
           "poll_choices"]
WORDS = np.array("the vote news today people government truth media breaking freedom "
                 "election lies support watch share video report city police world".split())


def generate(path: Path, size_mb: float, *, seed: int = 0, chunk: int = 100_000) -> int:
    """Write an IO-archive-shaped CSV of about ``size_mb`` megabytes; return its row count."""
    rng = np.random.default_rng(seed)
    target = size_mb * 1024 * 1024
    n_users = 20_000
    user_ids = np.array([str(10**9 + i * 7919) for i in range(n_users)])
    next_id = 10**17
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        while handle.tell() < target:
            n = chunk
            ids = np.arange(next_id, next_id + n).astype(str)
            next_id += n
            user = rng.integers(0, n_users, n)
            kind = rng.choice(4, n, p=[0.55, 0.30, 0.10, 0.05])  # post, rt, reply, quote
            # objects are earlier tweets (some before the file starts, i.e. outside the data)
            earlier = (np.arange(next_id - n, next_id) - rng.integers(1, 2_000_000, n))
            earlier = earlier.astype(str)
            words = rng.integers(0, len(WORDS), (n, 14))
            text = [" ".join(WORDS[w]) for w in words]
            tag = WORDS[rng.integers(0, len(WORDS), n)]
            times = (pd.Timestamp("2018-01-01") + pd.to_timedelta(
                rng.integers(0, 3 * 365 * 86400, n), unit="s")).strftime("%Y-%m-%d %H:%M")
            frame = pd.DataFrame({
                "tweetid": ids,
                "userid": user_ids[user],
                "user_display_name": np.char.add("User ", user.astype(str)),
                "user_screen_name": np.char.add("user_", user.astype(str)),
                "user_reported_location": "Somewhere",
                "user_profile_description": "Proud citizen. Opinions my own.",
                "user_profile_url": "",
                "follower_count": rng.integers(0, 5000, n),
                "following_count": rng.integers(0, 5000, n),
                "account_creation_date": "2016-05-01",
                "account_language": "en",
                "tweet_language": "en",
                "tweet_text": text,
                "tweet_time": times,
                "tweet_client_name": "Twitter Web Client",
                "in_reply_to_userid": np.where(kind == 2, user_ids[(user + 1) % n_users], ""),
                "in_reply_to_tweetid": np.where(kind == 2, earlier, ""),
                "quoted_tweet_tweetid": np.where(kind == 3, earlier, ""),
                "is_retweet": np.where(kind == 1, "True", "False"),
                "retweet_userid": np.where(kind == 1, user_ids[(user + 7) % n_users], ""),
                "retweet_tweetid": np.where(kind == 1, earlier, ""),
                "latitude": "absent", "longitude": "absent",
                "quote_count": 0, "reply_count": 0, "like_count": rng.integers(0, 50, n),
                "retweet_count": 0,
                "hashtags": np.char.add(np.char.add("['", tag), "']"),
                "urls": "[]", "user_mentions": "[]", "poll_choices": "",
            })
            frame.to_csv(handle, header=False, index=False, lineterminator="\n")
            rows += n
    return rows


def load_child(path: Path, keep_text: bool, compact: bool | None) -> dict:
    """Load in this process and report timings and the peak resident memory."""
    from netlib.io import read_twitter_io_archive

    start = time.perf_counter()
    data = read_twitter_io_archive(path, keep_text=keep_text, progress=True, compact=compact,
                                   now=pd.Timestamp("2026-01-01", tz="UTC"))
    seconds = time.perf_counter() - start
    info = data.report.files["actions"]
    return {"rows": info["read"], "kept": info["kept"], "rejected": info["rejected"],
            "accounts": len(data.accounts), "seconds": round(seconds, 1),
            "rows_per_s": round(info["read"] / seconds),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200.0)
    parser.add_argument("--file", type=Path, default=None, help="load this file instead")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--no-text", action="store_true", help="load with keep_text=False")
    parser.add_argument("--compact", choices=["auto", "yes", "no"], default="auto",
                        help="compact string columns (default: auto, on above 256 MB)")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        compact = {"auto": None, "yes": True, "no": False}[args.compact]
        print(json.dumps(load_child(args.child, keep_text=not args.no_text, compact=compact)))
        return
    folder = Path(tempfile.mkdtemp(prefix="netlib-bench-"))
    path = args.file
    if path is None:
        path = folder / "io_archive_tweets.csv"
        start = time.perf_counter()
        rows = generate(path, args.size_mb)
        print(f"generated {path} ({path.stat().st_size / 2**20:,.0f} MB, {rows:,} rows) in "
              f"{time.perf_counter() - start:,.0f} s")
    command = [sys.executable, __file__, "--child", str(path), "--compact", args.compact]
    if args.no_text:
        command.append("--no-text")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        sys.exit(result.returncode)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    size_mb = path.stat().st_size / 2**20
    print(f"file: {size_mb:,.0f} MB; rows read {stats['rows']:,}, kept {stats['kept']:,}, "
          f"rejected {stats['rejected']:,}; accounts {stats['accounts']:,}")
    print(f"load (compact={args.compact}): {stats['seconds']:,} s, {stats['rows_per_s']:,} rows/s, "
          f"{size_mb / stats['seconds']:,.1f} MB/s; peak RSS {stats['peak_rss_mb']:,} MB "
          f"({stats['peak_rss_mb'] / size_mb:.2f} x file size)")
    if args.file is None and not args.keep:
        path.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
