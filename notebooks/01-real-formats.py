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
# # 01 · Reading the data researchers actually hold
#
# Researchers rarely hold data in netlib's own format. They hold Twitter's
# information-operations archives, the FiveThirtyEight IRA troll tweets, twarc2 collections
# from the X API, Telegram Desktop exports, or CooRTweet share tables. This notebook loads
# each of them with one call, `netlib.load(path)`, and shows what the loader did: which
# format it recognised, how many rows it read, kept and rejected, and why.
#
# When the real public data of the development workspace is present (`realdata`), the
# CooRTweet and IRA sections use it; otherwise they fall back to the small test fixtures
# shipped in `tests/data`, so the notebook runs anywhere. The Twitter IO archive, twarc2
# and Telegram sections always use fixtures: no public sample of those exports is bundled.

# %% tags=["parameters"]
data_path = "../data/sample"          # any folder in netlib's interchange format
realdata = "../../shared/realdata"    # real public data, if present
fixtures = "../tests/data"            # small files that ship with the code
max_issues = 15

# %%
from pathlib import Path

import pandas as pd

import netlib
from netlib import report

report.setup_notebook()
real = Path(realdata)
has_real = real.is_dir()
fixtures = Path(fixtures)
coortweet_path = (real / "coortweet" / "russian_coord_tweets.rda" if has_real
                  else fixtures / "coortweet" / "shares.csv")
ira_path = real / "ira_by_author" if has_real else fixtures / "fivethirtyeight" / "split"
print("real data found" if has_real else "real data not found: using the test fixtures")

# %% [markdown]
# ## CooRTweet share tables
#
# CooRTweet's input is one row per share: `account_id` shared `object_id` (here a
# retweeted tweet) in post `content_id` at `timestamp_share`. Each row becomes a `repost`
# action. In the pro-government Russian data 40 `content_id`s appear twice; CooRTweet keeps
# both rows, so netlib keeps them too (as `content_id#2`) and says so in a warning, so that
# co-share counts match CooRTweet's.

# %%
shares = netlib.load(coortweet_path)
print("\n".join(shares.report.lines(limit=max_issues)))

# %%
shares.actions.head()

# %% [markdown]
# ## The IRA troll tweets (FiveThirtyEight / Clemson)
#
# These files hold no tweet ids and no ids of retweeted tweets: a retweet row carries only
# the original's text. netlib therefore approximates the retweeted *object* by the
# normalised text (URLs removed, case and whitespace folded, "RT @name:" dropped) and
# hashes it. Two retweets of one original then share an object id. Two different originals
# with identical wording would also share one, so treat co-retweet counts here as upper
# bounds. The Linvill–Warren account labels are joined from `authors.csv`, and creation
# times are derived from Twitter snowflake ids where the exact id is known.

# %%
ira = netlib.load(ira_path)
print("\n".join(ira.report.lines(limit=max_issues)))

# %%
ira.accounts["account_category"].value_counts().rename("accounts").to_frame()

# %%
ira.actions["kind"].value_counts().rename("actions").to_frame()

# %% [markdown]
# How often does the same text-derived object get retweeted by more than one account? A
# label such as "RightTroll" is the researchers' categorisation of an account, and sharing
# an object is not, on its own, evidence of coordination.

# %%
reposts = ira.actions[ira.actions["kind"] == "repost"]
(reposts.groupby("object_id")["account_id"].nunique().value_counts().sort_index()
 .rename_axis("accounts retweeting the object").rename("objects").head(10).to_frame())

# %% [markdown]
# ## Twitter information-operations archive, twarc2 and Telegram
#
# Small fixtures show the three other readers. In the IO archive, retweets, quotes and
# replies point to the original tweet id; `hashtags`/`urls` cells written as Python lists
# are parsed as text, never evaluated. twarc2 pages and flattened tweets are both read; a
# broken JSON line is rejected and counted. Telegram's `text` may be a string or a list of
# entities; forwards get an object derived from their source and text.

# %%
io_archive = netlib.load(fixtures / "twitter_io")
print("\n".join(io_archive.report.lines(limit=max_issues)))

# %%
twarc = netlib.load(fixtures / "twarc2" / "search.jsonl")
print("\n".join(twarc.report.lines(limit=max_issues)))

# %%
telegram = netlib.load(fixtures / "telegram")
print("\n".join(telegram.report.lines(limit=max_issues)))

# %% [markdown]
# ## Hostile input: what happens to bad rows
#
# The fixture `tests/data/broken` holds a byte-order mark, a duplicate account, an
# impossible date (30 February), a duplicate action id, an action by an unknown account, a
# date in the future, an unknown kind, two reposts pointing at each other, mixed time
# zones, look-alike and emoji handles, and a spreadsheet formula in a bio. Nothing is
# dropped silently: every rejected row has a reason and stays available for inspection,
# and read = kept + rejected for every file.

# %%
broken = netlib.load(fixtures / "broken")
broken.report.table()

# %%
broken.report.issues_frame().head(max_issues)

# %%
broken.report.rejected["actions"]

# %% [markdown]
# Handles are kept exactly as written; matching uses `handle_norm` (Unicode NFKC and case
# folding), which folds full-width look-alikes ("Ｎｅｗｓ" → "news") but not Cyrillic letters
# that look Latin ("раураl"); mirror detection applies its own confusable folding.
# Formula-looking text is kept as data here; netlib's table writer neutralises it on export.

# %%
broken.accounts[["account_id", "handle", "handle_norm", "bio"]]

# %% [markdown]
# ## All loads at a glance

# %%
loads = {"CooRTweet": shares, "IRA tweets": ira, "IO archive": io_archive,
         "twarc2": twarc, "Telegram": telegram, "broken fixture": broken}
pd.concat({name: data.report.table() for name, data in loads.items()},
          names=["source"]).droplevel(1)

# %% [markdown]
# ## Your own data
#
# `netlib.load` detects the format from the files and records its choice in
# `report.format` and the first note; pass `format=` to choose explicitly. From the shell,
# `netlib validate PATH` prints the same report and exits with 1 when rows were rejected.

# %%
own = netlib.load(data_path)
print("\n".join(own.report.lines(limit=max_issues)))
