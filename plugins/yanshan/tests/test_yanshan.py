"""The Yanshan rubric and its example: the account the notice names, its silent days listed.

Each rule is tested where it fires, where it does not and at its boundary in
``rules.cases.yaml``; that every rule is seen both deducted and clear is the testing kit's
coverage gate (``pytest plugins/yanshan --govopen-coverage-fail-under 100``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from govopen_yanshan import examples

from govopen_rules import evaluate, get_rubric, to_json

EXAMPLE = Path(__file__).parent.parent / "examples" / "yanshan-2020-11-market-regulation.json"
SILENT = ["2020-11-12", "2020-11-17", "2020-11-25", "2020-11-26", "2020-11-27"]


def test_the_committed_example_is_what_its_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    examples.main([str(out)])
    assert out.read_bytes() == EXAMPLE.read_bytes()


def test_the_example_holds_only_the_notices_sentence() -> None:
    facts = json.loads(EXAMPLE.read_text(encoding="utf-8"))["facts"]
    assert len(facts) == 1
    (account,) = facts
    assert "11月12、17、25、26、27日未发布信息" in account["note"]
    assert set(account) == {"kind", "name", "platform", "no_post_dates", "source", "note"}


def test_the_example_lists_the_silent_working_days_by_date() -> None:
    result = evaluate(json.loads(EXAMPLE.read_text(encoding="utf-8")), region="yanshan")
    verdict = result.verdict("yanshan.b1.silent_workdays")
    assert verdict.items == tuple(SILENT)
    assert verdict.count == 5 and verdict.points == Decimal("0.5")
    assert result.total == Decimal("9.5")
    # What the notice does not say is not guessed: those rules have no evidence.
    assert {v.rule_id for v in result.findings()} - {verdict.rule_id} == {
        rule.id for rule in get_rubric("yanshan", 2020).all_rules()
    } - {verdict.rule_id}
    as_json = json.loads(to_json(result))
    assert as_json["areas"][1]["indicators"][0]["verdicts"][0]["items"] == SILENT


def test_the_command_prints_the_dates() -> None:
    command = ["evaluate", str(EXAMPLE), "--region", "yanshan", "--year", "2020"]
    done = subprocess.run(
        [sys.executable, "-m", "govopen_rules", *command], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "清单 items: " + "、".join(SILENT) in done.stdout


def test_every_point_value_is_assumed_and_every_rule_quotes_the_notice() -> None:
    rubric = get_rubric("yanshan", 2020)
    for name, param in rubric.parameters.items():
        assert param.assumed or param.citation is not None, name
        if name.startswith("per_"):
            assert param.assumed, name
    for rule in rubric.all_rules():
        assert rule.citation.document == "砚山县2020年11月政务公开通报"
        assert rule.citation.quote
        assert not isinstance(rule.deduct.points, Decimal)  # always an (assumed) parameter


def test_the_statutory_limits_are_the_national_baseline_rules() -> None:
    included = {r.id: r.include for r in get_rubric("yanshan", 2020).all_rules() if r.include}
    assert included == {
        "yanshan.c3.answer_deadline": "national.request.answer_deadline",
        "yanshan.c3.disclosure_deadline": "national.proactive.disclosure_deadline",
    }
