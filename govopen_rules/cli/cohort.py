"""``govopen-rules cohort``: evaluate, rank and tier a cohort of units."""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from govopen_rules.cli.common import (
    RegistryFactory,
    add_param_option,
    error,
    failures_status,
    read_json,
)
from govopen_rules.conversion import to_json
from govopen_rules.evaluation.cohort import evaluate_many
from govopen_rules.reports.cohort import render_cohort_markdown

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    co = sub.add_parser("cohort", help="evaluate, rank and tier a cohort of units")
    co.add_argument("file", type=Path, help='JSON: {"units": [facts files...]} or a list')
    co.add_argument("--region", required=True)
    co.add_argument("--year", type=int, required=True)
    co.add_argument("--format", choices=("markdown", "json"), default="markdown")
    co.add_argument("--processes", type=int, default=0, help="evaluate in N processes")
    add_param_option(co)


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    document = read_json(args.file)
    if document is None:
        return 1
    units = document.get("units") if isinstance(document, dict) else document
    if not isinstance(units, list):
        return error(f'{args.file}: expected {{"units": [...]}} or a list')
    parameters = dict(args.param)
    if args.processes > 0:
        with ProcessPoolExecutor(max_workers=args.processes) as pool:
            cohort = evaluate_many(
                units, region=args.region, year=args.year, parameters=parameters, executor=pool
            )
    else:
        cohort = evaluate_many(
            units, region=args.region, year=args.year, parameters=parameters, registry=registry()
        )
    print(to_json(cohort) if args.format == "json" else render_cohort_markdown(cohort), end="")
    if args.format == "json":
        print()
    return failures_status(args.file, cohort)
