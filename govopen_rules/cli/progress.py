"""Progress bars for long runs: on stderr when it is a terminal, silent otherwise.

tqdm decides by itself (``disable=None``) whether stderr is a terminal, so piped output, CI
logs and tests stay clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any, TypeVar

from tqdm import tqdm

from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.plugins.registry import Registry

__all__ = ["ProgressExecutor", "bar", "counting_evaluations", "progress"]

T = TypeVar("T")


def bar(total: int, description: str) -> tqdm[Any]:
    """A bar on stderr that shows only when stderr is a terminal."""
    return tqdm(total=total, desc=description, unit="个", disable=None, leave=False)


def progress(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    """``items``, advancing a bar as each is taken."""
    with bar(total, description) as shown:
        for item in items:
            yield item
            shown.update()


class ProgressExecutor(Executor):
    """Runs work on another executor and advances a bar as each result of ``map`` arrives."""

    def __init__(self, inner: Executor, shown: tqdm[Any]) -> None:
        self._inner = inner
        self._bar = shown

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future = self._inner.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _: self._bar.update())
        return future

    def map(self, fn: Callable[..., T], *iterables: Iterable[Any], **kwargs: Any) -> Iterator[T]:
        for result in self._inner.map(fn, *iterables, **kwargs):
            self._bar.update()
            yield result

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class _Counter:
    """An observer (``govopen_result``) that advances a bar once per finished evaluation."""

    def __init__(self, shown: tqdm[Any]) -> None:
        self.bar = shown

    @hookimpl
    def govopen_result(self, result: EvaluationResult) -> None:
        self.bar.update()


@contextmanager
def counting_evaluations(registry: Registry, shown: tqdm[Any]) -> Iterator[None]:
    """Advance ``shown`` for every evaluation ``registry`` finishes inside the block."""
    counter = _Counter(shown)
    registry.register_observer(counter)
    try:
        yield
    finally:
        registry.plugin_manager.unregister(counter)
