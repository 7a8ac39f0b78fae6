"""Follow graph, complaints, and turning internal tables into interchange + truth frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netlib import schema as s
from netlib.synth._config import END_S, START_S
from netlib.synth._networks import Network
from netlib.synth._store import Accounts
from netlib.synth.truth import (  # noqa: F401  (re-exported for the generator)
    CATEGORY,
    COMPLAINT_ID,
    GENERATION,
    MUTATION,
    NETWORK_ID,
    NOTE,
    PREDECESSOR_ID,
    RECEIVED_AT,
    ROLE,
    SUCCESSOR_ID,
    UTC_OFFSET,
)

ISO = "%Y-%m-%dT%H:%M:%SZ"


def iso(seconds: np.ndarray | list[int]) -> list[str | None]:
    """Epoch seconds as ISO 8601 UTC strings; negative values (unset) become None."""
    arr = np.asarray(seconds, dtype=np.int64)
    stamps = pd.to_datetime(np.where(arr >= 0, arr, 0), unit="s", utc=True).strftime(ISO)
    return [t if v >= 0 else None for t, v in zip(stamps, arr, strict=True)]


def follows(rng: np.random.Generator, accounts: Accounts, nets: list[Network],
            knobs: dict) -> np.ndarray:
    """Follow edges as an (n, 2) array of internal keys (source follows target)."""
    frame = accounts.frame()
    organic = np.flatnonzero(frame["network"].to_numpy() < 0)
    platform = frame["platform"].to_numpy()
    pop = frame["pop"].to_numpy(dtype=float)
    edges = []
    for plat in sorted(set(platform[organic].tolist())):
        pool = organic[platform[organic] == plat]
        if len(pool) < 2:
            continue
        k = np.clip(np.round(rng.lognormal(np.log(9), 1.0, size=len(pool))), 1, 400)
        k = np.minimum(k, len(pool) - 1).astype(np.int64)
        src = np.repeat(pool, k)
        w = pop[pool] / pop[pool].sum()
        tgt = pool[rng.choice(len(pool), size=len(src), p=w)]
        edges.append(np.column_stack([src, tgt]))
    for net in nets:
        members = [k for slot in net.slots for k in slot.accounts]
        ops = [k for slot in net.slots if slot.role == "operator" for k in slot.accounts]
        audience = organic[rng.choice(len(organic), size=min(300, len(organic)), replace=False,
                                      p=pop[organic] / pop[organic].sum())]
        net.audience = audience
        followees: dict[int, np.ndarray] = {}
        followers: dict[int, np.ndarray] = {}
        for slot in net.slots:
            for i, key in enumerate(slot.accounts):
                mates = rng.choice(members, size=max(1, len(members) // 5), replace=False)
                outs = np.concatenate([
                    np.array(ops, dtype=np.int64), mates.astype(np.int64),
                    rng.choice(audience, size=int(rng.integers(10, 40)), replace=False)])
                ins = rng.choice(audience, size=int(rng.integers(3, 25)), replace=False)
                if i > 0:  # a mirror re-follows much of what its predecessor followed
                    prev = slot.accounts[i - 1]
                    keep = knobs["reuse_profile"] * 0.5 + 0.3
                    old_out, old_in = followees[prev], followers[prev]
                    outs = np.concatenate([old_out[rng.random(len(old_out)) < keep], outs[:15]])
                    ins = np.concatenate([old_in[rng.random(len(old_in)) < keep * 0.6], ins[:5]])
                followees[key], followers[key] = outs, ins
                edges.append(np.column_stack([np.full(len(outs), key), outs]))
                edges.append(np.column_stack([ins, np.full(len(ins), key)]))
    out = np.concatenate(edges).astype(np.int64)
    out = out[out[:, 0] != out[:, 1]]
    return np.unique(out, axis=0)


def complaints(rng: np.random.Generator, accounts: Accounts, nets: list[Network],
               groups: dict[str, list[int]], n_total: int = 30) -> pd.DataFrame:
    """About 30 complaints about handles, mixing network accounts and innocent ones."""
    frame = accounts.frame()
    ops, amps, mirrors = [], [], []
    for net in nets:
        for slot in net.slots:
            for i, key in enumerate(slot.accounts):
                (mirrors if i > 0 else ops if slot.role == "operator" else amps).append(key)
    lookalike = list(groups["lookalike"])
    innocent = list(groups["people"]) + list(groups["outlet"]) + list(groups["newcomer"])
    plan = [("operator", ops, 4), ("network_member", amps, 8), ("mirror", mirrors, 7),
            ("innocent_lookalike", lookalike, 6), ("innocent", innocent, n_total - 25)]
    notes = {
        "operator": ["seems to run a whole group of accounts", "posts first, dozens repost",
                     "central account of a campaign"],
        "network_member": ["reposts the same things within seconds",
                           "part of a bot-like group", "copy-paste posts"],
        "mirror": ["looks like a suspended account came back", "new account of a banned user",
                   "ban evasion?"],
        "innocent_lookalike": ["handle looks like a banned account",
                               "similar name to a suspended account"],
        "innocent": ["annoying replies", "suspicious?", "reported by a user"],
    }
    rows = []
    for category, pool, n in plan:
        if not pool:
            continue
        pick = rng.choice(pool, size=min(n, len(pool)), replace=False)
        for key in pick:
            row = frame.iloc[int(key)]
            handle = str(row["handle"])
            style = rng.random()
            shown = f"@{handle}" if style < 0.3 else handle.upper() if style < 0.4 else handle
            lo = max(int(row["created_at"]), START_S) + 86_400
            hi = int(row["suspended_at"]) if row["suspended_at"] > 0 else END_S
            hi = max(min(hi + 5 * 86_400, END_S), lo + 1)
            rows.append({"_key": int(key), s.HANDLE: shown, s.PLATFORM: row["platform"],
                         "_t": int(rng.integers(lo, hi)),
                         NOTE: str(rng.choice(notes[category])), CATEGORY: category,
                         NETWORK_ID: f"N{row['network']}" if row["network"] >= 0 else None})
    out = pd.DataFrame(rows)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    out.insert(0, COMPLAINT_ID, [f"C{i + 1:03d}" for i in range(len(out))])
    out[RECEIVED_AT] = iso(out["_t"].to_numpy())
    return out
