"""The C connect of transport/net.py (``_speedups.connect_inet4``) against the Python one.

``connect_inet`` hands an IPv4 TCP connect with a timeout to C when the speedups
are active; the same connect with the C function removed runs CPython's
``settimeout`` + ``connect_ex``. Both must end the same way: connected, refused,
timed out, interrupted by a signal whose handler returns or raises, and with a
``socket.setdefaulttimeout`` in the program.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from phpstreams.core import speedups
from phpstreams.transport import net

pytestmark = pytest.mark.skipif(
    not speedups.ACTIVE, reason="the C speedups are not active (PHPSTREAMS_PURE_PYTHON or no build)"
)


@contextmanager
def _python_connect() -> Iterator[None]:
    saved = net._fast_connect
    net.set_fast_connect(None)
    try:
        yield
    finally:
        net.set_fast_connect(saved)


def _outcome(port: int, timeout: float) -> tuple[Any, ...]:
    try:
        sock = net.connect_inet("127.0.0.1", port, socket.SOCK_STREAM, timeout)
    except OSError as exc:
        return (type(exc).__name__, exc.errno, exc.strerror)
    try:
        return ("connected", sock.getpeername()[1], sock.gettimeout(), sock.getblocking())
    finally:
        sock.close()


def _both(run: Callable[[], tuple[Any, ...]]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    fast = run()
    with _python_connect():
        slow = run()
    return fast, slow


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_the_c_connect_is_installed() -> None:
    assert speedups.native is not None
    assert net._fast_connect is speedups.native.connect_inet4


def test_connected_as_python() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    try:
        fast, slow = _both(lambda: _outcome(port, 5.0))
    finally:
        server.close()
    assert fast == slow == ("connected", port, None, True)


def test_refused_as_python(refused_port: int) -> None:
    fast, slow = _both(lambda: _outcome(refused_port, 5.0))
    assert fast == slow == ("ConnectionRefusedError", errno.ECONNREFUSED, os.strerror(111))


def test_timed_out_as_python(blackhole_port: int) -> None:
    before = _open_fds()
    fast, slow = _both(lambda: _outcome(blackhole_port, 0.2))
    assert fast == slow == ("TimeoutError", errno.ETIMEDOUT, os.strerror(errno.ETIMEDOUT))
    assert _open_fds() == before


@contextmanager
def _alarm(handler: Callable[[int, Any], None], after: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, after)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_signal_whose_handler_returns_goes_on_waiting(blackhole_port: int) -> None:
    seen: list[int] = []

    def run() -> tuple[Any, ...]:
        with _alarm(lambda signum, frame: seen.append(signum), 0.05):
            return _outcome(blackhole_port, 0.3)

    fast, slow = _both(run)
    assert fast == slow == ("TimeoutError", errno.ETIMEDOUT, os.strerror(errno.ETIMEDOUT))
    assert seen == [signal.SIGALRM, signal.SIGALRM]  # one per side, the wait went on


class _Stop(Exception):
    pass


def test_a_signal_whose_handler_raises_ends_the_connect(blackhole_port: int) -> None:
    def stop(signum: int, frame: Any) -> None:
        raise _Stop

    def run() -> tuple[Any, ...]:
        before = _open_fds()
        with _alarm(stop, 0.05), pytest.raises(_Stop):
            _outcome(blackhole_port, 5.0)
        return ("raised", _open_fds() - before)

    fast, slow = _both(run)
    assert fast == slow == ("raised", 0)  # the socket closed on both sides


def test_a_default_timeout_in_the_program_is_left_behind() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    socket.setdefaulttimeout(7.0)
    try:
        fast, slow = _both(lambda: _outcome(port, 5.0))
    finally:
        socket.setdefaulttimeout(None)
        server.close()
    assert fast == slow == ("connected", port, None, True)
