"""What a finding lists: the items behind its count, so that a 问题清单 line says *which* days,
documents or accounts, not only how many.

A rule's ``items`` names the field whose values are listed (a list field such as
``silent_workdays`` contributes each of its entries, preceded by the fact's name when several
facts contribute; another field one value per fact). Without
it, a count of facts lists each fact's name (its first naming field, e.g. ``name``, ``title``,
``case_number``), a ``sum`` adds each fact's share, ``missing_values`` lists the values missing,
and ``absent`` and ``shortfall`` list nothing. At most :data:`ITEM_LIMIT` items are kept; the
verdict says how many more there were.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govopen_rules.rubric.compiler import CompiledRule

__all__ = ["ITEM_LIMIT", "NAMING_FIELDS", "fact_label", "listed_items"]

#: The most items a verdict keeps; the rest are counted in ``more_items``.
ITEM_LIMIT = 20
#: Fields that name a fact, in the order a label is looked for.
NAMING_FIELDS = (
    "name",
    "title",
    "case_number",
    "report",
    "item",
    "problem",
    "topic",
    "site",
    "doc_number",
    "policy_title",
    "document",
    "label",
    "indicator",
    "description",
)

Shown = Sequence[tuple[object, Mapping[str, object]]]
Labeller = Callable[[Any], "str | None"]


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fact_label(fact: object) -> str | None:
    """What names a fact for a reader: its first naming field, else its ``period``, else its
    first stated date (a request is known by the day it came in); None if it has none."""
    naming, dates = _label_fields(type(fact))
    for name in naming:
        value = getattr(fact, name)
        if isinstance(value, str) and value:
            if name == "report" and isinstance(getattr(fact, "period", None), str):
                return f"{value} {fact.period}"  # type: ignore[attr-defined]
            return value
    for name in dates:
        value = getattr(fact, name)
        if isinstance(value, dt.date):
            return f"{name}={value.isoformat()}"
    return None


_LABEL_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _label_fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A fact class's naming fields (in :data:`NAMING_FIELDS` order, then ``period``) and all
    its fields in declaration order: looked up once per class, not per fact."""
    found = _LABEL_FIELDS.get(cls)
    if found is None:
        fields = tuple(a.name for a in getattr(cls, "__attrs_attrs__", ()))
        found = (tuple(n for n in (*NAMING_FIELDS, "period") if n in fields), fields)
        _LABEL_FIELDS[cls] = found
    return found


def _value(fact: object, derived: Mapping[str, object], field: str) -> object:
    return derived.get(field, getattr(fact, field, None))


def _all_items(rule: CompiledRule, shown: Shown, label: Labeller) -> list[str]:
    count = rule.rule.count
    if count.mode in ("absent", "shortfall"):
        return []
    if count.mode == "missing_values":
        assert count.field is not None
        covered = {
            unicodedata.normalize("NFC", str(_value(fact, derived, count.field)))
            for fact, derived in shown
        }
        return [v for v in count.values if unicodedata.normalize("NFC", v) not in covered]
    field = rule.rule.items
    if field is not None:
        per_fact = []
        lists = False
        for fact, derived in shown:
            value = _value(fact, derived, field)
            lists = lists or isinstance(value, tuple)
            values = value if isinstance(value, tuple) else () if value is None else (value,)
            per_fact.append((label(fact), [_text(v) for v in values]))
        # Entries of a list field say whose they are when several facts contribute.
        named = lists and sum(1 for _, values in per_fact if values) > 1
        return [
            f"{label} {entry}" if named and label else entry
            for label, values in per_fact
            for entry in values
        ]
    out = []
    for fact, derived in shown:
        name = label(fact)
        if name is None:
            continue
        if count.mode == "sum" and count.field is not None:
            name = f"{name}（{_text(_value(fact, derived, count.field))}）"
        out.append(name)
    return out


def listed_items(
    rule: CompiledRule, shown: Shown, label: Labeller | None = None
) -> tuple[tuple[str, ...], int]:
    """The items a deducted verdict lists (at most :data:`ITEM_LIMIT`) and how many more.

    ``label`` names a fact (default :func:`fact_label`; a caller listing many findings passes
    one that remembers each fact's label)."""
    items = _all_items(rule, shown, label or fact_label)
    return tuple(items[:ITEM_LIMIT]), max(0, len(items) - ITEM_LIMIT)
