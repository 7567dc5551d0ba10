"""The national tables' identities, each either holding, broken, or blocked by blank cells.

Table 三: per column, the result rows add up to （七）总计, and 新收 + 上年结转 = 总计 + 结转下年度
(the format prints this rule above the table); per row, the applicant columns add up to 总计.
Table 四: per group, 维持 + 纠正 + 其他 + 尚未审结 = 总计. A blank cell is never guessed: the
identity is *blocked*, and the cells that block it are named.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from govopen_rules.annual_reports.formats import (
    APPLICANT_COLUMNS,
    OUTCOME_GROUPS,
    TABLE3_COLUMNS,
    TABLE4_GROUPS,
    TABLE4_PARTS,
)
from govopen_rules.annual_reports.report import ReviewRow, TableRow

__all__ = [
    "Cell",
    "IdentityOutcome",
    "cell",
    "group_rows",
    "outcome_rows",
    "printed_rows",
    "table3_identities",
    "table4_identities",
]

#: (path, value): a cell named for messages ("table3.granted.total"), None when blank.
Cell = tuple[str, int | None]


@attrs.frozen(kw_only=True)
class IdentityOutcome:
    """One identity: ``left`` cells must add up to ``right`` cells."""

    check: str
    where: str
    description: str
    left: tuple[Cell, ...]
    right: tuple[Cell, ...]

    @property
    def blank(self) -> tuple[str, ...]:
        """The blank cells that block this identity."""
        return tuple(path for path, value in (*self.left, *self.right) if value is None)

    @property
    def sums(self) -> tuple[int, int] | None:
        """(left sum, right sum), or None when blocked."""
        if self.blank:
            return None
        return (sum(v or 0 for _p, v in self.left), sum(v or 0 for _p, v in self.right))


def cell(table: Mapping[str, TableRow], row: str, column: str) -> Cell:
    """A table-三 cell; a row the table does not have reads as blank."""
    found = table.get(row)
    return (f"table3.{row}.{column}", None if found is None else getattr(found, column))


def group_rows(table: Mapping[str, TableRow], group: str) -> list[str]:
    """The rows of a result group as printed: its sub-rows, or its single row."""
    single = f"{group}.singleRow"
    if single in table:
        return [single]
    return [name for name in table if name.startswith(f"{group}.")]


def outcome_rows(table: Mapping[str, TableRow]) -> list[str]:
    """The result rows that add up to （七）总计; a group printed as one row counts once."""
    rows = ["granted", "partialGrant"]
    for group, _label in OUTCOME_GROUPS:
        rows += group_rows(table, group)
    return rows


def printed_rows(table: Mapping[str, TableRow]) -> list[str]:
    """Rows the report prints: not the sub-rows of a group it prints as a single row."""
    hidden = {
        name
        for group, _label in OUTCOME_GROUPS
        if f"{group}.singleRow" in table
        for name in table
        if name.startswith(f"{group}.") and name != f"{group}.singleRow"
    }
    return [name for name in table if name not in hidden]


def table3_identities(table: Mapping[str, TableRow]) -> list[IdentityOutcome]:
    """Every identity of table 三."""
    out: list[IdentityOutcome] = []
    results = outcome_rows(table)
    for column, label in TABLE3_COLUMNS:
        out.append(
            IdentityOutcome(
                check="table3_outcomes",
                where=f"table3.{column}",
                description=f"表三「{label}」列：各办理结果之和 = （七）总计",
                left=tuple(cell(table, r, column) for r in results),
                right=(cell(table, "totalProcessed", column),),
            )
        )
        out.append(
            IdentityOutcome(
                check="table3_balance",
                where=f"table3.{column}",
                description=f"表三「{label}」列：本年新收 + 上年结转 = （七）总计 + 结转下年度",
                left=(cell(table, "newReceived", column), cell(table, "carriedOver", column)),
                right=(
                    cell(table, "totalProcessed", column),
                    cell(table, "carriedForward", column),
                ),
            )
        )
    for row in printed_rows(table):
        out.append(
            IdentityOutcome(
                check="table3_columns",
                where=f"table3.{row}",
                description=f"表三 {row} 行：各申请人列之和 = 总计",
                left=tuple(cell(table, row, c) for c in APPLICANT_COLUMNS),
                right=(cell(table, row, "total"),),
            )
        )
    return out


def table4_identities(table: Mapping[str, ReviewRow]) -> list[IdentityOutcome]:
    """Every identity of table 四 (维持 + 纠正 + 其他 + 尚未审结 = 总计, per group)."""
    out: list[IdentityOutcome] = []
    for group, label in TABLE4_GROUPS:
        row = table.get(group)

        def value(part: str, row: ReviewRow | None = row) -> int | None:
            return None if row is None else getattr(row, part)

        out.append(
            IdentityOutcome(
                check="table4_total",
                where=f"table4.{group}",
                description=f"表四 {label}：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
                left=tuple((f"table4.{group}.{p}", value(p)) for p, _l in TABLE4_PARTS),
                right=((f"table4.{group}.total", value("total")),),
            )
        )
    return out
