"""Deadlines stated in rubric data: each expression, lateness, days late, and the errors."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import pytest

from govopen_rules import RubricError, Status, evaluate
from govopen_rules.rubric.deadlines import CompiledDeadline
from govopen_rules.workdays import default_calendar

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

REPORT = "进展情况"


def report_rubric(due: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A rubric whose one rule finds reports later than ``due`` says."""
    late = rule(
        "t.a1.late",
        "periodic_report",
        when={"field": "report_due_late", "eq": True},
        items="period",
    )
    deadline = {"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on"}
    return rubric(
        area("A", indicator("A1", "1", late)),
        deadlines={"report_due": deadline | due},
        **extra,
    )


def report(period: str, submitted_on: str | None = None) -> dict[str, Any]:
    out = {"kind": "periodic_report", "report": REPORT, "period": period}
    if submitted_on is not None:
        out["submitted_on"] = submitted_on
    return out


def measured(make_registry: MakeRegistry, due: dict[str, Any], *facts: dict[str, Any],
             as_of: str | None = None, **extra: Any) -> dict[str, str]:  # fmt: skip
    reg = make_registry(report_rubric(due, **extra))
    data = facts_file(*facts, as_of=as_of)
    verdict = evaluate(data, region="testland", registry=reg).verdict("t.a1.late")
    return verdict.evidence[0].values if verdict.evidence else {}


@pytest.mark.parametrize(
    ("due", "period", "expected"),
    [
        # "by the 2nd of the next month": November's report is due on 2 December...
        ({"day_of_next_month": 2}, "2020-11", "2020-12-02"),
        # ...and December's on 2 January of the next year.
        ({"day_of_next_month": 2}, "2020-12", "2021-01-02"),
        # Day 31 of a month that has 30 days is its last day.
        ({"day_of_next_month": 31}, "2020-10", "2020-11-30"),
        # "by 31 January of the following year" (条例 第四十九条), from the year's last day.
        ({"date_next_year": "01-31"}, "2019", "2020-01-31"),
        # 29 February in a year that has none is the 28th.
        ({"date_next_year": "02-29"}, "2020", "2021-02-28"),
        # 7 calendar days after the period's end.
        ({"days": 7}, "2020-11", "2020-12-07"),
        # 3 months after 30 November is the end of February.
        ({"months": 3}, "2020-11", "2021-02-28"),
        # 3 working days after 2020-09-30: the National Day holiday, then 10-09 and the 调休
        # Saturday 10-10, then Monday 10-12.
        ({"workdays": 3}, "2020-09", "2020-10-12"),
        # 0 working days: the day itself.
        ({"workdays": 0}, "2020-09", "2020-09-30"),
    ],
)
def test_each_expression_gives_its_due_date(
    make_registry: MakeRegistry, due: dict[str, Any], period: str, expected: str
) -> None:
    values = measured(make_registry, due, report(period, "2020-01-01"))
    assert values["report_due"] == expected


def test_late_and_days_late(make_registry: MakeRegistry) -> None:
    due = {"day_of_next_month": 2}
    on_time = measured(make_registry, due, report("2020-11", "2020-12-02"))
    assert (on_time["report_due_late"], on_time["report_due_days_late"]) == ("false", "0")
    late = measured(make_registry, due, report("2020-11", "2020-12-07"))
    # 12-02 (Wed) to 12-07 (Mon): 5 calendar days, 3 working days (12-03, 12-04, 12-07).
    assert (late["report_due_late"], late["report_due_days_late"]) == ("true", "5")
    assert late["report_due_workdays_late"] == "3"


def test_a_missing_submission_is_late_only_once_the_check_date_is_past(
    make_registry: MakeRegistry,
) -> None:
    due = {"day_of_next_month": 2}
    # Not yet due: lateness is not known, so the report is no evidence for the rule.
    assert measured(make_registry, due, report("2020-11"), as_of="2020-12-02") == {}
    overdue = measured(make_registry, due, report("2020-11"), as_of="2020-12-10")
    assert (overdue["report_due_late"], overdue["report_due_days_late"]) == ("true", "8")
    assert measured(make_registry, due, report("2020-11")) == {}


def test_a_rule_on_lateness_lists_the_late_periods(make_registry: MakeRegistry) -> None:
    reg = make_registry(report_rubric({"day_of_next_month": 2}))
    facts = [report("2020-10", "2020-11-02"), report("2020-11", "2020-12-03"),
             report("2020-12", "2021-01-05")]  # fmt: skip
    verdict = evaluate(facts_file(*facts), region="testland", registry=reg).verdict("t.a1.late")
    assert verdict.status is Status.DEDUCTED
    assert verdict.count == 2 and verdict.items == ("2020-11", "2020-12")


def test_a_parameter_states_the_number_and_may_be_overridden(
    make_registry: MakeRegistry,
) -> None:
    params = {"report_day": {"value": 2, "assumed": True, "note": "测试"}}
    reg = make_registry(report_rubric({"day_of_next_month": {"param": "report_day"}},
                                      parameters=params))  # fmt: skip
    data = facts_file(report("2020-11", "2020-12-03"))
    result = evaluate(data, region="testland", registry=reg)
    verdict = result.verdict("t.a1.late")
    assert verdict.status is Status.DEDUCTED
    assert verdict.assumptions == ("report_day",)  # the rule's due date rests on it
    later = evaluate(data, region="testland", registry=reg, parameters={"report_day": 5})
    assert later.verdict("t.a1.late").status is Status.CLEAR


@pytest.mark.parametrize(
    ("deadline", "problem"),
    [
        ({"kind": "nothing", "after": "x", "met_by": "y", "days": 1}, "unknown fact kind 'nothing'"),
        ({"kind": "periodic_report", "after": "report", "met_by": "submitted_on", "days": 1},
         "deadlines.report_due.after: 'report' is not a date field of 'periodic_report'"),
        ({"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on"},
         "deadlines.report_due: give exactly one of workdays, days, months"),
        ({"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on",
          "days": 1, "workdays": 1}, "give exactly one of"),
        ({"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on",
          "date_next_year": "13-01"}, "'13-01' is not a date of the year written MM-DD"),
        ({"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on",
          "day_of_next_month": 32}, "32 is not a whole number from 1 to 31"),
        ({"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on",
          "workdays": "1.5"}, "1.5 is not a whole number"),
    ],
)  # fmt: skip
def test_mistakes_are_reported_with_their_path(
    make_registry: MakeRegistry, deadline: dict[str, Any], problem: str
) -> None:
    data = rubric(area("A", indicator("A1", "1", rule("t.a1.r", "periodic_report"))),
                  deadlines={"report_due": deadline})  # fmt: skip
    with pytest.raises(RubricError) as info:
        make_registry(data)
    assert any(problem in e for e in info.value.errors), info.value.errors


def test_a_deadline_cannot_take_a_fields_name(make_registry: MakeRegistry) -> None:
    deadline = {"kind": "periodic_report", "after": "period_end", "met_by": "submitted_on",
                "days": 1}  # fmt: skip
    data = rubric(area("A", indicator("A1", "1", rule("t.a1.r", "periodic_report"))),
                  deadlines={"period_end": deadline})  # fmt: skip
    with pytest.raises(RubricError, match="clash with fields of 'periodic_report'"):
        make_registry(data)


def test_a_rule_on_a_deadline_field_unknown_to_the_rubric_is_refused(
    make_registry: MakeRegistry,
) -> None:
    data = rubric(area("A", indicator("A1", "1", rule(
        "t.a1.r", "periodic_report", when={"field": "report_due_late", "eq": True}))))  # fmt: skip
    with pytest.raises(RubricError, match="unknown field 'report_due_late'"):
        make_registry(data)


def test_the_compiled_kind_can_cross_a_process_boundary(make_registry: MakeRegistry) -> None:
    reg = make_registry(report_rubric({"workdays": 3}))
    kind = reg.runnable("testland", 2020).compiled.fact_kinds["periodic_report"]
    copy = pickle.loads(pickle.dumps(kind))
    assert set(copy.derived) >= {"report_due", "report_due_late", "report_due_days_late"}


def test_due_dates_directly() -> None:
    calendar = default_calendar()
    months = CompiledDeadline(name="d", after="a", met_by="b", form="months", amount=1)
    assert months.due(dt.date(2020, 1, 31), calendar) == dt.date(2020, 2, 29)
    assert months.due(dt.date(2020, 12, 15), calendar) == dt.date(2021, 1, 15)
    workdays = CompiledDeadline(name="d", after="a", met_by="b", form="workdays", amount=20)
    assert workdays.due(dt.date(2020, 9, 28), calendar) == dt.date(2020, 11, 2)
