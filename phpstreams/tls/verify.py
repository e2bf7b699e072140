"""After the handshake: PHP's peer verification policy (php-src ext/openssl/xp_ssl.c).

php_openssl_apply_peer_verification_policy: the verify result OpenSSL computed
(with PHP's callback), ``peer_fingerprint``, then PHP's own peer-name matching
(SAN first, the CN only without DNS SANs, PHP 8.2.36's wildcard rule), and
the capture of the peer certificate (chain) into the context's options.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import TYPE_CHECKING

from ..core.diagnostics import warning, warning_here
from ..core.values import php_truthy
from ..transport import openssl as _openssl
from .x509 import OpenSSLCertificate, ip_text, names_of

if TYPE_CHECKING:
    from .state import TLSState

__all__ = ["capture", "verify_peer_policy", "wildcard_match"]

_X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18


def _warn(function: str, text: str) -> None:
    warning(f"{function}(): {text}")


def capture(state: TLSState, der: bytes | None) -> None:
    """php_openssl_capture_peer_certs: stored back into the context's options."""
    if der is None:
        return
    options = state.options
    if php_truthy(options.get("capture_peer_cert")):
        options["peer_certificate"] = OpenSSLCertificate(der)
    if php_truthy(options.get("capture_peer_cert_chain")):
        chain = _openssl.peer_chain_der(state.transport.sslsock)
        options["peer_certificate_chain"] = (
            [OpenSSLCertificate(item) for item in chain] if chain else None
        )


def _same_digest(digest: str, expected: str) -> bool:
    """PHP compares case-insensitively; here in constant time (hmac.compare_digest),
    so how long the check takes says nothing about how much of a guess was right."""
    wanted = expected.lower().encode("utf-8", "surrogateescape")
    return hmac.compare_digest(digest.encode("ascii"), wanted)


def _fingerprint_matches(der: bytes, expected: object) -> bool:
    """php_openssl_x509_fingerprint_match."""
    if isinstance(expected, (str, bytes)):
        text = expected.decode("latin-1") if isinstance(expected, bytes) else expected
        algo = {32: "md5", 40: "sha1"}.get(len(text))
        return algo is not None and _same_digest(hashlib.new(algo, der).hexdigest(), text)
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
        if not _same_digest(digest, value):
            return False
    return True


def wildcard_match(subject: str, certname: str) -> bool:
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
        if "\0" in dns or not dns.isascii():  # PHP: a name whose UTF-8 form differs is skipped
            continue
        if wildcard_match(name, dns[:-1] if dns.endswith(".") else dns):
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
    # PHP: X509_NAME_get_text_by_NID -- the first CN, at most 1023 bytes
    cn = common_names[0][:1023].decode("utf-8", "replace")
    if "\0" in cn:
        # PHP: printed with %.*s, which stops at the NUL
        _warn(function, f"Peer certificate CN=`{cn.split(chr(0))[0]}' is malformed")
        return False
    if wildcard_match(name, cn):
        return True
    _warn(function, f"Peer certificate CN=`{cn}' did not match expected CN=`{name}'")
    return False


def verify_peer_policy(function: str, state: TLSState, der: bytes | None, url: str | None) -> bool:
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
        code, text = _openssl.verify_result(state.transport.sslsock)
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


