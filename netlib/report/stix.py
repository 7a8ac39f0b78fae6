"""The sharing package: an analysis as a STIX 2.1 bundle and as Meta's indicator CSV.

Platforms' trust-and-safety teams ingest STIX 2.1 (OASIS). :func:`stix_bundle` turns the
output folder of ``netlib analyze`` (and the data it was made from, for handles and
platforms) into one bundle:

* the analysing ``identity``, which creates every other object;
* one ``campaign`` per coordinated network, with a ``note`` carrying its evidence;
* one ``user-account`` per account named by a finding (``account_type`` is the platform,
  ``account_login`` the handle, ``user_id`` the account id);
* ``relationship`` objects: network ``related-to`` member account, successor
  ``derived-from`` predecessor for every mirror link (``confidence`` = mirror score x 100,
  the evidence in a note), and one ``grouping`` per mirror chain (``confidence`` = chain
  confidence x 100);
* ``indicator`` objects for the handles, and for the links and domains a network pushes
  (shared by two or more of its accounts, and mostly by them);
* DISARM techniques as ``attack-pattern`` objects, each used by a campaign only where the
  network's evidence meets the condition written next to it in :data:`DISARM_TECHNIQUES`.

Identifiers are UUIDv5 of stable keys (the dataset fingerprint and the finding's ids), and
every timestamp is the analysis's own, so the same output folder gives the same bundle.

:func:`meta_indicators` gives the same findings in the layout of Meta's public threat
reports (github.com/facebook/threat-research): ``Tactic, Technique, Procedure, Indicator,
Notes`` with Meta's kill-chain codes and defanged addresses.

A sharing package passes real identifiers to a platform, so a pseudonymised output folder
is refused (:func:`check_shareable`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import DataFormatError, ParameterError
from netlib.io import load
from netlib.io.outputs import AnalysisOutput, read_analysis_output
from netlib.safe import write_csv

__all__ = ["DISARM_TECHNIQUES", "META_COLUMNS", "Technique", "check_shareable",
           "stix_bundle", "meta_indicators", "write_sharing_package"]

#: Namespace of the bundle's UUIDv5 identifiers.
NAMESPACE = uuid.UUID("6f1c1f43-8a4e-5b8e-9a53-2f4c7d0e9b10")
_DISARM_URL = ("https://github.com/DISARMFoundation/DISARMframeworks/blob/main/"
               "generated_pages/techniques/{}.md")
#: Columns of Meta's indicator files since 2023 (the kill-chain layout).
META_COLUMNS = ("Tactic", "Technique", "Procedure", "Indicator", "Notes")
#: Profile addresses by platform; other platforms are named by handle in the indicator.
_PROFILE = {"x": "https://x.com/{}", "twitter": "https://x.com/{}",
            "facebook": "https://www.facebook.com/{}",
            "instagram": "https://www.instagram.com/{}", "telegram": "https://t.me/{}",
            "youtube": "https://www.youtube.com/@{}", "tiktok": "https://www.tiktok.com/@{}"}
#: STIX ``account-type-ov`` where the vocabulary has the platform.
_ACCOUNT_TYPE = {"x": "twitter", "twitter": "twitter", "facebook": "facebook"}
#: Meta's "0.9 Acquiring social media accounts" procedures by platform.
_META_ACCOUNT = {"facebook": "0.9.1 Acquiring Facebook assets",
                 "instagram": "0.9.2 Acquiring Instagram accounts",
                 "threads": "0.9.3 Acquiring Threads accounts",
                 "x": "0.9.4 Acquiring X / Twitter accounts",
                 "twitter": "0.9.4 Acquiring X / Twitter accounts",
                 "youtube": "0.9.5 Acquiring YouTube channels",
                 "tiktok": "0.9.6 Acquiring TikTok accounts",
                 "telegram": "0.9.7 Acquiring Telegram channels"}
_META_OTHER = "0.9.12 Acquiring other social media assets"
_META_ASSETS = ("0. Acquiring assets", "0.9 Acquiring social media accounts")
_META_SAME_NAME = ("9. Enabling longevity", "9.3 Persisting with personas",
                   "9.3.1 Acquiring new account in old name")
_META_NEW_ACCOUNT = ("9. Enabling longevity", "9.5 Replacing infrastructure",
                     "9.5.1 Changing social media accounts")
_META_WEBSITE = ("7. Targeted engagement", "7.5 Directing online traffic",
                 "7.5.2 Directing audience to website")
#: Traces whose co-actions repeat the same content (reposts, near-identical texts).
_COPY_TRACES = ("repost", "text")


@dataclass(frozen=True)
class Technique:
    """A DISARM technique and the evidence a network must show for it to be referenced."""

    technique_id: str
    name: str
    tactic: str
    evidence: str
    applies: Callable[[dict], bool]


#: The DISARM mapping: a technique is referenced for a network only when ``applies`` holds
#: on the network's facts (``ratio`` observed/expected co-actions, ``copy_coactions`` in
#: reposts and near-identical texts, ``created_burst_share``, ``n_mirrors`` re-created
#: accounts). IDs and names from DISARM's Red framework (DISARMFoundation/DISARMframeworks).
DISARM_TECHNIQUES = (
    Technique("T0049", "Flooding the Information Space", "TA17",
              "its accounts reposted or posted near-identical texts together at least five "
              "times as often as chance explains",
              lambda f: f["ratio"] >= 5 and f["copy_coactions"] > 0),
    Technique("T0090", "Create Inauthentic Accounts", "TA15",
              "a third or more of its accounts were created in bursts, or some of its "
              "accounts were re-created after removal (mirror links)",
              lambda f: f["created_burst_share"] >= 1 / 3 or f["n_mirrors"] > 0),
)


def check_shareable(output: AnalysisOutput) -> None:
    """Refuse a pseudonymised output folder.

    Raises
    ------
    DataFormatError
        If the folder was written with ``--pseudonymize``.
    """
    if output.pseudonymized:
        raise DataFormatError(
            f"{output.folder}: this output was written with --pseudonymize, so it holds keyed "
            "pseudonyms, not the accounts' identifiers; a sharing package exists to pass real "
            "identifiers to a platform, which cannot act on pseudonyms. Export from an output "
            "written without --pseudonymize (and share it only with whoever may see them)")


def _num(value: Any, default: float = 0.0) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return out if out == out else default


def _text(value: Any) -> str:
    """A cell as written, without the quote that neutralises spreadsheet formulas."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") \
        else text


def _pattern_value(value: str) -> str:
    """A string literal inside a STIX pattern: backslashes and quotes escaped."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _defang(url: str) -> str:
    """Meta's defanging: the dots of the host become ``[.]``."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url.replace(".", "[.]")
    return url.replace(parts.netloc, parts.netloc.replace(".", "[.]"), 1)


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


@dataclass
class _Findings:
    """What the output folder says, keyed by account id, ready for both layouts."""

    run: dict
    accounts: pd.DataFrame
    members: dict[str, list[str]]
    clusters: list[dict]
    links: list[dict]
    chains: dict[str, list[dict]]
    pushed: dict[str, list[tuple[str, int, int]]]


def _findings(output: AnalysisOutput, data: Dataset) -> _Findings:
    fingerprint = output.run.get("dataset_fingerprint")
    if fingerprint and fingerprint != data.fingerprint():
        raise DataFormatError(
            f"{output.folder}: the data given is not the data this output was made from "
            f"(run.json records dataset fingerprint {fingerprint[:12]}..., the data has "
            f"{data.fingerprint()[:12]}...)")
    clusters = output.table("clusters")
    members: dict[str, list[str]] = {}
    for acc, cid in zip(clusters.get("account_id", []), clusters.get("cluster_id", []),
                        strict=True):
        members.setdefault(_text(cid), []).append(_text(acc))
    links = [{k: _text(v) for k, v in row.items()}
             for row in output.table("mirror_links").to_dict("records")]
    chains: dict[str, list[dict]] = {}
    for row in output.table("mirror_chains").to_dict("records"):
        chains.setdefault(_text(row["chain_id"]), []).append(
            {k: _text(v) for k, v in row.items()})
    stats = {_text(r["cluster_id"]): r for r in output.table("cluster_stats").to_dict("records")}
    successors = {link["successor_id"] for link in links}
    facts = []
    for cid, accs in sorted(members.items(), key=lambda kv: (len(kv[0]), kv[0])):
        row = stats.get(cid, {})
        traces = dict(part.rsplit(":", 1) for part in _text(row.get("traces")).split()
                      if ":" in part)
        facts.append({
            "cluster_id": cid, "members": accs, "size": len(accs),
            "observed": _num(row.get("observed")), "expected": _num(row.get("expected")),
            "ratio": _num(row.get("observed")) / max(_num(row.get("expected")), 1e-9),
            "q_value": _num(row.get("q_value"), 1.0),
            "copy_coactions": sum(_num(traces.get(t)) for t in _COPY_TRACES),
            "traces": _text(row.get("traces")),
            "median_lag_s": _num(row.get("median_lag_s"), float("nan")),
            "created_burst_share": _num(row.get("created_burst_share")),
            "stability": _num(row.get("stability"), float("nan")),
            "first_action": _text(row.get("first_action")),
            "last_action": _text(row.get("last_action")),
            "n_mirrors": sum(1 for a in accs if a in successors)})
    accounts = data.accounts.assign(account_id=data.accounts["account_id"].astype(str))
    accounts = accounts.drop_duplicates("account_id").set_index("account_id")
    return _Findings(run=output.run, accounts=accounts, members=members, clusters=facts,
                     links=links, chains=chains, pushed=_pushed(data, members))


def _pushed(data: Dataset, members: dict[str, list[str]], *, most: int = 25
            ) -> dict[str, list[tuple[str, int, int]]]:
    """Per network: links shared by two or more of its accounts and mostly by them.

    Returns ``(url, members sharing it, accounts sharing it)``, most shared first.
    """
    actions = data.actions
    if "urls" not in actions or not members:
        return {}
    shared = actions[["account_id", "urls"]].dropna()
    shared = shared.assign(url=shared["urls"].astype(str).str.split()).explode("url")
    shared = shared[shared["url"].str.match(r"https?://", na=False)]
    sharers = shared.drop_duplicates(["account_id", "url"])
    total = sharers.groupby("url").size()
    out = {}
    for cid, accs in members.items():
        mine = sharers[sharers["account_id"].astype(str).isin(accs)].groupby("url").size()
        mine = mine[(mine >= 2) & (mine >= 0.5 * total.reindex(mine.index))]
        mine = mine.sort_values(ascending=False, kind="stable")
        out[cid] = [(url, int(n), int(total[url])) for url, n in mine.head(most).items()]
    return out


def _account_info(found: _Findings, account_id: str) -> dict:
    row = found.accounts.loc[account_id] if account_id in found.accounts.index else None
    get = (lambda c: _text(row[c]) if row is not None and c in row.index else "")  # noqa: E731
    return {"platform": get("platform").casefold(), "handle": get("handle").lstrip("@"),
            "display_name": get("display_name")}


def _profile_url(platform: str, handle: str) -> str:
    pattern = _PROFILE.get(platform)
    return pattern.format(handle) if pattern and handle else ""


def _accounts_named(found: _Findings) -> list[str]:
    named = [a for f in found.clusters for a in f["members"]]
    named += [a for link in found.links for a in (link["predecessor_id"], link["successor_id"])]
    named += [r["account_id"] for rows in found.chains.values() for r in rows]
    return list(dict.fromkeys(a for a in named if a))


def stix_bundle(output: AnalysisOutput, data: Dataset, *, identity: str = "netlib analysis"):
    """The findings of an analyze output folder as a STIX 2.1 bundle.

    Parameters
    ----------
    output : AnalysisOutput
        From :func:`netlib.io.outputs.read_analysis_output`.
    data : Dataset
        The data the output was made from (its fingerprint must match ``run.json``).
    identity : str
        Name of the analysing organisation, which creates every object.

    Returns
    -------
    stix2.Bundle
        See the module docstring for what it holds.

    Raises
    ------
    DataFormatError
        If the output is pseudonymised, or ``data`` is not the data it was made from.
    ParameterError
        If ``identity`` is empty, or the stix2 library is not installed.

    Examples
    --------
    >>> bundle = stix_bundle(read_analysis_output("out/"), netlib.load("data/sample"))  # doctest: +SKIP
    """
    try:
        import stix2
    except ImportError as err:  # an optional dependency (the ``stix`` extra)
        raise ParameterError("the STIX export needs the stix2 library: pip install "
                             "'netlib[stix]' (or stix2 from requirements.lock)") from err
    check_shareable(output)
    if not str(identity).strip():
        raise ParameterError("identity must name the analysing organisation (got an empty name)")
    found = _findings(output, data)
    seed = found.run.get("dataset_fingerprint", "")
    when = found.run.get("created_at") or "1970-01-01T00:00:00Z"
    stamp = {"created": when, "modified": when}

    def sid(kind: str, *key: Any) -> str:
        return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join([kind, seed, *map(str, key)]))}"

    me = stix2.v21.Identity(id=sid("identity", identity), name=identity,
                            identity_class="organization",
                            description=f"Analysis made with netlib "
                                        f"{found.run.get('netlib_version', '')}".strip(),
                            **stamp)
    common = {"created_by_ref": me.id, **stamp}
    objects: list = [me]
    account_ref: dict[str, str] = {}
    for acc in _accounts_named(found):
        info = _account_info(found, acc)
        obj = stix2.v21.UserAccount(
            user_id=acc, account_login=info["handle"] or None,
            account_type=_ACCOUNT_TYPE.get(info["platform"], info["platform"] or None),
            display_name=info["display_name"] or None)
        account_ref[acc] = obj.id
        objects.append(obj)
        if info["handle"]:
            pattern = (f"[user-account:account_login = '{_pattern_value(info['handle'])}'"
                       f" AND user-account:user_id = '{_pattern_value(acc)}']")
            objects.append(stix2.v21.Indicator(
                id=sid("indicator", "account", acc), name=f"@{info['handle']} "
                f"({info['platform'] or 'unknown platform'})",
                description="handle of an account named by a coordination or mirror finding",
                pattern=pattern,
                pattern_type="stix", valid_from=when, indicator_types=["anomalous-activity"],
                **common))
    techniques = {t.technique_id: stix2.v21.AttackPattern(
        id=sid("attack-pattern", t.technique_id), name=t.name,
        external_references=[{"source_name": "DISARM", "external_id": t.technique_id,
                              "url": _DISARM_URL.format(t.technique_id)}],
        kill_chain_phases=[{"kill_chain_name": "disarm", "phase_name": t.tactic.lower()}],
        **common) for t in DISARM_TECHNIQUES}
    used: set[str] = set()
    for facts in found.clusters:
        objects += _campaign(stix2, facts, found, account_ref, techniques, used, sid, common)
    objects += [techniques[t] for t in sorted(used)]
    link_ref: dict[tuple[str, str], str] = {}
    for link in found.links:
        objects += _link(stix2, link, account_ref, link_ref, sid, common)
    for chain_id, rows in sorted(found.chains.items()):
        objects += _chain(stix2, chain_id, rows, account_ref, link_ref, sid, common)
    return stix2.v21.Bundle(objects=objects, id=sid("bundle", "netlib"))


def _campaign(stix2, facts: dict, found: _Findings, account_ref: dict, techniques: dict,
              used: set, sid, common: dict) -> list:
    cid = facts["cluster_id"]
    summary = (f"{facts['size']} accounts acted together on the same objects "
               f"{facts['observed']:.0f} times where {facts['expected']:.1f} were expected by "
               f"chance (q = {facts['q_value']:.2g}); behaviours: {facts['traces'] or 'n/a'}; "
               f"{facts['created_burst_share']:.0%} created in bursts; "
               f"{facts['n_mirrors']} re-created after removal. Coordination is not proof of "
               "inauthenticity.")
    extra = {}
    if facts["stability"] == facts["stability"]:
        extra["confidence"] = int(round(100 * min(max(facts["stability"], 0.0), 1.0)))
    times = {k: v for k, v in (("first_seen", facts["first_action"]),
                               ("last_seen", facts["last_action"])) if v}
    campaign = stix2.v21.Campaign(
        id=sid("campaign", cid), name=f"Coordinated network {cid}", description=summary,
        external_references=[{"source_name": "netlib", "external_id": f"cluster:{cid}"}],
        **times, **extra, **common)
    out = [campaign, stix2.v21.Note(
        id=sid("note", "cluster", cid), abstract=f"Evidence for coordinated network {cid}",
        content=summary, object_refs=[campaign.id], **common)]
    for acc in facts["members"]:
        out.append(stix2.v21.Relationship(
            id=sid("relationship", "member", cid, acc), relationship_type="related-to",
            source_ref=campaign.id, target_ref=account_ref[acc],
            description=f"member of coordinated network {cid}", **common))
        ind = sid("indicator", "account", acc)
        out.append(stix2.v21.Relationship(
            id=sid("relationship", "indicates", cid, acc), relationship_type="indicates",
            source_ref=ind, target_ref=campaign.id, **common)
            if _account_info(found, acc)["handle"] else None)
    for url, n, total in found.pushed.get(cid, []):
        note = f"shared by {n} accounts of network {cid} ({n} of {total} sharers)"
        for kind, value, pattern in (
                ("url", url, f"[url:value = '{_pattern_value(url)}']"),
                ("domain", _host(url), f"[domain-name:value = '{_pattern_value(_host(url))}']")):
            if not value:
                continue
            ind = sid("indicator", kind, cid, value)
            if any(getattr(o, "id", None) == ind for o in out if o is not None):
                continue
            out.append(stix2.v21.Indicator(
                id=ind, name=f"{kind} pushed by network {cid}", description=note,
                pattern=pattern, pattern_type="stix", valid_from=common["created"],
                indicator_types=["anomalous-activity"], **common))
            out.append(stix2.v21.Relationship(
                id=sid("relationship", "indicates", cid, kind, value),
                relationship_type="indicates", source_ref=ind, target_ref=campaign.id,
                **common))
    for technique in DISARM_TECHNIQUES:
        if technique.applies(facts):
            used.add(technique.technique_id)
            out.append(stix2.v21.Relationship(
                id=sid("relationship", "uses", cid, technique.technique_id),
                relationship_type="uses", source_ref=campaign.id,
                target_ref=techniques[technique.technique_id].id,
                description=f"evidence: {technique.evidence}", **common))
    return [o for o in out if o is not None]


def _link(stix2, link: dict, account_ref: dict, link_ref: dict, sid, common: dict) -> list:
    pred, succ = link["predecessor_id"], link["successor_id"]
    score = _num(link.get("score"))
    signals = ", ".join(f"{k} {link[k]}" for k in ("handle_sim", "display_sim", "bio_sim",
                                                   "avatar_sim", "audience_overlap",
                                                   "gap_hours") if link.get(k))
    rel = stix2.v21.Relationship(
        id=sid("relationship", "mirror", pred, succ), relationship_type="derived-from",
        source_ref=account_ref[succ], target_ref=account_ref[pred],
        confidence=int(round(100 * min(max(score, 0.0), 1.0))),
        description=f"likely re-creation after removal (mirror score {score:.2f})", **common)
    link_ref[(pred, succ)] = rel.id
    note = stix2.v21.Note(
        id=sid("note", "mirror", pred, succ), abstract="Evidence for a mirror link",
        content=f"mirror score {score:.2f}; {signals or 'no signal values recorded'}",
        object_refs=[rel.id], **common)
    return [rel, note]


def _chain(stix2, chain_id: str, rows: list[dict], account_ref: dict, link_ref: dict, sid,
           common: dict) -> list:
    rows = sorted(rows, key=lambda r: _num(r.get("position")))
    accounts = [r["account_id"] for r in rows if r["account_id"] in account_ref]
    steps = [link_ref[(r["predecessor_id"], r["account_id"])] for r in rows
             if (r.get("predecessor_id"), r["account_id"]) in link_ref]
    if not accounts:
        return []
    confidence = _num(rows[0].get("chain_confidence"), float("nan"))
    extra = ({"confidence": int(round(100 * min(max(confidence, 0.0), 1.0)))}
             if confidence == confidence else {})
    group = stix2.v21.Grouping(
        id=sid("grouping", "chain", chain_id), name=f"Mirror chain {chain_id}",
        context="suspicious-activity",
        description=f"{len(accounts)} accounts, each likely a re-creation of the one before",
        object_refs=[account_ref[a] for a in accounts] + steps, **extra, **common)
    note = stix2.v21.Note(
        id=sid("note", "chain", chain_id), abstract=f"Evidence for mirror chain {chain_id}",
        content=f"order: {' -> '.join(accounts)}; chain confidence "
                f"{confidence:.2f}" if confidence == confidence else
                f"order: {' -> '.join(accounts)}", object_refs=[group.id], **common)
    return [group, note]


def meta_indicators(output: AnalysisOutput, data: Dataset) -> pd.DataFrame:
    """The findings in the indicator layout of Meta's public threat reports.

    Parameters
    ----------
    output : AnalysisOutput
    data : Dataset
        The data the output was made from.

    Returns
    -------
    DataFrame
        ``Tactic, Technique, Procedure, Indicator, Notes``: one row per account named by a
        finding (its profile address, defanged, or ``<platform> account @handle``), then
        one per link and domain a network pushes. Re-created accounts are filed under
        Meta's "9. Enabling longevity" procedures, the others under "0.9 Acquiring social
        media accounts", links and domains under "7.5.2 Directing audience to website".

    Raises
    ------
    DataFormatError
        If the output is pseudonymised, or ``data`` is not the data it was made from.
    """
    check_shareable(output)
    found = _findings(output, data)
    network = {a: f["cluster_id"] for f in found.clusters for a in f["members"]}
    mirror = {link["successor_id"]: link for link in found.links}
    rows = []
    for acc in _accounts_named(found):
        info = _account_info(found, acc)
        url = _profile_url(info["platform"], info["handle"])
        indicator = _defang(url) if url else \
            f"{info['platform'] or 'unknown'} account @{info['handle'] or acc}"
        notes = [f"account id {acc}"]
        if acc in network:
            notes.append(f"coordinated network {network[acc]}")
        if acc in mirror:
            link = mirror[acc]
            notes.append(f"likely re-creation of account {link['predecessor_id']} "
                         f"(mirror score {_num(link.get('score')):.2f})")
            same = _num(link.get("same_handle")) > 0 or _num(link.get("handle_sim")) >= 0.8
            tactic = _META_SAME_NAME if same else _META_NEW_ACCOUNT
        else:
            tactic = (*_META_ASSETS, _META_ACCOUNT.get(info["platform"], _META_OTHER))
        rows.append((*tactic, indicator, "; ".join(notes)))
    for facts in found.clusters:
        seen = set()
        for url, n, total in found.pushed.get(facts["cluster_id"], []):
            note = (f"shared by {n} accounts of coordinated network {facts['cluster_id']} "
                    f"({n} of {total} sharers)")
            for value in (url, _host(url)):
                if value and value not in seen:
                    seen.add(value)
                    rows.append((*_META_WEBSITE, _defang(value), note))
    return pd.DataFrame(rows, columns=list(META_COLUMNS))


def write_sharing_package(out_dir: str | Path, *, stix: str | Path | None = None,
                          meta_csv: str | Path | None = None, data: str | Path | None = None,
                          identity: str = "netlib analysis") -> list[Path]:
    """Write the STIX bundle and/or Meta's indicator CSV for an analyze output folder.

    Parameters
    ----------
    out_dir : str or Path
        A folder written by ``netlib analyze``.
    stix, meta_csv : str or Path, optional
        Where to write the bundle (JSON) and the indicator CSV; at least one.
    data : str or Path, optional
        The data the output was made from. Default: the source ``run.json`` names.
    identity : str
        Name of the analysing organisation.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        If neither ``stix`` nor ``meta_csv`` is given.
    DataFormatError
        If the folder is not an analyze output, is pseudonymised, or the data is missing or
        not the data it was made from.
    """
    if stix is None and meta_csv is None:
        raise ParameterError("export: nothing to write (give --stix FILE and/or --meta-csv FILE)")
    output = read_analysis_output(out_dir)
    check_shareable(output)
    source = data if data is not None else output.run.get("source")
    if not source or not Path(source).exists():
        raise DataFormatError(
            f"{out_dir}: the data it was made from is needed for handles and platforms, and "
            f"run.json names {source!r}, which is not here; pass it with --data PATH")
    dataset = load(source, format=None if data is not None else output.run.get("input_format"))
    written = []
    if stix is not None:
        bundle = stix_bundle(output, dataset, identity=identity)
        path = Path(stix)
        text = json.dumps(json.loads(bundle.serialize()), indent=2, sort_keys=True,
                          ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    if meta_csv is not None:
        written.append(write_csv(meta_indicators(output, dataset), meta_csv))
    return written
