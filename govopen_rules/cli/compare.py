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
    with_extras,
)
from govopen_rules.cli.inputs import add_output_option, read_units, write_output
from govopen_rules.conversion import to_json
from govopen_rules.engines import ENGINE_NAMES
from govopen_rules.evaluation.compare import compare
from govopen_rules.reports.compare import (
    comparison_html,
    comparison_workbook,
    render_comparison_markdown,
    render_comparison_text,
)

__all__ = ["add_parser", "run"]

FORMATS = ("text", "json", "markdown", "xlsx", "html")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("compare", help="score one facts file under several rubrics")
    parser.add_argument("file", type=Path, help="facts JSON, or a facts workbook (.xlsx)")
    parser.add_argument(
        "--region", action="append", required=True, help="a rubric's region (repeat: two or more)"
    )
    parser.add_argument("--year", type=int)
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--engine", choices=ENGINE_NAMES, help="matching engine")
    parser.add_argument(
        "--uncovered-kind",
        choices=("error", "not_applicable"),
        default="error",
        help="a unit kind a rubric does not cover: refuse it, or score its rules not applicable",
    )
    add_output_option(parser)
    add_param_option(parser)
    add_extra_options(parser)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    reg = with_extras(args, registry)()
    given = read_units(args.file, reg.fact_kinds, cohort=False)
    comparison = compare(
        given.units[0],
        regions=args.region,
        year=args.year,
        parameters=dict(args.param),
        registry=reg,
        engine=args.engine,
        uncovered_kind=args.uncovered_kind,
    )
    if args.format == "json":
        return write_output(args, to_json(comparison))
    if args.format == "markdown":
        return write_output(args, render_comparison_markdown(comparison))
    if args.format == "html":
        return write_output(args, comparison_html(comparison))
    if args.format == "xlsx":
        return write_output(args, comparison_workbook(comparison))
    return write_output(args, render_comparison_text(comparison))
