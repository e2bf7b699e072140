"""The optional C speedups (core/_speedups.c): whether they are active, and the fast entries.

Theory of operation: the C module, when it was built and ``PHPSTREAMS_PURE_PYTHON``
is not set, provides two things. ``ReadBuffer`` replaces the Python class of
:mod:`.readbuffer` (the same attributes and methods), so every stream's buffer
work runs in C. ``FastEntry`` stands for a hot facade function (fgets, fread,
fwrite, fputs, stream_get_line, fgetc, feof): a call with exact argument types
on a plain socket stream with no filter is done in C, mirroring the Python
code step for step (the reads also on a TLS stream: its first SSL_read in C,
everything after a failed one in ``TLSOps.resume_read``); every other call goes,
untouched, to the Python function, which stays the reference. :func:`fast_entry`
applies it (not when tracing: ``PHPSTREAMS_TRACE`` wants every call to go through
its Python wrapper);
:mod:`.sockops` gives the C module the classes it may handle (``configure``),
``phpstreams.tls.io`` the TLS ones (``configure_tls``).
``select_plain`` is stream_select's C path, called by :mod:`.selecting`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar, cast

from . import trace

__all__ = ["ACTIVE", "PURE_PYTHON", "fast_entry", "native"]

F = TypeVar("F", bound=Callable[..., Any])

PURE_PYTHON = os.environ.get("PHPSTREAMS_PURE_PYTHON", "") not in ("", "0")

native: ModuleType | None = None
if not PURE_PYTHON:
    try:
        from . import _speedups as native
    except ImportError:  # not built (no compiler at install time): pure Python
        native = None

ACTIVE = native is not None
def fast_entry(name: str, helper: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Put the C fast path of ``name`` in front of the facade function (when active).

    The result keeps the function's name, docstring, ``__php_signature__`` and
    ``__wrapped__``; its ``python`` attribute is the function itself.
    """

    def decorate(function: F) -> F:
        if native is None or trace.ENABLED:
            return function
        entry = native.FastEntry(name, function, helper)
        functools.update_wrapper(entry, function)
        return cast(F, entry)

    return decorate
