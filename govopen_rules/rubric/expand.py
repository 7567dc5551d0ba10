"""From a rubric file as written to the rubric model: fill in what the author left implicit.

A ``check`` becomes the ``evidence`` and ``when`` it stands for, a relative rule id gets its
region and indicator, a citation without a document gets the rubric's ``citation_document``.
The result is exactly the rubric the long forms would have given: the compiler and the
evaluation never see the short forms.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import attrs

from govopen_rules.rubric.file_model import (
    AreaEntry,
    CitationEntry,
    EvidenceGateEntry,
    IndicatorEntry,
    MissingEvidenceEntry,
    RubricFile,
    RuleEntry,
)
from govopen_rules.rubric.model import (
    Area,
    Citation,
    EvidenceGate,
    Indicator,
    MissingEvidence,
    Parameter,
    Rubric,
    Rule,
)

__all__ = ["expand_rubric", "relative_id_prefix"]

_ID_PART = re.compile(r"[a-z0-9_]+")
T = TypeVar("T", bound=attrs.AttrsInstance)


def _build(cls: type[T], written: object, **changed: Any) -> T:
    """``cls`` from the fields of ``written`` with the same names, except those ``changed``.

    Fields are copied by name, so a field added to a model class and its file form cannot be
    forgotten here (a field missing from the file form fails every load).
    """
    same = {f.name: getattr(written, f.name) for f in attrs.fields(cls) if f.name not in changed}
    return cls(**same, **changed)


def relative_id_prefix(region: str, indicator_code: str) -> str:
    """What a rule id starting with a dot is appended to: ``region.code`` in lower case."""
    return f"{region}.{indicator_code.lower()}"


class _Expander:
    def __init__(self, written: RubricFile) -> None:
        self.written = written
        self.document = written.citation_document or written.source.document
        self.errors: list[str] = []

    def citation(self, entry: CitationEntry) -> Citation:
        document = self.document if entry.document is None else entry.document
        return _build(Citation, entry, document=document)

    def cited(self, entry: CitationEntry | None) -> Citation | None:
        return None if entry is None else self.citation(entry)

    def missing(self, entry: MissingEvidenceEntry | None) -> MissingEvidence | None:
        if entry is None:
            return None
        return _build(MissingEvidence, entry, citation=self.cited(entry.citation))

    def gate(self, entry: EvidenceGateEntry | None) -> EvidenceGate | None:
        if entry is None:
            return None
        return _build(EvidenceGate, entry, citation=self.cited(entry.citation))

    def rule_id(self, written_id: str, code: str, path: str) -> str:
        if not written_id.startswith("."):
            return written_id
        region, code_part = self.written.region, code.lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", region) or not _ID_PART.fullmatch(code_part):
            self.errors.append(
                f"{path}.id: relative id {written_id!r} needs a region of lower-case ASCII and "
                f"an indicator code of ASCII letters, digits or _ (region {region!r}, code "
                f"{code!r}); write the full id"
            )
        return relative_id_prefix(region, code) + written_id

    def rule(self, entry: RuleEntry, code: str, path: str) -> Rule | None:
        check = entry.check
        if check is not None:
            if entry.evidence is not None or entry.when is not None:
                self.errors.append(f"{path}: give check, or evidence and when, not both")
                return None
            evidence, when = check.evidence(), check.when()
        elif entry.evidence is None:
            self.errors.append(f"{path}: a rule needs check, or evidence (and when)")
            return None
        else:
            evidence, when = entry.evidence, entry.when
        return _build(
            Rule,
            entry,
            id=self.rule_id(entry.id, code, path),
            evidence=evidence,
            when=when,
            citation=self.citation(entry.citation),
            missing_evidence=self.missing(entry.missing_evidence),
        )

    def indicator(self, entry: IndicatorEntry, path: str) -> Indicator:
        rules = (
            self.rule(rule, entry.code, f"{path}.rules[{i}]") for i, rule in enumerate(entry.rules)
        )
        return _build(
            Indicator,
            entry,
            rules=tuple(rule for rule in rules if rule is not None),
            missing_evidence=self.missing(entry.missing_evidence),
        )

    def area(self, entry: AreaEntry, path: str) -> Area:
        indicators = (
            self.indicator(ind, f"{path}.indicators[{i}]") for i, ind in enumerate(entry.indicators)
        )
        return _build(
            Area,
            entry,
            indicators=tuple(indicators),
            missing_evidence=self.missing(entry.missing_evidence),
        )

    def rubric(self) -> Rubric:
        written = self.written
        parameters = {
            name: _build(
                Parameter, p, citation=None if p.citation is None else self.citation(p.citation)
            )
            for name, p in written.parameters.items()
        }
        areas = tuple(self.area(a, f"$.areas[{i}]") for i, a in enumerate(written.areas))
        if written.missing_evidence is None:
            self.errors.append(
                "$.missing_evidence: required: state what absent evidence decides where no rule, "
                "indicator or area says ({mode: undecided}, clear, deduct or fixed, with citation)"
            )
        return _build(
            Rubric,
            written,
            areas=areas,
            parameters=parameters,
            missing_evidence=self.missing(written.missing_evidence),
            evidence_gate=self.gate(written.evidence_gate),
        )


def expand_rubric(written: RubricFile) -> tuple[Rubric, list[str]]:
    """The rubric ``written`` stands for, and the problems found (``$.path: problem``)."""
    expander = _Expander(written)
    rubric = expander.rubric()
    return rubric, expander.errors
