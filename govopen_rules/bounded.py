"""Read a file's bytes without trusting its size: at most one byte past a limit.

``stat`` says 0 bytes for ``/dev/zero`` and for a pipe, and a file can grow between ``stat``
and reading; a rubric path linked to ``/dev/zero`` once read 24 GB. Pipes stay readable (a
command line's ``<(…)`` or ``/dev/stdin``); what is read is bounded either way.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["TooLarge", "read_at_most"]


class TooLarge(ValueError):
    """A file holds more than the limit; ``limit`` is in bytes."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path}: larger than {limit:,} bytes")
        self.path = path
        self.limit = limit


def read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes; :class:`TooLarge` when it holds more than ``limit`` (OSError as
    ``open`` raises it: a folder, a missing file)."""
    with Path(path).open("rb") as stream:
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(Path(path), limit)
    return raw
