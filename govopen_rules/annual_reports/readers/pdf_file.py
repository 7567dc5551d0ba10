"""A PDF with a text layer, read with pdfplumber: ruled tables as grids, the rest as lines.

pdfplumber finds tables by their ruling lines and gives merged cells as ``None``, which keeps
the national tables' merged label cells apart from blank ones. Text in a table's multi-cell
rows is left out of the prose, so table labels ("一、本年新收…") are never taken for headings;
a page frame that pdfplumber also sees as a table has one-cell rows, whose text is prose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from govopen_rules.annual_reports.readers.document import (
    Grid,
    PublishedDocument,
    ReportReadError,
    stated_date,
)

__all__ = ["read_pdf"]


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _outside(boxes: list[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    def keep(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or not _inside(obj, boxes)

    return keep


def read_pdf(path: Path) -> PublishedDocument:
    """The text and ruled tables of a PDF; an error if it has no text layer."""
    lines: list[str] = []
    grids: list[Grid] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                boxes = []
                for table in page.find_tables():
                    grid = tuple(tuple(row) for row in table.extract())
                    if max((len(row) for row in grid), default=0) < 2:
                        continue  # a frame around the page's text, not a data table
                    grids.append(grid)
                    # Rows of one cell are prose inside a frame; rows of several are data.
                    boxes += [
                        row.bbox
                        for row, cells in zip(table.rows, grid, strict=True)
                        if sum(1 for c in cells if c is not None) > 1
                    ]
                text = page.filter(_outside(boxes)).extract_text()
                lines += (text or "").splitlines()
    except (PDFSyntaxError, PdfminerException, OSError, ValueError) as exc:
        raise ReportReadError(f"{path}: not a readable PDF ({exc})") from None
    if not any(line.strip() for line in lines) and not grids:
        raise ReportReadError(f"{path}: the PDF has no text layer (a scan?); cannot read it")
    head = "".join(line.strip() for line in lines[:12])
    return PublishedDocument(
        kind="PDF",
        lines=tuple(lines),
        wrapped=True,
        grids=tuple(grids),
        title_text=head,
        published=stated_date("".join(lines)),
    )
