"""Terse builders for rubric dicts and facts files used across the core's tests."""

from __future__ import annotations

from typing import Any

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
    from decimal import Decimal

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
    from decimal import Decimal

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
        **extra,
    }


def facts_file(
    *facts: dict[str, Any],
    unit_kind: str = "county_government",
    year: int = 2020,
    as_of: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": {"id": "u1", "name": "测试县人民政府", "kind": unit_kind},
        "year": year,
        "facts": list(facts),
    }
    if as_of is not None:
        out["as_of"] = as_of
    return out
