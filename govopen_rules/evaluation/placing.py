"""One unit's place in its group, who a quota moves, and a group's tables.

Shared by the two ways a cohort is ranked — standings kept in memory (:mod:`.ranking`) or in a
temporary file (:mod:`.ranking_stored`) — so both decide every placement, quota move, count and
warning with the same code, and differ only in where the standings wait.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from govopen_rules.evaluation.cohort_results import (
    Agreement,
    GroupResult,
    Placement,
    PublishedComparison,
    TierCount,
)
from govopen_rules.evaluation.results import EvaluationResult, ScoreRange
from govopen_rules.exact import percent_of
from govopen_rules.facts.model import Unit
from govopen_rules.rubric.grades import GradeScale, ResolvedQuota

__all__ = [
    "GroupTally",
    "QuotaCut",
    "Standing",
    "place",
    "published_warning",
    "quota_cut",
    "quota_warning",
    "standing_of",
    "tier_labels",
]


@attrs.frozen
class Standing:
    """What ranking needs of a unit's result: id, name, kind, total, range, veto."""

    unit: Unit
    total: Decimal
    vetoed: bool
    range: ScoreRange
    published: str | None = None
    provisional_calendar_years: tuple[int, ...] = ()


def standing_of(result: EvaluationResult) -> Standing:
    """Computed where the unit is evaluated (module level, so workers can run it)."""
    return Standing(
        result.unit,
        result.total,
        result.vetoed,
        result.range,
        provisional_calendar_years=result.provisional_calendar_years,
    )


def tier_labels(scale: GradeScale) -> list[str]:
    """The tiers a group's table lists: the scale's grades, highest first, then the veto grade."""
    labels = list(scale.labels)
    if scale.veto_grade and scale.veto_grade not in labels:
        labels.append(scale.veto_grade)
    return labels


def place(
    *,
    unit_id: str,
    name: str,
    total: Decimal,
    rank: int,
    tier: str | None,
    low: Decimal,
    high: Decimal,
    tier_low: str | None,
    tier_high: str | None,
    published: str | None,
    provisional_calendar_years: tuple[int, ...],
    labels: Sequence[str],
) -> Placement:
    """A unit's placement; where a tier was published, how it compares with the tiers at the
    ends of the unit's range."""
    determined = tier_low == tier_high == tier
    agreement = None
    if published is not None:
        if determined:
            agreement = Agreement.AGREES if published == tier else Agreement.DISAGREES
        else:
            allowed = _between(labels, tier_high, tier_low)
            agreement = Agreement.UNDETERMINED if published in allowed else Agreement.DISAGREES
    return Placement(
        unit_id=unit_id,
        name=name,
        total=total,
        rank=rank,
        tier=tier,
        low=low,
        high=high,
        tier_low=tier_low,
        tier_high=tier_high,
        determined=determined,
        published=published,
        agreement=agreement,
        provisional_calendar_years=provisional_calendar_years,
    )


def _between(labels: Sequence[str], high: str | None, low: str | None) -> set[str]:
    """The tiers from ``high`` down to ``low`` (labels are highest first; None is below all)."""

    def position(label: str | None) -> int:
        return labels.index(label) if label in labels else len(labels)

    return set(labels[position(high) : position(low) + 1])


@attrs.frozen
class QuotaCut:
    """Who of a tier's holders (in ranking order) a quota moves down one grade: those past the
    first ``allowed``, except that units tied at the boundary all move (``ties: drop``: the
    quota is never exceeded) or all stay (``ties: keep``)."""

    allowed: int
    boundary_rank: int
    straddles: bool
    keep_ties: bool

    def moves(self, holder: int, rank: int) -> bool:
        """Whether the ``holder``-th holder (from 0, in ranking order), ranked ``rank``, moves."""
        if self.straddles and not self.keep_ties:
            return rank >= self.boundary_rank
        return holder >= self.allowed and not (self.straddles and rank == self.boundary_rank)


def quota_cut(
    quota: ResolvedQuota, size: int, holders: int, rank_of: Callable[[int], int]
) -> QuotaCut | None:
    """The cut of a group of ``size`` whose tier has ``holders`` units (``rank_of(k)``: the
    rank of the k-th); None when the quota allows them all."""
    allowed = int(quota.max_share * size / 100)  # floor: never over the share
    if holders <= allowed:
        return None
    boundary_rank = rank_of(allowed)
    straddles = allowed > 0 and rank_of(allowed - 1) == boundary_rank
    return QuotaCut(allowed, boundary_rank, straddles, quota.ties == "keep")


def quota_warning(
    quota: ResolvedQuota,
    size: int,
    cut: QuotaCut,
    lower: str | None,
    names: Sequence[str],
    unnamed: int = 0,
) -> str:
    """What a quota did, naming the units it moved (the first ``len(names)`` of them, and how
    many more when ``unnamed``)."""
    listed = "、".join(names) + (f" and {unnamed} more" if unnamed else "")
    tied = ""
    if cut.straddles:
        kept = "all tied units kept" if cut.keep_ties else "all tied units moved"
        tied = f" (tied at the boundary: {kept})"
    return (
        f"{quota.label} quota {quota.max_share}% of {size} allows {cut.allowed}; "
        f"moved to {lower}: {listed}{tied}"
    )


def published_warning(unknown: Sequence[str], unnamed: int = 0) -> str:
    """Published tiers that are not grades of the group (sorted; ``unnamed`` more not listed)."""
    more = f" and {unnamed} more" if unnamed else ""
    return f"published tiers {list(unknown)}{more} are not grades of this group"


@attrs.define
class _Column:
    count: int = 0
    determined: int = 0
    members: list[str] = attrs.Factory(list)


class GroupTally:
    """A group's tier table and published comparison, counted as its placements go by in
    ranking order: memory in the number of tiers, plus members' names only when kept."""

    def __init__(self, labels: Sequence[str], *, names: bool) -> None:
        self._names = names
        self._tiers = {label: _Column() for label in labels}
        self._published = {label: _Column() for label in labels}
        self._agreements = dict.fromkeys(Agreement, 0)
        self.size = 0
        self.determined = 0
        self.any_published = False
        self._unpublished = 0

    def add(self, p: Placement) -> None:
        """Count one placement (the next in ranking order)."""
        self.size += 1
        self.determined += p.determined
        column = self._tiers.get(p.tier) if p.tier is not None else None
        if column is not None:
            self._count(column, p.name, p.determined)
        if p.published is None:
            self._unpublished += 1
        else:
            self.any_published = True
            column = self._published.get(p.published)
            if column is not None:
                self._count(column, p.name, p.determined and p.tier == p.published)
        if p.agreement is not None:
            self._agreements[p.agreement] += 1

    def _count(self, column: _Column, name: str, determined: bool) -> None:
        column.count += 1
        column.determined += determined
        if self._names:
            column.members.append(name)

    def _table(self, columns: dict[str, _Column], decimals: int) -> tuple[TierCount, ...]:
        return tuple(
            TierCount(
                label=label,
                count=column.count,
                share=percent_of(column.count, self.size, decimals),
                members=tuple(column.members),
                determined=column.determined,
            )
            for label, column in columns.items()
        )

    def result(
        self,
        name: str,
        *,
        placements: tuple[Placement, ...],
        warnings: tuple[str, ...],
        share_decimals: int,
        unknown_published: Callable[[], tuple[Sequence[str], int]],
    ) -> GroupResult:
        """The group's result; ``unknown_published()`` gives the published tiers that are not
        grades of the group (sorted) and how many more were left out, asked only when some
        unit of the group has a published tier."""
        published = None
        if self.any_published:
            unknown, unnamed = unknown_published()
            if unknown:
                warnings += (published_warning(unknown, unnamed),)
            published = PublishedComparison(
                tiers=self._table(self._published, share_decimals),
                agrees=self._agreements[Agreement.AGREES],
                disagrees=self._agreements[Agreement.DISAGREES],
                undetermined=self._agreements[Agreement.UNDETERMINED],
                unpublished=self._unpublished,
            )
        return GroupResult(
            name=name,
            size=self.size,
            placements=placements,
            tiers=self._table(self._tiers, share_decimals),
            warnings=warnings,
            determined=self.determined,
            published=published,
        )
