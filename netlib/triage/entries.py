"""Complaint triage: what the analysis says about each watch-list entry, in review order.

A watch list (complaints received, accounts flagged by partners...) names accounts by handle
or id. :func:`triage` matches every entry to the data and answers, in plain words, the
questions a reviewer asks first: is it part of a coordinated network, is it a re-creation of
a removed account, has it itself been re-created, is it a likely operator? Entries that match
nothing stay in the output and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import normalize_handle
from netlib.errors import ParameterError
from netlib.io.watchlist import ENTRY, RECEIVED_AT, TARGET_URL, watchlist_frame
from netlib.schema import (
    ACCOUNT_ID,
    CATEGORY,
    CHAIN_ID,
    CLUSTER_ID,
    CREATED_AT,
    EVIDENCE,
    FOUND,
    HANDLE,
    HANDLE_NORM,
    HUB_RANK,
    HUB_SCORE,
    MATCHED_ACCOUNT_IDS,
    MATCHED_HANDLES,
    MIRROR_OF,
    PLATFORM,
    PREDECESSOR_ID,
    PRIORITY,
    RANK,
    SCORE,
    STATUS,
    SUCCESSOR_ID,
    SUCCESSORS,
    SUSPENDED_AT,
)
from netlib.triage._links import LinkIndex
from netlib.triage.campaigns import (
    CAMPAIGN_COLUMNS,
    CAMPAIGN_ID,
    CAMPAIGN_SIZE,
    CampaignConfig,
    complaint_campaigns,
)

__all__ = ["CATEGORIES", "TRIAGE_COLUMNS", "TriageTable", "triage"]

#: Categories, most urgent first; ``priority`` follows this order, then signal strength.
CATEGORIES = (
    "operator",             # ranks among the top operator candidates
    "mirror",               # re-creation of a removed account
    "network_member",       # member of a coordinated network
    "recreated",            # removed, but a successor carries on
    "no_signal",            # found, nothing flagged
    "not_found",            # no account in the data matches
    "invalid_entry",        # the entry names no handle, id, link or domain
)

TRIAGE_COLUMNS = (
    ENTRY, HANDLE, ACCOUNT_ID, PLATFORM, RECEIVED_AT, "note", FOUND, "match",
    MATCHED_ACCOUNT_IDS, MATCHED_HANDLES, "in_coordinated_cluster", CLUSTER_ID,
    "cluster_size", MIRROR_OF, "mirror_score", SUCCESSORS, "successor_score",
    CHAIN_ID, "likely_operator", HUB_RANK, HUB_SCORE, CATEGORY, EVIDENCE, PRIORITY,
    CAMPAIGN_ID, CAMPAIGN_SIZE,
)


def _frame(result: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(result, name, None) if result is not None else None
    return frame if isinstance(frame, pd.DataFrame) else None


def _account_labels(accounts: pd.DataFrame) -> dict[str, str]:
    """``account_id -> "@handle (platform)"`` as the evidence sentences name accounts.

    The same wording as :func:`netlib.plots.account_labels` (the figures' hover labels),
    kept here so that triage does not depend on the plotting layer.
    """
    if accounts is None or accounts.empty:
        return {}
    handle = accounts[HANDLE].astype("string").fillna("")
    platform = (accounts[PLATFORM].astype("string").fillna("") if PLATFORM in accounts
                else pd.Series("", index=accounts.index))
    handle = handle.str.lstrip("@").str.slice(0, 60)
    text = "@" + handle + " (" + platform + ")"
    return dict(zip(accounts[ACCOUNT_ID].astype(str), text.astype(str), strict=True))


def _handle_key(value: str) -> str:
    """A watch-list handle as matched: profile URLs reduced to their last path segment."""
    text = str(value).strip()
    if "/" in text:
        parts = [p for p in text.split("?")[0].split("/") if p]
        text = parts[-1] if parts else text
    return normalize_handle(text)


def _join(values) -> str:
    return " ".join(dict.fromkeys(str(v) for v in values))


class TriageTable(pd.DataFrame):
    """The triage table, which is also a result (:mod:`netlib.results`).

    A DataFrame (one row per watch-list entry, see :func:`triage`) that also carries
    ``params`` and ``fingerprint``, and offers ``tables()`` and ``evidence(entry)``, so
    reports and notebooks treat it like every other result. Uses pandas' documented
    subclassing hooks (``_metadata``, ``_constructor``).
    """

    _metadata = ["params", "fingerprint", "campaigns"]

    @property
    def _constructor(self):
        return TriageTable

    def tables(self) -> dict[str, pd.DataFrame]:
        """``triage`` (the table as a plain DataFrame) and ``complaint_campaigns``."""
        campaigns = getattr(self, "campaigns", None)
        if not isinstance(campaigns, pd.DataFrame):
            campaigns = pd.DataFrame(columns=list(CAMPAIGN_COLUMNS))
        return {"triage": pd.DataFrame(self), "complaint_campaigns": campaigns}

    def evidence(self, entry: str) -> pd.DataFrame:
        """The rows for one watch-list entry (its text as given), with their evidence."""
        rows = pd.DataFrame(self)
        return rows[rows[ENTRY].astype("string").eq(str(entry)).fillna(False)]


def _as_result(table: pd.DataFrame, params: dict, fingerprint: str,
               campaigns: pd.DataFrame | None = None) -> TriageTable:
    out = TriageTable(table)
    out.params = params
    out.fingerprint = fingerprint
    out.campaigns = (campaigns if campaigns is not None
                     else pd.DataFrame(columns=list(CAMPAIGN_COLUMNS)))
    return out


def triage(watchlist: pd.DataFrame, analysis: Any, *, top_hubs: int | None = None,
           campaigns: CampaignConfig | None = None) -> TriageTable:
    """Match watch-list entries to the data and say what the analysis found about each.

    Parameters
    ----------
    watchlist : DataFrame
        From :func:`netlib.io.watchlist.read_watchlist` (or any frame with a handle or
        account id column; it is normalised with ``watchlist_frame``). Entries are matched by
        ``account_id`` when given, else by normalised handle; a non-empty ``platform``
        restricts the match. An entry with neither but a ``url`` or ``domain`` column (a
        threat indicator, :func:`netlib.io.read_threat_indicators`) matches the accounts
        that posted a link to it or whose profile ``url`` points to it (``match`` is then
        ``url`` or ``domain``; a domain also matches its sub-domains). When several accounts share the handle and ``received_at`` is
        given, those that did not exist at that time (created later, or removed earlier) are
        set aside and the evidence says so.
    analysis : Analysis-like
        ``dataset`` plus optional ``coordination`` (``.clusters``), ``mirrors``
        (``.links``, ``.chains``) and ``hubs`` (``.hubs``), read by duck typing.
    top_hubs : int, optional
        Accounts ranked this high or better in the operator ranking count as likely
        operators. Default: two per coordinated network, at least ten (a heuristic: a
        campaign is usually steered by a few accounts).
    campaigns : CampaignConfig, optional
        Options of the coordinated-complaint test (:func:`complaint_campaigns`), which runs
        on every watch list: complaints against the same account (the matched accounts,
        else the handle) that co-act - near-duplicate ``text`` or the same
        ``submitter_id`` within the window - more than chance allows form a campaign.

    Returns
    -------
    TriageTable
        A DataFrame that is also a result (``params``, ``fingerprint``, ``tables()``,
        ``evidence(entry)``). One row per entry, in the entry order, with columns ``entry, handle, account_id,
        platform, received_at, note, found, match, matched_account_ids, matched_handles,
        in_coordinated_cluster, cluster_id, cluster_size, mirror_of, mirror_score,
        successors, successor_score, chain_id, likely_operator, hub_rank, hub_score,
        category, evidence, priority, complaint_campaign_id, campaign_size`` (then the
        watch list's ``submitter_id, text, target_url`` and extra columns). Multiple
        matches and ids are space-separated. ``category`` is one of :data:`CATEGORIES`;
        ``priority`` is the review order (1 first); ``evidence`` explains the category in
        plain words. ``complaint_campaign_id`` is empty and ``campaign_size`` missing for
        an entry in no coordinated complaint campaign. ``.campaigns`` (and
        ``tables()["complaint_campaigns"]``) holds one row per campaign with its evidence.

    Raises
    ------
    ParameterError
        If ``top_hubs`` is negative.
    DataFormatError
        If the watch list has neither a handle nor an account id column.

    Examples
    --------
    >>> import pandas as pd, netlib
    >>> from types import SimpleNamespace
    >>> data = netlib.Dataset.from_frames(
    ...     pd.DataFrame({"account_id": ["1"], "platform": ["x"], "handle": ["@Ann"]}),
    ...     pd.DataFrame({"action_id": ["p"], "account_id": ["1"],
    ...                   "timestamp": ["2024-01-01T00:00:00Z"], "kind": ["post"]}))
    >>> out = triage(pd.DataFrame({"handle": ["ann", "bob"]}), SimpleNamespace(dataset=data))
    >>> out["category"].tolist()
    ['no_signal', 'not_found']
    """
    if top_hubs is not None and top_hubs < 0:
        raise ParameterError(f"triage: top_hubs must be >= 0, got {top_hubs}")
    entries = watchlist_frame(watchlist)
    accounts = analysis.dataset.accounts
    labels = _account_labels(accounts)
    ids = accounts[ACCOUNT_ID].astype(str)
    norms = (accounts[HANDLE_NORM] if HANDLE_NORM in accounts
             else accounts[HANDLE].map(normalize_handle)).astype(str)
    platforms = accounts[PLATFORM].astype(str).str.casefold()
    by_id: dict[str, list[int]] = {}
    by_handle: dict[str, list[int]] = {}
    for pos, (i, h) in enumerate(zip(ids, norms, strict=True)):
        by_id.setdefault(i, []).append(pos)
        by_handle.setdefault(h, []).append(pos)
    status = accounts[STATUS] if STATUS in accounts else pd.Series(None, index=accounts.index)
    removed_at = accounts[SUSPENDED_AT] if SUSPENDED_AT in accounts else \
        pd.Series(pd.NaT, index=accounts.index)
    info = {i: (s, r) for i, s, r in zip(ids, status, removed_at, strict=True)}
    created = pd.to_datetime(accounts[CREATED_AT], utc=True) if CREATED_AT in accounts else \
        pd.Series(pd.NaT, index=accounts.index, dtype="datetime64[ns, UTC]")
    removed_at = pd.to_datetime(removed_at, utc=True)

    coordination = getattr(analysis, "coordination", None)
    clusters = _frame(coordination, "clusters")
    cluster_of, cluster_size = {}, {}
    if clusters is not None and not clusters.empty:
        cluster_of = dict(zip(clusters[ACCOUNT_ID].astype(str), clusters[CLUSTER_ID],
                              strict=True))
        cluster_size = clusters.groupby(CLUSTER_ID).size().to_dict()
    if top_hubs is None:  # a couple of operator accounts per network, at least ten overall
        top_hubs = max(10, 2 * len(cluster_size))
    mirrors = getattr(analysis, "mirrors", None)
    links = _frame(mirrors, "links")
    preds: dict[str, list[tuple[str, float]]] = {}
    succs: dict[str, list[tuple[str, float]]] = {}
    if links is not None and not links.empty:
        scores = links[SCORE] if SCORE in links else pd.Series(np.nan, index=links.index)
        for p, s, sc in zip(links[PREDECESSOR_ID].astype(str), links[SUCCESSOR_ID].astype(str),
                            scores, strict=True):
            preds.setdefault(s, []).append((p, float(sc)))
            succs.setdefault(p, []).append((s, float(sc)))
    chains = _frame(mirrors, "chains")
    chain_of = {} if chains is None else dict(zip(chains[ACCOUNT_ID].astype(str),
                                                  chains[CHAIN_ID], strict=True))
    hubs = _frame(getattr(analysis, "hubs", None), "hubs")
    hub_of = {}
    n_hubs = 0
    if hubs is not None and not hubs.empty:
        ranked = hubs.copy()
        if RANK not in ranked:
            ranked[RANK] = ranked[HUB_SCORE].rank(ascending=False, method="first")
        n_hubs = len(ranked)
        for rec in ranked.to_dict("records"):
            hub_of[str(rec[ACCOUNT_ID])] = (float(rec[RANK]), float(rec.get(HUB_SCORE, np.nan)))

    rows = []
    link_index = None
    for entry in entries.to_dict("records"):
        want_id, want_handle = str(entry[ACCOUNT_ID]), str(entry[HANDLE])
        kind = _text(entry.get("indicator_type"))
        # a threat indicator's link is the address itself (its ``url`` column is read as
        # target_url), not a profile whose last path segment names a handle
        want_url = _text(entry.get(TARGET_URL)) if kind == "url" else ""
        want_domain = _text(entry.get("domain")) if kind in ("", "domain") else ""
        if not want_id and not want_handle and not want_url \
                and str(entry.get(TARGET_URL, "")):
            want_handle = str(entry[TARGET_URL])  # the profile address names the handle
        want_platform = str(entry[PLATFORM]).casefold()
        linked = 0
        if want_id:
            positions, how = by_id.get(want_id, []), ACCOUNT_ID
        elif want_handle:
            positions, how = by_handle.get(_handle_key(want_handle), []), HANDLE
        elif want_url or want_domain:  # a link or website indicator: who links to it
            if link_index is None:
                link_index = LinkIndex.build(analysis.dataset.actions, accounts)
            found, how, linked = link_index.match(url=want_url, domain=want_domain)
            positions = [p for a in found for p in by_id.get(a, [])]
        else:
            positions, how = [], "none"
        if want_platform and want_platform not in ("any", "*"):
            positions = [p for p in positions if platforms.iloc[p] == want_platform]
        dropped = 0
        if how in (ACCOUNT_ID, HANDLE):
            positions, dropped = _alive_at(positions, entry[RECEIVED_AT], created, removed_at)
        matched = [ids.iloc[p] for p in positions]
        entry["_linked"], entry["_link"] = linked, want_url or want_domain
        row = _assess(entry, matched, how, _Lookups(
            labels=labels, info=info, cluster_of=cluster_of, cluster_size=cluster_size,
            preds=preds, succs=succs, chain_of=chain_of, hub_of=hub_of, n_hubs=n_hubs,
            top_hubs=top_hubs))
        if dropped:
            row[EVIDENCE] += (f"; {dropped} other account{'s' if dropped > 1 else ''} with "
                                "this handle did not exist when the entry was received")
        rows.append(row)
    extras = [c for c in entries.columns if c not in TRIAGE_COLUMNS]
    params = {"top_hubs": int(top_hubs), "entries": len(entries)}
    dataset = getattr(analysis, "dataset", None)
    fingerprint = dataset.fingerprint() if dataset is not None else ""
    if not rows:
        return _as_result(pd.DataFrame(columns=[*TRIAGE_COLUMNS, *extras]), params, fingerprint)
    out = pd.DataFrame(rows)
    # the target of each complaint: the accounts it matched, else the handle it names
    named = [h or u for h, u in zip(entries[HANDLE].astype(str),
                                    entries.get(TARGET_URL, entries[HANDLE]).astype(str),
                                    strict=True)]
    targets = out[MATCHED_ACCOUNT_IDS].where(
        out[MATCHED_ACCOUNT_IDS].ne(""), [f"@{_handle_key(h)}" if h else "" for h in named])
    found = complaint_campaigns(entries, targets.reset_index(drop=True), campaigns)
    params["campaigns"] = found.params
    member = {int(e): (c, int(n)) for e, c, n in found.members[
        [ENTRY, CAMPAIGN_ID, CAMPAIGN_SIZE]].itertuples(index=False)}
    out[CAMPAIGN_ID] = [member.get(int(e), ("", None))[0] for e in out[ENTRY]]
    out[CAMPAIGN_SIZE] = pd.array([member.get(int(e), ("", None))[1] for e in out[ENTRY]],
                                  dtype="Int64")
    found.campaigns["target_label"] = [" ".join(labels.get(a, a) for a in str(t).split())
                                       for t in found.campaigns["target"]]
    sentence = dict(zip(found.campaigns[CAMPAIGN_ID], found.campaigns[EVIDENCE], strict=True))
    in_campaign = out[CAMPAIGN_ID].ne("")
    out.loc[in_campaign, EVIDENCE] = (out.loc[in_campaign, EVIDENCE] + "; "
                                      + out.loc[in_campaign, CAMPAIGN_ID].map(
                                          lambda c: f"{sentence[c]} ({c})"))
    out[RECEIVED_AT] = entries[RECEIVED_AT].array
    for col in extras:
        out[col] = entries[col].array
    received = out[RECEIVED_AT]
    order = out.assign(
        _cat=out[CATEGORY].map(CATEGORIES.index),
        _hub=out[HUB_RANK].fillna(np.inf),
        _mirror=-out["mirror_score"].fillna(-1.0),
        _size=-out["cluster_size"].fillna(0),
        _time=received.isna(),  # dated entries first, then oldest first
        _when=received.fillna(received.min()) if received.notna().any() else 0,
    ).sort_values(["_cat", "_hub", "_mirror", "_size", "_time", "_when", ENTRY],
                  kind="stable").index
    out.loc[order, PRIORITY] = np.arange(1, len(out) + 1)
    out[PRIORITY] = out[PRIORITY].astype(int)
    return _as_result(out[[*TRIAGE_COLUMNS, *extras]].reset_index(drop=True), params,
                      fingerprint, found.campaigns)


def _alive_at(positions: list[int], when: Any, created: pd.Series,
              removed: pd.Series) -> tuple[list[int], int]:
    """Of several accounts sharing a handle, keep those that existed at ``when``.

    An account exists from ``created_at`` (unknown: always) until its removal (unknown: for
    ever). When none or all of them existed, every match is kept. Returns the kept positions
    and how many were set aside.
    """
    if len(positions) < 2 or not _present(when):
        return positions, 0
    when = pd.Timestamp(when)
    alive = [p for p in positions
             if not (pd.notna(created.iloc[p]) and created.iloc[p] > when)
             and not (pd.notna(removed.iloc[p]) and removed.iloc[p] < when)]
    if not alive or len(alive) == len(positions):
        return positions, 0
    return alive, len(positions) - len(alive)


def _text(value: Any) -> str:
    return str(value).strip() if _present(value) else ""


def _present(value: Any) -> bool:
    return value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value)) \
        and str(value) != ""


def _fmt_time(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d") if _present(value) else ""


@dataclass(frozen=True)
class _Lookups:
    """What the analysis says about each account, indexed for the entry-by-entry pass."""

    labels: dict
    info: dict
    cluster_of: dict
    cluster_size: dict
    preds: dict
    succs: dict
    chain_of: dict
    hub_of: dict
    n_hubs: int
    top_hubs: int


def _assess(entry: dict, matched: list[str], how: str, look: _Lookups) -> dict:
    labels, info, cluster_of, cluster_size = (look.labels, look.info, look.cluster_of,
                                              look.cluster_size)
    preds, succs, chain_of, hub_of = look.preds, look.succs, look.chain_of, look.hub_of
    n_hubs, top_hubs = look.n_hubs, look.top_hubs
    label = lambda a: labels.get(a, a)  # noqa: E731
    row = {ENTRY: entry[ENTRY], HANDLE: entry[HANDLE], ACCOUNT_ID: entry[ACCOUNT_ID],
           PLATFORM: entry[PLATFORM], RECEIVED_AT: entry[RECEIVED_AT], "note": entry["note"],
           FOUND: bool(matched), "match": how if matched else "none",
           MATCHED_ACCOUNT_IDS: _join(matched),
           MATCHED_HANDLES: _join(label(a) for a in matched)}
    clusters = [cluster_of[a] for a in matched if a in cluster_of]
    mirror_of = [(p, s) for a in matched for p, s in preds.get(a, [])]
    successors = [(s, sc) for a in matched for s, sc in succs.get(a, [])]
    hub = [hub_of[a] for a in matched if a in hub_of]
    best_hub = min(hub) if hub else None
    row.update({
        "in_coordinated_cluster": bool(clusters),
        CLUSTER_ID: _join(clusters),
        "cluster_size": float(max(cluster_size.get(c, 0) for c in clusters)) if clusters
        else np.nan,
        MIRROR_OF: _join(p for p, _ in mirror_of),
        "mirror_score": max(s for _, s in mirror_of) if mirror_of else np.nan,
        SUCCESSORS: _join(s for s, _ in successors),
        "successor_score": max(s for _, s in successors) if successors else np.nan,
        CHAIN_ID: _join(chain_of[a] for a in matched if a in chain_of),
        "likely_operator": bool(best_hub and best_hub[0] <= top_hubs),
        HUB_RANK: best_hub[0] if best_hub else np.nan,
        HUB_SCORE: best_hub[1] if best_hub else np.nan,
    })
    evidence = []
    link = entry.get("_link", "") if how in ("url", "domain") else ""
    if how == "none":
        category = "invalid_entry"
        kind = _text(entry.get("indicator_type"))
        evidence.append(f"the {kind} indicator names no account, link or domain to match"
                        if kind else "the entry names no handle or account id")
    elif not matched:
        category = "not_found"
        if link:
            what = f"no post or profile links to {how} {link}"
        else:
            what = "no account with " + (f"account id {entry[ACCOUNT_ID]}"
                                         if how == ACCOUNT_ID
                                         else f"handle @{_handle_key(entry[HANDLE])}")
        where = f" on {entry[PLATFORM]}" if entry[PLATFORM] else ""
        evidence.append(f"not found in the data ({what}{where})")
    else:
        if link:
            n = entry.get("_linked", 0)
            evidence.append(f"{how} {link} is linked {n:,} time{'s' if n != 1 else ''} "
                            f"(posts and profile links) by {len(matched):,} "
                            f"account{'s' if len(matched) != 1 else ''}")
        for a in matched:
            state, removed = info.get(a, (None, None))
            extra = ", ".join(x for x in (str(state) if _present(state) else "",
                                          f"removed {_fmt_time(removed)}" if _fmt_time(removed)
                                          else "") if x)
            evidence.append(f"matched {label(a)}" + (f" ({extra})" if extra else ""))
        if row["likely_operator"]:
            category = "operator"
        elif mirror_of:
            category = "mirror"
        elif clusters:
            category = "network_member"
        elif successors:
            category = "recreated"
        else:
            category = "no_signal"
        if best_hub:
            evidence.append(f"ranked {best_hub[0]:g} of {n_hubs} operator candidates "
                            f"(hub score {best_hub[1]:.2f})")
        for p, s in mirror_of:
            removed = _fmt_time(info.get(p, (None, None))[1])
            evidence.append(f"likely re-creation of {label(p)}"
                            + (f" (removed {removed})" if removed else "")
                            + f", mirror score {s:.2f}")
        for c in dict.fromkeys(clusters):
            evidence.append(f"in coordinated network {c} ({cluster_size.get(c, 0)} accounts)")
        for s, sc in successors:
            evidence.append(f"re-created as {label(s)}, mirror score {sc:.2f}")
        if category == "no_signal":
            evidence.append("no coordination, mirror or operator signal")
    row[CATEGORY] = category
    row[EVIDENCE] = "; ".join(evidence)
    return row
