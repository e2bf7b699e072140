"""Opening client and server streams: php-src main/streams/transports.c.

Theory of operation: :func:`open_client` and :func:`open_server` are PHP's
``php_stream_xport_create``. A persistent key is looked up first (a live pooled
stream is returned as it is; a dead one is closed and replaced); then the
transport is split off the address and the per-transport work done: inet
transports parse ``host:port`` and go through the connect loop of
:mod:`._transport`, unix ones take the path verbatim. Failures raise
:class:`XportError` with PHP's errno/errstr; the warnings PHP emits on the way
(DNS failure, bindto problems, long unix paths) are emitted here, with the
calling function's name.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from . import _transport
from ._address import AddressError, parse_inet_address, split_transport
from ._crypto import CLIENT, transport_method, url_name
from ._crypto import enable as crypto_enable
from ._crypto import setup as crypto_setup
from ._diagnostics import notice, warning
from ._failures import XportError, php_error_of
from ._ini import default_socket_timeout
from ._resource import ContextResource, StreamResource
from ._stream import SocketStream
from ._values import php_int, php_truthy

__all__ = ["open_client", "open_server", "persistent_pool", "read_timeout", "stream_type_of"]

_STREAM_TYPES = {"udp": "udp_socket", "unix": "unix_socket", "udg": "udg_socket"}
# PHP: with ext/openssl loaded, tcp is served by the OpenSSL factory, hence the name.
_TCP_TYPE = "tcp_socket/ssl"
_UNIX_PATH_MAX = 108
_TLS_TRANSPORTS = frozenset({"ssl", "tls", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"})

persistent_pool: dict[str, StreamResource] = {}


def stream_type_of(transport: str) -> str:
    return _STREAM_TYPES.get(transport, _TCP_TYPE)


def _socket_option(context: ContextResource | None, name: str) -> Any:
    if context is None:
        return None
    return context.options.get("socket", {}).get(name)


def _has_socket_option(context: ContextResource | None, name: str) -> bool:
    return context is not None and name in context.options.get("socket", {})


def read_timeout() -> float | None:
    """A new socket stream's read timeout: default_socket_timeout as it is now."""
    seconds = default_socket_timeout()
    return None if seconds == -1 else float(seconds)


def _unix_path(function: str, path: str) -> bytes:
    """php-src xp_socket.c: parse_unix_address -- verbatim, cut to 107 bytes."""
    raw = path.encode("utf-8", "surrogateescape")
    if len(raw) >= _UNIX_PATH_MAX:
        raw = raw[: _UNIX_PATH_MAX - 1]
        notice(
            f"{function}(): socket path exceeded the maximum allowed length of "
            f"{_UNIX_PATH_MAX - 1} bytes and was truncated"
        )
    return raw


def pooled(key: str) -> StreamResource | None:
    """A live persistent stream for ``key``; a dead one is closed and forgotten."""
    resource = persistent_pool.get(key)
    if resource is None:
        return None
    stream = resource._stream
    if stream is not None and stream.sock is not None and stream._alive():
        return resource
    del persistent_pool[key]
    if stream is not None:
        stream.close()
    resource._stream = None
    return None


def open_client(
    function: str,
    address: str,
    *,
    connect: bool,
    asynchronous: bool,
    timeout: float | None,
    context: ContextResource | None,
) -> SocketStream:
    """php_stream_xport_create for a client. ``timeout`` None waits forever."""
    transport, rest = _split(address)
    stream = SocketStream(None, stream_type_of(transport), read_timeout(), context)
    stream.connect_timeout = timeout
    if stream.stream_type == _TCP_TYPE:
        stream.url_name = url_name(rest)
    if not connect:
        return stream
    # Errors are turned into data inside the except block and raised after it:
    # an exception kept by its own frame would hold the caller's sockets in a cycle.
    try:
        if transport in ("unix", "udg"):
            socktype = socket.SOCK_STREAM if transport == "unix" else socket.SOCK_DGRAM
            path = _unix_path(function, rest)
            stream.sock = _transport.connect_unix(
                path, socktype, timeout, asynchronous=asynchronous
            )
        else:
            stream.sock = _connect_inet(function, transport, rest, timeout, asynchronous, context)
    except (OSError, AddressError, XportError) as exc:
        failure = php_error_of(exc)
        if isinstance(exc, socket.gaierror):
            warning(f"{function}(): {failure[1]}")
    else:
        if transport in _TLS_TRANSPORTS:
            _enable_on_connect(function, stream, transport)
        return stream
    raise XportError(*failure)


def _enable_on_connect(function: str, stream: SocketStream, transport: str) -> None:
    """ssl://, tls://, tlsv1.x://: the handshake right after the connect (xp_ssl.c)."""
    options = stream.context.options.get("ssl", {}) if stream.context is not None else {}
    method = transport_method(transport, options)
    if (
        crypto_setup(function, stream, method, None)
        and crypto_enable(function, stream, stream.url_name) > 0
    ):
        return
    warning(f"{function}(): Failed to enable crypto")
    stream.close()
    raise XportError(0, None)


def _split(address: str) -> tuple[str, str]:
    try:
        return split_transport(address)
    except AddressError as exc:
        errstr = exc.errstr
    raise XportError(0, errstr)


def _connect_inet(
    function: str,
    transport: str,
    rest: str,
    timeout: float | None,
    asynchronous: bool,
    context: ContextResource | None,
) -> socket.socket:
    """php-src xp_socket.c: php_tcp_sockop_connect."""
    target = parse_inet_address(rest)
    udp = transport == "udp"
    socktype = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    if context is None or not context.options.get("socket"):
        # no socket options: nothing to set on the socket before its connect
        return _transport.connect_inet(
            target.host, target.port, socktype, timeout, asynchronous=asynchronous
        )
    bind_host: str | None = None
    bind_port = 0
    if _has_socket_option(context, "bindto"):
        bindto = _socket_option(context, "bindto")
        if not isinstance(bindto, str):
            raise XportError(0, "local_addr context option is not a string.")
        try:
            local = parse_inet_address(bindto)
        except AddressError:
            pass  # PHP: an unparsable bindto is silently ignored
        else:
            bind_host, bind_port = local.host, local.port
    nodelay = not udp and php_truthy(_socket_option(context, "tcp_nodelay"))
    broadcast = udp and php_truthy(_socket_option(context, "so_broadcast"))

    def prepare(sock: socket.socket, family: int) -> None:
        if broadcast:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if bind_host is not None:
            _bind_local(function, sock, family, bind_host, bind_port)

    def skip_family(family: int) -> bool:
        # PHP: an IPv4 bindto passes over the IPv6 addresses of the target
        return bind_host is not None and family == socket.AF_INET6 and ":" not in bind_host

    return _transport.connect_inet(
        target.host,
        target.port,
        socket.SOCK_DGRAM if udp else socket.SOCK_STREAM,
        timeout,
        asynchronous=asynchronous,
        prepare=prepare,
        skip_family=skip_family,
    )


def _bind_local(function: str, sock: socket.socket, family: int, host: str, port: int) -> None:
    """The bindto part of php-src main/network.c: php_network_connect_socket_to_host."""
    if family == socket.AF_INET:
        if ":" in host:
            return  # PHP: an IPv6 bindto is dropped for an IPv4 target
        try:
            local: tuple[Any, ...] = (socket.inet_ntoa(socket.inet_aton(host)), port)
        except (OSError, ValueError):
            warning(f"{function}(): Invalid IP Address: {host}")
            return
    else:
        try:
            socket.inet_pton(socket.AF_INET6, host)
        except (OSError, ValueError):
            warning(f"{function}(): Invalid IP Address: {host}")
            return
        local = (host, port, 0, 0)
    ip_bind_address_no_port = 24  # Linux IP_BIND_ADDRESS_NO_PORT
    sock.setsockopt(socket.SOL_IP, ip_bind_address_no_port, 1)
    try:
        sock.bind(local)
    except OSError as exc:
        reason = os.strerror(exc.errno or 0)
        warning(f"{function}(): Failed to bind to '{host}:{port}', system said: {reason}")


def open_server(
    function: str, address: str, *, bind: bool, listen: bool, context: ContextResource | None
) -> SocketStream:
    """php_stream_xport_create for a server: bind, then listen."""
    transport, rest = _split(address)
    stream = SocketStream(None, stream_type_of(transport), read_timeout(), context)
    if transport in _TLS_TRANSPORTS:
        options = context.options.get("ssl", {}) if context is not None else {}
        # PHP: accepted connections handshake with the method, client bit removed
        stream.accept_method = transport_method(transport, options) & ~CLIENT
    if not bind:
        return stream
    # PHP never reports a bind errno for servers: only errstr, when there is one.
    failure: str | None = None
    try:
        if transport in ("unix", "udg"):
            socktype = socket.SOCK_STREAM if transport == "unix" else socket.SOCK_DGRAM
            stream.sock = _transport.bind_unix(_unix_path(function, rest), socktype)
        else:
            stream.sock = _bind_inet(rest, transport == "udp", context)
    except socket.gaierror as exc:
        failure = php_error_of(exc)[1]
        warning(f"{function}(): {failure}")
    except OSError as exc:
        # PHP: a unix bind reports no text; an inet bind reports strerror
        if transport not in ("unix", "udg"):
            failure = php_error_of(exc)[1]
    except AddressError as exc:
        failure = exc.errstr
    if stream.sock is None:
        raise XportError(0, failure)
    if listen:
        backlog = 32
        if _has_socket_option(context, "backlog"):
            backlog = php_int(_socket_option(context, "backlog"))
        try:
            stream.sock.listen(backlog)
        except OSError:
            stream.close()
        if stream.sock is None:
            raise XportError(0, None)  # PHP: listen() failures carry no text
    return stream


def _bind_inet(rest: str, udp: bool, context: ContextResource | None) -> socket.socket:
    """php-src xp_socket.c: php_tcp_sockop_bind."""
    target = parse_inet_address(rest)
    v6only = _has_socket_option(context, "ipv6_v6only")
    v6only_value = php_truthy(_socket_option(context, "ipv6_v6only"))
    reuseport = php_truthy(_socket_option(context, "so_reuseport"))
    broadcast = udp and php_truthy(_socket_option(context, "so_broadcast"))

    def prepare(sock: socket.socket) -> None:
        if v6only and sock.family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only_value))
        if reuseport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if broadcast:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)

    return _transport.bind_inet(
        target.host, target.port, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM, prepare
    )


def client_timeout(timeout: float | None) -> float | None:
    """The connect budget stream_socket_client uses (PHP 8.2.36, GH-11175).

    A negative or huge timeout means "no timeout given", which the transport
    turns into default_socket_timeout; a negative default waits forever.
    """
    if timeout is None or timeout < 0 or timeout >= 2**64 / 1e6:
        seconds = float(default_socket_timeout())
        return None if seconds < 0 else seconds
    return timeout
