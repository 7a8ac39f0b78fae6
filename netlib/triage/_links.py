"""Watch-list entries that name a link or a domain instead of an account.

Threat-indicator files (:func:`netlib.io.read_threat_indicators`) list websites and URLs
beside profiles. Such an entry is matched to the accounts that posted a link to it, or
whose profile links to it: a URL by its normalised form (:func:`netlib.traces.normalize_url`),
a domain by the host of every link (the domain itself or any sub-domain of it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netlib.schema import ACCOUNT_ID, URLS
from netlib.traces import normalize_url

__all__: list[str] = []

#: The profile-website column of the accounts table (optional).
_PROFILE_URL = "url"


def _host(normalized: str) -> str:
    return normalized.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].casefold()


@dataclass
class LinkIndex:
    """Which accounts link to which normalised URL and host, with how many posts."""

    by_url: dict[str, dict[str, int]] = field(default_factory=dict)
    by_host: dict[str, dict[str, int]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, actions: pd.DataFrame, accounts: pd.DataFrame) -> LinkIndex:
        """Index the links of ``actions[urls]`` and the accounts' profile ``url``."""
        index = cls(order={a: i for i, a in enumerate(accounts[ACCOUNT_ID].astype(str))})
        pairs = []
        if URLS in actions:
            posted = actions[[ACCOUNT_ID, URLS]].dropna()
            posted = posted.assign(**{URLS: posted[URLS].astype(str).str.split()}).explode(URLS)
            pairs.append(posted.dropna())
        if _PROFILE_URL in accounts:
            pairs.append(accounts[[ACCOUNT_ID, _PROFILE_URL]].dropna()
                         .rename(columns={_PROFILE_URL: URLS}))
        if not pairs:
            return index
        links = pd.concat(pairs, ignore_index=True)
        links = links[links[URLS].astype(str).str.strip().ne("")]
        unique = links[URLS].astype(str).unique()
        normal = dict(zip(unique, map(normalize_url, unique), strict=True))
        links = links.assign(_url=links[URLS].astype(str).map(normal))
        links = links.assign(_host=links["_url"].map(_host))
        for (url, account), n in links.groupby(["_url", ACCOUNT_ID]).size().items():
            index.by_url.setdefault(url, {})[str(account)] = int(n)
        for (host, account), n in links.groupby(["_host", ACCOUNT_ID]).size().items():
            index.by_host.setdefault(host, {})[str(account)] = int(n)
        return index

    def match(self, *, url: str = "", domain: str = "") -> tuple[list[str], str, int]:
        """Accounts linking to ``url`` (else to ``domain`` or a sub-domain of it).

        Returns
        -------
        tuple
            ``(account ids in the accounts table's order, "url" or "domain", links)``;
            ``links`` counts the posts and profiles that carry the link.
        """
        found: dict[str, int] = {}
        if url:
            how = "url"
            found = dict(self.by_url.get(normalize_url(url), {}))
        else:
            how = "domain"
            want = _host(normalize_url(domain))
            for host, accounts in self.by_host.items():
                if host == want or host.endswith("." + want):
                    for account, n in accounts.items():
                        found[account] = found.get(account, 0) + n
        ids = sorted(found, key=lambda a: self.order.get(a, len(self.order)))
        return ids, how, sum(found.values())
