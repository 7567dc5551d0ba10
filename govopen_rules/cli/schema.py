"""``govopen-rules schema``: the JSON Schema of a facts file, generated from the fact kinds."""

from __future__ import annotations

import argparse
import json

from govopen_rules.cli.common import RegistryFactory
from govopen_rules.facts.schema import facts_json_schema

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("schema", help="print the JSON Schema of a facts file")


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    print(json.dumps(facts_json_schema(registry().fact_kinds), ensure_ascii=False, indent=2))
    return 0
