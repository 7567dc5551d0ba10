"""A national sweep: thousands of county governments and departments, streamed through cohorts.

Units are generated from the bundled examples (the 宣威 self-inspection for county governments
under the Xuanwei 2020 rubric, the 保山 departments under the Baoshan 2019 rubric), each varied
deterministically so results differ, about 30 facts each (see :func:`departments`), and never
held all at once: they are written once to JSON Lines files (one facts file per line; not
timed), read back line by line, parsed by the workers, and their results streamed to a JSON
Lines file (as UTF-8 bytes, ``on_json_bytes``). Run from the repository root:

    python benchmarks/bench_national.py [--county 3000] [--departments 150000 15000]
                                        [--processes 2] [--engine durable|python|both]

For each size it prints units per second and the peak resident memory of the parent and of the
workers, and the ratio of the sweep's rate to two cores' worth of in-process evaluate() measured
in the same run (the target is 0.85), and to two cores' worth of the same work the workers do
(evaluate() and, when results are written, the result serialised), and to the same work done by
as many independent processes at once (``share_of_independent_processes``: what is left once the
machine's own scaling is taken out is the pool's cost); at the end, the parent's
peak for each size side by side, where "flat" (issue 12: no growth from 15,000 to 150,000
units) is read off. The parent holds nothing per unit: results are streamed to a JSON Lines file
by the workers, each unit's standing and id wait in the cohort's temporary SQLite file
(``evaluate_many(…, keep_placements=False)``), and every placement is streamed to a second
JSON Lines file as the ranking decides it; ``ranking_s`` is the time from the last result to
the end of the ranking.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: Units of each rubric the in-process yardsticks evaluate (each pass).
YARDSTICK_UNITS = 1000
XUANWEI = ROOT / "plugins/xuanwei/examples/xuanwei-2020.json"
BAOSHAN = ROOT / "plugins/baoshan/examples/baoshan-2019-cohort.json"
BAOSHAN_CASES = ROOT / "plugins/baoshan/tests/rules.cases.yaml"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _shift(value: str, days: int) -> str:
    return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()


def _vary(template: dict[str, Any], index: int, prefix: str) -> dict[str, Any]:
    """A copy of ``template`` as unit ``index``: its own id and some dates moved a few days."""
    unit = copy.deepcopy(template)
    unit["unit"]["id"] = f"{prefix}-{index:06d}"
    unit["unit"]["name"] = f"{unit['unit']['name']}{index}"
    for position, fact in enumerate(unit["facts"]):
        for key, value in list(fact.items()):
            if key.endswith("_on") and isinstance(value, str) and (index + position) % 3 == 0:
                moved = _shift(value, (index * 7 + position) % 11)
                if moved[:4] == value[:4]:  # stay in the assessment year
                    fact[key] = moved
    return unit


def counties(n: int) -> Iterator[dict[str, Any]]:
    template = _load(XUANWEI)
    for i in range(n):
        yield _vary(template, i, "county")


def department_facts() -> list[dict[str, Any]]:
    """What every synthetic department has observed besides its own rectification fact: the
    base facts of Baoshan's rule cases (a department with every check recorded, one fact of
    each kind the rubric reads) and eight information requests answered 4 to 32 days after they
    arrived, so that some are late: 29 facts."""
    base = yaml.safe_load(BAOSHAN_CASES.read_text(encoding="utf-8"))["facts"]
    requests = []
    for month in range(1, 9):
        received = dt.date(2019, month, 5)
        replied = received + dt.timedelta(days=4 * month)
        requests.append(
            {
                "kind": "information_request",
                "received_on": received.isoformat(),
                "replied_on": replied.isoformat(),
            }
        )
    return [fact for fact in base if fact["kind"] != "rectification"] + requests


def departments(n: int) -> Iterator[dict[str, Any]]:
    """The 41 departments of the Baoshan cohort in turn, each with the 29 facts of
    :func:`department_facts` before its own (the 通报 records one fact per department: too few
    for a sweep of units of about 30 facts)."""
    cohort = _load(BAOSHAN)
    shared = department_facts()
    # A cohort entry may carry the tier a 通报 published beside its facts; a single evaluate()
    # takes facts alone, so that is left aside here.
    templates = [
        {**{k: v for k, v in u.items() if k != "published"}, "facts": shared + u["facts"]}
        for u in cohort["units"]
        if u["unit"]["kind"] == "department"
    ]
    for i in range(n):
        yield _vary(templates[i % len(templates)], i, "dept")


def _lines(path: Path, limit: int | None = None) -> Iterator[str]:
    """A JSON Lines file, one unit's facts file per line, as text (parsed by the workers)."""
    with path.open(encoding="utf-8") as lines:
        for count, line in enumerate(lines):
            if limit is not None and count >= limit:
                return
            if line.strip():
                yield line


def write_jsonl(units: Iterator[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for unit in units:
            out.write(json.dumps(unit, ensure_ascii=False, default=str))
            out.write("\n")
    return path


def _peak_mib(who: int) -> int:
    return resource.getrusage(who).ru_maxrss // 1024


Plan = list[tuple[Path, str, int]]
_REGISTRIES: dict[str, Any] = {}


def _registry(engine: str) -> Any:
    from govopen_rules import Registry

    if engine not in _REGISTRIES:
        _REGISTRIES[engine] = Registry(engine=engine)
    return _REGISTRIES[engine]


def _seconds_per_unit(path: Path, region: str, year: int, engine: str, serialise: bool) -> float:
    """evaluate() on the first units of a file in this process, parsing included (and the
    result serialised as the workers do when results are written, with ``serialise``)."""
    from govopen_rules import evaluate, to_json_bytes
    from govopen_rules.conversion import load_json_document

    registry = _registry(engine)
    start = time.perf_counter()
    evaluated = 0
    for line in _lines(path, limit=YARDSTICK_UNITS):
        result = evaluate(load_json_document(line), region=region, year=year, registry=registry)
        if serialise:
            to_json_bytes(result)
        evaluated += 1
    return (time.perf_counter() - start) / evaluated


def _in_process(plan: Plan, sizes: list[int], engine: str, serialise: bool) -> float:
    """Units per second in this process over the sweep's mix of rubrics: each rubric timed on
    its own and weighted by its share of the sweep's units (their units do not cost the same)."""
    cost = [_seconds_per_unit(path, region, year, engine, serialise) for path, region, year in plan]
    return sum(sizes) / sum(n * c for n, c in zip(sizes, cost, strict=True))


def _warm(plan: Plan, engine: str) -> None:
    """Rubrics compiled and code warm before anything is timed."""
    from govopen_rules import evaluate, to_json_bytes
    from govopen_rules.conversion import load_json_document

    for path, region, year in plan:
        for line in _lines(path, limit=20):
            document = load_json_document(line)
            to_json_bytes(evaluate(document, region=region, year=year, registry=_registry(engine)))


def _at_once(
    out: Any, plan: Plan, sizes: list[int], engine: str, serialise: bool, at: float
) -> None:
    """One of several processes timing the same work at the same moment, with no pool and
    nothing sent between them: what the machine gives several independent processes."""
    _warm(plan, engine)
    time.sleep(max(0.0, at - time.time()))
    out.put(_in_process(plan, sizes, engine, serialise))


def concurrent_rate(plan: Plan, sizes: list[int], engine: str, serialise: bool, n: int) -> float:
    """The summed rate of ``n`` processes each doing :func:`_in_process` at the same time."""
    context = multiprocessing.get_context()
    out = context.Queue()
    at = time.time() + 3.0  # every process started and warm by then
    processes = [
        context.Process(target=_at_once, args=(out, plan, sizes, engine, serialise, at))
        for _ in range(n)
    ]
    for process in processes:
        process.start()
    rates = [out.get() for _ in processes]
    for process in processes:
        process.join()
    return float(sum(rates))


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement in a fresh process, so peak memory is this size's alone."""
    from govopen_rules import evaluate_many
    from govopen_rules.cli.cohort import placement_line

    county_file, department_file = (Path(p) for p in args.jsonl)
    plan: Plan = [(county_file, "xuanwei", 2020), (department_file, "baoshan", 2019)]
    registry = _registry(args.engine)
    sizes = [sum(1 for _ in _lines(path)) for path, _, _ in plan]

    # Yardsticks on the same lines, this run. In this process: evaluate() (parsing included),
    # the yardstick, and the sweep's whole work per unit (the same, and the result
    # serialised as the workers do when results are written). Then the same work in as many
    # independent processes as the pool has, all at once: how far this machine's cores scale
    # with nothing coordinated, which tells the pool's own cost from the machine's.
    _warm(plan, args.engine)
    # Twice each, alternating, and the faster of each kept: one pass swings with the machine,
    # and the faster yardstick only makes the sweep's share harder to reach.
    single = same_work = 0.0
    for _ in range(2):
        single = max(single, _in_process(plan, sizes, args.engine, serialise=False))
        same_work = max(same_work, _in_process(plan, sizes, args.engine, args.write_results))
    together = concurrent_rate(plan, sizes, args.engine, args.write_results, args.processes)

    folder = Path(tempfile.mkdtemp())
    out, placements = folder / "results.jsonl", folder / "placements.jsonl"
    done = failed = 0
    ranking = 0.0
    start = time.perf_counter()
    with (
        out.open("wb") as sink,
        placements.open("w", encoding="utf-8") as ranked,
        ProcessPoolExecutor(args.processes) as pool,
    ):
        last = start

        def write(result: bytes) -> None:
            nonlocal last
            sink.write(result)
            sink.write(b"\n")
            last = time.perf_counter()

        def place(group: str, placement: Any) -> None:
            ranked.write(placement_line(group, placement))
            ranked.write("\n")

        for path, region, year in plan:
            cohort = evaluate_many(
                _lines(path),
                region=region,
                year=year,
                executor=pool,
                engine=args.engine,
                on_json_bytes=write if args.write_results else None,
                keep_results=False,
                on_placement=place,
                keep_placements=False,
            )
            ranking += time.perf_counter() - last
            done += sum(g.size for g in cohort.groups) + len(cohort.ungrouped)
            failed += len(cohort.failures)
    elapsed = time.perf_counter() - start
    size, placed = out.stat().st_size, placements.stat().st_size
    out.unlink()
    placements.unlink()
    folder.rmdir()
    return {
        "engine": registry.engine,
        "units": done + failed,
        "evaluated": done,
        "failed": failed,
        "seconds": round(elapsed, 1),
        "units_per_s": round(done / elapsed),
        "single_process_evaluate_per_s": round(single),
        "share_of_two_cores": round(done / elapsed / (args.processes * single), 3),
        "single_process_same_work_per_s": round(same_work),
        "share_of_two_cores_same_work": round(done / elapsed / (args.processes * same_work), 3),
        "independent_processes_same_work_per_s": round(together),
        "share_of_independent_processes": round(done / elapsed / together, 3),
        "peak_parent_mib": _peak_mib(resource.RUSAGE_SELF),
        "peak_worker_mib": _peak_mib(resource.RUSAGE_CHILDREN),
        "results_mib": round(size / (1 << 20)),
        "placements_mib": round(placed / (1 << 20)),
        "ranking_s": round(ranking, 1) if args.write_results else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county", type=int, default=3000)
    parser.add_argument("--departments", type=int, nargs="+", default=[15000, 150000])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--engine", choices=("durable", "python", "both"), default="both")
    parser.add_argument("--no-write-results", dest="write_results", action="store_false")
    parser.add_argument("--jsonl", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    engines = ["durable", "python"] if args.engine == "both" else [args.engine]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        counties_file = write_jsonl(counties(args.county), Path(tmp) / "counties.jsonl")
        for size in args.departments:
            departments_file = write_jsonl(
                departments(size), Path(tmp) / f"departments{size}.jsonl"
            )
            for engine in engines:
                command = [
                    *(sys.executable, __file__, "--child", "--processes", str(args.processes)),
                    *("--engine", engine, "--jsonl", str(counties_file), str(departments_file)),
                ]
                if not args.write_results:
                    command.append("--no-write-results")
                print(f"… {engine}: {args.county} counties + {size} departments", file=sys.stderr)
                done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    return 1
                rows.append({"departments": size, **json.loads(done.stdout)})
                print(json.dumps(rows[-1]), file=sys.stderr)
            departments_file.unlink()
    print(json.dumps(rows, indent=2))
    for engine in engines:  # flat or not, at a glance
        peaks = ", ".join(
            f"{row['units']:,} units: {row['peak_parent_mib']} MiB"
            for row in rows
            if row["engine"] == engine
        )
        print(f"parent peak ({engine}): {peaks}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
