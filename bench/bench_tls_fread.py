#!/usr/bin/env python3
"""TLS bulk throughput: phpstreams ``fread(fp, 8192)`` on ``ssl://`` until EOF vs a bare
Python ``ssl`` socket ``recv(8192)`` loop vs PHP 8.2 ``fread($fp, 8192)`` on ``ssl://``,
reading the same B bytes from a loopback TLS server (the demo certificate, verified).

    python bench/bench_tls_fread.py [--quick] [--json] [--rounds N] [--mb N] [--no-php]

Each side connects, handshakes (verifying the peer against the demo CA), reads until
EOF, closes; that whole span is timed. Every run is checked: the byte count must be
exactly what the server sent.
"""

from __future__ import annotations

import argparse
import os
import socket
import ssl
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (
    BARE,
    PHP,
    PHPSTREAMS,
    Contender,
    Server,
    base_parser,
    check,
    emit,
    environment,
    find_php,
    log,
    measure,
    ratios,
    rounds_of,
    run_php,
    summarize,
)

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    fclose,
    fread,
    stream_context_create,
    stream_socket_client,
)

TARGET = 0.9  # phpstreams >= 0.9x bare
LENGTH = 8192
CAFILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "certs", "demo-ca.pem"
)


def phpstreams_side(port: int) -> tuple[float, dict[str, Any]]:
    ctx = stream_context_create({"ssl": {"cafile": CAFILE}})
    t0 = time.perf_counter()
    fp = stream_socket_client(f"ssl://127.0.0.1:{port}", None, None, 30, STREAM_CLIENT_CONNECT, ctx)
    if fp is False:
        raise RuntimeError("phpstreams: TLS connect failed")
    total = reads = 0
    while data := fread(fp, LENGTH):
        total += len(data)
        reads += 1
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total, "reads": reads}


def bare_side(port: int) -> tuple[float, dict[str, Any]]:
    context = ssl.create_default_context(cafile=CAFILE)
    t0 = time.perf_counter()
    raw = socket.create_connection(("127.0.0.1", port))
    sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
    total = reads = 0
    while data := sock.recv(LENGTH):
        total += len(data)
        reads += 1
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total, "reads": reads}


def php_side(php: str, port: int) -> tuple[float, dict[str, Any]]:
    out = run_php(php, "tls_fread.php", port, LENGTH, CAFILE)
    return out["seconds"], {"bytes": out["bytes"], "reads": out["reads"]}


def make_parser() -> argparse.ArgumentParser:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=None, help="MB (10^6 bytes) per run (100; quick 10)"
    )
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    size = int((args.mb or (10 if args.quick else 100)) * 1_000_000)
    rounds = rounds_of(args)
    php = find_php(args)
    expected = {"bytes": size}
    log(f"tls fread: {size:,} bytes over TLS, {rounds} rounds, php={php or 'skipped'}")
    with Server("tlsbulk", "--bytes", str(size)) as server:
        port = server.port
        contenders = [
            Contender(
                PHPSTREAMS, f"ssl:// fread($fp, {LENGTH}) loop", lambda: phpstreams_side(port)
            ),
            Contender(BARE, f"ssl socket recv({LENGTH}) loop", lambda: bare_side(port)),
        ]
        if php is not None:
            contenders.append(
                Contender(
                    PHP, f"php -n: ssl:// fread($fp, {LENGTH}) loop", lambda: php_side(php, port)
                )
            )

        def warmup(c: Contender) -> int:
            check(c.name, c.run()[1], expected)
            return 1

        measure(contenders, rounds, expected, server, 1, warmup)
    sides = summarize(contenders, size / 1e6, "MB/s")
    return {
        "bench": "tls_fread",
        "title": f"TLS fread: bulk over ssl://, {LENGTH}-byte reads",
        "work": {"bytes": size, "length": LENGTH},
        "work_text": f"{size / 1e6:,.0f} MB",
        "rounds": rounds,
        "unit": "MB/s",
        "target": TARGET,
        "sides": sides,
        "ratios": ratios(sides),
        "environment": environment(php),
    }


def main() -> int:
    args = make_parser().parse_args()
    emit(run(args), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
