"""The TLS state of a stream (php_openssl_netstream_data_t's TLS part)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

from ..transport import openssl as _openssl
from ..transport.socket import TLSTransport

__all__ = ["DeferredTLS", "TLSState"]


@dataclass
class TLSState:
    """php_openssl_netstream_data_t's TLS part."""

    context: ssl.SSLContext
    transport: TLSTransport
    is_client: bool
    options: dict[str, Any]
    active: bool = False
    reset: bool = False  # a read saw the peer reset the connection
    failed: bool = False  # an SSL_ERROR_SSL (protocol error): OpenSSL refuses further I/O

    def meta(self) -> dict[str, Any]:
        """stream_get_meta_data()["crypto"]."""
        extra = self.transport.extra()
        alpn = extra.pop("alpn_protocol")
        return extra | ({"alpn_protocol": alpn} if alpn else {})

    def close(self, _shutdown: Any = _openssl.shutdown_once) -> None:
        """fclose(): close_notify first when TLS is active (php_openssl_sockop_close).

        The descriptor is closed even if the close_notify fails (a stream freed
        while the interpreter exits: ``_shutdown`` is bound here for that)."""
        try:
            if self.active:
                self.active = False
                _shutdown(self.transport.sslsock)
        finally:
            self.transport.close()


@dataclass
class DeferredTLS:
    """A set-up on a non-blocking stream whose asynchronous connect was still under
    way: PHP made its SSL handle then; the wrap (and the handshake) waits for the
    connect -- :func:`.handshake.enable` tries it at each call, returning 0 meanwhile."""

    context: ssl.SSLContext
    is_client: bool
    options: dict[str, Any]
    session: ssl.SSLSession | None
    active: bool = False  # never: no TLS is on until the wrap

    def close(self) -> None:
        """Nothing was wrapped: the stream closes its socket."""
