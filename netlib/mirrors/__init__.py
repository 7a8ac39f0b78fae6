"""Mirror accounts: link every removed account to the accounts that replaced it.

Removed accounts are known (``status``/``suspended_at``) or, where the data says
nothing, inferred: an account silent far beyond its own rhythm before its platform's
last action, or whose exact handle a later account took
(:func:`~netlib.mirrors.candidates.infer_takedowns`; ``takedown_source`` says which).
:func:`detect_mirrors` finds, for each suspended, deleted (or silent) account, the
accounts first seen around its takedown that share a blocking key with it (name,
edited name, avatar band, rare link), measures a dozen signals on each such pair, scores
the pair with a logistic model learned on synthetic truth, keeps one best successor per
predecessor per platform, and assembles the accepted links into lineages.

A high score says two accounts *look like* one identity re-created; it is not proof
that the same people run both. Every link keeps its evidence columns for review.

References
----------
Niverthi, Verma & Kumar (2022). Characterizing, Detecting, and Predicting Online Ban
Evasion. WWW '22. doi:10.1145/3485447.3512133
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.mirrors import _columns as C
from netlib.mirrors import candidates as _cand
from netlib.mirrors import chains as _chains
from netlib.mirrors import model as _model
from netlib.mirrors import signals as _sig
from netlib.mirrors._util import select_links
from netlib.mirrors.candidates import TAKEDOWN_SOURCES, infer_takedowns
from netlib.mirrors.chains import survival_curve
from netlib.mirrors.config import MirrorConfig
from netlib.mirrors.model import FEATURES, load_weights, reliability_table
from netlib.mirrors.names import skeleton, stem
from netlib.progress import StepProgress, counted
from netlib.results import summary_html
from netlib.schema import ACCOUNT_ID, BIO, DISPLAY_NAME, HANDLE, PLATFORM, PROFILE_IMAGE_HASH

__all__ = ["detect_mirrors", "mirror_candidates", "MirrorCandidates", "MirrorConfig",
           "MirrorResult", "pair_signals", "score_pairs", "skeleton",
           "stem", "reliability_table", "survival_curve", "load_weights", "FEATURES",
           "takedown_notes", "infer_takedowns", "TAKEDOWN_SOURCES", "evidence_available"]

LINK_COLUMNS = [C.PREDECESSOR_ID, C.SUCCESSOR_ID, C.SCORE, C.RANK, *C.SIGNALS, C.BLOCKS, "model",
                C.PREDECESSOR_PLATFORM, C.SUCCESSOR_PLATFORM, C.TAKEN_DOWN_AT,
                C.TAKEDOWN_SOURCE, C.FIRST_SEEN]


#: Columns of :meth:`MirrorResult.evidence`.
EVIDENCE_COLUMNS = ["signal", "kind", "value", "weight", "contribution"]


@dataclass
class MirrorResult:
    """Mirror links, lineages and their evidence.

    Attributes
    ----------
    links : DataFrame
        Accepted links: ``predecessor_id, successor_id, score, rank`` and one column per
        signal (``handle_sim, handle_edit_sim, display_sim, name_sim, name_count,
        name_rarity, avatar_distance, avatar_sim, bio_sim, shared_links, audience_overlap,
        followee_overlap, same_cluster, rhythm_sim, gap_hours, announces, mentions_old,
        same_platform, same_handle``), then ``blocks`` (which blocking keys found the pair), ``model``
        (``full``, or ``no_social`` when either account has no follower/followee/interaction
        data), both platforms, ``taken_down_at, takedown_source, first_seen`` (of the
        successor).
    candidates : DataFrame
        Every scored candidate pair, same columns plus ``accepted``; ``rank`` orders the
        candidates of one predecessor on one platform (the ranked alternatives).
    chains : DataFrame
        ``chain_id, position, account_id`` + ``predecessor_id, platform, handle,
        first_seen, taken_down_at, link_score, confidence, chain_confidence,
        n_generations, n_accounts``.
    chain_stats : DataFrame
        One row per lineage (see :func:`netlib.mirrors.chains.chain_stats`).
    survival : DataFrame
        Per removed account: ``account_id, platform, taken_down_at, recreated, hours``.
    cluster_recreation : DataFrame or None
        With ``coordination``: per cluster ``cluster_id, n_removed, n_recreated,
        share_recreated, median_hours, max_generations``.
    params : dict
        ``dataclasses.asdict`` of the :class:`MirrorConfig`, plus what the run used and
        found: ``threshold_used, weights_source, coordination_given, n_predecessors,
        n_candidate_pairs, n_predecessors_by_source`` (removed accounts per
        ``takedown_source``) and ``notes`` (plain-language sentences on how removals were
        learned, e.g. that they were inferred from silence, for a report to show; see
        :func:`takedown_notes`).
    fingerprint : str
        Fingerprint of the input dataset.
    weights : dict
        The model weights used (from :func:`netlib.mirrors.model.load_weights`).
    """

    links: pd.DataFrame
    candidates: pd.DataFrame
    chains: pd.DataFrame
    chain_stats: pd.DataFrame
    survival: pd.DataFrame
    cluster_recreation: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    weights: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (f"MirrorResult({len(self.links):,} links, {self.chains[C.CHAIN_ID].nunique():,}"
                f" chains, {len(self.candidates):,} candidate pairs)")

    @property
    def threshold(self) -> float:
        """The decision threshold the links were accepted at."""
        return float(self.params["threshold_used"])

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"mirror_links": links, "mirror_chains": chains}``."""
        return {"mirror_links": self.links, "mirror_chains": self.chains,
                "mirror_candidates": self.candidates}

    def evidence(self, predecessor_id: str, successor_id: str) -> pd.DataFrame:
        """Every signal and model feature of one candidate pair, with its weight.

        Returns
        -------
        DataFrame
            ``signal, kind, value, weight, contribution``: one ``kind="evidence"`` row per
            evidence column (weight and contribution missing), then one ``kind="feature"``
            row per model input and the ``intercept``; ``contribution`` is weight x value,
            rounded to 4 places. ``attrs`` hold the pair's ``score``, ``model`` and
            ``accepted``.

        Raises
        ------
        KeyError
            If the pair was never a candidate (no shared blocking key in the window).
        """
        c = self.candidates
        row = c[(c[C.PREDECESSOR_ID] == str(predecessor_id))
                & (c[C.SUCCESSOR_ID] == str(successor_id))]
        if not len(row):
            raise KeyError(f"({predecessor_id!r}, {successor_id!r}) was not a candidate pair")
        first = row.iloc[0]
        feats = _model.features(row).iloc[0]
        model = _model.model_of(self.weights, str(first["model"]))
        coef = model["coef"]
        rows = [{"signal": s, "kind": "evidence", "value": first[s], "weight": np.nan,
                 "contribution": np.nan} for s in C.SIGNALS]
        rows += [{"signal": f, "kind": "feature", "value": float(feats[f]),
                  "weight": float(coef[f]), "contribution": round(float(coef[f] * feats[f]), 4)}
                 for f in FEATURES]
        rows.append({"signal": "intercept", "kind": "feature", "value": 1.0,
                     "weight": float(model["intercept"]),
                     "contribution": round(float(model["intercept"]), 4)})
        out = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
        out.attrs.update(score=float(first[C.SCORE]), model=str(first["model"]),
                         accepted=bool(first[C.ACCEPTED]))
        return out

    def _repr_html_(self) -> str:
        return summary_html("Mirror accounts", self, lines=[
            f"{len(self.links):,} links in {self.chains[C.CHAIN_ID].nunique():,} lineages, "
            f"from {len(self.candidates):,} scored candidate pairs (threshold "
            f"{self.threshold:g})",
            "A link says two accounts look like one identity re-created, not that the same "
            "people run both."])


def _clusters_of(coordination) -> pd.DataFrame | None:
    if coordination is None:
        return None
    frame = coordination if isinstance(coordination, pd.DataFrame) else \
        getattr(coordination, "clusters", None)
    if not isinstance(frame, pd.DataFrame) or not {ACCOUNT_ID, C.CLUSTER_ID} <= set(frame):
        raise ParameterError("coordination must be a DataFrame or an object with a .clusters "
                             "DataFrame holding columns account_id, cluster_id")
    return frame[[ACCOUNT_ID, C.CLUSTER_ID]].astype({ACCOUNT_ID: str})


def pair_signals(data: Dataset, pairs: pd.DataFrame, profiles: pd.DataFrame, *,
                 links: pd.DataFrame, clusters: pd.DataFrame | None = None,
                 texts: pd.Series | None = None, social: tuple | None = None,
                 early_posts: int = 5,
                 min_rhythm_actions: int = 5) -> pd.DataFrame:
    """Measure every signal on candidate pairs (one evidence column per signal).

    Parameters
    ----------
    data : Dataset
    pairs : DataFrame
        ``predecessor_id, successor_id`` (from blocking).
    profiles : DataFrame
        From :func:`netlib.mirrors.candidates.account_profiles`.
    links : DataFrame
        From :func:`netlib.mirrors.candidates.account_links`.
    clusters : DataFrame, optional
        ``account_id, cluster_id``.
    texts : Series, optional
        Early posts per account (index: account_id); read from ``data`` when omitted.
    social : (DataFrame, DataFrame), optional
        Audience and followees (``account_id, member``); computed when omitted.

    Returns
    -------
    DataFrame
        ``pairs`` plus the columns in :data:`netlib.mirrors._columns.SIGNALS`.
    """
    out = pairs.reset_index(drop=True).copy()
    prof = profiles.set_index(ACCOUNT_ID)
    p = prof.loc[out[C.PREDECESSOR_ID]].reset_index()
    s = prof.loc[out[C.SUCCESSOR_ID]].reset_index()
    p.attrs["n_accounts"] = len(profiles)
    for name, values in _sig.name_signals(p, s).items():
        out[name] = values
    acc = data.accounts.set_index(data.accounts[ACCOUNT_ID].astype(str))
    out[C.AVATAR_DISTANCE], out[C.AVATAR_SIM] = _sig.avatar_similarity(
        acc[PROFILE_IMAGE_HASH].reindex(out[C.PREDECESSOR_ID]),
        acc[PROFILE_IMAGE_HASH].reindex(out[C.SUCCESSOR_ID]))
    out[C.BIO_SIM] = _sig.text_similarity(acc[BIO].reindex(out[C.PREDECESSOR_ID]),
                                          acc[BIO].reindex(out[C.SUCCESSOR_ID]))
    out[C.SHARED_LINKS] = _sig.shared_links(out, links)
    ids = set(out[C.PREDECESSOR_ID]) | set(out[C.SUCCESSOR_ID])
    if social is None:
        social = (_sig.audience(data, ids), _sig.followees(data, ids))
    out[C.AUDIENCE_OVERLAP] = _sig.audience_overlap(out, social[0])
    out[C.FOLLOWEE_OVERLAP] = _sig.audience_overlap(out, social[1])
    if clusters is not None:
        cl = clusters.drop_duplicates(ACCOUNT_ID).set_index(ACCOUNT_ID)[C.CLUSTER_ID]
        a = out[C.PREDECESSOR_ID].map(cl)
        b = out[C.SUCCESSOR_ID].map(cl)
        out[C.SAME_CLUSTER] = (a.notna() & (a == b)).astype("int64")
    else:
        out[C.SAME_CLUSTER] = pd.Series(np.nan, index=out.index, dtype="Float64")
    out[C.RHYTHM_SIM] = _sig.rhythm_similarity(out, data, min_actions=min_rhythm_actions)
    out[C.GAP_HOURS] = ((s[C.FIRST_SEEN] - p[C.TAKEN_DOWN_AT]).dt.total_seconds()
                        / 3600.0).to_numpy()
    if texts is None:
        texts = _cand.early_texts(data, set(out[C.SUCCESSOR_ID]), n_posts=early_posts)
    handles = prof["handle_skeleton"]
    out[C.ANNOUNCES], out[C.MENTIONS_OLD] = _sig.announcement_signals(out, texts, handles)
    out[C.SAME_PLATFORM] = (p[PLATFORM].to_numpy() == s[PLATFORM].to_numpy()).astype("int64")
    out[C.SAME_HANDLE] = _sig.same_handle(p[HANDLE].tolist(), s[HANDLE].tolist())
    out[C.PREDECESSOR_PLATFORM] = p[PLATFORM].to_numpy()
    out[C.SUCCESSOR_PLATFORM] = s[PLATFORM].to_numpy()
    # .array keeps the times as a datetime array (to_numpy would make a Timestamp per pair)
    out[C.TAKEN_DOWN_AT] = p[C.TAKEN_DOWN_AT].array
    out[C.TAKEDOWN_SOURCE] = p[C.TAKEDOWN_SOURCE].to_numpy()
    out[C.FIRST_SEEN] = s[C.FIRST_SEEN].array
    return out


@dataclass(eq=False)
class MirrorCandidates:
    """The part of :func:`detect_mirrors` that needs no coordination result.

    Who was removed (known or inferred), each account's profile, links, early texts and
    audience, and the candidate (predecessor, successor) pairs that share a blocking key.
    Made by :func:`mirror_candidates`; :func:`detect_mirrors` scores them, with the
    ``same_cluster`` signal when it is given the coordination clusters.

    Attributes
    ----------
    data : Dataset
        The data they were made from (``detect_mirrors`` checks it is given the same).
    config : MirrorConfig
    weights : dict
        The model weights ``config.weights`` names, loaded.
    threshold : float
        The link threshold in use (``config.threshold``, or the weights' own).
    profiles : DataFrame
        :func:`netlib.mirrors.candidates.account_profiles`.
    links : DataFrame
        :func:`netlib.mirrors.candidates.account_links`.
    texts : Series
        Each account's early posts (:func:`netlib.mirrors.candidates.early_texts`).
    social : tuple of DataFrame
        ``(audience, followees)``.
    pairs : DataFrame
        The candidate pairs (:func:`netlib.mirrors.candidates.candidate_pairs`).
    """

    data: Dataset
    config: MirrorConfig
    weights: dict[str, Any]
    threshold: float
    profiles: pd.DataFrame
    links: pd.DataFrame
    texts: pd.Series
    social: tuple[pd.DataFrame, pd.DataFrame]
    pairs: pd.DataFrame


def mirror_candidates(data: Dataset, config: MirrorConfig | None = None,
                      **overrides: Any) -> MirrorCandidates:
    """Find removed accounts and their candidate successors, before any scoring.

    Everything :func:`detect_mirrors` does that does not read the coordination clusters;
    it reads only ``data``, so it can run while the coordination step runs (as
    :func:`netlib.analyze` does when the machine has a core and memory to spare).

    Parameters
    ----------
    data : Dataset
    config : MirrorConfig, optional
    **overrides
        Options changed from ``config`` by name.

    Returns
    -------
    MirrorCandidates
        Pass it to :func:`detect_mirrors` (``candidates=``) with the same data and options.

    Raises
    ------
    ParameterError
        If ``data`` is not a Dataset or an option is unknown or invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> from netlib.dataset import Dataset
    >>> acc = pd.DataFrame({"account_id": ["a", "b"], "platform": ["x", "x"],
    ...     "handle": ["Real_Truth_Daily", "RealTruthDaily2"],
    ...     "created_at": ["2025-01-01", "2025-02-02"],
    ...     "status": ["suspended", "active"], "suspended_at": ["2025-02-01", None]})
    >>> act = pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": ["2025-01-05", "2025-02-03"], "kind": ["post", "post"]})
    >>> data = Dataset.from_frames(acc, act, now=pd.Timestamp("2025-03-01", tz="UTC"))
    >>> found = mirror_candidates(data)
    >>> found.pairs[["predecessor_id", "successor_id"]].values.tolist()
    [['a', 'b']]
    >>> detect_mirrors(data, candidates=found).links["successor_id"].tolist()
    ['b']
    """
    if not isinstance(data, Dataset):
        raise ParameterError(f"mirror_candidates needs a netlib Dataset (from netlib.load or "
                             f"Dataset.from_frames), got {type(data).__name__}")
    config = MirrorConfig.build(config, **overrides)
    w = config.weights if isinstance(config.weights, dict) else load_weights(config.weights)
    thr = float(w.get("threshold", 0.5) if config.threshold is None else config.threshold)
    before, after = config.window
    progress = StepProgress(__name__, "mirror candidates")
    progress.begin("account lifecycles and names")
    prof = _cand.account_profiles(
        data, silent_after=config.silent_timedelta, infer=config.infer_takedowns,
        silence_factor=config.silence_factor,
        silence_floor=pd.Timedelta(seconds=config.silence_floor),
        silence_min_actions=config.silence_min_actions)
    progress.done(f"{counted(len(prof), 'account')}, "
                  f"{int(prof[C.TAKEN_DOWN_AT].notna().sum()):,} gone")
    progress.begin("blocking keys and candidate pairs")
    links = _cand.account_links(data, max_accounts=config.max_link_accounts)
    texts = _cand.early_texts(data, prof[ACCOUNT_ID], n_posts=config.early_posts)
    social = (_sig.audience(data), _sig.followees(data))
    pairs = _cand.candidate_pairs(
        prof, avatars=data.accounts[PROFILE_IMAGE_HASH], links=links, social=social,
        mentions=_cand.mention_stems(texts), before=before, after=after,
        max_block=config.max_block, max_key_share=config.max_key_share,
        max_candidates=config.max_candidates)
    progress.done(counted(len(pairs), "candidate pair"))
    return MirrorCandidates(data=data, config=config, weights=w, threshold=thr,
                            profiles=prof, links=links, texts=texts, social=social,
                            pairs=pairs)


def detect_mirrors(data: Dataset, config: MirrorConfig | None = None, *,
                   coordination: Any = None, candidates: MirrorCandidates | None = None,
                   **overrides: Any) -> MirrorResult:
    """Link removed accounts to their successors and assemble lineages.

    Parameters
    ----------
    data : Dataset
    config : MirrorConfig, optional
        Every option (see :class:`MirrorConfig` for each one and its default).
    coordination : CoordinationResult or DataFrame, optional
        Anything with a ``.clusters`` frame (``account_id, cluster_id``), or that frame;
        adds the ``same_cluster`` signal and the per-cluster re-creation table.
    candidates : MirrorCandidates, optional
        :func:`mirror_candidates` of the same ``data`` with the same options, made
        earlier (for example while the coordination step ran, as :func:`netlib.analyze`
        does); by default they are made here. The result is the same either way.
    **overrides
        Options changed from ``config`` by name, e.g. ``before="3D"``.

    Returns
    -------
    MirrorResult

    Raises
    ------
    ParameterError
        If ``data`` is not a Dataset, an option is unknown or invalid, ``coordination``
        has no clusters, or ``candidates`` were made on other data or with other options.

    References
    ----------
    Niverthi, Verma & Kumar (2022). Characterizing, Detecting, and Predicting Online Ban
    Evasion. WWW '22. doi:10.1145/3485447.3512133

    Examples
    --------
    >>> import pandas as pd
    >>> from netlib.dataset import Dataset
    >>> acc = pd.DataFrame({"account_id": ["a", "b"], "platform": ["x", "x"],
    ...     "handle": ["Real_Truth_Daily", "RealTruthDaily2"],
    ...     "created_at": ["2025-01-01", "2025-02-02"],
    ...     "status": ["suspended", "active"], "suspended_at": ["2025-02-01", None]})
    >>> act = pd.DataFrame({"action_id": ["1", "2"], "account_id": ["a", "b"],
    ...     "timestamp": ["2025-01-05", "2025-02-03"], "kind": ["post", "post"],
    ...     "text": ["hello", "we're back! new account of @Real_Truth_Daily"]})
    >>> data = Dataset.from_frames(acc, act, now=pd.Timestamp("2025-03-01", tz="UTC"))
    >>> res = detect_mirrors(data)
    >>> res.links[["predecessor_id", "successor_id"]].values.tolist()
    [['a', 'b']]
    """
    if not isinstance(data, Dataset):
        raise ParameterError(f"detect_mirrors needs a netlib Dataset (from netlib.load or "
                             f"Dataset.from_frames), got {type(data).__name__}")
    config = MirrorConfig.build(config, **overrides)
    if candidates is None:
        candidates = mirror_candidates(data, config)
    elif candidates.data is not data or candidates.config != config:
        raise ParameterError("detect_mirrors: candidates were made by mirror_candidates on "
                             "other data or with other options than these")
    w, thr = candidates.weights, candidates.threshold
    clusters = _clusters_of(coordination)
    prof, links, texts = candidates.profiles, candidates.links, candidates.texts
    social, pairs = candidates.social, candidates.pairs
    progress = StepProgress(__name__, "mirrors")
    progress.begin("candidate pairs scored")
    scored = score_pairs(data, pairs, prof, config=config, weights=w, links=links,
                         clusters=clusters, texts=texts, social=social)
    scored[C.ACCEPTED] = select_links(scored, thr) if len(scored) else pd.Series(dtype=bool)
    scored = scored[LINK_COLUMNS + [C.ACCEPTED]].sort_values(
        [C.PREDECESSOR_ID, C.SUCCESSOR_PLATFORM, C.RANK], kind="stable").reset_index(drop=True)
    accepted = scored[scored[C.ACCEPTED]].drop(columns=C.ACCEPTED).reset_index(drop=True)
    progress.done(f"{counted(len(scored), 'pair')} scored, {counted(len(accepted), 'link')}")
    progress.begin("lineages and survival")

    chains = _chains.assemble_chains(accepted, prof)
    ends = [x for x in (prof[C.LAST_SEEN].max(), prof[C.FIRST_SEEN].max(),
                        prof[C.TAKEN_DOWN_AT].max()) if pd.notna(x)]
    survival = _chains.survival_table(prof, accepted, max(ends) if ends else None)
    by_source = {str(k): int(v) for k, v in
                 prof[C.TAKEDOWN_SOURCE].dropna().value_counts().sort_index().items()}
    params = {**dataclasses.asdict(config), "threshold_used": thr,
              "weights_source": w.get("source", "dict"),
              "coordination_given": clusters is not None,
              "n_predecessors": int(prof[C.TAKEN_DOWN_AT].notna().sum()),
              "n_candidate_pairs": int(len(pairs)),
              "n_predecessors_by_source": by_source,
              "notes": takedown_notes(by_source, len(prof), config)}
    progress.done(counted(chains[C.CHAIN_ID].nunique() if len(chains) else 0, "lineage"))
    return MirrorResult(
        links=accepted, candidates=scored, chains=chains,
        chain_stats=_chains.chain_stats(chains, clusters), survival=survival,
        cluster_recreation=(None if clusters is None
                            else _chains.cluster_recreation(survival, chains, clusters)),
        params=params, fingerprint=data.fingerprint(),
        weights={k: v for k, v in w.items() if k != "source"})


def takedown_notes(by_source: dict[str, int], n_accounts: int,
                   config: MirrorConfig) -> list[str]:
    """Plain-language notes on how removals were learned (for a report or load report).

    Examples
    --------
    >>> takedown_notes({"inferred": 3, "suspended_at": 2}, 10, MirrorConfig())[0][:40]
    '3 of 10 accounts had no removal data and'
    """
    notes = []
    inferred = by_source.get("inferred", 0)
    reused = by_source.get("inferred_handle_reused", 0)
    if inferred:
        notes.append(
            f"{inferred:,} of {n_accounts:,} accounts had no removal data and were inferred "
            f"gone: silent for longer than max({config.silence_factor:g} x their "
            f"90th-percentile gap between actions, {config.silence_floor / 86400:g} days) "
            f"before their platform's last action (at least {config.silence_min_actions} "
            "actions). An inferred removal may only be an account that stopped posting; "
            "links from it are marked takedown_source='inferred'.")
    if reused:
        notes.append(
            f"{reused:,} accounts were inferred gone because a later account took their "
            "exact handle (a handle is held by one account at a time); marked "
            "takedown_source='inferred_handle_reused'.")
    if not by_source:
        notes.append("No account is known or inferred to be removed: no mirror links can "
                     "be found" + ("" if config.infer_takedowns else
                                   " (takedown inference is off)") + ".")
    return notes


def evidence_available(data: Dataset, pairs: pd.DataFrame, profiles: pd.DataFrame,
                       social: tuple) -> pd.DataFrame:
    """Per candidate pair, which evidence groups the data hold for *both* accounts.

    Parameters
    ----------
    data : Dataset
    pairs : DataFrame
        ``predecessor_id, successor_id``.
    profiles : DataFrame
        From :func:`netlib.mirrors.candidates.account_profiles` (``n_actions``).
    social : tuple of DataFrame
        ``(audience, followees)`` as for :func:`pair_signals`.

    Returns
    -------
    DataFrame
        One boolean column per name in :data:`netlib.mirrors.model.GROUPS`, row-aligned
        with ``pairs``: ``social`` (both have a follower, followee or interaction),
        ``display``, ``avatar``, ``bio`` (both have one), ``activity`` (both have at least
        one action). A pair lacking a group is scored by the model fitted without it.
    """
    acc = data.accounts
    ids = acc[ACCOUNT_ID].astype(str).to_numpy()

    def filled(column: str) -> pd.Series:
        text = acc[column].astype("string").str.strip()
        return pd.Series((text.notna() & (text != "")).to_numpy(bool), index=ids)

    flags = {"display": filled(DISPLAY_NAME), "avatar": filled(PROFILE_IMAGE_HASH),
             "bio": filled(BIO),
             "activity": pd.Series(profiles["n_actions"].to_numpy() > 0,
                                   index=profiles[ACCOUNT_ID].astype(str).to_numpy())}
    has_social = pd.unique(pd.concat([social[0][ACCOUNT_ID], social[1][ACCOUNT_ID]])
                           .astype(str).to_numpy())
    pred = pairs[C.PREDECESSOR_ID].astype(str)
    succ = pairs[C.SUCCESSOR_ID].astype(str)
    out = pd.DataFrame({"social": (pred.isin(has_social) & succ.isin(has_social)).to_numpy()})
    for group, flag in flags.items():
        flag = flag[~flag.index.duplicated()]
        out[group] = (pred.map(flag).fillna(False).to_numpy(bool)
                      & succ.map(flag).fillna(False).to_numpy(bool))
    return out[list(_model.GROUPS)]


def score_pairs(data: Dataset, pairs: pd.DataFrame, profiles: pd.DataFrame, *,
                config: MirrorConfig, weights: dict[str, Any], links: pd.DataFrame,
                clusters: pd.DataFrame | None = None, texts: pd.Series | None = None,
                social: tuple | None = None) -> pd.DataFrame:
    """Measure the signals of candidate pairs, score them, and rank each one's alternatives.

    Parameters
    ----------
    data, pairs, profiles, links, clusters, texts, social
        As for :func:`pair_signals`.
    config : MirrorConfig
        Uses ``early_posts``, ``min_rhythm_actions`` and ``min_candidate_score``.
    weights : dict
        From :func:`netlib.mirrors.model.load_weights`.

    Returns
    -------
    DataFrame
        The link columns but ``accepted``: the signals, ``score``, ``model`` (``full``, or
        ``no_`` and the evidence groups the pair lacks: see :func:`evidence_available`), ``blocks`` named, and ``rank`` among the candidates of one
        predecessor on one platform; pairs scoring below ``min_candidate_score`` dropped.
    """
    if len(pairs):
        scored = pair_signals(data, pairs, profiles, links=links, clusters=clusters,
                              texts=texts, social=social, early_posts=config.early_posts,
                              min_rhythm_actions=config.min_rhythm_actions)
        if social is None:
            social = (_sig.audience(data), _sig.followees(data))
        available = evidence_available(data, scored, profiles, social)
        scored[C.SCORE] = _model.score(_model.features(scored), weights, available=available)
        scored["model"] = _model.model_names(available)
        scored = scored[scored[C.SCORE] >= config.min_candidate_score].reset_index(drop=True)
    else:
        scored = pd.DataFrame(columns=[c for c in LINK_COLUMNS if c != C.RANK])
    scored[C.BLOCKS] = [
        "+".join(n for bit, n in _cand.BLOCK_NAMES.items() if int(b) & bit)
        for b in scored[C.BLOCKS]]
    scored[C.RANK] = (scored.groupby([C.PREDECESSOR_ID, C.SUCCESSOR_PLATFORM])[C.SCORE]
                      .rank(method="first", ascending=False).astype("int64")
                      if len(scored) else pd.Series(dtype="int64"))
    return scored
