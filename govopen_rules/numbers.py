"""Exact numbers from input: Decimal or a clear error, never a float's approximation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["parse_decimal"]


def parse_decimal(value: object) -> Decimal:
    """``value`` as a finite Decimal; a float goes through its shortest repr ("0.1")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number
