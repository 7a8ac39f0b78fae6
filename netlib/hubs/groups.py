"""Operator groups: accounts likely run by the same hands, with the evidence that joined them.

Each kind of evidence links two accounts; linked accounts are merged (connected
components) into operator groups. Kinds:

* ``mirror_lineage`` - consecutive accounts of one mirror chain;
* ``creation_burst`` - accounts of one cluster created within a few hours of each other,
  in a run of at least ``min_burst`` accounts;
* ``shared_client`` - the same rarely used posting client/app (when the data has a
  column such as ``client`` or ``tweet_client_name``);
* ``shared_link`` - the same invite link (t.me/+..., chat.whatsapp.com/..., discord.gg/...)
  in profile or posts, or the same profile URL, used by few accounts;
* ``activity_rhythm`` - near-identical hour-of-week activity profiles within a cluster
  (each account is linked to its most similar partner when the cosine passes a threshold).

None of these proves common control on its own; the ``evidence`` column keeps every
reason so that a reader can judge.
"""

from __future__ import annotations

import re

import igraph as ig
import numpy as np
import pandas as pd

from netlib.dataset import Dataset, split_list
from netlib.hubs._columns import (
    ACCOUNT_ID_Y,
    CHAIN_ID,
    CLUSTER_ID,
    DETAIL,
    EVIDENCE,
    GROUP_ID,
    N_ACCOUNTS,
    POSITION,
)
from netlib.hubs._util import account_codes
from netlib.hubs.config import HubConfig
from netlib.lookup import isin
from netlib.schema import ACCOUNT_ID, BIO, CREATED_AT, TEXT, TIMESTAMP, URL, URLS

__all__ = ["CLIENT_COLUMNS", "INVITE_LINK", "operator_links", "operator_groups",
           "group_operators"]

#: Columns that, when present in accounts or actions, name the posting client/app.
CLIENT_COLUMNS = ("client", "tweet_client_name", "source_app", "app", "client_name")
#: Invite links to closed groups/channels (Telegram, WhatsApp, Discord, Signal).
INVITE_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me/(?:\+|joinchat/)[\w-]+|telegram\.me/(?:\+|joinchat/)"
    r"[\w-]+|chat\.whatsapp\.com/[\w-]+|discord\.gg/[\w-]+|signal\.group/[#\w-]+)",
    re.IGNORECASE)
LINK_COLUMNS = [ACCOUNT_ID, ACCOUNT_ID_Y, EVIDENCE, DETAIL]
GROUP_COLUMNS = [GROUP_ID, ACCOUNT_ID, N_ACCOUNTS, EVIDENCE, CLUSTER_ID]


def _clique_links(frame: pd.DataFrame, key: str, kind: str, detail: str) -> pd.DataFrame:
    """Link every account sharing ``key`` to the first account of that key (a star)."""
    frame = frame.drop_duplicates([key, ACCOUNT_ID]).sort_values([key, ACCOUNT_ID])
    first = frame.groupby(key, sort=False)[ACCOUNT_ID].transform("first")
    keep = frame[ACCOUNT_ID] != first
    out = pd.DataFrame({ACCOUNT_ID: first[keep].to_numpy(),
                        ACCOUNT_ID_Y: frame.loc[keep, ACCOUNT_ID].to_numpy()})
    out[EVIDENCE] = kind
    out[DETAIL] = [detail.format(v) for v in frame.loc[keep, key]]
    return out


def _lineage_links(chains: pd.DataFrame | None, candidates: set[str]) -> pd.DataFrame:
    if chains is None or chains.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    ch = chains.sort_values([CHAIN_ID, POSITION], kind="stable")
    nxt = ch.groupby(CHAIN_ID)[ACCOUNT_ID].shift(-1)
    keep = nxt.notna()
    out = pd.DataFrame({ACCOUNT_ID: ch.loc[keep, ACCOUNT_ID].astype(str).to_numpy(),
                        ACCOUNT_ID_Y: nxt[keep].astype(str).to_numpy(),
                        EVIDENCE: "mirror_lineage",
                        DETAIL: [f"mirror chain {c}" for c in ch.loc[keep, CHAIN_ID]]})
    out = out[isin(out[ACCOUNT_ID], candidates) | isin(out[ACCOUNT_ID_Y], candidates)]
    return out.reset_index(drop=True)


def _burst_links(accounts: pd.DataFrame, membership: pd.Series, *, burst_window: float,
                 min_burst: int) -> pd.DataFrame:
    if CREATED_AT not in accounts.columns:
        return pd.DataFrame(columns=LINK_COLUMNS)
    acc = accounts[[ACCOUNT_ID, CREATED_AT]].copy()
    acc[CLUSTER_ID] = acc[ACCOUNT_ID].map(membership)
    acc = acc.dropna(subset=[CREATED_AT, CLUSTER_ID])
    if acc.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    acc = acc.sort_values([CLUSTER_ID, CREATED_AT, ACCOUNT_ID], kind="stable")
    gap = acc.groupby(CLUSTER_ID)[CREATED_AT].diff()
    new_run = gap.isna() | (gap > pd.Timedelta(seconds=burst_window))
    acc["_run"] = new_run.cumsum()
    size = acc.groupby("_run")[ACCOUNT_ID].transform("size")
    acc = acc[size >= min_burst]
    prev = acc.groupby("_run")[ACCOUNT_ID].shift(1)
    keep = prev.notna()
    start = acc.groupby("_run")[CREATED_AT].transform("min")
    n = acc.groupby("_run")[ACCOUNT_ID].transform("size")
    out = pd.DataFrame({ACCOUNT_ID: prev[keep].to_numpy(),
                        ACCOUNT_ID_Y: acc.loc[keep, ACCOUNT_ID].to_numpy()})
    out[EVIDENCE] = "creation_burst"
    hours = burst_window / 3600
    out[DETAIL] = [f"{k} accounts of cluster {c} created within {hours:g} h of each "
                   f"other from {s:%Y-%m-%d %H:%M} UTC"
                   for k, c, s in zip(n[keep], acc.loc[keep, CLUSTER_ID], start[keep],
                                      strict=True)]
    return out


def _client_links(accounts: pd.DataFrame, actions: pd.DataFrame, candidates: set[str], *,
                  max_accounts: int) -> pd.DataFrame:
    parts = []
    for frame in (accounts, actions):
        for col in CLIENT_COLUMNS:
            if col in frame.columns:
                vals = frame[[ACCOUNT_ID, col]].dropna().rename(columns={col: "_client"})
                vals["_client"] = vals["_client"].astype(str).str.strip()
                parts.append(vals[vals["_client"] != ""])
    if not parts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    used = pd.concat(parts, ignore_index=True).drop_duplicates()
    users = used.groupby("_client")[ACCOUNT_ID].transform("nunique")
    rare = used[(users <= max_accounts) & isin(used[ACCOUNT_ID], candidates)]
    return _clique_links(rare, "_client", "shared_client", "client {!r} used by few accounts")


def _link_links(accounts: pd.DataFrame, actions: pd.DataFrame, candidates: set[str], *,
                max_accounts: int) -> pd.DataFrame:
    rows: list[tuple[str, str]] = []
    for frame, cols in ((accounts, (URL, BIO)), (actions, (URLS, TEXT))):
        for col in cols:
            if col not in frame.columns:
                continue
            sub = frame.loc[isin(frame[ACCOUNT_ID], candidates), [ACCOUNT_ID, col]].dropna()
            text = sub[col].astype(str)
            has = text.str.contains(INVITE_LINK, regex=True)
            for acc, cell in zip(sub.loc[has, ACCOUNT_ID], text[has], strict=True):
                for m in INVITE_LINK.findall(cell):
                    link = re.sub(r"^(?:https?://)?(?:www\.)?", "", m).lower().rstrip("/")
                    rows.append((acc, link))
    if URL in accounts.columns:
        prof = accounts[[ACCOUNT_ID, URL]].dropna()
        for acc, cell in zip(prof[ACCOUNT_ID], prof[URL].astype(str), strict=True):
            for u in split_list(cell):
                rows.append((acc, re.sub(r"^(?:https?://)?(?:www\.)?", "", u).lower()
                             .rstrip("/")))
    if not rows:
        return pd.DataFrame(columns=LINK_COLUMNS)
    used = pd.DataFrame(rows, columns=[ACCOUNT_ID, "_link"]).drop_duplicates()
    users = used.groupby("_link")[ACCOUNT_ID].transform("nunique")
    rare = used[(users >= 2) & (users <= max_accounts)
                & isin(used[ACCOUNT_ID], candidates)]
    return _clique_links(rare, "_link", "shared_link", "link {} used by few accounts")


def _rhythm_links(actions: pd.DataFrame, membership: pd.Series, *, min_actions: int,
                  threshold: float, max_cluster: int) -> pd.DataFrame:
    codes = account_codes(actions[ACCOUNT_ID])
    acc = codes.columns[0]
    where = codes.positions(membership.index)
    member = np.zeros(len(codes) + 1, dtype=bool)    # the extra slot: missing ids (-1)
    member[where[where >= 0]] = True
    if not member[acc].any():
        return pd.DataFrame(columns=LINK_COLUMNS)
    n = np.bincount(acc[member[acc]], minlength=len(codes))
    busy = np.append(member[:-1] & (n >= min_actions), False)
    rows = busy[acc]
    ts = actions.loc[rows, TIMESTAMP]
    how = (ts.dt.day_of_week * 24 + ts.dt.hour).to_numpy(dtype=float)
    timed = ~np.isnan(how)
    # hour-of-week profile of every busy account with a timestamp, rows in id order
    present, row = np.unique(acc[rows][timed], return_inverse=True)
    prof = np.bincount(row * 168 + how[timed].astype(np.int64),
                       minlength=len(present) * 168).reshape(len(present), 168)
    cluster_of = pd.Series(membership.to_numpy(dtype=object), index=where).drop(
        index=-1, errors="ignore")
    cl = cluster_of[~cluster_of.index.duplicated()].reindex(present).to_numpy(dtype=object)
    out = []
    for cluster, pos in pd.Series(np.arange(len(present))).groupby(cl).groups.items():
        if len(pos) < 2 or len(pos) > max_cluster:
            continue
        pos = np.sort(np.asarray(pos, dtype=np.int64))
        mat = prof[pos].astype(float)
        mat /= np.linalg.norm(mat, axis=1, keepdims=True)
        sim = mat @ mat.T
        np.fill_diagonal(sim, -1.0)
        # each account links to its single most similar partner: O(n) links at most
        best = sim.argmax(axis=1)
        score = sim[np.arange(len(best)), best]
        names = codes.objects(present[pos])
        seen: set[tuple[str, str]] = set()
        for i in np.flatnonzero(score >= threshold):
            a, b = sorted((names[i], names[best[i]]))
            if (a, b) in seen:
                continue
            seen.add((a, b))
            out.append((a, b, "activity_rhythm",
                        f"hour-of-week profiles cosine {score[i]:.2f} (cluster {cluster})"))
    return pd.DataFrame(out, columns=LINK_COLUMNS)


def operator_links(accounts: pd.DataFrame, actions: pd.DataFrame, membership: pd.Series,
                   candidates: set[str], *, chains: pd.DataFrame | None = None,
                   burst_window: float = 6 * 3600.0, min_burst: int = 3,
                   max_shared_accounts: int = 10, rhythm_min_actions: int = 50,
                   rhythm_threshold: float = 0.9, rhythm_max_cluster: int = 3000,
                   ) -> pd.DataFrame:
    """Evidence links between accounts likely run by the same hands.

    ``burst_window`` is in seconds; the other options are those of
    :class:`~netlib.hubs.HubConfig` (``rhythm_max_cluster``: clusters larger than this get
    no rhythm links).

    Returns
    -------
    DataFrame
        ``account_id, account_id_y, evidence, detail``, one row per piece of evidence.
    """
    cand_membership = membership[isin(membership.index, candidates)]
    parts = [
        _lineage_links(chains, candidates),
        _burst_links(accounts, cand_membership, burst_window=burst_window,
                     min_burst=min_burst),
        _client_links(accounts, actions, candidates, max_accounts=max_shared_accounts),
        _link_links(accounts, actions, candidates, max_accounts=max_shared_accounts),
        _rhythm_links(actions, cand_membership, min_actions=rhythm_min_actions,
                      threshold=rhythm_threshold, max_cluster=rhythm_max_cluster),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values([EVIDENCE, ACCOUNT_ID, ACCOUNT_ID_Y], kind="stable").reset_index(
        drop=True)


def operator_groups(links: pd.DataFrame, membership: pd.Series) -> pd.DataFrame:
    """Merge evidence links into groups (connected components of two or more accounts).

    Returns
    -------
    DataFrame
        ``group_id`` ("og-1", "og-2"... largest first, then by first account_id),
        ``account_id, n_accounts, evidence`` (kinds of evidence touching the account,
        ";"-joined), ``cluster_id`` (the account's cluster, if any).
    """
    if links.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    ends = np.concatenate([links[ACCOUNT_ID].to_numpy(dtype=object),
                           links[ACCOUNT_ID_Y].to_numpy(dtype=object)])
    codes, names = pd.factorize(ends)
    m = len(links)
    g = ig.Graph(n=len(names), edges=np.column_stack([codes[:m], codes[m:]]))
    comp = np.asarray(g.connected_components().membership)
    frame = pd.DataFrame({ACCOUNT_ID: np.asarray(names, dtype=object), "_c": comp})
    # evidence kinds touching each account, ";"-joined in a fixed (alphabetical) order
    kinds = np.concatenate([links[EVIDENCE].to_numpy(dtype=object)] * 2)
    touch = pd.crosstab(codes, kinds).reindex(range(len(names)), fill_value=0) > 0
    ev = pd.Series("", index=range(len(names)), dtype=object)
    for kind in sorted(touch.columns):
        ev = ev.where(~touch[kind].to_numpy(), ev + np.where(ev == "", "", ";") + kind)
    frame[EVIDENCE] = ev.to_numpy()
    frame[N_ACCOUNTS] = frame.groupby("_c")[ACCOUNT_ID].transform("size")
    frame["_first"] = frame.groupby("_c")[ACCOUNT_ID].transform("min")
    frame = frame.sort_values([N_ACCOUNTS, "_first", ACCOUNT_ID],
                              ascending=[False, True, True], kind="stable")
    order = {c: i + 1 for i, c in enumerate(pd.unique(frame["_c"]))}
    frame[GROUP_ID] = [f"og-{order[c]}" for c in frame["_c"]]
    frame[CLUSTER_ID] = frame[ACCOUNT_ID].map(membership)
    return frame[GROUP_COLUMNS].reset_index(drop=True)


def group_operators(data: Dataset, candidates: pd.Series, config: HubConfig, *,
                    chains: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Operator evidence among the ranked accounts, and the groups it joins them into.

    Parameters
    ----------
    data : Dataset
    candidates : Series
        ``cluster_id`` by ranked ``account_id`` (from :func:`netlib.hubs.score_hubs`).
    config : HubConfig
        Uses ``burst_window, min_burst, max_shared_accounts, rhythm_min_actions,
        rhythm_threshold``.
    chains : DataFrame, optional
        Mirror chains (``chain_id, position, account_id``).

    Returns
    -------
    (links, groups) : DataFrame, DataFrame
        From :func:`operator_links` and :func:`operator_groups`.
    """
    membership = candidates.dropna()
    links = operator_links(data.accounts, data.actions, membership, set(candidates.index),
                           chains=chains, burst_window=config.burst_window,
                           min_burst=config.min_burst,
                           max_shared_accounts=config.max_shared_accounts,
                           rhythm_min_actions=config.rhythm_min_actions,
                           rhythm_threshold=config.rhythm_threshold)
    return links, operator_groups(links, membership)
