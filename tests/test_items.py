"""A finding lists the items behind its count: dates, titles, names, missing values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from govopen_rules import Status, evaluate, to_json
from govopen_rules.evaluation.items import ITEM_LIMIT
from govopen_rules.reports.text import render_text

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

SILENT = {"field": "workdays_without_post", "gt": 0}
COUNTED = {"mode": "sum", "field": "workdays_without_post"}
PER_DAY = {"mode": "per_unit", "points": "0.1"}


def one_rule(**extra: Any) -> dict[str, Any]:
    return rubric(area("A", indicator("A1", "100", rule("t.a1.r", **extra))))


def account(name: str, *silent: str) -> dict[str, Any]:
    return {"kind": "new_media_account", "name": name, "no_post_dates": list(silent)}


def verdict_of(reg: Any, *facts: dict[str, Any]) -> Any:
    return evaluate(facts_file(*facts), region="testland", registry=reg).verdict("t.a1.r")


def test_a_list_field_lists_its_entries(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="new_media_account", when=SILENT, count=COUNTED,
                                 items="silent_workdays", deduct=PER_DAY))  # fmt: skip
    verdict = verdict_of(reg, account("甲", "2020-11-12", "2020-11-14", "2020-11-17"))
    assert verdict.count == 2
    assert verdict.items == ("2020-11-12", "2020-11-17")  # 11-14 is a Saturday


def test_entries_of_several_facts_say_whose_they_are(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="new_media_account", when=SILENT, count=COUNTED,
                                 items="silent_workdays", deduct=PER_DAY))  # fmt: skip
    verdict = verdict_of(reg, account("甲", "2020-11-12"), account("乙", "2020-11-13"),
                         account("丙"))  # fmt: skip
    assert verdict.items == ("甲 2020-11-12", "乙 2020-11-13")


def test_a_count_of_facts_lists_their_names(make_registry: MakeRegistry) -> None:
    reg = make_registry(
        one_rule(
            kind="official_document", when={"field": "disclosure_attribute_valid", "eq": False}
        )
    )
    docs = [{"kind": "official_document", "title": title, "disclosure_attributes": marks}
            for title, marks in (("一", []), ("二", ["此件公开发布"]), ("三", ["不公开"]))]  # fmt: skip
    assert verdict_of(reg, *docs).items == ("一", "三")


def test_a_sum_says_each_facts_share(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="new_media_account", when=SILENT, count=COUNTED,
                                 deduct=PER_DAY))  # fmt: skip
    verdict = verdict_of(
        reg, account("甲", "2020-11-12", "2020-11-13"), account("乙", "2020-11-16")
    )
    assert verdict.items == ("甲（2）", "乙（1）")


def test_missing_values_are_listed(make_registry: MakeRegistry) -> None:
    count = {"mode": "missing_values", "field": "topic", "values": ["规划", "统计", "预决算"]}
    reg = make_registry(one_rule(kind="disclosure_item", when={"field": "published", "eq": True},
                                 count=count))  # fmt: skip
    verdict = verdict_of(reg, {"kind": "disclosure_item", "topic": "统计", "published": True},
                         {"kind": "disclosure_item", "topic": "规划", "published": False})  # fmt: skip
    assert verdict.items == ("规划", "预决算")


def test_absence_lists_nothing(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="survey_activity", when={"field": "held_in_year", "eq": True},
                                 count={"mode": "absent"}))  # fmt: skip
    verdict = verdict_of(reg, {"kind": "survey_activity", "title": "旧", "held_on": "2019-05-01"})
    assert verdict.status is Status.DEDUCTED and verdict.items == ()


def test_a_fact_without_a_name_is_known_by_its_first_date(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="information_request", when={"field": "overdue", "eq": True}))
    late = {"kind": "information_request", "received_on": "2020-03-02", "replied_on": "2020-06-01"}
    assert verdict_of(reg, late).items == ("received_on=2020-03-02",)


def test_long_lists_stop_at_the_limit_and_say_how_many_more(make_registry: MakeRegistry) -> None:
    reg = make_registry(one_rule(kind="new_media_account", when=SILENT, count=COUNTED,
                                 items="silent_workdays", deduct=PER_DAY))  # fmt: skip
    start = dt.date(2020, 3, 2)
    days = [str(start + dt.timedelta(days=i)) for i in range(60)]  # 2 March to 30 April
    result = evaluate(facts_file(account("甲", *days)), region="testland", registry=reg)
    verdict = result.verdict("t.a1.r")
    # 44 working days: 44 weekdays less 清明 (Monday 04-06), plus the 调休 Sunday 04-26.
    assert verdict.count == 44
    assert len(verdict.items) == ITEM_LIMIT and verdict.more_items == 44 - ITEM_LIMIT
    assert verdict.items[0] == "2020-03-02"
    text = render_text(result)
    assert "清单 items: 2020-03-02、" in text and "(and 24 more)" in text
    shown = json.loads(to_json(result))["areas"][0]["indicators"][0]["verdicts"][0]
    assert len(shown["items"]) == ITEM_LIMIT and shown["more_items"] == 24


def test_an_items_field_the_kind_lacks_is_refused(make_registry: MakeRegistry) -> None:
    import pytest

    from govopen_rules import RubricError

    with pytest.raises(RubricError, match=r"items: 'silent_days' is not a field"):
        make_registry(one_rule(kind="new_media_account", items="silent_days"))


def test_html_and_workbook_reports_list_the_items(make_registry: MakeRegistry) -> None:
    from govopen_rules.reports.html_page import result_html
    from govopen_rules.reports.xlsx import result_workbook

    reg = make_registry(one_rule(kind="new_media_account", when=SILENT, count=COUNTED,
                                 items="silent_workdays", deduct=PER_DAY))  # fmt: skip
    data = facts_file(account("甲", "2020-11-12", "2020-11-17"))
    result = evaluate(data, region="testland", registry=reg)
    assert "清单 items: 2020-11-12、2020-11-17" in result_html(result)
    book = result_workbook(result)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any("清单 items: 2020-11-12、2020-11-17" in cell for cell in cells)
