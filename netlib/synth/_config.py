"""Fixed constants and difficulty presets of the scenario generator."""

from __future__ import annotations

import pandas as pd

#: First instant of the simulated window (a Monday, so day 0 is a weekday).
START = pd.Timestamp("2025-01-06T00:00:00Z")
#: Length of the simulated window in days.
DAYS = 90
#: Reference "now" used when validating the generated dataset.
NOW = pd.Timestamp("2025-04-10T00:00:00Z")
START_S = int(START.value // 10**9)
END_S = START_S + DAYS * 86_400
DAY = 86_400
HOUR = 3_600

PLATFORMS = ("x", "facebook", "instagram", "telegram", "whatsapp")
#: Share of organic accounts per platform.
ORGANIC_PLATFORM_WEIGHTS = (0.42, 0.26, 0.17, 0.10, 0.05)
#: Platforms where re-sharing is called a forward rather than a repost.
FORWARD_PLATFORMS = ("telegram", "whatsapp")

#: Organic population by UTC offset (hours) and share.
ORGANIC_ZONES = (
    (-8.0, 0.07), (-6.0, 0.06), (-5.0, 0.17), (-3.0, 0.06), (0.0, 0.13), (1.0, 0.14),
    (2.0, 0.05), (3.0, 0.08), (4.0, 0.02), (5.0, 0.03), (5.5, 0.06), (7.0, 0.03),
    (8.0, 0.05), (9.0, 0.03), (10.0, 0.02),
)
#: UTC offsets a planted network may work in.
NETWORK_ZONES = (-8.0, -6.0, -5.0, -3.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.5, 7.0, 8.0, 9.0,
                 10.0)

#: Knobs per difficulty. Rates are per day of the window; fractions in [0, 1].
#:
#: viral_per_day, viral_size   organic viral bursts per day (x scale); min/max reshares each
#: fan_groups                  celebrities whose fans reshare their posts within minutes
#: hashtag_events              live events: many accounts post a new hashtag within minutes
#: outlets, syndicated_links   news outlets; wire links they post within minutes of each other
#: lag_sigma, late_share       log-spread of amplification lags; share reshared hours later
#: participation               Beta(a, b) of each amplifier's share of operator posts it boosts
#: copy_fraction               range of a network's share of copies (vs reshares)
#: mirror_rate                 share of suspended members that get a successor
#: reuse_profile, reuse_avatar how often a successor keeps name/bio/link and avatar hash
#: fresh_handle                share of successors with an unrelated handle
#: fresh_keeps_profile         ... of which keep at least one of avatar, name or bio
#: announce                    share of successors whose first post announces the return
#: camouflage                  organic posts an amplifier reshares (x 40 over the window)
#: filler                      (own posts per amplifier over the window, share in office hours)
#: operator_takedown           chance per wave that an operator is suspended (and mirrored)
#: second_wave                 chance of a second takedown wave per network
#: lookalike_families          organic families of near-identical handles (x scale)
#: shift_noise                 chance a copy's image hash has a bit or two flipped
DIFFICULTY = {
    "easy": dict(
        viral_per_day=1.0, viral_size=(20, 250), fan_groups=1, hashtag_events=8,
        outlets=6, syndicated_links=150, lag_sigma=0.5, late_share=0.01,
        participation=(6.0, 6.0), copy_fraction=(0.05, 0.25), mirror_rate=0.85,
        reuse_profile=0.8, reuse_avatar=0.8, fresh_handle=0.05,
        fresh_keeps_profile=1.0, announce=0.6, camouflage=0.05,
        filler=(8, 0.6), operator_takedown=0.0, second_wave=0.6, lookalike_families=60,
        shift_noise=0.1,
    ),
    "medium": dict(
        viral_per_day=3.0, viral_size=(20, 600), fan_groups=3, hashtag_events=25,
        outlets=10, syndicated_links=350, lag_sigma=0.9, late_share=0.04,
        participation=(3.5, 6.0), copy_fraction=(0.15, 0.55), mirror_rate=0.7,
        reuse_profile=0.55, reuse_avatar=0.55, fresh_handle=0.15,
        fresh_keeps_profile=1.0, announce=0.3, camouflage=0.15,
        filler=(20, 0.8), operator_takedown=0.25, second_wave=0.8, lookalike_families=150,
        shift_noise=0.2,
    ),
    "hard": dict(
        viral_per_day=6.0, viral_size=(20, 900), fan_groups=6, hashtag_events=50,
        outlets=14, syndicated_links=600, lag_sigma=1.3, late_share=0.10,
        participation=(2.0, 6.0), copy_fraction=(0.35, 0.8), mirror_rate=0.6,
        reuse_profile=0.3, reuse_avatar=0.3, fresh_handle=0.25,
        fresh_keeps_profile=0.8, announce=0.12, camouflage=0.3,
        filler=(40, 0.9), operator_takedown=0.5, second_wave=1.0, lookalike_families=300,
        shift_noise=0.3,
    ),
}
