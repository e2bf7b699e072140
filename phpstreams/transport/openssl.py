"""The few OpenSSL calls the ``ssl`` module does not expose, through ctypes.

Theory of operation: Python's ``_ssl`` extension is linked against the very
libssl/libcrypto whose objects it wraps, so its symbols resolve through the
extension's own handle. A ``SSLContext`` object holds its ``SSL_CTX *`` right
after the object header, and an ``_ssl._SSLSocket`` its ``SSL *`` after the
header and one pointer (CPython 3.10-3.13, Modules/_ssl.c). Both positions are
checked once against OpenSSL itself (``SSL_get_SSL_CTX``) before anything relies
on them; if the check fails, :data:`AVAILABLE` is False and callers fall back.

What goes through here: the verify callback PHP installs (allow_self_signed,
verify_depth), ``ERR_error_string_n`` for PHP's error lines, and the peer's
certificate chain.
"""

from __future__ import annotations

import _ssl
import ctypes
import ssl
from collections.abc import Callable
from typing import Any

__all__ = [
    "AVAILABLE",
    "FRESH_OPTIONS",
    "FRESH_SECURITY_LEVEL",
    "VerifyCallback",
    "check_private_key",
    "clear_errors",
    "error_code",
    "error_string",
    "peek_alive",
    "peer_chain_der",
    "set_options",
    "set_proto_versions",
    "set_security_level",
    "set_sni",
    "set_verify",
    "set_verify_depth",
    "shutdown_once",
    "use_certificate_chain_file",
    "use_private_key_file",
    "verify_result",
]

_HEADER = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_void_p)
_lib = ctypes.CDLL(_ssl.__file__, use_errno=True)

_P = ctypes.c_void_p
_VERIFY_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_void_p)

_signatures: dict[str, tuple[list[Any], Any]] = {
    "ERR_error_string_n": ([ctypes.c_ulong, ctypes.c_char_p, ctypes.c_size_t], None),
    "SSL_CTX_set_verify": ([ctypes.c_void_p, ctypes.c_int, _VERIFY_CB], None),
    "SSL_CTX_get_verify_mode": ([ctypes.c_void_p], ctypes.c_int),
    "SSL_get_SSL_CTX": ([ctypes.c_void_p], ctypes.c_void_p),
    "SSL_get_peer_cert_chain": ([ctypes.c_void_p], ctypes.c_void_p),
    "OPENSSL_sk_num": ([ctypes.c_void_p], ctypes.c_int),
    "OPENSSL_sk_value": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_void_p),
    "i2d_X509": ([ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int),
    "CRYPTO_free": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int], None),
    "X509_STORE_CTX_get_error": ([ctypes.c_void_p], ctypes.c_int),
    "X509_STORE_CTX_set_error": ([ctypes.c_void_p, ctypes.c_int], None),
    "X509_STORE_CTX_get_error_depth": ([ctypes.c_void_p], ctypes.c_int),
    "SSL_CTX_ctrl": (
        [ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_void_p],
        ctypes.c_long,
    ),
    "SSL_ctrl": ([ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_void_p], ctypes.c_long),
    "SSL_CTX_set_security_level": ([ctypes.c_void_p, ctypes.c_int], None),
    "SSL_CTX_get_security_level": ([ctypes.c_void_p], ctypes.c_int),
    "SSL_CTX_set_verify_depth": ([ctypes.c_void_p, ctypes.c_int], None),
    "SSL_CTX_get_options": ([ctypes.c_void_p], ctypes.c_uint64),
    "SSL_CTX_set_options": ([ctypes.c_void_p, ctypes.c_uint64], ctypes.c_uint64),
    "SSL_CTX_clear_options": ([ctypes.c_void_p, ctypes.c_uint64], ctypes.c_uint64),
    "SSL_CTX_new": ([ctypes.c_void_p], ctypes.c_void_p),
    "SSL_CTX_free": ([ctypes.c_void_p], None),
    "TLS_method": ([], ctypes.c_void_p),
    "SSL_CTX_use_certificate_chain_file": ([ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int),
    "SSL_CTX_use_PrivateKey_file": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int], ctypes.c_int),
    "SSL_CTX_check_private_key": ([ctypes.c_void_p], ctypes.c_int),
    "SSL_CTX_set_default_passwd_cb": ([ctypes.c_void_p, ctypes.c_void_p], None),
    "ERR_clear_error": ([], None),
    "SSL_get_verify_result": ([ctypes.c_void_p], ctypes.c_long),
    "X509_verify_cert_error_string": ([ctypes.c_long], ctypes.c_char_p),
    "SSL_shutdown": ([ctypes.c_void_p], ctypes.c_int),
    "SSL_peek": ([ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int], ctypes.c_int),
    "SSL_get_error": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_int),
}
for _name, (_args, _res) in _signatures.items():
    _func = getattr(_lib, _name)
    _func.argtypes = _args
    _func.restype = _res

# (error, depth) -> accept; the callback sees X509_STORE_CTX's error and depth.
VerifyCallback = Callable[[bool, int, int], tuple[bool, int]]


def _ctx_pointer(context: ssl.SSLContext) -> int:
    return int(ctypes.c_void_p.from_address(id(context) + _HEADER).value or 0)


def _ssl_pointer(sslsock: ssl.SSLSocket) -> int:
    """The ``SSL *`` of an SSLSocket: held by its ``_ssl._SSLSocket`` after one pointer."""
    sslobj = getattr(sslsock, "_sslobj")  # noqa: B009
    if sslobj is None:
        raise ValueError("the SSL socket is closed")
    address = id(sslobj) + _HEADER + ctypes.sizeof(ctypes.c_void_p)
    return int(ctypes.c_void_p.from_address(address).value or 0)


def _check_layout() -> bool:
    import socket

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    ctx = _ctx_pointer(context)
    if not ctx or _lib.SSL_CTX_get_verify_mode(ctx) != 0:
        return False
    context.verify_mode = ssl.CERT_REQUIRED
    if not _lib.SSL_CTX_get_verify_mode(ctx) & 1:
        return False
    a, b = socket.socketpair()
    try:
        obj = context.wrap_socket(a, do_handshake_on_connect=False, server_hostname="x")
        ok = bool(_lib.SSL_get_SSL_CTX(_ssl_pointer(obj)) == ctx)
        obj.close()
    finally:
        a.close()
        b.close()
    return ok


AVAILABLE = _check_layout()


def set_verify(context: ssl.SSLContext, mode: int, callback: VerifyCallback | None) -> None:
    """SSL_CTX_set_verify: ``callback(preverify_ok, error, depth) -> (ok, error)``."""
    ctx = _ctx_pointer(context)
    if callback is None:
        _lib.SSL_CTX_set_verify(ctx, mode, _VERIFY_CB())
        return

    def verify(preverify_ok: int, store: int) -> int:
        error = _lib.X509_STORE_CTX_get_error(store)
        depth = _lib.X509_STORE_CTX_get_error_depth(store)
        ok, new_error = callback(bool(preverify_ok), error, depth)
        if new_error != error:
            _lib.X509_STORE_CTX_set_error(store, new_error)
        return int(ok)

    c_verify = _VERIFY_CB(verify)
    # The callback must live as long as the SSL_CTX: it is kept on the context
    # object that owns it (SSL objects keep their context alive).
    context._phpstreams_verify = c_verify  # type: ignore[attr-defined]
    _lib.SSL_CTX_set_verify(ctx, mode, c_verify)


_SSL_CTRL_SET_MIN_PROTO_VERSION = 123
_SSL_CTRL_SET_MAX_PROTO_VERSION = 124
_SSL_CTRL_SET_TLSEXT_HOSTNAME = 55
_PASSWD_CB = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p
)


def _fresh_defaults() -> tuple[int, int]:
    """A new SSL_CTX's options and security level, before Python changes them."""
    ctx = _lib.SSL_CTX_new(_lib.TLS_method())
    try:
        return int(_lib.SSL_CTX_get_options(ctx)), int(_lib.SSL_CTX_get_security_level(ctx))
    finally:
        _lib.SSL_CTX_free(ctx)


FRESH_OPTIONS, FRESH_SECURITY_LEVEL = _fresh_defaults()


def set_options(context: ssl.SSLContext, options: int) -> None:
    """Replace the context's options with ``options`` exactly."""
    ctx = _ctx_pointer(context)
    _lib.SSL_CTX_clear_options(ctx, 0xFFFFFFFFFFFFFFFF)
    _lib.SSL_CTX_set_options(ctx, options)


def set_proto_versions(context: ssl.SSLContext, minimum: int, maximum: int) -> None:
    """SSL_CTX_set_min/max_proto_version (TLS1_VERSION = 0x301 ...)."""
    ctx = _ctx_pointer(context)
    _lib.SSL_CTX_ctrl(ctx, _SSL_CTRL_SET_MIN_PROTO_VERSION, minimum, None)
    _lib.SSL_CTX_ctrl(ctx, _SSL_CTRL_SET_MAX_PROTO_VERSION, maximum, None)


def set_security_level(context: ssl.SSLContext, level: int) -> None:
    _lib.SSL_CTX_set_security_level(_ctx_pointer(context), level)


def set_verify_depth(context: ssl.SSLContext, depth: int) -> None:
    _lib.SSL_CTX_set_verify_depth(_ctx_pointer(context), depth)


def use_certificate_chain_file(context: ssl.SSLContext, path: bytes) -> bool:
    return bool(_lib.SSL_CTX_use_certificate_chain_file(_ctx_pointer(context), path) == 1)


def use_private_key_file(context: ssl.SSLContext, path: bytes, passphrase: bytes | None) -> bool:
    """SSL_CTX_use_PrivateKey_file (PEM), answering a passphrase prompt if asked."""
    ctx = _ctx_pointer(context)

    def answer(buf: int, size: int, rwflag: int, userdata: int) -> int:
        if passphrase is None or len(passphrase) >= size - 1:
            return 0
        ctypes.memmove(buf, passphrase + b"\0", len(passphrase) + 1)
        return len(passphrase)

    callback = _PASSWD_CB(answer)
    _lib.SSL_CTX_set_default_passwd_cb(ctx, ctypes.cast(callback, ctypes.c_void_p))
    try:
        return bool(_lib.SSL_CTX_use_PrivateKey_file(ctx, path, 1) == 1)
    finally:
        _lib.SSL_CTX_set_default_passwd_cb(ctx, None)


def check_private_key(context: ssl.SSLContext) -> bool:
    ok = bool(_lib.SSL_CTX_check_private_key(_ctx_pointer(context)) == 1)
    _lib.ERR_clear_error()
    return ok


def clear_errors() -> None:
    _lib.ERR_clear_error()


def set_sni(sslsock: ssl.SSLSocket, name: bytes) -> None:
    """SSL_set_tlsext_host_name, for any name (Python's ssl skips IP literals)."""
    _lib.SSL_ctrl(_ssl_pointer(sslsock), _SSL_CTRL_SET_TLSEXT_HOSTNAME, 0, name)


def shutdown_once(sslsock: ssl.SSLSocket) -> None:
    """One SSL_shutdown(): send close_notify without waiting for the peer's."""
    _lib.SSL_shutdown(_ssl_pointer(sslsock))
    _lib.ERR_clear_error()


def peek_alive(sslsock: ssl.SSLSocket) -> bool:
    """The TLS liveness probe of xp_ssl.c: SSL_peek one byte, judge its error."""
    import errno as _errno

    ssl_ptr = _ssl_pointer(sslsock)
    buf = ctypes.create_string_buffer(1)
    ctypes.set_errno(0)
    n = _lib.SSL_peek(ssl_ptr, buf, 1)
    if n > 0:
        return True
    err = _lib.SSL_get_error(ssl_ptr, n)
    sys_errno = ctypes.get_errno()
    _lib.ERR_clear_error()
    if err == 5:  # SSL_ERROR_SYSCALL
        return sys_errno == _errno.EAGAIN
    return err in (2, 3)  # SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE


def verify_result(sslsock: ssl.SSLSocket) -> tuple[int, str]:
    code = int(_lib.SSL_get_verify_result(_ssl_pointer(sslsock)))
    text = _lib.X509_verify_cert_error_string(code) or b""
    return code, text.decode("latin-1")


def _error_codes() -> dict[tuple[str, str], tuple[int, int]]:
    """(library name, reason name) -> (library code, reason code), from CPython's table."""
    names: dict[tuple[int, int], str] = getattr(_ssl, "err_codes_to_names")  # noqa: B009
    libraries: dict[int, str] = getattr(_ssl, "lib_codes_to_names")  # noqa: B009
    return {(libraries.get(lib, ""), name): (lib, code) for (lib, code), name in names.items()}


_ERROR_CODES = _error_codes()


def error_code(exc: ssl.SSLError) -> int | None:
    """The packed OpenSSL 3 error code (ERR_PACK) of an ``ssl.SSLError``."""
    library, reason = getattr(exc, "library", None), getattr(exc, "reason", None)
    if not library or not reason:
        return None
    codes = _ERROR_CODES.get((library, reason))
    if codes is None:
        return None
    lib, code = codes
    return ((lib & 0xFF) << 23) | (code & 0x7FFFFF)


def error_string(code: int) -> str:
    """ERR_error_string_n: ``error:0A000086:SSL routines::certificate verify failed``."""
    buf = ctypes.create_string_buffer(512)
    _lib.ERR_error_string_n(code, buf, len(buf))
    return buf.value.decode("latin-1")


def peer_chain_der(sslsock: ssl.SSLSocket) -> list[bytes] | None:
    """SSL_get_peer_cert_chain, each certificate as DER; None when there is none."""
    if not AVAILABLE:
        return None
    chain = _lib.SSL_get_peer_cert_chain(_ssl_pointer(sslsock))
    if not chain:
        return None
    out = []
    for i in range(_lib.OPENSSL_sk_num(chain)):
        cert = _lib.OPENSSL_sk_value(chain, i)
        buf = ctypes.c_void_p()
        size = _lib.i2d_X509(cert, ctypes.byref(buf))
        if size <= 0 or not buf.value:
            continue
        out.append(ctypes.string_at(buf.value, size))
        _lib.CRYPTO_free(buf, b"phpstreams", 0)
    return out
