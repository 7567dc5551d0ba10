from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from govopen_rules import Registry, hookimpl
from govopen_rules.plugins.manager import make_plugin_manager


class RubricFiles:
    """A throwaway plugin that provides rubric files (as a region plugin would)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths

    @hookimpl
    def govopen_rubrics(self) -> list[Path]:
        return self.paths


pytest_plugins = ["pytester"]

MakeRegistry = Callable[..., Registry]


@pytest.fixture(scope="session")
def make_registry(tmp_path_factory: pytest.TempPathFactory) -> MakeRegistry:
    """Build a registry from rubric dicts, with no installed plugins loaded."""
    tmp_path = tmp_path_factory.mktemp("rubrics")
    counter = iter(range(1_000_000))

    def make(*rubrics: dict[str, Any], plugins: tuple[object, ...] = ()) -> Registry:
        paths = []
        for data in rubrics:
            path = tmp_path / f"rubric{next(counter)}.yaml"
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            paths.append(path)
        extra = [RubricFiles(paths)] if paths else []
        pm = make_plugin_manager(load_entrypoints=False, plugins=[*extra, *plugins])
        return Registry(pm)

    return make


@pytest.fixture(scope="session")
def core_registry() -> Registry:
    """The core alone: built-in fact kinds, no rubrics."""
    return Registry(load_entrypoints=False)


class Hung(BaseException):
    """Raised by :func:`deadline`: a BaseException, so no handler in the code under test can
    swallow it."""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer (SIGALRM: the main thread only)."""

    def ring(signum: int, frame: object) -> None:
        raise Hung(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
