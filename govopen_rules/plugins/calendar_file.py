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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from govopen_rules.errors import InputError, Problem, ValidationError
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.workdays import HolidayYear

__all__ = ["CalendarFile", "load_calendar_file"]

_RANGE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*")
_KEYS = {"year", "holidays", "workdays", "source", "note"}


def _day(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD .. YYYY-MM-DD)")


def _days(value: object) -> list[dt.date]:
    if isinstance(value, str) and (found := _RANGE.fullmatch(value)):
        first, last = _day(found.group(1)), _day(found.group(2))
        if last < first:
            raise ValueError(f"{value!r} ends before it starts")
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [_day(value)]


def _year(entry: object, path: str, problems: list[Problem]) -> HolidayYear | None:
    if not isinstance(entry, Mapping):
        problems.append(Problem(path, "expected a mapping with year, holidays and workdays"))
        return None
    problems += [Problem(f"{path}.{k}", "unknown key") for k in entry if k not in _KEYS]
    year = entry.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(Problem(f"{path}.year", f"{year!r} is not a year"))
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
                days = _days(value)
            except ValueError as exc:
                problems.append(Problem(f"{path}.{key}[{i}]", str(exc)))
                continue
            stray = [d for d in days if d.year != year]
            if stray:
                problems.append(Problem(f"{path}.{key}[{i}]", f"{stray[0]} is not in {year}"))
            found[key] += days
    both = sorted(set(found.get("holidays", ())) & set(found.get("workdays", ())))
    if both:
        problems.append(Problem(path, f"{both[0]} is listed both as a holiday and a workday"))
    if problems:
        return None
    return HolidayYear(year=year, holidays=found["holidays"], workdays=found["workdays"])


class _DatesAsText(yaml.SafeLoader):
    """``safe_load`` that leaves dates as text, so a bad one is reported at its path."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_calendar_file(path: Path | str) -> list[HolidayYear]:
    """The years a calendar file gives; an error names the file and the path of each problem."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_DatesAsText)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read calendar file {path}: {exc}") from None
    entries = data if isinstance(data, list) else [data]
    problems: list[Problem] = []
    years = []
    for i, entry in enumerate(entries):
        where = f"$[{i}]" if isinstance(data, list) else "$"
        found = _year(entry, where, problems)
        if found is not None:
            years.append(found)
    if problems:
        raise ValidationError(problems, str(path))
    return years


class CalendarFile:
    """A plugin supplying the years of one calendar file (``govopen_calendar``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.years = load_calendar_file(path)

    @hookimpl
    def govopen_calendar(self) -> list[HolidayYear]:
        return list(self.years)
