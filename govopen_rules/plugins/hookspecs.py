"""Every hook a govopen-rules plugin can implement, documented where it is declared.

A plugin is a module (or object) with functions marked ``@hookimpl`` and registered through the
entry-point group ``govopen_rules``::

    [project.entry-points.govopen_rules]
    myregion = "govopen_rules_myregion"

The core registers its own fact kinds through these same hooks
(:mod:`govopen_rules.plugins.builtin.kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from govopen_rules.annual_reports.formats import RequiredHeadings
    from govopen_rules.evaluation.results import EvaluationResult
    from govopen_rules.facts.kinds import FactKind
    from govopen_rules.workdays import HolidayYear

PROJECT_NAME = "govopen_rules"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def govopen_rubrics() -> Iterable[Path]:
    """Return the rubric files this plugin provides.

    Each path is a YAML rubric file (see ``docs/writing-a-plugin.md``). The core reads it with
    ``yaml.safe_load``, structures and validates it, and keys it by its ``region`` and ``year``.
    Two plugins providing the same region and year is an error naming both.

    :returns: paths of rubric files, usually inside the plugin package.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def govopen_fact_kinds() -> Iterable[FactKind]:
    """Return extra fact kinds, each a :class:`~govopen_rules.FactKind`.

    A kind's name must be unique across all plugins; its class must be a frozen attrs class whose
    fields use the supported types (see :mod:`govopen_rules.facts.model`).

    :returns: fact kinds to add to the vocabulary.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def govopen_calendar() -> Iterable[HolidayYear]:
    """Return holiday data for years the installed ``chinesecalendar`` does not cover.

    Use this when a year's arrangement has been announced but not yet released in
    ``chinesecalendar``; a supplied year replaces the library's data for that year.

    :returns: one :class:`~govopen_rules.workdays.HolidayYear` per year.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def govopen_report_headings() -> Iterable[RequiredHeadings]:
    """Return section headings a region requires of its own units' annual reports.

    The national format's sections and the 2007 条例 第三十二条's items are in the core
    (:mod:`govopen_rules.annual_reports.formats`); a region that asks for more (保山's 2018-era
    outline) says so here. Each :class:`~govopen_rules.annual_reports.formats.RequiredHeadings`
    names the units, years and formats it applies to; ``check-stats`` reports a missing
    heading as a ``section_missing`` finding citing the set's ``source``.

    :returns: heading sets.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def govopen_result(result: EvaluationResult) -> None:
    """Observe a finished evaluation (the rule-coverage report of the testing kit uses this).

    Called once per :func:`~govopen_rules.evaluate` in the evaluating process, after scoring.
    The result is frozen; an observer must not raise.

    :param result: the evaluation's result.
    :returns: nothing.

    .. versionadded:: 0.1
    """
