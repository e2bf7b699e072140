#!/usr/bin/env python3
"""Connect+close rate: phpstreams ``stream_socket_client("tcp://127.0.0.1:P")`` + ``fclose``
vs bare ``socket.create_connection`` + ``close`` vs PHP 8.2, N times each, to a loopback
server that accepts and closes.

    python bench/bench_connect.py [--quick] [--json] [--rounds N] [--connects N] [--no-php]

Each side makes N connects in a loop (each one checked: a stream/socket came back); the
loop is timed. The server's accept count must also grow by exactly N for every run.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (
    BARE,
    PHP,
    PHPSTREAMS,
    Contender,
    Server,
    base_parser,
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

from phpstreams import fclose, stream_socket_client

TARGET = 0.8  # phpstreams >= 0.8x bare


def phpstreams_side(port: int, count: int) -> tuple[float, dict[str, Any]]:
    address = f"tcp://127.0.0.1:{port}"
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        fp = stream_socket_client(address)
        if fp is False:
            break
        fclose(fp)
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"connects": ok}


def bare_side(port: int, count: int, timeout: float | None = None) -> tuple[float, dict[str, Any]]:
    address = ("127.0.0.1", port)
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        try:
            sock = socket.create_connection(address, timeout=timeout)
        except OSError:
            break
        sock.close()
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"connects": ok}


def php_side(php: str, port: int, count: int) -> tuple[float, dict[str, Any]]:
    out = run_php(php, "connect.php", port, count)
    return out["seconds"], {"connects": out["connects"]}


def make_parser() -> argparse.ArgumentParser:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--connects", type=int, default=None, help="per run (2000; quick 200)")
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    count = args.connects or (200 if args.quick else 2000)
    rounds = rounds_of(args)
    php = find_php(args)
    expected = {"connects": count}
    log(f"connect: {count} connect+close, {rounds} rounds, php={php or 'skipped'}")
    with Server("accept") as server:
        port = server.port
        contenders = [
            Contender(
                PHPSTREAMS,
                'stream_socket_client("tcp://127.0.0.1:P") + fclose',
                lambda: phpstreams_side(port, count),
            ),
            Contender(BARE, "socket.create_connection + close", lambda: bare_side(port, count)),
        ]
        if args.extra_baselines:
            contenders.append(
                Contender(
                    "bare-timeout",
                    "same with timeout=60 (non-blocking connect + poll, as PHP)",
                    lambda: bare_side(port, count, 60.0),
                )
            )
        if php is not None:
            contenders.append(
                Contender(
                    PHP,
                    "php -n: stream_socket_client + fclose",
                    lambda: php_side(php, port, count),
                )
            )
        # warm-up: a tenth of the work per side, checked, then the accept count is re-read
        warm = max(1, count // 10)
        warm_runs: dict[str, Callable[[], tuple[float, dict[str, Any]]]] = {
            PHPSTREAMS: lambda: phpstreams_side(port, warm),
            BARE: lambda: bare_side(port, warm),
            "bare-timeout": lambda: bare_side(port, warm, 60.0),
            PHP: lambda: php_side(php, port, warm) if php else (0.0, {"connects": 0}),
        }

        def warmup(c: Contender) -> int:
            got = warm_runs[c.name]()[1]["connects"]
            if got != warm:
                raise RuntimeError(f"{c.name}: warm-up made {got} of {warm} connects")
            return int(got)

        measure(contenders, rounds, expected, server, count, warmup)
    sides = summarize(contenders, count, "conn/s")
    return {
        "bench": "connect",
        "title": "connect+close",
        "work": {"connects": count},
        "work_text": f"{count:,} connects",
        "rounds": rounds,
        "unit": "conn/s",
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
