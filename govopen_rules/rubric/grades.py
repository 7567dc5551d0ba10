"""Grades from scores: resolved thresholds per group, and the grade of one total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from govopen_rules.facts.model import Unit
from govopen_rules.rubric.model import Ties, UnitKind

__all__ = ["GradeScale", "Grading", "ResolvedGroup", "ResolvedQuota"]


@attrs.frozen(kw_only=True)
class GradeScale:
    """Grade labels with their resolved minimum scores, highest first."""

    thresholds: tuple[tuple[str, Decimal], ...] = ()
    veto_grade: str | None = None

    def grade(self, total: Decimal, vetoed: bool) -> str | None:
        """The grade of ``total``; the veto grade when vetoed; None below every threshold."""
        if vetoed and self.veto_grade:
            return self.veto_grade
        for label, minimum in self.thresholds:
            if total >= minimum:
                return label
        return None

    def below(self, label: str) -> str | None:
        """The next lower grade, where units over a quota go."""
        labels = [lab for lab, _ in self.thresholds]
        index = labels.index(label)
        return labels[index + 1] if index + 1 < len(labels) else None

    @property
    def labels(self) -> tuple[str, ...]:
        """Grade labels, highest first."""
        return tuple(label for label, _ in self.thresholds)


@attrs.frozen(kw_only=True)
class ResolvedGroup:
    """A cohort group with its grade scale."""

    name: str
    unit_kinds: tuple[UnitKind, ...]
    categories: tuple[str, ...]
    scale: GradeScale

    def admits(self, unit: Unit) -> bool:
        """Whether ``unit`` belongs to this group."""
        if self.unit_kinds and unit.kind not in self.unit_kinds:
            return False
        return not self.categories or unit.category in self.categories


@attrs.frozen(kw_only=True)
class ResolvedQuota:
    """A quota with its share resolved (percent)."""

    label: str
    max_share: Decimal
    ties: Ties


@attrs.frozen(kw_only=True)
class Grading:
    """The rubric's grading, ready to apply to one unit or to a cohort."""

    scale: GradeScale
    groups: tuple[ResolvedGroup, ...] = ()
    quotas: tuple[ResolvedQuota, ...] = ()
    share_decimals: int = 2

    def group_of(self, unit: Unit) -> ResolvedGroup | None:
        """The first group that admits ``unit``."""
        return next((g for g in self.groups if g.admits(unit)), None)

    def scale_for(self, unit: Unit) -> GradeScale:
        """The grade scale of the unit's group, or the rubric's."""
        group = self.group_of(unit)
        return group.scale if group is not None else self.scale


def make_scale(pairs: Sequence[tuple[str, Decimal]], veto_grade: str | None) -> GradeScale:
    """A scale sorted highest threshold first."""
    ordered = tuple(sorted(pairs, key=lambda pair: pair[1], reverse=True))
    return GradeScale(thresholds=ordered, veto_grade=veto_grade)
