"""How PHP reads and writes a TLS stream: php-src ext/openssl/xp_ssl.c (php_openssl_sockop_io).

Theory of operation: a read or write is one SSL_read/SSL_write retried while
OpenSSL wants more I/O, waiting with poll() in between, the whole loop bounded
by the stream timeout -- which, unlike plain sockets, counts only when
positive: a timeout of 0 waits forever. Errors become PHP's warnings and a
result of 0 (never -1), so ``fread`` gives ``""`` and ``fwrite`` ``0``; only a
timeout gives -1 (``fread`` false). The stream's read buffer is the same as
before the handshake: only its ops change (``stream.ops``).
"""

from __future__ import annotations

import _ssl
import errno
import math
import socket
import ssl
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core import diagnostics
from ..core.diagnostics import warning_here
from ..core.errors import strerror
from ..core.sockops import SocketFileOps
from ..core.speedups import native
from ..transport import openssl as _openssl
from ..transport.socket import EXCEPTIONAL, READABLE, WRITABLE, TLSTransport
from .errors import report_ssl_error

if TYPE_CHECKING:
    from ..core.stream import Stream
    from .state import TLSState

__all__ = ["TLS_OPS", "TLSOps"]

_TCP_CLOSE = 7  # tcp_info.tcpi_state of a connection the peer reset
_RECORD = 16384  # a TLS record's most plaintext (SSL3_RT_MAX_PLAIN_LENGTH)


def _was_reset(sock: socket.socket) -> bool:
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    except OSError:
        return False
    return info[0] == _TCP_CLOSE


class TLSOps(SocketFileOps):
    """php_openssl_socket_ops (the file-like operations are the socket's)."""

    __slots__ = ()

    def _io(
        self,
        stream: Stream,
        data: bytes | None,
        size: int,
        first: OSError | None = None,
        start: float | None = None,
    ) -> bytes | int | None:
        """php_openssl_sockop_io: bytes read / count written; None on timeout.

        ``first``: what the first SSL_read raised when the C fast path made it
        (at ``start``, its time.monotonic()): the loop goes on from there."""
        state: TLSState = stream.tls
        tls = state.transport
        began_blocked = stream.blocked
        timeout = stream.timeout if began_blocked else None
        has_timeout = timeout is not None and timeout > 0
        if start is None:
            start = time.monotonic()
        while True:
            elapsed = time.monotonic() - start
            if has_timeout and timeout is not None and elapsed > timeout:
                stream.timed_out = True
                return None
            want = 0
            pending = 0
            try:
                if data is None:
                    if first is not None:
                        failure, first = first, None
                        raise failure
                    received = tls.recv(size)
                    if not received:
                        stream.eof = True
                    return received
                # The errno a failed SSL_write would give PHP: Python's ssl loses
                # it (an SSLEOFError), and the send consumes it (SO_ERROR), so it
                # is read first -- the reset the kernel holds since the peer's RST.
                # (After a protocol error OpenSSL fails without a system call.)
                if not state.failed:
                    pending = tls.socket_error()
                return tls.send(data)
            except ssl.SSLWantReadError:
                want = READABLE
            except ssl.SSLWantWriteError:
                want = WRITABLE | EXCEPTIONAL
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError) as exc:
                # With SSL_OP_IGNORE_UNEXPECTED_EOF a FIN is a clean close (and
                # once one was read, a failed write is SSL_ERROR_ZERO_RETURN too:
                # no warning); an "EOF" error is a failed system call whose errno
                # Python loses: PHP warns with its strerror. A read fails so on a
                # reset connection; a write with the pending error, else EPIPE.
                # After a protocol error OpenSSL fails at once, without a system
                # call: PHP's errno is still the 0 it set then ("SSL: Success").
                if data is None:
                    if isinstance(exc, ssl.SSLEOFError):
                        if state.failed:
                            warning_here(f"SSL: {strerror(0)}")
                        elif _was_reset(tls.sslsock):
                            state.reset = True
                            report_ssl_error(OSError(errno.ECONNRESET, ""))
                    stream.eof = not tls.pending()
                    return b""
                if isinstance(exc, ssl.SSLEOFError):
                    code = 0 if state.failed else pending or errno.EPIPE
                    warning_here(f"SSL: {strerror(code)}")
                return 0
            except OSError as exc:
                if isinstance(exc, ssl.SSLError):
                    state.failed = True  # SSL_ERROR_SSL: the connection is in error
                report_ssl_error(exc)
                if data is None:
                    stream.eof = not tls.pending()
                return b"" if data is None else 0
            if not began_blocked:
                return b"" if data is None else 0
            left = None if not has_timeout or timeout is None else timeout - elapsed
            # rounded up: the wait covers what is left, so the check above then
            # ends the call at once -- another SSL_write there would squeeze a few
            # more bytes in and start a whole new timeout for the next record
            tls.wait(want, -1 if left is None else max(0, math.ceil(left * 1000)))

    def read(self, stream: Stream, size: int) -> bytes | None:
        result = self._io(stream, None, size)
        assert not isinstance(result, int)
        return result

    def resume_read(
        self, stream: Stream, failure: OSError, size: int, start: float
    ) -> bytes | None:
        """The rest of read() once its first SSL_read (the C fast path's, made at
        ``start``) raised ``failure``: PHP's wait loop, warnings and result."""
        result = self._io(stream, None, size, failure, start)
        assert not isinstance(result, int)
        return result

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        """PHP's SSL_write has SSL_MODE_ENABLE_PARTIAL_WRITE: each call writes one
        record and says so; Python's has not, so one record's worth is handed to
        it at a time -- the count written before a failure stays known."""
        written = 0
        view = memoryview(data)
        while written < len(data):
            result = self._io(stream, bytes(view[written : written + _RECORD]), 0)
            if not isinstance(result, int) or result <= 0:
                break
            written += result
        return written, 0

    def alive(self, stream: Stream) -> bool:
        """PHP_STREAM_OPTION_CHECK_LIVENESS with TLS: when readable, SSL_peek one byte."""
        if stream.transport is None:
            return False
        tls = stream.tls.transport
        if not tls.wait(READABLE, 0):
            return True
        return _openssl.peek_alive(tls.sslsock)

    def pending(self, stream: Stream) -> int:
        """Decrypted bytes OpenSSL holds (SSL_pending), which select() must see."""
        return int(stream.tls.transport.pending())


TLS_OPS = TLSOps()

def _read_for(s: Stream, size: int, failure: OSError | None = None, start: float = 0.0) -> Any:
    if failure is None:
        return TLS_OPS.read(s, size)
    return TLS_OPS.resume_read(s, failure, size, start)


def _resumes() -> dict[str, Callable[..., bytes | None]]:
    """The reads the C fast path hands to Python -- TLS_OPS.read(s, size), or
    TLS_OPS.resume_read after a failed first SSL_read -- under the name of each
    PHP function it reads for: their warnings then name that function, as on the
    Python path (diagnostics.active_function: the outermost library frame's name)."""
    code = _read_for.__code__
    return {
        name: types.FunctionType(
            code.replace(co_name=name), globals(), name, _read_for.__defaults__
        )
        for name in ("fgets", "fread", "fgetc", "stream_get_line", "stream_get_contents")
    }


def _finish_call() -> None:
    """The end of a fast call that resumed in Python, as php_function's wrapper
    ends every call: what an error handler threw meanwhile is raised now."""
    if diagnostics.pending_count:
        diagnostics.raise_pending()


if native is not None:  # the C fast path reads through these exact classes, the rest is Python's
    native.configure_tls(
        ops=TLS_OPS,
        transport=TLSTransport,
        ssl_socket=ssl.SSLSocket,
        ssl_object=_ssl._SSLSocket,  # type: ignore[attr-defined]  # (typeshed omits it)
        ssl_error=ssl.SSLError,
        resumes=_resumes(),
        finish=_finish_call,
    )
