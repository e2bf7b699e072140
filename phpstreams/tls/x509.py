"""Peer certificates: the ``OpenSSLCertificate`` objects TLS captures, and the
parts of them PHP reads.

Theory of operation: there is one X.509 reader, :mod:`.x509parse`: OpenSSL
itself, called as PHP calls it, both for the peer-name check (:func:`names_of`:
subject CNs, subjectAltName dNSNames and iPAddresses) and for
``openssl_x509_parse`` (:func:`parse`); it falls back to the stdlib's decoder
when OpenSSL cannot be reached through ctypes.
"""

from __future__ import annotations

import ipaddress
from typing import Any, final

from .x509parse import names_of, parse_der

__all__ = ["OpenSSLCertificate", "ip_text", "names_of", "parse"]


@final
class OpenSSLCertificate:
    """PHP 8's ``OpenSSLCertificate``: a certificate, held as DER."""

    __slots__ = ("_der",)

    def __init__(self, der: bytes) -> None:
        self._der = der

    def __repr__(self) -> str:
        return "object(OpenSSLCertificate)"


def ip_text(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


def parse(certificate: OpenSSLCertificate, short_names: bool = True) -> dict[str, Any] | None:
    """openssl_x509_parse's array, from the same OpenSSL calls PHP makes."""
    return parse_der(certificate._der, short_names)
