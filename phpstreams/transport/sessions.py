"""A TLS session handed to a connection whose SSLContext is another one.

PHP's stream_socket_enable_crypto($fp, true, $method, $session_stream) copies the
session stream's session into the new connection (ext/openssl/xp_ssl.c:
SSL_copy_session_id), whatever the two contexts; Python's ``wrap_socket(session=)``
refuses a session of another ``SSLContext``. OpenSSL itself takes it: this sets
it with SSL_set_session before the handshake, through the library handle and the
object layouts of :mod:`.openssl`.
"""

from __future__ import annotations

import ssl

from .openssl import _layout_lib, _pointer, _ssl_pointer

__all__ = ["set_session"]


def set_session(sslsock: ssl.SSLSocket, session: ssl.SSLSession) -> bool:
    """SSL_set_session on a socket not yet handshaken; False when it cannot be set
    (no library or layout: the handshake is then a full one).

    Modules/_ssl.c: PySSLSession {PyObject_HEAD; SSL_SESSION *session; ...}."""
    lib = _layout_lib()
    if lib is None or type(session) is not ssl.SSLSession:
        return False
    try:
        return bool(lib.SSL_set_session(_ssl_pointer(sslsock), _pointer(session, 0)))
    except ValueError:
        return False
