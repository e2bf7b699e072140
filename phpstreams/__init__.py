"""phpstreams: PHP 8.2's socket stream API, with PHP's exact behaviour, in Python.

A PHP call site ports line for line::

    errno, errstr = Ref(), Ref()
    fp = fsockopen("127.0.0.1", 25, errno, errstr, 5)
    if fp is False:
        print(f"{errstr.value} ({errno.value})")

Failures return ``False`` and warn with PHP's texts (``PHPWarning``); by-reference
parameters take a :class:`Ref`. See the project's ``api.md`` for the contract.
"""

from __future__ import annotations

from ._constants import *  # noqa: F403
from ._constants import __all__ as _constant_names
from ._contexts import (
    stream_context_create,
    stream_context_get_default,
    stream_context_get_options,
    stream_context_get_params,
    stream_context_set_default,
    stream_context_set_option,
    stream_context_set_params,
)
from ._diagnostics import (
    E_NOTICE,
    E_WARNING,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
    silence,
)
from ._ini import ini_get, ini_set
from ._io import (
    fclose,
    feof,
    fflush,
    fgetc,
    fgets,
    fputs,
    fread,
    fwrite,
    set_file_buffer,
    socket_get_status,
    socket_set_blocking,
    socket_set_timeout,
    stream_get_contents,
    stream_get_line,
    stream_get_meta_data,
    stream_set_blocking,
    stream_set_chunk_size,
    stream_set_read_buffer,
    stream_set_timeout,
    stream_set_write_buffer,
    stream_socket_recvfrom,
    stream_socket_sendto,
    stream_socket_shutdown,
)
from ._ref import Ref
from ._resource import (
    ContextResource,
    StreamResource,
    get_resource_id,
    get_resource_type,
    is_resource,
)
from ._select import stream_select
from ._sockets import (
    fsockopen,
    pfsockopen,
    stream_get_transports,
    stream_is_local,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_pair,
    stream_socket_server,
)
from ._tls_api import stream_socket_enable_crypto
from ._x509 import (
    OpenSSLCertificate,
    openssl_x509_export,
    openssl_x509_fingerprint,
    openssl_x509_parse,
)

__all__ = [
    "E_NOTICE",
    "E_WARNING",
    "ContextResource",
    "PHPNotice",
    "PHPWarning",
    "Ref",
    "StreamResource",
    "error_clear_last",
    "error_get_last",
    "fclose",
    "stream_socket_enable_crypto",
    "OpenSSLCertificate",
    "openssl_x509_export",
    "openssl_x509_fingerprint",
    "openssl_x509_parse",
    "stream_select",
    "stream_socket_shutdown",
    "stream_socket_sendto",
    "stream_socket_recvfrom",
    "stream_set_write_buffer",
    "stream_set_read_buffer",
    "stream_set_chunk_size",
    "stream_get_line",
    "stream_get_contents",
    "socket_set_timeout",
    "socket_set_blocking",
    "socket_get_status",
    "set_file_buffer",
    "fgetc",
    "fflush",
    "feof",
    "fgets",
    "fputs",
    "fread",
    "fsockopen",
    "fwrite",
    "get_resource_id",
    "get_resource_type",
    "ini_get",
    "ini_set",
    "is_resource",
    "pfsockopen",
    "silence",
    "stream_context_create",
    "stream_context_get_default",
    "stream_context_get_options",
    "stream_context_get_params",
    "stream_context_set_default",
    "stream_context_set_option",
    "stream_context_set_params",
    "stream_get_meta_data",
    "stream_get_transports",
    "stream_is_local",
    "stream_set_blocking",
    "stream_set_timeout",
    "stream_socket_accept",
    "stream_socket_client",
    "stream_socket_get_name",
    "stream_socket_pair",
    "stream_socket_server",
    *_constant_names,
]
