"""Scale check of netlib.hubs.rank_hubs on a synthetic coordination network.

Builds ``--clusters`` clusters of ``--size`` accounts; in each, a few operators post
originals that members repost within a minute, which gives about ``--pairs`` co-action
pairs and a similar number of amplification edges. Prints the time of each stage and of
``rank_hubs`` as a whole (the target: well under a minute for 1M edges).

    nice .venv/bin/python benchmarks/bench_hubs.py            # ~1M pairs
    nice .venv/bin/python benchmarks/bench_hubs.py --pairs 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.hubs import rank_hubs


def build(n_clusters: int, size: int, n_pairs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-01-05", tz="UTC").value // 10**9
    # each original reposted by r members within 60 s gives r (r-1) / 2 co-action pairs
    reposters = 12
    per_post = reposters * (reposters - 1) // 2
    n_posts = max(n_pairs // per_post, 1)
    ids = np.array([f"c{c}_{i}" for c in range(n_clusters) for i in range(size)], dtype=object)
    cluster_of = np.repeat(np.arange(n_clusters), size)
    ops_per_cluster = 3
    post_cluster = rng.integers(0, n_clusters, n_posts)
    post_author = post_cluster * size + rng.integers(0, ops_per_cluster, n_posts)
    post_time = t0 + rng.integers(0, 60 * 86400, n_posts)
    post_id = np.array([f"p{i}" for i in range(n_posts)], dtype=object)
    members = post_cluster[:, None] * size + rng.integers(ops_per_cluster, size,
                                                          (n_posts, reposters))
    lags = rng.integers(1, 60, (n_posts, reposters))
    r_acc = members.ravel()
    r_time = (post_time[:, None] + lags).ravel()
    r_obj = np.repeat(post_id, reposters)
    actions = pd.DataFrame({
        "action_id": np.concatenate([post_id, np.array([f"r{i}" for i in range(len(r_acc))],
                                                        dtype=object)]),
        "account_id": np.concatenate([ids[post_author], ids[r_acc]]),
        "timestamp": pd.to_datetime(np.concatenate([post_time, r_time]), unit="s", utc=True),
        "kind": np.concatenate([np.full(n_posts, "post", dtype=object),
                                np.full(len(r_acc), "repost", dtype=object)]),
        "object_id": np.concatenate([np.full(n_posts, None, dtype=object), r_obj]),
    })
    for col in ("platform", "text", "urls", "hashtags", "media_hashes"):
        actions[col] = None
    accounts = pd.DataFrame({"account_id": ids, "platform": "x", "handle": ids,
                             "created_at": pd.to_datetime(
                                 t0 - rng.integers(0, 400 * 86400, len(ids)), unit="s",
                                 utc=True)})
    # co-action pairs among the reposters of each post (earlier first)
    order = np.argsort(lags, axis=1, kind="stable")
    m_sorted = np.take_along_axis(members, order, axis=1)
    l_sorted = np.take_along_axis(lags, order, axis=1)
    i, j = np.triu_indices(reposters, k=1)
    pairs = pd.DataFrame({
        "object_id": np.repeat(post_id, len(i)),
        "account_id": ids[m_sorted[:, i].ravel()],
        "account_id_y": ids[m_sorted[:, j].ravel()],
        "time_delta": (l_sorted[:, j] - l_sorted[:, i]).ravel().astype(float),
    })
    pairs = pairs[pairs["account_id"] != pairs["account_id_y"]]
    clusters = pd.DataFrame({"account_id": ids, "cluster_id": cluster_of})
    data = Dataset(accounts=accounts, actions=actions)
    return data, clusters, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args()
    start = time.perf_counter()
    data, clusters, pairs = build(args.clusters, args.size, args.pairs)
    built = time.perf_counter()
    print(f"built {len(clusters):,} accounts, {len(data.actions):,} actions, "
          f"{len(pairs):,} co-action pairs in {built - start:.1f} s")
    result = rank_hubs(data, clusters=clusters, pairs=pairs, n_boot=100)
    done = time.perf_counter()
    n_amp = len(result.amplification)
    print(f"rank_hubs: {done - built:.1f} s for {len(pairs):,} pairs + {n_amp:,} "
          f"amplification edges ({(len(pairs) + n_amp) / max(done - built, 1e-9):,.0f} "
          f"edges/s); {len(result.hubs):,} accounts ranked, "
          f"{result.operator_groups['group_id'].nunique():,} operator groups")
    for note in result.params["notes"]:
        print("note:", note)
    k = 3 * args.clusters
    member = result.hubs["account_id"].head(k).str.rsplit("_", n=1).str[1].astype(int)
    print(f"top-{k} share of planted operators: {member.lt(3).mean():.2f}")


if __name__ == "__main__":
    main()
