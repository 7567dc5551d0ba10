"""Progress bars for long runs: on stderr when it is a terminal, nothing otherwise.

Piped output, CI logs and tests stay clean: the bar exists only when stderr is a terminal, and
it disappears when the run ends (``transient``), leaving the terminal as the report left it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["bar", "progress"]

T = TypeVar("T")


@contextmanager
def bar(total: int, description: str) -> Iterator[Callable[..., None]]:
    """A bar of ``total`` steps; the block gets a function that advances it one step (it takes
    and ignores any arguments, so it can be passed as a callback such as ``on_result``)."""
    if total < 1 or not sys.stderr.isatty():
        yield lambda *_: None
        return
    from rich.console import Console  # imported only for a terminal: a quiet run pays nothing
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as shown:
        task = shown.add_task(description, total=total)
        yield lambda *_: shown.advance(task)


def progress(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    """``items``, advancing a bar as each is taken."""
    with bar(total, description) as advance:
        for item in items:
            yield item
            advance()
