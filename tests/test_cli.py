"""The command line: its output, and every failure as one ``error:`` line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import govopen_xuanwei
from govopen_rules import Registry, cli, hookimpl
from govopen_rules.cli.main import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

from builders import area, facts_file, indicator, rubric, rule
from conftest import MakeRegistry

ROOT = Path(__file__).parent.parent
XUANWEI = ROOT / "plugins" / "xuanwei" / "examples" / "xuanwei-2020.json"
XUANWEI_ARGS = ["evaluate", str(XUANWEI), "--region", "xuanwei", "--year", "2020"]

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def cli_registry(make_registry: MakeRegistry) -> Registry:
    late = rule("t.a.late", "submission", when={"field": "late", "eq": True})
    return make_registry(rubric(area("A", indicator("A1", "1", late)), region="cli"))


def write(tmp_path: Path, data: object, name: str = "facts.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def one_error_line(capsys: Capture) -> str:
    """The whole of stderr, checked to be one ``error:`` line; nothing on stdout."""
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


LATE = {"kind": "submission", "item": "月报", "due_on": "2020-06-01", "submitted_on": "2020-06-05"}


def test_evaluate_text(cli_registry: Registry, tmp_path: Path, capsys: Capture) -> None:
    path = write(tmp_path, facts_file(LATE))
    argv = ["evaluate", str(path), "--region", "cli", "--year", "2020"]
    assert cli.main(argv, registry=cli_registry) == 0
    out = capsys.readouterr().out
    assert "总分 total: 0.5 / 1" in out
    assert "[扣分 -0.5] t.a.late" in out


def test_evaluate_json_and_parameters(
    cli_registry: Registry, tmp_path: Path, capsys: Capture
) -> None:
    path = write(tmp_path, facts_file(LATE))
    argv = ["evaluate", str(path), "--region", "cli"]
    assert cli.main([*argv, "--format", "json"], registry=cli_registry) == 0
    assert json.loads(capsys.readouterr().out)["total"] == "0.5"
    assert cli.main([*argv, "--param", "x=1"], registry=cli_registry) == 1
    assert "has no parameter 'x'" in one_error_line(capsys)


def test_one_bad_field_is_one_line_naming_the_file(
    cli_registry: Registry, tmp_path: Path, capsys: Capture
) -> None:
    path = write(tmp_path, facts_file({"kind": "submission", "item": "x", "due_on": "2020-06-01"}))
    path.write_text(path.read_text(encoding="utf-8").replace('"2020-06-01"', '"2020-13-01"'))
    assert cli.main(["evaluate", str(path), "--region", "cli"], registry=cli_registry) == 1
    err = one_error_line(capsys)
    assert err == f"error: {path}: facts[0].due_on: '2020-13-01' is not a date (YYYY-MM-DD)\n"


def test_several_problems_are_listed_under_one_error_line(
    cli_registry: Registry, tmp_path: Path, capsys: Capture
) -> None:
    path = write(tmp_path, facts_file({"kind": "submission"}, year=2020) | {"year": "2020"})
    assert cli.main(["evaluate", str(path), "--region", "cli"], registry=cli_registry) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"error: 2 problems in {path}:",
        "  - year: '2020' is not a whole number",
        "  - facts[0].item: required field missing",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("null", "$: the document is null, not a JSON object"),
        ("[]", "$: expected a mapping, got list"),
        ("{", "not valid JSON: Expecting property name"),
        (b'{"unit": "\xff"}', "not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_a_facts_file_is_one_line(
    cli_registry: Registry, tmp_path: Path, capsys: Capture, content: str | bytes, problem: str
) -> None:
    path = tmp_path / "facts.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    assert cli.main(["evaluate", str(path), "--region", "cli"], registry=cli_registry) == 1
    err = one_error_line(capsys)
    assert str(path) in err and problem in err


@pytest.mark.parametrize("command", ["cohort", "check-stats"])
def test_every_command_reading_json_refuses_null(
    cli_registry: Registry, tmp_path: Path, capsys: Capture, command: str
) -> None:
    path = write(tmp_path, None)
    argv = [command, str(path)] + (
        ["--region", "cli", "--year", "2020"] if command == "cohort" else []
    )
    assert cli.main(argv, registry=cli_registry) == 1
    assert one_error_line(capsys) == f"error: {path}: $: the document is null, not a JSON object\n"


def test_a_missing_file_or_rubric_is_one_line(
    cli_registry: Registry, tmp_path: Path, capsys: Capture
) -> None:
    missing = tmp_path / "none.json"
    assert cli.main(["evaluate", str(missing), "--region", "cli"], registry=cli_registry) == 1
    assert one_error_line(capsys) == f"error: cannot read {missing}: No such file or directory\n"
    path = write(tmp_path, facts_file(LATE))
    assert cli.main(["evaluate", str(path), "--region", "mars"], registry=cli_registry) == 1
    assert "installed rubrics: cli 2020" in one_error_line(capsys)


def test_the_year_of_the_facts_must_be_the_rubrics(
    cli_registry: Registry, tmp_path: Path, capsys: Capture
) -> None:
    path = write(tmp_path, facts_file(LATE, year=2021))
    assert (
        cli.main(
            ["evaluate", str(path), "--region", "cli", "--year", "2020"], registry=cli_registry
        )
        == 1
    )
    assert one_error_line(capsys) == (
        f"error: {path}: year: the facts are for 2021, the rubric asked for is 2020\n"
    )


def test_a_parameter_that_is_not_a_number_is_one_line_naming_it(
    govopen_registry: Callable[..., Registry], capsys: Capture
) -> None:
    registry = govopen_registry(govopen_xuanwei)
    assert cli.main([*XUANWEI_ARGS, "--param", "a6_two_defects=abc"], registry=registry) == 1
    err = one_error_line(capsys)
    assert "a6_two_defects" in err and "'abc'" in err


def test_new_plugin_refuses_a_bad_name_or_place(tmp_path: Path, capsys: Capture) -> None:
    assert cli.main(["new-plugin", "Qu Jing", "--year", "2024", "--dir", str(tmp_path)]) == 1
    assert "use lower-case ASCII letters" in one_error_line(capsys)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert cli.main(["new-plugin", "qujing", "--year", "2024", "--dir", str(blocker)]) == 1
    assert f"cannot write {blocker}" in one_error_line(capsys)


class Interrupts:
    """A plugin observing results, at which moment the user presses Ctrl-C."""

    @hookimpl
    def govopen_result(self, result: object) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_ends_quietly_with_130(
    make_registry: MakeRegistry, tmp_path: Path, capsys: Capture
) -> None:
    late = rule("t.a.late", "submission", when={"field": "late", "eq": True})
    registry = make_registry(
        rubric(area("A", indicator("A1", "1", late)), region="cli"), plugins=(Interrupts(),)
    )
    path = write(tmp_path, facts_file(LATE))
    status = cli.main(["evaluate", str(path), "--region", "cli"], registry=registry)
    assert status == EXIT_INTERRUPTED == 130
    assert capsys.readouterr() == ("", "")


def test_evaluate_piped_into_head_ends_quietly() -> None:
    done = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m govopen_rules {" ".join(XUANWEI_ARGS)} -v | head -1; '
            'echo "status ${PIPESTATUS[0]}" >&2',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "宣威市人民政府 (530381) — xuanwei-2020-county v2\n"
    # 0 when every byte fitted in the pipe before head left, 141 when the pipe broke first.
    assert done.stderr in ("status 0\n", "status 141\n")


def test_a_reader_that_goes_away_ends_the_command_with_141_and_no_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govopen_rules", *XUANWEI_ARGS, "-v"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the command writes anything: every write meets a closed pipe
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (EXIT_BROKEN_PIPE, "")


def test_rubrics_and_schema(cli_registry: Registry, capsys: Capture) -> None:
    assert cli.main(["rubrics"], registry=cli_registry) == 0
    assert capsys.readouterr().out.startswith("cli\t2020\tcli-2020 v1")
    assert cli.main(["schema"], registry=cli_registry) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "govopen-rules facts file"


@pytest.mark.parametrize("form", ["text", "html", "json"])
def test_control_characters_in_a_name_are_escaped_in_a_report_file(
    tmp_path: Path, form: str
) -> None:
    """-o wrote them raw where stdout escaped them (found in review); JSON stays valid."""
    import json as json_module

    from govopen_rules.cli import main as cli_main

    facts = Path(__file__).parent / "corpus/files/facts/control-characters-in-name.json"
    out = tmp_path / f"report.{form}"
    assert cli_main(["evaluate", str(facts), "--region", "xuanwei", "--format", form, "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert "\x00" not in written and "\x1b" not in written
    if form == "json":
        name = json_module.loads(written)["unit"]["name"]
        assert name == "宣威市\x00人民政府\x1b[31m"
    else:
        assert "宣威市\\u0000人民政府\\u001b[31m" in written


def test_a_new_plugin_named_as_yaml_reads_a_word_still_loads(tmp_path: Path) -> None:
    """region: yes was written unquoted and read back as True; a region past 40 characters
    failed half-way ("File name too long") and left half a plugin behind."""
    from govopen_rules import load_rubric
    from govopen_rules.cli.scaffold import new_plugin

    for region in ("yes", "null", "off"):
        written = new_plugin(region, 2020, tmp_path)
        assert load_rubric(written / f"govopen_{region}/{region}-2020.yaml").region == region
    with pytest.raises(ValueError, match="at most 40"):
        new_plugin("a" * 41, 2020, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "off", "yes"]
