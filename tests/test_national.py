"""The national baseline library: every rule fires, stays clear and holds at its boundary.

``data/national-baseline.yaml`` includes every rule of the library (1 point each, its vetoes as
vetoes); ``data/national-baseline-cases.yml`` holds the cases, in the testing kit's case-file
format, run here against a registry that has that rubric.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govopen_rules import Registry, Status
from govopen_rules.testing.cases import Case, check_case, load_case_file, render_mismatches

from conftest import RubricFiles

DATA = Path(__file__).parent / "data"
CASES = load_case_file(DATA / "national-baseline-cases.yml")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(
        plugins=[RubricFiles([DATA / "national-baseline.yaml"])], load_entrypoints=False
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, registry: Registry) -> None:
    _result, mismatches = check_case(case, registry)
    assert not mismatches, render_mismatches(case, mismatches)


def test_every_library_rule_is_included_and_seen_deducted_and_clear(registry: Registry) -> None:
    library = registry.rule_libraries["national"]
    rubric = registry.get_rubric("nationaltest", 2020)
    assert sorted(r.include or "" for r in rubric.all_rules()) == sorted(library.rules)
    seen: dict[str, set[Status]] = {rule_id: set() for rule_id in library.rules}
    for case in CASES:
        result, _ = check_case(case, registry)
        assert result is not None
        for verdict in result.verdicts():
            assert verdict.baseline is not None
            seen[verdict.baseline].add(verdict.status)
    for rule_id, statuses in seen.items():
        assert {Status.DEDUCTED, Status.CLEAR} <= statuses, rule_id
