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
from govopen_rules.plugins.builtin.derive_records import answer_deadline, observed
from govopen_rules.plugins.builtin.derive_records import in_order as _in_order

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


#: The longest observation window of a new-media account read, in days: two years (a window of
#: two centuries once took 75 s and 2 GB to list its silent days).
MAX_WINDOW_DAYS = 731


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

    A ``published_on`` before ``formed_on`` is refused (it has no delay to measure).
    """
    out: dict[str, object] = {}
    if fact.missing_items is not None:
        out["missing_item_count"] = len(fact.missing_items)
    if fact.formed_on is not None and fact.published_on is not None:
        _in_order("formed_on", fact.formed_on, "published_on", fact.published_on)
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
        deadline: the 20th working day (the 40th with ``extended``, 条例 第三十三条) after
            ``correction_received_on`` when a 补正 completed the request (第三十条), else after
            ``received_on``; working days spent waiting for a consulted party's opinion
            (``consulted_on`` to ``opinion_received_on``, the full 15 when none came) are
            added, at most 15 (第三十二条, 第三十四条). Absent without ``received_on``.
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

    A ``replied_on``, ``correction_received_on`` or ``consulted_on`` before ``received_on``,
    and an ``opinion_received_on`` before ``consulted_on``, are refused (scored, each read as
    in time, or as a deadline before the request).
    """
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    if fact.received_on is not None:
        for name in ("replied_on", "correction_received_on", "consulted_on"):
            later = getattr(fact, name)
            if later is not None:
                _in_order("received_on", fact.received_on, name, later)
    consulted, opinion = fact.consulted_on, fact.opinion_received_on
    if consulted is not None and opinion is not None:
        _in_order("consulted_on", consulted, "opinion_received_on", opinion)
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
    """How long a 政务咨询 took to answer, or has waited.

    Measures:
        replied: ``replied_on`` is stated (always present).
        reply_workdays: working days from ``received_on`` to ``replied_on``; absent unless
            both are stated.
        unanswered_workdays: for a message with no reply, working days from ``received_on``
            to ``as_of``; absent without ``received_on`` or ``as_of``, or once replied.

    A ``replied_on`` before ``received_on``, or a ``received_on`` after the file's ``as_of``
    (-240 working days unanswered, scored as clear), is refused.
    """
    out: dict[str, object] = {"replied": fact.replied_on is not None}
    if fact.received_on is None:
        return out
    if fact.replied_on is None:  # counted to as_of, a later message waited a negative time
        observed("received_on", fact.received_on, ctx)
    if fact.replied_on is not None:
        _in_order("received_on", fact.received_on, "replied_on", fact.replied_on)
        out["reply_workdays"] = ctx.calendar.workdays_between(fact.received_on, fact.replied_on)
    elif ctx.as_of is not None:
        out["unanswered_workdays"] = ctx.calendar.workdays_between(fact.received_on, ctx.as_of)
    return out


def new_media_account(fact: f.NewMediaAccount, ctx: DeriveContext) -> Measures:
    """Silent working days (by date), the longest wait for an original post, the last post.

    The measures other than ``days_since_last_post`` need the observation window,
    ``observed_from`` and ``observed_to``, unless the source names the silent days
    (``no_post_dates``). Without them a measure is not derived: a comparison on it is false, and
    a rule whose evidence requires it (``where: {field: workdays_without_post, exists: true}``)
    has no evidence. A window that ends before it starts is refused, and so is one longer than
    two years (:data:`MAX_WINDOW_DAYS`) whose silent days would be listed from the posts seen.

    Measures:
        silent_workdays: the working days without a post, in date order: when the source
            names silent days (``no_post_dates``), the working days among them (within the
            window when both ends are stated); otherwise the working days d with
            ``observed_from`` <= d <= ``observed_to`` (both ends of the window count) on which
            no date of ``post_dates`` falls; absent without either.
        workdays_without_post: how many days ``silent_workdays`` lists.
        longest_days_without_original: the largest difference in days between consecutive
            dates of [``observed_from``, the sorted ``original_post_dates``, ``observed_to``]:
            the gaps from the window's start to the first original post and from the last
            one to the window's end count too; with no original posts it is the window's
            length in days (``observed_to`` minus ``observed_from``). Calendar days, not
            working days; absent without both window ends.
        days_since_last_post: with ``observed_to`` (the check point), calendar days from the
            last date of ``post_dates`` on or before it; with no such post and a stated
            ``observed_from``, the window's length in days plus one (at least that long);
            absent otherwise.
    """
    out: dict[str, object] = {}
    start, end = fact.observed_from, fact.observed_to
    if start is not None and end is not None:
        _in_order("observed_from", start, "observed_to", end)
        if not fact.no_post_dates and (end - start).days > MAX_WINDOW_DAYS:
            raise ValueError(
                f"observed_to: the window {start.isoformat()} to {end.isoformat()} is "
                f"{(end - start).days:,} days long; at most {MAX_WINDOW_DAYS} (two years) are read"
            )
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
