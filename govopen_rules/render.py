"""Render results for people: a plain-text breakdown in Chinese (with English status words)."""

from __future__ import annotations

from decimal import Decimal

from govopen_rules.annual_report import AnnualReport
from govopen_rules.cohort import CohortResult
from govopen_rules.results import EvaluationResult, Status, Verdict
from govopen_rules.statistics import StatFinding

__all__ = ["render_cohort_markdown", "render_findings", "render_text"]

_STATUS = {
    Status.DEDUCTED: "扣分",
    Status.CLEAR: "无问题",
    Status.NO_EVIDENCE: "缺证据",
    Status.NOT_APPLICABLE: "不适用",
}


def _num(value: Decimal) -> str:
    """Points as the rubrics print them: 0.5, 2, 1.5 (no trailing zeros, never 1E+1)."""
    return format(value.normalize(), "f")


def _verdict_lines(v: Verdict, *, cite: bool) -> list[str]:
    """A verdict, the facts it rests on, and (when asked) the clause it comes from."""
    costs = v.status in (Status.DEDUCTED, Status.NO_EVIDENCE) and v.points
    line = f"      [{_STATUS[v.status]}{f' -{_num(v.points)}' if costs else ''}] {v.rule_id}: "
    line += v.message
    if v.assumptions:
        line += f" (假定值 assumed: {', '.join(v.assumptions)})"
    lines = [line]
    lines += [
        f"          证据 facts[{e.fact_index}] {e.kind}: "
        + ", ".join(f"{k}={val}" for k, val in e.values.items())
        for e in v.evidence
    ]
    if cite:
        quote = f"「{v.citation.quote}」" if v.citation.quote else ""
        lines.append(f"          依据 {v.citation.document} {v.citation.clause} {quote}".rstrip())
    return lines


def render_text(result: EvaluationResult, *, verbose: bool = False) -> str:
    """The full breakdown: every indicator's points, score, findings and self-score gap.

    Findings (deductions, missing evidence) are shown with their evidence and clause; with
    ``verbose`` every verdict is, clear ones included.
    """
    unit = result.unit
    lines = [
        f"{unit.name} ({unit.id}) — {result.rubric_id} v{result.rubric_version}",
        f"总分 total: {_num(result.total)} / {_num(result.points)}"
        + (f"  等次 grade: {result.grade}" if result.grade else "")
        + ("  单项否决 VETOED" if result.vetoed else ""),
        "",
    ]
    for area in result.areas:
        lines.append(f"{area.code} {area.title}  {_num(area.score)} / {_num(area.points)}")
        for ind in area.indicators:
            head = f"  {ind.code} {ind.title}  {_num(ind.score)} / {_num(ind.points)}"
            if ind.self_score is not None:
                head += f"  自评 self: {_num(ind.self_score)}"
                if ind.self_score_gap:
                    head += f"  差异 gap: {_num(ind.self_score_gap)}"
                if not ind.self_score_supported:
                    head += "  ⚠ 自评分缺乏证据支撑 (self-score not supported by the evidence)"
            lines.append(head)
            for v in ind.verdicts:
                finding = v.status in (Status.DEDUCTED, Status.NO_EVIDENCE)
                if verbose or finding:
                    lines += _verdict_lines(v, cite=finding or verbose)
        lines.append("")
    findings = result.findings()
    lines.append(f"问题清单 findings: {len(findings)}")
    if result.assumed_parameters:
        lines.append(f"假定参数 assumed parameters: {', '.join(result.assumed_parameters)}")
    return "\n".join(lines)


def _percent(share: Decimal) -> str:
    """A share as a notice prints it: 32.61%, 25% (trailing zeros dropped)."""
    return f"{_num(share)}%"


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
            f"| {t.label} | {t.count} | {_percent(t.share)} | {'、'.join(t.members)} |"
            for t in group.tiers
        ]
        lines.append("")
        lines += [f"> 注意 warning: {w}" for w in group.warnings]
        lines += ["| 名次 | 单位 | 得分 | 等次 |", "|---|---|---|---|"]
        lines += [
            f"| {p.rank} | {p.name} | {_num(p.total)} | {p.tier or '—'} |" for p in group.placements
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


def render_findings(report: AnnualReport, findings: list[StatFinding]) -> str:
    """Statistics findings, one block each: the check, the numbers, the sentence."""
    lines = [f"{report.unit} {report.year}年 — 统计核查 {len(findings)} 项发现 (findings)"]
    for finding in findings:
        lines.append(f"- [{finding.check}] {finding.where}: {finding.message}")
        if finding.quote:
            lines.append(f"    原文: {finding.quote}")
    if not findings:
        lines.append("未发现问题 (no findings)")
    return "\n".join(lines)
