"""A JSON Schema of the facts file, generated from the registered fact kinds.

Non-Python systems that produce facts validate against it; it is generated, so it cannot drift
from the classes. Decimals are accepted as JSON numbers or numeric strings (strings keep them
exact across languages).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import attrs

from govopen_rules.facts.kinds import FactKind, FieldType, field_type_of
from govopen_rules.facts.model import UNIT_KINDS, Unit

__all__ = ["facts_json_schema"]

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DECIMAL = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}]}
_SCALAR_SCHEMA: dict[FieldType, dict[str, Any]] = {
    FieldType.STR: {"type": "string"},
    FieldType.INT: {"type": "integer"},
    FieldType.BOOL: {"type": "boolean"},
    FieldType.DECIMAL: _DECIMAL,
    FieldType.DATE: _DATE,
    FieldType.STR_LIST: {"type": "array", "items": {"type": "string"}},
    FieldType.DATE_LIST: {"type": "array", "items": _DATE},
}


def _class_schema(cls: type, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = dict(extra or {})
    required = list(extra or {})
    for field in attrs.fields(cls):
        ftype, optional = field_type_of(hints[field.name])
        if ftype is FieldType.NESTED:
            item = typing.get_args(
                typing.get_args(hints[field.name])[0] if optional else hints[field.name]
            )[0]
            prop: dict[str, Any] = {"type": "array", "items": _class_schema(item)}
        else:
            prop = dict(_SCALAR_SCHEMA[ftype])
        options = getattr(field.validator, "options", None)
        if options is not None:
            prop["enum"] = list(options)
        if optional:
            prop = {"anyOf": [prop, {"type": "null"}]}
        properties[field.name] = prop
        if field.default is attrs.NOTHING:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().splitlines()
    return {
        "type": "object",
        "description": doc[0] if doc else cls.__name__,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def facts_json_schema(kinds: Mapping[str, FactKind]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a facts file for the given fact kinds."""
    variants = [
        _class_schema(kind.cls, {"kind": {"const": name}}) | {"title": kind.title}
        for name, kind in sorted(kinds.items())
    ]
    unit = _class_schema(Unit)
    unit["properties"]["kind"] = {"enum": list(UNIT_KINDS)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "govopen-rules facts file",
        "type": "object",
        "properties": {
            "unit": unit,
            "year": {"type": "integer"},
            "as_of": {"anyOf": [_DATE, {"type": "null"}]},
            "facts": {"type": "array", "items": {"oneOf": variants}},
        },
        "required": ["unit", "year"],
        "additionalProperties": False,
    }
