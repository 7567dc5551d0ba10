"""A plain-Python engine for the condition grammar: the oracle durable-rules is tested against.

It mirrors the documented semantics, not durable-rules' code: a missing field makes every
comparison false; regular expressions must match the whole string. Tests generate facts and
conditions with hypothesis and require this evaluator and the engine to agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from govopen_rules.engines.protocol import Match
from govopen_rules.rubric.compiler import Selection
from govopen_rules.rubric.conditions import All, Any_, Compare, Condition, Exists

__all__ = ["ReferenceEngine", "matches"]


def matches(cond: Condition, fact: Mapping[str, object]) -> bool:
    """Whether the encoded ``fact`` satisfies ``cond``."""
    if isinstance(cond, All):
        return all(matches(c, fact) for c in cond.items)
    if isinstance(cond, Any_):
        return any(matches(c, fact) for c in cond.items)
    if isinstance(cond, Exists):
        return (cond.field in fact) == cond.present
    return _compare(cond, fact)


def _compare(cond: Compare, fact: Mapping[str, object]) -> bool:
    if cond.field not in fact:
        return False
    actual = fact[cond.field]
    expected = cond.value
    if cond.op == "contains":
        return isinstance(actual, list) and expected in actual
    if cond.op == "matches":
        return isinstance(actual, str) and re.fullmatch(str(expected), actual) is not None
    if cond.op == "eq":
        return actual == expected
    if cond.op == "ne":
        return actual != expected
    assert isinstance(actual, int) and isinstance(expected, int)
    if cond.op == "lt":
        return actual < expected
    if cond.op == "le":
        return actual <= expected
    if cond.op == "gt":
        return actual > expected
    return actual >= expected


class ReferenceEngine:
    """A :class:`~govopen_rules.engines.protocol.RuleEngine` built on :func:`matches`."""

    def __init__(self, selections: Mapping[str, Selection]) -> None:
        self._by_kind: dict[str, list[tuple[str, tuple[Condition, ...]]]] = {}
        for name, selection in selections.items():
            self._by_kind.setdefault(selection.kind, []).append((name, selection.conditions))

    def match(self, facts: Sequence[Mapping[str, object]], *, check: bool = True) -> list[Match]:
        """Every (selection, fact index) pair whose conditions all hold."""
        out: list[Match] = []
        for index, fact in enumerate(facts):
            for name, conditions in self._by_kind.get(str(fact.get("kind")), ()):
                if all(matches(c, fact) for c in conditions):
                    out.append((name, index))
        return out

    def close(self) -> None:
        """Nothing to free."""
