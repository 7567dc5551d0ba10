"""Reading annual reports as published: HTML pages, PDFs with a text layer, DOCX, and JSON.

:func:`read_report` picks the reader by the file's suffix and returns the same
:class:`~govopen_rules.annual_reports.report.AnnualReport` whatever the file type; a file it
cannot read raises :class:`ReportReadError` naming what it could not find.
"""

from __future__ import annotations

from pathlib import Path

from govopen_rules.annual_reports.readers.document import ReportReadError
from govopen_rules.annual_reports.report import AnnualReport

__all__ = ["REPORT_SUFFIXES", "ReportReadError", "read_report"]

#: The file types :func:`read_report` reads.
REPORT_SUFFIXES = (".json", ".html", ".htm", ".pdf", ".docx")


def read_report(path: Path, max_bytes: int | None = None) -> AnnualReport:
    """The report in ``path`` (by suffix: .json, .html/.htm, .pdf, .docx). A text format (JSON,
    HTML) is read whole, so one past ``max_bytes`` (None: the default) is an error; a PDF or
    DOCX is read a page or a part at a time (an image-heavy PDF of 40 MB is a real report)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        from govopen_rules.annual_reports.readers.json_file import read_json_report

        return read_json_report(path, max_bytes)
    if suffix in (".html", ".htm"):
        from govopen_rules.annual_reports.readers.html_page import read_html

        document = read_html(path, max_bytes)
    elif suffix == ".pdf":
        from govopen_rules.annual_reports.readers.pdf_file import read_pdf

        document = read_pdf(path)
    elif suffix == ".docx":
        from govopen_rules.annual_reports.readers.docx_file import read_docx

        document = read_docx(path)
    else:
        raise ReportReadError(
            f"{path}: cannot read {suffix or 'a file without suffix'} "
            f"(reads {', '.join(REPORT_SUFFIXES)})"
        )
    from govopen_rules.annual_reports.readers.national import build_report

    return build_report(document, path)
