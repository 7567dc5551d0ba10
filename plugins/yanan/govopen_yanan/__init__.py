"""govopen-rules plugin: 延安 2020 third-party evaluation of 政务公开 (tiers 优秀·良好·待改进)."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl
from govopen_rules.plugins import rubric_files


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships (every ``*.yaml`` in this package)."""
    return rubric_files(__name__)
