"""A PDF with a text layer, read with pdfplumber: ruled tables as grids, the rest as lines.

pdfplumber finds tables by their ruling lines and gives merged cells as ``None``, which keeps
the national tables' merged label cells apart from blank ones. Text in a table's multi-cell
rows is left out of the prose, so table labels ("一、本年新收…") are never taken for headings;
a page frame that pdfplumber also sees as a table has one-cell rows, whose text is prose.
"""

from __future__ import annotations

import base64
import binascii
import io
import mmap
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pdfplumber
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import PdfminerException

from govopen_rules.annual_reports.readers.document import (
    Grid,
    PublishedDocument,
    ReportReadError,
    open_regular,
    stated_date,
)
from govopen_rules.archives import inflated_size

__all__ = ["MAX_INFLATED_BYTES", "read_pdf"]

#: The most a PDF's compressed streams may decode to in all, counted before pdfminer decodes
#: any: a 408 KB PDF whose page held 400 MB of spaces once took 874 MB.
MAX_INFLATED_BYTES = 200_000_000
#: Where a stream's data begins: the keyword, then CRLF, CR, LF (pdfminer takes all three, and
#: spaces before them).
_STREAM_START = re.compile(rb"stream[ \t\f]*(?:\r\n|\r|\n)")
#: A stream dictionary's filters, looked for just before the keyword.
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_PIECE = 1 << 16


def _inflates_in(file: BinaryIO, limit: int) -> int:
    """How many bytes the file's streams decode to, counted a piece at a time and no further
    than ``limit`` + 1: zlib (Flate) streams inflated, LZW and RunLength decoded, each after
    ASCIIHex or ASCII85 (which only shrink) where the stream's filters begin with one."""
    try:
        data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:  # an empty file
        return 0
    with data:
        total = 0
        for found in _STREAM_START.finditer(data):
            source, start, filters = _stream_data(data, found.start(), found.end())
            total += _decoded_size(source, start, filters, limit - total)
            if total > limit:
                break
        return total


_LZW = (b"LZWDecode", b"LZW")
_RUN_LENGTH = (b"RunLengthDecode", b"RL")


def _decoded_size(
    source: bytes | mmap.mmap, start: int, filters: list[bytes], room: int
) -> int:
    """How much the stream's first expanding filter gives (LZW and RunLength decoded and
    counted, Flate inflated and counted), no further than ``room`` + 1."""
    if filters and filters[0] in _LZW + _RUN_LENGTH:
        end = source.find(b"endstream", start)
        raw = bytes(source[start : end if end >= 0 else len(source)])
        if filters[0] in _LZW:
            return _lzw_size(raw, room)
        return _run_length_size(raw, room)
    return _inflated(source, start, room)


def _lzw_size(raw: bytes, room: int) -> int:
    size = 0
    try:
        for piece in LZWDecoder(io.BytesIO(raw)).run():
            size += len(piece)
            if size > room:
                break
    except Exception:  # damaged (pdfminer's decoder raises IndexError): what was read counts
        pass
    return size


def _run_length_size(raw: bytes, room: int) -> int:
    """RunLength's output counted, not made: a length byte under 128 copies that many + 1
    bytes, one over 128 repeats the next byte 257 - length times, 128 ends the data."""
    size = position = 0
    while position < len(raw) and size <= room:
        length = raw[position]
        if length == 128:
            break
        if length < 128:
            size += length + 1
            position += length + 2
        else:
            size += 257 - length
            position += 2
    return size


def _stream_data(
    data: mmap.mmap, keyword: int, start: int
) -> tuple[bytes | mmap.mmap, int, list[bytes]]:
    """The bytes to decode, where they begin, and the filters left: the file itself, or a
    text filter's output (ASCIIHex and ASCII85 only shrink, so they are decoded here)."""
    before = data[max(0, keyword - 1024) : keyword]
    filters = list(_FILTER.finditer(before))
    names = _NAME.findall(filters[-1].group(1)) if filters else []
    if not names or names[0] not in (b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"):
        return data, start, names
    hexed = names[0] in (b"ASCIIHexDecode", b"AHx")
    end = data.find(b">" if hexed else b"~>", start)
    text = bytes(data[start : end if end >= 0 else len(data)]).translate(None, b" \t\r\n\f\0")
    try:
        if hexed:
            return binascii.unhexlify(text + b"0" * (len(text) % 2)), 0, names[1:]
        return base64.a85decode(text), 0, names[1:]
    except ValueError:  # damaged: pdfminer says so
        return b"", 0, []


def _inflated(data: bytes | mmap.mmap, start: int, room: int) -> int:
    head = data[start : start + 2]
    if len(head) < 2 or head[0] & 0x0F != 8 or (head[0] << 8 | head[1]) % 31:
        return 0  # not a zlib stream
    pieces = (data[at : at + _PIECE] for at in range(start, len(data), _PIECE))
    # Damaged: pdfminer says so, or reads what it can; what inflated is counted.
    size, _ = inflated_size(pieces, room, zlib.MAX_WBITS)
    return size


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _outside(boxes: list[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    def keep(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or not _inside(obj, boxes)

    return keep


def _pages(pdf: PDF) -> tuple[list[str], list[Grid]]:
    """The prose lines and the data tables of every page."""
    lines: list[str] = []
    grids: list[Grid] = []
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
    return lines, grids


def read_pdf(path: Path) -> PublishedDocument:
    """The text and ruled tables of a PDF; an error if it has no text layer. Only a regular
    file is opened: it is searched through ``mmap`` and seeked about, which a device refuses."""
    try:
        with open_regular(path) as file:
            inflated = _inflates_in(file, MAX_INFLATED_BYTES)
            if inflated > MAX_INFLATED_BYTES:
                raise ReportReadError(
                    f"{path}: its compressed streams inflate to more than "
                    f"{MAX_INFLATED_BYTES:,} bytes, far more than a report's pages hold"
                )
            with pdfplumber.open(file) as pdf:
                lines, grids = _pages(pdf)
    except ReportReadError:
        raise
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
