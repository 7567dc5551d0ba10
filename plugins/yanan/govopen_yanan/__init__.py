"""govopen-rules plugin: 延安 2020 third-party evaluation of 政务公开 (tiers 优秀·良好·待改进)."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships."""
    return [Path(__file__).parent / "yanan-2020.yaml"]
