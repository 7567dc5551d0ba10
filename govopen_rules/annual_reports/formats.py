"""The annual-report formats, each by its own definition: what must be in a report, how its
tables are laid out, which printed breakdowns add up, and when it is due.

* The national format of the 2019 条例: 国务院办公厅政府信息与政务公开办公室《关于印发〈中华人民
  共和国政府信息公开工作年度报告格式〉的通知》(国办公开办函〔2021〕30号): six sections with
  prescribed titles and tables 二 (第二十条 items), 三 (applications) and 四 (review, litigation).
* The 2007 条例 (国务院令第492号) 第三十二条: six items a report "应当包括" (contents, not titles),
  and the statistics table of that era (政府信息公开情况统计表), which defines the breakdowns.

A region's own required headings are not here: a plugin provides them as
:class:`RequiredHeadings` through the ``govopen_report_headings`` hook.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = [
    "APPLICANT_COLUMNS",
    "BREAKDOWN_DEFINITIONS",
    "FORMAT_2007_ITEMS",
    "FORMAT_2019_SECTIONS",
    "OUTCOME_GROUPS",
    "TABLE2_ROWS",
    "TABLE3_COLUMNS",
    "TABLE3_ROWS",
    "TABLE4_GROUPS",
    "TABLE4_PARTS",
    "BreakdownDefinition",
    "Deadline",
    "Relation",
    "RequiredHeadings",
    "Table3Row",
    "breakdown_definition",
    "publication_deadline",
]

# --- the national format (国办公开办函〔2021〕30号) ------------------------------------------

#: The six section titles the format prescribes, each with the phrase that identifies it.
FORMAT_2019_SECTIONS = (
    ("总体情况", "总体情况"),
    ("主动公开政府信息情况", "主动公开"),
    ("收到和处理政府信息公开申请情况", "申请"),
    ("政府信息公开行政复议、行政诉讼情况", "行政复议"),
    ("存在的主要问题及改进情况", "问题"),
    ("其他需要报告的事项", "其他"),
)

#: Table 三's columns: the applicant kinds, then 总计 (= 自然人 + the five 法人或其他组织 kinds).
TABLE3_COLUMNS = (
    ("naturalPerson", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
APPLICANT_COLUMNS = tuple(key for key, _label in TABLE3_COLUMNS[:-1])


@attrs.frozen
class Table3Row:
    """One row of table 三: its key, its printed label, and the phrases that identify it."""

    key: str
    label: str
    keywords: tuple[str, ...]


#: Table 三's rows in printed order. Keys are those of the peer-data schema.
TABLE3_ROWS = (
    Table3Row("newReceived", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Table3Row("carriedOver", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Table3Row("granted", "（一）予以公开", ("予以公开",)),
    Table3Row("partialGrant", "（二）部分公开", ("部分公开",)),
    Table3Row("denied.stateSecret", "（三）1.属于国家秘密", ("国家秘密",)),
    # 洪泽区 2023 prints this row as "其他法律行政止公开" (a typo), hence the second phrase.
    Table3Row("denied.lawForbidden", "（三）2.其他法律行政法规禁止公开", ("禁止公开", "法律行政")),
    Table3Row("denied.safetyStability", "（三）3.危及“三安全一稳定”", ("三安全一稳定",)),
    Table3Row("denied.thirdPartyRights", "（三）4.保护第三方合法权益", ("第三方合法权益",)),
    Table3Row("denied.internalAffairs", "（三）5.属于三类内部事务信息", ("内部事务",)),
    Table3Row("denied.processInfo", "（三）6.属于四类过程性信息", ("过程性信息",)),
    Table3Row("denied.enforcementCase", "（三）7.属于行政执法案卷", ("执法案卷",)),
    Table3Row("denied.adminQuery", "（三）8.属于行政查询事项", ("行政查询",)),
    Table3Row("unableToProvide.noInfo", "（四）1.本机关不掌握相关政府信息", ("不掌握",)),
    Table3Row("unableToProvide.needCreation", "（四）2.没有现成信息需要另行制作", ("另行制作",)),
    Table3Row("unableToProvide.unclear", "（四）3.补正后申请内容仍不明确", ("仍不明确",)),
    Table3Row("notProcessed.complaint", "（五）1.信访举报投诉类申请", ("信访举报投诉",)),
    Table3Row("notProcessed.repeat", "（五）2.重复申请", ("重复申请",)),
    Table3Row("notProcessed.publication", "（五）3.要求提供公开出版物", ("公开出版物",)),
    Table3Row("notProcessed.massiveRequests", "（五）4.无正当理由大量反复申请", ("大量反复",)),
    Table3Row(
        "notProcessed.confirmInfo", "（五）5.要求行政机关确认或重新出具已获取信息", ("确认或重",)
    ),
    Table3Row("other.overdueCorrection", "（六）1.申请人无正当理由逾期不补正", ("逾期不补正",)),
    Table3Row("other.overdueFee", "（六）2.申请人逾期未按收费通知要求缴纳费用", ("收费通知",)),
    Table3Row("other.otherReasons", "（六）3.其他", ()),  # "3.其他" under （六）, by position
    Table3Row("totalProcessed", "（七）总计", ()),  # "（七）总计", by its numeral
    Table3Row("carriedForward", "四、结转下年度继续办理", ("结转下年度",)),
)
#: Result groups whose sub-rows add up to the group; a group printed as one row (as 洪泽区 does
#: with （六）其他处理) is stored as ``<group>.singleRow`` and counts once.
OUTCOME_GROUPS = (
    ("denied", "（三）不予公开"),
    ("unableToProvide", "（四）无法提供"),
    ("notProcessed", "（五）不予处理"),
    ("other", "（六）其他处理"),
)

#: Table 四: three groups of five columns, 总计 = 维持 + 纠正 + 其他 + 尚未审结.
TABLE4_GROUPS = (
    ("review", "行政复议"),
    ("litigationDirect", "行政诉讼（未经复议直接起诉）"),
    ("litigationPostReview", "行政诉讼（复议后起诉）"),
)
TABLE4_PARTS = (
    ("maintain", "结果维持"),
    ("correct", "结果纠正"),
    ("other", "其他结果"),
    ("unfinished", "尚未审结"),
)

#: Table 二 (第二十条 items): row key, printed label (the first phrase), the cells it prints.
TABLE2_ROWS = (
    ("regulations", ("规章",), ("made", "repealed", "valid")),
    ("normativeDocuments", ("行政规范性文件", "规范性文件"), ("made", "repealed", "valid")),
    ("licensing", ("行政许可",), ("processed",)),
    ("punishment", ("行政处罚",), ("processed",)),
    ("coercion", ("行政强制",), ("processed",)),
    # 行政事业性收费 is administrative fees in 万元, not the information-processing fee the prose
    # of section 六 reports: the two are never compared.
    ("fees", ("行政事业性收费",), ("amount",)),
)

# --- the 2007 条例 ---------------------------------------------------------------------------

#: 第三十二条: "政府信息公开工作年度报告应当包括下列内容" — contents, each with phrases that name
#: it in a heading or in the text.
FORMAT_2007_ITEMS = (
    ("（一）行政机关主动公开政府信息的情况", ("主动公开",)),
    ("（二）行政机关依申请公开政府信息和不予公开政府信息的情况", ("依申请公开",)),
    ("（三）政府信息公开的收费及减免情况", ("收费", "减免", "成本费")),
    ("（四）因政府信息公开申请行政复议、提起行政诉讼的情况", ("复议", "诉讼")),
    ("（五）政府信息公开工作存在的主要问题及改进情况", ("问题",)),
    ("（六）其他需要报告的事项", ("其他",)),
)

# --- which printed breakdowns add up ---------------------------------------------------------


class Relation(enum.Enum):
    """How a printed breakdown's parts relate to its total."""

    #: Every counted thing is in exactly one part: parts add up to the total, shares to 100 %.
    PARTITION = "partition"
    #: Parts are subsets of the total ("其中", or channels one item may use several of): each
    #: part ≤ total; the sum is not checked.
    SUBSETS = "subsets"
    #: Parts count something else than the total (other units, other events): not compared.
    UNRELATED = "unrelated"


@attrs.frozen
class BreakdownDefinition:
    """A breakdown the format defines, recognised by phrases in its printed label."""

    name: str
    formats: tuple[str, ...]
    label_phrases: tuple[str, ...]
    relation: Relation
    why: str


BREAKDOWN_DEFINITIONS = (
    BreakdownDefinition(
        "response_channels",
        ("2007",),
        ("回应",),
        Relation.UNRELATED,
        # 统计表 "回应解读情况": 回应公众关注热点或重大舆情数 (次), then "通过不同渠道和方式回应
        # 解读的情况" — 新闻发布会 (次), 在线访谈 (次), 政策解读稿件 (篇), 微博微信回应事件 (次),
        # 其他方式回应事件 (次). One response may go through several channels and an article is
        # not a response: the channel counts are of other things than the total.
        "回应解读渠道数（次、篇）按渠道计，一次回应可经多个渠道，不是回应总数的分项",
    ),
    BreakdownDefinition(
        "disclosure_channels",
        ("2007",),
        ("主动公开",),
        Relation.SUBSETS,
        # 统计表 "通过不同渠道和方式公开政府信息的情况": 政府公报、政府网站、政务微博、政务微信、
        # 其他方式. Each channel publishes items of the total; one item may be published on
        # several channels, so the channels need not add up.
        "同一信息可经多个渠道公开：各渠道数不超过主动公开总数，但不必相加等于总数",
    ),
    BreakdownDefinition(
        "application_manner",
        ("2007",),
        ("申请方式",),
        Relation.PARTITION,
        # 统计表 "收到申请数": 当面、传真、网络、信函申请数 — every application arrives one way.
        "每件申请只有一种提交方式",
    ),
    BreakdownDefinition(
        "reply_outcomes",
        ("2007",),
        ("答复结果", "申请答复"),
        Relation.PARTITION,
        # 统计表 "申请答复数": 属于已主动公开范围、同意公开、同意部分公开、不同意公开、不属于本
        # 行政机关公开、申请信息不存在、告知作出更改补充、告知通过其他途径办理 — one outcome each.
        "每件答复只有一种结果",
    ),
    BreakdownDefinition(
        "review_outcomes",
        ("2007", "2019"),
        ("行政复议",),
        Relation.PARTITION,
        # 统计表 / 表四: 维持、纠错、其他情形（、尚未审结） — one outcome per case.
        "每件行政复议只有一种结果（表四：总计 = 维持 + 纠正 + 其他 + 尚未审结）",
    ),
    BreakdownDefinition(
        "litigation_outcomes",
        ("2007", "2019"),
        ("行政诉讼",),
        Relation.PARTITION,
        "每件行政诉讼只有一种结果（表四：总计 = 维持 + 纠正 + 其他 + 尚未审结）",
    ),
)


def breakdown_definition(label: str, report_format: str) -> BreakdownDefinition | None:
    """The format's definition of a printed breakdown, found by its label; None when the format
    defines no such breakdown (then it is not checked as a partition)."""
    for definition in BREAKDOWN_DEFINITIONS:
        if report_format in definition.formats and any(
            phrase in label for phrase in definition.label_phrases
        ):
            return definition
    return None


# --- regional headings ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RequiredHeadings:
    """Section headings a region requires beyond the format, for its own units' reports.

    Applies to a report whose ``format`` is in ``formats``, whose year is in
    ``first_year..last_year`` (either may be None) and whose unit name contains one of
    ``units``. Each heading is ``(title, phrase)``: present when some heading contains the phrase.
    """

    name: str
    source: str
    units: tuple[str, ...]
    headings: tuple[tuple[str, str], ...]
    formats: tuple[str, ...] = ("2007", "2019")
    first_year: int | None = None
    last_year: int | None = None

    def applies_to(self, unit: str, year: int, report_format: str) -> bool:
        """Whether this region's headings are required of the report."""
        return (
            report_format in self.formats
            and (self.first_year is None or year >= self.first_year)
            and (self.last_year is None or year <= self.last_year)
            and any(name in unit for name in self.units)
        )


# --- deadlines ------------------------------------------------------------------------------


@attrs.frozen
class Deadline:
    """The last day a report may be published, and the clause that sets it."""

    due: dt.date
    clause: str


def publication_deadline(unit: str, year: int) -> Deadline:
    """When the report on ``year`` is due.

    2019 条例 第四十九条: 县级以上人民政府部门 by 31 January; a 县级以上地方人民政府's own report
    (published by its 主管部门) by 31 March. The 2007 条例 第三十一条 (reports on 2018 and
    before): by 31 March. A unit whose name ends in 人民政府 is taken to be a government.
    """
    if year <= 2018:
        return Deadline(dt.date(year + 1, 3, 31), "2007年条例第三十一条：每年3月31日前公布")
    if unit.endswith("人民政府"):
        return Deadline(
            dt.date(year + 1, 3, 31), "条例第四十九条：本级政府年度报告每年3月31日前向社会公布"
        )
    return Deadline(
        dt.date(year + 1, 1, 31), "条例第四十九条：政府部门年度报告每年1月31日前向社会公布"
    )
