"""Every command in docs/writing-a-plugin.md and docs/testing-rules.md, run in order.

They run in a temporary directory with a fresh virtual environment (on top of this one's
packages), so the scaffolded plugin is installed there and never into the test environment.
Then a rule is added without cases, and the coverage report must name it.
"""

from __future__ import annotations

import re
import shlex
import site
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"
PAGES = ("writing-a-plugin.md", "testing-rules.md")


def doc_commands() -> list[str]:
    commands = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, re.S):
            commands += [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return commands


def test_the_docs_have_commands() -> None:
    commands = doc_commands()
    assert commands[0].startswith("govopen-rules new-plugin")
    assert any("--govopen-coverage-fail-under" in c for c in commands)


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv that also sees this environment's packages (whether or not it is a venv)."""
    root = tmp_path_factory.mktemp("docs-venv")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # addsitedir (not a bare path) so the parent's own .pth files, editable installs, load too.
    parents = [p for p in [*site.getsitepackages(), site.getusersitepackages()]
               if Path(p).is_dir()]
    lines = [f"import site; site.addsitedir({p!r})" for p in parents]
    (Path(purelib) / "zz_parent_environment.pth").write_text("\n".join(lines) + "\n")
    return python


def run(python: Path, command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    tools = {"pip": ["-m", "pip"], "pytest": ["-m", "pytest", "-p", "no:cacheprovider"],
             "govopen-rules": ["-m", "govopen_rules"]}
    argv = [str(python), *tools[words[0]], *words[1:]]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_every_documented_command_runs(venv_python: Path, tmp_path: Path) -> None:
    outputs = {}
    for command in doc_commands():
        done = run(venv_python, command, tmp_path)
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        outputs[command.split()[1]] = done.stdout
    assert "总分 total: 0.5 / 1" in outputs["evaluate"]  # as the guide says
    assert (tmp_path / "coverage.json").exists()
    rubrics = run(venv_python, "govopen-rules rubrics", tmp_path).stdout
    assert "qujing\t2024" in rubrics

    # A rule added without tests is named by the coverage report, and fails the threshold.
    rubric = tmp_path / "plugins" / "qujing" / "govopen_qujing" / "qujing-2024.yaml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text.replace(
        "        rules:\n", """        rules:
          - id: qujing.a1.fee_charged
            title: 收取费用
            message: 依申请公开收取了费用
            evidence: {kind: information_request, where: {field: fee_charged, exists: true}}
            when: {field: fee_charged, gt: 0}
            deduct: {mode: fixed, points: 1}
            citation: {document: 中华人民共和国政府信息公开条例, clause: 第四十二条}
"""), encoding="utf-8")
    report = run(venv_python, "pytest plugins/qujing/tests -q --govopen-coverage "
                 "--govopen-coverage-rubric qujing-2024 --govopen-coverage-fail-under 100",
                 tmp_path)
    assert "qujing.a1.fee_charged" in report.stdout
    assert "never exercised" in report.stdout
    assert "5 passed" in report.stdout  # the cases still pass: only the threshold fails
    assert "FAIL: qujing-2024 rule coverage 50.0% is under 100.0%" in report.stdout
    assert report.returncode == pytest.ExitCode.TESTS_FAILED, report.stdout
