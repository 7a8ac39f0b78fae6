"""Two tiers: the descriptive co-sharing network, and which of its parts survive the test.

Tier 1 is what CooRTweet (``detect_groups`` + ``generate_coordinated_network``) shows: every
pair of accounts that acted on the same object within the window (with its
``min_participation`` rule), as edges, and the connected components of that network. It is
descriptive: it says who co-shared, not whether that is more than chance.

Tier 2 is netlib's tested clusters. :func:`component_table` puts the two side by side: one
row per co-sharing component with the null model's expected co-actions against the observed
ones, whether a group inside it reached the held-out test, how many of its accounts were
confirmed, the clusters they are in, and a plain-language ``verdict``: why a component is
confirmed, or why not (too small to test, no group to test, not above chance, no held-out
co-actions, not confirmed on the held-out objects, or confirmed but not reported by the
behaviour rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from netlib.coordination._lookup import mapped
from netlib.coordination.clusters import relabel
from netlib.coordination.config import CoordinationConfig
from netlib.coordination.network import WEIGHT
from netlib.coordination.significance import EXPECTED, P_VALUE, poisson_pvalues
from netlib.lookup import sorted_string_codes
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y, CLUSTER_ID
from netlib.stats import qvalues

__all__ = ["COMPONENT_ID", "COMPONENT_COLUMNS", "ACCOUNT_COMPONENT_COLUMNS",
           "account_components", "component_table"]

COMPONENT_ID = "component_id"
#: Columns of ``result.components`` (the ``cosharing_components`` output table).
COMPONENT_COLUMNS = [COMPONENT_ID, "n_accounts", "n_edges", "n_repeat_edges",
                     "n_significant_edges",
                     "observed", EXPECTED, "ratio", P_VALUE, "q_value", "tested",
                     "heldout_observed", "heldout_expected", "heldout_q_value",
                     "confirmed_accounts", "cluster_ids", "verdict"]
#: Columns of ``result.account_components`` (the ``cosharing_accounts`` output table).
ACCOUNT_COMPONENT_COLUMNS = [ACCOUNT_ID, COMPONENT_ID]


def account_components(edges: pd.DataFrame) -> pd.DataFrame:
    """Connected component of every account with an edge (largest component is 0).

    Returns
    -------
    DataFrame
        ``account_id, component_id``, sorted by component then account.

    Examples
    --------
    >>> edges = pd.DataFrame({"account_id": ["a", "b", "x"], "account_id_y": ["b", "c", "y"]})
    >>> account_components(edges).values.tolist()
    [['a', 0], ['b', 0], ['c', 0], ['x', 1], ['y', 1]]
    """
    if edges.empty:
        return pd.DataFrame({ACCOUNT_ID: pd.Series(dtype=object),
                             COMPONENT_ID: pd.Series(dtype=int)})
    m = len(edges)
    # both ends' ids coded together in sorted id order, without a Python string each
    codes, nodes = sorted_string_codes(edges[ACCOUNT_ID], edges[ACCOUNT_ID_Y])
    n = len(nodes)
    mat = coo_matrix((np.ones(m), (codes[:m], codes[m:])), shape=(n, n))
    _, labels = connected_components(mat, directed=False)
    comp = relabel(pd.Series(labels, index=nodes))
    out = pd.DataFrame({ACCOUNT_ID: comp.index.astype(str), COMPONENT_ID: comp.to_numpy()})
    return out.sort_values([COMPONENT_ID, ACCOUNT_ID], kind="stable").reset_index(drop=True)


def _empty() -> pd.DataFrame:
    kinds = {COMPONENT_ID: int, "n_accounts": int, "n_edges": int, "n_repeat_edges": int,
             "n_significant_edges": int,
             "tested": bool, "confirmed_accounts": int, "cluster_ids": object,
             "verdict": object}
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, float)) for c in COMPONENT_COLUMNS})


def _num(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 or float(x).is_integer() else f"{x:,.1f}"


def component_table(edges: pd.DataFrame, accounts: pd.DataFrame, clusters: pd.DataFrame,
                    validation: pd.DataFrame, members: pd.DataFrame,
                    config: CoordinationConfig, *, behaviour_rule: bool = False
                    ) -> pd.DataFrame:
    """One row per co-sharing component: observed vs expected, test outcome, verdict.

    Parameters
    ----------
    edges : DataFrame
        ``result.edges`` (every co-acting pair: ``weight, expected, significant``).
    accounts : DataFrame
        :func:`account_components` of those edges.
    clusters : DataFrame
        ``result.clusters`` (``account_id, cluster_id``).
    validation, members : DataFrame
        ``result.validation`` and ``result.validation_members`` (held-out tests).
    config : CoordinationConfig
        The options used (sizes, thresholds named in the verdicts).
    behaviour_rule : bool
        Whether the several-behaviours rule was applied (``params["behaviour_rule_applied"]``).

    Returns
    -------
    DataFrame
        ``component_id, n_accounts, n_edges, n_repeat_edges`` (pairs that co-acted on
        ``min_weight`` or more objects), ``n_significant_edges``, ``observed`` (co-acted
        objects summed over the component's edges), ``expected`` (their null expectation),
        ``ratio``, ``p_value`` (Poisson), ``q_value`` (BH over components), ``tested``
        (a discovered group inside it had its held-out test), ``heldout_observed``,
        ``heldout_expected``, ``heldout_q_value`` (its best held-out group test),
        ``confirmed_accounts`` (accounts in reported clusters), ``cluster_ids`` (those
        clusters, comma-separated) and ``verdict`` (plain language).
    """
    if accounts.empty:
        return _empty()
    comp_of = pd.Series(accounts[COMPONENT_ID].to_numpy(),
                        index=accounts[ACCOUNT_ID].astype(str).to_numpy())
    e = pd.DataFrame({COMPONENT_ID: mapped(edges[ACCOUNT_ID].astype(str), comp_of).to_numpy(),
                      WEIGHT: edges[WEIGHT].to_numpy(dtype=float),
                      EXPECTED: edges[EXPECTED].to_numpy(dtype=float),
                      "significant": edges["significant"].to_numpy(dtype=bool)})
    e["repeat"] = e[WEIGHT] >= config.min_weight
    out = e.groupby(COMPONENT_ID).agg(n_edges=(WEIGHT, "size"), n_repeat_edges=("repeat", "sum"),
                                      n_significant_edges=("significant", "sum"),
                                      observed=(WEIGHT, "sum"), expected=(EXPECTED, "sum"))
    out.insert(0, "n_accounts", accounts.groupby(COMPONENT_ID).size())
    out["ratio"] = out["observed"] / out[EXPECTED].where(out[EXPECTED] > 0)
    out[P_VALUE] = poisson_pvalues(out["observed"].to_numpy(), out[EXPECTED].to_numpy())
    out["q_value"] = qvalues(out[P_VALUE].to_numpy())
    # held-out tests: each discovered group lies inside one component (its edges do)
    held = pd.DataFrame(columns=["heldout_observed", "heldout_expected", "heldout_q_value"])
    if members is not None and len(members):
        first = members.drop_duplicates(["direction", "group"])
        where = first.assign(**{COMPONENT_ID: mapped(first[ACCOUNT_ID].astype(str), comp_of)})
        tests = validation.merge(where[["direction", "group", COMPONENT_ID]],
                                 on=["direction", "group"], how="inner")
        best = tests.sort_values(["q_value", "ratio"], ascending=[True, False],
                                 kind="stable").drop_duplicates(COMPONENT_ID)
        held = best.set_index(COMPONENT_ID).rename(columns={
            "observed": "heldout_observed", EXPECTED: "heldout_expected",
            "q_value": "heldout_q_value"})[list(held.columns)]
        ok = members[members["confirmed"]]
        held["n_confirmed_in_test"] = mapped(ok[ACCOUNT_ID].astype(str), comp_of) \
            .value_counts().reindex(held.index).fillna(0)
    out = out.join(held, how="left")
    out["tested"] = out["heldout_q_value"].notna()
    member_comp = clusters.assign(**{COMPONENT_ID: mapped(
        clusters[ACCOUNT_ID].astype(str), comp_of)}).dropna(subset=[COMPONENT_ID])
    out["confirmed_accounts"] = member_comp.groupby(COMPONENT_ID).size() \
        .reindex(out.index).fillna(0).astype(int)
    ids = member_comp.groupby(COMPONENT_ID)[CLUSTER_ID].agg(
        lambda c: ", ".join(str(int(x)) for x in sorted(set(c))))
    out["cluster_ids"] = ids.reindex(out.index).astype(object).where(
        lambda x: x.notna(), "")
    if "n_confirmed_in_test" not in out.columns:
        out["n_confirmed_in_test"] = 0.0
    out["verdict"] = [_verdict(row, config, behaviour_rule) for row in out.itertuples()]
    out = out.reset_index()
    for c in ("n_accounts", "n_edges", "n_repeat_edges", "n_significant_edges"):
        out[c] = out[c].astype(int)
    return out[COMPONENT_COLUMNS]


def _verdict(row, config: CoordinationConfig, behaviour_rule: bool) -> str:
    m = config.min_cluster_size
    if row.confirmed_accounts > 0:
        many = "s" if "," in row.cluster_ids else ""
        return (f"confirmed: {row.confirmed_accounts} of {row.n_accounts} accounts in "
                f"cluster{many} {row.cluster_ids}")
    if row.n_accounts < m:
        return f"not tested: fewer than {m} accounts"
    obs_exp = f"observed {_num(row.observed)}, expected {_num(row.expected)}"
    if row.tested:
        held = (f"held-out observed {_num(row.heldout_observed)}, expected "
                f"{_num(row.heldout_expected)}, q = {row.heldout_q_value:.2g}")
        if (row.n_confirmed_in_test or 0) > 0:
            if behaviour_rule:
                return (f"confirmed on held-out objects but not reported: its co-actions "
                        f"span fewer than {config.min_behaviours} behaviours ({held}; see "
                        f"result.candidates)")
            return (f"confirmed on held-out objects but fewer than {m} accounts confirmed "
                    f"together ({held})")
        if row.heldout_observed == 0:
            return f"tested: no held-out co-actions ({held})"
        return f"not confirmed on held-out objects ({held})"
    if row.q_value > config.fdr or not row.ratio >= config.attach_ratio:
        return f"not above chance: {obs_exp}"
    if row.n_repeat_edges == 0:
        return (f"not tested: above chance overall ({obs_exp}), but no pair co-acted on "
                f"{config.min_weight}+ objects, so no group to test")
    return (f"not tested: above chance overall ({obs_exp}), but only {row.n_repeat_edges} "
            f"of {row.n_edges} pairs co-acted on {config.min_weight}+ objects and no group "
            f"of {m}+ accounts beyond chance (p <= {config.select_p:g}) formed within one "
            f"half of the objects")
