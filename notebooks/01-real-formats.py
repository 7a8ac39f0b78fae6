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
# bounds. Where the files hold the original itself (the only original post with that text,
# posted no later than the first retweet), the retweets point at that post instead: who
# amplifies whom is then known for them, and the load report counts them. The
# Linvill–Warren account labels are joined from `authors.csv`, and creation
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
# ## The mission's platforms: WhatsApp, Telegram (Telethon), CrowdTangle, Meta
#
# The networks this project studies write in Urdu, Roman Urdu, English and Arabic on X,
# Facebook, Instagram, WhatsApp and Telegram. Each export below is read with one
# `netlib.load` call (threat indicators, a watch list rather than activity, with
# `read_threat_indicators`), using the small fixtures in `tests/data`, or the real public
# files when present.
#
# **WhatsApp** ("Export chat", a `.txt` or the `.zip` holding it): every sender becomes an
# account; a sender saved only as a phone number is personal data, so the reader refuses it
# unless given a key (`key=`, or `--phone-key` / `NETLIB_PHONE_KEY` on the command line) that
# replaces the number by a keyed hash. Only the country calling code (`+92`) is kept, in the
# accounts column `calling_code`; the group is the `chat` column of the actions.

# %%
import tempfile
import zipfile

from netlib.io import read_threat_indicators

phone_key = "notebook-demo-key"        # in real work: a secret kept outside the notebook
whatsapp = netlib.load(fixtures / "whatsapp", key=phone_key)
print("\n".join(whatsapp.report.lines(limit=max_issues)))

# %%
whatsapp.accounts[["account_id", "handle", "calling_code"]]

# %% [markdown]
# The same chat as the `.zip` WhatsApp's share sheet writes:

# %%
scratch = Path(tempfile.mkdtemp())
chat_txt = sorted((fixtures / "whatsapp").glob("*.txt"))[0]
with zipfile.ZipFile(scratch / f"{chat_txt.stem}.zip", "w") as archive:
    archive.write(chat_txt, chat_txt.name)
whatsapp_zip = netlib.load(scratch / f"{chat_txt.stem}.zip", key=phone_key)
print("\n".join(whatsapp_zip.report.lines(limit=max_issues)))

# %% [markdown]
# **Telegram channels collected with Telethon** (one JSON message per line): forwards name
# their origin when Telegram shows it, else get an object made from the sender name and text.

# %%
telethon = netlib.load(fixtures / "telethon" / "messages.jsonl")
print("\n".join(telethon.report.lines(limit=max_issues)))

# %% [markdown]
# **CrowdTangle** dashboard exports (CSV, one file per platform) and API responses (JSON):
# the first link of a post is its shared object.

# %%
crowdtangle = netlib.load(fixtures / "crowdtangle" / "dashboard_facebook.csv")
print("\n".join(crowdtangle.report.lines(limit=max_issues)))

# %%
ct_json = next(iter(sorted((fixtures / "crowdtangle").glob("*.json"))), None) or (
    real / "platforms" / "willdoliver__crowdTangleAnalisys" / "links-api-response-example.json")
if ct_json.is_file():
    crowdtangle_api = netlib.load(ct_json)
    print("\n".join(crowdtangle_api.report.lines(limit=max_issues)))
else:
    crowdtangle_api = None
    print("no CrowdTangle API JSON fixture here")

# %% [markdown]
# **Meta Content Library** (the successor of CrowdTangle), CSV or JSON downloads:

# %%
mcl = netlib.load(fixtures / "meta_content_library" / "facebook.csv")
print("\n".join(mcl.report.lines(limit=max_issues)))

# %% [markdown]
# **Meta "Download Your Information"** (an account holder's own export, e.g. donated to a
# study): posts, comments and page likes; reactions are counted, not loaded.

# %%
dyi_path = next((p for p in (fixtures / "meta_dyi", real / "platforms" / "uvacw__osd2f")
                 if p.exists()), None)
if dyi_path is not None:
    dyi = netlib.load(dyi_path)
    print("\n".join(dyi.report.lines(limit=max_issues)))
else:
    dyi = None
    print("no DYI fixture here")

# %% [markdown]
# **Meta threat indicators** (the adversarial-threat reports' indicator files) are a watch
# list: handles, links and hashes to look for, not activity. They feed `--watchlist`.

# %%
indicator_path = next((p for p in (
    *sorted((fixtures / "threat_indicators").glob("*.csv")),
    real / "platforms" / "facebook__threat-research" / "H1_2026_PAKISTAN_BASED_CIB_NETWORK.csv")
    if p.is_file()), None)
if indicator_path is not None:
    indicators = read_threat_indicators(indicator_path)
    print(f"{len(indicators):,} indicators from {indicator_path.name}")
    print("\n".join(indicators.attrs.get("notes", [])))
else:
    indicators = None
    print("no threat-indicator fixture here")

# %% [markdown]
# **CooRTweet multi-modal tables** (one row per post and behaviour: `url_id`, `hashtag_id`,
# `domain_id`, `phash_id`) are merged into one action per post; a tiny table shows it (the
# real German-elections data has 219k such rows).

# %%
multimodal_path = next(iter(sorted((fixtures / "coortweet").glob("multi*.csv"))), None)
if multimodal_path is None:
    multimodal_path = scratch / "multimodal.csv"
    multimodal_path.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
                               "fb_1,10,7,,3,,1630000000\nfb_1,10,,5,,,1630000000\n"
                               "tw_2,11,7,,3,9,1630000010\ntw_2,11,8,,4,,1630000010\n")
multimodal = netlib.load(multimodal_path)
print("\n".join(multimodal.report.lines(limit=max_issues)))

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
         "twarc2": twarc, "Telegram": telegram, "WhatsApp (.txt)": whatsapp,
         "WhatsApp (.zip)": whatsapp_zip, "Telethon": telethon, "CrowdTangle CSV": crowdtangle,
         "CrowdTangle JSON": crowdtangle_api, "Meta Content Library": mcl, "Meta DYI": dyi,
         "CooRTweet multi-modal": multimodal, "broken fixture": broken}
loads = {name: data for name, data in loads.items() if data is not None}
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
