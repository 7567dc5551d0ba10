"""Rule libraries checked when they load: every rule read and compiled against the fact kinds.

A library rule is only data until a rubric includes it, so its mistakes (an unknown field, a
deadline on a field that is not a date) would otherwise surface in every rubric that includes
it. Checking compiles a rubric that holds each library rule once
(:func:`~govopen_rules.rubric.compose.library_rubric_data`), and reports the problems with the
paths of the library file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from govopen_rules.errors import RubricError
from govopen_rules.facts.kinds import FactKind
from govopen_rules.rubric.compiler import compile_rubric
from govopen_rules.rubric.compose import (
    RuleLibrary,
    library_problem,
    library_rubric_data,
    load_library,
)
from govopen_rules.rubric.files import structure_rubric
from govopen_rules.rubric.model import Rubric

__all__ = ["library_rubric", "load_checked_library"]


def library_rubric(library: RuleLibrary) -> Rubric:
    """A rubric of every rule in ``library`` (no points where the library gives none)."""
    return structure_rubric(library_rubric_data(library), library.source)


def load_checked_library(path: Path | str, kinds: Mapping[str, FactKind]) -> RuleLibrary:
    """Read a library file and check its rules; :class:`RubricError` names the file and the
    path of each problem in it."""
    library = load_library(path)
    try:
        compile_rubric(library_rubric(library), kinds, source=library.source)
    except RubricError as exc:
        raise RubricError([library_problem(e) for e in exc.errors], library.source) from None
    return library
