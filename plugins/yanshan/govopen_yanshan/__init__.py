"""govopen-rules plugin: 砚山县 2020 monthly 政务公开 requirements (the November 2020 通报)."""

from __future__ import annotations

from pathlib import Path

from govopen_rules import hookimpl
from govopen_rules.plugins import rubric_files


@hookimpl
def govopen_rubrics() -> list[Path]:
    """The rubric files this plugin ships (every ``*.yaml`` in this package)."""
    return rubric_files(__name__)
