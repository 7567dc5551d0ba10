"""Read a rubric file: YAML through ``safe_load`` (no code runs), then the cattrs converter."""

from __future__ import annotations

from pathlib import Path

import yaml

from govopen_rules.convert import structure_as
from govopen_rules.errors import RubricError
from govopen_rules.rubric import Rubric

__all__ = ["load_rubric"]


def load_rubric(path: Path | str) -> Rubric:
    """Load one rubric file; raise :class:`RubricError` naming the file and each field path."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RubricError([f"$: cannot read: {exc}"], str(path)) from None
    rubric, problems = structure_as(data, Rubric, "$")
    if problems:
        raise RubricError(problems, str(path))
    assert rubric is not None
    return rubric
