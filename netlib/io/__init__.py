"""Readers: the only code in netlib that reads files.

:func:`load` picks the reader from the files it is given (or from ``format=``) and
always returns a validated :class:`~netlib.dataset.Dataset` whose ``report`` counts rows
read, kept and rejected.

=================  ============================================  =========================
format             what it reads                                 reader
=================  ============================================  =========================
``netlib``         folder with accounts.csv, actions.csv         :func:`read_interchange`
``coortweet``      CooRTweet share table (.csv/.parquet/.rda)    :func:`read_coortweet`
``twitter_io``     Twitter IO archive tweet CSVs (plain/hashed)  :func:`read_twitter_io_archive`
``fivethirtyeight``  IRA troll tweets (release or per-author)    :func:`read_fivethirtyeight`
``twarc2``         X API v2 JSON lines (pages or flattened)      :func:`read_twarc2`
``telegram``       Telegram Desktop ``result.json``              :func:`read_telegram_export`
``telethon``       Telegram API messages (Telethon JSON lines)   :func:`read_telethon`
``whatsapp``       WhatsApp chat export (.txt or .zip)           :func:`read_whatsapp`
``crowdtangle``    CrowdTangle CSV/API JSON, CooRnet ct_shares   :func:`read_crowdtangle`
``meta_content_library``  Meta Content Library CSV/JSON          :func:`read_meta_content_library`
``meta_dyi``       Facebook/Instagram "Download Your Information" :func:`read_meta_dyi`
=================  ============================================  =========================

Detection tries the formats in this order and records its choice as the first note of
the report; ``format=`` overrides it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from netlib.dataset import Dataset
from netlib.errors import DataFormatError
from netlib.io.coortweet import looks_like_coortweet, read_coortweet
from netlib.io.crowdtangle import looks_like_crowdtangle, read_crowdtangle
from netlib.io.fivethirtyeight import looks_like_fivethirtyeight, read_fivethirtyeight
from netlib.io.interchange import looks_like_interchange, read_interchange, write_interchange
from netlib.io.meta_content_library import (
    looks_like_meta_content_library,
    read_meta_content_library,
)
from netlib.io.meta_dyi import looks_like_meta_dyi, read_meta_dyi
from netlib.io.outputs import AnalysisOutput, looks_like_analysis_output, read_analysis_output
from netlib.io.telegram import looks_like_telegram, read_telegram_export
from netlib.io.telethon import looks_like_telethon, read_telethon
from netlib.io.threat_indicators import looks_like_threat_indicators, read_threat_indicators
from netlib.io.twarc2 import looks_like_twarc2, read_twarc2
from netlib.io.twitter_io import looks_like_twitter_io, read_twitter_io_archive
from netlib.io.whatsapp import looks_like_whatsapp, read_whatsapp
from netlib.progress import StepProgress, counted

__all__ = ["load", "read_interchange", "write_interchange", "read_twitter_io_archive",
           "read_fivethirtyeight", "read_twarc2", "read_telegram_export", "read_coortweet",
           "read_telethon", "read_whatsapp", "read_crowdtangle",
           "read_threat_indicators", "looks_like_threat_indicators",
           "read_meta_content_library", "read_meta_dyi",
           "AnalysisOutput", "read_analysis_output", "looks_like_analysis_output",
           "FORMATS", "register_format", "detect_format"]

#: name -> (reader, detector). Readers take a path; detectors say if a path is theirs.
FORMATS: dict[str, tuple[Callable[..., Dataset], Callable[[Path], bool]]] = {}


def register_format(name: str, reader: Callable[..., Dataset],
                    detector: Callable[[Path], bool]) -> None:
    """Make a reader available to :func:`load` (detection is tried in registration order)."""
    FORMATS[name] = (reader, detector)


# Detection order matters: the most specific signatures first.
register_format("netlib", read_interchange, looks_like_interchange)
register_format("coortweet", read_coortweet, looks_like_coortweet)
register_format("twitter_io", read_twitter_io_archive, looks_like_twitter_io)
register_format("fivethirtyeight", read_fivethirtyeight, looks_like_fivethirtyeight)
register_format("telethon", read_telethon, looks_like_telethon)
register_format("meta_dyi", read_meta_dyi, looks_like_meta_dyi)
register_format("twarc2", read_twarc2, looks_like_twarc2)
register_format("telegram", read_telegram_export, looks_like_telegram)
register_format("whatsapp", read_whatsapp, looks_like_whatsapp)
register_format("crowdtangle", read_crowdtangle, looks_like_crowdtangle)
register_format("meta_content_library", read_meta_content_library,
                looks_like_meta_content_library)


def detect_format(path: str | Path) -> str | None:
    """Name of the first registered format whose detector accepts ``path``, else None."""
    path = Path(path)
    for name, (_reader, detector) in FORMATS.items():
        try:
            if detector(path):
                return name
        except (OSError, ValueError):
            continue
    return None


def load(path: str | Path, *, format: str | None = None, now: pd.Timestamp | None = None,
         **options) -> Dataset:
    """Load data from ``path`` into a validated Dataset, detecting the format.

    Parameters
    ----------
    path : str or Path
        A folder in the interchange format, or a file/folder of a supported export.
    format : str, optional
        Force a reader (one of ``netlib.io.FORMATS``); otherwise the format is detected
        and the choice is written in ``dataset.report.format`` and its notes.
    now : Timestamp, optional
        Reference time for the "in the future" check.

    Returns
    -------
    Dataset

    Raises
    ------
    DataFormatError
        If the path does not exist, the format cannot be detected, or the data lacks
        required files or columns.
    """
    path = Path(path)
    if format is not None:
        if format not in FORMATS:
            raise DataFormatError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
        return _read(path, format, "chosen by the caller", now=now, **options)
    if not path.exists():
        raise DataFormatError(f"{path}: no such file or folder")
    name = detect_format(path)
    if name is not None:
        return _read(path, name, "detected from the files", now=now, **options)
    raise DataFormatError(
        f"{path}: could not tell the format (expected a folder with accounts.csv and "
        f"actions.csv, or one of: {', '.join(FORMATS)}); pass format= to choose")


def _read(path: Path, name: str, how: str, **options) -> Dataset:
    """Read ``path`` with the reader of format ``name`` (``how``: why that format)."""
    progress = StepProgress(__name__, "load")
    progress.begin(f"{path.name or path} ({name} format)")
    data = FORMATS[name][0](path, **options)
    data.report.notes.insert(0, f"format {name!r} {how}")
    rejected = int(data.report.table()["rejected"].sum())
    progress.done(f"{counted(len(data.accounts), 'account')}, "
                  f"{counted(len(data.actions), 'action')}, {counted(rejected, 'row')} rejected")
    return data
