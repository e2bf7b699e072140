"""Conversions between Python values and the PHP values they stand for."""

from __future__ import annotations

import decimal
import math
import re

from .resources import php_type_name

__all__ = [
    "php_float_str",
    "php_int",
    "php_truthy",
    "php_type_name",
]


def php_float_str(value: float, precision: int = 14) -> str:
    """A float as PHP's ``(string)`` cast shows it (ini ``precision``, 14 by default).

    php-src main/snprintf.c: php_gcvt -- shortest of fixed or ``1.0E+30`` form;
    precision 0 counts as 1, and -1 means the shortest repr (zend_gcvt mode 0,
    with 17 as the limit of the fixed form).
    """
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    if precision == -1:
        exact = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
        digits = "".join(map(str, exact.digits)).rstrip("0") or "0"
        decpt = len(exact.digits) + int(exact.exponent)
        precision = 17
    else:
        precision = max(precision, 1)
        mantissa, exponent = f"{abs(value):.{precision - 1}e}".split("e")
        digits = mantissa.replace(".", "").rstrip("0") or "0"
        decpt = int(exponent) + 1
    if decpt < -3 or decpt > precision:
        rest = digits[1:] or "0"
        exp = decpt - 1
        return f"{sign}{digits[0]}.{rest}E{'+' if exp >= 0 else '-'}{abs(exp)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return f"{sign}{digits}{'0' * (decpt - len(digits))}"
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def php_truthy(value: object) -> bool:
    """zend_is_true: PHP's boolean value of a Python stand-in for a PHP value."""
    if isinstance(value, (str, bytes)):
        return value not in ("", "0", b"", b"0")
    return bool(value)


def php_int(value: object) -> int:
    """zval_get_long: the integer PHP makes of a value (numeric prefix of strings)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return 0 if math.isnan(value) or math.isinf(value) else int(value)
    if isinstance(value, (str, bytes)):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        match = _NUMERIC_PREFIX.match(text)
        if not match:
            return 0
        number = float(match.group(0))
        return int(number) if math.isfinite(number) else 0
    if value is None:
        return 0
    return 1


_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

