"""``govopen-rules schema``: the JSON Schema of a facts file (generated from the fact kinds) or,
with ``--rubric``, of a rubric file (for editors with a YAML language server)."""

from __future__ import annotations

import argparse
import json

from govopen_rules.cli.common import RegistryFactory
from govopen_rules.facts.schema import facts_json_schema
from govopen_rules.rubric.schema import rubric_json_schema

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("schema", help="print the JSON Schema of a facts file or a rubric")
    parser.add_argument(
        "--rubric",
        action="store_true",
        help="the schema of a rubric file instead (fact kinds of the installed plugins listed)",
    )


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    kinds = registry().fact_kinds
    schema = rubric_json_schema(kinds) if args.rubric else facts_json_schema(kinds)
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0
