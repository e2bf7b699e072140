#!/usr/bin/env python3
"""The loopback server of the benchmarks, run as its own process by ``_common.Server``.

    python bench/_server.py lines  --lines 200000 --line-length 80
    python bench/_server.py bulk   --bytes 200000000
    python bench/_server.py tlsbulk --bytes 100000000
    python bench/_server.py accept

It listens on 127.0.0.1 (an ephemeral port, printed as the first stdout line),
and serves connections one at a time:

- ``lines``: sends the same N lines (see ``_common.make_lines``), then closes;
- ``bulk``: sends B bytes (a 1 MiB pattern repeated), then closes;
- ``tlsbulk``: the same over TLS (the demo certificate of examples/certs);
- ``accept``: accepts and closes at once (the connect+close benchmark).

Control: the line ``stats`` on stdin prints one JSON line (connections accepted,
payloads fully sent, send errors). It stops by itself on EOF of stdin (the
parent is gone or done) or after ``--max-seconds``, whichever comes first.

It runs in its own process so that it never competes with the measured client
for the client's GIL; all the sending happens inside ``sendall`` (C, GIL released).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import BULK_BLOCK, make_lines

DEMO_CERT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "examples",
    "certs",
    "demo-server.pem",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("lines", "bulk", "tlsbulk", "accept"))
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--line-length", type=int, default=80)
    parser.add_argument("--bytes", type=int, default=200_000_000)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()

    payload = make_lines(args.lines, args.line_length) if args.mode == "lines" else b""
    block = memoryview(BULK_BLOCK)
    stats = {"accepted": 0, "completed": 0, "errors": 0}
    lock = threading.Lock()
    stop = threading.Event()

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if args.mode == "tlsbulk":
        tls.load_cert_chain(DEMO_CERT)
    srv = socket.create_server(("127.0.0.1", 0), backlog=4096)
    srv.settimeout(0.2)  # so that the loop sees ``stop`` and the deadline
    print(srv.getsockname()[1], flush=True)

    def control() -> None:
        for line in sys.stdin:
            if line.strip() == "stats":
                with lock:
                    text = json.dumps(stats)
                print(text, flush=True)
        stop.set()  # EOF: the parent is done (or gone)

    threading.Thread(target=control, daemon=True).start()
    deadline = time.monotonic() + args.max_seconds
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
        except TimeoutError:
            continue
        except OSError:
            continue
        with lock:
            stats["accepted"] += 1
        if args.mode == "accept":
            conn.close()
            continue
        conn.settimeout(30.0)  # a client that stops reading cannot hang us
        try:
            if args.mode == "tlsbulk":
                conn = tls.wrap_socket(conn, server_side=True)
            if args.mode == "lines":
                conn.sendall(payload)
            else:
                left = args.bytes
                while left >= len(block):
                    conn.sendall(block)
                    left -= len(block)
                if left:
                    conn.sendall(block[:left])
            # (TLS: no close_notify; every client takes the TCP EOF as the end)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            with lock:
                stats["errors"] += 1
        else:
            with lock:
                stats["completed"] += 1
        finally:
            conn.close()
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
