"""PHP's standard stream filters: php-src ext/standard/filters.c.

``string.rot13``, ``string.toupper``, ``string.tolower`` (ASCII only, as PHP 8
does), ``convert.*`` (base64 and quoted-printable, :mod:`._filters_conv`),
``consumed`` and ``dechunk`` (HTTP chunked transfer decoding). Registered in
:data:`.filters.FACTORIES` at import, in PHP's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _filters_conv as conv
from . import _filters_zlib  # noqa: F401  (zlib.* first: PHP's order)
from ._filters_qprint import QPrintDecode, QPrintEncode
from .diagnostics import warning_here
from .filters import (
    FACTORIES,
    NO_PARAMS,
    PSFS_ERR_FATAL,
    PSFS_FLAG_FLUSH_CLOSE,
    PSFS_FLAG_NORMAL,
    PSFS_PASS_ON,
    Brigade,
    Bucket,
    Filter,
)
from .ref import Ref

if TYPE_CHECKING:
    from .stream import Stream

__all__: list[str] = []

_LOWER = b"abcdefghijklmnopqrstuvwxyz"
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROT13 = bytes.maketrans(_LOWER + _UPPER, _LOWER[13:] + _LOWER[:13] + _UPPER[13:] + _UPPER[:13])
_TO_UPPER = bytes.maketrans(_LOWER, _UPPER)
_TO_LOWER = bytes.maketrans(_UPPER, _LOWER)


class _Translate(Filter):
    """strfilter_rot13_filter / strfilter_toupper_filter / strfilter_tolower_filter."""

    def __init__(self, name: str, table: bytes) -> None:
        super().__init__()
        self.name = name
        self.table = table

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        used = 0
        while (bucket := inp.pop()) is not None:
            bucket.data = bucket.data.translate(self.table)
            used += len(bucket.data)
            out.append(bucket)
        if consumed is not None:
            consumed.value = used
        return PSFS_PASS_ON


class _Convert(Filter):
    """strfilter_convert_filter: a php_conv converter over each bucket."""

    def __init__(self, name: str, converter: conv.Converter) -> None:
        super().__init__()
        self.name = name
        self.converter = converter

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        used = 0
        while (bucket := inp.pop()) is not None:
            if not self._append(out, bucket.data):
                return PSFS_ERR_FATAL
            used += len(bucket.data)
        # PHP 8.2: any flush (FLUSH_INC as well as FLUSH_CLOSE) ends the encoding
        if flags != PSFS_FLAG_NORMAL and not self._append(out, None):
            return PSFS_ERR_FATAL
        if consumed is not None:
            consumed.value = used
        return PSFS_PASS_ON

    def _append(self, out: Brigade, data: bytes | None) -> bool:
        """strfilter_convert_append_bucket."""
        try:
            produced = self.converter.convert(data)
        except conv.ConvError as exc:
            warning_here(f"Stream filter ({self.name}): {exc}")
            return False
        if produced:
            out.append(Bucket(produced))
        return True


def _convert_factory(name: str, params: Any) -> Filter | None:
    """strfilter_convert_create."""
    if params is not NO_PARAMS and not isinstance(params, (dict, list)):
        warning_here(f"Stream filter ({name}): invalid filter parameter")
        return None
    if "." not in name:
        return None
    options = params if isinstance(params, dict) else None
    if params is not NO_PARAMS and options is None:
        options = {}  # a PHP list: an array without the string keys
    converter = open_converter(name[name.index(".") + 1 :].lower(), options)
    return None if converter is None else _Convert(name, converter)


def open_converter(mode: str, options: dict[str, Any] | None) -> conv.Converter | None:
    """php_conv_open for ``convert.<mode>`` (mode lower-cased); None for none."""
    if mode in ("base64-encode", "quoted-printable-encode"):
        line_len, lbchars, opts = 0, None, 0
        if options is not None:
            if "line-break-chars" in options:
                lbchars = conv.php_string(options["line-break-chars"])
            if "line-length" in options:
                line_len = max(0, conv.php_long(options["line-length"])) & 0xFFFFFFFF
            if mode == "quoted-printable-encode":
                opts |= 1 if conv.truthy(options.get("binary")) else 0
                opts |= 2 if conv.truthy(options.get("force-encode-first")) else 0
            if line_len < 4:
                lbchars = None
            elif lbchars is None:
                lbchars = b"\r\n"
        if lbchars is None:
            line_len = 0
        if mode == "base64-encode":
            return conv.Base64Encode(line_len, lbchars)
        return QPrintEncode(line_len, lbchars, opts)
    if mode == "base64-decode":
        return conv.Base64Decode()
    if mode == "quoted-printable-decode":
        lbchars = None
        if options is not None and "line-break-chars" in options:
            lbchars = conv.php_string(options["line-break-chars"])
        return QPrintDecode(lbchars)
    return None


class _Consumed(Filter):
    """consumed_filter_filter: passes everything on, counting it."""

    name = "consumed"

    def __init__(self) -> None:
        super().__init__()
        self.consumed = 0
        self.offset: int | None = None

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        if self.offset is None:
            self.offset = stream.position
        used = 0
        while (bucket := inp.pop()) is not None:
            used += len(bucket.data)
            out.append(bucket)
        if consumed is not None:
            consumed.value = used
        if flags & PSFS_FLAG_FLUSH_CLOSE:
            _seek_set(stream, self.offset + self.consumed)
        self.consumed += used
        return PSFS_PASS_ON


def _seek_set(stream: Stream, offset: int) -> None:
    """_php_stream_seek(SEEK_SET) on a socket: only forward within the buffer."""
    position = stream.position
    if position < offset <= position + stream.unread_bytes():
        stream.take(offset - position)
        stream.eof = False
        return
    warning_here("Stream does not support seeking")


# php_dechunk's states
(
    _SIZE_START,
    _SIZE,
    _SIZE_EXT,
    _SIZE_CR,
    _SIZE_LF,
    _BODY,
    _BODY_CR,
    _BODY_LF,
    _TRAILER,
    _ERROR,
) = range(10)
_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}


class _Dechunk(Filter):
    """php_chunked_filter: HTTP/1.1 chunked transfer coding, undone."""

    name = "dechunk"

    def __init__(self) -> None:
        super().__init__()
        self.state = _SIZE_START
        self.chunk_size = 0

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        used = 0
        while (bucket := inp.pop()) is not None:
            used += len(bucket.data)
            bucket.data = self._dechunk(bucket.data)
            out.append(bucket)
        if consumed is not None:
            consumed.value = used
        return PSFS_PASS_ON

    def _dechunk(self, buf: bytes) -> bytes:
        """php_dechunk, its fall-throughs unrolled into the loop."""
        p, end = 0, len(buf)
        out: list[bytes] = []
        state = self.state
        while p < end:
            if state == _SIZE_START or state == _SIZE:
                if state == _SIZE_START:
                    self.chunk_size = 0
                while p < end:
                    digit = _HEX.get(buf[p])
                    if digit is None:
                        state = _ERROR if state == _SIZE_START else _SIZE_EXT
                        break
                    if self.chunk_size > (2**64 - 1) // 16:
                        state = _ERROR
                        break
                    self.chunk_size = self.chunk_size * 16 + digit
                    state = _SIZE
                    p += 1
                if state == _ERROR:
                    continue
                if p == end:
                    break
                state = _SIZE_EXT
            if state == _SIZE_EXT:
                while p < end and buf[p] not in (13, 10):
                    p += 1
                if p == end:
                    break
                state = _SIZE_CR
            if state == _SIZE_CR:
                if buf[p] == 13:
                    p += 1
                    if p == end:
                        state = _SIZE_LF
                        break
                state = _SIZE_LF
            if state == _SIZE_LF:
                if buf[p] == 10:
                    p += 1
                    if self.chunk_size == 0:
                        state = _TRAILER
                        continue
                    if p == end:
                        state = _BODY
                        break
                else:
                    state = _ERROR
                    continue
                state = _BODY
            if state == _BODY:
                if end - p >= self.chunk_size:
                    out.append(buf[p : p + self.chunk_size])
                    p += self.chunk_size
                    if p == end:
                        state = _BODY_CR
                        break
                else:
                    out.append(buf[p:end])
                    self.chunk_size -= end - p
                    break
                state = _BODY_CR
            if state == _BODY_CR:
                if buf[p] == 13:
                    p += 1
                    if p == end:
                        state = _BODY_LF
                        break
                state = _BODY_LF
            if state == _BODY_LF:
                if buf[p] == 10:
                    p += 1
                    state = _SIZE_START
                else:
                    state = _ERROR
                continue
            if state == _TRAILER:
                p = end
                continue
            if state == _ERROR:
                out.append(buf[p:end])
                break
        self.state = state
        return b"".join(out)


def _named(expected: str, make: type[Filter]) -> Any:
    def factory(name: str, params: Any) -> Filter | None:
        return make() if name.lower() == expected else None

    return factory


FACTORIES["string.rot13"] = lambda name, params: _Translate("string.rot13", _ROT13)
FACTORIES["string.toupper"] = lambda name, params: _Translate("string.toupper", _TO_UPPER)
FACTORIES["string.tolower"] = lambda name, params: _Translate("string.tolower", _TO_LOWER)
FACTORIES["convert.*"] = _convert_factory
FACTORIES["consumed"] = _named("consumed", _Consumed)
FACTORIES["dechunk"] = _named("dechunk", _Dechunk)
