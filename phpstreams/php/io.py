"""PHP's stream I/O functions on socket streams: php-src ext/standard/file.c, streamsfuncs.c."""

from __future__ import annotations

from typing import Any, Literal, cast

from ..core import diagnostics
from ..core import persistent as pool
from ..core.arguments import php_function
from ..core.diagnostics import notice, warning
from ..core.errors import strerror
from ..core.filters import flush_writes
from ..core.opening import format_sockaddr, sendto_target
from ..core.readbuffer import CHUNK_SIZE
from ..core.ref import Ref, assign
from ..core.sockops import PLAIN
from ..core.speedups import fast_entry
from ..core.stream import Stream, StreamResource, require_stream
from ..core.timeouts import stream_timeout
from .constants import STREAM_OOB, STREAM_PEEK, STREAM_SHUT_RD, STREAM_SHUT_RDWR, STREAM_SHUT_WR
from .signatures import STUBS

__all__ = [
    "fclose",
    "feof",
    "fflush",
    "fgetc",
    "fgets",
    "fputs",
    "fread",
    "fwrite",
    "set_file_buffer",
    "socket_get_status",
    "socket_set_blocking",
    "socket_set_timeout",
    "stream_get_contents",
    "stream_get_line",
    "stream_get_meta_data",
    "stream_set_blocking",
    "stream_set_chunk_size",
    "stream_set_read_buffer",
    "stream_set_timeout",
    "stream_set_write_buffer",
    "stream_socket_recvfrom",
    "stream_socket_sendto",
    "stream_socket_shutdown",
]

Data = bytes | bytearray | memoryview | str


@fast_entry("fread")
@php_function(STUBS["fread"])
def fread(stream: StreamResource, length: int) -> bytes | Literal[False]:
    """PHP's ``fread()`` on a socket: what the buffer and at most one recv() yield.

    ``function fread(resource $stream, int $length): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fread.php
    """
    s = stream.stream if stream.__class__ is StreamResource else None
    if s is None:
        s = require_stream("fread", stream)
    if length <= 0:
        raise ValueError("fread(): Argument #2 ($length) must be greater than 0")
    data = s.read(length)
    return False if data is None else data


@fast_entry("fgets")
@php_function(STUBS["fgets"])
def fgets(stream: StreamResource, length: int | None = None) -> bytes | Literal[False]:
    """PHP's ``fgets()``: a line with its ``\\n``, or at most length-1 bytes.

    ``function fgets(resource $stream, ?int $length = null): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fgets.php
    """
    s = stream.stream if stream.__class__ is StreamResource else None
    if s is None:
        s = require_stream("fgets", stream)
    if length is None:
        line = s.line()  # the common case: a whole line is buffered
        if line is not None:
            return line
    elif length <= 0:
        raise ValueError("fgets(): Argument #2 ($length) must be greater than 0")
    line = s.get_line(length)
    return False if line is None else line


@fast_entry("feof")
@php_function(STUBS["feof"])
def feof(stream: StreamResource) -> bool:
    """PHP's ``feof()``: true once the end was met; never waits.

    ``function feof(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.feof.php
    """
    return require_stream("feof", stream).at_eof()


def _write(
    function: str, stream: StreamResource, data: Data, length: int | None
) -> int | Literal[False]:
    payload = cast(bytes, data)  # the argument layer delivers $data as bytes
    if length is not None:
        payload = payload[: max(0, length)]
    if not payload:
        return 0  # PHP: returns before even looking at the stream
    s = require_stream(function, stream)
    written, error = s.write(payload)
    if written < 0:
        return False  # the write filters failed
    return _write_failed(function, payload, written, error) if error else written


def _write_failed(function: str, payload: bytes, written: int, code: int) -> int | Literal[False]:
    if code > 0:  # -1: the ops reported the failure themselves (local streams)
        notice(
            f"{function}(): Send of {len(payload) - written} bytes failed with "
            f"errno={code} {strerror(code)}"
        )
    return False if written == 0 else written


def _resume_write(
    function: str, s: Stream, payload: bytes, sent: int, code: int
) -> int | Literal[False]:
    """The rest of _write once the C fast path's send() failed with ``code``
    after ``sent`` bytes (core/_speedups.c): what s.write() and _write do from
    that point, then the end of the call as the argument layer makes it."""
    written, error = PLAIN.after_send_failure(s, payload, sent, code)
    s.written += written
    result = _write_failed(function, payload, written, error) if error else written
    if diagnostics.pending_count:
        diagnostics.raise_pending()
    return result


@fast_entry("fwrite", _resume_write)
@php_function(STUBS["fwrite"], binary=("data",))
def fwrite(stream: StreamResource, data: Data, length: int | None = None) -> int | Literal[False]:
    """PHP's ``fwrite()``: bytes written, false when nothing could be.

    ``function fwrite(resource $stream, string $data, ?int $length = null): int|false``

    Returns ``int | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fwrite.php
    """
    return _write("fwrite", stream, data, length)


@fast_entry("fputs", _resume_write)
@php_function(STUBS["fputs"], binary=("data",))
def fputs(stream: StreamResource, data: Data, length: int | None = None) -> int | Literal[False]:
    """PHP's ``fputs()``, the alias of fwrite().

    ``function fputs(resource $stream, string $data, ?int $length = null): int|false``

    Returns ``int | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fputs.php
    """
    return _write("fputs", stream, data, length)


@php_function(STUBS["fclose"])
def fclose(stream: StreamResource) -> bool:
    """PHP's ``fclose()``; a persistent stream is really closed, for every holder.

    ``function fclose(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fclose.php
    """
    s = require_stream("fclose", stream)
    pool.release(stream)
    s.close()
    stream.stream = None
    return True


@php_function(STUBS["stream_get_meta_data"])
def stream_get_meta_data(stream: StreamResource) -> dict[str, Any]:
    """PHP's ``stream_get_meta_data()`` for a socket stream.

    ``function stream_get_meta_data(resource $stream): array``

    Returns ``dict[str, Any]`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-get-meta-data.php
    """
    return require_stream("stream_get_meta_data", stream).meta_data()


@php_function(STUBS["socket_get_status"])
def socket_get_status(stream: StreamResource) -> dict[str, Any]:
    """PHP's ``socket_get_status()``, the alias of stream_get_meta_data().

    ``function socket_get_status(resource $stream): array``

    Returns ``dict[str, Any]`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.socket-get-status.php
    """
    return require_stream("socket_get_status", stream).meta_data()


@php_function(STUBS["stream_set_timeout"])
def stream_set_timeout(stream: StreamResource, seconds: int, microseconds: int = 0) -> bool:
    """PHP's ``stream_set_timeout()``; also clears ``timed_out``.

    ``function stream_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-set-timeout.php
    """
    return _set_timeout("stream_set_timeout", stream, seconds, microseconds)


@php_function(STUBS["socket_set_timeout"])
def socket_set_timeout(stream: StreamResource, seconds: int, microseconds: int = 0) -> bool:
    """PHP's ``socket_set_timeout()``, the alias of stream_set_timeout().

    ``function socket_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.socket-set-timeout.php
    """
    return _set_timeout("socket_set_timeout", stream, seconds, microseconds)


def _set_timeout(function: str, stream: StreamResource, seconds: int, microseconds: int) -> bool:
    return require_stream(function, stream).set_timeout(stream_timeout(seconds, microseconds))


@php_function(STUBS["stream_set_blocking"])
def stream_set_blocking(stream: StreamResource, enable: bool) -> bool:
    """PHP's ``stream_set_blocking()``.

    ``function stream_set_blocking(resource $stream, bool $enable): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-set-blocking.php
    """
    require_stream("stream_set_blocking", stream).set_blocking(bool(enable))
    return True


@php_function(STUBS["socket_set_blocking"])
def socket_set_blocking(stream: StreamResource, enable: bool) -> bool:
    """PHP's ``socket_set_blocking()``, the alias of stream_set_blocking().

    ``function socket_set_blocking(resource $stream, bool $enable): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.socket-set-blocking.php
    """
    require_stream("socket_set_blocking", stream).set_blocking(bool(enable))
    return True


@fast_entry("fgetc")
@php_function(STUBS["fgetc"])
def fgetc(stream: StreamResource) -> bytes | Literal[False]:
    """PHP's ``fgetc()``: one byte, false at EOF, on timeout or with no data.

    ``function fgetc(resource $stream): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fgetc.php
    """
    data = require_stream("fgetc", stream).read(1)
    return data if data else False


@fast_entry("stream_get_line")
@php_function(STUBS["stream_get_line"], binary=("ending",))
def stream_get_line(
    stream: StreamResource, length: int, ending: Data = b""
) -> bytes | Literal[False]:
    """PHP's ``stream_get_line()``: a record without its (possibly multi-byte) ending.

    ``function stream_get_line(resource $stream, int $length, string $ending = ""): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-get-line.php
    """
    if length < 0:
        raise ValueError(
            "stream_get_line(): Argument #2 ($length) must be greater than or equal to 0"
        )
    s = require_stream("stream_get_line", stream)
    record = s.get_record(length or CHUNK_SIZE, cast(bytes, ending))
    return False if record is None else record


@fast_entry("stream_get_contents")
@php_function(STUBS["stream_get_contents"])
def stream_get_contents(
    stream: StreamResource, length: int | None = None, offset: int = -1
) -> bytes | Literal[False]:
    """PHP's ``stream_get_contents()``: reads until EOF, a timeout, or ``length`` bytes.

    ``function stream_get_contents(resource $stream, ?int $length = null,
        int $offset = -1): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-get-contents.php
    """
    if length is not None and length < -1:
        raise ValueError(
            "stream_get_contents(): Argument #2 ($length) must be greater than or equal to -1"
        )
    s = require_stream("stream_get_contents", stream)
    if offset >= 0:
        # PHP: forwards by SEEK_CUR (a socket emulates it by reading), backwards by SEEK_SET
        position, sought = s.position, 0
        if position >= 0 and offset > position:
            sought = s.seek(offset - position, 1)
        elif offset < position:
            sought = s.seek(offset, 0)
        if sought != 0:
            warning(f"stream_get_contents(): Failed to seek to position {offset} in the stream")
            return False
    if length == 0:
        return b""  # PHP: copies nothing
    return s.copy_to_mem(0 if length is None or length == -1 else length)


@php_function(STUBS["stream_socket_recvfrom"])
def stream_socket_recvfrom(
    socket: StreamResource, length: int, flags: int = 0, address: Ref | None = None
) -> bytes | Literal[False]:
    """PHP's ``stream_socket_recvfrom()``: one raw recvfrom(), bypassing PHP's buffer.

    ``function stream_socket_recvfrom(resource $socket, int $length, int $flags = 0,
        &$address = null): string|false``

    Returns ``bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-recvfrom.php
    """
    s = require_stream("stream_socket_recvfrom", socket)
    assign(address, None)
    if length <= 0:
        raise ValueError("stream_socket_recvfrom(): Argument #2 ($length) must be greater than 0")
    received = s.recv_raw(length, bool(flags & STREAM_OOB), bool(flags & STREAM_PEEK))
    if received is None:
        return False
    data, peer = received
    if address is not None and s.transport is not None:
        address.value = format_sockaddr(s.transport.family, peer) if peer else ""
    return data


@php_function(STUBS["stream_socket_sendto"], binary=("data",))
def stream_socket_sendto(
    socket: StreamResource, data: Data, flags: int = 0, address: str = ""
) -> int | Literal[False]:
    """PHP's ``stream_socket_sendto()``: -1 (not false) with a warning on a send error.

    ``function stream_socket_sendto(resource $socket, string $data, int $flags = 0,
        string $address = ""): int|false``

    Returns ``int | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-sendto.php
    """
    s = require_stream("stream_socket_sendto", socket)
    target: tuple[Any, ...] | None = None
    if address:
        target = sendto_target("stream_socket_sendto", address)
        if target is None:
            return False
    try:
        return s.send_raw(cast(bytes, data), bool(flags & STREAM_OOB), target)
    except OSError as exc:
        code = exc.errno or 0
    # PHP: the message ends with a newline, and the result is -1
    warning(f"stream_socket_sendto(): {strerror(code)}\n")
    return -1


@php_function(STUBS["stream_socket_shutdown"])
def stream_socket_shutdown(stream: StreamResource, mode: int) -> bool:
    """PHP's ``stream_socket_shutdown()``.

    ``function stream_socket_shutdown(resource $stream, int $mode): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-shutdown.php
    """
    if mode not in (STREAM_SHUT_RD, STREAM_SHUT_WR, STREAM_SHUT_RDWR):
        raise ValueError(
            "stream_socket_shutdown(): Argument #2 ($mode) must be one of STREAM_SHUT_RD, "
            "STREAM_SHUT_WR, or STREAM_SHUT_RDWR"
        )
    return require_stream("stream_socket_shutdown", stream).shutdown(mode)


@php_function(STUBS["stream_set_chunk_size"])
def stream_set_chunk_size(stream: StreamResource, size: int) -> int:
    """PHP's ``stream_set_chunk_size()``: returns the previous chunk size.

    ``function stream_set_chunk_size(resource $stream, int $size): int``

    Returns ``int`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-set-chunk-size.php
    """
    if size <= 0:
        raise ValueError("stream_set_chunk_size(): Argument #2 ($size) must be greater than 0")
    if size > 2**31 - 1:
        raise ValueError("stream_set_chunk_size(): Argument #2 ($size) is too large")
    s = require_stream("stream_set_chunk_size", stream)
    previous, s.chunk_size = s.chunk_size, size
    return previous


@php_function(STUBS["stream_set_read_buffer"])
def stream_set_read_buffer(stream: StreamResource, size: int) -> int:
    """PHP's ``stream_set_read_buffer()``: 0 turns buffering off; returns 0.

    ``function stream_set_read_buffer(resource $stream, int $size): int``

    Returns ``int`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-set-read-buffer.php
    """
    require_stream("stream_set_read_buffer", stream).no_buffer = size == 0
    return 0


@php_function(STUBS["stream_set_write_buffer"])
def stream_set_write_buffer(stream: StreamResource, size: int) -> int:
    """PHP's ``stream_set_write_buffer()``: sockets do not buffer writes, so -1 (EOF).

    ``function stream_set_write_buffer(resource $stream, int $size): int``

    Returns ``int`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-set-write-buffer.php
    """
    require_stream("stream_set_write_buffer", stream)
    return -1


@php_function(STUBS["set_file_buffer"])
def set_file_buffer(stream: StreamResource, size: int) -> int:
    """PHP's ``set_file_buffer()``, the alias of stream_set_write_buffer().

    ``function set_file_buffer(resource $stream, int $size): int``

    Returns ``int`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.set-file-buffer.php
    """
    require_stream("set_file_buffer", stream)
    return -1


@php_function(STUBS["fflush"])
def fflush(stream: StreamResource) -> bool:
    """PHP's ``fflush()``: writes are never buffered on sockets, so a no-op.

    ``function fflush(resource $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fflush.php
    """
    s = require_stream("fflush", stream)
    if s.write_filters is not None:
        flush_writes(s, False)  # _php_stream_flush: the write filters, FLUSH_INC
    return True


