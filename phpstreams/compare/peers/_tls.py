"""The TLS peer every TLS kind builds on.

Theory of operation: a TLS peer is an ordinary :class:`~._base.Peer` (fresh per
run, loopback only, bounded, stopped by ``stop()``) that also writes the test
certificates into its private folder, since PHP's ``ssl`` options take file
paths, and offers them as placeholders (:class:`~._certs.TLSPlaceholders`):
``{cafile}``, ``{certdir}``, ``{server_pem}``, ``{client_cert}``, ``{sha1}``...
The certificates themselves are made once per process (``_certs``), so the PHP
run and the phpstreams run of a scenario see byte-identical certificates and
fingerprints.  Every TLS kind registers with ``tls=True``; ``.._peers`` gathers
them as ``TLS_PEER_KINDS``, and catalogues set these kinds on their scenarios
(see ``catalogue/_tls_helpers.tls_scenario``), since ``scenario()`` only knows
the engine's own kinds.

Kinds: ``tls_none`` (no server, certificates only).  The TLS servers are in
``_tls_servers``, the clients for the scenario's own TLS servers in
``_tls_clients``, the real servers (``openssl s_server``, ``aiosmtpd``) in
``_external``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import struct
import time
import warnings

from .._placeholders import Placeholders
from ._base import Peer, register, started
from ._certs import TLSPlaceholders, certificates

__all__ = ["HANDSHAKE_TIMEOUT", "TLSPeer", "reserve_port"]

HANDSHAKE_TIMEOUT = 10.0
_POLL = 0.1


def reserve_port() -> int:
    """A loopback port that was free a moment ago (for a server the scenario opens)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TLSPeer(Peer):
    """A peer with the test certificates in its folder."""

    def __init__(self, kind: str) -> None:
        certs = certificates()
        super().__init__(kind)
        self.certs = certs
        try:
            self.files = certs.write(self.tmp)
        except OSError:
            self.stop()
            raise

    def placeholders(self) -> Placeholders:
        return TLSPlaceholders(
            host=self.host,
            port=self.port,
            port2=self.port2,
            path=self.path,
            tmp=self.tmp,
            extra=dict(self.files),
        )

    # -- TLS helpers ------------------------------------------------------------------

    def server_context(
        self,
        cert: str = "good",
        minimum: ssl.TLSVersion | None = None,
        maximum: ssl.TLSVersion | None = None,
        client_cert: bool = False,
    ) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if minimum == ssl.TLSVersion.TLSv1:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS 1.0 above level 0
        context.set_alpn_protocols(["http/1.1", "h2"])
        chain, key = self.certs.pems[cert]
        chain_file = os.path.join(self.tmp, f"peer-{cert}.pem")
        key_file = os.path.join(self.tmp, f"peer-{cert}.key")
        for path, data in ((chain_file, chain), (key_file, key)):
            with open(path, "wb") as handle:
                handle.write(data)
        context.load_cert_chain(chain_file, key_file)
        with warnings.catch_warnings():
            # Python deprecates TLS 1.0 (tls10_echo): the peer uses it on purpose
            warnings.simplefilter("ignore", DeprecationWarning)
            if minimum is not None:
                context.minimum_version = minimum
            if maximum is not None:
                context.maximum_version = maximum
        if client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.files["cafile"])

        def remember_sni(sslobj: object, name: str | None, _ctx: ssl.SSLContext) -> None:
            with contextlib.suppress(AttributeError):
                sslobj.sni_name = name  # type: ignore[attr-defined]

        context.sni_callback = remember_sni
        return context

    def _wrap(
        self, conn: socket.socket, context: ssl.SSLContext, server: bool = True
    ) -> ssl.SSLSocket | None:
        """Wrap and handshake, waking up regularly to notice stop(); None on failure."""
        sslsock = context.wrap_socket(
            conn,
            server_side=server,
            do_handshake_on_connect=False,
            server_hostname=None if server else "test.local",
        )
        try:
            self._own(sslsock)
        except OSError:
            return None
        sslsock.settimeout(_POLL)
        deadline = time.monotonic() + HANDSHAKE_TIMEOUT
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                sslsock.do_handshake()
                return sslsock
            except (TimeoutError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except (ssl.SSLError, OSError):
                break
        sslsock.close()
        return None

    def _tls_recv(self, sslsock: ssl.SSLSocket) -> bytes:
        """Data; b"" once TLS ended (the client's close_notify, EOF or an error)."""
        sslsock.settimeout(_POLL)
        while not self._stop.is_set():
            try:
                return sslsock.recv(65536)
            except (TimeoutError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except (ssl.SSLError, OSError):
                return b""
        return b""

    def _linger(self, sock: socket.socket) -> None:
        while self._recv(sock):
            pass
        sock.close()

    @staticmethod
    def _close_notify(sslsock: ssl.SSLSocket) -> None:
        """Send close_notify without waiting for the client's."""
        sslsock.setblocking(False)
        with contextlib.suppress(ssl.SSLError, OSError, ValueError):
            sslsock.unwrap()

    def _plain(self, sslsock: ssl.SSLSocket) -> socket.socket:
        """The TCP socket under ``sslsock``, as plain text (no close_notify sent)."""
        raw = socket.socket(
            sslsock.family, sslsock.type, sslsock.proto, fileno=os.dup(sslsock.fileno())
        )
        self._own(raw)
        sslsock.close()
        return raw

    def tls_session(self, sslsock: ssl.SSLSocket, greeting: bytes | None) -> None:
        """Greeting, then echo; ``close``/``drop``/``reset`` end it as their names say."""
        if greeting is not None:
            self._send(sslsock, greeting)
        while data := self._tls_recv(sslsock):
            if data == b"close\n":
                self._close_notify(sslsock)
                self._linger(self._plain(sslsock))
                return
            if data == b"drop\n":
                raw = self._plain(sslsock)
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_WR)
                self._linger(raw)
                return
            if data == b"reset\n":
                sslsock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sslsock.close()
                return
            self._send(sslsock, data)
        # TLS ended (the client's close_notify, or EOF): carry on in plain text
        self.handle_echo(self._plain(sslsock))


def _start(kind: str) -> TLSPeer:
    return started(TLSPeer(kind), lambda peer: None)


register(_start, "tls_none", tls=True)
