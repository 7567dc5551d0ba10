"""Evaluate a cohort of units together: rank them within groups, assign tiers, count shares.

Published tier tables print each tier's count and share of its group at a fixed precision
(15/46 → 32.61 %); shares here are rounded half up at the rubric's ``share_decimals`` so such
tables are reproduced digit for digit. Any ``concurrent.futures.Executor`` may run the
evaluations: a process pool scales (durable-rules holds the GIL, threads do not), and a Dask
``Client.get_executor()`` reaches past one machine. The result is the same whichever runs it.

A cohort never loses work: a unit whose facts are invalid, whose evaluation fails in any way or
whose worker dies is a :class:`UnitFailure` with its reasons (see :mod:`.running`), and every
other unit is still evaluated, ranked and tiered. Two units with the same id are both failures
naming each other: a 通报 cannot place the same unit twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from decimal import Decimal

import attrs

from govopen_rules._version import library_version
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.evaluation.running import Job, run_jobs
from govopen_rules.exact import percent_of
from govopen_rules.facts.model import FactsFile, Unit
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


@attrs.frozen
class _Standing:
    """What ranking needs of a unit's result: kept for every unit even when results stream."""

    unit: Unit
    total: Decimal
    vetoed: bool


def _standing_of(result: EvaluationResult) -> _Standing:
    """Computed where the unit is evaluated (module level, so workers can run it)."""
    return _Standing(result.unit, result.total, result.vetoed)


def evaluate_many(
    units: Iterable[FactsFile | Mapping[str, object] | str | bytes],
    *,
    region: str,
    year: int,
    parameters: Mapping[str, object] | None = None,
    executor: Executor | None = None,
    registry: Registry | None = None,
    engine: str | None = None,
    on_result: Callable[[EvaluationResult], None] | None = None,
    on_json: Callable[[str], None] | None = None,
    keep_results: bool = True,
) -> CohortResult:
    """Evaluate every unit, then rank and tier them by the rubric's cohort policy.

    ``units`` is consumed lazily and only a bounded number are in flight; a unit may be given as
    its facts file's JSON text (a line of a JSON Lines file), parsed where it is evaluated.
    ``on_result`` sees each result as it arrives, in input order; with ``keep_results=False``
    results are not kept in the returned cohort, so memory grows only by each unit's standing
    (id, name, kind, total: what ranks and tiers need). ``on_json`` (with
    ``keep_results=False`` and no ``on_result``) receives each result as one line of JSON,
    serialised where the unit was evaluated: the fastest way to stream a large cohort to a file.
    With an ``executor``, each unit is evaluated where the executor runs it, using that
    process's installed plugins (a custom ``registry`` cannot travel to another process).
    """
    if executor is not None and registry is not None:
        raise ValueError("pass either an executor or a registry: workers use their own plugins")
    reg = registry or default_registry()
    runnable = reg.runnable(region, year, parameters, engine)
    rubric = runnable.compiled.rubric
    identities: dict[int, tuple[str | None, str | None]] = {}

    as_json = on_json is not None and on_result is None and not keep_results
    if on_json is not None and not as_json:
        raise ValueError("on_json streams results as text: use it with keep_results=False")

    def jobs() -> Iterator[Job]:
        for index, facts in enumerate(units):
            identities[index] = _identity(facts)
            yield Job(index, facts, region, year, parameters, engine, _standing_of, as_json)

    first_place: dict[str, int] = {}
    standings: dict[int, _Standing] = {}
    results: dict[int, EvaluationResult] = {}
    failures: dict[int, tuple[str, ...]] = {}
    failed_identity: dict[int, tuple[str | None, str | None]] = {}
    for outcome in run_jobs(jobs(), executor=executor, registry=reg):
        index = outcome.index
        identity = identities.pop(index)  # only units in flight are kept
        if outcome.identity != (None, None):
            identity = outcome.identity  # the worker read it from the unit's JSON text
        unit_id = identity[0]
        if unit_id is not None and unit_id in first_place:
            first = first_place[unit_id]
            failures[index] = (f"unit.id: {unit_id!r} is also the id of units[{first}]",)
            failed_identity[index] = identity
            failed_identity.setdefault(first, identity)
            standings.pop(first, None)
            results.pop(first, None)
            also = f"unit.id: {unit_id!r} is also the id of units[{index}]"
            failures[first] = (*failures.get(first, ()), also)
            continue
        if unit_id is not None:
            first_place[unit_id] = index
        if not outcome.ok:
            failures[index] = outcome.errors
            failed_identity[index] = identity
            continue
        standings[index] = outcome.summary
        if outcome.result is not None:
            if keep_results:
                results[index] = outcome.result
            if on_result is not None:
                on_result(outcome.result)
        if outcome.text is not None and on_json is not None:
            on_json(outcome.text)
    groups, ungrouped = _rank_and_tier(
        [standings[i] for i in sorted(standings)], runnable.compiled.grading
    )
    return CohortResult(
        region=region,
        year=year,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        library_version=library_version(),
        results=tuple(results[i] for i in sorted(results)),
        failures=tuple(
            UnitFailure(
                index=i, unit_id=failed_identity[i][0], name=failed_identity[i][1], errors=errors
            )
            for i, errors in sorted(failures.items())
        ),
        groups=groups,
        ungrouped=ungrouped,
    )


def _rank_and_tier(
    results: Sequence[_Standing], grading: Grading
) -> tuple[tuple[GroupResult, ...], tuple[str, ...]]:
    members: dict[str, list[_Standing]] = {g.name: [] for g in grading.groups}
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


def _group_result(group: ResolvedGroup, results: list[_Standing], grading: Grading) -> GroupResult:
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
    ordered: Sequence[_Standing],
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
