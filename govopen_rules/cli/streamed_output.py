"""Files a command streams into (``--results``, ``--placements``): whole, or not there at all.

A file is written under a temporary name beside it and put in place only when the command
finishes; a run stopped part way (SIGTERM, Ctrl-C, an error) leaves the previous file as it was,
where a stopped cohort once left ``--placements`` empty. A device or a FIFO (``/dev/stdout``)
is written directly. A unit whose id turns out, later in the cohort, to be another unit's too
is not placed; its result, already written, is taken out of the results before they are put in
place.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

from govopen_rules.conversion import UNENCODABLE

__all__ = ["drop_results_of", "streamed_file"]


@contextlib.contextmanager
def streamed_file(path: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """``path`` opened to be written, put in place when the block ends without an error."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    except OSError:  # a symlink loop, a NUL: opening says what is wrong
        regular = False
    if not regular:
        with _opened(path, binary) as stream:
            yield stream
        return
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        try:
            opened = _opened(part, binary)
        except OSError as exc:  # named as the file asked for, not its temporary name
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        with opened as stream:
            yield stream
        try:
            os.replace(part, path)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
    finally:
        with contextlib.suppress(OSError):
            part.unlink()


def _opened(path: Path, binary: bool) -> IO[Any]:
    if binary:
        return path.open("wb")
    return path.open("w", encoding="utf-8", errors=UNENCODABLE)


#: A result line begins with its unit's id: ``{"unit":{"id":"…"``.
_UNIT_ID = re.compile(rb'\{"unit":\{"id":("(?:[^"\\]|\\.)*")')


def drop_results_of(stream: IO[bytes], unit_ids: Collection[str]) -> None:
    """Rewrite the results written to ``stream`` (open for writing, at its end) without the
    lines of units whose ids, NFC-normalised, are in ``unit_ids``."""
    name = Path(stream.name)
    if not unit_ids or not name.is_file():  # a device is written as it goes
        return
    stream.flush()
    kept = name.with_name(name.name + ".kept")
    with name.open("rb") as written, kept.open("wb") as out:
        for line in written:
            found = _UNIT_ID.match(line)
            unit_id = None if found is None else json.loads(found.group(1))
            shared = isinstance(unit_id, str) and unicodedata.normalize("NFC", unit_id) in unit_ids
            if not shared:
                out.write(line)
    os.replace(kept, name)
    stream.seek(0, os.SEEK_END)
