"""PHP's scanf engine: php-src ext/standard/scanf.c, sans-IO.

Theory of operation: :func:`validate_format` is ValidateFormat -- it walks the
format once, counts how often each variable is assigned, and raises PHP 8's
ValueError texts for a malformed format or a variable count that does not fit;
it returns how many values the scan yields. :func:`scan` is
php_sscanf_internal: it walks the format against the input, one directive at a
time, and stops at the end of the format, at the end of the input
(``underflow``) or at the first mismatch. Its result is what the PHP function
returns: in array form (no variables) a list of ``totalVars`` slots, ``None``
for the slots no conversion filled, or ``None`` altogether when the input ended
before any conversion; in by-reference form the values go to the slots given,
and the result is the number of conversions (suppressed ones included), or -1
when the input ended before any.

Both strings are C strings there: everything from a NUL byte on is ignored.
Characters are bytes, classified as the C locale does (``isspace``,
``isdigit``); a ``%[`` range compares bytes as signed chars, as C does.

Quirks kept (``# PHP:``): ``%c`` is scanned like ``%s`` with width 1 and no
leading-space skip, so it stops at white space and yields ``""`` there;
suppressed conversions count in the by-reference result; ``%u`` of a value
above PHP_INT_MAX (a negative one, too) gives a decimal string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

__all__ = ["SCAN_MAX_ARGS", "ScanValue", "scan", "validate_format"]

SCAN_MAX_ARGS = 0xFF  # php-src ext/standard/scanf.h
_BUF = 64  # the temporary buffer of a number: at most 63 characters
_SPACE = frozenset(b" \t\n\r\v\f")
_DIGITS = frozenset(b"0123456789")
_LONG_MAX, _ULONG_MAX = 2**63 - 1, 2**64 - 1
_NUMBER_OPS = {
    ord("d"): 10,
    ord("D"): 10,
    ord("i"): 0,
    ord("o"): 8,
    ord("x"): 16,
    ord("X"): 16,
    ord("u"): 10,
}
_VALID = frozenset(b"ndDioxXufeEgsc[")

ScanValue = Union[int, float, bytes, None]  # noqa: UP007 (a runtime alias on 3.10)


def _cstr(data: bytes) -> bytes:
    """A C string's content: up to the first NUL."""
    end = data.find(b"\0")
    return data if end < 0 else data[:end]


def _strtoul(data: bytes, pos: int) -> tuple[int, int]:
    """ZEND_STRTOUL(s, &end, 10) on a run of digits: (value, end)."""
    end = pos
    while end < len(data) and data[end] in _DIGITS:
        end += 1
    return (min(int(data[pos:end]), _ULONG_MAX) if end > pos else 0), end


def _at(data: bytes, pos: int) -> int:
    """The byte at ``pos``, 0 past the end (the C string's terminator)."""
    return data[pos] if pos < len(data) else 0


def validate_format(format: bytes, num_vars: int) -> int:
    """ValidateFormat: the number of values the scan yields, or PHP's ValueError."""
    fmt = _cstr(format)
    nassign: dict[int, int] = {}
    xpg_size = obj_index = 0
    got_xpg = got_sequential = False
    i = 0

    def bad_index() -> ValueError:
        if got_xpg:
            return ValueError('"%n$" argument index out of range')
        return ValueError("Different numbers of variable names and field specifiers")

    while i < len(fmt):
        ch = fmt[i]
        i += 1
        if ch != 0x25:  # '%'
            continue
        ch = _at(fmt, i)
        i += 1
        if ch == 0x25:
            continue
        suppress = False
        if ch == 0x2A:  # '*'
            suppress = True
            ch = _at(fmt, i)
            i += 1
        elif ch in _DIGITS:
            value, end = _strtoul(fmt, i - 1)
            if _at(fmt, end) == 0x24:  # '$': an XPG3 position
                i = end + 1
                ch = _at(fmt, i)
                i += 1
                got_xpg = True
                if got_sequential:
                    raise ValueError('cannot mix "%" and "%n$" conversion specifiers')
                obj_index = value - 1
                if obj_index < 0 or (num_vars and obj_index >= num_vars):
                    raise bad_index()
                if num_vars == 0:
                    if value > SCAN_MAX_ARGS:
                        raise bad_index()
                    xpg_size = max(xpg_size, value)
            else:
                got_sequential = True
                if got_xpg:
                    raise ValueError('cannot mix "%" and "%n$" conversion specifiers')
        else:
            got_sequential = True
            if got_xpg:
                raise ValueError('cannot mix "%" and "%n$" conversion specifiers')
        if ch in _DIGITS:  # a width
            _, i = _strtoul(fmt, i - 1)
            ch = _at(fmt, i)
            i += 1
        if ch in b"lLh":  # a size: ignored
            ch = _at(fmt, i)
            i += 1
        if not suppress and num_vars and obj_index >= num_vars:
            raise bad_index()
        if ch == 0x5B:  # '[': the set must be closed
            if _at(fmt, i) == 0:
                raise ValueError("Unmatched [ in format string")
            ch = fmt[i]
            i += 1
            if ch == 0x5E:  # '^'
                if _at(fmt, i) == 0:
                    raise ValueError("Unmatched [ in format string")
                ch = fmt[i]
                i += 1
            if ch == 0x5D:  # ']' first is a member
                if _at(fmt, i) == 0:
                    raise ValueError("Unmatched [ in format string")
                ch = fmt[i]
                i += 1
            while ch != 0x5D:
                if _at(fmt, i) == 0:
                    raise ValueError("Unmatched [ in format string")
                ch = fmt[i]
                i += 1
        elif ch not in _VALID:
            # PHP: the message is cut at a NUL character (a '%' ending the format)
            shown = "" if ch == 0 else chr(ch) + '"'
            raise ValueError(f'Bad scan conversion character "{shown}')
        if not suppress:
            nassign[obj_index] = nassign.get(obj_index, 0) + 1
            obj_index += 1
    if num_vars == 0:
        num_vars = xpg_size or obj_index
    for k in range(num_vars):
        if nassign.get(k, 0) > 1:
            raise ValueError('Variable is assigned by multiple "%n$" conversion specifiers')
        if not xpg_size and nassign.get(k, 0) == 0:
            raise ValueError("Variable is not assigned by any conversion specifiers")
    return num_vars


def _signed(byte: int) -> int:
    return byte - 256 if byte >= 128 else byte


def _char_set(fmt: bytes, i: int) -> tuple[Callable[[int], bool], int]:
    """BuildCharSet: the membership test of ``%[...]`` starting at ``fmt[i]``
    (after the ``[``), and the index after its ``]``."""
    exclude = _at(fmt, i) == 0x5E
    if exclude:
        i += 1
    chars: set[int] = set()
    ranges: list[tuple[int, int]] = []
    ch = _at(fmt, i)
    i += 1
    start = ch
    if ch in (0x5D, 0x2D):  # ']' or '-' first: a member
        chars.add(ch)
        ch = _at(fmt, i)
        i += 1
    while ch != 0x5D:
        nxt = _at(fmt, i)
        if nxt == 0x2D:  # may start a range: not added yet
            start = ch
        elif ch == 0x2D:
            if nxt == 0x5D:  # a trailing '-': the character before, and '-'
                chars.update((start, ch))
            else:
                ch = nxt
                i += 1
                low, high = sorted((_signed(start), _signed(ch)))
                ranges.append((low, high))
        else:
            chars.add(ch)
        ch = _at(fmt, i)
        i += 1

    def member(byte: int) -> bool:
        found = byte in chars or any(lo <= _signed(byte) <= hi for lo, hi in ranges)
        return found != exclude

    return member, i


def _strtol(digits: bytes, base: int, unsigned: bool) -> int:
    """ZEND_STRTOL / ZEND_STRTOUL of the accumulated number (already well formed)."""
    text = digits.decode("ascii")
    negative = text.startswith("-")
    body = text.lstrip("+-")
    if base == 16 and body[:2].lower() == "0x":
        body = body[2:]
    magnitude = int(body, base) if body else 0
    if unsigned:  # strtoul: a '-' negates modulo 2**64; overflow clamps to ULONG_MAX
        if magnitude > _ULONG_MAX:
            return -1  # ULONG_MAX seen as a signed long
        value = (-magnitude) % 2**64 if negative else magnitude
        return value - 2**64 if value > _LONG_MAX else value
    value = -magnitude if negative else magnitude
    return max(-_LONG_MAX - 1, min(_LONG_MAX, value))


def scan(
    string: bytes, format: bytes, slots: int
) -> tuple[list[ScanValue] | int | None, dict[int, ScanValue]]:
    """php_sscanf_internal: scan ``string`` by ``format``.

    ``slots``: the number of by-reference variables (0: array form). Returns
    ``(result, assigned)``: ``result`` is the PHP return value (the array, None,
    the count or -1); ``assigned`` maps a variable's index to its new value (by
    reference only). Raises PHP's ValueError for a bad format.
    """
    total = validate_format(format, slots)
    string, fmt = _cstr(string), _cstr(format)
    values: list[ScanValue] = [None] * total
    assigned: dict[int, ScanValue] = {}

    def store(index: int, value: ScanValue) -> None:
        if slots:
            assigned[index] = value
        else:
            values[index] = value

    s = i = nconversions = obj_index = 0
    underflow = False
    n = len(string)
    while i < len(fmt):
        ch = fmt[i]
        i += 1
        if ch in _SPACE:  # white space in the format skips white space in the input
            while s < n and string[s] in _SPACE:
                s += 1
            continue
        if ch == 0x25 and _at(fmt, i) != 0x25:
            ch = _at(fmt, i)
            i += 1
        else:  # a literal (or %%)
            if ch == 0x25:
                i += 1
            if s >= n:
                underflow = True
                break
            s += 1
            if string[s - 1] != ch:
                break
            continue
        suppress = False
        if ch == 0x2A:
            suppress = True
            ch = _at(fmt, i)
            i += 1
        elif ch in _DIGITS:
            value, end = _strtoul(fmt, i - 1)
            if _at(fmt, end) == 0x24:
                i = end + 1
                ch = _at(fmt, i)
                i += 1
                obj_index = value - 1
        width = 0
        if ch in _DIGITS:
            width, i = _strtoul(fmt, i - 1)
            ch = _at(fmt, i)
            i += 1
        if ch in b"lLh":
            ch = _at(fmt, i)
            i += 1
        if ch == 0x6E:  # 'n': the count of input characters so far
            if not suppress:
                store(obj_index, s)
                obj_index += 1
            nconversions += 1
            continue
        noskip = ch in b"c["
        if ch == 0x63 and width == 0:  # PHP: %c is %1s without the white-space skip
            width = 1
        if s >= n:
            underflow = True
            break
        if not noskip:
            while s < n and string[s] in _SPACE:
                s += 1
            if s >= n:
                underflow = True
                break
        if ch in b"sc":
            left = width or -1
            end = s
            while end < n and string[end] not in _SPACE:
                end += 1
                left -= 1
                if left == 0:
                    break
            if not suppress:
                store(obj_index, string[s:end])
                obj_index += 1
            s = end
        elif ch == 0x5B:
            member, i = _char_set(fmt, i)
            left = width or -1
            end = s
            while end < n and member(string[end]):
                end += 1
                left -= 1
                if left == 0:
                    break
            if end == s:  # nothing matched the set: the scan stops
                break
            if not suppress:
                store(obj_index, string[s:end])
                obj_index += 1
            s = end
        elif ch in _NUMBER_OPS:
            got = _scan_int(string, s, width, _NUMBER_OPS[ch])
            if isinstance(got, bool):
                underflow = got
                break
            digits, base, s = got
            if not suppress:
                number = _strtol(digits, base, ch == 0x75)
                if ch == 0x75 and number < 0:  # PHP: beyond PHP_INT_MAX, a string
                    store(obj_index, str(number % 2**64).encode("ascii"))
                else:
                    store(obj_index, number)
                obj_index += 1
        else:  # f e E g
            got_float = _scan_float(string, s, width)
            if isinstance(got_float, bool):
                underflow = got_float
                break
            digits, s = got_float
            if not suppress:
                store(obj_index, float(digits.decode("ascii")))
                obj_index += 1
        nconversions += 1
    if underflow and nconversions == 0:
        return (-1 if slots else None), {}
    if slots:
        return nconversions, assigned
    return values, {}


_NODIGITS, _NOZERO, _SIGNOK, _XOK = 1, 2, 4, 8


def _scan_int(string: bytes, s: int, width: int, base: int) -> tuple[bytes, int, int] | bool:
    """The integer part of php_sscanf_internal: (digits, base, next index), or a
    bool when no digit was scanned (True: the input ended there, an underflow)."""
    if width == 0 or width > _BUF - 1:
        width = _BUF - 1
    flags = _SIGNOK | _NODIGITS | _NOZERO
    buf = bytearray()
    n = len(string)
    while width > 0 and s < n:
        c = string[s]
        if c == 0x30:  # '0'
            if base == 16:
                flags |= _XOK
            if base == 0:
                base = 8
                flags |= _XOK
            if flags & _NOZERO:
                flags &= ~(_SIGNOK | _NODIGITS | _NOZERO)
            else:
                flags &= ~(_SIGNOK | _XOK | _NODIGITS)
        elif 0x31 <= c <= 0x37:
            if base == 0:
                base = 10
            flags &= ~(_SIGNOK | _XOK | _NODIGITS)
        elif c in b"89":
            if base == 0:
                base = 10
            if base <= 8:
                break
            flags &= ~(_SIGNOK | _XOK | _NODIGITS)
        elif c in b"ABCDEFabcdef":
            if base <= 10:
                break
            flags &= ~(_SIGNOK | _XOK | _NODIGITS)
        elif c in b"+-":
            if not flags & _SIGNOK:
                break
            flags &= ~_SIGNOK
        elif c in b"xX":
            if not (flags & _XOK and len(buf) == 1):
                break
            base = 16
            flags &= ~_XOK
        else:
            break
        buf.append(c)
        s += 1
        width -= 1
    if flags & _NODIGITS:
        return s >= n
    if buf[-1] in b"xX":  # a trailing x after a 0: given back
        buf.pop()
        s -= 1
    return bytes(buf), base or 10, s


_PTOK, _EXPOK = 16, 32


def _scan_float(string: bytes, s: int, width: int) -> tuple[bytes, int] | bool:
    """The float part: (digits, next index), or a bool when nothing was scanned
    (True: the input ended, an underflow)."""
    if width == 0 or width > _BUF - 1:
        width = _BUF - 1
    flags = _SIGNOK | _NODIGITS | _PTOK | _EXPOK
    buf = bytearray()
    n = len(string)
    while width > 0 and s < n:
        c = string[s]
        if c in _DIGITS:
            flags &= ~(_SIGNOK | _NODIGITS)
        elif c in b"+-":
            if not flags & _SIGNOK:
                break
            flags &= ~_SIGNOK
        elif c == 0x2E:  # '.'
            if not flags & _PTOK:
                break
            flags &= ~(_SIGNOK | _PTOK)
        elif c in b"eE":
            if (flags & (_NODIGITS | _EXPOK)) != _EXPOK:
                break
            flags = (flags & ~(_EXPOK | _PTOK)) | _SIGNOK | _NODIGITS
        else:
            break
        buf.append(c)
        s += 1
        width -= 1
    if flags & _NODIGITS:
        if flags & _EXPOK:  # no digits at all
            return s >= n
        # a bad exponent ('e' and maybe a sign): given back
        last = buf.pop()
        s -= 1
        if last not in b"eE":
            buf.pop()
            s -= 1
    return bytes(buf), s
