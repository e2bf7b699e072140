"""Transports: one connected (or listening) socket, and TLS layered on one.

Knows nothing of PHP. Every I/O method is one system call that never blocks
(``MSG_DONTWAIT``, or a non-blocking ``SSLSocket``) and raises plain stdlib
exceptions: ``OSError`` with its errno (``BlockingIOError`` for "nothing yet"),
or for TLS the ``ssl`` module's own (``SSLWantReadError``...). Waiting is a
separate call, :meth:`SocketTransport.wait`, so the caller decides how long.

The shape (after httpcore's backends): ``recv``/``send``/``wait``/``close``,
``start_tls`` returning a new :class:`TLSTransport` over the same socket, and
``extra`` facts (names, family, the TLS session's cipher and version).
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import socket
import ssl
from typing import Any

from .net import wait_fd, wait_fd_noting_signals, wait_fd_restarting
from .sessions import set_session

__all__ = [
    "EXCEPTIONAL",
    "READABLE",
    "WRITABLE",
    "ConnectInProgress",
    "PendingSocketError",
    "SocketTransport",
    "TLSTransport",
]

READABLE = select.POLLIN | select.POLLPRI
WRITABLE = select.POLLOUT
EXCEPTIONAL = select.POLLPRI
_DONTWAIT = socket.MSG_DONTWAIT
_PEEK = socket.MSG_PEEK
_NOTHING_YET = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EMSGSIZE)  # EMSGSIZE: a datagram peek


class SocketTransport:
    """A socket; the stream's own descriptor, for plain and raw I/O."""

    __slots__ = ("fd", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.fd = sock.fileno()  # fixed for the socket's life

    def fileno(self) -> int:
        return self.fd

    @property
    def family(self) -> int:
        return int(self.sock.family)

    def recv(self, size: int) -> bytes:
        """One recv() that never waits; b"" is the peer's end of stream."""
        return self.sock.recv(size, _DONTWAIT)

    def send(self, data: bytes | memoryview) -> int:
        """One send() that never waits."""
        return self.sock.send(data, _DONTWAIT)

    def wait(self, events: int, timeout_ms: int) -> int:
        """poll() for ``events`` (READABLE, WRITABLE); -1 waits forever; 0 on timeout.
        A signal (its handler returned) starts the wait again, for the whole
        timeout: PHP's plain socket reads and writes wait so."""
        return wait_fd_restarting(self.fd, events, timeout_ms)

    def wait_noting_signals(self, events: int, timeout_ms: int) -> tuple[int, bool]:
        """:meth:`wait`, and whether a signal interrupted it (then restarted)."""
        return wait_fd_noting_signals(self.fd, events, timeout_ms)

    def alive(self) -> bool:
        """Not closed by the peer: unreadable, or readable with a byte to peek."""
        if not wait_fd(self.fd, READABLE, 0):
            return True
        try:
            data = self.sock.recv(1, _PEEK | _DONTWAIT)
        except OSError as exc:
            return exc.errno in _NOTHING_YET
        return bool(data)

    def recvfrom(self, size: int, oob: bool, peek: bool) -> tuple[bytes, Any]:
        """One recvfrom() that never waits: (data, sender address)."""
        flags = _DONTWAIT | (socket.MSG_OOB if oob else 0) | (_PEEK if peek else 0)
        return socket.socket.recvfrom(self.sock, size, flags)

    def sendto(self, data: bytes, oob: bool, address: tuple[Any, ...] | None) -> int:
        """One send() (``address`` None) or sendto()."""
        sock = self.sock
        flags = socket.MSG_OOB if oob else 0
        if address is None:
            return sock.send(data, flags)
        if (len(address) == 4) != (sock.family == socket.AF_INET6):
            # the kernel's answer to a target of the other address family
            raise OSError(errno.EAFNOSUPPORT, os.strerror(errno.EAFNOSUPPORT))
        return sock.sendto(data, flags, address)

    def shutdown(self, how: int) -> bool:
        try:
            self.sock.shutdown(how)
        except OSError:
            return False
        return True

    def set_blocking(self, blocking: bool) -> None:
        self.sock.setblocking(blocking)

    def set_nodelay(self) -> None:
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def getsockopt(self, level: int, option: int, size: int) -> bytes:
        """getsockopt() into a ``size``-byte buffer: the bytes the kernel wrote
        (as many as it says); raises OSError."""
        return self.sock.getsockopt(level, option, size)

    def setsockopt(self, level: int, option: int, value: bytes) -> None:
        """setsockopt() of the raw option bytes; raises OSError."""
        self.sock.setsockopt(level, option, value)

    def file_status_flags(self) -> int:
        """fcntl(F_GETFL): O_NONBLOCK and the rest; raises OSError."""
        return fcntl.fcntl(self.fd, fcntl.F_GETFL)

    def name(self, remote: bool) -> Any:
        """getpeername() or getsockname(); raises OSError."""
        return self.sock.getpeername() if remote else self.sock.getsockname()

    def close(self) -> None:
        self.sock.close()

    def _connected(self) -> bool:
        try:
            self.sock.getpeername()
        except OSError as exc:
            if exc.errno == errno.ENOTCONN:
                return False
        return True

    def start_tls(
        self, context: ssl.SSLContext, server_side: bool, session: ssl.SSLSession | None
    ) -> TLSTransport:
        """TLS over this socket, on a duplicate of its descriptor (so raw I/O on
        the original keeps working); the handshake is the caller's to drive."""
        sock = self.sock
        # A failed asynchronous connect leaves its error pending (SO_ERROR):
        # wrap_socket() would raise it from its probing recv() and leak the
        # descriptor it took; raise it here instead, as OpenSSL's first write
        # meets it (PHP: "SSL: Connection refused").
        pending = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if pending:
            raise PendingSocketError(pending, os.strerror(pending))
        if sock.type == socket.SOCK_STREAM and not self._connected():
            # an asynchronous connect still under way: wrap_socket() would fail
            # (and leak) the same way; the caller waits for it to finish
            raise ConnectInProgress(errno.EINPROGRESS, os.strerror(errno.EINPROGRESS))
        try:
            sslsock = self._wrap(context, server_side, session)
        except ValueError:
            if session is None:
                raise
            # "Session refers to a different SSLContext": the session stream's
            # context is another one; OpenSSL takes the session all the same
            sslsock = self._wrap(context, server_side, None)
            set_session(sslsock, session)
        sslsock.settimeout(0.0)
        return TLSTransport(sslsock, self)

    def _wrap(
        self, context: ssl.SSLContext, server_side: bool, session: ssl.SSLSession | None
    ) -> ssl.SSLSocket:
        sock = self.sock
        duplicate = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))
        try:
            return context.wrap_socket(
                duplicate,
                server_side=server_side,
                do_handshake_on_connect=False,
                suppress_ragged_eofs=False,
                session=session,
            )
        except BaseException:
            duplicate.close()
            raise


class PendingSocketError(OSError):
    """The error a failed asynchronous connect left on the socket (SO_ERROR)."""


class ConnectInProgress(OSError):
    """TLS was asked for on a socket whose asynchronous connect has not finished."""


class TLSTransport:
    """A TLS session over a :class:`SocketTransport`; I/O never waits."""

    __slots__ = ("plain", "sslsock", "version")

    def __init__(self, sslsock: ssl.SSLSocket, plain: SocketTransport) -> None:
        self.sslsock = sslsock
        self.plain = plain
        self.version: str | None = None  # the protocol, once the handshake is done

    def fileno(self) -> int:
        return self.sslsock.fileno()

    def handshake(self) -> None:
        """One step of the handshake: raises SSLWantReadError/SSLWantWriteError to go on."""
        self.sslsock.do_handshake()
        self.version = self.sslsock.version()

    def recv(self, size: int) -> bytes:
        return self.sslsock.recv(size)

    def send(self, data: bytes) -> int:
        return self.sslsock.send(data)

    def pending(self) -> int:
        """Decrypted bytes OpenSSL holds that no recv() has taken yet."""
        return self.sslsock.pending()

    def socket_error(self) -> int:
        """SO_ERROR: the error the kernel holds for the next system call (a
        reset: ECONNRESET), cleared by reading it; 0 if none."""
        try:
            return int(self.sslsock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
        except OSError:
            return 0

    def wait(self, events: int, timeout_ms: int) -> int:
        return wait_fd(self.sslsock.fileno(), events, timeout_ms)

    def peer_certificate(self) -> bytes | None:
        return self.sslsock.getpeercert(binary_form=True)

    def session(self) -> ssl.SSLSession | None:
        return self.sslsock.session

    def extra(self) -> dict[str, Any]:
        """The session's protocol, cipher (name, bits, version) and ALPN protocol."""
        cipher = self.sslsock.cipher() or ("", "", 0)
        return {
            # after a fatal error Python says None; OpenSSL (and PHP) still the version
            "protocol": self.sslsock.version() or self.version or "UNKNOWN",
            "cipher_name": cipher[0],
            "cipher_bits": cipher[2],
            "cipher_version": cipher[1],
            "alpn_protocol": self.sslsock.selected_alpn_protocol(),
        }

    def close(self) -> None:
        """Closes the duplicate descriptor; the plain socket stays the owner's."""
        self.sslsock.close()
