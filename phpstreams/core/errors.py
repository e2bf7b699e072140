"""The one place where a stdlib exception becomes PHP's ``(errno, errstr)``."""

from __future__ import annotations

import errno as _errno
import os
import socket

from .address import AddressError

__all__ = ["XportError", "php_error_of", "strerror"]


class XportError(Exception):
    """A transport operation failed as PHP reports it: errno and errstr.

    ``errstr`` None means PHP had no text (the warning then says ``Unknown error``).
    """

    def __init__(self, code: int, errstr: str | None) -> None:
        super().__init__(code, errstr)
        self.errno = code
        self.errstr = errstr


def php_error_of(exc: BaseException) -> tuple[int, str | None]:
    """PHP's errno/errstr for an exception raised below the facade."""
    if isinstance(exc, XportError):
        return exc.errno, exc.errstr
    if isinstance(exc, AddressError):
        return 0, exc.errstr
    if isinstance(exc, socket.gaierror):
        # php-src main/network.c: php_network_getaddresses
        return 0, (
            f"php_network_getaddresses: getaddrinfo for {exc.filename} failed: {exc.strerror}"
        )
    if isinstance(exc, TimeoutError) and not exc.errno:
        return _errno.ETIMEDOUT, strerror(_errno.ETIMEDOUT)
    if isinstance(exc, OSError):
        code = exc.errno or 0
        return code, (strerror(code) if code else None)
    raise exc


def strerror(code: int) -> str:
    """The C library's text for an errno, as PHP's messages quote it."""
    return os.strerror(code)
