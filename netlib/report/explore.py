"""An explorer for JupyterLab: from a network or a chain to an account to its evidence.

:func:`explore` returns an ipywidgets 8 widget: a handle search, pickers for a network, a
mirror chain and an account, filters (platform, period, q-value) and the selected account's
evidence card. The state and its callbacks live in :class:`Explorer`, a plain object that
works (and is tested) without a browser; the widget only mirrors it.

Everything shown is escaped (:func:`netlib.safe.escape_html`): handles and posts are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib.plots import account_labels, coordination_edges
from netlib.report._common import is_missing, label_of, result_frame
from netlib.report.accounts import account_index
from netlib.report.cards import timezone_findings
from netlib.report.format import table_html
from netlib.safe import escape_html
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    CHAIN_ID,
    CLUSTER_ID,
    EVIDENCE,
    OBJECT_ID,
    PLATFORM,
    POSITION,
    PREDECESSOR_ID,
    Q_VALUE,
    RANK,
    SCORE,
    SUCCESSOR_ID,
    TIMESTAMP,
    TRACE,
    WEIGHT,
)

__all__ = ["Explorer", "Filters", "explore"]

#: Link columns that are bookkeeping, not signals.
_NOT_SIGNALS = {PREDECESSOR_ID, SUCCESSOR_ID, SCORE, RANK, "blocks", "accepted"}


@dataclass
class Filters:
    """What the explorer shows: platforms, a period of activity and a q-value ceiling.

    Attributes
    ----------
    platforms : tuple of str
        Empty: every platform.
    start, end : Timestamp or None
        Accounts must act in ``[start, end]``; co-action examples are cut to it.
    max_q : float
        Networks whose strongest tie has a larger q-value, and ties above it, are hidden.
    """

    platforms: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    max_q: float = 1.0


@dataclass
class Explorer:
    """The explorer's state and callbacks (the widget of :func:`explore` mirrors them).

    Parameters
    ----------
    analysis : Analysis-like
        From :func:`netlib.analyze` (or :func:`netlib.report.read_output`).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> data = SimpleNamespace(accounts=pd.DataFrame(
    ...     {"account_id": ["1", "2"], "handle": ["ann", "bob"], "platform": ["x", "x"]}),
    ...     actions=pd.DataFrame(columns=["account_id", "timestamp"]))
    >>> coord = SimpleNamespace(
    ...     clusters=pd.DataFrame({"account_id": ["1", "2"], "cluster_id": [0, 0]}),
    ...     edges=pd.DataFrame({"account_id": ["1"], "account_id_y": ["2"], "q_value": [0.01]}))
    >>> ex = Explorer(SimpleNamespace(dataset=data, coordination=coord))
    >>> ex.search("bo")
    ['2']
    >>> "in network 0" in ex.select_account("2")
    True
    """

    analysis: Any
    filters: Filters = field(default_factory=Filters)
    selected: str | None = None

    def __post_init__(self) -> None:
        data = self.analysis.dataset
        self.labels = account_labels(data)
        self.index = account_index(self.analysis)
        accounts = data.accounts
        self._platform = dict(zip(accounts[ACCOUNT_ID].astype(str),
                                  accounts[PLATFORM].astype(str), strict=True)) \
            if PLATFORM in accounts else {}
        actions = data.actions
        if len(actions) and TIMESTAMP in actions:
            times = pd.to_datetime(actions[TIMESTAMP], utc=True)
            span = pd.DataFrame({ACCOUNT_ID: actions[ACCOUNT_ID].astype(str), "t": times})
            grouped = span.groupby(ACCOUNT_ID)["t"]
            self._active = pd.DataFrame({"first": grouped.min(), "last": grouped.max()})
            self.period = (times.min(), times.max())
        else:
            self._active = pd.DataFrame(columns=["first", "last"])
            self.period = (None, None)
        coordination = getattr(self.analysis, "coordination", None)
        self._clusters = result_frame(coordination, "clusters")
        self._edges = coordination_edges(coordination)
        self._pairs = result_frame(coordination, "pairs")
        mirrors = getattr(self.analysis, "mirrors", None)
        self._chains = result_frame(mirrors, "chains")
        self._links = result_frame(mirrors, "links")
        hubs = getattr(self.analysis, "hubs", None)
        self._hubs = result_frame(hubs, "hubs")
        self._timezones = timezone_findings(self.analysis)

    # --- what can be picked ---------------------------------------------------------------
    def platforms(self) -> list[str]:
        """Every platform of the accounts the analyses name."""
        return sorted({self._platform.get(a, "") for a in self.index[ACCOUNT_ID]} - {""})

    def _passes(self, account_id: str) -> bool:
        f = self.filters
        if f.platforms and self._platform.get(account_id) not in f.platforms:
            return False
        if (f.start is not None or f.end is not None) and len(self._active):
            if account_id not in self._active.index:
                return False
            first, last = self._active.loc[account_id, ["first", "last"]]
            if f.start is not None and last < f.start:
                return False
            if f.end is not None and first > f.end:
                return False
        return True

    def clusters(self) -> list[tuple[str, Any]]:
        """``(label, cluster_id)`` of the networks passing the q-value filter, largest first."""
        if self._clusters is None or self._clusters.empty:
            return []
        sizes = self._clusters.groupby(CLUSTER_ID).size().sort_values(ascending=False,
                                                                       kind="stable")
        out = []
        for cid, size in sizes.items():
            members = self.index[self.index[CLUSTER_ID].astype(str) == str(cid)]
            q = pd.to_numeric(members["min_q_value"], errors="coerce").min()
            if not pd.isna(q) and q > self.filters.max_q:
                continue
            out.append((f"network {cid} ({size:,} accounts)", cid))
        return out

    def chains(self) -> list[tuple[str, Any]]:
        """``(label, chain_id)`` of the mirror chains, longest first."""
        if self._chains is None or self._chains.empty:
            return []
        sizes = self._chains.groupby(CHAIN_ID).size().sort_values(ascending=False, kind="stable")
        return [(f"chain {cid} ({size} accounts)", cid) for cid, size in sizes.items()]

    def members(self, *, cluster: Any = None, chain: Any = None) -> list[str]:
        """Account ids of a network or a chain (chain order), after the filters."""
        if cluster is not None and self._clusters is not None:
            ids = self._clusters.loc[self._clusters[CLUSTER_ID].astype(str) == str(cluster),
                                     ACCOUNT_ID].astype(str)
            order = self.index.set_index(ACCOUNT_ID)["account"]
            ids = sorted(ids, key=lambda a: (str(order.get(a, a)).lower(), a))
        elif chain is not None and self._chains is not None:
            rows = self._chains[self._chains[CHAIN_ID].astype(str) == str(chain)]
            if POSITION in rows:
                rows = rows.sort_values(POSITION, kind="stable")
            ids = rows[ACCOUNT_ID].astype(str).tolist()
        else:
            return []
        return [a for a in ids if self._passes(a)]

    def search(self, text: str, *, limit: int = 20) -> list[str]:
        """Account ids whose handle (or label or id) contains ``text``, after the filters."""
        needle = str(text).strip().lstrip("@").lower()
        if not needle:
            return []
        hits = [a for a, label in zip(self.index[ACCOUNT_ID], self.index["account"],
                                      strict=True)
                if needle in str(label).lower() or needle in str(a).lower()]
        return [a for a in hits if self._passes(a)][:limit]

    def label(self, account_id: str) -> str:
        """``@handle (platform)`` (unescaped)."""
        return label_of(self.labels, account_id)

    # --- the evidence card ----------------------------------------------------------------
    def select_account(self, account_id: str) -> str:
        """Select an account and return its evidence card (HTML, every value escaped)."""
        self.selected = str(account_id)
        return self.card(self.selected)

    def card(self, account_id: str) -> str:
        """The evidence card: why it is here, co-actions with examples, mirror lineage with
        signal contributions, hub signals and the time-zone fit of its network."""
        account_id = str(account_id)
        row = self.index[self.index[ACCOUNT_ID] == account_id]
        why = row["why"].iloc[0] if len(row) else []
        parts = [f"<h3>{escape_html(self.label(account_id))}</h3>",
                 f'<p class="muted">account id {escape_html(account_id)}</p>',
                 "<h4>Why is this account here?</h4>",
                 "<ul>" + ("".join(f"<li>{escape_html(w)}</li>" for w in why)
                           or "<li>not named by any analysis</li>") + "</ul>",
                 "<h4>Co-actions</h4>", self._coactions(account_id),
                 "<h4>Mirror lineage</h4>", self._lineage(account_id),
                 "<h4>Hub signals</h4>", self._hub_signals(account_id),
                 "<h4>Time-zone fit</h4>", self._timezone(account_id),
                 '<p class="muted">Coordination is not proof of inauthenticity; a time zone '
                 "is not a country; a mirror score is a similarity, not an identity.</p>"]
        return "".join(parts)

    def coactions(self, account_id: str) -> pd.DataFrame:
        """The account's significant ties (partner, weight, q-value), strongest first."""
        edges = self._edges
        cols = ["partner", "partner_id", WEIGHT, Q_VALUE]
        if edges is None or edges.empty:
            return pd.DataFrame(columns=cols)
        a = edges[ACCOUNT_ID].astype(str)
        b = edges[ACCOUNT_ID_Y].astype(str)
        mine = edges[(a == account_id) | (b == account_id)]
        if Q_VALUE in mine:
            mine = mine[pd.to_numeric(mine[Q_VALUE], errors="coerce").fillna(0)
                        <= self.filters.max_q]
        partner = np.where(mine[ACCOUNT_ID].astype(str) == account_id,
                           mine[ACCOUNT_ID_Y].astype(str), mine[ACCOUNT_ID].astype(str))
        out = pd.DataFrame({"partner": [self.label(p) for p in partner],
                            "partner_id": partner,
                            WEIGHT: mine[WEIGHT].to_numpy() if WEIGHT in mine else np.nan,
                            Q_VALUE: mine[Q_VALUE].to_numpy() if Q_VALUE in mine else np.nan})
        return out.sort_values([WEIGHT, "partner_id"], ascending=[False, True],
                               kind="stable").reset_index(drop=True)

    def examples(self, account_id: str, partner_id: str, *, limit: int = 5) -> pd.DataFrame:
        """Co-actions behind one tie: what both did, and when (within the period filter)."""
        pairs = self._pairs
        if pairs is None or pairs.empty:
            return pd.DataFrame()
        a, b = pairs[ACCOUNT_ID].astype(str), pairs[ACCOUNT_ID_Y].astype(str)
        hit = pairs[((a == account_id) & (b == partner_id))
                    | ((a == partner_id) & (b == account_id))]
        if TIMESTAMP in hit:
            times = pd.to_datetime(hit[TIMESTAMP], utc=True)
            if self.filters.start is not None:
                hit = hit[times >= self.filters.start]
                times = times[times >= self.filters.start]
            if self.filters.end is not None:
                hit = hit[times <= self.filters.end]
            hit = hit.sort_values(TIMESTAMP, kind="stable")
        cols = [c for c in (TRACE, OBJECT_ID, TIMESTAMP, "time_delta") if c in hit]
        return hit[cols].head(limit).reset_index(drop=True)

    def _coactions(self, account_id: str) -> str:
        ties = self.coactions(account_id)
        if ties.empty:
            return '<p class="muted">no significant co-action ties</p>'
        html = table_html(ties.drop(columns="partner_id"), max_rows=10,
                          more_note="more ties in coordination_edges.csv")
        first = ties["partner_id"].iloc[0]
        examples = self.examples(account_id, first)
        if len(examples):
            html += (f"<p>Examples with {escape_html(self.label(first))}:</p>"
                     + table_html(examples, max_rows=5))
        return html

    def lineage(self, account_id: str) -> pd.DataFrame:
        """Mirror links into or out of the account, each signal's contribution in a column."""
        links = self._links
        if links is None or links.empty:
            return pd.DataFrame()
        mine = links[(links[PREDECESSOR_ID].astype(str) == account_id)
                     | (links[SUCCESSOR_ID].astype(str) == account_id)]
        rows = []
        for rec in mine.to_dict("records"):
            signals = {k: float(v) for k, v in rec.items()
                       if k not in _NOT_SIGNALS and isinstance(v, (int, float, np.number))
                       and not isinstance(v, (bool, np.bool_)) and not is_missing(v) and v != 0}
            rows.append({"from": self.label(rec[PREDECESSOR_ID]),
                         "to": self.label(rec[SUCCESSOR_ID]),
                         SCORE: rec.get(SCORE, np.nan),
                         "signals": ", ".join(f"{k} {v:.3g}" for k, v in
                                              sorted(signals.items(), key=lambda kv: -abs(kv[1]))),
                         EVIDENCE: rec.get(EVIDENCE, "")})
        return pd.DataFrame(rows)

    def _lineage(self, account_id: str) -> str:
        links = self.lineage(account_id)
        chain = ""
        if self._chains is not None and not self._chains.empty:
            mine = self._chains[self._chains[ACCOUNT_ID].astype(str) == account_id]
            if len(mine):
                cid = mine[CHAIN_ID].iloc[0]
                order = " → ".join(escape_html(self.label(a)) for a in self.members(chain=cid))
                chain = f"<p>Chain {escape_html(cid)}: {order}</p>"
        if links.empty:
            return chain or '<p class="muted">not in a mirror chain</p>'
        return chain + table_html(links, max_rows=10, max_chars=160)

    def _hub_signals(self, account_id: str) -> str:
        hubs = self._hubs
        if hubs is None or hubs.empty:
            return '<p class="muted">no operator ranking</p>'
        mine = hubs[hubs[ACCOUNT_ID].astype(str) == account_id]
        if mine.empty:
            return '<p class="muted">not ranked</p>'
        row = mine.iloc[0].dropna()
        row = row[[c for c in row.index if c != ACCOUNT_ID]]
        return table_html(row.rename("value").rename_axis("signal"), max_rows=40)

    def _timezone(self, account_id: str) -> str:
        row = self.index[self.index[ACCOUNT_ID] == account_id]
        cid = row[CLUSTER_ID].iloc[0] if len(row) else None
        if cid is None or is_missing(cid):
            return '<p class="muted">no time-zone estimate (not in a network)</p>'
        if self._timezones.empty:
            return ('<p class="muted">no time-zone estimate (the hub analysis did not run; '
                    "netlib.analyze runs it)</p>")
        found = self._timezones[self._timezones[CLUSTER_ID].astype(str) == str(cid)]
        if found.empty:
            return '<p class="muted">no time-zone estimate for its network</p>'
        return (f"<p>Network {escape_html(cid)}: {escape_html(found['finding'].iloc[0])}</p>")


def explore(analysis: Any):
    """An ipywidgets 8 explorer of an analysis, for JupyterLab.

    Search a handle, or pick a network, a mirror chain and then an account; the account's
    evidence card shows why it is here, its co-actions with examples, its mirror lineage
    with each signal's contribution, its hub signals and its network's time-zone fit.
    Filter by platform, period and q-value. Two clicks at most from a network to an
    account's evidence; one from a search result.

    Parameters
    ----------
    analysis : Analysis-like
        From :func:`netlib.analyze`.

    Returns
    -------
    ipywidgets.VBox
        With ``.explorer``, the :class:`Explorer` holding the state.

    Raises
    ------
    ImportError
        If ipywidgets is not installed (``pip install 'netlib[notebooks]'``).
    """
    try:
        import ipywidgets as w
    except ImportError as err:  # pragma: no cover - ipywidgets is a notebooks dependency
        raise ImportError("netlib.explore needs ipywidgets 8 "
                          "(pip install 'netlib[notebooks]')") from err
    ex = Explorer(analysis)
    search = w.Text(placeholder="@handle", description="Search")
    results = w.Select(options=[], rows=6, description="Found")
    cluster = w.Dropdown(options=[("—", None)] + ex.clusters(), description="Network")
    chain = w.Dropdown(options=[("—", None)] + ex.chains(), description="Chain")
    account = w.Select(options=[], rows=8, description="Account")
    platform = w.SelectMultiple(options=ex.platforms(), rows=min(4, max(1, len(ex.platforms()))),
                                description="Platform")
    q_max = w.FloatLogSlider(value=1.0, base=10, min=-12, max=0, step=0.5,
                             description="max q", readout_format=".0e")
    start, end = ex.period
    period = None
    if start is not None:
        days = pd.date_range(start.floor("D"), end.ceil("D"), freq="D")
        if len(days) >= 2:
            period = w.SelectionRangeSlider(
                options=[(d.strftime("%Y-%m-%d"), d) for d in days],
                index=(0, len(days) - 1), description="Period")
    card = w.HTML(value='<p class="muted">Search a handle or pick a network, chain or '
                        "account.</p>")

    def options(ids: list[str]) -> list[tuple[str, str]]:
        return [(ex.label(a), a) for a in ids]

    def show(account_id: str | None) -> None:
        if account_id:
            card.value = ex.select_account(account_id)

    def on_search(change) -> None:
        results.options = options(ex.search(change["new"]))

    def on_cluster(change) -> None:
        if change["new"] is not None:
            chain.value = None
            account.options = options(ex.members(cluster=change["new"]))

    def on_chain(change) -> None:
        if change["new"] is not None:
            cluster.value = None
            account.options = options(ex.members(chain=change["new"]))

    def on_filters(_change=None) -> None:
        picked = period.value if period is not None else (None, None)
        ex.filters = Filters(platforms=tuple(platform.value), start=picked[0],
                             end=picked[1] + pd.Timedelta(days=1) if picked[1] is not None
                             else None, max_q=float(q_max.value))
        current = cluster.value
        cluster.options = [("—", None)] + ex.clusters()
        cluster.value = current if current in [v for _, v in cluster.options] else None
        if cluster.value is not None:
            account.options = options(ex.members(cluster=cluster.value))
        elif chain.value is not None:
            account.options = options(ex.members(chain=chain.value))
        results.options = options(ex.search(search.value))
        if ex.selected:
            card.value = ex.card(ex.selected)

    search.observe(on_search, names="value")
    results.observe(lambda c: show(c["new"]), names="value")
    account.observe(lambda c: show(c["new"]), names="value")
    cluster.observe(on_cluster, names="value")
    chain.observe(on_chain, names="value")
    for control in (platform, q_max, *([period] if period is not None else [])):
        control.observe(on_filters, names="value")
    filters = w.HBox([platform, q_max, *([period] if period is not None else [])])
    pickers = w.VBox([search, results, cluster, chain, account],
                     layout=w.Layout(width="40%"))
    box = w.VBox([filters, w.HBox([pickers, card])])
    box.explorer = ex
    box.controls = {"search": search, "results": results, "cluster": cluster, "chain": chain,
                    "account": account, "platform": platform, "q_max": q_max,
                    "period": period, "card": card}
    return box
