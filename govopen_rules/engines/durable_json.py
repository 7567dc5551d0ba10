"""The durable-rules JSON dialect: a selection's condition as the engine's ``m`` expression.

Pure data, no C extension: what the rubric compiler's selections become inside
:class:`govopen_rules.engines.durable.DurableEngine`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govopen_rules.rubric.compiler import Selection
from govopen_rules.rubric.conditions import All, Any_, Condition, Exists

__all__ = ["compile_condition", "compile_selections"]

_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


def compile_condition(cond: Condition) -> dict[str, Any]:
    """The durable-rules JSON for ``cond`` (to be put inside a ``$and`` with the kind test)."""
    if isinstance(cond, All):
        return {"$and": [compile_condition(c) for c in cond.items]}
    if isinstance(cond, Any_):
        return {"$or": [compile_condition(c) for c in cond.items]}
    if isinstance(cond, Exists):
        return {("$ex" if cond.present else "$nex"): {cond.field: 1}}
    if cond.op == "eq":
        return {cond.field: cond.value}
    if cond.op == "contains":
        return {"$iany": {cond.field: {"$i": cond.value}}}
    if cond.op == "matches":
        return {"$mt": {cond.field: cond.value}}
    return {_DURABLE_OP[cond.op]: {cond.field: cond.value}}


def compile_selections(selections: Mapping[str, Selection]) -> dict[str, dict[str, Any]]:
    """One durable-rules rule body per selection: the kind test, then each condition."""
    out: dict[str, dict[str, Any]] = {}
    for name, selection in selections.items():
        parts: list[dict[str, Any]] = [{"kind": selection.kind}]
        parts += [compile_condition(c) for c in selection.conditions]
        out[name] = {"$and": parts}
    return out
