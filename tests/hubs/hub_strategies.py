"""Hypothesis strategies shared by the hub tests."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

#: Account ids whose string order differs from their natural or case-folded order.
IDS = ["a", "b", "B", "c", "é", "zz", "10", "9"]


@st.composite
def pair_frames(draw, min_rows: int = 0) -> pd.DataFrame:
    """Co-action rows ``object_id, account_id, account_id_y, time_delta, trace``."""
    n = draw(st.integers(min_rows, 40))
    rows = draw(st.lists(st.tuples(st.sampled_from(["o1", "o2", "o3", "o4"]),
                                   st.sampled_from(IDS), st.sampled_from(IDS),
                                   st.integers(0, 50), st.sampled_from(["text", "share"])),
                         min_size=n, max_size=n))
    frame = pd.DataFrame(rows, columns=["object_id", "account_id", "account_id_y",
                                        "time_delta", "trace"])
    frame["time_delta"] = frame["time_delta"].astype(float)
    return frame
