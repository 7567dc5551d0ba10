"""``govopen-rules cohort``: evaluate, rank and tier a cohort of units (JSON or a workbook)."""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from govopen_rules.cli.common import RegistryFactory, add_param_option
from govopen_rules.cli.inputs import add_output_option, read_units, write_output
from govopen_rules.cli.progress import bar
from govopen_rules.conversion import to_json
from govopen_rules.evaluation.cohort import evaluate_many
from govopen_rules.reports.cohort import render_cohort_markdown
from govopen_rules.reports.html_page import cohort_html
from govopen_rules.reports.xlsx import cohort_workbook

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    co = sub.add_parser("cohort", help="evaluate, rank and tier a cohort of units")
    co.add_argument(
        "file", type=Path, help='JSON {"units": [facts files...]} or a list, or a workbook (.xlsx)'
    )
    co.add_argument("--region", required=True)
    co.add_argument("--year", type=int, required=True)
    co.add_argument("--format", choices=("markdown", "json", "xlsx", "html"), default="markdown")
    co.add_argument("--processes", type=int, default=0, help="evaluate in N processes")
    add_output_option(co)
    add_param_option(co)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    reg = registry()
    given = read_units(args.file, reg.fact_kinds, cohort=True)
    parameters = dict(args.param)
    runnable = reg.runnable(args.region, args.year, parameters)  # an unknown rubric fails first
    units = given.units
    with bar(len(units), "评估 evaluating") as advance:
        if args.processes > 0:
            with ProcessPoolExecutor(max_workers=args.processes) as pool:
                cohort = evaluate_many(
                    units,
                    region=args.region,
                    year=args.year,
                    parameters=parameters,
                    executor=pool,
                    on_result=advance,
                )
        else:
            cohort = evaluate_many(
                units,
                region=args.region,
                year=args.year,
                parameters=parameters,
                registry=reg,
                on_result=advance,
            )
    rubric = reg.get_rubric(args.region, args.year)
    if args.format == "json":
        return write_output(args, to_json(cohort))
    if args.format == "xlsx":
        return write_output(args, cohort_workbook(cohort))
    if args.format == "html":
        return write_output(args, cohort_html(cohort, runnable.compiled.grading, rubric))
    return write_output(args, render_cohort_markdown(cohort))
