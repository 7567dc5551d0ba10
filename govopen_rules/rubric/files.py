"""Read a rubric file: YAML through ``safe_load`` (no code runs), ``extends`` and ``include``
resolved (:mod:`govopen_rules.rubric.compose`), the cattrs converter, then the short forms
expanded (:mod:`govopen_rules.rubric.expand`)."""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from govopen_rules.conversion import Structurer
from govopen_rules.errors import RubricError
from govopen_rules.exact import parse_decimal
from govopen_rules.rubric.compose import RubricComposer, read_rubric_data
from govopen_rules.rubric.conditions import CHECK_OPS
from govopen_rules.rubric.expand import expand_rubric
from govopen_rules.rubric.file_model import RubricFile
from govopen_rules.rubric.model import Check, ParamRef, Rubric

__all__ = ["load_rubric", "structure_rubric"]


def _number(value: object, _: type) -> Decimal | ParamRef:
    """A rubric number: a literal or ``{param: name}``."""
    if isinstance(value, Mapping):
        if set(value) != {"param"} or not isinstance(value["param"], str):
            raise ValueError(f"{dict(value)!r} is neither a number nor {{param: <name>}}")
        return ParamRef(param=value["param"])
    return parse_decimal(value)


def _number_or_date(value: object, _: type) -> Decimal | dt.date:
    """A parameter's value: a date ("2020-04-30", or unquoted, which YAML reads as a date) or
    an exact number."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return parse_decimal(value)


def _is_literal(cls: Any) -> bool:
    return typing.get_origin(cls) is typing.Literal


def _literal(value: object, cls: Any) -> object:
    """One of a ``Literal``'s values; the error lists them all."""
    allowed = typing.get_args(cls)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{value!r} is not one of: {', '.join(map(str, allowed))}")
    return value


def _check(value: object, _: type) -> Check:
    """``{kind: K, field: F, <op>: V}`` with exactly one operator."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{value!r} is not a mapping {{kind: K, field: F, <op>: V}}")
    ops = [key for key in value if key not in ("kind", "field")]
    unknown = [key for key in ops if key not in CHECK_OPS]
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(map(str, unknown))}; a check has kind, field and one "
            f"operator of {', '.join(CHECK_OPS)}"
        )
    if len(ops) != 1:
        raise ValueError(f"a check needs exactly one operator of {', '.join(CHECK_OPS)}")
    for key in ("kind", "field"):
        if not isinstance(value.get(key), str):
            raise ValueError(f"a check needs '{key}: <name>'")
    op = ops[0]
    return Check(kind=value["kind"], field=value["field"], op=op, value=value[op])


def _structurer() -> Structurer:
    structurer = Structurer(
        {
            Decimal | ParamRef: _number,
            Decimal | ParamRef | None: lambda v, t: None if v is None else _number(v, t),
            Check: _check,
            Decimal | dt.date: _number_or_date,
        }
    )
    for converter in (structurer.fast, structurer.detailed):
        converter.register_structure_hook_func(_is_literal, _literal)
    return structurer


_RUBRICS = _structurer()


def structure_rubric(
    data: object, source: str = "rubric", composer: RubricComposer | None = None
) -> Rubric:
    """Structure rubric data (as read from YAML) and expand its short forms; raise
    :class:`RubricError` listing every problem with its path.

    ``extends`` and ``include`` are resolved first by ``composer`` (a registry's, which knows the
    installed rubrics and rule libraries; by default one that knows none)."""
    data = (composer or RubricComposer()).compose(data, source)
    written, problems = _RUBRICS.structure_as(data, RubricFile, "$")
    if problems:
        raise RubricError(problems, source)
    assert written is not None
    rubric, problems = expand_rubric(written)
    if problems:
        raise RubricError(problems, source)
    return rubric


def load_rubric(path: Path | str, composer: RubricComposer | None = None) -> Rubric:
    """Load one rubric file; raise :class:`RubricError` naming the file and each field path."""
    return structure_rubric(read_rubric_data(path), str(path), composer)
