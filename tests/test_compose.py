"""Rubrics from other rubrics and from shared rules: include, extends, libraries, the diff."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import govopen_baoshan
import govopen_yanan
import pytest
import yaml

import govopen_xuanwei
from govopen_rules import Registry, RubricError, Status, cli, evaluate
from govopen_rules.plugins.manager import make_plugin_manager
from govopen_rules.rubric.compose import RubricComposer
from govopen_rules.rubric.diff import diff_rubrics
from govopen_rules.rubric.files import load_rubric, structure_rubric

from builders import CITE, area, facts_file, indicator, rubric
from conftest import MakeRegistry, RubricFiles

ROOT = Path(__file__).parent.parent
XUANWEI_2021 = ROOT / "docs" / "examples" / "xuanwei-2021.yaml"
ANSWER = "national.request.answer_deadline"
LATE = {"kind": "information_request", "received_on": "2020-09-28", "replied_on": "2020-11-03"}
IN_TIME = {"kind": "information_request", "received_on": "2020-09-28", "replied_on": "2020-11-02"}


def including(**entry: Any) -> dict[str, Any]:
    return rubric(area("A", indicator("A1", "1", {"include": ANSWER, **entry})))


# --- include --------------------------------------------------------------------------------


def test_an_included_rule_is_the_library_rule_with_the_rubrics_points(
    make_registry: MakeRegistry,
) -> None:
    reg = make_registry(including(deduct={"mode": "fixed", "points": "0.5"}, citation=CITE))
    rule_ = reg.get_rubric("testland", 2020).all_rules()[0]
    assert rule_.id == "testland.a1.answer_deadline"  # the library id's last part, relative
    assert rule_.include == ANSWER
    assert rule_.citation.document == CITE["document"]
    assert rule_.title == "依申请公开未在法定期限内答复"  # the library's, as none was given
    for facts, status in ((LATE, Status.DEDUCTED), (IN_TIME, Status.CLEAR)):
        verdict = evaluate(facts_file(facts), region="testland", registry=reg).verdicts()[0]
        assert (verdict.status, verdict.baseline) == (status, ANSWER)


def test_an_included_rule_without_its_own_citation_cites_the_library(
    make_registry: MakeRegistry,
) -> None:
    reg = make_registry(including(id=".late", deduct={"mode": "fixed", "points": 1}))
    rule_ = reg.get_rubric("testland", 2020).all_rules()[0]
    assert rule_.id == "testland.a1.late"
    assert rule_.citation.document.startswith("中华人民共和国政府信息公开条例")
    assert rule_.citation.clause == "第三十三条"


def test_library_parameters_and_deadlines_come_with_the_rule(make_registry: MakeRegistry) -> None:
    data = rubric(area("A", indicator("A1", "1", {
        "include": "national.request.correction_notice",
        "deduct": {"mode": "fixed", "points": 1}, "citation": CITE})))  # fmt: skip
    reg = make_registry(data)
    rub = reg.get_rubric("testland", 2020)
    assert rub.parameters["correction_notice_workdays"].value == 7
    assert rub.deadlines["correction_notice"].workdays is not None
    # Received Monday 2020-09-28: the 7th working day is 10-14 (National Day and 调休 counted).
    late = {**LATE, "correction_requested_on": "2020-10-15"}
    verdict = evaluate(facts_file(late), region="testland", registry=reg).verdicts()[0]
    assert verdict.status is Status.DEDUCTED
    on_time = {**LATE, "correction_requested_on": "2020-10-14"}
    verdict = evaluate(facts_file(on_time), region="testland", registry=reg).verdicts()[0]
    assert verdict.status is Status.CLEAR


def test_the_rubrics_own_parameter_of_the_same_name_wins(make_registry: MakeRegistry) -> None:
    data = rubric(
        area(
            "A",
            indicator(
                "A1",
                "1",
                {
                    "include": "national.request.correction_notice",
                    "deduct": {"mode": "fixed", "points": 1},
                    "citation": CITE,
                },
            ),
        ),
        parameters={"correction_notice_workdays": {"value": 5, "citation": CITE}},
    )
    reg = make_registry(data)
    on_day_7 = {**LATE, "correction_requested_on": "2020-10-14"}
    verdict = evaluate(facts_file(on_day_7), region="testland", registry=reg).verdicts()[0]
    assert verdict.status is Status.DEDUCTED


def test_giving_check_replaces_the_library_rules_meaning(make_registry: MakeRegistry) -> None:
    check = {"kind": "information_request", "field": "reply_workdays", "gt": 10}
    reg = make_registry(including(check=check, deduct={"mode": "fixed", "points": 1}))
    rule_ = reg.get_rubric("testland", 2020).all_rules()[0]
    assert rule_.when == {"field": "reply_workdays", "gt": 10}
    # It judges by its own test now: its verdicts do not claim the baseline rule (one judging
    # new-media accounts was lined up with other rubrics' reply deadlines).
    assert rule_.include is None


def test_an_included_rule_as_the_library_gives_it_keeps_the_baseline(
    make_registry: MakeRegistry,
) -> None:
    reg = make_registry(including(deduct={"mode": "fixed", "points": 1}, title="另一个标题"))
    assert reg.get_rubric("testland", 2020).all_rules()[0].include == ANSWER


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({}, f"$.areas[0].indicators[0].rules[0].deduct: {ANSWER} states no deduction"),
        ({"include": "national.request.answer_dedline"},
         "has no rule 'national.request.answer_dedline'; its rules, closest first: "
         "national.request.answer_deadline"),
        ({"include": "province.x.y"}, "unknown rule library 'province' (known libraries: national)"),
    ],
)  # fmt: skip
def test_include_mistakes_name_the_path(
    make_registry: MakeRegistry, entry: dict[str, Any], problem: str
) -> None:
    with pytest.raises(RubricError) as info:
        make_registry(including(**entry))
    assert any(problem in e for e in info.value.errors), info.value.errors


def test_without_a_registry_an_include_says_where_libraries_come_from() -> None:
    with pytest.raises(RubricError, match="load the rubric through a Registry"):
        structure_rubric(including(deduct={"mode": "fixed", "points": 1}))


def test_the_built_in_rubrics_keep_their_scores_with_the_baseline_rule() -> None:
    """yanan C2 and baoshan E2 include the baseline instead of restating it: the rule they get
    is the rule they wrote before (check overdue eq true), so every score is unchanged."""
    libraries = Registry(load_entrypoints=False).rule_libraries
    for module, rule_id in ((govopen_yanan, "yanan.c2.overdue"),
                            (govopen_baoshan, "baoshan.e2.overdue_request")):  # fmt: skip
        path = next(Path(module.__file__).parent.glob("*.yaml"))
        rub = load_rubric(path, RubricComposer(libraries))
        (included,) = [r for r in rub.all_rules() if r.include]
        assert included.id == rule_id and included.include == ANSWER
        assert included.evidence.where == {"field": "overdue", "exists": True}
        assert included.when == {"field": "overdue", "eq": True}
        assert (
            included.citation.document
            == yaml.safe_load(path.read_text("utf-8"))["citation_document"]
        )


# --- libraries ------------------------------------------------------------------------------


def test_a_library_rule_with_a_mistake_is_reported_at_its_path(tmp_path: Path) -> None:
    from govopen_rules import hookimpl

    library = {
        "library": "broken",
        "version": "1",
        "title": "t",
        "citation_document": "d",
        "rules": [
            {"id": "broken.a", "title": "a", "message": "a", "citation": {"clause": "1"},
             "check": {"kind": "information_request", "field": "overdue", "eq": True}},
            {"id": "broken.b", "title": "b", "message": "b", "citation": {"clause": "1"},
             "check": {"kind": "information_request", "field": "late", "eq": True}},
            {"id": "other.c", "title": "c", "message": "c", "citation": {"clause": "1"},
             "check": {"kind": "information_request", "field": "overdue", "eq": True}},
        ],
    }  # fmt: skip
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(library, allow_unicode=True), encoding="utf-8")

    class Broken:
        @hookimpl
        def govopen_rule_libraries(self) -> list[Path]:
            return [path]

    with pytest.raises(RubricError) as info:
        Registry(plugins=[Broken()], load_entrypoints=False)
    assert info.value.errors == ("$.rules[2].id: a library rule's id starts with 'broken.'",)
    library["rules"] = library["rules"][:2]  # type: ignore[index]
    path.write_text(yaml.safe_dump(library, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        Registry(plugins=[Broken()], load_entrypoints=False)
    assert str(path) in str(info.value)
    assert info.value.errors[0].startswith("rules[1].check.field: unknown field 'late'")
    lenient = Registry(plugins=[Broken()], load_entrypoints=False, strict_plugins=False)
    assert "broken" not in lenient.rule_libraries and lenient.problems


def test_the_national_library_states_no_points_but_its_vetoes() -> None:
    national = Registry(load_entrypoints=False).rule_libraries["national"]
    for rule_id, data in national.rules.items():
        if ".website." in rule_id or ".new_media." in rule_id:
            assert data["deduct"] == {"mode": "veto"}, rule_id
        else:
            assert "deduct" not in data, rule_id
        assert data["citation"]["document"] and data["citation"]["clause"], rule_id
    for name, param in national.parameters.items():
        assert param.get("assumed") or param.get("citation"), name
    assert national.parameters["website_incomplete_guides"]["assumed"] is True


# --- extends --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_2021() -> Registry:
    pm = make_plugin_manager(load_entrypoints=False)
    # The extending file's plugin comes first: the registry still loads the base first.
    pm.register(RubricFiles([XUANWEI_2021]), name="xuanwei-2021")
    pm.register(govopen_xuanwei, name="xuanwei")
    return Registry(pm)


def test_an_extending_rubric_loads_with_its_changes(with_2021: Registry) -> None:
    old, new = with_2021.get_rubric("xuanwei", 2020), with_2021.get_rubric("xuanwei", 2021)
    assert new.extends == "xuanwei:2020" and old.extends is None
    assert new.region == "xuanwei" and new.points == old.points == 15
    assert new.parameters["weight_min_percent"].value == 5
    assert "C6" not in {i.code for a in new.areas for i in a.indicators}
    rules = {r.id: r for r in new.all_rules()}
    assert rules["xuanwei.c5.late_submission"].deduct.points == Decimal("0.2")
    assert rules["xuanwei.c5.late_submission"].title == "材料未按时报送"  # kept from 2020
    assert rules["xuanwei.c7.correction_notice"].include == "national.request.correction_notice"
    # Citations of the 2020 rules keep their document; the base is unchanged.
    assert rules["xuanwei.a1.not_updated"].citation.document == "附件1"
    assert {r.id for r in old.all_rules()} >= {"xuanwei.c6.ethnic_religious_incident"}


def test_the_diff_says_what_changed(with_2021: Registry) -> None:
    old, new = with_2021.get_rubric("xuanwei", 2020), with_2021.get_rubric("xuanwei", 2021)
    lines = [str(c) for c in diff_rubrics(old, new)]
    assert "~ parameter weight_min_percent: value 4 → 5" in "\n".join(lines)
    assert "- indicator C6" in lines
    assert "+ indicator C7: 补正告知及时 (0.5, area C)" in lines
    assert "- rule xuanwei.c6.ethnic_religious_incident" in lines
    assert ("~ rule xuanwei.c5.late_submission: deduct {mode: per_unit, points: 0.1} → "
            "{mode: per_unit, points: 0.2}") in lines  # fmt: skip
    assert diff_rubrics(old, old) == []


def test_rubrics_diff_command(with_2021: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rubrics", "--diff", "xuanwei:2020", "xuanwei:2021"], registry=with_2021) == 0
    out = capsys.readouterr().out
    assert out.startswith("xuanwei:2020 (xuanwei-2020-county v2) → xuanwei:2021")
    assert "- rule xuanwei.c6.ethnic_religious_incident" in out
    assert cli.main(["rubrics"], registry=with_2021) == 0
    assert "extends xuanwei:2020" in capsys.readouterr().out
    assert cli.main(["rubrics", "--diff", "xuanwei", "xuanwei:2021"], registry=with_2021) == 1
    assert "'xuanwei' is not region:year" in capsys.readouterr().err


def test_rubrics_command_takes_a_draft_file(capsys: pytest.CaptureFixture[str]) -> None:
    base = Registry(plugins=[govopen_xuanwei], load_entrypoints=False)
    argv = ["rubrics", "--rubric", str(XUANWEI_2021), "--diff", "xuanwei:2020", "xuanwei:2021"]
    assert cli.main(argv, registry=base) == 0
    assert "+ rule xuanwei.c7.correction_notice" in capsys.readouterr().out
    assert [r.year for r in base.rubrics()] == [2020]  # the given registry is left as it was


def extending(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump({"extends": "xuanwei:2020", "id": "x", "year": 2021,
                                    "version": "2", **data}, allow_unicode=True), "utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"extends": "xuanwei:2030"}, "$.extends: no rubric xuanwei:2030 is loaded"),
        ({"extends": "xuanwei"}, "$.extends: 'xuanwei' is not region:year"),
        ({"remove": {"rules": ["xuanwei.c5.late_submision"]}},
         "$.remove.rules[0]: no rule 'xuanwei.c5.late_submision' to remove; closest first: "
         "xuanwei.c5.late_submission"),
        ({"remove": {"areas": ["Z"]}}, "$.remove.areas[0]: no area 'Z' to remove"),
        ({"remove": {"colours": ["red"]}}, "$.remove.colours: unknown key"),
        ({"areas": [{"title": "x"}]}, "$.areas[0]: an area entry needs its code"),
        # What the merged rubric gets wrong is found by the usual checks, naming the file.
        ({"areas": [{"code": "C", "points": 5}]}, "indicators of C add up to 4.0, not 5"),
    ],
)  # fmt: skip
def test_extends_mistakes_name_the_file_and_path(
    tmp_path: Path, data: dict[str, Any], problem: str
) -> None:
    path = extending(tmp_path, data)
    pm = make_plugin_manager(load_entrypoints=False)
    pm.register(govopen_xuanwei, name="xuanwei")
    pm.register(RubricFiles([path]), name="draft")
    with pytest.raises(RubricError) as info:
        Registry(pm)
    assert str(path) in str(info.value)
    assert any(problem in e for e in info.value.errors), info.value.errors


def test_a_rubric_can_extend_an_extending_rubric(tmp_path: Path) -> None:
    third = tmp_path / "2022.yaml"
    third.write_text(yaml.safe_dump({"extends": "xuanwei:2021", "id": "x22", "year": 2022,
                                     "version": "1", "remove": {"parameters": ["a6_two_defects"],
                                     "rules": ["xuanwei.a6.reply_defects"]}}), "utf-8")  # fmt: skip
    reg = Registry(plugins=[RubricFiles([third, XUANWEI_2021]), govopen_xuanwei],
                   load_entrypoints=False)  # fmt: skip
    rub = reg.get_rubric("xuanwei", 2022)
    assert rub.extends == "xuanwei:2021"
    assert "xuanwei.c7.correction_notice" in {r.id for r in rub.all_rules()}
    assert "a6_two_defects" not in rub.parameters


def test_an_extending_rubric_scores_its_changes(with_2021: Registry) -> None:
    late = {"kind": "submission", "item": "x", "due_on": "2021-03-01", "submitted_on": "2021-03-05"}
    result = evaluate(facts_file(late, year=2021), region="xuanwei", registry=with_2021)
    assert result.verdict("xuanwei.c5.late_submission").points == Decimal("0.2")
    assert attrs.asdict(result.unit)["kind"] == "county_government"


def test_the_rubric_schema_takes_an_extending_file() -> None:
    import jsonschema

    from govopen_rules.rubric.schema import rubric_json_schema

    validator = jsonschema.Draft202012Validator(rubric_json_schema())
    data = yaml.safe_load(XUANWEI_2021.read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(data)] == []
    del data["year"]
    assert any("'year' is a required property" in e.message for e in validator.iter_errors(data))
    del data["extends"]  # then it is a whole rubric, and lacks most of one
    assert any("'points' is a required property" in e.message for e in validator.iter_errors(data))


def test_a_year_that_extends_a_rubric_keeps_its_included_rules_baselines() -> None:
    """The base rubric is stored with its included rules resolved (their library test beside
    ``include``): the year extending it lost every baseline, though it changed no rule."""
    import govopen_yanshan

    examples = Path(__file__).parent.parent / "docs" / "examples"
    reg = Registry(
        plugins=[govopen_yanshan, RubricFiles([examples / "yanshan-2026.yaml"])],
        load_entrypoints=False,
    )
    included = {r.include for r in reg.get_rubric("yanshan", 2026).all_rules()} - {None}
    assert included == {ANSWER, "national.proactive.disclosure_deadline"}
    assert included == {r.include for r in reg.get_rubric("yanshan", 2020).all_rules()} - {None}
