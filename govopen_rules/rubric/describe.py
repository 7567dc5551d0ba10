"""Conditions in words: how a verdict tells a reader what a rule looked for."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["describe_condition"]

_SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def describe_condition(data: object) -> str:
    """A condition as a reader would say it, from the rubric's own (unencoded) values."""
    if isinstance(data, Mapping) and ("all" in data or "any" in data):
        key = "all" if "all" in data else "any"
        joiner = " and " if key == "all" else " or "
        return "(" + joiner.join(describe_condition(item) for item in data[key]) + ")"
    if not isinstance(data, Mapping):
        return repr(data)
    field = data.get("field")
    for op, value in data.items():
        if op == "field":
            continue
        if isinstance(value, Mapping) and "param" in value:
            value = f"${value['param']}"
        if op == "exists":
            return f"{field} {'is stated' if value else 'is not stated'}"
        if op == "in":
            return f"{field} in {list(value)}"
        return f"{field} {_SYMBOLS.get(op, op)} {value}"
    return repr(dict(data))
