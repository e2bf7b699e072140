"""PHP's file-like stream functions: php-src ext/standard/file.c, streamsfuncs.c, ext/posix.

They work on every stream: local files, ``php://memory``/``php://temp``/``php://output``
and the other php:// streams (phpstreams.core.plainfile, .memory), and sockets, which
answer as PHP's socket streams do (no seeking, no truncating, no locking).
"""

from __future__ import annotations

import errno
import os
from typing import Any, Literal

from ..core.arguments import php_function
from ..core.coercion import php_string
from ..core.diagnostics import warning
from ..core.local import copy_to_stream
from ..core.plainfile import open_url, write_output
from ..core.ref import Ref, assign
from ..core.resources import Resource
from ..core.stream import Stream, StreamResource, require_stream
from ..core.values import php_int
from .constants import FILE_APPEND, LOCK_EX
from .contexts import context_arg
from .signatures import STUBS

__all__ = [
    "fdatasync",
    "file_get_contents",
    "file_put_contents",
    "flock",
    "fopen",
    "fpassthru",
    "fseek",
    "fstat",
    "fsync",
    "ftell",
    "ftruncate",
    "posix_isatty",
    "rewind",
    "stream_copy_to_stream",
    "stream_isatty",
    "stream_supports_lock",
]

_STAT_KEYS = (
    "dev",
    "ino",
    "mode",
    "nlink",
    "uid",
    "gid",
    "rdev",
    "size",
    "atime",
    "mtime",
    "ctime",
    "blksize",
    "blocks",
)


def _path(function: str, filename: str) -> str:
    """Z_PARAM_PATH, then php_stream_open_wrapper's empty-path check."""
    if "\0" in filename:
        raise ValueError(f"{function}(): Argument #1 ($filename) must not contain any null bytes")
    if not filename:
        raise ValueError("Path cannot be empty")
    return filename


def _open(function: str, filename: str, mode: str) -> Stream | None:
    """php_stream_open_wrapper with REPORT_ERRORS: the stream, or None after the warning."""
    opened = open_url(filename, mode)
    if isinstance(opened, Stream):
        return opened
    if opened is not None:
        warning(f"{function}({filename}): Failed to open stream: {opened}")
    return None


@php_function(STUBS["fopen"])
def fopen(
    filename: str, mode: str, use_include_path: bool = False, context: Any = None
) -> StreamResource | Literal[False]:
    """PHP's ``fopen()`` for local files and the php:// streams.

    ``function fopen(string $filename, string $mode, bool $use_include_path = false,
        ?resource $context = null)``

    Returns a stream resource, or ``False`` with PHP's warning (``fopen(/x/y): Failed to
    open stream: No such file or directory``). Network URLs (http://, ftp://) are not
    supported: use stream_socket_client(). ``use_include_path`` is ignored.
    See https://www.php.net/manual/en/function.fopen.php
    """
    if context is not None:
        context_arg("fopen", context, 4)
    stream = _open("fopen", _path("fopen", filename), mode)
    return False if stream is None else StreamResource(stream)


@php_function(STUBS["file_get_contents"])
def file_get_contents(
    filename: str,
    use_include_path: bool = False,
    context: Any = None,
    offset: int = 0,
    length: int | None = None,
) -> bytes | Literal[False]:
    """PHP's ``file_get_contents()``: the whole file (from ``offset``, ``length`` bytes).

    ``function file_get_contents(string $filename, bool $use_include_path = false,
        ?resource $context = null, int $offset = 0, ?int $length = null): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.file-get-contents.php
    """
    if length is not None and length < 0:
        raise ValueError(
            "file_get_contents(): Argument #5 ($length) must be greater than or equal to 0"
        )
    if context is not None:
        context_arg("file_get_contents", context, 3)
    stream = _open("file_get_contents", _path("file_get_contents", filename), "rb")
    if stream is None:
        return False
    try:
        if stream.stream_type == "STDIO":
            stream.no_buffer = True  # PHP: the whole transfer in one read()
        if offset != 0 and stream.seek(offset, 0 if offset > 0 else 2) < 0:
            warning(f"file_get_contents(): Failed to seek to position {offset} in the stream")
            return False
        return stream.copy_to_mem(0 if length is None else length) if length != 0 else b""
    finally:
        stream.close()


def _data_parts(data: object) -> list[bytes] | None:
    """file_put_contents' $data as the strings it writes (None: not writable)."""
    if isinstance(data, (list, dict)):
        values = data.values() if isinstance(data, dict) else data
        return [_bytes(v) for v in values]
    if data is None or isinstance(data, (bool, int, float, str, bytes, bytearray, memoryview)):
        return [_bytes(data)]
    return None


def _bytes(value: object) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return php_string(value).encode("utf-8", "surrogateescape")


@php_function(STUBS["file_put_contents"])
def file_put_contents(
    filename: str, data: Any, flags: int = 0, context: Any = None
) -> int | Literal[False]:
    """PHP's ``file_put_contents()``: writes a string, an array of strings or a stream.

    ``function file_put_contents(string $filename, mixed $data, int $flags = 0,
        ?resource $context = null): int|false``

    Returns the bytes written, ``False`` on failure; flags ``FILE_APPEND``, ``LOCK_EX``.
    See https://www.php.net/manual/en/function.file-put-contents.php
    """
    source = require_stream("file_put_contents", data) if isinstance(data, Resource) else None
    if context is not None:
        context_arg("file_put_contents", context, 4)
    _path("file_put_contents", filename)
    mode = "wb"
    if flags & FILE_APPEND:
        mode = "ab"
    elif flags & LOCK_EX:
        if "://" in filename and filename[:7].lower() != "file://":
            warning("file_put_contents(): Exclusive locks may only be set for regular files")
            return False
        mode = "cb"
    stream = _open("file_put_contents", filename, mode)
    if stream is None:
        return False
    try:
        if flags & LOCK_EX:
            locked = stream.ops.lock(stream, 2)
            if locked is None or not locked[0]:
                warning("file_put_contents(): Exclusive locks are not supported for this stream")
                return False
        if mode == "cb":
            stream.ops.truncate(stream, 0)
        if source is not None:
            copied = copy_to_stream(source, stream, None)
            return False if copied is None else copied
        parts = _data_parts(data)
        if parts is None:
            return False
        total = 0
        for part in parts:
            if not part:
                continue
            written, error = stream.write(part)
            if written != len(part):
                if isinstance(data, (list, dict)):
                    warning(f"file_put_contents(): Failed to write {len(part)} bytes to {filename}")
                elif written or not error:
                    warning(
                        f"file_put_contents(): Only {written} of {len(part)} bytes written, "
                        "possibly out of free disk space"
                    )
                return False
            total += written
        return total
    finally:
        stream.close()


@php_function(STUBS["ftell"])
def ftell(stream: StreamResource) -> int | Literal[False]:
    """PHP's ``ftell()``: the stream's position; on a socket, bytes read plus written.

    ``function ftell(resource $stream): int|false``

    Returns ``int | False`` in Python (``False`` where PHP's position is -1).
    See https://www.php.net/manual/en/function.ftell.php
    """
    position = require_stream("ftell", stream).position
    return False if position == -1 else position


@php_function(STUBS["fseek"])
def fseek(stream: StreamResource, offset: int, whence: int = 0) -> int:
    """PHP's ``fseek()``: 0 or -1; a socket can only skip forward (SEEK_CUR).

    ``function fseek(resource $stream, int $offset, int $whence = SEEK_SET): int``

    Returns ``int`` in Python (0 on success, -1 on failure, as PHP).
    See https://www.php.net/manual/en/function.fseek.php
    """
    return require_stream("fseek", stream).seek(offset, whence)


@php_function(STUBS["rewind"])
def rewind(stream: StreamResource) -> bool:
    """PHP's ``rewind()``.

    ``function rewind(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.rewind.php
    """
    return require_stream("rewind", stream).seek(0, 0) != -1


@php_function(STUBS["fstat"])
def fstat(stream: StreamResource) -> dict[int | str, int] | Literal[False]:
    """PHP's ``fstat()``: 26 entries, the 13 fields by number, then by name.

    ``function fstat(resource $stream): array|false``

    Returns ``dict | False`` in Python; a socket's mode is 0140777.
    See https://www.php.net/manual/en/function.fstat.php
    """
    s = require_stream("fstat", stream)
    fields = s.ops.stat(s)
    if fields is None:
        return False
    out: dict[int | str, int] = {i: fields[k] for i, k in enumerate(_STAT_KEYS)}
    out.update((k, fields[k]) for k in _STAT_KEYS)
    return out


@php_function(STUBS["ftruncate"])
def ftruncate(stream: StreamResource, size: int) -> bool:
    """PHP's ``ftruncate()``; the position does not move.

    ``function ftruncate(resource $stream, int $size): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.ftruncate.php
    """
    if size < 0:
        raise ValueError("ftruncate(): Argument #2 ($size) must be greater than or equal to 0")
    s = require_stream("ftruncate", stream)
    done = s.ops.truncate(s, size)
    if done is None:
        warning("ftruncate(): Can't truncate this stream!")
        return False
    return done


def _sync(function: str, stream: StreamResource, data_only: bool) -> bool:
    s = require_stream(function, stream)
    done = s.ops.sync(s, data_only)
    if done is None:
        warning(f"{function}(): Can't fsync this stream!")
        return False
    return done


@php_function(STUBS["fsync"])
def fsync(stream: StreamResource) -> bool:
    """PHP's ``fsync()``.

    ``function fsync(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fsync.php
    """
    return _sync("fsync", stream, False)


@php_function(STUBS["fdatasync"])
def fdatasync(stream: StreamResource) -> bool:
    """PHP's ``fdatasync()``.

    ``function fdatasync(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fdatasync.php
    """
    return _sync("fdatasync", stream, True)


@php_function(STUBS["flock"])
def flock(stream: StreamResource, operation: int, would_block: Ref | None = None) -> bool:
    """PHP's ``flock()`` (php_flock_common): LOCK_SH, LOCK_EX or LOCK_UN, | LOCK_NB.

    ``function flock(resource $stream, int $operation, &$would_block = null): bool``

    Returns ``bool``; ``would_block`` (a Ref) is set to 0, or 1 when LOCK_NB met a lock.
    See https://www.php.net/manual/en/function.flock.php
    """
    s = require_stream("flock", stream)
    if not 1 <= operation & 3 <= 3:
        raise ValueError(
            "flock(): Argument #2 ($operation) must be one of LOCK_SH, LOCK_EX, or LOCK_UN"
        )
    assign(would_block, 0)
    locked = s.ops.lock(s, operation & 7)
    if locked is None:
        return False
    done, code = locked
    if not done and would_block is not None and code == errno.EWOULDBLOCK:
        would_block.value = 1
    return done


@php_function(STUBS["stream_supports_lock"])
def stream_supports_lock(stream: StreamResource) -> bool:
    """PHP's ``stream_supports_lock()``: true for local files (and a spilled php://temp).

    ``function stream_supports_lock(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-supports-lock.php
    """
    s = require_stream("stream_supports_lock", stream)
    return s.ops.lock(s, 0) is not None  # PHP_STREAM_LOCK_SUPPORTED


def _cast_fd(function: str, s: Stream) -> int | None:
    """php_stream_cast to a descriptor; PHP warns of buffered data at each cast."""
    fd = s.ops.cast_fd(s)
    if fd is not None and s.unread_bytes():
        for _ in range(2):  # PHP: php_stream_can_cast, then php_stream_cast
            warning(
                f"{function}(): {s.unread_bytes()} bytes of buffered data lost during "
                "stream conversion!"
            )
    return fd


@php_function(STUBS["stream_isatty"])
def stream_isatty(stream: StreamResource) -> bool:
    """PHP's ``stream_isatty()``.

    ``function stream_isatty(resource $stream): bool``

    Returns ``bool``; a stream with no descriptor (php://memory) is no terminal.
    See https://www.php.net/manual/en/function.stream-isatty.php
    """
    fd = _cast_fd("stream_isatty", require_stream("stream_isatty", stream))
    return fd is not None and os.isatty(fd)


@php_function(STUBS["posix_isatty"])
def posix_isatty(file_descriptor: Any) -> bool:
    """PHP's ``posix_isatty()`` (ext/posix): a stream resource or a descriptor number.

    ``function posix_isatty($file_descriptor): bool``

    Returns ``bool``. PHP has it only with the posix extension loaded.
    See https://www.php.net/manual/en/function.posix-isatty.php
    """
    if isinstance(file_descriptor, Resource):
        s = require_stream("posix_isatty", file_descriptor)
        fd = _cast_fd("posix_isatty", s)
        if fd is None:
            warning(f"posix_isatty(): Could not use stream of type '{s.stream_type}'")
            return False
    else:
        fd = php_int(file_descriptor)
    if fd < 0 or fd > 2**31 - 1:
        return False
    return os.isatty(fd)


@php_function(STUBS["fpassthru"])
def fpassthru(stream: StreamResource) -> int:
    """PHP's ``fpassthru()``: the rest of the stream to PHP's output (``sys.stdout.buffer``).

    ``function fpassthru(resource $stream): int``

    Returns the number of bytes passed through.
    See https://www.php.net/manual/en/function.fpassthru.php
    """
    s = require_stream("fpassthru", stream)
    count = 0
    while data := s.read(8192):
        write_output(data)
        count += len(data)
    return count


@php_function(STUBS["stream_copy_to_stream"])
def stream_copy_to_stream(
    from_: StreamResource, to: StreamResource, length: int | None = None, offset: int = 0
) -> int | Literal[False]:
    """PHP's ``stream_copy_to_stream()``: bytes copied, from ``offset`` of ``from``.

    ``function stream_copy_to_stream(resource $from, resource $to, ?int $length = null,
        int $offset = 0): int|false``

    Returns ``int | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-copy-to-stream.php
    """
    src = require_stream("stream_copy_to_stream", from_)
    dest = require_stream("stream_copy_to_stream", to)
    if offset > 0 and src.seek(offset, 0) < 0:
        warning(f"stream_copy_to_stream(): Failed to seek to position {offset} in the stream")
        return False
    copied = copy_to_stream(src, dest, None if length is None or length < 0 else length)
    return False if copied is None else copied
