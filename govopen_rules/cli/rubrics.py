"""``govopen-rules rubrics``: the installed rubrics and the plugins that provide them."""

from __future__ import annotations

import argparse

from govopen_rules.cli.common import RegistryFactory

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("rubrics", help="list installed rubrics")


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    for rubric in registry().rubrics():
        plugin = registry().plugin_of(rubric.region, rubric.year)
        print(
            f"{rubric.region}\t{rubric.year}\t{rubric.id} v{rubric.version}\t"
            f"{rubric.points}分\t{rubric.title}\t[{plugin}]"
        )
    return 0
