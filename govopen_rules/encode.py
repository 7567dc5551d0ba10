"""Encode a fact and its derived measures into the flat JSON the engine compares.

Encoding hides durable-rules' type traps: decimals become integer millionths and dates day
ordinals (so comparisons are numeric and exact), strings are NFC-normalised, ``None`` (not
observed) is left out, and nested values never reach the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govopen_rules.conditions import encode_value
from govopen_rules.fact_kinds import FactKind, FieldType

__all__ = ["MAX_PROPERTIES", "encode_fact"]

#: durable-rules drops facts with about 253 flattened properties; stay well below.
MAX_PROPERTIES = 240


def encode_fact(kind: FactKind, fact: object, derived: Mapping[str, object]) -> dict[str, object]:
    """The engine's view of one fact. Raises ValueError naming the field on a bad value."""
    out: dict[str, object] = {"kind": kind.name}
    _put_all(out, kind.fields, lambda name: getattr(fact, name))
    _put_all(out, kind.derived, derived.get)
    size = sum(len(v) if isinstance(v, list) else 1 for v in out.values())
    if size > MAX_PROPERTIES:
        raise ValueError(f"fact has {size} values; the engine takes at most {MAX_PROPERTIES}")
    return out


def _put_all(
    out: dict[str, object], types: Mapping[str, FieldType], get: Callable[[str], object]
) -> None:
    for name, ftype in types.items():
        value = get(name)
        if value is None or ftype is FieldType.NESTED:
            continue
        try:
            if ftype in (FieldType.STR_LIST, FieldType.DATE_LIST):
                assert isinstance(value, tuple)
                out[name] = [encode_value(item, ftype) for item in value]
            else:
                out[name] = encode_value(value, ftype)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
