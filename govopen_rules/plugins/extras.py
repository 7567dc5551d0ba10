"""Plugins for one run: rubric files and calendar files given on the command line.

``--rubric FILE`` tries a rubric file without packaging it (a draft, or next year's rubric that
``extends`` an installed one); ``--calendar FILE`` supplies a year's official holidays. Both
become plugins of a new registry built on the given one, which is left as it was (it may be the
process-wide default). :func:`with_calendar` does the same for years already read, which is how
a cohort's worker adds the years it was sent to its own installed plugins.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from govopen_rules.plugins.calendar_file import CalendarYears
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.plugins.manager import INTERNAL_PLUGINS, make_plugin_manager
from govopen_rules.plugins.registry import Registry
from govopen_rules.workdays import HolidayYear

__all__ = ["RubricFiles", "with_calendar", "with_plugins"]


class RubricFiles:
    """A plugin providing rubric files by path (``govopen_rubrics``)."""

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]

    @hookimpl
    def govopen_rubrics(self) -> list[Path]:
        return list(self.paths)


def with_plugins(registry: Registry, plugins: Iterable[tuple[str, object]]) -> Registry:
    """A new registry with ``registry``'s plugins, its settings, and ``plugins`` (name, plugin)."""
    extra = list(plugins)
    if not extra:
        return registry
    internal = {module.__name__ for module in INTERNAL_PLUGINS}
    pm = make_plugin_manager(load_entrypoints=False)
    for name, plugin in registry.plugin_manager.list_name_plugin():
        if plugin is not None and name not in internal:
            pm.register(plugin, name=name)
    for name, plugin in extra:
        pm.register(plugin, name=name)
    return Registry(
        pm,
        engine=registry.engine,
        strict_calendar=registry.calendar.strict,
        strict_plugins=registry.strict_plugins,
    )


def with_calendar(registry: Registry, years: Iterable[HolidayYear]) -> Registry:
    """``registry`` with these years of the official arrangement added (itself if none)."""
    given = tuple(years)
    return with_plugins(registry, [("calendar years", CalendarYears(given))] if given else [])
