"""PHP's error and ini functions: error_get_last, error_clear_last, the ``@``
operator (:func:`silence`), ini_get and ini_set."""

from __future__ import annotations

from ..core.diagnostics import (
    E_DEPRECATED,
    E_NOTICE,
    E_WARNING,
    PHPDeprecated,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
    silence,
)
from ..core.ini import ini_get, ini_set

__all__ = [
    "E_DEPRECATED",
    "E_NOTICE",
    "E_WARNING",
    "PHPDeprecated",
    "PHPNotice",
    "PHPWarning",
    "error_clear_last",
    "error_get_last",
    "ini_get",
    "ini_set",
    "silence",
]
