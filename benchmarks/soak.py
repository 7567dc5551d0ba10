"""Soak: a million evaluations across the built-in rubrics, watching memory and agreement.

Each evaluation takes a unit from a built-in example (the Xuanwei example, the Yan'an and
Baoshan cohorts), changes its facts at random (values flipped, shifted and redrawn within their
valid ranges, facts dropped or repeated), picks a random parameter set (the rubric's own
values, or one of a pool of random valid sets, so the compiled-rubric cache keeps turning
over), and evaluates it with the durable-rules engine and with the pure-Python reference
engine: any difference is a mismatch. Resident memory is printed at intervals. Not run in CI.
Run from the repository root:

    python benchmarks/soak.py [--evaluations 1000000] [--seed 1] [--every 10000]

It exits non-zero on any mismatch or error, or if the last RSS reading exceeds ``--bound``
MiB (default 300).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from govopen_rules import GovOpenRulesError, Registry, evaluate
from govopen_rules.conversion import unstructure
from govopen_rules.facts.convert import structure_facts_file
from govopen_rules.facts.kinds import FieldType
from govopen_rules.facts.model import FactsFile

ROOT = Path(__file__).parent.parent
EXAMPLES = {
    ("xuanwei", 2020): ["plugins/xuanwei/examples/xuanwei-2020.json"],
    ("yanan", 2020): ["plugins/yanan/examples/yanan-2020-cohort.json"],
    ("baoshan", 2019): ["plugins/baoshan/examples/baoshan-2019-cohort.json"],
}
FACTS_KEYS = ("unit", "year", "facts", "as_of")
POOL_SIZE = 40  # random parameter sets per rubric (3 rubrics x 2 engines x 41 > the cache's 64)


def rss_mib() -> int:
    """Resident set size now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // (1 << 20)


def load_units(registry: Registry) -> dict[tuple[str, int], list[FactsFile]]:
    units: dict[tuple[str, int], list[FactsFile]] = {}
    kinds = registry.fact_kinds
    for key, paths in EXAMPLES.items():
        for name in paths:
            data = json.loads((ROOT / name).read_text(encoding="utf-8"), parse_float=Decimal)
            given = data["units"] if isinstance(data, dict) and "units" in data else [data]
            units.setdefault(key, []).extend(
                # a cohort unit may also carry its published tier: only the facts file is read
                structure_facts_file({k: v for k, v in unit.items() if k in FACTS_KEYS}, kinds)
                for unit in given
            )
    return units


def _scaled(value: Decimal | dt.date, rng: random.Random) -> Decimal | dt.date:
    if isinstance(value, dt.date):  # a deadline: moved by up to a month
        return value + dt.timedelta(days=rng.randint(-31, 31))
    factor = Decimal(rng.choice(["0", "0.5", "1", "1.5", "2", "3"]))
    scaled = value * factor
    if value == value.to_integral_value():
        return scaled.to_integral_value()
    return scaled.quantize(Decimal("0.01"))


def parameter_pool(
    registry: Registry, key: tuple[str, int], rng: random.Random
) -> list[dict[str, str]]:
    """POOL_SIZE random parameter sets the rubric accepts (some draws are refused: grade
    thresholds out of order, a minimum of 0...)."""
    defaults = registry.runnable(*key).compiled.parameters
    pool: list[dict[str, str]] = []
    while len(pool) < POOL_SIZE:
        names = rng.sample(sorted(defaults), rng.randint(1, min(4, len(defaults))))
        chosen = {name: str(_scaled(defaults[name], rng)) for name in names}
        try:
            registry.runnable(*key, chosen)
        except GovOpenRulesError:
            continue
        pool.append(chosen)
    return pool


def _mutated_value(value: Any, ftype: FieldType, rng: random.Random) -> Any:
    if ftype is FieldType.BOOL:
        return not value if isinstance(value, bool) else rng.random() < 0.5
    if ftype is FieldType.INT:
        return rng.randint(0, 12)
    if ftype is FieldType.DECIMAL:
        return Decimal(rng.randint(0, 10000)) / 100
    if ftype is FieldType.DATE and isinstance(value, dt.date):
        return value + dt.timedelta(days=rng.randint(-40, 40))
    if ftype in (FieldType.STR_LIST, FieldType.DATE_LIST) and isinstance(value, tuple) and value:
        return value[: rng.randint(0, len(value))]
    return value


def mutate(unit: FactsFile, registry: Registry, rng: random.Random) -> FactsFile:
    """The unit with its facts changed at random, every value still valid."""
    facts = []
    for fact in unit.facts:
        if rng.random() < 0.1:
            continue  # dropped
        kind = registry.fact_kinds[type(fact).KIND]
        changes = {}
        for name, ftype in kind.fields.items():
            if rng.random() < 0.15:
                changes[name] = _mutated_value(getattr(fact, name), ftype, rng)
        # A change a validator refuses (a percentage above 100) leaves the fact as it was.
        with contextlib.suppress(ValueError, TypeError):
            fact = attrs.evolve(fact, **changes)
        facts.append(fact)
        if rng.random() < 0.05:
            facts.append(fact)  # repeated
    return attrs.evolve(unit, facts=tuple(facts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=10**6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=10_000, help="print a reading every N")
    parser.add_argument("--bound", type=int, default=300, help="MiB the last reading may reach")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    registry = Registry(engine="durable")
    units = load_units(registry)
    keys = sorted(units)
    pools = {key: parameter_pool(registry, key, rng) for key in keys}
    mismatches = errors = 0
    start = time.perf_counter()
    first_rss = rss_mib()
    print(f"seed {args.seed}; {sum(map(len, units.values()))} units; RSS {first_rss} MiB")
    for i in range(1, args.evaluations + 1):
        key = rng.choice(keys)
        unit = mutate(rng.choice(units[key]), registry, rng)
        parameters = rng.choice(pools[key]) if rng.random() < 0.3 else None
        data = unstructure(unit)  # evaluated from plain data: structuring is soaked too
        try:
            durable = evaluate(data, region=key[0], registry=registry, parameters=parameters)
            python = evaluate(
                data, region=key[0], registry=registry, parameters=parameters, engine="python"
            )
        except GovOpenRulesError as exc:
            errors += 1
            print(f"error at {i} ({key[0]}, {parameters}): {exc}", file=sys.stderr)
            continue
        if attrs.evolve(python, engine=durable.engine) != durable:
            mismatches += 1
            print(f"MISMATCH at {i} ({key[0]}, {parameters})", file=sys.stderr)
        if i % args.every == 0 or i == args.evaluations:
            elapsed = time.perf_counter() - start
            print(
                f"{i:>9} evaluations  {elapsed:8.1f} s  {i / elapsed:6.0f}/s"
                f"  RSS {rss_mib():>4} MiB  cached {registry.compiled_count:>3}"
                f"  mismatches {mismatches}  errors {errors}",
                flush=True,
            )
    last = rss_mib()
    print(f"RSS first {first_rss} MiB, last {last} MiB; mismatches {mismatches}, errors {errors}")
    return 0 if mismatches == errors == 0 and last <= args.bound else 1


if __name__ == "__main__":
    raise SystemExit(main())
