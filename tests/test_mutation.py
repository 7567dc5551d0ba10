"""Mutation testing: which numbers are changed, which cases run, what is killed, the gate."""

from __future__ import annotations

import hashlib
import json
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from govopen_rules import Registry, evaluate
from govopen_rules.cli.scaffold import new_plugin
from govopen_rules.rubric.compiler import compile_rubric
from govopen_rules.testing.cases import Case, load_case_file
from govopen_rules.testing.mutants import generate_mutants, rubric_step
from govopen_rules.testing.mutate import (
    BaselineError,
    MutationReport,
    as_json,
    render_report,
    run_mutation,
)

from builders import area, indicator, rubric, rule
from conftest import MakeRegistry, RubricFiles

PLUGINS = Path(__file__).parent.parent / "plugins"
BUILT_IN = ("xuanwei", "yanan", "baoshan")


def changes(report_or_mutants: Any) -> set[tuple[str, str]]:
    return {(m.subject, m.change) for m in report_or_mutants}


# --- which numbers change -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mut_registry(make_registry: MakeRegistry) -> Registry:
    """A rubric with one number of every sort a mutant changes."""
    late = rule(
        "mut.a.late",
        "consultation",
        where={"field": "reply_workdays", "exists": True},
        when={"field": "reply_workdays", "gt": 5},
        deduct={
            "mode": "per_unit",
            "points": "0.25",
            "tiers": [{"at_least": 2, "points": "0.5"}, {"at_least": 3, "points": "1"}],
        },
    )
    rate = rule(
        "mut.b.rate",
        "hotline_figures",
        when={"field": "answered_within_15s_rate", "lt": "95.5"},
        missing_evidence={"mode": "fixed", "points": "0.5", "citation": {"clause": "第2项"}},
    )
    due = rule(
        "mut.b.due",
        "submission",
        when={"field": "submitted_on", "le": "2020-06-30"},
        deduct={"mode": "fixed", "points": "0"},
        cap="0.5",
    )
    few = rule(
        "mut.c.few",
        "policy_interpretation",
        count={"mode": "shortfall", "minimum": 1},
        deduct={"mode": "per_unit", "points": "1"},
    )
    data = rubric(
        area("A", indicator("A1", "1", late, cap="1")),
        area("B", indicator("B1", "1", rate, due)),
        area("C", indicator("C1", "1", few)),
        region="mut",
        grades=[{"label": "好", "min_score": "2"}, {"label": "差", "min_score": "0"}],
    )
    return make_registry(data)


def test_every_number_of_a_rubric_is_mutated(mut_registry: Registry) -> None:
    compiled = compile_rubric(mut_registry.get_rubric("mut", 2020), mut_registry.fact_kinds)
    assert rubric_step(compiled) == Decimal("0.01")  # the finest amount is 0.25
    assert changes(generate_mutants(compiled, mut_registry.fact_kinds)) == {
        ("mut.a.late", "per_unit 0.25 → 0.24"),
        ("mut.a.late", "per_unit 0.25 → 0.26"),
        ("mut.a.late", "tier at_least 2 → 1"),  # 2 → 3 would meet the next tier: not valid
        ("mut.a.late", "tier at_least 2: 0.5 → 0.49"),
        ("mut.a.late", "tier at_least 2: 0.5 → 0.51"),
        ("mut.a.late", "tier at_least 3 → 4"),
        ("mut.a.late", "tier at_least 3: 1 → 0.99"),
        ("mut.a.late", "tier at_least 3: 1 → 1.01"),
        ("mut.a.late", "when reply_workdays > 5 → > 4"),  # working days, ±1
        ("mut.a.late", "when reply_workdays > 5 → > 6"),
        ("mut.a.late", "when reply_workdays > 5 → ≥ 5"),
        ("mut.b.rate", "fixed 0.5 → 0.49"),
        ("mut.b.rate", "fixed 0.5 → 0.51"),
        ("mut.b.rate", "missing evidence 0.5 → 0.49"),
        ("mut.b.rate", "missing evidence 0.5 → 0.51"),
        ("mut.b.rate", "when answered_within_15s_rate < 95.5 → < 95.4"),  # its last decimal
        ("mut.b.rate", "when answered_within_15s_rate < 95.5 → < 95.6"),
        ("mut.b.rate", "when answered_within_15s_rate < 95.5 → ≤ 95.5"),
        ("mut.b.due", "fixed 0 → 0.01"),  # never below zero
        ("mut.b.due", "cap 0.5 → 0.49"),
        ("mut.b.due", "cap 0.5 → 0.51"),
        ("mut.b.due", "when submitted_on ≤ 2020-06-30 → ≤ 2020-06-29"),  # a day
        ("mut.b.due", "when submitted_on ≤ 2020-06-30 → ≤ 2020-07-01"),
        ("mut.b.due", "when submitted_on ≤ 2020-06-30 → < 2020-06-30"),
        ("mut.c.few", "per_unit 1 → 0.99"),
        ("mut.c.few", "per_unit 1 → 1.01"),
        ("mut.c.few", "minimum 1 → 2"),  # a shortfall of at least 1
        ("indicator A1", "cap 1 → 0.99"),  # within 0 and the indicator's points
        ("grades", "好 from 2 → 1.99"),
        ("grades", "好 from 2 → 2.01"),
        ("grades", "差 from 0 → 0.01"),
    }


def test_mutants_cite_the_rules_clause(mut_registry: Registry) -> None:
    compiled = compile_rubric(mut_registry.get_rubric("mut", 2020), mut_registry.fact_kinds)
    mutants = generate_mutants(compiled, mut_registry.fact_kinds)
    assert {m.clause for m in mutants if m.subject.startswith("mut.")} == {"测试文件 第1条"}


# --- what runs and what is killed ---------------------------------------------------------


def write_cases(tmp_path: Path, *parts: str) -> list[Case]:
    """A case file of ``parts``, each dedented on its own."""
    path = tmp_path / "rules.cases.yaml"
    path.write_text("".join(textwrap.dedent(p) for p in parts), encoding="utf-8")
    return load_case_file(path)


HEAD = """\
    region: mut
    year: 2020
    unit: {id: u, name: 测试县, kind: county_government}
    as_of: "2020-12-31"
    facts:
      - {kind: consultation, received_on: "2020-06-01", replied_on: "2020-06-02"}
      - {kind: hotline_figures, period: "2020", answered_within_15s_rate: "96"}
      - {kind: policy_interpretation, policy_title: 解读}
    cases:
"""


def test_a_survivor_is_killed_by_its_boundary_case(mut_registry: Registry, tmp_path: Path) -> None:
    fires = """\
      - name: replied on the 7th working day
        patch: [{match: {kind: consultation}, set: {replied_on: "2020-06-10"}}]
        expect: {verdicts: {mut.a.late: {status: deducted, points: 0.25}}}
    """
    report = run_mutation(write_cases(tmp_path, HEAD, fires), mut_registry, jobs=1)
    survived = changes(r.mutant for r in report.rubrics[0].survived)
    # Nothing says that the 5th working day is in time and the 6th late: the threshold and the
    # operator may move and every case still passes.
    assert {
        ("mut.a.late", "when reply_workdays > 5 → > 4"),
        ("mut.a.late", "when reply_workdays > 5 → > 6"),
        ("mut.a.late", "when reply_workdays > 5 → ≥ 5"),
    } <= survived

    boundary = """\
      - name: replied on the 5th working day
        patch: [{match: {kind: consultation}, set: {replied_on: "2020-06-08"}}]
        expect: {verdicts: {mut.a.late: clear}}
      - name: replied on the 6th working day
        patch: [{match: {kind: consultation}, set: {replied_on: "2020-06-09"}}]
        expect: {verdicts: {mut.a.late: {status: deducted, points: 0.25}}}
    """
    report = run_mutation(write_cases(tmp_path, HEAD, fires, boundary), mut_registry, jobs=1)
    killed = {r.mutant.change: r for r in report.rubrics[0].results if r.killed}
    assert {"when reply_workdays > 5 → > 4", "when reply_workdays > 5 → ≥ 5"} <= set(killed)
    assert killed["when reply_workdays > 5 → > 6"].killed_by.startswith(
        "replied on the 6th working day ("
    )
    assert killed["when reply_workdays > 5 → > 6"].detail == (
        "verdict mut.a.late: expected deducted -0.25, actual clear -0"
    )


def test_only_cases_that_expect_what_a_mutant_changes_run(
    mut_registry: Registry, tmp_path: Path
) -> None:
    rule_and_indicator = """\
      - name: about the late rule
        expect: {verdicts: {mut.a.late: clear}}
      - name: about indicator B1
        expect: {indicators: {B1: 1}}
      - name: a bad fact is refused (reads no rule)
        add: [{kind: submission}]
        expect: {errors: ["item: required field missing"]}
    """
    grade = """\
      - name: about the grade
        expect: {grade: 好}
    """

    def cases_run(*parts: str) -> dict[tuple[str, str], int]:
        report = run_mutation(write_cases(tmp_path, HEAD, *parts), mut_registry, jobs=1)
        return {(r.mutant.subject, r.mutant.change): r.cases_run for r in report.rubrics[0].results}

    runs = cases_run(rule_and_indicator)
    assert runs[("mut.a.late", "when reply_workdays > 5 → > 4")] == 1
    assert runs[("mut.b.rate", "fixed 0.5 → 0.51")] == 1  # the indicator B1 case
    assert runs[("mut.c.few", "minimum 1 → 2")] == 0  # nothing expects C1: nothing runs
    assert runs[("grades", "好 from 2 → 2.01")] == 0
    # A grade depends on every number: a case expecting one runs for every mutant.
    runs = cases_run(rule_and_indicator, grade)
    assert runs[("mut.a.late", "when reply_workdays > 5 → > 4")] == 2
    assert runs[("mut.c.few", "minimum 1 → 2")] == 1
    assert runs[("grades", "好 from 2 → 2.01")] == 1


def test_a_mutant_moves_a_number_a_case_overrides(
    make_registry: MakeRegistry, tmp_path: Path
) -> None:
    reg = make_registry(
        rubric(
            area(
                "A",
                indicator(
                    "A1",
                    "1",
                    rule(
                        "par.a.late",
                        "submission",
                        when={"field": "late", "eq": True},
                        deduct={"mode": "fixed", "points": {"param": "late"}},
                    ),
                ),
            ),
            region="par",
            parameters={"late": {"value": "0.5"}},
        )
    )
    text = """\
        region: par
        year: 2020
        unit: {id: u, name: 测试县, kind: county_government}
        facts:
          - {kind: submission, item: 月报, due_on: "2020-06-01", submitted_on: "2020-06-02"}
        cases:
          - name: with the late cost set to 0.3
            parameters: {late: 0.3}
            expect: {verdicts: {par.a.late: {status: deducted, points: 0.3}}}
    """
    report = run_mutation(write_cases(tmp_path, text), reg, jobs=1)
    # Generated from the shipped 0.5, applied as ±0.1 to the case's 0.3: 0.2 and 0.4 fail it.
    assert [(r.mutant.change, r.killed) for r in report.rubrics[0].results] == [
        ("fixed 0.5 → 0.4", True),
        ("fixed 0.5 → 0.6", True),
    ]
    assert report.rubrics[0].results[1].detail == (
        "verdict par.a.late: expected deducted -0.3, actual deducted -0.4"
    )


def test_a_case_failing_on_the_unchanged_rubric_stops_mutation(
    mut_registry: Registry, tmp_path: Path
) -> None:
    wrong = """\
      - name: wrong on purpose
        expect: {total: 2}
    """
    with pytest.raises(BaselineError, match="case 'wrong on purpose' .* fails on the unchanged"):
        run_mutation(write_cases(tmp_path, HEAD, wrong), mut_registry, jobs=1)


# --- the built-in plugins -----------------------------------------------------------------


def built_in_cases() -> list[Case]:
    return [c for p in BUILT_IN for c in load_case_file(PLUGINS / p / "tests" / "rules.cases.yaml")]


@pytest.fixture(scope="module")
def built_in_report() -> MutationReport:
    return run_mutation(built_in_cases(), Registry(engine="python"), jobs=2)


def test_every_built_in_rubric_passes_the_gate(built_in_report: MutationReport) -> None:
    assert {r.rubric_id for r in built_in_report.rubrics} == {
        "xuanwei-2020-county",
        "yanan-2020-third-party",
        "baoshan-2019-assessment",
    }
    for rubric_report in built_in_report.rubrics:
        assert len(rubric_report.results) > 30
        assert rubric_report.percent >= 95, render_report(built_in_report)
    assert built_in_report.below(95) == []


def test_the_readmes_say_what_the_gate_finds(built_in_report: MutationReport) -> None:
    by_region = {r.rubric_id.split("-")[0]: r for r in built_in_report.rubrics}
    for plugin in BUILT_IN:
        readme = (PLUGINS / plugin / "README.md").read_text(encoding="utf-8")
        report = by_region[plugin]
        assert "### Equivalent mutants" in readme
        if not report.survived:
            assert f"All {len(report.results)} mutants are killed" in readme, plugin
        for survivor in report.survived:  # each one listed with its reason
            assert survivor.mutant.change in readme, (plugin, survivor.mutant.change)


def test_parallel_and_serial_runs_agree(built_in_report: MutationReport) -> None:
    serial = run_mutation(built_in_cases(), Registry(engine="python"), jobs=1)
    assert (serial.workers, built_in_report.workers) == (1, 2)

    def outcomes(report: MutationReport) -> list[tuple[str, str, bool, int]]:
        return [
            (r.mutant.subject, r.mutant.change, r.killed, r.cases_run)
            for rubric_report in report.rubrics
            for r in rubric_report.results
        ]

    assert outcomes(serial) == outcomes(built_in_report)


def test_the_quick_path_scores_as_evaluate_does() -> None:
    """Mutants are scored from facts derived and encoded once, matched by the python engine:
    on the unchanged rubric that gives evaluate()'s result with the default engine."""
    from govopen_rules.testing.mutate import _prepare, _score

    registry = Registry()
    for case in built_in_cases()[::3]:
        if "errors" in case.expect:
            continue
        state = _prepare(case, registry, {})
        quick = _score(state, state.compiled, state.matches)
        full = evaluate(
            case.facts_file,
            region=case.region,
            year=case.year,
            parameters=case.parameters or None,
            registry=registry,
        )
        assert quick == attrs.evolve(full, engine=quick.engine, provisional_calendar_years=())


def test_nothing_is_written_to_the_plugins(built_in_report: MutationReport) -> None:
    files = sorted(PLUGINS.glob("*/govopen_*/*.yaml"))
    before = {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    registry = Registry(engine="python")
    shipped = registry.runnable("xuanwei", 2020).compiled
    run_mutation(load_case_file(PLUGINS / "xuanwei" / "tests" / "rules.cases.yaml"), registry)
    assert {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files} == before
    assert registry.runnable("xuanwei", 2020).compiled is shipped
    assert compile_rubric(registry.get_rubric("xuanwei", 2020), registry.fact_kinds) == shipped


def test_the_json_report(built_in_report: MutationReport) -> None:
    data = json.loads(json.dumps(as_json(built_in_report), ensure_ascii=False))
    xuanwei = next(r for r in data["rubrics"] if r["rubric_id"] == "xuanwei-2020-county")
    b1 = next(m for m in xuanwei["results"] if m["change"] == "when delay_workdays > 3 → ≥ 3")
    assert b1["rule"] == "xuanwei.b1.late"
    assert b1["clause"] == "附件1 政策解读回应 第1项 评分标准"
    assert b1["status"] == "killed"
    assert "3rd working day" in b1["killed_by"]
    assert xuanwei["mutants"] == xuanwei["killed"] + xuanwei["survived"]


def test_the_scaffolds_plugin_passes_the_gate(tmp_path: Path) -> None:
    target = new_plugin("newland", 2024, tmp_path)
    registry = Registry(
        plugins=[RubricFiles([target / "govopen_newland" / "newland-2024.yaml"])],
        load_entrypoints=False,
        engine="python",
    )
    report = run_mutation(load_case_file(target / "tests" / "rules.cases.yaml"), registry)
    assert changes(r.mutant for r in report.rubrics[0].results) == {
        ("newland.a1.overdue_reply", "per_unit 0.5 → 0.4"),
        ("newland.a1.overdue_reply", "per_unit 0.5 → 0.6"),
    }
    assert report.rubrics[0].percent == 100


# --- the pytest options -------------------------------------------------------------------


class ChooseRegistry:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def pytest_govopen_registry(self, config: pytest.Config) -> Registry:
        return self.registry


KIT_CASES = """
region: mut
year: 2020
unit: {id: u, name: 测试县, kind: county_government}
facts:
  - {kind: policy_interpretation, policy_title: 解读}
  - {kind: hotline_figures, period: "2020", answered_within_15s_rate: "96"}
cases:
  - name: rate 95.4 is too low
    patch: [{match: {kind: hotline_figures}, set: {answered_within_15s_rate: "95.4"}}]
    expect: {verdicts: {mut.b.rate: {status: deducted, points: 0.5}}}
"""


def run_kit(pytester: pytest.Pytester, registry: Registry, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--govopen-mutate-jobs", "1", *args, plugins=[ChooseRegistry(registry)]
    )


def test_pytest_prints_the_survivors_and_fails_under_the_threshold(
    mut_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".cases.yaml", rules=KIT_CASES)
    result = run_kit(
        pytester,
        mut_registry,
        "--govopen-mutate",
        "--govopen-mutate-fail-under",
        "95",
        "--govopen-mutate-rubric",
        "mut-2020",
        "--govopen-mutate-json",
        "mutants.json",
    )
    result.stdout.fnmatch_lines(
        [
            "*govopen-rules mutation testing*",
            "mut-2020: 3/31 mutants killed (9.7%) by 1 case",
            "*status*cases*rule*change*clause",
            "*SURVIVED*1*mut.b.rate*when answered_within_15s_rate < 95.5 → < 95.6*测试文件 第1条",
            "*31 mutants of 1 rubric, 3 killed (9.7%) in * s on 1 process",
            "FAIL: mut-2020 mutation score 9.7% is under 95.0%",
        ]
    )
    assert "killed by" not in result.stdout.str()  # -v shows the killed ones
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    data = json.loads((pytester.path / "mutants.json").read_text(encoding="utf-8"))
    assert (data["rubrics"][0]["mutants"], data["rubrics"][0]["killed"]) == (31, 3)

    verbose = run_kit(pytester, mut_registry, "--govopen-mutate", "-v")
    verbose.stdout.fnmatch_lines(
        [
            "*killed*mut.b.rate*fixed 0.5 → 0.51*",
            "*killed by rate 95.4 is too low (*rules.cases.yaml): verdict mut.b.rate: expected "
            "deducted -0.5, actual deducted -0.51",
        ]
    )
    assert verbose.ret == pytest.ExitCode.OK  # no threshold given


def test_pytest_does_not_mutate_when_a_test_fails(
    mut_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".cases.yaml", rules=KIT_CASES.replace("points: 0.5", "points: 0.4"))
    result = run_kit(pytester, mut_registry, "--govopen-mutate-fail-under", "95")
    result.stdout.fnmatch_lines(["*not run: mutation testing needs every test to pass first*"])
    result.assert_outcomes(failed=1)


def test_pytest_without_case_files_has_nothing_to_mutate(
    mut_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = run_kit(pytester, mut_registry, "--govopen-mutate-fail-under", "95")
    result.stdout.fnmatch_lines(["*nothing to mutate*"])
    assert result.ret == pytest.ExitCode.OK
