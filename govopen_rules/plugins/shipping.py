"""Shipping rubric files inside a plugin package: the files a ``govopen_rubrics`` hook returns.

A regional plugin keeps its rubric files next to its ``__init__.py`` and declares them as
package data; its hook is then one line::

    @hookimpl
    def govopen_rubrics() -> list[Path]:
        return rubric_files(__name__)
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from govopen_rules.errors import PluginError

__all__ = ["rubric_files"]


def rubric_files(package: str, pattern: str = "*.yaml") -> list[Path]:
    """The files matching ``pattern`` inside the installed ``package``, sorted by name.

    Raises :class:`PluginError` when there are none, which usually means the package data was
    not declared (``[tool.setuptools.package-data]``), or when the package is not on disk.
    """
    root = importlib.resources.files(package)
    if not isinstance(root, Path):
        raise PluginError(f"{package}: rubric files must be installed as files, not in an archive")
    found = sorted(p for p in root.glob(pattern) if p.is_file())
    if not found:
        raise PluginError(
            f"{package}: no rubric files ({pattern}) in {root}; declare them as package data, "
            f'e.g. [tool.setuptools.package-data] {package} = ["{pattern}"]'
        )
    return found
