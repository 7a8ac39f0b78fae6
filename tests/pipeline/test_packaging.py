"""pyproject.toml, requirements.lock and environment.yml must agree."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert match, f"requirements.lock: line is not an exact pin: {line!r}"
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_every_dependency_is_pinned_in_the_lock_within_its_range():
    pins = _lock()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not pinned in requirements.lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {req.name}=={pins[name]}, outside pyproject's {req.specifier}")


def test_lock_does_not_pin_netlib_itself():
    assert "netlib" not in _lock()


def test_environment_yml_installs_the_lock_and_the_package():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*-r requirements\.lock\s*$", text, re.M)
    assert re.search(r"^\s*-\s*-e \.\s*$", text, re.M)
    python = re.search(r"^\s*-\s*python\s*=\s*([0-9.]+)", text, re.M)
    assert python, "environment.yml must pin a python version"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(requires).contains(python.group(1)), (
        f"environment.yml python {python.group(1)} does not satisfy requires-python {requires}")


def test_console_script_is_declared():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["netlib"] == "netlib.cli:main"


def test_notebooks_are_percent_scripts_and_ipynb_are_ignored():
    notebooks = sorted((ROOT / "notebooks").glob("*.py"))
    assert notebooks, "no notebooks found"
    for nb in notebooks:
        head = nb.read_text()[:600]
        assert "format_name: percent" in head, f"{nb.name} is not a jupytext percent notebook"
        assert "kernelspec" in head, f"{nb.name} has no kernelspec (papermill needs one)"
    assert "notebooks/*.ipynb" in (ROOT / ".gitignore").read_text()
