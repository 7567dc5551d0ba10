import datetime as dt

import pytest

from govopen_rules import CalendarYearMissingError, HolidayYear, add_workdays, workdays_between
from govopen_rules.workdays import (
    ANSWER_EXTENSION_LIMIT,
    ANSWER_LIMIT,
    CORRECTION_NOTICE_LIMIT,
    WorkdayCalendar,
    is_workday,
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


def test_year_outside_the_calendar_is_an_error_with_a_hint() -> None:
    with pytest.raises(CalendarYearMissingError) as info:
        is_workday(D(2099, 3, 2))
    assert "2099" in str(info.value)
    assert "govopen_calendar" in str(info.value)


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
