"""``govopen-rules cohort``: evaluate, rank and tier a cohort of units.

Input: a JSON cohort file or a workbook (read whole), or — for large cohorts — a JSON Lines file
(one facts file per line) or a folder of facts JSON files, streamed: each unit is read when it
is due and parsed where it is evaluated, and with ``--results FILE`` every result is written to
a JSON Lines file as it arrives instead of being kept, so memory stays flat in the number of
units. The exit status is 1 when any unit could not be evaluated (each is listed on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from govopen_rules.cli.common import RegistryFactory, add_param_option
from govopen_rules.cli.inputs import add_output_option, read_units, write_output
from govopen_rules.cli.progress import bar
from govopen_rules.conversion import to_json
from govopen_rules.engines import ENGINE_NAMES
from govopen_rules.errors import InputError
from govopen_rules.evaluation.cohort import CohortResult, evaluate_many
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
    co.add_argument(
        "--uncovered-kind",
        choices=("error", "not_applicable"),
        default="error",
        help="a unit kind the rubric does not cover: a failure, or every rule not applicable",
    )
    co.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        help="matching engine (default: durable where it runs, else python)",
    )
    co.add_argument(
        "--results",
        type=Path,
        metavar="FILE.jsonl",
        help="stream every unit's result to this JSON Lines file instead of keeping it",
    )
    add_output_option(co)
    add_param_option(co)


def _streamed(path: Path) -> tuple[Iterator[str], int]:
    """The units of a JSON Lines file or a folder of JSON files, as text, and how many."""
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise InputError(f"{path}: no .json facts files in this folder")
        return (f.read_text(encoding="utf-8") for f in files), len(files)
    try:
        with path.open("rb") as counting:
            total = sum(1 for line in counting if line.strip())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None

    def lines() -> Iterator[str]:
        with path.open(encoding="utf-8", errors="replace") as text:
            for line in text:
                if line.strip():
                    yield line

    return lines(), total


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    reg = registry()
    parameters = dict(args.param)
    runnable = reg.runnable(args.region, args.year, parameters, args.engine)  # unknown: fail first
    streaming = args.file.is_dir() or args.file.suffix.lower() in (".jsonl", ".ndjson")
    units: Any
    if streaming:
        units, total = _streamed(args.file)
    else:
        given = read_units(args.file, reg.fact_kinds, cohort=True)
        units, total = given.units, len(given.units)
    sink = args.results.open("w", encoding="utf-8") if args.results else None
    try:
        with bar(total, "评估 evaluating") as advance:

            def write(line: str) -> None:
                assert sink is not None
                sink.write(line + "\n")
                advance()

            options: dict[str, Any] = {
                "region": args.region,
                "year": args.year,
                "parameters": parameters,
                "engine": args.engine,
                "uncovered_kind": args.uncovered_kind,
                **(
                    {"on_json": write, "keep_results": False}
                    if sink is not None
                    else {"on_result": advance}
                ),
            }
            if args.processes > 0:
                with ProcessPoolExecutor(max_workers=args.processes) as pool:
                    cohort = evaluate_many(units, executor=pool, **options)
            else:
                cohort = evaluate_many(units, registry=reg, **options)
    finally:
        if sink is not None:
            sink.close()
    status = _report_failures(cohort)
    rubric = reg.get_rubric(args.region, args.year)
    if args.format == "json":
        return write_output(args, to_json(cohort)) or status
    if args.format == "xlsx":
        return write_output(args, cohort_workbook(cohort)) or status
    if args.format == "html":
        return write_output(args, cohort_html(cohort, runnable.compiled.grading, rubric)) or status
    written = write_output(args, render_cohort_markdown(cohort))
    return written or status


def _report_failures(cohort: CohortResult) -> int:
    """List the units that could not be evaluated on stderr; 1 if there are any."""
    for failure in cohort.failures:
        who = failure.unit_id or f"units[{failure.index}]"
        print(f"error: {who}: {'; '.join(failure.errors)[:300]}", file=sys.stderr)
    if cohort.failures:
        print(f"error: {len(cohort.failures)} unit(s) not evaluated", file=sys.stderr)
    return 1 if cohort.failures else 0
