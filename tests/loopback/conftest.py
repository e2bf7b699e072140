"""Real loopback peers for the loopback tests: scripted servers in threads, unix
sockets in tmp_path, ports that refuse or time out, and the TLS versions the TLS
tests run over."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

import phpstreams


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


def _hold(conn: socket.socket) -> None:
    """Keep the connection open until the client closes it."""
    conn.settimeout(10)
    while conn.recv(4096):
        pass


def _echo(conn: socket.socket) -> None:
    conn.settimeout(10)
    while data := conn.recv(65536):
        conn.sendall(data)


def _ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture
def server() -> Iterator[Callable[..., LoopbackServer]]:
    """Make loopback servers: ``server(handler=hold, family=AF_INET, address=None)``;
    the default handler holds each connection open until the client closes it."""
    made: list[LoopbackServer] = []

    def make(
        handler: Callable[[socket.socket], None] = _hold,
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
def echo() -> Callable[[socket.socket], None]:
    """A ``server()`` handler that echoes everything back until the client closes."""
    return _echo


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


@pytest.fixture(scope="session")
def ipv6_loopback() -> None:
    """Skips the test on a machine without ``::1`` (use with ``usefixtures``)."""
    if not _ipv6_available():
        pytest.skip("this machine has no ::1")


@dataclass(frozen=True)
class TLSVersion:
    """One TLS version as each side names it."""

    name: str  # PHP's crypto.protocol: "TLSv1.2"
    ssl_version: ssl.TLSVersion  # a Python peer's minimum_version = maximum_version
    client_method: int  # STREAM_CRYPTO_METHOD_TLSv1_x_CLIENT
    server_method: int  # STREAM_CRYPTO_METHOD_TLSv1_x_SERVER
    s_server_flag: str  # openssl s_server's -tls1_x

    def pin(self, context: ssl.SSLContext) -> ssl.SSLContext:
        """Make a Python peer's context speak this version only."""
        context.minimum_version = context.maximum_version = self.ssl_version
        return context


TLS_VERSIONS = (
    TLSVersion(
        "TLSv1.2",
        ssl.TLSVersion.TLSv1_2,
        phpstreams.STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT,
        phpstreams.STREAM_CRYPTO_METHOD_TLSv1_2_SERVER,
        "-tls1_2",
    ),
    TLSVersion(
        "TLSv1.3",
        ssl.TLSVersion.TLSv1_3,
        phpstreams.STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT,
        phpstreams.STREAM_CRYPTO_METHOD_TLSv1_3_SERVER,
        "-tls1_3",
    ),
)


@pytest.fixture(params=TLS_VERSIONS, ids=[v.name for v in TLS_VERSIONS])
def tls_version(request: pytest.FixtureRequest) -> TLSVersion:
    """Each TLS test that is not about one version runs once per version: its peer
    (a Python ssl server, aiosmtpd, s_server, PHP) speaks only this one."""
    version: TLSVersion = request.param
    return version
