"""Serialising is fast and changes nothing: ``to_json`` (compact and indented) and ``unstructure``
give what they gave before ``serialising.py``, byte for byte, however often an object is written.

The reference is the old implementation rebuilt here: a plain cattrs converter with the old
hooks, its data written by orjson (compact) or the standard library (indented, and whatever
orjson refuses).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import weakref
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs
import cattrs.gen
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govopen_rules import EvaluationResult, Registry, evaluate, evaluate_many, from_json, to_json
from govopen_rules.conversion import load_json_document, unstructure
from govopen_rules.engines import durable_available
from govopen_rules.evaluation.results import (
    AreaResult,
    EvidenceRef,
    GradeHeld,
    IndicatorResult,
    ScoreRange,
    Status,
    Verdict,
)
from govopen_rules.facts.convert import structure_facts_file
from govopen_rules.facts.model import UNIT_KINDS, Unit
from govopen_rules.rubric.evidence_policy import ResolvedMissing
from govopen_rules.rubric.model import Citation
from govopen_rules.serialising import TRIAL, CompactJson

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(ROOT.glob("plugins/*/examples/*.json"))
ENGINES = ["python", "durable"] if durable_available() else ["python"]


#: A unit's id and name are one line of text (a line break is refused).
_one_line = st.text(max_size=8).filter(lambda t: t.splitlines() == ([t] if t else []))


def _old_converter() -> cattrs.Converter:
    """The unstructuring ``make_converter`` configured before ``serialising.py``."""
    conv = cattrs.Converter()

    def is_fact(cls: Any) -> bool:
        return (
            isinstance(cls, type) and attrs.has(cls) and isinstance(getattr(cls, "KIND", None), str)
        )

    def fact_hook(cls: Any) -> Any:
        plain = cattrs.gen.make_dict_unstructure_fn(cls, conv)
        return lambda fact: {"kind": cls.KIND, **plain(fact)}

    conv.register_unstructure_hook_factory(is_fact, fact_hook)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    return conv


OLD = _old_converter()


def _old_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def old_to_json(obj: object, indent: int | None) -> str:
    data = OLD.unstructure(obj)
    if indent is None:
        try:
            return orjson.dumps(data, default=_old_default, option=orjson.OPT_NON_STR_KEYS).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_old_default)


def _ordered(data: object) -> str:
    """Plain data as text that keeps key order and container types (dict ``==`` ignores order)."""
    return json.dumps(data, ensure_ascii=False, default=repr)


def assert_unchanged(obj: object, times: int = 3) -> None:
    """Written several times (an object met before is written from memory), always as before."""
    compact, indented = old_to_json(obj, None), old_to_json(obj, 2)
    plain = _ordered(OLD.unstructure(obj))
    for _ in range(times):
        assert to_json(obj, indent=None) == compact
        assert to_json(obj) == indented
        assert _ordered(unstructure(obj)) == plain


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


@pytest.fixture(scope="module", params=ENGINES)
def evaluated(request: pytest.FixtureRequest, registry: Registry) -> list[Any]:
    """Every plugin example that evaluates, under one engine: a facts file's result, a cohort."""
    out: list[Any] = []
    for path in EXAMPLES:
        data = _load(path)
        run = {"registry": registry, "engine": request.param}
        if "facts" in data:
            out.append(evaluate(data, region=path.parent.parent.name, **run))
        elif "units" in data:
            out.append(
                evaluate_many(data["units"], region=data["region"], year=data["year"], **run)
            )
    return out


@pytest.fixture(scope="module")
def results(evaluated: list[Any]) -> list[EvaluationResult]:
    found = [r for item in evaluated for r in getattr(item, "results", [item])]
    assert len(found) > 100 and len(found) > len(evaluated)
    return found


def test_every_example_result_is_written_as_before(results: list[EvaluationResult]) -> None:
    for result in results:
        assert_unchanged(result)
    # Again, now that the verdicts, citations and policies shared between results are known.
    for result in results:
        assert_unchanged(result, times=1)


def test_every_example_cohort_is_written_as_before(evaluated: list[Any]) -> None:
    cohorts = [item for item in evaluated if not isinstance(item, EvaluationResult)]
    assert len(cohorts) == 2
    for cohort in cohorts:
        assert_unchanged(cohort, times=2)


def test_the_examples_cover_what_a_result_can_hold(results: list[EvaluationResult]) -> None:
    verdicts = [v for r in results for v in r.verdicts()]
    assert any(v.status is Status.NO_EVIDENCE and v.at_stake is not None for v in verdicts)
    assert any(v.policy is not None and v.policy.citation is not None for v in verdicts)
    assert any(v.evidence and v.items for v in verdicts)
    assert any(r.grade_held is not None for r in results)
    assert any(r.date_parameters for r in results)
    assert any(i.self_score is not None for r in results for a in r.areas for i in a.indicators)


def test_compact_json_reads_back_as_the_same_result(results: list[EvaluationResult]) -> None:
    for result in results[:5]:
        for _ in range(2):
            assert from_json(to_json(result, indent=None), EvaluationResult) == result


def test_results_with_provisional_years_are_written_as_before(registry: Registry) -> None:
    late = {"kind": "information_request", "received_on": "2035-12-14", "replied_on": "2036-01-16"}
    unit = {
        "unit": {"id": "a", "name": "甲局", "kind": "department"},
        "year": 2020,
        "facts": [late],
    }
    result = evaluate(unit, region="yanshan", registry=registry)
    assert result.provisional_calendar_years
    assert any(v.provisional_calendar_years for v in result.verdicts())
    assert_unchanged(result)


def test_a_facts_file_is_written_as_before_kind_first(registry: Registry) -> None:
    data = _load(ROOT / "plugins/xuanwei/examples/xuanwei-2020.json")
    facts = structure_facts_file(data, registry.fact_kinds)
    assert_unchanged(facts)
    assert json.loads(to_json(facts, indent=None))["facts"][0]["kind"] == data["facts"][0]["kind"]
    again = load_json_document(to_json(facts, indent=None))
    assert structure_facts_file(again, registry.fact_kinds) == facts


@attrs.frozen
class Keyed:
    counts: dict[int, Decimal]
    when: dict[str, dt.date]
    big: int = 0
    text: str = ""


def test_non_string_keys_and_values_orjson_refuses_are_written_as_before() -> None:
    keyed = Keyed(counts={1: Decimal("1.50"), 2: Decimal("-0")}, when={"due": dt.date(2020, 4, 30)})
    assert_unchanged(keyed)
    assert to_json(keyed, indent=None).startswith('{"counts":{"1":"1.50"')
    for refused in (attrs.evolve(keyed, big=2**70), attrs.evolve(keyed, text="\ud800")):
        assert_unchanged(refused)
        assert ", " in to_json(refused, indent=None)  # the standard library's separators


@attrs.define
class Box:
    value: Decimal


def test_an_object_that_can_change_is_written_as_it_is_now() -> None:
    box = Box(Decimal(1))
    assert to_json(box, indent=None) == '{"value":"1"}'
    assert to_json(box, indent=None) == '{"value":"1"}'
    box.value = Decimal(2)
    assert to_json(box, indent=None) == '{"value":"2"}'


def test_remembering_keeps_no_object_alive(results: list[EvaluationResult]) -> None:
    result = attrs.evolve(results[0], region="x")
    for _ in range(3):
        to_json(result, indent=None)
    ref = weakref.ref(result)
    del result
    gc.collect()
    assert ref() is None


@attrs.frozen
class Leaf:
    name: str
    points: Decimal


@attrs.frozen
class Node:
    leaves: tuple[Leaf, ...]
    note: str | None = None


def test_a_class_met_once_per_object_stops_being_remembered_and_stays_exact() -> None:
    writer = CompactJson()
    shared = Leaf(name="共", points=Decimal("0.5"))
    for i in range(2 * TRIAL):
        node = Node(
            leaves=(shared, Leaf(name=str(i), points=Decimal(i))), note=None if i % 2 else "n"
        )
        assert writer.dumps(node).decode() == old_to_json(node, None)


def _few(items: st.SearchStrategy[Any], most: int) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(items, max_size=most).map(tuple)


def _results() -> st.SearchStrategy[EvaluationResult]:
    """Results of every shape, small enough to generate quickly (other fields as typed)."""
    # Hypothesis reads the field types, which ``from __future__ import annotations`` leaves as text.
    for cls in (EvaluationResult, AreaResult, IndicatorResult, Verdict, EvidenceRef, Citation):
        attrs.resolve_types(cls)
    for cls in (ResolvedMissing, ScoreRange, GradeHeld, Unit):
        attrs.resolve_types(cls)
    words = st.text(max_size=8)
    citations = st.builds(Citation, document=words, clause=words, quote=words, note=words)
    policies = st.builds(ResolvedMissing, citation=st.none() | citations, note=words)
    evidence = st.builds(
        EvidenceRef,
        values=st.dictionaries(words, words, max_size=3),
        provisional_calendar_years=_few(st.integers(), 2),
    )
    verdicts = st.builds(
        Verdict,
        citation=citations,
        evidence=_few(evidence, 2),
        policy=st.none() | policies,
        assumptions=_few(words, 2),
        items=_few(words, 2),
        provisional_calendar_years=_few(st.integers(), 2),
    )
    indicators = st.builds(IndicatorResult, verdicts=_few(verdicts, 3))
    areas = st.builds(AreaResult, indicators=_few(indicators, 2))
    return st.builds(
        EvaluationResult,
        unit=st.builds(Unit, id=_one_line, name=_one_line, kind=st.sampled_from(UNIT_KINDS)),
        areas=_few(areas, 2),
        parameters=st.dictionaries(words, st.decimals(), max_size=3),
        date_parameters=st.dictionaries(words, st.dates(), max_size=2),
        assumed_parameters=_few(words, 2),
        provisional_calendar_years=_few(st.integers(), 2),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_results())
def test_any_result_is_written_as_before(result: EvaluationResult) -> None:
    assert_unchanged(result)
    # The same areas twice: every verdict, citation and policy met again within one result.
    assert_unchanged(attrs.evolve(result, areas=result.areas + result.areas), times=2)


@attrs.frozen
class _Base:
    a: int


@attrs.frozen
class _Sub(_Base):
    b: int


@attrs.frozen
class _Holder:
    base: _Base
    sub: _Sub


def test_an_object_met_as_its_base_class_and_as_itself_is_written_as_declared() -> None:
    """cattrs writes a field as its declared class: the JSON remembered for one class is never
    reused for another (found in review: one memory for every class wrote ``base`` with ``b``)."""
    shared = _Sub(a=1, b=2)
    holder = _Holder(base=shared, sub=shared)
    expected = '{"base":{"a":1},"sub":{"a":1,"b":2}}'
    assert [to_json(holder, indent=None) for _ in range(4)] == [expected] * 4
