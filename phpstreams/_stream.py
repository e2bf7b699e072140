"""PHP stream semantics over a socket: the read buffer, EOF, timeouts, blocking.

Theory of operation (php-src main/streams/streams.c and xp_socket.c): a socket
stream keeps a read buffer (``_buf[_pos:]`` is what PHP calls
``readbuf[readpos:writepos]``). A *fill* makes exactly one ``recv()`` of the
free space in the buffer, which grows by ``chunk_size`` (8192) whenever less than
a chunk is free, after moving the unread bytes to the front. A blocking fill
first waits for readability with the stream's read timeout; if that runs out,
the fill yields nothing and ``timed_out`` is set until the next wait. A
``recv()`` of 0 bytes, or a fatal error, sets ``eof``.

``fread`` takes what the buffer holds, then makes at most one fill;
``fgets``/``get_line`` fill until a newline, EOF, or a fill that yields nothing.
"""

from __future__ import annotations

import errno
import select
import socket
from typing import TYPE_CHECKING, Any

from ._transport._net import wait_fd

if TYPE_CHECKING:
    from ._resource import ContextResource

__all__ = ["CHUNK_SIZE", "SocketStream"]

CHUNK_SIZE = 8192
_TRANSIENT = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)
_NEVER_READABLE = (errno.ENOTCONN, errno.EINVAL)


class SocketStream:
    """One PHP socket stream: its socket, read buffer and flags."""

    __slots__ = (
        "_buf",
        "_buflen",
        "_filled",
        "_poll_first",
        "_pos",
        "_wpos",
        "accept_method",
        "blocked",
        "chunk_size",
        "connect_timeout",
        "context",
        "eof",
        "no_buffer",
        "sock",
        "stream_type",
        "timed_out",
        "timeout",
        "tls",
        "url_name",
    )

    def __init__(
        self,
        sock: socket.socket | None,
        stream_type: str,
        timeout: float | None,
        context: ContextResource | None = None,
    ) -> None:
        self.sock = sock
        self.stream_type = stream_type
        self.timeout = timeout  # read/write timeout in seconds; None waits forever
        self.context = context
        self.blocked = True
        self.eof = False
        self.timed_out = False
        self.chunk_size = CHUNK_SIZE
        self.no_buffer = False  # stream_set_read_buffer($fp, 0)
        self.connect_timeout: float | None = None  # bounds a client's TLS handshake
        self.tls: Any = None  # the _crypto.TLSState once crypto was set up
        self.url_name: str | None = None  # the host part of the address (TLS peer name)
        self.accept_method: int | None = None  # ssl:// servers: handshake on accept
        self._poll_first = False  # the last recv() found nothing: poll before the next
        self._filled = 0  # every byte that ever entered the buffer (or bypassed it)
        self._buf = b""
        self._pos = 0
        self._wpos = 0  # PHP's writepos
        self._buflen = 0  # PHP's readbuflen: the buffer's allocated size

    # -- raw socket operations (php-src xp_socket.c) -------------------------

    def _wait_readable(self) -> bool:
        """php_sock_stream_wait_for_data: False (and timed_out) when time ran out."""
        assert self.sock is not None
        self.timed_out = False
        timeout_ms = -1 if self.timeout is None else int(self.timeout * 1000)
        if wait_fd(self.sock.fileno(), select.POLLIN | select.POLLPRI, timeout_ms):
            return True
        self.timed_out = True
        return False

    def _recv(self, size: int) -> bytes | None:
        """php_sockop_read: the bytes of one recv(); b"" for none; None on timeout/error.

        PHP polls before every blocking recv(); trying the recv() first and
        polling only when it would block gives the same results (timed_out is
        cleared by any wait that finds data) with one system call less.
        """
        sock = self.sock
        if sock is None:
            return None
        if self._poll_first and self.blocked:
            return self._recv_failed(errno.EAGAIN, size)
        try:
            data = sock.recv(size, socket.MSG_DONTWAIT)
        except OSError as exc:
            return self._recv_failed(exc.errno or 0, size)
        if self.blocked:
            self.timed_out = False
        if not data:
            self.eof = True
        return data

    def _recv_failed(self, code: int, size: int) -> bytes | None:
        """The rest of php_sockop_read after a first recv() failed with ``code``."""
        if code not in _TRANSIENT:
            # PHP polls first: a pending socket error shows in poll() and the
            # recv() then fails, but a socket that cannot be read at all (a
            # listening one: ENOTCONN/EINVAL) is never readable -- a timeout.
            if not self.blocked or code not in _NEVER_READABLE:
                self.eof = True
                return None
        elif not self.blocked:
            return b""
        # A reader faster than its peer keeps finding nothing: poll first from
        # now on, until a recv() fills its whole request (more is likely queued).
        self._poll_first = True
        if not self._wait_readable():
            return None
        assert self.sock is not None
        try:
            data = self.sock.recv(size, socket.MSG_DONTWAIT)
        except OSError as again:
            if again.errno in _TRANSIENT:
                return b""
            self.eof = True
            return None
        if not data:
            self.eof = True
        elif len(data) == size:
            self._poll_first = False
        return data

    # -- the read buffer (php-src streams.c) ---------------------------------

    def unread_bytes(self) -> int:
        return len(self._buf) - self._pos

    @property
    def position(self) -> int:
        """Bytes consumed by reads, as ftell() would count them."""
        return self._filled - (len(self._buf) - self._pos)

    def _fill(self, size: int) -> bool:
        """_php_stream_fill_read_buffer: one recv() of the buffer's free space.

        ``_wpos`` and ``_buflen`` are PHP's writepos and readbuflen, kept only to
        size each recv() as PHP does; the unread bytes are ``_buf[_pos:]``.
        """
        buf, pos = self._buf, self._pos
        avail = len(buf) - pos
        if avail >= size:
            return True
        wpos = self._wpos
        if self._buflen - wpos < self.chunk_size:
            wpos = avail  # PHP moves the unread bytes to the front
        if self._buflen - wpos < self.chunk_size:
            self._buflen += self.chunk_size
        data = self._recv(self._buflen - wpos)
        if data is None:
            self._wpos = wpos
            return False
        self._wpos = wpos + len(data)
        self._filled += len(data)
        if data:
            self._buf = buf[pos:] + data if avail else data
            self._pos = 0
        return True

    def read(self, size: int) -> bytes | None:
        """_php_stream_read on a socket: buffered bytes, then at most one fill.

        None stands for PHP's -1 (fread returns false): nothing was read and the
        read timed out or failed.
        """
        buf, pos = self._buf, self._pos
        have = len(buf) - pos
        if have >= size:
            self._pos = pos + size
            return buf[pos : pos + size]
        sock = self.sock
        if not have and sock is not None and self.__class__ is SocketStream and self.chunk_size > 1:
            if not self.no_buffer and not self._poll_first:
                # The bulk-read fast path: _fill() and _recv() inlined for an empty
                # buffer, the case of every fread() loop (same sizes, same state).
                chunk = self.chunk_size
                wpos = self._wpos if self._buflen - self._wpos >= chunk else 0
                if self._buflen - wpos < chunk:
                    self._buflen += chunk
                self._wpos = wpos
                try:
                    data: bytes | None = sock.recv(self._buflen - wpos, socket.MSG_DONTWAIT)
                except OSError as exc:
                    data = self._recv_failed(exc.errno or 0, self._buflen - wpos)
                    if not data:
                        return data  # None (false), or b"" with eof set as PHP sets it
                else:
                    if self.blocked:
                        self.timed_out = False
                    if not data:
                        self.eof = True
                        return data
                assert data is not None
                self._wpos = wpos + len(data)
                self._filled += len(data)
                self._buf = data
                if len(data) <= size:
                    self._pos = len(data)
                    return data
                self._pos = size
                return data[:size]
        out = buf[pos:]
        self._pos = len(buf)
        if self.no_buffer or self.chunk_size == 1:
            data = self._recv(size - have)
            if data is None:
                if not out:
                    return None
                data = b""
            self._filled += len(data)
        elif not self._fill(size - have):
            if not out:
                return None
            data = b""
        else:
            buf, pos = self._buf, self._pos
            take = min(size - have, len(buf) - pos)
            self._pos = pos + take
            data = buf[pos : pos + take] if take != len(buf) else buf
        out = out + data if out else data
        return out

    def get_record(self, maxlen: int, delim: bytes) -> bytes | None:
        """php_stream_get_record (stream_get_line): a record without its delimiter.

        None (false) when neither the delimiter nor maxlen bytes are buffered and
        the stream is not at EOF, or when nothing is left at EOF.
        """
        found = self._search(maxlen, 0, delim) if delim else -1
        buffered = self.unread_bytes()
        while found < 0 and buffered < maxlen:
            self._fill(buffered + min(maxlen - buffered, self.chunk_size))
            just_read = self.unread_bytes() - buffered
            if just_read == 0:
                break
            if delim:
                skip = buffered - (len(delim) - 1) if buffered >= len(delim) - 1 else 0
                found = self._search(maxlen, skip, delim)
                if found >= 0:
                    break
            buffered += just_read
        amount = self.unread_bytes()
        if found >= 0:
            size = found
        elif not delim and amount >= maxlen:
            size = maxlen
        elif (amount < maxlen and not self.eof) or (amount == 0 and self.eof):
            return None
        else:
            size = min(amount, maxlen)
        pos = self._pos
        record = self._buf[pos : pos + size]
        self._pos = pos + size
        if found >= 0:
            self._pos += len(delim)
        return record

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
        buflen = CHUNK_SIZE  # PHP: a socket's fstat() size is 0
        while data := self.read(buflen - got):
            parts.append(data)
            got += len(data)
            if got + CHUNK_SIZE // 4 >= buflen:
                if maxlen == got:
                    break
                buflen = maxlen if 0 < maxlen < buflen + CHUNK_SIZE else buflen + CHUNK_SIZE
        return b"".join(parts)

    def skip(self, count: int) -> bool:
        """_php_stream_seek's forward emulation: read and drop ``count`` bytes."""
        while count > 0:
            data = self.read(min(count, 1024))
            if not data:
                return False
            count -= len(data)
        self.eof = False
        return True

    def _search(self, maxlen: int, skip: int, delim: bytes) -> int:
        """_php_stream_search_delim: the delimiter's offset in the first maxlen bytes."""
        seek = min(self.unread_bytes(), maxlen)
        if seek <= skip:
            return -1
        at = self._buf.find(delim, self._pos + skip, self._pos + seek)
        return -1 if at < 0 else at - self._pos

    def get_line(self, maxlen: int | None) -> bytes | None:
        """_php_stream_get_line: up to and including "\\n", at most maxlen-1 bytes.

        ``maxlen`` None is fgets() without a length (grow mode). None means false.
        """
        if maxlen is None:  # the common case: a whole line already buffered
            buf, pos = self._buf, self._pos
            eol = buf.find(b"\n", pos)
            if eol >= 0:
                eol += 1
                self._pos = eol
                return buf[pos:eol]
        parts: list[bytes] = []
        left = None if maxlen is None else maxlen - 1
        while True:
            buf, pos = self._buf, self._pos
            avail = len(buf) - pos
            if avail > 0:
                eol = buf.find(b"\n", pos)
                size = avail if eol < 0 else eol - pos + 1
                done = eol >= 0
                if left is not None and size >= left:
                    size, done = left, True
                parts.append(buf[pos : pos + size])
                self._pos = pos + size
                if left is not None:
                    left -= size
                if done:
                    break
            elif self.eof:
                break
            else:
                toread = self.chunk_size if left is None else min(left, self.chunk_size)
                self._fill(toread)
                if len(self._buf) == self._pos:
                    break
        line = b"".join(parts)
        return line if line else None

    def at_eof(self) -> bool:
        """_php_stream_eof: buffered data is never EOF; otherwise probe the socket."""
        if len(self._buf) > self._pos:
            return False
        if not self.eof and not self._alive():
            self.eof = True
        return self.eof

    def _alive(self) -> bool:
        """PHP_STREAM_OPTION_CHECK_LIVENESS: when poll() says readable, MSG_PEEK one byte."""
        sock = self.sock
        if sock is None:
            return False
        if not wait_fd(sock.fileno(), select.POLLIN | select.POLLPRI, 0):
            return True
        try:
            data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError as exc:
            return exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EMSGSIZE)
        return bool(data)

    # -- raw operations that bypass the buffer (stream_socket_recvfrom/sendto) --

    def recv_raw(self, size: int, flags: int) -> tuple[bytes, object] | None:
        """sock_recvfrom: one recvfrom() with no wait of PHP's own; None on error."""
        sock = self.sock
        if sock is None:
            return None
        # PHP's recv() on a blocking socket waits for data without a timeout;
        # waiting here keeps that true whatever O_NONBLOCK says (a TLS stream's
        # descriptor is shared with its non-blocking TLS layer).
        while True:
            try:
                return socket.socket.recvfrom(sock, size, flags | socket.MSG_DONTWAIT)
            except OSError as exc:
                if exc.errno not in _TRANSIENT or not self.blocked or flags & socket.MSG_OOB:
                    return None
            wait_fd(sock.fileno(), select.POLLIN | select.POLLPRI, -1)

    # -- writes ---------------------------------------------------------------

    def send_raw(self, data: bytes, flags: int, address: tuple[Any, ...] | None) -> int:
        """sock_sendto: one send()/sendto(); raises OSError."""
        sock = self.sock
        if sock is None:
            raise OSError(errno.EBADF, "Bad file descriptor")
        if address is None:
            return sock.send(data, flags)
        if (len(address) == 4) != (sock.family == socket.AF_INET6):
            # the kernel's answer to a target of the other address family
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        return sock.sendto(data, flags, address)

    def shutdown(self, how: int) -> bool:
        sock = self.sock
        if sock is None:
            return False
        try:
            sock.shutdown(how)
        except OSError:
            return False
        return True

    def write(self, data: bytes) -> tuple[int, int]:
        """php_sockop_write looped as _php_stream_write_buffer does.

        Returns the bytes written and the errno that stopped the loop (0 if none).
        """
        sock = self.sock
        if sock is None:
            return 0, errno.EBADF
        view = memoryview(data)
        written = 0
        while written < len(data):
            try:
                sent = sock.send(view[written:], socket.MSG_DONTWAIT)
            except OSError as exc:
                code = exc.errno or 0
                if code not in _TRANSIENT:
                    return written, code
                if not self.blocked:
                    return written, 0  # PHP: EAGAIN is no error on a non-blocking stream
                timeout_ms = -1 if self.timeout is None else int(self.timeout * 1000)
                if wait_fd(sock.fileno(), select.POLLOUT, timeout_ms):
                    continue
                self.timed_out = True
                return written, code
            written += sent
        return written, 0

    # -- lifetime -------------------------------------------------------------

    def set_blocking(self, blocking: bool) -> None:
        self.blocked = blocking

    def close(self) -> None:
        sock, self.sock = self.sock, None
        if self.tls is not None:
            self.tls.close()
        if sock is not None:
            sock.close()

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
