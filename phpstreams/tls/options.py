"""PHP's ``ssl`` context options as one ``ssl.SSLContext``: php-src ext/openssl/xp_ssl.c.

Theory of operation: :func:`ssl_context_from_options` is php_openssl_setup_crypto's
option handling, option by option in PHP's order, each with PHP's default: the
protocol range from the crypto method (and min/max_proto_version), PHP's own
verify callback (allow_self_signed, verify_depth) when peers are verified, the
CA locations, ciphers, security level, ALPN, the local certificate and key, and
for servers the SNI certificates. Python's hostname check is never used: PHP
matches names itself after the handshake (:mod:`.verify`).

Client contexts are cached (:mod:`.ctxcache`): PHP builds a new SSL_CTX per
connection, and so does :func:`build_context`, but a client connection whose
build inputs -- the method, every option read here with its exact type, the ini
CA values, the signatures and contents of the files read -- equal an earlier
clean build's (no diagnostic, success) gets that build's context again. An
SSL_CTX is a template: nothing of a connection is stored on it (SNI, the verify
result are on the SSL object; the verify callback reads only keyed options), so
the reuse cannot be observed. Servers and builds with a non-scalar option
always build fresh.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from ..core.diagnostics import warning
from ..core.values import php_int, php_truthy
from ..transport import openssl as _openssl
from .ctxcache import CACHE, ca_locations
from .verify import wildcard_match

__all__ = [
    "CLIENT",
    "DEFAULT_CIPHERS",
    "TLS_ANY_CLIENT",
    "build_context",
    "ssl_context_from_options",
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
_SSL_OP_CIPHER_SERVER_PREFERENCE = 0x400000



def _warn(function: str, text: str) -> None:
    warning(f"{function}(): {text}")


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
    """php_openssl_setup_crypto's SSL_CTX: a cached client context when one was
    built from identical inputs, else :func:`build_context`."""
    if not method & CLIENT:
        # PHP: a server context is always fresh (no shared session cache or tickets)
        return build_context(function, method, options)
    return CACHE.get_or_build(method, options, lambda: build_context(function, method, options))


def build_context(
    function: str, method: int, options: dict[str, Any]
) -> ssl.SSLContext | None:
    """php_openssl_setup_crypto: one new SSLContext from PHP's ``ssl`` options, or None."""
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
        cafile, capath = ca_locations(options)
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
        # PHP: single_dh_use sets SSL_OP_SINGLE_DH_USE, a no-op flag in OpenSSL 3
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
            if name is not None and wildcard_match(name, host):
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


