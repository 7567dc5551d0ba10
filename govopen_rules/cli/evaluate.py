"""``govopen-rules evaluate``: score one unit's facts file and print the breakdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from govopen_rules.cli import compare
from govopen_rules.cli.common import (
    RegistryFactory,
    add_extra_options,
    add_param_option,
    read_json,
    with_extras,
)
from govopen_rules.conversion import to_json
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.reports.text import render_text

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("evaluate", help="evaluate one unit's facts file")
    ev.add_argument("file", type=Path)
    ev.add_argument(
        "--region",
        required=True,
        action="append",
        help="the rubric's region; give several to compare them side by side",
    )
    ev.add_argument("--year", type=int)
    ev.add_argument("--format", choices=("text", "json"), default="text")
    ev.add_argument("--verbose", "-v", action="store_true", help="show every verdict and fact")
    add_param_option(ev)
    add_extra_options(ev)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    if len(args.region) > 1:
        return compare.run(args, registry)  # several rubrics: side by side
    registry = with_extras(args, registry)
    data = read_json(args.file)
    if data is None:
        return 1
    result = evaluate(
        data,
        region=args.region[0],
        year=args.year,
        parameters=dict(args.param),
        registry=registry(),
    )
    if args.format == "json":
        print(to_json(result))
    else:
        print(render_text(result, verbose=args.verbose))
    return 0
