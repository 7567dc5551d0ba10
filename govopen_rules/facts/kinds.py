"""Fact kinds as the registry knows them: the class, its field types and its derived measures.

The engine can only compare scalars of one type per field, so every field of a fact kind is
classified here once, when the kind is registered, and a kind with an unsupported field type is
refused with a message naming the field.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules.errors import PluginError
from govopen_rules.workdays import WorkdayCalendar

__all__ = ["DeriveContext", "FactKind", "FieldType", "field_type_of"]

RESERVED_FIELDS = frozenset({"id", "sid", "kind", "$s"})


class FieldType(enum.Enum):
    """What a fact field holds, which decides how it is encoded and compared."""

    STR = "string"
    INT = "integer"
    BOOL = "boolean"
    DECIMAL = "decimal"
    DATE = "date"
    STR_LIST = "list of strings"
    DATE_LIST = "list of dates"
    NESTED = "nested"  # kept for derivers and evidence, never sent to the engine

    @property
    def comparable(self) -> bool:
        """Whether rule conditions may compare this field."""
        return self is not FieldType.NESTED


_SCALARS: dict[object, FieldType] = {
    str: FieldType.STR,
    int: FieldType.INT,
    bool: FieldType.BOOL,
    Decimal: FieldType.DECIMAL,
    dt.date: FieldType.DATE,
}


def field_type_of(annotation: object) -> tuple[FieldType, bool]:
    """Classify a resolved annotation as (field type, optional). Raises TypeError if unsupported."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        optional = True
        annotation = members[0]
        origin = typing.get_origin(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation], optional
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] is str:
                return FieldType.STR_LIST, optional
            if args[0] is dt.date:
                return FieldType.DATE_LIST, optional
            if attrs.has(args[0]):
                return FieldType.NESTED, optional
    raise TypeError(f"unsupported field type {annotation!r}")


@attrs.frozen(kw_only=True)
class DeriveContext:
    """What derivers may use besides the fact: the assessment year, check date and calendar."""

    year: int
    as_of: dt.date | None
    calendar: WorkdayCalendar


Deriver = Callable[[Any, DeriveContext], Mapping[str, object]]


@attrs.frozen(kw_only=True)
class FactKind:
    """A registered fact kind.

    ``derived`` declares the measures ``derive`` computes (name → type), so that rule conditions
    on them are type-checked like conditions on observed fields.
    """

    name: str
    cls: type
    title: str
    derived: Mapping[str, FieldType] = attrs.field(factory=dict)
    derive: Deriver | None = None
    fields: Mapping[str, FieldType] = attrs.field(init=False)

    @fields.default
    def _classify_fields(self) -> Mapping[str, FieldType]:
        if not attrs.has(self.cls):
            raise PluginError(f"fact kind {self.name!r}: {self.cls!r} is not an attrs class")
        hints = typing.get_type_hints(self.cls)
        out: dict[str, FieldType] = {}
        for field in attrs.fields(self.cls):
            if field.name in RESERVED_FIELDS:
                raise PluginError(
                    f"fact kind {self.name!r}: field name {field.name!r} is reserved "
                    f"({', '.join(sorted(RESERVED_FIELDS))})"
                )
            try:
                out[field.name], _ = field_type_of(hints[field.name])
            except TypeError as exc:
                raise PluginError(f"fact kind {self.name!r}, field {field.name!r}: {exc}") from None
        clash = set(out) & set(self.derived)
        if clash:
            raise PluginError(f"fact kind {self.name!r}: derived names clash with fields {clash}")
        return out

    def all_fields(self) -> dict[str, FieldType]:
        """Observed and derived fields together: what a rule condition may name."""
        return {**self.fields, **self.derived}
