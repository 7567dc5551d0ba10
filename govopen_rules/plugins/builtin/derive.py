"""Derived measures: turn observations into the numbers rules compare (lateness, counts, shares).

Facts say "the interpretation appeared on 2020-05-12"; a deriver says "that is 4 working days
after the policy". Each function takes one fact and the :class:`DeriveContext` and returns only
the measures it can compute: a measure whose inputs were not observed is left out, so that a
rule on it finds no value rather than a wrong one.

Each deriver's docstring defines its measures under ``Measures:``, one ``name: definition``
each; the fact-kind reference of the docs is generated from them, and a declared measure
without a definition fails the docs build. Working days are counted as in
:mod:`govopen_rules.workdays`: the day after the first date is day 1, so "working days from A
to B" is the number of working days in (A, B].
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping

from govopen_rules.annual_reports.breakdowns import check_breakdown  # the checks own the arithmetic
from govopen_rules.facts import model as f
from govopen_rules.facts.kinds import DeriveContext
from govopen_rules.workdays import ANSWER_EXTENSION_LIMIT, ANSWER_LIMIT

__all__ = ["DEADLINE_MEASURES"]

#: Measures that compare a date done with a date due. A rule whose condition compares only
#: these cannot decide on a fact whose due date is unknown: that fact is no evidence for it.
DEADLINE_MEASURES = frozenset({"late", "overdue"})

Measures = Mapping[str, object]


def _late(due: dt.date | None, done: dt.date | None, as_of: dt.date | None) -> dict[str, object]:
    """``late`` when it can be known: done after due, or not done and ``as_of`` past due."""
    if due is None:
        return {}
    if done is not None:
        return {"late": done > due}
    if as_of is not None and as_of > due:
        return {"late": True}
    return {}


def guide_catalogue(fact: f.GuideCatalogue, ctx: DeriveContext) -> Measures:
    """What the 指南/目录 lacks, and whether it was updated in the assessment year.

    Measures:
        missing_element_count: how many entries ``missing_elements`` lists (0 for ``[]``);
            absent when ``missing_elements`` was not checked.
        updated_in_year: ``updated_on`` falls in the assessment year; absent without
            ``updated_on``.
    """
    out: dict[str, object] = {}
    if fact.missing_elements is not None:
        out["missing_element_count"] = len(fact.missing_elements)
    if fact.updated_on is not None:
        out["updated_in_year"] = fact.updated_on.year == ctx.year
    return out


def disclosure_item(fact: f.DisclosureItem, ctx: DeriveContext) -> Measures:
    """What a disclosure lacks, and how long after its forming it was published.

    Measures:
        missing_item_count: how many entries ``missing_items`` lists; absent when not checked.
        publish_delay_workdays: working days from ``formed_on`` to ``published_on`` (the day
            after ``formed_on`` is day 1); absent unless both dates are stated.
    """
    out: dict[str, object] = {}
    if fact.missing_items is not None:
        out["missing_item_count"] = len(fact.missing_items)
    if fact.formed_on is not None and fact.published_on is not None:
        out["publish_delay_workdays"] = ctx.calendar.workdays_between(
            fact.formed_on, fact.published_on
        )
    return out


def policy_document(fact: f.PolicyDocument, ctx: DeriveContext) -> Measures:
    """How long after publication a document was filed, and its 公开属性 mark.

    Measures:
        filing_delay_workdays: working days from ``published_on`` to ``filed_on``; absent
            unless both dates are stated.
        disclosure_attribute_valid: true exactly when ``disclosure_attributes`` holds one mark
            and it is one of the four 公开属性 marks 此件公开发布, 此件删减后公开, 此件依申请公开,
            此件不予公开 (two marks, another text, or ``[]`` are false); absent when the marks
            were not checked.
    """
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
    """How many forms an interpretation took, and how long after its policy.

    Measures:
        form_count: how many entries ``forms`` lists; absent when not checked.
        delay_workdays: working days from ``policy_published_on`` to ``published_on``; absent
            unless both dates are stated.
    """
    out: dict[str, object] = {}
    if fact.forms is not None:
        out["form_count"] = len(fact.forms)
    if fact.policy_published_on is not None and fact.published_on is not None:
        out["delay_workdays"] = ctx.calendar.workdays_between(
            fact.policy_published_on, fact.published_on
        )
    return out


def information_request(fact: f.InformationRequest, ctx: DeriveContext) -> Measures:
    """The statutory deadline of an 依申请公开 request, and whether it was met.

    Measures:
        deadline: the 20th working day after ``received_on`` (the 40th with ``extended``),
            条例 第三十三条; absent without ``received_on``.
        reply_workdays: working days from ``received_on`` to ``replied_on``; absent unless
            both are stated.
        overdue: with a deadline, ``replied_on`` is after it, or there is no reply and
            ``as_of`` is after it (no reply and no ``as_of``: not known); without a deadline,
            ``late_per_source`` where given; otherwise absent.
        replied: ``replied_on`` is stated (always present).
        missing_reply_element_count: how many entries ``missing_reply_elements`` lists;
            absent when not checked.
        reply_defect_count: ``missing_reply_element_count`` plus 1 when ``overdue``; absent
            unless both are known.
    """
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    if fact.received_on is not None:
        limit = ANSWER_LIMIT + (ANSWER_EXTENSION_LIMIT if fact.extended else 0)
        deadline = ctx.calendar.add_workdays(fact.received_on, limit)
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
    """How long a 政务咨询 took to answer, or has waited.

    Measures:
        replied: ``replied_on`` is stated (always present).
        reply_workdays: working days from ``received_on`` to ``replied_on``; absent unless
            both are stated.
        unanswered_workdays: for a message with no reply, working days from ``received_on``
            to ``as_of``; absent without ``received_on`` or ``as_of``, or once replied.
    """
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    if fact.received_on is None:
        return out
    if fact.replied_on is not None:
        out["reply_workdays"] = ctx.calendar.workdays_between(fact.received_on, fact.replied_on)
    elif ctx.as_of is not None:
        out["unanswered_workdays"] = ctx.calendar.workdays_between(fact.received_on, ctx.as_of)
    return out


def new_media_account(fact: f.NewMediaAccount, ctx: DeriveContext) -> Measures:
    """How often an account was silent, and its longest wait for an original post.

    Both measures need the observation window, ``observed_from`` and ``observed_to``. Without
    either date neither is derived: a comparison on them is false, and a rule whose evidence
    requires them (``where: {field: workdays_without_post, exists: true}``) has no evidence.

    Measures:
        workdays_without_post: the working days d with ``observed_from`` <= d <=
            ``observed_to`` (both ends of the window count) on which no date of
            ``post_dates`` falls.
        longest_days_without_original: the largest difference in days between consecutive
            dates of [``observed_from``, the sorted ``original_post_dates``, ``observed_to``]:
            the gaps from the window's start to the first original post and from the last
            one to the window's end count too; with no original posts it is the window's
            length in days (``observed_to`` minus ``observed_from``). Calendar days, not
            working days.
    """
    if fact.observed_from is None or fact.observed_to is None:
        return {}
    posted = set(fact.post_dates)
    silent = 0
    day = fact.observed_from
    while day <= fact.observed_to:
        if ctx.calendar.is_workday(day) and day not in posted:
            silent += 1
        day += dt.timedelta(days=1)
    edges = [fact.observed_from, *sorted(fact.original_post_dates), fact.observed_to]
    longest = max((b - a).days for a, b in itertools.pairwise(edges))
    return {"workdays_without_post": silent, "longest_days_without_original": longest}


def submission(fact: f.Submission, ctx: DeriveContext) -> Measures:
    """Whether required material was submitted, and in time.

    Measures:
        submitted: ``submitted_on`` is stated (always present).
        late: with ``due_on``: submitted after it, or not submitted and ``as_of`` after it
            (not submitted and no ``as_of``: not known, absent). Without ``due_on`` absent,
            and a rule comparing only ``late`` finds no evidence in this fact.
    """
    out: dict[str, object] = {"submitted": fact.submitted_on is not None}
    out.update(_late(fact.due_on, fact.submitted_on, ctx.as_of))
    return out


def rectification(fact: f.Rectification, ctx: DeriveContext) -> Measures:
    """Whether a rectification was reported by its due date.

    Measures:
        late: ``reported_on`` is after ``due_on``, or there is no report and ``as_of`` is
            after ``due_on``; absent when neither can be known.
    """
    return _late(fact.due_on, fact.reported_on, ctx.as_of)


def statistics_breakdown(fact: f.StatisticsBreakdown, ctx: DeriveContext) -> Measures:
    """Whether a printed breakdown adds up and its percents match its counts.

    Measures:
        percent_mismatch_count: how many printed-percent problems the statistics checks find
            in the breakdown: parts whose percent is not count / total rounded half up at the
            printed precision, percents no whole count of the total can give, and (for a
            partition) percents whose sum is further from 100 than rounding explains.
        parts_sum: the sum of the parts' counts; absent unless every part has a count.
        parts_add_up: ``parts_sum`` equals ``total``, or true for parts that are subsets
            (``partition: false``); absent unless every part has a count.
    """
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
    """Whether an 调查征集 activity fell in the assessment year.

    Measures:
        held_in_year: ``held_on`` falls in the assessment year; absent without ``held_on``.
    """
    if fact.held_on is None:
        return {}
    return {"held_in_year": fact.held_on.year == ctx.year}
