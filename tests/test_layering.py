"""The package's layers: a lower layer never imports a higher one, and no name shadows Python's.

The table is the one in ``docs/architecture.md``. Imports under ``if TYPE_CHECKING:`` are for
annotations only and are not counted.
"""

from __future__ import annotations

import ast
import builtins
import sys
from pathlib import Path

import pytest

import govopen_rules

PACKAGE = Path(govopen_rules.__file__).parent

#: Each top-level part of the package and its layer. A module may import its own part and any
#: part of a lower layer; parts on the same layer do not know each other.
LAYERS = {
    "errors": 0,
    "exact": 0,
    "_version": 0,
    "serialising": 0,
    "archives": 0,
    "bounded": 0,
    "conversion": 1,
    "workdays": 1,
    "facts": 2,
    "annual_reports": 3,
    "rubric": 3,
    "engines": 4,
    "plugins": 5,
    "evaluation": 6,
    "reports": 7,
    "cli": 8,
    "testing": 8,
    "__init__": 9,
    "__main__": 9,
}


def _part(module: str) -> str:
    """``govopen_rules.facts.model`` → ``facts``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path, package: Path) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    return ".".join(relative.parts)


def _runtime_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """Every ``govopen_rules`` import outside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "govopen_rules":
                found += [(node.lineno, f"govopen_rules.{a.name}") for a in node.names]
            elif node.module.startswith("govopen_rules."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name) for a in node.names if a.name.startswith("govopen_rules.")
            ]
    return found


def layering_violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        own = _part(module)
        if own not in LAYERS:
            problems.append(f"{module}: part {own!r} has no layer (add it to LAYERS and the docs)")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, imported in _runtime_imports(tree):
            other = _part(imported)
            if other == own:
                continue
            if other not in LAYERS:
                problems.append(f"{module}:{line} imports unknown part {imported}")
            elif LAYERS[other] >= LAYERS[own]:
                problems.append(
                    f"{module}:{line} (layer {LAYERS[own]}, {own}) imports {imported} "
                    f"(layer {LAYERS[other]}, {other})"
                )
    return problems


def test_no_lower_layer_imports_a_higher_one() -> None:
    assert layering_violations() == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    fake = tmp_path / "govopen_rules"
    (fake / "facts").mkdir(parents=True)
    (fake / "facts" / "model.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from govopen_rules.evaluation.results import Verdict\n"
        "if TYPE_CHECKING:\n    from govopen_rules.rubric.model import Rubric\n",
        encoding="utf-8",
    )
    (fake / "rubric.py").write_text(
        "from govopen_rules.annual_reports import x\n", encoding="utf-8"
    )
    problems = layering_violations(fake)
    assert any("facts.model:2" in p and "evaluation" in p for p in problems), problems
    assert not any("facts.model:4" in p for p in problems), problems  # annotations only
    assert any("rubric:1" in p and "annual_reports" in p for p in problems), problems  # same layer


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.stem)
def test_no_module_shadows_the_standard_library_or_a_builtin(path: Path) -> None:
    names = {path.stem} | ({path.parent.name} if path.stem == "__init__" else set())
    names -= {"__init__", "__main__"}
    shadowed = names & (set(sys.stdlib_module_names) | set(dir(builtins)))
    assert not shadowed, f"{path.relative_to(PACKAGE)} shadows {shadowed}"
