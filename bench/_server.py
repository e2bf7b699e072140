#!/usr/bin/env python3
"""The loopback server of the benchmarks, run as its own process by ``_common.Server``.

    python bench/_server.py MODE [--lines N --line-length L --ending lf|crlf]
                                 [--bytes B] [--cert PEM] [--max-seconds S]

It listens on 127.0.0.1 (an ephemeral port, printed as the first stdout line). Modes:

- ``lines``: sends N lines (``_common.make_lines``, ending ``\\n`` or ``\\r\\n``), closes;
- ``bulk``: sends B bytes (a 1 MiB pattern repeated), closes;
- ``tlsbulk``: the same over TLS (``--cert``: the certificate chain and key, PEM);
- ``accept``: accepts and closes at once (connect+close);
- ``tlsaccept``: accepts, does the TLS handshake, waits for the client to close;
- ``echo``: sends back every line it receives, until the client closes;
- ``drain``: reads and counts everything the client sends, until it closes;
- ``hold``: keeps every connection open until the client closes it, and answers each
  byte received with one ``x`` (many connections at once: stream_select, memory).

All modes but ``hold`` serve one connection at a time. Control: the line ``stats`` on
stdin prints one JSON line of counters (accepted, completed, errors, received bytes,
echoed lines, handshakes, open connections). It stops by itself on EOF of stdin (the
parent is done or gone) or after ``--max-seconds``, whichever comes first.

It runs in its own process so that it never competes with the measured client for the
client's GIL; the sending and receiving happen in C (``sendall``/``recv_into``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import BULK_BLOCK, make_lines

MODES = ("lines", "bulk", "tlsbulk", "accept", "tlsaccept", "echo", "drain", "hold")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values = dict.fromkeys(
            ("accepted", "completed", "errors", "received", "echoed", "handshakes", "open"), 0
        )

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.values[key] += n

    def text(self) -> str:
        with self.lock:
            return json.dumps(self.values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--line-length", type=int, default=80)
    parser.add_argument("--ending", choices=("lf", "crlf"), default="lf")
    parser.add_argument("--bytes", type=int, default=200_000_000)
    parser.add_argument("--cert", default=None, help="TLS modes: certificate chain + key (PEM)")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--cpu", type=int, default=None, help="run on this CPU only")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # before any thread starts: they inherit it

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:  # hold mode keeps as many connections open as the client makes
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    stats = Stats()
    stop = threading.Event()
    srv = socket.create_server(("127.0.0.1", 0), backlog=4096)
    print(srv.getsockname()[1], flush=True)

    def control() -> None:
        for line in sys.stdin:
            if line.strip() == "stats":
                print(stats.text(), flush=True)
        stop.set()  # EOF: the parent is done (or gone)

    threading.Thread(target=control, daemon=True).start()
    deadline = time.monotonic() + args.max_seconds
    if args.mode == "hold":
        hold(srv, stats, stop, deadline)
    else:
        serial(srv, args, stats, stop, deadline)
    srv.close()
    return 0


def serial(
    srv: socket.socket,
    args: argparse.Namespace,
    stats: Stats,
    stop: threading.Event,
    deadline: float,
) -> None:
    """One connection at a time."""
    mode = args.mode
    ending = b"\r\n" if args.ending == "crlf" else b"\n"
    payload = make_lines(args.lines, args.line_length, ending) if mode == "lines" else b""
    block = memoryview(BULK_BLOCK)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if mode.startswith("tls"):
        if not args.cert:
            raise SystemExit(f"{mode}: --cert is required")
        tls.load_cert_chain(args.cert)
        tls.num_tickets = 0  # no TLS 1.3 session tickets: nothing unread left with clients
    srv.settimeout(0.2)  # so that the loop sees ``stop`` and the deadline
    sink = bytearray(65536)
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
        except OSError:  # TimeoutError included
            continue
        stats.add("accepted")
        if mode == "accept":
            conn.close()
            continue
        conn.settimeout(30.0)  # a client that stops reading/writing cannot hang us
        try:
            if mode.startswith("tls"):
                conn = tls.wrap_socket(conn, server_side=True)
                stats.add("handshakes")
            if mode == "lines":
                conn.sendall(payload)
            elif mode in ("bulk", "tlsbulk"):
                left = args.bytes
                while left >= len(block):
                    conn.sendall(block)
                    left -= len(block)
                if left:
                    conn.sendall(block[:left])
            elif mode == "echo":
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                reader = conn.makefile("rb")
                for line in reader:  # bounded: ends when the client closes
                    conn.sendall(line)
                    stats.add("echoed")
                reader.close()
            elif mode == "drain":
                while n := conn.recv_into(sink):
                    stats.add("received", n)
            elif mode == "tlsaccept":
                try:
                    conn.recv(1)  # the client's close_notify or EOF
                except OSError:
                    pass  # a client that closes without close_notify: fine too
            if mode in ("lines", "bulk", "tlsbulk"):
                # (TLS: no close_notify; every client takes the TCP EOF as the end)
                conn.shutdown(socket.SHUT_WR)
        except OSError:
            stats.add("errors")
        else:
            stats.add("completed")
        finally:
            conn.close()


def hold(srv: socket.socket, stats: Stats, stop: threading.Event, deadline: float) -> None:
    """Many connections at once: each stays open until its client closes it."""
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    while not stop.is_set() and time.monotonic() < deadline:
        for key, _ in sel.select(0.2):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            if sock is srv:
                for _ in range(256):  # bounded batch of pending connections
                    try:
                        conn, _ = srv.accept()
                    except OSError:  # BlockingIOError: none left (or EMFILE: retried)
                        break
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ)
                    stats.add("accepted")
                    stats.add("open")
                continue
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                data = b""  # a client that closes with our answer unread: a close
            except OSError:
                data = b""
                stats.add("errors")
            if data:
                stats.add("received", len(data))
                try:
                    sock.send(b"x" * len(data))
                except OSError:
                    stats.add("errors")
                continue
            sel.unregister(sock)
            sock.close()
            stats.add("open", -1)
            stats.add("completed")
    for key in list(sel.get_map().values()):
        if key.fileobj is not srv:
            key.fileobj.close()  # type: ignore[union-attr]
    sel.close()


if __name__ == "__main__":
    sys.exit(main())
