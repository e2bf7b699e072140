"""Streams nobody closed: closed when their resource is freed, and at interpreter exit.

:class:`~.stream.StreamResource` registers each resource with :func:`track`: ONE
weak reference (a :class:`_Tracked`, which holds the stream) stands for both the
finalizer and the set of live resources -- a ``weakref.finalize`` plus a
``WeakSet`` entry cost ~460 B a stream, this ~100 B. When the resource is freed
its callback hands the stream to :func:`close_quietly`; :func:`close_at_exit`
(an atexit handler) closes what is left, as PHP's end of request does, and from
then on a freed resource closes nothing (``weakref.finalize(...).atexit = False``).
"""

from __future__ import annotations

import atexit
import weakref
from typing import Any, Protocol

__all__ = ["close_at_exit", "close_quietly", "live", "track"]


class Closable(Protocol):
    def close(self) -> None: ...


def close_quietly(stream: Closable) -> None:
    """Close a stream nobody can fclose any more (closing twice does nothing).
    Silent: a stream freed while the interpreter tears its modules down may fail
    its TLS close, but its sockets are closed all the same."""
    try:
        stream.close()
    except Exception:  # a finalizer must not raise
        pass


class _Tracked(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a resource that holds the resource's stream."""

    __slots__ = ("stream",)

    stream: Closable | None


# one per StreamResource not yet freed (a dict: ~35 B an entry, a set ~50-100)
_refs: dict[_Tracked, None] = {}
_exited = [False]


def _freed(
    ref: _Tracked,
    _discard: Any = _refs.pop,
    _exited: list[bool] = _exited,
    _close: Any = close_quietly,
) -> None:
    """The resource is gone: close its stream (bound defaults: still whole at teardown)."""
    _discard(ref, None)
    stream, ref.stream = ref.stream, None
    if stream is not None and not _exited[0]:
        _close(stream)


def track(resource: object, stream: Closable) -> None:
    """Close ``stream`` when ``resource`` is freed; list the resource in :func:`live`."""
    ref = _Tracked(resource, _freed)
    ref.stream = stream
    _refs[ref] = None


def live() -> list[Any]:
    """Every StreamResource not yet freed."""
    for _ in range(3):  # a thread may open a stream meanwhile: take the set again
        try:
            refs = list(_refs)
        except RuntimeError:
            continue
        return [r for r in (ref() for ref in refs) if r is not None]
    return []


def close_at_exit() -> None:
    """PHP's end of request and shutdown: every stream still open is closed, the
    persistent ones too, TLS with its close_notify -- while every module is whole
    (an atexit handler registered at import: it runs after those registered
    later, before the interpreter wipes the modules' globals)."""
    resources = live()
    _exited[0] = True
    for resource in resources:
        stream, resource.stream = resource.stream, None
        if stream is not None:
            close_quietly(stream)


atexit.register(close_at_exit)
