"""The library's errors: one root, each naming where the problem is and what was received.

Input that fails validation (a facts file, a rubric file, a case file, JSON read back) raises a
:class:`ValidationError` carrying every :class:`Problem` found, each a field path and what is
wrong there, so that a caller can show all of them at once or pick them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "CalendarYearMissingError",
    "DuplicateRubricError",
    "EngineError",
    "FactsValidationError",
    "GovOpenRulesError",
    "InputError",
    "ParameterError",
    "PluginError",
    "Problem",
    "RubricError",
    "UnknownParameterError",
    "UnknownRubricError",
    "ValidationError",
]


#: A message lists at most this many problems (the error keeps them all).
MAX_LISTED = 100


class GovOpenRulesError(Exception):
    """Root of every error this library raises on purpose."""


@attrs.frozen
class Problem:
    """One problem in an input: where (``facts[3].received_on``, ``$`` for the whole input)
    and what is wrong there (``'2020-13-01' is not a date (YYYY-MM-DD)``)."""

    path: str
    problem: str
    #: The line of the input the path leads to, when known (a rubric file's); not compared.
    line: int | None = attrs.field(default=None, eq=False, kw_only=True)

    @classmethod
    def parse(cls, line: str) -> Problem:
        """Split a ``path: problem`` line (the form older callers pass) at its first ``": "``."""
        path, sep, problem = line.partition(": ")
        return cls(path, problem) if sep and path and " " not in path else cls("$", line)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"

    def located(self) -> str:
        """``path: problem (line N)`` when the line is known, else ``path: problem``."""
        return str(self) + (f" (line {self.line})" if self.line is not None else "")


class ValidationError(GovOpenRulesError, ValueError):
    """Every problem found in one input, reported at once.

    ``problems`` holds :class:`Problem` items; ``errors`` the same as ``path: problem`` lines;
    ``source`` names the input (a file, "facts file", "rubric"...). One problem reads as one
    line (``source: path: problem``); several as a heading and an indented list.
    """

    default_source = "input"

    def __init__(self, problems: Iterable[Problem | str], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem.parse(p) for p in problems
        )
        self.source = source or self.default_source
        super().__init__(self.render())

    @property
    def errors(self) -> tuple[str, ...]:
        """The problems as ``path: problem`` lines."""
        return tuple(str(p) for p in self.problems)

    def render(self, source: str | None = None) -> str:
        """The message, naming ``source`` (default: this error's) as the input."""
        where = source or self.source
        if len(self.problems) == 1:
            return f"{where}: {self.problems[0].located()}"
        listing = "\n".join(f"  - {p.located()}" for p in self.problems[:MAX_LISTED])
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            listing += f"\n  - ... and {more} more"
        return f"{len(self.problems)} problems in {where}:\n{listing}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable with its items (errors cross process pools), not rebuilt from the message.
        return (type(self), (self.problems, self.source))


class FactsValidationError(ValidationError):
    """A facts file is invalid. ``problems`` lists every problem with its path."""

    default_source = "facts file"


class RubricError(ValidationError):
    """A rubric file is invalid (points do not add up, unknown field, duplicate id...)."""

    default_source = "rubric"


class InputError(GovOpenRulesError):
    """An input file cannot be read, or is not the JSON or YAML it should be; the message names
    the file and says why."""


class PluginError(GovOpenRulesError):
    """A plugin returned something the core cannot use; the message names the plugin."""


class DuplicateRubricError(PluginError):
    """Two plugins provide the same rubric (region, year) or the same rule id."""


class UnknownRubricError(GovOpenRulesError, LookupError):
    """No installed plugin provides the rubric asked for; the message lists what is installed."""

    def __init__(self, region: str, year: int | None, installed: Iterable[tuple[str, int]]) -> None:
        self.region = region
        self.year = year
        self.installed = tuple(sorted(installed))
        have = ", ".join(f"{r} {y}" for r, y in self.installed) or "none"
        asked = f"region {region!r}" + ("" if year is None else f" year {year}")
        super().__init__(
            f"no rubric for {asked}; installed rubrics: {have}. "
            "Hint: install the region's plugin, e.g. pip install -e plugins/<region>."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.region, self.year, self.installed))


class ParameterError(GovOpenRulesError, ValueError):
    """A parameter override is not usable: unknown name, or a value that is not an exact number
    in range. The message names the parameter and what is allowed."""


class UnknownParameterError(ParameterError, KeyError):
    """A parameter override names a parameter the rubric does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class CalendarYearMissingError(GovOpenRulesError, LookupError):
    """A working-day count needs a year the holiday calendar does not cover."""

    def __init__(self, year: int, covered: tuple[int, int]) -> None:
        self.year = year
        self.covered = covered
        super().__init__(
            f"no holiday calendar for {year} (covered: {covered[0]}-{covered[1]}). "
            "A working day cannot be guessed: upgrade chinesecalendar once the State Council "
            "has published that year's holidays, or supply them as a calendar file "
            "(--calendar FILE) or with the govopen_calendar hook (see docs/concepts.md, "
            "'Working days')."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.year, self.covered))


class EngineError(GovOpenRulesError, RuntimeError):
    """The rules engine refused a ruleset or a batch of facts; the cause is translated."""
