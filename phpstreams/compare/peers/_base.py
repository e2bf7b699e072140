"""The peer every kind builds on, and the registry of peer kinds.

Theory of operation: a peer is started fresh for each run of a scenario (the
PHP run and the Python run each get their own), so no state leaks from one run
to the other; its port numbers and paths fill the scenario's placeholders and
are mapped back by the normalizer.  Every peer also owns ``port2``, a second
port that refuses connections (bound, never listening), and ``tmp``, a private
temporary folder.

Everything is bounded: sockets bind to 127.0.0.1, ::1 or a unix path in the
peer's folder only; each connection handler is a daemon thread with a socket
timeout; at most ``MAX_CONNECTIONS`` are served; ``stop()`` closes every socket,
joins the threads and removes the folder.  Handler errors are swallowed (a peer
reports nothing: the client side is what is being compared).

The registry: each peer module calls :func:`register` once, at import, with the
function that starts its kinds (``start(kind)`` returns the running peer, see
:func:`started`) and the kinds it starts.  Nothing here knows any kind: the
registry is filled by the modules that ``.._peers`` imports, and read through
:func:`lookup` and :func:`registered` once they all have been.
"""

from __future__ import annotations

import contextlib
import selectors
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .._placeholders import Placeholders

__all__ = [
    "Peer",
    "PeerKind",
    "PeerUnavailable",
    "ipv6_available",
    "lookup",
    "refusing_socket",
    "register",
    "registered",
    "started",
]

MAX_CONNECTIONS = 64
IO_TIMEOUT = 20.0


class PeerUnavailable(Exception):
    """This machine cannot provide the peer (e.g. no IPv6 loopback)."""


def refusing_socket(family: int = socket.AF_INET, host: str = "127.0.0.1") -> socket.socket:
    """A socket bound to an ephemeral port but never listening: connects are refused."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind((host, 0))
    return sock


def ipv6_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


class Peer:
    """A running peer: its placeholders, and ``stop()``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.tmp = tempfile.mkdtemp(prefix="phpsc-")
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._served = 0
        self.port: int | None = None
        self.path: str | None = None
        self.host = "127.0.0.1"
        refusing = self._own(refusing_socket())
        self.port2: int = refusing.getsockname()[1]

    # -- bookkeeping ----------------------------------------------------------

    def _own(self, sock: socket.socket) -> socket.socket:
        """Track ``sock`` for stop(); once stopped, close it at once (no leak)."""
        with self._lock:
            if not self._stop.is_set():
                self._sockets.append(sock)
                return sock
        sock.close()
        raise OSError("peer stopped")

    def _spawn(self, target: Callable[[], None]) -> None:
        def guarded() -> None:
            with contextlib.suppress(Exception):
                target()

        thread = threading.Thread(target=guarded, daemon=True, name=f"peer-{self.kind}")
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def placeholders(self) -> Placeholders:
        return Placeholders(
            host=self.host, port=self.port, port2=self.port2, path=self.path, tmp=self.tmp
        )

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            sockets, self._sockets = self._sockets, []
            threads = list(self._threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()
        for thread in threads:
            thread.join(timeout=2.0)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- stream servers -------------------------------------------------------

    def _serve(self, listener: socket.socket, handler: Callable[[socket.socket], None]) -> None:
        """Accept loop: each connection handled freshly in its own thread."""
        listener.setblocking(False)
        with selectors.DefaultSelector() as sel:
            sel.register(listener, selectors.EVENT_READ)
            while not self._stop.is_set():
                if not sel.select(timeout=0.05):
                    continue
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                conn.setblocking(True)
                conn.settimeout(IO_TIMEOUT)
                self._own(conn)
                with self._lock:
                    self._served += 1
                    full = self._served > MAX_CONNECTIONS
                if full:
                    conn.close()
                    continue
                self._spawn(lambda conn=conn: handler(conn))  # type: ignore[misc]

    def listen_stream(
        self, handler: Callable[[socket.socket], None], family: int, address: tuple[str, int] | str
    ) -> socket.socket:
        listener = self._own(socket.socket(family, socket.SOCK_STREAM))
        if family != socket.AF_UNIX:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(16)
        self._spawn(lambda: self._serve(listener, handler))
        return listener

    # -- handlers every kind may use ------------------------------------------

    def _recv(self, conn: socket.socket) -> bytes:
        """recv that wakes up regularly to notice stop(); b"" at EOF or on error."""
        conn.settimeout(0.1)
        while not self._stop.is_set():
            try:
                return conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return b""
        return b""

    @staticmethod
    def _send(conn: socket.socket, data: bytes) -> None:
        conn.settimeout(IO_TIMEOUT)
        conn.sendall(data)

    def handle_echo(self, conn: socket.socket) -> None:
        while data := self._recv(conn):
            self._send(conn, data)
        conn.close()

    def handle_silent(self, conn: socket.socket) -> None:
        self._stop.wait(IO_TIMEOUT)
        conn.close()


# -- the registry of peer kinds -------------------------------------------------

P = TypeVar("P", bound=Peer)


@dataclass(frozen=True)
class PeerKind:
    """One kind of peer: how to start it (``start(kind)``), and whether it is a TLS peer."""

    name: str
    start: Callable[[str], Peer]
    tls: bool = False


_KINDS: dict[str, PeerKind] = {}


def register(start: Callable[[str], Peer], *kinds: str, tls: bool = False) -> frozenset[str]:
    """Make ``start`` the way to start each of ``kinds``; return those kinds."""
    for kind in kinds:
        if kind in _KINDS:
            raise ValueError(f"peer kind {kind!r} registered twice")
        _KINDS[kind] = PeerKind(kind, start, tls)
    return frozenset(kinds)


def lookup(kind: str) -> PeerKind:
    """The registered ``kind``; ValueError if no peer module registered it."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown peer kind {kind!r}") from None


def registered(*, tls: bool | None = None) -> frozenset[str]:
    """Every registered kind (``tls=True``: the TLS ones, ``tls=False``: the others)."""
    return frozenset(name for name, kind in _KINDS.items() if tls is None or kind.tls == tls)


def started(peer: P, setup: Callable[[P], None]) -> P:
    """``peer`` once ``setup(peer)`` started its servers/clients; stopped if that fails."""
    try:
        setup(peer)
    except BaseException:
        peer.stop()
        raise
    return peer
