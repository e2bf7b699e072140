"""Loopback TLS and plain peers for the porting examples, certificates made on the fly.

``serve_tls`` is a port-465-style server (TLS from the first byte), ``serve_plain``
a port-587-style one (plain text; the client must not start with a TLS handshake).
Both greet with a 220 line and close after one client. The certificate names
``mail.example`` only, so a client connecting by IP must say which name to check.
"""

from __future__ import annotations

import socket
import ssl
import tempfile
import threading
from pathlib import Path

import trustme

CA = trustme.CA()
NAME = "mail.example"
_CERT = CA.issue_cert(NAME)
_FOLDER = Path(tempfile.mkdtemp(prefix="phpstreams-example-"))
CAFILE = str(_FOLDER / "ca.pem")
CA.cert_pem.write_to_path(CAFILE)


def _serve(wrap: bool, hold: float) -> int:
    listener = socket.create_server(("127.0.0.1", 0))
    port: int = listener.getsockname()[1]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _CERT.configure_cert(context)

    def run() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn:
                try:
                    if wrap:
                        with context.wrap_socket(conn, server_side=True) as tls:
                            tls.sendall(b"220 " + NAME.encode() + b" ESMTP (TLS)\r\n")
                            tls.recv(1)  # until the client closes
                    else:
                        conn.sendall(b"220 " + NAME.encode() + b" ESMTP\r\n")
                        conn.settimeout(hold)
                        conn.recv(1)
                except (OSError, ssl.SSLError):
                    pass  # the client gave up: what the example shows

    threading.Thread(target=run, daemon=True).start()
    return port


def serve_tls(hold: float = 2.0) -> int:
    """A one-client implicit-TLS server (the port 465 role); returns its port."""
    return _serve(True, hold)


def serve_plain(hold: float = 2.0) -> int:
    """A one-client plain-text server (the port 587 role); returns its port."""
    return _serve(False, hold)
