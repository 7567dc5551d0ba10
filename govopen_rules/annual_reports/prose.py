"""Numbers in a report's prose: which table figure each restates, read from the sentence.

Every number in a passage is looked at with the words just before it (back to the previous
number or punctuation mark) and the unit just after it. A number whose words name a quantity of
the national format (受理…申请 N 件, 予以公开 N 件, 行政复议 N 件, 信息处理费 N 元…) becomes a
:class:`Statement`; a percentage printed right after a statement is its share (or, after 同比,
its year-on-year change); years, dates and list numbers are skipped; every other number is
*unplaced* and reported as such. Nothing here depends on how a transcriber keyed the numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

__all__ = ["QUANTITY_TERMS", "PassageReading", "Statement", "normalise", "read_passage"]


@attrs.frozen(kw_only=True)
class Statement:
    """A number the prose states about a named quantity, with what is printed beside it."""

    quantity: str
    value: Decimal
    phrase: str
    share: Decimal | None = None
    #: Year-on-year change as printed, signed: 同比下降 2.5% → -2.5.
    change: Decimal | None = None


@attrs.frozen(kw_only=True)
class PassageReading:
    """What one passage says: its statements in order, and the numbers no statement claims."""

    text: str
    statements: tuple[Statement, ...]
    unplaced: tuple[tuple[str, str], ...]  # (number as printed, the words around it)
    #: Sub-amounts listed after a fee total ("其中，某局1件，收取420元"): (cases, yuan).
    fee_items: tuple[tuple[Decimal, Decimal], ...] = ()


#: Quantity → the words that name it just before its number, most specific first. Ties (two
#: phrases ending at the same place) go to the earlier entry.
QUANTITY_TERMS: tuple[tuple[str, str], ...] = (
    ("granted_plus_partial", r"予以公开(?:及|和|与|、)部分公开"),
    ("partial", r"部分公开"),
    ("granted", r"(?<!不)予以公开"),
    ("denied", r"不予公开"),
    ("unable", r"无法提供"),
    ("not_processed", r"不予处理"),
    ("other", r"其他处理"),
    ("withdrawn", r"撤回"),
    ("carried_forward", r"转下年度|结转下年|转入下年"),
    ("carried_over", r"上年结转|上年度结转|结转上年"),
    ("received_and_carried", r"收办"),
    ("received", r"受理|收到|新收|接收"),
    ("closed", r"办结|已答复"),
    ("natural_person", r"自然人"),
    ("legal_person", r"法人"),
    ("fee_unpaid", r"未(?:按收费通知要求)?缴纳|逾期未缴"),
    ("review_corrected", r"复议\S*?(?:纠错|纠正)"),
    ("litigation_corrected", r"诉讼\S*?(?:败诉|纠错|纠正)"),
    ("review", r"复议"),
    ("litigation", r"诉讼"),
    ("regulations_made", r"规章"),
    ("normative_made", r"规范性文件"),
    ("fee_yuan", r"处理费|收费|收取"),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in QUANTITY_TERMS)
#: Quantities about applications are read only in passages that speak of 申请.
_APPLICATION_QUANTITIES = frozenset(
    {
        "granted_plus_partial",
        "partial",
        "granted",
        "denied",
        "unable",
        "not_processed",
        "other",
        "withdrawn",
        "carried_forward",
        "carried_over",
        "received_and_carried",
        "received",
        "closed",
        "natural_person",
        "legal_person",
    }
)
_COUNT_UNITS = ("件", "起", "宗", "部")
_YUAN_UNITS = ("元", "万元")

_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")
_UNIT_CHARS = "件起宗部元条次个项篇%"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CUT = "。；;，,：:！？!?\n"
_CHANGE = re.compile(
    r"(?:同比|较上年|比上年|较去年|与上年相比)(?:度)?[^\d]{0,6}?(增长|增加|上升|下降|减少)"
)
_FEE_ITEM = re.compile(r"(\d+)件[，,]?收取(?:了)?(?:费用)?(\d+(?:\.\d+)?)元")


def normalise(text: str) -> str:
    """Prose as matched: no whitespace (PDF text puts spaces around numbers), no thousands
    separators, full-width digits and percent signs as ASCII."""
    text = text.translate(str.maketrans("０１２３４５６７８９％．", "0123456789%."))
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def _lead(text: str, start: int, floor: int) -> str:
    """The words before ``start``, back to ``floor`` or the last punctuation mark, without the
    previous number's unit and without closed asides ("作其他处理（含…撤回申请）341件")."""
    lead = _ASIDE.sub("", text[floor:start])
    cut = max(lead.rfind(c) for c in _CUT)
    return lead[cut + 1 :].lstrip(_UNIT_CHARS)


def _skipped(text: str, start: int, end: int) -> bool:
    """Years, dates, ordinals, list numbers, document numbers: not figures."""
    after = text[end : end + 2]
    before = text[max(0, start - 1) : start]
    number = text[start:end]
    if after[:1] in ("年", "月", "日", "时", "号") and "." not in number:
        return True
    if before in ("第", "〔", "[", "（", "(") and after[:1] in (
        "号",
        "〕",
        "]",
        "）",
        ")",
        "条",
        "期",
    ):
        return True
    if re.match(r"[.．、](?!\d)", after):  # "1." / "2、" list numbers
        return True
    return before in ("-", "—", "/") or after[:1] in ("-", "/")


def _term(lead: str, in_application_passage: bool) -> str | None:
    """The quantity whose words end nearest the number."""
    best: tuple[int, int, str] | None = None
    for rank, (name, pattern) in enumerate(_COMPILED):
        if name in _APPLICATION_QUANTITIES and not in_application_passage:
            continue
        for match in pattern.finditer(lead):
            key = (match.end(), -rank, name)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    name = best[2]
    if name == "received" and "申请" not in lead:
        return None  # 受理网络问政 182 件 is not an application count
    return name


def read_passage(raw: str) -> PassageReading:
    """The statements and unplaced numbers of one passage."""
    text = normalise(raw)
    application = "申请" in text
    statements: list[Statement] = []
    unplaced: list[tuple[str, str]] = []
    floor = 0
    fee_spans = [m.span() for m in _FEE_ITEM.finditer(text)]
    fee_items = tuple((Decimal(m.group(1)), Decimal(m.group(2))) for m in _FEE_ITEM.finditer(text))
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        number = match.group()
        lead = _lead(text, start, floor)
        floor = end
        if any(a <= start < b for a, b in fee_spans):
            continue  # read as a fee item
        if _skipped(text, start, end):
            continue
        value = Decimal(number)
        context = text[max(0, start - 12) : min(len(text), end + 4)]
        if text[end : end + 1] == "%":
            change = _CHANGE.search(lead)
            if statements and change is not None and statements[-1].change is None:
                sign = -1 if change.group(1) in ("下降", "减少") else 1
                statements[-1] = attrs.evolve(statements[-1], change=sign * value)
                continue
            if (
                statements
                and change is None
                and statements[-1].share is None
                and (lead in ("", "（", "(") or lead.lstrip("（(").startswith("占"))
            ):
                statements[-1] = attrs.evolve(statements[-1], share=value)
                continue
            unplaced.append((f"{number}%", context))
            continue
        unit = text[end : end + 2]
        name = _term(lead, application)
        if name is None and unit.startswith("件"):
            trail = re.split(r"[。；;，,]", text[end:])[0]
            if "收取" in trail and "费" in trail:
                name = "fee_cases"
        wanted_units = _YUAN_UNITS if name == "fee_yuan" else _COUNT_UNITS
        if name is not None and not unit.startswith(wanted_units):
            name = None  # "复议 2 次会议", "处理费 0 件": the unit says it is something else
        if name is None:
            unplaced.append((number, context))
            continue
        phrase = f"{lead}{number}{unit[:1]}"
        statements.append(Statement(quantity=name, value=value, phrase=phrase))
    return PassageReading(
        text=text, statements=tuple(statements), unplaced=tuple(unplaced), fee_items=fee_items
    )
