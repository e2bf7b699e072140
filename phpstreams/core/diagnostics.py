"""PHP diagnostics: warnings, notices, deprecations, error handlers, ``@``.

Theory of operation (php-src Zend/zend.c: zend_error_impl, main/main.c:
php_error_cb): every E_WARNING/E_NOTICE/E_DEPRECATED the library raises goes
through :func:`emit`, the one emitter:

1. if an exception thrown by an error handler is pending for the PHP function
   being called, nothing more is reported (PHP: zend_call_function refuses to
   run the handler again, and the diagnostic is dropped);
2. the handler set with :func:`set_error_handler` is called when its levels
   include the diagnostic's type -- whatever ``error_reporting`` says and inside
   ``@`` too -- with ``(errno, errstr, errfile, errline)``, as many as it takes.
   Anything but ``False`` from it ends the handling; an exception it raises is
   kept and raised when the PHP function returns (:func:`raise_pending`), after
   the function has finished its work (out parameters assigned), as in PHP;
3. otherwise the standard handling: the diagnostic is recorded for
   ``error_get_last()`` (even when silenced or masked by ``error_reporting``), and
   shown with ``warnings.warn`` as a :class:`PHPWarning` / :class:`PHPNotice` /
   :class:`PHPDeprecated` whose text is PHP's message, unless ``@``
   (:func:`silence`) is active or ``error_reporting`` masks its type.

All of this state -- the last error, the handler stack, the ``error_reporting``
level, the ``@`` depth, a pending exception -- is per thread and per asyncio
task: each item is a ``ContextVar`` holding an immutable value.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "E_ALL",
    "E_DEPRECATED",
    "E_NOTICE",
    "E_WARNING",
    "PHPDeprecated",
    "PHPNotice",
    "PHPWarning",
    "defer",
    "deprecated",
    "emissions",
    "emit",
    "error_clear_last",
    "error_get_last",
    "error_reporting",
    "notice",
    "raise_pending",
    "restore_error_handler",
    "set_error_handler",
    "silence",
    "warning",
    "warning_here",
]

E_WARNING = 2
E_NOTICE = 8
E_DEPRECATED = 8192
E_ALL = 32767
# PHP 8: inside @, error_reporting is masked down to the fatal errors
# (E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_RECOVERABLE_ERROR).
_SILENCED_LEVEL = 4437


class PHPWarning(RuntimeWarning):
    """A PHP ``E_WARNING``; the message is PHP's text verbatim."""


class PHPNotice(PHPWarning):
    """A PHP ``E_NOTICE``; the message is PHP's text verbatim."""


class PHPDeprecated(PHPWarning):
    """A PHP ``E_DEPRECATED``; the message is PHP's text verbatim."""


_CATEGORIES: dict[int, type[PHPWarning]] = {E_NOTICE: PHPNotice, E_DEPRECATED: PHPDeprecated}

# PHP shows every occurrence; Python's default action shows one per location.
# Appended, so that any filter the user (or pytest) installs still wins.
warnings.filterwarnings("always", category=PHPWarning, append=True)

# The library's own layers: a frame in one of these is the library at work; any
# other frame (a user's script, an application built on the package) is a caller.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(
    os.path.join(_PACKAGE_DIR, layer) + os.sep for layer in ("php", "core", "tls", "transport")
)

Handler = Callable[..., Any]
# (callback, error_levels, how many positional arguments it takes)
_HandlerEntry = tuple[Handler, int, int]

_last: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "phpstreams_last_error", default=None
)
_silenced: contextvars.ContextVar[int] = contextvars.ContextVar("phpstreams_silenced", default=0)
# None: never set, E_ALL (the ini directive then reads "", as with php -n)
_reporting: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "phpstreams_error_reporting", default=None
)
# the handler in force, then the ones set_error_handler pushed (restore pops)
_handlers: contextvars.ContextVar[tuple[_HandlerEntry | None, ...]] = contextvars.ContextVar(
    "phpstreams_error_handlers", default=(None,)
)
_pending: contextvars.ContextVar[BaseException | None] = contextvars.ContextVar(
    "phpstreams_pending_exception", default=None
)
# How many contexts have a pending exception: lets the call boundary skip the
# ContextVar look-up in the common case.
pending_count = 0
_pending_lock = threading.Lock()
# How many diagnostics were emitted, by every thread (under its lock): a caller
# compares two readings to know whether anything was emitted in between (the TLS
# context cache caches only a build that emitted nothing).
_emitted = 0
_emitted_lock = threading.Lock()
# The tracer's list of (type, message) for the PHP call being traced (core/trace.py);
# None when nothing is traced.
tap: list[tuple[int, str]] | None = None


def _inside(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def _caller_frame() -> tuple[int, str, int]:
    """The stacklevel, file and line of the first frame outside the library."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _inside(filename):
            return level, filename, frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level, "", 0


def active_function() -> str:
    """The PHP function being called: the outermost frame inside the library."""
    frame = sys._getframe(1)
    name = ""
    while frame is not None and (_inside(frame.f_code.co_filename) or not name):
        if _inside(frame.f_code.co_filename):
            name = frame.f_code.co_name
        frame = frame.f_back  # type: ignore[assignment]
    return name


def warning_here(text: str) -> None:
    """An E_WARNING prefixed, as php_error_docref does, with the active function."""
    emit(E_WARNING, f"{active_function()}(): {text}")


def emit(error_type: int, message: str) -> None:
    """Report one PHP diagnostic: the error handler, or record and show it."""
    global pending_count, _emitted
    with _emitted_lock:
        _emitted += 1
    if pending_count and _pending.get() is not None:
        handler = _handlers.get()[0]
        if handler is not None and handler[1] & error_type:
            return  # PHP: the handler cannot run while an exception is pending: dropped
        # no handler takes it: PHP's standard handling, below
    if tap is not None:
        tap.append((error_type, message))
    level, filename, line = _caller_frame()
    handler = _handlers.get()[0]
    if handler is not None and handler[1] & error_type:
        callback, _, arity = handler
        arguments = (error_type, message, filename, line)[:arity]
        try:
            handled = callback(*arguments)
        except BaseException as exc:  # raised when the PHP function returns
            _pending.set(exc)
            with _pending_lock:
                pending_count += 1
            return
        if handled is not False:
            return
    _last.set({"type": error_type, "message": message, "file": filename, "line": line})
    reporting = _reporting.get()
    if _silenced.get() or (reporting is not None and not reporting & error_type):
        return
    warnings.warn(message, _CATEGORIES.get(error_type, PHPWarning), stacklevel=level)


def emissions() -> int:
    """How many diagnostics have been emitted so far (all threads): two equal
    readings mean nothing was emitted in between, dropped or shown."""
    return _emitted


def defer(exc: BaseException) -> None:
    """An exception thrown inside the PHP function (a user filter's, say): kept and
    raised when the function returns, as one an error handler throws."""
    global pending_count
    if _pending.get() is not None:
        return  # PHP keeps the first (the next is chained as previous; not modelled)
    _pending.set(exc)
    with _pending_lock:
        pending_count += 1


def raise_pending() -> None:
    """At a PHP function's return: raise what an error handler threw during it."""
    global pending_count
    exc = _pending.get()
    if exc is None:
        return
    _pending.set(None)
    with _pending_lock:
        pending_count -= 1
    raise exc


def warning(message: str) -> None:
    emit(E_WARNING, message)


def notice(message: str) -> None:
    emit(E_NOTICE, message)


def deprecated(message: str) -> None:
    emit(E_DEPRECATED, message)


def error_get_last() -> dict[str, Any] | None:
    """PHP's ``error_get_last()``: the last diagnostic as a dict, or ``None``."""
    last = _last.get()
    return None if last is None else dict(last)


def error_clear_last() -> None:
    """PHP's ``error_clear_last()``."""
    _last.set(None)


def error_reporting(error_level: int | None = None) -> int:
    """PHP's ``error_reporting()``: the old level; sets a new one unless None.

    Inside ``@`` it reads the level masked to the fatal errors (4437), as PHP 8.
    """
    old = _reporting.get()
    if old is None:
        old = E_ALL
    if error_level is not None:
        _reporting.set(error_level)
    return old & _SILENCED_LEVEL if _silenced.get() else old


def reporting_ini() -> str:
    """ini_get("error_reporting"): "" until a level was set."""
    level = _reporting.get()
    return "" if level is None else str(level)


def set_reporting_ini(level: int | None) -> None:
    """ini_set/ini_restore("error_reporting")."""
    _reporting.set(level)


def _arity(callback: Handler) -> int:
    """How many of (errno, errstr, errfile, errline) the callback takes."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return 4
    count = 0
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            return 4
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            count += 1
    return min(count, 4)


def set_error_handler(callback: Handler | None, error_levels: int = E_ALL) -> Handler | None:
    """PHP's ``set_error_handler()``: returns the handler it replaces (or None)."""
    if callback is not None and not callable(callback):
        raise TypeError(
            "set_error_handler(): Argument #1 ($callback) must be a valid callback or null, "
            "no array or string given"
        )
    stack = _handlers.get()
    entry = None if callback is None else (callback, error_levels, _arity(callback))
    _handlers.set((entry, *stack))
    return None if stack[0] is None else stack[0][0]


def restore_error_handler() -> bool:
    """PHP's ``restore_error_handler()``: the previous handler is back; always True."""
    stack = _handlers.get()
    _handlers.set(stack[1:] or (None,))
    return True


@contextlib.contextmanager
def silence() -> Iterator[None]:
    """PHP's ``@`` operator: diagnostics inside are recorded but not shown (an
    error handler still sees them, with ``error_reporting()`` reading 4437)."""
    token = _silenced.set(_silenced.get() + 1)
    level = _reporting.get()
    try:
        yield
    finally:
        _silenced.reset(token)
        # PHP (ZEND_END_SILENCE): a level changed inside @ to fatal errors only
        # (error_reporting(0), say) is put back; any other change stays.
        now = _reporting.get()
        if now is not None and now != level and not now & ~_SILENCED_LEVEL:
            _reporting.set(level)
