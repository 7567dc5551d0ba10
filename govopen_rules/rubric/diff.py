"""What changed between two rubrics: a region's 2021 rubric against its 2020 one, say.

Both are compared as loaded (ids in full, citations with their documents, ``extends`` and
``include`` resolved), so the diff shows what scores differently, not how the files are written.
Areas and indicators are matched by code, rules by id, parameters and deadlines by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from govopen_rules.rubric.model import Area, Indicator, Rubric, Rule

__all__ = ["Change", "diff_rubrics", "render_diff"]

ChangeKind = Literal["added", "removed", "changed"]
_SIGN = {"added": "+", "removed": "-", "changed": "~"}
#: Rubric fields compared one by one (the rest are compared entry by entry).
_HEADER = ("id", "region", "year", "version", "title", "points", "unit_kinds", "source",
           "grades", "veto_grade", "bonus_cap", "cohort")  # fmt: skip


@attrs.frozen(kw_only=True)
class Change:
    """One difference: what (``rule xuanwei.c5.late_submission``), how, and the detail."""

    what: str
    kind: ChangeKind
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{_SIGN[self.kind]} {self.what}{detail}"


def _plain(value: object) -> str:
    """A value as a rubric file would write it: ``{mode: per_unit, points: 0.2}``."""
    cls = type(value)
    if attrs.has(cls):
        value = {
            f.name: getattr(value, f.name)
            for f in attrs.fields(cls)
            if f.eq and getattr(value, f.name) not in (None, (), "", {})
        }
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return "—" if value is None or value == "" else str(value)


def _shown(value: object) -> str:
    text = _plain(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fields(old: Any, new: Any, names: Iterable[str] | None = None) -> str:
    """``name old → new`` for each field that differs, semicolon-separated."""
    if names is None:
        names = [f.name for f in attrs.fields(type(old)) if f.eq]
    parts = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            parts.append(f"{name} {_shown(before)} → {_shown(after)}")
    return "; ".join(parts)


def _entries(
    label: str, old: Mapping[str, Any], new: Mapping[str, Any], describe: Any = None
) -> list[Change]:
    changes = []
    for name in old:
        if name not in new:
            changes.append(Change(what=f"{label} {name}", kind="removed"))
    for name, value in new.items():
        if name not in old:
            detail = describe(value) if describe else ""
            changes.append(Change(what=f"{label} {name}", kind="added", detail=detail))
        elif old[name] != value:
            changes.append(Change(what=f"{label} {name}", kind="changed",
                                  detail=_fields(old[name], value)))  # fmt: skip
    return changes


def _indicators(rubric: Rubric) -> dict[str, tuple[Area, Indicator]]:
    return {i.code: (a, i) for a in rubric.areas for i in a.indicators}


def _rules(rubric: Rubric) -> dict[str, tuple[Indicator, Rule]]:
    return {r.id: (i, r) for a in rubric.areas for i in a.indicators for r in i.rules}


def diff_rubrics(old: Rubric, new: Rubric) -> list[Change]:
    """Every difference from ``old`` to ``new``: header fields, parameters, deadlines, areas,
    indicators (moved between areas too) and rules, in that order."""
    changes = []
    header = _fields(old, new, _HEADER)
    for part in filter(None, header.split("; ")):
        name, _, detail = part.partition(" ")
        changes.append(Change(what=name, kind="changed", detail=detail))
    changes += _entries("parameter", old.parameters, new.parameters, lambda p: f"{p.value}")
    changes += _entries("deadline", old.deadlines, new.deadlines)
    changes += _area_changes({a.code: a for a in old.areas}, {a.code: a for a in new.areas})
    changes += _indicator_changes(_indicators(old), _indicators(new))
    changes += _rule_changes(_rules(old), _rules(new))
    return changes


def _area_changes(old: Mapping[str, Area], new: Mapping[str, Area]) -> list[Change]:
    out = [Change(what=f"area {code}", kind="removed") for code in old if code not in new]
    for code, area in new.items():
        if code not in old:
            out.append(Change(what=f"area {code}", kind="added",
                              detail=f"{area.title} ({area.points})"))  # fmt: skip
        else:
            detail = _fields(old[code], area, ("title", "points", "cap"))
            if detail:
                out.append(Change(what=f"area {code}", kind="changed", detail=detail))
    return out


def _indicator_changes(
    old: Mapping[str, tuple[Area, Indicator]], new: Mapping[str, tuple[Area, Indicator]]
) -> list[Change]:
    out = [Change(what=f"indicator {code}", kind="removed") for code in old if code not in new]
    for code, (area, ind) in new.items():
        if code not in old:
            out.append(Change(what=f"indicator {code}", kind="added",
                              detail=f"{ind.title} ({ind.points}, area {area.code})"))  # fmt: skip
            continue
        old_area, old_ind = old[code]
        parts = [_fields(old_ind, ind, ("title", "points", "cap", "method"))]
        if old_area.code != area.code:
            parts.append(f"area {old_area.code} → {area.code}")
        detail = "; ".join(filter(None, parts))
        if detail:
            out.append(Change(what=f"indicator {code}", kind="changed", detail=detail))
    return out


def _rule_changes(
    old: Mapping[str, tuple[Indicator, Rule]], new: Mapping[str, tuple[Indicator, Rule]]
) -> list[Change]:
    out = [Change(what=f"rule {rule_id}", kind="removed") for rule_id in old if rule_id not in new]
    for rule_id, (ind, rule) in new.items():
        if rule_id not in old:
            out.append(Change(what=f"rule {rule_id}", kind="added",
                              detail=f"{rule.title} (indicator {ind.code})"))  # fmt: skip
            continue
        old_ind, old_rule = old[rule_id]
        parts = [_fields(old_rule, rule)]
        if old_ind.code != ind.code:
            parts.append(f"indicator {old_ind.code} → {ind.code}")
        detail = "; ".join(filter(None, parts))
        if detail:
            out.append(Change(what=f"rule {rule_id}", kind="changed", detail=detail))
    return out


def render_diff(old: Rubric, new: Rubric, changes: list[Change]) -> str:
    """The changes as text, one per line, under a heading naming both rubrics."""
    count = f"{len(changes)} changes" if changes else "no changes"
    head = (
        f"{old.region}:{old.year} ({old.id} v{old.version}) → "
        f"{new.region}:{new.year} ({new.id} v{new.version}): {count}"
    )
    return "\n".join([head, *(str(c) for c in changes)])
