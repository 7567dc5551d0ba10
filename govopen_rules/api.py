"""The thin public API: evaluate a unit's facts under an installed rubric."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version

from govopen_rules import plugins
from govopen_rules.compile import CompiledRubric
from govopen_rules.convert import structure_facts_file
from govopen_rules.encode import encode_fact
from govopen_rules.errors import CalendarYearMissingError, FactsValidationError
from govopen_rules.fact_kinds import DeriveContext
from govopen_rules.facts import FactsFile, SelfScore
from govopen_rules.plugins import Registry
from govopen_rules.results import EvaluationResult
from govopen_rules.rubric import Rubric
from govopen_rules.scoring import PreparedFact, score

__all__ = ["evaluate", "get_rubric", "library_version", "rubrics"]


def library_version() -> str:
    """The installed version of govopen-rules (recorded in every result)."""
    try:
        return version("govopen-rules")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


_VERSION = library_version()


def rubrics(*, registry: Registry | None = None) -> list[Rubric]:
    """Every installed rubric."""
    return (registry or plugins.default_registry()).rubrics()


def get_rubric(region: str, year: int, *, registry: Registry | None = None) -> Rubric:
    """The installed rubric for a region and year (an error lists what is installed)."""
    return (registry or plugins.default_registry()).get_rubric(region, year)


def evaluate(
    facts: FactsFile | Mapping[str, object],
    *,
    region: str,
    year: int | None = None,
    parameters: Mapping[str, object] | None = None,
    registry: Registry | None = None,
) -> EvaluationResult:
    """Score one unit's facts under the rubric of ``region`` and ``year``.

    ``facts`` is a :class:`FactsFile` or the plain mapping of a facts JSON file; ``year``
    defaults to the facts file's year. ``parameters`` overrides rubric parameters (assumed point
    values and thresholds) by name. Nothing passed in is modified.
    """
    reg = registry or plugins.default_registry()
    # An unknown rubric is reported before any problem in the facts.
    if year is None:
        reg.check_region(region)
    else:
        runnable = reg.runnable(region, year, parameters)
    facts_file = (
        facts if isinstance(facts, FactsFile) else structure_facts_file(facts, reg.fact_kinds)
    )
    if year is None:
        year = facts_file.year
        runnable = reg.runnable(region, year, parameters)
    elif facts_file.year != year:
        raise FactsValidationError(
            [f"year: the facts are for {facts_file.year}, the rubric asked for is {year}"]
        )
    compiled = runnable.compiled
    prepared, self_scores = _prepare(facts_file, reg, compiled)
    matches = runnable.engine.match([pf.encoded for pf in prepared], check=False)
    result = score(compiled, facts_file.unit, year, prepared, matches, self_scores, _VERSION)
    reg.plugin_manager.hook.govopen_result(result=result)
    return result


def _prepare(
    facts_file: FactsFile, reg: Registry, compiled: CompiledRubric
) -> tuple[list[PreparedFact], dict[str, Decimal]]:
    """Derive and encode the facts the rubric looks at, and collect the self-scores.

    Facts of kinds no rule reads are neither derived nor sent to the engine. Every problem is
    reported with its path.
    """
    ctx = DeriveContext(year=facts_file.year, as_of=facts_file.as_of, calendar=reg.calendar)
    codes = compiled.indicator_codes
    prepared: list[PreparedFact] = []
    self_scores: dict[str, Decimal] = {}
    errors: list[str] = []
    for index, fact in enumerate(facts_file.facts):
        path = f"facts[{index}]"
        if isinstance(fact, SelfScore):
            if fact.indicator not in codes:
                errors.append(
                    f"{path}.indicator: {fact.indicator!r} is not an indicator of "
                    f"{compiled.rubric.id}; "
                    f"indicators: {', '.join(sorted(codes))}"
                )
            self_scores[fact.indicator] = fact.points
            continue
        kind_name: str = type(fact).KIND
        fields = compiled.engine_fields.get(kind_name)
        if fields is None:
            continue
        kind = reg.fact_kinds[kind_name]
        try:
            derived = dict(kind.derive(fact, ctx)) if kind.derive is not None else {}
            encoded = encode_fact(kind, fact, derived, fields)
        except CalendarYearMissingError as exc:
            errors.append(f"{path}: {exc}")
            continue
        except ValueError as exc:
            errors.append(f"{path}.{exc}")
            continue
        prepared.append(
            PreparedFact(index=index, kind=kind_name, fact=fact, derived=derived, encoded=encoded)
        )
    if errors:
        raise FactsValidationError(errors)
    return prepared, self_scores
