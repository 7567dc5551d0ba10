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
    assert "  - units[1] (u1) at line 2: " in captured.err
    assert "  - units[3] at line 4: not JSON" in captured.err


def test_the_engine_is_chosen_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["evaluate", str(EXAMPLE), "--region", "xuanwei", "--format", "json"]
    assert cli.main([*argv, "--engine", "python"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["engine"], result["total"]) == ("python", "13.9")


XUANWEI_2021 = Path(__file__).parent.parent / "docs/examples/xuanwei-2021.yaml"


def _units_2021(n: int) -> list[dict[str, object]]:
    """The example as 2021 units, without its self-score for C6 (the 2021 file removes C6)."""
    units = []
    for text in _units(n):
        unit = json.loads(text)
        facts = [f for f in unit["facts"] if f.get("indicator") != "C6"]
        units.append(dict(unit, year=2021, facts=facts))
    return units


def test_a_cohort_takes_a_rubric_file_in_one_process_or_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A year's rubric that extends an installed one, given as a file: every worker reads it by
    its path, and the cohort is the one-process cohort."""
    source = tmp_path / "cohort.json"
    source.write_text(json.dumps({"units": _units_2021(3)}, ensure_ascii=False), encoding="utf-8")
    argv = ["cohort", str(source), "--region", "xuanwei", "--year", "2021", "--format", "json"]
    assert cli.main(argv) == 1  # not installed: no xuanwei 2021 rubric
    assert "xuanwei" in capsys.readouterr().err
    outputs = []
    for processes in ("0", "2"):
        assert cli.main([*argv, "--rubric", str(XUANWEI_2021), "--processes", processes]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    cohort = json.loads(outputs[0])
    assert cohort["rubric_id"] == "xuanwei-2021-county"
    assert [r["rubric_id"] for r in cohort["results"]] == ["xuanwei-2021-county"] * 3
    # The 2021 file drops indicator C6: no result holds it.
    assert all(i["code"] != "C6" for r in cohort["results"] for a in r["areas"]
               for i in a["indicators"])  # fmt: skip


def test_a_rubric_file_that_does_not_load_stops_the_cohort(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cohort.json"
    source.write_text(json.dumps({"units": _units_2021(1)}, ensure_ascii=False), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("extends: xuanwei:2020\nyear: [", encoding="utf-8")
    for processes in ("0", "2"):
        argv = ["cohort", str(source), "--region", "xuanwei", "--year", "2021",
                "--rubric", str(broken), "--processes", processes]  # fmt: skip
        assert cli.main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "broken.yaml" in err and "Traceback" not in err


YANAN = Path(__file__).parent.parent / "plugins/yanan/examples/yanan-2020-cohort.json"
YANAN_ARGS = [str(YANAN), "--region", "yanan", "--year", "2020"]


def test_placements_stream_to_a_json_lines_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line per placement, group by group in ranking order (what the kept cohort lists);
    the report keeps every count, share and comparison, without the lists."""
    assert cli.main(["cohort", *YANAN_ARGS, "--format", "json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    placements = tmp_path / "placements.jsonl"
    argv = ["cohort", *YANAN_ARGS, "--format", "json", "--placements", str(placements)]
    assert cli.main([*argv, "--processes", "2"]) == 0
    streamed = json.loads(capsys.readouterr().out)
    lines = [json.loads(line) for line in placements.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"group": g["name"], **p} for g in kept["groups"] for p in g["placements"]]
    assert len(lines) == sum(g["size"] for g in kept["groups"]) > 10
    for group in kept["groups"]:
        group["placements"] = []
        for table in [group["tiers"], (group["published"] or {}).get("tiers", [])]:
            for tier in table:
                tier["members"] = []
    assert streamed == kept


def test_streamed_placements_still_report_duplicates_across_processes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "units.jsonl"
    units = _units(3)
    source.write_text("\n".join([*units, units[0], "{broken"]), encoding="utf-8")
    placements, results = tmp_path / "placements.jsonl", tmp_path / "results.jsonl"
    argv = ["cohort", str(source), "--region", "xuanwei", "--year", "2020", "--processes", "2",
            "--placements", str(placements), "--results", str(results)]  # fmt: skip
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert f"error: 3 units in {source} could not be evaluated:" in captured.err
    assert "  - units[0] (u0) at line 1: unit.id: 'u0' is also the id of units[3]" in captured.err
    assert "  - units[3] (u0) at line 4: unit.id: 'u0' is also the id of units[0]" in captured.err
    placed = [json.loads(line)["unit_id"] for line in placements.read_text().splitlines()]
    assert placed == ["u1", "u2"]
    assert "the ranking was streamed to the placements file" in captured.out
    assert "（2个）" in captured.out


def test_lone_surrogates_are_refused_in_units_and_escaped_where_written(tmp_path: Path) -> None:
    """JSON may carry a lone surrogate (``"\\ud800"``: half a character, which no encoding has).
    A unit holding one is refused with the path (once, every writer ended in UnicodeEncodeError
    on its name); a published tier, compared and never evaluated, is written as JSON's escape,
    which reads back as the same text. A real stdout, in a subprocess: a captured one would not
    encode."""
    import subprocess
    import sys

    units = _units(3)
    units[1] = units[1].replace('"name": "', '"name": "\\ud800', 1)
    tier = "\ud800优秀"
    units[2] = json.dumps({**json.loads(units[2]), "published": {"tier": tier}})
    source = tmp_path / "units.jsonl"
    source.write_text("\n".join(units) + "\n", encoding="utf-8")
    results, placements = tmp_path / "results.jsonl", tmp_path / "placements.jsonl"
    command = [sys.executable, "-m", "govopen_rules", "cohort", str(source), *ARGS]
    streamed = ["--results", str(results), "--placements", str(placements)]
    for extra in ([], ["--processes", "2", *streamed]):
        done = subprocess.run([*command, *extra], capture_output=True, timeout=120)
        assert done.returncode == 1
        assert b"units[1] (u1) at line 2: unit.name: '\\ud800" in done.stderr
        assert b"holds a lone surrogate, U+D800" in done.stderr
        cohort = json.loads(done.stdout)  # valid UTF-8, valid JSON
        assert [f["index"] for f in cohort["failures"]] == [1]
        (warning,) = cohort["groups"][0]["warnings"]  # the tier's repr: escaped
        assert "['\\ud800优秀'] are not grades" in warning
    assert [json.loads(line)["unit"]["id"] for line in results.read_bytes().splitlines()] == [
        "u0",
        "u2",
    ]
    placed = [json.loads(line) for line in placements.read_bytes().splitlines()]
    assert [p["published"] for p in placed] == [None, tier] or [
        p["published"] for p in placed
    ] == [tier, None]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_workers_die_with_the_command_however_it_is_stopped(tmp_path: Path) -> None:
    """A cohort stopped with SIGTERM (a job scheduler's stop, ``timeout``) once left its workers
    evaluating, one holding 750 MB a hundred seconds later. SIGTERM now ends the command as an
    exception does (see the test below); a SIGKILL, which nothing can catch, must still take
    the workers with it."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "units.jsonl"
    source.write_text("\n".join(_units(3000)) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "govopen_rules", "cohort", str(source), *ARGS]
    parent = subprocess.Popen([*command, "--processes", "2"], stdout=subprocess.DEVNULL)

    def children() -> list[int]:
        try:
            text = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")  # a zombie no one has reaped yet is dead

    deadline = time.monotonic() + 60
    while len(workers := children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert len(workers) >= 2, "the workers never started"
        time.sleep(0.5)  # working, not starting
        parent.send_signal(signal.SIGKILL)
        assert parent.wait(timeout=30) == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)]
    finally:  # nothing left behind when the test fails
        parent.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_workers_that_die_with_their_parent_start_under_every_start_method(method: str) -> None:
    """Under forkserver a worker's parent is the fork server, not the pool's owner: comparing
    with the owner's pid once made every worker exit at once (forkserver is 3.14's default)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from govopen_rules.evaluation.running import die_with_parent

    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(2, mp_context=context, initializer=die_with_parent) as pool:
        pids = {pool.submit(os.getpid).result(timeout=60) for _ in range(4)}
    assert pids and os.getpid() not in pids


def test_a_stopped_cohort_leaves_its_outputs_and_tmpdir_as_they_were(tmp_path: Path) -> None:
    """SIGTERM part way: exit 143, the temporary standings removed, the previous placements
    and results files untouched, no half-written file beside them."""
    import os
    import signal
    import subprocess
    import sys
    import time

    example = json.loads(EXAMPLE.read_text("utf-8"))
    with (tmp_path / "units.jsonl").open("w", encoding="utf-8") as units:
        for i in range(20_000):
            units.write(json.dumps(example | {"unit": example["unit"] | {"id": f"u{i}"}}) + "\n")
    (tmp_path / "placements.jsonl").write_text("before\n", encoding="utf-8")
    (tmp_path / "results.jsonl").write_text("before\n", encoding="utf-8")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    command = [
        *(sys.executable, "-m", "govopen_rules", "cohort", "units.jsonl", "--region", "xuanwei"),
        *("--year", "2020", "--placements", "placements.jsonl", "--results", "results.jsonl"),
    ]
    proc = subprocess.Popen(
        command, cwd=tmp_path, env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(scratch.iterdir()) and proc.poll() is None:  # the standings are under way
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    # The queued chunks are dropped, not evaluated first (they once took 23 s to no end).
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert list(scratch.iterdir()) == []
    assert (tmp_path / "placements.jsonl").read_text("utf-8") == "before\n"
    assert (tmp_path / "results.jsonl").read_text("utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "placements.jsonl", "results.jsonl", "tmpdir", "units.jsonl",
    ]  # fmt: skip


def test_a_unit_that_shares_its_id_is_taken_out_of_the_streamed_results(tmp_path: Path) -> None:
    """Its result was written before the second unit with its id was read; neither is placed,
    so neither is in the results."""
    example = json.loads(EXAMPLE.read_text("utf-8"))
    lines = [
        json.dumps(example | {"unit": example["unit"] | {"id": unit_id}}, ensure_ascii=False)
        for unit_id in ("a", "b", "a", "c")
    ]
    (tmp_path / "units.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    status = cli.main(
        [
            *("cohort", str(tmp_path / "units.jsonl"), "--region", "xuanwei", "--year", "2020"),
            *("--results", str(results)),
        ]
    )
    assert status == 1
    ids = [json.loads(line)["unit"]["id"] for line in results.read_text("utf-8").splitlines()]
    assert ids == ["b", "c"]


def test_a_json_lines_cohort_is_counted_read_and_named_line_by_line_alike(tmp_path: Path) -> None:
    """The progress total, the units sent and the lines named in failures agree, whatever the
    blank lines, CRLF, a byte-order mark, a last line without its newline, or a blank line
    longer than the input limit."""
    from govopen_rules.cli.cohort_input import line_numbers, streamed_units
    from govopen_rules.cli.common import input_limit

    good = b'{"unit": {"id": "a"}}'
    text = b"\xef\xbb\xbf" + good + b"\r\n\r\n  \n" + b" " * 3000 + b"\n" + b"{bad\n\n" + good
    path = tmp_path / "units.jsonl"
    path.write_bytes(text)
    with input_limit(0.002):  # 2,000 bytes: the long blank line is past it
        units, total = streamed_units(path)
        sent = list(units)
    assert total == len(sent) == 3
    assert [type(u) for u in sent] == [bytes, bytes, bytes]
    assert sent[0].startswith(b"{") and sent[1] == b"{bad\n"
    assert line_numbers(path, {0, 1, 2}) == {0: 1, 1: 5, 2: 7}


def test_a_second_sigterm_while_cleaning_up_ends_the_command(tmp_path: Path) -> None:
    """A supervisor that asks twice: the second SIGTERM, arriving while the pool shuts down,
    once left the command waiting forever for a worker."""
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "units.jsonl"
    source.write_text("\n".join(_units(3000)) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "govopen_rules", "cohort", str(source), *ARGS]
    proc = subprocess.Popen(
        [*command, "--processes", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(3)  # the pool is working
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=30) in (143, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_the_input_limit_is_on_a_lines_content_whatever_its_ending(
    tmp_path: Path, ending: bytes
) -> None:
    """A line of exactly the limit was refused when it ended in CRLF and taken with LF."""
    from govopen_rules.cli.cohort_input import streamed_units
    from govopen_rules.cli.common import input_limit
    from govopen_rules.evaluation.cohort import UnreadableUnit

    exactly = b'{"a": "' + b"x" * 91 + b'"}'
    assert len(exactly) == 100
    path = tmp_path / "units.jsonl"
    path.write_bytes(exactly + ending + exactly + b"x" + ending)
    with input_limit(0.0001):  # 100 bytes
        units, total = streamed_units(path)
        sent = list(units)
    assert total == 2
    assert sent[0] == exactly + ending
    assert isinstance(sent[1], UnreadableUnit)
