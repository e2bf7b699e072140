"""``stream_socket_enable_crypto``: php-src ext/standard/streamsfuncs.c."""

from __future__ import annotations

from typing import Literal

from ..core.arguments import php_function
from ..core.diagnostics import warning
from ..core.opening import TCP_STREAM_TYPE
from ..core.resources import php_type_name
from ..core.stream import StreamResource, require_stream
from ..core.values import php_int
from ..tls.handshake import disable, setup
from ..tls.handshake import enable as crypto_enable
from .signatures import STUBS

__all__ = ["stream_socket_enable_crypto"]


@php_function(STUBS["stream_socket_enable_crypto"])
def stream_socket_enable_crypto(
    stream: StreamResource,
    enable: bool,
    crypto_method: int | None = None,
    session_stream: StreamResource | None = None,
) -> bool | Literal[0]:
    """PHP's ``stream_socket_enable_crypto()``: True, False, or 0 while a
    non-blocking handshake would block (call it again, as PHP code loops).

    ``function stream_socket_enable_crypto(resource $stream, bool $enable,
        ?int $crypto_method = null, ?resource $session_stream = null): int|bool``

    Returns ``bool | 0`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-socket-enable-crypto.php
    """
    function = "stream_socket_enable_crypto"
    s = require_stream(function, stream)
    if enable:
        method = crypto_method
        if method is None:
            options = s.context.options.get("ssl", {}) if s.context is not None else {}
            if "crypto_method" not in options:
                raise ValueError(
                    f"{function}(): Argument #3 ($crypto_method) must be specified when "
                    "enabling encryption"
                )
            # PHP: the option is used raw, without the client bit being added
            method = php_int(options["crypto_method"])
        session = None
        if session_stream is not None:
            if not isinstance(session_stream, StreamResource):
                raise TypeError(
                    f"{function}(): Argument #4 ($session_stream) must be of type resource or "
                    f"null, {php_type_name(session_stream)} given"
                )
            session = require_stream(function, session_stream)
        if s.stream_type != TCP_STREAM_TYPE:
            warning(f"{function}(): This stream does not support SSL/crypto")
            return False
        if not setup(function, s, method, session):
            return False
        result = crypto_enable(function, s, s.url_name)
        return True if result > 0 else (0 if result == 0 else False)
    if s.stream_type != TCP_STREAM_TYPE:
        # PHP: the "not implemented" status (-2) falls into the "true" branch
        warning(f"{function}(): This stream does not support SSL/crypto")
        return True
    # PHP: deactivating sends close_notify, yet the call still returns false
    disable(s)
    return False
