"""Plugin discovery and the registry built from it: fact kinds, rubrics and calendar years.

Only this module calls ``pm.hook``. The manager is built in one factory (pytest, tox): hookspecs,
the core's internal plugins, entry points of the group ``govopen_rules`` (unless disabled), then
explicit plugins. Environment switches:

* ``GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD=1``: load no entry points;
* ``GOVOPEN_RULES_DISABLED_PLUGINS=a,b``: block these entry-point names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pluggy

from govopen_rules import _builtin, hookspecs
from govopen_rules.compile import CompiledRubric, compile_rubric
from govopen_rules.engine import Engine
from govopen_rules.errors import DuplicateRubricError, PluginError, UnknownRubricError
from govopen_rules.fact_kinds import FactKind
from govopen_rules.rubric import Rubric
from govopen_rules.rubric_files import load_rubric
from govopen_rules.workdays import HolidayYear, WorkdayCalendar

__all__ = ["ENTRY_POINT_GROUP", "Registry", "default_registry", "get_plugin_manager"]

ENTRY_POINT_GROUP = "govopen_rules"
DEFAULT_PLUGINS = (_builtin,)


def get_plugin_manager(
    *, plugins: Iterable[object] = (), load_entrypoints: bool = True
) -> pluggy.PluginManager:
    """A plugin manager with the core's plugins, installed plugins and ``plugins``."""
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for module in DEFAULT_PLUGINS:
        pm.register(module, name=f"govopen_rules.{module.__name__.rsplit('.', 1)[-1]}")
    if load_entrypoints and not os.environ.get("GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD"):
        blocked = os.environ.get("GOVOPEN_RULES_DISABLED_PLUGINS", "")
        for name in filter(None, (n.strip() for n in blocked.split(","))):
            pm.set_blocked(name)
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm


def _results_by_plugin(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, Any]]:
    """Call one hook implementation at a time so every result is attributed to its plugin."""
    out: list[tuple[str, Any]] = []
    caller = getattr(pm.hook, hook_name)
    for impl in caller.get_hookimpls():
        name = pm.get_name(impl.plugin) or repr(impl.plugin)
        try:
            result = impl.function()
        except Exception as exc:
            raise PluginError(f"plugin {name!r} failed in {hook_name}(): {exc!r}") from exc
        if result is None:
            continue
        for item in result:
            out.append((name, item))
    return out


class Registry:
    """What the installed plugins provide, checked for clashes; compiles rubrics on demand."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.plugin_manager = pm
        self.fact_kinds: dict[str, FactKind] = {}
        owners: dict[str, str] = {}
        for plugin, kind in _results_by_plugin(pm, "govopen_fact_kinds"):
            if not isinstance(kind, FactKind):
                raise PluginError(f"plugin {plugin!r} returned {kind!r}, not a FactKind")
            if kind.name in owners:
                raise PluginError(
                    f"fact kind {kind.name!r} is provided by both {owners[kind.name]!r} "
                    f"and {plugin!r}"
                )
            owners[kind.name] = plugin
            self.fact_kinds[kind.name] = kind
        years: list[HolidayYear] = []
        for plugin, year in _results_by_plugin(pm, "govopen_calendar"):
            if not isinstance(year, HolidayYear):
                raise PluginError(f"plugin {plugin!r} returned {year!r}, not a HolidayYear")
            years.append(year)
        self.calendar = WorkdayCalendar(years)
        self._rubrics: dict[tuple[str, int], Rubric] = {}
        self._owners: dict[tuple[str, int], str] = {}
        self._load_rubrics(pm)
        self._compiled: dict[tuple[str, int, tuple[tuple[str, str], ...]], _Runnable] = {}
        self._lock = threading.Lock()

    def _load_rubrics(self, pm: pluggy.PluginManager) -> None:
        rule_owner: dict[str, tuple[str, str]] = {}
        for plugin, path in _results_by_plugin(pm, "govopen_rubrics"):
            if not isinstance(path, (str, Path)):
                raise PluginError(f"plugin {plugin!r} returned {path!r}, not a rubric file path")
            rubric = load_rubric(path)
            key = (rubric.region, rubric.year)
            if key in self._rubrics:
                raise DuplicateRubricError(
                    f"rubric {rubric.region} {rubric.year} is provided by both "
                    f"{self._owners[key]!r} and {plugin!r}"
                )
            compile_rubric(rubric, self.fact_kinds, source=str(path))  # check it now
            for area in rubric.areas:
                for ind in area.indicators:
                    for rule in ind.rules:
                        other = rule_owner.get(rule.id)
                        if other is not None and other[0] != plugin:
                            raise DuplicateRubricError(
                                f"rule id {rule.id!r} is provided by both {other[0]!r} "
                                f"({other[1]}) and {plugin!r} ({rubric.id})"
                            )
                        rule_owner[rule.id] = (plugin, rubric.id)
            self._rubrics[key] = rubric
            self._owners[key] = plugin

    def rubrics(self) -> list[Rubric]:
        """Every installed rubric, by region and year."""
        return [self._rubrics[k] for k in sorted(self._rubrics)]

    def plugin_of(self, region: str, year: int) -> str:
        """The name of the plugin that provides a rubric."""
        self.get_rubric(region, year)
        return self._owners[(region, year)]

    def check_region(self, region: str) -> None:
        """Raise :class:`UnknownRubricError` unless some rubric of ``region`` is installed."""
        if not any(r == region for r, _y in self._rubrics):
            raise UnknownRubricError(region, None, self._rubrics)

    def get_rubric(self, region: str, year: int) -> Rubric:
        """The rubric for ``region`` and ``year``, or an error listing what is installed."""
        try:
            return self._rubrics[(region, year)]
        except KeyError:
            raise UnknownRubricError(region, year, self._rubrics) from None

    def runnable(
        self, region: str, year: int, parameters: Mapping[str, object] | None = None
    ) -> _Runnable:
        """The compiled rubric and its engine, built once per parameter set and reused."""
        rubric = self.get_rubric(region, year)
        key = (region, year, tuple(sorted((k, str(v)) for k, v in (parameters or {}).items())))
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                compiled = compile_rubric(rubric, self.fact_kinds, parameters)
                found = _Runnable(compiled, Engine(compiled.engine_rules, label=rubric.id))
                self._compiled[key] = found
            return found


class _Runnable:
    """A compiled rubric with its engine."""

    __slots__ = ("compiled", "engine")

    def __init__(self, compiled: CompiledRubric, engine: Engine) -> None:
        self.compiled = compiled
        self.engine = engine


@cache
def default_registry() -> Registry:
    """The registry of the core and every installed plugin (built once per process)."""
    return Registry(get_plugin_manager())
