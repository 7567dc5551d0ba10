"""Pins every durable-rules sharp edge that the adapter, govopen_rules/engines/durable.py, hides."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from govopen_rules import EngineError
from govopen_rules.engines import durable_available

if not durable_available():  # Python 3.13+: the python engine is tested everywhere else
    pytest.skip("durable-rules does not run on this Python", allow_module_level=True)

from govopen_rules.engines.durable import DurableEngine as Engine

RULES = {
    "late": {"$and": [{"kind": "req"}, {"$gt": {"days": 20}}]},
    "any_req": {"kind": "req"},
    "named": {"$and": [{"kind": "req"}, {"name": "宣威市"}]},
    "no_days": {"$and": [{"kind": "req"}, {"$nex": {"days": 1}}]},
    "days_not_5": {"$and": [{"kind": "req"}, {"$neq": {"days": 5}}]},
}


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine(RULES, label="test") as eng:
        yield eng


def run(engine: Engine, facts: list[dict[str, object]]) -> set[tuple[str, int]]:
    return set(engine.match(facts))


def test_empty_fact_list_returns_no_matches(engine: Engine) -> None:
    assert engine.match([]) == []


def test_more_than_1024_evaluations_do_not_exhaust_sessions(engine: Engine) -> None:
    # Half the evaluations match nothing at all: the case that crashed delete_state.
    for i in range(1500):
        facts: list[dict[str, object]] = (
            [{"kind": "other", "n": i}] if i % 2 else [{"kind": "req", "days": 21}]
        )
        expected = set() if i % 2 else {("late", 0), ("any_req", 0), ("days_not_5", 0)}
        assert run(engine, facts) == expected


def test_identical_facts_are_all_kept(engine: Engine) -> None:
    fact = {"kind": "req", "days": 30}
    assert run(engine, [fact, dict(fact), dict(fact)]) >= {("late", 0), ("late", 1), ("late", 2)}


def test_chinese_strings_match(engine: Engine) -> None:
    assert ("named", 0) in run(engine, [{"kind": "req", "name": "宣威市"}])
    assert ("named", 0) not in run(engine, [{"kind": "req", "name": "宣威"}])


def test_missing_field_fails_every_comparison_but_nex(engine: Engine) -> None:
    hits = run(engine, [{"kind": "req"}])
    assert hits == {("any_req", 0), ("no_days", 0)}  # not days_not_5: missing is not "!= 5"


def test_number_exactly_at_the_threshold(engine: Engine) -> None:
    assert ("late", 0) not in run(engine, [{"kind": "req", "days": 20}])
    assert ("late", 0) in run(engine, [{"kind": "req", "days": 21}])


def test_unmatched_facts_do_not_hide_matched_ones(engine: Engine) -> None:
    hits = run(engine, [{"kind": "zzz"}, {"kind": "req", "days": 25}, {"kind": "yyy"}])
    assert ("late", 1) in hits


def test_many_facts_in_one_evaluation_are_all_seen(engine: Engine) -> None:
    facts: list[dict[str, object]] = [{"kind": "req", "days": 21} for _ in range(3000)]
    hits = run(engine, facts)
    assert {i for rule, i in hits if rule == "late"} == set(range(3000))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "cannot be sent"),
        (float("inf"), "cannot be sent"),
        (Decimal("1.5"), "cannot be sent"),
        (2**70, "64-bit"),
        ({"nested": 1}, "cannot be sent"),
    ],
)
def test_values_the_engine_would_mangle_are_refused(
    engine: Engine, value: object, problem: str
) -> None:
    with pytest.raises(EngineError, match=problem):
        engine.match([{"kind": "req", "days": value}])
    # and the engine still works afterwards
    assert ("late", 0) in run(engine, [{"kind": "req", "days": 99}])


@pytest.mark.parametrize("key", ["id", "sid", "$s"])
def test_reserved_field_names_are_refused(engine: Engine, key: str) -> None:
    with pytest.raises(EngineError, match="reserved"):
        engine.match([{"kind": "req", key: "x"}])


def test_sentinel_kind_is_reserved(engine: Engine) -> None:
    with pytest.raises(EngineError, match="reserved"):
        engine.match([{"kind": "_sentinel"}])


def test_invalid_ruleset_is_the_librarys_error() -> None:
    with pytest.raises(EngineError, match="durable-rules error"):
        Engine({"bad": {"$mt": {"name": "["}}})


def test_bad_rule_name_is_refused() -> None:
    with pytest.raises(EngineError, match="not allowed"):
        Engine({"has space": {"kind": "x"}})


def test_closed_engine_refuses_work() -> None:
    eng = Engine({"a": {"kind": "x"}})
    eng.close()
    eng.close()  # idempotent
    with pytest.raises(EngineError, match="closed"):
        eng.match([{"kind": "x"}])


def test_four_threads_give_the_same_answers_as_one(engine: Engine) -> None:
    cases: list[list[dict[str, object]]] = [
        [{"kind": "req", "days": d, "name": "宣威市" if d % 3 else "x"}, {"kind": "o"}]
        for d in range(40)
    ]
    expected = [run(engine, c) for c in cases]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                for case, want in zip(cases, expected, strict=True):
                    assert run(engine, case) == want
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_null_is_refused_by_the_engine_and_dropped_by_encoding(engine: Engine) -> None:
    # durable-rules treats null and a missing field differently (null matches "== None" and
    # "exists"); the library never sends null: encode_fact leaves unobserved fields out.
    with pytest.raises(EngineError, match="cannot be sent"):
        engine.match([{"kind": "req", "days": None}])
    from govopen_rules import Registry
    from govopen_rules.facts.encoding import encode_fact
    from govopen_rules.facts.model import AssessmentWeight

    kind = Registry(load_entrypoints=False).fact_kinds["assessment_weight"]
    assert encode_fact(kind, AssessmentWeight(included=True), {}) == {
        "kind": "assessment_weight", "included": True,
    }


def _in_subprocess(code: str, timeout: float = 60) -> str:
    """Run ``code`` in a fresh interpreter under a timeout: a hang fails the test, never the suite."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout.strip()


ALTERNATIVES = """
from govopen_rules.engines.durable import DurableEngine
def rule(n, offset):
    return {"$and": [{"kind": "t"}, {"$or": [{"x": offset + i} for i in range(n)]}]}
"""


def test_the_largest_ruleset_durable_answers_is_512_alternatives_with_the_sentinel() -> None:
    # 511 alternatives in one rule plus the sentinel: the engine answers. (512 hang forever in
    # durable-rules 2.0.28; the adapter never builds such a ruleset, so it is not run here.)
    code = ALTERNATIVES + (
        "e = DurableEngine({'r': rule(511, 0)})\n"
        "print(e.ruleset_count, sorted(e.match([{'kind': 't', 'x': 510}])))"
    )
    assert _in_subprocess(code) == "1 [('r', 0)]"


def test_rules_past_the_limit_are_packed_into_several_rulesets() -> None:
    # 2 x 256 alternatives hang in one ruleset; the adapter splits them and still finds both.
    code = ALTERNATIVES + (
        "e = DurableEngine({'a': rule(256, 0), 'b': rule(256, 1000), 'c': rule(3, 5000)})\n"
        "facts = [{'kind': 't', 'x': 255}, {'kind': 't', 'x': 1255}, {'kind': 't', 'x': 5002}]\n"
        "print(e.ruleset_count, sorted(e.match(facts)))"
    )
    assert _in_subprocess(code) == "2 [('a', 0), ('b', 1), ('c', 2)]"


def test_one_rule_past_the_limit_is_refused_with_the_way_out() -> None:
    from govopen_rules.engines.durable import DurableEngine

    rule = {"$and": [{"kind": "t"}, {"$or": [{"x": i} for i in range(512)]}]}
    with pytest.raises(EngineError, match=r"expands to 512 alternatives.*engine='python'"):
        DurableEngine({"r": rule})
    nested = {"$and": [{"$or": [{"x": i} for i in range(30)]}, {"$or": [{"y": i} for i in range(30)]}]}
    with pytest.raises(EngineError, match="expands to 900 alternatives"):
        DurableEngine({"r": nested})


def test_facts_are_matched_a_session_at_a_time_with_every_match_kept(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine holds every fact of a session (99,000 facts took 1.1 GB); batches of
    ``FACTS_PER_SESSION`` keep it bounded and find the same matches, with the facts' own
    positions, across every batch boundary."""
    import resource

    from govopen_rules.engines import durable

    facts: list[dict[str, object]] = [{"kind": "req", "days": 3 * i} for i in range(10)]
    whole = sorted(engine.match(facts))
    monkeypatch.setattr(durable, "FACTS_PER_SESSION", 3)
    assert sorted(engine.match(facts)) == whole
    # late: days 21, 24, 27; any_req: all ten; days_not_5: all ten (none is 5)
    assert {i for rule, i in whole if rule == "late"} == {7, 8, 9} and len(whole) == 23
    monkeypatch.undo()

    many: list[dict[str, object]] = [
        {"kind": "req", "days": i % 40, "name": "x" * 200} for i in range(40_000)
    ]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = engine.match(many)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert len([m for m in found if m[0] == "late"]) == 40_000 * 19 // 40
    assert grown_mb < 150, f"matching 40,000 facts grew the process by {grown_mb:.0f} MB"


def test_text_past_64_kib_compares_equal_in_durable_so_encoding_refuses_it() -> None:
    """durable-rules compares text with a 16-bit length: "statistics" followed by 65,536 x's
    equals "statistics" to it. Encoding refuses a compared text past 65,535 bytes (both
    engines), and takes one of exactly 65,535 bytes, in ASCII or in three-byte characters."""
    from govopen_rules.facts.encoding import MAX_TEXT_BYTES, encode_value
    from govopen_rules.facts.kinds import FieldType

    with Engine({"r": {"$and": [{"kind": "t"}, {"s": "statistics"}]}}) as engine:
        wrapped = "statistics" + "x" * 65_536
        assert engine.match([{"kind": "t", "s": wrapped}]) == [("r", 0)]  # the sharp edge
    assert MAX_TEXT_BYTES == 65_535
    for text in ("x" * 65_535, "条" * 21_845):
        assert encode_value(text, FieldType.STR) == text
    for text in ("x" * 65_536, "条" * 21_845 + "x"):
        with pytest.raises(ValueError, match="at most 65,535 bytes"):
            encode_value(text, FieldType.STR)


def test_no_regular_expression_reaches_durable_rules() -> None:
    """Its dialect differs from Python's (``\\d``, anchors and ``(?i)`` matched nothing) and a
    CJK range crashed it: a ``matches`` becomes a probe field, tried by Python's ``re``."""
    from govopen_rules.engines.durable_json import compile_selections
    from govopen_rules.rubric.compiler import Selection
    from govopen_rules.rubric.conditions import Compare

    selections = {
        "digits": Selection("t", (Compare("s", "matches", r"\d+"),)),
        "cjk": Selection("t", (Compare("s", "matches", "[一-龥]+"),)),
    }
    rules, probes = compile_selections(selections)
    assert "$mt" not in str(rules) and [p.pattern for p in probes] == [r"\d+", "[一-龥]+"]
    with Engine(rules, probes=probes) as engine:
        facts: list[dict[str, object]] = [
            {"kind": "t", "s": "12"},
            {"kind": "t", "s": "宣威"},
            {"kind": "t", "s": "a1"},
            {"kind": "t", "n": 1},
        ]
        assert sorted(engine.match(facts)) == [("cjk", 1), ("digits", 0)]
        with pytest.raises(EngineError, match="'~re0' is reserved"):
            engine.match([{"kind": "t", "~re0": True}])


def test_probes_go_only_to_facts_of_their_kind_and_never_past_the_engines_limit() -> None:
    """durable-rules drops a fact of about 253 values in silence: 260 patterns on one field
    once matched nothing (found in review). Probes are added to facts of the rule's kind only,
    and a fact they would take past the limit is an error that names the python engine."""
    from govopen_rules.engines.durable_json import compile_selections
    from govopen_rules.facts.encoding import MAX_PROPERTIES
    from govopen_rules.rubric.compiler import Selection
    from govopen_rules.rubric.conditions import Compare

    def rules(n: int) -> dict[str, Selection]:
        return {f"r{i}": Selection("t", (Compare("s", "matches", f"x{{{i}}}"),)) for i in range(n)}

    selections, probes = compile_selections(rules(5))
    with Engine(selections, probes=probes) as engine:
        assert sorted(engine.match([{"kind": "t", "s": "x"}, {"kind": "u", "s": "x"}])) == [
            ("r1", 0)
        ]
    selections, probes = compile_selections(rules(MAX_PROPERTIES))
    with Engine(selections, probes=probes) as engine:
        assert engine.match([{"kind": "u", "s": "x"}]) == []  # another kind: no probe at all
        with pytest.raises(EngineError, match="engine='python'"):
            engine.match([{"kind": "t", "s": "x"}])
