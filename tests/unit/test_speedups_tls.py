"""The C fast reads on TLS streams against the Python reference.

The C path (core/_speedups.c, tls_read) makes the first SSL_read of
TLSOps._io itself and hands every failure to TLSOps.resume_read; the Python
functions behind the fast entries (``entry.python``) make the whole read in
Python. Both run the same call sequences against a TLS peer they control
record by record (an ``ssl.SSLObject`` over memory BIOs on a real loopback
socket): data in pieces of many sizes, TLS records cut in two, close_notify, a
plain FIN, a reset, a blocking read that times out, a non-blocking one that
finds nothing. Results, warnings and stream state must agree.

Skipped when the extension is not built or PHPSTREAMS_PURE_PYTHON is set.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import phpstreams
from phpstreams import (
    STREAM_CLIENT_CONNECT,
    fclose,
    feof,
    fgetc,
    fgets,
    fread,
    stream_context_create,
    stream_get_line,
    stream_get_meta_data,
    stream_set_blocking,
    stream_set_chunk_size,
    stream_set_timeout,
    stream_socket_client,
)
from phpstreams.core import speedups
from phpstreams.core.stream import StreamResource

pytestmark = pytest.mark.skipif(not speedups.ACTIVE, reason="the C speedups are not active")

ALPHABET = b"ab\r\n"


class Certs:
    def __init__(self, folder: Path) -> None:
        ca = trustme.CA()
        self.cafile = str(folder / "ca.pem")
        ca.cert_pem.write_to_path(self.cafile)
        self.server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1").configure_cert(self.server)
        self.server.num_tickets = 0  # TLS 1.3: no tickets left unread before the data


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return Certs(tmp_path_factory.mktemp("tlsread"))


class Peer:
    """The server end: TLS over memory BIOs, so that what reaches the wire (whole
    records, part of one, close_notify, FIN, RST) is the test's to decide."""

    def __init__(self, certs: Certs, version: ssl.TLSVersion) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        certs.server.maximum_version = version
        self.tls = certs.server.wrap_bio(self.incoming, self.outgoing, server_side=True)
        self.conn: socket.socket | None = None
        self.held = b""  # the second part of a record cut in two
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._handshake)
        self.thread.start()

    def _handshake(self) -> None:
        try:
            self.listener.settimeout(10)
            conn, _ = self.listener.accept()
            conn.settimeout(10)
            # no Nagle: the rest of a cut record goes out at once, not after an ACK
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conn = conn
            while True:
                try:
                    self.tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    self._flush()
                    data = conn.recv(65536)
                    if not data:
                        raise ConnectionError("the client left during the handshake") from None
                    self.incoming.write(data)
            self._flush()
        except BaseException as exc:  # the test reports it
            self.error = exc

    def _flush(self, cut: int | None = None) -> None:
        assert self.conn is not None
        wire = self.outgoing.read()
        if cut is not None:
            wire, self.held = wire[:cut], self.held + wire[cut:]
        if wire:
            self.conn.sendall(wire)

    def ready(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def act(self, name: str, *args: Any) -> None:
        assert self.conn is not None
        if name == "send":
            self.tls.write(args[0])
            self._flush()
        elif name == "send_cut":  # a record's first ``cut`` bytes; the rest with "rest"
            self.tls.write(args[0])
            self._flush(args[1])
        elif name == "rest":
            if self.held:
                self.conn.sendall(self.held)
                self.held = b""
        elif name == "close_notify":
            try:
                self.tls.unwrap()
            except ssl.SSLWantReadError:
                pass
            self._flush()
        elif name == "fin":
            self.conn.shutdown(socket.SHUT_WR)
        elif name == "reset":
            self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.conn.close()
            self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.listener.close()


def connect(certs: Certs, version: ssl.TLSVersion) -> tuple[StreamResource, Peer]:
    peer = Peer(certs, version)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    fp = stream_socket_client(
        f"ssl://127.0.0.1:{peer.port}", None, None, 10, STREAM_CLIENT_CONNECT, ctx
    )
    peer.ready()
    assert fp is not False
    return fp, peer


def stream_state(fp: StreamResource) -> tuple[Any, ...]:
    s = fp.stream
    assert s is not None
    meta = stream_get_meta_data(fp)
    meta.pop("crypto", None)
    return (s.position, s.unread_bytes(), s._wpos, s._buflen, s.filled, s.eof, meta)


READS: dict[str, Callable[..., Any]] = {
    "fgets": fgets,
    "fread": fread,
    "fgetc": fgetc,
    "feof": feof,
    "stream_get_line": stream_get_line,
    "stream_get_contents": phpstreams.stream_get_contents,
}
ENDS = ("close_notify", "fin", "reset")


def run(
    certs: Certs,
    calls: list[tuple[Any, ...]],
    fast: bool,
    blocking: bool,
    chunk: int,
    version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
) -> list[object]:
    """The calls on one fresh TLS connection: peer actions and reads, with what
    each read returned, warned and left in the stream."""
    fp, peer = connect(certs, version)
    out: list[object] = []
    try:
        if chunk != 8192:
            stream_set_chunk_size(fp, chunk)
        if not blocking:
            stream_set_blocking(fp, False)
        else:  # (blocking already; stream_set_blocking(fp, true) would clear the O_NONBLOCK
            # the TLS socket shares with it: see the report of the tlsread branch)
            stream_set_timeout(fp, 0, 30_000)  # a read that finds nothing times out
        ended = False
        for name, *args in calls:
            if name in READS:
                function = READS[name] if fast else READS[name].python
                with warnings.catch_warnings(record=True) as seen:
                    warnings.simplefilter("always")
                    result = function(fp, *args)
                texts = [f"{w.category.__name__}: {w.message}" for w in seen]
                out.append((name, args, result, texts, stream_state(fp)))
            elif not ended:
                peer.act(name, *args)
                ended = name in ENDS
    finally:
        fclose(fp)
        peer.close()
    return out


text = st.binary(min_size=1, max_size=300).map(lambda b: bytes(ALPHABET[c % 4] for c in b))
big = st.integers(1, 40_000).map(lambda n: (b"ab\n" * (n // 3 + 1))[:n])
read = st.one_of(
    st.tuples(st.just("fgets")),
    st.tuples(st.just("fread"), st.sampled_from([1, 5, 100, 8192, 16384, 20000])),
    st.tuples(st.just("fgetc")),
    st.tuples(st.just("feof")),
    st.tuples(st.just("stream_get_contents")),
    st.tuples(
        st.just("stream_get_line"), st.integers(0, 300), st.sampled_from([b"\n", b"\r\n", b"ab", b""])
    ),
)
action = st.one_of(
    st.tuples(st.just("send"), st.one_of(text, big)),
    st.tuples(st.just("send_cut"), text, st.integers(1, 40)),
    st.tuples(st.just("rest")),
    st.tuples(st.sampled_from(ENDS)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(read, action), max_size=14), st.booleans(),
       st.sampled_from([8192, 8192, 7, 1]))
def test_tls_reads_agree_with_python(
    certs: Certs, calls: list[tuple[Any, ...]], blocking: bool, chunk: int
) -> None:
    if blocking:  # a blocking stream_get_contents would wait for the end: put one last
        calls = [c for c in calls if c[0] != "stream_get_contents"]
    assert run(certs, calls, True, blocking, chunk) == run(certs, calls, False, blocking, chunk)


def scenarios() -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    lines = b"".join(b"line %d\n" % i for i in range(3000))
    for end in ENDS:
        yield f"bulk-{end}", [("send", lines), ("fgets",), ("fread", 8192), ("fread", 8192),
                              (end,), ("stream_get_contents",), ("fread", 10), ("feof",)]
        yield f"cut-{end}", [("send_cut", b"x" * 200, 30), ("fread", 100), ("rest",),
                             ("fread", 100), (end,), ("fread", 100), ("fread", 100), ("feof",)]
        yield f"end-first-{end}", [("send", b"tail\n"), (end,), ("fgets",), ("fgets",),
                                   ("fgetc",), ("feof",)]
    yield "nothing", [("fread", 10), ("fgets",), ("fgetc",), ("stream_get_line", 10, b"\n"),
                      ("feof",)]
    for size in (1, 2, 100, 8191, 8192, 8193, 16383, 16384, 16385, 40000):
        yield f"size-{size}", [("send", b"z" * size), ("fread", 8192), ("fread", 8192),
                               ("fread", 8192), ("fin",), ("fread", 8192), ("fread", 8192)]


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("blocking", [True, False])
@pytest.mark.parametrize("name_calls", list(scenarios()), ids=lambda nc: nc[0])
def test_tls_scenarios_agree_with_python(
    certs: Certs, name_calls: tuple[str, list[tuple[Any, ...]]], blocking: bool,
    version: ssl.TLSVersion,
) -> None:
    _, calls = name_calls
    fast = run(certs, calls, True, blocking, 8192, version)
    assert fast == run(certs, calls, False, blocking, 8192, version)


def test_the_c_path_reads_tls_and_hands_over_failures(
    certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C path reads without TLSTransport.recv; a blocking read that meets a
    cut record times out through resume_read, and the rest is still read whole."""
    from phpstreams.tls.io import TLSOps
    from phpstreams.transport.socket import TLSTransport

    resumed: list[type[BaseException]] = []
    original = TLSOps.resume_read

    def resume(self: TLSOps, stream: Any, failure: OSError, size: int, start: float) -> Any:
        resumed.append(type(failure))
        return original(self, stream, failure, size, start)

    recvs: list[int] = []
    python_recv = TLSTransport.recv

    def recv(self: TLSTransport, size: int) -> bytes:
        recvs.append(size)
        return python_recv(self, size)

    fp, peer = connect(certs, ssl.TLSVersion.TLSv1_3)
    try:
        monkeypatch.setattr(TLSOps, "resume_read", resume)
        monkeypatch.setattr(TLSTransport, "recv", recv)
        peer.act("send", b"hello\n")
        assert fgets(fp) == b"hello\n"
        assert recvs == [] and resumed == []  # read in C
        stream_set_timeout(fp, 0, 50_000)
        peer.act("send_cut", b"world\n", 10)
        assert fgets(fp) is False
        assert stream_get_meta_data(fp)["timed_out"] is True
        assert resumed == [ssl.SSLWantReadError]  # then Python's wait and SSL_reads
        del recvs[:], resumed[:]
        peer.act("rest")
        assert fgets(fp) == b"world\n"
        peer.act("close_notify")
        assert fread(fp, 10) == b""
        assert feof(fp) is True
        assert recvs == [] and resumed == []  # read in C, close_notify included
    finally:
        fclose(fp)
        peer.close()


def test_an_unwrapped_socket_goes_to_python(certs: Certs) -> None:
    """No _sslobj (the SSLSocket was closed under the stream): TLSOps.read does the
    read, as the Python path does; the same result, warnings and state."""
    results = []
    for function in (fread, fread.python):  # type: ignore[attr-defined]
        fp, peer = connect(certs, ssl.TLSVersion.TLSv1_3)
        try:
            assert fp.stream is not None
            fp.stream.tls.transport.sslsock.close()
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                result = function(fp, 10)
            results.append((result, [str(w.message) for w in seen], stream_state(fp)))
        finally:
            fclose(fp)
            peer.close()
    assert results[0] == results[1]


class Thrown(Exception):
    pass


def _throwing(seen: list[str]) -> Callable[[int, str], bool]:
    def handler(errno: int, errstr: str) -> bool:
        seen.append(errstr)
        raise Thrown(errstr)

    return handler


def test_a_throwing_error_handler_ends_the_call_as_in_python(certs: Certs) -> None:
    """A warning of the resumed read (a reset) goes to a handler that throws: the
    exception comes when the PHP function returns, after the read's work is done
    (stream_get_contents has read what came before the reset)."""
    results = []
    for function in (phpstreams.stream_get_contents, phpstreams.stream_get_contents.python):
        fp, peer = connect(certs, ssl.TLSVersion.TLSv1_3)
        seen: list[str] = []
        handler = _throwing(seen)

        try:
            peer.act("send", b"abc" * 5000)
            peer.act("reset")
            phpstreams.set_error_handler(handler)
            try:
                with pytest.raises(Thrown) as raised:
                    function(fp)
            finally:
                phpstreams.restore_error_handler()
            results.append((str(raised.value), seen, stream_state(fp)))
        finally:
            fclose(fp)
            peer.close()
    assert results[0] == results[1]
    assert results[0][1] == ["stream_get_contents(): SSL: Connection reset by peer"]
