"""govopen-rules plugin: 宣威 (曲靖 county template) 2020 政府信息公开 rubric, 15 points."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl

RUBRIC_DIR = Path(__file__).parent


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships."""
    return [RUBRIC_DIR / "xuanwei-2020.yaml"]
