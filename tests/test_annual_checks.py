"""Annual-report checks on the six real transcribed reports and on edits of them.

Each check is shown firing, not firing and at its boundary; the peer reports pin what the
checks find in real reports (see docs/annual-reports.md).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from govopen_rules import Registry
from govopen_rules.annual_reports.checks import check_report
from govopen_rules.annual_reports.formats import RequiredHeadings, publication_deadline
from govopen_rules.annual_reports.prose import read_passage
from govopen_rules.annual_reports.report import AnnualReport, Passage, ProseNumber
from govopen_rules.annual_reports.results import ReportCheck
from govopen_rules.conversion import structure_as

PEER = Path(__file__).parent / "data" / "peer-annual-reports"
BAOSHAN = Path(__file__).parent.parent / "plugins" / "baoshan" / "examples"


def load(path: Path) -> AnnualReport:
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    report, problems = structure_as(data, AnnualReport, "$")
    assert problems == [] and report is not None
    return report


def checked(name: str, **changes: Any) -> ReportCheck:
    report = attrs.evolve(load(PEER / name), **changes)
    previous = load(PEER / report.previous_year_file) if report.previous_year_file else None
    return check_report(report, previous)


def found(result: ReportCheck) -> list[tuple[str, str, dict[str, str]]]:
    return [(f.check, f.where, f.numbers) for f in result.findings]


# --- the six real reports ---------------------------------------------------------------


def test_hongze_2023_table4_totals_printed_as_zero() -> None:
    result = checked("hongze-district-2023.json")
    assert found(result) == [
        ("table4_total", "table4.review", {"left": "11", "right": "0"}),
        ("table4_total", "table4.litigationPostReview", {"left": "5", "right": "0"}),
    ]
    assert result.unverifiable == ()
    # （六）其他处理 is printed as one row: its three sub-rows are not "blank", they are not printed
    assert not any("other.overdueFee" in c for u in result.unverifiable for c in u.blank_cells)
    assert [u.number for u in result.unplaced] == ["1136"]  # 主动公开 1136 条: no table cell


def test_hongze_2024_prose_count_under_another_key_is_compared() -> None:
    result = checked("hongze-district-2024.json")
    assert found(result) == [
        (
            "prose_vs_table",
            "prose_numbers.received_by_district_office",
            {"prose": "17", "table": "95"},
        ),
    ]
    assert "区政府办代表区政府受理政府信息公开申请 17 件" in (result.findings[0].quote or "")


def test_suqian_2024_yoy_and_review_litigation_against_table4() -> None:
    result = checked("suqian-city-2024.json")
    assert found(result) == [
        (
            "prose_change",
            "prose_numbers.applications_handled",
            {"this_year": "3646", "last_year": "3607", "exact": "1.0812", "printed": "1.05"},
        ),
        (
            "prose_vs_table",
            "prose_numbers.review_and_litigation_filed",
            {"prose": "134", "table": "170"},
        ),
        (
            "prose_vs_table",
            "prose_numbers.review_and_litigation_filed",
            {"prose": "57", "table": "77"},
        ),
    ]
    assert result.unverifiable == () and result.unplaced == ()


def test_suqian_2023_yoy_without_last_years_report_is_unverifiable() -> None:
    result = checked("suqian-city-2023.json")
    assert result.findings == ()
    [item] = result.unverifiable
    assert item.check == "prose_change" and "70.3" in item.reason
    assert not result.clean
    # the by-unit counts in parentheses restate no table cell: listed, not dropped
    assert [u.number for u in result.unplaced][:3] == ["349", "933", "477"]
    assert len(result.unplaced) == 11


def test_shuyang_is_largely_unverifiable_not_clean() -> None:
    result = checked("shuyang-drc-2023.json")
    assert result.findings == ()
    table3 = [u for u in result.unverifiable if u.check.startswith("table3_")]
    assert len(table3) == 35  # of 39 table-三 identities (7 columns × 2 + 25 rows)
    assert len(result.blank_cells) == 125
    assert not result.clean


def test_shanghai_is_consistent() -> None:
    result = checked("shanghai-gov-office-2025.json")
    assert result.findings == () and result.unverifiable == ()
    assert result.checked > 50
    assert [u.number for u in result.unplaced] == ["196", "84"]


def _edit_quote(name: str, key: str, old: str, new: str) -> dict[str, ProseNumber]:
    prose = dict(load(PEER / name).prose_numbers)
    assert old in prose[key].quote
    prose[key] = attrs.evolve(prose[key], quote=prose[key].quote.replace(old, new))
    return prose


def test_shanghai_edited_received_closed_and_share_are_all_found() -> None:
    prose = _edit_quote("shanghai-gov-office-2025.json", "applications", "1295 件", "1300 件")
    prose["applications"] = attrs.evolve(
        prose["applications"],
        quote=prose["applications"].quote.replace("1191 件", "1000 件").replace("1.68%", "9.99%"),
    )
    result = checked("shanghai-gov-office-2025.json", prose_numbers=prose)
    got = [(f.check, f.numbers) for f in result.findings]
    assert ("prose_vs_table", {"prose": "1300", "table": "1295"}) in got
    assert ("prose_vs_table", {"prose": "1000", "table": "1191"}) in got
    # shares are of the 办结 count the sentence states: 208 / 1000 = 20.8 %, printed 17.46 %
    assert (
        "prose_share_mismatch",
        {"count": "208", "base": "1000", "exact": "20.8000", "printed": "17.46"},
    ) in got
    assert (
        "prose_share_mismatch",
        {"count": "20", "base": "1000", "exact": "2.0000", "printed": "9.99"},
    ) in got
    # the transcriber's numbers no longer match the sentence: said too
    assert {
        f.numbers.get("transcribed") for f in result.findings if f.check == "prose_transcription"
    } == {"1295", "1191", "1.68"}


def test_shares_at_the_printed_precision() -> None:
    # 208 / 1191 = 17.4643 %: 17.46 is right; 17.47 (rounded up) and 17.4 (wrong precision) not
    for printed, check in (
        ("17.46%", None),
        ("17.47%", "prose_share_rounding"),
        ("17.5%", None),
        ("17.4%", "prose_share_rounding"),
        ("18%", "prose_share_rounding"),
        ("19%", "prose_share_mismatch"),
    ):
        prose = _edit_quote("shanghai-gov-office-2025.json", "applications", "17.46%", printed)
        prose["applications"] = attrs.evolve(prose["applications"], parts={})
        result = checked("shanghai-gov-office-2025.json", prose_numbers=prose)
        assert [f.check for f in result.findings] == ([check] if check else []), printed


def test_withdrawn_within_other_is_a_subset() -> None:
    prose = _edit_quote(
        "shanghai-gov-office-2025.json", "applications", "撤回 157 件", "撤回 320 件"
    )
    prose["applications"] = attrs.evolve(prose["applications"], parts={})
    [finding] = checked("shanghai-gov-office-2025.json", prose_numbers=prose).findings
    assert (finding.check, finding.numbers) == ("prose_subset", {"part": "320", "total": "319"})
    prose = _edit_quote(
        "shanghai-gov-office-2025.json", "applications", "撤回 157 件", "撤回 319 件"
    )
    prose["applications"] = attrs.evolve(prose["applications"], parts={})
    assert checked("shanghai-gov-office-2025.json", prose_numbers=prose).findings == ()


def test_fee_items_are_checked_against_the_fee_total() -> None:
    prose = _edit_quote(
        "suqian-city-2023.json", "processing_fee", "信息处理费2950元", "信息处理费2900元"
    )
    prose["processing_fee"] = attrs.evolve(prose["processing_fee"], value=None, parts={})
    result = checked("suqian-city-2023.json", prose_numbers=prose)
    assert [(f.check, f.numbers) for f in result.findings] == [
        ("prose_subset", {"part": "2950", "total": "2900"})
    ]


def test_review_litigation_and_fee_row_sentences() -> None:
    reading = read_passage("全年收到行政复议申请 2 件，行政诉讼 3 件，逾期未缴纳费用 1 件。")
    assert [(s.quantity, s.value) for s in reading.statements] == [
        ("review", 2),
        ("litigation", 3),
        ("fee_unpaid", 1),
    ]
    report = load(PEER / "hongze-district-2024.json")
    passage = Passage(text="受理政府信息公开申请95件。行政复议2件，行政诉讼4件。")
    result = check_report(attrs.evolve(report, prose_numbers={}, prose=(passage,)))
    assert result.findings == ()  # 2 = table 四 复议总计 2; 4 = 诉讼 1 + 3
    passage = Passage(text="受理政府信息公开申请95件。行政复议3件，行政诉讼4件。")
    result = check_report(attrs.evolve(report, prose_numbers={}, prose=(passage,)))
    assert [(f.check, f.numbers) for f in result.findings] == [
        ("prose_vs_table", {"prose": "3", "table": "2"})
    ]
    # the fee row of table 三 is not printed by 洪泽区 (（六） as one row): unverifiable
    passage = Passage(text="因逾期未缴纳费用终止申请 1 件。")
    result = check_report(attrs.evolve(report, prose_numbers={}, prose=(passage,)))
    [item] = result.unverifiable
    assert item.blank_cells == ("table3.other.overdueFee.total",)


def test_numbers_that_are_not_figures_are_skipped() -> None:
    reading = read_passage("2023年1月1日至2023年12月31日，依据第711号令，1.受理申请5件。")
    assert [(s.quantity, s.value) for s in reading.statements] == [("received", 5)]
    assert reading.unplaced == ()


def test_online_inquiries_are_not_applications() -> None:
    assert read_passage("全年受理网络问政182件。").statements == ()


# --- identities, blank cells, years ------------------------------------------------------


def test_table3_and_cross_year_identities_fire_when_broken() -> None:
    report = load(PEER / "suqian-city-2024.json")
    previous = load(PEER / "suqian-city-2023.json")
    assert report.table3 is not None
    table = dict(report.table3)
    table["granted"] = attrs.evolve(table["granted"], total=table["granted"].total + 1)
    table["carriedOver"] = attrs.evolve(table["carriedOver"], research=5)
    got = {
        (f.check, f.where)
        for f in check_report(attrs.evolve(report, table3=table), previous).findings
    }
    assert ("table3_outcomes", "table3.total") in got
    assert ("table3_columns", "table3.granted") in got
    assert ("table3_balance", "table3.research") in got
    assert ("carry_over", "table3.carriedOver.research") in got


def test_one_blank_cell_blocks_exactly_its_identities() -> None:
    report = load(PEER / "suqian-city-2024.json")
    assert report.table3 is not None
    table = dict(report.table3)
    table["granted"] = attrs.evolve(table["granted"], legal=None)
    result = check_report(attrs.evolve(report, table3=table), load(PEER / "suqian-city-2023.json"))
    assert {(u.check, u.where) for u in result.unverifiable} == {
        ("table3_outcomes", "table3.legal"),
        ("table3_columns", "table3.granted"),
    }
    assert result.blank_cells == ("table3.granted.legal",)


# --- formats: partitions, headings, contents, deadline ----------------------------------


def test_baoshan_channel_counts_are_not_a_partition() -> None:
    report = load(BAOSHAN / "baoshan-2018-annual-report.json")
    result = check_report(report)
    assert not any(f.check == "parts_total" for f in result.findings)
    assert any("回应" in note and "不与总数比较" in note for note in result.notes)
    assert [f.check for f in result.findings] == [
        "percent_mismatch",
        "percent_mismatch",
        "percent_rounding",
        "percent_rounding",
    ]


def test_a_partition_defined_by_the_format_still_adds_up() -> None:
    report = load(BAOSHAN / "baoshan-2018-annual-report.json")
    manner = report.breakdowns[6]
    assert manner.label.startswith("依申请公开申请方式")
    broken = attrs.evolve(manner, total=130)
    result = check_report(attrs.evolve(report, breakdowns=(broken,)))
    assert [f.check for f in result.findings][:1] == ["parts_total"]


def test_2007_format_items_are_contents_checked_in_headings_or_text() -> None:
    headings = ("一、主动公开", "二、依申请公开", "三、复议诉讼", "四、问题", "五、其他")
    report = AnnualReport(unit="某市人民政府", year=2015, format="2007", sections=headings)
    [item] = check_report(report).unverifiable  # 收费 not in a heading, no text to search
    assert "收费及减免" in item.reason
    with_text = attrs.evolve(report, prose=(Passage(text="未收取任何费用。"),))
    assert [f.check for f in check_report(with_text).findings] == ["content_missing"]
    paid = attrs.evolve(report, prose=(Passage(text="本年未向申请人收费。"),))
    assert check_report(paid).findings == () and check_report(paid).unverifiable == ()


def test_regional_headings_apply_only_to_their_units() -> None:
    rule = RequiredHeadings(
        name="某市提纲",
        source="某市通知",
        units=("某市",),
        headings=(("附表", "附表"),),
        formats=("2019",),
    )
    sections = (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
    mine = AnnualReport(unit="某市人民政府", year=2023, sections=sections)
    other = AnnualReport(unit="他县人民政府", year=2023, sections=sections)
    assert [f.numbers["section"] for f in check_report(mine, headings=[rule]).findings] == ["附表"]
    assert check_report(other, headings=[rule]).findings == ()
    assert (
        check_report(attrs.evolve(mine, sections=(*sections, "七、附表")), headings=[rule]).findings
        == ()
    )


def test_baoshan_headings_come_from_its_plugin() -> None:
    import govopen_baoshan

    registry = Registry(plugins=[govopen_baoshan], load_entrypoints=False)
    [outline] = registry.report_headings()
    assert outline.units == ("保山",) and len(outline.headings) == 15
    assert Registry(load_entrypoints=False).report_headings() == []
    report = load(BAOSHAN / "baoshan-2018-annual-report.json")
    assert report.sections is not None
    cut = attrs.evolve(report, sections=report.sections[:-1])
    missing = [
        f.numbers["section"]
        for f in check_report(cut, headings=[outline]).findings
        if f.check == "section_missing"
    ]
    assert missing == ["附表"]


@pytest.mark.parametrize(
    ("unit", "published", "late"),
    [
        ("沭阳县发展和改革局", dt.date(2024, 1, 17), False),
        ("沭阳县发展和改革局", dt.date(2024, 1, 31), False),  # the last day
        ("沭阳县发展和改革局", dt.date(2024, 2, 1), True),
        ("淮安市洪泽区人民政府", dt.date(2024, 3, 31), False),  # a government's own report
        ("淮安市洪泽区人民政府", dt.date(2024, 4, 1), True),
    ],
)
def test_publication_deadline(unit: str, published: dt.date, late: bool) -> None:
    report = AnnualReport(unit=unit, year=2023, published=published)
    got = [f.check for f in check_report(report).findings]
    assert got == (["late_publication"] if late else [])


def test_deadline_by_the_2007_regulation_for_2018_and_before() -> None:
    assert publication_deadline("某局", 2018).due == dt.date(2019, 3, 31)
    assert publication_deadline("某局", 2019).due == dt.date(2020, 1, 31)


def test_unknown_publication_date_is_a_note_not_a_finding() -> None:
    result = check_report(AnnualReport(unit="某局", year=2023))
    assert result.findings == () and any("公开日期" in n for n in result.notes)
