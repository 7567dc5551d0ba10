"""The testing kit: case files collected by pytest, helpers, and the coverage options."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import Registry, evaluate
from govopen_rules.errors import Problem, ValidationError
from govopen_rules.testing import assert_verdict
from govopen_rules.testing.cases import CaseFileError, check_case, load_case_file

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}


class ChooseRegistry:
    """A pytest plugin that gives an inner pytest run the registry to use (the kit's hook)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def pytest_govopen_registry(self, config: pytest.Config) -> Registry:
        return self.registry


def run_kit(pytester: pytest.Pytester, registry: Registry, *args: str) -> pytest.RunResult:
    """Run pytest in-process with the kit using ``registry`` (no global is replaced)."""
    return pytester.runpytest(*args, plugins=[ChooseRegistry(registry)])


@pytest.fixture
def kit_registry(make_registry: MakeRegistry) -> Registry:
    """A registry with a rubric 'kit 2020', as if its plugin were installed."""
    reg = make_registry(
        rubric(
            area(
                "A",
                indicator(
                    "A1",
                    "1",
                    rule(
                        "kit.a.late",
                        "submission",
                        when=LATE,
                        deduct={"mode": "per_unit", "points": "0.5"},
                    ),
                    rule(
                        "kit.a.fee", "information_request", when={"field": "fee_charged", "gt": 0}
                    ),
                ),
            ),
            region="kit",
        )
    )
    return reg


CASES = """
region: kit
year: 2020
unit: {id: u, name: 测试县, kind: county_government}
facts:
  - {kind: submission, item: 月报, due_on: "2020-06-01", submitted_on: "2020-06-01"}
cases:
  - name: on time
    expect: {total: 1, verdicts: {kit.a.late: clear}}
  - name: one day late
    patch: [{match: {kind: submission}, set: {submitted_on: "2020-06-02"}}]
    expect:
      total: 0.5
      indicators: {A1: 0.5}
      verdicts: {kit.a.late: {status: deducted, points: 0.5, count: 1}}
  - name: two late reports
    add: [{kind: submission, item: 季报, due_on: "2020-06-01", submitted_on: "2020-07-01"}]
    patch: [{match: {item: 月报}, set: {submitted_on: "2020-06-03"}}]
    expect: {verdicts: {kit.a.late: {status: deducted, points: 1, count: 2}}}
  - name: nothing on record
    remove: [{kind: submission}]
    expect: {verdicts: {kit.a.late: no_evidence}}
  - name: a bad fact is refused
    add: [{kind: submission}]
    expect: {errors: ["item: required field missing"]}
"""


def test_cases_are_collected_one_test_each(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".cases.yaml", rules=CASES)
    result = run_kit(pytester, kit_registry, "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*rules.cases.yaml::one day late PASSED*"])


def test_a_failing_case_shows_expected_and_actual(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(
        ".cases.yaml",
        rules=CASES.replace(
            "verdicts: {kit.a.late: {status: deducted, points: 0.5, count: 1}}",
            "verdicts: {kit.a.late: clear}",
        ).replace("total: 0.5", "total: 0.75"),
    )
    result = run_kit(pytester, kit_registry)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*case 'one day late' (kit 2020*",
            "*expected*actual*",
            "*total*0.75*0.5*",
            "*verdict kit.a.late*clear*deducted",
            "*message: kit.a.late fired 1*",
            "*evidence: facts[[]0[]] submission: item=月报, late=true*",
            "*cites: 测试文件 第1条*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("region: kit\nyear: 2020\n", "'cases' is required"),
        ("region: kit\nyear: 2020\ncolour: red\ncases: []\n", "unknown key(s) ['colour']"),
        (
            "region: kit\nyear: 2020\ncases:\n  - {name: x}\n",
            "cases[0]: a case needs a name and an expect",
        ),
        (
            "region: kit\nyear: 2020\nfacts: []\ncases:\n  - {name: x, remove: [{kind: y}], expect: {}}\n",
            "cases[0].remove[0]: no base fact matches",
        ),
        (
            "region: kit\nyear: 2020\ncases:\n  - {name: x, expect: {score: 1}}\n",
            "cases[0].expect: unknown key(s) ['score']",
        ),
    ],
)
def test_a_malformed_case_file_is_a_collection_error(
    kit_registry: Registry, pytester: pytest.Pytester, text: str, problem: str
) -> None:
    pytester.makefile(".cases.yaml", broken=text)
    result = run_kit(pytester, kit_registry)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert problem in result.stdout.str()


def test_a_mistyped_status_lists_the_statuses(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(
        ".cases.yaml", rules=CASES.replace("{kit.a.late: clear}", "{kit.a.late: cleared}")
    )
    result = run_kit(pytester, kit_registry)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*rules.cases.yaml: cases[[]0[]].expect.verdicts.kit.a.late: 'cleared' is not a status; "
            "use one of: deducted, clear, no_evidence, not_applicable"
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("expect", "problem"),
    [
        (
            "{verdicts: {kit.a.late: {status: deducted, points: half}}}",
            "cases[0].expect.verdicts.kit.a.late.points: 'half' is not a number",
        ),
        (
            "{verdicts: {kit.a.late: {status: deducted, weight: 1}}}",
            "cases[0].expect.verdicts.kit.a.late: unknown key(s) ['weight']; allowed ['count', 'items', 'points', 'status']",
        ),
        (
            "{verdicts: {kit.a.late: {count: -1}}}",
            "cases[0].expect.verdicts.kit.a.late.count: -1 is not a whole number >= 0",
        ),
        ("{total: one}", "cases[0].expect.total: 'one' is not a number"),
        ("{indicators: [A1]}", "cases[0].expect.indicators: expected a mapping, got ['A1']"),
        ("{errors: bad}", "cases[0].expect.errors: expected a list of texts"),
    ],
)
def test_malformed_expectations_name_their_path(tmp_path: Path, expect: str, problem: str) -> None:
    path = tmp_path / "broken.cases.yaml"
    path.write_text(
        f"region: kit\nyear: 2020\ncases:\n  - {{name: x, expect: {expect}}}\n", encoding="utf-8"
    )
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    assert isinstance(info.value, ValidationError) and info.value.source == str(path)
    assert [str(p) for p in info.value.problems] == [problem]
    assert str(info.value) == f"{path}: {problem}"


def test_a_mistyped_rule_id_lists_the_rubrics_rules_closest_first(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(
        ".cases.yaml", rules=CASES.replace("{kit.a.late: clear}", "{kit.a.lat: clear}")
    )
    result = run_kit(pytester, kit_registry)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "case 'on time': *rules.cases.yaml: cases[[]0[]].expect.verdicts: no rule 'kit.a.lat' in "
            "rubric kit-2020; its rules, closest first: kit.a.late, kit.a.fee"
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_mistyped_indicator_code_lists_the_rubrics_codes(
    kit_registry: Registry, tmp_path: Path
) -> None:
    path = tmp_path / "rules.cases.yaml"
    path.write_text(
        CASES.replace("indicators: {A1: 0.5}", "indicators: {A7: 0.5}"), encoding="utf-8"
    )
    case = load_case_file(path)[1]
    with pytest.raises(CaseFileError) as info:
        check_case(case, kit_registry)
    assert info.value.problems == (
        Problem(
            "cases[1].expect.indicators",
            "no indicator 'A7' in rubric kit-2020; its indicators, closest first: A1",
        ),
    )


def test_coverage_report_names_rules_never_exercised(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".cases.yaml", rules=CASES)
    result = run_kit(
        pytester,
        kit_registry,
        "--govopen-coverage",
        "--govopen-coverage-json",
        "cov.json",
        "--govopen-coverage-fail-under",
        "100",
    )
    result.stdout.fnmatch_lines(
        [
            "*govopen-rules rule coverage*",
            "kit-2020: 1/2 rules covered (50%)*",
            "*kit.a.late*2*1*",
            "*kit.a.fee*<- never exercised*",
            "FAIL: kit-2020 rule coverage 50.0% is under 100.0%",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    data = json.loads((pytester.path / "cov.json").read_text(encoding="utf-8"))
    late = next(r for r in data[0]["rules"] if r["rule_id"] == "kit.a.late")
    assert (late["deducted"], late["clear"], late["at_cap"], late["covered"]) == (2, 1, 1, True)


def test_coverage_passes_at_its_threshold(
    kit_registry: Registry, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".cases.yaml", rules=CASES)
    result = run_kit(pytester, kit_registry, "--govopen-coverage-fail-under", "50")
    assert result.ret == pytest.ExitCode.OK


def test_python_helpers(kit_registry: Registry, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        textwrap.dedent("""
        from govopen_rules.testing import assert_verdict


        def test_late(govopen_evaluate):
            facts = [{"kind": "submission", "item": "x", "due_on": "2020-06-01",
                      "submitted_on": "2020-06-02"}]
            result = govopen_evaluate(facts, region="kit", year=2020)
            assert_verdict(result, "kit.a.late", status="deducted", points="0.5")
    """)
    )
    run_kit(pytester, kit_registry).assert_outcomes(passed=1)


def test_evaluate_rule_returns_one_verdict(kit_registry: Registry) -> None:
    from govopen_rules.testing import evaluate_rule

    facts = [
        {"kind": "submission", "item": "x", "due_on": "2020-06-01", "submitted_on": "2020-06-02"}
    ]
    verdict = evaluate_rule("kit.a.late", facts, region="kit", year=2020, registry=kit_registry)
    assert (verdict.status.value, verdict.points) == ("deducted", 0.5)


def test_assert_verdict_failure_shows_the_evidence(kit_registry: Registry) -> None:
    data: dict[str, Any] = facts_file(
        {"kind": "submission", "item": "x", "due_on": "2020-06-01", "submitted_on": "2020-06-02"}
    )
    result = evaluate(data, region="kit", registry=kit_registry)
    with pytest.raises(AssertionError, match=r"status deducted, expected clear.*late=true"):
        assert_verdict(result, "kit.a.late", status="clear")


def test_helpers_list_what_is_allowed(kit_registry: Registry) -> None:
    from govopen_rules.testing import evaluate_rule

    facts = [
        {"kind": "submission", "item": "x", "due_on": "2020-06-01", "submitted_on": "2020-06-02"}
    ]
    with pytest.raises(
        LookupError,
        match=r"no rule 'kit.a.lat' in rubric kit-2020; its rules, closest first: kit.a.late, kit.a.fee$",
    ):
        evaluate_rule("kit.a.lat", facts, region="kit", year=2020, registry=kit_registry)
    result = evaluate(facts_file(*facts), region="kit", registry=kit_registry)
    with pytest.raises(
        ValueError,
        match=r"'cleared' is not a status; use one of: deducted, clear, no_evidence, not_applicable",
    ):
        assert_verdict(result, "kit.a.late", status="cleared")


def test_builders_use_the_kits_facts_file() -> None:
    import govopen_rules.testing

    import builders

    assert builders.facts_file is govopen_rules.testing.facts_file


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("region: r\nyear: 2020\nas_of: 2020-13-01\ncases: []\n", "$: cannot read: month must be"),
        ("region: r\nyear: 2020\nfacts: null\ncases: []\n", "$.facts: expected a list of facts"),
        (
            "region: r\nyear: 2020\ncases:\n- {name: a, expect: {total: 1}, facts: null}\n",
            "cases[0].facts: expected a list of facts",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- {name: a, expect: {total: 1}, remove: null}\n",
            "cases[0].remove: expected a list",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- {name: a, expect: {total: 1}, add: null}\n",
            "cases[0].add: expected a list",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- name: a\n  expect: {total: 1}\n"
            "  patch: [{match: null, set: null}]\n",
            "cases[0].patch[0]: expected {match: {...}, set: {...}}",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- name: a\n  expect:\n    total: 3\n    total: 10\n",
            "line 7: the key 'total' is given twice; say it once",
        ),
        # Read as a float, this total was 1, and the case passed against a total of 1.
        (
            "region: r\nyear: 2020\ncases:\n- {name: a, expect: {total: 0.99999999999999999999}}\n",
            "cases[0].expect.total: Decimal('0.99999999999999999999') is out of range",
        ),
        # A lone surrogate in a name crashed pytest (PYTEST_CURRENT_TEST); an ESC reached the
        # terminal; two cases of one name were two tests with one node id.
        (
            'region: r\nyear: 2020\ncases:\n- {name: "s \\ud800", expect: {total: 1}}\n',
            "cases[0].name: 's \\ud800' holds '\\ud800'; a case's name is printable text",
        ),
        (
            'region: r\nyear: 2020\ncases:\n- {name: "a\\e[31m", expect: {total: 1}}\n',
            "cases[0].name: 'a\\x1b[31m' holds '\\x1b'",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- {name: a, expect: {total: 1}}\n"
            "- {name: a, expect: {total: 2}}\n",
            "cases[1].name: 'a' is also the name of cases[0]",
        ),
        (
            "region: r\nyear: 2020\ncases:\n- {name: caf\u00e9, expect: {total: 1}}\n"
            "- {name: 'cafe\u0301 ', expect: {total: 2}}\n",
            "cases[1].name: 'cafe\u0301 ' is also the name of cases[0]",
        ),
    ],
)
def test_a_broken_case_file_is_one_line_naming_the_place(
    tmp_path: Path, text: str, said: str
) -> None:
    """Each of these ended collection in a traceback, or (a key given twice) was kept in
    silence, so a wrong expectation was never checked."""
    from govopen_rules.testing.cases import CaseFileError, load_case_file

    path = tmp_path / "broken.cases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as refused:
        load_case_file(path)
    assert said in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_large_case_file_loads(tmp_path: Path) -> None:
    """The rubric's bound on values (200,000) is no bound for a case file, whose size is its
    own: one of 25,000 facts was refused as if aliases expanded it (found in review)."""
    facts = "".join(
        f"- {{kind: information_request, received_on: '2020-03-02', note: n{i}}}\n"
        for i in range(25_000)
    )
    path = tmp_path / "big.cases.yaml"
    path.write_text(
        f"region: r\nyear: 2020\nfacts:\n{facts}cases:\n- {{name: a, expect: {{total: 1}}}}\n",
        encoding="utf-8",
    )
    (case,) = load_case_file(path)
    assert len(case.facts_file["facts"]) == 25_000


@pytest.mark.parametrize("where", ["name: *a8", "facts: *a8", "remove: [{kind: *a8}]"])
def test_aliases_cannot_make_a_case_file_larger_than_its_text(tmp_path: Path, where: str) -> None:
    """Its size is its own, but not more: a 1 KB file of nested aliases (ten of ten of ten...)
    took 2.3 GB and ended in MemoryError."""
    anchors = ['- &a0 [x, x, x, x, x, x, x, x, x, x]']
    anchors += [f"- &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "laughs.cases.yaml"
    path.write_text(
        "region: r\nyear: 2020\nfacts: []\nparameters:\n  x:\n"
        + "".join(f"    {a}\n" for a in anchors)
        + f"cases:\n- {{name: a, expect: {{total: 1}}}}\n- {{{where}, expect: {{total: 1}}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CaseFileError, match="expands to more than 1,000,000 values"):
        load_case_file(path)


def test_anchors_may_reuse_facts_across_many_cases(tmp_path: Path) -> None:
    """500 facts anchored once and reused in 150 cases (375,000 values) were refused by the
    rubric's bound of 200,000."""
    facts = "".join(
        f"  - {{kind: information_request, received_on: '2020-03-02', note: n{i}}}\n"
        for i in range(500)
    )
    cases = "".join(f"- {{name: c{i}, facts: *all, expect: {{total: 1}}}}\n" for i in range(150))
    path = tmp_path / "reuse.cases.yaml"
    path.write_text(f"region: r\nyear: 2020\nfacts: &all\n{facts}cases:\n{cases}", "utf-8")
    loaded = load_case_file(path)
    assert len(loaded) == 150 and len(loaded[-1].facts_file["facts"]) == 500


def test_a_case_name_may_hold_any_text(tmp_path: Path) -> None:
    """An ideographic space (U+3000), a no-break space and a zero-width joiner are text, not
    control characters (the first check refused them)."""
    from govopen_rules.testing.cases import load_case_file

    path = tmp_path / "t.cases.yaml"
    names = ["甲局\u3000超期答复", "a\u00a0b", "👩\u200d💻"]
    cases = "".join(f'- {{name: "{n}", expect: {{total: 1}}}}\n' for n in names)
    path.write_text(f"region: r\nyear: 2020\ncases:\n{cases}", encoding="utf-8")
    assert [c.name for c in load_case_file(path)] == names
