"""``zlib.inflate`` and ``zlib.deflate``: php-src ext/zlib/zlib_filter.c (PHP 8.2).

Python's zlib objects stand for PHP's z_stream: ``compress`` is deflate with
Z_NO_FLUSH, ``flush(Z_SYNC_FLUSH / Z_FULL_FLUSH / Z_FINISH)`` the flushing
calls, and PHP feeds its input in 0x8000-byte slices, flushing each slice
when the filter is flushed -- so the bytes are PHP's. Parameters: a level
(int, float or string) or an array of ``level``, ``window``, ``memory``,
checked with PHP 8.2's warnings (an out-of-range value is ignored).
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING, Any

from ._filters_conv import php_long
from .diagnostics import active_function, notice, warning_here
from .filters import (
    FACTORIES,
    NO_PARAMS,
    PSFS_ERR_FATAL,
    PSFS_FEED_ME,
    PSFS_FLAG_FLUSH_CLOSE,
    PSFS_FLAG_FLUSH_INC,
    PSFS_PASS_ON,
    Brigade,
    Bucket,
    Filter,
)
from .ref import Ref

if TYPE_CHECKING:
    from .stream import Stream

__all__: list[str] = []

_SLICE = 0x8000  # PHP's inbuf_len
_MAX_WBITS = 15
_ZERRORS = {
    2: "need dictionary",
    1: "stream end",
    -1: "file error",
    -2: "stream error",
    -3: "data error",
    -4: "insufficient memory",
    -5: "buffer error",
    -6: "incompatible version",
}


def _zerror(exc: zlib.error) -> str:
    """zError() of the status behind Python's zlib.error text."""
    found = re.search(r"Error (-?\d+)", str(exc))
    return _ZERRORS.get(int(found.group(1)) if found else -3, "data error")


class _Inflate(Filter):
    name = "zlib.inflate"

    def __init__(self, wbits: int) -> None:
        super().__init__()
        self.z = zlib.decompressobj(wbits)
        self.finished = False

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        """php_zlib_inflate_filter."""
        status = PSFS_FEED_ME
        used = 0
        while (bucket := inp.pop()) is not None:
            data = bucket.data
            for at in range(0, len(data), _SLICE):
                if self.finished:
                    break
                try:
                    produced = self.z.decompress(data[at : at + _SLICE])
                except zlib.error as exc:
                    notice(f"{active_function()}(): zlib: {_zerror(exc)}")
                    return PSFS_ERR_FATAL
                if self.z.eof:
                    self.finished = True
                    status = PSFS_PASS_ON
                if produced:
                    out.append(Bucket(produced))
                    status = PSFS_PASS_ON
            used += len(data)
        if not self.finished and flags & PSFS_FLAG_FLUSH_CLOSE:
            produced = self.z.flush()
            if produced:
                out.append(Bucket(produced))
                status = PSFS_PASS_ON
        if consumed is not None:
            consumed.value = used
        return status


class _Deflate(Filter):
    name = "zlib.deflate"

    def __init__(self, level: int, wbits: int, memory: int) -> None:
        super().__init__()
        self.z = zlib.compressobj(level, zlib.DEFLATED, wbits, memory, 0)
        self.finished = True  # no flush pending
        self.ended = False  # Z_FINISH done

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        """php_zlib_deflate_filter."""
        status = PSFS_FEED_ME
        used = 0
        if flags & PSFS_FLAG_FLUSH_CLOSE:
            mode = zlib.Z_FULL_FLUSH
        elif flags & PSFS_FLAG_FLUSH_INC:
            mode = zlib.Z_SYNC_FLUSH
        else:
            mode = zlib.Z_NO_FLUSH
        while (bucket := inp.pop()) is not None:
            data = bucket.data
            if self.ended and data:
                return PSFS_ERR_FATAL  # PHP: deflate() after Z_FINISH fails
            for at in range(0, len(data), _SLICE):
                self.finished = mode != zlib.Z_NO_FLUSH
                produced = self.z.compress(data[at : at + _SLICE])
                if mode != zlib.Z_NO_FLUSH:
                    produced += self.z.flush(mode)
                if produced:
                    out.append(Bucket(produced))
                    status = PSFS_PASS_ON
            used += len(data)
        if flags & PSFS_FLAG_FLUSH_CLOSE or (flags & PSFS_FLAG_FLUSH_INC and not self.finished):
            closing = flags & PSFS_FLAG_FLUSH_CLOSE
            produced = (
                b"" if self.ended else self.z.flush(zlib.Z_FINISH if closing else zlib.Z_SYNC_FLUSH)
            )
            self.finished = True
            self.ended = self.ended or bool(closing)  # PHP: a finished z_stream adds nothing
            if produced:
                out.append(Bucket(produced))
                status = PSFS_PASS_ON
        if consumed is not None:
            consumed.value = used
        return status


def _inflate_factory(name: str, params: Any) -> Filter | None:
    wbits = -_MAX_WBITS
    if isinstance(params, dict) and "window" in params:
        window = php_long(params["window"])
        if window < -_MAX_WBITS or window > _MAX_WBITS + 32:
            warning_here(f"Invalid parameter given for window size ({window})")
        else:
            wbits = window
    try:
        return _Inflate(wbits)
    except (ValueError, zlib.error):
        return None


def _deflate_factory(name: str, params: Any) -> Filter | None:
    level, wbits, memory = -1, -_MAX_WBITS, 9
    if params is not NO_PARAMS:
        wanted: int | None = None
        if isinstance(params, dict):
            if "memory" in params:
                value = php_long(params["memory"])
                if value < 1 or value > 9:
                    warning_here(f"Invalid parameter given for memory level ({value})")
                else:
                    memory = value
            if "window" in params:
                value = php_long(params["window"])
                if value < -_MAX_WBITS or value > _MAX_WBITS + 16:
                    warning_here(f"Invalid parameter given for window size ({value})")
                else:
                    wbits = value
            if "level" in params:
                wanted = php_long(params["level"])
        elif isinstance(params, list):
            pass
        elif isinstance(params, (int, float, str, bytes)) and not isinstance(params, bool):
            wanted = php_long(params)
        else:
            warning_here("Invalid filter parameter, ignored")
        if wanted is not None:
            if wanted < -1 or wanted > 9:
                warning_here(f"Invalid compression level specified. ({wanted})")
            else:
                level = wanted
    try:
        return _Deflate(level, wbits, memory)
    except (ValueError, zlib.error):
        return None


def _zlib_factory(name: str, params: Any) -> Filter | None:
    """php_zlib_filter_create: zlib.inflate or zlib.deflate (any case)."""
    kind = name.lower()
    if kind == "zlib.inflate":
        return _inflate_factory(name, params)
    if kind == "zlib.deflate":
        return _deflate_factory(name, params)
    return None


FACTORIES["zlib.*"] = _zlib_factory
