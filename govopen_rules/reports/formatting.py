"""How numbers and statuses are printed in every report: as the rubrics and notices print them."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from govopen_rules.conversion import UNENCODABLE
from govopen_rules.evaluation.results import Status, Verdict, one_line, provisional_mark

__all__ = [
    "STATUS_WORDS",
    "format_items",
    "format_percent",
    "format_points",
    "format_range",
    "markdown_text",
    "message_with_items",
    "one_line",
    "printable",
    "provisional_note",
]

#: Status words in Chinese, as the text report shows them.
STATUS_WORDS = {
    Status.DEDUCTED: "扣分",
    Status.CLEAR: "无问题",
    Status.NO_EVIDENCE: "缺证据",
    Status.NOT_APPLICABLE: "不适用",
}


#: Control characters other than tab and line breaks: C0 (what a terminal acts on, what no
#: worksheet takes), DEL, C1 (U+009B is a terminal's CSI) and the bidirectional overrides and
#: isolates (U+202E shows a name backwards). A report writes each as an escape that JSON reads
#: back as the same character (``\u001b``, ``\u202e``), so a JSON report stays valid and a text
#: report shows where the character was.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _control_escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def printable(text: str) -> str:
    """``text`` as any UTF-8 stream takes it, a surrogate code point written as its escape
    (:data:`~govopen_rules.conversion.UNENCODABLE`): facts are refused with one, but a cohort
    entry's ``published`` tier, compared and never evaluated, may carry one, and a report must
    not end in a traceback for a name it quotes. A control character (a NUL, a terminal's
    escape) in a name is written as its escape too (``\u0000``, ``\u001b``), never raw, so a
    report neither breaks a text tool nor drives the terminal that shows it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", UNENCODABLE).decode("utf-8")
    return _CONTROL.sub(_control_escape, text) if _CONTROL.search(text) else text


def format_points(value: Decimal) -> str:
    """Points as the rubrics print them: 0.5, 2, 1.5 (no trailing zeros, never 1E+1)."""
    return format(value.normalize(), "f")


def format_percent(share: Decimal) -> str:
    """A share as a notice prints it: 32.61%, 25% (trailing zeros dropped)."""
    return f"{format_points(share)}%"


def format_items(verdict: Verdict) -> str:
    """What a finding lists: ``2020-11-12、2020-11-17 等，另有3项 (and 3 more)``; "" if nothing."""
    if not verdict.items:
        return ""
    more = verdict.more_items
    rest = f" 等，另有{more}项 (and {more} more)" if more else ""
    # Each item on the list's one line: a title holding a line break would start a line of
    # its own in a report (the result's items keep the text as it is).
    return "、".join(one_line(item) for item in verdict.items) + rest


def message_with_items(verdict: Verdict) -> str:
    """A finding's message (marked where a provisional calendar decided it), with the items
    behind its count on a second line."""
    message = verdict.message + provisional_mark(verdict.provisional_calendar_years)
    items = format_items(verdict)
    return f"{message}\n清单 items: {items}" if items else message


def provisional_note(years: tuple[int, ...]) -> str:
    """What a report says once about the provisional years its results used ('' if none)."""
    if not years:
        return ""
    return (
        f"⚠ 临时日历 provisional calendar: {', '.join(map(str, years))} — 按法定节假日推算，"
        "未含调休 (statutory holidays only, no official 调休 arrangement yet)"
    )


def format_range(low: Decimal, high: Decimal) -> str:
    """A score range as the text and cohort reports print it: 10.1–13.9."""
    return f"{format_points(low)}–{format_points(high)}"


#: Characters that start inline Markdown (code, emphasis, links and images, strikethrough), a
#: table's cell border, and the backslash that escapes them (``\\|`` once rendered as ``|``).
_MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]|~]")
#: Block syntax where a value begins a line: a heading, a list item, a setext underline.
_MARKDOWN_BLOCK = re.compile(r"#{1,6}(?: |$)|[-+](?: |$)|[=-]+ *$")
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp):|www\.")
_MARKDOWN_ORDERED = re.compile(r"(\d{1,9})([.)])(?= |$)")


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown, on one line, in a table cell, a heading or a list item.

    A unit's name is read from its facts: ``<img onerror=…>`` rendered as a live tag, a line
    break and ``|`` forged a score table, ``[点此](http://…)`` a link. Line breaks become
    spaces, ``& < >`` entities, inline syntax and ``|`` are backslash-escaped, and so is block
    syntax at the start."""
    flat = html.escape(" ".join(text.split()), quote=False)
    flat = _MARKDOWN_INLINE.sub(r"\\\g<0>", flat)
    # A bare address is made a link by GitHub's Markdown (its autolinks): escaped, it is text.
    flat = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], flat)
    if _MARKDOWN_BLOCK.match(flat):
        return "\\" + flat
    ordered = _MARKDOWN_ORDERED.match(flat)  # ``1. `` escaped as ``1\. ``
    return flat if ordered is None else f"{flat[: ordered.end(1)]}\\{flat[ordered.end(1) :]}"
