"""A report transcribed by hand as JSON (the layout of the peer-data SCHEMA.md)."""

from __future__ import annotations

from pathlib import Path

from govopen_rules.annual_reports.readers.document import ReportReadError, read_whole
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.conversion import load_json_document, structure_as

__all__ = ["read_json_report"]


def read_json_report(path: Path, max_bytes: int | None = None) -> AnnualReport:
    """The report in a JSON file of at most ``max_bytes`` (None: the default); every problem
    in it is named by its field path."""
    try:
        data = load_json_document(read_whole(path, max_bytes))
    except ReportReadError:
        raise
    except UnicodeDecodeError:
        raise ReportReadError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:  # a link loop, a folder: the reason, without the path again
        raise ReportReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ReportReadError(f"cannot read {path}: {exc}") from None
    if data is None:
        raise ReportReadError(f"{path}: $: the document is null, not a JSON object")
    report, problems = structure_as(data, AnnualReport, "$")
    if problems or report is None:
        if len(problems) == 1:
            raise ReportReadError(f"{path}: {problems[0]}")
        listing = "; ".join(problems)
        raise ReportReadError(f"{path}: {len(problems)} problems: {listing}")
    return report
