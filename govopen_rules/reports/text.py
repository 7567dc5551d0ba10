"""One evaluation as plain text in Chinese (with English status words): every indicator, every
finding with its evidence and clause, and what the evidence proves: the score range, the grade
at its ends, and the missing-evidence policy behind each verdict that lacks evidence. A verdict
or a fact whose working days came from a provisional calendar is marked on its line."""

from __future__ import annotations

from govopen_rules.evaluation.results import EvaluationResult, Status, Verdict, provisional_mark
from govopen_rules.reports.formatting import (
    STATUS_WORDS,
    format_items,
    format_percent,
    format_points,
    format_range,
    provisional_note,
)
from govopen_rules.rubric.evidence_policy import ResolvedMissing

__all__ = ["describe_policy", "render_text"]

_LEVELS = {"rule": "规则", "indicator": "指标", "area": "一级指标", "rubric": "细则"}
_MODES = {
    "undecided": "不予判定 undecided",
    "clear": "视为无问题 clear",
    "deduct": "按规则扣分 deduct",
    "fixed": "扣定额 fixed",
}


def describe_policy(policy: ResolvedMissing) -> str:
    """``缺证据规则 policy: 指标 C3 按规则扣分 deduct -0.2 「需提供台账资料」``."""
    where = _LEVELS[policy.level] + ("" if policy.level == "rubric" else f" {policy.scope}")
    text = f"缺证据规则 policy: {where} {_MODES[policy.mode]}"
    if policy.mode in ("deduct", "fixed"):
        text += f" -{format_points(policy.points)}"
    if policy.citation is not None:
        quote = f"「{policy.citation.quote}」" if policy.citation.quote else ""
        text += f" 依据 {policy.citation.document} {policy.citation.clause} {quote}".rstrip()
    return text


def _verdict_lines(v: Verdict, *, cite: bool) -> list[str]:
    """A verdict, the facts it rests on, the policy that decided it where facts did not, and
    (when asked) the clause it comes from."""
    costs = v.status in (Status.DEDUCTED, Status.NO_EVIDENCE) and v.points
    cost = f" -{format_points(v.points)}" if costs else ""
    line = f"      [{STATUS_WORDS[v.status]}{cost}] {v.rule_id}: "
    line += v.message
    if v.status is Status.NO_EVIDENCE and v.at_stake:
        line += f" (至多 at stake -{format_points(v.at_stake)})"
    if v.assumptions:
        line += f" (假定值 assumed: {', '.join(v.assumptions)})"
    line += provisional_mark(v.provisional_calendar_years)
    lines = [line]
    if v.items:
        lines.append(f"          清单 items: {format_items(v)}")
    lines += [f"          证据 {e.describe()}" for e in v.evidence]
    if v.policy is not None and v.policy.level != "rubric":  # the rubric's default is shown once
        lines.append(f"          {describe_policy(v.policy)}")
    if cite:
        quote = f"「{v.citation.quote}」" if v.citation.quote else ""
        lines.append(f"          依据 {v.citation.document} {v.citation.clause} {quote}".rstrip())
    return lines


def _headline(result: EvaluationResult) -> list[str]:
    """Total with its range, the grade (held back, or with different grades at the ends), and
    the share of the points the evidence decides."""
    span = result.range
    total = f"总分 total: {format_points(result.total)} / {format_points(result.points)}"
    total += f" (证据可证 range {format_range(span.low, span.high)})"
    if result.grade:
        total += f"  等次 grade: {result.grade}"
        ends = (span.low_grade or "无", span.high_grade or "无")
        held = result.grade_held
        if held is not None:
            total += f" (按总分 by total: {held.grade_by_total}; {held.reason})"
        elif ends[0] != ends[1]:
            total += f" (区间两端 ends: {ends[0]}–{ends[1]})"
    if result.vetoed:
        total += "  单项否决 VETOED"
    lacking = [v for v in result.verdicts() if v.status is Status.NO_EVIDENCE]
    share = (
        f"已定 settled: {format_percent(span.evidence_share)} of the points"
        f"  缺证据规则 rules without evidence: {len(lacking)}"
    )
    defaults = {
        describe_policy(v.policy) for v in lacking if v.policy and v.policy.level == "rubric"
    }
    return [total, share, *sorted(defaults)]


def render_text(result: EvaluationResult, *, verbose: bool = False) -> str:
    """The full breakdown: every indicator's points, score, findings and self-score gap.

    Findings (deductions, missing evidence) are shown with their evidence and clause; with
    ``verbose`` every verdict is, clear ones included.
    """
    unit = result.unit
    lines = [
        f"{unit.name} ({unit.id}) — {result.rubric_id} v{result.rubric_version}",
        *_headline(result),
        "",
    ]
    for area in result.areas:
        head = (
            f"{area.code} {area.title}  {format_points(area.score)} / {format_points(area.points)}"
        )
        if area.low != area.high:
            head += f"  区间 range {format_range(area.low, area.high)}"
        lines.append(head)
        for ind in area.indicators:
            score = f"{format_points(ind.score)} / {format_points(ind.points)}"
            head = f"  {ind.code} {ind.title}  {score}"
            if ind.low != ind.high:
                head += f"  区间 range {format_range(ind.low, ind.high)}"
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
        lines.append(provisional_note(result.provisional_calendar_years))
    if result.assumed_parameters:
        lines.append(f"假定参数 assumed parameters: {', '.join(result.assumed_parameters)}")
    return "\n".join(lines)
