"""The C speedups against the Python reference: the same inputs, the same results.

1. The C ReadBuffer and the Python one are fed the same bytes and the same
   operation sequences (hypothesis); every result and every attribute agree.
2. The C fast entries (fgets, fread, stream_get_line, fgetc, feof, fwrite) and
   the Python functions behind them (``entry.python``) run the same call
   sequences on two identical socket pairs, the data arriving in the same
   pieces between the calls; results and stream state agree.
3. stream_select's C path (``selecting._select_plain``) and the Python code
   select over the same arrays (lists, dicts, duplicates, buffered, readable,
   idle and hung-up streams); counts and rewritten arrays agree.
4. A blocking read's wait (poll with the stream's timeout, then one recv) in
   C and in PlainOps._after_failure: the timeout, data or EOF arriving while
   it waits; results and stream state (timed_out, poll_first, eof) agree.

Skipped when the extension is not built or PHPSTREAMS_PURE_PYTHON is set.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import phpstreams
from phpstreams import (
    STREAM_PF_UNIX,
    STREAM_SOCK_STREAM,
    fclose,
    feof,
    fgetc,
    fgets,
    fread,
    fwrite,
    stream_get_line,
    stream_get_meta_data,
    stream_set_blocking,
    stream_set_timeout,
    stream_socket_pair,
)
from phpstreams.core import selecting, speedups
from phpstreams.core.readbuffer import PythonReadBuffer, ReadBuffer
from phpstreams.core.stream import Stream, StreamResource

pytestmark = pytest.mark.skipif(not speedups.ACTIVE, reason="the C speedups are not active")

ALPHABET = b"ab\r\n"

# -- 1. the buffer ---------------------------------------------------------------

operation = st.one_of(
    st.tuples(st.just("fill_size"), st.integers(1, 24)),
    st.tuples(st.just("feed"), st.binary(max_size=30).map(lambda b: bytes(ALPHABET[c % 4] for c in b))),
    st.tuples(st.just("take"), st.integers(0, 40)),
    st.tuples(st.just("line")),
    st.tuples(st.just("take_line_part"), st.one_of(st.none(), st.integers(0, 40))),
    st.tuples(
        st.just("search"),
        st.sampled_from([b"\n", b"\r\n", b"ab", b"a\r\n", b""]),
        st.integers(0, 40),
        st.integers(0, 10),
    ),
    st.tuples(st.just("take_record"), st.integers(0, 40), st.integers(0, 3)),
    st.tuples(st.just("bypassed"), st.integers(0, 9)),
    st.tuples(st.just("unread_bytes")),
)


def state(buffer: Any) -> tuple[Any, ...]:
    return (
        buffer._buf,
        buffer._pos,
        buffer._wpos,
        buffer._buflen,
        buffer.filled,
        buffer.position,
        buffer.unread_bytes(),
    )


def apply(buffer: Any, op: tuple[Any, ...]) -> object:
    name, *args = op
    if name == "take_record":  # only what get_record asks: size + drop buffered
        size, drop = args
        unread = buffer.unread_bytes()
        args = [min(size, unread), min(drop, unread - min(size, unread))]
    return getattr(buffer, name)(*args)


def test_the_active_buffer_is_the_c_one() -> None:
    assert ReadBuffer is not PythonReadBuffer
    assert issubclass(Stream, ReadBuffer)
    assert phpstreams.SPEEDUPS is True


@settings(max_examples=400, deadline=None)
@given(st.lists(operation, max_size=40))
def test_c_and_python_buffers_agree(ops: list[tuple[Any, ...]]) -> None:
    c, py = ReadBuffer(), PythonReadBuffer()
    assert state(c) == state(py)
    for op in ops:
        assert apply(c, op) == apply(py, op), op
        assert state(c) == state(py), op


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200).map(lambda b: bytes(ALPHABET[c % 4] for c in b)),
    st.lists(st.integers(1, 40), min_size=1, max_size=20),
    st.integers(1, 50),
)
def test_the_same_bytes_split_everywhere(data: bytes, cuts: list[int], chunk: int) -> None:
    """Fill as a stream does (fill_size, then at most that many bytes), read lines."""
    c, py = ReadBuffer(), PythonReadBuffer()
    rest, lines, i = data, [], 0
    while rest or c.unread_bytes():
        size = c.fill_size(chunk)
        assert py.fill_size(chunk) == size
        piece, rest = rest[: min(size, cuts[i % len(cuts)])], rest[min(size, cuts[i % len(cuts)]) :]
        i += 1
        c.feed(piece)
        py.feed(piece)
        got = c.line()
        assert got == py.line()
        assert state(c) == state(py)
        if got is not None:
            lines.append(got)
        elif not rest:
            tail = c.take(10**6)
            assert tail == py.take(10**6)
            lines.append(tail)
    assert b"".join(lines) == data
    assert state(c) == state(py)


def test_wrong_arguments_raise() -> None:
    c = ReadBuffer()
    with pytest.raises(TypeError):
        c.feed("text")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        c.take(-1)
    with pytest.raises(TypeError):
        ReadBuffer(1)  # type: ignore[call-arg]
    # the attributes are writable (the filters use them), within the invariants
    with pytest.raises(ValueError):
        c._pos = 3  # past the end of an empty buffer
    with pytest.raises(TypeError):
        c._buf = "text"  # type: ignore[assignment]
    with pytest.raises(ValueError):
        c._wpos = -1
    c.feed(b"abcdef")
    c._pos = 4
    assert c.take(10) == b"ef"
    c._buf = b"xy"  # shorter than _pos: _pos moves to its end
    assert c._pos == 2 and c.unread_bytes() == 0


# -- 2. the fast entries on real sockets ------------------------------------------


def pair() -> tuple[StreamResource, StreamResource]:
    made = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert made is not False
    return made[0], made[1]


def stream_state(fp: StreamResource) -> tuple[Any, ...]:
    s = fp.stream
    assert s is not None
    return (s.position, s.unread_bytes(), s._wpos, s._buflen, s.filled, s.written,
            stream_get_meta_data(fp))


call = st.one_of(
    st.tuples(st.just("fgets")),
    st.tuples(st.just("fread"), st.integers(1, 30)),
    st.tuples(st.just("fgetc")),
    st.tuples(st.just("feof")),
    st.tuples(st.just("stream_get_contents")),
    st.tuples(
        st.just("stream_get_line"), st.integers(0, 30), st.sampled_from([b"\n", b"\r\n", b"ab", b"", "\r\n", "a"])
    ),
    st.tuples(st.just("send"), st.binary(min_size=1, max_size=25).map(lambda b: bytes(ALPHABET[c % 4] for c in b))),
    st.tuples(st.just("close_peer")),
)

FAST: dict[str, Callable[..., Any]] = {
    "fgets": fgets,
    "fread": fread,
    "fgetc": fgetc,
    "feof": feof,
    "stream_get_line": stream_get_line,
    "stream_get_contents": phpstreams.stream_get_contents,
}


def run(calls: list[tuple[Any, ...]], fast: bool, blocking: bool, chunk: int) -> list[object]:
    reader, writer = pair()
    phpstreams.stream_set_chunk_size(reader, chunk)
    stream_set_blocking(reader, blocking)
    out: list[object] = []
    peer_open = True
    try:
        for name, *args in calls:
            if name == "send":
                if peer_open:
                    send = fwrite if fast else fwrite.python  # type: ignore[attr-defined]
                    data = args[0].decode() if len(args[0]) % 2 else args[0]  # str or bytes
                    out.append(("fwrite", send(writer, data), stream_state(writer)))
                continue
            if name == "close_peer":
                if peer_open:
                    fclose(writer)
                    peer_open = False
                continue
            if blocking and peer_open:
                continue  # a blocking read could wait: only at EOF
            function = FAST[name] if fast else FAST[name].python  # type: ignore[attr-defined]
            out.append((name, function(reader, *args), stream_state(reader)))
    finally:
        fclose(reader)
        if peer_open:
            fclose(writer)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(call, max_size=30), st.booleans(), st.sampled_from([8192, 7, 1, 3]))
def test_fast_entries_agree_with_python(calls: list[tuple[Any, ...]], blocking: bool, chunk: int) -> None:
    if blocking:
        calls = [c for c in calls if c[0] in ("send", "close_peer")] + [("close_peer",)] + [
            c for c in calls if c[0] not in ("send", "close_peer")
        ]
    assert run(calls, True, blocking, chunk) == run(calls, False, blocking, chunk)


def test_the_entries_are_the_c_ones_and_keep_their_metadata() -> None:
    for name in (
        "fgets", "fread", "fwrite", "fputs", "stream_get_line", "fgetc", "feof", "stream_get_contents"
    ):
        entry = getattr(phpstreams, name)
        assert type(entry).__name__ == "FastEntry", name
        assert entry.__name__ == name
        assert entry.__doc__ == entry.python.__doc__
        assert entry.__php_signature__.name == name
        assert entry.__wrapped__ is entry.python


def test_fwrite_partial_send_on_a_full_socket_agrees() -> None:
    results = []
    for function in (fwrite, fwrite.python):  # type: ignore[attr-defined]
        writer, reader = pair()
        stream_set_blocking(writer, False)
        payload = b"x" * (4 << 20)
        first = function(writer, payload)
        second = function(writer, payload)
        assert writer.stream is not None
        results.append((first, second, writer.stream.written, writer.stream.position))
        fclose(writer)
        fclose(reader)
    assert results[0] == results[1]
    assert 0 < results[0][0] < 4 << 20


def test_fwrite_to_a_closed_peer_notices_as_python() -> None:
    for function in (fwrite, fwrite.python):  # type: ignore[attr-defined]
        writer, reader = pair()
        fclose(reader)
        with pytest.warns(phpstreams.PHPNotice, match=r"^fwrite\(\): Send of 3 bytes failed with errno=32 Broken pipe$"):
            assert function(writer, b"abc") is False
        fclose(writer)


def test_other_calls_go_to_python() -> None:
    reader, writer = pair()
    fwrite(writer, b"12345\n")
    assert fgets(reader, 3) == b"12"  # a length: the Python path
    assert fread(reader, True) == b"3"  # PHP's coercion: bool to int
    with pytest.raises(ValueError, match=r"^fread\(\): Argument #2 \(\$length\) must be greater than 0$"):
        fread(reader, 0)
    with pytest.raises(TypeError, match="must be of type resource, int given"):
        fgets(42)
    assert fwrite(writer, "str") == 3  # ASCII str data: the C path, as the Python one
    assert fwrite(writer, "\u00e9") == 2  # other str: the Python path encodes UTF-8
    assert fgets(stream=reader) == b"45\n"  # by name: the Python path
    assert fread(reader, 5) == "str\u00e9".encode()
    fclose(reader)
    with pytest.raises(TypeError, match="supplied resource is not a valid stream resource"):
        fgets(reader)
    assert fwrite(reader, b"") == 0  # PHP: an empty write never looks at the stream
    fclose(writer)


# -- 3. stream_select's C path (speedups.select_plain) ----------------------------

def _select_streams() -> tuple[list[StreamResource], list[StreamResource]]:
    """Four readers: buffered bytes, kernel-readable, idle, peer closed; and their peers."""
    readers, peers = [], []
    for _ in range(4):
        r, w = pair()
        readers.append(r)
        peers.append(w)
    fwrite(peers[0], b"xy")
    assert fread(readers[0], 1) == b"x"  # one byte stays in the read buffer
    fwrite(peers[1], b"z")
    fclose(peers[3])
    return readers, peers


def _array(choice: tuple[bool, list[tuple[int, int]]], streams: list[StreamResource]) -> Any:
    as_dict, picks = choice
    if as_dict:
        return {f"k{key}" if key % 2 else key: streams[index] for key, index in picks}
    return [streams[index] for _, index in picks]


array_choice = st.one_of(
    st.none(),
    st.tuples(st.booleans(), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=6)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(array_choice, array_choice, array_choice)
def test_select_c_and_python_agree(read: Any, write: Any, except_: Any) -> None:
    readers, peers = _select_streams()
    try:
        results = []
        for plain in (selecting._select_plain, None):
            arrays = [None if c is None else _array(c, readers) for c in (read, write, except_)]
            saved = selecting._select_plain
            selecting._select_plain = plain
            try:
                outcome: object = phpstreams.stream_select(*arrays, 0)
            except ValueError as exc:
                outcome = ("ValueError", str(exc))
            finally:
                selecting._select_plain = saved
            results.append((outcome, arrays))
        assert results[0] == results[1]
    finally:
        for fp in readers + peers[:3]:
            fclose(fp)


def test_select_c_path_is_taken_and_hands_back_the_rest() -> None:
    readers, peers = _select_streams()
    try:
        assert selecting._select_plain is not None
        r: Any = list(readers[1:3])
        assert selecting._select_plain(r, None, None, 0) == 1 and r == [readers[1]]
        r = {"a": readers[0], "b": readers[1]}
        w: Any = [readers[2]]
        assert selecting._select_plain(r, w, None, 0) == 1 and r == {"a": readers[0]} and w == []
        for odd in ([readers[1], 1], (readers[1],), [], [readers[1]]):
            arrays: list[Any] = [odd, None, None]
            before = list(odd)
            if odd == [readers[1]]:
                arrays = [odd, odd, None]  # the same array twice
            assert selecting._select_plain(*arrays, 0) is NotImplemented
            assert list(odd) == before
        assert selecting._select_plain([readers[1]], None, None, 2**40) is NotImplemented
    finally:
        for fp in readers + peers[:3]:
            fclose(fp)


# -- 4. a blocking read's wait ------------------------------------------------------


def _waiting_read(fast: bool, name: str, later: str | None) -> list[object]:
    """``name`` on a blocking reader with a short timeout; ``later`` is what its
    peer does meanwhile, from a thread: send a line, close, or nothing (the
    timeout). The read is made twice: the second one polls first."""
    reader, writer = pair()
    stream_set_timeout(reader, 0, 200_000 if later is None else 30_000_000)
    function = FAST[name] if fast else FAST[name].python  # type: ignore[attr-defined]
    args = (5,) if name == "fread" else ()
    out: list[object] = []
    peer_open = True
    try:
        for _ in range(2):
            if later is not None:
                def act(what: str = later) -> None:
                    time.sleep(0.02)  # the reader is (most likely) waiting by now
                    if what == "send":
                        fwrite(writer, b"hello\n")
                    else:
                        fclose(writer)

                thread = threading.Thread(target=act)
                thread.start()
            out.append((function(reader, *args), stream_state(reader)))
            if later is not None:
                thread.join()
                if later == "close":
                    peer_open = False
                    later = None  # the second read sees the EOF at once
                    stream_set_timeout(reader, 0, 200_000)
    finally:
        fclose(reader)
        if peer_open:
            fclose(writer)
    return out


@pytest.mark.parametrize("name", ["fgets", "fread"])
@pytest.mark.parametrize("later", [None, "send", "close"])
def test_the_wait_in_c_agrees_with_python(name: str, later: str | None) -> None:
    assert _waiting_read(True, name, later) == _waiting_read(False, name, later)


def test_a_read_that_waits_times_out_in_c() -> None:
    (first, state), (second, _) = _waiting_read(True, "fgets", None)
    assert first is False and second is False
    assert state[-1]["timed_out"] is True
