"""Evidence names the fact it rests on, and a deadline fact without its due date decides nothing."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from govopen_rules import FactKind, Registry, Status, evaluate, hookimpl
from govopen_rules.facts.identity import identifying_fields
from govopen_rules.facts.model import NewMediaAccount, PolicyDocument, Submission

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

LATE = {"field": "late", "eq": True}


def one(make_registry: MakeRegistry, r: dict[str, Any]) -> Registry:
    return make_registry(rubric(area("A", indicator("A1", "1", r))))


def run(reg: Registry, *facts: dict[str, Any], **kw: Any) -> Any:
    return evaluate(facts_file(*facts, **kw), region="testland", year=2020, registry=reg)


def test_identifying_fields_of_built_in_kinds() -> None:
    assert identifying_fields(NewMediaAccount) == ("name",)
    assert identifying_fields(PolicyDocument) == ("title", "doc_number")
    assert identifying_fields(Submission) == ("item",)


def test_evidence_names_the_account_though_the_rule_reads_only_dates(
    make_registry: MakeRegistry,
) -> None:
    silent = {"field": "workdays_without_post", "gt": 0}
    reg = one(make_registry, rule("t.a.silent", "new_media_account", when=silent))
    account = {
        "kind": "new_media_account",
        "name": "宣威发布",
        "observed_from": "2020-06-01",
        "observed_to": "2020-06-05",
        "post_dates": ["2020-06-01"],
    }
    verdict = run(reg, account).verdict("t.a.silent")
    assert verdict.status is Status.DEDUCTED
    values = verdict.evidence[0].values
    assert next(iter(values)) == "name" and values["name"] == "宣威发布"
    assert values["workdays_without_post"] == "4"


def test_evidence_names_the_document(make_registry: MakeRegistry) -> None:
    slow = {"field": "filing_delay_workdays", "gt": 15}
    reg = one(make_registry, rule("t.a.filing", "policy_document", when=slow))
    doc = {
        "kind": "policy_document",
        "title": "关于印发某办法的通知",
        "doc_number": "宣政发〔2020〕1号",
        "published_on": "2020-03-02",
        "filed_on": "2020-05-06",
    }
    shown = run(reg, doc).verdict("t.a.filing").evidence[0].describe()
    assert (
        "title=关于印发某办法的通知, doc_number=宣政发〔2020〕1号, filing_delay_workdays=" in shown
    )


def test_a_plugin_kinds_required_text_field_identifies_it(make_registry: MakeRegistry) -> None:
    @attrs.frozen(kw_only=True)
    class Hearing:
        KIND: ClassVar[str] = "hearing"
        venue: str
        held: bool
        note: str | None = None

    class Kinds:
        @hookimpl
        def govopen_fact_kinds(self) -> list[FactKind]:
            return [FactKind(name="hearing", cls=Hearing, title="听证")]

    assert identifying_fields(Hearing) == ("venue",)
    reg = make_registry(
        rubric(
            area(
                "A",
                indicator("A1", "1", rule("t.a.h", "hearing", when={"field": "held", "eq": False})),
            )
        ),
        plugins=(Kinds(),),
    )
    verdict = run(reg, {"kind": "hearing", "venue": "县政府三楼", "held": False}).verdict("t.a.h")
    assert verdict.evidence[0].values == {"venue": "县政府三楼", "held": "false"}


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        # No due date: nothing says whether it was late.
        (
            [{"kind": "submission", "item": "月报", "submitted_on": "2020-06-05"}],
            Status.NO_EVIDENCE,
        ),
        (
            [
                {
                    "kind": "submission",
                    "item": "月报",
                    "due_on": "2020-06-01",
                    "submitted_on": "2020-06-01",
                }
            ],
            Status.CLEAR,
        ),  # on the due date: in time
        (
            [
                {
                    "kind": "submission",
                    "item": "月报",
                    "due_on": "2020-06-01",
                    "submitted_on": "2020-06-02",
                }
            ],
            Status.DEDUCTED,
        ),  # a day after
    ],
)
def test_a_submission_decides_late_only_with_its_due_date(
    make_registry: MakeRegistry, facts: list[dict[str, Any]], status: Status
) -> None:
    reg = one(make_registry, rule("t.a.late", "submission", when=LATE))
    assert run(reg, *facts).verdict("t.a.late").status is status


def test_facts_without_a_due_date_are_left_out_of_the_evidence(make_registry: MakeRegistry) -> None:
    reg = one(make_registry, rule("t.a.late", "submission", when=LATE))
    undated = {"kind": "submission", "item": "季报"}
    in_time = {
        "kind": "submission",
        "item": "月报",
        "due_on": "2020-06-01",
        "submitted_on": "2020-05-30",
    }
    verdict = run(reg, undated, in_time).verdict("t.a.late")
    assert verdict.status is Status.CLEAR
    assert [e.fact_index for e in verdict.evidence] == [1]


def test_a_rule_that_tests_presence_still_sees_undated_facts(make_registry: MakeRegistry) -> None:
    unknown = {"field": "late", "exists": False}
    reg = one(make_registry, rule("t.a.undated", "submission", when=unknown))
    verdict = run(reg, {"kind": "submission", "item": "季报"}).verdict("t.a.undated")
    assert verdict.status is Status.DEDUCTED


def test_a_derived_measure_wins_over_the_facts_field_of_that_name_even_when_empty() -> None:
    """Evidence shows each name once, at its first place; a measure the deriver set to None
    hides the fact's field of the same name, and source and note come last."""
    from govopen_rules.evaluation.scoring import PreparedFact, _Evidence

    fact = Submission(item="月报", source="台账", note="原注")
    shown = _Evidence([], []).ref(
        PreparedFact(0, "submission", fact, {"note": None, "late": True}, {}), ("late",)
    )
    assert shown.values == {"item": "月报", "late": "true", "source": "台账"}
    kept = _Evidence([], []).ref(PreparedFact(0, "submission", fact, {}, {}), ("late",))
    assert list(kept.values) == ["item", "source", "note"]


def _values_by_hand(fact: object, derived: dict[str, object], consulted: tuple[str, ...]) -> Any:
    """What an evidence reference shows, worked out name by name (the generated function must
    agree): identifying fields, fields read, measures, source and note, each once; a measure wins
    over the fact's field; what was not observed is left out."""
    from govopen_rules.evaluation.scoring import _display

    names = dict.fromkeys((*identifying_fields(type(fact)), *consulted, *derived, "source", "note"))
    out = {}
    for name in names:
        value = derived[name] if name in derived else getattr(fact, name, None)
        if value is not None:
            out[name] = _display(value)
    return out


def test_generated_evidence_values_agree_with_the_values_worked_out_by_hand() -> None:
    """Over every fact of every bundled example, with its real derived measures and each of its
    fields as the one a rule read (and a name no kind has)."""
    import json
    from pathlib import Path

    from govopen_rules.evaluation.pipeline import _derive_and_encode
    from govopen_rules.evaluation.scoring import _shown_values
    from govopen_rules.facts.convert import read_facts
    from govopen_rules.plugins.registry import default_registry

    reg = default_registry()
    seen = 0
    for path in sorted(Path(__file__).parent.parent.glob("plugins/*/examples/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        units = data if isinstance(data, list) else data.get("units", [data])
        for unit in units:
            if not isinstance(unit, dict) or "facts" not in unit:
                continue
            draft = read_facts(unit, reg.fact_kinds)
            for region in sorted({r.region for r in reg.rubrics()}):
                try:
                    compiled = reg.runnable(region, unit["year"], None, "python").compiled
                    prepared, _ = _derive_and_encode(draft, reg, compiled)
                except Exception:
                    continue
                for pf in prepared:
                    cls = type(pf.fact)
                    for consulted in [(), *((a.name,) for a in attrs.fields(cls)), ("no_such",)]:
                        made = _shown_values(cls, consulted, tuple(pf.derived))
                        assert made(pf.fact, pf.derived) == _values_by_hand(
                            pf.fact, dict(pf.derived), consulted
                        )
                        seen += 1
    assert seen > 300
