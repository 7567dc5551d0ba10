"""The evaluation pipeline, one step per function, in the order they run:

1. **structure**: a facts mapping becomes a typed :class:`FactsFile` (every problem with its path);
2. **derive**: each fact kind's deriver measures what the rubric compares (working-day delays…);
3. **encode**: facts and measures become the flat values every engine compares;
4. **match**: the rubric's engine finds which facts each selection matches;
5. **score** and **grade**: verdicts, caps, floor, veto, bonus and the grade, in Decimal;
6. **notify**: observers (``govopen_result``) see the finished result.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping
from decimal import Decimal

from govopen_rules._version import library_version
from govopen_rules.conversion import CONVERTER, unstructure
from govopen_rules.errors import CalendarYearMissingError, FactsValidationError
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.evaluation.scoring import PreparedFact, UncoveredKind, score
from govopen_rules.facts.convert import FactsDraft, read_facts
from govopen_rules.facts.encoding import encode_fact
from govopen_rules.facts.kinds import DeriveContext
from govopen_rules.facts.model import FactsFile, SelfScore
from govopen_rules.plugins.registry import Registry, Runnable, default_registry
from govopen_rules.rubric.compiler import CompiledRubric

__all__ = ["evaluate"]

_VERSION = library_version()


def evaluate(
    facts: FactsFile | Mapping[str, object],
    *,
    region: str,
    year: int | None = None,
    parameters: Mapping[str, object] | None = None,
    registry: Registry | None = None,
    engine: str | None = None,
    uncovered_kind: UncoveredKind = "error",
) -> EvaluationResult:
    """Score one unit's facts under the rubric of ``region`` and ``year``.

    ``facts`` is a :class:`FactsFile` or the plain mapping of a facts JSON file; ``year``
    defaults to the facts file's year. ``parameters`` overrides rubric parameters (assumed point
    values and thresholds) by name. ``engine`` picks the matching engine for this call
    (default: the registry's); the result records which one ran. A unit whose kind the
    rubric's ``unit_kinds`` does not cover is refused (:class:`FactsValidationError` naming the
    kinds covered) unless ``uncovered_kind="not_applicable"`` asks for every rule to be
    ``not_applicable``. Nothing passed in is modified.
    """
    reg = registry or default_registry()
    # An unknown rubric is reported before any problem in the facts.
    runnable = None
    if year is None:
        reg.check_region(region)
    else:
        runnable = reg.runnable(region, year, parameters, engine)
    return evaluate_read(
        read_input(facts, reg),
        reg,
        region=region,
        year=year,
        parameters=parameters,
        engine=engine,
        uncovered_kind=uncovered_kind,
        runnable=runnable,
    )


def read_input(facts: FactsFile | Mapping[str, object], reg: Registry) -> FactsDraft:
    """What :func:`evaluate` reads of its ``facts``: a mapping structured, a :class:`FactsFile`
    read back (see :func:`_read_back`). Read once, a draft can be scored under several rubrics
    (:func:`~govopen_rules.compare`)."""
    if isinstance(facts, FactsFile):
        return _read_back(facts, reg)
    return read_facts(facts, reg.fact_kinds)


def evaluate_read(
    draft: FactsDraft,
    reg: Registry,
    *,
    region: str,
    year: int | None,
    parameters: Mapping[str, object] | None,
    engine: str | None,
    uncovered_kind: UncoveredKind,
    runnable: Runnable | None = None,
) -> EvaluationResult:
    """:func:`evaluate` on facts already read (``runnable``: the rubric's, when known)."""
    # Problems in the facts are collected here and in deriving, then reported together.
    if draft.year is None:
        raise FactsValidationError(draft.problems)
    if year is None:
        year = draft.year
    elif draft.year != year:
        raise FactsValidationError(
            [f"year: the facts are for {draft.year}, the rubric asked for is {year}"]
        )
    if runnable is None:
        runnable = reg.runnable(region, year, parameters, engine)
    compiled = runnable.compiled
    prepared, self_scores = _derive_and_encode(draft, reg, compiled)  # raises on any problem
    assert draft.unit is not None
    matches = runnable.engine.match([pf.encoded for pf in prepared], check=False)
    result = score(
        compiled,
        draft.unit,
        year,
        prepared,
        matches,
        self_scores,
        _VERSION,
        uncovered_kind,
        engine=runnable.engine_name,
    )
    reg.notify_result(result)
    return result


def _read_back(facts: FactsFile, reg: Registry) -> FactsDraft:
    """A :class:`FactsFile` checked as a facts mapping is: its classes do not check types, so one
    built by hand with a dict for a fact, a float self-score or a date as text crashed deep in
    scoring, and ``missing_reply_elements="ab"`` counted two missing elements. Its plain data is
    read back, and every problem is named with its path, as in a facts file."""
    # Text where a list belongs would be read back as a list of its characters.
    problems = [
        f"facts[{i}].{name}: expected a list, got {type(value).__name__} {value!r}"[:300]
        for i, fact in enumerate(facts.facts)
        for name in _list_fields(fact.__class__)
        if not isinstance(value := getattr(fact, name, None), (tuple, list, type(None)))
    ]
    if problems:
        raise FactsValidationError(problems)
    try:
        data = unstructure(facts)
    except Exception as exc:  # not even plain data: say where, as far as that can be found
        where = _unplain(facts)
        raise FactsValidationError(
            [f"{where}: the FactsFile cannot be read back as facts ({type(exc).__name__}: {exc})"]
        ) from None
    return read_facts(data, reg.fact_kinds)


def _unplain(facts: FactsFile) -> str:
    """The path of the first value of a facts file that cannot be made plain data as its
    field's type says (a date given as text, a set); ``$`` when no one value is to blame."""
    for path, value in (
        ("unit", facts.unit),
        *((f"facts[{i}]", fact) for i, fact in enumerate(facts.facts)),
        ("", facts),  # its own fields (as_of)
    ):
        try:
            hints = typing.get_type_hints(type(value))
        except Exception:  # not a class of ours
            return path or "$"
        for name, hint in hints.items():
            if name == "facts" or name == "unit":
                continue  # each seen above
            try:
                CONVERTER.unstructure(getattr(value, name, None), unstructure_as=hint)
            except Exception:
                return f"{path}.{name}" if path else name
    return "$"


@functools.lru_cache(maxsize=1024)
def _list_fields(cls: type[object]) -> tuple[str, ...]:
    """The fields of a fact class that hold a list (a tuple, or None)."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # not a class of ours: read back as it is
        return ()
    found = []
    for name, hint in hints.items():
        options = typing.get_args(hint) if typing.get_origin(hint) in _UNIONS else (hint,)
        if any(typing.get_origin(option) is tuple for option in options):
            found.append(name)
    return tuple(found)


_UNIONS = (typing.Union, types.UnionType)


def _derive_and_encode(
    facts: FactsDraft | FactsFile, reg: Registry, compiled: CompiledRubric
) -> tuple[list[PreparedFact], dict[str, Decimal]]:
    """Derive and encode the facts the rubric looks at, and collect the self-scores.

    Facts of kinds no rule reads are neither derived nor sent to the engine. Every problem is
    reported with its path, with those found in structuring (a draft's).
    """
    draft = facts if isinstance(facts, FactsDraft) else FactsDraft.of(facts)
    assert draft.year is not None
    ctx = DeriveContext(year=draft.year, as_of=draft.as_of, calendar=reg.calendar)
    # Which provisional calendar years each fact's measures used, so that the verdicts and
    # evidence resting on it say so.
    used = reg.calendar.track_provisional()
    evaluation_years: set[int] = set()
    codes = compiled.indicator_codes
    engine_fields = compiled.engine_fields
    rubric_kinds = compiled.fact_kinds
    prepared: list[PreparedFact] = []
    self_scores: dict[str, Decimal] = {}
    errors: list[str] = list(draft.problems)
    for index, fact in draft.facts:
        if isinstance(fact, SelfScore):
            if fact.indicator not in codes:
                errors.append(
                    f"facts[{index}].indicator: {fact.indicator!r} is not an indicator of "
                    f"{compiled.rubric.id}; "
                    f"indicators: {', '.join(sorted(codes))}"
                )
            self_scores[fact.indicator] = fact.points
            continue
        kind_name: str = type(fact).KIND
        fields = engine_fields.get(kind_name)
        if fields is None:
            continue
        kind = rubric_kinds.get(kind_name) or reg.fact_kinds[kind_name]
        try:
            measured = kind.derive(fact, ctx) if kind.derive is not None else {}
            derived = measured if type(measured) is dict else dict(measured)
            encoded = encode_fact(kind, fact, derived, fields)
        except CalendarYearMissingError as exc:
            errors.append(f"facts[{index}]: {exc}")
            used.clear()  # what this fact touched is no other fact's
            continue
        except ValueError as exc:
            errors.append(f"facts[{index}].{exc}")
            used.clear()
            continue
        provisional: tuple[int, ...] = ()
        if used:
            provisional = tuple(sorted(used))
            evaluation_years |= used
            used.clear()
        prepared.append(PreparedFact(index, kind_name, fact, derived, encoded, provisional))
    # Afterwards the calendar reports the whole evaluation's years, as it did before facts were
    # told apart (``WorkdayCalendar.provisional_used``).
    used |= evaluation_years
    if errors:
        raise FactsValidationError(errors)
    return prepared, self_scores
