"""One evaluation as plain text in Chinese (with English status words): every indicator, every
finding with its evidence and clause."""

from __future__ import annotations

from govopen_rules.evaluation.results import EvaluationResult, Status, Verdict
from govopen_rules.reports.formatting import STATUS_WORDS, format_items, format_points

__all__ = ["render_text"]


def _verdict_lines(v: Verdict, *, cite: bool) -> list[str]:
    """A verdict, the facts it rests on, and (when asked) the clause it comes from."""
    costs = v.status in (Status.DEDUCTED, Status.NO_EVIDENCE) and v.points
    cost = f" -{format_points(v.points)}" if costs else ""
    line = f"      [{STATUS_WORDS[v.status]}{cost}] {v.rule_id}: "
    line += v.message
    if v.assumptions:
        line += f" (假定值 assumed: {', '.join(v.assumptions)})"
    lines = [line]
    if v.items:
        lines.append(f"          清单 items: {format_items(v)}")
    lines += [f"          证据 {e.describe()}" for e in v.evidence]
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
        f"总分 total: {format_points(result.total)} / {format_points(result.points)}"
        + (f"  等次 grade: {result.grade}" if result.grade else "")
        + ("  单项否决 VETOED" if result.vetoed else ""),
        "",
    ]
    for area in result.areas:
        lines.append(
            f"{area.code} {area.title}  {format_points(area.score)} / {format_points(area.points)}"
        )
        for ind in area.indicators:
            score = f"{format_points(ind.score)} / {format_points(ind.points)}"
            head = f"  {ind.code} {ind.title}  {score}"
            if ind.self_score is not None:
                head += f"  自评 self: {format_points(ind.self_score)}"
                if ind.self_score_gap:
                    head += f"  差异 gap: {format_points(ind.self_score_gap)}"
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
    if result.provisional_calendar_years:
        years = ", ".join(map(str, result.provisional_calendar_years))
        lines.append(
            f"⚠ 临时日历 provisional calendar: {years} — 按法定节假日推算，未含调休 "
            "(statutory holidays only, no official 调休 arrangement yet)"
        )
    if result.assumed_parameters:
        lines.append(f"假定参数 assumed parameters: {', '.join(result.assumed_parameters)}")
    return "\n".join(lines)
