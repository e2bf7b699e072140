"""The ``convert.*`` converters: php-src ext/standard/filters.c php_conv_*.

Each converter keeps PHP's state between buckets (a base64 encoder the 0-2
bytes of an unfinished group, a decoder its unfinished bits, the
quoted-printable ones their line state) and is ported statement by statement:
its output for any split of the input is PHP's. ``convert(None)`` is the flush
(php_conv_convert with no input). PHP grows its output buffer as needed
(PHP_CONV_ERR_TOO_BIG), so the output here is simply unbounded.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = [
    "Base64Decode",
    "Base64Encode",
    "ConvError",
    "Converter",
    "php_long",
    "php_string",
    "truthy",
]

_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_DEC = [64] * 256
for _i, _c in enumerate(_B64):
    _B64_DEC[_c] = _i
_B64_DEC[ord("=")] = 128
_QP_DIGITS = b"0123456789ABCDEF"


class ConvError(Exception):
    """A php_conv error: the text after ``Stream filter (name): ``."""


class Converter(Protocol):
    def convert(self, data: bytes | None) -> bytes: ...


def php_long(value: Any) -> int:
    """zval_get_long for the parameter values a PHP array can hold."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2**63 else 0
    if isinstance(value, (str, bytes)):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        text = text.lstrip(" \t\n\r\v\f")
        digits = ""
        for i, ch in enumerate(text):
            if ch.isdigit() or (i == 0 and ch in "+-"):
                digits += ch
            else:
                break
        try:
            return int(digits)
        except ValueError:
            return 0
    if isinstance(value, (list, dict)):
        return 1 if value else 0
    return 0 if value is None else 1


def php_string(value: Any) -> bytes:
    """zval_get_string for a parameter value."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if value is True:
        return b"1"
    if value is None or value is False:
        return b""
    if isinstance(value, float):
        return repr(value).encode() if value != int(value) else str(int(value)).encode()
    if isinstance(value, (list, dict)):
        return b"Array"
    return str(value).encode()


class Base64Encode:
    """php_conv_base64_encode."""

    def __init__(self, line_len: int, lbchars: bytes | None) -> None:
        self.line_len = self.line_ccnt = line_len
        self.lbchars = lbchars
        self.erem = b""

    def _group(self, out: bytearray, b: bytes) -> None:
        if self.line_ccnt < 4 and self.lbchars is not None:
            out += self.lbchars
            self.line_ccnt = self.line_len
        out.append(_B64[b[0] >> 2])
        out.append(_B64[((b[0] << 4) & 0x3F) | (b[1] >> 4 if len(b) > 1 else 0)])
        if len(b) > 1:
            out.append(_B64[((b[1] << 2) & 0x3F) | (b[2] >> 6 if len(b) > 2 else 0)])
        else:
            out.append(ord("="))
        out.append(_B64[b[2] & 0x3F] if len(b) > 2 else ord("="))
        self.line_ccnt -= 4

    def convert(self, data: bytes | None) -> bytes:
        out = bytearray()
        if data is None:
            if self.erem:
                self._group(out, self.erem)
                self.erem = b""
            return bytes(out)
        data = self.erem + data
        whole = len(data) - len(data) % 3
        for i in range(0, whole, 3):
            self._group(out, data[i : i + 3])
        self.erem = data[whole:]
        return bytes(out)


class Base64Decode:
    """php_conv_base64_decode: bits packed as PHP packs them; "=" ends the data."""

    def __init__(self) -> None:
        self.urem = 0
        self.urem_nbits = 0
        self.ustat = 0
        self.eos = False

    def convert(self, data: bytes | None) -> bytes:
        if data is None:
            return b""  # PHP: an unfinished group at the end is no error here
        urem, urem_nbits, ustat = self.urem, self.urem_nbits, self.ustat
        pack, pack_bcnt = 0, 8
        out = bytearray()
        ps, icnt = 0, len(data)
        error = False
        while True:
            if pack_bcnt >= urem_nbits:
                pack_bcnt -= urem_nbits
                pack |= urem << pack_bcnt
                urem_nbits = 0
            else:
                urem_nbits -= pack_bcnt
                pack |= urem >> urem_nbits
                urem &= 0xFFFF >> (16 - urem_nbits)
                pack_bcnt = 0
            if pack_bcnt > 0:
                if icnt < 1:
                    break
                i = _B64_DEC[data[ps]]
                ps += 1
                icnt -= 1
                ustat |= i & 0x80
                if not i & 0xC0:
                    if ustat:
                        error = True
                        break
                    if 6 <= pack_bcnt:
                        pack_bcnt -= 6
                        pack |= i << pack_bcnt
                        urem = 0
                    else:
                        urem_nbits = 6 - pack_bcnt
                        pack |= i >> urem_nbits
                        urem = i & (0xFFFF >> (16 - urem_nbits))
                        pack_bcnt = 0
                elif ustat:
                    if pack_bcnt in (8, 2):
                        error = True
                        break
                    self.eos = True
            if (pack_bcnt | ustat) == 0:
                out.append(pack & 0xFF)
                pack, pack_bcnt = 0, 8
        if urem_nbits >= pack_bcnt:
            urem |= pack << (urem_nbits - pack_bcnt)
        else:
            urem |= pack >> (pack_bcnt - urem_nbits)
        urem_nbits += 8 - pack_bcnt
        self.urem, self.urem_nbits, self.ustat = urem, urem_nbits, ustat
        if error:
            raise ConvError("invalid byte sequence")
        return bytes(out)


def truthy(value: Any) -> bool:
    """zend_is_true."""
    if isinstance(value, (str, bytes)):
        return value not in ("", "0", b"", b"0")
    return bool(value)
