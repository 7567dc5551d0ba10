"""Statistics findings of an annual report as plain text: the check, the numbers, the sentence."""

from __future__ import annotations

from govopen_rules.annual_reports.breakdowns import StatFinding
from govopen_rules.annual_reports.report import AnnualReport

__all__ = ["render_findings"]


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
