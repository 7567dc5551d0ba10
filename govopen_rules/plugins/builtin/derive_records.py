"""Derived measures of the per-case and per-document records the 通报 talk about: 公文 and their
公开属性 marks, 12345 cases with their time limits, periodic reports, website checks, and the
answer period of an 依申请公开 request.

As in :mod:`govopen_rules.plugins.builtin.derive`, a measure whose inputs were not observed is
left out, and working days are counted with the day after the first date as day 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_FLOOR

from govopen_rules.exact import percent_of
from govopen_rules.facts import model as f
from govopen_rules.facts.kinds import DeriveContext
from govopen_rules.workdays import (
    ANSWER_EXTENSION_LIMIT,
    ANSWER_LIMIT,
    THIRD_PARTY_OPINION_LIMIT,
)

__all__ = ["answer_deadline", "in_order", "observed"]

Measures = Mapping[str, object]


def in_order(first_name: str, first: dt.date, then_name: str, then: dt.date) -> None:
    """An event dated before the one it follows (a reply before its request) has no delay to
    measure: scored as it stands, it read as "on time". Refused, naming the later field."""
    if then < first:
        raise ValueError(
            f"{then_name}: {then.isoformat()} is before {first_name} {first.isoformat()}"
        )


def observed(name: str, day: dt.date, ctx: DeriveContext) -> None:
    """A fact dated after the day the facts were observed (``as_of``) cannot have been seen:
    counted to ``as_of``, its wait was negative and scored as in time. Refused."""
    if ctx.as_of is not None and day > ctx.as_of:
        raise ValueError(
            f"{name}: {day.isoformat()} is after as_of {ctx.as_of.isoformat()}, the day the "
            "facts were observed"
        )


def answer_deadline(fact: f.InformationRequest, ctx: DeriveContext) -> dt.date | None:
    """The last day to answer a request under 条例 第三十条, 第三十二条 to 第三十四条.

    The period is 20 working days (40 when ``extended``: 第三十三条), counted from
    ``correction_received_on`` when the applicant completed the request after a 补正 notice
    (第三十条), else from ``received_on``. Time spent waiting for a consulted party's opinion
    (``consulted_on`` to ``opinion_received_on``) is not counted (第三十三条), up to the 15
    working days that party has to answer (第三十二条, 第三十四条); consulted with no opinion
    received, the full 15 are left out. None without ``received_on``.
    """
    start = fact.correction_received_on or fact.received_on
    if start is None:
        return None
    limit = ANSWER_LIMIT + (ANSWER_EXTENSION_LIMIT if fact.extended else 0)
    if fact.consulted_on is not None:
        waited = THIRD_PARTY_OPINION_LIMIT
        if fact.opinion_received_on is not None:
            waited = ctx.calendar.workdays_between(fact.consulted_on, fact.opinion_received_on)
        limit += max(0, min(waited, THIRD_PARTY_OPINION_LIMIT))
    return ctx.calendar.add_workdays(start, limit)


def official_document(fact: f.OfficialDocument, ctx: DeriveContext) -> Measures:
    """Whether a 公文 carries exactly one 公开属性 mark.

    Measures:
        disclosure_attribute_count: how many marks ``disclosure_attributes`` lists (0 for
            ``[]``); absent when the marks were not checked.
        disclosure_attribute_valid: true exactly when ``disclosure_attributes`` holds one mark
            and it is one of 此件公开发布, 此件删减后公开, 此件依申请公开, 此件不予公开 (no mark,
            two marks or another text are false); absent when the marks were not checked.
    """
    marks = fact.disclosure_attributes
    if marks is None:
        return {}
    return {
        "disclosure_attribute_count": len(marks),
        "disclosure_attribute_valid": len(marks) == 1 and marks[0] in f.DISCLOSURE_ATTRIBUTES,
    }


def hotline_case(fact: f.HotlineCase, ctx: DeriveContext) -> Measures:
    """A 12345 case's deadline, and whether and by how much it was missed.

    Measures:
        deadline: ``due_on`` when stated, else the ``limit_workdays``-th working day after
            ``received_on``; absent when neither is stated.
        closed: ``closed_on`` is stated (always present).
        overdue: with a deadline, ``closed_on`` is after it, or the case is open and ``as_of``
            is after it; absent when that cannot be known (no deadline, or open with no
            ``as_of`` or ``as_of`` not after the deadline).
        days_overdue: calendar days from the deadline to ``closed_on`` (to ``as_of`` for an
            open case) when ``overdue``; 0 when closed in time; absent when ``overdue`` is.
    """
    out: dict[str, object] = {"closed": fact.closed_on is not None}
    for name in ("closed_on", "due_on"):  # closed before it came in once read as in time
        later = getattr(fact, name)
        if later is not None:
            in_order("received_on", fact.received_on, name, later)
    deadline = fact.due_on
    if deadline is None and fact.limit_workdays is not None:
        try:
            deadline = ctx.calendar.add_workdays(fact.received_on, fact.limit_workdays)
        except ValueError as exc:  # negative, or too far to be a deadline
            raise ValueError(f"limit_workdays: {exc}") from None
    if deadline is None:
        return out
    out["deadline"] = deadline
    end = fact.closed_on if fact.closed_on is not None else ctx.as_of
    if end is None or (fact.closed_on is None and end <= deadline):
        return out
    out["overdue"] = end > deadline
    out["days_overdue"] = max(0, (end - deadline).days)
    return out


def periodic_report(fact: f.PeriodicReport, ctx: DeriveContext) -> Measures:
    """The period a report covers, and whether it went in (when it was due is the rubric's).

    Measures:
        period_start: the first day of ``period`` (2020-11 → 2020-11-01, 2020-Q4 →
            2020-10-01, 2020-H2 → 2020-07-01, 2020 → 2020-01-01).
        period_end: the last day of ``period`` (2020-11 → 2020-11-30, 2020 → 2020-12-31).
        submitted: ``submitted_on`` is stated (always present).
    """
    start, end = f.period_bounds(fact.period)
    return {"period_start": start, "period_end": end, "submitted": fact.submitted_on is not None}


def website_inspection(fact: f.WebsiteInspection, ctx: DeriveContext) -> Measures:
    """What a website check found, as the 国办秘函〔2019〕19号 vetoes compare it.

    Measures:
        serious_problem_count: how many entries ``serious_problems`` lists; absent when not
            checked.
        unreachable_percent: ``availability_failures`` × 100 / ``availability_checks``, rounded
            down to 6 decimal places (so ``ge 5`` holds exactly when the true share is at least
            5 %); absent unless both are stated and there was at least one check.
        homepage_stale_days: calendar days from ``homepage_updated_on`` to ``checked_on``;
            absent unless both are stated.
    """
    out: dict[str, object] = {}
    if fact.serious_problems is not None:
        out["serious_problem_count"] = len(fact.serious_problems)
    checks, failures = fact.availability_checks, fact.availability_failures
    if checks and failures is not None:
        out["unreachable_percent"] = percent_of(failures, checks, 6, ROUND_FLOOR)
    if fact.homepage_updated_on is not None and fact.checked_on is not None:
        out["homepage_stale_days"] = (fact.checked_on - fact.homepage_updated_on).days
    return out
