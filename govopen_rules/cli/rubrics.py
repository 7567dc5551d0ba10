"""``govopen-rules rubrics``: the installed rubrics, what changed between two, the rule libraries.

``--diff xuanwei:2020 xuanwei:2021`` prints what the second changes in the first (a rubric that
``extends`` another, or any two); ``--libraries`` lists the rules rubrics can ``include``.
"""

from __future__ import annotations

import argparse
import re

from govopen_rules.cli.common import RegistryFactory, add_extra_options, with_extras
from govopen_rules.errors import InputError
from govopen_rules.plugins.registry import Registry
from govopen_rules.reports.formatting import printable
from govopen_rules.rubric.diff import diff_rubrics, render_diff
from govopen_rules.rubric.model import Rubric

__all__ = ["add_parser", "run"]

_REFERENCE = re.compile(r"([a-z][a-z0-9_]*):(\d{4})")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("rubrics", help="list installed rubrics (or diff two, or libraries)")
    parser.add_argument(
        "--diff",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="print what changed from OLD to NEW, each written region:year (xuanwei:2020)",
    )
    parser.add_argument(
        "--libraries", action="store_true", help="list the rule libraries and their rules"
    )
    add_extra_options(parser)


def _rubric(registry: Registry, reference: str) -> Rubric:
    found = _REFERENCE.fullmatch(reference)
    if found is None:
        raise InputError(f"--diff: {reference!r} is not region:year, e.g. xuanwei:2020")
    return registry.get_rubric(found.group(1), int(found.group(2)))


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    reg = with_extras(args, registry)()
    if args.diff:
        old, new = (_rubric(reg, reference) for reference in args.diff)
        print(printable(render_diff(old, new, diff_rubrics(old, new))))
        return 0
    if args.libraries:
        for library in reg.rule_libraries.values():
            print(printable(f"{library.name} v{library.version}\t{library.title}"))
            for rule_id, rule in library.rules.items():
                points = "" if "deduct" in rule else "\t(points: the including rubric's)"
                print(printable(f"  {rule_id}\t{rule.get('title', '')}{points}"))
        return 0
    for rubric in reg.rubrics():
        plugin = reg.plugin_of(rubric.region, rubric.year)
        extends = f"\textends {rubric.extends}" if rubric.extends else ""
        line = (
            f"{rubric.region}\t{rubric.year}\t{rubric.id} v{rubric.version}\t"
            f"{rubric.points}分\t{rubric.title}\t[{plugin}]{extends}"
        )
        print(printable(line))
    return 0
