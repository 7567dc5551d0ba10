"""The registry: what the installed plugins provide, checked for clashes, compiled on demand.

:class:`Registry` is the one seam between the library and its plugins. It owns the plugin
manager and is the only caller of its hooks; every hook is called through pluggy, so
hookwrappers and ``pm.trace`` see each call. Pass a registry to :func:`~govopen_rules.evaluate`
(or use the testing kit's ``govopen_registry`` fixture) to choose the plugins; otherwise the
process-wide default registry of every installed plugin is used.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from govopen_rules.annual_reports.formats import RequiredHeadings
from govopen_rules.engines import RuleEngine, build_engine, check_engine_name, default_engine
from govopen_rules.errors import (
    DuplicateRubricError,
    GovOpenRulesError,
    PluginError,
    RubricError,
    UnknownRubricError,
)
from govopen_rules.facts.kinds import FactKind
from govopen_rules.plugins.manager import make_plugin_manager
from govopen_rules.rubric.compiler import CompiledRubric, compile_rubric
from govopen_rules.rubric.compose import RubricComposer, RuleLibrary
from govopen_rules.rubric.files import load_rubric, with_lines
from govopen_rules.rubric.libraries import load_checked_library
from govopen_rules.rubric.model import Rubric
from govopen_rules.workdays import HolidayYear, WorkdayCalendar

if TYPE_CHECKING:
    from govopen_rules.evaluation.results import EvaluationResult

__all__ = [
    "COMPILED_CACHE_SIZE",
    "Registry",
    "Runnable",
    "default_registry",
    "get_rubric",
    "rubrics",
]

#: Compiled rubrics (with their engines) a registry keeps, least recently used evicted first:
#: each distinct parameter set compiles its own, about 0.7 MB with durable-rules.
COMPILED_CACHE_SIZE = 64


class Runnable:
    """A compiled rubric with the engine built from its selections."""

    __slots__ = ("compiled", "engine", "engine_name")

    def __init__(self, compiled: CompiledRubric, engine: RuleEngine, engine_name: str) -> None:
        self.compiled = compiled
        self.engine = engine
        self.engine_name = engine_name


class Registry:
    """Fact kinds, rubrics and calendar years from a set of plugins; compiles rubrics once.

    ``Registry()`` loads the core and every installed plugin; ``Registry(plugins=[...],
    load_entrypoints=False)`` only the core and the plugins given; ``Registry(pm)`` a plugin
    manager built elsewhere. ``engine`` names the default matching engine (``durable`` where it
    runs, else ``python``; ``$GOVOPEN_RULES_ENGINE`` overrides); both give identical results.
    ``strict_calendar=True`` refuses a year with no official holiday data instead of computing
    a provisional one (see :mod:`govopen_rules.workdays`). At most ``compiled_cache_size``
    compiled rubrics are kept (least recently used first out), so memory stays bounded however
    many parameter sets a caller tries; an evicted engine is freed when no call still uses it.
    With ``strict_plugins=False`` (the process default registry's setting) a plugin that fails
    or provides something unusable is skipped and listed in :attr:`problems`, so one broken
    plugin cannot stop the other regions; by default such a plugin is an error.
    """

    def __init__(
        self,
        plugin_manager: pluggy.PluginManager | None = None,
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        engine: str | None = None,
        strict_calendar: bool = False,
        compiled_cache_size: int = COMPILED_CACHE_SIZE,
        strict_plugins: bool = True,
    ) -> None:
        if engine is None:
            engine = default_engine()
        check_engine_name(engine)
        if plugin_manager is None:
            plugin_manager = make_plugin_manager(plugins=plugins, load_entrypoints=load_entrypoints)
        else:
            for plugin in plugins:
                plugin_manager.register(plugin)
        self._pm = plugin_manager
        self.engine = engine
        self.strict_plugins = strict_plugins
        self._problems: list[str] = []
        self.fact_kinds: dict[str, FactKind] = self._load_fact_kinds()
        self.calendar = WorkdayCalendar(self._load_calendar_years(), strict=strict_calendar)
        #: Rule libraries by name (``national``…): rules that rubrics include by id.
        self.rule_libraries: dict[str, RuleLibrary] = self._load_rule_libraries()
        self._composer = RubricComposer(self.rule_libraries)
        self._rubrics: dict[tuple[str, int], Rubric] = {}
        self._owners: dict[tuple[str, int], str] = {}
        self._load_rubrics()
        self._compiled: OrderedDict[tuple[str, int, str, tuple[tuple[str, str], ...]], Runnable]
        self._compiled = OrderedDict()
        self._cache_size = max(1, compiled_cache_size)
        self._lock = threading.Lock()

    @property
    def problems(self) -> tuple[str, ...]:
        """What was skipped from broken plugins (only with ``strict_plugins=False``)."""
        return tuple(self._problems)

    def _refuse(self, error: GovOpenRulesError) -> None:
        """Raise ``error``, or with ``strict_plugins=False`` record it and go on."""
        if self.strict_plugins:
            raise error
        self._problems.append(str(error))

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The pluggy manager (for tracing and introspection; call hooks through the registry)."""
        return self._pm

    # --- hook calls: the only ones in the library -------------------------------------------

    def _each_plugin(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call a data hook once per implementing plugin, through pluggy, so that every item
        is attributed to its plugin. Hookwrappers and tracing see each call; a hookwrapper may
        change what a plugin returns."""
        caller = getattr(self._pm.hook, hook_name)
        impls = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
        out: list[tuple[str, Any]] = []
        for impl in impls:
            name = self._pm.get_name(impl.plugin) or repr(impl.plugin)
            others = [i.plugin for i in impls if i.plugin is not impl.plugin]
            one = self._pm.subset_hook_caller(hook_name, remove_plugins=others)
            try:
                results = one()
            except Exception as exc:
                if self.strict_plugins:
                    raise PluginError(f"plugin {name!r} failed in {hook_name}(): {exc!r}") from exc
                self._refuse(PluginError(f"plugin {name!r} failed in {hook_name}(): {exc!r}"))
                continue
            for result in results:
                if result is None:
                    continue
                if isinstance(result, (str, bytes)) or not isinstance(result, Iterable):
                    self._refuse(
                        PluginError(
                            f"plugin {name!r} returned {result!r} from {hook_name}(), not a list"
                        )
                    )
                    continue
                out.extend((name, item) for item in result)
        return out

    def notify_result(self, result: EvaluationResult) -> None:
        """Tell observers (``govopen_result``) that an evaluation finished."""
        self._pm.hook.govopen_result(result=result)

    def register_observer(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin that only observes results (e.g. the coverage recorder).

        Fact kinds, rubrics and calendar years are read when the registry is built; a plugin
        registered later contributes only to ``govopen_result``.
        """
        self._pm.register(plugin, name=name)

    def report_headings(self) -> list[RequiredHeadings]:
        """Every region's required annual-report headings (``govopen_report_headings``)."""
        found: list[RequiredHeadings] = []
        for plugin, item in self._each_plugin("govopen_report_headings"):
            if not isinstance(item, RequiredHeadings):
                raise PluginError(f"plugin {plugin!r} returned {item!r}, not RequiredHeadings")
            found.append(item)
        return found

    # --- loading ----------------------------------------------------------------------------

    def _load_fact_kinds(self) -> dict[str, FactKind]:
        kinds: dict[str, FactKind] = {}
        owners: dict[str, str] = {}
        for plugin, kind in self._each_plugin("govopen_fact_kinds"):
            if not isinstance(kind, FactKind):
                self._refuse(PluginError(f"plugin {plugin!r} returned {kind!r}, not a FactKind"))
                continue
            if kind.name in owners:
                self._refuse(
                    PluginError(
                        f"fact kind {kind.name!r} is provided by both {owners[kind.name]!r} "
                        f"and {plugin!r}"
                    )
                )
                continue
            owners[kind.name] = plugin
            kinds[kind.name] = kind
        return kinds

    def _load_calendar_years(self) -> list[HolidayYear]:
        years: list[HolidayYear] = []
        for plugin, year in self._each_plugin("govopen_calendar"):
            if not isinstance(year, HolidayYear):
                self._refuse(PluginError(f"plugin {plugin!r} returned {year!r}, not a HolidayYear"))
                continue
            years.append(year)
        return years

    def _load_rule_libraries(self) -> dict[str, RuleLibrary]:
        libraries: dict[str, RuleLibrary] = {}
        owners: dict[str, str] = {}
        for plugin, path in self._each_plugin("govopen_rule_libraries"):
            try:
                library = load_checked_library(path, self.fact_kinds)
                if library.name in owners:
                    raise DuplicateRubricError(
                        f"rule library {library.name!r} is provided by both "
                        f"{owners[library.name]!r} and {plugin!r}"
                    )
            except GovOpenRulesError as exc:
                self._refuse(exc)
                continue
            owners[library.name] = plugin
            libraries[library.name] = library
        return libraries

    def _load_rubrics(self) -> None:
        rule_owner: dict[str, tuple[str, str]] = {}
        # A file that extends another is loaded after it.
        for plugin, path in self._composer.order(self._each_plugin("govopen_rubrics")):
            try:
                self._load_rubric(plugin, path, rule_owner)
            except GovOpenRulesError as exc:
                self._refuse(exc)

    def _load_rubric(
        self, plugin: str, path: object, rule_owner: dict[str, tuple[str, str]]
    ) -> None:
        """Load, check and register one plugin's rubric file; nothing is registered on error."""
        if not isinstance(path, (str, Path)):
            raise PluginError(f"plugin {plugin!r} returned {path!r}, not a rubric file path")
        rubric = load_rubric(path, self._composer)
        key = (rubric.region, rubric.year)
        if key in self._rubrics:
            raise DuplicateRubricError(
                f"rubric {rubric.region} {rubric.year} is provided by both "
                f"{self._owners[key]!r} and {plugin!r}"
            )
        try:
            compile_rubric(rubric, self.fact_kinds, source=str(path))  # check it now
        except RubricError as exc:
            raise with_lines(exc, rubric) from None
        rules = rubric.all_rules()
        for rule in rules:
            other = rule_owner.get(rule.id)
            # The same rule in another year's rubric of the region (one extending the other,
            # perhaps from another plugin) is that rule's next version, not a clash.
            same_region = other is not None and other[1].startswith(f"{rubric.region}:")
            if other is not None and other[0] != plugin and not same_region:
                raise DuplicateRubricError(
                    f"rule id {rule.id!r} is provided by both {other[0]!r} "
                    f"({other[1]}) and {plugin!r} ({rubric.id})"
                )
        for rule in rules:
            rule_owner[rule.id] = (plugin, f"{rubric.region}:{rubric.year} {rubric.id}")
        self._rubrics[key] = rubric
        self._owners[key] = plugin
        self._composer.accept(*key)

    # --- lookups ----------------------------------------------------------------------------

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
        self,
        region: str,
        year: int,
        parameters: Mapping[str, object] | None = None,
        engine: str | None = None,
    ) -> Runnable:
        """The compiled rubric and its engine (the registry's unless ``engine`` names another),
        built once per engine and parameter set and reused."""
        rubric = self.get_rubric(region, year)
        engine = engine or self.engine
        check_engine_name(engine)
        params = tuple(sorted((k, str(v)) for k, v in (parameters or {}).items()))
        key = (region, year, engine, params)
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
            compiled = compile_rubric(rubric, self.fact_kinds, parameters)
            built = build_engine(compiled.selections, engine=engine, label=rubric.id)
            found = Runnable(compiled, built, engine)
            self._compiled[key] = found
            while len(self._compiled) > self._cache_size:
                self._compiled.popitem(last=False)
            return found

    @property
    def compiled_count(self) -> int:
        """How many compiled rubrics the registry holds now."""
        return len(self._compiled)


@cache
def default_registry() -> Registry:
    """The registry of the core and every installed plugin (built once per process).

    A broken plugin is skipped and listed in ``problems`` (so the other regions keep working)
    unless ``$GOVOPEN_RULES_STRICT_PLUGINS`` is set to 1.
    """
    return Registry(strict_plugins=os.environ.get("GOVOPEN_RULES_STRICT_PLUGINS") == "1")


def rubrics(*, registry: Registry | None = None) -> list[Rubric]:
    """Every installed rubric."""
    return (registry or default_registry()).rubrics()


def get_rubric(region: str, year: int, *, registry: Registry | None = None) -> Rubric:
    """The installed rubric for a region and year (an error lists what is installed)."""
    return (registry or default_registry()).get_rubric(region, year)
