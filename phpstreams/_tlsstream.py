"""PHP stream semantics over TLS: php-src ext/openssl/xp_ssl.c (php_openssl_sockop_io).

Theory of operation: a stream becomes a :class:`TLSSocketStream` (its class is
swapped; the slots are the same) once crypto is enabled. A read or write is one
SSL_read/SSL_write retried while OpenSSL wants more I/O, waiting with poll() in
between, the whole loop bounded by the stream timeout -- which, unlike plain
sockets, counts only when positive: a timeout of 0 waits forever. Errors become
PHP's warnings and a result of 0 (never -1), so ``fread`` gives ``""`` and
``fwrite`` ``0``; only a timeout gives -1 (``fread`` false).
"""

from __future__ import annotations

import errno
import select
import socket
import ssl
import time
from typing import TYPE_CHECKING

from ._stream import SocketStream
from ._transport._net import wait_fd
from ._transport._openssl import peek_alive

if TYPE_CHECKING:
    from ._crypto import TLSState

__all__ = ["TLSSocketStream"]


_TCP_CLOSE = 7  # tcp_info.tcpi_state of a connection the peer reset


def _was_reset(sock: socket.socket) -> bool:
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    except OSError:
        return False
    return info[0] == _TCP_CLOSE


class TLSSocketStream(SocketStream):
    """A socket stream with TLS active."""

    __slots__ = ()

    def _state(self) -> TLSState:
        state = self.tls
        assert state is not None
        return state  # type: ignore[no-any-return]

    def _io(self, data: bytes | None, size: int) -> bytes | int | None:
        """php_openssl_sockop_io: bytes read / count written; None on timeout."""
        from ._crypto import report_ssl_error

        state = self._state()
        sslsock = state.sslsock
        began_blocked = self.blocked
        timeout = self.timeout if began_blocked else None
        has_timeout = timeout is not None and timeout > 0
        start = time.monotonic()
        while True:
            elapsed = time.monotonic() - start
            if has_timeout and timeout is not None and elapsed > timeout:
                self.timed_out = True
                return None
            want = 0
            try:
                if data is None:
                    return sslsock.recv(size) or self._eof_read()
                return sslsock.send(data)
            except ssl.SSLWantReadError:
                want = select.POLLIN | select.POLLPRI
            except ssl.SSLWantWriteError:
                want = select.POLLOUT | select.POLLPRI
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError) as exc:
                # With SSL_OP_IGNORE_UNEXPECTED_EOF a FIN is a clean close; an
                # "EOF" error is a failed system call whose errno Python loses:
                # a reset connection is the case PHP reports (strerror of it),
                # on the read, then as a broken pipe on the next write.
                if data is None:
                    if isinstance(exc, ssl.SSLEOFError) and _was_reset(sslsock):
                        state.reset = True
                        report_ssl_error(OSError(errno.ECONNRESET, ""))
                    self.eof = not sslsock.pending()
                    return b""
                if state.reset:
                    report_ssl_error(OSError(errno.EPIPE, ""))
                return 0
            except OSError as exc:
                report_ssl_error(exc)
                if data is None:
                    self.eof = not sslsock.pending()
                return b"" if data is None else 0
            if not began_blocked:
                return b"" if data is None else 0
            left = None if not has_timeout or timeout is None else timeout - elapsed
            wait_fd(sslsock.fileno(), want, -1 if left is None else max(0, int(left * 1000)))

    def _eof_read(self) -> bytes:
        self.eof = True
        return b""

    def _recv(self, size: int) -> bytes | None:
        result = self._io(None, size)
        assert not isinstance(result, int)
        return result

    def write(self, data: bytes) -> tuple[int, int]:
        written = 0
        view = memoryview(data)
        while written < len(data):
            result = self._io(bytes(view[written:]), 0)
            if not isinstance(result, int) or result <= 0:
                break
            written += result
        return written, 0

    def _alive(self) -> bool:
        """PHP_STREAM_OPTION_CHECK_LIVENESS with TLS: when readable, SSL_peek one byte."""
        sock = self.sock
        if sock is None:
            return False
        if not wait_fd(sock.fileno(), select.POLLIN | select.POLLPRI, 0):
            return True
        return peek_alive(self._state().sslsock)

    def absorb_pending(self) -> None:
        """php_openssl_sockop_cast for select(): decrypted bytes OpenSSL holds
        (SSL_pending) move into the stream's buffer, where select() sees them."""
        pending = self._state().sslsock.pending()
        if pending > 0:
            self._fill(self.unread_bytes() + pending)
