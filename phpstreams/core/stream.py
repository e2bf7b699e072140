"""A PHP socket stream: the read buffer, a transport, and PHP's flags.

Theory of operation (php-src main/streams/streams.c): a :class:`Stream` is a
:class:`~.readbuffer.ReadBuffer` plus the transport its bytes come from and the
ops (``stream.ops``) that read and write it by PHP's rules -- plain sockets
(:mod:`.sockops`) or TLS (``phpstreams.tls.io``). A *fill* is exactly one read
of the buffer's free space. ``fread`` takes what the buffer holds, then makes at
most one fill; ``fgets``/``stream_get_line`` fill until a newline (a delimiter),
EOF, or a fill that yields nothing.

Streams that are no sockets (files, php://memory, php://temp...) are the
:class:`~.local.LocalStream` subclass, with ops of their own; :meth:`Stream.seek`
is _php_stream_seek for all of them (sockets have no seek op: a forward
SEEK_CUR is emulated by reading, anything else warns).

A stream is held by a :class:`StreamResource`, the object PHP code sees; once
closed the resource holds nothing and every stream function raises PHP 8's
TypeError for it.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any, Protocol, final

from ..transport.socket import READABLE
from .diagnostics import warning_here
from .lifetime import track as _track
from .readbuffer import CHUNK_SIZE, ReadBuffer
from .resources import ContextResource, Resource, php_type_name

if TYPE_CHECKING:
    from ..transport.socket import SocketTransport

__all__ = ["CHUNK_SIZE", "Stream", "StreamOps", "StreamResource", "require_stream"]

_TRANSIENT = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)


class StreamOps(Protocol):
    """php_stream_ops: the read, write and liveness rules of one kind of stream."""

    def read(self, stream: Stream, size: int) -> bytes | None:
        """One read of at most ``size`` bytes: b"" for none, None for PHP's -1."""

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        """Bytes written, and the errno that stopped the writing (0 if none)."""

    def alive(self, stream: Stream) -> bool:
        """PHP_STREAM_OPTION_CHECK_LIVENESS."""

    def pending(self, stream: Stream) -> int:
        """Bytes received below the stream (decrypted by TLS) that no read took yet."""

    # The file-like operations (ops->seek, ops->stat, ops->set_option):
    # sockets answer as xp_socket.c does (sockops.SocketFileOps).

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        """ops->seek: (0 or -1, the new offset); None when the stream has no seek op."""

    def stat(self, stream: Stream) -> dict[str, int] | None:
        """ops->stat: the 13 fields of a stat buffer by name; None on failure."""

    def truncate(self, stream: Stream, size: int) -> bool | None:
        """PHP_STREAM_TRUNCATE_SET_SIZE; None when truncating is not supported."""

    def sync(self, stream: Stream, data_only: bool) -> bool | None:
        """PHP_STREAM_SYNC_FSYNC / FDSYNC; None when not supported."""

    def lock(self, stream: Stream, operation: int) -> tuple[bool, int] | None:
        """flock(): (locked, errno); None when locking is not supported."""

    def cast_fd(self, stream: Stream) -> int | None:
        """PHP_STREAM_AS_FD: the descriptor, None when the stream has none."""


class Stream(ReadBuffer):
    """One PHP socket stream: its transport, read buffer and flags."""

    __slots__ = (
        "accept_method",
        "base",
        "blocked",
        "chunk_size",
        "connect_timeout",
        "context",
        "eof",
        "no_buffer",
        "ops",
        "poll_first",
        "read_filters",
        "stream_type",
        "timed_out",
        "timeout",
        "tls",
        "transport",
        "url_name",
        "write_filters",
        "written",
    )

    def __init__(
        self,
        ops: StreamOps,
        transport: SocketTransport | None,
        stream_type: str,
        timeout: float | None,
        context: ContextResource | None = None,
    ) -> None:
        super().__init__()
        self.transport = transport
        self.ops = ops
        self.stream_type = stream_type
        self.timeout = timeout  # read/write timeout in seconds; None waits forever
        self.context = context
        self.blocked = True
        self.eof = False
        self.timed_out = False
        self.chunk_size = CHUNK_SIZE
        self.no_buffer = False  # PHP_STREAM_FLAG_NO_BUFFER: stream_set_read_buffer($fp, 0)
        self.connect_timeout: float | None = None  # bounds a client's TLS handshake
        self.tls: Any = None  # the TLS layer's state once crypto was set up
        self.url_name: str | None = None  # the host part of the address (TLS peer name)
        self.accept_method: int | None = None  # ssl:// servers: handshake on accept
        self.poll_first = False  # the last read found nothing: poll before the next
        self.written = 0  # bytes written: PHP's position counts them with those read
        self.base = 0  # the position a seek left (the counters restart from it)
        # The stream filters attached (stream_filter_append); None while there
        # are none, so that the hot paths test one attribute.
        self.read_filters: Any = None
        self.write_filters: Any = None

    @property
    def position(self) -> int:
        """PHP's ``stream->position`` (ftell): bytes consumed by reads plus bytes
        written -- on a socket both move it; a seek sets it."""
        return self.base + self.filled - (len(self._buf) - self._pos) + self.written

    # -- reads ----------------------------------------------------------------

    def _fill(self, size: int) -> bool:
        """_php_stream_fill_read_buffer: one read of the buffer's free space,
        unless ``size`` bytes are buffered already. False when the read failed."""
        if self.read_filters is not None:
            return bool(self.read_filters.fill(size))
        if len(self._buf) - self._pos >= size:
            return True
        data = self.ops.read(self, self.fill_size(self.chunk_size))
        if data is None:
            return False
        self.feed(data)
        return True

    def read(self, size: int) -> bytes | None:
        """_php_stream_read on a socket: buffered bytes, then at most one fill.

        None stands for PHP's -1 (fread returns false): nothing was read and the
        read timed out or failed.
        """
        have = len(self._buf) - self._pos
        if have >= size:
            return self.take(size)
        out = self.take(have) if have else b""
        if self.read_filters is None and (self.no_buffer or self.chunk_size == 1):
            data = self.ops.read(self, size - have)
            if data is None:
                return out or None
            self.bypassed(len(data))
        elif not self._fill(size - have):
            return out or None
        else:
            data = self.take(size - have)
        return out + data if out else data

    def get_line(self, maxlen: int | None) -> bytes | None:
        """_php_stream_get_line: up to and including "\\n", at most maxlen-1 bytes.

        ``maxlen`` None is fgets() without a length (grow mode). None means false.
        """
        if maxlen is None:  # the common case: a whole line already buffered
            line = self.line()
            if line is not None:
                return line
        parts: list[bytes] = []
        left = None if maxlen is None else maxlen - 1
        while True:
            if len(self._buf) > self._pos:
                part, done = self.take_line_part(left)
                parts.append(part)
                if left is not None:
                    left -= len(part)
                if done:
                    break
            elif self.eof:
                break
            else:
                self._fill(self.chunk_size if left is None else min(left, self.chunk_size))
                if len(self._buf) == self._pos:
                    break
        line = b"".join(parts)
        return line if line else None

    def get_record(self, maxlen: int, delim: bytes) -> bytes | None:
        """php_stream_get_record (stream_get_line): a record without its delimiter.

        None (false) when neither the delimiter nor maxlen bytes are buffered and
        the stream is not at EOF, or when nothing is left at EOF.
        """
        found = self.search(delim, maxlen, 0) if delim else -1
        buffered = self.unread_bytes()
        while found < 0 and buffered < maxlen:
            self._fill(buffered + min(maxlen - buffered, self.chunk_size))
            just_read = self.unread_bytes() - buffered
            if just_read == 0:
                break
            if delim:
                skip = buffered - (len(delim) - 1) if buffered >= len(delim) - 1 else 0
                found = self.search(delim, maxlen, skip)
                if found >= 0:
                    break
            buffered += just_read
        amount = self.unread_bytes()
        if found >= 0:
            return self.take_record(found, len(delim))
        if not delim and amount >= maxlen:
            size = maxlen
        elif (amount < maxlen and not self.eof) or (amount == 0 and self.eof):
            return None
        else:
            size = min(amount, maxlen)
        return self.take_record(size, 0)

    def copy_to_mem(self, maxlen: int) -> bytes:
        """_php_stream_copy_to_mem (stream_get_contents); maxlen 0 reads to the end."""
        parts: list[bytes] = []
        got = 0
        if 0 < maxlen < 4 * CHUNK_SIZE:
            while got < maxlen and not self.at_eof():
                data = self.read(maxlen - got)
                if not data:
                    break
                parts.append(data)
                got += len(data)
            return b"".join(parts)
        buflen = self.size_hint() + CHUNK_SIZE  # PHP: a socket's fstat() size is 0
        while data := self.read(buflen - got):
            parts.append(data)
            got += len(data)
            if got + CHUNK_SIZE // 4 >= buflen:
                if maxlen == got:
                    break
                buflen = maxlen if 0 < maxlen < buflen + CHUNK_SIZE else buflen + CHUNK_SIZE
        return b"".join(parts)

    def size_hint(self) -> int:
        """What _php_stream_copy_to_mem expects to read from fstat(): 0 on a socket."""
        return 0

    def skip(self, count: int) -> bool:
        """_php_stream_seek's forward emulation: read and drop ``count`` bytes."""
        while count > 0:
            data = self.read(min(count, 1024))
            if not data:
                return False
            count -= len(data)
        self.eof = False
        return True

    def seek(self, offset: int, whence: int) -> int:
        """_php_stream_seek: 0 or -1 (with PHP's warning when nothing could seek)."""
        have = len(self._buf) - self._pos
        if not self.no_buffer:  # PHP: a seek inside the read buffer moves in it
            position = self.position
            if whence == 1 and 0 < offset <= have:
                self.take(offset)
                self.eof = False
                return 0
            if whence == 0 and position < offset <= position + have:
                self.take(offset - position)
                self.eof = False
                return 0
        if whence == 1:
            target = self.position + offset
        else:
            target = offset
        result = self.ops.seek(self, target, 0 if whence == 1 else whence)
        if result is not None:
            ret, newoffs = result
            if ret == 0:
                self.eof = False
            self.restart(newoffs)  # PHP: the read buffer is invalidated
            return ret
        if whence == 1 and offset >= 0:  # emulate forward seeks with reads
            return 0 if self.skip(offset) else -1
        warning_here("Stream does not support seeking")
        return -1

    def restart(self, position: int) -> None:
        """The read buffer emptied and the position set, as after a seek."""
        self._buf = b""
        self._pos = self._wpos = 0
        self.filled = self.written = 0
        self.base = position

    def at_eof(self) -> bool:
        """_php_stream_eof: buffered data is never EOF; otherwise probe the socket."""
        if len(self._buf) > self._pos:
            return False
        if not self.eof and not self.ops.alive(self):
            self.eof = True
        return self.eof

    def alive(self) -> bool:
        return self.transport is not None and self.ops.alive(self)

    def absorb_pending(self) -> None:
        """php_openssl_sockop_cast for select(): bytes decrypted below the stream
        move into its buffer, where select() sees them."""
        pending = self.ops.pending(self)
        if pending > 0:
            self._fill(self.unread_bytes() + pending)

    # -- writes ---------------------------------------------------------------

    def write(self, data: bytes) -> tuple[int, int]:
        """Bytes written, and the errno that stopped the writing (0 if none).

        Through the write filters, if any: then the bytes the first filter
        consumed, -1 when the chain failed (fwrite returns false)."""
        if self.write_filters is not None:
            return self.write_filters.write(data, 0)  # type: ignore[no-any-return]
        return self.raw_write(data)

    def raw_write(self, data: bytes) -> tuple[int, int]:
        """_php_stream_write_buffer: a write below the filters."""
        written, error = self.ops.write(self, data)
        self.written += written
        return written, error

    # -- raw operations that bypass the buffer (stream_socket_recvfrom/sendto) --

    def recv_raw(self, size: int, oob: bool, peek: bool) -> tuple[bytes, object] | None:
        """sock_recvfrom: one recvfrom() with no wait of PHP's own; None on error.

        PHP's recv() on a blocking socket waits for data without a timeout;
        waiting here keeps that true whatever O_NONBLOCK says (a TLS stream's
        descriptor is shared with its non-blocking TLS layer).
        """
        transport = self.transport
        if transport is None:
            return None
        while True:
            try:
                return transport.recvfrom(size, oob, peek)
            except OSError as exc:
                if exc.errno not in _TRANSIENT or not self.blocked or oob:
                    return None
            transport.wait(READABLE, -1)

    def send_raw(self, data: bytes, oob: bool, address: tuple[Any, ...] | None) -> int:
        """sock_sendto: one send()/sendto(); raises OSError."""
        if self.transport is None:
            raise OSError(errno.EBADF, "Bad file descriptor")
        return self.transport.sendto(data, oob, address)

    def shutdown(self, how: int) -> bool:
        return self.transport is not None and self.transport.shutdown(how)

    def set_timeout(self, timeout: float | None) -> bool:
        """PHP_STREAM_OPTION_READ_TIMEOUT: also clears ``timed_out``."""
        self.timeout = timeout
        self.timed_out = False
        return True

    def set_blocking(self, blocking: bool) -> None:
        self.blocked = blocking
        if self.transport is not None:
            # PHP: while TLS is on, every SSL_read/SSL_write runs on a non-blocking
            # socket (xp_ssl.c switches it for the call) and waits in poll() with
            # the stream's timeout: the descriptor the TLS socket shares stays
            # non-blocking (a blocking one would wait in SSL_read, past any timeout)
            tls = self.tls
            self.transport.set_blocking(blocking and (tls is None or not tls.active))

    def name(self, remote: bool) -> tuple[int, object] | None:
        """(family, address) of the local or remote end; None when there is none."""
        transport = self.transport
        if transport is None:
            return None
        try:
            return transport.family, transport.name(remote)
        except OSError:
            return None

    def fileno(self) -> int | None:
        return None if self.transport is None else self.transport.fileno()

    # -- lifetime -------------------------------------------------------------

    def close(self) -> None:
        chain = self.read_filters or self.write_filters
        if self.write_filters is not None and self.transport is not None:
            self.write_filters.write(None, 2)  # _php_stream_free: flush (FLUSH_CLOSE)
        try:
            self._close_transport()
        finally:
            if chain is not None:
                chain.release()  # the filters freed, read chain first

    def _close_transport(self) -> None:
        transport, self.transport = self.transport, None
        try:
            if self.tls is not None:
                self.tls.close()
        finally:  # the socket is closed whatever the TLS layer's close did
            if transport is not None:
                transport.close()

    def meta_data(self) -> dict[str, Any]:
        """stream_get_meta_data() for a socket stream, keys in PHP's order."""
        meta: dict[str, Any] = {}
        if self.tls is not None and self.tls.active:
            meta["crypto"] = self.tls.meta()
        return meta | {
            "timed_out": self.timed_out,
            "blocked": self.blocked,
            "eof": self.eof,
            "stream_type": self.stream_type,
            "mode": "r+",
            "unread_bytes": self.unread_bytes(),
            "seekable": False,
        }


@final
class StreamResource(Resource):
    """A PHP stream resource (``stream`` or ``persistent stream``).

    ``stream`` is the live :class:`Stream`, None once closed.
    """

    __slots__ = ("__weakref__", "persistent_key", "stream")

    def __init__(self, stream: Stream, persistent_key: str | None = None) -> None:
        super().__init__()
        self.stream: Stream | None = stream
        self.persistent_key = persistent_key
        # PHP frees a resource when its last reference goes: so is its stream
        # closed, here by a finalizer that holds the stream. Not __del__: a
        # resource dropped in a reference cycle would take its stream and sockets
        # into the cycle, whose finalizers run in any order (an unclosed-socket
        # ResourceWarning). A persistent stream is held by the pool meanwhile.
        _track(self, stream)

    @property
    def _type(self) -> str:
        if self.stream is None:
            return "Unknown"
        return "persistent stream" if self.persistent_key is not None else "stream"


def require_stream(function: str, stream: object) -> Stream:
    """The live stream behind a resource argument, or PHP 8's TypeError."""
    if isinstance(stream, StreamResource):
        if stream.stream is not None:
            return stream.stream
        raise TypeError(f"{function}(): supplied resource is not a valid stream resource")
    if isinstance(stream, Resource):  # a context, say: a resource, but no stream
        raise TypeError(f"{function}(): supplied resource is not a valid stream resource")
    given = php_type_name(stream)
    raise TypeError(f"{function}(): Argument #1 ($stream) must be of type resource, {given} given")
