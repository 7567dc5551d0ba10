"""Reading what the commands are given (a facts JSON file or a facts workbook) and writing
what they make (text to stdout or ``-o FILE``, workbooks to ``-o FILE``)."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govopen_rules.cli.common import error, read_json
from govopen_rules.errors import InputError
from govopen_rules.facts.kinds import FactKind
from govopen_rules.reports.formatting import printable

if TYPE_CHECKING:  # openpyxl is loaded only when a workbook is read or written
    from openpyxl import Workbook

__all__ = [
    "Units",
    "add_output_option",
    "is_workbook",
    "read_units",
    "save_workbook",
    "write_output",
]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: Path) -> bool:
    """Whether the file is read as an Excel workbook (by its name, as Excel itself does)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


class Units:
    """The units a command was given, and where each fact was read when it was a workbook."""

    def __init__(self, units: list[Any], locations: tuple[tuple[str, ...], ...] | None) -> None:
        self.units = units
        self.locations = locations

    def location_of(self, index: int) -> tuple[str, ...] | None:
        """Where unit ``index``'s facts were read (workbook rows), or None for JSON input."""
        return self.locations[index] if self.locations is not None else None


def read_units(path: Path, kinds: Mapping[str, FactKind], *, cohort: bool) -> Units:
    """The units in a facts JSON file (one, or ``{"units": [...]}`` / a list for a cohort) or a
    facts workbook. Raises :class:`~govopen_rules.errors.InputError` for a file that cannot be
    used, and :class:`~govopen_rules.FactsValidationError` naming sheet and cell for a workbook's
    problems."""
    if is_workbook(path):
        from govopen_rules.facts.workbook import read_facts_workbook

        book = read_facts_workbook(path, kinds)
        if not cohort and len(book.units) != 1:
            raise InputError(
                f"{path}: the workbook holds {len(book.units)} units; evaluate takes one "
                "(use govopen-rules cohort for several)"
            )
        return Units(list(book.units), book.locations)
    document = read_json(path)
    if not cohort:
        return Units([document], None)
    units = document.get("units") if isinstance(document, dict) else document
    if not isinstance(units, list):
        raise InputError(f'{path}: expected {{"units": [...]}} or a list')
    return Units(units, None)


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """``-o/--output FILE``: where the report goes (stdout when left out, except workbooks)."""
    parser.add_argument("-o", "--output", type=Path, help="write the report to FILE")


def save_workbook(book: Workbook, path: Path) -> None:
    """Save ``book`` to ``path``, built in memory first: saved straight to a file that fails
    (a full disk, /dev/full), the half-written zip was closed again when collected and printed
    a second traceback after the command's error line."""
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getbuffer())


def write_output(args: argparse.Namespace, report: str | Workbook) -> int:
    """Write a text report to ``-o`` or stdout, a workbook to ``-o`` (which it needs)."""
    output: Path | None = args.output
    if not isinstance(report, str):
        if output is None:
            return error(f"--format {args.format} writes a file: give -o FILE")
        try:
            save_workbook(report, output)
        except OSError as exc:
            return error(f"cannot write {output}: {exc}")
        return 0
    if output is None:
        sys.stdout.write(printable(report if report.endswith("\n") else report + "\n"))
        return 0
    try:
        output.write_text(printable(report), encoding="utf-8")
    except OSError as exc:
        return error(f"cannot write {output}: {exc}")
    return 0
