"""Evaluate a cohort of units together: rank them within groups, assign tiers, count shares.

Published tier tables print each tier's count and share of its group at a fixed precision
(15/46 → 32.61 %); shares here are rounded half up at the rubric's ``share_decimals`` so such
tables are reproduced digit for digit. Any ``concurrent.futures.Executor`` may run the
evaluations: a process pool scales (durable-rules holds the GIL, threads do not), and a Dask
``Client.get_executor()`` reaches past one machine. The result is the same whichever runs it.

A cohort never loses work: a unit whose facts are invalid or whose evaluation fails in any way
is a :class:`UnitFailure` with its reasons, and every other unit is still evaluated, ranked and
tiered. When a worker process dies, the units it took down with it are run again in a fresh
process pool; any lost a second time are run one by one, each in a process of its own, so a unit
that kills its worker is reported as such and no other unit is lost. Two units with
the same id are both failures naming each other: a 通报 cannot place the same unit twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules._version import library_version
from govopen_rules.errors import FactsValidationError, GovOpenRulesError
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.exact import percent_of
from govopen_rules.facts.model import FactsFile
from govopen_rules.plugins.registry import Registry, default_registry
from govopen_rules.rubric.grades import GradeScale, Grading, ResolvedGroup

__all__ = [
    "CohortResult",
    "GroupResult",
    "Placement",
    "TierCount",
    "UnitFailure",
    "evaluate_many",
]


@attrs.frozen(kw_only=True)
class UnitFailure:
    """A unit that could not be evaluated, with every problem found; the others go on."""

    index: int
    unit_id: str | None
    name: str | None
    errors: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Placement:
    """A unit's place in its group. Tied totals share a rank (1, 2, 2, 4)."""

    unit_id: str
    name: str
    total: Decimal
    rank: int
    tier: str | None


@attrs.frozen(kw_only=True)
class TierCount:
    """One tier of a group: how many units, their share in percent, who they are."""

    label: str
    count: int
    share: Decimal
    members: tuple[str, ...]


@attrs.frozen(kw_only=True)
class GroupResult:
    """A group's ranking and tier table."""

    name: str
    size: int
    placements: tuple[Placement, ...]
    tiers: tuple[TierCount, ...]
    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CohortResult:
    """Every unit's result, failures, and the ranking and tiers of each group."""

    region: str
    year: int
    rubric_id: str
    rubric_version: str
    library_version: str
    results: tuple[EvaluationResult, ...]
    failures: tuple[UnitFailure, ...]
    groups: tuple[GroupResult, ...]
    ungrouped: tuple[str, ...] = ()

    def group(self, name: str) -> GroupResult:
        """The group with this name."""
        for group in self.groups:
            if group.name == name:
                return group
        raise KeyError(name)


Job = tuple[int, Any, str, int, "Mapping[str, object] | None", "str | None"]
Outcome = tuple[int, "EvaluationResult | None", tuple[str, ...]]


def _evaluate_one(job: Job, registry: Registry | None = None) -> Outcome:
    """Evaluate one unit where it runs (module level, so a process pool can pickle it)."""
    index, facts, region, year, parameters, engine = job
    try:
        result = evaluate(
            facts,
            region=region,
            year=year,
            parameters=parameters,
            registry=registry,
            engine=engine,
        )
    except FactsValidationError as exc:
        return index, None, exc.errors
    except GovOpenRulesError as exc:
        return index, None, (str(exc),)
    except Exception as exc:  # one unit's failure must never cost the others their results
        return index, None, (f"evaluation failed: {type(exc).__name__}: {exc}"[:500],)
    return index, result, ()


def _run_jobs(jobs: Sequence[Job], executor: Executor) -> list[Outcome]:
    """Run every job on ``executor``; jobs lost with a dead worker are run again (see above)."""
    outcomes, lost = _submit_all(jobs, executor)
    if lost:
        with ProcessPoolExecutor(max_workers=max(1, min(len(lost), os.cpu_count() or 1))) as pool:
            again, lost = _submit_all(lost, pool)
        outcomes += again
    outcomes += [_retry_alone(job) for job in lost]
    return outcomes


def _submit_all(jobs: Sequence[Job], executor: Executor) -> tuple[list[Outcome], list[Job]]:
    """Outcomes of the jobs that finished, and the jobs lost because the pool broke."""
    futures: list[tuple[Job, Future[Outcome]]] = [
        (job, executor.submit(_evaluate_one, job)) for job in jobs
    ]
    outcomes: list[Outcome] = []
    lost: list[Job] = []
    for job, future in futures:
        try:
            outcomes.append(future.result())
        except BrokenProcessPool:
            lost.append(job)
        except Exception as exc:  # the executor itself failed for this unit
            outcomes.append((job[0], None, (f"worker failed: {type(exc).__name__}: {exc}",)))
    return outcomes, lost


def _retry_alone(job: Job) -> Outcome:
    """A last try in a process of its own, so a unit that kills its worker takes no other unit
    with it (nor the calling process)."""
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(_evaluate_one, job).result()
    except BrokenProcessPool:
        return job[0], None, ("the worker process died evaluating this unit, also alone",)


def _duplicate_ids(jobs: Sequence[Job]) -> dict[int, str]:
    """Units sharing an id: index → the problem, naming the other places."""
    places: dict[str, list[int]] = {}
    for job in jobs:
        unit_id, _name = _identity(job[1])
        if unit_id is not None:
            places.setdefault(unit_id, []).append(job[0])
    problems: dict[int, str] = {}
    for unit_id, indexes in places.items():
        if len(indexes) > 1:
            for index in indexes:
                others = ", ".join(f"units[{i}]" for i in indexes if i != index)
                problems[index] = f"unit.id: {unit_id!r} is also the id of {others}"
    return problems


def _identity(facts: object) -> tuple[str | None, str | None]:
    unit = facts.unit if isinstance(facts, FactsFile) else None
    if unit is not None:
        return unit.id, unit.name
    if isinstance(facts, Mapping) and isinstance(facts.get("unit"), Mapping):
        raw = facts["unit"]
        return (
            raw.get("id") if isinstance(raw.get("id"), str) else None,
            raw.get("name") if isinstance(raw.get("name"), str) else None,
        )
    return None, None


def evaluate_many(
    units: Iterable[FactsFile | Mapping[str, object]],
    *,
    region: str,
    year: int,
    parameters: Mapping[str, object] | None = None,
    executor: Executor | None = None,
    registry: Registry | None = None,
    engine: str | None = None,
) -> CohortResult:
    """Evaluate every unit, then rank and tier them by the rubric's cohort policy.

    With an ``executor``, each unit is evaluated where the executor runs it, using that
    process's installed plugins (a custom ``registry`` cannot travel to another process).
    """
    if executor is not None and registry is not None:
        raise ValueError("pass either an executor or a registry: workers use their own plugins")
    reg = registry or default_registry()
    runnable = reg.runnable(region, year, parameters, engine)
    rubric = runnable.compiled.rubric
    jobs: list[Job] = [
        (i, facts, region, year, parameters, engine) for i, facts in enumerate(units)
    ]
    duplicates = _duplicate_ids(jobs)
    runnable_jobs = [job for job in jobs if job[0] not in duplicates]
    if executor is None:
        outcomes = [_evaluate_one(job, reg) for job in runnable_jobs]
    else:
        outcomes = _run_jobs(runnable_jobs, executor)
    outcomes += [(index, None, (problem,)) for index, problem in duplicates.items()]
    outcomes.sort(key=lambda outcome: outcome[0])
    results = [r for _i, r, _e in outcomes if r is not None]
    failures = tuple(
        UnitFailure(index=i, unit_id=uid, name=name, errors=errors)
        for i, r, errors in outcomes
        if r is None
        for uid, name in [_identity(jobs[i][1])]
    )
    groups, ungrouped = _rank_and_tier(results, runnable.compiled.grading)
    return CohortResult(
        region=region,
        year=year,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        library_version=library_version(),
        results=tuple(results),
        failures=failures,
        groups=groups,
        ungrouped=ungrouped,
    )


def _rank_and_tier(
    results: Sequence[EvaluationResult], grading: Grading
) -> tuple[tuple[GroupResult, ...], tuple[str, ...]]:
    members: dict[str, list[EvaluationResult]] = {g.name: [] for g in grading.groups}
    ungrouped: list[str] = []
    for result in results:
        group = grading.group_of(result.unit)
        if group is None:
            ungrouped.append(result.unit.id)
        else:
            members[group.name].append(result)
    if not grading.groups:  # no cohort policy: one group of everyone, the rubric's grades
        everyone = ResolvedGroup(name="全部", unit_kinds=(), categories=(), scale=grading.scale)
        return (_group_result(everyone, list(results), grading),), ()
    groups = tuple(_group_result(g, members[g.name], grading) for g in grading.groups)
    return groups, tuple(ungrouped)


def _group_result(
    group: ResolvedGroup, results: list[EvaluationResult], grading: Grading
) -> GroupResult:
    ordered = sorted(results, key=lambda r: -r.total)  # stable: ties keep input order
    ranks: list[int] = []
    for position, result in enumerate(ordered):
        tied = position and result.total == ordered[position - 1].total
        ranks.append(ranks[-1] if tied else position + 1)
    tiers = [group.scale.grade(r.total, r.vetoed) for r in ordered]
    warnings = _apply_quotas(group, ordered, ranks, tiers, grading)
    placements = tuple(
        Placement(unit_id=r.unit.id, name=r.unit.name, total=r.total, rank=rank, tier=tier)
        for r, rank, tier in zip(ordered, ranks, tiers, strict=True)
    )
    size = len(ordered)
    labels = list(group.scale.labels)
    if group.scale.veto_grade and group.scale.veto_grade not in labels:
        labels.append(group.scale.veto_grade)
    counts = tuple(
        TierCount(
            label=label,
            count=sum(1 for p in placements if p.tier == label),
            share=percent_of(
                sum(1 for p in placements if p.tier == label), size, grading.share_decimals
            ),
            members=tuple(p.name for p in placements if p.tier == label),
        )
        for label in labels
    )
    return GroupResult(
        name=group.name, size=size, placements=placements, tiers=counts, warnings=warnings
    )


def _apply_quotas(
    group: ResolvedGroup,
    ordered: Sequence[EvaluationResult],
    ranks: Sequence[int],
    tiers: list[str | None],
    grading: Grading,
) -> tuple[str, ...]:
    """Move units over a tier's quota down one grade, lowest ranked first; report it."""
    warnings: list[str] = []
    scale: GradeScale = group.scale
    for quota in grading.quotas:
        if quota.label not in scale.labels:
            continue
        holders = [i for i, tier in enumerate(tiers) if tier == quota.label]
        allowed = int(quota.max_share * len(ordered) / 100)  # floor: never over the share
        if len(holders) <= allowed:
            continue
        boundary_rank = ranks[holders[allowed]]
        straddles = allowed > 0 and ranks[holders[allowed - 1]] == boundary_rank
        keep_ties = quota.ties == "keep"
        moved = [
            i
            for i in holders[allowed:]
            if not (keep_ties and straddles and ranks[i] == boundary_rank)
        ]
        if straddles and not keep_ties:
            moved = [i for i in holders if ranks[i] >= boundary_rank]
        lower = scale.below(quota.label)
        for i in moved:
            tiers[i] = lower
        names = "、".join(ordered[i].unit.name for i in moved)
        warnings.append(
            f"{quota.label} quota {quota.max_share}% of {len(ordered)} allows {allowed}; "
            f"moved to {lower}: {names}"
            + (
                " (tied at the boundary: all tied units moved)"
                if straddles and not keep_ties
                else " (tied at the boundary: all tied units kept)"
                if straddles
                else ""
            )
        )
    return tuple(warnings)
