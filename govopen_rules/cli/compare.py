"""``govopen-rules compare``: one unit's facts under several rubrics, side by side.

Also reached as ``govopen-rules evaluate FILE --region A --region B``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from govopen_rules.cli.common import (
    RegistryFactory,
    add_extra_options,
    add_param_option,
    read_json,
    with_extras,
)
from govopen_rules.conversion import to_json
from govopen_rules.evaluation.compare import compare
from govopen_rules.reports.compare import render_comparison_markdown, render_comparison_text

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("compare", help="score one facts file under several rubrics")
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--region", action="append", required=True, help="a rubric's region (repeat: two or more)"
    )
    parser.add_argument("--year", type=int)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    add_param_option(parser)
    add_extra_options(parser)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    data = read_json(args.file)
    comparison = compare(
        data,
        regions=args.region,
        year=args.year,
        parameters=dict(args.param),
        registry=with_extras(args, registry)(),
    )
    if args.format == "json":
        print(to_json(comparison))
    elif args.format == "markdown":
        print(render_comparison_markdown(comparison), end="")
    else:
        print(render_comparison_text(comparison))
    return 0
