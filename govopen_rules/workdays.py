"""China's working days, with 调休 make-up days, for statutory and rubric deadlines.

Counting follows administrative-law practice: the day after the start date is day 1, so a
request received on 2020-09-28 must be answered within 20 working days, i.e. by 2020-11-02.
Holidays come from ``chinesecalendar``; years it does not cover can be supplied through the
``govopen_calendar`` hook as :class:`HolidayYear` data (the official arrangement). For a year
neither covers, the calendar is **provisional**: the statutory holidays of the
全国年节及纪念日放假办法 (as amended with effect from 2025-01-01) on their lunar dates, from the
``holidays`` package, with weekends as rest days and no 调休 make-up days, since those are only
known when the State Council announces them. Every count that touches a provisional year says
so (:meth:`WorkdayCalendar.provisional_used`); ``strict=True`` refuses such years instead.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections.abc import Iterable

import attrs
import chinese_calendar
import holidays as holiday_rules

from govopen_rules.errors import CalendarYearMissingError

__all__ = [
    "ANSWER_EXTENSION_LIMIT",
    "ANSWER_LIMIT",
    "CORRECTION_NOTICE_LIMIT",
    "PROACTIVE_DISCLOSURE_LIMIT",
    "THIRD_PARTY_OPINION_LIMIT",
    "HolidayYear",
    "WorkdayCalendar",
    "add_workdays",
    "default_calendar",
    "is_workday",
    "provisional_year",
    "workdays_between",
]

#: 条例 (国务院令第711号) 第二十六条: proactive disclosure within 20 working days.
PROACTIVE_DISCLOSURE_LIMIT = 20
#: 条例 第三十条: 补正 notice within 7 working days of receipt.
CORRECTION_NOTICE_LIMIT = 7
#: 条例 第三十二条 / 第三十四条: a third party or co-producing agency answers within 15.
THIRD_PARTY_OPINION_LIMIT = 15
#: 条例 第三十三条: answer within 20 working days of receipt.
ANSWER_LIMIT = 20
#: 条例 第三十三条: an approved extension adds at most 20 working days.
ANSWER_EXTENSION_LIMIT = 20


def _dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


@attrs.frozen(kw_only=True)
class HolidayYear:
    """One year's official arrangement: rest days on weekdays and make-up working weekend days.

    Weekdays not listed in ``holidays`` are working days; weekend days not listed in
    ``workdays`` are rest days.
    """

    year: int
    holidays: frozenset[dt.date] = attrs.field(converter=_dates)
    workdays: frozenset[dt.date] = attrs.field(converter=_dates, factory=frozenset)

    def __attrs_post_init__(self) -> None:
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"HolidayYear({self.year}) lists dates of another year: {stray}")


def provisional_year(year: int) -> HolidayYear:
    """A year's statutory rest days without the official arrangement: 元旦 1 day, 春节 4
    (from 2025; 3 before, 除夕 not included), 清明 1, 劳动节 2 (1 before 2025), 端午 1, 中秋 1,
    国庆 3, on their dates in ``year`` (lunar festivals converted by the ``holidays`` package).

    Weekdays among them are rest days; no weekend is a make-up working day. The ``holidays``
    package can also list "observed" substitute days, which model 调休; they are left out: a
    provisional calendar claims only what the law fixes.
    """
    # observed=False: the statutory days only, whatever language the names come in.
    days = set(holiday_rules.country_holidays("CN", years=year, observed=False))
    weekdays: frozenset[dt.date] = frozenset(d for d in days if d.weekday() < 5)
    return HolidayYear(year=year, holidays=weekdays)


def _library_years() -> tuple[int, int]:
    days = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    years = {d.year for d in days}
    return min(years), max(years)


#: The most working days :meth:`WorkdayCalendar.add_workdays` counts: about a century (250 a year).
MAX_WORKDAYS = 25_000


class WorkdayCalendar:
    """Working-day arithmetic over chinesecalendar plus any supplied years.

    Each year's working days are computed once into a sorted list of day ordinals, so a count
    or a deadline is a binary search rather than a walk over the days.
    """

    def __init__(self, extra_years: Iterable[HolidayYear] = (), *, strict: bool = False) -> None:
        self._library_range = _library_years()
        self._extra: dict[int, HolidayYear] = {year.year: year for year in extra_years}
        self._years: dict[int, tuple[list[int], frozenset[int]]] = {}
        self._provisional: set[int] = set()
        self._used = threading.local()
        self.strict = strict

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` is computed from the statutory holidays (no official data)."""
        return year in self._provisional or not (year in self._extra or self._in_library(year))

    def _in_library(self, year: int) -> bool:
        first, last = self._library_range
        return first <= year <= last

    def track_provisional(self) -> set[int]:
        """Start recording, in this thread, which provisional years counts touch.

        Returns the set being recorded into: a caller that attributes years to each fact it
        derives reads and clears it between facts.
        """
        used: set[int] = set()
        self._used.years = used
        return used

    def provisional_used(self) -> frozenset[int]:
        """Provisional years touched in this thread since :meth:`track_provisional`."""
        return frozenset(getattr(self._used, "years", ()))

    @property
    def covered_years(self) -> tuple[int, int]:
        """The first and last year covered by chinesecalendar (supplied years may add more)."""
        return self._library_range

    def _year(self, year: int) -> tuple[list[int], frozenset[int]]:
        cached = self._years.get(year)
        if cached is None:
            if year not in self._extra and not self._in_library(year):
                if self.strict or not 1 <= year <= 9998:
                    raise CalendarYearMissingError(year, self._library_range)
                self._extra[year] = provisional_year(year)
                self._provisional.add(year)
            first = dt.date(year, 1, 1)
            days = [
                first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)
            ]
            ordinals = [d.toordinal() for d in days if self._compute_is_workday(d)]
            cached = (ordinals, frozenset(ordinals))
            self._years[year] = cached
        if year in self._provisional:
            used = getattr(self._used, "years", None)
            if used is not None:
                used.add(year)
        return cached

    def _compute_is_workday(self, day: dt.date) -> bool:
        extra = self._extra.get(day.year)
        if extra is not None:
            if day in extra.workdays:
                return True
            if day in extra.holidays:
                return False
            return day.weekday() < 5
        if not self._in_library(day.year):
            raise CalendarYearMissingError(day.year, self._library_range)
        return bool(chinese_calendar.is_workday(day))

    def is_workday(self, day: dt.date) -> bool:
        """True when ``day`` is an official working day (including 调休 make-up days)."""
        return day.toordinal() in self._year(day.year)[1]

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself is never counted)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n > MAX_WORKDAYS:  # 9e18 from a fact once walked 8,000 years, 7.7 s
            raise ValueError(
                f"a limit of {n:,} working days is no deadline "
                f"(at most {MAX_WORKDAYS:,}, about a century)"
            )
        if n == 0:
            return start
        year = start.year
        ordinals, _ = self._year(year)
        index = bisect.bisect_right(ordinals, start.toordinal())
        while index + n > len(ordinals):
            n -= len(ordinals) - index
            year += 1
            ordinals, _ = self._year(year)
            index = 0
        return dt.date.fromordinal(ordinals[index + n - 1])

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days ``end`` lies after ``start``.

        Negative when ``end`` is before ``start``; 0 when they are the same day.
        """
        if end < start:
            return -self.workdays_between(end, start)
        low, high = start.toordinal(), end.toordinal()
        count = 0
        for year in range(start.year, end.year + 1):
            ordinals, _ = self._year(year)
            count += bisect.bisect_right(ordinals, high) - bisect.bisect_right(ordinals, low)
        return count


_DEFAULT = WorkdayCalendar()


def default_calendar() -> WorkdayCalendar:
    """The calendar of chinesecalendar alone (plugins' extra years are added by the registry)."""
    return _DEFAULT


def is_workday(day: dt.date) -> bool:
    """:meth:`WorkdayCalendar.is_workday` on the default calendar."""
    return _DEFAULT.is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """:meth:`WorkdayCalendar.add_workdays` on the default calendar."""
    return _DEFAULT.add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """:meth:`WorkdayCalendar.workdays_between` on the default calendar."""
    return _DEFAULT.workdays_between(start, end)
