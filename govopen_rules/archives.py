"""How much a zip archive (an XLSX workbook, a DOCX report) unpacks to, counted before anything
reads it.

openpyxl and python-docx read a part whole: a 614 KB workbook once held a 600 MB cell, read into
over 1 GB before a single cell could be checked. The sizes an archive declares do not bound
this: zipfile inflates up to 1 GiB of a part in one step before it cuts the part to its declared
size, so a part that declares 975 bytes and holds 600 MB after them still cost 1.2 GB (found in
review). So every part is inflated here, a block at a time, and the bytes it really holds are
counted, stopping as soon as the limit is passed; a part that holds more than it declares, or
that is compressed in a way Excel and Word never use, is refused.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import attrs

__all__ = ["Unpacked", "inflated_size", "unpacked_size"]

#: Compressed bytes read, and inflated bytes produced, per step.
_BLOCK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


@attrs.frozen
class Unpacked:
    """What an archive holds unpacked (counted up to the limit asked for), its largest part,
    and the problem that stopped the count, if any."""

    total: int
    largest_part: str
    largest_size: int
    problem: str | None = None


def unpacked_size(source: str | Path | IO[bytes], limit: int) -> Unpacked | None:
    """What a zip archive holds unpacked, each part inflated and counted; the count stops once
    it passes ``limit`` (``total`` is then more than ``limit``, not the whole size). None when
    it is no zip archive this can read (the reader that opens it then says what is wrong). A
    file object is left where it was."""
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as stream:
                return _count(stream, limit)
        except OSError:
            return None
    try:
        start = source.tell()
    except (OSError, ValueError):  # a pipe: the reader says it cannot read it
        return None
    try:
        return _count(source, limit)
    finally:
        source.seek(start)


def _count(stream: IO[bytes], limit: int) -> Unpacked | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    total = 0
    largest, largest_size = "", 0
    for part in parts:
        size, problem = _part_size(stream, part, limit - total)
        total += size
        if size > largest_size:
            largest, largest_size = part.filename, size
        if problem is not None:
            return Unpacked(total, largest, largest_size, f"{part.filename}: {problem}")
        if total > limit:
            break
    return Unpacked(total, largest, largest_size)


def _part_size(stream: IO[bytes], part: zipfile.ZipInfo, room: int) -> tuple[int, str | None]:
    """The bytes a part inflates to, counted up to ``room`` + 1, and what is wrong with it."""
    if part.flag_bits & 0x1:
        return 0, "it is encrypted"
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return 0, f"it is compressed with method {part.compress_type} (only stored or deflated)"
    stream.seek(part.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        return 0, "its header is damaged"
    fields = _LOCAL_HEADER.unpack(header)
    stream.seek(part.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    if part.compress_type == zipfile.ZIP_STORED:
        size = min(part.compress_size, room + 1)
    else:
        short = False

        def pieces() -> Iterator[bytes]:
            nonlocal short
            left = part.compress_size
            while left > 0:
                piece = stream.read(min(_BLOCK, left))
                if not piece:
                    short = True
                    return
                left -= len(piece)
                yield piece

        size, problem = inflated_size(pieces(), room, -zlib.MAX_WBITS)
        if problem is None and short:
            problem = "it is cut short"
        if problem is not None:
            return size, problem
    if size > part.file_size and size <= room:
        return size, f"it holds more than the {part.file_size:,} bytes it declares"
    return size, None


def inflated_size(pieces: Iterator[bytes], room: int, wbits: int) -> tuple[int, str | None]:
    """How many bytes a deflate stream, given a piece at a time, inflates to: counted, never
    made whole, and no further than ``room`` + 1; and why it could not be read to its end
    (None when it ended, or its pieces ran out). ``wbits`` as for :func:`zlib.decompressobj`
    (raw deflate in a zip archive, zlib in a PDF)."""
    inflate = zlib.decompressobj(wbits)
    size, pending = 0, b""
    while size <= room and not inflate.eof:
        if not pending:
            pending = next(pieces, b"")
            if not pending:
                break
        try:
            size += len(inflate.decompress(pending, _BLOCK))
        except zlib.error as exc:
            return size, f"it does not inflate ({exc})"
        pending = inflate.unconsumed_tail
    return size, None
