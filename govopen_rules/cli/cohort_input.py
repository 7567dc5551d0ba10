"""A cohort read a unit at a time: a JSON Lines file (one unit a line) or a folder of facts files.

Nothing here is held whole, and nothing one unit holds stops the others: a line that is not
UTF-8 or is longer than the input limit, or a file in the folder that cannot be read, is too
large, or is not a regular file (a FIFO would block the command, a link to ``/dev/zero`` filled
memory), becomes that unit's failure (:class:`~govopen_rules.evaluation.cohort.UnreadableUnit`)
naming the line or the file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from govopen_rules.bounded import TooLarge, read_at_most
from govopen_rules.cli.common import input_limit_mb, over_the_limit
from govopen_rules.errors import InputError
from govopen_rules.evaluation.cohort import UnreadableUnit

__all__ = ["is_json_lines", "line_numbers", "streamed_units"]

Unit = bytes | str | UnreadableUnit
_BOM = b"\xef\xbb\xbf"
#: Bytes read at a time while counting lines or passing over one that is too long.
_PIECE = 1 << 20


def streamed_units(path: Path) -> tuple[Iterator[Unit], int]:
    """The units of a JSON Lines file or a folder of JSON files, and how many there are."""
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise InputError(f"{path}: no .json facts files in this folder")
        return (_file_unit(f) for f in files), len(files)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):  # it is read twice: to count its units, then to send them
        raise InputError(f"cannot read {path}: a JSON Lines cohort must be a regular file")
    return _lines(path), _count(path)


def is_json_lines(path: Path) -> bool:
    """Whether a cohort file is JSON Lines (by its name: ``.jsonl``, ``.ndjson``)."""
    return path.suffix.lower() in (".jsonl", ".ndjson") and not path.is_dir()


def line_numbers(path: Path, indices: set[int]) -> dict[int, int]:
    """The file line of each of these units: read again, only to name the lines of the
    failures listed."""
    found: dict[int, int] = {}
    try:
        for index, number in enumerate(_unit_lines(path)):
            if index in indices:
                found[index] = number
    except OSError:  # gone since: the failures are listed without their lines
        pass
    return found


def _count(path: Path) -> int:
    """How many units (lines that hold something) the file has."""
    try:
        return sum(1 for _ in _unit_lines(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _unit_lines(path: Path) -> Iterator[int]:
    """The number of each line that holds something, reading a piece of a line at a time."""
    with _past_bom(path) as stream:
        number, blank = 1, True
        for piece in iter(lambda: stream.readline(_PIECE), b""):
            blank = blank and not piece.strip()
            if piece.endswith(b"\n"):
                if not blank:
                    yield number
                number, blank = number + 1, True
        if not blank:
            yield number


def _lines(path: Path) -> Iterator[Unit]:
    limit_mb = input_limit_mb()
    limit = int(limit_mb * 1_000_000)
    with _past_bom(path) as stream:
        # The limit is on a line's content: its ending (LF or CRLF) is read with it.
        for line in iter(lambda: stream.readline(limit + 2), b""):
            ended = line.endswith(b"\n")
            if not ended and len(line) == limit + 2:  # more of this line follows
                blank = not line.strip()  # a blank line is no unit, however long
                for rest in iter(lambda: stream.readline(_PIECE), b""):  # pass over the rest
                    blank = blank and not rest.strip()
                    if rest.endswith(b"\n"):
                        break
                if not blank:
                    yield UnreadableUnit(over_the_limit(limit_mb))  # the failure names its line
                continue
            if len(line.rstrip(b"\r\n")) > limit:
                if line.strip():
                    yield UnreadableUnit(over_the_limit(limit_mb))
                continue
            if not line.strip():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield UnreadableUnit(f"not UTF-8 text (byte {exc.start + 1})")
                continue
            yield line


def _past_bom(path: Path) -> BinaryIO:
    """The file opened after its byte-order mark, if it has one (Notepad writes one): counting,
    sending and naming lines then see the same lines, a mark alone on the first line blank."""
    stream = path.open("rb")
    if stream.read(len(_BOM)) != _BOM:
        stream.seek(0)
    return stream


def _file_unit(path: Path) -> Unit:
    """One facts file of a folder, as bytes, or why it cannot be a unit."""
    limit_mb = input_limit_mb()
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return UnreadableUnit(f"{path.name}: not a regular file")
        raw = read_at_most(path, int(limit_mb * 1_000_000))
    except TooLarge:
        return UnreadableUnit(f"{path.name}: {over_the_limit(limit_mb)}")
    except OSError as exc:
        return UnreadableUnit(f"{path.name}: cannot read it: {exc.strerror or exc}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return UnreadableUnit(f"{path.name}: not UTF-8 text (byte {exc.start + 1})")
