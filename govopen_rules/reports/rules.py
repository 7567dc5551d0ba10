"""A compiled rule in words: what it looks at, what it counts, what it costs.

Shared by the workbook template's indicator sheet and the docs' rubric reference, so that both
say the same thing about a rule, from the rule itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.labels import field_label
from govopen_rules.reports.formatting import format_points
from govopen_rules.rubric.compiler import CompiledRule
from govopen_rules.rubric.describe import describe_condition

__all__ = ["describe_count", "describe_deduction", "describe_evidence"]


def describe_deduction(rule: CompiledRule) -> str:
    """``每项扣0.1分；3项及以上扣1分；最多扣0.5分；无证据扣0.2分``."""
    mode = rule.rule.deduct.mode
    points = format_points(rule.points)
    if mode == "veto":
        parts = ["单项否决 (veto)"]
    elif mode == "bonus":
        parts = [f"加{points}分 (bonus)"]
    elif mode == "fixed":
        parts = [f"扣{points}分"]
    else:
        parts = [f"每项扣{points}分"]
        parts += [f"{n}项及以上扣{format_points(p)}分" for n, p in rule.tiers]
    if rule.cap is not None:
        parts.append(f"最多扣{format_points(rule.cap)}分")
    missing = rule.missing
    if missing.mode == "clear":
        parts.append("无记录视为无问题")
    elif missing.points:
        parts.append(f"无证据扣{format_points(missing.points)}分")
    if missing.note and missing.level != "rubric":
        parts.append(missing.note)
    return "；".join(parts)


def describe_count(rule: CompiledRule) -> str:
    """What the rule counts among the facts meeting its condition."""
    count = rule.rule.count
    if count.mode == "sum":
        return f"sum of {count.field}"
    if count.mode == "missing_values":
        return f"values of {count.field} missing from {list(count.values)}"
    if count.mode == "absent":
        return "1 when no fact meets the condition"
    if count.mode == "shortfall":
        return f"facts short of {rule.minimum}"
    return "facts meeting the condition"


def describe_evidence(rule: CompiledRule, kinds: Mapping[str, FactKind]) -> str:
    """``政策解读 (policy_interpretation) where delay_workdays exists; problem: delay_workdays > 3``
    with the Chinese names of the fields the rule reads."""
    name = rule.rule.evidence.kind
    kind = kinds.get(name)
    text = f"{kind.title} ({name})" if kind is not None else name
    if rule.rule.evidence.where is not None:
        text += f" where {describe_condition(rule.rule.evidence.where)}"
    if rule.rule.when is not None:
        text += f"; problem: {describe_condition(rule.rule.when)}"
    if kind is not None:
        observed = [f for f in rule.consulted if f in kind.fields]
        derived = [f for f in rule.consulted if f in kind.derived]
        labels = [f"{field_label(kind.cls, f)}" for f in observed]
        if labels:
            text += f"（填写：{'、'.join(labels)}）"
        if derived:
            text += f"（由系统计算：{'、'.join(derived)}）"
    if rule.rule.applies_to:
        text += f"; applies to {', '.join(rule.rule.applies_to)} only"
    return text
