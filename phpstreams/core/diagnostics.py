"""PHP diagnostics: warnings, notices, ``error_get_last()``, the ``@`` operator.

Every PHP ``E_WARNING``/``E_NOTICE`` the library raises goes through :func:`emit`,
the one emitter: it records the error for ``error_get_last()`` (as PHP records it
even when silenced) and, unless a :func:`silence` block is active, shows it with
``warnings.warn`` as a :class:`PHPWarning` / :class:`PHPNotice` whose text is
exactly PHP's message, function prefix included.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = [
    "E_DEPRECATED",
    "E_NOTICE",
    "E_WARNING",
    "PHPDeprecated",
    "PHPNotice",
    "PHPWarning",
    "deprecated",
    "emit",
    "error_clear_last",
    "error_get_last",
    "notice",
    "silence",
    "warning",
    "warning_here",
]

E_WARNING = 2
E_NOTICE = 8
E_DEPRECATED = 8192


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
_state = threading.local()
_last: dict[str, Any] | None = None


def _silenced() -> int:
    return int(getattr(_state, "silenced", 0))


def _inside(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def _caller_frame() -> tuple[int, str, int]:
    """The stacklevel, file and line of the first frame outside this package."""
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
    """The PHP function being called: the outermost frame inside this package."""
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
    """Record and (unless silenced) show one PHP diagnostic."""
    global _last
    level, filename, line = _caller_frame()
    _last = {"type": error_type, "message": message, "file": filename, "line": line}
    if _silenced():
        return
    category = _CATEGORIES.get(error_type, PHPWarning)
    warnings.warn(message, category, stacklevel=level)


def warning(message: str) -> None:
    emit(E_WARNING, message)


def notice(message: str) -> None:
    emit(E_NOTICE, message)


def deprecated(message: str) -> None:
    emit(E_DEPRECATED, message)


def error_get_last() -> dict[str, Any] | None:
    """PHP's ``error_get_last()``: the last diagnostic as a dict, or ``None``."""
    return None if _last is None else dict(_last)


def error_clear_last() -> None:
    """PHP's ``error_clear_last()``."""
    global _last
    _last = None


@contextlib.contextmanager
def silence() -> Iterator[None]:
    """PHP's ``@`` operator: diagnostics inside are recorded but not shown."""
    _state.silenced = _silenced() + 1
    try:
        yield
    finally:
        _state.silenced -= 1
