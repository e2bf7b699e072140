"""How PHP reads and writes a plain socket: php-src main/streams/xp_socket.c.

Theory of operation: a blocking read (php_sockop_read) first waits for
readability with the stream's read timeout; if that runs out, nothing is read
and ``timed_out`` is set until the next wait. A ``recv()`` of 0 bytes, or a
fatal error, sets ``eof``. PHP polls before every blocking recv(); trying the
recv() first and polling only when it would block gives the same results
(``timed_out`` is cleared by any wait that finds data) with one system call
less. A write (php_sockop_write, looped as _php_stream_write_buffer does) sends
until done, waiting for writability with the same timeout when the socket is full.

The TLS layer provides the same operations with xp_ssl.c's rules
(``phpstreams.tls.io``); a stream holds whichever applies as ``stream.ops``
(:class:`~.stream.StreamOps`).
"""

from __future__ import annotations

import errno
import os

from ..transport import net
from ..transport.net import poll_interruptible
from ..transport.socket import READABLE, WRITABLE, SocketTransport
from .readbuffer import CHUNK_SIZE
from .speedups import native
from .stream import Stream, StreamResource

__all__ = ["PLAIN", "PlainOps", "SocketFileOps", "stat_fields", "wait_ms"]

_TRANSIENT = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)
_NEVER_READABLE = (errno.ENOTCONN, errno.EINVAL)


def wait_ms(timeout: float | None) -> int:
    """A stream timeout as PHP's poll() gets it: -1 waits forever."""
    return -1 if timeout is None else int(timeout * 1000)


def stat_fields(fd: int) -> dict[str, int] | None:
    """fstat() of a descriptor as PHP's stat buffer fields; None when it fails."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return {
        "dev": st.st_dev,
        "ino": st.st_ino,
        "mode": st.st_mode,
        "nlink": st.st_nlink,
        "uid": st.st_uid,
        "gid": st.st_gid,
        "rdev": st.st_rdev,
        "size": st.st_size,
        "atime": int(st.st_atime),
        "mtime": int(st.st_mtime),
        "ctime": int(st.st_ctime),
        "blksize": st.st_blksize,
        "blocks": st.st_blocks,
    }


class SocketFileOps:
    """The file-like operations of a socket stream, plain or TLS (xp_socket.c):
    no seek op, fstat() of the socket, no truncate/sync/lock (set_option answers
    NOTIMPL), and the descriptor for a cast."""

    __slots__ = ()

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        return None

    def stat(self, stream: Stream) -> dict[str, int] | None:
        """php_sockop_stat: fstat() of the socket."""
        fd = stream.fileno()
        return None if fd is None else stat_fields(fd)

    def truncate(self, stream: Stream, size: int) -> bool | None:
        return None

    def sync(self, stream: Stream, data_only: bool) -> bool | None:
        return None

    def lock(self, stream: Stream, operation: int) -> tuple[bool, int] | None:
        return None

    def cast_fd(self, stream: Stream) -> int | None:
        return stream.fileno()


class PlainOps(SocketFileOps):
    """php_stream_socket_ops."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        """php_sockop_read."""
        transport = stream.transport
        if transport is None:
            return None
        if stream.poll_first and stream.blocked:
            return self._after_failure(stream, errno.EAGAIN, size)
        try:
            data = transport.recv(size)
        except OSError as exc:
            return self._after_failure(stream, exc.errno or 0, size)
        if stream.blocked:
            stream.timed_out = False
        if not data:
            stream.eof = True
        return data

    def _after_failure(self, stream: Stream, code: int, size: int) -> bytes | None:
        """The rest of php_sockop_read after a first recv() failed with ``code``."""
        if code not in _TRANSIENT:
            # PHP polls first: a pending socket error shows in poll() and the
            # recv() then fails, but a socket that cannot be read at all (a
            # listening one: ENOTCONN/EINVAL) is never readable -- a timeout.
            if not stream.blocked or code not in _NEVER_READABLE:
                stream.eof = True
                return None
        elif not stream.blocked:
            return b""
        # A reader faster than its peer keeps finding nothing: poll first from
        # now on, until a recv() fills its whole request (more is likely queued).
        stream.poll_first = True
        transport = stream.transport
        assert transport is not None
        stream.timed_out = False
        if not transport.wait(READABLE, wait_ms(stream.timeout)):
            stream.timed_out = True
            return None
        try:
            data = transport.recv(size)
        except OSError as again:
            if again.errno in _TRANSIENT:
                return b""
            stream.eof = True
            return None
        if not data:
            stream.eof = True
        elif len(data) == size:
            stream.poll_first = False
        return data

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        """php_sockop_write, looped as _php_stream_write_buffer does."""
        transport = stream.transport
        if transport is None:
            return 0, errno.EBADF
        view = memoryview(data)
        written = 0
        while written < len(data):
            try:
                written += transport.send(view[written:])
            except OSError as exc:
                return self.after_send_failure(stream, data, written, exc.errno or 0)
        return written, 0

    def after_send_failure(
        self, stream: Stream, data: bytes, written: int, code: int
    ) -> tuple[int, int]:
        """The rest of write() once a send() failed with ``code``, ``written``
        bytes sent: PHP's wait for writability and the sends after it (the C
        fast path's fwrite comes here too)."""
        transport = stream.transport
        if transport is None:
            return written, errno.EBADF
        view = memoryview(data)
        while True:
            if code not in _TRANSIENT:
                return written, code
            if not stream.blocked:
                return written, 0  # PHP: EAGAIN is no error on a non-blocking stream
            ready, interrupted = transport.wait_noting_signals(WRITABLE, wait_ms(stream.timeout))
            if not ready:
                stream.timed_out = True
                # PHP: the notice names the errno of the last poll() that failed --
                # EINTR when a signal interrupted the wait before it timed out
                return written, errno.EINTR if interrupted else code
            try:
                while written < len(data):
                    written += transport.send(view[written:])
            except OSError as exc:
                code = exc.errno or 0
            else:
                return written, 0

    def alive(self, stream: Stream) -> bool:
        """When poll() says readable, MSG_PEEK one byte."""
        transport = stream.transport
        return transport is not None and transport.alive()

    def pending(self, stream: Stream) -> int:
        return 0


PLAIN = PlainOps()

if native is not None:  # the C fast paths handle these exact classes, the rest goes to Python
    native.configure(
        stream_resource=StreamResource,
        stream=Stream,
        transport=SocketTransport,
        plain=PLAIN,
        chunk_size=CHUNK_SIZE,
        # the read's wait in C only where the Python one sees signals as PHP does
        wait_in_c=poll_interruptible(),
    )
    net.set_fast_connect(native.connect_inet4)
