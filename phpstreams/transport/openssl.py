"""The few OpenSSL calls the ``ssl`` module does not expose, through ctypes,
each with a stdlib-only fallback.

Theory of operation: Python's ``_ssl`` is linked against the libssl/libcrypto
whose objects it wraps, so their symbols resolve through its handle (through
the process's for an ``_ssl`` built in). Two facts are settled once, at import:
:data:`LIBRARY` -- every symbol resolves and ``OpenSSL_version_num()`` is
``ssl.OPENSSL_VERSION_NUMBER``: enough for calls on objects made here (error
texts, a fresh ``SSL_CTX``'s defaults, :mod:`phpstreams.tls.x509parse`);
:data:`LAYOUT` -- the running CPython is one of :data:`LAYOUT_VERSIONS`, whose
``SSLContext`` holds its ``SSL_CTX *`` right after the object header and whose
``_ssl._SSLSocket`` its ``SSL *`` after the header and one pointer, AND the
runtime check agrees (``SSL_CTX_get_verify_mode`` follows ``verify_mode``,
``SSL_get_SSL_CTX`` of a wrapped socket is that pointer). Another version is
never probed: the probe itself would dereference a guess. Each public function
checks what it needs at entry, else falls back to the ``ssl`` module (its
docstring says what is lost). ``PHPSTREAMS_NO_CTYPES=1`` (read at import) makes
both facts false: no ctypes at all.
"""

from __future__ import annotations

import _ssl
import ctypes
import errno as _errno
import os
import re
import socket
import ssl
import sys
import warnings
from collections.abc import Callable
from typing import Any

# fmt: off
__all__ = [
    "AVAILABLE", "DISABLED", "FRESH_OPTIONS", "FRESH_SECURITY_LEVEL", "LAYOUT", "LAYOUT_VERSIONS",
    "LIBRARY", "VerifyCallback", "check_private_key", "clear_errors", "error_code",
    "error_string", "library", "peek_alive", "peer_chain_der", "set_options",
    "set_proto_versions", "set_security_level", "set_sni", "set_verify",
    "set_verify_depth", "shutdown_once", "use_certificate_chain_file", "use_private_key_file",
    "verify_result",
]
# fmt: on

# Modules/_ssl.c: PySSLContext {PyObject_HEAD; SSL_CTX *ctx; ...}, PySSLSocket
# {PyObject_HEAD; PyObject *Socket; SSL *ssl; ...}, as read in the 3.11, 3.12 and
# 3.13 sources and the 3.10 branch (main, 3.15 development, still agrees).
LAYOUT_VERSIONS: tuple[tuple[int, int], ...] = ((3, 10), (3, 11), (3, 12), (3, 13))

DISABLED = os.environ.get("PHPSTREAMS_NO_CTYPES", "") not in ("", "0")

# sizeof(PyObject): 16 on a default build, more on debug and free-threaded builds.
_HEADER = object.__basicsize__
_POINTER = ctypes.sizeof(ctypes.c_void_p)

_P, _I, _L, _U64 = ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_uint64
_VERIFY_CB = ctypes.CFUNCTYPE(_I, _I, _P)
_PASSWD_CB = ctypes.CFUNCTYPE(_I, _P, _I, _I, _P)

# fmt: off
_signatures: dict[str, tuple[list[Any], Any]] = {
    "OpenSSL_version_num": ([], ctypes.c_ulong),
    "ERR_error_string_n": ([ctypes.c_ulong, ctypes.c_char_p, ctypes.c_size_t], None),
    "ERR_clear_error": ([], None), "SSL_CTX_set_verify": ([_P, _I, _VERIFY_CB], None),
    "SSL_CTX_get_verify_mode": ([_P], _I), "SSL_get_SSL_CTX": ([_P], _P),
    "SSL_get_peer_cert_chain": ([_P], _P), "OPENSSL_sk_num": ([_P], _I),
    "OPENSSL_sk_value": ([_P, _I], _P), "i2d_X509": ([_P, ctypes.POINTER(_P)], _I),
    "CRYPTO_free": ([_P, ctypes.c_char_p, _I], None), "X509_STORE_CTX_get_error": ([_P], _I),
    "X509_STORE_CTX_set_error": ([_P, _I], None), "X509_STORE_CTX_get_error_depth": ([_P], _I),
    "SSL_CTX_ctrl": ([_P, _I, _L, _P], _L), "SSL_ctrl": ([_P, _I, _L, _P], _L),
    "SSL_CTX_set_security_level": ([_P, _I], None), "SSL_CTX_get_security_level": ([_P], _I),
    "SSL_CTX_set_verify_depth": ([_P, _I], None), "SSL_CTX_get_options": ([_P], _U64),
    "SSL_CTX_set_options": ([_P, _U64], _U64), "SSL_CTX_clear_options": ([_P, _U64], _U64),
    "SSL_CTX_new": ([_P], _P), "SSL_CTX_free": ([_P], None), "TLS_method": ([], _P),
    "SSL_CTX_use_certificate_chain_file": ([_P, ctypes.c_char_p], _I),
    "SSL_CTX_use_PrivateKey_file": ([_P, ctypes.c_char_p, _I], _I),
    "SSL_CTX_check_private_key": ([_P], _I), "SSL_CTX_set_default_passwd_cb": ([_P, _P], None),
    "SSL_get_verify_result": ([_P], _L), "X509_verify_cert_error_string": ([_L], ctypes.c_char_p),
    "SSL_shutdown": ([_P], _I), "SSL_peek": ([_P, _P, _I], _I), "SSL_get_error": ([_P, _I], _I),
    "SSL_set_session": ([_P, _P], _I),
}
# fmt: on


def _load() -> ctypes.CDLL | None:
    """The libssl/libcrypto of Python's ``_ssl``, typed; None when unusable."""
    if DISABLED:
        return None
    try:  # no __file__: _ssl is built into the interpreter, whose symbols serve
        lib = ctypes.CDLL(getattr(_ssl, "__file__", None), use_errno=True)
        for name, (args, res) in _signatures.items():
            func = getattr(lib, name)
            func.argtypes, func.restype = args, res
        if int(lib.OpenSSL_version_num()) != ssl.OPENSSL_VERSION_NUMBER:
            return None
    except (OSError, AttributeError):
        return None
    return lib


_lib = _load()
LIBRARY = _lib is not None


def library() -> ctypes.CDLL | None:
    """The OpenSSL handle (callers declare their own signatures); None without LIBRARY."""
    return _lib


# (preverify_ok, error, depth) -> (accept, error): X509_STORE_CTX's error and depth.
VerifyCallback = Callable[[bool, int, int], tuple[bool, int]]
_SSLSOCKET_TYPE: Any = getattr(_ssl, "_SSLSocket", None)


def _pointer(obj: object, skip: int) -> int:
    """The pointer held ``skip`` pointers after the object header, bounds-checked."""
    if type(obj).__basicsize__ < _HEADER + (skip + 1) * _POINTER:
        raise ValueError("object too small")
    value = ctypes.c_void_p.from_address(id(obj) + _HEADER + skip * _POINTER).value
    if not value:
        raise ValueError("null pointer")
    return int(value)


def _ssl_pointer(sslsock: ssl.SSLSocket) -> int:
    sslobj = getattr(sslsock, "_sslobj", None)
    if type(sslobj) is not _SSLSOCKET_TYPE:
        raise ValueError("the SSL socket is closed")
    return _pointer(sslobj, 1)


def _check_layout(lib: ctypes.CDLL | None) -> bool:
    """A known CPython version whose offsets also pass the runtime check."""
    known = sys.implementation.name == "cpython" and sys.version_info[:2] in LAYOUT_VERSIONS
    if lib is None or not known:
        return False
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        ctx = _pointer(context, 0)
        if lib.SSL_CTX_get_verify_mode(ctx) != 0:
            return False
        context.verify_mode = ssl.CERT_REQUIRED
        if lib.SSL_CTX_get_verify_mode(ctx) & 3 != 3:  # SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT
            return False
        a, b = socket.socketpair()
        with a, b, context.wrap_socket(a, do_handshake_on_connect=False, server_hostname="x") as c:
            return bool(lib.SSL_get_SSL_CTX(_ssl_pointer(c)) == ctx)
    except (OSError, ValueError, ssl.SSLError):
        return False


LAYOUT = _check_layout(_lib)
AVAILABLE = LIBRARY and LAYOUT


def _layout_lib() -> ctypes.CDLL | None:
    """The library when Python's objects may be read through it, else None."""
    return _lib if LAYOUT else None


def set_verify(context: ssl.SSLContext, mode: int, callback: VerifyCallback | None) -> None:
    """SSL_CTX_set_verify: ``callback(preverify_ok, error, depth) -> (ok, error)``.
    Fallback: ``verify_mode`` (SSL_VERIFY_PEER = CERT_OPTIONAL); the callback is
    lost: OpenSSL's verdict stands, without PHP's allow_self_signed, verify_depth."""
    lib = _layout_lib()
    if lib is None:
        context.verify_mode = ssl.CERT_OPTIONAL if mode & 1 else ssl.CERT_NONE
        return
    ctx = _pointer(context, 0)
    if callback is None:
        lib.SSL_CTX_set_verify(ctx, mode, _VERIFY_CB())
        return

    def verify(preverify_ok: int, store: int) -> int:
        error = lib.X509_STORE_CTX_get_error(store)
        depth = lib.X509_STORE_CTX_get_error_depth(store)
        ok, new_error = callback(bool(preverify_ok), error, depth)
        if new_error != error:
            lib.X509_STORE_CTX_set_error(store, new_error)
        return int(ok)

    c_verify = _VERIFY_CB(verify)  # kept as long as the context (SSL objects keep it)
    context._phpstreams_verify = c_verify  # type: ignore[attr-defined]
    lib.SSL_CTX_set_verify(ctx, mode, c_verify)


def set_verify_depth(context: ssl.SSLContext, depth: int) -> None:
    """SSL_CTX_set_verify_depth. Fallback: lost (OpenSSL's default depth, 100)."""
    lib = _layout_lib()
    if lib is not None:
        lib.SSL_CTX_set_verify_depth(_pointer(context, 0), depth)


def verify_result(sslsock: ssl.SSLSocket) -> tuple[int, str]:
    """SSL_get_verify_result and its text. Fallback: ``(0, "ok")``: without PHP's
    callback a failed verification fails the handshake (as PHP reports it)."""
    lib = _layout_lib()
    if lib is None:
        return 0, "ok"
    code = int(lib.SSL_get_verify_result(_ssl_pointer(sslsock)))
    return code, (lib.X509_verify_cert_error_string(code) or b"").decode("latin-1")


def peer_chain_der(sslsock: ssl.SSLSocket) -> list[bytes] | None:
    """SSL_get_peer_cert_chain, each certificate as DER; None when there is none.
    Fallback: ``_sslobj.get_unverified_chain()`` (3.10+; public from 3.13) less
    the peer certificate Python puts first on servers; else None."""
    lib = _layout_lib()
    if lib is None:
        getter = getattr(getattr(sslsock, "_sslobj", None), "get_unverified_chain", None)
        try:
            certs = getter() if getter is not None else None
        except (ssl.SSLError, ValueError):
            return None
        certs = certs[1:] if certs and sslsock.server_side else certs
        der = getattr(_ssl, "ENCODING_DER", 2)
        return [c.public_bytes(der) for c in certs if c is not None] if certs else None
    chain = lib.SSL_get_peer_cert_chain(_ssl_pointer(sslsock))
    if not chain:
        return None
    out = []
    for i in range(lib.OPENSSL_sk_num(chain)):
        buf = ctypes.c_void_p()
        size = lib.i2d_X509(lib.OPENSSL_sk_value(chain, i), ctypes.byref(buf))
        if size <= 0 or not buf.value:
            continue
        out.append(ctypes.string_at(buf.value, size))
        lib.CRYPTO_free(buf, b"phpstreams", 0)
    return out


# SSL_CTRL_SET_MIN_PROTO_VERSION, SSL_CTRL_SET_MAX_PROTO_VERSION, SSL_CTRL_SET_TLSEXT_HOSTNAME
_CTRL_MIN_PROTO, _CTRL_MAX_PROTO, _CTRL_SNI = 123, 124, 55


def _fresh_defaults() -> tuple[int, int]:
    """A new SSL_CTX's options and security level, before Python changes them;
    without the library, OpenSSL's fresh options and Python's level (2, which is
    OpenSSL's default on Debian/Ubuntu but not upstream's, 1)."""
    if (lib := _lib) is None:
        # a fresh SSL_CTX's options since 1.1.1: NO_COMPRESSION | ENABLE_MIDDLEBOX_COMPAT
        return 0x00120000, ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).security_level
    ctx = lib.SSL_CTX_new(lib.TLS_method())
    try:
        return int(lib.SSL_CTX_get_options(ctx)), int(lib.SSL_CTX_get_security_level(ctx))
    finally:
        lib.SSL_CTX_free(ctx)


FRESH_OPTIONS, FRESH_SECURITY_LEVEL = _fresh_defaults()


def set_options(context: ssl.SSLContext, options: int) -> None:
    """Replace the context's options with ``options`` exactly. Fallback:
    ``context.options`` (its setter clears and sets the difference: the same)."""
    lib = _layout_lib()
    if lib is None:
        with warnings.catch_warnings():  # Python warns of OP_NO_TLS*; PHP does not
            warnings.simplefilter("ignore", DeprecationWarning)
            context.options = ssl.Options(options)
        return
    ctx = _pointer(context, 0)
    lib.SSL_CTX_clear_options(ctx, 0xFFFFFFFFFFFFFFFF)
    lib.SSL_CTX_set_options(ctx, options)


def set_proto_versions(context: ssl.SSLContext, minimum: int, maximum: int) -> None:
    """SSL_CTX_set_min/max_proto_version (TLS1_VERSION = 0x301 ...). Fallback:
    ``minimum_version``/``maximum_version`` (a version Python lacks: unchanged)."""
    lib = _layout_lib()
    if lib is not None:
        ctx = _pointer(context, 0)
        lib.SSL_CTX_ctrl(ctx, _CTRL_MIN_PROTO, minimum, None)
        lib.SSL_CTX_ctrl(ctx, _CTRL_MAX_PROTO, maximum, None)
        return
    with warnings.catch_warnings():  # Python warns of TLS 1.0/1.1; PHP does not
        warnings.simplefilter("ignore", DeprecationWarning)
        for attribute, version in (("minimum_version", minimum), ("maximum_version", maximum)):
            try:
                setattr(context, attribute, ssl.TLSVersion(version))
            except ValueError:
                pass


def set_security_level(context: ssl.SSLContext, level: int) -> None:
    """SSL_CTX_set_security_level. Fallback: the TLS 1.2 cipher list again, by name,
    in order, after ``@SECLEVEL=n`` (clamped to 0..5, as OpenSSL treats levels);
    lost if the list has no TLS 1.2 cipher."""
    lib = _layout_lib()
    if lib is not None:
        lib.SSL_CTX_set_security_level(_pointer(context, 0), level)
        return
    names = [c["name"] for c in context.get_ciphers() if c.get("protocol") != "TLSv1.3"]
    if names:
        try:
            context.set_ciphers(f"@SECLEVEL={max(0, min(5, level))}:" + ":".join(names))
        except ssl.SSLError:
            pass


def use_certificate_chain_file(context: ssl.SSLContext, path: bytes) -> bool:
    """SSL_CTX_use_certificate_chain_file. Fallback: the path is remembered, its
    first certificate parsed; the stdlib loads it only with its key, so one that
    OpenSSL refuses (too weak for the level) fails in use_private_key_file."""
    lib = _layout_lib()
    if lib is not None:
        return bool(lib.SSL_CTX_use_certificate_chain_file(_pointer(context, 0), path) == 1)
    try:
        _ssl._test_decode_cert(os.fsdecode(path))  # type: ignore[attr-defined]
    except (ssl.SSLError, OSError, ValueError):
        return False
    context._phpstreams_chain = path  # type: ignore[attr-defined]
    return True


def use_private_key_file(context: ssl.SSLContext, path: bytes, passphrase: bytes | None) -> bool:
    """SSL_CTX_use_PrivateKey_file (PEM), answering a passphrase prompt if asked.
    Fallback: ``load_cert_chain(chain, path, passphrase)``, which also checks that
    the key matches; no passphrase answers nothing, as PHP (never the terminal)."""
    lib = _layout_lib()
    if lib is None:
        chain = getattr(context, "_phpstreams_chain", None)
        if chain is None:
            return False
        password: bytes | Callable[[], bytes] = (lambda: b"") if passphrase is None else passphrase
        try:
            context.load_cert_chain(os.fsdecode(chain), os.fsdecode(path), password)
        except (ssl.SSLError, OSError, ValueError, TypeError):
            return False
        return True
    ctx = _pointer(context, 0)

    def answer(buf: int, size: int, rwflag: int, userdata: int) -> int:
        if passphrase is None or len(passphrase) >= size - 1:
            return 0
        ctypes.memmove(buf, passphrase + b"\0", len(passphrase) + 1)
        return len(passphrase)

    callback = _PASSWD_CB(answer)
    lib.SSL_CTX_set_default_passwd_cb(ctx, ctypes.cast(callback, ctypes.c_void_p))
    try:
        return bool(lib.SSL_CTX_use_PrivateKey_file(ctx, path, 1) == 1)
    finally:
        lib.SSL_CTX_set_default_passwd_cb(ctx, None)


def check_private_key(context: ssl.SSLContext) -> bool:
    """SSL_CTX_check_private_key. Fallback: True (``load_cert_chain`` checked)."""
    lib = _layout_lib()
    if lib is None:
        return True
    ok = bool(lib.SSL_CTX_check_private_key(_pointer(context, 0)) == 1)
    lib.ERR_clear_error()
    return ok


def clear_errors() -> None:
    """ERR_clear_error. Fallback: nothing (the ssl module clears after each call)."""
    if _lib is not None:
        _lib.ERR_clear_error()


def set_sni(sslsock: ssl.SSLSocket, name: bytes) -> None:
    """SSL_set_tlsext_host_name, for any name (Python's ssl skips IP literals).
    Fallback: the ``_ssl._SSLSocket`` is made again (once, before the handshake)
    with ``server_hostname``: no SNI for an IP literal or a name Python refuses
    (empty, leading dot, bad IDNA); IDNA for a non-ASCII name."""
    lib = _layout_lib()
    if lib is not None:
        lib.SSL_ctrl(_ssl_pointer(sslsock), _CTRL_SNI, 0, name)
        return
    if getattr(sslsock, "_phpstreams_sni", False) or sslsock.server_side:
        return
    sslsock._phpstreams_sni = True  # type: ignore[attr-defined]
    context: Any = sslsock.context
    try:
        hostname = context._encode_hostname(name.decode("utf-8", "surrogateescape"))
        sslobj = context._wrap_socket(
            sslsock, False, hostname, owner=sslsock, session=getattr(sslsock, "_session", None)
        )
    except (ValueError, UnicodeError, TypeError, AttributeError, ssl.SSLError):
        return
    sslsock._sslobj = sslobj  # type: ignore[attr-defined]
    sslsock.server_hostname = hostname


def shutdown_once(sslsock: ssl.SSLSocket) -> None:
    """One SSL_shutdown(): send close_notify without waiting for the peer's.
    Fallback: ``unwrap()`` (non-blocking: the wait for the peer's ends at once;
    had it come already, Python reads it and drops its TLS object)."""
    lib = _layout_lib()
    if lib is None:
        try:
            sslsock.unwrap()
        except (ssl.SSLError, OSError, ValueError):
            pass
        return
    try:
        ssl_ptr = _ssl_pointer(sslsock)
    except ValueError:
        return
    lib.SSL_shutdown(ssl_ptr)
    lib.ERR_clear_error()


_TLS_ALERT = 0x15  # a TLS record's content type: alert
_MSG_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


def peek_alive(sslsock: ssl.SSLSocket) -> bool:
    """The TLS liveness probe of xp_ssl.c: SSL_peek one byte, judge its error.
    Fallback: pending() > 0 is alive, else a raw MSG_PEEK: EOF/error dead, EAGAIN
    alive, a record alive unless an alert (TLS 1.2's close_notify; TLS 1.3's
    is encrypted, so alive)."""
    lib = _layout_lib()
    if lib is None:
        try:
            if sslsock.pending() > 0:
                return True
            # socket.socket.recv, not SSLSocket.recv: raw bytes, left in place
            head = socket.socket.recv(sslsock, 1, socket.MSG_PEEK | _MSG_DONTWAIT)
        except BlockingIOError:
            return True
        except (OSError, ValueError):
            return False
        return bool(head) and head[0] != _TLS_ALERT
    ssl_ptr = _ssl_pointer(sslsock)
    buf = ctypes.create_string_buffer(1)
    ctypes.set_errno(0)
    n = lib.SSL_peek(ssl_ptr, buf, 1)
    if n > 0:
        return True
    err = lib.SSL_get_error(ssl_ptr, n)
    sys_errno = ctypes.get_errno()
    lib.ERR_clear_error()
    if err == 5:  # SSL_ERROR_SYSCALL
        return sys_errno == _errno.EAGAIN
    return err in (2, 3)  # SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE


_ERR_NAMES: dict[tuple[int, int], str] = getattr(_ssl, "err_codes_to_names")  # noqa: B009
_LIB_NAMES: dict[int, str] = getattr(_ssl, "lib_codes_to_names")  # noqa: B009
_ERROR_CODES = {(_LIB_NAMES.get(n, ""), r): (n, c) for (n, c), r in _ERR_NAMES.items()}
# Without the library: reason texts (ERR_reason_error_string) seen in exceptions.
_REASON_TEXTS: dict[int, str] = {}
_SSL_C_SUFFIX = re.compile(r" \(_ssl\.c:\d+\)$")


def error_code(exc: ssl.SSLError) -> int | None:
    """The packed OpenSSL 3 error code (ERR_PACK) of an ``ssl.SSLError``."""
    library, reason = getattr(exc, "library", None), getattr(exc, "reason", None)
    if not library or not reason:
        return None
    codes = _ERROR_CODES.get((library, reason))
    if codes is None:
        return None
    packed = ((codes[0] & 0xFF) << 23) | (codes[1] & 0x7FFFFF)
    if _lib is None and (text := _reason_text(exc)):
        _REASON_TEXTS[packed] = text
    return packed


def _reason_text(exc: ssl.SSLError) -> str | None:
    """From ``[LIB: REASON] <reason string>[: <verify message>] (_ssl.c:NNN)``."""
    message = exc.strerror if isinstance(exc.strerror, str) else ""
    if "] " not in message:
        return None
    text = _SSL_C_SUFFIX.sub("", message.split("] ", 1)[1])
    verify_message = getattr(exc, "verify_message", None)
    if verify_message and text.endswith(f": {verify_message}"):
        text = text[: -len(verify_message) - 2]
    return text or None


# ERR_lib_error_string of OpenSSL 3 for the libraries TLS errors come from.
_LIBRARY_TEXTS = {
    2: "system library", 6: "digital envelope routines", 9: "PEM routines",
    11: "x509 certificate routines", 13: "asn1 encoding routines", 20: "SSL routines",
    32: "BIO routines", 34: "X509 V3 routines",
}  # fmt: skip


def error_string(code: int) -> str:
    """ERR_error_string_n: ``error:0A000086:SSL routines::certificate verify failed``.
    Fallback: the line from tables: the library text (``lib(N)`` for others);
    the reason text of the exception error_code() last saw with this code, else
    CPython's mnemonic lowered (OpenSSL's text for all but a few dozen)."""
    if _lib is not None:
        buf = ctypes.create_string_buffer(512)
        _lib.ERR_error_string_n(code, buf, len(buf))
        return buf.value.decode("latin-1")
    library, reason = (code >> 23) & 0xFF, code & 0x7FFFFF
    reason_text = _REASON_TEXTS.get(code)
    if reason_text is None:
        mnemonic = _ERR_NAMES.get((library, reason))
        reason_text = mnemonic.lower().replace("_", " ") if mnemonic else f"reason({reason})"
    return f"error:{code:08X}:{_LIBRARY_TEXTS.get(library, f'lib({library})')}::{reason_text}"
