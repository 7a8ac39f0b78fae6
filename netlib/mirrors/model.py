"""The mirror score: a logistic model over transparent pair features.

The weights are learned on synthetic scenarios with planted mirrors
(:func:`fit_weights`) and shipped as data in ``netlib/data/mirror_weights.json``
together with the seeds and difficulties they were learned on, so a reader can see
exactly how much each signal counts. :func:`reliability_table` checks calibration.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.errors import ParameterError
from netlib.mirrors import _columns as C

__all__ = ["FEATURES", "SOCIAL", "LATE", "EARLY_FEATURES", "SIGNED", "GROUPS", "features",
           "load_weights", "score", "fit_weights", "reliability_table", "model_names",
           "model_of", "available_of", "WEIGHTS_FILE"]

WEIGHTS_FILE = "mirror_weights.json"

#: Model inputs, each in [0, 1], derived from the evidence columns.
FEATURES = (
    "name_sim", "handle_edit", "name_sim_x_rarity", "exact_stem", "display_sim", "avatar_sim", "bio_sim",
    "links", "audience", "followees", "same_cluster", "rhythm_sim", "recent", "recent_week", "spare", "announces",
    "mentions_old", "same_platform", "same_handle",
)


#: Features that need follows or interactions; the ``no_social`` model goes without them.
SOCIAL = ("audience", "followees")
#: Evidence a dataset may simply not hold for a pair (no follow data, no avatars, no bios,
#: no display names, no posts). A pair missing some of it is scored by the model fitted
#: without those features (a *reduced-feature* model), so that "not in the data" is not
#: read as "no resemblance". Names and timing are always known.
GROUPS: dict[str, tuple[str, ...]] = {
    "social": SOCIAL,
    "display": ("display_sim",),
    "avatar": ("avatar_sim",),
    "bio": ("bio_sim",),
    "activity": ("links", "same_cluster", "rhythm_sim", "announces", "mentions_old"),
}
#: Features that need weeks of activity (an audience, a rhythm, co-actions): the ``early``
#: model, which scores an account at its creation, goes without them.
LATE = ("audience", "followees", "same_cluster", "rhythm_sim")
#: Inputs of the ``early`` model: what exists when an account is created (names, avatar,
#: bio, profile links, the time since the removal) and its first posts.
EARLY_FEATURES = tuple(f for f in FEATURES if f not in LATE)
#: Features allowed a negative weight (corrections, not evidence): ``spare`` (first seen
#: before the takedown) is a time-gap feature, not a resemblance.
SIGNED = ("spare",)


def features(signals: pd.DataFrame) -> pd.DataFrame:
    """Turn evidence columns into model features in [0, 1] (missing evidence -> 0).

    Parameters
    ----------
    signals : DataFrame
        Pair evidence with the columns in :data:`netlib.mirrors._columns.SIGNALS`.

    Returns
    -------
    DataFrame
        One column per name in :data:`FEATURES`.
    """
    s = signals
    gap = s[C.GAP_HOURS].to_numpy(dtype=float)
    out = pd.DataFrame(index=s.index)
    out["name_sim"] = s[C.NAME_SIM].astype(float)
    out["handle_edit"] = s[C.HANDLE_EDIT_SIM].astype(float)
    out["name_sim_x_rarity"] = s[C.NAME_SIM].astype(float) * s[C.NAME_RARITY].astype(float)
    out["exact_stem"] = (s[C.HANDLE_SIM].astype(float) >= 0.999).astype(float) \
        * s[C.NAME_RARITY].astype(float)
    out["display_sim"] = s[C.DISPLAY_SIM].astype(float)
    out["avatar_sim"] = s[C.AVATAR_SIM].fillna(0.0).astype(float)
    out["bio_sim"] = s[C.BIO_SIM].astype(float)
    out["links"] = np.minimum(s[C.SHARED_LINKS].to_numpy(dtype=float), 2.0) / 2.0
    out["audience"] = np.sqrt(s[C.AUDIENCE_OVERLAP].to_numpy(dtype=float))
    out["followees"] = np.sqrt(s[C.FOLLOWEE_OVERLAP].to_numpy(dtype=float))
    out["same_cluster"] = s[C.SAME_CLUSTER].fillna(0).astype(float)
    rhythm = s[C.RHYTHM_SIM].to_numpy(dtype=float)
    out["rhythm_sim"] = np.where(np.isnan(rhythm), 0.0, rhythm)
    out["recent"] = np.exp(-np.maximum(gap, 0.0) / 72.0)
    out["recent_week"] = np.exp(-np.maximum(gap, 0.0) / (7 * 24.0))
    out["spare"] = (gap < 0).astype(float)
    out["announces"] = s[C.ANNOUNCES].astype(float)
    out["mentions_old"] = s[C.MENTIONS_OLD].astype(float)
    out["same_platform"] = s[C.SAME_PLATFORM].astype(float)
    out["same_handle"] = (s[C.SAME_HANDLE].astype(float) if C.SAME_HANDLE in s
                          else pd.Series(0.0, index=s.index))
    return out[list(FEATURES)]


def load_weights(path: str | Path | None = None) -> dict[str, Any]:
    """Read the shipped weights (or a file written by :func:`fit_weights`).

    Raises
    ------
    ParameterError
        If the file lacks a weight for a feature.
    """
    if path is None:
        text = (Path(__file__).resolve().parents[1] / "data" / WEIGHTS_FILE).read_text("utf-8")
        source = f"netlib/data/{WEIGHTS_FILE}"
    else:
        text = Path(path).read_text("utf-8")
        source = str(path)
    weights = json.loads(text)
    missing = [f for f in FEATURES if f not in weights.get("coef", {})]
    if missing:
        raise ParameterError(f"{source}: no weight for feature(s) {', '.join(missing)} "
                             f"(expected one per name in netlib.mirrors.model.FEATURES)")
    weights["source"] = source
    return weights


def model_names(available: pd.DataFrame) -> np.ndarray:
    """Per pair, the name of the model that scores it: ``full``, or ``no_<groups>``.

    Parameters
    ----------
    available : DataFrame
        One boolean column per name in :data:`GROUPS` (a missing column counts as known):
        whether the data hold that evidence for *both* accounts of the pair.

    Returns
    -------
    numpy.ndarray of str
        ``full`` when every group is known, else ``no_`` and the unknown groups joined by
        ``+`` in :data:`GROUPS` order (``no_social``, ``no_display+avatar+bio+activity``).

    Examples
    --------
    >>> model_names(pd.DataFrame({"social": [True, False], "bio": [True, False]})).tolist()
    ['full', 'no_social+bio']
    """
    n = len(available)
    names = np.full(n, "", dtype=object)
    for group in GROUPS:
        if group not in available:
            continue
        gone = ~available[group].to_numpy(dtype=bool)
        names[gone] = names[gone] + np.where(names[gone] == "", "", "+") + group
    return np.where(names == "", "full", "no_" + names.astype(str)).astype(object)


def available_of(names) -> pd.DataFrame:
    """The inverse of :func:`model_names`: which groups each model name says are known.

    >>> available_of(["full", "no_social+bio"]).loc[1].to_dict()
    {'social': False, 'display': True, 'avatar': True, 'bio': False, 'activity': True}
    """
    gone = [set() if n == "full" else set(str(n).removeprefix("no_").split("+"))
            for n in names]
    return pd.DataFrame({g: [g not in x for x in gone] for g in GROUPS})


def model_of(weights: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``coef``/``intercept`` of one named model in a weights dict.

    Weights files written before the reduced models existed hold only ``no_social``; a
    name they lack falls back to ``no_social`` when social evidence is among the missing
    groups, else to the full model.
    """
    if name == "full":
        return weights
    reduced = weights.get("reduced", {})
    if name in reduced:
        return reduced[name]
    if "social" in name and "no_social" in weights:
        return weights["no_social"]
    return weights


def score(feats: pd.DataFrame, weights: dict[str, Any],
          social_known=None, available: pd.DataFrame | None = None) -> np.ndarray:
    """Logistic score in [0, 1]: ``1 / (1 + exp(-(intercept + sum coef * feature)))``.

    Parameters
    ----------
    feats : DataFrame
        From :func:`features`.
    weights : dict
        From :func:`load_weights` or :func:`fit_weights`.
    social_known : array of bool, optional
        Per pair, whether both accounts have any follower, followee or interaction in
        the data (shorthand for ``available={"social": social_known}``).
    available : DataFrame, optional
        Per pair, which evidence :data:`GROUPS` the data hold (see :func:`model_names`).
        Each pair is scored by the model fitted without the groups it lacks.

    References
    ----------
    Saar-Tsechansky, M. & Provost, F. (2007). Handling missing values when applying
    classification models. Journal of Machine Learning Research 8, 1625-1657 (reduced-
    feature models beat imputing a missing feature at prediction time).
    """
    x = feats[list(FEATURES)].to_numpy(dtype=float)
    if available is None:
        available = pd.DataFrame(index=range(len(x)))
        if social_known is not None:
            available["social"] = np.asarray(social_known, dtype=bool)
    names = model_names(available)
    out = np.empty(len(x))
    for name in pd.unique(names):
        model = model_of(weights, str(name))
        coef = np.array([model["coef"].get(f, 0.0) for f in FEATURES], dtype=float)
        rows = names == name
        out[rows] = 1.0 / (1.0 + np.exp(-(float(model["intercept"]) + x[rows] @ coef)))
    return out


def fit_weights(feats: pd.DataFrame, labels, *, C_reg: float = 1.0,
                meta: dict[str, Any] | None = None,
                early: tuple[pd.DataFrame, Any] | None = None) -> dict[str, Any]:
    """Fit the monotone logistic model on labelled candidate pairs (labels 1 = mirror).

    Minimises the L2-penalised logistic loss ``C * sum(log-loss) + ||w||^2 / 2`` (the
    intercept unpenalised, as in scikit-learn) with L-BFGS-B under bounds: every
    *evidence* feature gets a weight >= 0, so no evidence can count against a link (a
    monotone model: more resemblance never lowers the score). Only the corrections in
    :data:`SIGNED` may be negative (``spare``: a successor first seen *before* the
    takedown is less often a mirror than one first seen just after it, whatever else it
    shares).

    Parameters
    ----------
    feats : DataFrame
        From :func:`features`.
    labels : array of 0/1
    C_reg : float
        Inverse L2 regularisation strength (scikit-learn's ``C``).
    meta : dict, optional
        Recorded in the result (training worlds, seeds...).
    early : (DataFrame, array of 0/1), optional
        Features and labels of the pairs an account can be matched on at its creation
        (creation-time links only); adds the ``early`` model, fit on
        :data:`EARLY_FEATURES`.

    Returns
    -------
    dict
        ``coef`` (feature -> weight), ``intercept``, ``no_social`` (the same fit without
        the :data:`SOCIAL` features), ``reduced`` (one fit per non-empty set of missing
        :data:`GROUPS`, named as by :func:`model_names`), with ``early`` the ``early``
        model (same keys, :data:`LATE` features held at 0), ``threshold`` (0.5) and
        ``training``. Evidence
        features held at 0 by their bound (the unconstrained fit wanted them negative) are
        listed in ``training["dropped_negative"]``.

    Raises
    ------
    ParameterError
        If the labels are all one class.

    References
    ----------
    Byrd, Lu, Nocedal & Zhu (1995). A limited memory algorithm for bound constrained
    optimization. SIAM J. Sci. Comput. 16(5), 1190-1208. doi:10.1137/0916069
    """
    y = np.asarray(labels, dtype=int)
    if len(np.unique(y)) < 2:
        raise ParameterError("fit_weights needs both planted mirrors and non-mirrors")
    full = _fit_one(feats, y, list(FEATURES), C_reg)
    bare = _fit_one(feats, y, [f for f in FEATURES if f not in SOCIAL], C_reg)
    reduced = {}
    for k in range(1, len(GROUPS) + 1):
        for gone in itertools.combinations(GROUPS, k):
            name = "no_" + "+".join(gone)
            drop = {f for g in gone for f in GROUPS[g]}
            fit = bare if name == "no_social" else _fit_one(
                feats, y, [f for f in FEATURES if f not in drop], C_reg)
            reduced[name] = {"coef": fit["coef"], "intercept": fit["intercept"],
                             "dropped_negative": fit["dropped"]}
    out = {
        "model": "logistic",
        "features": list(FEATURES),
        "coef": full["coef"],
        "intercept": full["intercept"],
        "no_social": {"coef": bare["coef"], "intercept": bare["intercept"],
                      "dropped_negative": bare["dropped"]},
        "reduced": reduced,
        "threshold": 0.5,
        "training": {"n_pairs": int(len(y)), "n_positive": int(y.sum()), "C": C_reg,
                     "fit": "L-BFGS-B, weights >= 0 except " + ", ".join(SIGNED),
                     "dropped_negative": full["dropped"], **(meta or {})},
    }
    if early is not None:
        y_early = np.asarray(early[1], dtype=int)
        if len(np.unique(y_early)) < 2:
            raise ParameterError("fit_weights needs both planted mirrors and non-mirrors "
                                 "among the early pairs")
        fit = _fit_one(early[0], y_early, list(EARLY_FEATURES), C_reg)
        out["early"] = {"coef": fit["coef"], "intercept": fit["intercept"],
                        "dropped_negative": fit["dropped"],
                        "features": list(EARLY_FEATURES),
                        "n_pairs": int(len(y_early)), "n_positive": int(y_early.sum())}
    return out


def _fit_one(feats: pd.DataFrame, y: np.ndarray, allowed: list[str],
             C_reg: float) -> dict[str, Any]:
    from scipy.optimize import minimize

    x = feats[list(allowed)].to_numpy(dtype=float)
    yf = y.astype(float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        # log(1 + exp(z)) - y z, computed stably
        ll = np.logaddexp(0.0, z) - yf * z
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        r = C_reg * (p - yf)
        grad = np.append(x.T @ r + w, r.sum())
        return float(C_reg * ll.sum() + 0.5 * w @ w), grad

    bounds = [(None, None) if f in SIGNED else (0.0, None) for f in allowed] + [(None, None)]
    theta0 = np.zeros(len(allowed) + 1)
    theta0[-1] = np.log(max(yf.mean(), 1e-6) / max(1.0 - yf.mean(), 1e-6))
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": 5_000, "gtol": 1e-7})
    w = res.x[:-1]
    grad = loss(res.x)[1][:-1]
    # held at the bound and the loss would fall by going below it
    dropped = [f for f, c, g in zip(allowed, w, grad, strict=True)
               if f not in SIGNED and c <= 1e-8 and g > 0]
    coef = dict(zip(allowed, w, strict=True))
    return {"coef": {f: round(float(coef.get(f, 0.0)), 4) for f in FEATURES},
            "intercept": round(float(res.x[-1]), 4), "dropped": dropped}


def reliability_table(scores, labels, *, bins: int = 10) -> pd.DataFrame:
    """Calibration check: in each score bin, the mean score against the share of true links.

    Returns
    -------
    DataFrame
        ``bin_low, bin_high, n, mean_score, observed_rate``; a calibrated score has
        ``mean_score`` close to ``observed_rate`` in every populated bin.

    Examples
    --------
    >>> reliability_table([0.1, 0.9, 0.95], [0, 1, 1], bins=2)[["n", "observed_rate"]]
       n  observed_rate
    0  1            0.0
    1  2            1.0
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(s, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "n": int(mask.sum()),
                     "mean_score": float(s[mask].mean()),
                     "observed_rate": float(y[mask].mean())})
    return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_score",
                                       "observed_rate"])
