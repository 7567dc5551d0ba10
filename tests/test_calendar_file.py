"""A year the installed calendar lacks: provisional by default, exact with a calendar file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import govopen_yanshan
import pytest

from govopen_rules import Registry, ValidationError, cli, evaluate
from govopen_rules.plugins.calendar_file import CalendarFile, load_calendar_file

from conftest import RubricFiles

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
FACTS = EXAMPLES / "request-2026-12.json"
RUBRIC_2026 = EXAMPLES / "yanshan-2026.yaml"
CALENDAR_2027 = EXAMPLES / "calendar-2027.yaml"


def registry(*plugins: object, strict_calendar: bool = False) -> Registry:
    return Registry(
        plugins=[govopen_yanshan, RubricFiles([RUBRIC_2026]), *plugins],
        load_entrypoints=False,
        strict_calendar=strict_calendar,
    )


def request_verdict(reg: Registry) -> tuple[str, tuple[int, ...]]:
    result = evaluate(json.loads(FACTS.read_text("utf-8")), region="yanshan", registry=reg)
    verdict = result.verdict("yanshan.c3.answer_deadline")
    return verdict.evidence[0].values["deadline"], result.provisional_calendar_years


def test_a_deadline_in_2027_is_provisional_then_exact_with_the_file() -> None:
    # 20 working days from 2026-12-15: 12 in December, then 1 January (元旦) is a rest day.
    if registry().calendar.is_provisional(2027):
        assert request_verdict(registry()) == ("2027-01-13", (2027,))
    else:  # a newer chinesecalendar knows 2027 and wins by itself
        assert request_verdict(registry())[1] == ()
    assert request_verdict(registry(CalendarFile(CALENDAR_2027))) == ("2027-01-13", ())


def test_the_files_arrangement_is_used(tmp_path: Path) -> None:
    arrangement = tmp_path / "2027.yaml"
    arrangement.write_text(
        "year: 2027\nholidays: [2027-01-01 .. 2027-01-04]\nworkdays: [2027-01-09]\n", "utf-8"
    )
    # Monday 01-04 is a rest day and Saturday 01-09 a working day: still the 13th, exact.
    assert request_verdict(registry(CalendarFile(arrangement))) == ("2027-01-13", ())
    # Without the make-up Saturday and with Tuesday 01-05 off as well: two days later.
    arrangement.write_text("year: 2027\nholidays: [2027-01-01 .. 2027-01-05]\n", "utf-8")
    assert request_verdict(registry(CalendarFile(arrangement))) == ("2027-01-15", ())


def test_strictness_refuses_the_missing_year() -> None:
    with pytest.raises(ValidationError, match=r"facts\[0\]: no holiday calendar for 2027"):
        request_verdict(registry(strict_calendar=True))


def test_the_file_format(tmp_path: Path) -> None:
    two = tmp_path / "two.yaml"
    two.write_text(
        "- {year: 2098, holidays: ['2098-01-01'], source: 通知}\n"
        "- {year: 2099, holidays: ['2099-02-01 .. 2099-02-03'], workdays: [2099-02-07]}\n",
        "utf-8",
    )
    years = load_calendar_file(two)
    assert [y.year for y in years] == [2098, 2099]
    assert years[1].holidays == {dt.date(2099, 2, d) for d in (1, 2, 3)}
    assert years[1].workdays == {dt.date(2099, 2, 7)}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("year: 2027\nholidays: [2027-02-30]\n", "$.holidays[0]: '2027-02-30' is not a date"),
        ("year: 2027\nholidays: [2026-12-31]\n", "$.holidays[0]: 2026-12-31 is not in 2027"),
        ("year: 2027\nholidays: ['2027-02-09 .. 2027-02-01']\n", "ends before it starts"),
        ("year: 2027\nholidays: [2027-02-06]\nworkdays: [2027-02-06]\n",
         "2027-02-06 is listed both as a holiday and a workday"),
        ("year: next\n", "$.year: 'next' is not a year"),
        ("year: 2027\ncolour: red\n", "$.colour: unknown key"),
        ("year: 2027\nholidays: ['20270101']\n", "$.holidays[0]: '20270101' is not a date"),
        ("year: 2027\nholidays: [2027-W01-5]\n", "$.holidays[0]: '2027-W01-5' is not a date"),
        # Mistakes that changed deadlines in silence.
        ("year: 2020\n", "$.holidays: none given; a year's arrangement lists its holidays"),
        ("year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-02-15]\n",
         "$.workdays: 2027-02-15 is a Monday; workdays lists weekend days worked"),
        ("- {year: 2027, holidays: [2027-01-01]}\n- {year: 2027, holidays: [2027-01-02]}\n",
         "$[1].year: 2027 is also given at $[0]"),
        # 2027-01-01 is a Friday: 41 weekdays from there end on 2027-02-26.
        ("year: 2027\nholidays: ['2027-01-01 .. 2027-02-26']\n",
         "$.holidays: 41 weekdays are rest days; an arrangement gives at most 40"),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_and_path(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ValidationError) as info:
        load_calendar_file(path)
    assert str(path) in str(info.value)
    assert any(problem in e for e in info.value.errors), info.value.errors


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    base = Registry(plugins=[govopen_yanshan], load_entrypoints=False)
    argv = ["evaluate", str(FACTS), "--rubric", str(RUBRIC_2026), "--region", "yanshan"]
    assert cli.main(argv, registry=base) == 0
    marked = "临时日历 provisional calendar: 2027" in capsys.readouterr().out
    assert marked is base.calendar.is_provisional(2027)
    assert cli.main([*argv, "--calendar", str(CALENDAR_2027)], registry=base) == 0
    assert "provisional" not in capsys.readouterr().out
    assert cli.main([*argv, "--calendar", str(FACTS)], registry=base) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(FACTS) in err and "$.unit: unknown key" in err


def test_forty_weekdays_off_is_the_most_an_arrangement_gives(tmp_path: Path) -> None:
    path = tmp_path / "forty.yaml"
    path.write_text("year: 2027\nholidays: ['2027-01-01 .. 2027-02-25']\n", "utf-8")
    (year,) = load_calendar_file(path)
    assert sum(1 for day in year.holidays if day.weekday() < 5) == 40


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    from govopen_rules.errors import InputError

    path = tmp_path / "twice.yaml"
    path.write_text("year: 2027\nholidays: [2027-01-01]\nholidays: [2027-02-05]\n", "utf-8")
    with pytest.raises(InputError, match="line 3: the key 'holidays' is given twice"):
        load_calendar_file(path)
