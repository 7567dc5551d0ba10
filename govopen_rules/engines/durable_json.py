"""The durable-rules JSON dialect: a selection's condition as the engine's ``m`` expression.

Pure data, no C extension: what the rubric compiler's selections become inside
:class:`govopen_rules.engines.durable.DurableEngine`.

A ``matches`` condition is never given to durable-rules: its regular expressions are a dialect
of its own (anchors, ``\\d``, ``\\.``, ``(?i)`` and back-references matched nothing where Python
matches; a range of CJK characters, ``[一-龥]``, crashed the process; a pattern or a text past
64 KiB wraps its 16-bit length). Each distinct (field, pattern) becomes a :class:`Probe`: the
pattern is tried in Python on the encoded text, as the python engine tries it, and the
engine compares the outcome, a true or false field the adapter adds to every fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from govopen_rules.rubric.compiler import Selection
from govopen_rules.rubric.conditions import All, Any_, Condition, Exists

__all__ = ["Probe", "compile_condition", "compile_selections"]

_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


@attrs.frozen
class Probe:
    """A regular expression tried in Python: ``name`` is the field the adapter adds to each
    fact of ``kind`` holding a text ``field``, true when the whole text matches ``pattern``."""

    name: str
    kind: str
    field: str
    pattern: str
    fullmatch: Callable[[str], object] = attrs.field(eq=False, repr=False)


#: Probe fields begin with a character no fact field name has (fields are identifiers).
PROBE_PREFIX = "~re"


def compile_condition(
    cond: Condition, probes: dict[tuple[str, str, str], Probe] | None = None, kind: str = ""
) -> dict[str, Any]:
    """The durable-rules JSON for ``cond`` (to be put inside a ``$and`` with the test of
    ``kind``).

    ``probes`` collects the regular expressions tried in Python (a ``matches`` condition
    needs it)."""
    if isinstance(cond, All):
        return {"$and": [compile_condition(c, probes, kind) for c in cond.items]}
    if isinstance(cond, Any_):
        return {"$or": [compile_condition(c, probes, kind) for c in cond.items]}
    if isinstance(cond, Exists):
        return {("$ex" if cond.present else "$nex"): {cond.field: 1}}
    if cond.op == "eq":
        return {cond.field: cond.value}
    if cond.op == "contains":
        return {"$iany": {cond.field: {"$i": cond.value}}}
    if cond.op == "matches":
        if probes is None:
            raise ValueError("a 'matches' condition is tried in Python: give probes")
        key = (kind, cond.field, str(cond.value))
        probe = probes.get(key)
        if probe is None:
            name = f"{PROBE_PREFIX}{len(probes)}"
            probe = Probe(name, kind, cond.field, key[2], re.compile(key[2]).fullmatch)
            probes[key] = probe
        return {probe.name: True}
    return {_DURABLE_OP[cond.op]: {cond.field: cond.value}}


def compile_selections(
    selections: Mapping[str, Selection],
) -> tuple[dict[str, dict[str, Any]], tuple[Probe, ...]]:
    """One durable-rules rule body per selection (the kind test, then each condition), and the
    regular expressions the adapter tries in Python for them."""
    out: dict[str, dict[str, Any]] = {}
    probes: dict[tuple[str, str, str], Probe] = {}
    for name, selection in selections.items():
        parts: list[dict[str, Any]] = [{"kind": selection.kind}]
        parts += [compile_condition(c, probes, selection.kind) for c in selection.conditions]
        out[name] = {"$and": parts}
    return out, tuple(probes.values())
