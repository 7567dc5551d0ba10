"""Structuring a facts file: every fact typed by its ``kind``, every problem with its path.

Values are checked for what the engine can hold as they are structured (whole numbers within
64 bits, decimals with at most 12 digits before the point and 6 after, dates in the years a fact
can be about), so a range problem is reported together with a type problem, not a run later.
:func:`read_facts` keeps what could be structured, so that the later steps (the working-day
calendar) can add their problems to the same report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules.conversion import Structurer, parse_date, unknown_fields
from govopen_rules.errors import FactsValidationError
from govopen_rules.exact import NumberError, fits_digits, parse_decimal, shown
from govopen_rules.facts.encoding import INT64_MAX
from govopen_rules.facts.fast_structure import FastBuild, fast_builder
from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.model import FactsFile, Unit

__all__ = [
    "DECIMAL_FRACTION_DIGITS",
    "DECIMAL_INTEGER_DIGITS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_PROBLEMS",
    "FactsDraft",
    "read_facts",
    "structure_facts_file",
]

#: A decimal fact has at most this many digits before and after the point (the engine compares
#: decimals as 64-bit integer millionths).
DECIMAL_INTEGER_DIGITS = 12
DECIMAL_FRACTION_DIGITS = 6
#: Dates and the assessment year lie in these years: nothing observed about a government's
#: 政务公开 work is dated outside them, and working days are counted only inside them.
FIRST_YEAR = 1900
LAST_YEAR = 2100
#: Problems listed for one file; past this, the rest of the file is not checked.
MAX_PROBLEMS = 50

_FIELDS = {"unit", "year", "facts", "as_of"}


def _whole_number(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{shown(value)} is not a whole number")
    if abs(value) > INT64_MAX:
        raise ValueError(f"{shown(value)} is out of range (a 64-bit whole number)")
    return value


#: Decimal text that is certainly within the bounds above: taken at once, without the checks.
_PLAIN_DECIMAL = re.compile(
    rf"-?[0-9]{{1,{DECIMAL_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{DECIMAL_FRACTION_DIGITS}}})?"
).fullmatch


def _decimal(value: object, _: type) -> Decimal:
    if type(value) is str and _PLAIN_DECIMAL(value) is not None:  # "94.5", as most are given
        return Decimal(value)
    return _decimal_checked(value)


def _decimal_checked(value: object) -> Decimal:
    # A Decimal as JSON numbers are read is checked once, against the narrower bounds.
    if (
        type(value) is Decimal
        and value.is_finite()
        and fits_digits(value, DECIMAL_INTEGER_DIGITS, DECIMAL_FRACTION_DIGITS)
    ):
        return value
    try:
        number = parse_decimal(value)
    except NumberError as exc:
        if exc.problem != "is out of range":
            raise
        number = None
    if number is None or not fits_digits(number, DECIMAL_INTEGER_DIGITS, DECIMAL_FRACTION_DIGITS):
        raise ValueError(
            f"{shown(value)} is out of range (at most {DECIMAL_INTEGER_DIGITS} digits before "
            f"the point and {DECIMAL_FRACTION_DIGITS} after it)"
        )
    return number


def _date(value: object, _: type) -> dt.date:
    day = parse_date(value)  # YYYY-MM-DD text or a date, checked
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{shown(value)} is not a date in {FIRST_YEAR}-{LAST_YEAR}")
    return day


_FACTS = Structurer({int: _whole_number, Decimal: _decimal, dt.date: _date})
_BUILDERS: dict[type, FastBuild] = {}


def _builder(cls: type) -> FastBuild:
    """The fact class's generated structuring function, made at its first fact."""
    found = _BUILDERS.get(cls)
    if found is None:
        found = fast_builder(
            cls, _FACTS.fast.get_structure_hook, int_max=INT64_MAX, years=(FIRST_YEAR, LAST_YEAR)
        )
        if len(_BUILDERS) > 1024:  # classes made on the fly (tests) must not pile up
            _BUILDERS.clear()
        _BUILDERS[cls] = found
    return found


@attrs.frozen(kw_only=True)
class FactsDraft:
    """A facts mapping as far as it could be structured.

    ``facts`` holds (position in the file, fact) for every fact that structured, ``problems``
    every problem found so far; ``unit`` and ``year`` are None when they had problems.
    """

    unit: Unit | None
    year: int | None
    as_of: dt.date | None
    facts: tuple[tuple[int, Any], ...]
    problems: tuple[str, ...]

    @classmethod
    def of(cls, facts_file: FactsFile) -> FactsDraft:
        """A facts file that is already structured."""
        return cls(
            unit=facts_file.unit,
            year=facts_file.year,
            as_of=facts_file.as_of,
            facts=tuple(enumerate(facts_file.facts)),
            problems=(),
        )

    def facts_file(self, source: str = "facts file") -> FactsFile:
        """The facts file, or :class:`FactsValidationError` listing every problem."""
        if self.problems:
            raise FactsValidationError(self.problems, source)
        assert self.unit is not None and self.year is not None
        return FactsFile(
            unit=self.unit, year=self.year, facts=tuple(f for _, f in self.facts), as_of=self.as_of
        )


def structure_facts_file(
    data: object, kinds: Mapping[str, FactKind], source: str = "facts file"
) -> FactsFile:
    """Structure a facts file (a mapping) with every fact typed by its ``kind``.

    Raises :class:`FactsValidationError` listing every problem, each with its path.
    """
    return read_facts(data, kinds).facts_file(source)


def read_facts(data: object, kinds: Mapping[str, FactKind]) -> FactsDraft:
    """Structure what can be structured of a facts mapping and list every problem."""
    if not isinstance(data, Mapping):
        return FactsDraft(
            unit=None,
            year=None,
            as_of=None,
            facts=(),
            problems=(f"$: expected a mapping, got {_json_type(data)}",),
        )
    errors: list[str] = []
    extra = set(data) - _FIELDS
    if extra:
        errors.append(f"$: {unknown_fields(extra)}")
    unit = None
    if "unit" not in data:
        errors.append("unit: required field missing")
    elif not isinstance(data["unit"], Mapping):
        errors.append(
            f"unit: expected a mapping with id, name and kind, got {_json_type(data['unit'])}"
        )
    else:
        unit, problems = _FACTS.structure_as(data["unit"], Unit, "unit")
        errors += problems
    year = None
    if "year" not in data:
        errors.append("year: required field missing")
    else:
        year, problems = _FACTS.structure_as(data["year"], int, "year")
        errors += problems
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            errors.append(f"year: {year} is not an assessment year in {FIRST_YEAR}-{LAST_YEAR}")
            year = None
    as_of = None
    if data.get("as_of") is not None:
        as_of, problems = _FACTS.structure_as(data["as_of"], dt.date, "as_of")
        errors += problems
    raw_facts = data.get("facts", [])
    facts: list[tuple[int, Any]] = []
    if not isinstance(raw_facts, list):
        errors.append(f"facts: expected a list, got {_json_type(raw_facts)}")
        raw_facts = []
    for index, raw in enumerate(raw_facts):
        if len(errors) >= MAX_PROBLEMS:
            errors.append(
                f"facts[{index}]: the rest of the file was not checked "
                f"(more than {MAX_PROBLEMS} problems)"
            )
            break
        fact = _fast_fact(raw, kinds)
        if fact is not None:
            facts.append((index, fact))
            continue
        fact, problems = _structure_fact(raw, kinds, f"facts[{index}]")
        if problems:
            errors += problems
        else:
            facts.append((index, fact))
    return FactsDraft(unit=unit, year=year, as_of=as_of, facts=tuple(facts), problems=tuple(errors))


def _json_type(value: object) -> str:
    """What a JSON value is, in plain words (``null``, not ``NoneType``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return f"number {shown(value)}"
    if isinstance(value, str):
        return f"string {shown(value)}"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, Mapping):
        return "mapping"
    return type(value).__name__


def _fast_fact(raw: object, kinds: Mapping[str, FactKind]) -> Any:
    """The fact, when its class's generated function takes it; None for the detailed path."""
    if type(raw) is not dict:
        return None
    name = raw.get("kind")
    kind = kinds.get(name) if type(name) is str else None
    if kind is None:
        return None
    try:
        return _builder(kind.cls)(raw)
    except Exception:  # the detailed path says what is wrong
        return None


def _structure_fact(raw: object, kinds: Mapping[str, FactKind], path: str) -> tuple[Any, list[str]]:
    if type(raw) is not dict and not isinstance(raw, Mapping):
        return None, [f"{path}: expected a mapping with a 'kind', got {_json_type(raw)}"]
    kind_name = raw.get("kind")
    kind = kinds.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        known = ", ".join(sorted(kinds))
        return None, [f"{path}.kind: unknown fact kind {shown(kind_name)}; known kinds: {known}"]
    body = {k: v for k, v in raw.items() if k != "kind"}
    return _FACTS.structure_as(body, kind.cls, path)
