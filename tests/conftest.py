"""Real loopback peers for the tests: scripted servers in threads, unix sockets in tmp_path."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest


class LoopbackServer:
    """A TCP/unix stream server in a thread that runs ``handler(conn)`` per client."""

    def __init__(self, family: int, address: object, handler: Callable[[socket.socket], None]):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family != socket.AF_UNIX:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(address)
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.handler = handler
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.handler(conn)
        except OSError:
            pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
        for conn in self._conns:
            conn.close()


def hold(conn: socket.socket) -> None:
    """Keep the connection open until the client closes it."""
    conn.settimeout(10)
    while conn.recv(4096):
        pass


def echo(conn: socket.socket) -> None:
    conn.settimeout(10)
    while data := conn.recv(65536):
        conn.sendall(data)


def ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture
def server() -> Iterator[Callable[..., LoopbackServer]]:
    """Make loopback servers: ``server(handler, family=AF_INET, address=None)``."""
    made: list[LoopbackServer] = []

    def make(
        handler: Callable[[socket.socket], None] = hold,
        family: int = socket.AF_INET,
        address: object = None,
    ) -> LoopbackServer:
        if address is None:
            address = ("::1", 0) if family == socket.AF_INET6 else ("127.0.0.1", 0)
        srv = LoopbackServer(family, address, handler)
        made.append(srv)
        return srv

    yield make
    for srv in made:
        srv.close()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield int(sock.getsockname()[1])
    sock.close()


@pytest.fixture
def blackhole_port() -> Iterator[int]:
    """A loopback port whose connects time out: a full accept queue drops new SYNs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    port = int(sock.getsockname()[1])
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    sock.close()


@pytest.fixture(autouse=True)
def _fresh_php_state() -> Iterator[None]:
    """Each test starts as a fresh PHP process would: no last error, default ini."""
    from phpstreams import error_clear_last, ini_set
    from phpstreams.core import persistent

    error_clear_last()
    yield
    ini_set("default_socket_timeout", "60")
    persistent.clear()
