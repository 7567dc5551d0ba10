"""A JSON Schema of the facts file, generated from the registered fact kinds.

Non-Python systems that produce facts validate against it; it is generated, so it cannot drift
from the classes. Decimals are accepted as JSON numbers or numeric strings (strings keep them
exact across languages).

The schema is written so that a standard validator reports **one error per problem**:

- each fact's schema is chosen by its ``kind`` (``if`` the kind is X ``then`` X's schema, one
  ``$defs`` entry per kind), instead of trying every kind (``oneOf``) and reporting why each of
  the 22 alternatives failed;
- an unknown kind fails one ``enum``;
- optional fields are nullable through ``type`` lists (``["string", "null"]``), never ``anyOf``,
  so a bad value fails one keyword (a date that is not ``YYYY-MM-DD`` fails its ``pattern``).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import attrs

from govopen_rules.facts.kinds import FactKind, FieldType, field_type_of
from govopen_rules.facts.model import UNIT_KINDS, Unit

__all__ = ["DATE_PATTERN", "facts_json_schema"]

#: A calendar-shaped ISO date: months 01-12, days 01-31. A pattern rather than ``format: date``:
#: formats are optional in validators (ajv needs a plugin), and a pattern plus a format would
#: report a bad date twice. ``2020-02-30`` passes here and is rejected by the library.
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"

#: Per field type: the JSON types it accepts, and the keywords that check the value.
_SCALAR_SCHEMA: dict[FieldType, tuple[list[str], dict[str, Any]]] = {
    FieldType.STR: (["string"], {}),
    FieldType.INT: (["integer"], {}),
    FieldType.BOOL: (["boolean"], {}),
    FieldType.DECIMAL: (["number", "string"], {"pattern": _DECIMAL_PATTERN}),
    FieldType.DATE: (["string"], {"pattern": DATE_PATTERN}),
}
_LIST_ITEMS: dict[FieldType, FieldType] = {
    FieldType.STR_LIST: FieldType.STR,
    FieldType.DATE_LIST: FieldType.DATE,
}


def _typed(types: list[str], keywords: Mapping[str, Any], nullable: bool) -> dict[str, Any]:
    kinds = [*types, "null"] if nullable else types
    return {"type": kinds if len(kinds) > 1 else kinds[0], **keywords}


def _field_schema(ftype: FieldType, annotation: object, nullable: bool) -> dict[str, Any]:
    if ftype is FieldType.NESTED:
        inner = typing.get_args(annotation)
        item_cls = typing.get_args(inner[0] if nullable else annotation)[0]
        return _typed(["array"], {"items": _class_schema(item_cls)}, nullable)
    if ftype in _LIST_ITEMS:
        types, keywords = _SCALAR_SCHEMA[_LIST_ITEMS[ftype]]
        return _typed(["array"], {"items": _typed(types, keywords, False)}, nullable)
    types, keywords = _SCALAR_SCHEMA[ftype]
    return _typed(types, keywords, nullable)


def _class_schema(cls: type, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = dict(extra or {})
    required = list(extra or {})
    for field in attrs.fields(cls):
        ftype, optional = field_type_of(hints[field.name])
        prop = _field_schema(ftype, hints[field.name], optional)
        options = getattr(field.validator, "options", None)
        if options is not None:
            prop = {"enum": [*options, *([None] if optional else [])]}
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
    """The JSON Schema (draft 2020-12) of a facts file for the given fact kinds.

    Each kind's schema is ``$defs/<kind>``; a fact is checked against the one its ``kind``
    names (``if``/``then``), so a validator reports one error per problem.
    """
    names = sorted(kinds)
    definitions = {
        name: _class_schema(kinds[name].cls, {"kind": {"const": name}})
        | {"title": kinds[name].title}
        for name in names
    }
    fact = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": names}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for name in names
        ],
    }
    unit = _class_schema(Unit)
    unit["properties"]["kind"] = {"enum": list(UNIT_KINDS)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "govopen-rules facts file",
        "type": "object",
        "properties": {
            "unit": unit,
            "year": {"type": "integer"},
            "as_of": _typed(*_SCALAR_SCHEMA[FieldType.DATE], nullable=True),
            "facts": {"type": "array", "items": fact},
        },
        "required": ["unit", "year"],
        "additionalProperties": False,
        "$defs": definitions,
    }
