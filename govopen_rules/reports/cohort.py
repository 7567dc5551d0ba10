"""A cohort as Markdown, in the layout of a 通报: per group, the tier table and the ranking, with
what the evidence settles, and the published tiers compared where the cohort file carries them;
a unit whose result used a provisional calendar is marked in the ranking. A cohort whose
placements were streamed (``--placements``) has its tables and warnings, and a line saying where
the ranking went."""

from __future__ import annotations

from govopen_rules.evaluation.cohort import Agreement, CohortResult, GroupResult, Placement
from govopen_rules.evaluation.results import provisional_mark
from govopen_rules.reports.formatting import (
    format_percent,
    format_points,
    format_range,
    markdown_text,
    provisional_note,
)

__all__ = ["render_cohort_markdown"]

AGREEMENT_WORDS = {
    Agreement.AGREES: "一致 agrees",
    Agreement.DISAGREES: "不一致 disagrees",
    Agreement.UNDETERMINED: "待核实 undetermined",
}


def _md(text: str) -> str:
    """A value as literal Markdown (:func:`markdown_text`): a unit named ``甲|乙`` once shifted
    every column after it, and one named ``<img onerror=…>`` was a live tag."""
    return markdown_text(text)


def _ends(p: Placement) -> str:
    low, high = p.tier_low or "无等次", p.tier_high or "无等次"
    return _md(low if low == high else f"{low}–{high}")


def _published_lines(group: GroupResult) -> list[str]:
    """The published table beside the computed one, and the agreement counts."""
    compared = group.published
    if compared is None:
        return []
    computed = {t.label: t for t in group.tiers}
    lines = [
        "### 公布等次比对 published tiers compared",
        "",
        "| 等次 | 公布 published | 公布占比 | 计算 computed | 计算占比 | 其中证据确定 determined |",
        "|---|---|---|---|---|---|",
    ]
    for t in compared.tiers:
        ours = computed[t.label]
        lines.append(
            f"| {_md(t.label)} | {t.count} | {format_percent(t.share)} | {ours.count} | "
            f"{format_percent(ours.share)} | {ours.determined} |"
        )
    lines += [
        "",
        f"一致 agree: {compared.agrees} · 不一致 disagree: {compared.disagrees} · "
        f"待核实 undetermined: {compared.undetermined} · "
        f"未公布 unpublished: {compared.unpublished}",
        "",
    ]
    return lines


def _ranking_lines(group: GroupResult) -> list[str]:
    if group.size and not group.placements:  # streamed to a file (``--placements``), not kept
        return ["排名已逐条写出 the ranking was streamed to the placements file, not kept", ""]
    compare = group.published is not None
    head = "| 名次 | 单位 | 得分 | 证据可证 range | 等次 | 两端 ends | 确定 determined |"
    rule = "|---|---|---|---|---|---|---|"
    if compare:
        head += " 公布 published | 比对 |"
        rule += "---|---|"
    lines = [head, rule]
    for p in group.placements:
        line = (
            f"| {p.rank} | {_md(p.name)}{provisional_mark(p.provisional_calendar_years)} | "
            f"{format_points(p.total)} | {format_range(p.low, p.high)} | "
            f"{_md(p.tier or '—')} | {_ends(p)} | {'是' if p.determined else '否'} |"
        )
        if compare:
            agreement = AGREEMENT_WORDS[p.agreement] if p.agreement is not None else "—"
            line += f" {_md(p.published or '—')} | {agreement} |"
        lines.append(line)
    return lines


def render_cohort_markdown(cohort: CohortResult) -> str:
    """The tier table of each group, in the layout of a 通报 (tier, count, share, units), with
    how many of each tier the evidence settles; then, where tiers were published, the published
    table against the computed one; then the ranking with each unit's score range."""
    title = f"{cohort.rubric_id} v{cohort.rubric_version} ({cohort.region} {cohort.year})"
    lines = [f"# {_md(title)}", ""]
    if cohort.provisional_calendar_years:
        lines += [f"> {provisional_note(cohort.provisional_calendar_years)}", ""]
    for group in cohort.groups:
        lines += [
            f"## {_md(group.name)}（{group.size}个）",
            "",
            "| 等次 | 数量 | 占比 | 单位 | 其中证据确定 determined |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {_md(t.label)} | {t.count} | {format_percent(t.share)} | "
            f"{_md('、'.join(t.members))} | {t.determined} |"
            for t in group.tiers
        ]
        lines += [
            "",
            f"证据确定等次 tiers determined by evidence: {group.determined} / {group.size}",
            "",
        ]
        lines += [f"> 注意 warning: {_md(w)}" for w in group.warnings]
        lines += _published_lines(group)
        lines += _ranking_lines(group)
        lines.append("")
    if cohort.ungrouped:
        lines += [f"未分组单位 ungrouped: {_md(', '.join(cohort.ungrouped))}", ""]
    if cohort.failures:
        lines.append("## 未能评估的单位 (units not evaluated)")
        for failure in cohort.failures:
            who = failure.name or failure.unit_id or f"units[{failure.index}]"
            lines.append(f"- {_md(who)}:")
            lines += [f"  - {_md(e)}" for e in failure.errors]
    return "\n".join(lines).rstrip() + "\n"
