"""Clients for TLS servers written by the scenario.

Kinds: ``{port}`` is a free port the scenario listens on
(``stream_socket_server("ssl://127.0.0.1:{port}")``), and the peer connects to
it once as soon as it listens: ``tls_client`` (TLS, sends ``hello from
client\\n``, waits for a reply line, closes), ``tls_client_cert`` (the same with
the client certificate), ``http_client`` (a plain ``GET`` request),
``close_client`` (connects and closes).
"""

from __future__ import annotations

import socket
import ssl
import time

from ._base import register, started
from ._tls import TLSPeer, reserve_port

__all__ = ["CLIENT_KINDS", "TLSClient"]

_CLIENT_DEADLINE = 15.0


class TLSClient(TLSPeer):
    """A client for the scenario's own server."""

    def start_client(self, kind: str) -> None:
        self.port = reserve_port()
        port = self.port

        def connect() -> socket.socket | None:
            deadline = time.monotonic() + _CLIENT_DEADLINE
            while not self._stop.is_set() and time.monotonic() < deadline:
                sock = self._own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                sock.settimeout(1.0)
                try:
                    sock.connect(("127.0.0.1", port))
                    return sock
                except OSError:
                    sock.close()
                    self._stop.wait(0.02)
            return None

        def run() -> None:
            sock = connect()
            if sock is None:
                return
            if kind == "close_client":
                sock.close()
                return
            if kind == "http_client":
                self._send(sock, b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                self._linger(sock)
                return
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            if kind == "tls_client_cert":
                context.load_cert_chain(self.files["client_cert"], self.files["client_key"])
            sslsock = self._wrap(sock, context, server=False)
            if sslsock is None:
                return
            self._send(sslsock, b"hello from client\n")
            reply = b""
            while b"\n" not in reply:
                data = self._tls_recv(sslsock)
                if not data:
                    break
                reply += data
            self._close_notify(sslsock)
            self._linger(self._plain(sslsock))

        self._spawn(run)


def _start(kind: str) -> TLSClient:
    return started(TLSClient(kind), lambda peer: peer.start_client(kind))


CLIENT_KINDS = register(
    _start, "tls_client", "tls_client_cert", "http_client", "close_client", tls=True
)
