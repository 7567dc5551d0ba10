"""The condition grammar of rubric files: parse and type-check against a fact kind.

A condition is plain data, as a rubric author writes it in YAML::

    all:
      - {field: normative, eq: true}
      - any:
          - {field: filed_on, exists: false}
          - {field: filing_delay_workdays, gt: {param: filing_limit}}

Leaves name one field of the fact kind and one operator: ``eq ne lt le gt ge in exists matches
contains``. There is deliberately no ``not``: durable-rules has none that treats a missing field
sanely, and ``ne``/``exists`` say what is meant. A missing field (not observed) makes every
comparison false, ``ne`` included; only ``exists: false`` matches it.

Parsing yields an AST whose values are already *encoded* (dates as day ordinals, decimals as
integer millionths, strings NFC-normalised), so the durable-rules JSON and the plain-Python
reference evaluator (:mod:`govopen_rules.engines.reference`) see exactly the same values.
"""

from __future__ import annotations

import re
import typing
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeGuard, Union

import attrs

from govopen_rules.facts.encoding import encode_value
from govopen_rules.facts.kinds import FieldType

__all__ = [
    "CHECK_OPS",
    "LEAF_OPS",
    "MAX_IN_VALUES",
    "All",
    "Any_",
    "CheckOp",
    "Compare",
    "CompareOp",
    "Condition",
    "ConditionError",
    "Exists",
    "LeafOp",
    "condition_fields",
    "parse_condition",
]

#: The operator a parsed comparison applies (``in`` becomes ``any`` of ``eq``).
CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge", "matches", "contains"]
#: The operators a condition leaf may use, as written in a rubric file.
LeafOp = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "exists", "matches", "contains"]
#: The operators of a ``check`` (every leaf operator but ``exists``, which ``check`` implies).
CheckOp = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "matches", "contains"]

LEAF_OPS: tuple[LeafOp, ...] = typing.get_args(LeafOp)
CHECK_OPS: tuple[CheckOp, ...] = typing.get_args(CheckOp)
_ORDERED = frozenset({FieldType.INT, FieldType.DECIMAL, FieldType.DATE})
#: The most values an ``in`` list takes: a rubric lists topics or kinds, never thousands.
MAX_IN_VALUES = 1_000


class ConditionError(ValueError):
    """A condition does not fit the grammar or the fact kind; ``path`` says where."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@attrs.frozen
class Compare:
    """``field <op> value``."""

    field: str
    op: CompareOp
    value: int | str | bool


@attrs.frozen
class Exists:
    """The field was observed (``present``) or not."""

    field: str
    present: bool


@attrs.frozen
class All:
    """Every item holds."""

    items: tuple[Condition, ...]


@attrs.frozen
class Any_:
    """At least one item holds."""

    items: tuple[Condition, ...]


Condition = Union[Compare, Exists, All, Any_]  # noqa: UP007 - needed at runtime
ParamResolver = Callable[[str], object]


def parse_condition(
    data: object,
    fields: Mapping[str, FieldType],
    resolve_param: ParamResolver,
    path: str = "when",
) -> Condition:
    """Parse and type-check plain data into a :data:`Condition`; raise ConditionError."""
    if not isinstance(data, Mapping):
        raise ConditionError(path, f"expected a mapping, got {data!r}")
    if "all" in data or "any" in data:
        if len(data) != 1:
            raise ConditionError(path, f"'all'/'any' must stand alone, got keys {sorted(data)}")
        key = "all" if "all" in data else "any"
        items = data[key]
        if not isinstance(items, Sequence) or isinstance(items, str) or not items:
            raise ConditionError(f"{path}.{key}", "expected a non-empty list of conditions")
        parsed = tuple(
            parse_condition(item, fields, resolve_param, f"{path}.{key}[{i}]")
            for i, item in enumerate(items)
        )
        return All(parsed) if key == "all" else Any_(parsed)
    return _parse_leaf(data, fields, resolve_param, path)


def _parse_leaf(
    data: Mapping[str, Any],
    fields: Mapping[str, FieldType],
    resolve_param: ParamResolver,
    path: str,
) -> Condition:
    field = data.get("field")
    ops = [k for k in data if k != "field"]
    if not isinstance(field, str):
        raise ConditionError(path, "a leaf needs 'field: <name>' (or use 'all'/'any')")
    if field not in fields:
        raise ConditionError(
            f"{path}.field", f"unknown field {field!r}; known: {', '.join(sorted(fields))}"
        )
    op = ops[0] if len(ops) == 1 else None
    if not _is_leaf_op(op):
        raise ConditionError(path, f"expected exactly one operator of {', '.join(LEAF_OPS)}")
    ftype = fields[field]
    raw = data[op]
    named = ""
    if isinstance(raw, Mapping) and set(raw) == {"param"}:
        named = f" (from parameter {str(raw['param'])!r})"  # an override's mistake names it
        raw = resolve_param(str(raw["param"]))
    where = f"{path}.{op}"
    if not ftype.comparable:
        raise ConditionError(f"{path}.field", f"{field!r} is nested and cannot be compared")
    try:
        return _leaf(field, op, ftype, raw, where)
    except ValueError as exc:
        if isinstance(exc, ConditionError):
            raise
        raise ConditionError(where, f"{exc} (field {field!r} is {ftype.value}){named}") from None


def _is_leaf_op(key: object) -> TypeGuard[LeafOp]:
    return key in LEAF_OPS


def _leaf(field: str, op: LeafOp, ftype: FieldType, raw: object, where: str) -> Condition:
    is_list = ftype in (FieldType.STR_LIST, FieldType.DATE_LIST)
    if op == "exists":
        if not isinstance(raw, bool):
            raise ValueError(f"exists takes true or false, got {raw!r}")
        return Exists(field, raw)
    if op == "contains":
        if not is_list:
            raise ValueError("'contains' works on list fields only")
        return Compare(field, "contains", encode_value(raw, ftype))
    if is_list:
        raise ValueError(f"a list field takes 'contains' or 'exists', not {op!r}")
    if op == "in":
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise ValueError("'in' takes a non-empty list")
        if len(raw) > MAX_IN_VALUES:  # 100,000 took 18 s and 1.4 GB to compile
            raise ValueError(
                f"'in' lists {len(raw):,} values; it takes at most {MAX_IN_VALUES:,} "
                "(durable-rules at most 511 in one rule)"
            )
        return Any_(tuple(Compare(field, "eq", encode_value(v, ftype)) for v in raw))
    if op == "matches":
        if ftype is not FieldType.STR or not isinstance(raw, str):
            raise ValueError("'matches' takes a regular expression on a string field")
        try:
            re.compile(raw)
        except re.error as exc:
            raise ValueError(f"bad regular expression {raw!r}: {exc}") from None
        return Compare(field, "matches", unicodedata.normalize("NFC", raw))
    if op in ("lt", "le", "gt", "ge") and ftype not in _ORDERED:
        raise ValueError(f"{op!r} needs a number or date field")
    return Compare(field, op, encode_value(raw, ftype))


def condition_fields(cond: Condition) -> set[str]:
    """The fields a condition reads: these are the evidence a verdict shows."""
    if isinstance(cond, (All, Any_)):
        return set().union(*(condition_fields(c) for c in cond.items))
    return {cond.field}
