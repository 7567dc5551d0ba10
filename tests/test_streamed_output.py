"""Files a command streams into are put in place whole, and only the file itself is replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from govopen_rules.cli.streamed_output import drop_results_of, streamed_file


def test_a_file_is_put_in_place_only_when_the_block_ends_well(tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    target.write_bytes(b"before\n")
    with pytest.raises(RuntimeError), streamed_file(target, binary=True) as stream:
        stream.write(b"half")
        raise RuntimeError("stopped")
    assert target.read_bytes() == b"before\n"
    with streamed_file(target, binary=True) as stream:
        stream.write(b"after\n")
        assert target.read_bytes() == b"before\n"  # not yet
    assert target.read_bytes() == b"after\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


def test_a_symlink_stays_a_link_and_the_mode_is_kept(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "results.jsonl"
    real.write_bytes(b"before\n")
    os.chmod(real, 0o600)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with streamed_file(link, binary=True) as stream:
        stream.write(b"after\n")
    assert link.is_symlink() and real.read_bytes() == b"after\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_hard_links_devices_and_proc_paths_are_written_directly(tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    target.write_bytes(b"before\n")
    other = tmp_path / "other-name.jsonl"
    os.link(target, other)
    with streamed_file(target, binary=True) as stream:
        stream.write(b"after\n")
        drop_results_of(stream, {"a"})  # written directly: nothing to take out
    assert other.read_bytes() == b"after\n"
    with streamed_file(Path("/dev/null"), binary=False) as stream:
        stream.write("nothing\n")
    read, write = os.pipe()
    try:
        with streamed_file(Path(f"/proc/self/fd/{write}"), binary=True) as stream:
            stream.write(b"through the pipe\n")
        assert os.read(read, 100) == b"through the pipe\n"
    finally:
        os.close(read)
        os.close(write)


def test_results_of_units_sharing_an_id_are_taken_out(tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    lines = [b'{"unit":{"id":"a"},"x":1}', b'{"unit":{"id":"b"},"x":2}',
             b'{"unit":{"id":"cafe\\u0301"}}', b'{"unit":{"id":"q\\"uote"}}']  # fmt: skip
    with streamed_file(target, binary=True) as stream:
        stream.write(b"\n".join(lines) + b"\n")
        drop_results_of(stream, {"a", "café", 'q"uote'})
    assert target.read_bytes() == lines[1] + b"\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]
