"""docs/annual-reports.md: its worked example is what the command prints today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govopen_rules import Registry
from govopen_rules.cli.main import main

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "docs" / "annual-reports.md"


def test_the_worked_example_is_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    block = re.search(
        r"```\n\$ govopen-rules (check-stats [^\n]+)\n(.*?)```", PAGE.read_text("utf-8"), re.S
    )
    assert block is not None
    monkeypatch.chdir(ROOT)
    status = main(block.group(1).split(), registry=Registry(load_entrypoints=False))
    assert status == 1
    assert capsys.readouterr().out == block.group(2)
