"""govopen-rules plugin: 保山 2019 政府信息与政务公开 assessment (优秀·良好·合格 by category)."""

from __future__ import annotations

from pathlib import Path

from govopen_baoshan.report_format import govopen_report_headings  # noqa: F401
from govopen_rules import hookimpl
from govopen_rules.plugins import rubric_files


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships (every ``*.yaml`` in this package)."""
    return rubric_files(__name__)
