"""TLS as PHP does it: php-src ext/openssl/xp_ssl.c, on Python's ``ssl``.

Theory of operation: *setup* turns a crypto method (a bitmask of TLS versions
plus the client bit) and the stream context's ``ssl`` options into one
``ssl.SSLContext`` -- :func:`ssl_context_from_options`, option by option in
php_openssl_setup_crypto's order, with PHP's defaults -- and wraps a duplicate of
the stream's socket, so plain I/O (and raw recvfrom) keeps the original. *Enable*
runs the handshake loop of php_openssl_enable_crypto: non-blocking SSL_connect /
SSL_accept retried after poll(), bounded by the connect timeout (clients) or the
read timeout (servers), then PHP's own checks: capture of the peer certificate,
the verify result, ``peer_fingerprint``, and PHP's peer-name matching (Python's
hostname check is never used). Failures are PHP warnings, built from the
OpenSSL error with the text ``ERR_error_string_n`` gives.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from ._diagnostics import warning, warning_here
from ._stream import SocketStream
from ._tlsstream import TLSSocketStream
from ._transport import _openssl
from ._transport._net import wait_fd
from ._values import php_int, php_truthy
from ._x509 import OpenSSLCertificate, ip_text, names_of

__all__ = [
    "CLIENT",
    "TLSState",
    "crypto_meta",
    "disable",
    "enable",
    "report_ssl_error",
    "setup",
    "transport_method",
    "url_name",
]

CLIENT = 1
_MIN_PROTO, _MAX_PROTO = 8, 64  # TLS 1.0 .. TLS 1.3 (no SSLv3 in OpenSSL 3)
_PROTO_VERSION = {8: 0x301, 16: 0x302, 32: 0x303, 64: 0x304}
TLS_ANY_CLIENT = 121
DEFAULT_CIPHERS = (
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:"
    "DHE-DSS-AES128-GCM-SHA256:kEDH+AESGCM:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:"
    "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384:"
    "ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:"
    "DHE-DSS-AES128-SHA256:DHE-RSA-AES256-SHA256:DHE-DSS-AES256-SHA:DHE-RSA-AES256-SHA:AES128-GCM-SHA256:"
    "AES256-GCM-SHA384:AES128:AES256:HIGH:!SSLv2:!aNULL:!eNULL:!EXPORT:!DES:!MD5:!RC4:!ADH"
)
DEFAULT_VERIFY_DEPTH = 9
_X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18
_X509_V_ERR_CERT_CHAIN_TOO_LONG = 22
_SSL_OP_ALL = 0x80000850
_SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS = 0x800
_SSL_OP_NO_TICKET = 0x4000
_SSL_OP_NO_COMPRESSION = 0x20000
_SSL_OP_IGNORE_UNEXPECTED_EOF = 0x80
_SSL_OP_SINGLE_DH_USE = 0x0  # a no-op flag in OpenSSL 3
_SSL_OP_CIPHER_SERVER_PREFERENCE = 0x400000


@dataclass
class TLSState:
    """php_openssl_netstream_data_t's TLS part."""

    context: ssl.SSLContext
    sslsock: ssl.SSLSocket
    is_client: bool
    options: dict[str, Any]
    active: bool = False
    reset: bool = False  # a read saw the peer reset the connection

    def meta(self) -> dict[str, Any]:
        return crypto_meta(self)

    def close(self) -> None:
        """fclose(): close_notify first when TLS is active (php_openssl_sockop_close)."""
        if self.active:
            _openssl.shutdown_once(self.sslsock)
            self.active = False
        self.sslsock.close()


def _ssl_options(stream: SocketStream) -> dict[str, Any]:
    # PHP: only the "ssl" wrapper's options count (the same under "tls" are ignored)
    context = stream.context
    return context.options.setdefault("ssl", {}) if context is not None else {}


def transport_method(transport: str, options: dict[str, Any]) -> int:
    """The crypto method a TLS transport connects with (php_openssl_ssl_socket_factory)."""
    fixed = {"tlsv1.0": 9, "tlsv1.1": 17, "tlsv1.2": 33, "tlsv1.3": 65}
    if transport in fixed:
        return fixed[transport]  # PHP: the crypto_method option is ignored here
    if "crypto_method" in options:
        return php_int(options["crypto_method"]) | CLIENT
    return TLS_ANY_CLIENT


def url_name(address: str) -> str | None:
    """php_openssl_get_url_name: the host of ``host:port`` with trailing dots removed.

    PHP 8.2.36 finds no name in a bracketed IPv6 address: no SNI is sent and,
    without ``peer_name``, the name check fails silently.
    """
    if address.startswith("["):
        return None
    host = address.split(":", 1)[0]
    host = host.rstrip(".")
    return host or None


# -- the errors -----------------------------------------------------------------


def ssl_error_messages(exc: BaseException) -> list[str]:
    """php_openssl_handle_ssl_error's warnings for a failed SSL operation."""
    if isinstance(exc, (ssl.SSLZeroReturnError, ssl.SSLEOFError)):
        return []  # PHP: a clean close (or EOF) during the operation warns nothing
    if isinstance(exc, ssl.SSLError):
        if getattr(exc, "reason", None) == "NO_SHARED_CIPHER":
            return [
                "SSL_R_NO_SHARED_CIPHER: no suitable shared cipher could be used.  This could be "
                "because the server is missing an SSL certificate (local_cert context option)"
            ]
        code = _openssl.error_code(exc)
        lines = "" if code is None else "OpenSSL Error messages:\n" + _openssl.error_string(code)
        return [f"SSL operation failed with code {exc.errno or 1}. {lines}"]
    if isinstance(exc, OSError) and exc.errno:
        return [f"SSL: {os.strerror(exc.errno)}"]
    return []


def report_ssl_error(exc: BaseException) -> None:
    """The warnings of a failed TLS read or write, prefixed with the PHP function."""
    for text in ssl_error_messages(exc):
        warning_here(text)


def _warn(function: str, text: str) -> None:
    warning(f"{function}(): {text}")


# -- setup ----------------------------------------------------------------------


def _proto_range(method: int, options: dict[str, Any]) -> tuple[int, int]:
    """php_openssl_get_proto_version_flags: a contiguous version range."""
    flags = method & ~CLIENT
    low = php_int(options.get("min_proto_version", 0)) or next(
        (v for v in (8, 16, 32, 64) if flags & v), _MAX_PROTO
    )
    high = php_int(options.get("max_proto_version", 0)) or next(
        (v for v in (64, 32, 16, 8) if flags & v), _MAX_PROTO
    )
    versions = [v for v in (8, 16, 32, 64) if low <= v <= high]
    if not versions:
        return _PROTO_VERSION.get(low, 0x303), _PROTO_VERSION.get(high, 0x303)
    return _PROTO_VERSION[versions[0]], _PROTO_VERSION[versions[-1]]


def _verify_callback(options: dict[str, Any]) -> _openssl.VerifyCallback:
    """PHP's verify_callback: allow_self_signed and verify_depth."""
    allowed_depth = php_int(options.get("verify_depth", DEFAULT_VERIFY_DEPTH))
    allow_self_signed = php_truthy(options.get("allow_self_signed"))

    def callback(ok: bool, error: int, depth: int) -> tuple[bool, int]:
        if error == _X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and allow_self_signed:
            ok = True
        if depth > allowed_depth:
            return False, _X509_V_ERR_CERT_CHAIN_TOO_LONG
        return ok, error

    return callback


def _load_cafile(function: str, context: ssl.SSLContext, cafile: str) -> bool:
    """php_openssl_load_stream_cafile, after OpenSSL itself could not load it."""
    try:
        with open(cafile, "rb") as handle:
            text = handle.read()
    except OSError:
        warning(f"failed loading cafile stream: `{cafile}'")
        return False
    added = 0
    for block in text.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        pem = b"-----BEGIN CERTIFICATE-----" + block.split(b"-----END CERTIFICATE-----")[0]
        try:
            context.load_verify_locations(
                cadata=(pem + b"-----END CERTIFICATE-----\n").decode("ascii")
            )
        except (ssl.SSLError, ValueError):
            continue
        added += 1
    if not added:
        warning(f"no valid certs found cafile stream: `{cafile}'")
    return added > 0


def ssl_context_from_options(
    function: str, method: int, options: dict[str, Any]
) -> ssl.SSLContext | None:
    """php_openssl_setup_crypto: one SSLContext from PHP's ``ssl`` options, or None."""
    is_client = bool(method & CLIENT)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT if is_client else ssl.PROTOCOL_TLS_SERVER)
    context.check_hostname = False  # PHP matches names itself
    context.verify_mode = ssl.CERT_NONE
    _openssl.set_security_level(context, _openssl.FRESH_SECURITY_LEVEL)
    minimum, maximum = _proto_range(method, options)

    php_options = _SSL_OP_ALL & ~_SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS | _SSL_OP_IGNORE_UNEXPECTED_EOF
    if php_truthy(options.get("no_ticket")):
        php_options |= _SSL_OP_NO_TICKET
    if "disable_compression" not in options or php_truthy(options["disable_compression"]):
        php_options |= _SSL_OP_NO_COMPRESSION

    verify_peer = options.get("verify_peer")
    if "verify_peer" in options and not php_truthy(verify_peer):
        _openssl.set_verify(context, 0, None)
    else:
        cafile = options.get("cafile")
        capath = options.get("capath")
        cafile = str(cafile) if cafile is not None else None
        capath = str(capath) if capath is not None else None
        if cafile or capath:
            try:
                context.load_verify_locations(cafile or None, capath or None)
            except (OSError, ssl.SSLError):
                _openssl.clear_errors()
                if cafile and not _load_cafile(function, context, cafile):
                    return None
        elif is_client:
            context.set_default_verify_paths()
        _openssl.set_verify_depth(
            context, php_int(options.get("verify_depth", DEFAULT_VERIFY_DEPTH))
        )
        _openssl.set_verify(context, 1, _verify_callback(options))

    ciphers = options.get("ciphers")
    try:
        context.set_ciphers(DEFAULT_CIPHERS if ciphers is None else str(ciphers))
    except ssl.SSLError:
        return None  # PHP: silently, then "Failed to enable crypto"

    if "security_level" in options:
        level = php_int(options["security_level"])
        if not 0 <= level <= 5:
            _warn(function, "Security level must be between 0 and 5")
        _openssl.set_security_level(context, level)

    alpn = options.get("alpn_protocols")
    if alpn is not None:
        protocols = str(alpn).split(",")
        if any(len(p.encode()) > 255 for p in protocols) or len(str(alpn)) >= 65535:
            _warn(function, "Failed parsing comma-separated TLS ALPN protocol string")
            return None
        # PHP: an empty entry parses, but OpenSSL then refuses the list (and PHP
        # ignores that refusal): no ALPN is offered at all.
        if all(protocols):
            context.set_alpn_protocols(protocols)

    if not _set_local_cert(function, context, options):
        return None

    if not is_client:
        if "rsa_key_size" in options:
            _warn(function, "rsa_key_size context option has been removed")
        if "single_dh_use" not in options or php_truthy(options["single_dh_use"]):
            php_options |= _SSL_OP_SINGLE_DH_USE
        if "honor_cipher_order" not in options or php_truthy(options["honor_cipher_order"]):
            php_options |= _SSL_OP_CIPHER_SERVER_PREFERENCE
    _openssl.set_options(context, _openssl.FRESH_OPTIONS | php_options)
    _openssl.set_proto_versions(context, minimum, maximum)
    if not is_client and not _enable_server_sni(function, context, options):
        return None
    return context


def _enable_server_sni(function: str, context: ssl.SSLContext, options: dict[str, Any]) -> bool:
    """php_openssl_enable_server_sni: SNI_server_certs, host name -> certificate."""
    if "SNI_enabled" in options and not php_truthy(options["SNI_enabled"]):
        return True
    if "SNI_server_certs" not in options:
        return True
    certs = options["SNI_server_certs"]
    if not isinstance(certs, (dict, list)):
        _warn(function, "SNI_server_certs requires an array mapping host names to cert paths")
        return False
    if not certs:
        _warn(function, "SNI_server_certs host cert array must not be empty")
        return False
    contexts: list[tuple[str, ssl.SSLContext]] = []
    for host, value in certs.items() if isinstance(certs, dict) else enumerate(certs):
        if not isinstance(host, str):
            _warn(function, "SNI_server_certs array requires string host name keys")
            return False
        if isinstance(value, dict):
            cert_path = str(value.get("local_cert", ""))
            key_path = str(value.get("local_pk", cert_path))
        else:
            cert_path = key_path = str(value)
        sub = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if not _openssl.use_certificate_chain_file(sub, os.path.abspath(cert_path).encode()):
            _openssl.clear_errors()
            _warn(
                function,
                f"Failed setting local cert chain file `{cert_path}'; check that your "
                "cafile/capath settings include details of your certificate and its issuer",
            )
            return False
        if not _openssl.use_private_key_file(sub, os.path.abspath(key_path).encode(), None):
            _openssl.clear_errors()
            _warn(function, f"Failed setting private key from file `{key_path}'")
            return False
        contexts.append((host, sub))

    def choose(sslobj: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
        for host, sub in contexts:
            if name is not None and _wildcard_match(name, host):
                sslobj.context = sub
                return

    context.sni_callback = choose
    return True


def _set_local_cert(function: str, context: ssl.SSLContext, options: dict[str, Any]) -> bool:
    """php_openssl_set_local_cert: local_cert, local_pk, passphrase."""
    certfile = options.get("local_cert")
    if certfile is None:
        return True
    certfile = str(certfile)
    # PHP: php_openssl_check_path_ex only makes the path absolute; a missing file
    # is found by OpenSSL, with the "Unable to set ..." warnings.
    if "\0" in certfile:
        _warn(function, f"Unable to get real path of certificate file `{certfile}'")
        return False
    resolved = os.path.abspath(certfile)
    if not _openssl.use_certificate_chain_file(context, resolved.encode()):
        _openssl.clear_errors()
        _warn(
            function,
            f"Unable to set local cert chain file `{certfile}'; Check that your cafile/capath "
            "settings include details of your certificate and its issuer",
        )
        return False
    private_key = options.get("local_pk")
    if private_key is not None:
        if "\0" in str(private_key):
            _warn(function, f"Unable to get real path of private key file `{private_key}'")
            return False
        resolved = os.path.abspath(str(private_key))
    passphrase = options.get("passphrase")
    secret = None if passphrase is None else str(passphrase).encode()
    if not _openssl.use_private_key_file(context, resolved.encode(), secret):
        _openssl.clear_errors()
        _warn(function, f"Unable to set private key file `{resolved}'")
        return False
    if not _openssl.check_private_key(context):
        _warn(function, "Private key does not match certificate!")
    return True


def setup(function: str, stream: SocketStream, method: int, session: SocketStream | None) -> bool:
    """php_openssl_setup_crypto on a stream: False on failure (warnings emitted)."""
    if stream.tls is not None:
        if stream.blocked:
            _warn(function, "SSL/TLS already set-up for this stream")
            return False
        return True
    sock = stream.sock
    if sock is None:
        return False
    options = _ssl_options(stream)
    context = ssl_context_from_options(function, method, options)
    if context is None:
        return False
    is_client = bool(method & CLIENT)
    session_object = None
    if session is not None:
        if session.stream_type != "tcp_socket/ssl":
            _warn(function, "Supplied session stream must be an SSL enabled stream")
        elif session.tls is None:
            _warn(function, "Supplied SSL session stream is not initialized")
        else:
            session_object = session.tls.sslsock.session
    duplicate = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))
    try:
        sslsock = context.wrap_socket(
            duplicate,
            server_side=not is_client,
            do_handshake_on_connect=False,
            suppress_ragged_eofs=False,
            session=session_object,
        )
    except (ssl.SSLError, OSError, ValueError):
        duplicate.close()
        return False
    sslsock.settimeout(0.0)
    stream.tls = TLSState(context, sslsock, is_client, options)
    return True


# -- enable / disable -------------------------------------------------------------


def _handshake_timeout(stream: SocketStream, is_client: bool) -> float | None:
    budget = stream.connect_timeout if is_client else stream.timeout
    # PHP: only a positive timeval bounds the handshake
    return budget if budget is not None and budget > 0 else None


def enable(function: str, stream: SocketStream, url: str | None) -> int:
    """php_openssl_enable_crypto(activate): 1 done, 0 would block, -1 failed."""
    state: TLSState = stream.tls
    if state.active:
        return -1
    sslsock = state.sslsock
    options = state.options
    if state.is_client and ("SNI_enabled" not in options or php_truthy(options["SNI_enabled"])):
        name = options.get("peer_name", url)
        if name is not None:
            _openssl.set_sni(sslsock, str(name).encode("utf-8", "surrogateescape"))
    timeout = _handshake_timeout(stream, state.is_client)
    blocked = stream.blocked
    start = time.monotonic()
    while True:
        # The error is kept as its warning texts, not as the exception: an
        # exception held past its except block ties this frame (and the
        # caller's streams) into a reference cycle.
        failure: list[str] | None = None
        want = 0
        try:
            sslsock.do_handshake()
        except ssl.SSLWantReadError:
            want = 0x1 | 0x2  # POLLIN | POLLPRI
        except ssl.SSLWantWriteError:
            want = 0x4  # POLLOUT
        except (ssl.SSLError, OSError) as exc:
            failure = ssl_error_messages(exc)
        elapsed = time.monotonic() - start
        if timeout is not None and elapsed > timeout:
            _warn(function, "SSL: Handshake timed out")
            return -1
        if failure is not None:
            for text in failure:
                _warn(function, text)
            return -1
        if not want:
            break
        if not blocked:
            return 0
        left = -1 if timeout is None else max(0, int((timeout - elapsed) * 1000))
        wait_fd(sslsock.fileno(), want, left)
    der = sslsock.getpeercert(binary_form=True)
    _capture(state, der)
    if not _verify_peer_policy(function, state, der, url):
        _openssl.shutdown_once(sslsock)
        return -1
    state.active = True
    stream.__class__ = TLSSocketStream
    return 1


def disable(stream: SocketStream) -> None:
    """Deactivate: one close_notify; the stream carries plain text again."""
    state: TLSState | None = stream.tls
    if state is not None and state.active:
        _openssl.shutdown_once(state.sslsock)
        state.active = False
        stream.__class__ = SocketStream


# -- after the handshake: capture and verification ----------------------------------


def _capture(state: TLSState, der: bytes | None) -> None:
    """php_openssl_capture_peer_certs: stored back into the context's options."""
    if der is None:
        return
    options = state.options
    if php_truthy(options.get("capture_peer_cert")):
        options["peer_certificate"] = OpenSSLCertificate(der)
    if php_truthy(options.get("capture_peer_cert_chain")):
        chain = _openssl.peer_chain_der(state.sslsock)
        options["peer_certificate_chain"] = (
            [OpenSSLCertificate(item) for item in chain] if chain else None
        )


def _fingerprint_matches(der: bytes, expected: object) -> bool:
    """php_openssl_x509_fingerprint_match."""
    if isinstance(expected, (str, bytes)):
        text = expected.decode("latin-1") if isinstance(expected, bytes) else expected
        algo = {32: "md5", 40: "sha1"}.get(len(text))
        return algo is not None and hashlib.new(algo, der).hexdigest() == text.lower()
    pairs = list(expected.items()) if isinstance(expected, dict) else list(enumerate(expected))  # type: ignore[arg-type]
    if not pairs:
        warning_here("Invalid peer_fingerprint array; [algo => fingerprint] form required")
        return False
    for algo, value in pairs:
        if not isinstance(algo, str) or not isinstance(value, str):
            warning_here("Invalid peer_fingerprint array; [algo => fingerprint] form required")
            return False
        try:
            digest = hashlib.new(algo, der).hexdigest()
        except ValueError:
            warning_here("Unknown digest algorithm")
            return False
        if digest != value.lower():
            return False
    return True


def _wildcard_match(subject: str, certname: str) -> bool:
    """php_openssl_matches_wildcard_name (8.2.36: the wildcard may only be the
    whole left-most label's prefix/suffix split, never spanning a dot)."""
    if subject.lower() == certname.lower():
        return True
    star = certname.find("*")
    if star < 0 or "." in certname[:star]:
        return False
    prefix, suffix = certname[:star], certname[star + 1 :]
    if prefix and not subject.lower().startswith(prefix.lower()):
        return False
    if len(suffix) > len(subject):
        return False
    middle = subject[len(prefix) : len(subject) - len(suffix)]
    return subject.lower().endswith(suffix.lower()) and "." not in middle


def _name_matches(function: str, der: bytes, name: str) -> bool:
    """The peer-name check of PHP 8.2.36: SAN first; the CN only without DNS SANs."""
    common_names, dns_names, ip_names = names_of(der)
    try:
        wanted_ip: str | None = str(ipaddress.ip_address(name))
    except ValueError:
        wanted_ip = None
    for dns in dns_names:
        if "\0" in dns:
            continue
        if _wildcard_match(name, dns[:-1] if dns.endswith(".") else dns):
            return True
    for raw in ip_names:
        if wanted_ip is not None and len(raw) in (4, 16) and ip_text(raw) == wanted_ip:
            return True
    if dns_names:
        _warn(function, f"Peer certificate subjectAltName did not match expected name `{name}'")
        return False
    if not common_names:
        _warn(function, "Unable to locate peer certificate CN")
        return False
    cn = common_names[-1].decode("utf-8", "replace")
    if "\0" in cn:
        _warn(function, f"Peer certificate CN=`{cn}' is malformed")
        return False
    if _wildcard_match(name, cn):
        return True
    _warn(function, f"Peer certificate CN=`{cn}' did not match expected CN=`{name}'")
    return False


def _verify_peer_policy(function: str, state: TLSState, der: bytes | None, url: str | None) -> bool:
    """php_openssl_apply_peer_verification_policy."""
    options = state.options
    must_verify_peer = (
        php_truthy(options["verify_peer"]) if "verify_peer" in options else state.is_client
    )
    must_verify_name = (
        php_truthy(options["verify_peer_name"])
        if "verify_peer_name" in options
        else state.is_client
    )
    must_verify_fingerprint = "peer_fingerprint" in options
    if (must_verify_peer or must_verify_name or must_verify_fingerprint) and der is None:
        _warn(function, "Could not get peer certificate")
        return False
    if must_verify_peer:
        code, text = _openssl.verify_result(state.sslsock)
        allowed = code == _X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and php_truthy(
            options.get("allow_self_signed")
        )
        if code != 0 and not allowed:
            _warn(function, f"Could not verify peer: code:{code} {text}")
            return False
    if must_verify_fingerprint and der is not None:
        expected = options["peer_fingerprint"]
        if not isinstance(expected, (str, bytes, list, dict)):
            _warn(function, "Expected peer fingerprint must be a string or an array")
            return False
        if not _fingerprint_matches(der, expected):
            _warn(function, "peer_fingerprint match failure")
            return False
    if must_verify_name and der is not None:
        name = options.get("peer_name")
        if name is None and state.is_client:
            name = url
        if name is None:
            return False
        return _name_matches(function, der, str(name))
    return True


def crypto_meta(state: TLSState) -> dict[str, Any]:
    """stream_get_meta_data()["crypto"]."""
    sslsock = state.sslsock
    cipher = sslsock.cipher() or ("", "", 0)
    meta: dict[str, Any] = {
        "protocol": sslsock.version() or "UNKNOWN",
        "cipher_name": cipher[0],
        "cipher_bits": cipher[2],
        "cipher_version": cipher[1],
    }
    alpn = sslsock.selected_alpn_protocol()
    if alpn:
        meta["alpn_protocol"] = alpn
    return meta
