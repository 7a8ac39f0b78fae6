"""Benchmark: mirror detection on a large random population.

Builds ``--accounts`` accounts (default 200,000) spread over a year with syllable handles
(often sharing parts); 10 % are suspended and half of those come back with a decorated
handle (and sometimes the same display name, bio, avatar or an announcement). There are
no follows, so every pair is scored by the ``no_social`` model. Prints the time of each
stage and, as a sanity check only, how many planted successors were linked.

    nice python benchmarks/bench_mirrors.py [--accounts 200000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.mirrors import detect_mirrors

SYLLABLES = ("ka", "ri", "no", "ma", "sa", "lu", "te", "vi", "do", "ne", "ra", "li", "zo",
             "be", "ta", "mi", "ko", "pa", "su", "ge", "an", "el", "or", "is", "news", "daily",
             "true", "voice", "info", "world", "free", "patriot", "girl", "boy", "fan")


def population(n: int, seed: int = 0) -> tuple[Dataset, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC").value // 10**9
    year = 365 * 86_400
    parts = rng.integers(0, len(SYLLABLES), size=(n, 3))
    n_parts = rng.integers(2, 4, size=n)
    digits = np.where(rng.random(n) < 0.4, rng.integers(0, 999, size=n).astype(str), "")
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    chunk = ["".join(c) for c in letters[rng.integers(0, 26, size=(n, 3))]]
    handles = ["".join(SYLLABLES[j] for j in row[:k]) + "_" + c + d
               for row, k, c, d in zip(parts, n_parts, chunk, digits, strict=True)]
    display = [" ".join(SYLLABLES[j].title() for j in row[:2]) + " " + c.title()
               for row, c in zip(parts, chunk, strict=True)]
    topics = np.array(["news", "politics", "music", "football", "faith", "family", "truth",
                       "memes", "travel", "crypto", "cooking", "art"])
    bio = [" ".join(t) for t in topics[rng.integers(0, len(topics), size=(n, 4))]]
    created = start + rng.integers(0, year, size=n)
    avatar = [f"{v:016x}" for v in rng.integers(0, 2**63, size=n, dtype=np.int64)]
    status = np.array(["active"] * n, dtype=object)
    suspended_at = np.full(n, np.nan)
    gone = rng.random(n) < 0.10
    status[gone] = "suspended"
    suspended_at[gone] = created[gone] + rng.integers(86_400, 120 * 86_400, size=gone.sum())
    ids = np.array([f"u{i}" for i in range(n)], dtype=object)
    platforms = rng.choice(["x", "facebook", "telegram", "instagram"], size=n)
    accounts = pd.DataFrame({"account_id": ids, "platform": platforms, "handle": handles,
                             "display_name": display, "bio": bio,
                             "created_at": created, "status": status,
                             "suspended_at": suspended_at, "profile_image_hash": avatar})
    # successors: half of the suspended accounts, replacing planted-random accounts
    pred_idx = np.flatnonzero(gone)
    pred_idx = pred_idx[rng.random(len(pred_idx)) < 0.5]
    succ_idx = rng.choice(np.flatnonzero(~gone), size=len(pred_idx), replace=False)
    suffix = rng.choice(["2", "_new", "_back", "official", "_", "x"], size=len(pred_idx))
    accounts.loc[succ_idx, "handle"] = [accounts.at[p, "handle"] + s
                                        for p, s in zip(pred_idx, suffix, strict=True)]
    accounts.loc[succ_idx, "created_at"] = (suspended_at[pred_idx]
                                            + rng.integers(-86_400, 10 * 86_400,
                                                           size=len(pred_idx)))
    for column, share in (("display_name", 0.6), ("bio", 0.5)):
        reuse = rng.random(len(pred_idx)) < share
        accounts.loc[succ_idx[reuse], column] = \
            accounts.loc[pred_idx[reuse], column].to_numpy()
    same_avatar = rng.random(len(pred_idx)) < 0.5
    accounts.loc[succ_idx[same_avatar], "profile_image_hash"] = \
        accounts.loc[pred_idx[same_avatar], "profile_image_hash"].to_numpy()
    accounts["created_at"] = pd.to_datetime(accounts["created_at"], unit="s", utc=True)
    accounts["suspended_at"] = pd.to_datetime(accounts["suspended_at"], unit="s", utc=True)
    # three actions per account after creation (before suspension)
    k = 3
    owner = np.repeat(np.arange(n), k)
    created_s = accounts["created_at"].dt.as_unit("s").astype("int64").to_numpy()
    life = np.maximum(np.where(gone, np.nan_to_num(suspended_at) - created_s, 60 * 86_400),
                      3_600)
    offs = (rng.random(n * k) * np.repeat(life, k)).astype(np.int64)
    ts = created_s[owner] + offs
    texts = np.array(["hello world", "look at this", "good morning", "read this"],
                     dtype=object)[rng.integers(0, 4, size=n * k)]
    first_of_succ = np.isin(owner, succ_idx) & (np.arange(n * k) % k == 0)
    texts[first_of_succ & (rng.random(n * k) < 0.3)] = "we're back, new account"
    actions = pd.DataFrame({"action_id": [f"a{i}" for i in range(n * k)],
                            "account_id": ids[owner], "timestamp": ts, "kind": "post",
                            "text": texts})
    truth = pd.DataFrame({"predecessor_id": ids[pred_idx], "successor_id": ids[succ_idx]})
    data = Dataset.from_frames(accounts, actions, now=pd.Timestamp("2026-01-01", tz="UTC"))
    return data, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    data, truth = population(args.accounts, args.seed)
    t1 = time.perf_counter()
    result = detect_mirrors(data)
    t2 = time.perf_counter()
    found = result.links.merge(truth, on=["predecessor_id", "successor_id"])
    print(f"accounts {len(data.accounts):,}  actions {len(data.actions):,}  "
          f"removed {result.params['n_predecessors']:,}  planted successors {len(truth):,}")
    print(f"build + validate: {t1 - t0:.1f} s")
    print(f"detect_mirrors:   {t2 - t1:.1f} s  (budget 60 s; ratio {(t2 - t1) / 60:.2f})")
    print(f"candidate pairs {result.params['n_candidate_pairs']:,}  "
          f"accepted links {len(result.links):,}  chains {result.chains['chain_id'].nunique():,}")
    print(f"planted successors found {len(found):,}/{len(truth):,} "
          f"(recall {len(found) / max(len(truth), 1):.3f}); "
          f"precision {len(found) / max(len(result.links), 1):.3f}")


if __name__ == "__main__":
    main()
