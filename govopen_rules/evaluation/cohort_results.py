"""What a cohort evaluation returns: failures, placements, tier tables, the published comparison.

Re-exported by :mod:`govopen_rules.evaluation.cohort`, which builds them. When a cohort's
placements are streamed (``evaluate_many(…, keep_placements=False)``) every count, share and
warning is the same as when they are kept; only ``GroupResult.placements`` and
``TierCount.members`` are left empty, since each is as long as the group.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from govopen_rules.evaluation.results import EvaluationResult

__all__ = [
    "Agreement",
    "CohortResult",
    "GroupResult",
    "Placement",
    "PublishedComparison",
    "TierCount",
    "UnitFailure",
]


@attrs.frozen(kw_only=True)
class UnitFailure:
    """A unit that could not be evaluated, with every problem found; the others go on.

    ``same_id_as`` is set when the unit's id is another unit's (input indexes, as ``errors``
    name them: the first unit to give an id lists every later one, a later one the first). None
    of them is placed, and a result of this unit already streamed out (``on_result``,
    ``on_json``, ``on_json_bytes``: it came before the unit that took its id) is withdrawn.
    """

    index: int
    unit_id: str | None
    name: str | None
    errors: tuple[str, ...]
    same_id_as: tuple[int, ...] = ()


class Agreement(str, enum.Enum):
    """How a published tier compares with what the evidence allows."""

    AGREES = "agrees"  # the evidence settles the tier, and it is the published one
    DISAGREES = "disagrees"  # the evidence rules the published tier out
    UNDETERMINED = "undetermined"  # the evidence allows the published tier and others


@attrs.frozen(kw_only=True)
class Placement:
    """A unit's place in its group. Tied totals share a rank (1, 2, 2, 4).

    ``low`` and ``high`` are the unit's score range, ``tier_low`` and ``tier_high`` the tiers at
    its ends; ``determined`` when both ends give ``tier``. ``published`` is the tier the cohort
    file says was published, and ``agreement`` how it compares.
    """

    unit_id: str
    name: str
    total: Decimal
    rank: int
    tier: str | None
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    tier_low: str | None = None
    tier_high: str | None = None
    determined: bool = False
    published: str | None = None
    agreement: Agreement | None = None
    #: Years of a provisional calendar the unit's result used (its total may still change).
    provisional_calendar_years: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class TierCount:
    """One tier of a group: how many units, their share in percent, who they are, and how many
    of them the evidence settles in it. ``members`` (names, in ranking order) is empty when the
    cohort's placements were streamed rather than kept."""

    label: str
    count: int
    share: Decimal
    members: tuple[str, ...]
    determined: int = 0


@attrs.frozen(kw_only=True)
class PublishedComparison:
    """A group's published tiers against its evidence: the published table (counts and shares
    by published tier) and how many units agree, disagree or are undetermined."""

    tiers: tuple[TierCount, ...]
    agrees: int
    disagrees: int
    undetermined: int
    #: Units of the group for which no tier was published.
    unpublished: int


@attrs.frozen(kw_only=True)
class GroupResult:
    """A group's ranking and tier table; ``determined`` counts units whose tier the evidence
    settles. ``placements`` (in ranking order) is empty when they were streamed to
    ``on_placement`` rather than kept (``keep_placements=False``); ``size`` still counts them."""

    name: str
    size: int
    placements: tuple[Placement, ...]
    tiers: tuple[TierCount, ...]
    warnings: tuple[str, ...] = ()
    determined: int = 0
    published: PublishedComparison | None = None


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
    #: Every year of a provisional calendar that some unit's result used.
    provisional_calendar_years: tuple[int, ...] = ()

    def group(self, name: str) -> GroupResult:
        """The group with this name."""
        for group in self.groups:
            if group.name == name:
                return group
        raise KeyError(name)
