"""TLS on a PHP stream: php-src ext/openssl/xp_ssl.c (setup and enable crypto).

Theory of operation: *setup* turns a crypto method (a bitmask of TLS versions
plus the client bit) and the stream context's ``ssl`` options into one
``ssl.SSLContext`` (:mod:`.options`) and starts a TLS transport over the
stream's socket (``SocketTransport.start_tls``: a duplicate descriptor, so
plain I/O and raw recvfrom keep the original). *Enable* runs the handshake loop
of php_openssl_enable_crypto: non-blocking SSL_connect / SSL_accept retried
after poll(), bounded by the connect timeout (clients) or the read timeout
(servers), then PHP's own checks (:mod:`.verify`). Once active, the stream's
ops become the TLS ops (:mod:`.io`); its read buffer stays the same.
Failures are PHP warnings, built from the OpenSSL error with the text
``ERR_error_string_n`` gives.
"""

from __future__ import annotations

import math
import ssl
import time
from typing import Any

from ..core.diagnostics import warning
from ..core.opening import TCP_STREAM_TYPE
from ..core.resources import ContextResource
from ..core.sockops import PLAIN
from ..core.stream import Stream
from ..core.values import php_int, php_truthy
from ..transport import openssl as _openssl
from ..transport.socket import (
    READABLE,
    WRITABLE,
    ConnectInProgress,
    PendingSocketError,
    TLSTransport,
)
from .errors import ssl_error_messages
from .io import TLS_OPS
from .options import CLIENT, TLS_ANY_CLIENT, ssl_context_from_options
from .state import DeferredTLS, TLSState
from .verify import capture, verify_peer_policy

__all__ = [
    "TLSState",
    "disable",
    "enable",
    "setup",
    "transport_method",
]

# The crypto method each fixed-version transport connects with.
_FIXED_METHODS = {"tlsv1.0": 9, "tlsv1.1": 17, "tlsv1.2": 33, "tlsv1.3": 65}


def _ssl_options(stream: Stream) -> dict[str, Any]:
    # PHP: only the "ssl" wrapper's options count (the same under "tls" are ignored).
    # Read, never added: a context without "ssl" options stays without them (the
    # captured certificates are written back only when a capture_* option asked,
    # and that option lives in the "ssl" entry itself).
    context = stream.context
    return context.options.get("ssl", {}) if context is not None else {}


def transport_method(transport: str, context: ContextResource | None) -> int:
    """The crypto method a TLS transport connects with (php_openssl_ssl_socket_factory)."""
    if transport in _FIXED_METHODS:
        return _FIXED_METHODS[transport]  # PHP: the crypto_method option is ignored here
    options = context.options.get("ssl", {}) if context is not None else {}
    if "crypto_method" in options:
        return php_int(options["crypto_method"]) | CLIENT
    return TLS_ANY_CLIENT


def _warn(function: str, text: str) -> None:
    warning(f"{function}(): {text}")



def setup(function: str, stream: Stream, method: int, session: Stream | None) -> bool:
    """php_openssl_setup_crypto on a stream: False on failure (warnings emitted)."""
    if stream.tls is not None:
        if stream.blocked:
            _warn(function, "SSL/TLS already set-up for this stream")
            return False
        return True
    transport = stream.transport
    if transport is None:
        return False
    options = _ssl_options(stream)
    context = ssl_context_from_options(function, method, options)
    if context is None:
        return False
    is_client = bool(method & CLIENT)
    session_object = None
    if session is not None:
        if session.stream_type != TCP_STREAM_TYPE:
            _warn(function, "Supplied session stream must be an SSL enabled stream")
        elif session.tls is None or isinstance(session.tls, DeferredTLS):
            _warn(function, "Supplied SSL session stream is not initialized")
        else:
            session_object = session.tls.transport.session()
    failure: list[str] = []
    for _ in range(2):
        started = _start_tls(stream, context, is_client, session_object)
        if isinstance(started, TLSTransport):
            stream.tls = TLSState(context, started, is_client, options)
            return True
        if started is not None:
            failure = started
            break
        if not stream.blocked:
            # PHP: the SSL handle is made now and SSL_connect would block on the
            # connect under way: enable_crypto returns 0 until it is done. The
            # wrap waits for the connect (enable() tries it at each call).
            stream.tls = DeferredTLS(context, is_client, options, session_object)
            return True
        # PHP: SSL_connect's first write would block on the connect still under way,
        # and the handshake loop waits for the socket to be writable, within the
        # handshake's timeout
        timeout = _handshake_timeout(stream, is_client)
        wait_ms = -1 if timeout is None else max(0, math.ceil(timeout * 1000))
        if not transport.wait(WRITABLE, wait_ms):
            failure = ["SSL: Handshake timed out"]
            break
    for text in failure:
        _warn(function, text)
    return False


# -- enable / disable -------------------------------------------------------------


def _handshake_timeout(stream: Stream, is_client: bool) -> float | None:
    budget = stream.connect_timeout if is_client else stream.timeout
    # PHP: only a positive timeval bounds the handshake
    return budget if budget is not None and budget > 0 else None


def enable(function: str, stream: Stream, url: str | None) -> int:
    """php_openssl_enable_crypto(activate): 1 done, 0 would block, -1 failed."""
    if isinstance(stream.tls, DeferredTLS) and not _deferred_wrap(function, stream, stream.tls):
        return 0 if stream.tls is not None else -1
    state: TLSState = stream.tls
    if state.active:
        return -1
    tls = state.transport
    options = state.options
    if state.is_client and ("SNI_enabled" not in options or php_truthy(options["SNI_enabled"])):
        name = options.get("peer_name", url)
        if name is not None:
            _openssl.set_sni(tls.sslsock, str(name).encode("utf-8", "surrogateescape"))
    timeout = _handshake_timeout(stream, state.is_client)
    blocked = stream.blocked
    start = time.monotonic()
    while True:
        # The error is kept as its warning texts, not as the exception: an
        # exception held past its except block ties this frame (and the
        # caller's streams) into a reference cycle.
        failure: list[str] | None = None
        want = 0
        try:
            tls.handshake()
        except ssl.SSLWantReadError:
            want = READABLE
        except ssl.SSLWantWriteError:
            want = WRITABLE
        except (ssl.SSLError, OSError) as exc:
            failure = ssl_error_messages(exc)
        elapsed = time.monotonic() - start
        if timeout is not None and elapsed > timeout:
            _warn(function, "SSL: Handshake timed out")
            # PHP: this early return skips the restore of the blocking mode, so a
            # blocking stream is left non-blocking (meta "blocked" false, and the
            # next enable_crypto returns 0 instead of "already set-up")
            stream.set_blocking(False)
            return -1
        if failure is not None:
            for text in failure:
                _warn(function, text)
            return -1
        if not want:
            break
        if not blocked:
            return 0
        left = -1 if timeout is None else max(0, int((timeout - elapsed) * 1000))
        tls.wait(want, left)
    der = tls.peer_certificate()
    capture(state, der)
    if not verify_peer_policy(function, state, der, url):
        _openssl.shutdown_once(tls.sslsock)
        return -1
    state.active = True
    stream.ops = TLS_OPS
    return 1


def _start_tls(
    stream: Stream, context: ssl.SSLContext, is_client: bool, session: ssl.SSLSession | None
) -> TLSTransport | list[str] | None:
    """The stream's TLS transport; None while its asynchronous connect is under way;
    else the warnings of the failure (none but a failed connect's)."""
    transport = stream.transport
    if transport is None:
        return []
    try:
        return transport.start_tls(context, not is_client, session)
    except ConnectInProgress:
        return None
    except (ssl.SSLError, OSError, ValueError) as exc:
        if isinstance(exc, PendingSocketError):
            # a failed asynchronous connect's error: PHP's SSL_connect meets it
            # first thing in enable_crypto ("SSL: Connection refused")
            return ssl_error_messages(exc)
        return []


def _deferred_wrap(function: str, stream: Stream, deferred: DeferredTLS) -> bool:
    """A deferred set-up wrapped once its connect is done (``stream.tls`` its TLSState).

    False while the connect goes on (the call returns 0); when the connect failed,
    False with PHP's SSL_connect warnings and ``stream.tls`` None (the call fails)."""
    started = _start_tls(stream, deferred.context, deferred.is_client, deferred.session)
    if started is None:
        return False
    if isinstance(started, TLSTransport):
        stream.tls = TLSState(deferred.context, started, deferred.is_client, deferred.options)
        return True
    for text in started:
        _warn(function, text)
    stream.tls = None
    return False


def disable(stream: Stream) -> None:
    """Deactivate: one close_notify; the stream carries plain text again."""
    state: TLSState | None = stream.tls
    if state is not None and state.active:
        _openssl.shutdown_once(state.transport.sslsock)
        state.active = False
        stream.ops = PLAIN
        if stream.transport is not None:  # the descriptor in the stream's own mode again
            stream.transport.set_blocking(stream.blocked)
