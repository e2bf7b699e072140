"""Servers: stream_socket_server, stream_socket_accept, names, pairs, as PHP 8.2 does them."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from phpstreams import (
    STREAM_PF_INET,
    STREAM_PF_UNIX,
    STREAM_SERVER_BIND,
    STREAM_SOCK_STREAM,
    Ref,
    fclose,
    fgets,
    fread,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_get_transports,
    stream_is_local,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_pair,
    stream_socket_server,
)

PHPDiagnostics = Callable[[], AbstractContextManager[list[tuple[str, str]]]]
WarningsOf = Callable[[list[tuple[str, str]]], list[str]]


def test_server_accept_roundtrip() -> None:
    srv = stream_socket_server("tcp://127.0.0.1:0")
    assert srv is not False
    name = stream_socket_get_name(srv, False)
    assert isinstance(name, str) and name.startswith("127.0.0.1:")
    assert stream_socket_get_name(srv, True) is False
    client = stream_socket_client(f"tcp://{name}")
    assert client is not False
    peer = Ref()
    conn = stream_socket_accept(srv, 1, peer)
    assert conn is not False
    assert peer.value == stream_socket_get_name(client, False)
    assert fwrite(conn, b"hello\n") == 6
    assert fgets(client) == b"hello\n"
    assert stream_get_meta_data(conn)["stream_type"] == "tcp_socket/ssl"


def test_address_in_use_sets_errstr_not_errno(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    first = stream_socket_server("tcp://127.0.0.1:0")
    assert first is not False
    name = stream_socket_get_name(first, False)
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_server(f"tcp://{name}", errno, errstr) is False
    assert (errno.value, errstr.value) == (0, "Address already in use")
    assert warnings_of(diags) == [
        f"stream_socket_server(): Unable to connect to tcp://{name} (Address already in use)"
    ]


def test_udp_server_needs_bind_only(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_server("udp://127.0.0.1:0", errno, errstr) is False
    assert (errno.value, errstr.value) == (0, "")
    assert warnings_of(diags) == [
        "stream_socket_server(): Unable to connect to udp://127.0.0.1:0 (Unknown error)"
    ]
    udp = stream_socket_server("udp://127.0.0.1:0", errno, errstr, STREAM_SERVER_BIND)
    assert udp is not False
    assert stream_get_meta_data(udp)["stream_type"] == "udp_socket"


def test_unix_server_path_exists(
    tmp_path: Path, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    path = tmp_path / "s.sock"
    srv = stream_socket_server(f"unix://{path}")
    assert srv is not False
    assert stream_socket_get_name(srv, False) == str(path)
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_server(f"unix://{path}", errno, errstr) is False
    assert (errno.value, errstr.value) == (0, "")
    assert warnings_of(diags) == [
        f"stream_socket_server(): Unable to connect to unix://{path} (Unknown error)"
    ]


def test_server_parse_and_dns_errors(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_server("127.0.0.1", errno, errstr) is False
        assert stream_socket_server("nonexistent.invalid:0", errno, errstr) is False
    gai = "php_network_getaddresses: getaddrinfo for nonexistent.invalid failed: Name or service not known"
    assert warnings_of(diags) == [
        'stream_socket_server(): Unable to connect to 127.0.0.1 (Failed to parse address "127.0.0.1")',
        f"stream_socket_server(): {gai}",
        f"stream_socket_server(): Unable to connect to nonexistent.invalid:0 ({gai})",
    ]
    assert (errno.value, errstr.value) == (0, gai)


def test_accept_timeout(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    srv = stream_socket_server("tcp://127.0.0.1:0")
    assert srv is not False
    peer = Ref("untouched")
    started = time.monotonic()
    with php_diagnostics() as diags:
        assert stream_socket_accept(srv, 0.2, peer) is False
    assert 0.15 < time.monotonic() - started < 2
    assert warnings_of(diags) == ["stream_socket_accept(): Accept failed: Connection timed out"]
    assert peer.value == "untouched"


def test_accept_on_bound_but_not_listening(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    srv = stream_socket_server("tcp://127.0.0.1:0", None, None, STREAM_SERVER_BIND)
    assert srv is not False
    with php_diagnostics() as diags:
        assert stream_socket_accept(srv, 0.2) is False
    assert warnings_of(diags) == ["stream_socket_accept(): Accept failed: Invalid argument"]


def test_unbound_server_stream(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    srv = stream_socket_server("tcp://127.0.0.1:0", None, None, 0)
    assert srv is not False
    assert stream_socket_get_name(srv, False) is False
    with php_diagnostics() as diags:
        assert stream_socket_accept(srv, 0.1) is False
    assert warnings_of(diags) == ["stream_socket_accept(): Accept failed: Connection timed out"]


def test_backlog_and_reuseport_options() -> None:
    ctx = stream_context_create({"socket": {"backlog": 1, "so_reuseport": True}})
    srv = stream_socket_server("tcp://127.0.0.1:0", None, None, 12, ctx)
    assert srv is not False
    sock = srv.stream.transport.sock  # type: ignore[union-attr]
    assert sock is not None
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1


@pytest.mark.usefixtures("ipv6_loopback")
def test_ipv6_server_names() -> None:
    ctx = stream_context_create({"socket": {"ipv6_v6only": True}})
    srv = stream_socket_server("tcp://[::1]:0", None, None, 12, ctx)
    assert srv is not False
    name = stream_socket_get_name(srv, False)
    assert isinstance(name, str) and name.startswith("[::1]:")
    client = stream_socket_client(f"tcp://{name}")
    peer = Ref()
    assert stream_socket_accept(srv, 1, peer) is not False
    assert client is not False
    assert peer.value == stream_socket_get_name(client, False)


def test_tcp_nodelay_on_client_and_accepted() -> None:
    ctx = stream_context_create({"socket": {"tcp_nodelay": True}})
    srv = stream_socket_server("tcp://127.0.0.1:0", None, None, 12, ctx)
    assert srv is not False
    client = stream_socket_client(
        f"tcp://{stream_socket_get_name(srv, False)}", None, None, 5, 4, ctx
    )
    conn = stream_socket_accept(srv, 1)
    for fp in (client, conn):
        assert fp is not False
        sock = fp.stream.transport.sock  # type: ignore[union-attr]
        assert sock is not None and sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_socket_pair() -> None:
    pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert isinstance(pair, list) and len(pair) == 2
    a, b = pair
    assert stream_get_meta_data(a)["stream_type"] == "generic_socket"
    assert stream_socket_get_name(a, False) is False
    assert fwrite(a, "x") == 1
    assert fread(b, 10) == b"x"
    fclose(a)
    fclose(b)


def test_socket_pair_failures(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    with php_diagnostics() as diags:
        assert stream_socket_pair(STREAM_PF_INET, STREAM_SOCK_STREAM, 0) is False
        assert stream_socket_pair(99, 1, 0) is False
    assert warnings_of(diags) == [
        "stream_socket_pair(): Failed to create sockets: [95]: Operation not supported",
        "stream_socket_pair(): Failed to create sockets: [97]: Address family not supported by protocol",
    ]


def test_transports_and_is_local(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    assert stream_get_transports() == [
        "tcp", "udp", "unix", "udg", "ssl", "tls", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3",
    ]  # fmt: skip
    srv = stream_socket_server("tcp://127.0.0.1:0")
    assert srv is not False
    assert stream_is_local(srv) is False
    assert stream_is_local("http://x") is False
    assert stream_is_local("/tmp") is True
    with php_diagnostics() as diags:
        assert stream_is_local("tcp://127.0.0.1:80") is True
    assert warnings_of(diags) == [
        'stream_is_local(): Unable to find the wrapper "tcp" - did you forget to enable it when '
        "you configured PHP?"
    ]
