"""A year's official holiday arrangement from a small data file (``--calendar FILE``).

When the State Council has announced a year's arrangement (国务院办公厅关于某年部分节假日安排的
通知) but the installed ``chinesecalendar`` does not have it yet, the evaluation would use a
provisional calendar (statutory holidays, no 调休). A calendar file gives the announced
arrangement instead::

    # 国务院办公厅关于2027年部分节假日安排的通知
    year: 2027
    holidays:                       # rest days (weekdays among them are what matters)
      - 2027-01-01
      - 2027-02-05 .. 2027-02-11    # a range, both ends included
    workdays:                       # weekend days that are working days (调休)
      - 2027-02-14

A file may hold several years as a list of such mappings. :class:`CalendarFile` is the plugin
that supplies it through the ``govopen_calendar`` hook; a newer ``chinesecalendar`` that knows
the year is not needed, and a file's year replaces the library's data for that year.
:class:`CalendarYears` supplies years already read (what a cohort's workers are sent), and
:func:`calendar_years` reads a mix of files and years in order.

A calendar file is input like a facts file: it is read at most :data:`MAX_CALENDAR_BYTES`,
as UTF-8 YAML with the safe loader, at most as deep as a rubric, without a key given twice,
and every problem names its path without echoing more than a few characters of what was found
there. What no announced arrangement says is refused, since it would move deadlines in silence:
a year given twice in one file, no holidays, a weekday as a 调休 workday, more than
:data:`MAX_WEEKDAY_HOLIDAYS` weekdays of rest.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from govopen_rules.bounded import TooLarge, read_at_most
from govopen_rules.errors import InputError, Problem, RubricError, ValidationError
from govopen_rules.facts.convert import FIRST_YEAR, LAST_YEAR
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.rubric.reading import (
    MAX_DEPTH,
    BoundedLoader,
    TooDeepError,
    load_checked,
    one_line,
)
from govopen_rules.workdays import HolidayYear

__all__ = [
    "MAX_CALENDAR_BYTES",
    "CalendarFile",
    "CalendarSource",
    "CalendarYears",
    "calendar_years",
    "load_calendar_file",
]

#: The largest calendar file read: one year takes well under 1 KB.
MAX_CALENDAR_BYTES = 256 * 1024

#: A year's arrangement as data, or a calendar file's path.
CalendarSource: TypeAlias = "HolidayYear | str | os.PathLike[str]"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_RANGE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*")
_KEYS = {"year", "holidays", "workdays", "source", "note"}


def _shown(value: object) -> str:
    """What was found, short: a problem names its path, so the value needs only a glimpse."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _key(key: object) -> str:
    return key if isinstance(key, str) and len(key) <= 60 else _shown(key)


def _day(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        # Only YYYY-MM-DD, as a notice writes a date: Python also reads 20270101 and 2027-W01-5.
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, (list, dict)):
        raise ValueError(f"expected a date or a range, got a {type(value).__name__}")
    raise ValueError(
        f"{_shown(value)} is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD .. YYYY-MM-DD)"
    )


def _days(value: object, year: int) -> list[dt.date]:
    """The days a list entry names, all in ``year`` (a range is checked before it is expanded)."""
    if isinstance(value, str) and (found := _RANGE.fullmatch(value)):
        first, last = _day(found.group(1)), _day(found.group(2))
        if last < first:
            raise ValueError(f"{_shown(value)} ends before it starts")
        days = [first, last]
    else:
        days = [_day(value)]
    stray = [d for d in days if d.year != year]
    if stray:
        raise ValueError(f"{stray[0]} is not in {year}")
    first, last = days[0], days[-1]
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _year(entry: object, path: str, problems: list[Problem]) -> HolidayYear | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(path, "expected a mapping with year, holidays and workdays"))
        return None
    problems += [Problem(f"{path}.{_key(k)}", "unknown key") for k in entry if k not in _KEYS]
    year = entry.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(Problem(f"{path}.year", f"{_shown(year)} is not a year"))
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        bounds = f"{FIRST_YEAR}-{LAST_YEAR}"
        problems.append(Problem(f"{path}.year", f"{year} is not a year in {bounds}"))
        return None
    found: dict[str, list[dt.date]] = {}
    for key in ("holidays", "workdays"):
        values: Any = entry.get(key, [])
        if not isinstance(values, list):
            problems.append(Problem(f"{path}.{key}", "expected a list of dates and ranges"))
            continue
        found[key] = []
        for i, value in enumerate(values):
            try:
                found[key] += _days(value, year)
            except ValueError as exc:
                problems.append(Problem(f"{path}.{key}[{i}]", str(exc)))
    both = sorted(set(found.get("holidays", ())) & set(found.get("workdays", ())))
    if both:
        problems.append(Problem(path, f"{both[0]} is listed both as a holiday and a workday"))
    if problems:
        return None
    problems += _implausible(found["holidays"], found["workdays"], path)
    if problems:
        return None
    return HolidayYear(year=year, holidays=found["holidays"], workdays=found["workdays"])


#: The most weekdays a year's arrangement may give as rest days: the statutory holidays are 13
#: days and 调休 moves a few more, so an arrangement has well under 30; more is a mistake (a
#: range typed for a month), and a year of holidays put deadlines past 2100.
MAX_WEEKDAY_HOLIDAYS = 40


def _implausible(holidays: list[dt.date], workdays: list[dt.date], path: str) -> list[Problem]:
    """What no announced arrangement says, and would change deadlines in silence: no holidays
    (``year: 2020`` alone replaced the known 2020 calendar with one of no holidays), too many,
    or a weekday listed as a working day (调休 days are weekend days; a weekday there is a
    mistyped date, and the weekend day meant is missing)."""
    problems = []
    if not holidays:
        problems.append(
            Problem(f"{path}.holidays", "none given; a year's arrangement lists its holidays")
        )
    off = sum(1 for day in set(holidays) if day.weekday() < 5)
    if off > MAX_WEEKDAY_HOLIDAYS:
        problems.append(
            Problem(
                f"{path}.holidays",
                f"{off} weekdays are rest days; an arrangement gives at most "
                f"{MAX_WEEKDAY_HOLIDAYS} (the statutory holidays are 13 days)",
            )
        )
    weekday = next((day for day in workdays if day.weekday() < 5), None)
    if weekday is not None:
        problems.append(
            Problem(
                f"{path}.workdays",
                f"{weekday} is a {weekday.strftime('%A')}; workdays lists weekend days worked "
                "(调休)",
            )
        )
    return problems


class _DatesAsText(BoundedLoader):
    """The bounded safe loader leaving dates as text, so a bad one is reported at its path."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(path: Path) -> object:
    """The file's YAML data; :class:`InputError` naming the file when it cannot be read, is too
    large, is not UTF-8 YAML or nests too deeply."""

    def refused(problem: str) -> InputError:
        return InputError(f"cannot read calendar file {path}: {problem}")

    try:
        raw = read_at_most(path, MAX_CALENDAR_BYTES)  # even from a pipe
    except TooLarge:
        raise refused(
            f"it is larger than {MAX_CALENDAR_BYTES:,} bytes (a year takes under 1 KB)"
        ) from None
    except OSError as exc:
        raise refused(exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte {raw[exc.start]:#04x} at offset {exc.start}"
        raise refused(f"not UTF-8 text ({where})") from None
    try:
        # A key given twice is refused (``holidays:`` twice kept the last).
        return load_checked(text, path, loader_class=_DatesAsText)[0]
    except RubricError as exc:
        raise refused(exc.problems[0].problem) from None
    except TooDeepError as exc:
        raise refused(f"line {exc.line}: nested more than {MAX_DEPTH} levels deep") from None
    except Exception as exc:  # YAMLError, or a scalar it cannot build (an int of 5,000 digits)
        raise refused(f"not valid YAML: {one_line(exc)}") from None


def load_calendar_file(path: Path | str) -> list[HolidayYear]:
    """The years a calendar file gives; an error names the file and the path of each problem."""
    data = _read(Path(path))
    entries = data if isinstance(data, list) else [data]
    problems: list[Problem] = []
    years = []
    given: dict[int, str] = {}  # the first place each year is given
    for i, entry in enumerate(entries):
        where = f"$[{i}]" if isinstance(data, list) else "$"
        found = _year(entry, where, problems)
        if found is None:
            continue
        if found.year in given:  # the later would win in silence, dropping the first's days
            problems.append(
                Problem(f"{where}.year", f"{found.year} is also given at {given[found.year]}")
            )
            continue
        given[found.year] = where
        years.append(found)
    if problems:
        raise ValidationError(problems, str(path))
    return years


def calendar_years(sources: Iterable[CalendarSource]) -> tuple[HolidayYear, ...]:
    """Every year given, in order: :class:`HolidayYear` items as they are, calendar files read
    (any problem is an error naming the file). Where two give the same year the later one
    wins, as with several ``--calendar`` files."""
    years: dict[int, HolidayYear] = {}
    for source in sources:
        if isinstance(source, HolidayYear):
            found = [source]
        elif isinstance(source, (str, os.PathLike)):
            found = load_calendar_file(Path(source))
        else:
            raise TypeError(f"expected a HolidayYear or a calendar file's path, got {source!r}")
        for year in found:  # each year once: all of them travel with every unit of a cohort
            years.pop(year.year, None)
            years[year.year] = year
    return tuple(years.values())


class CalendarYears:
    """A plugin supplying years of the official arrangement already read (``govopen_calendar``)."""

    def __init__(self, years: Iterable[HolidayYear]) -> None:
        self.years = tuple(years)

    @hookimpl
    def govopen_calendar(self) -> list[HolidayYear]:
        return list(self.years)


class CalendarFile(CalendarYears):
    """A plugin supplying the years of one calendar file (``govopen_calendar``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(load_calendar_file(path))
