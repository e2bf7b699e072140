"""Peers that fail on purpose: resets, closes mid-line, half-closes, garbage instead
of TLS, hang-ups during the handshake, a peer that drips bytes (the ``faults``
catalogue, ``catalogue/_faults.py``).

Every fault is triggered by the client, so that it happens at the same point of
the PHP run and of the phpstreams run: most kinds wait for the client's first
line (``GO``) and only then misbehave; the scenario sleeps after sending it, so
the fault has reached the client's kernel before the next call.

Plain kinds (TCP on 127.0.0.1 unless said):

* ``fault_reset_midread``: after ``GO``, sends ``PARTIAL_DATA`` (no newline),
  100 ms later a TCP reset (SO_LINGER 0): the client is waiting for the rest of
  the line when the reset comes;
* ``fault_reset_midwrite``: after ``GO``, reads nothing more; 300 ms later a
  reset, while the client is blocked writing ``BIG_WRITE`` bytes (how much was
  written by then varies from run to run with TCP's buffer autotuning:
  tests/loopback/test_faults.py uses it, not the catalogue);
* ``fault_close_after_go``: after ``GO``, closes (FIN; the client's later data is
  answered with a reset): a dead peer;
* ``fault_close_midline``: sends ``MIDLINE`` (a whole line, then part of one) and
  half-closes at once, then reads until the client closes (no reset);
* ``fault_halfclose``: sends ``HALF_LINE``, half-closes, and keeps reading
  until the client's EOF: the client reads EOF but can still write;
* ``fault_count``: reads until the client's EOF (the client half-closed), then
  answers ``received <n> bytes`` and closes;
* ``fault_drip``: sends ``DRIP`` one byte every ``DRIP_INTERVAL`` seconds, then
  half-closes and lingers until the client closes;
* ``fault_unix_close``: a unix socket server on ``{path}`` that closes each
  connection at once (writes to it fail with EPIPE);
* ``fault_unix_stall_close``: a unix socket server on ``{path}``: after ``GO``,
  reads nothing more, 300 ms later closes, while the client is blocked writing
  ``UNIX_BIG_WRITE`` bytes (a unix socket's buffer has no autotuning: how much
  was written by then is the same in every run, unlike TCP's).

TLS kinds (the good certificate; ``{cafile}`` verifies it), each sending the
line ``TLS_GREETING`` after the handshake:

* ``fault_tls_reset``: after ``GO``, a TCP reset;
* ``fault_tls_reset_midread``: after ``GO``, ``PARTIAL_DATA`` in one record,
  100 ms later a reset;
* ``fault_tls_reset_midwrite``: after ``GO``, reads nothing more; 300 ms later a
  reset, while the client is blocked writing (how much PHP wrote by then varies
  from run to run: tests/loopback/test_faults.py uses it, not the catalogue);
* ``fault_tls_reset_midrecord``: after ``GO``, the first half of the TLS record
  carrying ``PARTIAL_DATA``, 100 ms later a reset (the client waits for the rest
  of the record);
* ``fault_tls_drop``: after ``GO``, TCP FIN without close_notify, then reads the
  raw bytes until the client closes (its writes succeed);
* ``fault_tls_dropclose``: after ``GO``, FIN without close_notify and a full
  close (the client's next data is answered with a reset);
* ``fault_tls_midline``: after ``GO``, ``MIDLINE`` over TLS, then FIN without
  close_notify (lingering);
* ``fault_tls_garbage``: after ``GO``, ``GARBAGE`` raw on the TCP socket (not a
  TLS record), then lingers;
* ``fault_tls_drip``: after ``GO``, ``DRIP`` one byte per TLS record every
  ``DRIP_INTERVAL`` seconds, then close_notify;
* ``fault_hs_garbage``: reads the ClientHello, answers ``GARBAGE``, lingers;
* ``fault_hs_partial``: reads the ClientHello, sends the first
  ``PARTIAL_FLIGHT`` bytes of a real ServerHello flight, then closes (FIN);
* ``fault_hs_reset``: reads the ClientHello, then a reset.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import struct
from collections.abc import Callable

from ._base import register, started
from ._tls import TLSPeer

__all__ = [
    "BIG_WRITE",
    "DRIP",
    "DRIP_INTERVAL",
    "FAULT_KINDS",
    "GARBAGE",
    "GO",
    "HALF_LINE",
    "MIDLINE",
    "PARTIAL_DATA",
    "PARTIAL_FLIGHT",
    "TLS_FAULT_KINDS",
    "TLS_GREETING",
    "UNIX_BIG_WRITE",
    "FaultPeer",
]

GO = b"go\n"
PARTIAL_DATA = b"partial-data"
MIDLINE = b"whole line\npartial li"
HALF_LINE = b"before half-close\n"
DRIP = b"drip drip\nrecord|tail"
DRIP_INTERVAL = 0.01
GARBAGE = b"this is not a TLS record\r\n"
TLS_GREETING = b"hello over tls\n"
PARTIAL_FLIGHT = 40
BIG_WRITE = 8 << 20  # more than loopback's socket buffers take: the write blocks
UNIX_BIG_WRITE = 1 << 20  # more than a unix socket's buffer takes
_RESET_DELAY = 0.1
_STALL_DELAY = 0.3


def _reset(sock: socket.socket) -> None:
    """Abortive close: SO_LINGER 0 makes close() send a TCP reset."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultPeer(TLSPeer):
    """The fault kinds' handlers (a TLS peer: the TLS kinds need the certificates)."""

    def _line(self, recv: Callable[[], bytes]) -> bool:
        """Read until a newline (the client's ``GO``); False at EOF."""
        buffered = b""
        while b"\n" not in buffered:
            data = recv()
            if not data:
                return False
            buffered += data
        return True

    # -- plain ----------------------------------------------------------------------

    def handle_reset_midread(self, conn: socket.socket) -> None:
        if self._line(lambda: self._recv(conn)):
            self._send(conn, PARTIAL_DATA)
            if self._stop.wait(_RESET_DELAY):
                return
        _reset(conn)

    def handle_reset_midwrite(self, conn: socket.socket) -> None:
        if self._line(lambda: self._recv(conn)) and self._stop.wait(_STALL_DELAY):
            return
        _reset(conn)

    def handle_stall_close(self, conn: socket.socket) -> None:
        """After GO, read nothing more; 300 ms later close (unix: the writer's next
        send fails with EPIPE, whatever it left unread)."""
        if self._line(lambda: self._recv(conn)) and self._stop.wait(_STALL_DELAY):
            return
        conn.close()

    def handle_close_after_go(self, conn: socket.socket) -> None:
        self._line(lambda: self._recv(conn))
        conn.close()

    def handle_close_midline(self, conn: socket.socket) -> None:
        self._send(conn, MIDLINE)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        self._linger(conn)

    def handle_halfclose(self, conn: socket.socket) -> None:
        self._send(conn, HALF_LINE)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        self._linger(conn)

    def handle_count(self, conn: socket.socket) -> None:
        received = 0
        while data := self._recv(conn):
            received += len(data)
        with contextlib.suppress(OSError):
            self._send(conn, f"received {received} bytes\n".encode())
        conn.close()

    def handle_drip(self, conn: socket.socket) -> None:
        for i in range(len(DRIP)):
            self._send(conn, DRIP[i : i + 1])
            if self._stop.wait(DRIP_INTERVAL):
                return
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        self._linger(conn)

    # -- TLS after the handshake ----------------------------------------------------

    def _tls_go(self, conn: socket.socket) -> ssl.SSLSocket | None:
        """Handshake, greeting, the client's GO; None if any of them failed."""
        sslsock = self._wrap(conn, self.server_context())
        if sslsock is None:
            return None
        self._send(sslsock, TLS_GREETING)
        if not self._line(lambda: self._tls_recv(sslsock)):
            sslsock.close()
            return None
        return sslsock

    def handle_tls_reset(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is not None:
            _reset(sslsock)

    def handle_tls_reset_midread(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is None:
            return
        self._send(sslsock, PARTIAL_DATA)
        if not self._stop.wait(_RESET_DELAY):
            _reset(sslsock)

    def handle_tls_reset_midwrite(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is not None and not self._stop.wait(_STALL_DELAY):
            _reset(sslsock)

    def handle_tls_drop(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is None:
            return
        raw = self._plain(sslsock)
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_WR)
        self._linger(raw)

    def handle_tls_dropclose(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is not None:
            self._plain(sslsock).close()

    def handle_tls_midline(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is None:
            return
        self._send(sslsock, MIDLINE)
        raw = self._plain(sslsock)
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_WR)
        self._linger(raw)

    def handle_tls_garbage(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is None:
            return
        raw = self._plain(sslsock)
        self._send(raw, GARBAGE)
        self._linger(raw)

    def handle_tls_drip(self, conn: socket.socket) -> None:
        sslsock = self._tls_go(conn)
        if sslsock is None:
            return
        for i in range(len(DRIP)):
            self._send(sslsock, DRIP[i : i + 1])  # one record per byte
            if self._stop.wait(DRIP_INTERVAL):
                return
        self._close_notify(sslsock)
        self._linger(self._plain(sslsock))

    def handle_tls_reset_midrecord(self, conn: socket.socket) -> None:
        """TLS through memory BIOs (the records' bytes are at hand): after GO, the
        first half of the record carrying PARTIAL_DATA, then a reset."""
        session = self._bio_session(conn)
        if session is None:
            return
        tls, outgoing = session
        tls.write(PARTIAL_DATA)
        record = outgoing.read()
        self._send(conn, record[: len(record) // 2])
        if not self._stop.wait(_RESET_DELAY):
            _reset(conn)

    def _bio_session(self, conn: socket.socket) -> tuple[ssl.SSLObject, ssl.MemoryBIO] | None:
        """Handshake, greeting and the client's GO over memory BIOs; None on failure."""
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self.server_context().wrap_bio(incoming, outgoing, server_side=True)
        handshaken = False
        received = b""
        for _ in range(1000):  # bounded: each turn reads from the client or ends
            try:
                if not handshaken:
                    tls.do_handshake()
                    handshaken = True
                    tls.write(TLS_GREETING)
                received += tls.read(4096)
                if b"\n" in received:
                    self._send(conn, outgoing.read())
                    return tls, outgoing
                continue
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                break
            self._send(conn, outgoing.read())
            data = self._recv(conn)
            if not data:
                break
            incoming.write(data)
        conn.close()
        return None

    # -- TLS handshake troubles -----------------------------------------------------

    def handle_hs_garbage(self, conn: socket.socket) -> None:
        if self._recv(conn):
            self._send(conn, GARBAGE)
        self._linger(conn)

    def handle_hs_partial(self, conn: socket.socket) -> None:
        hello = self._recv(conn)
        if not hello:
            conn.close()
            return
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self.server_context().wrap_bio(incoming, outgoing, server_side=True)
        incoming.write(hello)
        with contextlib.suppress(ssl.SSLError):
            tls.do_handshake()  # SSLWantReadError: the server's first flight is out
        self._send(conn, outgoing.read()[:PARTIAL_FLIGHT])
        conn.close()

    def handle_hs_reset(self, conn: socket.socket) -> None:
        self._recv(conn)
        _reset(conn)


_PLAIN_HANDLERS: dict[str, Callable[[FaultPeer], Callable[[socket.socket], None]]] = {
    "fault_reset_midread": lambda p: p.handle_reset_midread,
    "fault_reset_midwrite": lambda p: p.handle_reset_midwrite,
    "fault_close_after_go": lambda p: p.handle_close_after_go,
    "fault_close_midline": lambda p: p.handle_close_midline,
    "fault_halfclose": lambda p: p.handle_halfclose,
    "fault_count": lambda p: p.handle_count,
    "fault_drip": lambda p: p.handle_drip,
}
_TLS_HANDLERS: dict[str, Callable[[FaultPeer], Callable[[socket.socket], None]]] = {
    "fault_tls_reset": lambda p: p.handle_tls_reset,
    "fault_tls_reset_midread": lambda p: p.handle_tls_reset_midread,
    "fault_tls_reset_midwrite": lambda p: p.handle_tls_reset_midwrite,
    "fault_tls_reset_midrecord": lambda p: p.handle_tls_reset_midrecord,
    "fault_tls_drop": lambda p: p.handle_tls_drop,
    "fault_tls_dropclose": lambda p: p.handle_tls_dropclose,
    "fault_tls_midline": lambda p: p.handle_tls_midline,
    "fault_tls_garbage": lambda p: p.handle_tls_garbage,
    "fault_tls_drip": lambda p: p.handle_tls_drip,
    "fault_hs_garbage": lambda p: p.handle_hs_garbage,
    "fault_hs_partial": lambda p: p.handle_hs_partial,
    "fault_hs_reset": lambda p: p.handle_hs_reset,
}


def _close(conn: socket.socket) -> None:
    conn.close()


def _setup(peer: FaultPeer) -> None:
    kind = peer.kind
    if kind in ("fault_unix_close", "fault_unix_stall_close"):
        peer.path = os.path.join(peer.tmp, "fault.sock")
        stall = kind == "fault_unix_stall_close"
        peer.listen_stream(peer.handle_stall_close if stall else _close, socket.AF_UNIX, peer.path)
        return
    handler = {**_PLAIN_HANDLERS, **_TLS_HANDLERS}[kind](peer)
    listener = peer.listen_stream(handler, socket.AF_INET, ("127.0.0.1", 0))
    peer.port = listener.getsockname()[1]


def _start(kind: str) -> FaultPeer:
    return started(FaultPeer(kind), _setup)


FAULT_KINDS = register(_start, *_PLAIN_HANDLERS, "fault_unix_close", "fault_unix_stall_close")
TLS_FAULT_KINDS = register(_start, *_TLS_HANDLERS, tls=True)
