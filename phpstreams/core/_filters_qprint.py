"""Quoted-printable converters: php-src ext/standard/filters.c
php_conv_qprint_encode_convert and php_conv_qprint_decode_convert, ported
statement by statement (their state survives between buckets)."""

from __future__ import annotations

from ._filters_conv import ConvError

__all__ = ["QPrintDecode", "QPrintEncode"]

_DIGITS = b"0123456789ABCDEF"
_BINARY = 1
_FORCE_ENCODE_FIRST = 2
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")


class QPrintEncode:
    """php_conv_qprint_encode."""

    def __init__(self, line_len: int, lbchars: bytes | None, opts: int) -> None:
        self.line_len = self.line_ccnt = line_len
        self.lbchars = lbchars
        self.opts = opts
        self.lb_ptr = self.lb_cnt = 0

    def convert(self, data: bytes | None) -> bytes:
        if data is None:
            return b""
        lbchars = self.lbchars
        lb_len = len(lbchars) if lbchars is not None else 0
        opts = self.opts
        line_ccnt, lb_ptr, lb_cnt = self.line_ccnt, self.lb_ptr, self.lb_cnt
        out = bytearray()
        ps, icnt = 0, len(data)
        trail_ws = 0
        while True:
            if not opts & _BINARY and lbchars is not None and lb_len > 0:
                # look ahead for the line break chars
                if icnt > 0 and data[ps] == lbchars[lb_cnt]:
                    lb_cnt += 1
                    if lb_cnt >= lb_len:
                        out += lbchars[:lb_cnt]
                        line_ccnt = self.line_len
                        lb_ptr = lb_cnt = 0
                    ps += 1
                    icnt -= 1
                    continue
            if lb_ptr >= lb_cnt and icnt == 0:
                break
            assert lbchars is not None or lb_ptr >= lb_cnt
            c = lbchars[lb_ptr] if lb_ptr < lb_cnt and lbchars is not None else data[ps]
            if not opts & _BINARY and trail_ws == 0 and c in (9, 32):
                if line_ccnt < 2 and lbchars is not None:
                    out.append(61)
                    line_ccnt -= 1
                    out += lbchars
                    line_ccnt = self.line_len
                else:
                    if lbchars is not None:
                        # is this whitespace at the end of a line?
                        lb_cnt2 = 0
                        ps2 = ps
                        trail_ws = 1
                        j = icnt - 1
                        while j > 0:
                            ch = data[ps2]
                            if ch == lbchars[lb_cnt2]:
                                lb_cnt2 += 1
                                if lb_cnt2 >= lb_len:
                                    break
                            elif lb_cnt2 != 0 or ch not in (9, 32):
                                trail_ws = 0
                                break
                            else:
                                trail_ws += 1
                            j -= 1
                            ps2 += 1
                    if trail_ws == 0:
                        out.append(c)
                        line_ccnt -= 1
                        lb_ptr, lb_cnt, ps, icnt = _consume(lb_ptr, lb_cnt, ps, icnt)
            elif (not opts & _FORCE_ENCODE_FIRST or line_ccnt < self.line_len) and (
                33 <= c <= 60 or 62 <= c <= 126
            ):
                if line_ccnt < 2 and lbchars is not None:
                    out.append(61)
                    line_ccnt -= 1
                    out += lbchars
                    line_ccnt = self.line_len
                out.append(c)
                line_ccnt -= 1
                lb_ptr, lb_cnt, ps, icnt = _consume(lb_ptr, lb_cnt, ps, icnt)
            else:
                if line_ccnt < 4 and lbchars is not None:
                    out.append(61)
                    line_ccnt -= 1
                    out += lbchars
                    line_ccnt = self.line_len
                out += bytes((61, _DIGITS[c >> 4], _DIGITS[c & 15]))
                line_ccnt -= 3
                if trail_ws > 0:
                    trail_ws -= 1
                lb_ptr, lb_cnt, ps, icnt = _consume(lb_ptr, lb_cnt, ps, icnt)
            line_ccnt &= 0xFFFFFFFF  # PHP: unsigned
        self.line_ccnt, self.lb_ptr, self.lb_cnt = line_ccnt, lb_ptr, lb_cnt
        return bytes(out)


def _consume(lb_ptr: int, lb_cnt: int, ps: int, icnt: int) -> tuple[int, int, int, int]:
    """CONSUME_CHAR."""
    if lb_ptr < lb_cnt:
        return lb_ptr + 1, lb_cnt, ps, icnt
    return 0, 0, ps + 1, icnt - 1


class QPrintDecode:
    """php_conv_qprint_decode; without line-break-chars it detects \\r\\n, \\r, \\n."""

    def __init__(self, lbchars: bytes | None) -> None:
        self.lbchars = lbchars
        self.scan_stat = 0
        self.next_char = 0
        self.lb_ptr = self.lb_cnt = 0

    def convert(self, data: bytes | None) -> bytes:
        if data is None:
            return b""  # PHP: an unfinished escape at the end goes unreported here
        lbchars = self.lbchars
        lb_len = len(lbchars) if lbchars is not None else 0
        scan_stat, next_char = self.scan_stat, self.next_char
        lb_ptr, lb_cnt = self.lb_ptr, self.lb_cnt
        out = bytearray()
        ps, icnt = 0, len(data)
        error = False
        while True:
            if scan_stat == 0:
                if icnt == 0:
                    break
                if data[ps] == 61:
                    scan_stat = 1
                else:
                    out.append(data[ps])
                ps += 1
                icnt -= 1
                continue
            if scan_stat == 1:
                if icnt == 0:
                    break
                ch = data[ps]
                if ch in (32, 9):
                    scan_stat = 4
                    ps += 1
                    icnt -= 1
                    continue
                if lbchars is None and lb_cnt == 0 and ch == 13:
                    lb_cnt += 1
                    scan_stat = 5
                    ps += 1
                    icnt -= 1
                    continue
                if lbchars is None and lb_cnt == 0 and ch == 10:
                    lb_cnt = lb_ptr = 0
                    scan_stat = 0
                    ps += 1
                    icnt -= 1
                    continue
                if lbchars is not None and lb_cnt < lb_len and ch == lbchars[lb_cnt]:
                    lb_cnt += 1
                    scan_stat = 5
                    ps += 1
                    icnt -= 1
                    continue
                # PHP: falls through to case 2 with scan_stat still 1
            if scan_stat in (1, 2):
                if icnt == 0:
                    break
                ch = data[ps]
                if ch not in _HEXDIGITS:
                    error = True
                    break
                # PHP: 'a'-'f' are taken as ch - 0x37 too
                digit = ch - 0x37 if ch >= 65 else ch - 0x30
                next_char = ((next_char << 4) | digit) & 0xFFFFFFFF
                scan_stat += 1
                ps += 1
                icnt -= 1
                if scan_stat != 3:
                    continue
            if scan_stat == 3:
                out.append(next_char & 0xFF)
                scan_stat = 0
                continue
            if scan_stat == 4:
                if icnt == 0:
                    break
                ch = data[ps]
                if lbchars is not None and lb_cnt < lb_len and ch == lbchars[lb_cnt]:
                    lb_cnt += 1
                    scan_stat = 5
                elif ch not in (9, 32):
                    error = True
                    break
                ps += 1
                icnt -= 1
                continue
            if scan_stat == 5:
                if icnt == 0:
                    break
                ch = data[ps]
                if lbchars is None and lb_cnt == 1 and ch == 10:
                    lb_cnt = lb_ptr = 0
                    scan_stat = 0
                    ps += 1
                    icnt -= 1
                elif lbchars is None and lb_cnt > 0:
                    lb_cnt = lb_ptr = 0
                    scan_stat = 0
                elif lb_cnt >= lb_len:
                    lb_cnt = lb_ptr = 0
                    scan_stat = 0
                else:
                    assert lbchars is not None
                    if ch == lbchars[lb_cnt]:
                        lb_cnt += 1
                        ps += 1
                        icnt -= 1
                    else:
                        scan_stat = 6
                continue
            if scan_stat == 6:
                if lb_ptr < lb_cnt:
                    assert lbchars is not None
                    out.append(lbchars[lb_ptr])
                    lb_ptr += 1
                else:
                    scan_stat = 0
                    lb_cnt = lb_ptr = 0
                continue
        self.scan_stat, self.next_char = scan_stat, next_char
        self.lb_ptr, self.lb_cnt = lb_ptr, lb_cnt
        if error:
            raise ConvError("invalid byte sequence")
        return bytes(out)
