"""PHP's warnings for a failed TLS operation: php_openssl_handle_ssl_error."""

from __future__ import annotations

import ssl

from ..core.diagnostics import warning_here
from ..core.errors import strerror
from ..transport import openssl as _openssl

__all__ = ["report_ssl_error", "ssl_error_messages"]


def ssl_error_messages(exc: BaseException) -> list[str]:
    """php_openssl_handle_ssl_error's warnings for a failed SSL operation."""
    if isinstance(exc, (ssl.SSLZeroReturnError, ssl.SSLEOFError)):
        return []  # PHP: a clean close (or EOF) during the operation warns nothing
    if isinstance(exc, ssl.SSLError):
        if getattr(exc, "reason", None) == "NO_SHARED_CIPHER":
            return [
                "SSL_R_NO_SHARED_CIPHER: no suitable shared cipher could be used.  This could be "
                "because the server is missing an SSL certificate (local_cert context option)"
            ]
        code = _openssl.error_code(exc)
        lines = "" if code is None else "OpenSSL Error messages:\n" + _openssl.error_string(code)
        return [f"SSL operation failed with code {exc.errno or 1}. {lines}"]
    if isinstance(exc, OSError) and exc.errno:
        return [f"SSL: {strerror(exc.errno)}"]
    return []


def report_ssl_error(exc: BaseException) -> None:
    """The warnings of a failed TLS read or write, prefixed with the PHP function."""
    for text in ssl_error_messages(exc):
        warning_here(text)
