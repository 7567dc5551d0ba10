"""Microseconds to serialise one result, for every plugin example that evaluates.

A cohort worker writes each result as soon as it is evaluated (``to_json(result,
indent=None)``, ``evaluation/running.py``), so this does the same: it evaluates a fresh result
(the example's units in turn, as often as ``--results`` asks), then times ``unstructure`` and
compact ``to_json`` on it while it is still in the processor's caches. Writing one result object
again and again would measure something else: an object met before is written from memory
(``serialising.CompactJson``). Run from the repository root:

    python benchmarks/bench_serialise.py [--results 400] [--engine python]

It prints the median time of each per example. Run it on an idle machine: other processes on
its 2 cores change every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from govopen_rules import Registry, evaluate, to_json
from govopen_rules.conversion import unstructure

ROOT = Path(__file__).resolve().parent.parent


def examples() -> list[tuple[str, str, int | None, list[Any]]]:
    """(name, region, year, units) of every plugin example that is a facts file or a cohort."""
    found: list[tuple[str, str, int | None, list[Any]]] = []
    for path in sorted(ROOT.glob("plugins/*/examples/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        if "facts" in data:
            found.append((path.name, path.parent.parent.name, data.get("year"), [data]))
        elif "units" in data:
            units = [
                {k: u[k] for k in ("unit", "year", "facts", "as_of") if k in u}
                for u in data["units"]
            ]
            found.append((path.name, data["region"], data["year"], units))
    return found


def measure(
    registry: Registry,
    region: str,
    year: int | None,
    units: list[Any],
    results: int,
    engine: str | None,
) -> tuple[float, float]:
    """Median µs of ``unstructure`` and of compact ``to_json``, each on a fresh result."""
    plain: list[int] = []
    compact: list[int] = []
    for i in range(results):
        result = evaluate(
            units[i % len(units)], region=region, year=year, registry=registry, engine=engine
        )
        start = time.perf_counter_ns()
        unstructure(result)
        plain.append(time.perf_counter_ns() - start)
        result = evaluate(
            units[i % len(units)], region=region, year=year, registry=registry, engine=engine
        )
        start = time.perf_counter_ns()
        to_json(result, indent=None)
        compact.append(time.perf_counter_ns() - start)
    return statistics.median(plain) / 1000, statistics.median(compact) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=400, help="results timed per example")
    parser.add_argument("--engine", choices=("durable", "python"), default=None)
    args = parser.parse_args()
    registry = Registry()
    print(f"{'example':44} {'units':>5} {'unstructure µs':>15} {'to_json µs':>11}")
    for name, region, year, units in examples():
        plain, compact = measure(registry, region, year, units, args.results, args.engine)
        print(f"{name:44} {len(units):5} {plain:15.1f} {compact:11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
