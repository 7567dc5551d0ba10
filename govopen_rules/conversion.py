"""The library's cattrs converters: strict input, lossless output, errors that name the path.

cattrs' default hooks are lenient (``int("5")``, ``bool("false")`` is True, ``str(5)``); a
scoring library must not guess, so every scalar hook here is strict and says what it received.
Problems are collected all at once and reported as ``facts[3].received_on: '2020-13-01' is not
a date (YYYY-MM-DD)``.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
import cattrs.gen
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from govopen_rules.errors import Problem, ValidationError
from govopen_rules.exact import parse_decimal

__all__ = [
    "Structurer",
    "error_messages",
    "from_json",
    "make_converter",
    "structure_as",
    "to_json",
    "unstructure",
]

T = TypeVar("T")


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _decimal(value: object, _: type) -> Decimal:
    return parse_decimal(value)


def _date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Lists only: cattrs would otherwise split the string "图文" into ("图", "文")."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        item_type = typing.get_args(cls)[0]

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"{value!r} is not a list")
            items, errors = [], []
            for index, item in enumerate(value):
                try:
                    items.append(conv.structure(item, item_type))
                except Exception as exc:
                    exc.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
            return tuple(items)

        return structure

    return factory


def _is_fact_class(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and isinstance(getattr(cls, "KIND", None), str)


def _fact_unstructure_factory(
    conv: cattrs.Converter,
) -> Callable[[Any], Callable[[Any], dict[str, Any]]]:
    """Facts unstructure with their ``kind`` first, so a facts file reads back as written."""

    def factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
        plain = cattrs.gen.make_dict_unstructure_fn(cls, conv)

        def unstructure(fact: Any) -> dict[str, Any]:
            return {"kind": cls.KIND, **plain(fact)}

        return unstructure

    return factory


StructureHook = Callable[[Any, Any], Any]


def make_converter(
    *, detailed_validation: bool = True, hooks: Mapping[Any, StructureHook] | None = None
) -> cattrs.Converter:
    """A private converter configured for this library (never the global one); ``hooks`` add
    structure hooks for types of a higher layer (the rubric's ``Number``)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed_validation)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_structure_hook(dt.date, _date)
    for cls, hook in (hooks or {}).items():
        conv.register_structure_hook(cls, hook)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(conv))
    conv.register_unstructure_hook_factory(_is_fact_class, _fact_unstructure_factory(conv))
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    return conv


def error_messages(exc: BaseException, path: str, expected: Any = None) -> list[str]:
    """Flatten a cattrs validation error into ``path: problem`` lines (``expected``: the type
    that was being structured at ``path``, when known)."""
    if isinstance(exc, ClassValidationError):
        with_notes, others = exc.group_exceptions()
        out: list[str] = []
        for sub, note in with_notes:
            assert isinstance(note, AttributeValidationNote)
            out += error_messages(sub, f"{path}.{note.name}", note.type)
        for sub in others:
            out += error_messages(sub, path, expected)
        return out
    if isinstance(exc, IterableValidationError):
        iter_notes, others = exc.group_exceptions()
        out = []
        for sub, inote in iter_notes:
            assert isinstance(inote, IterableValidationNote)
            out += error_messages(sub, f"{path}[{inote.index!r}]", inote.type)
        for sub in others:
            out += error_messages(sub, path, expected)
        return out
    attribute = exc.args[1] if len(exc.args) == 4 else None
    if isinstance(exc, ValueError) and isinstance(attribute, attrs.Attribute):
        # An attrs validator: (message, attribute, options, value).
        options = ", ".join(map(str, exc.args[2]))
        return [f"{path}.{attribute.name}: {exc.args[3]!r} is not one of: {options}"]
    return [f"{path}: {_describe(exc, expected)}"]


def _is_mapping_type(cls: Any) -> bool:
    origin = typing.get_origin(cls) or cls
    return attrs.has(cls) or (isinstance(origin, type) and issubclass(origin, Mapping))


def _describe(exc: BaseException, expected: Any = None) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, (TypeError, AttributeError)) and _is_mapping_type(expected):
        return "expected a mapping"
    if isinstance(exc, AttributeError) and "items" in str(exc):
        return "expected a mapping"
    if isinstance(exc, TypeError) and "iterable" in str(exc):
        return "expected a list"
    return str(exc)


class Structurer:
    """Structure plain data as a class, or list every problem with its path.

    Valid input is the common case: it is structured without cattrs' per-field bookkeeping, and
    only on failure is the detailed converter run again to report every problem with its path.
    """

    def __init__(self, hooks: Mapping[Any, StructureHook] | None = None) -> None:
        self.fast = make_converter(detailed_validation=False, hooks=hooks)
        self.detailed = make_converter(hooks=hooks)

    def structure_as(self, data: object, cls: type[T], path: str) -> tuple[T | None, list[str]]:
        """Structure ``data`` as ``cls``; return the object or the list of problems."""
        try:
            return self.fast.structure(data, cls), []
        except Exception:
            pass
        try:
            return self.detailed.structure(data, cls), []
        except (ClassValidationError, IterableValidationError) as exc:
            return None, error_messages(exc, path, cls)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return None, [f"{path}: {_describe(exc, cls)}"]


_DEFAULT = Structurer()
CONVERTER = _DEFAULT.detailed


def structure_as(data: object, cls: type[T], path: str) -> tuple[T | None, list[str]]:
    """Structure ``data`` as ``cls`` with the default converters (see :class:`Structurer`)."""
    return _DEFAULT.structure_as(data, cls, path)


def unstructure(obj: object) -> Any:
    """Plain JSON-ready data: decimals as strings (exact), dates as ISO strings."""
    return CONVERTER.unstructure(obj)


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """Serialise a result (or any model object) to JSON, losslessly."""
    return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Read back what :func:`to_json` wrote (numbers are parsed as Decimal, never float).

    Raises :class:`ValidationError` naming ``cls`` and listing every problem with its path.
    """
    source = f"JSON of {cls.__name__}"
    try:
        data = load_json_document(text)
    except ValueError as exc:  # not JSON, or bytes that are not UTF-8
        raise ValidationError([Problem("$", f"not valid JSON: {exc}")], source) from None
    obj, problems = structure_as(data, cls, "$")
    if problems:
        raise ValidationError(problems, source)
    assert obj is not None
    return obj


def load_json_document(text: str | bytes) -> Any:
    """Parse a facts JSON document with decimals kept exact."""
    return json.loads(text, parse_float=Decimal)
