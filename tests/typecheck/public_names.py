"""Type-checked by CI (``mypy --strict``), never run: the public names as a user
imports them, with the types a port relies on."""

from __future__ import annotations

from typing import Literal

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    Ref,
    StreamResource,
    fgets,
    fwrite,
    stream_socket_client,
    stream_socket_enable_crypto,
)


def port(address: str) -> bytes | Literal[False]:
    errno, errstr = Ref(), Ref()
    fp: StreamResource | Literal[False] = stream_socket_client(
        address, errno, errstr, 5, STREAM_CLIENT_CONNECT
    )
    if fp is False:
        return False
    fwrite(fp, "EHLO client.example\r\n")
    enabled: bool | Literal[0] = stream_socket_enable_crypto(
        fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT
    )
    if enabled is not True:
        return False
    return fgets(fp)


def predis_nodelay(fp: StreamResource) -> bool:
    """Predis' TCP_NODELAY through ext/sockets, and an fscanf / fgetcsv read."""
    from phpstreams import (
        SOL_TCP,
        TCP_NODELAY,
        fgetcsv,
        fscanf,
        socket_import_stream,
        socket_set_option,
    )

    sock = socket_import_stream(fp)
    if sock is False:
        return False
    code = Ref()
    counted: object = fscanf(fp, "%d", code)
    row: list[bytes | None] | Literal[False] = fgetcsv(fp)
    return socket_set_option(sock, SOL_TCP, TCP_NODELAY, 1) and bool(counted) and bool(row)
