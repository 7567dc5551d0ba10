"""Evaluate a cohort of units together: rank them within groups, assign tiers, count shares.

Published tier tables print each tier's count and share of its group at a fixed precision
(15/46 → 32.61 %); shares here are rounded half up at the rubric's ``share_decimals`` so they
print as such tables print them. Any ``concurrent.futures.Executor`` may run the
evaluations: a process pool scales (durable-rules holds the GIL, threads do not), and a Dask
``Client.get_executor()`` reaches past one machine. The result is the same whichever runs it.

A cohort never loses work: a unit whose facts are invalid, whose evaluation fails in any way or
whose worker dies is a :class:`UnitFailure` with its reasons (see :mod:`.running`), and every
other unit is still evaluated, ranked and tiered. Two units with the same id are both failures
naming each other: a 通报 cannot place the same unit twice.

Each placement says whether the evidence settles its tier (both ends of the unit's score range
give it). A unit entry may carry the tier a 通报 **published** for it (``"published": {"tier":
"优秀", "source": "…"}``, beside ``unit`` and ``facts``): it is taken off before evaluation, so no
rule can read it, and compared with what the evidence allows: it ``agrees`` (the evidence
settles that tier), ``disagrees`` (the evidence rules that tier out) or is ``undetermined`` (the
evidence allows it and other tiers).

Where a unit's result used a provisional calendar (a year with no official holiday
arrangement), its placement says which years, and so does the cohort. The official arrangement
can be given (``calendar=``, ``--calendar FILE``): files are read here, once, and their years
travel with every unit to whatever process evaluates it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from govopen_rules._version import library_version
from govopen_rules.conversion import load_json_document, to_json
from govopen_rules.errors import FactsValidationError, GovOpenRulesError
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import EvaluationResult, ScoreRange
from govopen_rules.evaluation.running import Job, Outcome, run_jobs
from govopen_rules.evaluation.scoring import UncoveredKind
from govopen_rules.exact import percent_of
from govopen_rules.facts.model import FactsFile, Unit
from govopen_rules.plugins.calendar_file import CalendarSource, calendar_years
from govopen_rules.plugins.extras import with_additions
from govopen_rules.plugins.registry import Registry, default_registry
from govopen_rules.rubric.grades import GradeScale, Grading, ResolvedGroup

__all__ = [
    "Agreement",
    "CohortResult",
    "GroupResult",
    "Placement",
    "PublishedComparison",
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
    of them the evidence settles in it."""

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
    settles."""

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


@attrs.frozen(kw_only=True)
class _Published:
    tier: str
    source: str = ""


def _take_published(facts: object) -> tuple[object, _Published | None, str | None]:
    """The unit entry without its ``published`` tier (no rule may read it), the tier, and the
    problem when it is malformed."""
    if not isinstance(facts, Mapping) or "published" not in facts:
        return facts, None, None
    rest = {k: v for k, v in facts.items() if k != "published"}
    raw = facts["published"]
    if raw is None:
        return rest, None, None
    if (
        isinstance(raw, Mapping)
        and isinstance(raw.get("tier"), str)
        and isinstance(raw.get("source", ""), str)
        and set(raw) <= {"tier", "source"}
    ):
        return rest, _Published(tier=raw["tier"], source=raw.get("source", "")), None
    return rest, None, f'published: expected {{"tier": <label>, "source": <text>}}, got {raw!r}'


def _parsed_here(facts: object, always: bool) -> tuple[object, str | None]:
    """A unit given as JSON text, parsed in this process when it must be looked into (it
    carries a published tier, or ``always``); other units as given."""
    if not isinstance(facts, (str, bytes)):
        return facts, None
    marker = "published" if isinstance(facts, str) else b"published"
    if not always and marker not in facts:  # type: ignore[operator]
        return facts, None
    try:
        return load_json_document(facts), None
    except ValueError as exc:
        return facts, f"not JSON: {exc}"[:500]


def _unit_kind(facts: object) -> object:
    if isinstance(facts, FactsFile):
        return facts.unit.kind
    if isinstance(facts, Mapping) and isinstance(facts.get("unit"), Mapping):
        return facts["unit"].get("kind")
    return None


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
    range: ScoreRange
    published: str | None = None
    provisional_calendar_years: tuple[int, ...] = ()


def _standing_of(result: EvaluationResult) -> _Standing:
    """Computed where the unit is evaluated (module level, so workers can run it)."""
    return _Standing(
        result.unit,
        result.total,
        result.vetoed,
        result.range,
        provisional_calendar_years=result.provisional_calendar_years,
    )


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
    published: Mapping[str, str] | None = None,
    uncovered_kind: UncoveredKind = "error",
    calendar: Iterable[CalendarSource] = (),
    rubric_files: Iterable[Path | str] = (),
) -> CohortResult:
    """Evaluate every unit, then rank and tier them by the rubric's cohort policy.

    ``units`` is consumed lazily and only a bounded number are in flight; a unit may be given as
    its facts file's JSON text (a line of a JSON Lines file), parsed where it is evaluated.
    ``on_result`` sees each result as it arrives, in input order; with ``keep_results=False``
    results are not kept in the returned cohort, so memory grows only by each unit's standing
    (id, name, kind, total, range: what ranks and tiers need). ``on_json`` (with
    ``keep_results=False`` and no ``on_result``) receives each result as one line of JSON,
    serialised where the unit was evaluated: the fastest way to stream a large cohort to a file.
    With an ``executor``, each unit is evaluated where the executor runs it, using that
    process's installed plugins (a custom ``registry`` cannot travel to another process).

    ``published`` maps unit ids to the tier a 通报 published for them (a unit entry's own
    ``published`` field wins); it is compared, never evaluated. ``uncovered_kind`` is passed to
    :func:`~govopen_rules.evaluate` (units of kinds the rubric does not cover fail, or with
    ``"not_applicable"`` are scored with every rule not applicable, in this process).

    ``calendar`` gives the official holiday arrangement of years the installed
    ``chinesecalendar`` lacks: :class:`~govopen_rules.HolidayYear` items or calendar files'
    paths (read here, before any unit; a later one wins for the same year). Their years are
    added to ``registry`` and travel with every unit to an executor's workers, so the cohort is
    the same in one process or many; without them such years are provisional and marked.

    ``rubric_files`` are rubric files to use besides the installed rubrics (a draft, or a
    year's rubric that ``extends`` an installed one): added to ``registry`` (a file that does
    not load is a :class:`~govopen_rules.PluginError`), and sent to an executor's workers as
    absolute paths, which must be readable where they run (the same machine, or a file system
    the cluster shares).
    """
    if executor is not None and registry is not None:
        raise ValueError("pass either an executor or a registry: workers use their own plugins")
    years = calendar_years(calendar)
    files = tuple(str(Path(path).resolve()) for path in rubric_files)
    reg = with_additions(registry or default_registry(), calendar=years, rubric_files=files)
    sent = (years, files) if executor is not None else ((), ())
    runnable = reg.runnable(region, year, parameters, engine)
    rubric = runnable.compiled.rubric
    covers = rubric.unit_kinds
    look_at_kind = uncovered_kind == "not_applicable" and bool(covers)
    identities: dict[int, tuple[str | None, str | None]] = {}
    tiers_published: dict[int, str] = {}
    # Outcomes produced here rather than by a job: malformed units or ``published`` fields, and
    # units the rubric does not cover when the caller asked for them to be scored not applicable.
    local: dict[int, Outcome] = {}

    as_json = on_json is not None and on_result is None and not keep_results
    if on_json is not None and not as_json:
        raise ValueError("on_json streams results as text: use it with keep_results=False")

    def jobs() -> Iterator[Job]:
        for index, given in enumerate(units):
            facts, problem = _parsed_here(given, always=look_at_kind)
            identities[index] = _identity(facts)
            facts, tier, problem = (facts, None, problem) if problem else _take_published(facts)
            if problem is not None:
                local[index] = Outcome(index, errors=(problem,))
                continue
            if tier is not None:
                tiers_published[index] = tier.tier
            if look_at_kind and _unit_kind(facts) not in covers:
                local[index] = _evaluate_here(
                    index, facts, region, year, parameters, reg, engine, as_json
                )
                continue
            yield Job(
                index, facts, region, year, parameters, engine, _standing_of, as_json, *sent
            )

    def outcomes() -> Iterator[Outcome]:
        """Every outcome in input order: the jobs' and those produced here."""
        done = 0
        for outcome in run_jobs(jobs(), executor=executor, registry=reg):
            while done < outcome.index:
                if done in local:
                    yield local.pop(done)
                done += 1
            yield outcome
            done = outcome.index + 1
        yield from (local.pop(i) for i in sorted(local))

    first_place: dict[str, int] = {}
    standings: dict[int, _Standing] = {}
    results: dict[int, EvaluationResult] = {}
    failures: dict[int, tuple[str, ...]] = {}
    failed_identity: dict[int, tuple[str | None, str | None]] = {}
    for outcome in outcomes():
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
        tier = tiers_published.pop(index, None)
        if tier is None and published is not None and unit_id is not None:
            tier = published.get(unit_id)
        standings[index] = attrs.evolve(outcome.summary, published=tier)
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
    provisional = sorted({y for s in standings.values() for y in s.provisional_calendar_years})
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
        provisional_calendar_years=tuple(provisional),
    )


def _evaluate_here(
    index: int,
    facts: object,
    region: str,
    year: int,
    parameters: Mapping[str, object] | None,
    reg: Registry,
    engine: str | None,
    as_json: bool,
) -> Outcome:
    """One unit evaluated in this process with every rule not applicable (its kind is not
    covered); a failure is its outcome, as for a job."""
    try:
        data: Any = facts
        result = evaluate(
            data,
            region=region,
            year=year,
            parameters=parameters,
            registry=reg,
            engine=engine,
            uncovered_kind="not_applicable",
        )
    except FactsValidationError as exc:
        return Outcome(index, errors=exc.errors or ("invalid facts",))
    except GovOpenRulesError as exc:
        return Outcome(index, errors=(str(exc),))
    if as_json:
        return Outcome(index, text=to_json(result, indent=None), summary=_standing_of(result))
    return Outcome(index, result=result, summary=_standing_of(result))


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
    labels = list(group.scale.labels)
    if group.scale.veto_grade and group.scale.veto_grade not in labels:
        labels.append(group.scale.veto_grade)
    placements = tuple(
        _placement(r, rank, tier, labels)
        for r, rank, tier in zip(ordered, ranks, tiers, strict=True)
    )
    size = len(ordered)

    def table(tier_of: Callable[[Placement], str | None]) -> tuple[TierCount, ...]:
        return tuple(
            TierCount(
                label=label,
                count=len(members),
                share=percent_of(len(members), size, grading.share_decimals),
                members=tuple(p.name for p in members),
                determined=sum(1 for p in members if p.determined and p.tier == label),
            )
            for label in labels
            for members in [[p for p in placements if tier_of(p) == label]]
        )

    published = None
    if any(p.published is not None for p in placements):
        unknown = sorted({p.published for p in placements if p.published} - set(labels))
        if unknown:
            warnings += (f"published tiers {unknown} are not grades of this group",)
        published = PublishedComparison(
            tiers=table(lambda p: p.published),
            agrees=sum(1 for p in placements if p.agreement is Agreement.AGREES),
            disagrees=sum(1 for p in placements if p.agreement is Agreement.DISAGREES),
            undetermined=sum(1 for p in placements if p.agreement is Agreement.UNDETERMINED),
            unpublished=sum(1 for p in placements if p.published is None),
        )
    return GroupResult(
        name=group.name,
        size=size,
        placements=placements,
        tiers=table(lambda p: p.tier),
        warnings=warnings,
        determined=sum(1 for p in placements if p.determined),
        published=published,
    )


def _placement(r: _Standing, rank: int, tier: str | None, labels: Sequence[str]) -> Placement:
    """A unit's placement with the tiers at the ends of its range and, where a tier was
    published, how it compares."""
    low, high = r.range.low_grade, r.range.high_grade
    determined = low == high == tier
    agreement = None
    if r.published is not None:
        if determined:
            agreement = Agreement.AGREES if r.published == tier else Agreement.DISAGREES
        else:
            allowed = _between(labels, high, low)
            agreement = Agreement.UNDETERMINED if r.published in allowed else Agreement.DISAGREES
    return Placement(
        unit_id=r.unit.id,
        name=r.unit.name,
        total=r.total,
        rank=rank,
        tier=tier,
        low=r.range.low,
        high=r.range.high,
        tier_low=low,
        tier_high=high,
        determined=determined,
        published=r.published,
        agreement=agreement,
        provisional_calendar_years=r.provisional_calendar_years,
    )


def _between(labels: Sequence[str], high: str | None, low: str | None) -> set[str]:
    """The tiers from ``high`` down to ``low`` (labels are highest first; None is below all)."""

    def position(label: str | None) -> int:
        return labels.index(label) if label in labels else len(labels)

    return set(labels[position(high) : position(low) + 1])


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
