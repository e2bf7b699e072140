"""Resources: failures and drops leave no descriptor behind; streams never closed
are closed when collected and at interpreter exit, silently; the persistent pool
stays bounded and replaces dead connections.

Counts: by default half the full ones (``SHORT``: 5,000 refused connects, 5,000
open/close cycles, 500 failed TLS handshakes, 500 timeouts, 40 TLS streams dropped),
this file ~5 s on a 2-core machine; ``PHPSTREAMS_LONG=1`` runs the full ones
(``FULL``: 10,000, 10,000, 1,000, 1,000 and 250), ~20 s.

The peers run in a child process (``_SERVER``), so the descriptors counted in
``/proc/self/fd`` are the client's only.
"""

from __future__ import annotations

import gc
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    Ref,
    fclose,
    fgets,
    fread,
    pfsockopen,
    silence,
    stream_context_create,
    stream_set_timeout,
    stream_socket_client,
)
from phpstreams.core import persistent

LONG = os.environ.get("PHPSTREAMS_LONG", "") not in ("", "0")
FULL = {
    "refused": 10_000,
    "cycles": 10_000,
    "tls_failures": 1_000,
    "timeouts": 1_000,
    "tls_drops": 250,
}
SHORT = {"refused": 5_000, "cycles": 5_000, "tls_failures": 500, "timeouts": 500, "tls_drops": 40}
COUNTS = FULL if LONG else SHORT
ROOT = Path(__file__).resolve().parents[2]

# The child's servers: "close" accepts and closes; "garbage" answers the ClientHello
# with bytes that are no TLS record; "tls" handshakes, greets, reads until the end;
# "hold" accepts and keeps every connection until the client closes it.
_SERVER = textwrap.dedent(
    """
    import socket, ssl, sys, threading
    mode, cert = sys.argv[1], sys.argv[2]
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0)); ls.listen(128)
    print(ls.getsockname()[1], flush=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert)
    def serve(conn):
        conn.settimeout(10)
        try:
            if mode == "garbage":
                conn.recv(4096); conn.sendall(b"this is not a TLS record\\r\\n")
            elif mode == "tls":
                tls = ctx.wrap_socket(conn, server_side=True); tls.sendall(b"hi\\n")
                while tls.recv(4096): pass
            elif mode == "hold":
                while conn.recv(4096): pass
        except OSError:
            pass
        finally:
            conn.close()
    while True:
        conn, _ = ls.accept()
        if mode == "close":
            conn.close()
        else:
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    """
)


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled_fds() -> int:
    gc.collect()
    return fds()


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("leaks")
    ca = trustme.CA()
    cafile, server = str(folder / "ca.pem"), str(folder / "server.pem")
    ca.cert_pem.write_to_path(cafile)
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(server)
    return cafile, server


@pytest.fixture
def child_server(pems: tuple[str, str]) -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str) -> int:
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, mode, pems[1]], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        assert proc.stdout is not None
        return int(proc.stdout.readline())

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def refusing_port() -> tuple[int, socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return int(sock.getsockname()[1]), sock


# -- descriptors after many failures ---------------------------------------------------


def test_refused_connects_leave_no_descriptor() -> None:
    port, holder = refusing_port()
    before = settled_fds()
    with silence():
        for _ in range(COUNTS["refused"]):
            assert stream_socket_client(f"tcp://127.0.0.1:{port}", Ref(), Ref(), 1) is False
    assert settled_fds() == before
    holder.close()


def test_open_close_cycles_leave_no_descriptor(child_server: Any) -> None:
    port = child_server("close")
    before = settled_fds()
    for i in range(COUNTS["cycles"]):
        fp = stream_socket_client(f"tcp://127.0.0.1:{port}", None, None, 5)
        assert fp is not False
        if i % 2:
            fclose(fp)
        else:
            del fp  # dropped: closed when collected
    assert settled_fds() == before


def test_failed_tls_handshakes_leave_no_descriptor(
    child_server: Any, pems: tuple[str, str]
) -> None:
    port = child_server("garbage")
    ctx = stream_context_create({"ssl": {"cafile": pems[0]}})
    before = settled_fds()
    with silence():
        for _ in range(COUNTS["tls_failures"]):
            fp = stream_socket_client(
                f"ssl://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
            )
            assert fp is False
    assert settled_fds() == before


def test_timeouts_leave_no_descriptor(child_server: Any) -> None:
    """Half connect timeouts (a full accept queue drops the SYNs), half read timeouts
    on connections opened for each and closed (or dropped) after it."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(0)
    hole_port = int(hole.getsockname()[1])
    fillers = [socket.socket() for _ in range(8)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", hole_port))
    port = child_server("hold")
    before = settled_fds()
    try:
        with silence():
            for _ in range(COUNTS["timeouts"] // 2):
                errno = Ref()
                assert (
                    stream_socket_client(f"tcp://127.0.0.1:{hole_port}", errno, Ref(), 0.001)
                    is False
                )
                assert errno.value == 110
        for i in range(COUNTS["timeouts"] // 2):
            fp = stream_socket_client(f"tcp://127.0.0.1:{port}", None, None, 5)
            assert fp is not False
            stream_set_timeout(fp, 0, 1000)
            assert fread(fp, 10) is False
            if i % 2:
                fclose(fp)
            else:
                del fp
        assert settled_fds() == before
    finally:
        for sock in (*fillers, hole):
            sock.close()


def test_dropped_tls_streams_are_closed(child_server: Any, pems: tuple[str, str]) -> None:
    port = child_server("tls")
    ctx = stream_context_create({"ssl": {"cafile": pems[0]}})
    before = settled_fds()
    kept = []
    for i in range(COUNTS["tls_drops"]):
        fp = stream_socket_client(
            f"ssl://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
        )
        assert fp is not False
        assert fgets(fp) == b"hi\n"
        if i % 3 == 0:
            holder: dict[str, Any] = {"fp": fp}
            holder["self"] = holder  # a cycle: closed by the collector
            kept.append(holder["fp"])
        del fp
    assert fds() > before  # the cycles' streams are still open
    del holder, kept
    assert settled_fds() == before


# -- the persistent pool ------------------------------------------------------------------


def test_persistent_pool_bounded_and_replaces_dead(child_server: Any) -> None:
    port = child_server("hold")
    close_port = child_server("close")
    before = settled_fds()
    first = pfsockopen("127.0.0.1", port, None, None, 5)
    assert first is not False
    for _ in range(200):
        assert pfsockopen("127.0.0.1", port, None, None, 5) is first  # alive: the same one
    assert len(persistent._pool) == 1
    assert fds() == before + 1

    # a pooled stream whose peer closed is dead: the next pfsockopen replaces it
    dead = pfsockopen("127.0.0.1", close_port, None, None, 5)
    assert dead is not False and len(persistent._pool) == 2
    for _ in range(50):
        time.sleep(0.01)  # the peer's FIN arrives
        again = pfsockopen("127.0.0.1", close_port, None, None, 5)
        assert again is not False and again is not dead
        assert dead.stream is None  # the dead one was closed
        dead = again
    assert len(persistent._pool) == 2
    assert fds() == before + 2

    # persistent streams dropped by their holders stay open, pooled
    del first, dead, again
    gc.collect()
    assert fds() == before + 2
    persistent.clear()
    assert settled_fds() == before


# -- streams never closed, at interpreter exit ------------------------------------------------

_CLIENT = textwrap.dedent(
    """
    import socket, ssl, sys
    sys.path.insert(0, sys.argv[4])
    import phpstreams as p
    tls_port, plain_port, cafile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    ctx = p.stream_context_create({"ssl": {"cafile": cafile}})
    def tls(flags=p.STREAM_CLIENT_CONNECT):
        fp = p.stream_socket_client(f"ssl://127.0.0.1:{tls_port}", None, None, 5, flags, ctx)
        assert p.fgets(fp) == b"hi\\n"
        return fp
    def plain():
        return p.stream_socket_client(f"tcp://127.0.0.1:{plain_port}", None, None, 5)
    G, GP = tls(), plain()                       # globals of __main__
    socket.kept = tls()                          # on modules wiped after phpstreams' own
    ssl.kept = [tls(), plain()]
    class Cycle: pass
    c = Cycle(); c.self = c; c.fp = tls()        # in a reference cycle
    dropped = tls(); del dropped                 # collected at once
    P = tls(p.STREAM_CLIENT_CONNECT | p.STREAM_CLIENT_PERSISTENT)   # pooled
    PP = p.pfsockopen("127.0.0.1", plain_port, None, None, 5)
    print("opened", flush=True)
    """
)
_TLS_STREAMS = 6  # G, socket.kept, ssl.kept[0], c.fp, dropped, P


class EndRecorder:
    """A TLS server in a thread: how each connection ended (close_notify, eof, reset)."""

    def __init__(self, server_pem: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(server_pem)
        self.tls = socket.create_server(("127.0.0.1", 0))
        self.plain = socket.create_server(("127.0.0.1", 0))
        self.ends: list[str] = []
        self.plain_ends: list[str] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        for listener, target in ((self.tls, self._tls), (self.plain, self._plain)):
            listener.settimeout(0.2)
            self._spawn(self._accept, listener, target)

    def _spawn(self, *args: Any) -> None:
        thread = threading.Thread(target=args[0], args=args[1:], daemon=True)
        self.threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket, target: Any) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(target, conn)

    def _tls(self, conn: socket.socket) -> None:
        conn.settimeout(20)
        try:
            with self.context.wrap_socket(
                conn, server_side=True, suppress_ragged_eofs=False
            ) as tls:
                tls.sendall(b"hi\n")
                while tls.recv(4096):
                    pass
            end = "close_notify"
        except ssl.SSLEOFError:
            end = "eof"
        except OSError as exc:
            end = type(exc).__name__
        finally:
            conn.close()
        with self.lock:
            self.ends.append(end)

    def _plain(self, conn: socket.socket) -> None:
        conn.settimeout(20)
        try:
            while conn.recv(4096):
                pass
            end = "eof"
        except OSError as exc:
            end = type(exc).__name__
        finally:
            conn.close()
        with self.lock:
            self.plain_ends.append(end)

    def wait(self, tls: int, plain: int) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.ends) >= tls and len(self.plain_ends) >= plain:
                    return
            time.sleep(0.02)

    def close(self) -> None:
        self.tls.close()
        self.plain.close()


@pytest.mark.parametrize("dev", [False, True], ids=["plain", "X-dev"])
def test_streams_never_closed_close_silently_at_exit(pems: tuple[str, str], dev: bool) -> None:
    """Streams kept in globals, on stdlib modules, in cycles, dropped, pooled: at
    exit each is closed -- TLS with its close_notify, as PHP's request end and
    shutdown close them -- and nothing is printed (with -X dev: no ResourceWarning)."""
    recorder = EndRecorder(pems[1])
    try:
        tls_port = recorder.tls.getsockname()[1]
        plain_port = recorder.plain.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                *(["-X", "dev"] if dev else []),
                "-c",
                _CLIENT,
                str(tls_port),
                str(plain_port),
                pems[0],
                str(ROOT),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        recorder.wait(_TLS_STREAMS, 3)
    finally:
        recorder.close()
    assert (done.returncode, done.stdout, done.stderr) == (0, "opened\n", "")
    assert recorder.ends == ["close_notify"] * _TLS_STREAMS
    assert recorder.plain_ends == ["eof"] * 3


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_php_closes_never_closed_streams_with_close_notify(pems: tuple[str, str]) -> None:
    """What the test above matches: PHP, at the end of the script, closes a global,
    a persistent and a cycle-held TLS stream, each with its close_notify."""
    recorder = EndRecorder(pems[1])
    try:
        port = recorder.tls.getsockname()[1]
        script = f"""
            $ctx = stream_context_create(['ssl' => ['cafile' => $argv[1]]]);
            function tls($flags) {{
                global $ctx;
                $fp = stream_socket_client('ssl://127.0.0.1:{port}', $e, $s, 5, $flags, $ctx);
                fgets($fp);
                return $fp;
            }}
            $G = tls(STREAM_CLIENT_CONNECT);
            $P = tls(STREAM_CLIENT_CONNECT | STREAM_CLIENT_PERSISTENT);
            class Cycle {{ public $fp; public $self; }}
            $c = new Cycle; $c->self = $c; $c->fp = tls(STREAM_CLIENT_CONNECT);
            echo "opened\\n";
        """
        done = subprocess.run(
            ["php", "-n", "-r", textwrap.dedent(script), "--", pems[0]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        recorder.wait(3, 0)
    finally:
        recorder.close()
    assert (done.returncode, done.stdout, done.stderr) == (0, "opened\n", "")
    assert recorder.ends == ["close_notify"] * 3
