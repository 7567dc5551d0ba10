"""Every output marks what a provisional calendar decided, and a calendar file removes the marks,
whether a cohort runs in one process or several.

The provisional case uses 2035-2036, far beyond any chinesecalendar release, so the tests hold
whichever version is installed; the 2026-12-15 request of the issue is checked against what the
installed calendar knows of 2027.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import govopen_yanan
import govopen_yanshan
import pytest
from openpyxl import Workbook

from govopen_rules import (
    EvaluationResult,
    HolidayYear,
    Registry,
    cli,
    evaluate,
    evaluate_many,
    from_json,
    to_json,
)
from govopen_rules.evaluation.compare import compare
from govopen_rules.evaluation.results import provisional_mark
from govopen_rules.plugins.calendar_file import CalendarFile, calendar_years
from govopen_rules.reports.cohort import render_cohort_markdown
from govopen_rules.reports.compare import render_comparison_markdown, render_comparison_text
from govopen_rules.reports.formatting import format_points, provisional_note
from govopen_rules.reports.html_page import cohort_html, result_html
from govopen_rules.reports.text import render_text
from govopen_rules.reports.xlsx import cohort_workbook, result_workbook

from conftest import RubricFiles

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
RULE = "yanshan.c3.answer_deadline"
#: Received on a Friday; its 20th working day falls in the next year.
LATE = {"kind": "information_request", "received_on": "2035-12-14", "replied_on": "2036-01-16"}
ON_TIME = {"kind": "information_request", "received_on": "2020-06-01", "replied_on": "2020-06-10"}
#: 2036: 1-3 January rest days, Saturday 5 January a working day (an arrangement for the test).
CALENDAR = """\
- {year: 2035, holidays: [2035-01-01, 2035-02-07 .. 2035-02-09]}
- {year: 2036, holidays: [2036-01-01 .. 2036-01-03], workdays: [2036-01-05]}
"""


def unit(uid: str, name: str, *facts: dict[str, str]) -> dict[str, Any]:
    kind = "department"
    return {"unit": {"id": uid, "name": name, "kind": kind}, "year": 2020, "facts": list(facts)}


UNITS = [unit("a", "甲局", LATE), unit("b", "乙局", ON_TIME), unit("c", "丙局", LATE, ON_TIME)]


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry(plugins=[govopen_yanshan, govopen_yanan], load_entrypoints=False)


@pytest.fixture(scope="module")
def years(reg: Registry) -> tuple[int, ...]:
    """The years of the late request's count that the installed calendar does not know."""
    return tuple(y for y in (2035, 2036) if reg.calendar.is_provisional(y))


@pytest.fixture(scope="module")
def calendar_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calendar") / "2035-2036.yaml"
    path.write_text(CALENDAR, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(reg: Registry) -> EvaluationResult:
    return evaluate(UNITS[0], region="yanshan", registry=reg)


def cells(book: Workbook) -> list[str]:
    return [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
            for v in row if v is not None]  # fmt: skip


def marked_years(data: object) -> list[object]:
    """Every ``provisional_calendar_years`` value in a JSON document that is not empty."""
    if isinstance(data, dict):
        own = data.get("provisional_calendar_years")
        return ([own] if own else []) + [y for v in data.values() for y in marked_years(v)]
    if isinstance(data, list):
        return [y for v in data for y in marked_years(v)]
    return []


def test_the_years_are_beyond_any_calendar(years: tuple[int, ...]) -> None:
    assert years == (2035, 2036)


def test_the_verdict_and_its_evidence_carry_the_years(
    result: EvaluationResult, years: tuple[int, ...]
) -> None:
    verdict = result.verdict(RULE)
    assert verdict.provisional_calendar_years == years
    assert verdict.evidence[0].provisional_calendar_years == years
    # 20 working days after Friday 2035-12-14: 11 in December, 1 January a statutory rest day.
    assert verdict.evidence[0].values["deadline"] == "2036-01-14"
    assert result.verdict("yanshan.a1.attribute").provisional_calendar_years == ()
    assert result.provisional_calendar_years == years


def test_text_marks_the_finding_line_and_its_evidence(
    result: EvaluationResult, years: tuple[int, ...]
) -> None:
    lines = render_text(result).splitlines()
    (finding,) = [line for line in lines if f"] {RULE}:" in line]
    assert finding.endswith(provisional_mark(years))
    (evidence,) = [line for line in lines if "证据 facts[0] information_request" in line]
    assert evidence.endswith(provisional_mark(years))
    assert provisional_note(years) in lines
    others = [line for line in lines if "] yanshan." in line and RULE not in line]
    assert others and not any("临时日历" in line for line in others)


def test_json_carries_the_years_and_reads_back(
    result: EvaluationResult, years: tuple[int, ...]
) -> None:
    text = to_json(result)
    data = json.loads(text)
    verdicts = {v["rule_id"]: v for a in data["areas"] for i in a["indicators"]
                for v in i["verdicts"]}  # fmt: skip
    assert verdicts[RULE]["provisional_calendar_years"] == list(years)
    assert verdicts[RULE]["evidence"][0]["provisional_calendar_years"] == list(years)
    assert verdicts["yanshan.a1.attribute"]["provisional_calendar_years"] == []
    assert data["provisional_calendar_years"] == list(years)
    assert from_json(text, EvaluationResult) == result


def test_the_workbook_marks_the_finding_and_its_evidence(
    result: EvaluationResult, years: tuple[int, ...]
) -> None:
    found = cells(result_workbook(result))
    message = result.verdict(RULE).message
    assert any(c.startswith(message + provisional_mark(years) + "\n") for c in found)
    assert any(c.startswith("facts[0] information_request") and c.endswith(provisional_mark(years))
               for c in found)  # fmt: skip
    assert provisional_note(years) in found


def test_the_page_marks_the_finding_and_its_evidence(
    result: EvaluationResult, years: tuple[int, ...]
) -> None:
    page = result_html(result)
    mark = f'<span class="provisional">{escape(provisional_mark(years).strip())}</span>'
    assert f"<p>{escape(result.verdict(RULE).message)} {mark}</p>" in page
    assert f"reply_workdays=22 {mark}</li>" in page
    assert escape(provisional_note(years)) in page


def test_every_cohort_output_says_which_units_used_a_provisional_year(
    reg: Registry, years: tuple[int, ...]
) -> None:
    cohort = evaluate_many(UNITS, region="yanshan", year=2020, registry=reg)
    marked = {p.name: p.provisional_calendar_years for g in cohort.groups for p in g.placements}
    assert marked == {"甲局": years, "乙局": (), "丙局": years}
    assert cohort.provisional_calendar_years == years
    mark = provisional_mark(years)
    markdown = render_cohort_markdown(cohort).splitlines()
    ranked = [line.split(" | ")[1] for line in markdown if line[2:].split(" | ")[0].isdigit()]
    assert ranked == ["乙局", f"甲局{mark}", f"丙局{mark}"]
    assert f"> {provisional_note(years)}" in markdown
    book = cohort_workbook(cohort)
    ranking = {row[3]: row[-1] or "" for row in book["排名"].iter_rows(values_only=True)
               if row[3] in marked}  # fmt: skip
    assert ranking == {"甲局": mark.strip(), "乙局": "", "丙局": mark.strip()}
    message = cohort.results[0].verdict(RULE).message
    found = [c for c in cells(book) if c.startswith(message)]
    assert len(found) == 2  # 甲局's finding and 丙局's, both marked
    assert all(c.startswith(message + mark + "\n") for c in found)
    page = cohort_html(cohort, reg.runnable("yanshan", 2020).compiled.grading)
    assert f'<td>甲局 <span class="provisional">{escape(mark.strip())}</span></td>' in page
    assert "<td>乙局</td>" in page
    data = json.loads(to_json(cohort))
    assert data["provisional_calendar_years"] == list(years)
    placements = {
        p["name"]: p["provisional_calendar_years"] for p in data["groups"][0]["placements"]
    }
    assert placements == {"甲局": list(years), "乙局": [], "丙局": list(years)}


def test_the_comparison_marks_totals_and_shared_verdicts(
    reg: Registry, years: tuple[int, ...]
) -> None:
    comparison = compare(UNITS[0], regions=["yanan", "yanshan"], registry=reg)
    mark = provisional_mark(years)
    text = render_comparison_text(comparison)
    for r in comparison.results:
        assert f"{format_points(r.total)} / {format_points(r.points)}{mark}" in text
    (shared,) = [line for line in text.splitlines() if line.startswith("    yanshan-2020")]
    assert shared.endswith(mark)
    assert text.endswith(provisional_note(years))
    assert f"> {provisional_note(years)}" in render_comparison_markdown(comparison)


def test_a_calendar_file_removes_every_mark(reg: Registry, calendar_file: Path) -> None:
    exact = Registry(plugins=[govopen_yanshan, CalendarFile(calendar_file)], load_entrypoints=False)
    result = evaluate(UNITS[0], region="yanshan", registry=exact)
    evidence = result.verdict(RULE).evidence[0]
    # 11 working days in December; 1-3 January off, Friday 4 and Saturday 5 January on: the
    # 20th is Tuesday 15 January, and the reply on the 16th came one working day late.
    assert (evidence.values["deadline"], evidence.values["reply_workdays"]) == ("2036-01-15", "21")
    assert result.provisional_calendar_years == ()
    assert marked_years(json.loads(to_json(result))) == []
    outputs = [render_text(result, verbose=True), result_html(result),
               *cells(result_workbook(result))]  # fmt: skip
    assert not any("临时日历" in out for out in outputs)
    cohort = evaluate_many(UNITS, region="yanshan", year=2020, registry=reg,
                           calendar=[calendar_file])  # fmt: skip
    assert marked_years(json.loads(to_json(cohort))) == []
    assert "临时日历" not in render_cohort_markdown(cohort)
    assert [r.verdict(RULE).evidence[0].values["deadline"] for r in cohort.results] == [
        "2036-01-15", "2020-06-30", "2036-01-15"
    ]  # fmt: skip


def test_a_cohort_on_two_processes_is_the_one_process_cohort(
    reg: Registry, calendar_file: Path
) -> None:
    given = calendar_years([calendar_file])
    alone = evaluate_many(UNITS, region="yanshan", year=2020, registry=reg, calendar=given)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = evaluate_many(UNITS, region="yanshan", year=2020, executor=pool,
                               calendar=[calendar_file])  # fmt: skip
    assert to_json(pooled) == to_json(alone)
    assert pooled.provisional_calendar_years == ()
    with ProcessPoolExecutor(max_workers=2) as pool:  # and without: marked the same way
        provisional = evaluate_many(UNITS, region="yanshan", year=2020, executor=pool)
    assert to_json(provisional) == to_json(evaluate_many(UNITS, region="yanshan", year=2020,
                                                         registry=reg))  # fmt: skip


def test_the_later_of_two_arrangements_for_a_year_wins(reg: Registry, calendar_file: Path) -> None:
    # No rest day in early January: the 20th working day is Friday 11 January.
    plain = HolidayYear(year=2036, holidays=[])
    first = evaluate_many(UNITS[:1], region="yanshan", year=2020, registry=reg,
                          calendar=[calendar_file, plain])  # fmt: skip
    last = evaluate_many(UNITS[:1], region="yanshan", year=2020, registry=reg,
                         calendar=[plain, calendar_file])  # fmt: skip
    assert first.results[0].verdict(RULE).evidence[0].values["deadline"] == "2036-01-11"
    assert last.results[0].verdict(RULE).evidence[0].values["deadline"] == "2036-01-15"


def test_the_cohort_command_takes_calendar_files(
    tmp_path: Path, calendar_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cohort.json"
    source.write_text(json.dumps({"units": UNITS}, ensure_ascii=False), encoding="utf-8")
    argv = ["cohort", str(source), "--region", "yanshan", "--year", "2020"]
    assert cli.main([*argv, "--format", "markdown"]) == 0
    assert "甲局 ⚠临时日历 provisional calendar 2035, 2036" in capsys.readouterr().out
    outputs = []
    for processes in ("0", "2"):
        command = [*argv, "--format", "json", "--processes", processes, "--calendar",
                   str(calendar_file)]  # fmt: skip
        assert cli.main(command) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert '"deadline": "2036-01-15"' in outputs[0] and "临时日历" not in outputs[0]
    assert json.loads(outputs[0])["provisional_calendar_years"] == []


def test_calendar_sources_are_years_or_files(calendar_file: Path) -> None:
    plain = HolidayYear(year=2036, holidays=[dt.date(2036, 1, 1)])
    # Each year once, the later source's: all of them travel with every unit of a cohort.
    years = calendar_years([plain, str(calendar_file)])
    assert [y.year for y in years] == [2035, 2036]
    assert years[1] is not plain
    with pytest.raises(TypeError, match="a HolidayYear or a calendar file's path"):
        calendar_years([2036])  # type: ignore[list-item]  # the check a caller without mypy gets


# --- the request: received 2026-12-15, answered in 2027 ------------------------------


@pytest.fixture(scope="module")
def reg_2026() -> Registry:
    rubric = RubricFiles([EXAMPLES / "yanshan-2026.yaml"])
    return Registry(plugins=[govopen_yanshan, rubric], load_entrypoints=False)


def request_2026() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / "request-2026-12.json").read_text("utf-8"))
    return loaded


def test_the_2026_request_is_marked_exactly_when_2027_is_unknown(reg_2026: Registry) -> None:
    result = evaluate(request_2026(), region="yanshan", registry=reg_2026)
    expected = (2027,) if reg_2026.calendar.is_provisional(2027) else ()
    verdict = result.verdict(RULE)
    assert verdict.provisional_calendar_years == expected
    assert verdict.evidence[0].provisional_calendar_years == expected
    text = render_text(result, verbose=True)
    if expected:
        assert f"{RULE}: 未发现问题 (clear)" in text and provisional_mark(expected) in text
    else:
        assert "临时日历" not in text


def test_the_2026_request_with_the_2027_file_is_exact_in_a_cohort(reg_2026: Registry) -> None:
    calendar = [EXAMPLES / "calendar-2027.yaml"]
    cohort = evaluate_many([request_2026()], region="yanshan", year=2026, registry=reg_2026,
                           calendar=calendar)  # fmt: skip
    (result,) = cohort.results
    # The file's 2027: 1 January its only rest day before the 20th working day, 13 January.
    assert result.verdict(RULE).evidence[0].values["deadline"] == "2027-01-13"
    assert result.provisional_calendar_years == cohort.provisional_calendar_years == ()
    assert marked_years(json.loads(to_json(cohort))) == []
    assert "临时日历" not in render_cohort_markdown(cohort)


def test_the_calendar_reports_the_evaluations_provisional_years_afterwards(reg: Registry) -> None:
    """Attributing years to each fact does not hide them from the calendar's own record."""
    evaluate(UNITS[0], region="yanshan", year=2020, registry=reg)
    assert reg.calendar.provisional_used() == frozenset({2035, 2036})
