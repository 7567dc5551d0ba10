"""One unit's facts scored under several rubrics at once, side by side.

Facts are observations, not conclusions, so the same facts file can be scored under 宣威's rubric
and 砚山's: each rubric gives its own total, range and grade, and where two rubrics include the
same baseline rule (``national.request.answer_deadline``) the comparison lines their verdicts up,
since they judge the same facts by the same rule and differ only in what it costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from govopen_rules.errors import FactsValidationError, UnknownParameterError
from govopen_rules.evaluation.pipeline import evaluate_read, read_input
from govopen_rules.evaluation.results import EvaluationResult, Verdict
from govopen_rules.evaluation.scoring import UncoveredKind
from govopen_rules.facts.model import FactsFile
from govopen_rules.plugins.registry import Registry, default_registry

__all__ = ["Comparison", "SharedRule", "compare"]


@attrs.frozen(kw_only=True)
class SharedRule:
    """A baseline rule that several of the compared rubrics include, and each one's verdicts
    of it (in the order of :attr:`Comparison.results`; empty where a rubric does not include it).
    """

    baseline: str
    title: str
    verdicts: tuple[tuple[Verdict, ...], ...]


@attrs.frozen(kw_only=True)
class Comparison:
    """The results of one facts file under several rubrics, and the baseline rules they share."""

    results: tuple[EvaluationResult, ...]
    shared: tuple[SharedRule, ...] = ()


def _shared(
    results: Sequence[EvaluationResult], titles: Mapping[str, str]
) -> tuple[SharedRule, ...]:
    by_rubric = [
        {b: tuple(v for v in r.verdicts() if v.baseline == b) for b in _baselines(r)}
        for r in results
    ]
    order: dict[str, str] = {}
    for result in results:
        for verdict in result.verdicts():
            if verdict.baseline is not None:
                order.setdefault(verdict.baseline, titles.get(verdict.baseline, verdict.title))
    return tuple(
        SharedRule(
            baseline=baseline,
            title=title,
            verdicts=tuple(found.get(baseline, ()) for found in by_rubric),
        )
        for baseline, title in order.items()
        if sum(baseline in found for found in by_rubric) >= 2
    )


def _baselines(result: EvaluationResult) -> set[str]:
    return {v.baseline for v in result.verdicts() if v.baseline is not None}


def compare(
    facts: FactsFile | Mapping[str, object],
    *,
    regions: Sequence[str],
    year: int | None = None,
    parameters: Mapping[str, object] | None = None,
    registry: Registry | None = None,
    engine: str | None = None,
    uncovered_kind: UncoveredKind = "error",
) -> Comparison:
    """Score ``facts`` under the rubric of each region (for ``year``, by default the facts
    file's) and line up the baseline rules they share.

    ``parameters`` are given to every rubric that has a parameter of that name; a name none of
    the rubrics has is an :class:`UnknownParameterError`. ``uncovered_kind`` is
    :func:`~govopen_rules.evaluate`'s, for every rubric.
    """
    reg = registry or default_registry()
    for region in regions:
        reg.check_region(region)
    # As evaluate() does: an unknown rubric or parameter is reported before any problem in the
    # facts, and the facts' problems are reported together with those found in deriving. The
    # facts are read once (a FactsFile is checked by reading it back), then scored under each.
    draft = None
    if year is None:
        if isinstance(facts, FactsFile) and type(facts.year) is int:
            year = facts.year
        else:
            draft = read_input(facts, reg)
            if draft.year is None:
                raise FactsValidationError(draft.problems)
            year = draft.year
    rubrics = [reg.get_rubric(region, year) for region in regions]
    given = dict(parameters or {})
    unknown = sorted(set(given) - {name for r in rubrics for name in r.parameters})
    if unknown:
        raise UnknownParameterError(
            f"no rubric compared has a parameter {unknown[0]!r} "
            f"({', '.join(r.id for r in rubrics)})"
        )
    runnables = [
        reg.runnable(
            rubric.region,
            year,
            {k: v for k, v in given.items() if k in rubric.parameters},
            engine,
        )
        for rubric in rubrics
    ]
    if draft is None:
        draft = read_input(facts, reg)
    results = tuple(
        evaluate_read(
            draft,
            reg,
            region=rubric.region,
            year=year,
            parameters=None,  # given to its runnable
            engine=engine,
            uncovered_kind=uncovered_kind,
            runnable=runnable,
        )
        for rubric, runnable in zip(rubrics, runnables, strict=True)
    )
    titles = {
        rule_id: str(rule.get("title", rule_id))
        for library in reg.rule_libraries.values()
        for rule_id, rule in library.rules.items()
    }
    return Comparison(results=results, shared=_shared(results, titles))
