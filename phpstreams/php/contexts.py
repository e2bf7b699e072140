"""Stream contexts: php-src ext/standard/streamsfuncs.c (stream_context_*).

Options are kept as PHP keeps them: ``{"wrapper": {"option": value}}``; a
stream shares its context's options, so what TLS writes back (the captured
peer certificate) shows through both.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from ..core.arguments import php_function
from ..core.resources import DEFAULT_CONTEXT_ID, ContextResource, Resource, php_type_name
from ..core.stream import StreamResource
from .signatures import STUBS

__all__ = [
    "stream_context_create",
    "stream_context_get_default",
    "stream_context_get_options",
    "stream_context_get_params",
    "stream_context_set_default",
    "stream_context_set_option",
    "stream_context_set_params",
]

_default: ContextResource | None = None
_FORM_ERROR = 'Options should have the form ["wrappername"]["optionname"] = $value'
_UNSET: Any = object()
_INT_KEY = re.compile(r"-?[1-9][0-9]*|0")


def _items(array: object) -> list[tuple[object, object]]:
    """A Python stand-in for a PHP array, as PHP's key => value pairs."""
    if isinstance(array, dict):
        return list(array.items())
    if isinstance(array, (list, tuple)):
        return list(enumerate(array))
    return []


def _is_array(value: object) -> bool:
    return isinstance(value, (dict, list, tuple))


def _string_key(key: object) -> TypeGuard[str]:
    """A key PHP keeps as a string: "0", "42", "-7" become int keys in a PHP array."""
    return isinstance(key, str) and not (
        _INT_KEY.fullmatch(key) is not None and -(2**63) <= int(key) < 2**63
    )


def _parse_options(context: ContextResource, options: object) -> None:
    """parse_context_options: string wrapper keys to arrays; int option keys are dropped."""
    for wrapper, values in _items(options):
        if not _string_key(wrapper) or not _is_array(values):
            raise ValueError(_FORM_ERROR)
        for name, value in _items(values):
            if _string_key(name):
                context.options.setdefault(wrapper, {})[name] = value


def _parse_params(context: ContextResource, params: object) -> None:
    """parse_context_params: ``notification`` and ``options``."""
    pairs = dict(_items(params))
    if "notification" in pairs:
        context.notification = pairs["notification"]
    if "options" in pairs:
        if not _is_array(pairs["options"]):
            raise TypeError("Invalid stream/context parameter")
        _parse_options(context, pairs["options"])


def context_arg(function: str, context: object, argument: int) -> ContextResource:
    """A ``$context`` argument checked as php_stream_context_from_zval checks it."""
    if isinstance(context, ContextResource):
        return context
    if isinstance(context, StreamResource):
        raise TypeError(f"{function}(): supplied resource is not a valid Stream-Context resource")
    raise TypeError(
        f"{function}(): Argument #{argument} ($context) must be of type resource or null, "
        f"{php_type_name(context)} given"
    )


def _decode(function: str, value: object, name: str) -> ContextResource:
    """decode_context_param: a context, or the context of a stream (made on demand)."""
    if isinstance(value, ContextResource):
        return value
    if isinstance(value, StreamResource) and value.stream is not None:
        stream = value.stream
        if stream.context is None:
            stream.context = ContextResource()
        return stream.context
    if not isinstance(value, Resource):
        raise TypeError(
            f"{function}(): Argument #1 (${name}) must be of type resource, "
            f"{php_type_name(value)} given"
        )
    raise TypeError(f"{function}(): Argument #1 (${name}) must be a valid stream/context")


@php_function(STUBS["stream_context_create"])
def stream_context_create(
    options: dict[str, Any] | None = None, params: dict[str, Any] | None = None
) -> ContextResource:
    """PHP's ``stream_context_create()``.

    ``function stream_context_create(?array $options = null, ?array $params = null)``

    Returns ``ContextResource`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-create.php
    """
    context = ContextResource()
    if options is not None:
        _parse_options(context, options)
    if params is not None:
        _parse_params(context, params)
    return context


@php_function(STUBS["stream_context_get_options"])
def stream_context_get_options(stream_or_context: object) -> dict[str, Any]:
    """PHP's ``stream_context_get_options()``: a copy of the options array.

    ``function stream_context_get_options(resource $stream_or_context): array``

    Returns ``dict[str, Any]`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-get-options.php
    """
    context = _decode("stream_context_get_options", stream_or_context, "stream_or_context")
    return {wrapper: dict(values) for wrapper, values in context.options.items()}


@php_function(STUBS["stream_context_set_option"])
def stream_context_set_option(
    context: object,
    wrapper_or_options: str | dict[str, Any],
    option_name: str | None = None,
    value: Any = _UNSET,
) -> bool:
    """PHP's ``stream_context_set_option()``, both call forms.

    ``function stream_context_set_option(resource $context, array|string $wrapper_or_options,
        ?string $option_name = null, mixed $value = UNKNOWN): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-set-option.php
    """
    ctx = _decode("stream_context_set_option", context, "context")
    name = "stream_context_set_option()"
    if _is_array(wrapper_or_options):
        if option_name is not None:
            raise ValueError(
                f"{name}: Argument #3 ($option_name) must be null when argument #2 "
                "($wrapper_or_options) is an array"
            )
        if value is not _UNSET:
            raise ValueError(
                f"{name}: Argument #4 ($value) cannot be provided when argument #2 "
                "($wrapper_or_options) is an array"
            )
        _parse_options(ctx, wrapper_or_options)
        return True
    if option_name is None:
        raise ValueError(
            f"{name}: Argument #3 ($option_name) cannot be null when argument #2 "
            "($wrapper_or_options) is a string"
        )
    if value is _UNSET:
        raise ValueError(
            f"{name}: Argument #4 ($value) must be provided when argument #2 "
            "($wrapper_or_options) is a string"
        )
    ctx.options.setdefault(str(wrapper_or_options), {})[option_name] = value
    return True


@php_function(STUBS["stream_context_get_params"])
def stream_context_get_params(context: object) -> dict[str, Any]:
    """PHP's ``stream_context_get_params()``: notification (if set), then options.

    ``function stream_context_get_params(resource $context): array``

    Returns ``dict[str, Any]`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-get-params.php
    """
    ctx = _decode("stream_context_get_params", context, "context")
    params: dict[str, Any] = {}
    if ctx.notification is not None:
        params["notification"] = ctx.notification
    params["options"] = stream_context_get_options(ctx)
    return params


@php_function(STUBS["stream_context_set_params"])
def stream_context_set_params(context: object, params: dict[str, Any]) -> bool:
    """PHP's ``stream_context_set_params()``.

    ``function stream_context_set_params(resource $context, array $params): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-set-params.php
    """
    ctx = _decode("stream_context_set_params", context, "context")
    _parse_params(ctx, params)
    return True


@php_function(STUBS["stream_context_get_default"])
def stream_context_get_default(options: dict[str, Any] | None = None) -> ContextResource:
    """PHP's ``stream_context_get_default()``: the process-wide default context.

    ``function stream_context_get_default(?array $options = null)``

    Returns ``ContextResource`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-get-default.php
    """
    default = default_context()
    if options is not None:
        _parse_options(default, options)
    return default


def default_context() -> ContextResource:
    """The default context (what stream_context_get_default() returns), without the
    argument layer: the functions that fall back on it call this."""
    global _default
    if _default is None:
        _default = ContextResource(DEFAULT_CONTEXT_ID)  # PHP: resource(4), made at startup
    return _default


@php_function(STUBS["stream_context_set_default"])
def stream_context_set_default(options: dict[str, Any]) -> ContextResource:
    """PHP's ``stream_context_set_default()``.

    ``function stream_context_set_default(array $options)``

    Returns ``ContextResource`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-context-set-default.php
    """
    return stream_context_get_default(options)
