"""Streams nobody closed: closed when their resource is freed, and at interpreter exit.

:class:`~.stream.StreamResource` registers each resource in :data:`live` and hands
its stream to :func:`close_quietly` in a finalizer; :func:`close_at_exit` (an atexit
handler) closes what is left, as PHP's end of request does.
"""

from __future__ import annotations

import atexit
import weakref
from typing import Any, Protocol

__all__ = ["close_at_exit", "close_quietly", "live"]


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


live: weakref.WeakSet[Any] = weakref.WeakSet()  # every StreamResource not yet freed


def close_at_exit() -> None:
    """PHP's end of request and shutdown: every stream still open is closed, the
    persistent ones too, TLS with its close_notify -- while every module is whole
    (an atexit handler registered at import: it runs after those registered
    later, before the interpreter wipes the modules' globals)."""
    for _ in range(3):  # a thread may open a stream meanwhile: take the set again
        try:
            resources = list(live)
        except RuntimeError:
            continue
        break
    else:
        return
    for resource in resources:
        stream, resource.stream = resource.stream, None
        if stream is not None:
            close_quietly(stream)


atexit.register(close_at_exit)
