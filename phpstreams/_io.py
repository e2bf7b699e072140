"""PHP's stream I/O functions on socket streams: php-src ext/standard/file.c, streamsfuncs.c."""

from __future__ import annotations

import os
from typing import Any, Literal

from ._diagnostics import notice
from ._resource import StreamResource, require_stream
from ._values import to_bytes
from ._xport import persistent_pool

__all__ = [
    "fclose",
    "feof",
    "fgets",
    "fputs",
    "fread",
    "fwrite",
    "stream_get_meta_data",
    "stream_set_blocking",
    "stream_set_timeout",
]

Data = bytes | bytearray | memoryview | str


def fread(stream: StreamResource, length: int) -> bytes | Literal[False]:
    """PHP's ``fread()`` on a socket: what the buffer and at most one recv() yield."""
    s = require_stream("fread", stream)
    if length <= 0:
        raise ValueError("fread(): Argument #2 ($length) must be greater than 0")
    data = s.read(length)
    return False if data is None else data


def fgets(stream: StreamResource, length: int | None = None) -> bytes | Literal[False]:
    """PHP's ``fgets()``: a line with its ``\\n``, or at most length-1 bytes."""
    s = require_stream("fgets", stream)
    if length is not None and length <= 0:
        raise ValueError("fgets(): Argument #2 ($length) must be greater than 0")
    line = s.get_line(length)
    return False if line is None else line


def feof(stream: StreamResource) -> bool:
    """PHP's ``feof()``: true once the end was met; never waits."""
    return require_stream("feof", stream).at_eof()


def _write(
    function: str, stream: StreamResource, data: Data, length: int | None
) -> int | Literal[False]:
    payload = to_bytes(data)
    if length is not None:
        payload = payload[: max(0, length)]
    if not payload:
        return 0  # PHP: returns before even looking at the stream
    s = require_stream(function, stream)
    written, error = s.write(payload)
    if error:
        code = error
        notice(
            f"{function}(): Send of {len(payload) - written} bytes failed with "
            f"errno={code} {os.strerror(code)}"
        )
        if written == 0:
            return False
    return written


def fwrite(stream: StreamResource, data: Data, length: int | None = None) -> int | Literal[False]:
    """PHP's ``fwrite()``: bytes written, false when nothing could be."""
    return _write("fwrite", stream, data, length)


def fputs(stream: StreamResource, data: Data, length: int | None = None) -> int | Literal[False]:
    """PHP's ``fputs()``, the alias of fwrite()."""
    return _write("fputs", stream, data, length)


def fclose(stream: StreamResource) -> bool:
    """PHP's ``fclose()``; a persistent stream is really closed, for every holder."""
    s = require_stream("fclose", stream)
    key = stream._persistent_key
    if key is not None and persistent_pool.get(key) is stream:
        del persistent_pool[key]
    s.close()
    stream._stream = None
    return True


def stream_get_meta_data(stream: StreamResource) -> dict[str, Any]:
    """PHP's ``stream_get_meta_data()`` for a socket stream."""
    return require_stream("stream_get_meta_data", stream).meta_data()


def stream_set_timeout(
    stream: StreamResource, seconds: int, microseconds: int | None = None
) -> bool:
    """PHP's ``stream_set_timeout()``; also clears ``timed_out``."""
    s = require_stream("stream_set_timeout", stream)
    usec = 0
    if microseconds is not None:
        # C division: truncates toward zero
        seconds += int(microseconds / 1_000_000)
        usec = int(microseconds - int(microseconds / 1_000_000) * 1_000_000)
    ms = seconds * 1000 + int(usec / 1000)
    s.timeout = None if (seconds == -1 or ms < 0) else ms / 1000
    s.timed_out = False
    return True


def stream_set_blocking(stream: StreamResource, enable: bool) -> bool:
    """PHP's ``stream_set_blocking()``."""
    s = require_stream("stream_set_blocking", stream)
    s.blocked = bool(enable)
    if s.sock is not None:
        s.sock.setblocking(bool(enable))
    return True
