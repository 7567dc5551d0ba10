"""The 政府信息公开工作年度报告 as data: what is printed in it, nothing derived.

One model for every way a report arrives: a hand transcription (JSON in the layout of
``tests/data/peer-annual-reports/SCHEMA.md``) or a published page, PDF or DOCX read by
:mod:`govopen_rules.annual_reports.readers`. ``None`` is a blank or unreadable cell and is never
guessed. The checks are in :mod:`govopen_rules.annual_reports.checks`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules.facts.model import StatisticsBreakdown

__all__ = [
    "AnnualReport",
    "Passage",
    "ProseNumber",
    "ReportSource",
    "ReviewRow",
    "Table2Cell",
    "TableRow",
]


@attrs.frozen(kw_only=True)
class ReportSource:
    """Where the report's figures were read or transcribed from."""

    repo: str | None = None
    path: str | None = None
    commit: str | None = None
    kind: str | None = None
    note: str | None = None
    side: str | None = None


@attrs.frozen(kw_only=True)
class TableRow:
    """A row of table 三 (by applicant) — blank cells are None."""

    naturalPerson: int | None = None
    commercial: int | None = None
    research: int | None = None
    social: int | None = None
    legal: int | None = None
    other: int | None = None
    total: int | None = None


@attrs.frozen(kw_only=True)
class ReviewRow:
    """A group of table 四 (复议 / 诉讼)."""

    maintain: int | None = None
    correct: int | None = None
    other: int | None = None
    unfinished: int | None = None
    total: int | None = None


@attrs.frozen(kw_only=True)
class Table2Cell:
    """A row of table 二."""

    made: int | None = None
    repealed: int | None = None
    valid: int | None = None
    processed: int | None = None
    amount: Decimal | None = None
    unit: str | None = None


@attrs.frozen(kw_only=True)
class ProseNumber:
    """Numbers a transcriber picked from the prose: the sentence, and what it says.

    The checks read the ``quote``; ``value`` and ``parts`` are checked to occur in it.
    """

    value: Decimal | None = None
    quote: str
    section: str | None = None
    parts: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Passage:
    """A paragraph of the report's prose as printed, under its section heading."""

    text: str
    section: str | None = None


@attrs.frozen(kw_only=True)
class AnnualReport:
    """One annual report: what is printed in it, nothing derived."""

    unit: str
    year: int
    id: str | None = None
    format: str = attrs.field(default="2019", validator=attrs.validators.in_(("2007", "2019")))
    source: ReportSource | None = None
    #: 公开日期 / 发布日期 as the page states it (never a file's own timestamp).
    published: dt.date | None = None
    sections: tuple[str, ...] | None = None
    prose: tuple[Passage, ...] = ()
    breakdowns: tuple[StatisticsBreakdown, ...] = ()
    table2: dict[str, Table2Cell] | None = None
    table3: dict[str, TableRow] | None = None
    table4: dict[str, ReviewRow] | None = None
    prose_numbers: dict[str, ProseNumber] = attrs.field(factory=dict)
    previous_year_file: str | None = None
    format_notes: tuple[str, ...] = ()
    absent_cells: dict[str, str] = attrs.field(factory=dict)
