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
from govopen_rules.errors import InputError, Problem, ValidationError
from govopen_rules.plugins.registry import Registry

__all__ = ["RegistryFactory", "add_param_option", "error", "read_json"]

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
