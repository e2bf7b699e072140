"""PHP's stream read buffer, sans I/O: php-src main/streams/streams.c.

Theory of operation: the buffer never touches a socket. Its owner asks
:meth:`ReadBuffer.fill_size` how many bytes the next fill may receive, makes
that one ``recv()`` itself, and hands the bytes to :meth:`ReadBuffer.feed`.
Reads then take from the buffer: :meth:`take` (n bytes), :meth:`line` (a whole
buffered line, the fgets fast case), :meth:`take_line_part` (one step of
_php_stream_get_line), :meth:`search` and :meth:`take_record`
(stream_get_line).

``_buf[_pos:]`` is what PHP calls ``readbuf[readpos:writepos]``. PHP's
``writepos`` and ``readbuflen`` (``_wpos``, ``_buflen``) are kept only to size
each fill exactly as PHP does: the buffer grows by ``chunk_size`` whenever less
than a chunk is free, after moving the unread bytes to the front, and a fill
receives the free space.

The interface is small on purpose: the compiled implementation of the same
methods (core/_speedups.c) stands in for this class when it was built and
``PHPSTREAMS_PURE_PYTHON`` is not set (:mod:`.speedups`); ``ReadBuffer`` is
whichever is active, :class:`PythonReadBuffer` always this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .speedups import native

__all__ = ["CHUNK_SIZE", "PythonReadBuffer", "ReadBuffer"]

CHUNK_SIZE = 8192


class PythonReadBuffer:
    """The bytes a stream received and its reads have not consumed yet."""

    __slots__ = ("_buf", "_buflen", "_pos", "_wpos", "filled")

    def __init__(self) -> None:
        self._buf = b""
        self._pos = 0
        self._wpos = 0  # PHP's writepos
        self._buflen = 0  # PHP's readbuflen: the buffer's allocated size
        self.filled = 0  # every byte that ever entered the buffer (or bypassed it)

    def unread_bytes(self) -> int:
        return len(self._buf) - self._pos

    @property
    def position(self) -> int:
        """Bytes consumed by reads, as ftell() counts them."""
        return self.filled - (len(self._buf) - self._pos)

    # -- filling ----------------------------------------------------------------

    def fill_size(self, chunk_size: int) -> int:
        """The free space one fill may receive, PHP's buffer grown or compacted first."""
        wpos = self._wpos
        if self._buflen - wpos < chunk_size:
            wpos = len(self._buf) - self._pos  # PHP moves the unread bytes to the front
        if self._buflen - wpos < chunk_size:
            self._buflen += chunk_size
        self._wpos = wpos
        return self._buflen - wpos

    def feed(self, data: bytes) -> None:
        """The bytes one fill received (b"" for none)."""
        if not data:
            return
        self._wpos += len(data)
        self.filled += len(data)
        pos = self._pos
        if pos < len(self._buf):
            self._buf = self._buf[pos:] + data
        else:
            self._buf = data
        self._pos = 0

    def bypassed(self, count: int) -> None:
        """Bytes a read received straight past the buffer (read buffering off)."""
        self.filled += count

    # -- taking -----------------------------------------------------------------

    def take(self, size: int) -> bytes:
        """Up to ``size`` buffered bytes (b"" when none are buffered)."""
        buf, pos = self._buf, self._pos
        end = pos + size
        if end >= len(buf):
            self._pos = len(buf)
            return buf[pos:] if pos else buf
        self._pos = end
        return buf[pos:end]

    def line(self) -> bytes | None:
        """A whole buffered line with its ``\\n``, or None when none is buffered."""
        buf, pos = self._buf, self._pos
        eol = buf.find(b"\n", pos) + 1
        if eol:
            self._pos = eol
            return buf[pos:eol]
        return None

    def take_line_part(self, left: int | None) -> tuple[bytes, bool]:
        """One step of _php_stream_get_line: the buffered bytes up to a ``\\n``
        (or ``left`` bytes); True when the line is complete."""
        buf, pos = self._buf, self._pos
        eol = buf.find(b"\n", pos)
        size = len(buf) - pos if eol < 0 else eol - pos + 1
        done = eol >= 0
        if left is not None and size >= left:
            size, done = left, True
        self._pos = pos + size
        return buf[pos : pos + size], done

    def search(self, delim: bytes, maxlen: int, skip: int) -> int:
        """_php_stream_search_delim: the delimiter's offset in the first maxlen bytes."""
        seek = min(len(self._buf) - self._pos, maxlen)
        if seek <= skip:
            return -1
        at = self._buf.find(delim, self._pos + skip, self._pos + seek)
        return -1 if at < 0 else at - self._pos

    def take_record(self, size: int, drop: int) -> bytes:
        """``size`` bytes, then ``drop`` more (the delimiter) consumed unseen."""
        pos = self._pos
        record = self._buf[pos : pos + size]
        self._pos = pos + size + drop
        return record


if TYPE_CHECKING or native is None:
    ReadBuffer = PythonReadBuffer
else:
    ReadBuffer = native.ReadBuffer
