"""The ext/sockets bridge to streams: php-src ext/sockets/sockets.c.

socket_import_stream() gives a :class:`Socket` over a stream's own socket, for
the option calls (SO_KEEPALIVE, TCP_NODELAY, SO_LINGER...) PHP code makes that
way -- Predis, for one, turns TCP_NODELAY on through it. The Socket's state and
option structures are in :mod:`..core.extsocket`; the socket calls themselves
in the transport.
"""

from __future__ import annotations

from typing import Any, Literal

from ..core import extsocket
from ..core.arguments import php_function
from ..core.extsocket import Socket
from ..core.stream import StreamResource, require_stream
from .signatures import STUBS

__all__ = [
    "Socket",
    "socket_clear_error",
    "socket_close",
    "socket_export_stream",
    "socket_get_option",
    "socket_import_stream",
    "socket_last_error",
    "socket_set_option",
    "socket_strerror",
]

_SOCKET = {"Socket": Socket}


@php_function(STUBS["socket_import_stream"])
def socket_import_stream(stream: StreamResource) -> Socket | Literal[False]:
    """PHP's ``socket_import_stream()``: a Socket over the stream's socket.

    ``function socket_import_stream(resource $stream): Socket|false``

    Returns a new :class:`Socket` on every call (each with its own last error),
    or ``False`` with PHP's warning for a stream that has no socket. As in PHP,
    the stream's read buffer is turned off (``stream_set_read_buffer($fp, 0)``).
    See https://www.php.net/manual/en/function.socket-import-stream.php
    """
    s = require_stream("socket_import_stream", stream)
    sock = extsocket.import_stream(stream, s)
    return False if sock is None else sock


@php_function(STUBS["socket_export_stream"], classes=_SOCKET)
def socket_export_stream(socket: Socket) -> StreamResource:
    """PHP's ``socket_export_stream()``: the stream a Socket was imported from.

    ``function socket_export_stream(Socket $socket)``

    Returns that very stream resource (``===`` the imported one), closed or not.
    See https://www.php.net/manual/en/function.socket-export-stream.php
    """
    return extsocket.require_socket("socket_export_stream", socket)


@php_function(STUBS["socket_get_option"], classes=_SOCKET)
def socket_get_option(socket: Socket, level: int, option: int) -> Any:
    """PHP's ``socket_get_option()``: getsockopt() of the Socket's descriptor.

    ``function socket_get_option(Socket $socket, int $level, int $option): array|int|false``

    Returns an ``int``; a ``dict`` for SO_LINGER (``l_onoff``, ``l_linger``),
    SO_RCVTIMEO/SO_SNDTIMEO (``sec``, ``usec``), TCP_CONGESTION (``name``) and
    SO_MEMINFO; ``False`` with PHP's warning (``Unable to retrieve socket option
    [92]: Protocol not available``) when the kernel refuses. The IP and IPv6
    multicast options are not special-cased (they read as ints).
    See https://www.php.net/manual/en/function.socket-get-option.php
    """
    extsocket.require_socket("socket_get_option", socket)
    return extsocket.get_option(socket, level, option)


@php_function(STUBS["socket_set_option"], classes=_SOCKET)
def socket_set_option(socket: Socket, level: int, option: int, value: Any) -> bool:
    """PHP's ``socket_set_option()``: setsockopt() on the Socket's descriptor.

    ``function socket_set_option(Socket $socket, int $level, int $option, $value): bool``

    ``value`` is an int (PHP's integer of whatever is given), a ``dict`` with
    ``l_onoff`` and ``l_linger`` for SO_LINGER or ``sec`` and ``usec`` for
    SO_RCVTIMEO/SO_SNDTIMEO (PHP's ValueError when a key is missing), a string
    for TCP_CONGESTION and SO_BINDTODEVICE. Returns ``True``, or ``False`` with
    PHP's warning (``Unable to set socket option [22]: Invalid argument``). The
    IP and IPv6 multicast options are not special-cased (they are set as ints).
    See https://www.php.net/manual/en/function.socket-set-option.php
    """
    extsocket.require_socket("socket_set_option", socket)
    return extsocket.set_option(socket, level, option, value)


@php_function(STUBS["socket_last_error"], classes=_SOCKET)
def socket_last_error(socket: Socket | None = None) -> int:
    """PHP's ``socket_last_error()``: the Socket's last errno, or the module's.

    ``function socket_last_error(?Socket $socket = null): int``

    Returns an ``int`` (0: none). The module's is the last error of any Socket
    (per thread and per asyncio task).
    See https://www.php.net/manual/en/function.socket-last-error.php
    """
    if socket is not None:
        extsocket.require_socket("socket_last_error", socket)
    return extsocket.last_error(socket)


@php_function(STUBS["socket_clear_error"], classes=_SOCKET)
def socket_clear_error(socket: Socket | None = None) -> None:
    """PHP's ``socket_clear_error()``: forgets the Socket's last error, or the module's.

    ``function socket_clear_error(?Socket $socket = null): void``

    Returns ``None``.
    See https://www.php.net/manual/en/function.socket-clear-error.php
    """
    if socket is not None:
        extsocket.require_socket("socket_clear_error", socket)
    extsocket.set_last_error(socket, 0)


@php_function(STUBS["socket_strerror"])
def socket_strerror(error_code: int) -> str:
    """PHP's ``socket_strerror()``: the C library's text for an errno.

    ``function socket_strerror(int $error_code): string``

    Returns a ``str`` (``Unknown error -1``...; a code below -10000 is a
    resolver error, as hstrerror() words it).
    See https://www.php.net/manual/en/function.socket-strerror.php
    """
    return extsocket.socket_strerror(error_code)


@php_function(STUBS["socket_close"], classes=_SOCKET)
def socket_close(socket: Socket) -> None:
    """PHP's ``socket_close()`` on an imported Socket: closes its stream too.

    ``function socket_close(Socket $socket): void``

    Returns ``None``. The stream resource stays, of type ``Unknown``; every
    later call on the Socket raises PHP's Error ``has already been closed``
    (a TypeError subclass here).
    See https://www.php.net/manual/en/function.socket-close.php
    """
    extsocket.close(socket)
