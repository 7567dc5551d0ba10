"""The ``govopen-rules`` command: list rubrics, print the facts schema, evaluate a facts file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from govopen_rules.annual_reports.report import AnnualReport, check_report
from govopen_rules.cli.scaffold import new_plugin
from govopen_rules.conversion import load_json_document, structure_as, to_json, unstructure
from govopen_rules.errors import GovOpenRulesError
from govopen_rules.evaluation.cohort import evaluate_many
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.facts.schema import facts_json_schema
from govopen_rules.plugins.registry import Registry, default_registry
from govopen_rules.reports.cohort import render_cohort_markdown
from govopen_rules.reports.findings import render_findings
from govopen_rules.reports.text import render_text

__all__ = ["main"]


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _add_param_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param",
        type=_parameter,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a rubric parameter (repeatable)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govopen-rules", description="Score 政务公开 work by regional rubrics."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("rubrics", help="list installed rubrics")
    sub.add_parser("schema", help="print the JSON Schema of a facts file")
    ev = sub.add_parser("evaluate", help="evaluate one unit's facts file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--region", required=True)
    ev.add_argument("--year", type=int)
    ev.add_argument("--format", choices=("text", "json"), default="text")
    ev.add_argument("--verbose", "-v", action="store_true", help="show every verdict and fact")
    _add_param_option(ev)
    co = sub.add_parser("cohort", help="evaluate, rank and tier a cohort of units")
    co.add_argument("file", type=Path, help='JSON: {"units": [facts files...]} or a list')
    co.add_argument("--region", required=True)
    co.add_argument("--year", type=int, required=True)
    co.add_argument("--format", choices=("markdown", "json"), default="markdown")
    co.add_argument("--processes", type=int, default=0, help="evaluate in N processes")
    _add_param_option(co)
    np_ = sub.add_parser("new-plugin", help="write a working regional plugin to start from")
    np_.add_argument("region", help="lower-case ASCII name, e.g. qujing")
    np_.add_argument("--year", type=int, required=True, help="the assessment year")
    np_.add_argument("--dir", type=Path, default=Path("plugins"), help="parent directory")
    st = sub.add_parser("check-stats", help="check an annual report's printed statistics")
    st.add_argument("file", type=Path, help="annual report JSON (see docs/concepts.md)")
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.add_argument(
        "--tolerance",
        type=Decimal,
        default=Decimal(0),
        help="percentage points a printed share may differ without a finding",
    )
    return parser


def _new_plugin(args: argparse.Namespace) -> int:
    try:
        target = new_plugin(args.region, args.year, args.dir)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {target}: pip install -e {target} && pytest {target}/tests")
    return 0


def _check_stats(args: argparse.Namespace) -> int:
    report = _load_report(args.file)
    if report is None:
        return 1
    previous = None
    if report.previous_year_file:
        earlier = args.file.parent / report.previous_year_file
        if earlier.exists():
            previous = _load_report(earlier)
        else:
            print(f"note: {earlier} not found; cross-year checks skipped", file=sys.stderr)
    findings = check_report(report, previous, tolerance=args.tolerance)
    if args.format == "json":
        payload = {
            "unit": report.unit,
            "year": report.year,
            "id": report.id,
            "findings": unstructure(findings),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_findings(report, findings))
    return 0


def _load_report(path: Path) -> AnnualReport | None:
    data = _read_json(path)
    if data is None:
        return None
    report, problems = structure_as(data, AnnualReport, "$")
    if problems:
        print(f"error: {len(problems)} problem(s) in {path}:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return None
    return report


def _cohort(args: argparse.Namespace, registry: Registry) -> int:
    document = _read_json(args.file)
    if document is None:
        return 1
    units = document.get("units") if isinstance(document, dict) else document
    if not isinstance(units, list):
        print(f'error: {args.file}: expected {{"units": [...]}} or a list', file=sys.stderr)
        return 1
    parameters = dict(args.param)
    if args.processes > 0:
        with ProcessPoolExecutor(max_workers=args.processes) as pool:
            cohort = evaluate_many(
                units, region=args.region, year=args.year, parameters=parameters, executor=pool
            )
    else:
        cohort = evaluate_many(
            units, region=args.region, year=args.year, parameters=parameters, registry=registry
        )
    print(to_json(cohort) if args.format == "json" else render_cohort_markdown(cohort), end="")
    if args.format == "json":
        print()
    return 0


def _read_json(path: Path) -> Any:
    try:
        return load_json_document(path.read_bytes())
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 bad input, 2 usage).

    ``registry`` chooses the plugins (default: every installed one); tests pass their own.
    """
    args = _parser().parse_args(argv)
    try:
        registry = registry or default_registry()
        if args.command == "rubrics":
            for rubric in registry.rubrics():
                plugin = registry.plugin_of(rubric.region, rubric.year)
                print(
                    f"{rubric.region}\t{rubric.year}\t{rubric.id} v{rubric.version}\t"
                    f"{rubric.points}分\t{rubric.title}\t[{plugin}]"
                )
            return 0
        if args.command == "schema":
            print(json.dumps(facts_json_schema(registry.fact_kinds), ensure_ascii=False, indent=2))
            return 0
        if args.command == "cohort":
            return _cohort(args, registry)
        if args.command == "check-stats":
            return _check_stats(args)
        if args.command == "new-plugin":
            return _new_plugin(args)
        data = _read_json(args.file)
        if data is None:
            return 1
        result = evaluate(
            data, region=args.region, year=args.year, parameters=dict(args.param), registry=registry
        )
    except GovOpenRulesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(to_json(result))
    else:
        print(render_text(result, verbose=args.verbose))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
