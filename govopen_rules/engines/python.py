"""The python engine: each fact kind's selections compiled once into one Python function.

The reference evaluator (:mod:`.reference`) walks a condition tree for every fact and selection;
this engine turns the tree into a Python expression once per rubric (``field in f and f[field] <
950000``, regular expressions compiled), and the selections of a fact kind into one function
that appends every match of a fact. Matching a batch is then one call per fact. The semantics
are the reference evaluator's, which tests hold it to (hypothesis-made conditions and facts, and
every rule of every installed rubric against durable-rules).

Values never enter the generated text: each constant is bound by name. A condition the Python
compiler refuses (nested past its limits, as a hostile rubric can be) is matched by the
reference evaluator instead, so no rubric is refused here that the reference evaluator accepts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govopen_rules.engines.protocol import Match
from govopen_rules.engines.reference import matches
from govopen_rules.rubric.compiler import Selection
from govopen_rules.rubric.conditions import All, Any_, Compare, Condition, Exists

__all__ = ["PythonEngine"]

#: Appends (selection, index) for every selection of the kind that the fact meets.
_KindMatcher = Callable[[Mapping[str, object], int, list[Match]], None]
_counter = itertools.count()
_ORDER = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}


class _Source:
    """The generated text of one kind's matcher and the constants it names."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {
            "_isinstance": isinstance,
            "_list": list,
            "_str": str,
            "_int": int,
        }

    def bind(self, value: object) -> str:
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def expression(self, cond: Condition) -> str:
        """A Python expression over the encoded fact ``f`` that is true when ``cond`` holds."""
        if isinstance(cond, All):
            parts = [self.expression(c) for c in cond.items]
            return "(" + " and ".join(parts) + ")" if parts else "True"
        if isinstance(cond, Any_):
            parts = [self.expression(c) for c in cond.items]
            return "(" + " or ".join(parts) + ")" if parts else "False"
        field = self.bind(cond.field)
        if isinstance(cond, Exists):
            return f"({field} in f)" if cond.present else f"({field} not in f)"
        return self._compare(cond, field)

    def _compare(self, cond: Compare, field: str) -> str:
        present = f"{field} in f"
        if cond.op == "contains":
            value = self.bind(cond.value)
            return f"({present} and _isinstance(f[{field}], _list) and {value} in f[{field}])"
        if cond.op == "matches":
            pattern = self.bind(re.compile(str(cond.value)).fullmatch)
            return (
                f"({present} and _isinstance(f[{field}], _str) "
                f"and {pattern}(f[{field}]) is not None)"
            )
        value = self.bind(cond.value)
        if cond.op in ("eq", "ne"):
            operator = "==" if cond.op == "eq" else "!="
            return f"({present} and f[{field}] {operator} {value})"
        # Ordered comparisons are between whole numbers (decimals and dates are encoded so);
        # a value of another type never matches.
        number = f"_isinstance(f[{field}], _int)"
        return f"({present} and {number} and f[{field}] {_ORDER[cond.op]} {value})"


def _compiled(selections: Sequence[tuple[str, tuple[Condition, ...]]]) -> _KindMatcher:
    """One function for a kind's selections; the reference evaluator for any selection whose
    condition the Python compiler refuses."""
    source = _Source()
    lines = ["def match(f, index, out):"]
    for name, conditions in selections:
        label = source.bind(name)
        try:
            test = " and ".join(source.expression(c) for c in conditions) or "True"
            compile(test, "<condition>", "eval")
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            check = source.bind(_interpreted(conditions))
            test = f"{check}(f)"
        lines.append(f"    if {test}:")
        lines.append(f"        out.append(({label}, index))")
    lines.append("    return None")
    filename = f"<govopen_rules python engine {next(_counter)}>"
    exec(compile("\n".join(lines) + "\n", filename, "exec"), source.names)  # the text above
    matcher: _KindMatcher = source.names["match"]
    return matcher


def _interpreted(conditions: tuple[Condition, ...]) -> Callable[[Mapping[str, object]], bool]:
    def check(fact: Mapping[str, object]) -> bool:
        return all(matches(c, fact) for c in conditions)

    return check


class PythonEngine:
    """A :class:`~govopen_rules.engines.protocol.RuleEngine` in plain Python: selections
    compiled per fact kind when the engine is built."""

    def __init__(self, selections: Mapping[str, Selection]) -> None:
        by_kind: dict[str, list[tuple[str, tuple[Condition, ...]]]] = {}
        for name, selection in selections.items():
            by_kind.setdefault(selection.kind, []).append((name, selection.conditions))
        self._by_kind = {kind: _compiled(found) for kind, found in by_kind.items()}

    def match(self, facts: Sequence[Mapping[str, object]], *, check: bool = True) -> list[Match]:
        """Every (selection, fact index) pair whose conditions all hold, in fact order."""
        out: list[Match] = []
        by_kind = self._by_kind
        for index, fact in enumerate(facts):
            kind = fact.get("kind")
            matcher = by_kind.get(kind if type(kind) is str else str(kind))
            if matcher is not None:
                matcher(fact, index, out)
        return out

    def close(self) -> None:
        """Nothing to free."""
