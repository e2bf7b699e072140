"""Streams that are no sockets: local files, php://memory, php://temp, php://output...

Theory of operation (php-src main/streams/streams.c): a :class:`LocalStream` is
a :class:`~.stream.Stream` -- the same read buffer, position and ops -- with no
transport; its ops (:mod:`.memory`, :mod:`.plainfile`) keep their own state in
``stream.handle``. What differs from a socket is PHP's, and is kept here:

* reads are greedy: _php_stream_read loops until the request is met or a read
  yields nothing, for plain files, memory and temp streams alike (a socket
  makes at most one read);
* before a write, buffered read data is dropped and the ops seek back to the
  stream's position (_php_stream_write_buffer), so a write lands where ftell()
  says;
* ``stream_get_meta_data()`` adds ``wrapper_type`` and ``uri``; ``timed_out``,
  ``blocked`` and ``eof`` come from the generic code (false, true, feof()) unless
  the ops populate the meta data themselves (php://temp: then they are absent).
"""

from __future__ import annotations

import fcntl
import stat as stat_module
from typing import Any

from .diagnostics import active_function, notice
from .errors import strerror
from .readbuffer import CHUNK_SIZE
from .stream import Stream, StreamOps

__all__ = ["LocalOps", "LocalStream", "copy_to_stream", "flock_fd"]

_LOCKS = {1: fcntl.LOCK_SH, 2: fcntl.LOCK_EX, 3: fcntl.LOCK_UN}


class LocalStream(Stream):
    """A PHP stream over a local resource (file, memory, output...)."""

    __slots__ = ("handle", "mode", "populates_meta", "seekable", "uri", "wrapper_type")

    def __init__(
        self,
        ops: StreamOps,
        stream_type: str,
        mode: str,
        uri: str | None,
        handle: Any,
        *,
        wrapper_type: str | None = "PHP",
        seekable: bool = True,
        no_buffer: bool = False,
        populates_meta: bool = False,
    ) -> None:
        super().__init__(ops, None, stream_type, None)
        self.handle = handle
        self.mode = mode
        self.uri = uri
        self.wrapper_type = wrapper_type
        self.seekable = seekable  # ops->seek present and no PHP_STREAM_FLAG_NO_SEEK
        self.no_buffer = no_buffer
        self.populates_meta = populates_meta

    def read(self, size: int) -> bytes | None:
        """_php_stream_read: greedy for local streams (see the module docstring)."""
        first = super().read(size)
        if first is None or len(first) >= size or not first:
            return first
        parts = [first]
        got = len(first)
        while got < size:
            more = super().read(size - got)
            if not more:
                break
            parts.append(more)
            got += len(more)
        return b"".join(parts)

    def size_hint(self) -> int:
        """fstat()'s size less the position (_php_stream_copy_to_mem's first guess)."""
        st = self.ops.stat(self)
        return max(st["size"] - self.position, 0) if st is not None and st["size"] > 0 else 0

    def write(self, data: bytes) -> tuple[int, int]:
        if self.seekable and self.unread_bytes():
            # PHP: the read buffer is invalidated and the ops seek to the position
            result = self.ops.seek(self, self.position, 0)
            self.restart(result[1] if result is not None else self.position)
        return super().write(data)

    def alive(self) -> bool:
        return self.handle is not None

    def fileno(self) -> int | None:
        return None if self.handle is None else self.ops.cast_fd(self)

    def set_timeout(self, timeout: float | None) -> bool:
        return False  # PHP: only sockets implement PHP_STREAM_OPTION_READ_TIMEOUT

    def set_blocking(self, blocking: bool) -> None:
        pass  # PHP: meta data keeps "blocked" => true for these streams

    def close(self) -> None:
        ops = self.ops
        if self.handle is not None and isinstance(ops, LocalOps):
            ops.close(self)
        self.handle = None

    def meta_data(self) -> dict[str, Any]:
        """stream_get_meta_data() of a local stream, keys in PHP's order."""
        meta: dict[str, Any] = {}
        if not self.populates_meta:
            meta = {"timed_out": False, "blocked": True, "eof": self.at_eof()}
        if self.wrapper_type is not None:
            meta["wrapper_type"] = self.wrapper_type
        meta |= {
            "stream_type": self.stream_type,
            "mode": self.mode,
            "unread_bytes": self.unread_bytes(),
            "seekable": self.seekable,
        }
        if self.uri is not None:
            meta["uri"] = self.uri
        return meta


class LocalOps:
    """The defaults of the local ops: alive, nothing pending, no optional op."""

    __slots__ = ()

    def alive(self, stream: Stream) -> bool:
        return True  # PHP: CHECK_LIVENESS is not implemented: eof is the read's

    def pending(self, stream: Stream) -> int:
        return 0

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        return None

    def stat(self, stream: Stream) -> dict[str, int] | None:
        return None

    def truncate(self, stream: Stream, size: int) -> bool | None:
        return None

    def sync(self, stream: Stream, data_only: bool) -> bool | None:
        return None

    def lock(self, stream: Stream, operation: int) -> tuple[bool, int] | None:
        return None

    def cast_fd(self, stream: Stream) -> int | None:
        return None

    def close(self, stream: Stream) -> None:
        pass


def copy_to_stream(src: Stream, dest: Stream, maxlen: int | None) -> int | None:
    """_php_stream_copy_to_stream_ex: the bytes copied (``maxlen`` None: all of
    them), None on failure (a read or a write that failed)."""
    if maxlen == 0:
        return 0
    st = src.ops.stat(src)
    if st is not None and st["size"] == 0 and stat_module.S_ISREG(st["mode"]):
        return 0  # PHP: an empty regular file has nothing to copy
    have = 0
    while True:
        chunk = CHUNK_SIZE if maxlen is None else min(CHUNK_SIZE, maxlen - have)
        data = src.read(chunk)
        if not data:
            return None if data is None else have
        have += len(data)
        while data:
            written, error = dest.write(data)
            if error > 0:
                notice(
                    f"{active_function()}(): Send of {len(data) - written} bytes failed with "
                    f"errno={error} {strerror(error)}"
                )
            if written <= 0:
                return None
            data = data[written:]
        if maxlen is not None and have >= maxlen:
            return have


def flock_fd(fd: int, operation: int) -> tuple[bool, int]:
    """flock(2) with PHP's operation (LOCK_SH 1, LOCK_EX 2, LOCK_UN 3, | LOCK_NB 4);
    operation 0 asks whether locking is supported (PHP_STREAM_LOCK_SUPPORTED)."""
    if operation == 0:
        return True, 0
    act = _LOCKS[operation & 3] | (fcntl.LOCK_NB if operation & 4 else 0)
    try:
        fcntl.flock(fd, act)
    except OSError as exc:
        return False, exc.errno or 0
    return True, 0
