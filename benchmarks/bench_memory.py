"""Resident memory while one registry evaluates under thousands of distinct parameter sets.

Each distinct ``parameters=`` mapping compiles its own rubric and engine (about 0.7 MB with
durable-rules); the registry keeps at most ``COMPILED_CACHE_SIZE`` of them, so memory must stay
flat however many sets a caller tries. Run from the repository root:

    python benchmarks/bench_memory.py [--sets 5000] [--engine durable|python]

It evaluates the Xuanwei example once per set and prints RSS every 500 sets, and exits non-zero
if the last reading exceeds ``--bound`` MiB (default 200: the documented bound).
"""

from __future__ import annotations

import argparse
import json
import resource
from decimal import Decimal
from pathlib import Path

from govopen_rules import Registry, evaluate

EXAMPLE = Path(__file__).parent.parent / "plugins/xuanwei/examples/xuanwei-2020.json"


def rss_mib() -> int:
    """Resident set size now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // (1 << 20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=5000)
    parser.add_argument("--engine", choices=("durable", "python"), default=None)
    parser.add_argument("--bound", type=int, default=200, help="MiB the last reading may reach")
    args = parser.parse_args()
    registry = Registry(engine=args.engine)
    facts = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    readings = []
    for i in range(args.sets):
        # Distinct exact values 0.1, 0.100001, ...: two defects never cost less than one (0.1).
        value = Decimal("0.1") + Decimal(i) / Decimal(10**6)
        evaluate(
            facts,
            region="xuanwei",
            year=2020,
            registry=registry,
            parameters={"a6_two_defects": value},
        )
        if i % 500 == 0 or i == args.sets - 1:
            readings.append((i + 1, rss_mib(), registry.compiled_count))
            print(f"{i + 1:>6} sets  RSS {readings[-1][1]:>4} MiB  cached {readings[-1][2]}")
    last = readings[-1][1]
    print(f"engine {registry.engine}; first {readings[0][1]} MiB, last {last} MiB")
    return 0 if last <= args.bound else 1


if __name__ == "__main__":
    raise SystemExit(main())
