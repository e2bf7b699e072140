"""PHP 8.2's coercive-mode argument conversions, for an internal function.

php-src Zend/zend_API.c (zend_parse_arg_long_weak, _double_weak, _str_weak,
_bool_weak, zend_parse_arg_func), Zend/zend_execute.c
(zend_verify_weak_scalar_type_hint: a union tries int, then float, then string,
then bool), Zend/zend_operators.c (_is_numeric_string_ex). Each coercer takes a
:class:`Site` -- the function, the argument's number, the parameter -- and a
value; it returns the converted value, emitting PHP's E_DEPRECATED texts on the
way, or raises PHP's TypeError. :mod:`.arguments` calls them only for a value
that is not already of the exact Python type the parameter wants.

Python stand-ins: None is null; bool, int, float; ``str`` and ``bytes``
(``bytearray``/``memoryview`` too) are PHP strings; list, tuple and dict are
arrays; :class:`Resource` objects are resources; a Python callable is a PHP
callable. A ``string`` parameter hands the body a ``str`` (bytes decoded as
UTF-8, surrogateescape), or ``bytes`` for a ``binary`` site (a ``str`` is encoded
the same way). A float becomes a string with the ini ``precision`` (14):
``1.0E+20``, ``-0``, ``0.3``; a float in a deprecation is printed shortest
(``0.30000000000000004``). Python ints are PHP ints, without a range check.
"""

from __future__ import annotations

import functools
import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from . import diagnostics, ini
from .diagnostics import deprecated
from .ref import Ref
from .resources import Resource
from .values import php_float_str, php_type_name

__all__ = [
    "REFERENCE_HINT",
    "ArgumentCountError",
    "Site",
    "coerce_callable",
    "coerce_object",
    "coerce_reference",
    "coerce_resource",
    "coerce_scalar",
    "coerce_string",
    "coerce_variadic",
    "count_error",
    "numeric",
    "php_string",
]

# Appended to PHP's "cannot be passed by reference": how to pass one from Python.
REFERENCE_HINT = ": pass a phpstreams.Ref"

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*([+-]?(?:([0-9]+)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)[ \t\n\r\v\f]*\Z"
)
_STRINGS = (str, bytes, bytearray, memoryview)
_ARRAYS = (list, tuple, dict)
_CALLABLES = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)
_SCALARS = {"int", "float", "string", "bool"}


@dataclass(frozen=True)
class Site:
    """One parameter of one function, as its coercer and messages need it.

    ``members``: the type's members (builtin names lowercase, ``null`` when
    nullable); ``type_text``: the type as PHP's messages write it.
    """

    function: str
    number: int
    name: str
    members: tuple[str, ...]
    type_text: str
    optional: bool = False
    variadic: bool = False
    classes: tuple[type, ...] = ()
    binary: bool = False

    @property
    def nullable(self) -> bool:
        return "null" in self.members

    def type_error(self, value: object) -> NoReturn:
        raise TypeError(
            f"{self.function}(): Argument #{self.number} (${self.name}) must be of type "
            f"{self.type_text}, {given(value)} given"
        )

    def reference_error(self) -> NoReturn:
        name = "" if self.variadic else f" (${self.name})"
        raise TypeError(
            f"{self.function}(): Argument #{self.number}{name} cannot be passed by reference"
            + REFERENCE_HINT
        )


class ArgumentCountError(TypeError):
    """PHP's ArgumentCountError (a TypeError there too)."""


def count_error(function: str, low: int, high: int, given: int) -> NoReturn:
    """zend_wrong_parameters_count_error; ``high`` is -1 for a variadic function."""
    if low == high:
        word, count = "exactly", low
    elif given < low:
        word, count = "at least", low
    else:
        word, count = "at most", high
    plural = "" if count == 1 else "s"
    raise ArgumentCountError(f"{function}() expects {word} {count} argument{plural}, {given} given")


class _Fail(Exception):
    """The value does not coerce to the type (the caller raises PHP's TypeError)."""


def text(value: object) -> str:
    """A Python stand-in for a PHP string as ``str`` (bytes: UTF-8, surrogateescape)."""
    if isinstance(value, str):
        return value
    data: bytes = bytes(value)  # type: ignore[call-overload]
    return data.decode("utf-8", "surrogateescape")


def numeric(value: object) -> int | float | None:
    """is_numeric_string: the number a string is (whitespace around allowed), or None."""
    match = _NUMERIC.match(text(value))
    if match is None:
        return None
    if match.group(2) is not None and match.group(3) is None and match.group(4) is None:
        number = int(match.group(1))
        if _LONG_MIN <= number <= _LONG_MAX:
            return number
    return float(match.group(1))


def given(value: object) -> str:
    """zend_zval_type_name of the PHP value a Python value stands for."""
    if isinstance(value, _STRINGS):
        return "string"
    if isinstance(value, _ARRAYS):
        return "array"
    if isinstance(value, _CALLABLES) or inspect.isroutine(value):
        return "Closure"
    return php_type_name(value)


def _deprecate(message: str) -> None:
    deprecated(message)
    diagnostics.raise_pending()  # a handler threw: zpp fails, the body does not run


def _fits(number: float) -> bool:
    """ZEND_DOUBLE_FITS_LONG, NaN excluded."""
    return -(2.0**63) <= number < 2.0**63


def _to_int(value: object) -> int:
    """zend_parse_arg_long_weak."""
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, _STRINGS):
        number = numeric(value)
        if number is None:
            raise _Fail
        if isinstance(number, int):
            return number
        if not _fits(number):
            raise _Fail
        if int(number) != number:
            _deprecate(
                f'Implicit conversion from float-string "{text(value)}" to int loses precision'
            )
        return int(number)
    if isinstance(value, float):
        if not _fits(value):
            raise _Fail
        if int(value) != value:
            _deprecate(
                f"Implicit conversion from float {php_float_str(value, -1)} to int loses precision"
            )
        return int(value)
    raise _Fail


def _to_float(value: object) -> float:
    """zend_parse_arg_double_weak."""
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, _STRINGS):
        number = numeric(value)
        if number is not None:
            return float(number)
    raise _Fail


def _to_string(value: object, binary: bool) -> str | bytes:
    """zend_parse_arg_str_weak (no objects: a Python object has no __toString)."""
    if isinstance(value, _STRINGS):
        if not binary:
            return text(value)
        return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)
    if isinstance(value, bool):
        result = "1" if value else ""
    elif isinstance(value, int):
        result = str(value)
    elif isinstance(value, float):
        result = php_float_str(value, ini.precision())
    else:
        raise _Fail
    return result.encode("ascii") if binary else result


def php_string(value: object) -> str:
    """zval_get_string: the string PHP makes of any value (``Array`` with its warning)."""
    if value is None:
        return ""
    if isinstance(value, _ARRAYS):
        diagnostics.warning("Array to string conversion")
        return "Array"
    try:
        return str(_to_string(value, False))
    except _Fail:
        return str(value)


def _to_bool(value: object) -> bool:
    """zend_parse_arg_bool_weak: zend_is_true of a scalar."""
    if isinstance(value, (bool, int, float)):
        return bool(value)
    if isinstance(value, _STRINGS):
        return text(value) not in ("", "0")
    raise _Fail


def _weak(site: Site, value: object) -> object:
    """zend_verify_weak_scalar_type_hint: int, then float, then string, then bool."""
    members = site.members
    if "int" in members:
        if "float" in members and isinstance(value, _STRINGS):
            number = numeric(value)
            if number is not None:
                return number
        else:
            try:
                return _to_int(value)
            except _Fail:
                pass
    if "float" in members:
        try:
            return _to_float(value)
        except _Fail:
            pass
    try:
        if "string" in members:
            return _to_string(value, site.binary)
        if "bool" in members:
            return _to_bool(value)
    except _Fail:
        pass
    site.type_error(value)


def coerce_scalar(site: Site, value: object) -> object:
    """A scalar-, array- or class-typed parameter (one type or a union)."""
    members = site.members
    if value is None:
        if "null" in members:
            return None
        if not _SCALARS.intersection(members):
            site.type_error(value)
        _deprecate(
            f"{site.function}(): Passing null to parameter #{site.number} (${site.name}) "
            f"of type {site.type_text} is deprecated"
        )
        return _weak(site, False)  # null converts as false does: 0, 0.0, "", false
    if isinstance(value, bool):
        exact = "bool" in members
    elif isinstance(value, int):
        exact = "int" in members
    elif isinstance(value, float):
        exact = "float" in members
    elif isinstance(value, _STRINGS):
        if "string" in members:
            return _to_string(value, site.binary)
        exact = False
    elif isinstance(value, _ARRAYS):
        if "array" in members:
            return value
        site.type_error(value)
    elif site.classes and isinstance(value, site.classes):
        return value
    else:
        site.type_error(value)
    return value if exact else _weak(site, value)


def coerce_string(site: Site, value: object) -> object:
    """A ``string`` parameter: str and bytes convert to the flavour at once."""
    if type(value) is str:
        return value.encode("utf-8", "surrogateescape") if site.binary else value
    if type(value) is bytes:
        return value if site.binary else value.decode("utf-8", "surrogateescape")
    return coerce_scalar(site, value)


def coerce_resource(site: Site, value: object) -> object:
    """Z_PARAM_RESOURCE(_OR_NULL): any resource, open or closed, of any kind."""
    if isinstance(value, Resource) or (value is None and site.nullable):
        return value
    site.type_error(value)


def coerce_object(site: Site, value: object) -> object:
    """Z_PARAM_OBJECT: any Python object that stands for no other PHP type."""
    if value is None and site.nullable:
        return None
    if value is None or isinstance(value, (bool, int, float, *_STRINGS, *_ARRAYS, Resource)):
        site.type_error(value)
    return value


def coerce_callable(site: Site, value: object) -> object:
    """zend_parse_arg_func: a Python callable; PHP's texts for the rest."""
    if callable(value) or (value is None and site.nullable):
        return value
    if isinstance(value, _STRINGS):
        reason = f'function "{text(value)}" not found or invalid function name'
    elif isinstance(value, _ARRAYS) and len(value) != 2:
        reason = "array callback must have exactly two members"
    elif isinstance(value, _ARRAYS):
        reason = "first array member is not a valid class name or object"
    else:
        reason = "no array or string given"
    nullable = " or null" if site.nullable else ""
    raise TypeError(
        f"{site.function}(): Argument #{site.number} (${site.name}) must be a valid "
        f"callback{nullable}, {reason}"
    )


def coerce_reference(site: Site, value: object) -> object:
    """By reference: the list/dict itself for an array type, else a Ref (None if optional)."""
    if "array" in site.members:
        if isinstance(value, (list, dict)) or (value is None and site.nullable):
            return value
        if isinstance(value, tuple):  # cannot be changed in place: as a PHP literal
            site.reference_error()
        site.type_error(value)
    if isinstance(value, Ref) or (value is None and site.optional and not site.variadic):
        return value
    site.reference_error()


def coerce_variadic(site: Site, by_ref: bool, values: tuple[object, ...]) -> tuple[object, ...]:
    """Each argument a variadic parameter collects, numbered from the site's."""
    coerce: Callable[[Site, object], object] = coerce_reference if by_ref else coerce_scalar
    if not by_ref and (not site.members or "mixed" in site.members):
        return values
    return tuple(
        coerce(
            Site(
                site.function,
                site.number + k,
                site.name,
                site.members,
                site.type_text,
                True,
                True,
                site.classes,
                site.binary,
            ),
            value,
        )
        for k, value in enumerate(values)
    )
