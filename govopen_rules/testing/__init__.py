"""The testing kit for rubric authors: a pytest plugin, fixtures, helpers and rule coverage.

Installed with govopen-rules (entry point ``pytest11``), it

* collects ``*.cases.yaml`` files: one test per case, failures shown as expected vs actual
  verdicts with their messages and evidence (:mod:`govopen_rules.testing.cases`);
* adds ``--govopen-coverage`` (table), ``--govopen-coverage-json PATH``,
  ``--govopen-coverage-fail-under PCT`` and ``--govopen-coverage-rubric ID``
  (:mod:`govopen_rules.testing.coverage`);
* adds ``--govopen-mutate`` (mutation testing: would a case notice a wrong threshold or point
  value?) with ``--govopen-mutate-fail-under PCT``, ``--govopen-mutate-json PATH``,
  ``--govopen-mutate-jobs N`` and ``--govopen-mutate-rubric ID``
  (:mod:`govopen_rules.testing.mutate`);
* provides the fixtures ``govopen_registry`` (an isolated registry with chosen plugins) and
  ``govopen_evaluate``, and the helpers :func:`facts_file`, :func:`evaluate_rule` and
  :func:`assert_verdict` for tests written in Python;
* adds the hook ``pytest_govopen_registry(config)``: a ``conftest.py`` returns the registry that
  case files, ``govopen_evaluate`` and coverage use (default: every installed plugin).

Loading it is cheap: it imports no engine. durable-rules' C extension is loaded (and glibc's
``M_TOP_PAD`` raised) only when a test first evaluates something.

Mistakes in tests are reported in one line, not a traceback: a malformed case file is a
collection error naming the file and the path inside it; a mistyped status lists the statuses;
a mistyped rule id or indicator code lists the rubric's, closest first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govopen_rules.errors import GovOpenRulesError
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import EvaluationResult, Status, Verdict
from govopen_rules.exact import parse_decimal
from govopen_rules.plugins.registry import Registry, default_registry
from govopen_rules.testing import hookspecs as _kit_hookspecs
from govopen_rules.testing import mutate_hooks as _mutation
from govopen_rules.testing.cases import (
    Case,
    CaseFileError,
    check_case,
    closest_first,
    load_case_file,
)
from govopen_rules.testing.cases import render_mismatches as _render_mismatches
from govopen_rules.testing.coverage import CoverageRecorder, as_json, render_table

__all__ = ["assert_verdict", "evaluate_rule", "facts_file", "session_registry", "verdict_of"]

CASE_SUFFIX = ".cases.yaml"
_RECORDER = pytest.StashKey[CoverageRecorder]()
_REGISTRY = pytest.StashKey[Registry]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(_kit_hookspecs)


def session_registry(config: pytest.Config) -> Registry:
    """The registry of this pytest run: a ``pytest_govopen_registry`` hook's, else the default."""
    if _REGISTRY not in config.stash:
        chosen = config.hook.pytest_govopen_registry(config=config)
        config.stash[_REGISTRY] = chosen if chosen is not None else default_registry()
    return config.stash[_REGISTRY]


def facts_file(
    *facts: dict[str, Any],
    unit: dict[str, Any] | None = None,
    unit_kind: str = "county_government",
    year: int = 2020,
    as_of: str | None = None,
) -> dict[str, Any]:
    """A facts file around ``facts``, with a default unit of ``unit_kind``."""
    data: dict[str, Any] = {
        "unit": unit or {"id": "test", "name": "测试单位", "kind": unit_kind},
        "year": year,
        "facts": list(facts),
    }
    if as_of is not None:
        data["as_of"] = as_of
    return data


def verdict_of(result: EvaluationResult, rule_id: str) -> Verdict:
    """``result``'s verdict of ``rule_id``; a rule the rubric does not have is a
    :class:`LookupError` listing the rubric's rule ids, closest first."""
    try:
        return result.verdict(rule_id)
    except KeyError:
        known = closest_first(rule_id, [v.rule_id for v in result.verdicts()])
        raise LookupError(
            f"no rule {rule_id!r} in rubric {result.rubric_id}; its rules, closest first: "
            + ", ".join(known)
        ) from None


def _status(value: str | Status) -> Status:
    try:
        return Status(value)
    except ValueError:
        statuses = ", ".join(s.value for s in Status)
        raise ValueError(f"{value!r} is not a status; use one of: {statuses}") from None


def assert_verdict(
    result: EvaluationResult, rule_id: str, status: str | Status | None = None, points: Any = None
) -> Verdict:
    """Assert a rule's verdict; the failure message shows the verdict and its evidence."""
    verdict = verdict_of(result, rule_id)
    problems = []
    if status is not None and _status(status) is not verdict.status:
        problems.append(f"status {verdict.status.value}, expected {_status(status).value}")
    if points is not None and parse_decimal(points) != verdict.points:
        problems.append(f"points {verdict.points}, expected {points}")
    if problems:
        evidence = "; ".join(e.describe() for e in verdict.evidence) or "none"
        raise AssertionError(
            f"{rule_id}: {', '.join(problems)} — {verdict.message} (evidence: {evidence})"
        )
    return verdict


def evaluate_rule(
    rule_id: str,
    facts: list[dict[str, Any]],
    *,
    region: str,
    year: int,
    parameters: dict[str, Any] | None = None,
    registry: Registry | None = None,
    **options: Any,
) -> Verdict:
    """Evaluate ``facts`` under an installed rubric and return one rule's verdict."""
    data = facts_file(*facts, year=year, **options)
    result = evaluate(data, region=region, year=year, parameters=parameters, registry=registry)
    return verdict_of(result, rule_id)


@pytest.fixture
def govopen_registry() -> Callable[..., Registry]:
    """``govopen_registry(*plugins, load_entrypoints=False)``: a fresh registry of the core and
    the plugins given (objects or modules with ``@hookimpl`` functions), isolated from what is
    installed unless ``load_entrypoints=True``. Pass it as ``registry=`` to ``evaluate``."""

    def make(*plugins: object, load_entrypoints: bool = False) -> Registry:
        return Registry(plugins=plugins, load_entrypoints=load_entrypoints)

    return make


@pytest.fixture
def govopen_evaluate(request: pytest.FixtureRequest) -> Callable[..., EvaluationResult]:
    """``govopen_evaluate(facts, region=, year=, **facts_file_options)``: evaluate a list of
    facts (or a whole facts file) under a rubric of the run's registry (or ``registry=``)."""
    default = session_registry(request.config)

    def run(
        facts: list[dict[str, Any]] | dict[str, Any],
        *,
        region: str,
        year: int,
        parameters: dict[str, Any] | None = None,
        registry: Registry | None = None,
        **options: Any,
    ) -> EvaluationResult:
        data = facts if isinstance(facts, dict) else facts_file(*facts, year=year, **options)
        return evaluate(
            data, region=region, year=year, parameters=parameters, registry=registry or default
        )

    return run


# --- case files -------------------------------------------------------------------------


class CaseFailed(Exception):
    """A case's expectations were not met (rendered by :meth:`CaseItem.repr_failure`)."""


class CaseFile(pytest.File):
    """A ``*.cases.yaml`` file: one item per case."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            cases = load_case_file(self.path)
        except CaseFileError as exc:
            raise self.CollectError(str(exc)) from None
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One case of a case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        _result, mismatches = check_case(self.case, session_registry(self.config))
        if mismatches:
            raise CaseFailed(_render_mismatches(self.case, mismatches))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        if isinstance(excinfo.value, CaseFileError):  # names the file and the path in it
            return f"case {self.case.name!r}: {excinfo.value}"
        if isinstance(excinfo.value, GovOpenRulesError):  # a mistake in the case, not a crash
            return f"case {self.case.name!r} ({self.case.source}): {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.name}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    if file_path.name.endswith(CASE_SUFFIX):
        return CaseFile.from_parent(parent, path=file_path)
    return None


# --- rule coverage ----------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("govopen", "govopen-rules rule coverage")
    group.addoption(
        "--govopen-coverage",
        action="store_true",
        help="report, per rubric, rules seen deducted, clear, at cap, or never",
    )
    group.addoption(
        "--govopen-coverage-json", metavar="PATH", help="write the rule-coverage report as JSON"
    )
    group.addoption(
        "--govopen-coverage-fail-under",
        type=float,
        metavar="PCT",
        help="fail if an exercised rubric has fewer than PCT %% of rules covered",
    )
    group.addoption(
        "--govopen-coverage-rubric",
        action="append",
        default=[],
        metavar="ID",
        help="limit the report to this rubric id (repeatable)",
    )
    _mutation.add_options(parser)


def _wanted(config: pytest.Config) -> bool:
    return bool(
        config.getoption("--govopen-coverage")
        or config.getoption("--govopen-coverage-json")
        or config.getoption("--govopen-coverage-fail-under") is not None
    )


def pytest_configure(config: pytest.Config) -> None:
    if _wanted(config):
        recorder = CoverageRecorder()
        registry = session_registry(config)
        registry.register_observer(recorder, name="govopen-coverage")
        recorder.learn_caps(registry)
        config.stash[_RECORDER] = recorder


def _report(config: pytest.Config) -> list[Any]:
    recorder = config.stash[_RECORDER]
    return recorder.report(session_registry(config), config.getoption("--govopen-coverage-rubric"))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    _mutation.summary(terminalreporter, config)
    if _RECORDER not in config.stash:
        return
    report = _report(config)
    if config.getoption("--govopen-coverage"):
        terminalreporter.section("govopen-rules rule coverage")
        terminalreporter.write_line(render_table(report))
    path = config.getoption("--govopen-coverage-json")
    if path:
        Path(path).write_text(
            json.dumps(as_json(report), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    floor = config.getoption("--govopen-coverage-fail-under")
    if floor is not None:
        low = [r for r in report if r.evaluations and r.percent < floor]
        for r in low:
            terminalreporter.write_line(
                f"FAIL: {r.rubric_id} rule coverage {r.percent:.1f}% is under {floor}%", red=True
            )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    floor = config.getoption("--govopen-coverage-fail-under")
    if (
        _RECORDER in config.stash
        and floor is not None
        and exitstatus == 0
        and any(r.evaluations and r.percent < floor for r in _report(config))
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _mutation.wanted(config):
        cases = [item.case for item in session.items if isinstance(item, CaseItem)]
        _mutation.run_after_tests(session, exitstatus, cases, session_registry(config))
