"""The library's cattrs converters: strict input, lossless output, errors that name the path.

cattrs' default hooks are lenient (``int("5")``, ``bool("false")`` is True, ``str(5)``); a
scoring library must not guess, so every scalar hook here is strict and says what it received.
Problems are collected all at once and reported as ``facts[3].received_on: '2020-13-01' is not
a date (YYYY-MM-DD)``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
import cattrs.gen
import orjson
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from govopen_rules.errors import Problem, ValidationError
from govopen_rules.exact import NumberError, json_decimal, json_int, parse_decimal, shown
from govopen_rules.serialising import CompactJson, configure_unstructuring, json_default

__all__ = [
    "SURROGATE",
    "UNENCODABLE",
    "InputLimitError",
    "Structurer",
    "error_messages",
    "from_json",
    "load_json_document",
    "make_converter",
    "parse_date",
    "structure_as",
    "to_json",
    "to_json_bytes",
    "unknown_fields",
    "unstructure",
]

T = TypeVar("T")


#: A UTF-16 surrogate code point: JSON's ``"\\ud800"`` escape puts one in a string, but it is not
#: text (no encoding has it, durable-rules refuses it, no file can hold it).
SURROGATE = re.compile("[\ud800-\udfff]")

#: How text that must be written anyway (a result, a report) writes a surrogate code point: as
#: its escape, ``\\ud800``; inside a JSON string, the escape JSON itself reads back.
UNENCODABLE = "backslashreplace"


def surrogate_problem(value: str) -> str | None:
    """What is wrong with a string holding a surrogate code point (None: nothing)."""
    if str.isascii(value):  # O(1): CPython knows (and a subclass cannot say otherwise)
        return None
    found = SURROGATE.search(value)
    if found is None:
        return None
    return (
        f"{shown(value)} holds a lone surrogate, U+{ord(found.group()):04X}, which is not text "
        "(a JSON \\u escape of half a character)"
    )


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{shown(value)} is not a string")
    problem = surrogate_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{shown(value)} is not a whole number")
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{shown(value)} is not true or false")
    return value


def _decimal(value: object, _: type) -> Decimal:
    return parse_decimal(value)


#: A date is written YYYY-MM-DD and nothing else: Python 3.11's ``date.fromisoformat`` also
#: takes ``20200203`` and ``2020W061``, which the exported JSON Schema refuses.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object) -> dt.date:
    """A date given as a ``date`` or as YYYY-MM-DD text; ValueError says what was received."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{shown(value)} is not a date (YYYY-MM-DD)")


def _date(value: object, _: type) -> dt.date:
    return parse_date(value)


def _is_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) in (typing.Union, types.UnionType) and (
        len(args) == 2 and type(None) in args
    )


def _optional_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """``X | None`` structured by X's own hook, found once when a class's structuring
    function is generated rather than looked up for every value (the fast path only: the
    detailed converter keeps cattrs' own, which reports the path)."""

    def factory(cls: Any) -> StructureHook:
        inner = next(arg for arg in typing.get_args(cls) if arg is not type(None))
        hook = conv.get_structure_hook(inner)

        def structure(value: Any, _: Any) -> Any:
            return None if value is None else hook(value, inner)

        return structure

    return factory


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


#: A list's items are checked until this many have problems (a million bad items must not
#: cost a million exceptions and messages).
MAX_ITEM_PROBLEMS = 10


def _tuple_hook_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Lists only: cattrs would otherwise split the string "图文" into ("图", "文")."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        item_type = typing.get_args(cls)[0]

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"{shown(value)} is not a list")
            items: list[Any] = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    items.append(conv.structure(item, item_type))
                except Exception as exc:
                    exc.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                    errors.append(exc)
                    if len(errors) == MAX_ITEM_PROBLEMS and index + 1 < len(value):
                        rest = len(value) - index - 1
                        errors.append(ValueError(f"the other {rest} items were not checked"))
                        break
            if errors:
                raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
            return tuple(items)

        return structure

    return factory


def _has_validators(cls: Any) -> bool:
    return (
        isinstance(cls, type)
        and attrs.has(cls)
        and any(field.validator is not None for field in attrs.fields(cls))
    )


def _noted(exc: BaseException) -> bool:
    """Whether cattrs noted where ``exc`` happened (a field), as it does for structuring errors."""
    return bool(getattr(exc, "__notes__", None))


def _validator_problem(exc: Exception) -> Exception:
    """An attrs validator's error as a plain message (``in_`` passes its value and options)."""
    if len(exc.args) == 4 and isinstance(exc.args[1], attrs.Attribute):
        options = ", ".join(map(str, exc.args[2]))
        return ValueError(f"{shown(exc.args[3])} is not one of: {options}")
    return exc


def _validated_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """A class whose fields have validators: every field's validator runs even when another
    field cannot be structured, so ``unit.kind: 'x' is not one of: ...`` is not hidden behind
    ``unit.id: 1 is not a string`` (attrs runs validators only once every field is built)."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        plain = cattrs.gen.make_dict_structure_fn(cls, conv)
        hints = typing.get_type_hints(cls)
        checked = [field for field in attrs.fields(cls) if field.validator is not None]

        def structure(data: Any, _: Any) -> Any:
            problems: list[Exception] = []
            raised: set[str] = set()  # as attrs raises them again in __init__
            if isinstance(data, Mapping):
                for field in checked:
                    if field.name not in data:
                        continue
                    try:
                        value = conv.structure(data[field.name], hints[field.name])
                    except Exception:
                        continue  # reported by the structuring below
                    try:
                        assert field.validator is not None
                        field.validator(None, field, value)
                    except (ValueError, TypeError) as exc:
                        raised.add(str(exc))
                        problem = _validator_problem(exc)
                        problem.add_note(
                            AttributeValidationNote(field.name, field.name, field.type)
                        )
                        problems.append(problem)
            try:
                built = plain(data, cls)
            except ClassValidationError as exc:
                if not problems:
                    raise
                others = [e for e in exc.exceptions if _noted(e) or str(e) not in raised]
                raise ClassValidationError(exc.message, [*others, *problems], cls) from None
            except (ValueError, TypeError):
                if not problems:
                    raise
                raise ClassValidationError(
                    f"While structuring {cls.__name__}", problems, cls
                ) from None
            return built

        return structure

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
    if detailed_validation:
        conv.register_structure_hook_factory(_has_validators, _validated_factory(conv))
    configure_unstructuring(conv)
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
        # An attrs validator that ran in __init__: (message, attribute, options, value).
        return [f"{path}.{attribute.name}: {_validator_problem(exc)}"]
    return [f"{path}: {_describe(exc, expected)}"]


def _is_mapping_type(cls: Any) -> bool:
    origin = typing.get_origin(cls) or cls
    return attrs.has(cls) or (isinstance(origin, type) and issubclass(origin, Mapping))


def _describe(exc: BaseException, expected: Any = None) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        return unknown_fields(exc.extra_fields)
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, (TypeError, AttributeError)) and _is_mapping_type(expected):
        return "expected a mapping"
    if isinstance(exc, AttributeError) and "items" in str(exc):
        return "expected a mapping"
    if isinstance(exc, TypeError) and "iterable" in str(exc):
        return "expected a list"
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "..."


#: Unknown field names are listed up to this many.
MAX_NAMES_SHOWN = 10


def unknown_fields(names: Iterable[object]) -> str:
    """``unknown field(s) a, b``: a few names (each cut short), then how many more."""
    ordered = sorted(map(str, names))
    listed = ", ".join(shown(name).strip("'") for name in ordered[:MAX_NAMES_SHOWN])
    more = len(ordered) - MAX_NAMES_SHOWN
    return f"unknown field(s) {listed}" + (f" and {more} more" if more > 0 else "")


class Structurer:
    """Structure plain data as a class, or list every problem with its path.

    Valid input is the common case: it is structured without cattrs' per-field bookkeeping, and
    only on failure is the detailed converter run again to report every problem with its path.
    """

    def __init__(self, hooks: Mapping[Any, StructureHook] | None = None) -> None:
        self.fast = make_converter(detailed_validation=False, hooks=hooks)
        self.fast.register_structure_hook_factory(_is_optional, _optional_factory(self.fast))
        self.detailed = make_converter(hooks=hooks)
        self._fast_hooks: dict[Any, StructureHook] = {}

    def structure_as(self, data: object, cls: type[T], path: str) -> tuple[T | None, list[str]]:
        """Structure ``data`` as ``cls``; return the object or the list of problems."""
        hook = self._fast_hooks.get(cls)
        if hook is None:
            hook = self._fast_hooks[cls] = self.fast.get_structure_hook(cls)
        try:
            return hook(data, cls), []
        except Exception:
            pass
        try:
            return self.detailed.structure(data, cls), []
        except (ClassValidationError, IterableValidationError) as exc:
            return None, error_messages(exc, path, cls)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
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
    """Serialise a result (or any model object) to JSON, losslessly.

    Compact JSON (``indent=None``: one line, as a cohort streams its results) is written by
    orjson, the same JSON value as the standard library's without the spaces after separators;
    what repeats from one result to the next (the rubric's citations, shared verdicts) is
    written once and reused (``serialising.CompactJson``). Anything orjson refuses (an integer
    past 64 bits, a lone surrogate) falls back to the standard library. Model objects hold no
    floats; for other data, compact output writes a float NaN or infinity as ``null`` (the
    standard library writes ``NaN``, which is not JSON). A model object is never changed once
    written: frozen classes, and no one edits a dict inside one.
    """
    if indent is None:
        try:
            return _COMPACT.dumps(obj).decode()
        except orjson.JSONEncodeError:
            pass
    return _standard_json(obj, indent)


def _standard_json(obj: object, indent: int | None) -> str:
    """The standard library's JSON: what orjson refuses, and indented output."""
    return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent, default=json_default)


def to_json_bytes(obj: object) -> bytes:
    """Compact JSON (``to_json(obj, indent=None)``) as UTF-8 bytes.

    What a worker sends back and a JSON Lines file opened in binary mode takes as it is: orjson
    writes bytes, and decoding them to text only for the text to be encoded again on its way to
    a file cost a cohort's calling process more than writing them. What orjson refuses is
    written by the standard library, as :func:`to_json` writes it, and encoded; a surrogate code
    point in a string (facts never hold one, but other data may) has no UTF-8 and is written as
    JSON's own escape, ``\\ud800``.
    """
    try:
        return _COMPACT.dumps(obj)
    except orjson.JSONEncodeError:
        return _standard_json(obj, None).encode("utf-8", UNENCODABLE)


_COMPACT = CompactJson()


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


class InputLimitError(ValueError):
    """A JSON document passes a limit set to bound the work of reading it: nesting too deep,
    or a number literal too long."""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number (JSON has no NaN or Infinity)")


class DuplicateKeyError(ValueError):
    """A JSON object names a key twice: JSON readers keep one of the two in silence (a second
    ``"facts": []`` once emptied a unit's facts)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):  # rare: the document is read again to say where
        raise DuplicateKeyError("a key is given twice")
    return found


class _Pairs(list[tuple[str, Any]]):
    """An object's pairs as written, duplicates kept (only to find where one is)."""


def _duplicate_key(text: str | bytes) -> str:
    """Where a key given twice is, with its object's path (``facts[3]``; an object is looked
    at before the objects inside it): json's hook sees one object at a time and cannot tell
    where it is, so this reads the document a second time, only when there is one."""
    try:
        document = json.loads(text, parse_float=str, parse_int=str, object_pairs_hook=_Pairs)
    except (RecursionError, ValueError):  # deeper than the first reading went
        return "a key is given twice; say it once"
    stack: list[tuple[str, Any]] = [("$", document)]
    while stack:
        path, node = stack.pop()
        children: list[tuple[str, Any]] = []
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            for key, value in node:
                if key in seen:
                    return f"{path}: the key {key!r} is given twice; say it once"
                seen.add(key)
                if not key.isidentifier():  # "a.b", "$", "": quoted, not read as a path
                    children.append((f"{path}[{key!r}]", value))
                else:
                    children.append((key if path == "$" else f"{path}.{key}", value))
        elif isinstance(node, list):
            children = [(f"{path}[{i}]", value) for i, value in enumerate(node)]
        stack += reversed(children)
    return "a key is given twice; say it once"  # pragma: no cover - found above


def load_json_document(text: str | bytes) -> Any:
    """Parse a JSON document with decimals kept exact.

    Raises ValueError for text that is not JSON, bytes that are not UTF-8, ``NaN`` or
    ``Infinity`` and an object naming a key twice (:class:`DuplicateKeyError`), and
    :class:`InputLimitError` (never RecursionError or a huge conversion) for nesting too deep
    to read or a number literal longer than :data:`~govopen_rules.exact.MAX_NUMBER_TEXT`
    characters.
    """
    try:
        return json.loads(
            text,
            parse_float=json_decimal,
            parse_int=json_int,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except DuplicateKeyError:
        raise DuplicateKeyError(_duplicate_key(text)) from None
    except RecursionError:
        raise InputLimitError("nested too deeply to read") from None
    except NumberError as exc:
        raise InputLimitError(f"a number {exc}") from None
