"""The fact kinds of the 通报: 公文, 12345 cases, periodic reports, website inspections, silent
days by date, and the answer period of a request with 补正 and consultation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from govopen_rules import FactsValidationError, Registry, structure_facts_file
from govopen_rules.facts import model as f
from govopen_rules.facts.kinds import DeriveContext
from govopen_rules.plugins.builtin import derive, derive_records
from govopen_rules.workdays import default_calendar

D = dt.date


def ctx(as_of: dt.date | None = None, year: int = 2020) -> DeriveContext:
    return DeriveContext(year=year, as_of=as_of, calendar=default_calendar())


def test_official_document_marks() -> None:
    def valid(*marks: str) -> Any:
        doc = f.OfficialDocument(title="t", disclosure_attributes=marks)
        return derive_records.official_document(doc, ctx())

    assert valid("此件依申请公开") == {
        "disclosure_attribute_count": 1,
        "disclosure_attribute_valid": True,
    }
    assert valid()["disclosure_attribute_valid"] is False
    assert valid("此件公开发布", "此件不予公开")["disclosure_attribute_count"] == 2
    assert valid("此件主动公开")["disclosure_attribute_valid"] is False
    unchecked = derive_records.official_document(f.OfficialDocument(title="t"), ctx())
    assert unchecked == {}


@pytest.mark.parametrize(
    ("fields", "as_of", "expected"),
    [
        # 5 working days from Monday 11-02: 11-09; closed that day is in time.
        ({"limit_workdays": 5, "closed_on": D(2020, 11, 9)}, None,
         {"deadline": D(2020, 11, 9), "overdue": False, "days_overdue": 0}),
        ({"limit_workdays": 5, "closed_on": D(2020, 11, 12)}, None,
         {"deadline": D(2020, 11, 9), "overdue": True, "days_overdue": 3}),
        # A stated due date wins over a limit in working days.
        ({"limit_workdays": 5, "due_on": D(2020, 11, 6), "closed_on": D(2020, 11, 9)}, None,
         {"deadline": D(2020, 11, 6), "overdue": True, "days_overdue": 3}),
        # Open: overdue once the check date is past the deadline, unknown before.
        ({"limit_workdays": 5}, D(2020, 11, 9), {"deadline": D(2020, 11, 9)}),
        ({"limit_workdays": 5}, D(2020, 11, 11),
         {"deadline": D(2020, 11, 9), "overdue": True, "days_overdue": 2}),
        ({}, D(2020, 12, 1), {}),
    ],
)  # fmt: skip
def test_hotline_case(
    fields: dict[str, Any], as_of: dt.date | None, expected: dict[str, Any]
) -> None:
    case = f.HotlineCase(received_on=D(2020, 11, 2), **fields)
    measures = dict(derive_records.hotline_case(case, ctx(as_of)))
    assert measures.pop("closed") is ("closed_on" in fields)
    assert measures == expected


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29)),
        ("2020-12", D(2020, 12, 1), D(2020, 12, 31)),
        ("2020-Q3", D(2020, 7, 1), D(2020, 9, 30)),
        ("2020-H2", D(2020, 7, 1), D(2020, 12, 31)),
    ],
)
def test_periodic_report_period(period: str, start: dt.date, end: dt.date) -> None:
    report = f.PeriodicReport(report="r", period=period)
    assert derive_records.periodic_report(report, ctx()) == {
        "period_start": start,
        "period_end": end,
        "submitted": False,
    }


def test_a_bad_period_is_refused_with_its_path() -> None:
    kinds = Registry(load_entrypoints=False).fact_kinds
    data = {
        "unit": {"id": "u", "name": "u", "kind": "department"},
        "year": 2020,
        "facts": [{"kind": "periodic_report", "report": "r", "period": "2020-13"}],
    }
    with pytest.raises(
        FactsValidationError,
        match=r"facts\[0\]\.period: '2020-13' is not one of: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn",
    ):
        structure_facts_file(data, kinds)


def test_website_inspection() -> None:
    inspection = f.WebsiteInspection(
        site="s",
        checked_on=D(2020, 6, 15),
        serious_problems=("严重表述错误",),
        availability_checks=140,
        availability_failures=7,
        homepage_updated_on=D(2020, 6, 1),
    )
    assert derive_records.website_inspection(inspection, ctx()) == {
        "serious_problem_count": 1,
        "unreachable_percent": Decimal("5"),
        "homepage_stale_days": 14,
    }
    # 1 failure in 3 checks is 33.333333…%: rounded down, so "≥ 33.333334" stays false.
    thirds = f.WebsiteInspection(site="s", availability_checks=3, availability_failures=1)
    assert derive_records.website_inspection(thirds, ctx()) == {
        "unreachable_percent": Decimal("33.333333")
    }
    assert derive_records.website_inspection(f.WebsiteInspection(site="s"), ctx()) == {}


def test_new_media_silent_days_named_by_a_source() -> None:
    named = f.NewMediaAccount(
        name="a", no_post_dates=(D(2020, 11, 12), D(2020, 11, 14), D(2020, 11, 12))
    )
    measures = derive.new_media_account(named, ctx())
    assert measures == {"silent_workdays": (D(2020, 11, 12),), "workdays_without_post": 1}


def test_new_media_silent_days_from_the_posts_seen() -> None:
    account = f.NewMediaAccount(
        name="a",
        observed_from=D(2020, 9, 26),
        observed_to=D(2020, 10, 11),
        post_dates=(D(2020, 9, 28), D(2020, 9, 29), D(2020, 9, 30), D(2020, 10, 9)),
        original_post_dates=(D(2020, 9, 28),),
    )
    measures = derive.new_media_account(account, ctx())
    # The 调休 Sunday 09-27 and Saturday 10-10 are working days; the holiday week is not.
    assert measures["silent_workdays"] == (D(2020, 9, 27), D(2020, 10, 10))
    assert measures["workdays_without_post"] == 2
    assert measures["longest_days_without_original"] == 13
    assert measures["days_since_last_post"] == 2


def test_new_media_days_since_last_post_without_a_post() -> None:
    quiet = f.NewMediaAccount(name="a", observed_from=D(2020, 6, 1), observed_to=D(2020, 6, 14))
    assert derive.new_media_account(quiet, ctx())["days_since_last_post"] == 14
    only_end = f.NewMediaAccount(name="a", observed_to=D(2020, 6, 14))
    assert "days_since_last_post" not in derive.new_media_account(only_end, ctx())


@pytest.mark.parametrize(
    ("fields", "deadline"),
    [
        # 20 working days from 2020-09-28 (条例 第三十三条).
        ({}, D(2020, 11, 2)),
        ({"extended": True}, D(2020, 11, 30)),
        # After a 补正, from the day the completed request came in (第三十条).
        ({"correction_requested_on": D(2020, 9, 29), "correction_received_on": D(2020, 10, 9)},
         D(2020, 11, 5)),
        # Waiting 3 working days for a third party's opinion is not counted (第三十三条).
        ({"consulted_on": D(2020, 10, 12), "opinion_received_on": D(2020, 10, 15)},
         D(2020, 11, 5)),
        # At most the 15 working days the third party has (第三十二条), also with no answer.
        ({"consulted_on": D(2020, 10, 12), "opinion_received_on": D(2020, 12, 1)},
         D(2020, 11, 23)),
        ({"consulted_on": D(2020, 10, 12)}, D(2020, 11, 23)),
    ],
)  # fmt: skip
def test_request_answer_deadline(fields: dict[str, Any], deadline: dt.date) -> None:
    request = f.InformationRequest(received_on=D(2020, 9, 28), **fields)
    assert derive.information_request(request, ctx())["deadline"] == deadline


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        (f.Consultation(received_on=D(2020, 6, 30), replied_on=D(2020, 6, 1)),
         "replied_on: 2020-06-01 is before received_on 2020-06-30"),
        (f.InformationRequest(received_on=D(2020, 6, 30), replied_on=D(2020, 6, 29)),
         "replied_on: 2020-06-29 is before received_on 2020-06-30"),
        (f.DisclosureItem(topic="t", published=True, formed_on=D(2020, 3, 2),
                          published_on=D(2020, 3, 1)),
         "published_on: 2020-03-01 is before formed_on 2020-03-02"),
        (f.NewMediaAccount(name="a", observed_from=D(2020, 12, 1), observed_to=D(2020, 11, 1)),
         "observed_to: 2020-11-01 is before observed_from 2020-12-01"),
        (f.NewMediaAccount(name="a", observed_from=D(2019, 1, 1), observed_to=D(2021, 1, 2)),
         "observed_to: the window 2019-01-01 to 2021-01-02 is 732 days long; at most 731"),
    ],
)  # fmt: skip
def test_an_event_before_the_one_it_follows_is_refused(fact: Any, problem: str) -> None:
    """Scored as they stood, a reply before its request read as "on time" and a window ending
    before it starts as "never silent"; a window of two centuries took 2 GB to list."""
    with pytest.raises(ValueError, match=problem):
        getattr(derive, fact.KIND)(fact, ctx(as_of=D(2020, 12, 31)))


@pytest.mark.parametrize(
    "fact",
    [
        f.Consultation(received_on=D(2020, 6, 30), replied_on=D(2020, 6, 30)),
        f.InformationRequest(received_on=D(2020, 6, 30), replied_on=D(2020, 6, 30)),
        f.DisclosureItem(topic="t", published=True, formed_on=D(2020, 3, 2),
                         published_on=D(2020, 3, 2)),
        f.NewMediaAccount(name="a", observed_from=D(2020, 12, 1), observed_to=D(2020, 12, 1)),
        f.NewMediaAccount(name="a", observed_from=D(2019, 1, 1), observed_to=D(2021, 1, 1)),
    ],
)  # fmt: skip
def test_the_same_day_and_the_longest_window_are_read(fact: Any) -> None:
    """The boundaries: a reply on the day of its request (0 working days), a one-day window,
    a window of exactly 731 days."""
    measures = getattr(derive, fact.KIND)(fact, ctx(as_of=D(2020, 12, 31)))
    assert measures.get("reply_workdays", 0) == 0
    assert measures.get("publish_delay_workdays", 0) == 0
    if fact.KIND == "new_media_account":
        assert measures["longest_days_without_original"] in (0, 731)
