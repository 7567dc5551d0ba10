"""Results as one self-contained, printable HTML page: no script, no font, no file it links to.

A unit's page gives the breakdown, every finding with its evidence and citation, the score
range and the assumed parameters. A cohort's page gives, per group, a chart of the score
distribution with the tier lines drawn (inline SVG), the tier table and the ranking, then each
unit's page. Printed, it is A4 with a page break before every unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from govopen_rules.evaluation.cohort import CohortResult, GroupResult
from govopen_rules.evaluation.results import (
    Effect,
    EvaluationResult,
    EvidenceRef,
    Status,
    Verdict,
    provisional_mark,
)
from govopen_rules.reports.formatting import (
    STATUS_WORDS,
    format_items,
    format_percent,
    format_points,
    provisional_note,
)
from govopen_rules.reports.pending import (
    NOT_YET,
    PUBLISHED_LABEL,
    SCORE_RANGE_LABEL,
    agreement_word,
    published_tier,
    score_range,
)
from govopen_rules.rubric.grades import GradeScale, Grading
from govopen_rules.rubric.model import Rubric

__all__ = ["cohort_html", "result_html"]

_STYLE = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
       sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1d1d1f; margin: 0 auto;
       max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h1 small { font-size: 10pt; color: #666; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 2px solid #2f5597; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
.meta { color: #555; margin: 0 0 2mm; }
.total { font-size: 12pt; margin: 2mm 0; } .total b { font-size: 15pt; }
.vetoed { color: #fff; background: #b00020; padding: 0 4px; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
thead { display: table-header-group; }
th, td { border: 1px solid #b8c4d6; padding: 2px 5px; vertical-align: top; text-align: left; }
th { background: #ddebf7; white-space: nowrap; }
td.n, th.n { text-align: right; white-space: nowrap; } td.k { white-space: nowrap; }
tr.area td { background: #f2f5fa; font-weight: bold; }
tr, .finding, figure { break-inside: avoid; }
.finding { border-left: 3px solid #b00020; padding: 1mm 3mm; margin: 2mm 0; }
.finding.no_evidence { border-left-color: #c77c02; }
.finding p { margin: 0.5mm 0; }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; color: #fff;
         background: #b00020; font-size: 9pt; }
.no_evidence .badge { background: #c77c02; }
.evidence { margin: 0.5mm 0 0.5mm 4mm; padding: 0; font-size: 9pt; color: #333;
            list-style: square; }
.cite { font-size: 9pt; color: #555; }
.note { font-size: 9pt; color: #666; }
.provisional { color: #8a5a00; }
.unit { break-before: page; }
.unit:first-of-type { break-before: auto; }
figure { margin: 2mm 0; } figcaption { font-size: 9pt; color: #555; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #777; }
"""

_TIER_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#b00020", "#6a1b9a", "#455a64")


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _provisional(years: tuple[int, ...]) -> str:
    """The mark of what a provisional calendar decided, as an element ('' if nothing)."""
    mark = provisional_mark(years)
    return f' <span class="provisional">{escape(mark.strip())}</span>' if mark else ""


def _provisional_note(years: tuple[int, ...]) -> str:
    note = provisional_note(years)
    return f'<p class="note provisional">{escape(note)}</p>' if note else ""


def _range(low_high: tuple[str, str] | None) -> str:
    return escape(f"{low_high[0]}–{low_high[1]}" if low_high is not None else NOT_YET)


# --- one unit ----------------------------------------------------------------------------------


def result_html(
    result: EvaluationResult,
    rubric: Rubric | None = None,
    *,
    locations: Sequence[str] | None = None,
) -> str:
    """One unit's result as a page (see the module docstring)."""
    unit = result.unit
    return _page(f"{unit.name} — {result.rubric_id}", _unit_section(result, rubric, locations))


def _unit_section(
    result: EvaluationResult, rubric: Rubric | None, locations: Sequence[str] | None
) -> str:
    unit = result.unit
    title = f" · {escape(rubric.title)}" if rubric is not None else ""
    total = (
        f'<p class="total">总分 total <b>{format_points(result.total)}</b> / '
        f"{format_points(result.points)}"
        f" · {SCORE_RANGE_LABEL} {_range(score_range(result))}"
        + (f" · 等次 grade <b>{escape(result.grade)}</b>" if result.grade else "")
        + (' · <span class="vetoed">单项否决 VETOED</span>' if result.vetoed else "")
        + "</p>"
    )
    parts = [
        '<section class="unit">',
        f"<h1>{escape(unit.name)} <small>{escape(unit.id)}</small></h1>",
        f'<p class="meta">{escape(result.rubric_id)} v{escape(result.rubric_version)}{title}'
        f" · {result.region} {result.year}</p>",
        total,
        _provisional_note(result.provisional_calendar_years),
        "<h2>得分明细 breakdown</h2>",
        _breakdown_table(result),
        f"<h2>问题清单 findings ({len(result.findings())})</h2>",
    ]
    findings = result.findings()
    if not findings:
        parts.append("<p>未发现问题 (no findings)</p>")
    for ind in (i for a in result.areas for i in a.indicators):
        for v in ind.verdicts:
            if v in findings:
                parts.append(_finding(v, ind.title, locations))
    parts.append(_assumptions(result, rubric))
    parts.append(
        f"<footer>govopen-rules {escape(result.library_version)} · "
        f"{escape(result.rubric_id)} v{escape(result.rubric_version)}</footer>"
    )
    parts.append("</section>")
    return "\n".join(parts)


def _breakdown_table(result: EvaluationResult) -> str:
    rows = [
        "<table><thead><tr><th>指标</th><th>名称</th><th class=n>分值</th><th class=n>得分</th>"
        f"<th class=n>{SCORE_RANGE_LABEL}</th><th class=n>自评分</th><th>问题</th></tr></thead>"
        "<tbody>"
    ]
    for area in result.areas:
        rows.append(
            f'<tr class="area"><td>{escape(area.code)}</td><td>{escape(area.title)}</td>'
            f"<td class=n>{format_points(area.points)}</td>"
            f"<td class=n>{format_points(area.score)}</td>"
            f"<td class=n>{_range(score_range(result, area))}</td><td></td><td></td></tr>"
        )
        for ind in area.indicators:
            lost = sum(1 for v in ind.verdicts if v.status in (Status.DEDUCTED, Status.NO_EVIDENCE))
            own = format_points(ind.self_score) if ind.self_score is not None else ""
            if ind.self_score_supported is False:
                own += " ⚠"
            rows.append(
                f"<tr><td class=k>{escape(ind.code)}</td><td>{escape(ind.title)}</td>"
                f"<td class=n>{format_points(ind.points)}</td>"
                f"<td class=n>{format_points(ind.score)}</td>"
                f"<td class=n>{_range(score_range(result, ind))}</td>"
                f"<td class=n>{own}</td><td class=n>{lost or ''}</td></tr>"
            )
    rows.append(
        f"<tr class=area><td></td><td>合计 total</td><td class=n>{format_points(result.points)}"
        f"</td><td class=n>{format_points(result.total)}</td>"
        f"<td class=n>{_range(score_range(result))}</td><td></td><td></td></tr>"
    )
    rows.append("</tbody></table>")
    if any(i.self_score_supported is False for a in result.areas for i in a.indicators):
        rows.append('<p class="note">⚠ 自评分缺乏证据支撑 (self-score not supported)</p>')
    return "\n".join(rows)


def _evidence_item(ref: EvidenceRef, locations: Sequence[str] | None) -> str:
    where = f"facts[{ref.fact_index}]"
    if locations is not None and ref.fact_index < len(locations):
        where = locations[ref.fact_index]
    values = ", ".join(f"{k}={v}" for k, v in ref.values.items())
    mark = _provisional(ref.provisional_calendar_years)
    return f"<li>{escape(where)} {escape(ref.kind)}: {escape(values)}{mark}</li>"


def _finding(v: Verdict, indicator_title: str, locations: Sequence[str] | None) -> str:
    word = STATUS_WORDS[v.status] + ("（否决）" if v.effect is Effect.VETO else "")
    cost = f" −{format_points(v.points)}" if v.points else ""
    quote = f"「{escape(v.citation.quote)}」" if v.citation.quote else ""
    evidence = "".join(_evidence_item(e, locations) for e in v.evidence)
    assumed = (
        f'<p class="note">假定值 assumed: {escape("、".join(v.assumptions))}</p>'
        if v.assumptions
        else ""
    )
    return (
        f'<div class="finding {v.status.value}">'
        f'<p><span class="badge">{escape(word)}{cost}</span> <b>{escape(v.indicator)}</b> '
        f"{escape(indicator_title)} · <code>{escape(v.rule_id)}</code></p>"
        f"<p>{escape(v.message)}{_provisional(v.provisional_calendar_years)}</p>"
        + (f'<p class="items">清单 items: {escape(format_items(v))}</p>' if v.items else "")
        + (f'<ul class="evidence">{evidence}</ul>' if evidence else "")
        + f'<p class="cite">依据 {escape(v.citation.document)} {escape(v.citation.clause)}'
        f" {quote}</p>{assumed}</div>"
    )


def _assumptions(result: EvaluationResult, rubric: Rubric | None) -> str:
    if not result.assumed_parameters:
        return ""
    rows = [
        "<h2>假定参数 assumed parameters</h2>",
        "<p class=note>细则未载明、由本库按说明取定的数值 (values the source does not state)。</p>",
        "<table><thead><tr><th>参数</th><th class=n>取值</th><th>说明</th></tr></thead><tbody>",
    ]
    for name in result.assumed_parameters:
        declared = rubric.parameters.get(name) if rubric is not None else None
        value = result.parameters.get(name)
        note = declared.note if declared is not None else ""
        shown = format_points(value) if value is not None else ""
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td class=n>{shown}</td>"
            f"<td>{escape(note)}</td></tr>"
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)


# --- a cohort ----------------------------------------------------------------------------------


def cohort_html(cohort: CohortResult, grading: Grading, rubric: Rubric | None = None) -> str:
    """A cohort as a page: per group a distribution chart with the tier lines, the tier table
    and the ranking; then every unit's page (``grading`` gives each group's tier lines)."""
    scales = {g.name: g.scale for g in grading.groups}
    heading = f"{cohort.rubric_id} v{cohort.rubric_version}"
    top = max([rubric.points] if rubric is not None else [], default=Decimal(0))
    top = max([top, *(r.total for r in cohort.results)], default=Decimal(0))
    parts = [
        '<section class="cohort">',
        f"<h1>{escape(rubric.title if rubric is not None else heading)}</h1>",
        f'<p class="meta">{escape(heading)} · {cohort.region} {cohort.year} · '
        f"{len(cohort.results)} 个单位 units</p>",
        _provisional_note(cohort.provisional_calendar_years),
    ]
    for group in cohort.groups:
        scale = scales.get(group.name, grading.scale)
        parts.append(_group(cohort, group, scale, top))
    if cohort.ungrouped:
        parts.append(f"<p>未分组单位 ungrouped: {escape('、'.join(cohort.ungrouped))}</p>")
    if cohort.failures:
        parts.append("<h2>未能评估的单位 units not evaluated</h2><ul>")
        for failure in cohort.failures:
            who = failure.name or failure.unit_id or f"units[{failure.index}]"
            problems = "".join(f"<li>{escape(e)}</li>" for e in failure.errors)
            parts.append(f"<li>{escape(who)}<ul>{problems}</ul></li>")
        parts.append("</ul>")
    parts.append("</section>")
    parts += [_unit_section(result, rubric, None) for result in cohort.results]
    return _page(f"{heading} — {cohort.region} {cohort.year}", "\n".join(parts))


def _group(cohort: CohortResult, group: GroupResult, scale: GradeScale, top: Decimal) -> str:
    published = {p.unit_id: published_tier(cohort, p.unit_id) for p in group.placements}
    compare = any(tier is not None for tier in published.values())
    parts = [
        f"<h2>{escape(group.name)}（{group.size}个）</h2>",
        _chart(group, scale, top),
        "<table><thead><tr><th>等次</th><th class=n>数量</th><th class=n>占比</th><th>单位</th>"
        "</tr></thead><tbody>",
    ]
    for tier in group.tiers:
        parts.append(
            f"<tr><td class=k>{escape(tier.label)}</td><td class=n>{tier.count}</td>"
            f"<td class=n>{format_percent(tier.share)}</td>"
            f"<td>{escape('、'.join(tier.members))}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts += [f'<p class="note">注意 warning: {escape(w)}</p>' for w in group.warnings]
    extra = f"<th>{PUBLISHED_LABEL}</th><th>一致</th>" if compare else ""
    parts.append(
        "<table><thead><tr><th class=n>名次</th><th>单位</th><th class=n>得分</th>"
        f"<th class=n>{SCORE_RANGE_LABEL}</th><th>等次</th>{extra}</tr></thead><tbody>"
    )
    for p in group.placements:
        cells = (
            f"<td class=n>{p.rank}</td>"
            f"<td>{escape(p.name)}{_provisional(p.provisional_calendar_years)}</td>"
            f"<td class=n>{format_points(p.total)}</td>"
            f"<td class=n>{_range((format_points(p.low), format_points(p.high)))}</td>"
            f"<td class=k>{escape(p.tier or NOT_YET)}</td>"
        )
        if compare:
            printed = published[p.unit_id]
            agree = agreement_word(cohort, p.unit_id)
            cells += f"<td>{escape(printed or NOT_YET)}</td><td>{agree}</td>"
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _chart(group: GroupResult, scale: GradeScale, top: Decimal) -> str:
    """A dot plot of the group's totals on the rubric's scale, one dot per unit (equal totals
    stacked), coloured by tier, with a dashed line at each tier's minimum score."""
    width, left, right, bottom, step = 680, 34, 16, 30, 9
    stacks: dict[Decimal, int] = {}
    for p in group.placements:
        stacks[p.total] = stacks.get(p.total, 0) + 1
    tallest = max(stacks.values(), default=1)
    height = max(120, 40 + tallest * step + bottom)
    base = height - bottom
    span = float(top) or 1.0

    def x(value: Decimal) -> float:
        return left + float(value) / span * (width - left - right)

    colours = {label: _TIER_COLOURS[i % len(_TIER_COLOURS)] for i, label in enumerate(scale.labels)}
    shapes = [
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#444"/>',
    ]
    for tick in _ticks(top):
        shapes.append(
            f'<line x1="{x(tick):.1f}" y1="{base}" x2="{x(tick):.1f}" y2="{base + 4}" '
            f'stroke="#444"/><text x="{x(tick):.1f}" y="{base + 16}" font-size="10" '
            f'text-anchor="middle">{format_points(tick)}</text>'
        )
    for label, minimum in scale.thresholds:
        colour = colours[label]
        shapes.append(
            f'<line x1="{x(minimum):.1f}" y1="14" x2="{x(minimum):.1f}" y2="{base}" '
            f'stroke="{colour}" stroke-dasharray="4 3"/>'
            f'<text x="{x(minimum) + 3:.1f}" y="12" font-size="10" fill="{colour}">'
            f"{escape(label)} ≥ {format_points(minimum)}</text>"
        )
    placed: dict[Decimal, int] = {}
    for p in group.placements:
        level = placed.get(p.total, 0)
        placed[p.total] = level + 1
        colour = colours.get(p.tier or "", "#888")
        shapes.append(
            f'<circle cx="{x(p.total):.1f}" cy="{base - 6 - level * step}" r="4" '
            f'fill="{colour}"><title>{escape(p.name)} {format_points(p.total)} '
            f"{escape(p.tier or '')}</title></circle>"
        )
    caption = f"{escape(group.name)}：得分分布 score distribution（每点一个单位，虚线为等次分数线）"
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{caption}">'
        + "".join(shapes)
        + f"</svg><figcaption>{caption}</figcaption></figure>"
    )


def _ticks(top: Decimal) -> list[Decimal]:
    """About ten round tick values from 0 to ``top``."""
    if top <= 0:
        return [Decimal(0)]
    raw = top / 10
    for unit in (Decimal("0.1"), Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10)):
        if unit >= raw:
            break
    count = int(top / unit)
    return [unit * i for i in range(count + 1)]
