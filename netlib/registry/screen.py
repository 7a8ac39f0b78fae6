"""Screen new accounts against the registry of removed accounts, at their creation.

For each new account only what exists when it is created is used: its handle, display
name, avatar, bio, profile and bio links, its creation time relative to each removal,
and its first posts when they exist (an announcement, a mention of the old handle).
Candidates are found by blocking keys joined inside DuckDB (names, edited names,
affixes, consonant keys, avatar bands, rare links and domains, a re-registered handle):
no pair of accounts is compared unless they share a key, and a key shared by more than
``max_block`` removals in an account's window is skipped. Each candidate is scored by the
``early`` variant of the mirror model (:data:`netlib.mirrors.model.EARLY_FEATURES`,
trained without the signals that need weeks of activity), whose score is a calibrated
probability on held-out synthetic worlds.

Time order: a new account is matched only with removals from ``after`` before its
creation up to ``before`` after it (a spare made in advance), the mirror model's window;
an account that took a removed account's exact handle is matched whatever the time since
the removal. An account is never matched with itself (the same ``account_id``).

A high score says a new account looks like a removed one re-created; it is not proof
that the same people run both.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import ParameterError
from netlib.mirrors import MirrorConfig
from netlib.mirrors import columns as MC
from netlib.mirrors.candidates import FLAG_WEIGHT, early_texts, handle_key, mention_stems
from netlib.mirrors.model import EARLY_FEATURES, features, load_weights, score
from netlib.mirrors.signals import (
    announcement_signals,
    avatar_similarity,
    name_signals,
)
from netlib.options import Options
from netlib.registry.fingerprints import account_fingerprints
from netlib.registry.sketch import from_bytes, minhash_similarity
from netlib.registry.store import KEY_NAMES, REUSED_FLAG, Registry, blocking_keys
from netlib.results import summary_html
from netlib.schema import ACCOUNT_ID, CREATED_AT, DISPLAY_NAME, HANDLE, PLATFORM, TIMESTAMP
from netlib.units import to_seconds

__all__ = ["ScreenConfig", "ScreenResult", "screen", "ALERT_SIGNALS", "ALERT_COLUMNS",
           "SCREENED_COLUMNS", "CALIBRATION_FILE", "load_calibration", "calibrate"]

#: The shipped Platt map of the screening score (``netlib/data``), written by
#: ``python -m netlib.registry.calibration``.
CALIBRATION_FILE = "screen_calibration.json"

REGISTRY_ACCOUNT_ID = "registry_account_id"
SHARED_DOMAINS = "shared_domains"
#: Evidence columns of ``alerts.csv``, one per signal measured at creation
#: (``shared_domains`` is evidence only; the model does not use it).
ALERT_SIGNALS = [MC.HANDLE_SIM, MC.HANDLE_EDIT_SIM, MC.DISPLAY_SIM, MC.NAME_SIM,
                 MC.NAME_COUNT, MC.NAME_RARITY, MC.AVATAR_DISTANCE, MC.AVATAR_SIM, MC.BIO_SIM,
                 MC.SHARED_LINKS, SHARED_DOMAINS, MC.GAP_HOURS, MC.ANNOUNCES, MC.MENTIONS_OLD,
                 MC.SAME_PLATFORM, MC.SAME_HANDLE]
#: Columns of ``alerts.csv``, in order.
ALERT_COLUMNS = [ACCOUNT_ID, REGISTRY_ACCOUNT_ID, MC.SCORE, MC.RANK, *ALERT_SIGNALS,
                 MC.BLOCKS, PLATFORM, "registry_platform", HANDLE, "registry_handle",
                 MC.FIRST_SEEN, MC.TAKEN_DOWN_AT, MC.TAKEDOWN_SOURCE, "registry_entry_id",
                 "registry_batch_id", "registry_cluster_id", "registry_chain_id"]
#: Columns of ``screened.csv``: every account of the new data, screened or not.
SCREENED_COLUMNS = [ACCOUNT_ID, PLATFORM, MC.FIRST_SEEN, "n_candidates", "best_score",
                    "best_registry_account_id", "screened"]

_DEFAULT = MirrorConfig()


@dataclass(frozen=True)
class ScreenConfig(Options):
    """Options of screening, validated once when the config is built.

    Attributes
    ----------
    before : float
        A removal up to this long *after* a new account's creation still counts (a spare
        made in advance); default the mirror model's 7 days.
    after : float
        A removal up to this long *before* the creation counts; default the mirror
        model's 30 days (an exact re-registered handle counts whatever the time).
    max_block : int
        A key shared by more removals than this in a new account's window is skipped.
    max_candidates : int
        At most this many removals are scored per new account (the strongest keys).
    first_posts : int
        How many first posts of a new account are read (announcements, mentions, links).
    max_link_accounts : int
        Links used by more new accounts than this are not identity evidence.
    weights : str, Path, dict or None
        Mirror-model weights holding an ``early`` variant (None: the shipped ones).
    min_score : float
        Candidates scoring below this are left out of the alerts (default 0: all).
    calibration : str, Path, dict, False or None
        The Platt map from the early model's raw score to the reported probability (a
        file or dict with ``a`` and ``b``; None: the shipped
        ``netlib/data/screen_calibration.json``; False: report the raw score).

    Raises
    ------
    ParameterError
        If a duration, count or score is invalid.

    Examples
    --------
    >>> ScreenConfig(before="2D").before
    172800.0
    """

    option_kind: ClassVar[str] = "screening"

    before: float = _DEFAULT.before
    after: float = _DEFAULT.after
    max_block: int = 200
    max_candidates: int = 20
    first_posts: int = 5
    max_link_accounts: int = 20
    weights: str | Path | dict | None = None
    min_score: float = 0.0
    calibration: str | Path | dict | bool | None = None

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("before", to_seconds(self.before, name="before", allow_zero=True))
        set_("after", to_seconds(self.after, name="after", allow_zero=True))
        for name in ("max_block", "max_candidates", "first_posts", "max_link_accounts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(f"{name}={value!r} must be a positive integer")
        try:
            low = float(self.min_score)
        except (TypeError, ValueError) as err:
            raise ParameterError(f"min_score={self.min_score!r} must lie in [0, 1]") from err
        if not 0.0 <= low <= 1.0:
            raise ParameterError(f"min_score={self.min_score!r} must lie in [0, 1]")
        set_("min_score", low)
        if self.weights is not None and not isinstance(self.weights, str | Path | dict):
            raise ParameterError(f"weights must be a path or a dict (got "
                                 f"{type(self.weights).__name__})")
        if isinstance(self.weights, Path):
            set_("weights", str(self.weights))
        if self.calibration is True or not isinstance(
                self.calibration, str | Path | dict | bool | None):
            raise ParameterError("calibration must be a path, a dict, False or None (got "
                                 f"{self.calibration!r})")
        if isinstance(self.calibration, Path):
            set_("calibration", str(self.calibration))


def load_calibration(source: str | Path | dict | bool | None = None) -> dict[str, Any] | None:
    """The Platt map ``{"a", "b", ...}`` (None when ``source`` is False).

    Raises
    ------
    ParameterError
        If the map lacks ``a`` or ``b``.
    """
    if source is False:
        return None
    if isinstance(source, dict):
        cal, where = dict(source), "dict"
    else:
        path = (Path(__file__).resolve().parents[1] / "data" / CALIBRATION_FILE
                if source is None else Path(source))
        cal = json.loads(path.read_text(encoding="utf-8"))
        where = (f"netlib/data/{CALIBRATION_FILE}" if source is None else str(source))
    if not {"a", "b"} <= set(cal):
        raise ParameterError(f"{where}: a calibration needs 'a' and 'b' (Platt scaling)")
    cal["source"] = where
    return cal


def calibrate(raw: np.ndarray, calibration: dict[str, Any] | None) -> np.ndarray:
    """``1 / (1 + exp(-(a * logit(raw) + b)))``; ``raw`` unchanged without a map.

    Examples
    --------
    >>> calibrate(np.array([0.5]), {"a": 1.0, "b": 0.0}).tolist()
    [0.5]
    """
    raw = np.asarray(raw, dtype=float)
    if calibration is None:
        return raw
    p = np.clip(raw, 1e-9, 1 - 1e-9)
    z = float(calibration["a"]) * np.log(p / (1 - p)) + float(calibration["b"])
    return 1.0 / (1.0 + np.exp(-z))


#: Columns of :meth:`ScreenResult.evidence`.
EVIDENCE_COLUMNS = ["signal", "kind", "value", "weight", "contribution"]


@dataclass
class ScreenResult:
    """Alerts: new accounts that look like removed ones re-created.

    Attributes
    ----------
    alerts : DataFrame
        :data:`ALERT_COLUMNS`: one row per (new account, registry account) candidate;
        ``score`` is the ``early`` model's calibrated probability, ``rank`` the
        candidate's rank among the new account's candidates (1 = best).
    screened : DataFrame
        :data:`SCREENED_COLUMNS`: every account of the new data; ``screened`` is False
        for an account with no creation or activity time (time order cannot be checked).
    params : dict
        The :class:`ScreenConfig`, plus what the run used and found.
    fingerprint : str
        Fingerprint of the new data.
    weights : dict
        The ``early`` model used.
    """

    alerts: pd.DataFrame
    screened: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    weights: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        n_acc = self.alerts[ACCOUNT_ID].nunique() if len(self.alerts) else 0
        return (f"ScreenResult({len(self.screened):,} accounts screened, {n_acc:,} with "
                f"candidates, {len(self.alerts):,} alerts)")

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"alerts": alerts, "screened": screened}``."""
        return {"alerts": self.alerts, "screened": self.screened}

    def evidence(self, account_id: str, registry_account_id: str) -> pd.DataFrame:
        """Every signal of one alert, with the ``early`` model's weight and contribution.

        Returns
        -------
        DataFrame
            ``signal, kind, value, weight, contribution`` (``kind`` is ``evidence`` for
            the alert's columns, ``feature`` for model inputs and the intercept); ``attrs``
            hold ``score`` and ``rank``.

        Raises
        ------
        KeyError
            If the pair is not an alert.
        """
        a = self.alerts
        row = a[(a[ACCOUNT_ID] == str(account_id))
                & (a[REGISTRY_ACCOUNT_ID] == str(registry_account_id))]
        if not len(row):
            raise KeyError(f"({account_id!r}, {registry_account_id!r}) is not an alert")
        first = row.iloc[0]
        feats = features(_model_frame(row)).iloc[0]
        coef = self.weights["coef"]
        rows = [{"signal": s, "kind": "evidence", "value": first[s], "weight": np.nan,
                 "contribution": np.nan} for s in ALERT_SIGNALS]
        rows += [{"signal": f, "kind": "feature", "value": float(feats[f]),
                  "weight": float(coef[f]), "contribution": round(float(coef[f] * feats[f]), 4)}
                 for f in EARLY_FEATURES]
        rows.append({"signal": "intercept", "kind": "feature", "value": 1.0,
                     "weight": float(self.weights["intercept"]),
                     "contribution": round(float(self.weights["intercept"]), 4)})
        out = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
        # the contributions add up to the raw score's logit; the reported score is that
        # raw score through the calibration map
        raw = 1.0 / (1.0 + np.exp(-out.loc[out["kind"] == "feature", "contribution"].sum()))
        out.attrs.update(score=float(first[MC.SCORE]), rank=int(first[MC.RANK]),
                         raw_score=float(raw), calibration=self.weights.get("calibration"))
        return out

    def _repr_html_(self) -> str:
        n_acc = self.alerts[ACCOUNT_ID].nunique() if len(self.alerts) else 0
        return summary_html("Screening against the registry", self, lines=[
            f"{len(self.screened):,} new accounts screened; {n_acc:,} have candidates "
            f"({len(self.alerts):,} alerts)",
            "A high score says a new account looks like a removed one re-created, not that "
            "the same people run both."])


def _model_frame(signals: pd.DataFrame) -> pd.DataFrame:
    """Alert evidence with the signals the early model does not read set to 0."""
    out = signals.copy()
    for col in (MC.AUDIENCE_OVERLAP, MC.FOLLOWEE_OVERLAP, MC.SAME_CLUSTER):
        out[col] = 0.0
    out[MC.RHYTHM_SIM] = np.nan
    for col in (MC.BIO_SIM, MC.AVATAR_SIM):
        out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0.0)
    return out


def _new_profiles(data: Dataset) -> pd.DataFrame:
    acc = data.accounts
    act = data.actions
    ids = acc[ACCOUNT_ID].astype(str)
    if len(act):
        grouped = act.groupby(ACCOUNT_ID, sort=False)[TIMESTAMP].agg(["min", "max", "size"])
    else:
        grouped = pd.DataFrame(columns=["min", "max", "size"])
    first_act = pd.to_datetime(ids.map(grouped["min"]), utc=True)
    created = pd.to_datetime(acc[CREATED_AT], utc=True)
    first = created.where(created.notna() & ~(created > first_act), first_act)
    return pd.DataFrame({
        ACCOUNT_ID: ids.to_numpy(), PLATFORM: acc[PLATFORM].astype(str).to_numpy(),
        HANDLE: acc[HANDLE].to_numpy(), DISPLAY_NAME: acc[DISPLAY_NAME].to_numpy(),
        MC.FIRST_SEEN: first.reset_index(drop=True),
        MC.LAST_SEEN: pd.to_datetime(ids.map(grouped["max"]), utc=True).reset_index(drop=True),
        "n_actions": ids.map(grouped["size"]).fillna(0).astype("int64").to_numpy(),
        MC.TAKEN_DOWN_AT: pd.Series(pd.NaT, index=range(len(acc)), dtype="datetime64[ns, UTC]"),
        MC.TAKEDOWN_SOURCE: None})


_PAIRS_SQL = """
WITH nk AS (
    SELECT k.i, hash(k.key) AS kh, t.t_s FROM _screen_keys k JOIN _screen_new t USING (i)),
common AS (
    SELECT kh FROM nk GROUP BY kh HAVING count(DISTINCT i) > $cap
    UNION
    SELECT key_hash FROM blocking_keys
    WHERE key_hash IN (SELECT DISTINCT kh FROM nk)
    GROUP BY key_hash HAVING count(*) > $cap),
hits AS (
    SELECT nk.i, bk.entry_id, bk.flag, nk.kh
    FROM nk JOIN blocking_keys bk ON bk.key_hash = nk.kh
    WHERE nk.kh NOT IN (SELECT kh FROM common)
      AND bk.down_s <= nk.t_s + $before
      AND (bk.down_s >= nk.t_s - $after OR bk.flag = $reused)),
sized AS (
    SELECT *, count(*) OVER (PARTITION BY i, kh) AS n_block FROM hits),
per_flag AS (
    SELECT i, entry_id, flag, count(*) AS n FROM sized WHERE n_block <= $max_block
    GROUP BY i, entry_id, flag),
pairs AS (
    SELECT p.i, p.entry_id, bit_or(p.flag) AS blocks, sum(w.weight) AS strength,
           sum(p.n) AS n_keys
    FROM per_flag p JOIN _screen_weights w ON w.flag = p.flag
    GROUP BY p.i, p.entry_id)
SELECT pairs.i, pairs.entry_id, pairs.blocks
FROM pairs JOIN accounts a ON a.entry_id = pairs.entry_id
           JOIN _screen_new t ON t.i = pairs.i
WHERE a.account_id <> t.account_id
QUALIFY row_number() OVER (PARTITION BY pairs.i
                           ORDER BY strength DESC, n_keys DESC, pairs.entry_id)
        <= $max_candidates
ORDER BY pairs.i, pairs.entry_id
"""

_ENTRY_COLUMNS = ["entry_id", "batch_id", ACCOUNT_ID, PLATFORM, HANDLE, DISPLAY_NAME,
                  "handle_skeleton", "handle_stem", "display_stem", "avatar_hash",
                  "bio_minhash", "links", "domains", MC.TAKEN_DOWN_AT, MC.TAKEDOWN_SOURCE,
                  "cluster_id", "chain_id"]


def screen(data: Dataset, registry: Registry, config: ScreenConfig | None = None,
           **overrides: Any) -> ScreenResult:
    """Score every account of ``data`` against the removed accounts in ``registry``.

    Parameters
    ----------
    data : Dataset
        The new accounts (and their first posts, when known).
    registry : Registry
        An open registry (:class:`netlib.registry.Registry`).
    config : ScreenConfig, optional
        Every option (see :class:`ScreenConfig`).
    **overrides
        Options changed from ``config`` by name, e.g. ``max_candidates=10``.

    Returns
    -------
    ScreenResult

    Raises
    ------
    ParameterError
        If ``data`` is not a Dataset, ``registry`` not a Registry, an option is invalid,
        or the weights hold no ``early`` model.

    References
    ----------
    Niverthi, Verma & Kumar (2022). Characterizing, Detecting, and Predicting Online Ban
    Evasion. WWW '22. doi:10.1145/3485447.3512133
    """
    if not isinstance(data, Dataset):
        raise ParameterError(f"screen needs a netlib Dataset (from netlib.load), got "
                             f"{type(data).__name__}")
    if not isinstance(registry, Registry):
        raise ParameterError(f"screen needs an open netlib.registry.Registry, got "
                             f"{type(registry).__name__}")
    config = ScreenConfig.build(config, **overrides)
    weights = (config.weights if isinstance(config.weights, dict)
               else load_weights(config.weights))
    if "early" not in weights:
        raise ParameterError(f"the mirror weights ({weights.get('source', 'dict')}) hold no "
                             "'early' model; refit them with python -m netlib.mirrors.training")
    early = weights["early"]
    calibration = load_calibration(config.calibration)

    prof = _new_profiles(data)
    timed = prof[MC.FIRST_SEEN].notna().to_numpy()
    fp = account_fingerprints(data, prof, first_posts=config.first_posts,
                              max_link_accounts=config.max_link_accounts, social=False)
    ids = fp[ACCOUNT_ID].to_numpy()
    texts = early_texts(data, set(ids), n_posts=config.first_posts)
    mentions = mention_stems(texts)
    position = pd.Series(np.arange(len(ids)), index=ids)
    keys = blocking_keys(fp, np.arange(len(ids)),
                         mentions=pd.Series(mentions.to_numpy(),
                                            index=position.reindex(mentions.index).to_numpy())
                         if len(mentions) else None)
    keys = keys[timed[keys["id"].to_numpy()]].rename(columns={"id": "i"})
    t_s = pd.to_datetime(prof[MC.FIRST_SEEN], utc=True).dt.as_unit("us").astype("int64") // 10**6
    new_table = pd.DataFrame({"i": np.flatnonzero(timed), "account_id": ids[timed],
                              "t_s": t_s[timed].to_numpy()})
    con = registry.con
    flag_weights = pd.DataFrame({"flag": list(KEY_NAMES),
                                 "weight": [FLAG_WEIGHT.get(f, 1) for f in KEY_NAMES]})
    con.register("_screen_keys", keys[["i", "key"]])
    con.register("_screen_new", new_table)
    con.register("_screen_weights", flag_weights)
    try:
        pairs = con.execute(_PAIRS_SQL, {
            "cap": 20 * config.max_block, "before": int(config.before),
            "after": int(config.after), "reused": REUSED_FLAG,
            "max_block": config.max_block, "max_candidates": config.max_candidates,
        }).df()
        con.register("_screen_pairs", pairs[["entry_id"]].drop_duplicates())
        entries = con.execute(
            f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM accounts "
            "WHERE entry_id IN (SELECT entry_id FROM _screen_pairs)").df()
        stems = con.execute(
            "SELECT handle_stem, count(DISTINCT account_id) AS n FROM accounts "
            "WHERE handle_stem IN (SELECT DISTINCT handle_stem FROM accounts WHERE "
            "entry_id IN (SELECT entry_id FROM _screen_pairs)) GROUP BY handle_stem").df()
        n_registry = int(con.execute(
            "SELECT count(DISTINCT account_id) FROM accounts").fetchall()[0][0])
        batches = [int(b) for b in con.execute(
            "SELECT batch_id FROM batches ORDER BY batch_id").fetchnumpy()["batch_id"]]
    finally:
        for name in ("_screen_keys", "_screen_new", "_screen_weights", "_screen_pairs"):
            try:
                con.unregister(name)
            except Exception:  # noqa: BLE001 - a view that was never registered
                pass
    alerts = _score(pairs, entries, fp, prof, texts, stems, n_registry, early, calibration,
                    config)
    screened = _screened(prof, timed, alerts)
    params = {**dataclasses.asdict(config),
              "weights_source": weights.get("source", "dict"), "model": "early",
              "model_features": list(EARLY_FEATURES),
              "model_holdout_auc": early.get("holdout_auc"),
              "calibration": (None if calibration is None else
                              {k: calibration[k] for k in ("a", "b", "source")}),
              "registry": registry.path.name, "registry_schema_version":
                  registry.schema_version, "registry_batches": batches,
              "registry_accounts": n_registry, "n_new_accounts": int(len(prof)),
              "n_without_time": int((~timed).sum()),
              "n_with_candidates": int(alerts[ACCOUNT_ID].nunique()) if len(alerts) else 0,
              "n_alerts": int(len(alerts))}
    if isinstance(config.weights, dict):
        params["weights"] = "dict"
    return ScreenResult(alerts=alerts, screened=screened, params=params,
                        fingerprint=data.fingerprint(),
                        weights={**{k: v for k, v in early.items()
                                    if k in ("coef", "intercept", "features")},
                                 "calibration": calibration})


def _long_lists(lists, owners: np.ndarray) -> pd.DataFrame:
    """``owner, item`` rows of list cells (None and empty lists give no row)."""
    cells = [[] if v is None or (isinstance(v, float) and np.isnan(v)) else list(v)
             for v in lists]
    lens = np.fromiter((len(v) for v in cells), dtype=np.int64, count=len(cells))
    return pd.DataFrame({"owner": np.repeat(owners, lens),
                         "item": [x for v in cells for x in v]})


def _shared_items(ei: np.ndarray, ni: np.ndarray, reg_long: pd.DataFrame,
                  new_long: pd.DataFrame) -> np.ndarray:
    """How many items (links, domains) each pair (entry ei, new account ni) shares."""
    out = np.zeros(len(ei), dtype=np.int64)
    if not len(reg_long) or not len(new_long):
        return out
    pairs = pd.DataFrame({"pair": np.arange(len(ei)), "e": ei, "n": ni})
    pairs = pairs[pairs["n"].isin(set(new_long["owner"]))
                  & pairs["e"].isin(set(reg_long["owner"]))]
    if not len(pairs):
        return out
    hit = (pairs.merge(reg_long.rename(columns={"owner": "e"}), on="e")
           .merge(new_long.rename(columns={"owner": "n"}), on=["n", "item"]))
    counts = hit.groupby("pair").size()
    out[counts.index.to_numpy()] = counts.to_numpy()
    return out


def _hex_bits(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of at most 16 hex digits as uint64, and their length (0: missing/unusable)."""
    bits = np.zeros(len(values), dtype=np.uint64)
    length = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if isinstance(v, str) and 0 < len(v) <= 16:
            try:
                bits[i] = np.uint64(int(v, 16))
            except ValueError:
                continue
            length[i] = len(v)
    return bits, length


def _avatar(reg_hash: np.ndarray, new_hash: np.ndarray, ei: np.ndarray,
            ni: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`netlib.mirrors.signals.avatar_similarity` per pair, vectorised for hashes of
    up to 64 bits (longer ones go through that function)."""
    rb, rl = _hex_bits(reg_hash)
    nb, nl = _hex_bits(new_hash)
    dist = np.full(len(ei), np.nan)
    sim = np.full(len(ei), np.nan)
    fast = (rl[ei] > 0) & (rl[ei] == nl[ni])
    d = np.bitwise_count(rb[ei[fast]] ^ nb[ni[fast]]).astype(float)
    dist[fast] = d
    sim[fast] = np.clip(1.0 - d / rl[ei[fast]], 0.0, 1.0)
    long_r = np.array([isinstance(v, str) and len(v) > 16 for v in reg_hash], dtype=bool)
    slow = long_r[ei]
    if slow.any():
        dist[slow], sim[slow] = avatar_similarity(
            pd.Series(reg_hash[ei[slow]], dtype=object), pd.Series(new_hash[ni[slow]],
                                                                   dtype=object))
    return dist, sim


def _score(pairs: pd.DataFrame, entries: pd.DataFrame, fp: pd.DataFrame,
           prof: pd.DataFrame, texts: pd.Series, stems: pd.DataFrame, n_registry: int,
           early: dict, calibration: dict | None, config: ScreenConfig) -> pd.DataFrame:
    if not len(pairs):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALERT_COLUMNS})
    entries = entries.reset_index(drop=True)
    ei = pd.Series(np.arange(len(entries)), index=entries["entry_id"].to_numpy()) \
        .reindex(pairs["entry_id"].to_numpy()).to_numpy()
    ni = pairs["i"].to_numpy()
    col = lambda frame, name: frame[name].to_numpy(dtype=object)  # noqa: E731
    # a name's count: removed accounts in the registry and new accounts sharing its stem
    new_count = fp["handle_stem"].value_counts()
    count = (entries["handle_stem"].map(stems.set_index("handle_stem")["n"]).fillna(0)
             + entries["handle_stem"].map(new_count).fillna(0)).clip(lower=1)
    # object columns: the names go straight back to lists for rapidfuzz (no string arrays)
    p = pd.DataFrame({"handle_stem": col(entries, "handle_stem")[ei],
                      "display_stem": col(entries, "display_stem")[ei],
                      "handle_skeleton": col(entries, "handle_skeleton")[ei],
                      MC.NAME_COUNT: count.to_numpy(dtype="int64")[ei]}, dtype=object)
    p.attrs["n_accounts"] = n_registry + len(fp)
    s = pd.DataFrame({"handle_stem": col(fp, "handle_stem")[ni],
                      "display_stem": col(fp, "display_stem")[ni],
                      "handle_skeleton": col(fp, "handle_skeleton")[ni]}, dtype=object)
    out = pd.DataFrame({ACCOUNT_ID: col(fp, ACCOUNT_ID)[ni],
                        REGISTRY_ACCOUNT_ID: entries[ACCOUNT_ID].astype(str)
                        .to_numpy(dtype=object)[ei]})
    for name, values in name_signals(p, s).items():
        out[name] = values
    del p, s
    out[MC.AVATAR_DISTANCE], out[MC.AVATAR_SIM] = _avatar(
        col(entries, "avatar_hash"), col(fp, "avatar_hash"), ei, ni)
    reg_sig = from_bytes(entries["bio_minhash"].tolist())
    new_sig = from_bytes(fp["bio_minhash"].tolist())
    bio = np.zeros(len(ei))
    for start in range(0, len(ei), 200_000):
        part = slice(start, start + 200_000)
        bio[part] = minhash_similarity(reg_sig[ei[part]], new_sig[ni[part]])
    out[MC.BIO_SIM] = np.nan_to_num(bio, nan=0.0)
    del reg_sig, new_sig
    positions = np.arange(len(entries))
    new_positions = np.arange(len(fp))
    for column, name in (("links", MC.SHARED_LINKS), ("domains", SHARED_DOMAINS)):
        out[name] = _shared_items(ei, ni, _long_lists(entries[column], positions),
                                  _long_lists(fp[column], new_positions))
    down_all = pd.to_datetime(entries[MC.TAKEN_DOWN_AT]).dt.tz_localize("UTC")
    first_all = pd.to_datetime(prof[MC.FIRST_SEEN], utc=True)
    down = down_all.iloc[ei].reset_index(drop=True)
    first = first_all.iloc[ni].reset_index(drop=True)
    out[MC.GAP_HOURS] = ((first - down).dt.total_seconds() / 3600.0).to_numpy()
    announced = np.zeros(len(ei), dtype=np.int64)
    mentions = np.zeros(len(ei), dtype=np.int64)
    talking = np.flatnonzero(pd.Series(out[ACCOUNT_ID]).isin(set(texts.index)).to_numpy())
    if len(talking):
        keyed = pd.DataFrame({MC.PREDECESSOR_ID: entries["entry_id"].astype(str)
                              .to_numpy(dtype=object)[ei[talking]],
                              MC.SUCCESSOR_ID: out[ACCOUNT_ID].to_numpy()[talking]})
        handles = pd.Series(col(entries, "handle_skeleton"),
                            index=entries["entry_id"].astype(str).to_numpy())
        announced[talking], mentions[talking] = announcement_signals(keyed, texts, handles)
    out[MC.ANNOUNCES], out[MC.MENTIONS_OLD] = announced, mentions
    reg_platform = entries[PLATFORM].astype(str).to_numpy(dtype=object)
    new_platform = fp[PLATFORM].astype(str).to_numpy(dtype=object)
    out[MC.SAME_PLATFORM] = (reg_platform[ei] == new_platform[ni]).astype("int64")
    reg_key = np.array([handle_key(h) for h in entries[HANDLE]], dtype=object)
    new_key = np.array([handle_key(h) for h in fp[HANDLE]], dtype=object)
    long_enough = np.array([len(k) >= 3 for k in reg_key], dtype=bool)
    out[MC.SAME_HANDLE] = (long_enough[ei] & (reg_key[ei] == new_key[ni])).astype("int64")
    out[MC.SCORE] = calibrate(score(features(_model_frame(out)), early), calibration)
    names = {int(b): "+".join(n for bit, n in KEY_NAMES.items() if int(b) & bit)
             for b in pd.unique(pairs["blocks"])}
    out[MC.BLOCKS] = pairs["blocks"].astype("int64").map(names).to_numpy()
    out[PLATFORM] = new_platform[ni]
    out["registry_platform"] = reg_platform[ei]
    out[HANDLE] = col(fp, HANDLE)[ni]
    out["registry_handle"] = col(entries, HANDLE)[ei]
    out[MC.FIRST_SEEN] = first
    out[MC.TAKEN_DOWN_AT] = down
    out[MC.TAKEDOWN_SOURCE] = col(entries, MC.TAKEDOWN_SOURCE)[ei]
    out["registry_entry_id"] = entries["entry_id"].to_numpy(dtype="int64")[ei]
    out["registry_batch_id"] = entries["batch_id"].to_numpy(dtype="int64")[ei]
    out["registry_cluster_id"] = col(entries, "cluster_id")[ei]
    out["registry_chain_id"] = col(entries, "chain_id")[ei]
    # one row per (new account, registry account): its best-scoring entry
    out = out.sort_values([ACCOUNT_ID, MC.SCORE, REGISTRY_ACCOUNT_ID, "registry_entry_id"],
                          ascending=[True, False, True, True], kind="stable")
    out = out.drop_duplicates([ACCOUNT_ID, REGISTRY_ACCOUNT_ID, "registry_platform"])
    out = out[out[MC.SCORE] >= config.min_score]
    out[MC.RANK] = out.groupby(ACCOUNT_ID, sort=False).cumcount().astype("int64") + 1
    return out[ALERT_COLUMNS].reset_index(drop=True)


def _screened(prof: pd.DataFrame, timed: np.ndarray, alerts: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({ACCOUNT_ID: prof[ACCOUNT_ID].to_numpy(),
                        PLATFORM: prof[PLATFORM].to_numpy(),
                        MC.FIRST_SEEN: pd.to_datetime(prof[MC.FIRST_SEEN], utc=True)})
    if len(alerts):
        best = alerts[alerts[MC.RANK] == 1].set_index(ACCOUNT_ID)
        n = alerts.groupby(ACCOUNT_ID).size()
        out["n_candidates"] = out[ACCOUNT_ID].map(n).fillna(0).astype("int64")
        out["best_score"] = out[ACCOUNT_ID].map(best[MC.SCORE])
        out["best_registry_account_id"] = out[ACCOUNT_ID].map(best[REGISTRY_ACCOUNT_ID])
    else:
        out["n_candidates"] = 0
        out["best_score"] = np.nan
        out["best_registry_account_id"] = None
    out["screened"] = timed
    return out[SCREENED_COLUMNS]
