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

from govopen_rules.errors import PluginError
from govopen_rules.plugins.calendar_file import CalendarYears
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.plugins.manager import INTERNAL_PLUGINS, make_plugin_manager
from govopen_rules.plugins.registry import Registry
from govopen_rules.workdays import HolidayYear

__all__ = ["RubricFiles", "refuse_problems_of", "with_additions", "with_calendar", "with_plugins"]

#: The plugin name rubric files given for one run are registered under.
RUBRIC_FILES = "rubric files"


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
    return with_additions(registry, calendar=years)


def with_additions(
    registry: Registry,
    *,
    calendar: Iterable[HolidayYear] = (),
    rubric_files: Iterable[Path | str] = (),
) -> Registry:
    """``registry`` with years of the official arrangement and rubric files added (itself if
    neither). A rubric file given here must load: its problem is a :class:`PluginError` even
    where broken installed plugins are only listed."""
    years = tuple(calendar)
    files = tuple(rubric_files)
    plugins: list[tuple[str, object]] = []
    if years:
        plugins.append(("calendar years", CalendarYears(years)))
    if files:
        plugins.append((RUBRIC_FILES, RubricFiles(files)))
    made = with_plugins(registry, plugins)
    refuse_problems_of(made, files)
    return made


def refuse_problems_of(registry: Registry, paths: Iterable[Path | str]) -> None:
    """Raise :class:`PluginError` for a problem of a file given for this run (its path, or the
    plugin holding the rubric files, is in the problem): a broken installed plugin may be
    skipped, a file the user named never is."""
    named = [str(path) for path in paths]
    if not named:
        return
    for problem in registry.problems:
        if f"'{RUBRIC_FILES}'" in problem or any(path in problem for path in named):
            raise PluginError(problem)
