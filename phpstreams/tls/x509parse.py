"""openssl_x509_parse on the OpenSSL that Python's ssl module is linked with.

A port of php-src ext/openssl/openssl.c: PHP_FUNCTION(openssl_x509_parse), call
for call, through ctypes (d2i_X509 on the DER the TLS layer captured), so that
names, hashes, purposes and extension texts are OpenSSL's own, as in PHP.
"""

from __future__ import annotations

import calendar
import ctypes
from typing import Any

from ..transport.openssl import _lib

__all__ = ["parse_der"]

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
}
for _name, (_args, _res) in _signatures.items():
    _func = getattr(_lib, _name)
    _func.argtypes = _args
    _func.restype = _res

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
        name_key = key.decode()
        if name_key in out:
            existing = out[name_key]
            out[name_key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[name_key] = value
    return out


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


def parse_der(der: bytes, short_names: bool = True) -> dict[str, Any] | None:
    """PHP's openssl_x509_parse array for a DER certificate (None if unparsable)."""
    buf = ctypes.create_string_buffer(der, len(der))
    cursor = _P(ctypes.addressof(buf))
    cert = _lib.d2i_X509(None, ctypes.byref(cursor), len(der))
    if not cert:
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
