"""govopen-rules: score 政务公开 work by the assessment offices' rubrics.

What a library user, a rubric author and a rule tester need is re-exported here and listed in
``__all__`` (pinned by ``tests/test_public_api.py``); everything else lives in the sub-packages,
one step of the pipeline each (see ``docs/architecture.md``).
"""

from typing import TYPE_CHECKING

from govopen_rules._version import library_version
from govopen_rules.conversion import from_json, to_json, to_json_bytes
from govopen_rules.errors import (
    CalendarYearMissingError,
    DuplicateRubricError,
    EngineError,
    FactsValidationError,
    GovOpenRulesError,
    ParameterError,
    PluginError,
    RubricError,
    UnknownParameterError,
    UnknownRubricError,
    ValidationError,
)
from govopen_rules.evaluation.cohort import (
    CohortResult,
    GroupResult,
    Placement,
    TierCount,
    UnitFailure,
    evaluate_many,
)
from govopen_rules.evaluation.pipeline import evaluate
from govopen_rules.evaluation.results import (
    AreaResult,
    Effect,
    EvaluationResult,
    EvidenceRef,
    IndicatorResult,
    Status,
    Verdict,
)
from govopen_rules.facts.convert import structure_facts_file
from govopen_rules.facts.kinds import DeriveContext, FactKind, FieldType
from govopen_rules.facts.model import FactsFile, Unit
from govopen_rules.facts.schema import facts_json_schema
from govopen_rules.plugins.hookspecs import hookimpl
from govopen_rules.plugins.registry import Registry, get_rubric, rubrics
from govopen_rules.rubric.files import load_rubric
from govopen_rules.rubric.model import Citation, Rubric
from govopen_rules.workdays import HolidayYear, add_workdays, is_workday, workdays_between

__all__ = [
    "AreaResult",
    "CalendarYearMissingError",
    "Citation",
    "CohortResult",
    "DeriveContext",
    "DuplicateRubricError",
    "Effect",
    "EngineError",
    "EvaluationResult",
    "EvidenceRef",
    "FactKind",
    "FactsFile",
    "FactsValidationError",
    "FactsWorkbook",
    "FieldType",
    "GovOpenRulesError",
    "GroupResult",
    "HolidayYear",
    "IndicatorResult",
    "ParameterError",
    "Placement",
    "PluginError",
    "Registry",
    "Rubric",
    "RubricError",
    "Status",
    "TierCount",
    "Unit",
    "UnitFailure",
    "UnknownParameterError",
    "UnknownRubricError",
    "ValidationError",
    "Verdict",
    "add_workdays",
    "evaluate",
    "evaluate_many",
    "facts_json_schema",
    "from_json",
    "get_rubric",
    "hookimpl",
    "is_workday",
    "library_version",
    "load_rubric",
    "read_facts_workbook",
    "rubrics",
    "structure_facts_file",
    "to_json",
    "to_json_bytes",
    "workdays_between",
]

_LAZY = ("FactsWorkbook", "read_facts_workbook")

if TYPE_CHECKING:  # type checkers see the real names; at run time they load on first use
    from govopen_rules.facts.workbook import FactsWorkbook, read_facts_workbook


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


def __getattr__(name: str) -> object:
    """Workbook reading loads openpyxl (and numpy) only when a workbook is read: importing the
    library, evaluating JSON facts and every cohort worker stay free of it."""
    if name in _LAZY:
        from govopen_rules.facts import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
