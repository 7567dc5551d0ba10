"""Derived measures: turn observations into the numbers rules compare (lateness, counts, shares).

Facts say "the interpretation appeared on 2020-05-12"; a deriver says "that is 4 working days
after the policy". Each function takes one fact and the :class:`DeriveContext` and returns only
the measures it can compute: a measure whose inputs were not observed is left out, so that a
rule on it finds no value rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping

from govopen_rules.annual_reports.breakdowns import check_breakdown  # the checks own the arithmetic
from govopen_rules.facts import model as f
from govopen_rules.facts.kinds import DeriveContext
from govopen_rules.plugins.builtin.derive_records import answer_deadline

__all__: list[str] = []

Measures = Mapping[str, object]


def _late(due: dt.date | None, done: dt.date | None, as_of: dt.date | None) -> dict[str, object]:
    if due is None:
        return {}
    if done is not None:
        return {"late": done > due}
    if as_of is not None and as_of > due:
        return {"late": True}
    return {}


def guide_catalogue(fact: f.GuideCatalogue, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {}
    if fact.missing_elements is not None:
        out["missing_element_count"] = len(fact.missing_elements)
    if fact.updated_on is not None:
        out["updated_in_year"] = fact.updated_on.year == ctx.year
    return out


def disclosure_item(fact: f.DisclosureItem, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {}
    if fact.missing_items is not None:
        out["missing_item_count"] = len(fact.missing_items)
    if fact.formed_on is not None and fact.published_on is not None:
        out["publish_delay_workdays"] = ctx.calendar.workdays_between(
            fact.formed_on, fact.published_on
        )
    return out


def policy_document(fact: f.PolicyDocument, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {}
    if fact.published_on is not None and fact.filed_on is not None:
        out["filing_delay_workdays"] = ctx.calendar.workdays_between(
            fact.published_on, fact.filed_on
        )
    if fact.disclosure_attributes is not None:
        marks = fact.disclosure_attributes
        out["disclosure_attribute_valid"] = len(marks) == 1 and marks[0] in f.DISCLOSURE_ATTRIBUTES
    return out


def policy_interpretation(fact: f.PolicyInterpretation, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {}
    if fact.forms is not None:
        out["form_count"] = len(fact.forms)
    if fact.policy_published_on is not None and fact.published_on is not None:
        out["delay_workdays"] = ctx.calendar.workdays_between(
            fact.policy_published_on, fact.published_on
        )
    return out


def information_request(fact: f.InformationRequest, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    deadline = answer_deadline(fact, ctx)  # 条例's period, with 补正 and consultation
    if fact.received_on is not None and deadline is not None:
        out["deadline"] = deadline
        if fact.replied_on is not None:
            out["reply_workdays"] = ctx.calendar.workdays_between(fact.received_on, fact.replied_on)
        late = _late(deadline, fact.replied_on, ctx.as_of)
        if "late" in late:
            out["overdue"] = late["late"]
    if "overdue" not in out and fact.late_per_source is not None:
        out["overdue"] = fact.late_per_source
    if fact.missing_reply_elements is not None:
        missing = len(fact.missing_reply_elements)
        out["missing_reply_element_count"] = missing
        if "overdue" in out:
            # Defects of one reply: each missing normative element, and lateness as one more.
            out["reply_defect_count"] = missing + (1 if out["overdue"] else 0)
    return out


def consultation(fact: f.Consultation, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    if fact.received_on is None:
        return out
    if fact.replied_on is not None:
        out["reply_workdays"] = ctx.calendar.workdays_between(fact.received_on, fact.replied_on)
    elif ctx.as_of is not None:
        out["unanswered_workdays"] = ctx.calendar.workdays_between(fact.received_on, ctx.as_of)
    return out


def new_media_account(fact: f.NewMediaAccount, ctx: DeriveContext) -> Measures:
    """Silent working days (by date), the longest wait for an original post, the last post.

    Measures:
        silent_workdays: the working days without a post, in date order: when the source
            names silent days (``no_post_dates``), the working days among them (within the
            window when both ends are stated); otherwise the working days d with
            ``observed_from`` <= d <= ``observed_to`` on which no date of ``post_dates`` falls;
            absent without either.
        workdays_without_post: how many days ``silent_workdays`` lists.
        longest_days_without_original: with both window ends, the largest difference in
            days between consecutive dates of [``observed_from``, the sorted
            ``original_post_dates``, ``observed_to``].
        days_since_last_post: with ``observed_to`` (the check point), calendar days from the
            last date of ``post_dates`` on or before it; with no such post and a stated
            ``observed_from``, the window's length in days plus one (at least that long).
    """
    out: dict[str, object] = {}
    start, end = fact.observed_from, fact.observed_to
    silent: list[dt.date] | None = None
    if fact.no_post_dates:
        named = set(fact.no_post_dates)
        if start is not None and end is not None:
            named = {d for d in named if start <= d <= end}
        silent = sorted(d for d in named if ctx.calendar.is_workday(d))
    elif start is not None and end is not None:
        posted = set(fact.post_dates)
        days = (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        silent = [d for d in days if ctx.calendar.is_workday(d) and d not in posted]
    if silent is not None:
        out["silent_workdays"] = tuple(silent)
        out["workdays_without_post"] = len(silent)
    if start is not None and end is not None:
        edges = [start, *sorted(fact.original_post_dates), end]
        out["longest_days_without_original"] = max(
            (b - a).days for a, b in itertools.pairwise(edges)
        )
    if end is not None:
        before = [d for d in fact.post_dates if d <= end]
        if before:
            out["days_since_last_post"] = (end - max(before)).days
        elif start is not None:
            out["days_since_last_post"] = (end - start).days + 1
    return out


def submission(fact: f.Submission, ctx: DeriveContext) -> Measures:
    out: dict[str, object] = {"submitted": fact.submitted_on is not None}
    out.update(_late(fact.due_on, fact.submitted_on, ctx.as_of))
    return out


def rectification(fact: f.Rectification, ctx: DeriveContext) -> Measures:
    return _late(fact.due_on, fact.reported_on, ctx.as_of)


def statistics_breakdown(fact: f.StatisticsBreakdown, ctx: DeriveContext) -> Measures:
    counts = [p.count for p in fact.parts]
    out: dict[str, object] = {
        "percent_mismatch_count": sum(
            1 for finding in check_breakdown(fact) if finding.check.startswith("percent_")
        )
    }
    if all(c is not None for c in counts):
        parts_sum = sum(c for c in counts if c is not None)
        out["parts_sum"] = parts_sum
        out["parts_add_up"] = parts_sum == fact.total or not fact.partition
    return out


def survey_activity(fact: f.SurveyActivity, ctx: DeriveContext) -> Measures:
    if fact.held_on is None:
        return {}
    return {"held_in_year": fact.held_on.year == ctx.year}
