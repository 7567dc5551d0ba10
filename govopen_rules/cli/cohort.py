"""``govopen-rules cohort``: evaluate, rank and tier a cohort of units.

Input: a JSON cohort file or a workbook (read whole), or — for large cohorts — a JSON Lines file
(one facts file per line) or a folder of facts JSON files, streamed: each unit is read when it
is due and parsed where it is evaluated, and with ``--results FILE`` every result is written to
a JSON Lines file as it arrives instead of being kept, so memory stays flat in the number of
units. The exit status is 1 when any unit could not be evaluated (each is listed on stderr).
``--placements FILE`` streams the ranking too: every placement is written to a JSON Lines file
(its group, then the placement's fields) as it is decided, while the ranking itself waits in a
temporary file rather than in memory; the report keeps each group's counts, shares and warnings.

``--calendar FILE`` (repeatable) gives a year's official holiday arrangement, as for
``evaluate``: the files are read before any unit, and their years are sent to every worker.
``--rubric FILE`` (repeatable) uses a rubric file besides the installed ones (a year's rubric
that ``extends`` an installed one): with ``--processes``, every worker reads it by its path.
"""

from __future__ import annotations

import argparse
import unicodedata
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from govopen_rules.cli.cohort_input import is_json_lines, line_numbers, streamed_units
from govopen_rules.cli.common import (
    RegistryFactory,
    add_extra_options,
    add_param_option,
    error,
    process_count,
    worker_pool,
)
from govopen_rules.cli.inputs import add_output_option, read_units, write_output
from govopen_rules.cli.progress import bar
from govopen_rules.cli.streamed_output import drop_results_of, streamed_file
from govopen_rules.conversion import to_json, unstructure
from govopen_rules.engines import ENGINE_NAMES
from govopen_rules.errors import InputError
from govopen_rules.evaluation.cohort import CohortResult, Placement, evaluate_many
from govopen_rules.plugins.calendar_file import calendar_years
from govopen_rules.plugins.extras import with_additions
from govopen_rules.reports.cohort import render_cohort_markdown
from govopen_rules.reports.formatting import one_line
from govopen_rules.reports.html_page import cohort_html

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    co = sub.add_parser("cohort", help="evaluate, rank and tier a cohort of units")
    co.add_argument(
        "file", type=Path, help='JSON {"units": [facts files...]} or a list, or a workbook (.xlsx)'
    )
    co.add_argument("--region", required=True)
    co.add_argument("--year", type=int, required=True)
    co.add_argument("--format", choices=("markdown", "json", "xlsx", "html"), default="markdown")
    co.add_argument(
        "--processes", type=process_count, default=0, help="evaluate in N processes"
    )
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
    co.add_argument(
        "--placements",
        type=Path,
        metavar="FILE.jsonl",
        help="stream every placement (group, rank, tier, range…) to this JSON Lines file, group "
        "by group in ranking order, instead of keeping them: the ranking waits in a temporary "
        "file, so with --results as well memory stays flat however many units",
    )
    add_output_option(co)
    add_param_option(co)
    add_extra_options(co)


def _one_file_each(args: argparse.Namespace) -> None:
    """--results, --placements and -o name different files, none of them the input: given the
    same file twice, each overwrote the other and the command said all was well."""
    named = {"the cohort file": args.file}
    for option, path in (("--results", args.results), ("--placements", args.placements),
                         ("-o", args.output)):  # fmt: skip
        if path is None:
            continue
        for other, taken in named.items():
            if _same_file(path, taken):
                raise InputError(f"{option} {path} is also {other}: give each its own file")
        named[option] = path


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (a device such as /dev/null may take several outputs;
    a path that cannot be resolved is left for the writing to report)."""
    try:
        same = a.resolve() == b.resolve()
        return same and not (a.exists() and not a.is_file())
    except (OSError, RuntimeError, ValueError):  # a NUL byte, a symlink loop (3.11)
        return False


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    _one_file_each(args)
    # Rubric files here (a file that does not load stops the command); calendar files are read
    # by evaluate_many, which sends their years to the workers.
    reg = with_additions(registry(), rubric_files=args.rubric)
    parameters = dict(args.param)
    calendar = calendar_years(args.calendar)  # read once here; the years travel to the workers
    runnable = reg.runnable(args.region, args.year, parameters, args.engine)  # unknown: fail first
    streaming = args.file.is_dir() or is_json_lines(args.file)
    units: Any
    if streaming:
        units, total = streamed_units(args.file)
    else:
        given = read_units(args.file, reg.fact_kinds, cohort=True)
        units, total = given.units, len(given.units)
    with ExitStack() as files:
        sink = (
            files.enter_context(streamed_file(args.results, binary=True)) if args.results else None
        )
        ranking = (
            files.enter_context(streamed_file(args.placements, binary=False))
            if args.placements
            else None
        )
        with bar(total, "评估 evaluating") as advance:

            def write(line: bytes) -> None:
                assert sink is not None
                sink.write(line)
                sink.write(b"\n")
                advance()

            def place(group: str, placement: Placement) -> None:
                assert ranking is not None
                ranking.write(placement_line(group, placement) + "\n")

            options: dict[str, Any] = {
                "region": args.region,
                "year": args.year,
                "parameters": parameters,
                "engine": args.engine,
                "uncovered_kind": args.uncovered_kind,
                "calendar": calendar,
                **(
                    {"on_json_bytes": write, "keep_results": False}
                    if sink is not None
                    else {"on_result": advance}
                ),
                **(
                    {"on_placement": place, "keep_placements": False} if ranking is not None else {}
                ),
            }
            if args.processes > 0:
                with worker_pool(args.processes) as pool:
                    # The workers add the rubric files themselves (this registry has them).
                    rubric_files = [path.resolve() for path in args.rubric]
                    cohort = evaluate_many(
                        units, executor=pool, rubric_files=rubric_files, **options
                    )
            else:
                cohort = evaluate_many(units, registry=reg, **options)
        if sink is not None:  # a unit another unit's id took out: its result goes too
            drop_results_of(sink, _duplicated_ids(cohort))
    status = _report_failures(args.file, cohort)
    rubric = reg.get_rubric(args.region, args.year)
    if args.format == "json":
        return write_output(args, to_json(cohort)) or status
    if args.format == "xlsx":
        from govopen_rules.reports.xlsx import cohort_workbook  # loads openpyxl

        return write_output(args, cohort_workbook(cohort)) or status
    if args.format == "html":
        return write_output(args, cohort_html(cohort, runnable.compiled.grading, rubric)) or status
    written = write_output(args, render_cohort_markdown(cohort))
    return written or status


def _duplicated_ids(cohort: CohortResult) -> set[str]:
    """The ids that several units of the cohort gave (none of them is placed)."""
    return {
        unicodedata.normalize("NFC", failure.unit_id)  # as the ids were compared
        for failure in cohort.failures
        if failure.same_id_as and failure.unit_id is not None
    }


def placement_line(group: str, placement: Placement) -> str:
    """One line of ``--placements``: the placement's fields after its group's name."""
    return to_json({"group": group, **unstructure(placement)}, indent=None)


#: Failures listed on stderr; the rest are in the report.
MAX_FAILURES_LISTED = 20


def _report_failures(path: Path, cohort: CohortResult) -> int:
    """0 when every unit was evaluated; else 1 after one ``error:`` line naming the file and how
    many units failed, with the first failures listed under it."""
    if not cohort.failures:
        return 0
    count = len(cohort.failures)
    lines = [f"{count} unit{'s' if count > 1 else ''} in {path} could not be evaluated:"]
    listed = cohort.failures[:MAX_FAILURES_LISTED]
    at_line = line_numbers(path, {f.index for f in listed}) if is_json_lines(path) else {}
    for failure in listed:
        named = f" ({one_line(failure.unit_id)})" if failure.unit_id else ""
        who = f"units[{failure.index}]{named}"
        if failure.index in at_line:
            who += f" at line {at_line[failure.index]}"
        first = one_line(failure.errors[0]) if failure.errors else "failed"
        more = f" (and {len(failure.errors) - 1} more problems)" if len(failure.errors) > 1 else ""
        lines.append(f"  - {who}: {first}"[:500] + more)
    hidden = count - MAX_FAILURES_LISTED
    if hidden > 0:
        lines.append(f"  - ... and {hidden} more (see the report)")
    return error("\n".join(lines))
