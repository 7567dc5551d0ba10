"""``govopen-rules evaluate``: score one unit's facts (JSON or a workbook) and report it.

With ``--region`` given more than once, the facts are scored under each rubric and shown side
by side (:mod:`govopen_rules.cli.compare`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from govopen_rules.cli import compare
from govopen_rules.cli.common import (
    RegistryFactory,
    add_extra_options,
    add_param_option,
    with_extras,
)
from govopen_rules.cli.inputs import add_output_option, read_units, write_output
from govopen_rules.conversion import to_json
from govopen_rules.engines import ENGINE_NAMES
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.reports.html_page import result_html
from govopen_rules.reports.text import render_text

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("evaluate", help="evaluate one unit's facts file or workbook")
    ev.add_argument("file", type=Path, help="facts JSON, or a facts workbook (.xlsx)")
    ev.add_argument(
        "--region",
        required=True,
        action="append",
        help="the rubric's region; give several to score the facts under each, side by side",
    )
    ev.add_argument("--year", type=int)
    ev.add_argument("--format", choices=("text", "json", "xlsx", "html"), default="text")
    ev.add_argument("--verbose", "-v", action="store_true", help="show every verdict and fact")
    ev.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        help="matching engine (default: durable where it runs, else python)",
    )
    ev.add_argument(
        "--uncovered-kind",
        choices=("error", "not_applicable"),
        default="error",
        help="a unit kind the rubric does not cover: refuse it, or score every rule not applicable",
    )
    add_output_option(ev)
    add_param_option(ev)
    add_extra_options(ev)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    if len(args.region) > 1:
        return compare.run(args, registry)  # several rubrics: side by side
    reg = with_extras(args, registry)()
    given = read_units(args.file, reg.fact_kinds, cohort=False)
    result = evaluate(
        given.units[0],
        region=args.region[0],
        year=args.year,
        parameters=dict(args.param),
        registry=reg,
        engine=args.engine,
        uncovered_kind=args.uncovered_kind,
    )
    rubric = reg.get_rubric(result.region, result.year)
    locations = given.location_of(0)
    if args.format == "json":
        return write_output(args, to_json(result))
    if args.format == "xlsx":
        from govopen_rules.reports.xlsx import result_workbook  # loads openpyxl

        return write_output(args, result_workbook(result, rubric, locations=locations))
    if args.format == "html":
        return write_output(args, result_html(result, rubric, locations=locations))
    return write_output(args, render_text(result, verbose=args.verbose))
