"""Ranking a cohort whose standings wait on disk: the same groups, ranks, tiers, quotas and tables
as :mod:`.ranking`, with placements streamed to the caller instead of kept.

A group no quota applies to is ranked, graded and placed in one pass over its units in ranking
order. Otherwise ranks and grades are first written beside the standings; each quota counts its
tier's holders, finds the rank at its boundary and moves who :class:`~.placing.QuotaCut` says
(naming the first :data:`NAMED` in its warning, then how many more); then a last pass builds
every placement. Each placement is counted into the tables and handed to ``on_placement``.
Memory holds one batch and one counter per tier, never a list as long as the group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

from govopen_rules.evaluation.cohort_results import GroupResult, Placement
from govopen_rules.evaluation.placing import (
    GroupTally,
    place,
    quota_cut,
    quota_warning,
    tier_labels,
)
from govopen_rules.evaluation.ranking import EVERYONE
from govopen_rules.evaluation.standings_store import BATCH, StandingStore, StoredStanding
from govopen_rules.facts.model import Unit
from govopen_rules.rubric.grades import GradeScale, Grading, ResolvedGroup

__all__ = ["NAMED", "group_number", "rank_stored"]

#: Units a warning names before it says how many more (a warning naming 100,000 units would
#: be as long as the cohort).
NAMED = 20

OnPlacement = Callable[[str, Placement], None]


def group_number(grading: Grading) -> Callable[[Unit], int]:
    """A unit's group as its position in the rubric (-1: no group admits it; 0 for every unit
    when the rubric has no cohort groups)."""
    if not grading.groups:
        return lambda unit: 0
    numbers = {id(group): n for n, group in enumerate(grading.groups)}

    def number(unit: Unit) -> int:
        group = grading.group_of(unit)
        return -1 if group is None else numbers[id(group)]

    return number


def rank_stored(
    store: StandingStore, grading: Grading, on_placement: OnPlacement | None = None
) -> tuple[tuple[GroupResult, ...], tuple[str, ...]]:
    """Each group's result (without placements or members' names: each placement goes to
    ``on_placement(group name, placement)``, group by group in ranking order) and the ids of
    units no group admits."""
    if not grading.groups:
        everyone = ResolvedGroup(name=EVERYONE, unit_kinds=(), categories=(), scale=grading.scale)
        return (_group_result(store, 0, everyone, grading, on_placement),), ()
    groups = tuple(
        _group_result(store, number, group, grading, on_placement)
        for number, group in enumerate(grading.groups)
    )
    return groups, tuple(store.ungrouped())


def _group_result(
    store: StandingStore,
    number: int,
    group: ResolvedGroup,
    grading: Grading,
    on_placement: OnPlacement | None,
) -> GroupResult:
    labels = tier_labels(group.scale)
    tally = GroupTally(labels, names=False)
    warnings: tuple[str, ...] = ()
    if any(quota.label in group.scale.labels for quota in grading.quotas):
        warnings = _apply_quotas(store, _rank(store, number, group), group, grading)
        placed: Iterable[tuple[int, str | None, StoredStanding]] = store.placed()
    else:  # no quota can move anyone: rank and grade in the one pass that places
        placed = _ranked(store.standings(number), group.scale)
    for rank, tier, s in placed:
        placement = place(
            unit_id=s.unit_id,
            name=s.name,
            total=s.total,
            rank=rank,
            tier=tier,
            low=s.low,
            high=s.high,
            tier_low=s.tier_low,
            tier_high=s.tier_high,
            published=s.published,
            provisional_calendar_years=s.provisional_calendar_years,
            labels=labels,
        )
        tally.add(placement)
        if on_placement is not None:
            on_placement(group.name, placement)
    return tally.result(
        group.name,
        placements=(),
        warnings=warnings,
        share_decimals=grading.share_decimals,
        unknown_published=lambda: store.unknown_published(number, labels, NAMED),
    )


def _ranked(
    standings: Iterable[StoredStanding], scale: GradeScale
) -> Iterator[tuple[int, str | None, StoredStanding]]:
    """(rank, tier, standing) of standings in ranking order: tied totals share a rank."""
    rank = 0
    previous = None
    for position, standing in enumerate(standings):
        if not (position and standing.total == previous):
            rank = position + 1
        previous = standing.total
        yield rank, scale.grade(standing.total, standing.vetoed), standing


def _rank(store: StandingStore, number: int, group: ResolvedGroup) -> int:
    """Write the group's ranks and grades beside its standings; how many units it has."""
    store.clear_ranks()
    batch: list[tuple[int, int, int, str | None]] = []
    size = rank = 0
    previous = None
    for position, (index, total, vetoed) in enumerate(store.ordered(number)):
        if not (position and total == previous):  # tied totals share a rank
            rank = position + 1
        previous = total
        batch.append((position, index, rank, group.scale.grade(total, vetoed)))
        size = position + 1
        if len(batch) >= BATCH:
            store.write_ranks(batch)
            batch.clear()
    store.write_ranks(batch)
    return size


def _apply_quotas(
    store: StandingStore, size: int, group: ResolvedGroup, grading: Grading
) -> tuple[str, ...]:
    """Move units over a tier's quota down one grade, lowest ranked first; report it."""
    warnings: list[str] = []
    scale = group.scale
    for quota in grading.quotas:
        label = quota.label
        if label not in scale.labels:
            continue
        held = store.holder_count(label)
        cut = quota_cut(quota, size, held, partial(store.holder_rank, label))
        if cut is None:
            continue
        lower = scale.below(label)
        names: list[str] = []
        moved = holder = 0
        for batch in store.holders(label):
            positions = []
            for position, rank, name in batch:
                if cut.moves(holder, rank):
                    positions.append(position)
                    if len(names) < NAMED:
                        names.append(name)
                holder += 1
            store.retier(positions, lower)
            moved += len(positions)
        warnings.append(quota_warning(quota, size, cut, lower, names, moved - len(names)))
    return tuple(warnings)
