"""保山's own annual-report outline (2007 条例 era): the 15 parts its reports list.

Not a national requirement: the 2007 条例 第三十二条 asks only for six contents (in the core).
The outline is the one 保山市2018年政府信息公开工作年度报告 states in its preamble ("全文包括…")
and follows; each part is matched by a key phrase of its heading.
"""

from __future__ import annotations

from govopen_rules import hookimpl
from govopen_rules.annual_reports.formats import RequiredHeadings

BAOSHAN_2007_OUTLINE = RequiredHeadings(
    name="保山市年度报告提纲",
    source="保山市2018年政府信息公开工作年度报告 前言“全文包括…”",
    units=("保山",),
    formats=("2007",),
    last_year=2018,
    headings=(
        ("总体公开说明", "总体"),
        ("主动公开政府信息情况", "主动公开"),
        ("重点领域政府信息公开工作情况", "重点领域"),
        ("推进“互联网+政务服务”工作情况", "互联网+政务服务"),
        ("提案议案办理结果公开情况", "提案议案"),
        ("开展政策解读情况", "政策解读"),
        ("政务舆情和社会重大关切回应情况", "舆情"),
        ("政府信息依申请公开工作详细情况", "依申请公开"),
        ("公开平台载体建设情况", "平台载体"),
        ("信息公开相关举报、复议、诉讼情况", "复议"),
        ("完善公开制度机制建设情况", "制度机制"),
        ("推进公开工作存在的问题与不足", "问题"),
        ("开展下一年度工作的初步计划安排", "计划"),
        ("其他应报告的事项", "其他"),
        ("附表", "附表"),
    ),
)


@hookimpl
def govopen_report_headings() -> list[RequiredHeadings]:
    """保山's outline, required of 保山 units' reports in the 2007 format."""
    return [BAOSHAN_2007_OUTLINE]
