"""ext/sockets' ``Socket`` over a stream's descriptor, and its option calls.

Theory of operation (php-src ext/sockets/sockets.c): socket_import_stream()
makes a ``Socket`` that shares the stream's descriptor and holds the stream
resource itself (``zstream``): socket_export_stream() hands that resource
back, and the Socket never closes the descriptor -- the stream does. Each
import makes a new Socket, with its own last error; importing also turns the
stream's read buffer off (PHP_STREAM_BUFFER_NONE, as stream_set_read_buffer($fp,
0)). Once the stream is closed, a call on the Socket reaches a descriptor
that is gone: EBADF, as PHP's getsockopt() on the closed number gets it.

:func:`get_option` / :func:`set_option` are socket_get_option /
socket_set_option: the option's value packed and unpacked as the C structures
(``int``, ``struct linger``, ``struct timeval``, TCP_CONGESTION's name,
SO_MEMINFO's counters); the kernel decides what is valid. A failure is
PHP_SOCKET_ERROR: the errno kept on the Socket and as the module's last error,
and the warning ``<function>(): <what> [<errno>]: <strerror>``. The module's
last error is per thread and per asyncio task, as the rest of the error state.
"""

from __future__ import annotations

import contextvars
import errno as _errno
import math
import socket
import struct
from typing import Any, final

from ..transport.socket import SocketTransport
from . import persistent
from .diagnostics import warning
from .errors import strerror
from .stream import Stream, StreamResource
from .values import php_int

__all__ = [
    "Error",
    "Socket",
    "close",
    "get_option",
    "import_stream",
    "last_error",
    "require_socket",
    "set_last_error",
    "set_option",
    "socket_strerror",
]

_LAST_ERROR: contextvars.ContextVar[int] = contextvars.ContextVar("socket_last_error", default=0)
_MEMINFO = (
    "rmem_alloc",
    "rcvbuf",
    "wmem_alloc",
    "sndbuf",
    "fwd_alloc",
    "wmem_queued",
    "optmem",
    "backlog",
    "drops",
)
_SO_MEMINFO, _SO_BINDTODEVICE, _TCP_CONGESTION = 55, 25, 13
_SOL_SOCKET, _SOL_TCP = socket.SOL_SOCKET, socket.IPPROTO_TCP
_SO_LINGER, _SO_RCVTIMEO, _SO_SNDTIMEO = socket.SO_LINGER, 20, 21
_HOST_ERRORS = {
    1: "Unknown host",
    2: "Host name lookup failure",
    3: "Unknown server error",
    4: "No address associated with name",
}


class Error(TypeError):
    """PHP's ``Error`` (the class of ``has already been closed``); a TypeError
    here, as the other errors PHP's engine raises for an unusable argument."""


@final
class Socket:
    """PHP 8's ``Socket`` object, made by socket_import_stream() only.

    ``var_dump`` shows it as ``object(Socket)#N (0) {}``: it has no properties.
    """

    __slots__ = ("blocking", "error", "family", "resource")

    def __init__(self, resource: StreamResource, family: int, blocking: bool) -> None:
        # php_socket.zstream: the stream it was imported from; None once
        # socket_close() closed it (bsd_socket -1)
        self.resource: StreamResource | None = resource
        self.family = family
        self.blocking = blocking
        self.error = 0

    def __repr__(self) -> str:
        return "object(Socket) (0) {}"


def require_socket(function: str, sock: Socket) -> StreamResource:
    """ENSURE_SOCKET_VALID: the stream resource of a Socket not closed."""
    if sock.resource is None:
        raise Error(f"{function}(): Argument #1 ($socket) has already been closed")
    return sock.resource


def close(sock: Socket) -> None:
    """socket_close on an imported Socket: its stream is closed (the resource
    stays, of type Unknown), and the Socket is closed."""
    resource, sock.resource = require_socket("socket_close", sock), None
    stream, resource.stream = resource.stream, None
    if stream is not None:
        persistent.release(resource)
        stream.close()


def last_error(sock: Socket | None) -> int:
    return _LAST_ERROR.get() if sock is None else sock.error


def set_last_error(sock: Socket | None, code: int) -> None:
    """socket_clear_error(): ``code`` 0 for the Socket's error or the module's."""
    if sock is None:
        _LAST_ERROR.set(code)
    else:
        sock.error = code


def socket_strerror(code: int) -> str:
    """sockets_strerror: strerror(), hstrerror() for a code below -10000."""
    if code < -10000:
        return _HOST_ERRORS.get(-code - 10000, "Unknown resolver error")
    return strerror(code)


def _socket_error(function: str, sock: Socket, what: str, code: int) -> None:
    """PHP_SOCKET_ERROR."""
    sock.error = code
    _LAST_ERROR.set(code)
    if code not in (_errno.EAGAIN, _errno.EWOULDBLOCK, _errno.EINPROGRESS):
        warning(f"{function}(): {what} [{code}]: {socket_strerror(code)}")


def import_stream(resource: StreamResource, stream: Stream) -> Socket | None:
    """socket_import_stream on a live stream; None (after PHP's warning) when it
    cannot give its socket descriptor."""
    # php-src main/streams/cast.c: _php_stream_cast(stream, PHP_STREAM_AS_SOCKETD)
    if stream.read_filters is not None or stream.write_filters is not None:
        warning("socket_import_stream(): Cannot cast a filtered stream on this system")
        return None
    transport = stream.transport
    tls = stream.tls
    # php-src ext/openssl/xp_ssl.c: php_openssl_sockop_cast refuses while TLS is on
    if not isinstance(transport, SocketTransport) or (tls is not None and tls.active):
        warning(
            f"socket_import_stream(): Cannot represent a stream of type "
            f"{stream.stream_type} as a Socket Descriptor"
        )
        return None
    buffered = stream.unread_bytes()
    if buffered > 0:  # PHP: the warning only -- the bytes stay in the stream's buffer
        warning(
            f"socket_import_stream(): {buffered} bytes of buffered data lost during "
            "stream conversion!"
        )
    # php-src ext/sockets/sockets.c: socket_import_file_descriptor
    sock = Socket(resource, 0, True)
    try:
        sock.family = transport.family
        sock.blocking = not transport.file_status_flags() & 0o4000  # O_NONBLOCK
    except OSError as exc:
        what = "Unable to obtain socket family"
        _socket_error("socket_import_stream", sock, what, exc.errno or 0)
        return None
    stream.no_buffer = True  # PHP_STREAM_OPTION_READ_BUFFER, PHP_STREAM_BUFFER_NONE
    return sock


def _transport(sock: Socket) -> SocketTransport:
    stream = None if sock.resource is None else sock.resource.stream
    transport = None if stream is None else stream.transport
    if not isinstance(transport, SocketTransport):
        raise OSError(_errno.EBADF, "Bad file descriptor")  # the descriptor is gone
    return transport


def _long(value: object) -> int:
    """convert_to_long (zval_get_long)."""
    if isinstance(value, (list, tuple, dict)):
        return 1 if value else 0
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return 0
    number = php_int(value)
    return (number + 2**63) % 2**64 - 2**63  # a zend_long


def _c_int(number: int) -> int:
    return (number + 2**31) % 2**32 - 2**31


def _array(value: object) -> dict[Any, Any]:
    """convert_to_array: an array as it is, null empty, any other value in one slot."""
    if isinstance(value, dict):
        return value
    if isinstance(value, (list, tuple)):
        return dict(enumerate(value))
    return {} if value is None else {0: value}


def _need(value: dict[Any, Any], key: str) -> object:
    if key not in value:
        raise ValueError(f'socket_set_option(): Argument #4 ($value) must have key "{key}"')
    return value[key]


def get_option(sock: Socket, level: int, option: int) -> Any:
    """socket_get_option: an int, an array for the structured options, or False."""
    try:
        transport = _transport(sock)
        if level == _SOL_TCP and option == _TCP_CONGESTION:
            name = transport.getsockopt(level, option, 16)
            return {"name": name.split(b"\0", 1)[0].decode("ascii", "replace")}
        if option == _SO_LINGER:
            onoff, linger = struct.unpack("ii", transport.getsockopt(level, option, 8))
            return {"l_onoff": onoff, "l_linger": linger}
        if option in (_SO_RCVTIMEO, _SO_SNDTIMEO):
            sec, usec = struct.unpack("ll", transport.getsockopt(level, option, 16))
            return {"sec": sec, "usec": usec}
        if option == _SO_MEMINFO:
            raw = transport.getsockopt(level, option, 4 * len(_MEMINFO))
            counters = struct.unpack(f"{len(raw) // 4}I", raw[: len(raw) // 4 * 4])
            return dict(zip(_MEMINFO, counters, strict=False))
        raw = transport.getsockopt(level, option, 4)
    except OSError as exc:
        _socket_error("socket_get_option", sock, "Unable to retrieve socket option", exc.errno or 0)
        return False
    if len(raw) == 1:
        return raw[0]
    return int.from_bytes(raw.ljust(4, b"\0")[:4], "little", signed=True)


def set_option(sock: Socket, level: int, option: int, value: object) -> bool:
    """socket_set_option; PHP's ValueError for an array option missing a key."""
    if level == _SOL_TCP and option == _TCP_CONGESTION:
        raw = _bytes(value) if isinstance(value, (str, bytes)) else b""
    elif option == _SO_LINGER:
        array = _array(value)
        onoff, linger = _need(array, "l_onoff"), _need(array, "l_linger")
        raw = struct.pack("ii", _long(onoff) & 0xFFFF, _long(linger) & 0xFFFF)  # unsigned short
    elif option in (_SO_RCVTIMEO, _SO_SNDTIMEO):
        array = _array(value)
        sec, usec = _need(array, "sec"), _need(array, "usec")
        raw = struct.pack("ll", _long(sec), _long(usec))
    elif option == _SO_BINDTODEVICE:
        raw = _bytes(value) if isinstance(value, (str, bytes)) else b""
    else:
        raw = struct.pack("i", _c_int(_long(value)))
    try:
        _transport(sock).setsockopt(level, option, raw)
    except OSError as exc:
        _socket_error("socket_set_option", sock, "Unable to set socket option", exc.errno or 0)
        return False
    return True


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
