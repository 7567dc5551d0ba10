"""A rubric file with a mistake is refused with every problem listed, each with its path."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govopen_rules import RubricError, UnknownParameterError, load_rubric
from govopen_rules.rubric.compiler import compile_rubric

from builders import CITE, area, indicator, rubric, rule
from conftest import MakeRegistry


def errors_of(make_registry: MakeRegistry, data: dict[str, Any]) -> list[str]:
    with pytest.raises(RubricError) as info:
        make_registry(data)
    return list(info.value.errors)


def base_rule(**extra: Any) -> dict[str, Any]:
    return rule("t.a1.r", "assessment_weight", when={"field": "included", "eq": False}, **extra)


def test_a_good_rubric_loads(make_registry: MakeRegistry) -> None:
    reg = make_registry(rubric(area("A", indicator("A1", "1", base_rule()))))
    assert reg.get_rubric("testland", 2020).points == 1


def test_points_must_add_up(make_registry: MakeRegistry) -> None:
    data = rubric(area("A", indicator("A1", "1", base_rule())))
    data["areas"][0]["points"] = "2"
    data["points"] = "3"
    found = errors_of(make_registry, data)
    assert "points: areas add up to 2, not 3" in found
    assert "areas[0].points: indicators of A add up to 1, not 2" in found


def test_duplicate_ids_and_codes(make_registry: MakeRegistry) -> None:
    data = rubric(
        area(
            "A",
            indicator("A1", "1", base_rule(), base_rule()),
            indicator("A1", "1", rule("t.a2.r", "submission")),
        )
    )
    found = errors_of(make_registry, data)
    assert "areas[0].indicators[0].rules[1].id: duplicate rule id 't.a1.r'" in found
    assert "areas[0].indicators[1].code: duplicate indicator code 'A1'" in found


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "Bad Id"}, "rules[0].id: 'Bad Id' is not a dotted lower-case ASCII id"),
        ({"citation": {"document": "", "clause": "x"}}, "rules[0].citation: document and clause"),
        ({"evidence": {"kind": "nope"}}, "rules[0].evidence.kind: unknown fact kind 'nope'"),
        ({"when": {"field": "weight", "lt": 4}}, "rules[0].when.field: unknown field 'weight'"),
        ({"when": {"field": "included", "eq": "no"}}, "rules[0].when.eq: expected true or false"),
        (
            {"deduct": {"mode": "fixed", "points": {"param": "nope"}}},
            "rules[0].deduct.points: unknown parameter 'nope'",
        ),
        ({"deduct": {"mode": "fixed", "points": "-1"}}, "rules[0].deduct.points: '-1' is negative"),
        (
            {"deduct": {"mode": "fixed", "points": "1", "tiers": [{"at_least": 2, "points": 1}]}},
            "tiers need mode per_unit",
        ),
        (
            {
                "deduct": {
                    "mode": "per_unit",
                    "points": "1",
                    "tiers": [{"at_least": 3, "points": 1}, {"at_least": 2, "points": 1}],
                }
            },
            "at_least must be >= 1 and increasing",
        ),
        (
            {"count": {"mode": "sum", "field": "included"}},
            "mode 'sum' needs a integer field of 'assessment_weight'",
        ),
        ({"count": {"mode": "missing_values", "field": "included"}}, "needs a string field"),
        (
            {"applies_to": ["ministry"]},
            "rules[0].applies_to[0]: 'ministry' is not one of: county_government, park_committee",
        ),
        ({"message": "缺{n}项"}, "rules[0].message: only {count} may stand in braces"),
        (
            {"missing_evidence": {"mode": "clear", "points": 1, "note": "n"}},
            "missing_evidence.points: given with, and only with, mode fixed",
        ),
        (
            {
                "deduct": {"mode": "bonus", "points": 1},
                "missing_evidence": {"mode": "fixed", "points": 1, "citation": {"clause": "c"}},
            },
            "a bonus rule cannot cost points",
        ),
    ],
)
def test_rule_problems(make_registry: MakeRegistry, changes: dict[str, Any], message: str) -> None:
    r = base_rule()
    r.update(changes)
    found = errors_of(make_registry, rubric(area("A", indicator("A1", "1", r))))
    assert any(message in f for f in found), found


def test_structural_problems_name_the_field(make_registry: MakeRegistry) -> None:
    data = rubric(area("A", indicator("A1", "1", base_rule())))
    data["areas"][0]["indicators"][0]["rules"][0]["deduct"]["mode"] = "halve"
    data["areas"][0]["indicators"][0]["colour"] = "red"
    found = errors_of(make_registry, data)
    assert any(f.startswith("$.areas[0].indicators[0]: unknown field(s) colour") for f in found)
    assert any(
        "$.areas[0].indicators[0].rules[0].deduct.mode: 'halve' is not one of" in f for f in found
    )


def test_assumed_parameter_needs_a_note(make_registry: MakeRegistry) -> None:
    data = rubric(
        area("A", indicator("A1", "1", base_rule())),
        parameters={"p": {"value": 1, "assumed": True}},
    )
    assert "parameters.p: an assumed value needs a note or citation" in errors_of(
        make_registry, data
    )


def test_unreadable_yaml_is_a_rubric_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [", encoding="utf-8")
    with pytest.raises(RubricError, match="cannot read"):
        load_rubric(bad)


def test_yaml_tags_that_run_code_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['true']", encoding="utf-8")
    with pytest.raises(RubricError):
        load_rubric(evil)


def test_overriding_an_unknown_parameter(make_registry: MakeRegistry) -> None:
    reg = make_registry(
        rubric(
            area("A", indicator("A1", "1", base_rule())),
            parameters={"p": {"value": 1, "citation": CITE}},
        )
    )
    rub = reg.get_rubric("testland", 2020)
    with pytest.raises(UnknownParameterError, match="has no parameter 'q'; its parameters: p"):
        compile_rubric(rub, reg.fact_kinds, {"q": 1})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a:\n  yes: 1\n  true: 2\n", "line 3: the key 'true' is given twice (as 'yes')"),
        ("a:\n  true: 1\n  1: 2\n", "line 3: the key '1' is given twice (as 'true')"),
        ("a:\n  1: x\n  1.0: y\n", "line 3: the key '1.0' is given twice (as '1')"),
        ("a:\n  0x1: x\n  1: y\n", "line 3: the key '1' is given twice (as '0x1')"),
        ("a:\n  b: 1\n  b: 2\n", "line 3: the key 'b' is given twice; say it once"),
    ],
)
def test_yaml_keys_a_mapping_reads_alike_are_refused(text: str, said: str) -> None:
    """A mapping keeps the last of two keys it reads alike, in silence; text '1' and number 1
    stay two keys."""
    from pathlib import Path

    import yaml

    from govopen_rules.errors import RubricError
    from govopen_rules.rubric.reading import check_nodes

    with pytest.raises(RubricError, match=re.escape(said)):
        check_nodes(yaml.compose(text, Loader=yaml.SafeLoader), Path("r.yaml"))
    check_nodes(yaml.compose("a:\n  '1': x\n  1: y\n", Loader=yaml.SafeLoader), Path("r.yaml"))


def _tiered(points: Any, tiers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    r = base_rule()
    r["deduct"] = {"mode": "per_unit", "points": points, "tiers": tiers}
    r.update(extra)
    return r


def test_tiers_where_more_problems_cost_less_are_refused(make_registry: MakeRegistry) -> None:
    # 3 overdue replies cost 1.5, 4 cost 0.1: accepted before, since only counts were checked.
    r = _tiered("0.3", [{"at_least": 3, "points": "1.5"}, {"at_least": 4, "points": "0.1"}])
    found = errors_of(make_registry, rubric(area("A", indicator("A1", "2", r))))
    assert (
        "areas[0].indicators[0].rules[0].deduct.tiers[1].points: 4 problems would cost 0.1, "
        "less than 3 cost (1.5); more problems never cost less"
    ) in found
    # The first tier against the rule's own points: 1 costs 0.5, 2 cost 0.2.
    r = _tiered("0.5", [{"at_least": 2, "points": "0.2"}])
    found = errors_of(make_registry, rubric(area("A", indicator("A1", "2", r))))
    assert any(
        "tiers[0].points: 2 problems would cost 0.2, less than 1 cost (0.5)" in f for f in found
    )


@pytest.mark.parametrize(
    ("r", "cap"),
    [
        # At the boundary: the tier costs what one problem fewer did.
        (_tiered("0.5", [{"at_least": 2, "points": "0.5"}]), None),
        # Rising tiers.
        (_tiered("0.1", [{"at_least": 2, "points": "0.2"}, {"at_least": 3, "points": "1"}]), None),
        # 2 problems cost 0.6 before the tier's 0.5, but the rule's cap is 0.5: as charged,
        # the costs are equal.
        (_tiered("0.3", [{"at_least": 3, "points": "0.5"}], cap="0.5"), None),
        # The same under the indicator's cap instead.
        (_tiered("0.3", [{"at_least": 3, "points": "0.5"}]), "0.5"),
    ],
)
def test_tiers_that_never_charge_more_problems_less_load(
    make_registry: MakeRegistry, r: dict[str, Any], cap: str | None
) -> None:
    ind = indicator("A1", "2", r, **({"cap": cap} if cap else {}))
    reg = make_registry(rubric(area("A", ind)))
    assert reg.get_rubric("testland", 2020).points == 2


def test_an_override_that_makes_more_problems_cost_less_names_the_parameter(
    make_registry: MakeRegistry,
) -> None:
    from govopen_rules import ParameterError

    r = _tiered("0.1", [{"at_least": 2, "points": {"param": "two"}}, {"at_least": 3, "points": 1}])
    reg = make_registry(
        rubric(
            area("A", indicator("A1", "1", r)),
            parameters={"two": {"value": "0.2", "citation": CITE}},
        )
    )
    rub = reg.get_rubric("testland", 2020)
    compile_rubric(rub, reg.fact_kinds, {"two": "1"})  # capped by the indicator: 1 as 3 cost
    with pytest.raises(
        ParameterError,
        match=re.escape(
            "parameter 'two': with it, rule t.a1.r's 2 problems would cost 0.05, less than 1 "
            "cost (0.1); more problems never cost less"
        ),
    ):
        compile_rubric(rub, reg.fact_kinds, {"two": "0.05"})


def test_an_override_that_raises_the_cap_over_cheaper_tiers_names_the_parameter(
    make_registry: MakeRegistry,
) -> None:
    # Raising the cap (a parameter with raises_cap) to 2 uncaps 2 problems at 1.2 against 3 at
    # 1: the override is to blame, not the rubric file.
    from govopen_rules import ParameterError

    r = _tiered("0.6", [{"at_least": 3, "points": 1}, {"at_least": 5, "points": {"param": "t5"}}],
                cap="1")  # fmt: skip
    reg = make_registry(
        rubric(
            area("A", indicator("A1", "2", r)),
            parameters={"t5": {"value": 1, "citation": CITE, "raises_cap": True}},
        )
    )
    rub = reg.get_rubric("testland", 2020)
    with pytest.raises(ParameterError, match=re.escape("parameter 't5': with it, rule t.a1.r's 3")):
        compile_rubric(rub, reg.fact_kinds, {"t5": "2"})


@pytest.mark.parametrize(
    "r",
    [
        # What the area can lose caps both counts at 0.5.
        _tiered("0.1", [{"at_least": 2, "points": "0.8"}, {"at_least": 3, "points": "0.6"}]),
        # Two values can be missing at most: a third is never counted.
        _tiered(
            "0.2",
            [{"at_least": 2, "points": "0.4"}, {"at_least": 3, "points": "0.1"}],
            count={"mode": "missing_values", "field": "note", "values": ["甲", "乙"]},
        ),
    ],
)
def test_tiers_never_charged_are_not_compared(
    make_registry: MakeRegistry, r: dict[str, Any]
) -> None:
    ind = indicator("A1", "2", r)
    reg = make_registry(rubric(area("A", ind, cap="0.5")))
    assert reg.get_rubric("testland", 2020).points == 2
    if "count" not in r:  # without the area's cap, the first is refused
        found = errors_of(make_registry, rubric(area("A", ind)))
        assert any("more problems never cost less" in e for e in found)


def test_an_unknown_parameter_in_a_tier_is_one_problem(make_registry: MakeRegistry) -> None:
    # Its amount read as 0 also made "2 problems would cost 0, less than 1 cost" appear.
    r = _tiered("0.1", [{"at_least": 2, "points": {"param": "gone"}}])
    found = errors_of(make_registry, rubric(area("A", indicator("A1", "1", r))))
    assert found == [
        "areas[0].indicators[0].rules[0].deduct.tiers[0].points: unknown parameter 'gone'"
    ]


@pytest.mark.parametrize(
    ("year", "loads"), [(1899, False), (1900, True), (2100, True), (2101, False)]
)
def test_a_rubric_is_for_an_assessment_year(
    make_registry: MakeRegistry, year: int, loads: bool
) -> None:
    data = rubric(area("A", indicator("A1", "1", base_rule())), year=year)
    if loads:
        assert make_registry(data).get_rubric("testland", year).year == year
    else:
        assert f"year: {year} is not an assessment year in 1900-2100" in errors_of(
            make_registry, data
        )


def test_yaml_decimals_are_read_as_written() -> None:
    """A float reading kept 17 digits: 0.99999999999999999999 was 1, silently."""
    import yaml

    from govopen_rules.rubric.reading import BoundedLoader

    data = yaml.load("a: 0.1\nb: 0.99999999999999999999\nc: -2.5e+3\nd: 1_000.25\ne: .inf\n",
                     Loader=BoundedLoader)  # fmt: skip
    assert data == {
        "a": Decimal("0.1"),
        "b": Decimal("0.99999999999999999999"),
        "c": Decimal("-2.5e+3"),
        "d": Decimal("1000.25"),
        "e": float("inf"),
    }
    assert type(data["a"]) is Decimal
    # An exponent past Decimal's is the float YAML made of it, which the number checks refuse
    # at its path (it escaped as decimal.InvalidOperation).
    assert yaml.load("x: 1.0e+99999999999999999999\n", Loader=BoundedLoader) == {"x": float("inf")}
