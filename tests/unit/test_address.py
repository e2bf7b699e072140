"""Address parsing, without sockets: PHP 8.2's answers for each shape of address."""

from __future__ import annotations

import pytest

from phpstreams.core.address import (
    AddressError,
    InetAddress,
    c_atoi,
    fsockopen_address,
    parse_inet_address,
    split_transport,
)

UNKNOWN = 'Unable to find the socket transport "{}" - did you forget to enable it when you configured PHP?'


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:80", ("tcp", "127.0.0.1:80")),
        ("tcp://127.0.0.1:80", ("tcp", "127.0.0.1:80")),
        ("udp://127.0.0.1:53", ("udp", "127.0.0.1:53")),
        ("unix:///run/x.sock", ("unix", "/run/x.sock")),
        ("udg:///run/x.sock", ("udg", "/run/x.sock")),
        ("tlsv1.2://h:1", ("tlsv1.2", "h:1")),
        # PHP: a one-character scheme is not a scheme
        ("a://127.0.0.1:1", ("tcp", "a://127.0.0.1:1")),
        ("tcp://", ("tcp", "")),
        ("", ("tcp", "")),
        ("[::1]:80", ("tcp", "[::1]:80")),
    ],
)
def test_split_transport(address: str, expected: tuple[str, str]) -> None:
    assert split_transport(address) == expected


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("TCP://x:1", "TCP"),  # PHP: transport names are case-sensitive
        ("foo://x:1", "foo"),
        ("sslv2://x:1", "sslv2"),
        ("sslv3://x:1", "sslv3"),
        ("a" * 51 + "://x:1", "a" * 31),  # PHP: the name is cut at 31 bytes
    ],
)
def test_unknown_transport(address: str, shown: str) -> None:
    with pytest.raises(AddressError) as info:
        split_transport(address)
    assert info.value.errstr == UNKNOWN.format(shown)


@pytest.mark.parametrize(
    ("address", "host", "port"),
    [
        ("127.0.0.1:80", "127.0.0.1", 80),
        ("[::1]:80", "::1", 80),
        ("[127.0.0.1]:8080", "127.0.0.1", 8080),
        ("[::1]:", "::1", 0),
        ("::1:80", "", 0),  # PHP: the FIRST colon; the port is atoi(":1:80")
        (":80", "", 80),
        ("h:80/path", "h", 80),
        ("h:80:5", "h", 80),
        ("h:abc", "h", 0),
        ("h:+80", "h", 80),
        ("h:080", "h", 80),
        ("h: 80", "h", 80),
        ("h:80.9", "h", 80),
        ("h:-1", "h", 65535),
        ("h:70000", "h", 4464),
        ("h:74321", "h", 8785),
        (f"h:{65536 + 25}", "h", 25),
        (f"h:{2**32 + 25}", "h", 25),
        ("h:99999999999999999999", "h", 65535),
    ],
)
def test_parse_inet_address(address: str, host: str, port: int) -> None:
    assert parse_inet_address(address) == InetAddress(host, port)


@pytest.mark.parametrize(
    ("address", "errstr"),
    [
        ("127.0.0.1", 'Failed to parse address "127.0.0.1"'),
        ("127.0.0.1:", 'Failed to parse address "127.0.0.1:"'),
        ("", 'Failed to parse address ""'),
        ("/tmp/x.sock", 'Failed to parse address "/tmp/x.sock"'),
        ("[::1]", 'Failed to parse IPv6 address "[::1]"'),
        ("[::1", 'Failed to parse IPv6 address "[::1"'),
        ("[::1:80", 'Failed to parse IPv6 address "[::1:80"'),
        ("[::1]x80", 'Failed to parse IPv6 address "[::1]x80"'),
        ("127.0.0.1\0x:80", "The hostname must not contain null bytes"),
        ("[::1\0]:80", "The hostname must not contain null bytes"),
    ],
)
def test_parse_inet_address_errors(address: str, errstr: str) -> None:
    with pytest.raises(AddressError) as info:
        parse_inet_address(address)
    assert info.value.errstr == errstr


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80", 80),
        (" 80", 80),
        ("+80", 80),
        ("-5", -5),
        ("", 0),
        ("x1", 0),
        ("2147483648", -(2**31)),
    ],
)
def test_c_atoi(text: str, value: int) -> None:
    assert c_atoi(text) == value


@pytest.mark.parametrize(
    ("hostname", "port", "address"),
    [
        ("127.0.0.1", 80, "127.0.0.1:80"),
        ("fe80::1", 80, "fe80::1:80"),  # PHP: appended blindly
        ("127.0.0.1:25", -1, "127.0.0.1:25"),
        ("127.0.0.1:25", 0, "127.0.0.1:25"),
        ("unix:///run/x.sock", -1, "unix:///run/x.sock"),
        ("127.0.0.1", 65536 + 80, "127.0.0.1:65616"),
    ],
)
def test_fsockopen_address(hostname: str, port: int, address: str) -> None:
    assert fsockopen_address(hostname, port) == address
