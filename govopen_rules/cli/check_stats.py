"""``govopen-rules check-stats``: check an annual report's printed statistics."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

from govopen_rules.annual_reports.report import AnnualReport, check_report
from govopen_rules.cli.common import RegistryFactory, error, inside, read_json, tolerance
from govopen_rules.conversion import structure_as, unstructure
from govopen_rules.reports.findings import render_findings

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    st = sub.add_parser("check-stats", help="check an annual report's printed statistics")
    st.add_argument("file", type=Path, help="annual report JSON (see docs/concepts.md)")
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.add_argument(
        "--tolerance",
        type=tolerance,
        default=Decimal(0),
        help="percentage points a printed share may differ without a finding",
    )


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    report = _load_report(args.file)
    if report is None:
        return 1
    previous = None
    if report.previous_year_file:
        earlier = args.file.parent / report.previous_year_file
        if not inside(args.file.parent, earlier):
            return error(
                f"{args.file}: previous_year_file {report.previous_year_file!r} is not in the "
                "report's folder; give a file name next to the report"
            )
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
    data = read_json(path)
    if data is None:
        return None
    report, problems = structure_as(data, AnnualReport, "$")
    if problems:
        print(f"error: {len(problems)} problem(s) in {path}:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return None
    return report
