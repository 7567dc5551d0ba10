"""What absent evidence decides, and when a grade may be given on the evidence, resolved.

A rubric states a missing-evidence policy at its top (required), and may state one per area,
indicator or rule; the nearest one stated decides a rule's ``no_evidence`` verdicts, and the
result names it. The same module knows the most a rule can deduct, which is what the low end of
a score range charges for a rule that lacks evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import attrs

from govopen_rules.rubric.model import Citation, CountMode, DeductionMode, MissingMode

__all__ = [
    "PolicyLevel",
    "ResolvedGate",
    "ResolvedMissing",
    "deduction_for",
    "most_deducted",
]

#: Where a missing-evidence policy was stated.
PolicyLevel = Literal["rule", "indicator", "area", "rubric"]

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class ResolvedMissing:
    """The missing-evidence policy that applies to one rule, with its amount resolved.

    ``scope`` names where it is stated (a rule id, an indicator or area code, the rubric id).
    """

    level: PolicyLevel
    scope: str
    mode: MissingMode
    points: Decimal = ZERO
    note: str = ""
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class ResolvedGate:
    """The rubric's evidence gate with its share resolved (percent)."""

    grades: tuple[str, ...]
    low_end: bool
    high_end: bool
    min_evidence_share: Decimal | None
    label: str
    note: str = ""
    citation: Citation | None = None

    def holds_back(
        self,
        grade: str | None,
        low_grade: str | None,
        high_grade: str | None,
        evidence_share: Decimal,
    ) -> str | None:
        """Why ``grade`` cannot be given on the evidence, or None when it can."""
        if grade is None or (self.grades and grade not in self.grades):
            return None
        reasons = []
        if self.low_end and low_grade != grade:
            reasons.append(f"区间下端为{low_grade or '无等次'} (low end: {low_grade or 'none'})")
        if self.high_end and high_grade != grade:
            reasons.append(f"区间上端为{high_grade or '无等次'} (high end: {high_grade or 'none'})")
        if self.min_evidence_share is not None and evidence_share < self.min_evidence_share:
            reasons.append(
                f"证据占比 {evidence_share}% < {self.min_evidence_share}% "
                f"(evidence share below {self.min_evidence_share}%)"
            )
        return "; ".join(reasons) or None


def deduction_for(
    mode: DeductionMode,
    points: Decimal,
    tiers: Sequence[tuple[int, Decimal]],
    cap: Decimal | None,
    n: int,
) -> Decimal:
    """What a rule deducts (or adds) for a count of ``n`` problems (n >= 1)."""
    if mode == "veto":
        return ZERO
    if mode in ("fixed", "bonus"):
        amount = points
    else:
        amount = points * n
        for at_least, tier_points in tiers:
            if n >= at_least:
                amount = tier_points
    return amount if cap is None else min(amount, cap)


def most_deducted(
    mode: DeductionMode,
    count_mode: CountMode,
    points: Decimal,
    tiers: Sequence[tuple[int, Decimal]],
    cap: Decimal | None,
    most_count: int | None,
    ceiling: Decimal,
) -> Decimal:
    """The most a rule can deduct (or add), whatever its facts: what the low end of a score
    range charges for it when it lacks evidence.

    ``most_count`` bounds the count where the count mode does (``absent``: 1, ``shortfall``: the
    minimum, ``missing_values``: the number of values); otherwise a ``per_unit`` rule without
    tiers can reach ``ceiling``, the most its indicator can lose.
    """
    if mode == "veto":
        return ZERO
    if mode in ("fixed", "bonus") or count_mode == "absent":
        amount = deduction_for(mode, points, tiers, cap, 1)
    else:
        first_tier = tiers[0][0] if tiers else None
        below_tiers = most_count
        if first_tier is not None:
            below_tiers = first_tier - 1 if most_count is None else min(most_count, first_tier - 1)
        candidates = [] if below_tiers is None else [points * below_tiers]
        if below_tiers is None and points > 0:
            candidates.append(ceiling)
        candidates += [p for at_least, p in tiers if most_count is None or at_least <= most_count]
        amount = max(candidates, default=ZERO)
        if cap is not None:
            amount = min(amount, cap)
    return amount if mode == "bonus" else min(amount, ceiling)
