"""A report as a Word document (DOCX), read with python-docx: paragraphs and tables in order.

python-docx hands a merged cell back once per grid position it covers; every position after
the first is ``None`` here, as in the other readers, so blank cells stay blank.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from govopen_rules.annual_reports.readers.document import (
    Grid,
    PublishedDocument,
    ReportReadError,
    open_regular,
    stated_date,
)
from govopen_rules.archives import unpacked_size

__all__ = ["MAX_UNPACKED_BYTES", "read_docx"]

#: The most a DOCX report may unpack to. python-docx parses ``word/document.xml`` whole, into
#: a tree many times its size; a report's text and tables take a small part of this.
MAX_UNPACKED_BYTES = 50_000_000


#: The most columns a cell may span: a Word table has at most 63 columns.
MAX_GRID_SPAN = 63


def _grid(table: Table) -> Grid:
    # python-docx repeats a cell once per column it spans: ten cells spanning 20,000,000
    # columns each, in a 37 KB file, once took 1.8 GB.
    for span in table._tbl.xpath(".//w:gridSpan/@w:val"):
        if not str(span).isdigit() or int(str(span)) > MAX_GRID_SPAN:
            raise ReportReadError(
                f"a table cell spans {str(span)[:20]} columns; a Word table has at most "
                f"{MAX_GRID_SPAN}"
            )
    seen: set[object] = set()  # the cells' XML elements, kept alive so identity holds
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        for cell in row.cells:
            element = cell._tc
            cells.append(None if element in seen else cell.text.strip())
            seen.add(element)
        rows.append(tuple(cells))
    return tuple(rows)


def _document(path: Path) -> DocxDocument:
    """The DOCX at ``path`` parsed, once it is known to unpack to no more than a report may.
    Only a regular file is opened: a zip archive is read from its end, which a device lacks."""
    with open_regular(path) as file:
        unpacked = unpacked_size(file, MAX_UNPACKED_BYTES)
        if unpacked is not None and unpacked.problem is not None:
            raise ReportReadError(f"{path}: not a readable DOCX ({unpacked.problem})")
        if unpacked is not None and unpacked.total > MAX_UNPACKED_BYTES:
            raise ReportReadError(
                f"{path}: the DOCX unpacks to more than {MAX_UNPACKED_BYTES:,} bytes, the most "
                f"a report may; {unpacked.largest_part} alone holds {unpacked.largest_size:,} "
                "or more"
            )
        return docx.Document(file)


def read_docx(path: Path) -> PublishedDocument:
    """The paragraphs and tables of a DOCX."""
    try:
        document = _document(path)
    except ReportReadError:
        raise
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise ReportReadError(f"{path}: not a readable DOCX ({exc})") from None
    lines: list[str] = []
    grids: list[Grid] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                lines.append(block.text.strip())
        else:
            try:
                grids.append(_grid(block))
            except ReportReadError as exc:
                raise ReportReadError(f"{path}: {exc}") from None
    text = "\n".join(lines)
    return PublishedDocument(
        kind="DOCX",
        lines=tuple(lines),
        wrapped=False,
        grids=tuple(grids),
        title_text="\n".join(lines[:5]),
        published=stated_date(text),
    )
