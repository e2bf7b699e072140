"""PHP's socket functions: fsockopen, stream_socket_client/server/accept and friends.

The facade: PHP signatures and parameter names, ``False`` on failure, the by-ref
``Ref`` slots assigned exactly as php-src ext/standard/fsock.c and
streamsfuncs.c assign them, and PHP's warning texts.
"""

from __future__ import annotations

from typing import Literal

from ..core import persistent as pool
from ..core.address import TRANSPORTS, fsockopen_address
from ..core.arguments import php_function
from ..core.coercion import php_string
from ..core.diagnostics import warning
from ..core.errors import XportError
from ..core.opening import accept_client, format_sockaddr, open_client, open_pair, open_server
from ..core.ref import Ref, assign
from ..core.resources import ContextResource
from ..core.stream import StreamResource, require_stream
from ..core.timeouts import accept_wait_ms, client_timeout, fsockopen_timeout
from .constants import (
    FILE_NO_DEFAULT_CONTEXT,
    STREAM_CLIENT_ASYNC_CONNECT,
    STREAM_CLIENT_CONNECT,
    STREAM_CLIENT_PERSISTENT,
    STREAM_SERVER_BIND,
    STREAM_SERVER_LISTEN,
)
from .contexts import context_arg, default_context
from .signatures import STUBS

__all__ = [
    "fsockopen",
    "pfsockopen",
    "stream_get_transports",
    "stream_is_local",
    "stream_socket_accept",
    "stream_socket_client",
    "stream_socket_get_name",
    "stream_socket_pair",
    "stream_socket_server",
]

def _addslashes(text: str) -> str:
    """php_addslashes, as stream_socket_client applies it to the address it warns about."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def _c_string(text: str) -> str:
    """A string as C's %s prints it: cut at the first NUL."""
    return text.split("\0", 1)[0]


def _unable(
    exc: XportError, function: str, shown: str, error_code: Ref | None, error_message: Ref | None
) -> Literal[False]:
    """A failed open: PHP's "Unable to connect" warning, then errno and errstr
    (errstr only when the transport had text)."""
    reason = exc.errstr if exc.errstr is not None else "Unknown error"
    warning(f"{function}(): Unable to connect to {shown} ({reason})")
    assign(error_code, exc.errno)
    if exc.errstr is not None:
        assign(error_message, exc.errstr)
    return False


def _fsockopen(
    function: str,
    hostname: str,
    port: int,
    error_code: Ref | None,
    error_message: Ref | None,
    timeout: float | None,
    persistent: bool,
) -> StreamResource | Literal[False]:
    """php-src ext/standard/fsock.c: php_fsockopen_stream."""
    budget = fsockopen_timeout(function, timeout)
    address = fsockopen_address(hostname, port)
    key = f"pfsockopen__{_c_string(hostname)}:{port}" if persistent else None
    if key is not None and (resource := pool.lookup(key)) is not None:
        assign(error_code, 0)
        assign(error_message, "")
        return resource
    try:
        stream = open_client(
            function, address, connect=True, asynchronous=False, timeout=budget, context=None
        )
    except XportError as exc:
        return _unable(exc, function, f"{_c_string(hostname)}:{port}", error_code, error_message)
    assign(error_code, 0)
    assign(error_message, "")
    resource = StreamResource(stream, key)
    if key is not None:
        pool.keep(key, resource)
    return resource


@php_function(STUBS["fsockopen"])
def fsockopen(
    hostname: str,
    port: int = -1,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = None,
) -> StreamResource | Literal[False]:
    """PHP's ``fsockopen()``: open a client socket; no context is ever used.

    ``function fsockopen(string $hostname, int $port = -1, &$error_code = null,
        &$error_message = null, ?float $timeout = null)``

    Returns ``StreamResource | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.fsockopen.php
    """
    return _fsockopen("fsockopen", hostname, port, error_code, error_message, timeout, False)


@php_function(STUBS["pfsockopen"])
def pfsockopen(
    hostname: str,
    port: int = -1,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = None,
) -> StreamResource | Literal[False]:
    """PHP's ``pfsockopen()``: fsockopen kept in a per-process pool, keyed as PHP keys it.

    ``function pfsockopen(string $hostname, int $port = -1, &$error_code = null,
        &$error_message = null, ?float $timeout = null)``

    Returns ``StreamResource | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.pfsockopen.php
    """
    return _fsockopen("pfsockopen", hostname, port, error_code, error_message, timeout, True)


def _context_for(
    function: str, context: object, flags: int, argument: int
) -> tuple[ContextResource | None, str | None]:
    """php_stream_context_from_zval: the given context, else the default one.

    A resource of another type gives no context and a TypeError that PHP throws
    only once the call is over (the connect happens first): its text is returned.
    """
    if isinstance(context, StreamResource):
        return None, f"{function}(): supplied resource is not a valid Stream-Context resource"
    if context is not None:
        return context_arg(function, context, argument), None
    if flags & FILE_NO_DEFAULT_CONTEXT:
        return None, None
    return default_context(), None


def _finish(
    result: StreamResource | Literal[False], pending: str | None
) -> StreamResource | Literal[False]:
    """Return the result, unless PHP had a TypeError pending (the stream is then freed)."""
    if pending is None:
        return result
    if result is not False and result.stream is not None and result.persistent_key is None:
        result.stream.close()
        result.stream = None
    raise TypeError(pending)


@php_function(STUBS["stream_socket_client"])
def stream_socket_client(
    address: str,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    timeout: float | None = None,
    flags: int = STREAM_CLIENT_CONNECT,
    context: ContextResource | None = None,
) -> StreamResource | Literal[False]:
    """PHP's ``stream_socket_client()``.

    ``function stream_socket_client(string $address, &$error_code = null, &$error_message = null,
        ?float $timeout = null, int $flags = STREAM_CLIENT_CONNECT, ?resource $context = null)``

    Returns ``StreamResource | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-client.php
    """
    ctx, pending = _context_for("stream_socket_client", context, flags, 6)
    return _finish(_client(address, error_code, error_message, timeout, flags, ctx), pending)


def _client(
    address: str,
    error_code: Ref | None,
    error_message: Ref | None,
    timeout: float | None,
    flags: int,
    ctx: ContextResource | None,
) -> StreamResource | Literal[False]:
    key = (
        f"stream_socket_client__{_c_string(address)}" if flags & STREAM_CLIENT_PERSISTENT else None
    )
    assign(error_code, 0)
    assign(error_message, "")
    if key is not None and (resource := pool.lookup(key)) is not None:
        return resource
    try:
        stream = open_client(
            "stream_socket_client",
            address,
            connect=bool(flags & (STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT)),
            asynchronous=bool(flags & STREAM_CLIENT_ASYNC_CONNECT),
            timeout=client_timeout(timeout),
            context=ctx,
        )
    except XportError as exc:
        shown = _addslashes(address)
        return _unable(exc, "stream_socket_client", shown, error_code, error_message)
    resource = StreamResource(stream, key)
    if key is not None:
        pool.keep(key, resource)
    return resource


@php_function(STUBS["stream_socket_server"])
def stream_socket_server(
    address: str,
    error_code: Ref | None = None,
    error_message: Ref | None = None,
    flags: int = STREAM_SERVER_BIND | STREAM_SERVER_LISTEN,
    context: ContextResource | None = None,
) -> StreamResource | Literal[False]:
    """PHP's ``stream_socket_server()``; errno is never set on failure, as in PHP.

    ``function stream_socket_server(string $address, &$error_code = null, &$error_message = null,
        int $flags = STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ?resource $context = null)``

    Returns ``StreamResource | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-server.php
    """
    ctx, pending = _context_for("stream_socket_server", context, flags, 5)
    return _finish(_server(address, error_code, error_message, flags, ctx), pending)


def _server(
    address: str,
    error_code: Ref | None,
    error_message: Ref | None,
    flags: int,
    ctx: ContextResource | None,
) -> StreamResource | Literal[False]:
    assign(error_code, 0)
    assign(error_message, "")
    try:
        stream = open_server(
            "stream_socket_server",
            address,
            bind=bool(flags & STREAM_SERVER_BIND),
            listen=bool(flags & STREAM_SERVER_LISTEN),
            context=ctx,
        )
    except XportError as exc:
        shown = _c_string(address)
        return _unable(exc, "stream_socket_server", shown, error_code, error_message)
    return StreamResource(stream)


@php_function(STUBS["stream_socket_accept"])
def stream_socket_accept(
    socket: StreamResource, timeout: float | None = None, peer_name: Ref | None = None
) -> StreamResource | Literal[False]:
    """PHP's ``stream_socket_accept()``: a negative or huge timeout waits forever.

    ``function stream_socket_accept(resource $socket, ?float $timeout = null, &$peer_name = null)``

    Returns ``StreamResource | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-accept.php
    """
    server = require_stream("stream_socket_accept", socket)
    accepted = accept_client("stream_socket_accept", server, accept_wait_ms(timeout))
    if accepted is None:
        return False
    stream, peer = accepted
    assign(peer_name, peer)
    return StreamResource(stream)


@php_function(STUBS["stream_socket_get_name"])
def stream_socket_get_name(socket: StreamResource, remote: bool) -> str | Literal[False]:
    """PHP's ``stream_socket_get_name()``: false when there is no (named) address.

    ``function stream_socket_get_name(resource $socket, bool $remote): string|false``

    Returns ``str | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-get-name.php
    """
    found = require_stream("stream_socket_get_name", socket).name(remote)
    if found is None:
        return False
    name = format_sockaddr(*found)
    if not name or name.startswith("\0"):
        return False
    return name


@php_function(STUBS["stream_socket_pair"])
def stream_socket_pair(
    domain: int, type: int, protocol: int
) -> list[StreamResource] | Literal[False]:
    """PHP's ``stream_socket_pair()``: two connected ``generic_socket`` streams.

    ``function stream_socket_pair(int $domain, int $type, int $protocol): array|false``

    Returns ``list[StreamResource] | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-pair.php
    """
    pair = open_pair("stream_socket_pair", domain, type, protocol)
    if pair is None:
        return False
    return [StreamResource(pair[0]), StreamResource(pair[1])]


@php_function(STUBS["stream_get_transports"])
def stream_get_transports() -> list[str]:
    """PHP's ``stream_get_transports()``.

    ``function stream_get_transports(): array``

    Returns ``list[str]`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-get-transports.php
    """
    return list(TRANSPORTS)


# The wrappers of Debian's php8.2-cli, and whether each is a URL wrapper.
_WRAPPERS = {
    "https": True,
    "ftps": True,
    "compress.zlib": False,
    "php": False,
    "file": False,
    "glob": False,
    "data": True,
    "http": True,
    "ftp": True,
    "phar": False,
}
_SCHEME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


@php_function(STUBS["stream_is_local"])
def stream_is_local(stream: StreamResource | str) -> bool:
    """PHP's ``stream_is_local()``: socket streams have no wrapper, so false.

    ``function stream_is_local(resource|string $stream): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-is-local.php
    """
    if isinstance(stream, StreamResource):
        require_stream("stream_is_local", stream)
        return False
    url = php_string(stream)  # PHP: convert_to_string on anything but a resource
    n = 0
    while n < len(url) and url[n] in _SCHEME:
        n += 1
    if n > 1 and url.startswith(":", n) and (url.startswith("//", n + 1) or url[:5] == "data:"):
        scheme = url[:n]
        if scheme.lower() == "file":
            # PHP: file://host/... is a remote file, which the plain wrapper refuses
            rest = url[n + 3 : n + 4]
            return rest in ("", "/") or url[:17].lower() == "file://localhost/"
        is_url = _WRAPPERS.get(scheme, _WRAPPERS.get(scheme.lower()))
        if is_url is None:
            warning(
                f'stream_is_local(): Unable to find the wrapper "{scheme}" - '
                "did you forget to enable it when you configured PHP?"
            )
            return True
        return not is_url
    return True
