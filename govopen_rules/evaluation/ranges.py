"""Score ranges: what the total would be if every ``no_evidence`` rule were decided against the
unit, or for it, within the same rule, indicator, area and bonus caps as the total.

A verdict decided by facts (or by an explicit ``clear`` policy, or not applicable) costs the
same at both ends. A ``no_evidence`` deduction costs its ``at_stake`` (the most the rule can
deduct, or what the missing-evidence policy charged if more) at the low end and nothing at the
high end; a ``no_evidence`` bonus is earned only at the high end; a ``no_evidence`` veto vetoes
only the low end. Caps are monotone, so ``low <= total <= high`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

import attrs

from govopen_rules.evaluation.results import Effect, Status, Verdict

__all__ = ["Ends", "bonus_ends", "evidence_share", "vetoed_low"]

ZERO = Decimal(0)


@attrs.frozen
class Ends:
    """An amount at the low end and at the high end of a range."""

    low: Decimal
    high: Decimal


def bonus_ends(verdicts: Iterable[Verdict], cap: Decimal) -> Ends:
    """The bonus at each end: bonuses lacking evidence are earned at the high end only."""
    low = high = ZERO
    for v in verdicts:
        if v.effect is not Effect.BONUS:
            continue
        if v.status is Status.DEDUCTED:
            low += v.points
            high += v.points
        elif v.status is Status.NO_EVIDENCE:
            high += v.at_stake or ZERO
    return Ends(min(low, cap), min(high, cap))


def vetoed_low(verdicts: Iterable[Verdict]) -> bool:
    """Whether a veto rule lacking evidence would veto the unit were it decided against it."""
    return any(v.effect is Effect.VETO and v.status is Status.NO_EVIDENCE for v in verdicts)


def evidence_share(points: Decimal, ends: Ends) -> Decimal:
    """The percentage of the rubric's points that missing evidence cannot move, rounded down
    (never claims more evidence than there is); 100 when the range is closed."""
    if points <= 0:
        return Decimal(100)
    open_points = min(points, ends.high - ends.low)
    share = (points - open_points) * 100 / points
    return share.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
