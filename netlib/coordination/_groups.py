"""Helpers shared by the split-half confirmation and the cluster steps of ``detect``."""

from __future__ import annotations

import pandas as pd

from netlib.coordination.clusters import partition
from netlib.schema import ACCOUNT_ID, ACCOUNT_ID_Y, CLUSTER_ID

__all__ = ["linked_groups", "components_of_groups"]


def linked_groups(strong: pd.DataFrame, labels: pd.Series, min_links: int) -> pd.Series:
    """Group clusters joined by at least ``min_links`` significant edges (components)."""
    if labels.empty:
        return labels.rename("group_id")
    a = strong[ACCOUNT_ID].map(labels)
    b = strong[ACCOUNT_ID_Y].map(labels)
    links = pd.DataFrame({"x": a, "y": b}).dropna()
    links = links[links["x"] != links["y"]].astype(int)
    links = pd.DataFrame({"x": links.min(axis=1), "y": links.max(axis=1)})
    counts = links.value_counts()
    counts = counts[counts >= max(int(min_links), 1)] if min_links else counts.iloc[:0]
    nodes = sorted(set(labels.astype(int)))
    frame = pd.DataFrame({ACCOUNT_ID: [str(x) for x, _ in counts.index] + [str(n) for n in nodes],
                          ACCOUNT_ID_Y: [str(y) for _, y in counts.index]
                          + [str(n) for n in nodes]})
    comp = partition(frame.assign(weight=1.0), method="components")
    return labels.map(lambda c: int(comp[str(int(c))])).rename("group_id")


def components_of_groups(members: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Accounts that share a group (rows of ``members`` grouped by ``keys``), as components.

    Returns
    -------
    Series
        Component label (``cluster_id``) by account id; empty when there are no members.
    """
    links = []
    for _, sub in members.groupby(keys):
        ids = sorted(sub[ACCOUNT_ID])
        links += list(zip(ids[:-1], ids[1:], strict=True)) + [(i, i) for i in ids]
    if not links:
        return pd.Series(dtype=int, name=CLUSTER_ID)
    frame = pd.DataFrame(links, columns=[ACCOUNT_ID, ACCOUNT_ID_Y]).assign(weight=1.0)
    return partition(frame, method="components")
