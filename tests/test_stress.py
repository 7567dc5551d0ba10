"""10,000 evaluations in one process and in 4 threads: same results, flat memory, no crash."""

from __future__ import annotations

import concurrent.futures
import gc
import os
from typing import Any

from govopen_rules import Registry, evaluate

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

N = 10_000
CASES = 50


def _rss_kib() -> int:
    with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _registry(make_registry: MakeRegistry) -> Registry:
    rules = [
        rule(
            "t.a.late",
            "submission",
            when={"field": "late", "eq": True},
            deduct={"mode": "per_unit", "points": "0.1"},
        ),
        rule("t.a.overdue", "information_request", when={"field": "overdue", "eq": True}),
        rule("t.a.quiet", "submission", when={"field": "item", "eq": "从不匹配"}),
    ]
    return make_registry(rubric(area("A", indicator("A1", "2", *rules)), region="stress"))


def _case(i: int) -> dict[str, Any]:
    facts: list[dict[str, Any]] = [
        {
            "kind": "submission",
            "item": "月报",
            "due_on": "2020-06-01",
            "submitted_on": f"2020-06-{1 + (i + k) % 5:02d}",
        }
        for k in range(i % 4)
    ]
    if i % 3:
        facts.append(
            {
                "kind": "information_request",
                "received_on": "2020-09-28",
                "replied_on": f"2020-11-0{1 + i % 3}",
            }
        )
    return facts_file(*facts)


def _summary(reg: Registry, i: int) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    result = evaluate(_case(i % CASES), region="stress", registry=reg)
    return str(result.total), tuple(
        (v.rule_id, v.status.value, str(v.points)) for v in result.verdicts()
    )


def test_many_evaluations_single_and_threaded(make_registry: MakeRegistry) -> None:
    reg = _registry(make_registry)
    expected = [_summary(reg, i) for i in range(CASES)]
    assert len(set(expected)) > 5  # the cases really differ

    gc.collect()
    for i in range(1000):  # warm up caches before measuring memory
        _summary(reg, i)
    before = _rss_kib()
    for i in range(N):
        assert _summary(reg, i) == expected[i % CASES]
    gc.collect()
    grown = _rss_kib() - before
    assert grown < 8 * 1024, f"RSS grew by {grown} KiB over {N} evaluations"

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda i: _summary(reg, i), range(N)))
    assert threaded == [expected[i % CASES] for i in range(N)]
