"""TLS servers (Python ``ssl`` in a thread), and servers that trouble the handshake.

Kinds:

* After the handshake they send one greeting line ``hello over tls sni=<name
  the client sent, or none>`` (the client-certificate server says
  ``client=<SAN DNS of the client cert>``), then echo what they receive, except
  three commands sent alone: ``close\\n`` (close_notify, then linger),
  ``drop\\n`` (TCP FIN without close_notify), ``reset\\n`` (a TCP reset).  Once
  TLS ends (the client's close_notify, as ``stream_socket_enable_crypto($fp,
  false)`` sends) they echo plain text.  ``tls_echo`` (good cert, TLS 1.2-1.3),
  ``tls12_echo``, ``tls13_echo``, ``tls_wrongname``, ``tls_selfsigned``,
  ``tls_cnonly``, ``tls_wildcard``, ``tls_chain`` (leaf + intermediate),
  ``tls_clientcert`` (requires a client certificate), ``tls6_echo`` (on ::1),
  ``tls10_echo`` (TLS 1.0 only, OpenSSL security level 0).  They all offer the
  ALPN protocols ``http/1.1`` then ``h2``.
* Handshake troubles: ``tls_silent`` (accepts, never answers),
  ``tls_http`` (reads the ClientHello, answers with a plain HTTP response),
  ``tls_hangup`` (reads the ClientHello and closes cleanly).
* ``starttls``: SMTP-like plain-text start (``220`` banner, ``EHLO`` ->
  multi-line ``250`` with ``250-STARTTLS``, ``STARTTLS`` -> ``220 Ready to start
  TLS``), then TLS with the good cert and an echo; after the client's
  close_notify it echoes plain text again.  ``starttls_slow`` waits 0.3 s
  before answering the ClientHello, so a non-blocking handshake is surely
  still under way when it is first called.  (``aiosmtpd_starttls``, the same
  conversation with the real ``aiosmtpd`` server, is in ``_external``.)
* Added for the php-src .phpt scenarios (``catalogue/_phpt_*.py``), same greeting
  and echo as the TLS servers above: ``tls_cnwildcard`` (self-signed, CN
  ``*.test.com`` and no subjectAltName, as bug65729.phpt's certificate),
  ``tls_sanonly`` (SAN DNS example.org, www.example.org, test.example.org and no
  CN, as san_peer_matching.phpt's), ``tls_sancn`` (CN cn.example.org, SAN DNS
  san.example.org, as san_no_cn_fallback.phpt's), ``tls_any_echo`` (the good
  names with an RSA key, TLS 1.0-1.3 at OpenSSL security level 0, as
  tls_wrapper_with_tls_v1.3.phpt's server), ``tls10_rsa_echo`` (the same, TLS 1.0
  only: stream_crypto_flags_004.phpt's server), ``tls_sni`` (picks the
  certificate by the client's SNI: CN and SAN cs.php.net, uk.php.net or
  us.php.net, all under the test CA, else the good one; as sni_server.phpt's
  ``SNI_server_certs``) and ``tls12_slow_sink`` (TLS 1.2 only;
  each handshake flight it sends waits 0.3 s, so a non-blocking client's
  ``stream_socket_enable_crypto`` calls return 0 predictably; then it reads until
  EOF or 0xfffff bytes, answers ``received <n>\\n`` and sends close_notify: the
  shape of bug74159.phpt's server).
"""

from __future__ import annotations

import contextlib
import functools
import socket
import ssl
import time
from collections.abc import Callable

from ._base import PeerUnavailable, ipv6_available, register, started
from ._certs import SNI_NAMES
from ._tls import HANDSHAKE_TIMEOUT, TLSPeer

__all__ = ["GREETING", "SERVER_KINDS", "SINK_BYTES", "SMTP_HOST", "TLSServer"]

_CERT_KINDS = {
    # kind: (certificate, minimum version, maximum version)
    "tls_echo": ("good", None, None),
    "tls12_echo": ("good", None, ssl.TLSVersion.TLSv1_2),
    "tls13_echo": ("good", ssl.TLSVersion.TLSv1_3, None),
    "tls_wrongname": ("wrong", None, None),
    "tls_selfsigned": ("selfsigned", None, None),
    "tls_cnonly": ("cnonly", None, None),
    "tls_wildcard": ("wildcard", None, None),
    "tls_chain": ("chain", None, None),
    "tls_clientcert": ("good", None, None),
    "tls6_echo": ("good", None, None),
    "tls10_echo": ("good", ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1),
    # the php-src .phpt scenarios' servers
    "tls_cnwildcard": ("cnwildcard", None, None),
    "tls_sanonly": ("sanonly", None, None),
    "tls_sancn": ("sancn", None, None),
    "tls_any_echo": ("goodrsa", ssl.TLSVersion.TLSv1, None),
    "tls10_rsa_echo": ("goodrsa", ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1),
}
SINK_BYTES = 0xFFFFF  # what bug74159.phpt writes
_SLOW_FLIGHT = 0.3

GREETING = "hello over tls"
HTTP_RESPONSE = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
SMTP_HOST = "phpstreams.test"


class TLSServer(TLSPeer):
    """The TLS servers' handlers."""

    def tls_server(
        self, context: ssl.SSLContext, client_cert: bool
    ) -> Callable[[socket.socket], None]:
        def handle(conn: socket.socket) -> None:
            sslsock = self._wrap(conn, context)
            if sslsock is None:
                return
            if client_cert:
                cert = sslsock.getpeercert() or {}
                names = [
                    str(item[1])
                    for item in cert.get("subjectAltName", ())
                    if isinstance(item, tuple) and item[0] == "DNS"
                ]
                greeting = f"{GREETING} client={names[0] if names else 'none'}\n"
            else:
                sni = getattr(sslsock, "sni_name", None)
                greeting = f"{GREETING} sni={sni or 'none'}\n"
            self.tls_session(sslsock, greeting.encode())

        return handle

    def handle_http(self, conn: socket.socket) -> None:
        """Read the ClientHello, answer in plain HTTP, linger until the client closes."""
        if self._recv(conn):
            self._send(conn, HTTP_RESPONSE)
        self._linger(conn)

    def handle_hangup(self, conn: socket.socket) -> None:
        """Read the ClientHello, then close cleanly (a FIN, nothing left unread)."""
        self._recv(conn)
        conn.close()

    def handle_starttls(self, conn: socket.socket, delay: float = 0.0) -> None:
        """SMTP-like start; ``delay``: seconds to wait before answering the ClientHello."""
        self._send(conn, f"220 {SMTP_HOST} ESMTP ready\r\n".encode())
        pending = b""
        while True:
            while b"\n" not in pending:
                data = self._recv(conn)
                if not data:
                    conn.close()
                    return
                pending += data
            line, _, pending = pending.partition(b"\n")
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._send(
                    conn,
                    f"250-{SMTP_HOST} greets you\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
                    "250 8BITMIME\r\n".encode(),
                )
            elif verb == b"STARTTLS":
                self._send(conn, b"220 Ready to start TLS\r\n")
                if delay and self._stop.wait(delay):
                    return
                sslsock = self._wrap(conn, self.server_context())
                if sslsock is not None:
                    self.tls_session(sslsock, None)
                return
            elif verb == b"QUIT":
                self._send(conn, b"221 bye\r\n")
                self._linger(conn)
                return
            else:
                self._send(conn, b"500 unknown command\r\n")

    def sni_server(self) -> Callable[[socket.socket], None]:
        """A TLS server choosing its certificate by the client's SNI (tls_sni)."""
        contexts = {name: self.server_context(f"sni-{name}") for name in SNI_NAMES}
        base = self.server_context()

        def choose(sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            with contextlib.suppress(AttributeError):
                sslobj.sni_name = name  # type: ignore[attr-defined]
            if name in contexts:
                sslobj.context = contexts[name]

        base.sni_callback = choose
        return self.tls_server(base, False)

    def handle_slow_sink(self, conn: socket.socket) -> None:
        """TLS 1.2 through memory BIOs: each handshake flight waits _SLOW_FLIGHT seconds;
        then read up to SINK_BYTES (or EOF), answer 'received <n>', close_notify, linger."""
        context = self.server_context(maximum=ssl.TLSVersion.TLSv1_2)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_side=True)
        deadline = time.monotonic() + HANDSHAKE_TIMEOUT
        done = False
        while not done and time.monotonic() < deadline:
            data = self._recv(conn)
            if not data:
                conn.close()
                return
            incoming.write(data)
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                conn.close()
                return
            flight = outgoing.read()
            if flight:
                if self._stop.wait(_SLOW_FLIGHT):
                    return
                self._send(conn, flight)
        received = 0
        while done and received < SINK_BYTES:
            try:
                received += len(tls.read(65536))
                continue
            except ssl.SSLWantReadError:
                pass
            except (ssl.SSLZeroReturnError, ssl.SSLError):
                break
            data = self._recv(conn)
            if not data:
                break
            incoming.write(data)
        with contextlib.suppress(ssl.SSLError):
            tls.write(f"received {received}\n".encode())
            tls.unwrap()
        with contextlib.suppress(OSError):
            self._send(conn, outgoing.read())
        self._linger(conn)


def _setup(peer: TLSServer) -> None:
    kind = peer.kind
    handler: Callable[[socket.socket], None] | None = None
    if kind in _CERT_KINDS:
        cert, minimum, maximum = _CERT_KINDS[kind]
        wants_client_cert = kind == "tls_clientcert"
        context = peer.server_context(cert, minimum, maximum, client_cert=wants_client_cert)
        handler = peer.tls_server(context, wants_client_cert)
    elif kind == "tls_sni":
        handler = peer.sni_server()
    elif kind == "tls12_slow_sink":
        handler = peer.handle_slow_sink
    elif kind == "tls_silent":
        handler = peer.handle_silent
    elif kind == "tls_http":
        handler = peer.handle_http
    elif kind == "tls_hangup":
        handler = peer.handle_hangup
    elif kind == "starttls":
        handler = peer.handle_starttls
    elif kind == "starttls_slow":
        handler = functools.partial(peer.handle_starttls, delay=0.3)
    if handler is not None and kind == "tls6_echo":
        if not ipv6_available():
            raise PeerUnavailable("no IPv6 loopback (::1) on this machine")
        peer.host = "::1"
        listener = peer.listen_stream(handler, socket.AF_INET6, ("::1", 0))
        peer.port = listener.getsockname()[1]
    elif handler is not None:
        listener = peer.listen_stream(handler, socket.AF_INET, ("127.0.0.1", 0))
        peer.port = listener.getsockname()[1]


def _start(kind: str) -> TLSServer:
    return started(TLSServer(kind), _setup)


SERVER_KINDS = register(
    _start,
    *_CERT_KINDS,
    "tls_sni",
    "tls12_slow_sink",
    "tls_silent",
    "tls_http",
    "tls_hangup",
    "starttls",
    "starttls_slow",
    tls=True,
)
