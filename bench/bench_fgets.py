#!/usr/bin/env python3
"""Line throughput: phpstreams ``fgets(fp)`` vs a bare ``sock.makefile("rb").readline()``
loop vs PHP 8.2 ``fgets($fp)``, reading the same N 80-byte lines from a loopback server.

    python bench/bench_fgets.py [--quick] [--json] [--rounds N] [--lines N] [--no-php]

Each side connects, reads every line until EOF (counting lines and bytes, keeping the
last line), closes; that whole span is timed. Every run is checked: line count, byte
count and last line must be exactly what the server sent.
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
    make_line,
    measure,
    ratios,
    rounds_of,
    run_php,
    summarize,
)

from phpstreams import fclose, fgets, stream_socket_client

TARGET = 0.8  # phpstreams >= 0.8x bare


def phpstreams_side(port: int) -> tuple[float, dict[str, Any]]:
    address = f"tcp://127.0.0.1:{port}"
    t0 = time.perf_counter()
    fp = stream_socket_client(address)
    if fp is False:
        raise RuntimeError("phpstreams: connect failed")
    n = total = 0
    last = b""
    while (line := fgets(fp)) is not False:
        n += 1
        total += len(line)
        last = line
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"lines": n, "bytes": total, "last": last.decode()}


def bare_side(port: int, timeout: float | None = None) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    f = sock.makefile("rb")  # a BufferedReader of io.DEFAULT_BUFFER_SIZE (8192), like PHP's chunk
    n = total = 0
    last = b""
    while line := f.readline():
        n += 1
        total += len(line)
        last = line
    f.close()
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"lines": n, "bytes": total, "last": last.decode()}


def php_side(php: str, port: int) -> tuple[float, dict[str, Any]]:
    out = run_php(php, "fgets.php", port)
    return out["seconds"], {k: out[k] for k in ("lines", "bytes", "last")}


def make_parser() -> argparse.ArgumentParser:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--lines", type=int, default=None, help="lines per run (200000; quick 20000)"
    )
    parser.add_argument("--line-length", type=int, default=80)
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    count = args.lines or (20_000 if args.quick else 200_000)
    length = args.line_length
    rounds = rounds_of(args)
    php = find_php(args)
    expected = {
        "lines": count,
        "bytes": count * length,
        "last": make_line(count - 1, length).decode(),
    }
    log(f"fgets: {count} lines of {length} bytes, {rounds} rounds, php={php or 'skipped'}")
    with Server("lines", "--lines", str(count), "--line-length", str(length)) as server:
        port = server.port
        contenders = [
            Contender(PHPSTREAMS, "fgets($fp) loop", lambda: phpstreams_side(port)),
            Contender(BARE, 'sock.makefile("rb").readline() loop', lambda: bare_side(port)),
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
                Contender(PHP, "php -n: fgets($fp) loop", lambda: php_side(php, port))
            )

        def warmup(c: Contender) -> int:
            check(c.name, c.run()[1], expected)
            return 1  # connection

        measure(contenders, rounds, expected, server, 1, warmup)
    sides = summarize(contenders, count, "lines/s")
    for side in sides.values():
        side["mb_per_s"] = side["rate"] * length / 1e6
    return {
        "bench": "fgets",
        "title": f"fgets: {length}-byte lines",
        "work": {"lines": count, "line_length": length},
        "work_text": f"{count:,} lines x {length} B",
        "rounds": rounds,
        "unit": "lines/s",
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
