"""govopen-rules: score 政务公开 work by the assessment offices' rubrics.

The public API is re-exported here; everything else is internal.
"""

from govopen_rules.api import evaluate, get_rubric, library_version, rubrics
from govopen_rules.cohort import CohortResult, evaluate_many
from govopen_rules.compile import compile_rubric
from govopen_rules.convert import from_json, structure_facts_file, to_json, unstructure
from govopen_rules.errors import (
    CalendarYearMissingError,
    DuplicateRubricError,
    EngineError,
    FactsValidationError,
    GovOpenRulesError,
    PluginError,
    RubricError,
    UnknownParameterError,
    UnknownRubricError,
)
from govopen_rules.fact_kinds import DeriveContext, FactKind, FieldType
from govopen_rules.facts import FactsFile, Unit
from govopen_rules.hookspecs import hookimpl
from govopen_rules.plugins import Registry, default_registry, get_plugin_manager
from govopen_rules.results import (
    AreaResult,
    Effect,
    EvaluationResult,
    EvidenceRef,
    IndicatorResult,
    Status,
    Verdict,
)
from govopen_rules.rubric import Rubric
from govopen_rules.rubric_files import load_rubric
from govopen_rules.schema import facts_json_schema
from govopen_rules.workdays import HolidayYear, add_workdays, workdays_between

__all__ = [
    "AreaResult",
    "CalendarYearMissingError",
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
    "FieldType",
    "GovOpenRulesError",
    "HolidayYear",
    "IndicatorResult",
    "PluginError",
    "Registry",
    "Rubric",
    "RubricError",
    "Status",
    "Unit",
    "UnknownParameterError",
    "UnknownRubricError",
    "Verdict",
    "add_workdays",
    "compile_rubric",
    "default_registry",
    "evaluate",
    "evaluate_many",
    "facts_json_schema",
    "from_json",
    "get_plugin_manager",
    "get_rubric",
    "hookimpl",
    "library_version",
    "load_rubric",
    "rubrics",
    "structure_facts_file",
    "to_json",
    "unstructure",
    "workdays_between",
]
