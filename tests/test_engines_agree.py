"""The two engines give identical results: every case file and example of every built-in rubric
goes through ``durable`` and ``python`` and the JSON must be the same, byte for byte.

The case files exercise every built-in rule both deducted and clear (the CI coverage gate), so
this covers every rule; ``tests/test_conditions.py`` adds hypothesis-generated conditions.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from govopen_rules import Registry, evaluate, evaluate_many, to_json
from govopen_rules.engines import durable_available
from govopen_rules.errors import GovOpenRulesError
from govopen_rules.testing.cases import Case, load_case_file

ROOT = Path(__file__).parent.parent
CASE_FILES = sorted(ROOT.glob("plugins/*/tests/*.cases.yaml"))
needs_durable = pytest.mark.skipif(
    not durable_available(), reason="durable-rules does not run here"
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


def _cases() -> list[Case]:
    return [case for path in CASE_FILES for case in load_case_file(path)]


def _outcome(registry: Registry, case: Case, engine: str) -> str:
    try:
        result = evaluate(
            case.facts_file,
            region=case.region,
            year=case.year,
            parameters=case.parameters or None,
            registry=registry,
            engine=engine,
        )
    except GovOpenRulesError as exc:
        return f"error: {exc}"
    assert result.engine == engine
    data = json.loads(to_json(result))
    del data["engine"]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@needs_durable
def test_every_case_of_every_built_in_rubric_is_identical_under_both_engines(
    registry: Registry,
) -> None:
    cases = _cases()
    assert len(cases) > 100
    seen: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        durable = _outcome(registry, case, "durable")
        python = _outcome(registry, case, "python")
        assert durable == python, f"{case.source}: {case.name}"
        if not durable.startswith("error:"):
            for area in json.loads(durable)["areas"]:
                for indicator in area["indicators"]:
                    for verdict in indicator["verdicts"]:
                        seen[verdict["rule_id"]].add(verdict["status"])
    every_rule = {r.id for rubric in registry.rubrics() for r in rubric.all_rules()}
    both = {rule for rule, statuses in seen.items() if {"deducted", "clear"} <= statuses}
    assert every_rule <= both, sorted(every_rule - both)


EXAMPLES = [
    ("xuanwei", 2020, "plugins/xuanwei/examples/xuanwei-2020.json"),
]
COHORTS = [
    ("yanan", 2020, "plugins/yanan/examples/yanan-2020-cohort.json"),
    ("baoshan", 2019, "plugins/baoshan/examples/baoshan-2019-cohort.json"),
]


def _load(path: str) -> object:
    return json.loads((ROOT / path).read_text(encoding="utf-8"), parse_float=Decimal)


def _without_engine(text: str) -> str:
    return text.replace('"engine": "python"', "").replace('"engine": "durable"', "")


@needs_durable
@pytest.mark.parametrize(("region", "year", "path"), EXAMPLES)
def test_examples_are_identical_under_both_engines(
    registry: Registry, region: str, year: int, path: str
) -> None:
    facts = _load(path)
    durable = evaluate(facts, region=region, year=year, registry=registry, engine="durable")  # type: ignore[arg-type]
    python = evaluate(facts, region=region, year=year, registry=registry, engine="python")  # type: ignore[arg-type]
    assert _without_engine(to_json(durable)) == _without_engine(to_json(python))


@needs_durable
@pytest.mark.parametrize(("region", "year", "path"), COHORTS)
def test_cohorts_are_identical_under_both_engines(
    registry: Registry, region: str, year: int, path: str
) -> None:
    document = _load(path)
    units = document["units"] if isinstance(document, dict) else document
    runs = [
        evaluate_many(units, region=region, year=year, registry=registry, engine=engine)
        for engine in ("durable", "python")
    ]
    assert len(runs[0].results) > 10
    assert _without_engine(to_json(runs[0])) == _without_engine(to_json(runs[1]))


def test_the_python_engine_runs_without_durable_rules(registry: Registry) -> None:
    facts = _load(EXAMPLES[0][2])
    result = evaluate(facts, region="xuanwei", year=2020, registry=registry, engine="python")  # type: ignore[arg-type]
    assert result.engine == "python"
    assert result.total == Decimal("13.9")
