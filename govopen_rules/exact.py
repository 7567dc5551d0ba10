"""Exact numbers: parsing input to Decimal (never a float's approximation) and printed shares.

Every number that enters the library is bounded before it becomes a Decimal: its text is at
most :data:`MAX_NUMBER_TEXT` characters, and its value has at most :data:`MAX_INTEGER_DIGITS`
digits before the point and :data:`MAX_FRACTION_DIGITS` after it. So ``"1e999999999"`` is
refused at once instead of becoming a billion-digit integer in a comparison or an overflow in
arithmetic, and every sum of scores stays exact in the default 28-digit context.
"""

from __future__ import annotations

import re
import reprlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "MAX_NUMBER_TEXT",
    "NumberError",
    "fits_digits",
    "json_decimal",
    "json_int",
    "parse_decimal",
    "percent_of",
    "shown",
]

#: The longest text read as a number; anything longer is refused before it is converted.
MAX_NUMBER_TEXT = 64
#: Digits a number may have before the point and after it (16 + 12 = 28, the context's
#: precision, so adding and comparing such numbers is exact).
MAX_INTEGER_DIGITS = 16
MAX_FRACTION_DIGITS = 12

_RANGE = f"at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_FRACTION_DIGITS} after it"
_EXPONENT = re.compile(r"[eE]\s*[+-]?\s*(\d+)")

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlong = 40
for _name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque", "maxarray"):
    setattr(_REPR, _name, 4)


def shown(value: object) -> str:
    """``value`` as an error message echoes it: its repr, cut short (a million-element list is
    shown as ``[0, 1, 2, 3, ...]``), in time and memory bounded by the cut, not the value."""
    try:
        return _REPR.repr(value)
    except Exception:  # a repr that fails (or recurses) must not hide the error being reported
        return f"<{type(value).__name__}>"


class NumberError(ValueError):
    """A value that is not a usable number; ``problem`` is what is wrong (``is not a number``,
    ``is out of range``), ``detail`` what is allowed, if anything."""

    def __init__(self, value: object, problem: str, detail: str = "") -> None:
        self.value_shown = shown(value)
        self.problem = problem
        self.detail = detail
        super().__init__(f"{self.value_shown} {problem}" + (f" ({detail})" if detail else ""))


def fits_digits(value: Decimal, integer_digits: int, fraction_digits: int) -> bool:
    """Whether finite ``value`` has at most ``integer_digits`` digits before the point and
    ``fraction_digits`` after it, trailing zeros not counted (0.50 has one)."""
    if value.is_zero():
        return True
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= -fraction_digits:  # the common case: no digit below the allowed ones
        return value.adjusted() < integer_digits
    significant = len(digits)
    while digits[significant - 1] == 0:
        significant -= 1
    lowest = exponent + len(digits) - significant
    return value.adjusted() < integer_digits and lowest >= -fraction_digits


def _from_text(value: str) -> Decimal:
    if len(value) > MAX_NUMBER_TEXT:
        raise NumberError(
            value, "is out of range", f"a number is at most {MAX_NUMBER_TEXT} characters"
        )
    if "_" in value:  # Decimal("0_5") is 5: digits grouped as Python writes them are not a number
        raise NumberError(value, "is not a number")
    if not value.isascii():  # Decimal also reads "０.５" and "٣"
        raise NumberError(value, "is not a number", "a number is written in ASCII: 0-9 . -")
    exponent = _EXPONENT.search(value)
    if exponent is not None and len(exponent.group(1).lstrip("0")) > 4:
        raise NumberError(value, "is out of range", _RANGE)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise NumberError(value, "is not a number") from None


def parse_decimal(value: object) -> Decimal:
    """``value`` as a finite Decimal within the bounds above; a float goes through its shortest
    repr ("0.1"). Raises :class:`NumberError` (a ValueError) saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise NumberError(value, "is not a number")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            raise NumberError(value, "is out of range", _RANGE)
        return Decimal(value)
    if isinstance(value, float):
        number = _from_text(repr(value))
    elif isinstance(value, str):
        number = _from_text(value)
    else:
        number = value
    if not number.is_finite():
        raise NumberError(value, "is not a finite number")
    if not fits_digits(number, MAX_INTEGER_DIGITS, MAX_FRACTION_DIGITS):
        raise NumberError(value, "is out of range", _RANGE)
    return number


def json_decimal(text: str) -> Decimal:
    """A JSON number with a fraction or exponent, exactly; too long a literal is refused before
    it is converted (``json.loads(..., parse_float=json_decimal)``)."""
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberError(text, "is too long for a number", f"at most {MAX_NUMBER_TEXT} characters")
    return Decimal(text)


def json_int(text: str) -> int:
    """A JSON integer; too long a literal is refused before it is converted."""
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberError(text, "is too long for a number", f"at most {MAX_NUMBER_TEXT} characters")
    return int(text)


def percent_of(count: int, total: int, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """count / total × 100 at ``decimals`` places, half up unless told otherwise; 0 when the
    total is 0 (an empty group has no share to print)."""
    if total == 0:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-decimals)
    return (Decimal(count) * 100 / Decimal(total)).quantize(quantum, rounding=rounding)
