"""Structuring a facts file: every fact typed by its ``kind``, every problem with its path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from govopen_rules.conversion import structure_as
from govopen_rules.errors import FactsValidationError
from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.model import FactsFile, Unit

__all__ = ["structure_facts_file"]


def structure_facts_file(
    data: object, kinds: Mapping[str, FactKind], source: str = "facts file"
) -> FactsFile:
    """Structure a facts file (a mapping) with every fact typed by its ``kind``.

    Raises :class:`FactsValidationError` listing every problem, each with its path.
    """
    if not isinstance(data, Mapping):
        raise FactsValidationError([f"$: expected a mapping, got {type(data).__name__}"], source)
    errors: list[str] = []
    extra = set(data) - {"unit", "year", "facts", "as_of"}
    if extra:
        errors.append(f"$: unknown field(s) {', '.join(sorted(extra))}")
    unit, problems = structure_as(data.get("unit"), Unit, "unit")
    errors += problems if "unit" in data else ["unit: required field missing"]
    year, problems = structure_as(data.get("year"), int, "year")
    errors += problems if "year" in data else ["year: required field missing"]
    as_of = None
    if data.get("as_of") is not None:
        as_of, problems = structure_as(data["as_of"], dt.date, "as_of")
        errors += problems
    raw_facts = data.get("facts", [])
    facts: list[Any] = []
    if not isinstance(raw_facts, list):
        errors.append("facts: expected a list")
        raw_facts = []
    for index, raw in enumerate(raw_facts):
        fact, problems = _structure_fact(raw, kinds, f"facts[{index}]")
        errors += problems
        facts.append(fact)
    if errors:
        raise FactsValidationError(errors, source)
    assert unit is not None and year is not None
    return FactsFile(unit=unit, year=year, facts=tuple(facts), as_of=as_of)


def _structure_fact(raw: object, kinds: Mapping[str, FactKind], path: str) -> tuple[Any, list[str]]:
    if not isinstance(raw, Mapping):
        return None, [f"{path}: expected a mapping with a 'kind', got {raw!r}"]
    kind_name = raw.get("kind")
    kind = kinds.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        known = ", ".join(sorted(kinds))
        return None, [f"{path}.kind: unknown fact kind {kind_name!r}; known kinds: {known}"]
    body = {k: v for k, v in raw.items() if k != "kind"}
    return structure_as(body, kind.cls, path)
