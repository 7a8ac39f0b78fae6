"""The ban-evasion pair reader."""

from __future__ import annotations

import pytest

from netlib import DataFormatError
from netlib.io.ban_evasion import read_ban_evasion


def test_reads_every_meta_file(realdata):
    tables = read_ban_evasion(realdata / "wiki_ban_evasion")
    assert sorted(tables) == ["evasion_pairs_meta.csv", "task1_matched_pairs_meta.csv",
                              "task2_matched_pairs_meta.csv", "task3a_matched_pairs_meta.csv"]
    assert all(len(frame) == 9 for frame in tables.values())
    assert "child-username" in tables["task2_matched_pairs_meta.csv"].columns


def test_missing_folder_and_empty_folder_are_clear_errors(tmp_path):
    with pytest.raises(DataFormatError, match="folder not found"):
        read_ban_evasion(tmp_path / "nope")
    with pytest.raises(DataFormatError, match=r"no \*_meta.csv files"):
        read_ban_evasion(tmp_path)
