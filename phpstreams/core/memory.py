"""php://memory and php://temp: php-src main/streams/memory.c.

Theory of operation: a memory stream is a byte array and a file position
(``fpos``) of its own, below the :class:`~.local.LocalStream` (whose
``position`` is PHP's ``stream->position``: the two part ways after a failed
seek, which leaves ``fpos`` at an end and the position at -1, as in PHP). Both
kinds set PHP_STREAM_FLAG_NO_BUFFER: fread() reads straight through, while
fgets() and stream_get_line() still fill the read buffer (unread_bytes shows it).

A temp stream holds a memory stream until a write would make it reach
``maxmemory`` bytes (2 MiB unless ``php://temp/maxmemory:N``); then the contents
move to a real temporary file, whose descriptor position is then at its end
whatever the memory position was (PHP writes the whole buffer, then the data).
"""

from __future__ import annotations

import os
import tempfile
from typing import final

from .local import LocalOps, LocalStream, flock_fd
from .sockops import stat_fields
from .stream import Stream

__all__ = ["MAX_MEMORY", "MEMORY", "TEMP", "Memory", "mode_from_str", "open_memory", "open_temp"]

MAX_MEMORY = 2 * 1024 * 1024  # PHP_STREAM_MAX_MEM
READONLY, DEFAULT, APPEND = 1, 0, 2  # TEMP_STREAM_READONLY / _DEFAULT / _APPEND


def mode_from_str(mode: str) -> int:
    """php_stream_mode_from_str."""
    if "a" in mode:
        return APPEND
    if "w" in mode or "+" in mode:
        return DEFAULT
    return READONLY


def _mode_to_str(mode: int) -> str:
    """_php_stream_mode_to_str."""
    return {READONLY: "rb", APPEND: "a+b"}.get(mode, "w+b")


@final
class Memory:
    """php_stream_memory_data."""

    __slots__ = ("data", "fpos", "mode")

    def __init__(self, mode: int) -> None:
        self.data = bytearray()
        self.fpos = 0
        self.mode = mode

    def read(self, stream: Stream, size: int) -> bytes:
        """php_stream_memory_read."""
        if self.fpos >= len(self.data):
            stream.eof = True
            return b""
        out = bytes(self.data[self.fpos : self.fpos + size])
        self.fpos += len(out)
        return out

    def write(self, data: bytes) -> int:
        """php_stream_memory_write: -1 on a read-only stream."""
        if self.mode & READONLY:
            return -1
        if self.mode & APPEND:
            self.fpos = len(self.data)
        end = self.fpos + len(data)
        if end > len(self.data):
            self.data.extend(b"\0" * (end - len(self.data)))
        self.data[self.fpos : end] = data
        self.fpos = end
        return len(data)

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int]:
        """php_stream_memory_seek (SEEK_CUR arrives as SEEK_SET from _php_stream_seek)."""
        size = len(self.data)
        if whence == 1:
            offset, whence = self.fpos + offset, 0
        if whence == 0:
            if offset < 0 or offset > size:
                self.fpos = size
                return -1, -1
            self.fpos = offset
        elif whence == 2:
            if offset > 0:
                self.fpos = size
                return -1, -1
            if size < -offset:
                self.fpos = 0
                return -1, -1
            self.fpos = size + offset
        else:
            return -1, self.fpos
        stream.eof = False
        return 0, self.fpos

    def stat(self) -> dict[str, int]:
        """php_stream_memory_stat."""
        mode = (0o444 if self.mode & READONLY else 0o666) | 0o100000
        return {
            "dev": 0xC,
            "ino": 0,
            "mode": mode,
            "nlink": 1,
            "uid": 0,
            "gid": 0,
            "rdev": -1,
            "size": len(self.data),
            "atime": 0,
            "mtime": 0,
            "ctime": 0,
            "blksize": -1,
            "blocks": -1,
        }

    def truncate(self, size: int) -> bool:
        if self.mode & READONLY:
            return False
        if size <= len(self.data):
            if size < self.fpos:
                self.fpos = size
            del self.data[size:]
        else:
            self.data.extend(b"\0" * (size - len(self.data)))
        return True


class MemoryOps(LocalOps):
    """php_stream_memory_ops."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        return _memory(stream).read(stream, size)

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        written = _memory(stream).write(data)
        return (0, -1) if written < 0 else (written, 0)

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        return _memory(stream).seek(stream, offset, whence)

    def stat(self, stream: Stream) -> dict[str, int] | None:
        return _memory(stream).stat()

    def truncate(self, stream: Stream, size: int) -> bool | None:
        return _memory(stream).truncate(size)


def _memory(stream: Stream) -> Memory:
    handle = stream.handle if isinstance(stream, LocalStream) else None
    if isinstance(handle, Memory):
        return handle
    if isinstance(handle, Temp) and isinstance(handle.inner, Memory):
        return handle.inner
    raise ValueError("not a memory stream")


@final
class Temp:
    """php_stream_temp_data: a memory stream until it spills to a file (an fd)."""

    __slots__ = ("inner", "mode", "name", "smax")

    def __init__(self, mode: int, smax: int) -> None:
        self.inner: Memory | int = Memory(mode)
        self.mode = mode
        self.smax = smax
        self.name = ""

    def spill(self) -> None:
        """php_stream_temp_write: the contents move to a temporary file (removed
        when the stream closes), at the memory stream's position."""
        assert isinstance(self.inner, Memory)
        fd, self.name = tempfile.mkstemp(prefix="php")
        os.write(fd, bytes(self.inner.data))
        os.lseek(fd, self.inner.fpos, os.SEEK_SET)
        self.inner = fd

    def read(self, stream: Stream, size: int) -> bytes:
        """php_stream_read of the inner stream: greedy, so a short read meets the
        end at once and sets eof (the temp stream's eof is the inner one's)."""
        parts: list[bytes] = []
        got = 0
        while got < size:
            if isinstance(self.inner, Memory):
                data = self.inner.read(stream, size - got)
            else:
                data = os.read(self.inner, size - got)
                if not data:
                    stream.eof = True
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)


class TempOps(LocalOps):
    """php_stream_temp_ops: each call goes to the inner memory stream or file."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        return _temp(stream).read(stream, size)

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory) and len(temp.inner.data) + len(data) >= temp.smax:
            temp.spill()
        if isinstance(temp.inner, Memory):
            written = temp.inner.write(data)
            return (0, -1) if written < 0 else (written, 0)
        return os.write(temp.inner, data), 0

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory):
            return temp.inner.seek(stream, offset, whence)
        try:
            where = os.lseek(temp.inner, offset, whence)
        except OSError:
            return -1, stream.position
        stream.eof = False
        return 0, where

    def stat(self, stream: Stream) -> dict[str, int] | None:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory):
            return temp.inner.stat()
        return stat_fields(temp.inner)

    def truncate(self, stream: Stream, size: int) -> bool | None:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory):
            return temp.inner.truncate(size)
        try:
            os.ftruncate(temp.inner, size)
        except OSError:
            return False
        return True

    def sync(self, stream: Stream, data_only: bool) -> bool | None:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory):
            return None
        try:
            (os.fdatasync if data_only else os.fsync)(temp.inner)
        except OSError:
            return False
        return True

    def lock(self, stream: Stream, operation: int) -> tuple[bool, int] | None:
        temp = _temp(stream)
        if isinstance(temp.inner, Memory):
            return None
        return flock_fd(temp.inner, operation)

    def cast_fd(self, stream: Stream) -> int | None:
        temp = _temp(stream)
        return None if isinstance(temp.inner, Memory) else temp.inner

    def close(self, stream: Stream) -> None:
        temp = _temp(stream)
        if not isinstance(temp.inner, Memory):
            os.close(temp.inner)
            os.unlink(temp.name)


def _temp(stream: Stream) -> Temp:
    handle = stream.handle if isinstance(stream, LocalStream) else None
    if not isinstance(handle, Temp):
        raise ValueError("not a temp stream")
    return handle


MEMORY = MemoryOps()
TEMP = TempOps()


def open_memory(mode: str, uri: str | None = "php://memory") -> LocalStream:
    """php_stream_memory_create (php://memory)."""
    rw = mode_from_str(mode)
    return LocalStream(MEMORY, "MEMORY", _mode_to_str(rw), uri, Memory(rw), no_buffer=True)


def open_temp(
    mode: str, max_memory: int = MAX_MEMORY, uri: str | None = "php://temp"
) -> LocalStream:
    """php_stream_temp_create (php://temp, php://temp/maxmemory:N)."""
    rw = mode_from_str(mode)
    return LocalStream(
        TEMP,
        "TEMP",
        _mode_to_str(rw),
        uri,
        Temp(rw, max_memory),
        no_buffer=True,
        populates_meta=True,
    )
