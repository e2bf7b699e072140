"""PHP resources: stream and stream-context objects, their ids and validation.

A resource object is always truthy, has no public constructor and, like PHP's,
prints as ``resource(5) of type (stream)``. Once closed it prints as
``resource(5) of type (Unknown)`` and every stream function raises PHP 8's
``TypeError`` for it.
"""

from __future__ import annotations

import itertools
from typing import Any, final

__all__ = ["DEFAULT_CONTEXT_ID", "ContextResource", "Resource", "php_type_name"]

# php -r: ids 1-3 are STDIN/STDOUT/STDERR and 4 the default stream context (made
# before any script line runs, whether the script uses it or not); user resources
# start at 5.
_ids = itertools.count(5)
DEFAULT_CONTEXT_ID = 4


class Resource:
    """Base of the PHP resource types."""

    __slots__ = ("_id",)

    def __init__(self, resource_id: int | None = None) -> None:
        self._id = next(_ids) if resource_id is None else resource_id

    @property
    def _type(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"resource({self._id}) of type ({self._type})"

    def __int__(self) -> int:
        """PHP's ``(int)$fp``: the resource id (arrays of streams are keyed by it)."""
        return self._id

    def __str__(self) -> str:
        """PHP's ``(string)$fp``."""
        return f"Resource id #{self._id}"


@final
class ContextResource(Resource):
    """A PHP stream context (``stream-context``)."""

    __slots__ = ("notification", "options")

    def __init__(self, resource_id: int | None = None) -> None:
        super().__init__(resource_id)
        self.options: dict[str, dict[str, Any]] = {}
        self.notification: Any = None

    @property
    def _type(self) -> str:
        return "stream-context"


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
