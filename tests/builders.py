"""Terse builders for rubric dicts used across the core's tests; facts files come from the
testing kit's :func:`~govopen_rules.testing.facts_file`, re-exported here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govopen_rules.testing import facts_file

__all__ = ["CITE", "area", "facts_file", "indicator", "rubric", "rule"]

CITE = {"document": "测试文件", "clause": "第1条", "quote": "测试"}


def rule(
    rule_id: str,
    kind: str,
    *,
    when: Any = None,
    where: Any = None,
    deduct: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule_id,
        "title": rule_id,
        "message": f"{rule_id} fired {{count}}",
        "evidence": {"kind": kind} | ({"where": where} if where is not None else {}),
        "deduct": deduct or {"mode": "fixed", "points": "0.5"},
        "citation": CITE,
    }
    if when is not None:
        out["when"] = when
    out.update(extra)
    return out


def indicator(code: str, points: str, *rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"code": code, "title": f"指标{code}", "points": points, "rules": list(rules), **extra}


def area(code: str, *indicators: dict[str, Any], **extra: Any) -> dict[str, Any]:
    points = sum((Decimal(i["points"]) for i in indicators), Decimal(0))
    return {
        "code": code,
        "title": f"领域{code}",
        "points": str(points),
        "indicators": list(indicators),
        **extra,
    }


def rubric(
    *areas: dict[str, Any], region: str = "testland", year: int = 2020, **extra: Any
) -> dict[str, Any]:
    points = sum((Decimal(a["points"]) for a in areas), Decimal(0))
    return {
        "id": f"{region}-{year}",
        "region": region,
        "year": year,
        "version": "1",
        "title": "测试细则",
        "points": str(points),
        "source": CITE,
        "areas": list(areas),
        "missing_evidence": {"mode": "undecided"},
        **extra,
    }
