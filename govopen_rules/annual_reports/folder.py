"""Checking every report in a folder: read them in parallel, pair a unit's consecutive years,
check each, and keep what could not be read beside what was found.

Reading (PDF above all) is the slow part, so files are read by any
``concurrent.futures.Executor`` (the CLI uses a process pool, as ``cohort`` does); the checks
themselves are fast and run here, after every report is read, because a report's cross-year
checks need last year's report from the same folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, as_completed
from decimal import Decimal
from pathlib import Path

import attrs

from govopen_rules.annual_reports.checks import check_report
from govopen_rules.annual_reports.formats import RequiredHeadings
from govopen_rules.annual_reports.readers import REPORT_SUFFIXES, ReportReadError, read_report
from govopen_rules.annual_reports.readers.document import read_whole
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.annual_reports.results import ReportCheck

__all__ = ["FileOutcome", "check_files", "find_report_files", "read_files", "same_unit"]


@attrs.frozen(kw_only=True)
class FileOutcome:
    """One file: its report and check, or why it could not be read."""

    path: Path
    report: AnnualReport | None = None
    check: ReportCheck | None = None
    error: str | None = None
    #: The file last year's report was taken from, for the cross-year checks.
    previous: Path | None = None


def _is_report_json(path: Path, max_bytes: int | None) -> bool:
    """A JSON file in a folder is a report when it has a unit and a year (not, say, a cohort).
    One that is not a regular file (never opened: a FIFO would block), is larger than
    ``max_bytes`` or cannot be parsed is not judged here: the reader says what is wrong."""
    try:
        data = json.loads(read_whole(path, max_bytes).decode("utf-8"))
    except (OSError, ValueError):
        return True
    return isinstance(data, dict) and "unit" in data and "year" in data


def _folder_files(folder: Path) -> list[Path]:
    """The entries of ``folder`` named as reports, other than folders: a FIFO, a device or a
    link that leads nowhere is one, for its reader to name what is wrong with it, not to be
    passed over in silence."""
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in REPORT_SUFFIXES and not p.is_dir()
    )


def find_report_files(
    paths: Iterable[Path], max_bytes: int | None = None
) -> tuple[list[Path], list[Path]]:
    """(report files, files skipped): files as given, and the report files in each folder."""
    found: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for child in _folder_files(path):
            if child.suffix.lower() == ".json" and not _is_report_json(child, max_bytes):
                skipped.append(child)
                continue
            found.append(child)
    return found, skipped


def _read_one(path: Path, max_bytes: int | None = None) -> tuple[AnnualReport | None, str | None]:
    """The report in ``path`` or why it cannot be read; JSON and HTML are read no further
    than ``max_bytes`` (None: the readers' default), nor is anything but a regular file."""
    try:
        return read_report(path, max_bytes), None
    except ReportReadError as exc:
        return None, str(exc)
    except OSError as exc:  # a missing file, a link loop: found before a reader opened it
        return None, f"{path}: cannot read it ({exc.strerror or exc})"
    except Exception as exc:  # a reader library failing on a malformed file
        return None, f"{path}: cannot read ({type(exc).__name__}: {exc})"


def read_files(
    paths: Sequence[Path],
    *,
    executor: Executor | None = None,
    on_read: Callable[[Path], None] | None = None,
    max_bytes: int | None = None,
) -> list[FileOutcome]:
    """Every file read (in ``executor`` when given), in the order of ``paths``; a file larger
    than ``max_bytes`` in a text format (JSON, HTML) is not read past it (a 40 MB HTML table
    once took 26 s and 1.5 GB; a link to ``/dev/zero`` read until memory ran out)."""
    results: dict[int, tuple[AnnualReport | None, str | None]] = {}
    if executor is None:
        for index, path in enumerate(paths):
            results[index] = _read_one(path, max_bytes)
            if on_read is not None:
                on_read(path)
    else:
        futures = {executor.submit(_read_one, path, max_bytes): i for i, path in enumerate(paths)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_read is not None:
                on_read(paths[futures[future]])
    return [
        FileOutcome(path=path, report=results[i][0], error=results[i][1])
        for i, path in enumerate(paths)
    ]


def same_unit(a: str, b: str) -> bool:
    """Whether two printed unit names are one unit ("洪泽区人民政府" and "淮安市洪泽区人民政府")."""
    return a == b or a.endswith(b) or b.endswith(a)


def _outside_folder(path: Path, report: AnnualReport) -> str | None:
    """Why ``previous_year_file`` may not be read: it leads out of the report's folder."""
    name = report.previous_year_file
    if not name:
        return None
    try:
        folder = path.parent.resolve()
        named = (path.parent / name).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a NUL byte, a symlink loop (3.11)
        return f"{path}: previous_year_file {name!r} cannot be opened: {exc}"
    if named.is_symlink():  # resolved and still a link (3.13 does not raise on a loop)
        return f"{path}: previous_year_file {name!r} cannot be opened: a link that leads nowhere"
    if named == path.resolve():  # once compared with itself: bogus year-on-year findings
        return f"{path}: previous_year_file {name!r} is this report itself"
    if named.is_relative_to(folder):
        return None
    return (
        f"{path}: previous_year_file {name!r} is not in the report's folder; "
        "give a file name next to the report"
    )


def _previous(
    outcome: FileOutcome, outcomes: Sequence[FileOutcome], max_bytes: int | None = None
) -> FileOutcome | None:
    report = outcome.report
    assert report is not None
    if report.previous_year_file:
        named = (outcome.path.parent / report.previous_year_file).resolve()
        for other in outcomes:
            if other.report is not None and other.path.resolve() == named:
                return other
        if named.exists():
            report_before, error = _read_one(named, max_bytes)
            return FileOutcome(path=named, report=report_before, error=error)
        return None
    candidates = [
        other
        for other in outcomes
        if other.report is not None
        and other.report.year == report.year - 1
        and same_unit(other.report.unit, report.unit)
    ]
    candidates.sort(key=lambda o: (o.path.suffix != outcome.path.suffix, str(o.path)))
    return candidates[0] if candidates else None


def check_files(
    paths: Sequence[Path],
    *,
    headings: Sequence[RequiredHeadings] = (),
    tolerance: Decimal = Decimal(0),
    executor: Executor | None = None,
    on_read: Callable[[Path], None] | None = None,
    max_bytes: int | None = None,
) -> list[FileOutcome]:
    """Read and check every file (none larger than ``max_bytes``); a unit's previous year found
    among them is paired with it."""
    outcomes = read_files(paths, executor=executor, on_read=on_read, max_bytes=max_bytes)
    checked: list[FileOutcome] = []
    for outcome in outcomes:
        if outcome.report is None:
            checked.append(outcome)
            continue
        escape = _outside_folder(outcome.path, outcome.report)
        if escape is not None:  # never opened: a report must not lead to ../../etc/passwd
            checked.append(attrs.evolve(outcome, report=None, error=escape))
            continue
        before = _previous(outcome, outcomes, max_bytes)
        previous = before.report if before is not None else None
        check = check_report(outcome.report, previous, tolerance=tolerance, headings=headings)
        if outcome.report.previous_year_file and before is None:
            note = f"上年报告 {outcome.report.previous_year_file} 未找到：未做跨年核对"
            check = attrs.evolve(check, notes=(*check.notes, note))
        checked.append(
            attrs.evolve(
                outcome,
                check=check,
                previous=before.path if before is not None and previous is not None else None,
            )
        )
    return checked
