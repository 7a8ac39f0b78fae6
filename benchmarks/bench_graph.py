"""Scale check of netlib's graph step: Leiden clusters, their stability and hub ranking.

Builds a seeded, fused account network with at least ``--edges`` distinct weighted account
pairs. Planted clusters of 500 accounts come from ``bench_hubs.build``: operators post, and
members repost within a minute. Organic bursts are added on top of them. In each burst,
2-50 accounts (a Zipf-like size) repost one post within a minute. Their accounts are drawn by
Pareto-like activity from the members and from as many outside accounts, which gives
heavy-tailed degrees and edges between the clusters. The script then times netlib's graph
step, stage by stage, as ``detect`` and ``netlib analyze`` run it with their defaults:

* ``partition(edges, method="leiden")`` on the whole edge table;
* ``stability(...)`` with ``n_runs=5`` (``detect``'s ``n_consensus``) on the communities of
  at least 3 accounts (``min_cluster_size``) and the edges among them;
* ``rank_hubs(data, clusters=..., pairs=...)`` with its defaults (``n_boot=200``) on those
  communities and all co-action pairs.

It prints the sizes, the seconds per stage and in total, the peak RSS, and how well the
planted clusters are recovered (adjusted Rand index over the planted members). The 60 s
target of issue #8 is printed for information only.

    nice .venv/bin/python benchmarks/bench_graph.py                 # >= 1M distinct edges
    nice .venv/bin/python benchmarks/bench_graph.py --edges 100000 --seed 1
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_hubs import build as build_planted  # noqa: E402

from netlib.coordination.clusters import partition, stability  # noqa: E402
from netlib.coordination.network import edge_table  # noqa: E402
from netlib.dataset import Dataset
from netlib.hubs import rank_hubs  # noqa: E402

CLUSTER_SIZE = 500           # accounts per planted cluster
EDGES_PER_CLUSTER = 20_000   # --edges / this = number of planted clusters
PLANTED_SHARE = 0.7          # share of the co-action pairs that come from planted clusters
MAX_BURST = 50               # largest organic burst (accounts reposting one post)
MIN_CLUSTER_SIZE = 3         # detect's default
N_CONSENSUS = 5              # detect's default
TARGET_S = 60.0              # issue #8


def _keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One int64 key per undirected account pair."""
    return np.minimum(a, b) * n + np.maximum(a, b)


def _bursts(rng: np.random.Generator, n_bursts: int, weight: np.ndarray, t0: int):
    """Organic bursts: a post and 2..MAX_BURST reposts of it within a minute.

    Returns the post author, post time, and per burst the (reposter, lag) arrays grouped by
    burst size, all as integer account indices.
    """
    sizes = np.minimum(rng.zipf(2.0, n_bursts) + 1, MAX_BURST)
    p = weight / weight.sum()
    author = rng.choice(len(weight), n_bursts, p=p)
    when = t0 + rng.integers(0, 60 * 86400, n_bursts)
    groups = []
    for k in np.unique(sizes):
        rows = np.flatnonzero(sizes == k)
        members = rng.choice(len(weight), (len(rows), k), p=p)
        lags = rng.integers(1, 60, (len(rows), k))
        groups.append((rows, members, lags))
    return author, when, groups


def build(n_edges: int, seed: int = 0):
    """Dataset, planted clusters and co-action pairs with >= ``n_edges`` distinct account pairs.

    Returns
    -------
    data, planted, pairs, n_outside
        ``planted`` is ``account_id, cluster_id`` of the planted members; ``pairs`` has
        ``trace, object_id, account_id, account_id_y, time_delta``.
    """
    rng = np.random.default_rng(seed + 1)
    n_clusters = max(2, n_edges // EDGES_PER_CLUSTER)
    data, planted, pairs = build_planted(n_clusters, CLUSTER_SIZE,
                                         int(n_edges * PLANTED_SHARE), seed=seed)
    members = planted["account_id"].to_numpy(dtype=object)
    n_outside = max(n_edges // 10, 100)
    ids = np.concatenate([members, np.array([f"o{i}" for i in range(n_outside)],
                                            dtype=object)])
    n = len(ids)
    index = pd.Index(members)
    keys = np.unique(_keys(index.get_indexer(pairs["account_id"]),
                           index.get_indexer(pairs["account_id_y"]), n))
    weight = rng.pareto(1.5, n) + 1.0           # activity, heavy-tailed
    t0 = pd.Timestamp("2026-01-05", tz="UTC").value // 10**9
    posts, reposts, new_pairs = [], [], []
    n_posts = n_reposts = 0
    while len(keys) < n_edges:
        # a burst gives about 25 distinct new edges on average; aim below the deficit
        author, when, groups = _bursts(rng, max((n_edges - len(keys)) // 30, 10), weight, t0)
        post_no = n_posts + np.arange(len(author))
        posts.append((post_no, author, when))
        found = [keys]
        for rows, who, lags in groups:
            k = who.shape[1]
            order = np.argsort(lags, axis=1, kind="stable")
            who = np.take_along_axis(who, order, axis=1)
            lags = np.take_along_axis(lags, order, axis=1)
            reposts.append((np.repeat(post_no[rows], k), who.ravel(),
                            (when[rows, None] + lags).ravel(),
                            n_reposts + np.arange(who.size)))
            n_reposts += who.size
            i, j = np.triu_indices(k, k=1)
            a, b = who[:, i].ravel(), who[:, j].ravel()
            keep = a != b
            new_pairs.append((np.repeat(post_no[rows], len(i))[keep], a[keep], b[keep],
                              (lags[:, j] - lags[:, i]).ravel()[keep]))
            found.append(_keys(a[keep], b[keep], n))
        keys = np.unique(np.concatenate(found))
        n_posts += len(author)
    post_no, author, when = (np.concatenate(x) for x in zip(*posts, strict=True))
    r_post, r_acc, r_time, r_no = (np.concatenate(x) for x in zip(*reposts, strict=True))
    post_id = np.array([f"q{i}" for i in range(n_posts)], dtype=object)
    organic = pd.DataFrame({
        "action_id": np.concatenate([post_id, np.array([f"s{i}" for i in r_no],
                                                        dtype=object)]),
        "account_id": np.concatenate([ids[author], ids[r_acc]]),
        "timestamp": pd.to_datetime(np.concatenate([when, r_time]), unit="s", utc=True),
        "kind": np.concatenate([np.full(n_posts, "post", dtype=object),
                                np.full(len(r_acc), "repost", dtype=object)]),
        "object_id": np.concatenate([np.full(n_posts, None, dtype=object), post_id[r_post]]),
    })
    for col in ("platform", "text", "urls", "hashtags", "media_hashes"):
        organic[col] = None
    outside = pd.DataFrame({"account_id": ids[len(members):], "platform": "x",
                            "handle": ids[len(members):],
                            "created_at": pd.to_datetime(
                                t0 - rng.integers(0, 400 * 86400, n_outside), unit="s",
                                utc=True)})
    p_obj, p_a, p_b, p_dt = (np.concatenate(x) for x in zip(*new_pairs, strict=True))
    pairs = pd.concat([pairs, pd.DataFrame({
        "object_id": post_id[p_obj], "account_id": ids[p_a], "account_id_y": ids[p_b],
        "time_delta": p_dt.astype(float)})], ignore_index=True)
    pairs.insert(0, "trace", "repost")
    data = Dataset(accounts=pd.concat([data.accounts, outside], ignore_index=True),
                   actions=pd.concat([data.actions, organic[data.actions.columns]],
                                     ignore_index=True))
    return data, planted, pairs, n_outside


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _recovery(planted: pd.DataFrame, labels: pd.Series) -> tuple[float, float]:
    """Adjusted Rand index and purity of the found communities over the planted members."""
    truth = planted.set_index("account_id")["cluster_id"]
    truth = truth[truth.index.isin(labels.index)]      # operators only post: no edges
    found = labels.reindex(truth.index)
    purity = float(pd.crosstab(found, truth).max(axis=1).sum() / len(truth))
    try:
        from sklearn.metrics import adjusted_rand_score
    except ImportError:
        return float("nan"), purity
    return float(adjusted_rand_score(truth.to_numpy(), found.to_numpy())), purity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000,
                        help="least number of distinct account-pair edges")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")

    start = time.perf_counter()
    data, planted, pairs, n_outside = build(args.edges, seed=args.seed)
    built = time.perf_counter()
    edges = edge_table(pairs, traces=("repost",))
    fused = time.perf_counter()
    degree = pd.concat([edges["account_id"], edges["account_id_y"]]).value_counts()
    print(f"network: {len(pairs):,} co-action pairs -> {len(edges):,} distinct account-pair "
          f"edges (weights 1-{edges['weight'].max()}, mean {edges['weight'].mean():.3f}) "
          f"among {len(degree):,} accounts; {planted['cluster_id'].nunique()} planted "
          f"clusters of {CLUSTER_SIZE:,} + {n_outside:,} outside accounts; "
          f"{len(data.actions):,} actions")
    print(f"degree: median {degree.median():.0f}, p99 {degree.quantile(0.99):.0f}, "
          f"max {degree.max():,}")
    print(f"built in {built - start:.1f} s, edge table (netlib edge_table) "
          f"{fused - built:.1f} s; peak RSS so far {_peak_mib():,.0f} MiB")

    times = {}
    t = time.perf_counter()
    labels = partition(edges, weight="weight", method="leiden", seed=args.seed)
    times["partition (leiden)"] = time.perf_counter() - t

    sizes = labels.value_counts()
    kept = labels[labels.map(sizes) >= MIN_CLUSTER_SIZE]
    inside = edges[edges["account_id"].isin(kept.index) & edges["account_id_y"].isin(kept.index)]
    t = time.perf_counter()
    stab = stability(inside, kept, weight="weight", method="leiden", seed=args.seed,
                     n_runs=N_CONSENSUS)
    times[f"stability ({N_CONSENSUS} runs)"] = time.perf_counter() - t

    clusters = kept.rename_axis("account_id").reset_index()
    t = time.perf_counter()
    result = rank_hubs(data, clusters=clusters, pairs=pairs)
    times["rank_hubs"] = time.perf_counter() - t
    total = sum(times.values())

    ari, purity = _recovery(planted, labels)
    big = sizes[sizes >= MIN_CLUSTER_SIZE]
    # the community holding most of each planted cluster
    home = labels.reindex(planted["account_id"]).groupby(planted["cluster_id"].to_numpy()) \
        .agg(lambda x: x.mode().iloc[0])
    print(f"communities: {len(sizes):,} ({len(big):,} with >= {MIN_CLUSTER_SIZE} accounts, "
          f"{len(kept):,} accounts, {len(inside):,} edges among them)")
    print(f"planted clusters: ARI {ari:.4f}, purity {purity:.4f}; stability of their "
          f"{home.nunique()} communities: min {stab.reindex(home.unique()).min():.3f}, "
          f"median {stab.reindex(home.unique()).median():.3f}; of all: median "
          f"{stab.median():.3f}")
    # bench_hubs.build: the first 3 accounts of each planted cluster post, the others repost
    ranks = result.hubs.loc[result.hubs["account_id"].str.match(r"c\d+_[012]$"), "rank"]
    print(f"rank_hubs: {len(result.hubs):,} accounts ranked, "
          f"{result.params['n_pairs_within_clusters']:,} pairs within communities; the "
          f"{len(ranks)} planted operators rank {ranks.min()}-{ranks.max()} "
          f"(median {ranks.median():.0f}, top {ranks.median() / len(result.hubs):.1%})")
    for note in result.params["notes"]:
        print("  note:", note)
    for name, sec in times.items():
        print(f"  {name:<22} {sec:7.1f} s")
    print(f"  {'graph step total':<22} {total:7.1f} s   (peak RSS {_peak_mib():,.0f} MiB)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    verdict = "PASS" if total < TARGET_S else "FAIL"
    print(f"{verdict} (information only): {len(edges):,} edges clustered and hubs ranked in "
          f"{total:.1f} s, target {TARGET_S:.0f} s")


if __name__ == "__main__":
    main()
