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
# # 05 · Briefing: networks, re-created accounts, operators and complaints
#
# What would a reviewer need to know first? This notebook runs every analysis once and
# presents the results the way the `report.html` briefing does: headline findings, the
# coordinated networks, the chains of accounts re-created after takedowns, the likely
# operators and the time zones their activity fits, and a triage of the watch list
# (complaints received), in the order a reviewer should read them.
#
# **Read with care.** Coordination is not proof of inauthenticity: fan communities,
# newsrooms and volunteers also act together. A time zone is not a country. A mirror score is
# a similarity, not an identity. Every finding below lists its evidence so that the reader
# can judge.
#
# The default data is the bundled synthetic sample (`data/sample`) and its
# `complaints.csv`. This notebook shows real identifiers from the data; set
# `pseudonymize_key` to replace them by keyed pseudonyms.

# %% tags=["parameters"]
data_path = "../data/sample"
watchlist_path = "../data/sample/complaints.csv"
window = 60.0  # seconds within which two accounts' actions count as a co-action
min_participation = 2
seed = 0
top_cards = 5  # networks and chains shown as cards
pseudonymize_key = ""  # non-empty: replace handles, names and ids by keyed pseudonyms
out_dir = "../reports/briefing"  # where report.html, the tables and the Gephi files go

# %%

import pandas as pd
from IPython.display import display

import netlib
from netlib import pipeline, plots, report
from netlib.coordination import CoordinationConfig
from netlib.io.watchlist import read_watchlist

report.setup_notebook()
data = netlib.load(data_path)
entries = read_watchlist(watchlist_path) if watchlist_path else None
data

# %% [markdown]
# ## Run the analyses
#
# Coordination (co-actions beyond chance), mirrors (accounts that re-appear after a
# takedown) and operator ranking, then the watch-list triage, in one call.

# %%
analysis = netlib.analyze(
    data, CoordinationConfig(window=window, min_participation=min_participation, seed=seed),
    watchlist=entries)
full = analysis  # kept for the table export below
if pseudonymize_key:
    analysis = report.pseudonymize_analysis(analysis, pseudonymize_key)

# %% [markdown]
# ## Executive summary
#
# Counts first, then the headline findings in plain words.

# %%
briefing = report.summary(analysis)
for line in briefing["headlines"]:
    print("•", line)
report.table(pd.Series(briefing["counts"], name="count").rename_axis("what"))

# %% [markdown]
# ## The coordination network
#
# Each dot is a coordinated account, coloured by network (in the order of the network cards
# below); lines are ties between accounts that acted together more often than chance. Each
# group of tied accounts is laid out on its own; accounts tied to fewer than two others are
# counted under the map instead of drawn. The top-ranked likely operators are named.

# %%
plots.network_map(analysis.coordination, analysis.dataset, seed=seed, hubs=analysis.hubs).show()
_ = report.save_figure(plots.network_map_static(analysis.coordination, analysis.dataset,
                                                seed=seed, hubs=analysis.hubs),
                       "05-network-map", close=True)

# %% [markdown]
# ## Network cards
#
# For the largest networks: size, platforms, how fast members follow each other (median
# lag), the strength of the strongest tie (q-value: the expected share of false ties at that
# threshold), what they share most, and the time zone their activity fits.

# %%
cards = report.cluster_cards(analysis, top=top_cards)
cards.drop(columns=["accounts"])

# %% [markdown]
# ## When they act
#
# Actions of the coordinated accounts by weekday and UTC hour (the menu switches between
# networks). A sharp daily rhythm suggests working hours in one time zone; the estimate below
# says which offsets fit, never which country.

# %%
plots.activity_heatmap_by_cluster(analysis.dataset, analysis.coordination).show()
clusters = analysis.coordination.clusters
members = clusters["account_id"] if len(clusters) else None
_ = report.save_figure(plots.activity_heatmap_static(analysis.dataset, account_ids=members),
                       "05-hour-weekday", close=True)
report.timezone_findings(analysis)

# %% [markdown]
# ## Re-created accounts (mirror chains)
#
# Each row is a lineage: an account, removed, then re-appearing under a new account that
# resembles it. Bars show each account's life from creation to removal.

# %%
plots.chain_timeline(analysis.mirrors, analysis.dataset).show()
_ = report.save_figure(plots.chain_timeline_static(analysis.mirrors, analysis.dataset),
                       "05-chain-timeline", close=True)
chains = report.lineage_cards(analysis, top=top_cards)
# each step of a chain as "predecessor -> successor (score)"; report.html lists its evidence
chains.assign(links=chains["links"].map(lambda steps: [
    f"{step['predecessor_id']} → {step['successor_id']} ({step['score']:.2f})"
    for step in steps]))

# %% [markdown]
# ## After a takedown, how soon does a successor appear?
#
# The share of removed accounts not yet re-created, by days since removal (Kaplan–Meier;
# accounts never re-created within the data count as "not yet"). A steep early drop means
# back-up accounts were ready before the takedown.

# %%
plots.survival_curve(analysis.dataset, analysis.mirrors).show()
_ = report.save_figure(plots.survival_curve_static(analysis.dataset, analysis.mirrors),
                       "05-survival", close=True)

# %% [markdown]
# ## Likely operators
#
# Accounts that lead, seed or bridge the coordinated activity rank highest. A high rank is a
# reason to look closer, not a verdict.

# %%
analysis.hubs.hubs.head(15)

# %% [markdown]
# ## Watch-list triage
#
# One row per watch-list entry, in review order (`priority` 1 first). Entries that match no
# account stay in the table with "not found in the data".

# %%
if analysis.triage is not None:
    shown = analysis.triage.sort_values("priority")
    display_cols = ["priority", "handle", "platform", "category", "matched_handles",
                    "cluster_id", "hub_rank", "evidence"]
    display(shown[[c for c in display_cols if c in shown]])

# %% [markdown]
# ## The shareable briefing
#
# The same briefing as one offline HTML file, with the tables as CSV (safe to open in a
# spreadsheet) and the networks for Gephi (GraphML, GEXF).

# %%
written = pipeline.write_analysis(full, out_dir, report=True, pseudonymize=pseudonymize_key)
print(f"{len(written)} files written to the output folder:", ", ".join(p.name for p in written))

# %% [markdown]
# ## Methods and limits
#
# * **Coordination** ties two accounts when they repeatedly do the same thing within a short
#   window more often than chance allows, after correcting for the number of pairs tested.
#   Coordination is not proof of inauthenticity.
# * **Mirrors** link a removed account to a later one that resembles it in handle, name,
#   bio, image, links, audience and behaviour; the score is a similarity, not an identity.
# * **Operators** are ranked by leading, seeding and bridging; **time zones** are offsets
#   that fit the daily rhythm — a time zone is not a country.
# * Only the data supplied is covered; the provenance section of `report.html` records the
#   data fingerprint, every parameter and the software versions.
