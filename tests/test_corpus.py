"""Replay the hostile-input corpus (``tests/corpus/cases*.yaml``) through the command line.

Each case is a command line and the outcome it must end in (exit status, substrings of stdout
and stderr). Cheap cases run in this process through :func:`govopen_rules.cli.main` under an
alarm; the others (anything that once hung or blew up memory, or that needs an installed
plugin, an environment variable or a special stdout) run in their own interpreter under a time
limit and an address-space limit (``resource.setrlimit`` in ``preexec_fn``), two at a time,
started when the first of them is asked for. Any traceback, crash, hang, unbounded stderr or
wrong exit status fails the case.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from govopen_rules import cli
from govopen_rules.engines import durable_available

from conftest import deadline

ROOT = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "corpus"
FILES = CORPUS / "files"
PLUGIN = CORPUS / "plugin"
#: Every ``cases*.yaml`` (one per theme: ``cases.yaml``, ``cases-outputs.yaml``...), in name order.
CASES: list[dict[str, Any]] = [
    case
    for path in sorted(CORPUS.glob("cases*.yaml"))
    for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []
]

DEFAULT_TIMEOUT = 30  # seconds, per case
DEFAULT_MEMORY_MB = 1024  # address space of a subprocess case
DEFAULT_MAX_STDERR = 20_000  # bytes: echoed values are cut short, problems are capped


@attrs.frozen
class Outcome:
    status: int
    stdout: str
    stderr: str
    seconds: float


def _isolated(case: dict[str, Any]) -> bool:
    return case.get("run") == "subprocess" or "rubric" in case


def _argv(case: dict[str, Any], tmp: Path) -> list[str]:
    names = {"files": str(FILES), "tmp": str(tmp), "examples": str(ROOT / "plugins")}
    return [str(arg).format(**names) for arg in case["argv"]]


def _make_input(spec: dict[str, Any], tmp: Path) -> None:
    """Write an input too large to commit to ``tmp/input.json`` (a calendar file to
    ``tmp/calendar.yaml``)."""
    target = tmp / "input.json"
    example = json.loads((ROOT / "plugins/xuanwei/examples/xuanwei-2020.json").read_bytes())
    if "deep_json" in spec:
        depth = spec["deep_json"]
        target.write_text("[" * depth + "]" * depth, encoding="utf-8")
    elif "long_list" in spec:
        channels = {"kind": "application_channels", "channels": list(range(spec["long_list"]))}
        target.write_text(json.dumps(example | {"facts": [channels]}), encoding="utf-8")
    elif "padded_mb" in spec:  # a valid facts file, padded with whitespace past the size
        text = json.dumps(example, ensure_ascii=False)
        size = int(spec["padded_mb"] * 1_000_000)
        target.write_text(text + " " * (size - len(text.encode("utf-8")) + 10), encoding="utf-8")
    elif "cohort_copies" in spec:
        cohort = json.loads((ROOT / "plugins/yanan/examples/yanan-2020-cohort.json").read_bytes())
        units = []
        for copy in range(spec["cohort_copies"]):
            for unit in cohort["units"]:
                units.append(unit | {"unit": unit["unit"] | {"id": f"{unit['unit']['id']}-{copy}"}})
        target.write_text(json.dumps({"units": units}, ensure_ascii=False), encoding="utf-8")
    elif "calendar_padded_kb" in spec:  # a valid calendar file, padded with a comment
        text = "year: 2027\nholidays: [2027-01-01]\n# " + "x" * (spec["calendar_padded_kb"] * 1024)
        (tmp / "calendar.yaml").write_text(text + "\n", encoding="utf-8")
    elif "many_facts" in spec:  # a unit with that many requests, each with a note
        requests = [
            {
                "kind": "information_request",
                "received_on": "2020-03-02",
                "replied_on": f"2020-04-{1 + i % 28:02d}",
                "note": "x" * 200,
            }
            for i in range(spec["many_facts"])
        ]
        target.write_text(json.dumps(example | {"facts": requests}), encoding="utf-8")
    elif "zip_bomb_mb" in spec:  # a small archive whose one part unpacks to that many MB
        target = tmp / f"input.{spec['format']}"
        _zip_bomb(spec["format"], spec["zip_bomb_mb"], target)
        if spec.get("declared_small"):
            _declare_small(target, "[Content_Types].xml")
    elif "cohort_folder" in spec:  # a folder of two units: a good one and an odd one
        folder = tmp / "units"
        folder.mkdir()
        (folder / "a.json").write_bytes(json.dumps(example).encode())
        odd = folder / "b.json"
        kind = spec["cohort_folder"]
        if kind == "fifo":
            os.mkfifo(odd)
        elif kind == "devzero":
            odd.symlink_to("/dev/zero")
        elif kind == "loop":
            odd.symlink_to(folder / "c.json")
            (folder / "c.json").symlink_to(odd)
        elif kind == "gbk":
            odd.write_bytes(json.dumps(example, ensure_ascii=False).encode("gbk"))
        elif kind == "directory":
            odd.mkdir()
        else:
            raise AssertionError(f"unknown cohort_folder: {kind}")
    elif "jsonl_long_line_mb" in spec:  # a unit, a line longer than the limit, a unit
        line = json.dumps(example).encode()
        long = b'{"unit": "' + b"x" * int(spec["jsonl_long_line_mb"] * 1_000_000) + b'"}'
        (tmp / "input.jsonl").write_bytes(line + b"\n" + long + b"\n" + line.replace(b'"530381"', b'"x"') + b"\n")
    else:
        raise AssertionError(f"unknown make: {spec}")


def _declare_small(target: Path, name: str) -> None:
    """Move the bulk into ``name``, padded after its real bytes, and make the archive declare
    only the real bytes (size and CRC): zipfile reads the part back without an error after
    inflating all of it."""
    import io
    import struct
    import zipfile
    import zlib

    with zipfile.ZipFile(target) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    real = parts[name]
    bulk = max(len(data) for data in parts.values())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            if part == name:
                with archive.open(part, "w") as stream:
                    stream.write(real)
                    for start in range(0, bulk, 1 << 20):
                        stream.write(b" " * min(1 << 20, bulk - start))
            else:
                archive.writestr(part, data if len(data) < bulk else b"")
    raw = bytearray(out.getvalue())
    central = raw.find(b"PK\x01\x02")
    while raw[central + 46 : central + 46 + len(name)] != name.encode():
        central = raw.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", raw, central + 16, zlib.crc32(real))
    struct.pack_into("<I", raw, central + 24, len(real))
    target.write_bytes(bytes(raw))


def _zip_bomb(kind: str, megabytes: int, target: Path) -> None:
    """A workbook (xlsx) or Word document (docx) whose main part holds one huge text: a few
    hundred KB on disk."""
    import zipfile

    if kind == "xlsx":
        from openpyxl import Workbook

        Workbook().save(target.with_suffix(".base"))
        part = "xl/worksheets/sheet1.xml"
        head = (
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        )
        tail = b"</t></is></c></row></sheetData></worksheet>"
    else:
        import docx

        docx.Document().save(str(target.with_suffix(".base")))
        part = "word/document.xml"
        head = (
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>"
        )
        tail = b"</w:body></w:document>"
    with zipfile.ZipFile(target.with_suffix(".base")) as base, zipfile.ZipFile(
        target, "w", zipfile.ZIP_DEFLATED
    ) as bomb:
        for info in base.infolist():
            if info.filename != part:
                bomb.writestr(info, base.read(info.filename))
                continue
            with bomb.open(part, "w") as out:
                out.write(head)
                # one cell's text (xlsx), or paragraphs of 1 KB (docx: lxml refuses a text
                # node over 10 MB, but not a million paragraphs)
                paragraph = b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>"
                block = b"a" * (1 << 20) if kind == "xlsx" else paragraph * 1000
                for _ in range(megabytes):
                    out.write(block)
                out.write(tail)


def _run_in_process(case: dict[str, Any], tmp: Path) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        deadline(case.get("timeout", DEFAULT_TIMEOUT)),
    ):
        try:
            status = cli.main(_argv(case, tmp))
        except SystemExit as exc:  # argparse's usage errors
            status = exc.code if isinstance(exc.code, int) else 1
    return Outcome(status, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def _limits(memory_mb: int) -> None:
    """In the child before exec: cap its address space."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def _run_subprocess(case: dict[str, Any], tmp: Path) -> Outcome:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVOPEN_RULES_")}
    env.update({key: str(value) for key, value in case.get("env", {}).items()})
    if "rubric" in case:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN), env.get("PYTHONPATH")]))
        env["GOVOPEN_CORPUS_RUBRIC"] = str(FILES / case["rubric"])
    timeout = case.get("timeout", DEFAULT_TIMEOUT)
    memory = case.get("memory_mb", DEFAULT_MEMORY_MB)
    stdout: Any = subprocess.PIPE
    if "stdout_to" in case:
        stdout = open(case["stdout_to"], "wb")  # noqa: SIM115 - closed below
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "govopen_rules", *_argv(case, tmp)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp,
        preexec_fn=lambda: _limits(memory),
        start_new_session=True,
    )
    try:
        if case.get("close_stdout"):
            assert proc.stdout is not None
            proc.stdout.close()
        if case.get("interrupt"):  # Ctrl-C reaches the whole process group, once work is under way
            deadline = time.monotonic() + timeout
            while not _children(proc.pid) and proc.poll() is None:
                assert time.monotonic() < deadline, "the cohort never started its workers"
                time.sleep(0.05)
            time.sleep(1.0)  # the workers are busy: not still starting
            if case["interrupt"] == "SIGTERM":  # as a supervisor stops the command itself
                os.kill(proc.pid, signal.SIGTERM)
            else:
                os.killpg(proc.pid, signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError(f"hung: no answer within {timeout} s") from None
    finally:
        if stdout is not subprocess.PIPE:
            stdout.close()
    text = (out or b"").decode("utf-8", "replace")
    return Outcome(
        proc.returncode, text, err.decode("utf-8", "replace"), time.perf_counter() - start
    )


class _Isolated:
    """Subprocess cases, started together on two workers the first time one is asked for."""

    def __init__(self, tmp_factory: pytest.TempPathFactory) -> None:
        self.tmp_factory = tmp_factory
        self.futures: dict[str, Future[Outcome]] = {}
        self.pool = ThreadPoolExecutor(max_workers=2)

    def start(self) -> None:
        if self.futures:
            return
        for case in CASES:
            if _isolated(case):
                tmp = self.tmp_factory.mktemp("corpus")
                if "make" in case:
                    _make_input(case["make"], tmp)
                self.futures[case["id"]] = self.pool.submit(_run_subprocess, case, tmp)

    def outcome(self, case: dict[str, Any]) -> Outcome:
        self.start()
        return self.futures[case["id"]].result()


@pytest.fixture(scope="module")
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Isolated]:
    runner = _Isolated(tmp_path_factory)
    yield runner
    runner.pool.shutdown(wait=True, cancel_futures=True)


def test_the_corpus_is_large_and_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    known = {
        "id", "argv", "exit", "stdout", "stderr", "not_stdout", "not_stderr", "run", "rubric",
        "make", "env", "timeout", "memory_mb", "stdout_to", "close_stdout", "interrupt",
        "max_stderr", "engine",
    }  # fmt: skip
    for case in CASES:
        assert set(case) <= known, (case["id"], set(case) - known)
        assert isinstance(case["exit"], int) and isinstance(case["argv"], list), case["id"]
        assert "rubric" not in case or (FILES / case["rubric"]).is_file(), case["id"]
        if not _isolated(case):
            assert not {"env", "stdout_to", "close_stdout", "interrupt", "memory_mb"} & set(case)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case: dict[str, Any], isolated: _Isolated, tmp_path: Path) -> None:
    if case.get("engine") == "durable" and not durable_available():
        pytest.skip("a durable-rules sharp edge; durable-rules does not run on this Python")
    if _isolated(case):
        outcome = isolated.outcome(case)
    else:
        if "make" in case:
            _make_input(case["make"], tmp_path)
        outcome = _run_in_process(case, tmp_path)
    shown = f"exit {outcome.status}\n--- stdout\n{outcome.stdout[:3000]}\n--- stderr\n{outcome.stderr[:3000]}"
    for stream in (outcome.stdout, outcome.stderr):
        assert "Traceback" not in stream, shown
    assert outcome.status >= 0, f"crashed by signal {-outcome.status}\n{shown}"
    assert outcome.status == case["exit"], shown
    if case["exit"] == 1:
        assert any(line.startswith("error: ") for line in outcome.stderr.splitlines()), shown
    assert len(outcome.stderr.encode()) <= case.get("max_stderr", DEFAULT_MAX_STDERR), shown
    for wanted in case.get("stdout", []):
        assert wanted in outcome.stdout, f"{wanted!r} not in stdout\n{shown}"
    for wanted in case.get("stderr", []):
        assert wanted in outcome.stderr, f"{wanted!r} not in stderr\n{shown}"
    for unwanted in case.get("not_stdout", []):
        assert unwanted not in outcome.stdout, shown
    for unwanted in case.get("not_stderr", []):
        assert unwanted not in outcome.stderr, shown
