"""How much a zip archive (an XLSX workbook, a DOCX report) unpacks to, before anything unpacks it.

openpyxl and python-docx read a part whole: a 614 KB workbook once held a 600 MB cell, read
into over 1 GB before a single cell could be checked. The sizes an archive declares bound what
can be read from it (zipfile unpacks no more of a part than its declared size; more fails the
part's CRC check), so they are checked first.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

import attrs

__all__ = ["Unpacked", "unpacked_size"]


@attrs.frozen
class Unpacked:
    """What an archive declares it unpacks to, and its largest part."""

    total: int
    largest_part: str
    largest_size: int

    def describe(self) -> str:
        """``unpacks to 629,166,396 bytes (xl/worksheets/sheet2.xml: 629,145,794)``."""
        return (
            f"unpacks to {self.total:,} bytes "
            f"({self.largest_part}: {self.largest_size:,})"
        )


def unpacked_size(source: str | Path | IO[bytes]) -> Unpacked | None:
    """The declared unpacked size of a zip archive; None when it is no readable zip archive
    (the reader that opens it then says what is wrong). A file object is left where it was."""
    start = None if isinstance(source, (str, Path)) else source.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        if start is not None and not isinstance(source, (str, Path)):
            source.seek(start)
    if not parts:
        return Unpacked(0, "", 0)
    largest = max(parts, key=lambda part: part.file_size)
    return Unpacked(sum(part.file_size for part in parts), largest.filename, largest.file_size)
