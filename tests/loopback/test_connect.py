"""Connecting: return values, errno/errstr and warnings as PHP 8.2 gives them.

Every expectation here was observed with php8.2-cli 8.2.36 against the same kind
of loopback peer; the parity tests re-check them against live PHP.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from phpstreams import (
    STREAM_CLIENT_ASYNC_CONNECT,
    STREAM_CLIENT_CONNECT,
    Ref,
    fclose,
    feof,
    fread,
    fsockopen,
    fwrite,
    get_resource_type,
    ini_set,
    is_resource,
    stream_context_create,
    stream_get_meta_data,
    stream_socket_client,
    stream_socket_get_name,
)

GAI = "php_network_getaddresses: getaddrinfo for {} failed: Name or service not known"
Server = Callable[..., Any]  # the server fixture (conftest.py): makes LoopbackServers
Handler = Callable[[Any], None]
PHPDiagnostics = Callable[[], AbstractContextManager[list[tuple[str, str]]]]
WarningsOf = Callable[[list[tuple[str, str]]], list[str]]


def test_stream_socket_client_connects(server: Server) -> None:
    srv = server()
    errno, errstr = Ref("x"), Ref("x")
    fp = stream_socket_client(f"tcp://127.0.0.1:{srv.port}", errno, errstr, 5)
    assert fp is not False
    assert (errno.value, errstr.value) == (0, "")
    assert get_resource_type(fp) == "stream"
    assert stream_socket_get_name(fp, True) == f"127.0.0.1:{srv.port}"
    assert fclose(fp) is True


def test_no_scheme_means_tcp(server: Server) -> None:
    srv = server()
    fp = stream_socket_client(f"127.0.0.1:{srv.port}")
    assert fp is not False
    assert stream_get_meta_data(fp)["stream_type"] == "tcp_socket/ssl"


def test_refused(
    refused_port: int, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        fp = stream_socket_client(f"tcp://127.0.0.1:{refused_port}", errno, errstr, 5)
    assert fp is False
    assert (errno.value, errstr.value) == (111, "Connection refused")
    assert warnings_of(diags) == [
        f"stream_socket_client(): Unable to connect to tcp://127.0.0.1:{refused_port} "
        "(Connection refused)"
    ]


def test_fsockopen_refused_warning_has_raw_port(
    refused_port: int, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert fsockopen("127.0.0.1", refused_port, errno, errstr, 5) is False
    assert (errno.value, errstr.value) == (111, "Connection refused")
    assert warnings_of(diags) == [
        f"fsockopen(): Unable to connect to 127.0.0.1:{refused_port} (Connection refused)"
    ]


def test_fsockopen_port_minus_one_in_warning(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert fsockopen("127.0.0.1", -1, errno, errstr) is False
    assert (errno.value, errstr.value) == (0, 'Failed to parse address "127.0.0.1"')
    assert warnings_of(diags) == [
        'fsockopen(): Unable to connect to 127.0.0.1:-1 (Failed to parse address "127.0.0.1")'
    ]


@pytest.mark.parametrize("port", [-1, 0])
def test_fsockopen_port_in_hostname(server: Server, port: int) -> None:
    srv = server()
    fp = fsockopen(f"127.0.0.1:{srv.port}", port)
    assert fp is not False
    assert stream_socket_get_name(fp, True) == f"127.0.0.1:{srv.port}"


def test_fsockopen_port_above_65535_wraps(server: Server) -> None:
    srv = server()
    fp = fsockopen("127.0.0.1", 65536 + srv.port)
    assert fp is not False
    assert stream_socket_get_name(fp, True) == f"127.0.0.1:{srv.port}"


def test_fsockopen_port_already_in_hostname_wins(server: Server) -> None:
    srv = server()
    fp = fsockopen(f"127.0.0.1:{srv.port}", 80)
    assert fp is not False
    assert stream_socket_get_name(fp, True) == f"127.0.0.1:{srv.port}"


def test_fsockopen_success_resets_refs(server: Server) -> None:
    srv = server()
    errno, errstr = Ref(7), Ref("old")
    assert fsockopen("127.0.0.1", srv.port, errno, errstr) is not False
    assert (errno.value, errstr.value) == (0, "")


def test_dns_failure_warns_twice(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_client("nonexistent.invalid:80", errno, errstr, 5) is False
    text = GAI.format("nonexistent.invalid")
    assert (errno.value, errstr.value) == (0, text)
    assert warnings_of(diags) == [
        f"stream_socket_client(): {text}",
        f"stream_socket_client(): Unable to connect to nonexistent.invalid:80 ({text})",
    ]


def test_fsockopen_bare_ipv6_has_empty_host(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert fsockopen("::1", 80, errno, errstr) is False
    text = GAI.format("")  # PHP: "::1:80" splits at the first colon
    assert (errno.value, errstr.value) == (0, text)
    assert warnings_of(diags) == [
        f"fsockopen(): {text}",
        f"fsockopen(): Unable to connect to ::1:80 ({text})",
    ]


def test_warning_address_is_addslashed(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    with php_diagnostics() as diags:
        assert stream_socket_client("tcp://a'b:1") is False
    text = GAI.format("a'b")
    assert warnings_of(diags)[1] == (
        f"stream_socket_client(): Unable to connect to tcp://a\\'b:1 ({text})"
    )


def test_nul_in_hostname(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_client("127.0.0.1\0x:80", errno, errstr) is False
        assert fsockopen("localhost\0.example.com", 80) is False
    assert (errno.value, errstr.value) == (0, "The hostname must not contain null bytes")
    assert warnings_of(diags) == [
        "stream_socket_client(): Unable to connect to 127.0.0.1\\0x:80 "
        "(The hostname must not contain null bytes)",
        "fsockopen(): Unable to connect to localhost:80 (The hostname must not contain null bytes)",
    ]


def test_unknown_transport_errno_is_zero(
    php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_client("sslv3://127.0.0.1:1", errno, errstr) is False
    text = (
        'Unable to find the socket transport "sslv3" - '
        "did you forget to enable it when you configured PHP?"
    )
    # PHP leaves $errno uninitialised here; phpstreams reports 0 (compat_matrix.md).
    assert (errno.value, errstr.value) == (0, text)
    assert warnings_of(diags) == [
        f"stream_socket_client(): Unable to connect to sslv3://127.0.0.1:1 ({text})"
    ]


def test_connect_timeout(blackhole_port: int, php_diagnostics: PHPDiagnostics) -> None:
    errno, errstr = Ref(), Ref()
    started = time.monotonic()
    with php_diagnostics() as diags:
        assert (
            stream_socket_client(f"tcp://127.0.0.1:{blackhole_port}", errno, errstr, 0.5) is False
        )
    assert 0.45 <= time.monotonic() - started < 3
    assert (errno.value, errstr.value) == (110, "Connection timed out")
    assert len(diags) == 1


def test_negative_client_timeout_means_default_socket_timeout(
    blackhole_port: int, php_diagnostics: PHPDiagnostics
) -> None:
    ini_set("default_socket_timeout", "1")
    started = time.monotonic()
    with php_diagnostics():
        assert stream_socket_client(f"127.0.0.1:{blackhole_port}", None, None, -1) is False
    assert 0.9 <= time.monotonic() - started < 3


def test_fsockopen_timeout_out_of_range() -> None:
    for bad in (-2.0, -1.5, float("nan"), 1.8446744073710e13):
        with pytest.raises(
            ValueError, match=r"^fsockopen\(\): Argument #6 must be -1 or between 0"
        ):
            fsockopen("127.0.0.1", 1, None, None, bad)


def test_unix_missing_and_empty(tmp_path: Path, php_diagnostics: PHPDiagnostics) -> None:
    errno, errstr = Ref(), Ref()
    with php_diagnostics():
        assert stream_socket_client(f"unix://{tmp_path}/missing.sock", errno, errstr) is False
        assert (errno.value, errstr.value) == (2, "No such file or directory")
        assert stream_socket_client("unix://", errno, errstr) is False
        assert (errno.value, errstr.value) == (22, "Invalid argument")
        assert fsockopen(f"udg://{tmp_path}/missing.sock", -1, errno, errstr) is False
        assert (errno.value, errstr.value) == (2, "No such file or directory")


def test_unix_echo(server: Server, tmp_path: Path, echo: Handler) -> None:
    path = str(tmp_path / "echo.sock")
    server(echo, family=socket.AF_UNIX, address=path)
    fp = fsockopen(f"unix://{path}")
    assert fp is not False
    assert stream_get_meta_data(fp)["stream_type"] == "unix_socket"
    assert fwrite(fp, "ping\n") == 5
    assert fread(fp, 100) == b"ping\n"


def test_unix_path_too_long_is_truncated_with_notice(
    tmp_path: Path, php_diagnostics: PHPDiagnostics
) -> None:
    long_path = str(tmp_path / ("x" * 120))
    with php_diagnostics() as diags:
        assert stream_socket_client(f"unix://{long_path}") is False
    assert diags[0] == (
        "E_NOTICE",
        "stream_socket_client(): socket path exceeded the maximum allowed length of 107 bytes "
        "and was truncated",
    )


def test_udp_connect_always_succeeds(refused_port: int) -> None:
    errno, errstr = Ref(), Ref()
    fp = stream_socket_client(f"udp://127.0.0.1:{refused_port}", errno, errstr)
    assert fp is not False
    assert (errno.value, errstr.value) == (0, "")
    assert stream_get_meta_data(fp)["stream_type"] == "udp_socket"


@pytest.mark.usefixtures("ipv6_loopback")
def test_ipv6(server: Server) -> None:
    srv = server(family=socket.AF_INET6)
    fp = stream_socket_client(f"tcp://[::1]:{srv.port}")
    assert fp is not False
    assert stream_socket_get_name(fp, True) == f"[::1]:{srv.port}"
    assert fsockopen("[::1]", srv.port) is not False


def test_flags_without_connect_give_unconnected_stream() -> None:
    fp = stream_socket_client("abc", None, None, 1, 0)
    assert fp is not False and is_resource(fp)
    assert stream_socket_get_name(fp, False) is False


def test_async_connect_to_refused_port(refused_port: int, php_diagnostics: PHPDiagnostics) -> None:
    errno, errstr = Ref(), Ref()
    flags = STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT
    fp = stream_socket_client(f"tcp://127.0.0.1:{refused_port}", errno, errstr, 1, flags)
    assert fp is not False
    assert (errno.value, errstr.value) == (0, "")
    assert stream_get_meta_data(fp)["blocked"] is True  # PHP: although the fd is non-blocking
    time.sleep(0.1)
    with php_diagnostics() as diags:
        assert fwrite(fp, "x") is False
    assert diags == [
        ("E_NOTICE", "fwrite(): Send of 1 bytes failed with errno=111 Connection refused")
    ]
    assert fread(fp, 10) == b""
    assert feof(fp) is True


def test_bindto(server: Server, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    srv = server()
    ctx = stream_context_create({"socket": {"bindto": "127.0.0.1:0"}})
    assert stream_socket_client(f"tcp://127.0.0.1:{srv.port}", None, None, 5, 4, ctx) is not False
    ctx = stream_context_create({"socket": {"bindto": "foo:0"}})
    with php_diagnostics() as diags:
        fp = stream_socket_client(f"tcp://127.0.0.1:{srv.port}", None, None, 5, 4, ctx)
    assert fp is not False
    assert warnings_of(diags) == ["stream_socket_client(): Invalid IP Address: foo"]
    # PHP: an unparsable bindto is ignored silently
    ctx = stream_context_create({"socket": {"bindto": "nocolon"}})
    assert stream_socket_client(f"tcp://127.0.0.1:{srv.port}", None, None, 5, 4, ctx) is not False


def test_bindto_in_use_warns_and_connects(
    server: Server, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    srv = server()
    other = server()
    ctx = stream_context_create({"socket": {"bindto": f"127.0.0.1:{other.port}"}})
    with php_diagnostics() as diags:
        fp = stream_socket_client(f"tcp://127.0.0.1:{srv.port}", None, None, 5, 4, ctx)
    assert fp is not False
    assert warnings_of(diags) == [
        f"stream_socket_client(): Failed to bind to '127.0.0.1:{other.port}', "
        "system said: Address already in use"
    ]


def test_bindto_not_a_string(server: Server, php_diagnostics: PHPDiagnostics) -> None:
    srv = server()
    errno, errstr = Ref(), Ref()
    ctx = stream_context_create({"socket": {"bindto": 5}})
    with php_diagnostics():
        fp = stream_socket_client(f"tcp://127.0.0.1:{srv.port}", errno, errstr, 5, 4, ctx)
    assert fp is False
    assert (errno.value, errstr.value) == (0, "local_addr context option is not a string.")
