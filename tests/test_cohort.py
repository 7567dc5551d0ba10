from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from govopen_rules import (
    FactKind,
    FieldType,
    Registry,
    evaluate_many,
    from_json,
    hookimpl,
    to_json,
)
from govopen_rules.evaluation.cohort import CohortResult
from govopen_rules.exact import percent_of as share_of
from govopen_rules.reports.cohort import render_cohort_markdown

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}


def late_items(n: int) -> list[dict[str, Any]]:
    return [{"kind": "submission", "item": f"m{i}", "due_on": "2020-06-01",
             "submitted_on": "2020-06-05"} for i in range(n)]


def unit(uid: str, n_late: int, kind: str = "county_government",
         category: str | None = None) -> dict[str, Any]:
    data = facts_file(*late_items(n_late), unit_kind=kind)
    data["unit"] = {"id": uid, "name": f"单位{uid}", "kind": kind}
    if category:
        data["unit"]["category"] = category
    return data


def cohort_rubric(quotas: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    r = rule("t.a.late", "submission", when=LATE, deduct={"mode": "per_unit", "points": "1"})
    policy: dict[str, Any] = {
        "groups": [
            {"name": "县", "unit_kinds": ["county_government", "park_committee"]},
            {"name": "部门", "unit_kinds": ["department"]},
        ],
        "share_decimals": 2,
    }
    if quotas:
        policy["quotas"] = quotas
    return rubric(
        area("A", indicator("A1", "10", r)),
        region="cohort",
        grades=[{"label": "优秀", "min_score": 9}, {"label": "良好", "min_score": 7},
                {"label": "待改进", "min_score": 0}],
        cohort=policy,
        **extra,
    )


@pytest.fixture(scope="module")
def reg(make_registry: MakeRegistry) -> Registry:
    return make_registry(cohort_rubric())


def run(reg: Registry, units: list[dict[str, Any]], **kw: Any) -> CohortResult:
    return evaluate_many(units, region="cohort", year=2020, registry=reg, **kw)


@pytest.mark.parametrize(
    ("count", "size", "decimals", "share"),
    [(15, 46, 2, "32.61"), (28, 46, 2, "60.87"), (3, 46, 2, "6.52"), (4, 16, 2, "25.00"),
     (9, 16, 2, "56.25"), (3, 16, 2, "18.75"), (1, 8, 0, "13"), (1, 8, 1, "12.5"),
     (1, 3, 2, "33.33"), (2, 3, 2, "66.67"), (1, 200, 1, "0.5"), (1, 400, 1, "0.3"),
     (0, 0, 2, "0")],
)
def test_shares_round_half_up(count: int, size: int, decimals: int, share: str) -> None:
    assert str(share_of(count, size, decimals)) == share


def test_groups_ranks_and_tiers(reg: Registry) -> None:
    units = [unit("c1", 0), unit("c2", 2), unit("c3", 2), unit("c4", 5),
             unit("d1", 1, "department"), unit("d2", 3, "department")]
    result = run(reg, units)
    county = result.group("县")
    assert [(p.unit_id, p.rank, p.tier) for p in county.placements] == [
        ("c1", 1, "优秀"), ("c2", 2, "良好"), ("c3", 2, "良好"), ("c4", 4, "待改进"),
    ]
    assert [(t.label, t.count, t.share) for t in county.tiers] == [
        ("优秀", 1, Decimal("25.00")), ("良好", 2, Decimal("50.00")), ("待改进", 1, Decimal("25.00")),
    ]
    dept = result.group("部门")
    assert [(t.label, t.count) for t in dept.tiers] == [("优秀", 1), ("良好", 1), ("待改进", 0)]


def test_threshold_boundary_is_inclusive(reg: Registry) -> None:
    result = run(reg, [unit("a", 1), unit("b", 3), unit("c", 4)])  # totals 9, 7, 6
    assert [p.tier for p in result.group("县").placements] == ["优秀", "良好", "待改进"]


def test_invalid_unit_is_reported_and_the_others_go_on(reg: Registry) -> None:
    bad = unit("bad", 0)
    bad["facts"] = [{"kind": "submission"}]
    result = run(reg, [unit("a", 0), bad, unit("b", 1)])
    assert [r.unit.id for r in result.results] == ["a", "b"]
    [failure] = result.failures
    assert (failure.index, failure.unit_id, failure.name) == (1, "bad", "单位bad")
    assert failure.errors == ("facts[0].item: required field missing",)
    assert result.group("县").size == 2


def test_units_outside_every_group_are_listed(reg: Registry) -> None:
    result = run(reg, [unit("t", 0, "township"), unit("a", 0)])
    assert result.ungrouped == ("t",)


@pytest.mark.parametrize(
    ("ties", "expected"),
    [("drop", ["良好", "良好", "良好", "良好"]), ("keep", ["优秀", "优秀", "良好", "良好"])],
)
def test_quota_with_a_tie_at_the_boundary(make_registry: MakeRegistry, ties: str,
                                          expected: list[str]) -> None:
    reg = make_registry(cohort_rubric(quotas=[{"label": "优秀", "max_share": 25, "ties": ties}]))
    # four units all at 10: 25 % of 4 allows one 优秀, but the first two are tied.
    units = [unit("a", 0), unit("b", 0), unit("c", 1), unit("d", 1)]
    result = run(reg, units)
    county = result.group("县")
    assert [p.tier for p in county.placements] == expected
    assert "tied at the boundary" in county.warnings[0]


def test_quota_without_ties_moves_the_lowest(make_registry: MakeRegistry) -> None:
    reg = make_registry(cohort_rubric(quotas=[{"label": "优秀", "max_share": 50}]))
    result = run(reg, [unit("a", 0), unit("b", 1), unit("c", 1), unit("d", 0)])
    # a and d hold 10, b and c 9: all 优秀 by threshold; 50 % allows 2.
    assert [(p.unit_id, p.tier) for p in result.group("县").placements] == [
        ("a", "优秀"), ("d", "优秀"), ("b", "良好"), ("c", "良好"),
    ]
    assert "moved to 良好: 单位b、单位c" in result.group("县").warnings[0]


def test_quota_label_must_be_a_grade(make_registry: MakeRegistry) -> None:
    from govopen_rules import RubricError

    with pytest.raises(RubricError, match="'卓越' is not a grade"):
        make_registry(cohort_rubric(quotas=[{"label": "卓越", "max_share": 10}]))


def test_per_group_grades(make_registry: MakeRegistry) -> None:
    data = cohort_rubric()
    data["cohort"]["groups"][1]["grades"] = [{"label": "A档", "min_score": 5},
                                             {"label": "B档", "min_score": 0}]
    reg = make_registry(data)
    result = run(reg, [unit("d", 4, "department")])
    assert result.group("部门").placements[0].tier == "A档"
    assert result.results[0].grade == "A档"


def test_an_executor_uses_its_own_plugins_not_a_registry(reg: Registry) -> None:
    units = [unit(f"u{i}", i % 5) for i in range(12)]
    with ThreadPoolExecutor(max_workers=3) as pool, pytest.raises(
        ValueError, match="either an executor or a registry"
    ):
        evaluate_many(units, region="cohort", year=2020, registry=reg, executor=pool)


def test_result_serialises_and_renders(reg: Registry) -> None:
    result = run(reg, [unit("a", 0), unit("b", 2), unit("d", 1, "department")])
    assert from_json(to_json(result), CohortResult) == result
    text = render_cohort_markdown(result)
    assert "| 优秀 | 1 | 50% | 单位a |" in text
    assert "| 优秀 | 1 | 100% | 单位d |" in text


# --- a cohort never loses work ----------------------------------------------------------


class Exploding:
    """A plugin whose fact kind's deriver raises what no validation anticipates."""

    @hookimpl
    def govopen_fact_kinds(self) -> list[FactKind]:
        @attrs.frozen(kw_only=True)
        class Bomb:
            KIND: ClassVar[str] = "bomb"
            fuse: int

        def derive(fact: Any, ctx: Any) -> dict[str, object]:
            if fact.fuse:
                raise OverflowError("boom")
            return {"lit": False}

        return [FactKind(name="bomb", cls=Bomb, title="炸弹", derived={"lit": FieldType.BOOL},
                         derive=derive)]


def test_one_failing_unit_does_not_cost_the_others(make_registry: MakeRegistry) -> None:
    reg = make_registry(rubric(area("A", indicator("A1", "1", rule("b.a.lit", "bomb",
                                                                  when={"field": "lit", "eq": True})))),
                        plugins=(Exploding(),))
    units = []
    for i in range(5):
        unit = facts_file({"kind": "bomb", "fuse": 1 if i == 2 else 0})
        unit["unit"] = {"id": f"u{i}", "name": f"单位{i}", "kind": "county_government"}
        units.append(unit)
    cohort = evaluate_many(units, region="testland", year=2020, registry=reg)
    assert [r.unit.id for r in cohort.results] == ["u0", "u1", "u3", "u4"]
    (failure,) = cohort.failures
    assert (failure.index, failure.unit_id) == (2, "u2")
    assert failure.errors == ("evaluation failed: OverflowError: boom",)


def test_duplicate_unit_ids_are_failures_naming_each_other(make_registry: MakeRegistry) -> None:
    reg = make_registry(rubric(area("A", indicator("A1", "1", rule("d.a.x", "submission")))))
    units = []
    for unit_id in ("a", "b", "a"):
        unit = facts_file()
        unit["unit"] = {"id": unit_id, "name": unit_id, "kind": "county_government"}
        units.append(unit)
    cohort = evaluate_many(units, region="testland", year=2020, registry=reg)
    assert [r.unit.id for r in cohort.results] == ["b"]
    assert [(f.index, f.errors) for f in cohort.failures] == [
        (0, ("unit.id: 'a' is also the id of units[2]",)),
        (2, ("unit.id: 'a' is also the id of units[0]",)),
    ]
    assert [f.same_id_as for f in cohort.failures] == [(2,), (0,)]
    assert cohort.groups[0].size == 1


def test_a_failure_says_which_units_share_its_id_and_other_failures_say_none(
    make_registry: MakeRegistry,
) -> None:
    # The command line drops a streamed result whose id a later unit took by reading this
    # field, not the failure's message.
    reg = make_registry(rubric(area("A", indicator("A1", "1", rule("d.a.x", "submission")))))
    units: list[object] = []
    for unit_id in ("a", "a", "b", "a"):
        unit = facts_file()
        unit["unit"] = {"id": unit_id, "name": unit_id, "kind": "county_government"}
        units.append(unit)
    units.append({"unit": {"id": "c"}})  # invalid: fails, but shares no id
    streamed: list[str] = []
    cohort = evaluate_many(
        units,
        region="testland",
        year=2020,
        registry=reg,
        on_result=lambda r: streamed.append(r.unit.id),
        keep_results=False,
    )
    assert streamed == ["a", "b"]  # the first "a" went out before units[1] took its id
    assert {f.index: f.same_id_as for f in cohort.failures} == {
        0: (1, 3),
        1: (0,),
        3: (0,),
        4: (),
    }


from govopen_rules.evaluation.running import evaluate_job as _REAL_EVALUATE_ONE  # noqa: E402


def _die_on_poison() -> None:
    """Worker initializer: evaluating unit 'poison' kills the worker process."""
    import os

    from govopen_rules.evaluation import running as module

    real = module.evaluate_job

    def deadly(job: Any, registry: Any = None) -> Any:
        if job.facts["unit"]["id"] == "poison":
            os._exit(9)
        return real(job, registry)

    module.evaluate_job = deadly  # type: ignore[assignment]


def test_a_killed_worker_loses_no_unit() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    data = json.loads(Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"))
    units = []
    for i in range(6):
        unit = json.loads(json.dumps(data))
        unit["unit"]["id"] = "poison" if i == 3 else f"u{i}"
        units.append(unit)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_die_on_poison) as pool:
        cohort = evaluate_many(units, region="xuanwei", year=2020, executor=pool)
    # The pool broke; every unit was run again in a fresh pool (where nothing is poisoned).
    assert sorted(r.unit.id for r in cohort.results) == ["poison", "u0", "u1", "u2", "u4", "u5"]
    assert cohort.failures == ()


def _always_deadly(job: Any, registry: Any = None) -> Any:
    """Kills the process on unit 'poison' (module level, so a pool can pickle it)."""
    import os

    if job.facts["unit"]["id"] == "poison":
        os._exit(9)
    return _REAL_EVALUATE_ONE(job, registry)


def test_a_unit_that_always_kills_its_worker_is_reported_and_the_rest_complete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from govopen_rules.evaluation import running

    monkeypatch.setattr(running, "evaluate_job", _always_deadly)  # forked workers inherit it
    data = json.loads(Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"))
    units = []
    for i in range(4):
        unit = json.loads(json.dumps(data))
        unit["unit"]["id"] = "poison" if i == 1 else f"u{i}"
        units.append(unit)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        cohort = evaluate_many(units, region="xuanwei", year=2020, executor=pool)
    assert sorted(r.unit.id for r in cohort.results) == ["u0", "u2", "u3"]
    (failure,) = cohort.failures
    assert failure.unit_id == "poison"
    assert "died" in failure.errors[0]


def test_units_stream_through_without_being_kept(make_registry: MakeRegistry) -> None:
    reg = make_registry(rubric(area("A", indicator("A1", "1", rule("s.a.late", "submission",
                                                                  when={"field": "late", "eq": True})))))
    seen: list[str] = []
    pulled: list[int] = []

    def units() -> Any:
        for i in range(30):
            pulled.append(i)
            assert len(seen) >= i - 1  # lazily: the previous unit is done before the next is read
            unit = facts_file({"kind": "submission", "item": "x", "due_on": "2020-06-01",
                               "submitted_on": "2020-06-0" + ("9" if i % 3 else "1")})
            unit["unit"] = {"id": f"u{i:02d}", "name": f"单位{i}", "kind": "county_government"}
            yield unit

    cohort = evaluate_many(units(), region="testland", year=2020, registry=reg,
                           on_result=lambda r: seen.append(r.unit.id), keep_results=False)
    assert seen == [f"u{i:02d}" for i in range(30)]
    assert cohort.results == ()
    (group,) = cohort.groups
    assert group.size == 30
    assert [p.total for p in group.placements[:10]] == [Decimal(1)] * 10
    assert group.placements[10].rank == 11


def test_results_stream_as_json_lines_serialised_where_evaluated() -> None:
    from concurrent.futures import ProcessPoolExecutor

    data = json.loads(Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"))
    units = []
    for i in range(5):
        unit = json.loads(json.dumps(data))
        unit["unit"]["id"] = f"u{i}"
        units.append(unit)
    lines: list[str] = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        cohort = evaluate_many(units, region="xuanwei", year=2020, executor=pool,
                               on_json=lines.append, keep_results=False)
    assert cohort.results == ()
    assert [json.loads(line)["unit"]["id"] for line in lines] == [f"u{i}" for i in range(5)]
    assert all("\n" not in line for line in lines)
    assert json.loads(lines[0])["total"] == "13.9"
    with pytest.raises(ValueError, match="keep_results=False"):
        evaluate_many(units, region="xuanwei", year=2020, on_json=lines.append)


def test_results_stream_as_utf8_bytes_equal_to_the_text() -> None:
    """``on_json_bytes`` receives what ``on_json`` does, as UTF-8 bytes, from workers and from
    units evaluated in this process (a kind the rubric does not cover, scored not applicable)."""
    from concurrent.futures import ProcessPoolExecutor

    data = json.loads(Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"))
    units = []
    for i in range(5):
        unit = json.loads(json.dumps(data))
        unit["unit"]["id"] = f"u{i}"
        if i == 3:
            unit["unit"]["kind"] = "city_government"  # not covered: evaluated here
        units.append(unit)
    options: dict[str, Any] = {"region": "xuanwei", "year": 2020, "keep_results": False,
                               "uncovered_kind": "not_applicable"}
    texts: list[str] = []
    evaluate_many(units, on_json=texts.append, **options)
    in_process: list[bytes] = []
    evaluate_many(units, on_json_bytes=in_process.append, **options)
    pooled: list[bytes] = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        cohort = evaluate_many(units, executor=pool, on_json_bytes=pooled.append, **options)
    assert cohort.results == () and not cohort.failures
    assert all(type(line) is bytes for line in in_process + pooled)
    assert in_process == pooled == [text.encode() for text in texts]
    assert [json.loads(line)["unit"]["id"] for line in pooled] == [f"u{i}" for i in range(5)]
    assert json.loads(pooled[3])["total"] == "15"  # every rule not applicable
    with pytest.raises(ValueError, match="not both"):
        evaluate_many(units, on_json=texts.append, on_json_bytes=pooled.append, **options)
    with pytest.raises(ValueError, match="keep_results=False"):
        evaluate_many(units, region="xuanwei", year=2020, on_json_bytes=pooled.append)


def test_a_result_in_the_other_form_is_converted_never_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker of another version may send text where bytes were asked for (or bytes where
    text was): the caller still gets every result, in the form it asked for."""
    from govopen_rules import to_json, to_json_bytes
    from govopen_rules.evaluation import running

    data = json.loads(Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8"))
    options: dict[str, Any] = {"region": "xuanwei", "year": 2020, "keep_results": False}
    expected = to_json_bytes(evaluate_many([data], region="xuanwei", year=2020).results[0])
    monkeypatch.setattr(running, "to_json_bytes", lambda result: to_json(result, indent=None))
    as_bytes: list[bytes] = []
    evaluate_many([data], on_json_bytes=as_bytes.append, **options)
    assert as_bytes == [expected]
    monkeypatch.setattr(running, "to_json", lambda result, indent: to_json_bytes(result))
    as_text: list[str] = []
    evaluate_many([data], on_json=as_text.append, **options)
    assert as_text == [expected.decode()]


def test_units_may_arrive_as_json_text_parsed_where_evaluated() -> None:
    from concurrent.futures import ProcessPoolExecutor

    text = Path("plugins/xuanwei/examples/xuanwei-2020.json").read_text(encoding="utf-8")
    lines = [text.replace('"530381"', f'"x{i}"') for i in range(3)] + ["{not json", text]
    with ProcessPoolExecutor(max_workers=2) as pool:
        cohort = evaluate_many(lines, region="xuanwei", year=2020, executor=pool)
    assert [r.unit.id for r in cohort.results] == ["x0", "x1", "x2", "530381"]
    (failure,) = cohort.failures
    assert failure.index == 3 and failure.errors[0].startswith("not JSON")


@pytest.mark.parametrize("keep", [True, False])
def test_the_first_unit_of_a_shared_id_is_named_as_it_gave_its_id(
    make_registry: MakeRegistry, keep: bool
) -> None:
    # "é" as two code points (NFD) first, then as one (NFC): one id, but the first unit's
    # failure used to show the second unit's spelling.
    reg = make_registry(rubric(area("A", indicator("A1", "1", rule("d.a.x", "submission")))))
    nfd, nfc = "caf\u0065\u0301", "caf\u00e9"
    units = []
    for unit_id, name in ((nfd, "甲"), (nfc, "乙")):
        unit = facts_file()
        unit["unit"] = {"id": unit_id, "name": name, "kind": "county_government"}
        units.append(unit)
    cohort = evaluate_many(units, region="testland", year=2020, registry=reg,
                           keep_placements=keep)  # fmt: skip
    first, second = cohort.failures
    assert (first.unit_id, first.name) == (nfd, "甲")
    assert first.errors == (f"unit.id: {nfd!r} is also the id of units[1]",)
    assert (second.unit_id, second.name) == (nfc, "乙")
