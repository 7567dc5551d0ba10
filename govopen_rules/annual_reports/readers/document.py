"""What a reader takes from a published report: its prose lines and its tables as grids.

Readers of each file type (HTML page, PDF, DOCX) fill a :class:`PublishedDocument`; one
builder (:mod:`.national`) turns it into an :class:`~..report.AnnualReport`, so every file type
is read by the same rules.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from govopen_rules.errors import GovOpenRulesError

__all__ = ["Grid", "PublishedDocument", "ReportReadError", "stated_date"]

#: A table as rows of cells. ``None`` is the continuation of a merged cell (row or column
#: span); ``""`` is a cell printed blank.
Grid = tuple[tuple[str | None, ...], ...]


class ReportReadError(GovOpenRulesError, ValueError):
    """A report file that cannot be read; the message names the file and what is missing."""


@attrs.frozen(kw_only=True)
class PublishedDocument:
    """A report as published, before it is understood: text and tables in reading order."""

    kind: str
    #: Prose outside tables. ``wrapped``: lines are a page's printed lines (PDF), to be
    #: joined into paragraphs; otherwise each line is a paragraph.
    lines: tuple[str, ...]
    wrapped: bool
    grids: tuple[Grid, ...]
    #: Text in which to look for the title (unit and year).
    title_text: str
    published: dt.date | None = None


_DATE = re.compile(r"(?:公开日期|发布日期|发布时间)[：:]?(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")


def stated_date(text: str) -> dt.date | None:
    """The 公开日期 / 发布日期 a page states, or None (a file's own timestamps never count)."""
    match = _DATE.search(re.sub(r"\s+", "", text))
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
