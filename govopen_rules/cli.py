"""The ``govopen-rules`` command: list rubrics, print the facts schema, evaluate a facts file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from govopen_rules.api import evaluate
from govopen_rules.convert import load_json_document, to_json
from govopen_rules.errors import GovOpenRulesError
from govopen_rules.plugins import default_registry
from govopen_rules.render import render_text
from govopen_rules.schema import facts_json_schema

__all__ = ["main"]


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


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
    ev.add_argument(
        "--param",
        type=_parameter,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a rubric parameter (repeatable)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 bad input, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        registry = default_registry()
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
        try:
            data = load_json_document(args.file.read_bytes())
        except (OSError, ValueError) as exc:
            print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
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
