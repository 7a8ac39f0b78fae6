# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Coordinated clusters, tested against chance
#
# **Question.** Which accounts act together — reshare the same post, publish the same link,
# copy the same text, use the same hashtags or images — more often, and more tightly in
# time, than their own activity and the popularity of what they share would explain?
#
# **How.** Every action is reduced to the object it shares (*traces*: repost of an original,
# normalised link, hashtag, hashtag sequence, near-duplicate text, reply target, media hash).
# Two accounts *co-act* when they act on the same object within `window` seconds. Each
# account pair is then compared with a **null model** that keeps every action at its exact
# time (so each account keeps its volume and its daily rhythm) and keeps how often each
# object was shared in each two-hour bin (so a viral post stays viral when it went viral;
# a bin with more than 1,000 actions is cut into shorter parts, because in a dense stream a
# viral post's reposts come within minutes), and only shuffles *which* object each action
# in that bin went to. A pair that co-acts far more than that is surprising; q-values
# control the false discovery rate.
#
# Groups are **discovered on one half of the objects and confirmed on the other half** (and
# the other way round; an object's actions within one two-hour bin go to one half), so that
# a group is not judged on the data it was picked from, and a campaign of a single morning
# still has objects on both sides. Each member must also be confirmed on the held-out half.
#
# **Caveat.** Coordination is not proof of inauthenticity: fan communities, newsrooms
# syndicating the same wire story, or activists following a call to action coordinate too.
# A cluster here is a *pattern worth a human look*, with the evidence attached.

# %% tags=["parameters"]
data_path = "../data/sample"
traces = None            # None = all traces fused; or e.g. ["repost", "link", "text"]
window = 60.0            # seconds within which two actions on one object are a co-action
fdr = 0.05               # false discovery rate of the edge, group and member tests
method = "leiden"        # "leiden", "louvain" or "components"
min_cluster_size = 3
seed = 0
n_consensus = 3          # extra seeds used for the stability score
sensitivity_windows = [10, 60, 300]
baseline_quantile = 0.5  # edge-weight percentile cut of the naive baseline
max_graph_nodes = 400
n_cards = 6

# %%
import pandas as pd
from IPython.display import HTML

import netlib
from netlib import coordination, evaluate, plots, report
from netlib.coordination.compare import naive_clusters, window_sensitivity
from netlib.io.scenario import read_truth
from netlib.traces import build_traces

report.setup_notebook()
pd.set_option("display.max_colwidth", 80)
data = netlib.load(data_path)
truth = read_truth(data_path)
data

# %% [markdown]
# ## Traces: what accounts can share
#
# One row per (action, trace, object). The same post can appear in several traces: a copied
# post with a link and hashtags is a text, a link and a hashtag co-action at once.

# %%
trace_table = build_traces(data, traces=traces, seed=seed)
trace_table.groupby("trace").agg(rows=("action_id", "size"), accounts=("account_id", "nunique"),
                                 objects=("object_id", "nunique"))

# %% [markdown]
# ## Detection

# %%
config = coordination.CoordinationConfig(window=window, fdr=fdr, method=method,
                                         min_cluster_size=min_cluster_size, seed=seed,
                                         n_consensus=n_consensus)
result = coordination.detect(data, config, traces=trace_table)
result

# %% [markdown]
# **Is the null model right?** Before trusting any p-value we check the null against data
# that really was shuffled that way: `analytic` is the expected number of co-actions over
# all account pairs, `simulated` the number counted in shuffled copies of the data. A ratio
# `kappa` near 1 means the expectation is well calibrated (hashtags fall below 1 because one
# post can carry several tags, which the expectation counts separately — conservative).

# %%
result.null

# %% [markdown]
# ## The network, coloured by cluster
#
# Dots are accounts in a reported cluster, lines are significant co-action ties. Hover shows
# the handle (escaped: handles are untrusted text) and the cluster.

# %%
fig = plots.network_map(result, data, max_nodes=max_graph_nodes, seed=seed)
fig.show()

# %% [markdown]
# ## Cluster cards
#
# Per cluster: size and platforms; `density` of significant ties; `observed` co-acted
# objects inside the cluster against the null `expected`, with a q-value over clusters;
# the median lag between co-actions; the behaviours (traces) involved; the most shared
# objects; `created_burst_share`, the largest share of members created within one week
# (networks are often created in batches); `stability`, how often the members stay together
# when the clustering is re-run with other seeds.

# %%
cards = result.cluster_stats.head(n_cards)
cards

# %% [markdown]
# The same clusters as the briefing's network cards: the strongest tie's q-value, the
# behaviours, the most co-acted objects and the time-zone finding (none here: the hub
# analysis has not run).

# %%
report.cluster_cards(netlib.Analysis(dataset=data, coordination=result),
                     top=n_cards).drop(columns=["accounts"])

# %% [markdown]
# An example co-action timeline for the largest cluster: every member action on its most
# shared objects, in seconds after the first.

# %%
if len(result.cluster_stats):
    timeline = result.timeline(int(result.cluster_stats["cluster_id"].iloc[0]))
    display(timeline.head(25))  # noqa: F821 - provided by IPython

# %% [markdown]
# **Candidates not reported.** Groups that passed the tests but agree on fewer than three
# behaviours are kept here rather than reported: a fandom that only reshares its idol, or
# outlets that only publish the same wire link and headline. They are coordinated in the
# plain sense — look at them before dismissing them.

# %%
result.candidates

# %% [markdown]
# ## Accounts
#
# Degree and strength count significant ties; `coordinated_share` is the share of an
# account's traced actions that took part in a significant co-action.

# %%
result.account_stats.dropna(subset=["cluster_id"]).sort_values(
    "strength", ascending=False).head(15)

# %% [markdown]
# ## Sensitivity to the time window
#
# A narrow window sees only near-simultaneous action (automation); a wide one also sees
# networks that react within minutes, at the price of more chance co-actions. Rows: 10 s,
# 60 s, 5 min.

# %%
sensitivity = window_sensitivity(trace_table, windows=sensitivity_windows,
                                 score=evaluate.coordination_scorer(truth), fdr=fdr,
                                 method=method, seed=seed, n_consensus=0, n_null=0)
sensitivity

# %% [markdown]
# ## Why the null model matters: a naive baseline
#
# The usual peer method keeps account pairs whose number of co-shares is above a percentile
# of all pairs and takes connected components. It has no notion of what chance would give,
# so popular posts and fan groups make large "clusters".

# %%
naive = naive_clusters(trace_table, window=window, quantile=baseline_quantile,
                       min_cluster_size=min_cluster_size)
comparison = pd.DataFrame({
    "method": ["null model (this notebook)", f"naive: weight > {baseline_quantile:.0%} quantile"],
    "clusters": [result.clusters["cluster_id"].nunique(), naive["cluster_id"].nunique()],
    "accounts": [len(result.clusters), len(naive)],
})
comparison

# %% [markdown]
# ## Scoring against planted truth
#
# Only when the data folder has a `truth/` subfolder (synthetic scenarios). Precision: share
# of flagged accounts that belong to a planted network; recall: share of planted accounts
# flagged; ARI: agreement of the clusters with the planted networks.

# %%
if truth is not None:
    scores = pd.DataFrame([
        {"method": "null model", **evaluate.score_accounts(result.flagged, truth),
         "ari": evaluate.score_clusters(result.clusters, truth)["ari"]},
        {"method": "naive baseline", **evaluate.score_accounts(naive["account_id"], truth),
         "ari": evaluate.score_clusters(naive, truth)["ari"]},
    ])
    display(scores[["method", "precision", "recall", "f1", "ari", "n_flagged",  # noqa: F821
                    "benign_flagged"]])
else:
    print("no truth/ folder: nothing to score against")

# %% [markdown]
# ## How sure are we?
#
# Each reported cluster passed three tests on data it was not chosen from, and the null was
# checked against shuffled data. What the tests cannot tell is *why* accounts coordinate:
# coordination is not proof of inauthenticity. Read the cards, open the evidence
# (`result.evidence(a, b)` lists every co-action behind a tie), and weigh the candidates that
# were not reported as well.

# %% [markdown]
# ## Explore: from a network to an account to its evidence
#
# In JupyterLab the explorer below answers "why is this account here?" in two clicks: pick a
# network, then an account (or type a handle in the search box), and read its evidence
# card: the reasons, its co-action ties with examples, and its hub and time-zone facts when
# those analyses ran (`netlib.analyze` runs them all). Filters narrow the lists by platform,
# period and q-value. A rendered report cannot run the widget; it shows the card of the
# account with the strongest ties instead.

# %%
explorer = netlib.explore(netlib.Analysis(dataset=data, coordination=result))
best_tied = result.account_stats.dropna(subset=["cluster_id"]).sort_values(
    ["strength", "account_id"], ascending=[False, True])["account_id"]
HTML(explorer.explorer.card(best_tied.iloc[0])) if len(best_tied) else None

# %% tags=["interactive-only"]
explorer

