"""Rubric mutation testing: would the case files notice a wrong threshold or point value?

Rule coverage shows that every rule was seen deducted and clear; it does not show that a test
would fail if "3 working days" became 4, or 0.5 points 0.6. A *mutant* is the rubric with one
number changed (:mod:`govopen_rules.testing.mutants`). It is *killed* when a case that expects
something the change can alter (the rule's verdict, its indicator, the total, the grade) fails,
and *survives* when every such case still passes: then no test pins that number.

Each case is structured, derived and encoded once, as
:func:`~govopen_rules.evaluation.pipeline.evaluate` does it, and must pass on the unchanged
rubric. A mutant is applied once per parameter set, re-matches only the selections it changed
(with the plain-Python engine, which matches exactly as durable-rules does), and is scored for
each case that reads it, until one fails. Mutants run in parallel over the cores (forked worker
processes; in one process where forking is not available or safe).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

import attrs

from govopen_rules._version import library_version
from govopen_rules.engines.protocol import Match
from govopen_rules.engines.reference import ReferenceEngine
from govopen_rules.errors import FactsValidationError, GovOpenRulesError
from govopen_rules.evaluation.pipeline import _derive_and_encode as derive_and_encode
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.evaluation.scoring import PreparedFact, score
from govopen_rules.facts.convert import structure_facts_file
from govopen_rules.facts.model import Unit
from govopen_rules.plugins.registry import Registry
from govopen_rules.rubric.compiler import CompiledRubric, compile_rubric
from govopen_rules.testing.cases import Case, compare
from govopen_rules.testing.mutants import Applied, Mutant, generate_mutants

__all__ = [
    "BaselineError",
    "MutantResult",
    "MutationReport",
    "RubricMutation",
    "as_json",
    "render_report",
    "run_mutation",
]


class BaselineError(GovOpenRulesError):
    """A case fails on the unchanged rubric: mutation testing needs passing cases."""


# --- running -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Prepared:
    """A case evaluated once on the unchanged rubric: what every mutant re-scores."""

    case: Case
    params_key: tuple[tuple[str, str], ...]
    compiled: CompiledRubric
    unit: Unit
    #: The case's facts, derived and encoded, as the engine and the scoring see them.
    facts: tuple[PreparedFact, ...]
    encoded: tuple[Mapping[str, object], ...]
    self_scores: Mapping[str, Decimal]
    matches: tuple[Match, ...]
    #: What the case expects, in the terms of :attr:`Mutant.reads`.
    observes: frozenset[str]


def _observes(case: Case) -> frozenset[str]:
    expect = case.expect
    seen: set[str] = {key for key in ("total", "grade", "vetoed") if key in expect}
    seen |= {f"verdict:{rule_id}" for rule_id in expect.get("verdicts", {})}
    seen |= {f"indicator:{code}" for code in expect.get("indicators", {})}
    return frozenset(seen)


def _params_key(case: Case) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in case.parameters.items()))


_VERSION = library_version()


def _prepare(
    case: Case, registry: Registry, compiled_by_params: dict[tuple[Any, ...], CompiledRubric]
) -> _Prepared:
    key = (case.region, case.year, _params_key(case))
    if key not in compiled_by_params:
        rubric = registry.get_rubric(case.region, case.year)
        compiled_by_params[key] = compile_rubric(
            rubric, registry.fact_kinds, case.parameters or None
        )
    compiled = compiled_by_params[key]
    try:
        facts_file = structure_facts_file(case.facts_file, registry.fact_kinds)
        prepared, self_scores = derive_and_encode(facts_file, registry, compiled)
    except FactsValidationError as exc:
        raise BaselineError(
            f"case {case.name!r} ({case.source}) fails on the unchanged rubric: "
            + "; ".join(exc.errors)
        ) from None
    encoded = tuple(pf.encoded for pf in prepared)
    matches = tuple(ReferenceEngine(compiled.selections).match(encoded, check=False))
    state = _Prepared(
        case=case,
        params_key=_params_key(case),
        compiled=compiled,
        unit=facts_file.unit,
        facts=tuple(prepared),
        encoded=encoded,
        self_scores=self_scores,
        matches=matches,
        observes=_observes(case),
    )
    failed = compare(case, _score(state, compiled, state.matches))
    if failed:
        shown = "; ".join(f"{m.what}: expected {m.expected}, actual {m.actual}" for m in failed)
        raise BaselineError(
            f"case {case.name!r} ({case.source}) fails on the unchanged rubric: {shown}"
        )
    return state


def _score(
    state: _Prepared, compiled: CompiledRubric, matches: Sequence[Match]
) -> EvaluationResult:
    return score(
        compiled,
        state.unit,
        state.case.year,
        state.facts,
        matches,
        state.self_scores,
        _VERSION,
    )


@attrs.frozen(kw_only=True)
class MutantResult:
    """What the cases made of one mutant."""

    mutant: Mutant
    killed: bool
    #: The first case that failed, and how.
    killed_by: str = ""
    detail: str = ""
    #: How many cases read the mutant and ran.
    cases_run: int = 0


def _try_mutant(mutant: Mutant, states: Sequence[_Prepared]) -> MutantResult:
    """Run the cases that read the mutant until one fails."""
    applied: dict[tuple[tuple[str, str], ...], Applied | None] = {}
    ran = 0
    for state in states:
        if state.params_key not in applied:
            applied[state.params_key] = mutant.edit.apply(state.compiled)
        change = applied[state.params_key]
        if change is None:  # not valid under this case's parameters
            continue
        matches: Sequence[Match] = state.matches
        if change.added:
            extra = ReferenceEngine(change.added).match(state.encoded, check=False)
            matches = [*state.matches, *extra]
        ran += 1
        failed = compare(state.case, _score(state, change.compiled, matches))
        if failed:
            first = failed[0]
            return MutantResult(
                mutant=mutant,
                killed=True,
                killed_by=f"{state.case.name} ({state.case.source})",
                detail=f"{first.what}: expected {first.expected}, actual {first.actual}",
                cases_run=ran,
            )
    return MutantResult(mutant=mutant, killed=False, cases_run=ran)


#: What forked workers read: the mutants and the prepared cases each one runs against.
_WORK: tuple[Sequence[Mutant], Sequence[Sequence[_Prepared]]] = ((), ())


def _run_chunk(indices: Sequence[int]) -> list[MutantResult]:
    mutants, cases = _WORK
    return [_try_mutant(mutants[i], cases[i]) for i in indices]


def _fork_available() -> bool:
    """Workers are forked (they inherit the prepared cases); not on macOS, where forking a
    process that has loaded system frameworks is unsafe."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def _run_all(
    mutants: Sequence[Mutant], cases: Sequence[Sequence[_Prepared]], jobs: int
) -> tuple[list[MutantResult], int]:
    """Every mutant's result in order, and the number of worker processes used."""
    global _WORK
    if jobs <= 1 or len(mutants) < 2 * jobs or not _fork_available():
        return [_try_mutant(m, c) for m, c in zip(mutants, cases, strict=True)], 1
    _WORK = (mutants, cases)  # inherited by the forked workers, never pickled
    try:
        size = max(1, len(mutants) // (jobs * 8))
        chunks = [range(i, min(i + size, len(mutants))) for i in range(0, len(mutants), size)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = [r for part in pool.map(_run_chunk, chunks) for r in part]
    finally:
        _WORK = ((), ())
    return results, jobs


@attrs.frozen(kw_only=True)
class RubricMutation:
    """The mutants of one rubric and what became of them."""

    rubric_id: str
    cases: int
    results: tuple[MutantResult, ...]

    @property
    def killed(self) -> int:
        """Mutants some case noticed."""
        return sum(r.killed for r in self.results)

    @property
    def survived(self) -> tuple[MutantResult, ...]:
        """Mutants no case noticed."""
        return tuple(r for r in self.results if not r.killed)

    @property
    def percent(self) -> float:
        """Share of mutants killed (100 when there are none)."""
        if not self.results:
            return 100.0
        return 100.0 * self.killed / len(self.results)


@attrs.frozen(kw_only=True)
class MutationReport:
    """Every rubric's mutants, the time taken and the worker processes used."""

    rubrics: tuple[RubricMutation, ...]
    seconds: float
    workers: int

    def below(self, floor: float) -> list[RubricMutation]:
        """Rubrics whose share of killed mutants is under ``floor`` percent."""
        return [r for r in self.rubrics if r.percent < floor]


def run_mutation(
    cases: Iterable[Case],
    registry: Registry,
    *,
    jobs: int | None = None,
    only: Iterable[str] = (),
) -> MutationReport:
    """Mutate every rubric the cases test (or those in ``only``) and run the cases against
    each mutant, over ``jobs`` processes (default: every core).

    Cases that expect the facts to be rejected (``errors``) read no rule and do not run.
    Raises :class:`BaselineError` when a case fails on the unchanged rubric.
    """
    started = time.perf_counter()
    wanted = set(only)
    by_rubric: dict[str, list[_Prepared]] = {}
    shipped: dict[str, CompiledRubric] = {}
    compiled_by_params: dict[tuple[Any, ...], CompiledRubric] = {}
    for case in cases:
        if "errors" in case.expect:
            continue
        rubric = registry.get_rubric(case.region, case.year)
        if wanted and rubric.id not in wanted:
            continue
        by_rubric.setdefault(rubric.id, []).append(_prepare(case, registry, compiled_by_params))
        if rubric.id not in shipped:
            shipped[rubric.id] = compile_rubric(rubric, registry.fact_kinds)
    mutants: list[Mutant] = []
    runs: list[list[_Prepared]] = []
    for rubric_id, states in by_rubric.items():
        for mutant in generate_mutants(shipped[rubric_id], registry.fact_kinds):
            mutants.append(mutant)
            runs.append([s for s in states if s.observes & mutant.reads])
    results, workers = _run_all(mutants, runs, jobs or os.cpu_count() or 1)
    rubrics = tuple(
        RubricMutation(
            rubric_id=rubric_id,
            cases=len(states),
            results=tuple(r for r in results if r.mutant.rubric_id == rubric_id),
        )
        for rubric_id, states in by_rubric.items()
    )
    return MutationReport(rubrics=rubrics, seconds=time.perf_counter() - started, workers=workers)


# --- reporting -----------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "es" if word.endswith("s") else "s")


def render_report(report: MutationReport, *, verbose: bool = False) -> str:
    """Per rubric, the mutants killed, then every survivor (every mutant when ``verbose``, with
    the case that killed it) with its rule, change, clause and the number of cases that read it;
    last the totals and the time taken."""
    lines = []
    for rubric in report.rubrics:
        lines.append(
            f"{rubric.rubric_id}: {rubric.killed}/{_plural(len(rubric.results), 'mutant')} "
            f"killed ({rubric.percent:.1f}%) by {_plural(rubric.cases, 'case')}"
        )
        shown = rubric.results if verbose else rubric.survived
        if not shown:
            continue
        width = max(4, *(len(r.mutant.subject) for r in shown))
        change_width = max(6, *(len(r.mutant.change) for r in shown))
        lines.append(
            f"  {'status':<8}  cases  {'rule':<{width}}  {'change':<{change_width}}  clause"
        )
        for r in shown:
            status = "killed" if r.killed else "SURVIVED"
            lines.append(
                f"  {status:<8}  {r.cases_run:>5}  {r.mutant.subject:<{width}}  "
                f"{r.mutant.change:<{change_width}}  {r.mutant.clause}"
            )
            if r.killed:
                lines.append(f"  {'':<15}killed by {r.killed_by}: {r.detail}")
    total = sum(len(r.results) for r in report.rubrics)
    killed = sum(r.killed for r in report.rubrics)
    share = 100.0 * killed / total if total else 100.0
    lines.append(
        f"{_plural(total, 'mutant')} of {_plural(len(report.rubrics), 'rubric')}, {killed} killed "
        f"({share:.1f}%) in {report.seconds:.1f} s on {_plural(report.workers, 'process')}"
    )
    return "\n".join(lines)


def as_json(report: MutationReport) -> dict[str, Any]:
    """The report as plain data (``--govopen-mutate-json``)."""
    return {
        "seconds": round(report.seconds, 2),
        "workers": report.workers,
        "rubrics": [
            {
                "rubric_id": r.rubric_id,
                "cases": r.cases,
                "mutants": len(r.results),
                "killed": r.killed,
                "survived": len(r.survived),
                "percent": round(r.percent, 1),
                "results": [
                    {
                        "rule": m.mutant.subject,
                        "change": m.mutant.change,
                        "clause": m.mutant.clause,
                        "status": "killed" if m.killed else "survived",
                        "killed_by": m.killed_by or None,
                        "detail": m.detail or None,
                        "cases_run": m.cases_run,
                    }
                    for m in r.results
                ],
            }
            for r in report.rubrics
        ],
    }
