"""What checking one report gives: findings, what could not be checked, and numbers not placed."""

from __future__ import annotations

import attrs

from govopen_rules.annual_reports.breakdowns import StatFinding

__all__ = ["ReportCheck", "Unplaced", "Unverifiable"]


@attrs.frozen(kw_only=True)
class Unverifiable:
    """A check that could not be made, and why (the blank cells, or what is missing)."""

    check: str
    where: str
    reason: str
    blank_cells: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Unplaced:
    """A number in the prose that the checker could not tie to any table figure."""

    number: str
    context: str
    where: str


@attrs.frozen(kw_only=True)
class ReportCheck:
    """Everything the checks say about one report."""

    unit: str
    year: int
    id: str | None = None
    findings: tuple[StatFinding, ...] = ()
    unverifiable: tuple[Unverifiable, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    #: How many identities and restated numbers were compared (held or broken).
    checked: int = 0
    #: What was not applicable, said once (no headings given, no publication date...).
    notes: tuple[str, ...] = ()

    @property
    def blank_cells(self) -> tuple[str, ...]:
        """Every blank cell that blocks some check, once each, in order."""
        seen: dict[str, None] = {}
        for item in self.unverifiable:
            seen.update(dict.fromkeys(item.blank_cells))
        return tuple(seen)

    @property
    def clean(self) -> bool:
        """No findings and nothing left unverified: only then "no problems"."""
        return not self.findings and not self.unverifiable
