"""``govopen-rules check-stats`` over files and folders: summary, formats, exit status, dumps."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from govopen_rules import Registry
from govopen_rules.cli.main import main

PEER = Path(__file__).parent / "data" / "peer-annual-reports"
SOURCES = PEER / "sources"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check-stats", *argv], registry=Registry(load_entrypoints=False))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_folder_of_originals(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, str(SOURCES))
    assert status == 1  # findings, like a linter
    assert "| hongze-district-2023.pdf | 洪泽区人民政府 | 2023 | 2 | 0 | 0 | 0 |" in out
    assert "| hongze-district-2024.pdf | 淮安市洪泽区人民政府 | 2024 | 1 | 0 | 0 | 0 |" in out
    assert "| shuyang-drc-2023.html | 沭阳县发展和改革局 | 2023 | 0 | 35 | 0 | 0 |" in out
    assert "未发现问题，但有 35 项无法核对，不能视为无问题" in out
    assert "未发现问题 (no findings)" not in out


def test_json_pairs_consecutive_years_in_the_folder(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, str(SOURCES), "--format", "json", "--exit-zero")
    assert status == 0
    reports = {Path(r["report"]).name: r for r in json.loads(out)["reports"]}
    assert Path(reports["hongze-district-2024.pdf"]["previous"]).name == "hongze-district-2023.pdf"
    assert reports["hongze-district-2023.pdf"]["previous"] is None
    shuyang = reports["shuyang-drc-2023.html"]
    assert shuyang["clean"] is False and len(shuyang["blank_cells"]) == 125
    finding = reports["hongze-district-2024.pdf"]["findings"][0]
    assert finding["numbers"] == {"prose": "17", "table": "95"}
    assert "受理政府信息公开申请 17 件" in finding["quote"]


def test_one_process_or_several_give_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    _s, serial, _e = run(capsys, str(SOURCES), "--format", "json", "--processes", "1")
    _s, parallel, _e = run(capsys, str(SOURCES), "--format", "json", "--processes", "2")
    assert serial == parallel


def test_csv_summary(capsys: pytest.CaptureFixture[str]) -> None:
    _status, out, _err = run(capsys, str(PEER), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["report"] for r in rows] == sorted(p.name for p in PEER.glob("*.json"))
    by_name = {r["report"]: r for r in rows}
    assert by_name["suqian-city-2024.json"]["findings"] == "3"
    assert by_name["shuyang-drc-2023.json"]["unverifiable"] == "35"
    assert by_name["shanghai-gov-office-2025.json"]["findings"] == "0"


def test_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(PEER / "shanghai-gov-office-2025.json"))[0] == 0
    assert run(capsys, str(PEER / "hongze-district-2023.json"))[0] == 1
    assert run(capsys, str(PEER / "hongze-district-2023.json"), "--exit-zero")[0] == 0
    # unverifiable alone is not a finding, but the text says it is not "no problems"
    status, out, _err = run(capsys, str(PEER / "shuyang-drc-2023.json"))
    assert status == 0 and "不能视为无问题" in out


def test_an_unreadable_file_is_an_error_and_the_others_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(PEER / "shanghai-gov-office-2025.json", tmp_path)
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    (tmp_path / "cohort.json").write_text('{"units": []}', encoding="utf-8")
    status, out, err = run(capsys, str(tmp_path), "--exit-zero")
    assert status == 1
    assert "broken.pdf — 无法读取 (error)" in out
    assert "| shanghai-gov-office-2025.json | 上海市人民政府办公厅 | 2025 | 0 | 0 | 2 | 0 |" in out
    assert "cohort.json is not an annual report" in err
    assert "Traceback" not in err


def test_a_missing_path_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "no-such-folder")
    assert status == 1 and err.strip() == "error: no such file or folder: no-such-folder"


def test_dump_json_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dumped = tmp_path / "dumped"
    _s, first, _e = run(
        capsys,
        str(SOURCES / "shuyang-drc-2023.html"),
        "--format",
        "json",
        "--dump-json",
        str(dumped),
    )
    path = dumped / "shuyang-drc-2023.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["published"] == "2024-01-17" and data["table3"]["granted"]["commercial"] is None
    _s, second, _e = run(capsys, str(path), "--format", "json")
    keys = ("findings", "unverifiable", "blank_cells", "unplaced")
    before, after = json.loads(first)["reports"][0], json.loads(second)["reports"][0]
    assert {k: before[k] for k in keys} == {k: after[k] for k in keys}
    # a person corrects a cell by hand and re-runs: the finding follows the correction
    data["table3"]["granted"]["total"] = 25
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _s, third, _e = run(capsys, str(path), "--format", "json")
    checks = {f["check"] for f in json.loads(third)["reports"][0]["findings"]}
    assert checks == {"table3_outcomes"}  # the row identity stays blocked by its blank cells


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _s, _out, err = run(capsys, str(SOURCES), "--processes", "1")
    assert "reading reports" not in err
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(
        ["check-stats", str(SOURCES), "--processes", "1"], registry=Registry(load_entrypoints=False)
    )
    assert "reading reports" in terminal.getvalue()
    assert "reading reports" not in capsys.readouterr().out


def test_a_previous_year_file_that_loops_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symlink to itself as ``previous_year_file`` ended in ``RuntimeError: Symlink loop``."""
    report = json.loads(
        (Path(__file__).parent / "corpus/files/reports/valid.json").read_text(encoding="utf-8")
    )
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report | {"previous_year_file": "loop.json"}), encoding="utf-8")
    assert main(["check-stats", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}: previous_year_file 'loop.json' cannot be opened:" in err
    assert "Traceback" not in err
