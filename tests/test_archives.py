"""What a zip archive unpacks to is counted from what its parts really hold, not what they say."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from govopen_rules.archives import unpacked_size


def _archive(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _lying(real: bytes, padding: int) -> bytes:
    """An archive whose one part holds ``real`` then ``padding`` spaces but declares (size and
    CRC) only ``real``: zipfile hands back ``real`` without an error, after inflating it all."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("part.xml", real + b" " * padding)
    raw = bytearray(out.getvalue())
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 16, zlib.crc32(real))
    struct.pack_into("<I", raw, central + 24, len(real))
    return bytes(raw)


def test_an_honest_archive_unpacks_to_the_sum_of_its_parts() -> None:
    parts = {"a.xml": b"<a/>" * 1000, "b.xml": os.urandom(5000), "c": b""}
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        found = unpacked_size(io.BytesIO(_archive(parts, method)), 10**6)
        assert found is not None and found.problem is None
        assert found.total == sum(map(len, parts.values()))
        assert (found.largest_part, found.largest_size) == ("b.xml", 5000)


def test_a_part_holding_more_than_it_declares_is_refused() -> None:
    data = _lying(b"<Types/>", 2_000_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # what openpyxl would be given
        assert archive.read("part.xml") == b"<Types/>"
    found = unpacked_size(io.BytesIO(data), 10**8)
    assert found is not None
    assert found.problem == "part.xml: it holds more than the 8 bytes it declares"


def test_counting_stops_past_the_limit() -> None:
    found = unpacked_size(io.BytesIO(_lying(b"<Types/>", 50_000_000)), 1_000_000)
    assert found is not None and found.problem is None
    assert 1_000_000 < found.total <= 1_000_000 + (1 << 16) + 1


@pytest.mark.parametrize(
    ("method", "said"),
    [(zipfile.ZIP_BZIP2, "compressed with method 12"), (zipfile.ZIP_LZMA, "method 14")],
)
def test_parts_compressed_as_excel_and_word_never_do_are_refused(method: int, said: str) -> None:
    found = unpacked_size(io.BytesIO(_archive({"a.xml": b"a" * 100}, method)), 10**6)
    assert found is not None and found.problem is not None and said in found.problem


def test_a_file_object_is_left_where_it_was_and_a_path_is_read_too(tmp_path: Path) -> None:
    data = _archive({"a.xml": b"abc" * 10})
    stream = io.BytesIO(data)
    stream.seek(7)
    assert unpacked_size(stream, 100) is not None
    assert stream.tell() == 7
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    found = unpacked_size(path, 100)
    assert found is not None and found.total == 30


def test_what_is_no_readable_zip_archive_is_left_to_its_reader(tmp_path: Path) -> None:
    assert unpacked_size(io.BytesIO(b"not a zip"), 100) is None
    assert unpacked_size(tmp_path / "missing.zip", 100) is None
    read, write = os.pipe()
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert unpacked_size(pipe, 100) is None
    damaged = bytearray(_archive({"a.xml": b"a" * 1000}))
    damaged[35:41] = b"\xff" * 6  # the part's deflated data: 11 bytes from offset 35
    found = unpacked_size(io.BytesIO(bytes(damaged)), 10**6)
    assert found is not None and found.problem is not None
    assert found.problem.startswith("a.xml: it does not inflate (Error -3")
