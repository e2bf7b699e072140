"""PHP's TLS rules (php-src ext/openssl/xp_ssl.c), over the transport layer's TLS.

- :mod:`.options`: the ``ssl`` context options -> one ``ssl.SSLContext``;
- :mod:`.handshake`: setup and enable/disable crypto on a stream;
- :mod:`.verify`: PHP's peer verification after the handshake;
- :mod:`.io`: how a TLS stream reads and writes (the TLS stream ops);
- :mod:`.x509`: the one X.509 reader (certificates PHP captures and parses).

Importing this package registers the crypto transports (``ssl://``, ``tls://``,
``tlsv1.x://``) with :mod:`phpstreams.core.opening`, as loading ext/openssl
registers them in PHP.
"""

from __future__ import annotations

from ..core.diagnostics import warning
from ..core.errors import XportError
from ..core.opening import register_crypto
from ..core.resources import ContextResource
from ..core.stream import Stream
from .handshake import enable, setup, transport_method
from .options import CLIENT


class _CryptoTransports:
    """What ext/openssl's socket factory adds to a tcp stream."""

    def connected(self, function: str, stream: Stream, transport: str) -> None:
        """ssl://, tls://, tlsv1.x://: the handshake right after the connect."""
        method = transport_method(transport, stream.context)
        if setup(function, stream, method, None) and enable(function, stream, stream.url_name) > 0:
            return
        warning(f"{function}(): Failed to enable crypto")
        stream.close()
        raise XportError(0, None)

    def server_method(self, transport: str, context: ContextResource | None) -> int:
        # PHP: accepted connections handshake with the method, client bit removed
        return transport_method(transport, context) & ~CLIENT

    def accepted(self, function: str, stream: Stream, method: int) -> bool:
        """php_openssl_tcp_sockop_accept: the handshake inside accept."""
        if setup(function, stream, method, None) and enable(function, stream, None) > 0:
            return True
        warning(f"{function}(): Failed to enable crypto")
        return False


register_crypto(_CryptoTransports())
