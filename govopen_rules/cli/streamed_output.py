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
    """``path`` opened to be written, put in place when the block ends without an error.

    The temporary file is beside the file a symlink names (the link stays a link) and takes the
    mode of the file it replaces. Written directly, as they are: a device, a FIFO, anything
    under ``/dev`` or ``/proc`` (``/dev/stdout``, which may name a regular file the shell
    opened), and a file with other hard links (a rename would leave them the old content)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError:  # a symlink loop, a NUL: opening says what is wrong
        found = None
    real = path.resolve() if found is not None else path
    direct = found is not None and (
        not stat.S_ISREG(found.st_mode)
        or found.st_nlink > 1
        or any(str(p).startswith(("/dev/", "/proc/")) for p in (path.absolute(), real))
    )
    if direct:
        with _opened(path, binary) as stream:
            yield stream
        return
    part = real.with_name(f".{real.name}.{os.getpid()}.part")
    try:
        try:
            opened = _opened(part, binary)
        except OSError as exc:  # named as the file asked for, not its temporary name
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        if found is not None:
            with contextlib.suppress(OSError):  # as before, or the default if it cannot be
                os.chmod(part, stat.S_IMODE(found.st_mode))
        with opened as stream:
            yield stream
        try:
            os.replace(part, real)
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
    ours = name.name.startswith(".") and name.name.endswith(".part")
    if not unit_ids or not ours:  # a file written directly (a device, hard links) keeps them
        return
    stream.flush()
    kept = name.with_name(name.name + ".kept")
    try:
        _copy_without(name, kept, unit_ids)
        os.replace(kept, name)
    finally:
        with contextlib.suppress(OSError):
            kept.unlink()
    stream.seek(0, os.SEEK_END)


def _copy_without(source: Path, target: Path, unit_ids: Collection[str]) -> None:
    with source.open("rb") as written, target.open("wb") as out:
        for line in written:
            found = _UNIT_ID.match(line)
            unit_id = None if found is None else json.loads(found.group(1))
            shared = isinstance(unit_id, str) and unicodedata.normalize("NFC", unit_id) in unit_ids
            if not shared:
                out.write(line)
