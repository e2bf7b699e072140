"""PHP's CSV reader and writer: php-src ext/standard/file.c php_fgetcsv and
php_fputcsv, sans-IO.

Theory of operation: :func:`parse_csv` is php_fgetcsv. It takes the first
line (as fgetcsv read it, line ending included) and a callback giving the next
line -- ``Stream.get_line(None)``, None at the end of the data -- which it calls
only when an enclosed field runs past the end of a line: the line ending
becomes part of the field and the parse goes on in the next line. A field
left open at the end of the data gets everything up to there. The line's own
ending (``\\n``, ``\\r\\n`` or ``\\r``) is not part of the last field.

It walks the bytes exactly as php-src does, pointer for pointer, including
where php-src looks one byte past the end of the line (the NUL a C string ends
with; here a ``\\0`` appended): so a stray byte after a closing enclosure is
kept (``"abc"def`` gives ``abcdef``), white space before an enclosure is
skipped, white space elsewhere kept, and an escape character only stops the
next byte from closing the field -- it stays in the field (``"a\\"b"`` gives
``a\\"b``). Characters are those of php_mblen(), that is of LC_CTYPE, which
PHP 8.2 sets to C.UTF-8 at startup whatever the environment says
(zend_reset_lc_ctype_locale): a multibyte UTF-8 character is never a
delimiter, an enclosure or an escape; an invalid byte is one character, but
one the line-ending lookup does not look at.

A blank line (nothing but its line ending) gives None: fgetcsv() returns
``[null]`` for it (# PHP: php_bc_fgetcsv_empty_line).

:func:`format_csv` is php_fputcsv: the line fputcsv() writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["format_csv", "parse_csv"]

_SPACE = frozenset(b" \t\n\r\v\f")


def _utf8_length(data: bytes | bytearray, pos: int, end: int) -> int:
    """mbrlen() in a UTF-8 locale: the length of the character at ``pos``, -1
    for an invalid sequence, -2 for one cut by ``end``."""
    lead = data[pos]
    need = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if lead <= 0xF4 else 0
    if lead >= 0xC2 and need:
        for size in range(2, need + 1):
            if pos + size > end:
                try:  # a valid prefix cut short, or an invalid one?
                    bytes(data[pos:end]).decode("utf-8")
                except UnicodeDecodeError as exc:
                    return -2 if exc.reason == "unexpected end of data" else -1
            elif size == need:
                try:
                    bytes(data[pos : pos + need]).decode("utf-8")
                except UnicodeDecodeError:
                    return -1
                return need
    return -1


def _mblen(data: bytes | bytearray, pos: int, end: int) -> int:
    """php_mblen(ptr, end - pos) as php_fgetcsv uses it, in PHP's C.UTF-8 locale."""
    if data[pos] < 0x80:
        return 1
    return _utf8_length(data, pos, end)


def _trailing(data: bytes | bytearray, length: int) -> int:
    """php_fgetcsv_lookup_trailing_spaces: where the line ending of
    ``data[:length]`` starts (a final ``\\n``, ``\\r\\n`` or ``\\r``). An invalid
    multibyte byte is skipped without being looked at (# PHP: so in a UTF-8
    locale ``\\r\\xe9`` ends in ``\\r``, and it is the ``\\xe9`` that is cut)."""
    last0 = last1 = 0
    ptr = 0
    while ptr < length:
        inc = _mblen(data, ptr, length)
        if inc < 0:
            inc = 1
        else:
            last0, last1 = last1, data[ptr]
        ptr += inc
    if last1 == 0x0A:
        return ptr - 2 if last0 == 0x0D else ptr - 1
    if last1 == 0x0D:
        return ptr - 1
    return ptr


def parse_csv(
    line: bytes,
    delimiter: int,
    enclosure: int,
    escape: int | None,
    next_line: Callable[[], bytes | None],
) -> list[bytes] | None:
    """php_fgetcsv: the fields of ``line`` (and of the lines an enclosed field
    spans); None for a blank line. ``escape`` None is PHP_CSV_NO_ESCAPE."""
    buf = line + b"\0"
    limit = line_end = _trailing(buf, len(line))
    line_end_len = len(line) - limit
    values: list[bytes] = []
    first_field = True
    bptr = 0

    def mblen(at: int) -> int:
        return _mblen(buf, at, limit) if at < limit else 0

    while True:
        temp = bytearray()
        inc = mblen(bptr)
        if inc == 1:
            tmp = bptr
            while buf[tmp] != delimiter and buf[tmp] in _SPACE:
                tmp += 1
            if buf[tmp] == enclosure and tmp < limit:
                bptr = tmp
        if first_field and bptr == line_end:
            return None
        first_field = False
        if inc != 0 and buf[bptr] == enclosure:
            # 2A. an enclosed field
            state = 0  # 1: after an escape character, 2: after an enclosure
            bptr += 1
            hunk = bptr
            while True:
                if inc == 0:
                    if state == 2:
                        temp += buf[hunk : bptr - 1]
                        hunk = bptr
                        break
                    if state == 1:
                        temp += buf[hunk:bptr]
                        hunk = bptr
                    if hunk != line_end:
                        temp += buf[hunk:bptr]
                        hunk = bptr
                    # the line ends inside the field: its line ending is the field's
                    temp += buf[line_end : line_end + line_end_len]
                    new = next_line()
                    if new is None:  # unterminated at the end of the data
                        # PHP 8.2: what follows is copied up to bptr, which may be
                        # one past the line: its last byte (or the NUL) comes again
                        break
                    buf = new + b"\0"
                    bptr = hunk = 0
                    limit = line_end = _trailing(buf, len(new))
                    line_end_len = len(new) - limit
                    state = 0
                elif inc > 1:  # a multibyte character
                    if state == 2:  # the enclosure before it closed the field
                        temp += buf[hunk : bptr - 1]
                        hunk = bptr
                        break
                    bptr += inc
                    if state == 1:
                        temp += buf[hunk:bptr]
                        hunk = bptr
                        state = 0
                elif state == 1:  # escaped: this byte cannot close the field
                    bptr += 1
                    state = 0
                elif state == 2:  # an enclosure: doubled, or the closing one?
                    if buf[bptr] != enclosure:
                        temp += buf[hunk : bptr - 1]
                        hunk = bptr
                        break
                    temp += buf[hunk:bptr]
                    bptr += 1
                    hunk = bptr
                    state = 0
                else:
                    if buf[bptr] == enclosure:
                        state = 2
                    elif escape is not None and buf[bptr] == escape:
                        state = 1
                    bptr += 1
                inc = mblen(bptr)
            # what follows the closing enclosure, up to a delimiter, is kept
            bptr, inc = _to_delimiter(buf, bptr, inc, delimiter, mblen)
            temp += buf[hunk:bptr]
            bptr += inc
            values.append(bytes(temp))
        else:
            # 2B. a field without enclosure
            hunk = bptr
            bptr, inc = _to_delimiter(buf, bptr, inc, delimiter, mblen)
            temp += buf[hunk:bptr]
            values.append(bytes(temp[: _trailing(temp, len(temp))]))
            if buf[bptr] == delimiter:
                bptr += 1
        if inc <= 0:
            return values


def _to_delimiter(
    buf: bytes, bptr: int, inc: int, delimiter: int, mblen: Callable[[int], int]
) -> tuple[int, int]:
    """quit_loop_2 / quit_loop_4: on to the delimiter (a single-byte character)
    or the end of the line; returns the position and its character's length."""
    while inc != 0:
        if inc < 0:
            inc = 1
        if inc == 1 and buf[bptr] == delimiter:
            break
        bptr += inc
        inc = mblen(bptr)
    return bptr, inc


def format_csv(
    fields: Iterable[bytes],
    delimiter: int,
    enclosure: int,
    escape: int | None,
    eol: bytes | None,
) -> bytes:
    """php_fputcsv: the CSV line of ``fields`` (each already PHP's string of the
    value); ``eol`` None is ``\\n``."""
    out = bytearray()
    special = {delimiter, enclosure, 0x0A, 0x0D, 0x09, 0x20}
    if escape is not None:
        special.add(escape)
    parts = list(fields)
    for k, field in enumerate(parts):
        if special.intersection(field):
            out.append(enclosure)
            escaped = False
            for byte in field:
                if escape is not None and byte == escape:
                    escaped = True
                elif not escaped and byte == enclosure:
                    out.append(enclosure)
                else:
                    escaped = False
                out.append(byte)
            out.append(enclosure)
        else:
            out += field
        if k + 1 != len(parts):
            out.append(delimiter)
    out += b"\n" if eol is None else eol
    return bytes(out)
