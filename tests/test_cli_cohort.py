"""The cohort command on large inputs: JSON Lines and folders streamed, results streamed out,
failures listed with a non-zero exit, and the engine chosen on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govopen_rules import cli

EXAMPLE = Path(__file__).parent.parent / "plugins/xuanwei/examples/xuanwei-2020.json"


def _units(n: int) -> list[str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    return [json.dumps(dict(json.loads(text), unit={**json.loads(text)["unit"], "id": f"u{i}"}),
                       ensure_ascii=False) for i in range(n)]  # fmt: skip


ARGS = ["--region", "xuanwei", "--year", "2020", "--format", "json"]


def test_a_json_lines_cohort_streams_its_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "units.jsonl"
    source.write_text("\n".join(_units(4)) + "\n\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    assert cli.main(["cohort", str(source), *ARGS, "--results", str(results)]) == 0
    lines = results.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["unit"]["id"] for line in lines] == ["u0", "u1", "u2", "u3"]
    cohort = json.loads(capsys.readouterr().out)
    assert cohort["results"] == []  # streamed, not kept
    assert cohort["groups"][0]["size"] == 4


def test_a_folder_of_facts_files_is_a_cohort(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, unit in enumerate(_units(3)):
        (tmp_path / f"{i}.json").write_text(unit, encoding="utf-8")
    assert cli.main(["cohort", str(tmp_path), *ARGS, "--processes", "2"]) == 0
    cohort = json.loads(capsys.readouterr().out)
    assert [r["unit"]["id"] for r in cohort["results"]] == ["u0", "u1", "u2"]


def test_failed_units_are_listed_and_the_exit_status_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "units.jsonl"
    units = _units(3)
    units[1] = units[1].replace('"2020-', '"2020-13-', 1)
    source.write_text("\n".join([*units, "{broken"]), encoding="utf-8")
    assert cli.main(["cohort", str(source), *ARGS]) == 1
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["results"]) == 2
    assert f"error: 2 units in {source} could not be evaluated:" in captured.err
    assert "  - units[1] (u1): " in captured.err
    assert "  - units[3]: not JSON" in captured.err


def test_the_engine_is_chosen_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["evaluate", str(EXAMPLE), "--region", "xuanwei", "--format", "json"]
    assert cli.main([*argv, "--engine", "python"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["engine"], result["total"]) == ("python", "13.9")
