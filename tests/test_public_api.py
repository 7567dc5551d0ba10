"""The public surface: what ``govopen_rules`` exports is deliberate, documented and importable."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import govopen_rules
from govopen_rules.engines import durable_available

PUBLIC = {
    # evaluate and look up
    "evaluate", "evaluate_many", "rubrics", "get_rubric", "Registry", "library_version",
    # results
    "EvaluationResult", "AreaResult", "IndicatorResult", "Verdict", "EvidenceRef", "Status",
    "Effect", "Citation", "CohortResult", "GroupResult", "Placement", "TierCount", "UnitFailure",
    # facts and rubrics
    "FactsFile", "Unit", "Rubric", "load_rubric", "structure_facts_file", "facts_json_schema",
    "to_json", "to_json_bytes", "from_json", "read_facts_workbook", "FactsWorkbook",
    # plugin authors
    "hookimpl", "FactKind", "FieldType", "DeriveContext", "HolidayYear",
    "add_workdays", "workdays_between", "is_workday",
    # errors
    "GovOpenRulesError", "ValidationError", "FactsValidationError", "RubricError",
    "ParameterError", "UnknownParameterError", "UnknownRubricError", "PluginError",
    "DuplicateRubricError", "CalendarYearMissingError", "EngineError",
}  # fmt: skip


def test_all_is_the_public_surface() -> None:
    assert set(govopen_rules.__all__) == PUBLIC
    assert sorted(govopen_rules.__all__) == list(govopen_rules.__all__)


def test_every_public_name_is_documented() -> None:
    undocumented = [
        name for name in govopen_rules.__all__ if not inspect.getdoc(getattr(govopen_rules, name))
    ]
    assert undocumented == []


def test_internals_are_not_exported() -> None:
    for name in ("compile_rubric", "default_registry", "unstructure", "get_plugin_manager"):
        assert not hasattr(govopen_rules, name) or name not in govopen_rules.__all__


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_importing_the_library_or_its_testing_kit_loads_no_engine() -> None:
    assert "durable_rules_engine" not in _modules_after("import govopen_rules")
    assert "durable_rules_engine" not in _modules_after("import govopen_rules.testing")
    assert "durable_rules_engine" not in _modules_after("import govopen_rules.cli")


@pytest.mark.skipif(not durable_available(), reason="durable-rules does not run here")
def test_the_engine_loads_when_first_built() -> None:
    statement = (
        "from govopen_rules import Registry, evaluate; "
        "from govopen_rules.engines import build_engine; "
        "from govopen_rules.rubric.compiler import Selection; "
        "build_engine({'m0': Selection('submission')})"
    )
    assert "durable_rules_engine" in _modules_after(statement)


def test_openpyxl_loads_only_when_a_workbook_is_read_or_written() -> None:
    """Importing the library, the CLI, and evaluating a JSON facts file (what every cohort
    worker does) load no openpyxl (nor the numpy it brings): it costs about 0.35 s a process."""
    example = Path(__file__).resolve().parent.parent / "plugins/xuanwei/examples/xuanwei-2020.json"
    evaluating = (
        "import io, contextlib; from govopen_rules.cli.main import main; "
        "out = io.StringIO(); "
        "contextlib.redirect_stdout(out).__enter__(); "
        f"main(['evaluate', {str(example)!r}, '--region', 'xuanwei', '--year', '2020'])"
    )
    for statement in ("import govopen_rules", "import govopen_rules.cli.main", evaluating):
        assert "openpyxl" not in _modules_after(statement), statement
    assert "openpyxl" in _modules_after("from govopen_rules import read_facts_workbook")
    assert govopen_rules.read_facts_workbook.__doc__
