"""govopen-rules plugin: 宣威 (曲靖 county template) 2020 政府信息公开 rubric, 15 points."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl
from govopen_rules.plugins import rubric_files


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships (every ``*.yaml`` in this package)."""
    return rubric_files(__name__)
