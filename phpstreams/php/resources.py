"""PHP's resource functions: is_resource, get_resource_type, get_resource_id."""

from __future__ import annotations

from ..core.arguments import php_function
from ..core.resources import Resource, php_type_name
from .signatures import STUBS

__all__ = ["get_resource_id", "get_resource_type", "is_resource"]


@php_function(STUBS["is_resource"])
def is_resource(value: object) -> bool:
    """PHP's ``is_resource()``: true for a resource that is still open.

    ``function is_resource(mixed $value): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.is-resource.php
    """
    return isinstance(value, Resource) and value._type != "Unknown"


@php_function(STUBS["get_resource_type"])
def get_resource_type(resource: object) -> str:
    """PHP's ``get_resource_type()``.

    ``function get_resource_type(resource $resource): string``

    Returns ``str`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.get-resource-type.php
    """
    if not isinstance(resource, Resource):
        raise TypeError(
            "get_resource_type(): Argument #1 ($resource) must be of type resource, "
            f"{php_type_name(resource)} given"
        )
    return resource._type


@php_function(STUBS["get_resource_id"])
def get_resource_id(resource: object) -> int:
    """PHP's ``get_resource_id()``.

    ``function get_resource_id(resource $resource): int``

    Returns ``int`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.get-resource-id.php
    """
    if not isinstance(resource, Resource):
        raise TypeError(
            "get_resource_id(): Argument #1 ($resource) must be of type resource, "
            f"{php_type_name(resource)} given"
        )
    return resource._id
