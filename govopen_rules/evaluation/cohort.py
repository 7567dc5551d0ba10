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

Memory. Results can be streamed out (``on_result``/``on_json`` with ``keep_results=False``),
and so can the ranking (``on_placement`` with ``keep_placements=False``): then what ranking
needs of each unit, and every unit id seen (duplicates), waits in a temporary SQLite file
(:mod:`.standings_store`) rather than in this process, and is read back group by group in
ranking order (:mod:`.ranking_stored`) — so the parent holds nothing per unit, however large
the cohort. Kept in memory (the default), standings are ranked by :mod:`.ranking`; both ways
share :mod:`.placing` and give the same placements, counts, shares and warnings (a streamed
warning names at most 20 units, then says how many more).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import attrs

from govopen_rules._version import library_version
from govopen_rules.conversion import UNENCODABLE, load_json_document
from govopen_rules.errors import FactsValidationError, GovOpenRulesError
from govopen_rules.evaluation.cohort_results import (
    Agreement,
    CohortResult,
    GroupResult,
    Placement,
    PublishedComparison,
    TierCount,
    UnitFailure,
)
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.placing import Standing, standing_of
from govopen_rules.evaluation.ranking import rank_and_tier
from govopen_rules.evaluation.ranking_stored import group_number, rank_stored
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.evaluation.running import Job, Outcome, result_json, run_jobs
from govopen_rules.evaluation.scoring import UncoveredKind
from govopen_rules.evaluation.standings_store import StandingStore
from govopen_rules.facts.model import FactsFile
from govopen_rules.plugins.calendar_file import CalendarSource, calendar_years
from govopen_rules.plugins.extras import with_additions
from govopen_rules.plugins.registry import Registry, default_registry

__all__ = [
    "Agreement",
    "CohortResult",
    "GroupResult",
    "Placement",
    "PublishedComparison",
    "TierCount",
    "UnitFailure",
    "UnreadableUnit",
    "evaluate_many",
]


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


@attrs.frozen
class UnreadableUnit:
    """A unit its reader could not read (a file that is not UTF-8, too large, not a regular
    file): given among the units, it is a failure with this problem, and the others go on."""

    problem: str


def _parsed_here(facts: object, always: bool) -> tuple[object, str | None]:
    """A unit given as JSON text, parsed in this process when it must be looked into (it
    carries a published tier, or ``always``); other units as given."""
    if isinstance(facts, UnreadableUnit):
        return None, facts.problem
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
    on_placement: Callable[[str, Placement], None] | None = None,
    keep_placements: bool = True,
    on_json_bytes: Callable[[bytes], None] | None = None,
) -> CohortResult:
    """Evaluate every unit, then rank and tier them by the rubric's cohort policy.

    ``units`` is consumed lazily and only a bounded number are in flight; a unit may be given as
    its facts file's JSON text (a line of a JSON Lines file), parsed where it is evaluated.
    ``on_result`` sees each result as it arrives, in input order; with ``keep_results=False``
    results are not kept in the returned cohort, so memory grows only by each unit's standing
    (id, name, kind, total, range: what ranks and tiers need). ``on_json`` (with
    ``keep_results=False`` and no ``on_result``) receives each result as one line of JSON,
    serialised where the unit was evaluated; ``on_json_bytes`` (instead of ``on_json``) receives
    the same JSON as UTF-8 bytes, which cross from a worker and into a file opened in binary
    mode as they are: the fastest way to stream a large cohort to a file (the text is never
    decoded only to be encoded again). A streamed result can be withdrawn: when a later unit
    gives the same id, both fail, and the earlier one's failure lists the later one in
    ``UnitFailure.same_id_as``; a caller writing results out drops those ids' results at the
    end (as ``govopen-rules cohort --results`` does).
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

    ``on_placement(group_name, placement)`` sees every placement once ranking is done, group by
    group (the rubric's order), each group in ranking order: the order of
    ``GroupResult.placements``. With ``keep_placements=False`` placements are not kept: each
    unit's standing and id wait in a temporary SQLite file (in a folder of its own under the
    system's temporary directory, ``TMPDIR``; removed when the cohort is done or fails) instead
    of in memory, are read back group by group in ranking order, and each placement goes to
    ``on_placement`` as it is decided. The returned groups then have no ``placements`` and
    every ``TierCount.members`` is empty; every count, share, rank, tier, quota move and
    published comparison is what the kept placements give, and so are the warnings, except that
    a warning names at most 20 units (or unknown published tiers) and then says how many more.
    With ``keep_results=False`` as well, the parent's memory stays flat in the number of units;
    failures and the ids of units no group admits are still listed in full (each is a problem
    to read).
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

    if on_json is not None and on_json_bytes is not None:
        raise ValueError("pass on_json (text) or on_json_bytes (UTF-8 bytes), not both")
    streamed = on_json is not None or on_json_bytes is not None
    as_json = streamed and on_result is None and not keep_results
    json_bytes = on_json_bytes is not None
    wants_results = keep_results or on_result is not None
    if streamed and not as_json:
        raise ValueError(
            "on_json and on_json_bytes stream results as JSON: use them with keep_results=False "
            "and no on_result"
        )

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
                    index, facts, region, year, parameters, reg, engine, as_json, json_bytes
                )
                continue
            yield Job(
                index,
                facts,
                region,
                year,
                parameters,
                engine,
                standing_of,
                as_json,
                *sent,
                return_result=wants_results,
                json_bytes=json_bytes,
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

    grading = runnable.compiled.grading
    with ExitStack() as cleanup:
        standings: _KeptStandings | StandingStore = (
            _KeptStandings()
            if keep_placements
            else cleanup.enter_context(StandingStore(group_number(grading)))
        )
        results: dict[int, EvaluationResult] = {}
        failures: dict[int, tuple[str, ...]] = {}
        failed_identity: dict[int, tuple[str | None, str | None]] = {}
        # The other units that gave each failed unit's id (duplicates).
        same_id: dict[int, tuple[int, ...]] = {}
        for outcome in outcomes():
            index = outcome.index
            identity = identities.pop(index)  # only units in flight are kept
            tier = tiers_published.pop(index, None)
            if outcome.identity != (None, None):
                identity = outcome.identity  # the worker read it from the unit's JSON text
            unit_id = identity[0]
            # Ids written in two Unicode forms (é as one code point or two) look the same in
            # a 通报: they are one id.
            claimed = unicodedata.normalize("NFC", unit_id) if isinstance(unit_id, str) else None
            first = standings.claim(claimed, index) if claimed is not None else None
            if first is not None:
                failures[index] = (f"unit.id: {unit_id!r} is also the id of units[{first}]",)
                failed_identity[index] = identity
                # The first unit's id and name as it gave them (in its own Unicode form); it
                # has no standing when it failed too, and its identity is kept already.
                dropped = standings.drop(first)
                failed_identity.setdefault(first, dropped or (unit_id, None))
                results.pop(first, None)
                also = f"unit.id: {failed_identity[first][0]!r} is also the id of units[{index}]"
                failures[first] = (*failures.get(first, ()), also)
                same_id[index] = (first,)
                same_id[first] = (*same_id.get(first, ()), index)
                continue
            if not outcome.ok:
                failures[index] = outcome.errors
                failed_identity[index] = identity
                continue
            if tier is None and published is not None and unit_id is not None:
                tier = published.get(unit_id)
            standings.add(index, attrs.evolve(outcome.summary, published=tier))
            if outcome.result is not None:
                if keep_results:
                    results[index] = outcome.result
                if on_result is not None:
                    on_result(outcome.result)
            text = outcome.text
            if text is not None:  # in the form asked for, whatever a worker sent
                if on_json_bytes is not None:
                    on_json_bytes(_utf8(text))
                elif on_json is not None:
                    on_json(text.decode() if isinstance(text, bytes) else text)
        if isinstance(standings, _KeptStandings):
            groups, ungrouped = rank_and_tier(standings.in_input_order(), grading)
            if on_placement is not None:
                for group in groups:
                    for placement in group.placements:
                        on_placement(group.name, placement)
        else:
            groups, ungrouped = rank_stored(standings, grading, on_placement)
        provisional = standings.provisional_years()
    return CohortResult(
        region=region,
        year=year,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        library_version=library_version(),
        results=tuple(results[i] for i in sorted(results)),
        failures=tuple(
            UnitFailure(
                index=i,
                unit_id=failed_identity[i][0],
                name=failed_identity[i][1],
                errors=errors,
                same_id_as=same_id.get(i, ()),
            )
            for i, errors in sorted(failures.items())
        ),
        groups=groups,
        ungrouped=ungrouped,
        provisional_calendar_years=tuple(provisional),
    )


def _utf8(text: str | bytes) -> bytes:
    """A result's JSON text as UTF-8 (a worker of another version may send text), with any
    surrogate written as its escape (see :func:`~govopen_rules.to_json_bytes`)."""
    return text if isinstance(text, bytes) else text.encode("utf-8", UNENCODABLE)


class _KeptStandings:
    """Standings in memory, by input index, with the first index of every unit id (the
    interface of :class:`~.standings_store.StandingStore`)."""

    def __init__(self) -> None:
        self._first: dict[str, int] = {}
        self._standings: dict[int, Standing] = {}

    def claim(self, unit_id: str, index: int) -> int | None:
        """Record that unit ``index`` has this id; the index of an earlier unit that has it."""
        first = self._first.get(unit_id)
        if first is None:
            self._first[unit_id] = index
        return first

    def add(self, index: int, standing: Standing) -> None:
        self._standings[index] = standing

    def drop(self, index: int) -> tuple[str, str] | None:
        """Forget unit ``index``'s standing; its id and name, if it had a standing."""
        standing = self._standings.pop(index, None)
        return None if standing is None else (standing.unit.id, standing.unit.name)

    def in_input_order(self) -> list[Standing]:
        return [self._standings[i] for i in sorted(self._standings)]

    def provisional_years(self) -> list[int]:
        return sorted({y for s in self._standings.values() for y in s.provisional_calendar_years})


def _evaluate_here(
    index: int,
    facts: object,
    region: str,
    year: int,
    parameters: Mapping[str, object] | None,
    reg: Registry,
    engine: str | None,
    as_json: bool,
    json_bytes: bool = False,
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
        return Outcome(index, text=result_json(result, json_bytes), summary=standing_of(result))
    return Outcome(index, result=result, summary=standing_of(result))
