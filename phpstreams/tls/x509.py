"""Peer certificates: the ``OpenSSLCertificate`` objects TLS captures, and the
parts of them PHP's name check reads (subject CN, subjectAltName).

Theory of operation: only the few DER structures the name check needs are
walked here (tbsCertificate -> subject, extensions -> subjectAltName);
``openssl_x509_parse`` asks OpenSSL itself, as PHP does (:mod:`.x509parse`).
"""

from __future__ import annotations

import ipaddress
from typing import Any, final

from .x509parse import parse_der

__all__ = ["OpenSSLCertificate", "ip_text", "names_of", "parse"]

_OID_CN = bytes([0x55, 0x04, 0x03])  # 2.5.4.3
_OID_SAN = bytes([0x55, 0x1D, 0x11])  # 2.5.29.17


@final
class OpenSSLCertificate:
    """PHP 8's ``OpenSSLCertificate``: a certificate, held as DER."""

    __slots__ = ("_der",)

    def __init__(self, der: bytes) -> None:
        self._der = der

    def __repr__(self) -> str:
        return "object(OpenSSLCertificate)"


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``pos``."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, vstart, vend = _tlv(data, start)
        out.append((tag, vstart, vend))
        start = vend
    return out


def names_of(der: bytes) -> tuple[list[bytes], list[str], list[bytes]]:
    """(subject CN values, SAN dNSNames, SAN iPAddresses) of a DER certificate."""
    _, cstart, cend = _tlv(der, 0)
    tbs = _children(der, cstart, cend)[0]
    fields = _children(der, tbs[1], tbs[2])
    if fields and fields[0][0] == 0xA0:  # explicit [0] version
        fields = fields[1:]
    # serial, signature, issuer, validity, subject, spki, then optional [1] [2] [3]
    subject = fields[4]
    common_names: list[bytes] = []
    for _, rs, re_ in _children(der, subject[1], subject[2]):  # RDN SETs
        for _, as_, ae in _children(der, rs, re_):  # AttributeTypeAndValue
            oid, value = _children(der, as_, ae)[:2]
            if der[oid[1] : oid[2]] == _OID_CN:
                common_names.append(der[value[1] : value[2]])
    dns: list[str] = []
    ips: list[bytes] = []
    for tag, start, end in fields[6:]:
        if tag != 0xA3:
            continue
        extensions = _children(der, start, end)[0]
        for _, es, ee in _children(der, extensions[1], extensions[2]):
            parts = _children(der, es, ee)
            if der[parts[0][1] : parts[0][2]] != _OID_SAN:
                continue
            octets = parts[-1]
            names = _children(der, octets[1], octets[2])[0]
            for ntag, ns, ne in _children(der, names[1], names[2]):
                if ntag == 0x82:
                    dns.append(der[ns:ne].decode("latin-1"))
                elif ntag == 0x87:
                    ips.append(der[ns:ne])
    return common_names, dns, ips


def ip_text(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


def parse(certificate: OpenSSLCertificate, short_names: bool) -> dict[str, Any] | None:
    """openssl_x509_parse's array, from the same OpenSSL calls PHP makes."""
    return parse_der(certificate._der, short_names)
