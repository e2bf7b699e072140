"""``ini_get``/``ini_set`` for the settings that change stream behaviour.

Values are kept as PHP keeps them: the string the user set; the number the
engine uses is parsed from it by :func:`parse_quantity`, a port of
php-src Zend/zend_ini.c: zend_ini_parse_quantity (PHP 8.2), warnings included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from . import diagnostics
from .diagnostics import deprecated, warning
from .values import php_float_str

__all__ = [
    "DIRECTIVES",
    "default_socket_timeout",
    "ini_get",
    "ini_restore",
    "ini_set",
    "openssl_ca",
    "parse_quantity",
    "precision",
]

_LONG_MAX = 2**63 - 1
_ULONG = 2**64
_WHITESPACE = " \t\n\r\v\f"



def _escaped(text: str) -> str:
    # php-src smart_str_append_escaped, for the characters an ini value can hold
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif code < 32 or code > 126:
            names = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\v": "\\v", "\x1b": "\\e"}
            out.append(names.get(ch, f"\\x{code:02X}" if code < 256 else ch))
        else:
            out.append(ch)
    return "".join(out)


def _strtoul(text: str, base: int) -> tuple[int, int, bool]:
    """C strtoul on ``text``: (value, characters consumed, overflowed)."""
    i = 0
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    negative = False
    if i < len(text) and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    if base == 0:
        base = 10
        if text[i : i + 2].lower() == "0x":
            base, i = 16, i + 2
        elif text[i : i + 1] == "0":
            base = 8
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    start = i
    while i < len(text) and text[i].lower() in digits:
        i += 1
    if i == start:
        return 0, 0, False
    value = int(text[start:i], base)
    overflow = value >= _ULONG
    if overflow:
        value = _ULONG - 1
    elif negative:
        value = (-value) % _ULONG
    return value, i, overflow


def parse_quantity(value: str, setting: str) -> int:
    """zend_ini_parse_quantity_warn: the integer PHP uses for an ini value."""
    result, error = _parse_quantity(value)
    if error is not None:
        warning(f'Invalid "{setting}" setting. {error}')
    return result - _ULONG if result > _LONG_MAX else result


def _parse_quantity(value: str) -> tuple[int, str | None]:
    start, end = 0, len(value)
    while start < end and value[start] in _WHITESPACE:
        start += 1
    while start < end and value[end - 1] in _WHITESPACE:
        end -= 1
    if start == end:
        return 0, None
    no_digits = (
        f'Invalid quantity "{_escaped(value)}": no valid leading digits, '
        'interpreting as "0" for backwards compatibility'
    )
    digits = start
    negative = False
    if value[digits] in "+-":
        negative = value[digits] == "-"
        digits += 1
    if not value[digits : digits + 1].isdigit():
        return 0, no_digits
    base = 0
    second = value[digits + 1 : digits + 2]
    if value[digits] == "0" and not second.isdigit():
        if digits + 1 == end:
            return 0, None
        if second in "xXoObB":
            base = {"x": 16, "o": 8, "b": 2}[second.lower()]
            digits += 2
            rest = value[digits:end].lstrip(_WHITESPACE)
            if digits == end or rest[:1] in ("+", "-") or rest != value[digits:end]:
                return 0, (
                    f'Invalid quantity "{_escaped(value)}": no digits after base prefix, '
                    'interpreting as "0" for backwards compatibility'
                )
        elif second not in "gGmMkK":
            return 0, f'Invalid prefix "0{second}", interpreting as "0" for backwards compatibility'
    result, consumed, overflow = _strtoul(value[digits:end], base)
    if not overflow:
        if negative and result == _LONG_MAX + 1:
            result = (-result) % _ULONG
        elif result > _LONG_MAX:
            overflow = True
        elif negative:
            result = (-result) % _ULONG
    if consumed == 0:
        return 0, no_digits
    digits_end = digits + consumed
    while digits_end < end and value[digits_end] in _WHITESPACE:
        digits_end += 1
    if digits_end < end:
        suffix = value[end - 1]
        factor = {"g": 1 << 30, "m": 1 << 20, "k": 1 << 10}.get(suffix.lower())
        interpreted = _escaped(value[:digits_end])
        if factor is None:
            return result, (
                f'Invalid quantity "{_escaped(value)}": unknown multiplier "{_escaped(suffix)}", '
                f'interpreting as "{interpreted}" for backwards compatibility'
            )
        signed = result - _ULONG if result > _LONG_MAX else result
        if not overflow:
            overflow = not (-(2**63) <= signed * factor <= _LONG_MAX)
        result = (result * factor) % _ULONG
        if digits_end != end - 1:
            return result, (
                f'Invalid quantity "{_escaped(value)}", interpreting as '
                f'"{interpreted}{_escaped(suffix)}" for backwards compatibility'
            )
    if overflow:
        return result, (
            f'Invalid quantity "{_escaped(value)}": value is out of range, '
            "using overflow result for backwards compatibility"
        )
    return result, None


def _to_ini_string(value: object) -> str:
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return php_float_str(value, precision())
    return str(value)


def _c_atol(text: str) -> int:
    """ZEND_ATOL: strtol's leading integer, 0 when there is none."""
    value, consumed, _ = _strtoul(text, 10)
    if not consumed:
        return 0
    return value - _ULONG if value > _LONG_MAX else value


def _precision_ok(text: str) -> bool:
    # php-src main/main.c: OnSetPrecision / OnSetSerializePrecision accept -1 and up
    return _c_atol(text) >= -1


def _socket_timeout_ok(text: str) -> bool:
    parse_quantity(text, "default_socket_timeout")  # PHP warns, and takes what it parsed
    return True


# PHP: zend_memory_usage(true) of a fresh CLI process, one 2 MiB chunk
_PHP_MEMORY_IN_USE = 2 * 1024 * 1024


def _memory_limit_ok(text: str) -> bool:
    # php-src main/main.c: OnChangeMemoryLimit (phpstreams has no memory limit to set)
    value = parse_quantity(text, "memory_limit")
    if value != -1 and value < _PHP_MEMORY_IN_USE:
        warning(
            f"Failed to set memory limit to {value} bytes "
            f"(Current memory usage is {_PHP_MEMORY_IN_USE} bytes)"
        )
        return False
    return True


def _line_endings_ok(text: str) -> bool:
    if text not in ("", "0"):
        deprecated("auto_detect_line_endings is deprecated")
    return True


def _anything(text: str) -> bool:
    return True


# The directives PHP networking code reads, with php -n's defaults. A None check
# is a directive PHP lets no script change (PHP_INI_SYSTEM / PHP_INI_PERDIR).
_DIRECTIVES: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    "default_socket_timeout": ("60", _socket_timeout_ok),
    "precision": ("14", _precision_ok),
    "serialize_precision": ("-1", _precision_ok),
    "max_execution_time": ("0", _anything),
    "memory_limit": ("128M", _memory_limit_ok),
    "user_agent": ("", _anything),
    "from": ("", _anything),
    "auto_detect_line_endings": ("0", _line_endings_ok),
    "disable_functions": ("", None),
    "allow_url_fopen": ("1", None),
    "openssl.cafile": ("", None),
    "openssl.capath": ("", None),
}
# every directive ini_get knows, error_reporting included
DIRECTIVES = (*_DIRECTIVES, "error_reporting")
_values: dict[str, str] = {name: default for name, (default, _) in _DIRECTIVES.items()}
_socket_timeout = 60


def ini_get(option: str) -> str | Literal[False]:
    """PHP's ``ini_get()``: the setting's string value, or False if unknown."""
    if option == "error_reporting":
        return diagnostics.reporting_ini()
    return _values.get(option, False)


def ini_set(option: str, value: str | int | float | bool | None) -> str | Literal[False]:
    """PHP's ``ini_set()``: the old value, or False (unknown, not changeable, refused)."""
    global _socket_timeout
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "surrogateescape")
    if value is not None and not isinstance(value, (str, int, float, bool)):
        # PHP: Z_PARAM_ZVAL, then its own check, with no "X given"
        raise TypeError(
            "ini_set(): Argument #2 ($value) must be of type string|int|float|bool|null"
        )
    if option == "error_reporting":
        old = diagnostics.reporting_ini()
        diagnostics.set_reporting_ini(_c_atol(_to_ini_string(value)))
        return old
    directive = _DIRECTIVES.get(option)
    if directive is None or directive[1] is None:
        return False
    text = _to_ini_string(value)
    if not directive[1](text):
        return False
    old = _values[option]
    _values[option] = text
    if option == "default_socket_timeout":
        _socket_timeout = _parse_quantity(text)[0]
        if _socket_timeout > _LONG_MAX:
            _socket_timeout -= _ULONG
    return old


def ini_restore(option: str) -> None:
    """PHP's ``ini_restore()``: the directive's default again."""
    global _socket_timeout
    if option == "error_reporting":
        diagnostics.set_reporting_ini(None)
        return
    directive = _DIRECTIVES.get(option)
    if directive is not None:
        _values[option] = directive[0]
        if option == "default_socket_timeout":
            _socket_timeout = 60


def default_socket_timeout() -> int:
    """The ``default_socket_timeout`` the engine uses, in whole seconds."""
    return _socket_timeout


def precision() -> int:
    """The ``precision`` the engine uses to print floats."""
    return _c_atol(_values["precision"])


def openssl_ca() -> tuple[str, str]:
    """``openssl.cafile`` and ``openssl.capath``."""
    return _values["openssl.cafile"], _values["openssl.capath"]
