"""The one X.509 reader: OpenSSL (the one Python's ssl module is linked with)
reading the DER the TLS layer captured, with the calls PHP makes.

- :func:`names_of`: what PHP's peer-name check reads (php-src ext/openssl/xp_ssl.c:
  php_openssl_matches_san_list, php_openssl_matches_common_name): subject CNs
  (X509_NAME_get_index_by_NID), SAN dNSNames and iPAddresses (X509_get_ext_d2i).
- :func:`parse_der`: ext/openssl/openssl.c PHP_FUNCTION(openssl_x509_parse), call
  for call, so that names, hashes, purposes and extension texts are OpenSSL's own.

Theory of operation: d2i_X509 through ctypes (:func:`phpstreams.transport.openssl.library`).
Without the library, both fall back to the stdlib's own decoder
(``_ssl._test_decode_cert``, on a temporary PEM file), which loses: CN bytes
(given as UTF-8 of OpenSSL's UTF-8 conversion, not raw: a BMPString CN differs),
certificates Python cannot decode (a non-UTF-8 name or dNSName: no names, no
array), and in openssl_x509_parse's array ``hash``, ``signatureType*``,
``purposes`` and every extension but subjectAltName; ``name`` is rebuilt from
the subject.
"""

from __future__ import annotations

import _ssl
import calendar
import ctypes
import ipaddress
import os
import ssl
import tempfile
import threading
import time
from typing import Any

from ..transport.openssl import library

__all__ = ["names_of", "parse_der"]

_P = ctypes.c_void_p
_C = ctypes.c_char_p
_I = ctypes.c_int

_signatures: dict[str, tuple[list[Any], Any]] = {
    "d2i_X509": ([_P, ctypes.POINTER(_P), ctypes.c_long], _P),
    "X509_free": ([_P], None),
    "X509_get_subject_name": ([_P], _P),
    "X509_get_issuer_name": ([_P], _P),
    "X509_NAME_oneline": ([_P, _P, _I], _P),
    "CRYPTO_free": ([_P, _C, _I], None),
    "X509_subject_name_hash": ([_P], ctypes.c_ulong),
    "X509_get_version": ([_P], ctypes.c_long),
    "X509_get_serialNumber": ([_P], _P),
    "ASN1_INTEGER_to_BN": ([_P, _P], _P),
    "BN_bn2hex": ([_P], _P),
    "BN_free": ([_P], None),
    "i2s_ASN1_INTEGER": ([_P, _P], _P),
    "X509_getm_notBefore": ([_P], _P),
    "X509_getm_notAfter": ([_P], _P),
    "ASN1_STRING_get0_data": ([_P], _P),
    "ASN1_STRING_length": ([_P], _I),
    "ASN1_STRING_to_UTF8": ([ctypes.POINTER(_P), _P], _I),
    "X509_get_signature_nid": ([_P], _I),
    "OBJ_nid2sn": ([_I], _C),
    "OBJ_nid2ln": ([_I], _C),
    "OBJ_obj2nid": ([_P], _I),
    "OBJ_obj2txt": ([_C, _I, _P, _I], _I),
    "X509_PURPOSE_get_count": ([], _I),
    "X509_PURPOSE_get0": ([_I], _P),
    "X509_PURPOSE_get_id": ([_P], _I),
    "X509_check_purpose": ([_P, _I, _I], _I),
    "X509_PURPOSE_get0_sname": ([_P], _C),
    "X509_PURPOSE_get0_name": ([_P], _C),
    "X509_get_ext_count": ([_P], _I),
    "X509_get_ext": ([_P, _I], _P),
    "X509_EXTENSION_get_object": ([_P], _P),
    "X509_EXTENSION_get_data": ([_P], _P),
    "X509V3_EXT_print": ([_P, _P, ctypes.c_ulong, _I], _I),
    "BIO_new": ([_P], _P),
    "BIO_s_mem": ([], _P),
    "BIO_free": ([_P], _I),
    "BIO_ctrl": ([_P, _I, ctypes.c_long, _P], ctypes.c_long),
    "X509_NAME_entry_count": ([_P], _I),
    "X509_NAME_get_entry": ([_P, _I], _P),
    "X509_NAME_ENTRY_get_object": ([_P], _P),
    "X509_NAME_ENTRY_get_data": ([_P], _P),
    "X509_NAME_get_index_by_NID": ([_P, _I, _I], _I),
    "X509_get_ext_d2i": ([_P, _I, _P, _P], _P),
    "OPENSSL_sk_num": ([_P], _I),
    "OPENSSL_sk_value": ([_P, _I], _P),
    "GENERAL_NAME_get0_value": ([_P, ctypes.POINTER(_I)], _P),
    "GENERAL_NAMES_free": ([_P], None),
}


def _load() -> Any:
    lib = library()
    if lib is None:
        return None
    try:
        for name, (args, res) in _signatures.items():
            func = getattr(lib, name)
            func.argtypes, func.restype = args, res
    except AttributeError:
        return None
    return lib


_lib: Any = _load()
_NID_COMMON_NAME, _NID_SUBJECT_ALT_NAME = 13, 85
_GEN_DNS, _GEN_IPADD = 2, 7

_BIO_CTRL_INFO = 3  # BIO_get_mem_data


def _free(pointer: int | None) -> None:
    if pointer:
        _lib.CRYPTO_free(pointer, b"phpstreams", 0)


def _owned_string(pointer: int | None) -> str:
    if not pointer:
        return ""
    try:
        return ctypes.string_at(pointer).decode("utf-8", "surrogateescape")
    finally:
        _free(pointer)


def _asn1_bytes(asn1: int) -> bytes:
    return ctypes.string_at(_lib.ASN1_STRING_get0_data(asn1), _lib.ASN1_STRING_length(asn1))


def _name_entries(name: int, short: bool) -> dict[str, Any]:
    """php_openssl_add_assoc_name_entry: repeated keys become lists."""
    out: dict[str, Any] = {}
    for i in range(_lib.X509_NAME_entry_count(name)):
        entry = _lib.X509_NAME_get_entry(name, i)
        nid = _lib.OBJ_obj2nid(_lib.X509_NAME_ENTRY_get_object(entry))
        key = (_lib.OBJ_nid2sn(nid) if short else _lib.OBJ_nid2ln(nid)) or b""
        utf8 = _P()
        length = _lib.ASN1_STRING_to_UTF8(ctypes.byref(utf8), _lib.X509_NAME_ENTRY_get_data(entry))
        if length < 0:
            continue
        value = ctypes.string_at(utf8.value or 0, length).decode("utf-8", "surrogateescape")
        _free(utf8.value)
        _add_entry(out, key.decode(), value)
    return out


def _add_entry(out: dict[str, Any], key: str, value: str) -> None:
    """A repeated key becomes a list of its values, in order."""
    if key in out:
        existing = out[key]
        out[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        out[key] = value


def _asn1_time_t(text: str) -> int:
    """php_openssl_asn1_time_to_time_t for UTCTime (YYMMDD...) and GeneralizedTime."""
    digits = text.rstrip("Z")
    if len(digits) == 12:
        year = int(digits[:2])
        year += 2000 if year < 50 else 1900
        rest = digits[2:]
    else:
        year = int(digits[:4])
        rest = digits[4:]
    month, day, hour, minute, second = (int(rest[i : i + 2]) for i in range(0, 10, 2))
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def _bio_text(bio: int) -> str:
    data = _P()
    length = _lib.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(data))
    if not length or not data.value:
        return ""
    return ctypes.string_at(data.value, length).decode("utf-8", "surrogateescape")


def _d2i(der: bytes) -> int | None:
    buf = ctypes.create_string_buffer(der, len(der))
    cursor = _P(ctypes.addressof(buf))
    cert: int | None = _lib.d2i_X509(None, ctypes.byref(cursor), len(der)) or None
    return cert


_Names = tuple[tuple[bytes, ...], tuple[str, ...], tuple[bytes, ...]]
# The names of the last certificates read, by DER (and reader): the peer-name
# check of every connection to one server reads the same certificate, and
# OpenSSL 3's d2i_X509 costs a good part of a loopback handshake. Exact: the
# names are a function of the DER alone.
_NAMES_CACHE_SIZE = 32
_names_cache: dict[tuple[bytes, bool], _Names] = {}
_names_lock = threading.Lock()


def names_of(der: bytes) -> tuple[list[bytes], list[str], list[bytes]]:
    """:func:`_names_of`, remembered for the last few certificates."""
    key = (der, _lib is None)
    names = _names_cache.get(key)
    if names is None:
        common_names, dns, ips = _names_of(der)
        names = (tuple(common_names), tuple(dns), tuple(ips))
        with _names_lock:
            _names_cache[key] = names
            while len(_names_cache) > _NAMES_CACHE_SIZE:
                del _names_cache[next(iter(_names_cache))]
    return list(names[0]), list(names[1]), list(names[2])


def _names_of(der: bytes) -> tuple[list[bytes], list[str], list[bytes]]:
    """(subject CN values, SAN dNSNames, SAN iPAddresses) of a DER certificate.

    CNs are the entries' raw bytes, in order (PHP's X509_NAME_get_text_by_NID
    takes the first); dNSNames one character per byte (ASN1_STRING_to_UTF8 of
    an IA5String, as PHP reads them); iPAddresses raw (4 or 16 bytes, or junk).
    """
    if _lib is None:
        return _stdlib_names(der)
    cert = _d2i(der)
    if cert is None:
        return [], [], []
    try:
        common_names: list[bytes] = []
        subject = _lib.X509_get_subject_name(cert)
        index = -1
        while (index := _lib.X509_NAME_get_index_by_NID(subject, _NID_COMMON_NAME, index)) >= 0:
            entry = _lib.X509_NAME_get_entry(subject, index)
            common_names.append(_asn1_bytes(_lib.X509_NAME_ENTRY_get_data(entry)))
        dns: list[str] = []
        ips: list[bytes] = []
        names = _lib.X509_get_ext_d2i(cert, _NID_SUBJECT_ALT_NAME, None, None)
        if names:
            try:
                for i in range(_lib.OPENSSL_sk_num(names)):
                    kind = _I()
                    value = _lib.GENERAL_NAME_get0_value(
                        _lib.OPENSSL_sk_value(names, i), ctypes.byref(kind)
                    )
                    if kind.value == _GEN_DNS:
                        dns.append(_asn1_bytes(value).decode("latin-1"))
                    elif kind.value == _GEN_IPADD:
                        ips.append(_asn1_bytes(value))
            finally:
                _lib.GENERAL_NAMES_free(names)
        return common_names, dns, ips
    finally:
        _lib.X509_free(cert)


def parse_der(der: bytes, short_names: bool = True) -> dict[str, Any] | None:
    """PHP's openssl_x509_parse array for a DER certificate (None if unparsable)."""
    if _lib is None:
        return _stdlib_parse(der, short_names)
    cert = _d2i(der)
    if cert is None:
        return None
    try:
        return _parse(cert, short_names)
    finally:
        _lib.X509_free(cert)


def _parse(cert: int, short: bool) -> dict[str, Any]:
    subject = _lib.X509_get_subject_name(cert)
    result: dict[str, Any] = {"name": _owned_string(_lib.X509_NAME_oneline(subject, None, 0))}
    result["subject"] = _name_entries(subject, short)
    result["hash"] = f"{_lib.X509_subject_name_hash(cert):08x}"
    result["issuer"] = _name_entries(_lib.X509_get_issuer_name(cert), short)
    result["version"] = int(_lib.X509_get_version(cert))
    serial = _lib.X509_get_serialNumber(cert)
    bn = _lib.ASN1_INTEGER_to_BN(serial, None)
    hex_serial = _owned_string(_lib.BN_bn2hex(bn))
    _lib.BN_free(bn)
    result["serialNumber"] = _owned_string(_lib.i2s_ASN1_INTEGER(None, serial))
    result["serialNumberHex"] = hex_serial
    not_before = _asn1_bytes(_lib.X509_getm_notBefore(cert)).decode("latin-1")
    not_after = _asn1_bytes(_lib.X509_getm_notAfter(cert)).decode("latin-1")
    result["validFrom"] = not_before
    result["validTo"] = not_after
    result["validFrom_time_t"] = _asn1_time_t(not_before)
    result["validTo_time_t"] = _asn1_time_t(not_after)
    nid = _lib.X509_get_signature_nid(cert)
    result["signatureTypeSN"] = (_lib.OBJ_nid2sn(nid) or b"").decode()
    result["signatureTypeLN"] = (_lib.OBJ_nid2ln(nid) or b"").decode()
    result["signatureTypeNID"] = nid
    purposes: dict[int, list[Any]] = {}
    for i in range(_lib.X509_PURPOSE_get_count()):
        purpose = _lib.X509_PURPOSE_get0(i)
        pid = _lib.X509_PURPOSE_get_id(purpose)
        name = (
            _lib.X509_PURPOSE_get0_sname(purpose) if short else _lib.X509_PURPOSE_get0_name(purpose)
        )
        purposes[pid] = [
            bool(_lib.X509_check_purpose(cert, pid, 0)),
            bool(_lib.X509_check_purpose(cert, pid, 1)),
            (name or b"").decode(),
        ]
    result["purposes"] = purposes
    extensions: dict[str, str] = {}
    for i in range(_lib.X509_get_ext_count(cert)):
        extension = _lib.X509_get_ext(cert, i)
        obj = _lib.X509_EXTENSION_get_object(extension)
        ext_nid = _lib.OBJ_obj2nid(obj)
        if ext_nid:
            extname = (_lib.OBJ_nid2sn(ext_nid) or b"").decode()
        else:
            text = ctypes.create_string_buffer(256)
            _lib.OBJ_obj2txt(text, 255, obj, 1)
            extname = text.value.decode()
        bio = _lib.BIO_new(_lib.BIO_s_mem())
        try:
            if _lib.X509V3_EXT_print(bio, extension, 0, 0):
                extensions[extname] = _bio_text(bio)
            else:
                data = _asn1_bytes(_lib.X509_EXTENSION_get_data(extension))
                extensions[extname] = data.decode("latin-1")
        finally:
            _lib.BIO_free(bio)
    result["extensions"] = extensions
    return result


# -- without the library: the stdlib's decoder -------------------------------------


def _decode(der: bytes) -> dict[str, Any] | None:
    """``_ssl._test_decode_cert`` (it reads a PEM file) of a DER certificate."""
    handle, path = tempfile.mkstemp(suffix=".pem", prefix="phpstreams-")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(ssl.DER_cert_to_PEM_cert(der))
        decoded: dict[str, Any] = _ssl._test_decode_cert(path)  # type: ignore[attr-defined]
        return decoded
    except (ssl.SSLError, ValueError, OSError):
        return None
    finally:
        os.unlink(path)


def _stdlib_names(der: bytes) -> tuple[list[bytes], list[str], list[bytes]]:
    decoded = _decode(der) or {}
    common_names = [
        value.encode("utf-8", "surrogateescape")
        for rdn in decoded.get("subject", ())
        for key, value in rdn
        if key == "commonName"
    ]
    dns: list[str] = []
    ips: list[bytes] = []
    for kind, value in decoded.get("subjectAltName", ()):
        if kind == "DNS":
            dns.append(value.encode("utf-8", "surrogateescape").decode("latin-1"))
        elif kind == "IP Address":
            try:
                ips.append(ipaddress.ip_address(value).packed)
            except ValueError:
                continue  # "<invalid>": neither 4 nor 16 bytes
    return common_names, dns, ips


def _stdlib_name(rdns: Any, short: bool) -> tuple[str, dict[str, Any]]:
    """X509_NAME_oneline's text (approximately: printable ASCII only) and PHP's array."""
    oneline = ""
    entries: dict[str, Any] = {}
    for rdn in rdns:
        for key, value in rdn:
            sn: str | None
            ln: str | None
            try:
                _, sn, ln, _ = _ssl.txt2obj(key, name=True)
            except ValueError:
                sn = ln = None
            escaped = (c if " " <= c <= "~" else _escape(c) for c in value)
            oneline += f"/{sn or key}=" + "".join(escaped)
            _add_entry(entries, (sn if short else ln) or ("UNDEF" if short else "undefined"), value)
    return oneline, entries


def _escape(char: str) -> str:
    return "".join(f"\\x{b:02X}" for b in char.encode("utf-8", "surrogateescape"))


def _asn1_time_text(seconds: int) -> str:
    """The ASN1 time a certificate carries (RFC 5280: UTCTime until 2049)."""
    moment = time.gmtime(seconds)
    utc_time = 1950 <= moment.tm_year < 2050
    return time.strftime("%y%m%d%H%M%SZ" if utc_time else "%Y%m%d%H%M%SZ", moment)


def _stdlib_parse(der: bytes, short: bool) -> dict[str, Any] | None:
    decoded = _decode(der)
    if decoded is None:
        return None
    name, subject = _stdlib_name(decoded.get("subject", ()), short)
    result: dict[str, Any] = {"name": name, "subject": subject}
    result["issuer"] = _stdlib_name(decoded.get("issuer", ()), short)[1]
    result["version"] = int(decoded.get("version", 1)) - 1
    serial = int(decoded.get("serialNumber", "0"), 16)
    hex_serial = f"{serial:X}"
    hex_serial = hex_serial if len(hex_serial) % 2 == 0 or serial == 0 else "0" + hex_serial
    # i2s_ASN1_INTEGER: decimal below 128 bits, else BN_bn2hex with "0x"
    result["serialNumber"] = str(serial) if serial.bit_length() < 128 else "0x" + hex_serial
    result["serialNumberHex"] = hex_serial
    not_before = ssl.cert_time_to_seconds(decoded["notBefore"])
    not_after = ssl.cert_time_to_seconds(decoded["notAfter"])
    result["validFrom"] = _asn1_time_text(not_before)
    result["validTo"] = _asn1_time_text(not_after)
    result["validFrom_time_t"] = not_before
    result["validTo_time_t"] = not_after
    extensions: dict[str, str] = {}
    alt_names = [
        f"{kind}:{value}"
        for kind, value in decoded.get("subjectAltName", ())
        if kind in ("DNS", "IP Address", "email", "URI")
    ]
    if alt_names:
        extensions["subjectAltName"] = ", ".join(alt_names)
    result["extensions"] = extensions
    return result
