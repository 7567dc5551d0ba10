"""What every command shares: reading JSON input, the ``--param`` option, printing errors.

A command reports bad input by raising a :class:`~govopen_rules.errors.GovOpenRulesError`;
:func:`govopen_rules.cli.main.main` prints it as one ``error:`` line (plus an indented list when
there are several problems) and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govopen_rules.conversion import load_json_document
from govopen_rules.errors import InputError, PluginError, Problem, ValidationError
from govopen_rules.plugins.calendar_file import CalendarFile
from govopen_rules.plugins.extras import RubricFiles, with_plugins
from govopen_rules.plugins.registry import Registry

__all__ = [
    "RegistryFactory",
    "add_extra_options",
    "add_param_option",
    "error",
    "read_json",
    "with_extras",
]

#: Commands ask for the registry only when they need one (``check-stats`` never loads plugins).
RegistryFactory = Callable[[], Registry]


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
                plugins.append(("rubric files", RubricFiles(rubrics)))
            made = with_plugins(registry(), plugins)
            # A file named on the command line must load, even where broken plugins are skipped.
            for problem in made.problems:
                if "'rubric files'" in problem or any(str(p) in problem for p in calendars):
                    raise PluginError(problem)
            built.append(made)
        return built[0]

    return make


def error(message: str) -> int:
    """Print one ``error:`` line on stderr; return the exit status for bad input."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def read_json(path: Path) -> Any:
    """A JSON document with exact decimals (never None).

    Raises :class:`InputError` when the file cannot be read or is not JSON, and
    :class:`ValidationError` when it holds only ``null``; both name the file.
    """
    try:
        data = load_json_document(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: not UTF-8 text") from None
    except ValueError as exc:
        raise InputError(f"cannot read {path}: not valid JSON: {exc}") from None
    if data is None:
        raise ValidationError([Problem("$", "the document is null, not a JSON object")], str(path))
    return data
