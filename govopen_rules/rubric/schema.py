"""A JSON Schema of the rubric file, generated from the classes that read it.

An editor with a YAML language server uses it to complete keys and enumerated values (modes,
operators, unit kinds, fact kinds) and to flag unknown keys as the author types; it is generated
from :mod:`govopen_rules.rubric.file_model`, so it cannot drift from what the loader accepts.
The schema checks the shape; the loader and the compiler still check the rest (points adding
up, fields of the fact kind, parameters that exist).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Union

import attrs

from govopen_rules.rubric.conditions import CHECK_OPS, LEAF_OPS
from govopen_rules.rubric.file_model import RubricFile, RuleEntry
from govopen_rules.rubric.model import Check, Evidence, ParamRef

__all__ = ["rubric_json_schema"]

_DECIMAL = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}]}
_SCALAR = {"type": ["string", "number", "boolean"]}
_REF_PARAM = {"$ref": "#/$defs/ParamRef"}
_REF_CONDITION = {"$ref": "#/$defs/Condition"}
#: What the classes' fields cannot say: a rule gives ``check``, or ``evidence`` (and ``when``).
_CONSTRAINTS: dict[type, dict[str, Any]] = {
    RuleEntry: {
        "oneOf": [
            {
                "required": ["check"],
                "not": {"anyOf": [{"required": [k]} for k in ("evidence", "when")]},
            },
            {"required": ["evidence"], "not": {"required": ["check"]}},
        ]
    }
}


def _operator_value(op: str) -> dict[str, Any]:
    """What a leaf operator takes: a list for ``in``, a boolean for ``exists``, a regular
    expression for ``matches``, else a value or ``{param: name}``."""
    if op == "in":
        return {"type": "array", "items": _SCALAR, "minItems": 1}
    if op == "exists":
        return {"type": "boolean"}
    if op == "matches":
        return {"type": "string", "description": "A regular expression the whole string matches."}
    return {"anyOf": [_SCALAR, _REF_PARAM]}


def _condition_defs() -> dict[str, Any]:
    def combined(key: str, meaning: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": meaning,
            "properties": {key: {"type": "array", "items": _REF_CONDITION, "minItems": 1}},
            "required": [key],
            "additionalProperties": False,
        }

    leaf = {
        "type": "object",
        "description": "One field of the fact kind and one operator.",
        "properties": {"field": {"type": "string"}} | {op: _operator_value(op) for op in LEAF_OPS},
        "required": ["field"],
        "minProperties": 2,
        "maxProperties": 2,
        "additionalProperties": False,
    }
    return {
        "Condition": {
            "description": "A condition on a fact: a leaf, or all/any of a list of conditions.",
            "anyOf": [
                combined("all", "Every condition holds."),
                combined("any", "At least one condition holds."),
                {"$ref": "#/$defs/Leaf"},
            ],
        },
        "Leaf": leaf,
    }


class _Builder:
    """Walks the attrs classes of the file, one ``$defs`` entry per class."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kind = {"type": "string"} | ({"enum": list(kinds)} if kinds else {})
        self.defs: dict[str, Any] = _condition_defs()

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve the name first: classes may refer to each other
            self.defs[name] = self.check() if cls is Check else self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def check(self) -> dict[str, Any]:
        ops = {op: _operator_value(op) for op in CHECK_OPS}
        return {
            "type": "object",
            "description": _description(Check),
            "properties": {"kind": self.kind, "field": {"type": "string"}} | ops,
            "required": ["kind", "field"],
            "minProperties": 3,
            "maxProperties": 3,
            "additionalProperties": False,
        }

    def object(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls, include_extras=True)
        properties: dict[str, Any] = {}
        required = []
        for field in attrs.fields(cls):
            if cls is Evidence and field.name == "kind":
                prop = dict(self.kind)
            else:
                prop = self.type(hints[field.name])
            doc = field.metadata.get("doc")
            if doc:
                prop = {"description": doc} | prop
            properties[field.name] = prop
            if field.default is attrs.NOTHING:
                required.append(field.name)
        return {
            "type": "object",
            "description": _description(cls),
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        } | _CONSTRAINTS.get(cls, {})

    def type(self, hint: Any) -> dict[str, Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is typing.Annotated:
            return dict(_REF_CONDITION) if "condition" in args[1:] else self.type(args[0])
        if origin in (Union, types.UnionType):
            options = [self.type(arg) for arg in args if arg is not type(None)]
            if type(None) in args:
                options.append({"type": "null"})
            return options[0] if len(options) == 1 else {"anyOf": options}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is tuple:
            return {"type": "array", "items": self.type(args[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.type(args[1])}
        if attrs.has(hint):
            return self.ref(hint)
        simple = {str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"}}
        if hint in simple:
            return dict(simple[hint])
        if hint is Decimal:
            return dict(_DECIMAL)
        if hint is dt.date:
            return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        raise TypeError(f"no JSON Schema for {hint!r}")


def _description(cls: type) -> str:
    """The first paragraph of the class docstring, on one line."""
    paragraph = (cls.__doc__ or cls.__name__).strip().split("\n\n")[0]
    return " ".join(paragraph.replace("``", "").split())


def rubric_json_schema(kinds: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rubric file; ``kinds`` (the registry's fact kinds)
    are listed for ``evidence.kind`` and ``check.kind`` when given."""
    builder = _Builder(tuple(sorted(kinds)))
    root = builder.object(RubricFile)
    # Optional in the class only so that its absence is reported with what to write.
    root["required"] = [*root["required"], "missing_evidence"]
    builder.ref(ParamRef)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "govopen-rules rubric file",
        **root,
        "$defs": dict(sorted(builder.defs.items())),
    }
