"""Persistent streams (pfsockopen, STREAM_CLIENT_PERSISTENT): one pool per process.

PHP keeps them in its persistent list, keyed by the function and the address;
a pooled stream that is still alive is returned as it is, a dead one is closed
and replaced. ``fclose`` really closes a persistent stream, for every holder.
"""

from __future__ import annotations

from .stream import StreamResource

__all__ = ["clear", "keep", "lookup", "release"]

_pool: dict[str, StreamResource] = {}


def lookup(key: str) -> StreamResource | None:
    """A live persistent stream for ``key``; a dead one is closed and forgotten."""
    resource = _pool.get(key)
    if resource is None:
        return None
    stream = resource.stream
    if stream is not None and stream.alive():
        return resource
    del _pool[key]
    if stream is not None:
        stream.close()
    resource.stream = None
    return None


def keep(key: str, resource: StreamResource) -> None:
    _pool[key] = resource


def release(resource: StreamResource) -> None:
    """fclose of a persistent stream: it leaves the pool."""
    key = resource.persistent_key
    if key is not None and _pool.get(key) is resource:
        del _pool[key]


def clear() -> None:
    """Close every pooled stream (a test's teardown; PHP's process end)."""
    for resource in list(_pool.values()):
        if resource.stream is not None:
            resource.stream.close()
            resource.stream = None
    _pool.clear()
