"""Plain (no TLS) peers: TCP, UDP and unix servers, and clients for the scenario's own.

Kinds: ``none`` (no server, placeholders only), ``refused`` (``{port}`` refuses
connections), ``listen`` (accepts, reads and discards), ``echo``, ``banner``
(``BANNER``, then echo), ``lines`` (sends ``LINES``, half-closes), ``silent``
(accepts, never answers), ``blackhole`` (a full accept queue: connects time
out), ``udp_echo``, ``unix_echo`` (on ``{path}``), ``ipv6_echo`` (on ::1).

Added for the I/O catalogue: ``partial`` (``PARTIAL``, no newline, then
silence), ``close`` (closes at once), ``bulk`` (``BULK``, half-closes),
``reset`` (a TCP reset after the client's first bytes).

Kinds added for the php-src .phpt scenarios (``catalogue/_phpt_*.py``):
``free_port`` (no server: ``{port}`` is a loopback port free for TCP and UDP a
moment ago, ``{path}`` a unix socket path in the peer's folder, so the scenario
can run the phpt's own server); ``tcp_sender``, ``udp_sender``, ``unix_sender``
(clients for the scenario's own server: they send ``SENDER_PAYLOAD`` once the
server listens); ``gh11418`` (sends ``Hi Hello``, 50 ms later `` World\\n``, then
closes) and ``gh13860`` (sends ``xx``, closes 0.3 s later).

Added for the formats catalogue (``catalogue/_formats*.py``): ``pause_echo``
echoes what it receives, except that a ``PAUSE`` byte (0x1f) in it is dropped
and the echo waits ``PAUSE_SECONDS`` there: the scenario's one write comes back
in TCP segments split where it says (a CSV field cut between two segments).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import time

from ._base import (
    MAX_CONNECTIONS,
    Peer,
    PeerUnavailable,
    ipv6_available,
    refusing_socket,
    register,
    started,
)

__all__ = [
    "BANNER",
    "BULK",
    "LINES",
    "PARTIAL",
    "PAUSE",
    "PAUSE_SECONDS",
    "PLAIN_KINDS",
    "SENDER_PAYLOAD",
    "PlainPeer",
]

BANNER = b"220 ready\r\n"
LINES = b"first line\nsecond line\r\nthird\n\nlast-no-newline"
PARTIAL = b"partial"
# 20000 bytes: the 62 letters and digits repeated (more than PHP's first 8192-byte fill)
BULK = (b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 323)[:20000]
SENDER_PAYLOAD = b"ABCdef123\n"  # what tcp4loop.phpt, udp4loop.phpt and unixloop.phpt send
_SENDER_DEADLINE = 10.0
PAUSE = b"\x1f"  # pause_echo: where the echo pauses
PAUSE_SECONDS = 0.25


def _free_port() -> int:
    """A 127.0.0.1 port that was free for both TCP and UDP a moment ago."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise PeerUnavailable("no loopback port free for both TCP and UDP")


class PlainPeer(Peer):
    """The plain kinds' handlers, clients and special servers."""

    # -- handlers -------------------------------------------------------------

    def handle_banner(self, conn: socket.socket) -> None:
        self._send(conn, BANNER)
        self.handle_echo(conn)

    def handle_listen(self, conn: socket.socket) -> None:
        while self._recv(conn):
            pass
        conn.close()

    def handle_lines(self, conn: socket.socket) -> None:
        self._send(conn, LINES)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        # linger until the client closes, so the client sees a clean FIN, never a reset
        while self._recv(conn):
            pass
        conn.close()

    def handle_partial(self, conn: socket.socket) -> None:
        """Send PARTIAL (no newline), then stay silent until the client closes."""
        self._send(conn, PARTIAL)
        while self._recv(conn):
            pass
        conn.close()

    def handle_close(self, conn: socket.socket) -> None:
        """Close at once (an orderly FIN: nothing was received, so no reset)."""
        conn.close()

    def handle_reset(self, conn: socket.socket) -> None:
        """Wait for the client's first bytes, then abort: SO_LINGER 0 makes close() send RST.

        Waiting keeps the reset out of the client's connect (which would then fail).
        """
        if not self._recv(conn):
            conn.close()
            return
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def handle_bulk(self, conn: socket.socket) -> None:
        """Send BULK, half-close, then linger until the client closes (no reset)."""
        self._send(conn, BULK)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        while self._recv(conn):
            pass
        conn.close()

    def handle_pause_echo(self, conn: socket.socket) -> None:
        """Echo, pausing PAUSE_SECONDS at each PAUSE byte (dropped)."""
        while data := self._recv(conn):
            parts = data.split(PAUSE)
            for k, part in enumerate(parts):
                if k and self._stop.wait(PAUSE_SECONDS):
                    return
                if part:
                    self._send(conn, part)
        conn.close()

    def handle_gh11418(self, conn: socket.socket) -> None:
        """gh11418.phpt's server: 'Hi Hello', 50 ms later ' World\\n', then close."""
        self._send(conn, b"Hi Hello")
        if self._stop.wait(0.05):
            return
        self._send(conn, b" World\n")
        conn.close()

    def handle_gh13860(self, conn: socket.socket) -> None:
        """gh13860.phpt's server: 'xx', then close 0.3 s later (nothing read: a clean FIN)."""
        self._send(conn, b"xx")
        if self._stop.wait(0.3):
            return
        conn.close()

    # -- clients for the scenario's own server (the phpt's server half) ----------------

    def _connect_when_listening(self, family: int, address: tuple[str, int] | str) -> None:
        """Connect once the scenario listens, send SENDER_PAYLOAD, linger until EOF."""
        deadline = time.monotonic() + _SENDER_DEADLINE
        while not self._stop.is_set() and time.monotonic() < deadline:
            sock = self._own(socket.socket(family, socket.SOCK_STREAM))
            sock.settimeout(1.0)
            try:
                sock.connect(address)
            except OSError:
                sock.close()
                self._stop.wait(0.02)
                continue
            self._send(sock, SENDER_PAYLOAD)
            while self._recv(sock):
                pass
            sock.close()
            return

    def start_udp_sender(self) -> None:
        """Send SENDER_PAYLOAD to {port} every 20 ms (a datagram sent before the scenario
        binds is lost), for at most _SENDER_DEADLINE seconds."""
        sock = self._own(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        port = self.port
        assert port is not None

        def run() -> None:
            deadline = time.monotonic() + _SENDER_DEADLINE
            while not self._stop.is_set() and time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    sock.sendto(SENDER_PAYLOAD, ("127.0.0.1", port))
                self._stop.wait(0.02)

        self._spawn(run)

    # -- special kinds ------------------------------------------------------------

    def start_blackhole(self) -> None:
        """A listener with backlog 0 whose accept queue is full: later SYNs are dropped."""
        listener = self._own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        self.port = listener.getsockname()[1]
        for _ in range(3):
            filler = self._own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", self.port))
            time.sleep(0.02)
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", self.port))
        except TimeoutError:
            return
        except OSError as exc:
            raise PeerUnavailable(f"blackhole probe failed: {exc}") from exc
        finally:
            probe.close()
        raise PeerUnavailable("blackhole: the accept queue did not fill (a connect succeeded)")

    def start_udp_echo(self) -> None:
        sock = self._own(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.1)
        self.port = sock.getsockname()[1]

        def run() -> None:
            count = 0
            while not self._stop.is_set() and count < 10 * MAX_CONNECTIONS:
                try:
                    data, addr = sock.recvfrom(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                count += 1
                with contextlib.suppress(OSError):
                    sock.sendto(data, addr)

        self._spawn(run)


def _setup(peer: PlainPeer) -> None:
    kind = peer.kind
    handlers = {
        "listen": peer.handle_listen,
        "echo": peer.handle_echo,
        "banner": peer.handle_banner,
        "lines": peer.handle_lines,
        "silent": peer.handle_silent,
        "partial": peer.handle_partial,
        "close": peer.handle_close,
        "bulk": peer.handle_bulk,
        "reset": peer.handle_reset,
        "pause_echo": peer.handle_pause_echo,
        "gh11418": peer.handle_gh11418,
        "gh13860": peer.handle_gh13860,
    }
    if kind == "none":
        return
    if kind == "refused":
        peer.port = peer._own(refusing_socket()).getsockname()[1]
    elif kind in handlers:
        listener = peer.listen_stream(handlers[kind], socket.AF_INET, ("127.0.0.1", 0))
        peer.port = listener.getsockname()[1]
    elif kind == "blackhole":
        peer.start_blackhole()
    elif kind == "udp_echo":
        peer.start_udp_echo()
    elif kind == "unix_echo":
        peer.path = os.path.join(peer.tmp, "echo.sock")
        peer.listen_stream(peer.handle_echo, socket.AF_UNIX, peer.path)
    elif kind in ("free_port", "tcp_sender", "udp_sender", "unix_sender"):
        peer.port = _free_port()
        peer.path = os.path.join(peer.tmp, "phpt.sock")
        port, path = peer.port, peer.path
        if kind == "tcp_sender":
            peer._spawn(lambda: peer._connect_when_listening(socket.AF_INET, ("127.0.0.1", port)))
        elif kind == "unix_sender":
            peer._spawn(lambda: peer._connect_when_listening(socket.AF_UNIX, path))
        elif kind == "udp_sender":
            peer.start_udp_sender()
    elif kind == "ipv6_echo":
        if not ipv6_available():
            raise PeerUnavailable("no IPv6 loopback (::1) on this machine")
        peer.host = "::1"
        listener = peer.listen_stream(peer.handle_echo, socket.AF_INET6, ("::1", 0))
        peer.port = listener.getsockname()[1]
    else:
        raise ValueError(f"unknown peer kind {kind!r}")


def _start(kind: str) -> PlainPeer:
    return started(PlainPeer(kind), _setup)


PLAIN_KINDS = register(
    _start,
    "none",
    "refused",
    "listen",
    "echo",
    "banner",
    "lines",
    "silent",
    "partial",
    "close",
    "bulk",
    "reset",
    "pause_echo",
    "gh11418",
    "gh13860",
    "blackhole",
    "udp_echo",
    "unix_echo",
    "free_port",
    "tcp_sender",
    "udp_sender",
    "unix_sender",
    "ipv6_echo",
)
