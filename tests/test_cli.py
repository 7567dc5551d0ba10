from __future__ import annotations

import json
from pathlib import Path

import pytest

from govopen_rules import Registry, cli

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry


@pytest.fixture
def cli_registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(
        rubric(
            area(
                "A",
                indicator(
                    "A1", "1", rule("t.a.late", "submission", when={"field": "late", "eq": True})
                ),
            ),
            region="cli",
        )
    )


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


LATE = {"kind": "submission", "item": "月报", "due_on": "2020-06-01", "submitted_on": "2020-06-05"}


def test_evaluate_text(cli_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, facts_file(LATE))
    assert cli.main(["evaluate", str(path), "--region", "cli", "--year", "2020"], registry=cli_registry) == 0
    out = capsys.readouterr().out
    assert "总分 total: 0.5 / 1" in out
    assert "[扣分 -0.5] t.a.late" in out


def test_evaluate_json_and_parameters(cli_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, facts_file(LATE))
    assert cli.main(["evaluate", str(path), "--region", "cli", "--format", "json"], registry=cli_registry) == 0
    assert json.loads(capsys.readouterr().out)["total"] == "0.5"
    assert cli.main(["evaluate", str(path), "--region", "cli", "--param", "x=1"], registry=cli_registry) == 1
    assert "has no parameter 'x'" in capsys.readouterr().err


def test_bad_input_is_a_clear_error(cli_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, facts_file({"kind": "submission"}))
    assert cli.main(["evaluate", str(path), "--region", "cli"], registry=cli_registry) == 1
    assert "facts[0].item: required field missing" in capsys.readouterr().err
    assert cli.main(["evaluate", str(tmp_path / "none.json"), "--region", "cli"], registry=cli_registry) == 1
    assert "cannot read" in capsys.readouterr().err
    assert cli.main(["evaluate", str(path), "--region", "mars"], registry=cli_registry) == 1
    assert "installed rubrics: cli 2020" in capsys.readouterr().err


def test_rubrics_and_schema(cli_registry: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rubrics"], registry=cli_registry) == 0
    assert capsys.readouterr().out.startswith("cli\t2020\tcli-2020 v1")
    assert cli.main(["schema"], registry=cli_registry) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "govopen-rules facts file"
