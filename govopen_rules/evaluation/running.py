"""Running many evaluations: in this process or on any executor, streamed, never losing work.

Units are consumed lazily and at most a bounded number are in flight, so memory does not grow
with the number of units. On an executor, units travel in small chunks (fewer round trips) and
come back in input order. When a worker process dies, the executor is broken for every unit it
still held: those units run again in a fresh process pool, and any lost a second time run one by
one, each in a process of its own, so a unit that kills its worker is reported as such and no
other unit is lost. Every failure is an outcome, never an exception.

A worker uses its own installed plugins; what else it needs travels in the job as plain data:
the years of an official holiday arrangement the caller was given (``--calendar``) and the paths
of rubric files it was given (``--rubric``), which the worker adds to its registry once per
distinct set, so a unit scores the same in any process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from itertools import islice
from typing import Any

import attrs

from govopen_rules.conversion import load_json_document, to_json, to_json_bytes
from govopen_rules.errors import FactsValidationError, GovOpenRulesError
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import EvaluationResult
from govopen_rules.plugins.extras import with_additions
from govopen_rules.plugins.registry import Registry, default_registry
from govopen_rules.workdays import HolidayYear

__all__ = ["Job", "Outcome", "die_with_parent", "run_jobs"]

Summarize = Callable[[EvaluationResult], Any]


@attrs.frozen
class Job:
    """One unit to evaluate. ``summarize`` (a module-level function, so it can be pickled)
    reduces a result to what the caller keeps of every unit; with ``as_json`` the worker also
    serialises the result, so the calling process only writes it (as text, or with
    ``json_bytes`` as UTF-8 bytes, which cross between processes and into a file as they are)."""

    index: int
    #: A facts mapping or ``FactsFile``, or a facts file's JSON text (parsed where it runs, so
    #: a large cohort read from JSON Lines costs the calling process almost nothing).
    facts: Any
    region: str
    year: int
    parameters: Mapping[str, object] | None = None
    engine: str | None = None
    summarize: Summarize | None = None
    as_json: bool = False
    #: Years of the official holiday arrangement the worker adds to its installed plugins (set
    #: for jobs sent to an executor; in this process the caller's registry already has them).
    calendar: tuple[HolidayYear, ...] = ()
    #: Rubric files (absolute paths) the worker adds to its installed plugins, likewise: they
    #: must be readable where the worker runs (the same machine, or a shared file system).
    rubric_files: tuple[str, ...] = ()
    #: Whether the result itself comes back (pickled, from a worker). False when the caller
    #: keeps only the summary (a cohort ranking without results): sending every result back
    #: would cost the calling process more than the workers spend evaluating.
    return_result: bool = True
    #: With ``as_json``, the JSON as UTF-8 bytes rather than text.
    json_bytes: bool = False


@attrs.frozen
class Outcome:
    """What came back for one unit: the result (unless ``as_json``), its JSON (if asked: text,
    or UTF-8 bytes for a job with ``json_bytes``), its summary (if asked), or the problems that
    stopped it."""

    index: int
    result: EvaluationResult | None = None
    text: str | bytes | None = None
    summary: Any = None
    errors: tuple[str, ...] = ()
    #: (unit id, name) as the worker read them, for units sent as JSON text.
    identity: tuple[str | None, str | None] = (None, None)

    @property
    def ok(self) -> bool:
        """Whether the unit was evaluated."""
        return not self.errors


#: Units sent to a worker at once, and chunks in flight per worker. The first chunks are small
#: (``FIRST_CHUNK``), so a small cohort still spreads over every worker; a large one then
#: travels in chunks of ``CHUNK``: per chunk, the calling process pickles, sends and receives,
#: and with chunks of 8 that work, not the workers, limited a national sweep (1,868 against
#: 2,335-2,749 units/s with 32, 20,000 Baoshan departments on 2 processes).
FIRST_CHUNK = 8
CHUNK = 32
WINDOW_PER_WORKER = 4


def _identity(facts: object) -> tuple[str | None, str | None]:
    unit = facts.get("unit") if isinstance(facts, Mapping) else None
    if not isinstance(unit, Mapping):
        return None, None
    unit_id, name = unit.get("id"), unit.get("name")
    return (
        unit_id if isinstance(unit_id, str) else None,
        name if isinstance(name, str) else None,
    )


@lru_cache(maxsize=4)
def _registry_with(calendar: tuple[HolidayYear, ...], rubric_files: tuple[str, ...]) -> Registry:
    """This process's installed plugins with the years and rubric files a job carries: built
    once per set."""
    return with_additions(default_registry(), calendar=calendar, rubric_files=rubric_files)


def evaluate_job(job: Job, registry: Registry | None = None) -> Outcome:
    """Evaluate one unit where it runs (with ``registry``, or this process's installed plugins
    and the job's calendar years); any failure becomes the unit's outcome."""
    if registry is None and (job.calendar or job.rubric_files):
        try:
            registry = _registry_with(job.calendar, job.rubric_files)
        except Exception as exc:  # a broken plugin in this worker fails the unit, not the run
            return Outcome(job.index, errors=(f"worker failed: {type(exc).__name__}: {exc}"[:500],))
    facts = job.facts
    identity: tuple[str | None, str | None] = (None, None)
    if isinstance(facts, (str, bytes)):
        try:
            facts = load_json_document(facts)
        except ValueError as exc:
            return Outcome(job.index, errors=(f"not JSON: {exc}"[:500],))
        identity = _identity(facts)
    outcome = _evaluate(job, facts, registry)
    return attrs.evolve(outcome, identity=identity) if identity != (None, None) else outcome


def _evaluate(job: Job, facts: Any, registry: Registry | None) -> Outcome:
    try:
        result = evaluate(
            facts,
            region=job.region,
            year=job.year,
            parameters=job.parameters,
            registry=registry,
            engine=job.engine,
        )
        summary = job.summarize(result) if job.summarize is not None else None
        if job.as_json:
            return Outcome(job.index, text=result_json(result, job.json_bytes), summary=summary)
    except FactsValidationError as exc:
        return Outcome(job.index, errors=exc.errors or ("invalid facts",))
    except GovOpenRulesError as exc:
        return Outcome(job.index, errors=(str(exc),))
    except Exception as exc:  # one unit's failure must never cost the others their results
        return Outcome(job.index, errors=(f"evaluation failed: {type(exc).__name__}: {exc}"[:500],))
    return Outcome(job.index, result=result if job.return_result else None, summary=summary)


def result_json(result: EvaluationResult, as_bytes: bool) -> str | bytes:
    """A result as one line of compact JSON: UTF-8 bytes, or text."""
    return to_json_bytes(result) if as_bytes else to_json(result, indent=None)


def evaluate_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    """A worker's task: several units, so each round trip carries more work."""
    return [evaluate_job(job) for job in jobs]


def run_jobs(
    jobs: Iterable[Job], *, executor: Executor | None = None, registry: Registry | None = None
) -> Iterator[Outcome]:
    """Every job's outcome, in input order. In process with ``registry``, else on ``executor``
    (whose workers use their own installed plugins)."""
    if executor is None:
        for job in jobs:
            yield evaluate_job(job, registry)
        return
    runner = _PoolRunner(executor)
    try:
        yield from runner.run(iter(jobs))
    finally:
        runner.close()


class _PoolRunner:
    """Chunks in flight on an executor, replaced by a fresh process pool when it breaks."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.workers = int(getattr(executor, "_max_workers", 0) or os.cpu_count() or 1)
        self.owned: list[ProcessPoolExecutor] = []

    def run(self, jobs: Iterator[Job]) -> Iterator[Outcome]:
        pending: deque[tuple[list[Job], Future[list[Outcome]], Executor]] = deque()
        window = max(2, self.workers * WINDOW_PER_WORKER)
        submitted = 0
        while True:
            chunk = list(islice(jobs, CHUNK if submitted >= window else FIRST_CHUNK))
            submitted += 1
            if chunk:
                pending.append((chunk, *self._submit(chunk)))
            if pending and (len(pending) >= window or not chunk):
                yield from self._collect(*pending.popleft())
            if not chunk and not pending:
                return

    def _submit(self, chunk: list[Job]) -> tuple[Future[list[Outcome]], Executor]:
        try:
            return self.executor.submit(evaluate_chunk, chunk), self.executor
        except BrokenProcessPool:
            self._replace(self.executor)
            return self.executor.submit(evaluate_chunk, chunk), self.executor

    def _collect(
        self, chunk: list[Job], future: Future[list[Outcome]], pool: Executor
    ) -> list[Outcome]:
        try:
            return future.result()
        except BrokenProcessPool:
            return self._rerun(chunk, pool)
        except Exception as exc:  # the executor failed these units (e.g. could not send them)
            problem = f"worker failed: {type(exc).__name__}: {exc}"[:500]
            return [Outcome(job.index, errors=(problem,)) for job in chunk]

    def _rerun(self, chunk: list[Job], broken: Executor) -> list[Outcome]:
        """Units lost with a dead worker: once more in a fresh pool, then each alone."""
        self._replace(broken)
        pool = self.executor
        try:
            return pool.submit(evaluate_chunk, chunk).result()
        except BrokenProcessPool:
            self._replace(pool)
            return [_alone(job) for job in chunk]

    def _replace(self, broken: Executor) -> None:
        """A fresh pool in place of ``broken`` (once: other chunks of it find it replaced)."""
        if self.executor is broken:
            pool = _own_pool(self.workers)
            self.owned.append(pool)
            self.executor = pool

    def close(self) -> None:
        for pool in self.owned:
            pool.shutdown(wait=True, cancel_futures=True)


def _alone(job: Job) -> Outcome:
    """A last try in a process of its own: a unit that kills its worker takes no other with it."""
    try:
        with _own_pool(1) as pool:
            return pool.submit(evaluate_job, job).result()
    except BrokenProcessPool:
        return Outcome(job.index, errors=("the worker process died evaluating this unit, alone",))


#: prctl(2)'s option that has the kernel signal a process when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """A worker process's initializer: on Linux the kernel kills the worker when the process
    that started it dies, however it dies. A sweep stopped with SIGTERM or SIGKILL once left
    its workers running, one still holding 750 MB a hundred seconds later. Elsewhere it does
    nothing.

    The kernel watches the *thread* that started the worker: a pool started from a thread that
    ends before the pool does loses its workers. The command line starts its pools from the
    main thread, and so does :func:`run_jobs` when called from it. Under forkserver the parent
    is the fork server, which ends with the program."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl here: the worker lives as before
        return
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


def _own_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool this module starts itself (after a worker died): its workers die with
    this process."""
    return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)
