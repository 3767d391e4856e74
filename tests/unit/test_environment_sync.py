"""``environment.yml`` (conda users) mirrors ``pyproject.toml``: the same packages, each with the
same version floor, for the runtime dependencies, every optional extra and Python itself."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"

# name, optional [extras], optional ">= floor"; anything after the floor (",<3", "; markers") is
# ignored. Conda match specs may put a space between name and version ("numpy >=1.26").
SPEC = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:>=\s*(?P<floor>[^\s,;]+))?"
)
# Installs of the project itself allowed in the pip section (never a dependency).
SELF_INSTALLS = {"-e .", "."}


def normalise(name: str) -> str:
    """PyPI/conda name comparison: case-insensitive, ``-``, ``_`` and ``.`` alike."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(spec: str, source: str) -> tuple[str, str | None]:
    match = SPEC.match(spec)
    assert match, f"{source}: cannot read the requirement {spec!r}"
    return normalise(match["name"]), match["floor"]


def floors(specs: list[str], source: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for spec in specs:
        name, floor = parse(spec, source)
        assert name not in out, f"{source}: {name} is listed twice"
        out[name] = floor
    return out


def pyproject_floors() -> dict[str, str | None]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    found = floors(specs, "pyproject.toml")
    python = re.fullmatch(r"\s*>=\s*(\S+)\s*", project["requires-python"])
    assert python, f"pyproject.toml: requires-python {project['requires-python']!r} is not >=X"
    found["python"] = python[1]
    return found


def environment() -> dict:
    return yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))


def environment_floors() -> dict[str, str | None]:
    entries = environment()["dependencies"]
    conda = [entry for entry in entries if isinstance(entry, str)]
    found = floors(conda, "environment.yml")
    found.pop("pip", None)  # the installer for the pip section, not a project dependency
    return found


def test_environment_header() -> None:
    env = environment()
    assert env["name"] == "service-desk-workbench"
    assert env["channels"] == ["conda-forge"]


def test_pip_section_installs_only_the_project() -> None:
    """Dependencies must come from conda-forge; pip may only install the project itself."""
    for entry in environment()["dependencies"]:
        if isinstance(entry, dict):
            assert set(entry) == {"pip"}, f"environment.yml: unexpected section {entry}"
            extra = [item for item in entry["pip"] if item.strip() not in SELF_INSTALLS]
            assert not extra, (
                f"environment.yml: pip installs {extra}; list dependencies as conda packages "
                "(pip may only install the project itself: '-e .')"
            )


def test_same_packages_and_version_floors() -> None:
    wanted, have = pyproject_floors(), environment_floors()
    problems = [
        f"{name}: in pyproject.toml (>={wanted[name]}) but missing from environment.yml"
        for name in sorted(wanted.keys() - have.keys())
    ]
    problems += [
        f"{name}: in environment.yml (>={have[name]}) but not in pyproject.toml"
        for name in sorted(have.keys() - wanted.keys())
    ]
    for name in sorted(wanted.keys() & have.keys()):
        a, b = wanted[name], have[name]
        if a is None or b is None or Version(a) != Version(b):
            problems.append(
                f"{name}: version floor differs: pyproject.toml >={a}, environment.yml >={b}"
            )
    assert not problems, "environment.yml is out of sync with pyproject.toml:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("PyYAML>=6.0", ("pyyaml", "6.0")),
        ("pytest_xdist >= 3.5", ("pytest-xdist", "3.5")),
        ("numpy >=1.26,<3", ("numpy", "1.26")),
        ("service-desk-workbench[dev]>=0.1", ("service-desk-workbench", "0.1")),
        ("pip", ("pip", None)),
    ],
)
def test_parse(spec: str, expected: tuple[str, str | None]) -> None:
    assert parse(spec, "test") == expected
