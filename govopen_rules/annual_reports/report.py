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


#: The largest count a table cell may hold: no unit handles a trillion of anything.
MAX_COUNT = 10**12


def _is_count(_: object, __: object, value: int | None) -> None:
    """A cell of a table counts things: never negative, never astronomical (a parsing slip
    such as two numbers run together)."""
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{value} is not a count (0 to {MAX_COUNT:,})")


def _count() -> Any:
    return attrs.field(default=None, validator=_is_count)


@attrs.frozen(kw_only=True)
class TableRow:
    """A row of table 三 (by applicant) — blank cells are None."""

    naturalPerson: int | None = _count()
    commercial: int | None = _count()
    research: int | None = _count()
    social: int | None = _count()
    legal: int | None = _count()
    other: int | None = _count()
    total: int | None = _count()


@attrs.frozen(kw_only=True)
class ReviewRow:
    """A group of table 四 (复议 / 诉讼)."""

    maintain: int | None = _count()
    correct: int | None = _count()
    other: int | None = _count()
    unfinished: int | None = _count()
    total: int | None = _count()


@attrs.frozen(kw_only=True)
class Table2Cell:
    """A row of table 二."""

    made: int | None = _count()
    repealed: int | None = _count()
    valid: int | None = _count()
    processed: int | None = _count()
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
