"""A cohort as Markdown, in the layout of a 通报: per group, the tier table and the ranking."""

from __future__ import annotations

from govopen_rules.evaluation.cohort import CohortResult
from govopen_rules.reports.formatting import format_percent, format_points

__all__ = ["render_cohort_markdown"]


def render_cohort_markdown(cohort: CohortResult) -> str:
    """The tier table of each group, in the layout of a 通报: tier, count, share, units."""
    lines = [f"# {cohort.rubric_id} v{cohort.rubric_version} ({cohort.region} {cohort.year})", ""]
    for group in cohort.groups:
        lines += [
            f"## {group.name}（{group.size}个）",
            "",
            "| 等次 | 数量 | 占比 | 单位 |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {t.label} | {t.count} | {format_percent(t.share)} | {'、'.join(t.members)} |"
            for t in group.tiers
        ]
        lines.append("")
        lines += [f"> 注意 warning: {w}" for w in group.warnings]
        lines += ["| 名次 | 单位 | 得分 | 等次 |", "|---|---|---|---|"]
        lines += [
            f"| {p.rank} | {p.name} | {format_points(p.total)} | {p.tier or '—'} |"
            for p in group.placements
        ]
        lines.append("")
    if cohort.ungrouped:
        lines += [f"未分组单位 ungrouped: {', '.join(cohort.ungrouped)}", ""]
    if cohort.failures:
        lines.append("## 未能评估的单位 (units not evaluated)")
        for failure in cohort.failures:
            who = failure.name or failure.unit_id or f"units[{failure.index}]"
            lines.append(f"- {who}:")
            lines += [f"  - {e}" for e in failure.errors]
    return "\n".join(lines).rstrip() + "\n"
