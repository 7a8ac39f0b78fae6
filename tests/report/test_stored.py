"""`netlib report OUT_DIR`: the briefing rebuilt from an output folder, no analysis re-run."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

import netlib
from netlib import report
from netlib.cli import main
from netlib.io.scenario import write_scenario


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory, tiny_scenario):
    return write_scenario(tiny_scenario, tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="module")
def outputs(scenario_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("outputs")
    clear = base / "clear"
    netlib.pipeline.analyze_path(scenario_dir, clear, report=True, progress=False,
                                 watchlist=scenario_dir / "complaints.csv"
                                 if (scenario_dir / "complaints.csv").is_file() else None)
    hidden = base / "hidden"
    netlib.pipeline.analyze_path(scenario_dir, hidden, report=True, progress=False,
                                 pseudonymize="k3y")
    return clear, hidden


def _names(page: str) -> list[str]:
    return re.findall(r'<h3>Network ([^<:]+):', page)


def test_rebuilt_report_shows_the_same_networks_and_chains(outputs, tmp_path):
    clear, _ = outputs
    folder = shutil.copytree(clear, tmp_path / "out")
    original = (folder / "report.html").read_text(encoding="utf-8")
    (folder / "report.html").unlink()
    page = report.rebuild_report(folder).read_text(encoding="utf-8")
    assert _names(page) == _names(original) and _names(page)
    clusters = pd.read_csv(folder / "clusters.csv")
    assert f"{clusters['cluster_id'].nunique():,} coordinated networks" in page \
        or f"{clusters['cluster_id'].nunique()} coordinated networks" in page
    chains = pd.read_csv(folder / "mirror_chains.csv", dtype=str)
    for chain in chains["chain_id"].unique()[:3]:
        assert f"Chain {chain}:" in page
    assert "Rebuilt from the tables" in page and 'id="fig-network"' in page


def test_every_account_in_the_tables_gets_its_handle(outputs):
    clear, _ = outputs
    stored = report.read_output(clear)
    hubs = pd.read_csv(clear / "hubs.csv", dtype={"account_id": str})
    handles = dict(zip(stored.dataset.accounts["account_id"], stored.dataset.accounts["handle"],
                       strict=True))
    for row in hubs.head(10).itertuples():
        assert handles[row.account_id] == row.handle


def test_pseudonymised_folder_stays_pseudonymised(outputs, scenario_dir, tmp_path):
    _, hidden = outputs
    folder = shutil.copytree(hidden, tmp_path / "hidden")
    page = report.rebuild_report(folder).read_text(encoding="utf-8")
    assert "Pseudonymised" in page
    accounts = netlib.load(scenario_dir).accounts
    clear_handles = [h for h in accounts["handle"].dropna().astype(str) if len(h) > 6]
    assert clear_handles and not [h for h in clear_handles[:200] if f"@{h} (" in page]
    with pytest.raises(netlib.ParameterError, match="pseudonymised"):
        report.read_output(folder, data=netlib.load(scenario_dir))


def test_data_of_another_run_is_refused(outputs, tiny_scenario, tmp_path):
    clear, _ = outputs
    other = netlib.Dataset(accounts=tiny_scenario.dataset.accounts.head(5).copy(),
                           actions=tiny_scenario.dataset.actions.head(5).copy())
    with pytest.raises(netlib.ParameterError, match="not the data this output was made from"):
        report.read_output(clear, data=other)


def test_folder_without_run_json_is_refused(tmp_path):
    with pytest.raises(netlib.ParameterError, match="not a netlib output folder"):
        report.read_output(tmp_path)


def test_cli_report_command(outputs, tmp_path, capsys):
    clear, _ = outputs
    folder = shutil.copytree(clear, tmp_path / "out")
    (folder / "report.html").unlink()
    assert main(["report", str(folder)]) == 0
    assert (folder / "report.html").is_file()
    assert json.loads((folder / "run.json").read_text())["netlib_version"]
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "not a netlib output folder" in capsys.readouterr().err
