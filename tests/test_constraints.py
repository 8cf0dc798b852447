"""Installs are reproducible: constraints.txt pins every dependency, at the versions the tests run with."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest

from tests.support import REPO

CONSTRAINTS = REPO / "constraints.txt"
HOW = "regenerate it with scripts/lock.sh, install it with scripts/setup.sh, run the tests, commit it"


def normalized(name: str) -> str:
    """PEP 503 names: Jinja2 is jinja2, lxml_html_clean is lxml-html-clean."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    pinned = {}
    for raw in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            pinned[normalized(name)] = version.strip()
    return pinned


def declared() -> list[str]:
    """Every package pyproject.toml names: the dependencies and every optional extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return [normalized(re.split(r"[\s\[<>=!~;@]", r, maxsplit=1)[0]) for r in requirements]


def test_every_declared_dependency_is_pinned() -> None:
    missing = sorted(set(declared()) - set(pins()))
    assert not missing, f"constraints.txt does not pin {missing}: {HOW}"


def test_the_installed_versions_are_the_pinned_ones() -> None:
    differ = []
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # e.g. a platform-only package; pip check below catches a missing requirement
        if installed != version:
            differ.append(f"{name}: installed {installed}, pinned {version}")
    assert not differ, f"the tests do not run with the pinned versions: {differ}; {HOW}"


def test_installed_packages_have_compatible_dependencies() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    if "No module named pip" in result.stderr:
        pytest.skip("pip is not installed in this environment")
    assert result.returncode == 0, result.stdout + result.stderr
