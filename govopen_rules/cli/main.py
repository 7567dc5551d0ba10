"""The ``govopen-rules`` command: build the parser from the command modules and dispatch.

Each command is one module with ``add_parser(sub)`` and ``run(args, registry) -> int``; add a
command by writing such a module and listing it in :data:`COMMANDS`.

Failures end the way a shell tool's do, never in a traceback: bad input is one ``error:`` line
on stderr naming the file (with an indented list when there are several problems) and status 1;
an output that cannot be written (a full disk) one ``error:`` line and status 1; a reader that
stops early (``| head``) ends the command quietly with status 141; Ctrl-C with status 130.
Every command takes ``--strict-plugins`` (a broken installed plugin is an error instead of a
warning) and ``--max-input-mb`` (see :mod:`govopen_rules.cli.common`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from functools import cache
from types import ModuleType

from govopen_rules.cli import (
    check_stats,
    cohort,
    compare,
    evaluate,
    new_plugin,
    rubrics,
    schema,
    template,
)
from govopen_rules.cli.common import (
    DEFAULT_INPUT_LIMIT_MB,
    INPUT_LIMIT_ENV,
    RegistryFactory,
    error,
    input_limit,
    positive_mb,
)
from govopen_rules.errors import FactsValidationError, GovOpenRulesError, ValidationError
from govopen_rules.plugins.registry import Registry, default_registry

__all__ = ["COMMANDS", "EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED", "main"]

#: Command name → module, in the order ``--help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "rubrics": rubrics,
    "schema": schema,
    "evaluate": evaluate,
    "cohort": cohort,
    "compare": compare,
    "template": template,
    "new-plugin": new_plugin,
    "check-stats": check_stats,
}

#: 128 + the signal's number, as a shell reports a command ended by SIGPIPE or SIGINT.
EXIT_BROKEN_PIPE = 128 + 13
EXIT_INTERRUPTED = 128 + 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govopen-rules", description="Score 政务公开 work by regional rubrics."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        module.add_parser(sub)
    for command in sub.choices.values():
        _add_common_options(command)
    return parser


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    """Options every command takes, after its name."""
    parser.add_argument(
        "--strict-plugins",
        action="store_true",
        help="fail when an installed plugin is broken (default: skip it with a warning)",
    )
    parser.add_argument(
        "--max-input-mb",
        type=positive_mb,
        default=None,
        metavar="MB",
        help=f"read input files up to MB megabytes (default: ${INPUT_LIMIT_ENV} or "
        f"{DEFAULT_INPUT_LIMIT_MB})",
    )


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 bad input, 2 usage, 130 Ctrl-C, 141 the
    reader of the output went away; SIGTERM exits 143 once what the command started is
    cleaned up).

    ``registry`` chooses the plugins (default: every installed one, skipping a broken plugin
    with a warning on stderr unless ``--strict-plugins``); tests pass their own.
    """
    args = _parser().parse_args(argv)
    try:
        with input_limit(args.max_input_mb), _terminated_as_exit():
            status: int = COMMANDS[args.command].run(args, _registry_factory(args, registry))
        sys.stdout.flush()  # a closed pipe or a full disk shows here, not at interpreter exit
    except ValidationError as exc:
        return error(exc.render(_input_name(args, exc)))
    except GovOpenRulesError as exc:
        return error(str(exc))
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated:
        return EXIT_TERMINATED
    except OSError as exc:  # writing the output failed (a full disk, /dev/full)
        _discard_stdout()
        if exc.filename:
            return error(f"cannot write {exc.filename}: {exc.strerror or exc}")
        return error(f"cannot write the output: {exc.strerror or exc}")
    return status


EXIT_TERMINATED = 128 + 15


class Terminated(BaseException):
    """SIGTERM arrived: a BaseException, so no handler in a command can swallow it."""


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM ends the command as an exception does, so that what it started is cleaned up
    (the cohort's temporary standings, its worker pool, a half-written output's temporary
    file): killed by the signal's default action, a stopped cohort left them behind. A second
    SIGTERM, while that is cleaned up, kills the process at once (a supervisor that asks twice
    once found it hung in the pool's shutdown). Only in the main thread, and the handler before
    is put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _registry_factory(args: argparse.Namespace, given: Registry | None) -> RegistryFactory:
    """The registry a command asks for: the one given, or the installed plugins' (strict with
    ``--strict-plugins``; otherwise each broken plugin skipped is a warning on stderr, once)."""
    if given is not None:
        return lambda: given
    warned = False

    def factory() -> Registry:
        nonlocal warned
        if args.strict_plugins:
            return _strict_registry()
        registry = default_registry()
        if not warned:
            warned = True
            for problem in registry.problems:
                print(
                    f"warning: a broken plugin was skipped (--strict-plugins to fail): {problem}",
                    file=sys.stderr,
                )
        return registry

    return factory


@cache
def _strict_registry() -> Registry:
    return Registry(strict_plugins=True)


def _input_name(args: argparse.Namespace, exc: ValidationError) -> str:
    """The facts file given on the command line, for an error that only says "facts file"."""
    file = getattr(args, "file", None)
    default = isinstance(exc, FactsValidationError) and exc.source == exc.default_source
    return str(file) if file is not None and default else exc.source


def _discard_stdout() -> None:
    """Point stdout at the null device, so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (captured by a test)
        pass
