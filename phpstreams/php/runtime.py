"""PHP's error and ini functions: error_get_last, error_clear_last,
error_reporting, set_error_handler, restore_error_handler, ini_get, ini_set,
ini_restore -- and :func:`silence`, which stands for PHP's ``@`` operator."""

from __future__ import annotations

from ..core import diagnostics, ini
from ..core.arguments import php_function
from ..core.diagnostics import PHPDeprecated, PHPNotice, PHPWarning, silence
from .signatures import STUBS

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

error_get_last = php_function(STUBS["error_get_last"])(diagnostics.error_get_last)
error_clear_last = php_function(STUBS["error_clear_last"])(diagnostics.error_clear_last)
error_reporting = php_function(STUBS["error_reporting"])(diagnostics.error_reporting)
set_error_handler = php_function(STUBS["set_error_handler"])(diagnostics.set_error_handler)
restore_error_handler = php_function(STUBS["restore_error_handler"])(
    diagnostics.restore_error_handler
)
ini_get = php_function(STUBS["ini_get"])(ini.ini_get)
ini_set = php_function(STUBS["ini_set"], unchecked=("value",))(ini.ini_set)
ini_restore = php_function(STUBS["ini_restore"])(ini.ini_restore)
