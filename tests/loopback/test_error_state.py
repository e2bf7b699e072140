"""Error state is per thread: 16 threads fail their own connects at once and each
reads back its own error (error_get_last, handlers, error_reporting, @)."""

from __future__ import annotations

import socket
import threading

from phpstreams import (
    E_ALL,
    Ref,
    error_get_last,
    error_reporting,
    restore_error_handler,
    set_error_handler,
    silence,
    stream_socket_client,
)

THREADS = 16
ROUNDS = 20


def refused_ports(count: int) -> tuple[list[int], list[socket.socket]]:
    """Ports with nothing listening: bound (so nobody else takes them), never listened."""
    holders = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        holders.append(sock)
    return [s.getsockname()[1] for s in holders], holders


def test_sixteen_threads_keep_their_own_error_state() -> None:
    ports, holders = refused_ports(THREADS)
    failures: list[str] = []
    barrier = threading.Barrier(THREADS)

    def worker(index: int, port: int) -> None:
        handled: list[str] = []
        barrier.wait()
        for round_ in range(ROUNDS):
            errno, errstr = Ref(), Ref()
            if round_ % 2:
                with silence():
                    fp = stream_socket_client(f"tcp://127.0.0.1:{port}", errno, errstr, 1)
                last = error_get_last()
                if fp is not False or last is None or f":{port} " not in last["message"]:
                    failures.append(f"thread {index}: {last}")
            else:
                error_reporting(index)
                set_error_handler(lambda no, text: handled.append(text))
                stream_socket_client(f"tcp://127.0.0.1:{port}", errno, errstr, 1)
                restore_error_handler()
                if error_reporting(E_ALL) != index:
                    failures.append(f"thread {index}: error_reporting crossed")
                if not handled or f":{port} " not in handled[-1]:
                    failures.append(f"thread {index}: handler saw {handled[-1:]}")
            if errno.value != 111:
                failures.append(f"thread {index}: errno {errno.value}")

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(ports)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for sock in holders:
            sock.close()
    assert not failures, failures[:5]
    assert all(not t.is_alive() for t in threads)
