"""Progress bars: shown on a terminal, silent otherwise, counting every unit of a long run."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from decimal import Decimal
from pathlib import Path

import pytest

from govopen_rules.cli.progress import bar, progress

YANAN = Path(__file__).parent.parent / "plugins/yanan/examples/yanan-2020-cohort.json"


def units(n: int) -> list[dict[str, object]]:
    data = json.loads(YANAN.read_text(encoding="utf-8"), parse_float=Decimal)
    chosen: list[dict[str, object]] = data["units"][:n]
    return chosen


def test_a_bar_is_silent_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(range(5), 5, "x")) == [0, 1, 2, 3, 4]
    with bar(3, "y") as advance:
        advance("any", "arguments")  # it can stand in for on_result
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("processes", ["0", "2"])
def test_the_cohort_command_shows_a_bar_on_a_terminal(tmp_path: Path, processes: str) -> None:
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
            "--processes",
            processes,
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
    assert "评估 evaluating" in shown.decode() and "5/5" in shown.decode()
