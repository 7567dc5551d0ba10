"""Exact numbers: parsing input to Decimal (never a float's approximation) and printed shares."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["parse_decimal", "percent_of"]


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


def percent_of(count: int, total: int, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """count / total × 100 at ``decimals`` places, half up unless told otherwise; 0 when the
    total is 0 (an empty group has no share to print)."""
    if total == 0:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-decimals)
    return (Decimal(count) * 100 / Decimal(total)).quantize(quantum, rounding=rounding)
