import datetime as dt

import pytest

from govopen_rules import CalendarYearMissingError, HolidayYear, add_workdays, workdays_between
from govopen_rules.workdays import (
    ANSWER_EXTENSION_LIMIT,
    ANSWER_LIMIT,
    CORRECTION_NOTICE_LIMIT,
    WorkdayCalendar,
    is_workday,
    provisional_year,
)

D = dt.date


def test_make_up_weekend_days_are_working_days() -> None:
    # 2020 National Day arrangement: Sunday 09-27 and Saturday 10-10 were 调休 working days.
    assert is_workday(D(2020, 9, 27))
    assert is_workday(D(2020, 10, 10))
    assert not is_workday(D(2020, 10, 1))
    assert not is_workday(D(2020, 10, 8))
    assert not is_workday(D(2020, 10, 11))  # an ordinary Sunday


def test_request_received_2020_09_28_deadlines() -> None:
    received = D(2020, 9, 28)
    assert add_workdays(received, CORRECTION_NOTICE_LIMIT) == D(2020, 10, 14)
    assert add_workdays(received, ANSWER_LIMIT) == D(2020, 11, 2)
    assert add_workdays(received, ANSWER_LIMIT + ANSWER_EXTENSION_LIMIT) == D(2020, 11, 30)


def test_the_start_day_is_not_counted() -> None:
    assert workdays_between(D(2020, 9, 28), D(2020, 9, 28)) == 0
    assert workdays_between(D(2020, 9, 28), D(2020, 9, 29)) == 1
    # Over the holiday: 09-29, 09-30, 10-09, 10-10 are working days.
    assert workdays_between(D(2020, 9, 28), D(2020, 10, 10)) == 4


def test_workdays_between_is_the_inverse_of_add_workdays() -> None:
    start = D(2020, 1, 20)
    for n in range(0, 60, 7):
        assert workdays_between(start, add_workdays(start, n)) == n


def test_negative_span_counts_backwards() -> None:
    assert workdays_between(D(2020, 10, 10), D(2020, 9, 28)) == -4


def test_a_strict_calendar_refuses_a_year_it_has_no_data_for() -> None:
    with pytest.raises(CalendarYearMissingError) as info:
        WorkdayCalendar(strict=True).is_workday(D(2099, 3, 2))
    assert "2099" in str(info.value)
    assert "govopen_calendar" in str(info.value)


def test_a_year_beyond_the_data_is_provisional_from_the_statutory_holidays() -> None:
    cal = WorkdayCalendar()
    cal.track_provisional()
    assert cal.provisional_used() == frozenset()
    # 2030 (no chinesecalendar release covers it): 春节 is 2030-02-03 (正月初一, a Sunday); the
    # amended 放假办法 rests 除夕 and 初一 to 初三, Sat 02-02 to Tue 02-05. No 调休 is invented,
    # so Fri 02-01 and Wed 02-06 are working days and Sat 02-09 is not.
    assert [cal.is_workday(D(2030, 2, d)) for d in (1, 4, 5, 6, 9)] == [
        True, False, False, True, False,
    ]  # fmt: skip
    assert cal.is_provisional(2030) and not cal.is_provisional(2020)
    assert cal.provisional_used() == frozenset({2030})
    # 国庆 2030-10-01..03 is Tue..Thu: all three rest; Friday works.
    assert [cal.is_workday(D(2030, 10, d)) for d in (1, 3, 4)] == [False, False, True]


def test_a_deadline_running_into_a_provisional_year_is_computed_and_marked() -> None:
    cal = WorkdayCalendar()
    last = cal.covered_years[1]
    cal.track_provisional()
    # A request received on 15 December of the last covered year: 20 working days run into
    # the next year, which no data covers yet.
    deadline = cal.add_workdays(D(last, 12, 15), 20)
    assert deadline.year == last + 1
    assert cal.provisional_used() == frozenset({last + 1})
    cal.track_provisional()
    cal.add_workdays(D(last, 3, 2), 20)
    assert cal.provisional_used() == frozenset()


def test_provisional_year_statutory_days() -> None:
    rest = provisional_year(2030).holidays
    assert D(2030, 1, 1) in rest and D(2030, 5, 1) in rest and D(2030, 10, 1) in rest
    assert all(d.weekday() < 5 for d in rest)
    # 2027 by the law alone: 13 statutory days, 6 on a weekend (02-06, 02-07, 05-01, 05-02,
    # 10-02, 10-03), so 7 weekday rest days.
    assert len(provisional_year(2027).holidays) == 7


def test_supplied_year_is_used_instead_of_failing() -> None:
    year = HolidayYear(year=2099, holidays={D(2099, 1, 1)}, workdays={D(2099, 1, 3)})
    cal = WorkdayCalendar([year])
    assert not cal.is_workday(D(2099, 1, 1))  # a Thursday made a holiday
    assert cal.is_workday(D(2099, 1, 3))  # a Saturday made a working day
    assert cal.is_workday(D(2099, 1, 2))
    assert not cal.is_workday(D(2099, 1, 4))  # an ordinary Sunday


def test_holiday_year_rejects_dates_of_another_year() -> None:
    with pytest.raises(ValueError, match="another year"):
        HolidayYear(year=2099, holidays={D(2098, 12, 31)})


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        add_workdays(D(2020, 1, 1), -1)


def test_a_limit_past_a_century_is_refused_at_once() -> None:
    """A 12345 case's limit of 9e18 working days walked 8,000 years of calendars (7.7 s)."""
    from govopen_rules.workdays import MAX_WORKDAYS, default_calendar

    calendar = default_calendar()
    start = D(2020, 3, 2)
    assert calendar.workdays_between(start, calendar.add_workdays(start, MAX_WORKDAYS)) == (
        MAX_WORKDAYS
    )
    for n in (MAX_WORKDAYS + 1, 9 * 10**18):
        with pytest.raises(ValueError, match="working days is no deadline"):
            calendar.add_workdays(start, n)
