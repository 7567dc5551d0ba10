"""Read a rubric file: YAML through ``safe_load`` (no code runs), then the cattrs converter."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import yaml

from govopen_rules.conversion import Structurer
from govopen_rules.errors import RubricError
from govopen_rules.exact import parse_decimal
from govopen_rules.rubric.model import ParamRef, Rubric

__all__ = ["load_rubric", "structure_rubric"]


def _number(value: object, _: type) -> Decimal | ParamRef:
    """A rubric number: a literal or ``{param: name}``."""
    if isinstance(value, Mapping):
        if set(value) != {"param"} or not isinstance(value["param"], str):
            raise ValueError(f"{dict(value)!r} is neither a number nor {{param: <name>}}")
        return ParamRef(param=value["param"])
    return parse_decimal(value)


_RUBRICS = Structurer(
    {
        Decimal | ParamRef: _number,
        Decimal | ParamRef | None: lambda v, t: None if v is None else _number(v, t),
    }
)


def structure_rubric(data: object, source: str = "rubric") -> Rubric:
    """Structure rubric data (as read from YAML); raise :class:`RubricError` with every path."""
    rubric, problems = _RUBRICS.structure_as(data, Rubric, "$")
    if problems:
        raise RubricError(problems, source)
    assert rubric is not None
    return rubric


def load_rubric(path: Path | str) -> Rubric:
    """Load one rubric file; raise :class:`RubricError` naming the file and each field path."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RubricError([f"$: cannot read: {exc}"], str(path)) from None
    return structure_rubric(data, str(path))
