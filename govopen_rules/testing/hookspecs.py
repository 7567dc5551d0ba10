"""The testing kit's pytest hook, declared (and documented) here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from govopen_rules.plugins.registry import Registry


@pytest.hookspec(firstresult=True)
def pytest_govopen_registry(config: pytest.Config) -> Registry | None:
    """Return the registry that case files, ``govopen_evaluate`` and rule coverage use.

    Implement it in a ``conftest.py`` (or a plugin passed to pytest) to test rubrics that are not
    installed, or to isolate a run from installed plugins; return ``None`` to leave the choice
    to others. Default: every installed plugin.

    :param config: the pytest config.
    """
