"""Read a rubric file: YAML through ``safe_load`` (no code runs), ``extends`` and ``include``
resolved (:mod:`govopen_rules.rubric.compose`), the cattrs converter, then the short forms
expanded (:mod:`govopen_rules.rubric.expand`)."""

from __future__ import annotations

import datetime as dt
import re
import typing
import weakref
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from govopen_rules.conversion import Structurer, unknown_fields
from govopen_rules.errors import RubricError
from govopen_rules.exact import parse_decimal, shown
from govopen_rules.rubric.compose import RubricComposer
from govopen_rules.rubric.conditions import CHECK_OPS
from govopen_rules.rubric.expand import expand_rubric
from govopen_rules.rubric.file_model import RubricFile
from govopen_rules.rubric.model import Check, ParamRef, Rubric
from govopen_rules.rubric.reading import LineIndex, check_shape, read_rubric_document

__all__ = ["load_rubric", "structure_rubric", "with_lines"]


def _amount(value: object, _: type) -> Decimal:
    """A literal rubric number: points, caps, shares, thresholds and parameters are never
    negative (a negative cap or tier would lift a score above full marks)."""
    number = parse_decimal(value)
    if number < 0:
        raise ValueError(f"{shown(value)} is negative; the numbers of a rubric are 0 or more")
    return number


def _number(value: object, _: type) -> Decimal | ParamRef:
    """A rubric number: a literal or ``{param: name}``."""
    if isinstance(value, Mapping):
        if set(value) != {"param"} or not isinstance(value["param"], str):
            raise ValueError(f"{shown(value)} is neither a number nor {{param: <name>}}")
        return ParamRef(param=value["param"])
    return _amount(value, Decimal)


def _number_or_date(value: object, _: type) -> Decimal | dt.date:
    """A parameter's value: a date ("2020-04-30", or unquoted, which YAML reads as a date) or
    an exact number."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return _amount(value, Decimal)


def _is_literal(cls: Any) -> bool:
    return typing.get_origin(cls) is typing.Literal


def _literal(value: object, cls: Any) -> object:
    """One of a ``Literal``'s values; the error lists them all."""
    allowed = typing.get_args(cls)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{shown(value)} is not one of: {', '.join(map(str, allowed))}")
    return value


def _check(value: object, _: type) -> Check:
    """``{kind: K, field: F, <op>: V}`` with exactly one operator."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{shown(value)} is not a mapping {{kind: K, field: F, <op>: V}}")
    ops = [key for key in value if key not in ("kind", "field")]
    unknown = [key for key in ops if key not in CHECK_OPS]
    if unknown:
        raise ValueError(
            f"{unknown_fields(unknown)}; a check has kind, field and one "
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
            Decimal: _amount,
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
    data: object,
    source: str = "rubric",
    composer: RubricComposer | None = None,
    lines: LineIndex | None = None,
) -> Rubric:
    """Structure rubric data (as read from YAML) and expand its short forms; raise
    :class:`RubricError` listing every problem with its path (and its line, given ``lines``).

    ``extends`` and ``include`` are resolved first by ``composer`` (a registry's, which knows the
    installed rubrics and rule libraries; by default one that knows none)."""
    if data is None:
        raise RubricError(["$: the rubric is empty"], source)
    if not isinstance(data, Mapping):
        raise RubricError(
            [f"$: expected a mapping (id, region, year, areas...), got {type(data).__name__}"],
            source,
        )
    check_shape(data, source)
    data = (composer or RubricComposer()).compose(data, source)
    written, problems = _RUBRICS.structure_as(data, RubricFile, "$")
    if problems:
        raise _located(RubricError(problems, source), lines)
    assert written is not None
    rubric, problems = expand_rubric(written)
    if problems:
        raise _located(RubricError(problems, source), lines)
    if lines is not None:
        _remember_lines(rubric, lines)
    return rubric


def load_rubric(path: Path | str, composer: RubricComposer | None = None) -> Rubric:
    """Load one rubric file; raise :class:`RubricError` naming the file and each field path."""
    path = Path(path)
    data, lines = read_rubric_document(path)
    return structure_rubric(data, str(path), composer, lines)


#: The line index of each rubric loaded from a file (by ``id()``, while the rubric lives), for
#: problems found after loading. Rubrics hold dicts, so they cannot be weak dictionary keys.
_LINES: dict[int, LineIndex] = {}


def _remember_lines(rubric: Rubric, lines: LineIndex) -> None:
    _LINES[id(rubric)] = lines
    weakref.finalize(rubric, _LINES.pop, id(rubric), None)


def _located(error: RubricError, lines: LineIndex | None) -> RubricError:
    return error if lines is None else RubricError(lines.locate(error.problems), error.source)


def with_lines(error: RubricError, rubric: Rubric) -> RubricError:
    """``error`` (found in ``rubric`` after loading, e.g. by the compiler) with the line of
    each problem added, when the rubric was loaded from a file."""
    return _located(error, _LINES.get(id(rubric)))
