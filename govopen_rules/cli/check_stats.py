"""``govopen-rules check-stats``: check annual reports as published, one file or whole folders.

Reads JSON transcriptions, saved HTML pages, PDFs with a text layer and DOCX files; prints each
report's findings and a summary table; exits non-zero when something was found (like a
linter; ``--exit-zero`` turns that off) or a file could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from govopen_rules.annual_reports.folder import FileOutcome, check_files, find_report_files
from govopen_rules.annual_reports.report import AnnualReport
from govopen_rules.cli.common import (
    RegistryFactory,
    error,
    input_limit_mb,
    process_count,
    tolerance,
    worker_pool,
)
from govopen_rules.conversion import UNENCODABLE, unstructure
from govopen_rules.reports.findings import render_csv, render_json, render_text
from govopen_rules.reports.formatting import printable

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    st = sub.add_parser(
        "check-stats",
        help="check annual reports' printed statistics (JSON, HTML, PDF, DOCX; files or folders)",
    )
    st.add_argument(
        "paths",
        type=Path,
        nargs="+",
        metavar="PATH",
        help="report files (.json .html .htm .pdf .docx) or folders holding them",
    )
    st.add_argument("--format", choices=("text", "json", "csv"), default="text")
    st.add_argument(
        "--tolerance",
        type=tolerance,
        default=Decimal(0),
        help="percentage points a printed share may differ without a finding",
    )
    st.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    st.add_argument(
        "--dump-json",
        type=Path,
        metavar="DIR",
        help=(
            "write each parsed report to DIR/<stem>.json (DIR/<file name>.json where two "
            "reports share a stem or that is one of the inputs), to correct by hand and re-run"
        ),
    )
    st.add_argument(
        "--processes",
        type=process_count,
        default=0,
        help="read files in N processes (default: one per CPU when there are several files)",
    )


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        return error(f"no such file or folder: {', '.join(map(str, missing))}")
    max_bytes = int(input_limit_mb() * 1_000_000)
    files, skipped = find_report_files(args.paths, max_bytes)
    for path in skipped:
        print(f"note: {path} is not an annual report (no unit and year): skipped", file=sys.stderr)
    if not files:
        return error(
            f"no report files (.json .html .htm .pdf .docx) in {', '.join(map(str, args.paths))}"
        )
    headings = registry().report_headings()
    with _progress(len(files)) as advance:
        processes = args.processes or (
            min(len(files), os.cpu_count() or 1) if len(files) > 1 else 1
        )
        if processes > 1:
            with worker_pool(processes) as pool:
                outcomes = check_files(
                    files,
                    headings=headings,
                    tolerance=args.tolerance,
                    executor=pool,
                    on_read=advance,
                    max_bytes=max_bytes,
                )
        else:
            outcomes = check_files(
                files,
                headings=headings,
                tolerance=args.tolerance,
                on_read=advance,
                max_bytes=max_bytes,
            )
    if args.dump_json is not None:
        _dump(outcomes, args.dump_json, [*files, *skipped])
    if len(outcomes) == 1 and outcomes[0].error is not None:
        return error(outcomes[0].error)  # one file that cannot be read: one line, as elsewhere
    render = {"json": render_json, "csv": render_csv}.get(args.format, render_text)
    output = render(outcomes)
    print(printable(output), end="" if output.endswith("\n") else "\n")
    if any(o.error is not None for o in outcomes):
        for outcome in outcomes:
            if outcome.error is not None:
                print(f"error: {outcome.error}", file=sys.stderr)
        return 1
    found = any(o.check is not None and o.check.findings for o in outcomes)
    return 1 if found and not args.exit_zero else 0


@contextmanager
def _progress(total: int) -> Iterator[Callable[[Path], None]]:
    """A progress bar on stderr when it is a terminal and there is more than one file."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _path: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading reports", total=total)
        yield lambda _path: bar.advance(task)


def _dump(outcomes: Sequence[FileOutcome], folder: Path, inputs: Sequence[Path]) -> None:
    """Each parsed report to its own file in ``folder``, never over one of ``inputs``."""
    folder.mkdir(parents=True, exist_ok=True)
    for outcome, target in zip(outcomes, _dump_targets(outcomes, folder, inputs), strict=True):
        if outcome.report is None:
            continue
        target.write_text(_report_json(outcome.report), encoding="utf-8", errors=UNENCODABLE)
        print(f"note: wrote {target}", file=sys.stderr)


def _dump_targets(
    outcomes: Sequence[FileOutcome], folder: Path, inputs: Sequence[Path]
) -> list[Path]:
    """Where each report's dump goes: ``<stem>.json`` as a person expects, else the whole file
    name (``a.html.json``), else numbered (``a.html.2.json``). ``a.json``, ``a.html`` and
    ``a.pdf`` once all went to ``a.json``, the last one kept and the input ``a.json`` lost."""
    taken = {path.resolve() for path in inputs}
    stems = Counter(o.path.stem for o in outcomes if o.report is not None)
    targets = []
    for outcome in outcomes:
        name = outcome.path.name
        candidates = [name + ".json", *(f"{name}.{n}.json" for n in range(2, len(taken) + 3))]
        if stems[outcome.path.stem] == 1:
            candidates.insert(0, outcome.path.stem + ".json")
        target = next(folder / c for c in candidates if (folder / c).resolve() not in taken)
        if outcome.report is not None:
            taken.add(target.resolve())
        targets.append(target)
    return targets


def _report_json(report: AnnualReport) -> str:
    """The report as editable JSON: empty optional fields left out, blank cells kept as null."""
    data = unstructure(report)
    kept = {
        key: value
        for key, value in data.items()
        if value not in (None, [], {}, ()) or key in ("table2", "table3", "table4")
    }
    return json.dumps(kept, ensure_ascii=False, indent=1) + "\n"
