"""mkdocs hooks: generate the rubric and fact-kind references from the installed plugins.

Run by ``mkdocs build`` / ``mkdocs serve`` (listed under ``hooks:`` in mkdocs.yml). The pages
exist only in the built site; they cannot drift from the rubrics, and a derived measure without
a definition in its deriver's docstring stops the build with a message naming it.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from govopen_rules.plugins.registry import default_registry
from govopen_rules.reports.reference import fact_kind_reference, rubric_reference

RUBRICS_PAGE = "reference/rubrics.md"
FACT_KINDS_PAGE = "reference/fact-kinds.md"


def on_files(files: Files, config: Any) -> Files:
    """Add the generated reference pages to the site."""
    registry = default_registry()
    compiled = [
        (registry.runnable(r.region, r.year).compiled, registry.plugin_of(r.region, r.year))
        for r in registry.rubrics()
    ]
    files.append(
        File.generated(
            config, RUBRICS_PAGE, content=rubric_reference(compiled, registry.fact_kinds)
        )
    )
    files.append(
        File.generated(config, FACT_KINDS_PAGE, content=fact_kind_reference(registry.fact_kinds))
    )
    return files
