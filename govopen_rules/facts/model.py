"""The shared vocabulary of facts: what an assessor observed about a unit, never a conclusion.

Every fact kind is a frozen attrs class with a ``KIND`` name. Field types are limited to what the
engine can compare exactly: ``str``, ``int``, ``bool``, ``Decimal``, ``datetime.date``, tuples of
``str`` or ``date``, each optionally ``None`` (``None`` means "not observed" and is the same as
leaving the field out). Plugins add kinds through the ``govopen_fact_kinds`` hook.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

import attrs

__all__ = [
    "ApplicationChannels",
    "AssessmentWeight",
    "Consultation",
    "ContentError",
    "DecisionConsultation",
    "DisclosureItem",
    "DisclosurePlatform",
    "FactsFile",
    "GuideCatalogue",
    "HotlineCase",
    "HotlineFigures",
    "InformationRequest",
    "NewMediaAccount",
    "OfficialDocument",
    "OrganisationTraining",
    "PeriodicReport",
    "PolicyDocument",
    "PolicyInterpretation",
    "PressConference",
    "PublicOpinionIncident",
    "Rectification",
    "SelfScore",
    "StatisticsBreakdown",
    "StatisticsPart",
    "Submission",
    "SurveyActivity",
    "Unit",
    "WebsiteCheck",
    "WebsiteInspection",
    "period_bounds",
]

UNIT_KINDS = (
    "county_government",
    "park_committee",
    "department",
    "township",
    "city_government",
)

_one_of = attrs.validators.in_
#: What ``str.splitlines`` breaks a line at (other control characters are escaped in reports).
_LINE_BREAKING = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _one_line(_: object, field: attrs.Attribute[str], value: object) -> None:
    """A label is one line (the message names the field for a caller building a Unit)."""
    found = _LINE_BREAKING.search(value) if isinstance(value, str) else None
    if found is not None:
        raise ValueError(
            f"holds a line break (U+{ord(found.group()):04X}); a unit's {field.name} is one "
            "line of text"
        )


def _count(_: object, __: object, value: Any) -> None:
    """A number of things (sessions, cases) is never negative."""
    if value is not None and value < 0:
        raise ValueError(f"{value} is not a count (0 or more)")


def _percent(_: object, __: object, value: Any) -> None:
    """A share in percent of a whole lies between 0 and 100."""
    if value is not None and not 0 <= value <= 100:
        raise ValueError(f"{value} is not a percentage (0 to 100)")


def _not_negative(_: object, __: object, value: Any) -> None:
    """An amount (a fee, points) is never negative."""
    if value is not None and value < 0:
        raise ValueError(f"{value} is negative")


@attrs.frozen(kw_only=True)
class Unit:
    """The assessed body. ``category`` is the rubric's class of unit, e.g. "A" for a 市直部门.

    Its id and name are one line of text: reports print them as a line's label, and a name
    holding line breaks printed a forged total above the real one."""

    id: str = attrs.field(validator=_one_line)
    name: str = attrs.field(validator=_one_line)
    kind: str = attrs.field(validator=_one_of(UNIT_KINDS))
    category: str | None = None
    parent: str | None = None


@attrs.frozen(kw_only=True)
class _Observed:
    """Fields every fact may carry: where it was seen and a free note."""

    source: str | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class GuideCatalogue(_Observed):
    """政府信息公开指南, 目录 (条例 第十二条) or 概述类信息: when last updated, what it lacks."""

    KIND: ClassVar[str] = "guide_catalogue"
    document: str = attrs.field(validator=_one_of(("guide", "catalogue", "overview")))
    updated_on: dt.date | None = None
    missing_elements: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class DisclosureItem(_Observed):
    """Something that must be disclosed (a topic or key area) and whether it was found."""

    KIND: ClassVar[str] = "disclosure_item"
    topic: str
    published: bool
    url: str | None = None
    formed_on: dt.date | None = None
    published_on: dt.date | None = None
    missing_items: tuple[str, ...] | None = None


DISCLOSURE_ATTRIBUTES = ("此件公开发布", "此件删减后公开", "此件依申请公开", "此件不予公开")


@attrs.frozen(kw_only=True)
class PolicyDocument(_Observed):
    """A policy or normative document: when it was published and filed, its 公开属性 marks."""

    KIND: ClassVar[str] = "policy_document"
    title: str
    doc_number: str | None = None
    published_on: dt.date | None = None
    normative: bool | None = None
    filed_on: dt.date | None = None
    disclosure_attributes: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class OfficialDocument(_Observed):
    """A 公文 the unit issued, of any sort, and the 公开属性 marks printed on it.

    Every 公文 is marked with one disclosure attribute while it is drafted (公文标识政府信息公开
    属性); ``disclosure_attributes`` lists the marks as found (``[]``: none).
    """

    KIND: ClassVar[str] = "official_document"
    title: str
    doc_number: str | None = None
    issued_on: dt.date | None = None
    disclosure_attributes: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class PolicyInterpretation(_Observed):
    """A 政策解读 and the policy it explains: dates, forms, who interpreted, links."""

    KIND: ClassVar[str] = "policy_interpretation"
    policy_title: str | None = None
    policy_published_on: dt.date | None = None
    published_on: dt.date | None = None
    domain: str | None = None
    forms: tuple[str, ...] | None = None
    by_principal_leader: bool | None = None
    by_expert: bool | None = None
    links_to_policy: bool | None = None
    published_with_policy: bool | None = None
    complete: bool | None = None
    via_new_media: bool | None = None
    own_policy: bool | None = None


@attrs.frozen(kw_only=True)
class DisclosurePlatform(_Observed):
    """The 政府信息公开 platform (专栏) of a government website and how it is built."""

    KIND: ClassVar[str] = "disclosure_platform"
    url: str | None = None
    named_correctly: bool | None = None
    on_homepage: bool | None = None
    follows_reference_design: bool | None = None
    updated_timely: bool | None = None


@attrs.frozen(kw_only=True)
class InformationRequest(_Observed):
    """An 依申请公开 request: when received and answered (条例 第三十一条, 第三十三条)."""

    KIND: ClassVar[str] = "information_request"
    received_on: dt.date | None = None
    replied_on: dt.date | None = None
    extended: bool = False
    channel: str | None = None
    fee_charged: Decimal | None = attrs.field(default=None, validator=_not_negative)
    missing_reply_elements: tuple[str, ...] | None = None
    #: Only when the source states the reply was (not) late but publishes no dates.
    late_per_source: bool | None = None
    #: 补正 (条例 第三十条): when the agency told the applicant what to add, and when the
    #: addition arrived (the answer period runs again from then).
    correction_requested_on: dt.date | None = None
    correction_received_on: dt.date | None = None
    #: 征求意见 (条例 第三十二条, 第三十四条): when a third party or another agency was
    #: consulted and when its opinion arrived; that time is not counted in the answer period.
    consulted_on: dt.date | None = None
    opinion_received_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class ApplicationChannels(_Observed):
    """The channels through which 依申请公开 applications can be made (当面, 邮寄, 网络, 传真…)."""

    KIND: ClassVar[str] = "application_channels"
    channels: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Consultation(_Observed):
    """A 政务咨询 or 网友留言 and its reply."""

    KIND: ClassVar[str] = "consultation"
    received_on: dt.date | None = None
    replied_on: dt.date | None = None
    channel: str | None = None
    satisfaction_rating_available: bool | None = None
    #: Only when the source states the reply was (not) late but publishes no dates.
    late_per_source: bool | None = None


@attrs.frozen(kw_only=True)
class HotlineFigures(_Observed):
    """12345 hotline figures for a period (rates in percent, as the rubrics print them)."""

    KIND: ClassVar[str] = "hotline_figures"
    period: str
    staffed_7x12_hours: bool | None = None
    answered_within_15s_rate: Decimal | None = attrs.field(default=None, validator=_percent)
    quality_check_rate: Decimal | None = attrs.field(default=None, validator=_percent)
    overdue_cases: int | None = attrs.field(default=None, validator=_count)


@attrs.frozen(kw_only=True)
class HotlineCase(_Observed):
    """One 12345 hotline case (工单) assigned to the unit: received, its time limit, closed.

    The time limit is the one the platform set for the case, as a date (``due_on``) or as a
    number of working days from receipt (``limit_workdays``).
    """

    KIND: ClassVar[str] = "hotline_case"
    received_on: dt.date
    case_number: str | None = None
    topic: str | None = None
    due_on: dt.date | None = None
    limit_workdays: int | None = None
    closed_on: dt.date | None = None
    satisfied: bool | None = None


@attrs.frozen(kw_only=True)
class NewMediaAccount(_Observed):
    """A 政务新媒体 account: 备案 status and the post dates seen in an observation window."""

    KIND: ClassVar[str] = "new_media_account"
    name: str
    platform: str | None = None
    filed: bool | None = None
    observed_from: dt.date | None = None
    observed_to: dt.date | None = None
    post_dates: tuple[dt.date, ...] = ()
    original_post_dates: tuple[dt.date, ...] = ()
    #: Days the source names as days without any post (when it lists silent days rather than
    #: every post, as a 通报 does).
    no_post_dates: tuple[dt.date, ...] = ()
    #: Whether the account offers a working interaction function (留言, 评论, 私信…).
    interaction_available: bool | None = None


@attrs.frozen(kw_only=True)
class WebsiteCheck(_Observed):
    """A check of a government website or new-media account, e.g. by a third party."""

    KIND: ClassVar[str] = "website_check"
    site: str
    result: str = attrs.field(validator=_one_of(("qualified", "unqualified")))
    checker: str | None = None
    checked_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class WebsiteInspection(_Observed):
    """What a check of a government website found at one check point (监测时间点), in the terms
    of the 政府网站检查指标 (国办秘函〔2019〕19号).

    Counts are the checker's: ``stale_columns`` counts 动态/要闻 columns not updated in the
    2 weeks and 通知公告/政策文件 columns not updated in the 6 months before ``checked_on``.
    """

    KIND: ClassVar[str] = "website_inspection"
    site: str
    checked_on: dt.date | None = None
    #: 安全、泄密等严重问题 found (严重表述错误, 泄露国家秘密, 挂马/篡改, 弄虚作假…), described.
    serious_problems: tuple[str, ...] | None = None
    #: Availability monitoring: how many checks were made, and how many failed to open the
    #: site within 15 seconds.
    availability_checks: int | None = None
    availability_failures: int | None = None
    homepage_updated_on: dt.date | None = None
    stale_columns: int | None = None
    long_unupdated_columns: int | None = None
    blank_columns: int | None = None
    #: An effective online consultation (政务咨询) channel exists.
    consultation_channel: bool | None = None
    #: 办事服务 exist on the site at all.
    online_services: bool | None = None
    #: 办事指南 lacking key elements (事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、
    #: 联系电话、办理流程).
    incomplete_service_guides: int | None = None


@attrs.frozen(kw_only=True)
class AssessmentWeight(_Observed):
    """Whether 政务公开 is in the comprehensive assessment, and its weight in percent."""

    KIND: ClassVar[str] = "assessment_weight"
    included: bool
    weight_percent: Decimal | None = attrs.field(default=None, validator=_percent)


@attrs.frozen(kw_only=True)
class OrganisationTraining(_Observed):
    """The 领导小组 and the year's training and 条例 study sessions."""

    KIND: ClassVar[str] = "organisation_training"
    leading_group_published: bool | None = None
    business_training_sessions: int | None = attrs.field(default=None, validator=_count)
    regulation_study_sessions: int | None = attrs.field(default=None, validator=_count)


@attrs.frozen(kw_only=True)
class Submission(_Observed):
    """Material the unit had to report or file by a due date."""

    KIND: ClassVar[str] = "submission"
    item: str
    due_on: dt.date | None = None
    submitted_on: dt.date | None = None


_PERIOD = re.compile(r"(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])))?")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period written ``2020``, ``2020-11``, ``2020-Q4`` or
    ``2020-H2``; ValueError for anything else."""
    found = _PERIOD.fullmatch(period)
    if found is None:
        raise ValueError(
            f"{period!r} is not a period; write a year (2020), a month (2020-11), a quarter "
            "(2020-Q4) or a half-year (2020-H2)"
        )
    year = int(found.group(1))
    month, quarter, half = found.group(2, 3, 4)
    if month is not None:
        first, months = int(month), 1
    elif quarter is not None:
        first, months = 3 * int(quarter) - 2, 3
    elif half is not None:
        first, months = 6 * int(half) - 5, 6
    else:
        first, months = 1, 12
    start = dt.date(year, first, 1)
    after = first + months
    end = dt.date(year + (after > 12), (after - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


#: How a period is written, as an error lists the forms.
PERIOD_FORMS = ("YYYY", "YYYY-MM", "YYYY-Qn", "YYYY-Hn")


def _valid_period(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        period_bounds(value)
    except ValueError:
        # The arguments of attrs' own validators: the error names the field and the forms.
        raise ValueError("bad period", attribute, PERIOD_FORMS, value) from None


@attrs.frozen(kw_only=True)
class PeriodicReport(_Observed):
    """A report due for each period (a month's progress report, a year's annual report).

    When it is due is the rubric's to say (a ``deadlines`` entry, e.g. "by the 2nd of the next
    month"), so the fact records only the period and when the report went in.
    """

    KIND: ClassVar[str] = "periodic_report"
    report: str
    period: str = attrs.field(
        validator=_valid_period, metadata={"examples": ("2020", "2020-11", "2020-Q4", "2020-H2")}
    )
    submitted_on: dt.date | None = None
    #: When it was made public, for a report that must be (e.g. the annual report).
    published_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class PublicOpinionIncident(_Observed):
    """A 舆情 incident caused by what the unit published."""

    KIND: ClassVar[str] = "public_opinion_incident"
    topic: str
    negative: bool = True
    occurred_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class StatisticsPart:
    """One part of a reported breakdown, as printed: its count and/or its percent.

    A percent keeps the precision it was printed with (``"0.7"`` is one decimal, ``"10"`` none).
    """

    label: str
    count: int | None = attrs.field(default=None, validator=_count)
    percent: Decimal | None = attrs.field(default=None, validator=_not_negative)


@attrs.frozen(kw_only=True)
class StatisticsBreakdown(_Observed):
    """A total and its parts as a report prints them, with the sentence they come from."""

    KIND: ClassVar[str] = "statistics_breakdown"
    label: str
    total: int = attrs.field(validator=_count)
    parts: tuple[StatisticsPart, ...] = ()
    #: False when the parts are subsets that need not add up to the total (其中…).
    partition: bool = True
    quote: str | None = None


@attrs.frozen(kw_only=True)
class SelfScore(_Observed):
    """The score a unit gave itself on one indicator (自评分)."""

    KIND: ClassVar[str] = "self_score"
    indicator: str
    points: Decimal = attrs.field(validator=_not_negative)


@attrs.frozen(kw_only=True)
class Rectification(_Observed):
    """A problem the unit was told to fix by a date, and when it reported the fix."""

    KIND: ClassVar[str] = "rectification"
    problem: str
    due_on: dt.date
    reported_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class PressConference(_Observed):
    """A government press conference the unit was expected at."""

    KIND: ClassVar[str] = "press_conference"
    attended: bool
    held_on: dt.date | None = None
    title: str | None = None


@attrs.frozen(kw_only=True)
class DecisionConsultation(_Observed):
    """决策预公开: a draft decision published for comment, and the feedback on adoption."""

    KIND: ClassVar[str] = "decision_consultation"
    title: str
    draft_published: bool | None = None
    feedback_published: bool | None = None


@attrs.frozen(kw_only=True)
class SurveyActivity(_Observed):
    """An 调查征集 activity published in the year."""

    KIND: ClassVar[str] = "survey_activity"
    title: str
    held_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class ContentError(_Observed):
    """An error found in published content, e.g. a 严重错别字."""

    KIND: ClassVar[str] = "content_error"
    severity: str = attrs.field(validator=_one_of(("serious", "minor")))
    description: str | None = None
    found_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class FactsFile:
    """Everything observed about one unit for one assessment year."""

    unit: Unit
    year: int
    facts: tuple[Any, ...]
    as_of: dt.date | None = None
