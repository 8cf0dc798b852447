"""The layout stays what issue 13 made it: no import cycles between sitegen's modules, small modules and
classes (no god object), and the stages reached by the dev server only through build.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sitegen"
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 150
# the pipeline's stages: only build.py runs them (the dev server asks build.py)
STAGES = {"sitegen.config", "sitegen.validate", "sitegen.graph", "sitegen.search", "sitegen.write"}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


MODULES = _modules()


def _imports(name: str, tree: ast.Module) -> set[str]:
    deps: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            if node.module == "sitegen":
                deps |= {f"sitegen.{a.name}" for a in node.names}
            else:
                deps.add(node.module)
        elif isinstance(node, ast.Import):
            deps |= {a.name for a in node.names if a.name.startswith("sitegen")}
    # a package's __init__ re-exporting its own submodules is not a cycle
    return {
        d
        for d in deps
        if d in MODULES and d != name and not d.startswith(name + ".") and not name.startswith(d + ".")
    }


def test_no_import_cycles() -> None:
    graph = {name: _imports(name, tree) for name, tree in MODULES.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[str] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycles.append(" → ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_classes_stay_small(name: str) -> None:
    tree = MODULES[name]
    lines = max((getattr(n, "end_lineno", 0) or 0) for n in ast.walk(tree)) if tree.body else 0
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines: split it by what its parts do"
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"{name}.{node.name} has {size} lines"


def test_the_dev_server_runs_no_stage_itself() -> None:
    for name, tree in MODULES.items():
        if name.startswith("sitegen.serve"):
            assert not (_imports(name, tree) & STAGES), name
