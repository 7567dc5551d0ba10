"""``govopen-rules evaluate``: score one unit's facts file and print the breakdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from govopen_rules.cli.common import RegistryFactory, add_param_option, read_json
from govopen_rules.conversion import to_json
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.reports.text import render_text

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("evaluate", help="evaluate one unit's facts file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--region", required=True)
    ev.add_argument("--year", type=int)
    ev.add_argument("--format", choices=("text", "json"), default="text")
    ev.add_argument("--verbose", "-v", action="store_true", help="show every verdict and fact")
    ev.add_argument(
        "--uncovered-kind",
        choices=("error", "not_applicable"),
        default="error",
        help="a unit kind the rubric does not cover: refuse it, or score every rule not applicable",
    )
    add_param_option(ev)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    data = read_json(args.file)
    if data is None:
        return 1
    result = evaluate(
        data,
        region=args.region,
        year=args.year,
        parameters=dict(args.param),
        registry=registry(),
        uncovered_kind=args.uncovered_kind,
    )
    if args.format == "json":
        print(to_json(result))
    else:
        print(render_text(result, verbose=args.verbose))
    return 0
