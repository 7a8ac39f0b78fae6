"""Reader for Meta Content Library (MCL) exports of Facebook and Instagram posts.

MCL writes one row per post with dotted columns (CSV) or nested objects (JSON):
``id, creation_time, text, post_owner.{type,id,name,username}``,
``surface.{type,id,name,username}`` (Facebook: the page, group or profile the post is
on), ``link_attachment.{link,name,caption,description}``, ``shared_post_id``,
``statistics.{like,share,comment,...}_count``, ``statistics.views``, ``mcl_url``,
``content_type``, ``lang``, ``is_branded_content``, ``multimedia``.

No public MCL sample exists; the columns follow the CSDS pre-processor's documentation
(fabiogiglietto/csds-preprocessor) and its TypeScript row type.

Mapping: the post's owner is the account (``account="surface"`` takes the surface
instead, e.g. to study groups); a post with ``shared_post_id`` is a ``repost`` of that
post (``object_id``, so that shares of one post are one object); other posts are
``post`` with the attached link as ``urls`` and ``object_id``. The platform is
``instagram`` when ``mcl_url`` points to instagram.com or the post has no surface
columns, else ``facebook`` (``platform=`` overrides).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from netlib.dataset import Dataset, validate_tables
from netlib.errors import DataFormatError
from netlib.io._common import extract_hashtags
from netlib.io._files import read_table, sha256_file
from netlib.loadreport import LoadReport
from netlib.schema import (
    ACCOUNT_ID,
    ACTION_ID,
    DISPLAY_NAME,
    HANDLE,
    HASHTAGS,
    KIND,
    OBJECT_ID,
    PLATFORM,
    TEXT,
    TIMESTAMP,
    URLS,
)

__all__ = ["read_meta_content_library", "looks_like_meta_content_library"]

_SIGNATURE = ("creation_time",)
_OWNER = ("post_owner.id", "surface.id")


def looks_like_meta_content_library(path: Path) -> bool:
    """True for a CSV with ``creation_time`` and ``post_owner.id``/``surface.id`` columns,
    or a JSON file holding ``creation_time`` and ``post_owner``/``surface`` objects."""
    path = Path(path)
    if not path.is_file():
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(8192)
    if path.suffix.lower() == ".json":
        return '"creation_time"' in head and ('"post_owner' in head or '"surface' in head)
    if path.suffix.lower() not in (".csv", ".tsv"):
        return False
    names = {c.strip().strip('"') for c in head.splitlines()[0].split(",")} if head else set()
    return "creation_time" in names and bool(names & set(_OWNER))


def read_meta_content_library(path: str | Path, *, account: str = "post_owner",
                              platform: str | None = None,
                              now: pd.Timestamp | None = None) -> Dataset:
    """Load a Meta Content Library CSV or JSON export as a Dataset.

    Parameters
    ----------
    path : str or Path
        The exported file.
    account : {"post_owner", "surface"}
        Whose account a post is: its owner (default) or the surface it was posted on.
    platform : {"facebook", "instagram"}, optional
        Force the platform (default: from ``mcl_url``, else from the columns).
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset
        Actions carry ``surface_id``, ``surface_name``, ``shared_post_id``,
        ``mcl_url``, ``content_type`` and ``statistics.*`` where present.

    Raises
    ------
    DataFormatError
        If the file is missing, empty, not readable, or lacks ``id``,
        ``creation_time`` or the chosen account's ``.id`` column.

    Examples
    --------
    >>> data = read_meta_content_library("mcl_export.csv")  # doctest: +SKIP
    """
    if account not in ("post_owner", "surface"):
        raise DataFormatError(f"account={account!r} must be 'post_owner' or 'surface'")
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"{path}: file not found (expected a Meta Content Library "
                              "export)")
    if path.stat().st_size == 0:
        raise DataFormatError(f"{path.name}: file is empty")
    name = path.name
    report = LoadReport(format="meta_content_library")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as err:
            raise DataFormatError(f"{name}: not valid JSON ({err})") from err
        if isinstance(data, dict):
            data = data.get("data", data.get("posts", [data]))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DataFormatError(f"{name}: expected a list of post objects")
        frame = pd.json_normalize(data, sep=".")
    else:
        frame = read_table(path, report)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise DataFormatError(f"{name}: the file has a header but no posts")
    key = f"{account}.id"
    missing = [c for c in ("id", "creation_time", key) if c not in frame.columns]
    if missing:
        raise DataFormatError(
            f"{name}: missing Meta Content Library column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {', '.join(frame.columns) or '(none)'})")

    def col(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(None, index=frame.index, dtype=object)
        text = frame[column].astype("string").str.strip()
        return text.mask(text == "").astype(object).where(lambda s: s.notna(), None)

    mcl_url = col("mcl_url")
    if platform is not None:
        platforms = pd.Series(platform.lower(), index=frame.index)
    else:
        default = "facebook" if "surface.id" in frame.columns else "instagram"
        host = mcl_url.fillna("").str.lower()
        platforms = pd.Series(np.where(host.str.contains("instagram"), "instagram",
                                       np.where(host.str.contains("facebook"), "facebook",
                                                default)), index=frame.index)
    shared = col("shared_post_id")
    link = col("link_attachment.link")
    text = col("text")
    actions = pd.DataFrame({
        ACTION_ID: col("id"),
        ACCOUNT_ID: col(key),
        TIMESTAMP: col("creation_time"),
        KIND: np.where(shared.notna(), "repost", "post"),
        PLATFORM: platforms,
        OBJECT_ID: shared.where(shared.notna(), link),
        TEXT: text,
        URLS: link,
        HASHTAGS: extract_hashtags(text.fillna("")),
        "surface_id": col("surface.id"),
        "surface_name": col("surface.name"),
        "shared_post_id": shared,
        "mcl_url": mcl_url,
        "content_type": col("content_type"),
    })
    for column in frame.columns:
        if column.startswith("statistics."):
            actions[column] = pd.to_numeric(frame[column], errors="coerce")
    report.add_file("actions", name, len(actions), sha256=sha256_file(path))
    first = pd.DataFrame({ACCOUNT_ID: actions[ACCOUNT_ID], PLATFORM: platforms,
                          "username": col(f"{account}.username"),
                          "name": col(f"{account}.name"),
                          "account_type": col(f"{account}.type")}
                         ).dropna(subset=[ACCOUNT_ID]).drop_duplicates(ACCOUNT_ID)
    accounts = pd.DataFrame({
        ACCOUNT_ID: first[ACCOUNT_ID].to_numpy(),
        PLATFORM: first[PLATFORM].to_numpy(),
        HANDLE: first["username"].where(first["username"].notna(),
                                        first["name"].where(first["name"].notna(),
                                                            first[ACCOUNT_ID])).to_numpy(),
        DISPLAY_NAME: first["name"].to_numpy(),
        "account_type": first["account_type"].to_numpy(),
    })
    report.add_file("accounts", f"{name} ({account} accounts)", len(accounts))
    report.notes.append(
        f"Meta Content Library: {len(actions):,} posts by {len(accounts):,} {account} "
        f"accounts; {int(shared.notna().sum()):,} shares of another post (kind 'repost', "
        f"object = shared_post_id), {int(link.notna().sum()):,} with a link (urls)")
    return validate_tables({"accounts": accounts, "actions": actions, "follows": None},
                           files={"accounts": report.files["accounts"]["file"],
                                  "actions": name},
                           source=str(path), report=report, now=now)
