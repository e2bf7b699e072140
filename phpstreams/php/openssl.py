"""PHP's openssl_x509_* functions for the certificates TLS captures."""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Literal

from ..core.arguments import php_function
from ..core.diagnostics import warning
from ..tls.x509 import OpenSSLCertificate, parse
from .signatures import STUBS

__all__ = [
    "OpenSSLCertificate",
    "openssl_x509_export",
    "openssl_x509_fingerprint",
    "openssl_x509_parse",
]


@php_function(STUBS["openssl_x509_export"], classes={"OpenSSLCertificate": OpenSSLCertificate})
def openssl_x509_export(certificate: OpenSSLCertificate, output: Any, no_text: bool = True) -> bool:
    """PHP's ``openssl_x509_export()``: PEM text into ``output`` (a ``Ref``).

    ``function openssl_x509_export(OpenSSLCertificate|string $certificate, &$output,
        bool $no_text = true): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.openssl-x509-export.php
    """
    body = base64.encodebytes(certificate._der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    output.value = (
        "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    )
    return True


@php_function(STUBS["openssl_x509_fingerprint"], classes={"OpenSSLCertificate": OpenSSLCertificate})
def openssl_x509_fingerprint(
    certificate: OpenSSLCertificate, digest_algo: str = "sha1", binary: bool = False
) -> str | bytes | Literal[False]:
    """PHP's ``openssl_x509_fingerprint()``.

    ``function openssl_x509_fingerprint(OpenSSLCertificate|string $certificate,
        string $digest_algo = "sha1", bool $binary = false): string|false``

    Returns ``str | bytes | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.openssl-x509-fingerprint.php
    """
    try:
        digest = hashlib.new(digest_algo, certificate._der)
    except ValueError:
        warning("openssl_x509_fingerprint(): Unknown digest algorithm")
        return False
    return digest.digest() if binary else digest.hexdigest()


@php_function(STUBS["openssl_x509_parse"], classes={"OpenSSLCertificate": OpenSSLCertificate})
def openssl_x509_parse(
    certificate: OpenSSLCertificate, short_names: bool = True
) -> dict[str, Any] | Literal[False]:
    """PHP's ``openssl_x509_parse()``, computed by the same OpenSSL calls PHP makes.

    ``function openssl_x509_parse(OpenSSLCertificate|string $certificate,
        bool $short_names = true): array|false``

    Returns ``dict[str, Any] | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.openssl-x509-parse.php
    """
    parsed = parse(certificate, short_names)
    return False if parsed is None else parsed
