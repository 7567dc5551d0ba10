"""Encode a fact and its derived measures into the flat JSON the engine compares.

Encoding hides durable-rules' type traps: decimals become integer millionths and dates day
ordinals (so comparisons are numeric and exact), strings are NFC-normalised, ``None`` (not
observed) is left out, and nested values never reach the engine.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from govopen_rules.conditions import encode_value
from govopen_rules.fact_kinds import FactKind, FieldType

__all__ = ["MAX_PROPERTIES", "encode_fact"]

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
    out: dict[str, object] = {"kind": kind.name}
    size = 1
    if fields is None:
        fields = (*kind.fields, *kind.derived)
    for name in fields:
        ftype = kind.fields.get(name)
        if ftype is None:
            ftype = kind.derived[name]
            value = derived.get(name)
        else:
            value = getattr(fact, name)
        if value is None or ftype is FieldType.NESTED:
            continue
        try:
            if ftype in _LISTS:
                assert isinstance(value, tuple)
                out[name] = [encode_value(item, ftype) for item in value]
                size += len(value)
            else:
                out[name] = encode_value(value, ftype)
                size += 1
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    if size > MAX_PROPERTIES:
        raise ValueError(f"fact has {size} values; the engine takes at most {MAX_PROPERTIES}")
    return out
