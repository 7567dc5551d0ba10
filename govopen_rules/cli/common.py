"""What every command shares: reading JSON input, the ``--param`` option, printing errors.

A command reports bad input by raising a :class:`~govopen_rules.errors.GovOpenRulesError`;
:func:`govopen_rules.cli.main.main` prints it as one ``error:`` line (plus an indented list when
there are several problems) and exits with status 1.

Every input file is read only up to a size limit (:data:`DEFAULT_INPUT_LIMIT_MB` MB unless
``--max-input-mb`` or ``$GOVOPEN_RULES_MAX_INPUT_MB`` says otherwise): a facts file of 15 MB
already holds 90,000 facts and takes seconds and hundreds of MB to evaluate, so a larger one is
far more likely a mistake than a unit's observations.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

from govopen_rules.bounded import TooLarge, read_at_most
from govopen_rules.conversion import InputLimitError, load_json_document
from govopen_rules.errors import InputError, Problem, ValidationError
from govopen_rules.evaluation.running import die_with_parent
from govopen_rules.exact import parse_decimal
from govopen_rules.plugins.calendar_file import CalendarFile
from govopen_rules.plugins.extras import RUBRIC_FILES, RubricFiles, refuse_problems_of, with_plugins
from govopen_rules.plugins.registry import Registry

__all__ = [
    "DEFAULT_INPUT_LIMIT_MB",
    "INPUT_LIMIT_ENV",
    "RegistryFactory",
    "add_calendar_option",
    "add_extra_options",
    "add_param_option",
    "error",
    "ignore_interrupts",
    "input_limit",
    "input_limit_mb",
    "over_the_limit",
    "process_count",
    "read_input",
    "read_json",
    "tolerance",
    "with_extras",
    "worker_pool",
]

#: Commands ask for the registry only when they need one (``check-stats`` never loads plugins).
RegistryFactory = Callable[[], Registry]

#: The largest input file read, in MB (10**6 bytes), unless configured otherwise.
DEFAULT_INPUT_LIMIT_MB = 32
#: The environment variable that sets the limit for every command.
INPUT_LIMIT_ENV = "GOVOPEN_RULES_MAX_INPUT_MB"

_LIMIT: ContextVar[float | None] = ContextVar("govopen_input_limit_mb", default=None)


def input_limit_mb() -> float:
    """The input size limit in force: ``--max-input-mb``, else the environment, else the
    default. A bad value in the environment is an error naming it."""
    given = _LIMIT.get()
    if given is not None:
        return given
    text = os.environ.get(INPUT_LIMIT_ENV)
    if not text:
        return DEFAULT_INPUT_LIMIT_MB
    try:
        return positive_mb(text)
    except argparse.ArgumentTypeError as exc:
        raise InputError(f"${INPUT_LIMIT_ENV}: {exc}") from None


def positive_mb(text: str) -> float:
    """An argparse type: a size in MB, more than 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a size in MB above 0, got {text!r}")
    return value


@contextmanager
def input_limit(mb: float | None) -> Iterator[None]:
    """Within the block, read input files up to ``mb`` MB (None: the configured limit)."""
    token = _LIMIT.set(mb)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def add_param_option(parser: argparse.ArgumentParser) -> None:
    """``--param NAME=VALUE`` (repeatable): override a rubric parameter."""
    parser.add_argument(
        "--param",
        type=_parameter,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a rubric parameter (repeatable)",
    )


def add_extra_options(parser: argparse.ArgumentParser) -> None:
    """``--rubric FILE`` and ``--calendar FILE`` (both repeatable): a rubric file besides the
    installed ones, and a year's official holiday arrangement for a year the installed
    chinesecalendar lacks (:mod:`govopen_rules.plugins.calendar_file`)."""
    parser.add_argument(
        "--rubric",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a rubric file to use besides the installed rubrics (it may extend one)",
    )
    add_calendar_option(parser)


def add_calendar_option(parser: argparse.ArgumentParser) -> None:
    """``--calendar FILE`` (repeatable): a year's official holiday arrangement for a year the
    installed chinesecalendar lacks (:mod:`govopen_rules.plugins.calendar_file`)."""
    parser.add_argument(
        "--calendar",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file with a year's official holidays and 调休 workdays (repeatable)",
    )


def with_extras(args: argparse.Namespace, registry: RegistryFactory) -> RegistryFactory:
    """The registry factory, with the ``--rubric`` and ``--calendar`` files added if given."""
    rubrics = getattr(args, "rubric", None) or []
    calendars = getattr(args, "calendar", None) or []
    if not rubrics and not calendars:
        return registry
    built: list[Registry] = []

    def make() -> Registry:
        if not built:
            plugins: list[tuple[str, object]] = [
                (f"calendar file {path}", CalendarFile(path)) for path in calendars
            ]
            if rubrics:
                plugins.append((RUBRIC_FILES, RubricFiles(rubrics)))
            made = with_plugins(registry(), plugins)
            # A file named on the command line must load, even where broken plugins are skipped.
            refuse_problems_of(made, [*rubrics, *calendars])
            built.append(made)
        return built[0]

    return make


def error(message: str) -> int:
    """Print one ``error:`` line on stderr; return the exit status for bad input."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def read_input(path: Path) -> bytes:
    """An input file's bytes, read at most one byte past the input limit (even from a pipe);
    :class:`InputError` naming the file when it cannot be read or is larger."""
    limit_mb = input_limit_mb()
    limit = int(limit_mb * 1_000_000)
    try:
        return read_at_most(path, limit)
    except TooLarge:
        raise InputError(f"cannot read {path}: {over_the_limit(limit_mb)}") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def over_the_limit(limit_mb: float) -> str:
    """What is said of an input larger than the limit."""
    return (
        f"it is larger than the {limit_mb:g} MB input limit; "
        f"raise it with --max-input-mb or ${INPUT_LIMIT_ENV} if the file is right"
    )


def read_json(path: Path) -> Any:
    """A JSON document with exact decimals (never None).

    Raises :class:`InputError` when the file cannot be read, is larger than the input limit
    (:func:`input_limit_mb`) or is not JSON, and :class:`ValidationError` when it holds only
    ``null``; both name the file.
    """
    raw = read_input(path)
    try:
        data = load_json_document(raw)
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: not UTF-8 text") from None
    except InputLimitError as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise InputError(f"cannot read {path}: not valid JSON: {exc}") from None
    if data is None:
        raise ValidationError([Problem("$", "the document is null, not a JSON object")], str(path))
    return data


def tolerance(text: str) -> Decimal:
    """An argparse type: percentage points, an exact decimal of 0 or more."""
    try:
        value = parse_decimal(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def ignore_interrupts() -> None:
    """A worker process's initializer: Ctrl-C reaches the whole process group, and only the
    command itself should answer it (status 130); a worker would print a traceback and die,
    leaving the pool broken while the command shuts it down. The command's pool finishes the
    few chunks in flight and the command ends. The worker dies with the command
    (:func:`~govopen_rules.evaluation.running.die_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


@contextmanager
def worker_pool(processes: int) -> Iterator[ProcessPoolExecutor]:
    """A command's process pool. Stopped by an error, Ctrl-C or SIGTERM, it drops the work not
    yet started (a SIGTERM once waited for every queued chunk to be evaluated, 23 s, and threw
    the results away) and waits only for the chunks the workers hold."""
    pool = ProcessPoolExecutor(max_workers=processes, initializer=ignore_interrupts)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


#: The most worker processes a command starts, per CPU of the machine: each is a whole
#: interpreter with the rubrics loaded (--processes 100000 once forked thousands).
PROCESSES_PER_CPU = 4


def process_count(text: str) -> int:
    """An argparse type: how many worker processes, 0 (none: in this process) up to
    :data:`PROCESSES_PER_CPU` per CPU."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    cpus = os.cpu_count() or 1
    limit = PROCESSES_PER_CPU * cpus
    if not 0 <= count <= limit:
        raise argparse.ArgumentTypeError(
            f"{count} is not between 0 and {limit} ({PROCESSES_PER_CPU} per CPU; this machine "
            f"has {cpus})"
        )
    return count
