"""``govopen-rules template``: the workbook a clerk fills in for a rubric, optionally with facts.

``--from FILE`` writes a facts JSON file (one unit) or a cohort file (``{"units": [...]}``) into
the template, so a collection started in JSON continues in Excel and reads back equal.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from govopen_rules.cli.common import RegistryFactory, error, read_json
from govopen_rules.cli.inputs import save_workbook
from govopen_rules.cli.progress import progress
from govopen_rules.errors import FactsValidationError, Problem
from govopen_rules.facts.convert import structure_facts_file
from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.model import FactsFile

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tp = sub.add_parser("template", help="write the facts workbook a clerk fills in for a rubric")
    tp.add_argument("--region", required=True)
    tp.add_argument("--year", type=int, required=True)
    tp.add_argument("-o", "--output", type=Path, required=True, help="the workbook to write")
    tp.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help='facts to fill in: a facts JSON file, or a cohort {"units": [...]}',
    )


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    reg = registry()
    compiled = reg.runnable(args.region, args.year).compiled
    units: list[FactsFile] = []
    cohort = False
    if args.source is not None:
        document = read_json(args.source)
        cohort = isinstance(document, list) or (isinstance(document, dict) and "units" in document)
        raw = (
            (document["units"] if isinstance(document, dict) else document)
            if cohort
            else [document]
        )
        if not isinstance(raw, list):
            return error(f'{args.source}: "units" is not a list')
        units = _structured(raw, reg.fact_kinds, args.source, cohort)
    try:
        from govopen_rules.reports.template import template_workbook  # loads openpyxl

        book = template_workbook(
            compiled,
            reg.fact_kinds,
            units=progress(units, len(units), "写入 writing"),
            cohort=cohort,
            year=args.year,
        )
        save_workbook(book, args.output)
    except ValueError as exc:
        return error(f"cannot write {args.output}: {exc}")
    except OSError as exc:
        return error(f"cannot write {args.output}: {exc}")
    print(f"wrote {args.output}: {len(units)} unit(s); sheets: {', '.join(book.sheetnames)}")
    return 0


def _structured(
    raw: list[object], kinds: Mapping[str, FactKind], source: Path, cohort: bool
) -> list[FactsFile]:
    """Every unit typed, or one error listing every problem of every unit."""
    out: list[FactsFile] = []
    problems: list[Problem] = []
    for index, data in enumerate(raw):
        if cohort and isinstance(data, dict):  # a published tier is not a fact: not written
            data = {k: v for k, v in data.items() if k != "published"}
        try:
            out.append(structure_facts_file(data, kinds))
        except FactsValidationError as exc:
            where = f"units[{index}]." if cohort else ""
            problems += [Problem(f"{where}{p.path}", p.problem) for p in exc.problems]
    if problems:
        raise FactsValidationError(problems, str(source))
    return out
