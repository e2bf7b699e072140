"""PHP's read semantics without sockets: the same bytes split at every boundary.

A :class:`~phpstreams.core.stream.Stream` reads through its ops; scripted ops
stand in for the socket at this level only: each read yields the next scripted
chunk (or b"" for EOF), as one recv() would. Every read function's path
(fread, fgets, stream_get_line, fgetc, stream_get_contents) is the stream's
one path over its ReadBuffer.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phpstreams.core.readbuffer import CHUNK_SIZE
from phpstreams.core.stream import Stream

DATA = b"first line\nsecond line\r\nthird\n\nlast-no-newline"


class ScriptedOps:
    """Stream ops whose reads return scripted chunks, then EOF."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.recv_sizes: list[int] = []

    def read(self, stream: Stream, size: int) -> bytes | None:
        self.recv_sizes.append(size)
        if not self.chunks:
            stream.eof = True
            return b""
        chunk = self.chunks.pop(0)
        if len(chunk) > size:  # a stream socket hands out at most `size` bytes
            self.chunks.insert(0, chunk[size:])
            chunk = chunk[:size]
        return chunk

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        return len(data), 0

    def alive(self, stream: Stream) -> bool:
        return bool(self.chunks)

    def pending(self, stream: Stream) -> int:
        return 0


class ScriptedStream(Stream):
    """A Stream over ScriptedOps, with the ops' read sizes at hand."""

    __slots__ = ("recv_sizes",)

    def __init__(self, chunks: list[bytes]) -> None:
        ops = ScriptedOps(chunks)
        super().__init__(ops, None, "tcp_socket/ssl", None)
        self.recv_sizes = ops.recv_sizes


def splits(data: bytes) -> list[list[bytes]]:
    """The data cut at every single boundary, at every pair, and byte by byte."""
    out = [[data], [data[i : i + 1] for i in range(len(data))]]
    out += [[data[:i], data[i:]] for i in range(1, len(data))]
    out += [
        [data[:i], data[i:j], data[j:]] for i, j in itertools.combinations(range(1, len(data)), 2)
    ]
    return out


def all_lines(stream: Stream, length: int | None = None) -> list[bytes]:
    lines = []
    while (line := stream.get_line(length)) is not None:
        lines.append(line)
    return lines


EXPECTED_LINES = [b"first line\n", b"second line\r\n", b"third\n", b"\n", b"last-no-newline"]


@pytest.mark.parametrize("chunks", splits(DATA))
def test_fgets_is_independent_of_splits(chunks: list[bytes]) -> None:
    stream = ScriptedStream(chunks)
    assert all_lines(stream) == EXPECTED_LINES
    assert stream.eof and stream.unread_bytes() == 0
    assert stream.position == len(DATA)


@pytest.mark.parametrize("chunks", splits(DATA)[:60])
def test_fgets_with_length(chunks: list[bytes]) -> None:
    # PHP: fgets($fp, 5) returns at most 4 bytes
    stream = ScriptedStream(chunks)
    lines = all_lines(stream, 5)
    assert b"".join(lines) == DATA
    assert all(len(line) <= 4 for line in lines)
    assert lines[:4] == [b"firs", b"t li", b"ne\n", b"seco"]


def test_fgets_length_one_is_false() -> None:
    stream = ScriptedStream([DATA])
    assert stream.get_line(1) is None
    assert stream.recv_sizes == []  # PHP: nothing is even read


@pytest.mark.parametrize("chunks", splits(DATA))
def test_stream_get_line_is_independent_of_splits(chunks: list[bytes]) -> None:
    stream = ScriptedStream(chunks)
    records = []
    while (record := stream.get_record(100, b"\n")) is not None:
        records.append(record)
    assert records == [b"first line", b"second line\r", b"third", b"", b"last-no-newline"]


@pytest.mark.parametrize("chunks", splits(DATA))
def test_stream_get_line_multibyte_delimiter(chunks: list[bytes]) -> None:
    stream = ScriptedStream(chunks)
    assert stream.get_record(100, b"\r\n") == b"first line\nsecond line"
    assert stream.get_record(100, b"\r\n") == b"third\n\nlast-no-newline"
    assert stream.get_record(100, b"\r\n") is None


def test_stream_get_line_maxlen_and_no_delimiter() -> None:
    stream = ScriptedStream([DATA])
    assert stream.get_record(4, b"") == b"firs"
    assert stream.get_record(8, b"\n") == b"t line"  # delimiter within maxlen: consumed
    assert stream.get_record(3, b"\n") == b"sec"


@pytest.mark.parametrize("chunks", splits(DATA))
def test_fread_returns_what_one_read_yields(chunks: list[bytes]) -> None:
    stream = ScriptedStream(chunks)
    parts = []
    while not stream.eof or stream.unread_bytes():
        before = len(stream.recv_sizes)
        part = stream.read(7)
        assert part is not None and len(part) <= 7
        assert len(stream.recv_sizes) - before <= 1  # PHP: at most one fill per fread
        parts.append(part)
    assert b"".join(parts) == DATA


def test_fill_sizes_follow_php() -> None:
    # PHP: the first fill asks for one chunk; after a partial read the buffer keeps
    # the unread tail and the next fill asks for the free space.
    stream = ScriptedStream([b"x" * 100000])
    assert len(stream.read(100000) or b"") == CHUNK_SIZE
    assert stream.recv_sizes == [CHUNK_SIZE]
    assert len(stream.read(5) or b"") == 5
    assert stream.unread_bytes() == CHUNK_SIZE - 5
    assert len(stream.read(100000) or b"") == 2 * CHUNK_SIZE - 5
    assert stream.recv_sizes == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE]


@pytest.mark.parametrize("chunks", splits(DATA)[:80])
def test_get_contents_and_getc(chunks: list[bytes]) -> None:
    stream = ScriptedStream(chunks)
    assert stream.read(1) == b"f"
    assert stream.copy_to_mem(0) == DATA[1:]
    assert stream.copy_to_mem(0) == b""


def test_get_contents_with_maxlen() -> None:
    stream = ScriptedStream([DATA[:3], DATA[3:9], DATA[9:]])
    assert stream.copy_to_mem(10) == DATA[:10]
    assert stream.position == 10


@given(st.binary(max_size=300), st.lists(st.integers(min_value=1, max_value=40), max_size=30))
def test_lines_survive_any_split(data: bytes, cuts: list[int]) -> None:
    chunks, rest = [], data
    for cut in cuts:
        if not rest:
            break
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        chunks.append(rest)
    stream = ScriptedStream(chunks)
    lines = all_lines(stream)
    assert b"".join(lines) == data
    assert all(line.endswith(b"\n") for line in lines[:-1])
