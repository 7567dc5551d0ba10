"""Ranking a cohort whose standings are kept in memory: groups, ranks, tiers, quotas, tables.

Each group is ranked by total (competition ranking: tied totals share a rank, ties keep input
order), graded by its scale, then each quota moves the lowest-ranked holders of its tier down
one grade (:class:`~.placing.QuotaCut`). :mod:`.ranking_stored` does the same from a temporary
file, for cohorts too large to hold.
"""

from __future__ import annotations

from collections.abc import Sequence

from govopen_rules.evaluation.cohort_results import GroupResult
from govopen_rules.evaluation.placing import (
    GroupTally,
    Standing,
    place,
    quota_cut,
    quota_warning,
    tier_labels,
)
from govopen_rules.rubric.grades import Grading, ResolvedGroup

__all__ = ["EVERYONE", "rank_and_tier"]

#: The one group of a rubric without a cohort policy: everyone, under the rubric's grades.
EVERYONE = "全部"


def rank_and_tier(
    standings: Sequence[Standing], grading: Grading
) -> tuple[tuple[GroupResult, ...], tuple[str, ...]]:
    """Each group's result, in the rubric's order, and the ids of units no group admits
    (``standings`` in input order)."""
    members: dict[str, list[Standing]] = {g.name: [] for g in grading.groups}
    ungrouped: list[str] = []
    for standing in standings:
        group = grading.group_of(standing.unit)
        if group is None:
            ungrouped.append(standing.unit.id)
        else:
            members[group.name].append(standing)
    if not grading.groups:  # no cohort policy: one group of everyone, the rubric's grades
        everyone = ResolvedGroup(name=EVERYONE, unit_kinds=(), categories=(), scale=grading.scale)
        return (_group_result(everyone, list(standings), grading),), ()
    groups = tuple(_group_result(g, members[g.name], grading) for g in grading.groups)
    return groups, tuple(ungrouped)


def _group_result(group: ResolvedGroup, standings: list[Standing], grading: Grading) -> GroupResult:
    ordered = sorted(standings, key=lambda s: -s.total)  # stable: ties keep input order
    ranks: list[int] = []
    for position, standing in enumerate(ordered):
        tied = position and standing.total == ordered[position - 1].total
        ranks.append(ranks[-1] if tied else position + 1)
    tiers = [group.scale.grade(s.total, s.vetoed) for s in ordered]
    warnings = _apply_quotas(group, ordered, ranks, tiers, grading)
    labels = tier_labels(group.scale)
    placements = tuple(
        place(
            unit_id=s.unit.id,
            name=s.unit.name,
            total=s.total,
            rank=rank,
            tier=tier,
            low=s.range.low,
            high=s.range.high,
            tier_low=s.range.low_grade,
            tier_high=s.range.high_grade,
            published=s.published,
            provisional_calendar_years=s.provisional_calendar_years,
            labels=labels,
        )
        for s, rank, tier in zip(ordered, ranks, tiers, strict=True)
    )
    tally = GroupTally(labels, names=True)
    for placement in placements:
        tally.add(placement)

    def unknown() -> tuple[list[str], int]:
        published = {p.published for p in placements if p.published}
        return sorted(published - set(labels)), 0

    return tally.result(
        group.name,
        placements=placements,
        warnings=warnings,
        share_decimals=grading.share_decimals,
        unknown_published=unknown,
    )


def _apply_quotas(
    group: ResolvedGroup,
    ordered: Sequence[Standing],
    ranks: Sequence[int],
    tiers: list[str | None],
    grading: Grading,
) -> tuple[str, ...]:
    """Move units over a tier's quota down one grade, lowest ranked first; report it."""
    warnings: list[str] = []
    scale = group.scale
    for quota in grading.quotas:
        if quota.label not in scale.labels:
            continue
        holders = [i for i, tier in enumerate(tiers) if tier == quota.label]
        holder_ranks = [ranks[i] for i in holders]
        cut = quota_cut(quota, len(ordered), len(holders), holder_ranks.__getitem__)
        if cut is None:
            continue
        moved = [i for k, i in enumerate(holders) if cut.moves(k, ranks[i])]
        lower = scale.below(quota.label)
        for i in moved:
            tiers[i] = lower
        names = [ordered[i].unit.name for i in moved]
        warnings.append(quota_warning(quota, len(ordered), cut, lower, names))
    return tuple(warnings)
