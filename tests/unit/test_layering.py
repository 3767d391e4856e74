"""The package's layers hold: lower layers never import higher ones, neighbours in a layer do not
import each other, no module imports the public facade ``sim``, and there is no import cycle.

Every import counts, including those inside functions and under ``TYPE_CHECKING``: a type-only
import is still a dependency of the design. The layers are drawn in ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import sim
import sim.plotting

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sim"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"sim.scenario", "sim.queueing"}),
    frozenset({"sim.model", "sim.rostering"}),
    frozenset({"sim.measures"}),
    frozenset({"sim.experiments", "sim.logs"}),
    frozenset({"sim.plotting"}),
    frozenset({"sim.cli", "sim.notebook"}),
)
"""Lowest first. A part may import itself and the parts of lower layers, nothing else."""

FACADE = {"sim", "sim.__main__"}
"""The public API and the ``python -m sim`` entry: above every layer."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def part_of(module: str) -> str:
    """The top-level part (``sim.model``) a module belongs to."""
    return ".".join(module.split(".")[:2])


def imports(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """``(line, imported sim module)`` for every import in a file, wherever it stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "sim" or alias.name.startswith("sim."):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module != "sim" and not node.module.startswith("sim."):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in known else node.module


def layer_of(part: str) -> int:
    for i, layer in enumerate(LAYERS):
        if part in layer:
            return i
    raise AssertionError(f"{part} is in no layer: add it to LAYERS and to docs/architecture.md")


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        if name not in FACADE:
            layer_of(part_of(name))


def test_imports_only_go_down() -> None:
    known = set(modules())
    problems = []
    for name, path in modules().items():
        if name in FACADE:
            continue
        mine = part_of(name)
        for line, target in imports(path, known):
            where = f"{path.relative_to(ROOT)}:{line}: {name} imports {target}"
            if target == "sim":
                problems.append(f"{where} (the public facade; import the defining module)")
                continue
            theirs = part_of(target)
            if theirs == mine:
                continue
            if layer_of(theirs) == layer_of(mine):
                problems.append(f"{where} (neighbours in one layer stay independent)")
            elif layer_of(theirs) > layer_of(mine):
                problems.append(f"{where} (a higher layer)")
    assert not problems, "\n".join(problems)


def test_no_import_cycles() -> None:
    known = set(modules())
    graph = {
        name: {t for _, t in imports(path, known) if t in known and t != name}
        for name, path in modules().items()
        if name not in FACADE
    }
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("part", sorted(set().union(*LAYERS)))
def test_each_part_says_what_it_owns_and_may_import(part: str) -> None:
    path = PACKAGE / part.split(".")[1]
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert re.search(r"\b(may import|imports nothing)\b", doc, re.I), (
        f"{path.relative_to(ROOT)}: the docstring should say what the part may import"
    )


def test_public_names_resolve() -> None:
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    for name in sim.plotting.__all__:
        assert getattr(sim.plotting, name) is not None


def test_notebooks_use_the_public_api() -> None:
    """Templates import ``sim`` and use only its public names, so the layout can change under
    them."""
    for path in sorted((ROOT / "notebooks").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        assert not re.search(r"^\s*from sim\b|^\s*import sim\.", code, re.M), (
            f"{path.name}: import the public API (`import sim`), not the modules behind it"
        )
        for name in re.findall(r"\bsim\.(\w+)", code):
            assert name in sim.__all__, f"{path.name}: sim.{name} is not a public name"
        for name in re.findall(r"\bsim\.plotting\.(\w+)", code):
            assert name in sim.plotting.__all__, f"{path.name}: sim.plotting.{name} is not public"


def test_public_api_lists_agree() -> None:
    """``sim.__all__``, the lazy name table and the imports editors see name the same things."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for imp in ast.walk(node):
                if isinstance(imp, ast.ImportFrom):
                    seen.update({a.name: imp.module for a in imp.names})
    public = dict(sim._PUBLIC)
    assert set(sim.__all__) == set(public) | set(sim._SUBPACKAGES)
    assert seen == public | {name: "sim" for name in sim._SUBPACKAGES}


def test_every_public_name_is_documented() -> None:
    """docs/architecture.md's table of the public API names every public name."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## The public API", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in sim._PUBLIC if f"`{name}`" not in table]
    assert not missing, f"add to docs/architecture.md's public API table: {missing}"
