"""Opening client and server streams: php-src main/streams/transports.c.

Theory of operation: :func:`open_client` and :func:`open_server` are PHP's
``php_stream_xport_create``: the transport is split off the address and the
per-transport work done: inet transports parse ``host:port`` and go through the
connect loop of :mod:`phpstreams.transport.net`, unix ones take the path
verbatim. The crypto transports (``ssl://``, ``tls://``...) are ext/openssl's
in PHP: here :mod:`phpstreams.tls` registers them (:func:`register_crypto`),
as ext/openssl registers its socket factory, and they handshake right after the
connect (clients) or inside accept (servers). Failures raise
:class:`XportError` with PHP's errno/errstr; the warnings PHP emits on the way
(DNS failure, bindto problems, long unix paths) are emitted here, with the
calling function's name.
"""

from __future__ import annotations

import errno
import socket
import sys
from typing import Any, Protocol

from ..transport import net
from ..transport.socket import SocketTransport
from .address import (
    CRYPTO_TRANSPORTS,
    AddressError,
    InetAddress,
    parse_inet_address,
    split_network_address,
    split_transport,
)
from .diagnostics import notice, warning
from .errors import XportError, php_error_of, strerror
from .resources import ContextResource
from .sockops import PLAIN
from .stream import Stream
from .timeouts import read_timeout
from .values import php_int, php_truthy

__all__ = [
    "TCP_STREAM_TYPE",
    "CryptoHooks",
    "accept_client",
    "format_sockaddr",
    "open_client",
    "open_pair",
    "open_server",
    "register_crypto",
    "sendto_target",
]

_STREAM_TYPES = {"udp": "udp_socket", "unix": "unix_socket", "udg": "udg_socket"}
# PHP: with ext/openssl loaded, tcp is served by the OpenSSL factory, hence the name.
TCP_STREAM_TYPE = "tcp_socket/ssl"
_UNIX_PATH_MAX = 108


class CryptoHooks(Protocol):
    """What the TLS layer does for the crypto transports."""

    def connected(self, function: str, stream: Stream, transport: str) -> None:
        """The handshake of a client just connected; raises XportError on failure."""

    def server_method(self, transport: str, context: ContextResource | None) -> int:
        """The crypto method an ssl:// server's accepted clients handshake with."""

    def accepted(self, function: str, stream: Stream, method: int) -> bool:
        """The handshake of an accepted client; False (warnings emitted) on failure."""


_crypto: CryptoHooks | None = None


def register_crypto(hooks: CryptoHooks) -> None:
    """php_stream_xport_register for ext/openssl's transports."""
    global _crypto
    _crypto = hooks


def _crypto_hooks() -> CryptoHooks:
    assert _crypto is not None, "phpstreams.tls registers the crypto transports"
    return _crypto


def stream_type_of(transport: str) -> str:
    return _STREAM_TYPES.get(transport, TCP_STREAM_TYPE)


def _socket_option(context: ContextResource | None, name: str) -> Any:
    if context is None:
        return None
    return context.options.get("socket", {}).get(name)


def _has_socket_option(context: ContextResource | None, name: str) -> bool:
    return context is not None and name in context.options.get("socket", {})


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


def open_client(
    function: str,
    address: str,
    *,
    connect: bool,
    asynchronous: bool,
    timeout: float | None,
    context: ContextResource | None,
) -> Stream:
    """php_stream_xport_create for a client. ``timeout`` None waits forever."""
    parsed = _client_addresses.get(address)
    if parsed is None:
        parsed = _parse_client_address(address)
    transport, rest, stream_type, url, target = parsed
    stream = Stream(PLAIN, None, stream_type, read_timeout(), context)
    stream.connect_timeout = timeout
    if url is not None:
        stream.url_name = url
    if not connect:
        return stream
    # Errors are turned into data inside the except block and raised after it:
    # an exception kept by its own frame would hold the caller's sockets in a cycle.
    failure: tuple[int, str | None]
    try:
        if transport in ("unix", "udg"):
            socktype = socket.SOCK_STREAM if transport == "unix" else socket.SOCK_DGRAM
            path = _unix_path(function, rest)
            sock = net.connect_unix(path, socktype, timeout, asynchronous=asynchronous)
        else:
            sock = _connect_inet(function, transport, rest, timeout, asynchronous, context, target)
    except net.SocketCreateError:
        # php-src xp_socket.c php_tcp_sockop_connect: socket() failed (EMFILE...);
        # PHP: error_code is left 0 and the text names no errno
        failure = (0, "Failed to create unix socket")
    except (OSError, AddressError, XportError) as exc:
        failure = php_error_of(exc)
        if isinstance(exc, socket.gaierror):
            warning(f"{function}(): {failure[1]}")
    else:
        stream.transport = SocketTransport(sock)
        if transport not in CRYPTO_TRANSPORTS:
            return stream
        try:
            _crypto_hooks().connected(function, stream, transport)
        except XportError as exc:
            if exc.errno or not net.left_in_progress(sock):
                raise
            # PHP: the asynchronous connect's EINPROGRESS stays in error_code when
            # the handshake after it fails (errstr none: "Unknown error")
            failure = (errno.EINPROGRESS, None)
        else:
            return stream
    raise XportError(*failure)


# address -> what open_client makes of it, for the addresses that parse: a program
# connects to few addresses, many times (pure functions of the string: no
# diagnostics on the way, and a refused address raises before it is kept)
_ParsedClient = tuple[str, str, str, "str | None", "InetAddress | None"]
_client_addresses: dict[str, _ParsedClient] = {}
_CLIENT_ADDRESSES_MAX = 256


def _parse_client_address(address: str) -> _ParsedClient:
    """(transport, rest, stream type, url name, host:port or None) of a client address."""
    transport, rest = _split(address)
    stream_type = stream_type_of(transport)
    url = url_name(rest) if stream_type == TCP_STREAM_TYPE else None
    target: InetAddress | None = None
    if transport not in ("unix", "udg"):
        try:
            target = parse_inet_address(rest)
        except AddressError:
            pass  # reported by _connect_inet, after the stream is made, as PHP does
    parsed = (transport, rest, stream_type, url, target)
    if len(_client_addresses) >= _CLIENT_ADDRESSES_MAX:
        _client_addresses.clear()
    _client_addresses[address] = parsed
    return parsed


def url_name(address: str) -> str | None:
    """php_openssl_get_url_name: the host of ``host:port`` with trailing dots removed.

    PHP 8.2.36 finds no name in a bracketed IPv6 address: no SNI is sent and,
    without ``peer_name``, the name check fails silently.
    """
    if address.startswith("["):
        return None
    host = address.split(":", 1)[0]
    host = host.rstrip(".")
    # interned: a program's many streams to one host share one string
    return sys.intern(host) if host else None


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
    target: InetAddress | None = None,
) -> socket.socket:
    """php-src xp_socket.c: php_tcp_sockop_connect (``target``: ``rest`` parsed)."""
    if target is None:
        target = parse_inet_address(rest)
    udp = transport == "udp"
    socktype = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    if context is None or not context.options.get("socket"):
        # no socket options: nothing to set on the socket before its connect
        return net.connect_inet(
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

    return net.connect_inet(
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
        reason = strerror(exc.errno or 0)
        warning(f"{function}(): Failed to bind to '{host}:{port}', system said: {reason}")


def open_server(
    function: str, address: str, *, bind: bool, listen: bool, context: ContextResource | None
) -> Stream:
    """php_stream_xport_create for a server: bind, then listen."""
    transport, rest = _split(address)
    stream = Stream(PLAIN, None, stream_type_of(transport), read_timeout(), context)
    if transport in CRYPTO_TRANSPORTS:
        stream.accept_method = _crypto_hooks().server_method(transport, context)
    if not bind:
        return stream
    # PHP never reports a bind errno for servers: only errstr, when there is one.
    failure: str | None = None
    sock: socket.socket | None = None
    try:
        if transport in ("unix", "udg"):
            socktype = socket.SOCK_STREAM if transport == "unix" else socket.SOCK_DGRAM
            sock = net.bind_unix(_unix_path(function, rest), socktype)
        else:
            sock = _bind_inet(rest, transport == "udp", context)
    except socket.gaierror as exc:
        failure = php_error_of(exc)[1]
        warning(f"{function}(): {failure}")
    except net.SocketCreateError as exc:
        if transport in ("unix", "udg"):
            # php-src xp_socket.c php_sockop_bind: socket() failed (EMFILE...)
            kind = "" if transport == "unix" else "datagram"
            failure = f"Failed to create unix{kind} socket {strerror(exc.errno or 0)}"
        else:
            # PHP: php_network_bind_socket_to_local_addr skips every address whose
            # socket() fails and reports its untouched err, 0: strerror(0), "Success"
            failure = strerror(0)
    except OSError as exc:
        # PHP: a unix bind reports no text; an inet bind reports strerror
        if transport not in ("unix", "udg"):
            failure = php_error_of(exc)[1]
    except AddressError as exc:
        failure = exc.errstr
    if sock is None:
        raise XportError(0, failure)
    if listen:
        backlog = 32
        if _has_socket_option(context, "backlog"):
            backlog = php_int(_socket_option(context, "backlog"))
        listening = True
        try:
            sock.listen(backlog)
        except OSError:
            listening = False
        if not listening:
            sock.close()
            raise XportError(0, None)  # PHP: listen() failures carry no text
    stream.transport = SocketTransport(sock)
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

    return net.bind_inet(
        target.host, target.port, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM, prepare
    )


def accept_client(function: str, server: Stream, wait_ms: int) -> tuple[Stream, str] | None:
    """php_stream_xport_accept: the accepted stream and its peer's name, or None
    (PHP's warnings emitted). ssl:// servers handshake inside accept."""
    if server.transport is None:
        # PHP: poll() on fd -1 waits out the timeout, then reports it
        net.wait_nothing(wait_ms)
        warning(f"{function}(): Accept failed: Connection timed out")
        return None
    try:
        client, addr = net.accept(server.transport.sock, wait_ms)
    except OSError as exc:
        _, text = php_error_of(exc)
        warning(f"{function}(): Accept failed: {text or 'Unknown error'}")
        return None
    transport = SocketTransport(client)
    nodelay = php_truthy(_socket_option(server.context, "tcp_nodelay"))
    if nodelay and client.family != socket.AF_UNIX:
        transport.set_nodelay()
    accepted = Stream(PLAIN, transport, server.stream_type, server.timeout, server.context)
    if server.accept_method is not None and not _crypto_hooks().accepted(
        function, accepted, server.accept_method
    ):
        accepted.close()
        warning(f"{function}(): Accept failed: Success")
        return None
    return accepted, format_sockaddr(client.family, addr)


def open_pair(function: str, domain: int, type: int, protocol: int) -> tuple[Stream, Stream] | None:
    """stream_socket_pair: two connected ``generic_socket`` streams, or None (warned)."""
    try:
        first, second = socket.socketpair(domain, type, protocol)
    except OSError as exc:
        code = exc.errno or 0
        warning(f"{function}(): Failed to create sockets: [{code}]: {strerror(code)}")
        return None
    seconds = read_timeout()
    return (
        Stream(PLAIN, SocketTransport(first), "generic_socket", seconds),
        Stream(PLAIN, SocketTransport(second), "generic_socket", seconds),
    )


def format_sockaddr(family: int, addr: object) -> str:
    """php-src main/network.c: php_network_populate_name_from_sockaddr."""
    if family == socket.AF_INET6 and isinstance(addr, tuple):
        return f"[{addr[0]}]:{addr[1]}"
    if family == socket.AF_INET and isinstance(addr, tuple):
        return f"{addr[0]}:{addr[1]}"
    if isinstance(addr, bytes):
        return addr.decode("utf-8", "surrogateescape")
    return str(addr)


def sendto_target(function: str, address: str) -> tuple[object, ...] | None:
    """The sockaddr for a stream_socket_sendto target: a numeric address first,
    else resolved; None (PHP's warnings emitted) when there is none."""
    split = split_network_address(address)
    if split is None:
        warning(f"{function}(): Failed to parse `{address}' into a valid network address")
        return None
    host, port = split
    numeric = net.numeric_sockaddr(host, port)
    if numeric is not None:
        return numeric
    try:
        resolved = net.resolve(host, socket.SOCK_DGRAM)
    except socket.gaierror as exc:
        text = php_error_of(exc)[1]
    else:
        sockaddr = resolved[0][1]
        return (sockaddr[0], port, *sockaddr[2:])
    warning(f"{function}(): {text}")
    warning(f"{function}(): Failed to resolve `{host}': {text}")
    warning(f"{function}(): Failed to parse `{address}' into a valid network address")
    return None
