"""Connecting, binding and accepting, as php-src main/network.c does it.

Theory of operation: a connect resolves the host once (DNS time is not part of
the budget), then tries every address in getaddrinfo's order under ONE deadline
(php_network_connect_socket_to_host). Each attempt is a non-blocking
``connect()`` followed by ``poll(POLLOUT|POLLPRI)`` for the time left, in whole
milliseconds as PHP's poll gets it, and ``SO_ERROR``; the error of the last
attempt is the one raised. An asynchronous connect returns the socket as soon
as ``connect()`` reports EINPROGRESS.
"""

from __future__ import annotations

import _socket
import array
import ctypes
import errno
import os
import select
import socket
import sys
import time
import weakref
from collections.abc import Callable
from itertools import chain, compress
from typing import Any, cast

__all__ = [
    "SELECT_EXCEPT",
    "SELECT_READ",
    "SELECT_WRITE",
    "Deadline",
    "SocketCreateError",
    "accept",
    "bind_inet",
    "bind_unix",
    "connect_inet",
    "connect_unix",
    "left_in_progress",
    "numeric_sockaddr",
    "poll_interruptible",
    "poll_many",
    "resolve",
    "wait_fd",
    "wait_fd_restarting",
    "wait_nothing",
]

SockAddr = Any  # the address tuple (or bytes path) a socket method takes

# The poll() events Linux's select() reports in its read, write and except sets.
SELECT_READ = select.POLLIN | select.POLLHUP | select.POLLERR
SELECT_WRITE = select.POLLOUT | select.POLLERR
SELECT_EXCEPT = select.POLLPRI


class Deadline:
    """A time budget; ``None`` seconds means no limit."""

    __slots__ = ("_end",)

    def __init__(self, seconds: float | None) -> None:
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining_ms(self) -> int:
        """Milliseconds left for poll(): -1 waits forever, 0 does not wait."""
        if self._end is None:
            return -1
        return max(0, int((self._end - time.monotonic()) * 1000))

    def expired(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end


def wait_fd(fd: int, events: int, timeout_ms: int) -> int:
    """poll() one descriptor; returns the events seen, 0 on timeout.

    A signal whose handler returns resumes the wait for the time left (PEP 475),
    as PHP's TLS and connect loops do."""
    poller = select.poll()
    poller.register(fd, events)
    ready = poller.poll(timeout_ms)
    return ready[0][1] if ready else 0


def _libc_poll() -> Callable[[int, int, int], int] | None:
    """libc's poll(), called directly: unlike ``select.poll`` (PEP 475) it returns
    -1/EINTR when a signal interrupts it, as PHP's php_poll2 sees it; None if
    this libc cannot be loaded, or with ``PHPSTREAMS_NO_CTYPES=1`` (then a signal
    is not seen: select.poll retries)."""
    if os.environ.get("PHPSTREAMS_NO_CTYPES", "") not in ("", "0"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).poll
    except (OSError, AttributeError, TypeError):
        return None
    func.argtypes = (ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int)
    func.restype = ctypes.c_int
    return cast("Callable[[int, int, int], int]", func)


_poll = _libc_poll()
# struct pollfd {int fd; short events; short revents;} as two C ints: the second
# one holds events in the short that comes first in memory, revents in the other.
_LITTLE = sys.byteorder == "little"


def _interrupted() -> OSError:
    code = ctypes.get_errno()
    return OSError(code, os.strerror(code))  # InterruptedError for EINTR


def poll_interruptible() -> bool:
    """Whether a waiting poll_many() sees a signal (libc's poll() through ctypes)."""
    return _poll is not None


def poll_many(interest: dict[int, int], timeout_ms: int) -> dict[int, int]:
    """ONE poll() of many descriptors (fd -> events); returns fd -> events seen.

    A signal interrupting a poll that waits raises ``InterruptedError`` (EINTR;
    its Python handler runs after), as PHP's select() fails then. A poll that
    does not wait (0 ms) cannot be interrupted: select.poll does it, faster."""
    if timeout_ms == 0 or _poll is None:
        poller = select.poll()
        for fd, events in interest.items():
            poller.register(fd, events)
        return dict(poller.poll(timeout_ms))
    if _LITTLE:
        pollfds = array.array("i", chain.from_iterable(interest.items()))
    else:
        pollfds = array.array("i", [v for fd, e in interest.items() for v in (fd, e << 16)])
    ready = _poll(pollfds.buffer_info()[0], len(interest), timeout_ms)
    if ready < 0:
        raise _interrupted()
    if ready == 0:
        return {}
    revents = memoryview(pollfds).cast("B").cast("h")[3::4].tolist()
    return dict(compress(zip(pollfds[0::2], revents, strict=True), revents))


def wait_fd_restarting(fd: int, events: int, timeout_ms: int) -> int:
    """php_sock_stream_wait_for_data and php_sockop_write's wait: poll() one
    descriptor; interrupted by a signal (whose handler returned), wait again for
    the WHOLE timeout. Returns the events seen, 0 on timeout."""
    return wait_fd_noting_signals(fd, events, timeout_ms)[0]


def wait_fd_noting_signals(fd: int, events: int, timeout_ms: int) -> tuple[int, bool]:
    """:func:`wait_fd_restarting`, also saying whether a signal interrupted the wait
    (php_sockop_write then reports EINTR, the errno of the last poll() that failed)."""
    if timeout_ms == 0 or _poll is None:
        return wait_fd(fd, events, timeout_ms), False
    pollfd = array.array("i", (fd, events if _LITTLE else events << 16))
    address = pollfd.buffer_info()[0]
    interrupted = False
    while True:
        ready = _poll(address, 1, timeout_ms)
        if ready > 0:
            word = pollfd[1]
            return (word >> 16 if _LITTLE else word) & 0xFFFF, interrupted
        if ready == 0:
            return 0, interrupted
        exc = _interrupted()
        if not isinstance(exc, InterruptedError):
            raise exc
        interrupted = True


def wait_nothing(timeout_ms: int) -> None:
    """poll() on no descriptor: sleeps for the timeout."""
    select.poll().poll(timeout_ms)


def numeric_sockaddr(host: str, port: int) -> tuple[Any, ...] | None:
    """The sockaddr of a numeric IPv6 or IPv4 address, None for a name."""
    for family in (socket.AF_INET6, socket.AF_INET):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return (host, port, 0, 0) if family == socket.AF_INET6 else (host, port)
    return None


_ONE_ANSWER = (socket.SOCK_STREAM, socket.SOCK_DGRAM)


def resolve(host: str, socktype: int) -> list[tuple[int, SockAddr]]:
    """getaddrinfo(host, NULL, AF_UNSPEC, socktype), in the resolver's order.

    php-src main/network.c: php_network_getaddresses. A failure raises
    ``socket.gaierror`` with the host in ``filename``.
    """
    if socktype in _ONE_ANSWER:
        try:
            _socket.inet_pton(socket.AF_INET, host)
        except (OSError, ValueError):
            pass
        else:
            # a dotted-quad literal (inet_pton takes no other form): getaddrinfo's
            # one answer is this address, spelt the same, without the call
            return [(socket.AF_INET, (host, 0))]
    try:
        # _socket's own getaddrinfo: the same call, without the wrapper's enums
        infos = _socket.getaddrinfo(
            host.encode("utf-8", "surrogateescape"), None, socket.AF_UNSPEC, socktype
        )
    except socket.gaierror as exc:
        failure = (exc.errno, exc.strerror)
    else:
        return [(family, sockaddr) for family, _, _, _, sockaddr in infos]
    # Raised outside the except block: no exception <-> frame reference cycle
    # keeps the caller's sockets alive until the garbage collector runs.
    raise socket.gaierror(failure[0], failure[1], host)


# (fd, host, port, timeout_ms) -> 0 | errno: the C connect of a new IPv4 socket
# with a timeout, set by phpstreams.core.sockops when the C module is active
# (this layer imports nothing above it)
_fast_connect: Callable[[int, str, int, int], int] | None = None


def set_fast_connect(connect: Callable[[int, str, int, int], int] | None) -> None:
    """Install (or, with None, remove) the C connect :func:`connect_inet` uses."""
    global _fast_connect
    _fast_connect = connect


_IN_PROGRESS: weakref.WeakSet[socket.socket] = weakref.WeakSet()


def left_in_progress(sock: socket.socket) -> bool:
    """Whether an asynchronous connect of ``sock`` returned EINPROGRESS."""
    return sock in _IN_PROGRESS


def _connect_one(
    sock: socket.socket, sockaddr: SockAddr, deadline: Deadline, asynchronous: bool
) -> None:
    """php-src main/network.c: php_network_connect_socket.

    PHP connects non-blocking, polls for POLLOUT with the time left and reads
    SO_ERROR. A socket timeout makes CPython do exactly that, in C; only a
    budget of 0 ms (poll without waiting) and the asynchronous connect (no poll
    at all) are done by hand.
    """
    timeout_ms = deadline.remaining_ms()
    if asynchronous or timeout_ms == 0:
        sock.setblocking(False)
        err = sock.connect_ex(sockaddr)
        if err == errno.EINPROGRESS:
            if asynchronous:
                _IN_PROGRESS.add(sock)
                return
            if not wait_fd(sock.fileno(), select.POLLOUT | select.POLLPRI, 0):
                raise TimeoutError(errno.ETIMEDOUT, _strerror(errno.ETIMEDOUT))
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    else:
        sock.settimeout(None if timeout_ms < 0 else timeout_ms / 1000)
        err = sock.connect_ex(sockaddr)
        if err == errno.EWOULDBLOCK and timeout_ms >= 0:  # CPython's "timed out"
            err = errno.ETIMEDOUT
    if err:
        raise (TimeoutError if err == errno.ETIMEDOUT else OSError)(err, _strerror(err))
    if not asynchronous:
        sock.settimeout(None)


def _strerror(err: int) -> str:
    return os.strerror(err)


def connect_inet(
    host: str,
    port: int,
    socktype: int,
    timeout: float | None,
    *,
    asynchronous: bool = False,
    prepare: Callable[[socket.socket, int], None] | None = None,
    skip_family: Callable[[int], bool] | None = None,
) -> socket.socket:
    """Connect to ``host:port``, trying each resolved address under one deadline.

    ``prepare(sock, family)`` runs on each new socket before its connect (socket
    options, a local bind); ``skip_family(family)`` passes over an address.
    Raises the last attempt's error.
    """
    addresses = resolve(host, socktype)
    deadline = Deadline(timeout)
    if (
        _fast_connect is not None
        and len(addresses) == 1
        and addresses[0][0] == socket.AF_INET
        and socktype == socket.SOCK_STREAM
        and prepare is None
        and skip_family is None
        and not asynchronous
        and (timeout_ms := deadline.remaining_ms()) > 0
    ):
        # the common case's system calls in C (_speedups.connect_inet4): those
        # of _connect_one's settimeout + connect_ex + settimeout(None)
        try:
            sock = socket.socket(socket.AF_INET, socktype)
        except OSError:
            raise OSError(0, "") from None  # as the loop below ends for one address
        try:
            err = _fast_connect(sock.fileno(), addresses[0][1][0], port, timeout_ms)
        except BaseException:  # a signal handler's exception
            sock.close()
            raise
        if err:
            sock.close()
            raise (TimeoutError if err == errno.ETIMEDOUT else OSError)(err, _strerror(err))
        if sock.gettimeout() is not None:  # a socket.setdefaulttimeout() in the program
            sock.settimeout(None)
        return sock
    last: tuple[type[OSError], int, str] | None = None
    for family, sockaddr in addresses:
        if skip_family is not None and skip_family(family):
            continue
        try:
            sock = socket.socket(family, socktype)
        except OSError:
            continue
        try:
            if prepare is not None:
                prepare(sock, family)
            _connect_one(sock, (sockaddr[0], port, *sockaddr[2:]), deadline, asynchronous)
        except OSError as exc:
            sock.close()
            last = (type(exc), exc.errno or 0, exc.strerror or "")
            if deadline.expired():
                break
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    kind, code, text = last if last is not None else (OSError, 0, "")
    raise kind(code, text)


class SocketCreateError(OSError):
    """socket() itself failed (e.g. EMFILE: no descriptor left), before any connect
    or bind; callers report it differently from a failed connect or bind."""


def _new_socket(family: int, socktype: int) -> socket.socket:
    try:
        return socket.socket(family, socktype)
    except OSError as exc:
        code, text = exc.errno or 0, exc.strerror or ""
    raise SocketCreateError(code, text)


def connect_unix(
    path: bytes, socktype: int, timeout: float | None, *, asynchronous: bool = False
) -> socket.socket:
    """Connect a unix socket (stream or datagram) to ``path``."""
    sock = _new_socket(socket.AF_UNIX, socktype)
    try:
        _connect_one(sock, path, Deadline(timeout), asynchronous)
    except BaseException:
        sock.close()
        raise
    return sock


def bind_inet(
    host: str, port: int, socktype: int, prepare: Callable[[socket.socket], None] | None = None
) -> socket.socket:
    """php-src main/network.c: php_network_bind_socket_to_local_addr.

    Every resolved address is tried; SO_REUSEADDR is always set.  When no socket
    could even be created, :class:`SocketCreateError` with errno 0.
    """
    addresses = resolve(host, socktype)
    code = 0
    created = False
    for family, sockaddr in addresses:
        try:
            sock = socket.socket(family, socktype)
        except OSError:
            continue
        created = True
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if prepare is not None:
                prepare(sock)
            sock.bind((sockaddr[0], port, *sockaddr[2:]))
        except OSError as exc:
            sock.close()
            code = exc.errno or 0
            continue
        return sock
    if not created:
        raise SocketCreateError(0, _strerror(0))
    raise OSError(code, _strerror(code) if code else "")


def bind_unix(path: bytes, socktype: int) -> socket.socket:
    sock = _new_socket(socket.AF_UNIX, socktype)
    try:
        sock.bind(path)
    except BaseException:
        sock.close()
        raise
    return sock


def accept(sock: socket.socket, timeout_ms: int) -> tuple[socket.socket, SockAddr]:
    """php-src main/network.c: php_network_accept_incoming -- poll, then accept.
    A signal interrupting the poll raises ``InterruptedError``, as PHP fails then."""
    fd = sock.fileno()
    if not poll_many({fd: select.POLLIN}, timeout_ms).get(fd, 0):
        raise TimeoutError(errno.ETIMEDOUT, _strerror(errno.ETIMEDOUT))
    fd, addr = sock._accept()  # type: ignore[attr-defined]
    client = socket.socket(sock.family, sock.type, sock.proto, fileno=fd)
    client.setblocking(True)
    return client, addr
