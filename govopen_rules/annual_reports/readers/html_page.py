"""A report's web page as saved (HTML), read with lxml: tables with their merged cells.

The report is the part of the page that holds both its application table and its 总体情况
section; navigation, headers and footers around it are not read. Row and column spans are
expanded into a grid whose continuation cells are ``None`` (as pdfplumber gives them), so an
empty ``<td>`` stays a blank cell. The 公开日期 / 发布日期 the page states is its publication date.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

from govopen_rules.annual_reports.readers.document import (
    Grid,
    PublishedDocument,
    ReportReadError,
    read_whole,
    stated_date,
)

__all__ = ["read_html", "table_grid"]

_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "br", "tr"}
)


#: The widest a cell spans, as browsers clamp ``colspan``; a row span ends with the table
#: (browsers end it with its row group and cap it at 65,534: the table's end is the tighter
#: bound here, where a report's table has one group).
MAX_COLSPAN = 1000
#: The most places a table's grid may have: a report's tables have a few hundred.
MAX_GRID_CELLS = 1_000_000


def _span(cell: _Element, name: str) -> int:
    text = str(cell.get(name, "1")).strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return max(1, int(text)) if len(text.lstrip("0")) <= 9 else 10**9  # clamped by the caller


def table_grid(table: _Element) -> Grid:
    """A ``<table>``'s rows with spans expanded: the spanned-over places are ``None``.

    Spans are clamped (``colspan`` at :data:`MAX_COLSPAN`, as browsers clamp it; ``rowspan`` at
    the table's last row), and a grid past :data:`MAX_GRID_CELLS` places is an error: a
    207-byte page with ``rowspan="50000000"`` once filled 2.5 GB."""
    taken: dict[tuple[int, int], None] = {}
    rows: list[dict[int, str | None]] = []
    own = [tr for tr in table.iter("tr") if _own_row(tr, table)]
    for r, tr in enumerate(own):
        row: dict[int, str | None] = {}
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                row[c] = None
                c += 1
            rowspan = min(_span(cell, "rowspan"), len(own) - r)
            colspan = min(_span(cell, "colspan"), MAX_COLSPAN)
            if len(taken) + rowspan * colspan + c > MAX_GRID_CELLS:
                raise ReportReadError(
                    f"a table spans more than {MAX_GRID_CELLS:,} places (row {r + 1}: "
                    f"rowspan {rowspan}, colspan {colspan}); no report's table is that large"
                )
            row[c] = _text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        taken[(r + dr, c + dc)] = None
            c += colspan
        while (r, c) in taken:
            row[c] = None
            c += 1
        rows.append(row)
    width = max((max(row, default=-1) + 1 for row in rows), default=0)
    if width * len(rows) > MAX_GRID_CELLS:  # one wide row makes every row that wide
        raise ReportReadError(
            f"a table spans more than {MAX_GRID_CELLS:,} places ({len(rows):,} rows, "
            f"{width:,} columns); no report's table is that large"
        )
    return tuple(tuple(row.get(i) if i in row else None for i in range(width)) for row in rows)


def _own_row(tr: _Element, table: _Element) -> bool:
    """A ``<tr>`` of this table, not of a table nested in it."""
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _text(element: _Element) -> str:
    return "".join(str(t) for t in element.itertext()).strip()


class _TableText:
    """Where the text of each table, and of each element holding one, lies in the page's text
    (as ``itertext`` joins it), found in one walk: asking whether an element's text holds a
    phrase then joins nothing (joining each table's ancestors' text once took 88 s for 4,000
    tables)."""

    def __init__(self, root: _Element) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.spans: dict[_Element, tuple[int, int]] = {}
        self._walk(root)
        self.text = "".join(self.pieces)

    def _add(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)
            self.length += len(text)

    def _walk(self, root: _Element) -> None:
        """Iterative, as lxml nests 255 deep. Each open element's frame: the element, its
        children to come, where its text starts, whether a table is in it."""
        stack: list[list[Any]] = [[root, iter(root), 0, False]]
        self._add(root.text if isinstance(root.tag, str) else None)
        while stack:
            node, children, start, holds_table = stack[-1]
            child = next(children, None)
            if child is not None:
                stack.append([child, iter(child), self.length, False])
                self._add(child.text if isinstance(child.tag, str) else None)
                continue
            stack.pop()
            if holds_table or node.tag == "table":
                self.spans[node] = (start, self.length)
                if stack:
                    stack[-1][3] = True
            if stack:
                self._add(node.tail)

    def holds(self, element: _Element, phrase: str, places: list[int]) -> bool:
        """Whether the element's text holds ``phrase``, found at ``places`` in the page."""
        start, end = self.spans[element]
        first = bisect_left(places, start)
        return first < len(places) and places[first] + len(phrase) <= end

    def places(self, phrase: str) -> list[int]:
        """Where ``phrase`` starts in the page's text, in order (overlaps included)."""
        found: list[int] = []
        at = self.text.find(phrase)
        while at >= 0:
            found.append(at)
            at = self.text.find(phrase, at + 1)
        return found


def _container(root: _Element) -> _Element:
    """The smallest element holding the application table and the 总体情况 section."""
    texts = _TableText(root)
    tables, overall = texts.places("本年新收"), texts.places("总体情况")
    looked_at: set[_Element] = set()  # without 总体情况, and so are all their ancestors
    for table in root.iter("table"):
        if not texts.holds(table, "本年新收", tables):
            continue
        node = table.getparent()
        while node is not None and node not in looked_at:
            if texts.holds(node, "总体情况", overall):
                return node
            looked_at.add(node)
            node = node.getparent()
    return root


def _paragraphs(node: _Element) -> list[str]:
    """The text of each block outside tables, inline elements joined without breaks."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "".join(current).strip()
        if text:
            out.append(text)
        current.clear()

    def walk(element: _Element) -> None:
        if element.tag == "table":
            flush()
            return
        block = element.tag in _BLOCKS
        if block:
            flush()
        if element.text and element.tag not in ("script", "style"):
            current.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(node)
    flush()
    return out


def _decoded(data: bytes) -> str:
    """The page's text: by its declared charset, else UTF-8, else GB18030 (GBK pages)."""
    declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.I)
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + [
        "utf-8",
        "gb18030",
    ]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def read_html(path: Path, max_bytes: int | None = None) -> PublishedDocument:
    """The report in a saved web page of at most ``max_bytes`` (None: the default)."""
    try:
        raw = read_whole(path, max_bytes)
    except OSError as exc:
        raise ReportReadError(f"{path}: not a readable HTML page ({exc})") from None
    try:
        text = re.sub(r"^\s*<\?xml[^>]*>", "", _decoded(raw))
        root = lxml.html.document_fromstring(text)
    except (OSError, ParserError, ValueError) as exc:
        raise ReportReadError(f"{path}: not a readable HTML page ({exc})") from None
    for bad in list(root.iter("script", "style", "noscript")):
        if isinstance(bad, lxml.html.HtmlElement):
            bad.drop_tree()
    container = _container(root)
    paragraphs = _paragraphs(container)
    titles = [_text(t) for t in root.iter("title")]
    blocks = _paragraphs(root)
    try:
        grids = tuple(table_grid(t) for t in container.iter("table"))
    except ReportReadError as exc:
        raise ReportReadError(f"{path}: {exc}") from None
    return PublishedDocument(
        kind="HTML page",
        lines=tuple(paragraphs),
        wrapped=False,
        grids=grids,
        title_text="\n".join([*blocks, *titles]),
        published=stated_date(_text(root)),
    )
