"""What a reader takes from a published report: its prose lines and its tables as grids.

Readers of each file type (HTML page, PDF, DOCX) fill a :class:`PublishedDocument`; one
builder (:mod:`.national`) turns it into an :class:`~..report.AnnualReport`, so every file type
is read by the same rules.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
from pathlib import Path

import attrs

from govopen_rules.errors import GovOpenRulesError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Grid",
    "PublishedDocument",
    "ReportReadError",
    "open_regular",
    "read_whole",
    "regular_file",
    "stated_date",
]

#: The most a report read whole (JSON, HTML) may hold when no limit is given: the command
#: line's default ``--max-input-mb``.
DEFAULT_MAX_BYTES = 32_000_000

#: A table as rows of cells. ``None`` is the continuation of a merged cell (row or column
#: span); ``""`` is a cell printed blank.
Grid = tuple[tuple[str | None, ...], ...]


class ReportReadError(GovOpenRulesError, ValueError):
    """A report file that cannot be read; the message names the file and what is missing."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_unless_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "an unknown kind")
    raise ReportReadError(f"{path}: not a regular file ({kind}); a report is read from a file")


def regular_file(path: Path) -> os.stat_result:
    """``path``'s status, checked before it is opened: a FIFO would block the command and a
    device (a link to ``/dev/zero``) says it holds 0 bytes and never ends. OSError as ``stat``
    raises it (a missing file, a link loop)."""
    status = os.stat(path)
    _refuse_unless_regular(path, status.st_mode)
    return status


def open_regular(path: Path) -> io.BufferedReader:
    """``path`` opened for reading when it is a regular file (a PDF or DOCX is read by seeking
    about it); checked again once open, without blocking, in case the name changed between."""
    regular_file(path)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _refuse_unless_regular(path, os.fstat(descriptor).st_mode)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def read_whole(path: Path, limit: int | None) -> bytes:
    """The bytes of a report read whole (JSON, HTML), at most ``limit`` (None: the default):
    a larger one is an error, found without reading more than one byte past the limit. The
    file is opened as :func:`open_regular` opens it, so a FIFO put in its place never blocks."""
    limit = DEFAULT_MAX_BYTES if limit is None else limit
    with open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        held = f"{size / 1_000_000:,.1f} MB, more" if size > limit else "more"
        raise ReportReadError(
            f"{path}: {held} than the {limit / 1_000_000:,g} MB read (--max-input-mb)"
        )
    return raw


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
