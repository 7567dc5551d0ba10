"""Progress bars: shown on a terminal, silent otherwise, counting every unit of a long run."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from tqdm import tqdm

from govopen_rules import evaluate_many
from govopen_rules.cli.progress import ProgressExecutor, counting_evaluations, progress
from govopen_rules.plugins.registry import default_registry

YANAN = Path(__file__).parent.parent / "plugins/yanan/examples/yanan-2020-cohort.json"


def units(n: int) -> list[dict[str, object]]:
    data = json.loads(YANAN.read_text(encoding="utf-8"), parse_float=Decimal)
    chosen: list[dict[str, object]] = data["units"][:n]
    return chosen


def visible_bar(total: int) -> tuple[tqdm[object], io.StringIO]:
    out = io.StringIO()
    return tqdm(total=total, file=out, disable=False, mininterval=0), out


def test_a_bar_is_silent_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(range(5), 5, "x")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""


def test_the_executor_advances_once_per_unit() -> None:
    shown, out = visible_bar(4)
    with ThreadPoolExecutor(2) as pool:
        cohort = evaluate_many(
            units(4), region="yanan", year=2020, executor=ProgressExecutor(pool, shown)
        )
    assert len(cohort.results) == 4 and shown.n == 4
    assert "4/4" in out.getvalue()


def test_in_process_evaluations_are_counted_and_the_observer_leaves() -> None:
    registry = default_registry()
    shown, _ = visible_bar(3)
    before = len(registry.plugin_manager.get_plugins())
    with counting_evaluations(registry, shown):
        evaluate_many(units(3), region="yanan", year=2020, registry=registry)
    assert shown.n == 3
    assert len(registry.plugin_manager.get_plugins()) == before


def test_the_cohort_command_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.json"
    cohort.write_text(json.dumps({"units": units(5)}, default=str), encoding="utf-8")
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide; give it a terminal's width.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "govopen_rules",
            "cohort",
            str(cohort),
            "--region",
            "yanan",
            "--year",
            "2020",
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=300,
        check=False,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert "| 优秀 |" in done.stdout.decode()  # the report itself is untouched
    assert "评估 evaluating" in shown.decode() and "/5 [" in shown.decode()
