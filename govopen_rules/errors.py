"""The library's errors: one root, each naming where the problem is and what was received."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "CalendarYearMissingError",
    "DuplicateRubricError",
    "EngineError",
    "FactsValidationError",
    "GovOpenRulesError",
    "ParameterError",
    "PluginError",
    "RubricError",
    "UnknownParameterError",
    "UnknownRubricError",
    "ValidationError",
]


class GovOpenRulesError(Exception):
    """Root of every error this library raises on purpose."""


class ValidationError(GovOpenRulesError, ValueError):
    """Every problem found in one input, each as ``path: problem``, reported at once.

    ``errors`` holds the lines; ``source`` names the input (a file, "facts", "rubric"...).
    """

    default_source = "input"

    def __init__(self, errors: Sequence[str], source: str | None = None) -> None:
        self.errors: tuple[str, ...] = tuple(errors)
        self.source = source or self.default_source
        listing = "\n".join(f"  - {e}" for e in self.errors)
        super().__init__(f"{len(self.errors)} problem(s) in {self.source}:\n{listing}")


class FactsValidationError(ValidationError):
    """A facts file is invalid. ``errors`` lists every problem as ``path: problem``."""

    default_source = "facts"


class RubricError(ValidationError):
    """A rubric file is invalid (points do not add up, unknown field, duplicate id...)."""

    default_source = "rubric"


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
            "has published that year's holidays, or supply them with the govopen_calendar hook "
            "(see docs/concepts.md, 'Working days')."
        )


class EngineError(GovOpenRulesError, RuntimeError):
    """The rules engine refused a ruleset or a batch of facts; the cause is translated."""
