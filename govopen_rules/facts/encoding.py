"""Encode values, and a fact with its derived measures, into the flat form every engine compares.

Encoding hides durable-rules' type traps: decimals become integer millionths and dates day
ordinals (so comparisons are numeric and exact), strings are NFC-normalised (and at most
:data:`MAX_TEXT_BYTES` long), ``None`` (not observed) is left out, and nested values never
reach the engine.
"""

from __future__ import annotations

import datetime as dt
import keyword
import unicodedata
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal

from govopen_rules.conversion import parse_date, surrogate_problem
from govopen_rules.exact import (
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    fits_digits,
    parse_decimal,
)
from govopen_rules.facts.kinds import FactKind, FieldType

__all__ = [
    "DECIMAL_SCALE",
    "MAX_PROPERTIES",
    "MAX_TEXT_BYTES",
    "encode_decimal",
    "encode_fact",
    "encode_value",
]

#: Decimals are compared as integer millionths.
DECIMAL_SCALE = 10**6
#: The engine compares 64-bit integers.
INT64_MAX = 2**63 - 1

#: The longest text compared, in UTF-8 bytes: durable-rules compares text with a 16-bit length,
#: so two texts that differ only past 64 KiB were equal to it (and not to the python engine).
MAX_TEXT_BYTES = 65_535
#: durable-rules drops facts with about 253 flattened properties; stay well below.
MAX_PROPERTIES = 240
_LISTS = (FieldType.STR_LIST, FieldType.DATE_LIST)


def encode_fact(
    kind: FactKind,
    fact: object,
    derived: Mapping[str, object],
    fields: Collection[str] | None = None,
) -> dict[str, object]:
    """The engine's view of one fact: ``fields`` only (default: all). ValueError names the field."""
    key = fields if fields is None or type(fields) is tuple else tuple(fields)
    try:
        return _encoder(kind, key)(fact, derived)
    except Exception:  # the field-by-field encoder below names the field and the problem
        return _encode_checked(kind, fact, derived, key)


def _encode_checked(
    kind: FactKind,
    fact: object,
    derived: Mapping[str, object],
    fields: tuple[str, ...] | None,
) -> dict[str, object]:
    out: dict[str, object] = {"kind": kind.name}
    size = 1
    for name, is_measure, is_list, encode in _plan(kind, fields):
        value = derived.get(name) if is_measure else getattr(fact, name)
        if value is None:
            continue
        try:
            if is_list:
                if not isinstance(value, tuple):  # e.g. a plugin's deriver gave one value
                    raise ValueError(f"expected a list of values, got {value!r}")
                out[name] = [encode(item) for item in value]
                size += len(value)
            else:
                out[name] = encode(value)
                size += 1
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    if size > MAX_PROPERTIES:
        raise ValueError(f"fact has {size} values; the engine takes at most {MAX_PROPERTIES}")
    return out


_FactEncoder = Callable[[object, Mapping[str, object]], dict[str, object]]
_ENCODERS_MADE: dict[tuple[int, tuple[str, ...] | None], tuple[FactKind, _FactEncoder]] = {}
#: What a generated encoder writes in line for a value of exactly the common type.
_IN_LINE = {
    FieldType.DATE: ("_date", "v.toordinal()"),
    FieldType.BOOL: ("_bool", "v"),
    # Other text (Chinese, most of it) is normalised and measured by the type's encoder in
    # line too, not by a second, field-by-field encoding of the whole fact (5.6x slower).
    FieldType.STR: ("_str", f"v if v.isascii() and len(v) <= {MAX_TEXT_BYTES} else {{enc}}(v)"),
    FieldType.INT: ("int", "v if -_INT64_MAX <= v <= _INT64_MAX else _fail()"),
}


def _encoder(kind: FactKind, fields: tuple[str, ...] | None) -> _FactEncoder:
    """A function generated once per (kind, fields) that encodes the common case in line: each
    field read directly, a value of exactly its type converted where it stands. Anything else
    (a list, a decimal, a value of another type, too many values) goes through the checked
    encoders; a problem raises, and :func:`encode_fact` encodes the fact again field by field
    to say which field and what is wrong."""
    key = (id(kind), fields)
    found = _ENCODERS_MADE.get(key)
    if found is not None and found[0] is kind:
        return found[1]
    names: dict[str, object] = {
        "_nfc": unicodedata.normalize,
        "_INT64_MAX": INT64_MAX,
        "_date": dt.date,
        "_bool": bool,
        "_str": str,
        "_fail": _fail,
        "_checked": _encode_checked,
        "_kind": kind,
        "_fields": fields,
    }
    lines = ["def encode(fact, derived):", f"    out = {{'kind': {kind.name!r}}}", "    size = 1"]
    lists = False
    plan = _plan(kind, fields)
    for i, (name, is_measure, is_list, encode) in enumerate(plan):
        read = f"derived.get({name!r})" if is_measure else f"fact.{name}"
        if not name.isidentifier() or keyword.iskeyword(name):
            read = f"derived.get({name!r})" if is_measure else f"getattr(fact, {name!r})"
        lines += [f"    v = {read}", "    if v is not None:"]
        names[f"_enc{i}"] = encode
        ftype = (kind.derived if is_measure else kind.fields)[name]
        if is_list:
            lists = True
            lines.append("        if type(v) is not tuple: _fail()  # the checks say why")
            lines.append(f"        out[{name!r}] = [_enc{i}(x) for x in v]")
            lines.append("        size += len(v)")
        elif ftype in _IN_LINE:
            exact, in_line = _IN_LINE[ftype]
            in_line = in_line.format(enc=f"_enc{i}")
            lines.append(
                f"        out[{name!r}] = ({in_line}) if type(v) is {exact} else _enc{i}(v)"
            )
        else:
            lines.append(f"        out[{name!r}] = _enc{i}(v)")
    if lists or len(plan) + 1 > MAX_PROPERTIES:  # only lists can take a fact past the limit
        lines.append(f"    if size + len(out) > {MAX_PROPERTIES}:")
        lines.append("        return _checked(_kind, fact, derived, _fields)  # it says why")
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<govopen_rules encoder {kind.name}>", "exec"), names)
    made: _FactEncoder = names["encode"]  # type: ignore[assignment]
    if len(_ENCODERS_MADE) > 4096:
        _ENCODERS_MADE.clear()
    _ENCODERS_MADE[key] = (kind, made)
    return made


def _fail() -> int:
    raise ValueError("left to the field-by-field encoder")


_Encode = Callable[[object], "int | str | bool"]
_Plan = tuple[tuple[str, bool, bool, _Encode], ...]
_PLANS: dict[tuple[int, tuple[str, ...] | None], tuple[FactKind, _Plan]] = {}


def _plan(kind: FactKind, fields: tuple[str, ...] | None) -> _Plan:
    """Per field encoded: its name, whether it is a derived measure, whether a list, and the
    function that encodes one value of its type; worked out once per (kind, fields), not per
    fact. Nested values never reach the engine."""
    key = (id(kind), fields)
    found = _PLANS.get(key)
    if found is None or found[0] is not kind:
        names = (*kind.fields, *kind.derived) if fields is None else fields
        plan = []
        for name in names:
            measure = name not in kind.fields
            ftype = kind.derived[name] if measure else kind.fields[name]
            if ftype is not FieldType.NESTED:
                plan.append((name, measure, ftype in _LISTS, _ENCODERS[ftype]))
        found = (kind, tuple(plan))
        if len(_PLANS) > 4096:
            _PLANS.clear()
        _PLANS[key] = found
    return found[1]


def encode_value(value: object, ftype: FieldType) -> int | str | bool:
    """Encode a Python value of ``ftype`` the way facts are encoded for the engine."""
    if ftype is FieldType.DATE and type(value) is dt.date:
        return value.toordinal()
    if ftype is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if ftype is FieldType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        if abs(value) > INT64_MAX:
            raise ValueError(f"{value!r} is outside the engine's 64-bit range")
        return value
    if ftype in (FieldType.STR, FieldType.STR_LIST):
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {value!r}")
        problem = surrogate_problem(value)  # e.g. a rubric's "\ud800"
        if problem is not None:
            raise ValueError(problem)
        text = unicodedata.normalize("NFC", value)
        size = len(text.encode("utf-8"))
        if size > MAX_TEXT_BYTES:
            raise ValueError(
                f"a text of {size:,} bytes is compared; the engine compares text of at most "
                f"{MAX_TEXT_BYTES:,} bytes (UTF-8)"
            )
        return text
    if ftype in (FieldType.DATE, FieldType.DATE_LIST):
        if isinstance(value, str):
            value = parse_date(value)  # YYYY-MM-DD only, as facts are read
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"expected a date, got {value!r}")
        return value.toordinal()
    if ftype is FieldType.DECIMAL:
        return encode_decimal(value)
    raise ValueError(f"fields of type {ftype.value} cannot be compared")


def encode_decimal(value: object) -> int:
    """A decimal as integer millionths; exact or an error, never rounded."""
    if (
        type(value) is Decimal
        and value.is_finite()
        and fits_digits(value, MAX_INTEGER_DIGITS, MAX_FRACTION_DIGITS)
    ):  # within what parse_decimal takes, so scaling is exact (28 digits at most)
        scaled = value.scaleb(6)
        if scaled == scaled.to_integral_value():
            result = int(scaled)
            if -INT64_MAX <= result <= INT64_MAX:
                return result
    scaled = parse_decimal(value) * DECIMAL_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value!r} has more than 6 decimal places")
    result = int(scaled)
    if abs(result) > INT64_MAX:
        raise ValueError(f"{value!r} is outside the engine's range")
    return result


def _generic(ftype: FieldType) -> _Encode:
    return lambda value: encode_value(value, ftype)


def _date(value: object) -> int | str | bool:
    return value.toordinal() if type(value) is dt.date else encode_value(value, FieldType.DATE)


def _str(value: object) -> int | str | bool:
    if type(value) is str and value.isascii() and len(value) <= MAX_TEXT_BYTES:
        return value
    return encode_value(value, FieldType.STR)


def _bool(value: object) -> int | str | bool:
    return value if type(value) is bool else encode_value(value, FieldType.BOOL)


def _int(value: object) -> int | str | bool:
    if type(value) is int and -INT64_MAX <= value <= INT64_MAX:
        return value
    return encode_value(value, FieldType.INT)


#: Each type's encoder: the common value (exactly that type) in line, anything else through
#: :func:`encode_value`, which checks it and says what is wrong.
_ENCODERS: dict[FieldType, _Encode] = {
    FieldType.DATE: _date,
    FieldType.DATE_LIST: _date,
    FieldType.STR: _str,
    FieldType.STR_LIST: _str,
    FieldType.BOOL: _bool,
    FieldType.INT: _int,
    FieldType.DECIMAL: encode_decimal,
    FieldType.NESTED: _generic(FieldType.NESTED),
}
