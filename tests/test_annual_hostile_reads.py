"""Reading annual reports that are not what their names say: a link to ``/dev/zero``, a FIFO, a
file past the size limit, a page of thousands of tables.

A link named ``z.json`` to ``/dev/zero`` once read until memory ran out (``stat`` says 0
bytes), a FIFO in a folder was passed over in silence, and a page of 4,000 one-row tables took
88 s (each table joined the text of every ancestor again). A read that should be refused runs
under a memory cap in its own interpreter, so that a regression fails instead of filling the
machine; one that must not block runs under an alarm.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from govopen_rules.annual_reports.folder import check_files, find_report_files
from govopen_rules.annual_reports.readers import ReportReadError, document, read_report

from conftest import deadline

VALID = Path(__file__).parent / "corpus" / "files" / "reports" / "valid.json"
SUFFIXES = (".json", ".html", ".htm", ".pdf", ".docx")


def _capped(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read_in_a_capped_interpreter(paths: list[Path]) -> list[str]:
    """What ``read_report`` says of each path, read in an interpreter of 1 GB at most."""
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from govopen_rules.annual_reports.readers import ReportReadError, read_report\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n        read_report(Path(name))\n        print('read')\n"
        "    except ReportReadError as exc:\n        print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _capped(1024),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_dev_zero_is_refused_in_every_format(tmp_path: Path) -> None:
    links = [tmp_path / f"z{suffix}" for suffix in SUFFIXES]
    for link in links:
        link.symlink_to("/dev/zero")
    said = _read_in_a_capped_interpreter(links)
    assert said == [
        f"{link}: not a regular file (a character device); a report is read from a file"
        for link in links
    ]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"f{suffix}"
    os.mkfifo(fifo)
    with (
        deadline(10),
        pytest.raises(ReportReadError, match=r"f\.\w+: not a regular file \(a FIFO\)"),
    ):
        read_report(fifo)


def test_a_folder_names_its_fifo_and_device_and_reads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(VALID.read_bytes())
    os.mkfifo(tmp_path / "b.json")
    os.mkfifo(tmp_path / "c.html")
    (tmp_path / "d.pdf").symlink_to("/dev/null")
    (tmp_path / "e.json").symlink_to(tmp_path / "e.json")  # a loop
    (tmp_path / "f.json").mkdir()  # a folder is not a report file
    with deadline(20):
        found, skipped = find_report_files([tmp_path], 1_000_000)
        outcomes = check_files(found, max_bytes=1_000_000)
    assert [p.name for p in found] == ["a.json", "b.json", "c.html", "d.pdf", "e.json"]
    assert skipped == []
    errors = {o.path.name: o.error for o in outcomes}
    assert errors["a.json"] is None and outcomes[0].check is not None
    assert (
        errors["b.json"]
        == f"{tmp_path / 'b.json'}: not a regular file (a FIFO); a report is read from a file"
    )
    assert (
        errors["c.html"] is not None and "c.html: not a regular file (a FIFO)" in errors["c.html"]
    )
    assert (
        errors["d.pdf"] is not None
        and "d.pdf: not a regular file (a character device)" in errors["d.pdf"]
    )
    assert (
        errors["e.json"] == f"cannot read {tmp_path / 'e.json'}: Too many levels of symbolic links"
    )


@pytest.mark.parametrize("suffix", [".json", ".html"])
def test_a_text_report_past_the_limit_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b" " * 2_000_001)
    with pytest.raises(ReportReadError, match=r"big\.\w+: 2\.0 MB, more than the 1 MB read"):
        read_report(path, 1_000_000)


def test_the_read_is_bounded_whatever_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows after ``stat`` (or a /proc file, 0 bytes by ``stat``) is still read no
    further than one byte past the limit."""
    path = tmp_path / "grown.html"
    path.write_bytes(b" " * 2_000_001)
    shown = os.stat(path)
    fake = os.stat_result((shown.st_mode, *[0] * 9))  # st_size 0, as /proc and /dev say
    monkeypatch.setattr(document, "regular_file", lambda _path: fake)
    monkeypatch.setattr(document.os, "fstat", lambda _descriptor: fake)
    with pytest.raises(ReportReadError, match=r"grown\.html: more than the 1 MB read"):
        read_report(path, 1_000_000)


def test_without_a_limit_the_default_applies(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as out:
        out.truncate(document.DEFAULT_MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ReportReadError, match="MB, more than the 32 MB read"):
        read_report(path)


# --- a page of many tables -------------------------------------------------------------------


class _TooMuchWork(Exception):
    pass


def _tables_page(folder: Path, count: int) -> Path:
    """A page of ``count`` application-table rows, each its own table, and no 总体情况: every
    table's ancestors are searched for the section up to the page itself."""
    row = "<table><tr><td>一、本年新收政府信息公开申请数量</td><td>5</td></tr></table>"
    title = "<title>某县人民政府2020年政府信息公开工作年度报告</title>"
    path = folder / f"tables-{count}.html"
    page = f"<html><head>{title}</head><body>{row * count}</body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def _work(path: Path, budget: int) -> int:
    """How many Python calls (Python and C functions, generator steps) reading ``path`` takes:
    the same on any machine, however slow. Stops with :class:`_TooMuchWork` past ``budget``."""
    steps = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal steps
        steps += 1
        if steps > budget:
            sys.setprofile(None)
            raise _TooMuchWork(f"more than {budget:,} steps reading {path.name}")

    sys.setprofile(count)
    try:
        read_report(path)
    except ReportReadError:
        pass  # the tables are not a report's: what counts is what reading them took
    finally:
        sys.setprofile(None)
    return steps


def test_a_page_of_20000_tables_takes_linear_work(tmp_path: Path) -> None:
    """5,000 and 20,000 tables: linear work grows 4 times, quadratic work 16 times. Each run
    also has a budget of 2,000 steps a table (it takes about 360), so that quadratic work fails
    in seconds instead of running for minutes."""
    _work(_tables_page(tmp_path, 3), 10**9)  # the readers' modules imported outside the count
    small = _work(_tables_page(tmp_path, 5_000), 2_000 * 5_000)
    large = _work(_tables_page(tmp_path, 20_000), 2_000 * 20_000)
    assert large < 6 * small, (small, large)
