"""The docs' generated references, as Markdown: every installed rubric, and every fact kind.

The rubric reference lists, for each rubric, every area, indicator and rule with its points,
deduction, cap, evidence, citation and quote, and the parameters with their notes. The fact-kind
reference gives each kind's fields and the exact definition of each derived measure, read from
the ``Measures:`` section of its deriver's docstring: a declared measure without a definition is
an error, so the docs build fails rather than leave a measure unexplained.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from govopen_rules.facts.identity import identifying_fields
from govopen_rules.facts.kinds import FactKind, field_type_of
from govopen_rules.facts.labels import field_label
from govopen_rules.reports.formatting import format_points, markdown_text
from govopen_rules.reports.rules import describe_count, describe_deduction, describe_evidence
from govopen_rules.rubric.compiler import CompiledRubric
from govopen_rules.rubric.model import Citation

__all__ = ["fact_kind_reference", "measure_definitions", "rubric_reference"]

_ENTRY = re.compile(r"^(\s+)([a-z_][a-z0-9_]*):\s*(.*)$")


def measure_definitions(kind: FactKind) -> dict[str, str]:
    """Each derived measure's definition from the kind's deriver docstring; ValueError names a
    declared measure that has none."""
    doc = inspect.getdoc(kind.derive) if kind.derive is not None else None
    found: dict[str, str] = {}
    if doc:
        lines = doc.splitlines()
        start = next((i for i, line in enumerate(lines) if line.strip() == "Measures:"), None)
        current: str | None = None
        indent = 0
        for line in lines[start + 1 :] if start is not None else []:
            entry = _ENTRY.match(line)
            if entry and (current is None or len(entry.group(1)) == indent):
                indent = len(entry.group(1))
                current = entry.group(2)
                found[current] = entry.group(3).strip()
            elif current is not None and line.strip() and len(line) - len(line.lstrip()) > indent:
                found[current] += " " + line.strip()
            elif line.strip():
                break
    missing = [name for name in kind.derived if not found.get(name)]
    if missing:
        where = kind.derive.__qualname__ if kind.derive is not None else "no deriver"
        raise ValueError(
            f"fact kind {kind.name!r}: derived measure(s) {', '.join(missing)} have no definition "
            f"in the 'Measures:' section of the deriver's docstring ({where})"
        )
    return {name: found[name] for name in kind.derived}


def _markup_cell(markup: str) -> str:
    """Markdown the plugin's own code wrote (a deriver's docstring, option values as code), kept
    as markup: only made to stay in its table cell. Every value from a rubric goes through
    :func:`markdown_text` instead."""
    return markup.replace("|", "\\|").replace("\n", " ")


def _type_name(annotation: object) -> str:
    ftype, optional = field_type_of(annotation)
    return ftype.value + (", optional" if optional else "")


def fact_kind_reference(kinds: Mapping[str, FactKind]) -> str:
    """Every fact kind: its fields (Chinese name, type, allowed values) and derived measures."""
    lines = [
        "# Fact kinds",
        "",
        "Generated from the fact kinds registered by the core and the installed plugins. Fields "
        "are what an assessor records (a blank or `null` is *not observed*); derived measures "
        "are computed by the library and may be compared by rules like fields. Working days are "
        "counted from the day after the first date (day 1) to the second, inclusive.",
        "",
    ]
    for name in sorted(kinds):
        kind = kinds[name]
        doc = (kind.cls.__doc__ or "").strip()
        lines += [f"## `{name}` {kind.title}", "", doc, ""]
        hints = typing.get_type_hints(kind.cls)
        naming = identifying_fields(kind.cls)
        lines += ["| field | 中文 | type | values |", "|---|---|---|---|"]
        for field in attrs.fields(kind.cls):
            options = getattr(field.validator, "options", None)
            values = ", ".join(f"`{o}`" for o in options) if options is not None else ""
            if field.default is attrs.NOTHING:
                values = (values + " (required)").strip()
            if field.name in naming:
                values = (values + " — names the fact in evidence").strip(" —")
            type_name = _type_name(hints[field.name])
            lines.append(
                f"| `{field.name}` | {markdown_text(field_label(kind.cls, field.name))} | "
                f"{type_name} | {_markup_cell(values)} |"
            )
        lines.append("")
        if kind.derived:
            definitions = measure_definitions(kind)
            lines += ["| derived measure | type | definition |", "|---|---|---|"]
            for measure, ftype in kind.derived.items():
                definition = _markup_cell(definitions[measure])
                lines.append(f"| `{measure}` | {ftype.value} | {definition} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _citation(cite: Citation) -> str:
    text = f"{cite.document} {cite.clause}".strip()
    if cite.quote:
        text += f"：「{cite.quote}」"
    if cite.note:
        text += f"（{cite.note}）"
    return markdown_text(text)


def rubric_reference(
    rubrics: Iterable[tuple[CompiledRubric, str]], kinds: Mapping[str, FactKind]
) -> str:
    """Every rubric given as (compiled rubric, plugin name), rule by rule."""
    lines = [
        "# Rubrics",
        "",
        "Generated from the rubrics of the installed plugins: every area, indicator and rule, "
        "with its deduction, cap, the evidence it reads and the clause it encodes, and every "
        "parameter (values marked *assumed* are not stated by the source; the note says why the "
        "value was chosen).",
        "",
    ]
    for compiled, plugin in rubrics:
        lines += _rubric(compiled, plugin, kinds)
    return "\n".join(lines).rstrip() + "\n"


def _rubric(compiled: CompiledRubric, plugin: str, kinds: Mapping[str, FactKind]) -> list[str]:
    rubric = compiled.rubric
    lines = [
        f"## {markdown_text(rubric.title)}",
        "",
        f"`{rubric.id}` version {rubric.version} · region `{rubric.region}` · {rubric.year} · "
        f"{format_points(rubric.points)} points · plugin `{plugin}`",
        "",
        f"Source: {_citation(rubric.source)}",
        "",
    ]
    if rubric.unit_kinds:
        lines += [
            f"Written for units of kind: {', '.join(f'`{k}`' for k in rubric.unit_kinds)}.",
            "",
        ]
    scale = compiled.grading.scale
    if scale.thresholds:
        grades = "; ".join(
            f"{markdown_text(label)} ≥ {format_points(m)}" for label, m in scale.thresholds
        )
        veto = f"; a veto gives {markdown_text(scale.veto_grade)}" if scale.veto_grade else ""
        lines += [f"Grades: {grades}{veto}.", ""]
    for group in compiled.grading.groups:
        who = ", ".join(group.unit_kinds) or "every kind"
        if group.categories:
            who += f" (categories {', '.join(group.categories)})"
        grades = "; ".join(
            f"{markdown_text(label)} ≥ {format_points(m)}" for label, m in group.scale.thresholds
        )
        lines.append(f"- Group **{markdown_text(group.name)}**: {markdown_text(who)}; {grades}")
    if compiled.grading.groups:
        lines.append("")
    rules_of: dict[str, list[int]] = {}
    for index, rule in enumerate(compiled.rules):
        rules_of.setdefault(rule.indicator.code, []).append(index)
    for area in rubric.areas:
        cap = f", cap {format_points(area.cap)}" if area.cap is not None else ""
        heading = markdown_text(f"{area.code} {area.title}")
        lines += [f"### {heading} ({format_points(area.points)}{cap})", ""]
        for indicator in area.indicators:
            cap = f", cap {format_points(indicator.cap)}" if indicator.cap is not None else ""
            heading = markdown_text(f"{indicator.code} {indicator.title}")
            lines += [f"#### {heading} ({format_points(indicator.points)}{cap})", ""]
            if indicator.method:
                lines += [f"查验方法: {markdown_text(indicator.method)}", ""]
            lines += ["| rule | deduction | evidence and condition | counts | source |"]
            lines.append("|---|---|---|---|---|")
            for index in rules_of.get(indicator.code, []):
                rule = compiled.rules[index]
                assumed = ", ".join(rule.assumptions)
                assumed = f" (assumed: {markdown_text(assumed)})" if assumed else ""
                lines.append(
                    f"| `{rule.rule.id}`<br>{markdown_text(rule.rule.title)} | "
                    f"{markdown_text(describe_deduction(rule))}{assumed} | "
                    f"{markdown_text(describe_evidence(rule, kinds))} | "
                    f"{markdown_text(describe_count(rule))} | "
                    f"{_citation(rule.rule.citation)} |"
                )
            lines.append("")
    if rubric.parameters:
        lines += ["### Parameters", "", "| parameter | value | assumed | note | source |"]
        lines.append("|---|---|---|---|---|")
        for name, p in sorted(rubric.parameters.items()):
            cite = _citation(p.citation) if p.citation is not None else ""
            lines.append(
                f"| `{name}` | {_value(p.value)} | {'assumed' if p.assumed else ''} | "
                f"{markdown_text(p.note)} | {cite} |"
            )
        lines.append("")
    return lines


def _value(value: Decimal | dt.date) -> str:
    """A parameter's value: a number as the rubrics print it, a date as YYYY-MM-DD."""
    return value.isoformat() if isinstance(value, dt.date) else format_points(value)
