"""The ``govopen-rules`` command: build the parser from the command modules and dispatch.

Each command is one module with ``add_parser(sub)`` and ``run(args, registry) -> int``; add a
command by writing such a module and listing it in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from types import ModuleType

from govopen_rules.cli import check_stats, cohort, evaluate, new_plugin, rubrics, schema, template
from govopen_rules.cli.common import error
from govopen_rules.errors import GovOpenRulesError
from govopen_rules.plugins.registry import Registry, default_registry

__all__ = ["COMMANDS", "main"]

#: Command name → module, in the order ``--help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "rubrics": rubrics,
    "schema": schema,
    "evaluate": evaluate,
    "cohort": cohort,
    "template": template,
    "new-plugin": new_plugin,
    "check-stats": check_stats,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govopen-rules", description="Score 政务公开 work by regional rubrics."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 bad input, 2 usage).

    ``registry`` chooses the plugins (default: every installed one); tests pass their own.
    """
    args = _parser().parse_args(argv)
    try:
        status: int = COMMANDS[args.command].run(
            args, (lambda: registry) if registry is not None else default_registry
        )
    except GovOpenRulesError as exc:
        return error(str(exc))
    return status
