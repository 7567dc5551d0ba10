"""The pytest side of mutation testing: its options, running it after the tests, its summary.

:mod:`govopen_rules.testing` calls these from its hooks; the work is done by
:mod:`govopen_rules.testing.mutate`, which knows nothing of pytest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from govopen_rules.plugins.registry import Registry
from govopen_rules.testing.cases import Case
from govopen_rules.testing.mutate import (
    BaselineError,
    MutationReport,
    as_json,
    render_report,
    run_mutation,
)

__all__ = ["add_options", "run_after_tests", "summary", "wanted"]

#: The mutation report, or why mutation testing did not run.
_OUTCOME = pytest.StashKey[MutationReport | str]()


def add_options(parser: pytest.Parser) -> None:
    """``--govopen-mutate`` and its companions."""
    group = parser.getgroup("govopen-mutate", "govopen-rules mutation testing")
    group.addoption(
        "--govopen-mutate",
        action="store_true",
        help="once the tests pass, change each number of the rubrics the case files test, one "
        "at a time, and report the changes no case notices (-v: every change)",
    )
    group.addoption(
        "--govopen-mutate-fail-under",
        type=float,
        metavar="PCT",
        help="fail if a rubric has fewer than PCT %% of its mutants killed",
    )
    group.addoption(
        "--govopen-mutate-json", metavar="PATH", help="write the mutation report as JSON"
    )
    group.addoption(
        "--govopen-mutate-jobs",
        type=int,
        metavar="N",
        help="worker processes for mutation testing (default: one per core)",
    )
    group.addoption(
        "--govopen-mutate-rubric",
        action="append",
        default=[],
        metavar="ID",
        help="mutate only this rubric id (repeatable)",
    )


def wanted(config: pytest.Config) -> bool:
    """Whether any mutation option was given."""
    return bool(
        config.getoption("--govopen-mutate")
        or config.getoption("--govopen-mutate-json")
        or config.getoption("--govopen-mutate-fail-under") is not None
    )


def run_after_tests(
    session: pytest.Session, exitstatus: int, cases: Sequence[Case], registry: Registry
) -> None:
    """Mutate the rubrics of the run's cases once every test has passed; write the JSON report
    and fail the session under the threshold."""
    config = session.config
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        config.stash[_OUTCOME] = "not run: mutation testing needs every test to pass first"
        return
    try:
        report = run_mutation(
            cases,
            registry,
            jobs=config.getoption("--govopen-mutate-jobs"),
            only=config.getoption("--govopen-mutate-rubric"),
        )
    except BaselineError as exc:
        config.stash[_OUTCOME] = f"not run: {exc}"
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    config.stash[_OUTCOME] = report
    path = config.getoption("--govopen-mutate-json")
    if path:
        text = json.dumps(as_json(report), ensure_ascii=False, indent=2)
        Path(path).write_text(text, encoding="utf-8")
    floor = config.getoption("--govopen-mutate-fail-under")
    if floor is not None and report.below(floor):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The report's section at the end of the run, with a FAIL line per rubric under the
    threshold."""
    if _OUTCOME not in config.stash:
        return
    outcome = config.stash[_OUTCOME]
    terminalreporter.section("govopen-rules mutation testing")
    if isinstance(outcome, str):
        terminalreporter.write_line(outcome, red=True)
        return
    if not outcome.rubrics:
        terminalreporter.write_line("no case file of this run tests a rubric: nothing to mutate")
        return
    verbose = config.getoption("verbose") > 0
    terminalreporter.write_line(render_report(outcome, verbose=verbose))
    floor = config.getoption("--govopen-mutate-fail-under")
    for rubric in outcome.below(floor) if floor is not None else []:
        terminalreporter.write_line(
            f"FAIL: {rubric.rubric_id} mutation score {rubric.percent:.1f}% is under {floor}%",
            red=True,
        )
