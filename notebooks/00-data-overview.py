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
# # 00 · What is in the data?
#
# Before looking for coordinated networks, mirror accounts or operators, we look at the data
# itself: how many rows were read, kept and rejected (and why), which platforms the accounts
# come from and how many were suspended, when they were active, at which hours, and who
# interacts with whom.
#
# By default this notebook reads the bundled sample (`data/sample`, a synthetic scenario made
# by `netlib synth`; see `data/README.md`). Point `data_path` at any folder in netlib's
# interchange format, or any export `netlib.load` understands.

# %% tags=["parameters"]
data_path = "../data/sample"
max_graph_nodes = 600
seed = 0

# %%
import netlib
from netlib import overview, plots, report

report.setup_notebook()
data = netlib.load(data_path)
data

# %% [markdown]
# ## The load report
#
# Every row read is either kept or rejected with a reason; the counts add up per file. A
# clean dataset shows zero rejected rows. Rejected rows stay available in
# `data.report.rejected` for inspection.

# %%
data.report.table()

# %%
data.report.reasons().head(20)

# %% [markdown]
# ## Accounts per platform and status
#
# Suspended and deleted accounts are where mirror accounts start: each removal is a moment
# after which a successor may appear.

# %%
by_platform = overview.accounts_by_platform(data)
plots.accounts_bar(by_platform).show()
by_platform.pivot(index="platform", columns="status", values="accounts").fillna(0).astype(int)

# %% [markdown]
# ## Activity over time
#
# Daily actions per platform (UTC). Bursts can be news events, viral posts, or campaigns;
# this view alone does not tell which.

# %%
plots.activity_timeline(overview.activity_over_time(data, freq="D")).show()

# %% [markdown]
# ## Hour of day
#
# Actions by UTC hour, each platform scaled to its own busiest hour. A population spread over
# many time zones flattens the curve; a network run from one place keeps a sharp daily
# rhythm. (Hours are UTC; a rhythm is evidence about working hours, not about a country.)

# %%
hours = overview.hour_of_day(data, by="platform")
fig = plots.hour_heatmap(hours)
_ = report.save_figure(fig, "00-hour-of-day")
report.show_figure(fig, alt="Heatmap of actions by hour of day in UTC (columns) for each "
                   "platform (rows), each platform scaled to its own busiest hour")

# %% [markdown]
# ## Who interacts with whom
#
# Accounts linked by reposts, replies, quotes and forwards of each other's posts, limited to
# the most connected accounts. Each group of connected accounts is laid out on its own and the
# groups are packed side by side, so their distance on the page means nothing; a dot's size
# and colour show its interactions with the accounts drawn. Hover a node to see its handle
# (shown as text, never as markup). A static copy of the same layout is saved as
# `figures/00-interaction-graph.png`.

# %%
edges = overview.interaction_edges(data)
labels = overview.handles(data)
plots.interaction_graph(edges, labels, max_nodes=max_graph_nodes, seed=seed).show()

# %%
static = plots.interaction_graph_static(edges, max_nodes=max_graph_nodes, seed=seed)
_ = report.save_figure(static, "00-interaction-graph", close=True)

# %%
edges.head(15).merge(labels.rename("source_handle"), left_on="source_id",
                     right_index=True).merge(labels.rename("target_handle"),
                                             left_on="target_id", right_index=True)

# %% [markdown]
# ## What this overview does not say
#
# Many interactions between accounts are ordinary: fans repost their favourite outlets and
# viral posts gather thousands of reposts within minutes. Which accounts act together more
# than chance allows is the subject of notebook 02; coordination, even when found, is not by
# itself proof of inauthentic behaviour.
