"""PHP's error and ini functions: error_get_last, error_clear_last, the ``@``
operator (:func:`silence`), ini_get and ini_set."""

from __future__ import annotations

from ..core.diagnostics import (
    PHPDeprecated,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
    error_reporting,
    restore_error_handler,
    set_error_handler,
    silence,
)
from ..core.ini import ini_get, ini_restore, ini_set

__all__ = [
    "PHPDeprecated",
    "PHPNotice",
    "PHPWarning",
    "error_clear_last",
    "error_get_last",
    "error_reporting",
    "ini_get",
    "ini_restore",
    "ini_set",
    "restore_error_handler",
    "set_error_handler",
    "silence",
]
