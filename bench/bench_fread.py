#!/usr/bin/env python3
"""Bulk throughput: phpstreams ``fread(fp, 8192)`` until EOF vs a bare ``sock.recv(8192)``
loop vs PHP 8.2 ``fread($fp, 8192)``, reading the same B bytes from a loopback server.

    python bench/bench_fread.py [--quick] [--json] [--rounds N] [--mb N] [--no-php]

Each side connects, reads until EOF (counting bytes and reads), closes; that whole span
is timed. Every run is checked: the byte count must be exactly what the server sent.
"""

from __future__ import annotations

import argparse
import os
import socket
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

from phpstreams import fclose, fread, stream_socket_client

TARGET = 0.9  # phpstreams >= 0.9x bare
LENGTH = 8192


def phpstreams_side(port: int) -> tuple[float, dict[str, Any]]:
    address = f"tcp://127.0.0.1:{port}"
    t0 = time.perf_counter()
    fp = stream_socket_client(address)
    if fp is False:
        raise RuntimeError("phpstreams: connect failed")
    total = reads = 0
    while data := fread(fp, LENGTH):  # b"" at EOF, False on a timeout/error
        total += len(data)
        reads += 1
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total, "reads": reads}


def bare_side(port: int, timeout: float | None = None) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    total = reads = 0
    while data := sock.recv(LENGTH):
        total += len(data)
        reads += 1
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total, "reads": reads}


def php_side(php: str, port: int) -> tuple[float, dict[str, Any]]:
    out = run_php(php, "fread.php", port, LENGTH)
    return out["seconds"], {"bytes": out["bytes"], "reads": out["reads"]}


def make_parser() -> argparse.ArgumentParser:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=None, help="MB (10^6 bytes) per run (200; quick 20)"
    )
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    size = int((args.mb or (20 if args.quick else 200)) * 1_000_000)
    rounds = rounds_of(args)
    php = find_php(args)
    expected = {"bytes": size}
    log(f"fread: {size:,} bytes in fread({LENGTH}) calls, {rounds} rounds, php={php or 'skipped'}")
    with Server("bulk", "--bytes", str(size)) as server:
        port = server.port
        contenders = [
            Contender(PHPSTREAMS, f"fread($fp, {LENGTH}) loop", lambda: phpstreams_side(port)),
            Contender(BARE, f"sock.recv({LENGTH}) loop", lambda: bare_side(port)),
        ]
        if args.extra_baselines:
            contenders.append(
                Contender(
                    "bare-timeout",
                    "same, socket with timeout=60 (poll before each recv)",
                    lambda: bare_side(port, 60.0),
                )
            )
        if php is not None:
            contenders.append(
                Contender(PHP, f"php -n: fread($fp, {LENGTH}) loop", lambda: php_side(php, port))
            )

        def warmup(c: Contender) -> int:
            check(c.name, c.run()[1], expected)
            return 1  # connection

        measure(contenders, rounds, expected, server, 1, warmup)
    sides = summarize(contenders, size / 1e6, "MB/s")
    for side in sides.values():
        reads = side["observed"].get("reads")
        side["bytes_per_read"] = size / reads if reads else None
    return {
        "bench": "fread",
        "title": f"fread: bulk, {LENGTH}-byte reads",
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
