"""PHP resources: stream and stream-context objects, their ids and validation.

A resource object is always truthy, has no public constructor and, like PHP's,
prints as ``resource(5) of type (stream)``. Once closed it prints as
``resource(5) of type (Unknown)`` and every stream function raises PHP 8's
``TypeError`` for it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, final

if TYPE_CHECKING:
    from ._stream import SocketStream

__all__ = [
    "ContextResource",
    "Resource",
    "StreamResource",
    "get_resource_id",
    "get_resource_type",
    "is_resource",
    "require_stream",
]

# php -r: ids 1-3 are STDIN/STDOUT/STDERR and 4 the CLI's own; user resources start at 5.
_ids = itertools.count(5)


class Resource:
    """Base of the PHP resource types."""

    __slots__ = ("_id",)

    def __init__(self) -> None:
        self._id = next(_ids)

    @property
    def _type(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"resource({self._id}) of type ({self._type})"


@final
class StreamResource(Resource):
    """A PHP stream resource (``stream`` or ``persistent stream``)."""

    __slots__ = ("__weakref__", "_persistent_key", "_stream")

    def __init__(self, stream: SocketStream, persistent_key: str | None = None) -> None:
        super().__init__()
        self._stream: SocketStream | None = stream
        self._persistent_key = persistent_key

    @property
    def _type(self) -> str:
        if self._stream is None:
            return "Unknown"
        return "persistent stream" if self._persistent_key is not None else "stream"

    def __del__(self) -> None:
        # PHP frees a resource when its last reference goes; a persistent one lives on.
        stream = getattr(self, "_stream", None)
        if stream is not None and self._persistent_key is None:
            stream.close()


@final
class ContextResource(Resource):
    """A PHP stream context (``stream-context``)."""

    __slots__ = ("notification", "options")

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, dict[str, Any]] = {}
        self.notification: Any = None

    @property
    def _type(self) -> str:
        return "stream-context"


def require_stream(function: str, stream: object) -> SocketStream:
    """The live stream behind a resource argument, or PHP 8's TypeError."""
    if isinstance(stream, StreamResource):
        if stream._stream is not None:
            return stream._stream
        raise TypeError(f"{function}(): supplied resource is not a valid stream resource")
    given = php_type_name(stream)
    raise TypeError(f"{function}(): Argument #1 ($stream) must be of type resource, {given} given")


def php_type_name(value: object) -> str:
    """The type name PHP 8 puts in a TypeError (``string``, ``int``, ``null``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, (str, bytes, bytearray)):
        return "string"
    if isinstance(value, (list, dict)):
        return "array"
    if isinstance(value, Resource):
        return "resource"
    return type(value).__name__


def is_resource(value: object) -> bool:
    """PHP's ``is_resource()``: true for a resource that is still open."""
    return isinstance(value, Resource) and value._type != "Unknown"


def get_resource_type(resource: object) -> str:
    """PHP's ``get_resource_type()``."""
    if not isinstance(resource, Resource):
        raise TypeError(
            "get_resource_type(): Argument #1 ($resource) must be of type resource, "
            f"{php_type_name(resource)} given"
        )
    return resource._type


def get_resource_id(resource: object) -> int:
    """PHP's ``get_resource_id()``."""
    if not isinstance(resource, Resource):
        raise TypeError(
            "get_resource_id(): Argument #1 ($resource) must be of type resource, "
            f"{php_type_name(resource)} given"
        )
    return resource._id
